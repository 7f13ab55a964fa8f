// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * The recording backend and the fixture of the suites on a real user
 * address space: a backend whose every operation is recorded with its GPU
 * and interval, five GPUs attached to the test's mm, and the counters and
 * records the cases check.
 */

#include <kunit/test.h>
#include <kunit/visibility.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>

#include <drm/drm_pagemap.h>

#include "../drm_svm_coord_priv.h"
#include "drm_svm_coord_test.h"
#include "drm_svm_coord_test_rec.h"

static void record_busy(struct drm_svm_coord_vm *vm,
			enum drm_svm_coord_test_rec_op op, unsigned long start,
			unsigned long end, u32 flags, bool dma_ok, bool busy)
{
	struct drm_svm_coord_test_rec_gpu *g = drm_svm_coord_vm_priv(vm);
	struct drm_svm_coord_test_rec *rec = g->rec;

	spin_lock(&rec->lock);
	if (rec->count < REC_MAX)
		rec->ev[rec->count] = (struct drm_svm_coord_test_rec_event) {
			.op = op, .gpu = g->id, .start = start, .end = end,
			.flags = flags, .dma_ok = dma_ok, .busy = busy,
		};
	rec->count++;
	spin_unlock(&rec->lock);
}

static void record(struct drm_svm_coord_vm *vm,
		   enum drm_svm_coord_test_rec_op op, unsigned long start,
		   unsigned long end, u32 flags, bool dma_ok)
{
	record_busy(vm, op, start, end, flags, dma_ok, false);
}

static int rec_prepare(struct drm_svm_coord_vm *vm, unsigned long start,
		       unsigned long end)
{
	record(vm, REC_PREPARE, start, end, 0, false);
	return 0;
}

/* Every page of the range has a DMA address, in address order. */
static bool dma_complete(const struct drm_svm_coord_map_args *args)
{
	unsigned long npages = (args->end - args->start) >> PAGE_SHIFT;
	unsigned long i, j;

	for (i = 0, j = 0; i < npages; j++) {
		if (!args->dma[j].addr)
			return false;
		i += 1ul << args->dma[j].order;
	}
	return i == npages;
}

static int rec_map(struct drm_svm_coord_vm *vm,
		   const struct drm_svm_coord_map_args *args)
{
	struct drm_svm_coord_test_rec_gpu *g = drm_svm_coord_vm_priv(vm);

	lockdep_assert_held_read(&vm->svm->gpusvm.notifier_lock);
	record(vm, REC_MAP, args->start, args->end, args->flags,
	       dma_complete(args));
	return g->fail_map ? -ENOMEM : 0;
}

static int rec_unmap(struct drm_svm_coord_vm *vm, unsigned long start,
		     unsigned long end)
{
	struct drm_svm_coord_test_rec_gpu *g = drm_svm_coord_vm_priv(vm);

	record(vm, REC_UNMAP, start, end, 0, false);
	if (g->fail_unmap) {
		g->fail_unmap--;
		return -EIO;
	}
	return 0;
}

static void rec_wait(struct drm_svm_coord_vm *vm)
{
	record(vm, REC_WAIT, 0, 0, 0, false);
}

static void rec_quiesce(struct drm_svm_coord_vm *vm)
{
	record(vm, REC_QUIESCE, 0, 0, 0, false);
}

/*
 * Record whether drm_svm_coord_flush() would still wait, which it must
 * while the restore worker is between the maps and the resumes of a run.
 * Both are called without the notifier lock.
 */
static void rec_sync(struct drm_svm_coord_vm *vm)
{
	record_busy(vm, REC_SYNC, 0, 0, 0, false,
		    drm_svm_coord_work_pending(vm->svm));
}

static void rec_resume(struct drm_svm_coord_vm *vm)
{
	record_busy(vm, REC_RESUME, 0, 0, 0, false,
		    drm_svm_coord_work_pending(vm->svm));
}

static const struct drm_svm_coord_ops rec_ops = {
	.prepare = rec_prepare,
	.map = rec_map,
	.unmap = rec_unmap,
	.tlb_flush_wait = rec_wait,
	.quiesce = rec_quiesce,
	.resume = rec_resume,
	.map_sync = rec_sync,
};

static void rec_detach_action(void *vm)
{
	drm_svm_coord_detach(vm);
}

/**
 * drm_svm_coord_test_rec_init() - set up a &struct drm_svm_coord_test_fixture
 * @test: the test case
 *
 * A suite's &kunit_suite.init: attaches a user mm to the test, maps 6 MiB
 * of anonymous memory with small pages and attaches %NR_GPUS GPUs with the
 * recording backend, the first %NR_FAULTING of them able to fault. The
 * fixture goes to @test->priv.
 *
 * Every attachment made here is detached by a deferred action, so that a
 * failed assertion in the middle of the set-up leaves nothing behind and
 * no .exit runs on a half-built fixture.
 *
 * Return: 0; a failure fails the test through an assertion.
 */
int drm_svm_coord_test_rec_init(struct kunit *test)
{
	const struct drm_svm_coord_vm_caps caps = {
		.flags = DRM_SVM_COORD_VM_CAN_FAULT,
	}, nofault_caps = {};
	struct drm_svm_coord_test_fixture *fx;
	unsigned long addr;
	unsigned int i;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	spin_lock_init(&fx->rec.lock);
	KUNIT_ASSERT_EQ(test, kunit_attach_mm(), 0);

	addr = kunit_vm_mmap(test, NULL, 0, SZ_4M + SZ_2M,
			     PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "kunit_vm_mmap failed");
	fx->base = ALIGN(addr, SZ_2M);
	/* Small pages: a THP is split with an invalidation of all of it. */
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, addr, SZ_4M + SZ_2M,
					 MADV_NOHUGEPAGE), 0);

	for (i = 0; i < NR_GPUS; i++) {
		fx->gpu[i] = (struct drm_svm_coord_test_rec_gpu) {
			.rec = &fx->rec, .id = i,
		};
		fx->vm[i] = drm_svm_coord_attach(current->mm,
						 svm_test_drm_device(test, i),
						 &rec_ops,
						 i < NR_FAULTING ? &caps :
						 &nofault_caps, &fx->gpu[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fx->vm[i]);
		KUNIT_ASSERT_EQ(test,
				kunit_add_action_or_reset(test,
							  rec_detach_action,
							  fx->vm[i]), 0);
	}
	fx->svm = drm_svm_coord_vm_manager(fx->vm[0]);
	test->priv = fx;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_test_rec_init);

/**
 * drm_svm_coord_test_detach_now() - detach a GPU before the end of the test
 * @test: the test case
 * @fx: its fixture
 * @i: the GPU
 *
 * Detaches GPU @i now rather than at the end of the test. Its entry of
 * &drm_svm_coord_test_fixture.vm becomes NULL: a second call does nothing.
 */
void drm_svm_coord_test_detach_now(struct kunit *test,
				   struct drm_svm_coord_test_fixture *fx,
				   unsigned int i)
{
	if (fx->vm[i])
		kunit_release_action(test, rec_detach_action, fx->vm[i]);
	fx->vm[i] = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_test_detach_now);

/**
 * drm_svm_coord_test_stat() - read one counter
 * @fx: the fixture
 * @gpu: the GPU whose counter to read, or -1 for the manager's
 * @s: the counter
 *
 * Return: the counter's value.
 */
u64 drm_svm_coord_test_stat(struct drm_svm_coord_test_fixture *fx, int gpu,
			    enum drm_svm_coord_stat s)
{
	struct drm_svm_coord_stats st;

	drm_svm_coord_read_stats(fx->svm, gpu < 0 ? NULL : fx->vm[gpu], &st);
	return st.count[s];
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_test_stat);

/**
 * drm_svm_coord_test_count_ops() - count recorded backend operations
 * @fx: the fixture
 * @op: the operation
 * @gpu: the GPU that received them, or -1 for any
 *
 * Counts among the first %REC_MAX records only.
 *
 * Return: the number of @op operations recorded for @gpu.
 */
unsigned int drm_svm_coord_test_count_ops(struct drm_svm_coord_test_fixture *fx,
					  enum drm_svm_coord_test_rec_op op,
					  int gpu)
{
	unsigned int i, n = 0;

	for (i = 0; i < min(fx->rec.count, REC_MAX); i++)
		if (fx->rec.ev[i].op == op && (gpu < 0 || fx->rec.ev[i].gpu == gpu))
			n++;
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_test_count_ops);

/**
 * drm_svm_coord_test_rec_reset() - forget the records and the counters
 * @fx: the fixture
 *
 * Empties the record and resets the manager's and every GPU's counters.
 */
void drm_svm_coord_test_rec_reset(struct drm_svm_coord_test_fixture *fx)
{
	fx->rec.count = 0;
	drm_svm_coord_reset_stats(fx->svm);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_test_rec_reset);

MODULE_DESCRIPTION("KUnit helpers of drm_svm_coord: a recording backend and its fixture");
MODULE_LICENSE("Dual MIT/GPL");
