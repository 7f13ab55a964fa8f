// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * The shared mapping path: range sizing (pure), and faults, map requests,
 * invalidation fan-out, attributes and detach on a real user address space
 * against a backend that records every call.
 */

#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/prandom.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include <drm/drm_pagemap.h>

#include "../drm_svm_coord_priv.h"
#include "drm_svm_coord_test.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

static const unsigned long chunks[] = { SZ_2M, SZ_64K, SZ_4K };

static bool block_fits(unsigned long addr, unsigned long size,
		       unsigned long lo, unsigned long hi)
{
	unsigned long start = ALIGN_DOWN(addr, size);

	return start >= lo && start + size <= hi;
}

static void chunk_cases(struct kunit *test)
{
	const unsigned long b = SZ_1G;	/* 2 MiB aligned base */
	static const struct {
		unsigned long addr, lo, hi, max, want;
		const char *why;
	} cases[] = {
		{ b + SZ_4K, b, b + SZ_2M, SZ_2M, SZ_2M, "aligned VMA" },
		{ b + SZ_4K, b, b + SZ_4M, SZ_2M, SZ_2M, "inside a larger VMA" },
		{ b + SZ_4K, b, b + SZ_2M - SZ_4K, SZ_2M, SZ_64K,
		  "VMA one page short" },
		{ b + SZ_1M, b + SZ_4K, b + SZ_2M, SZ_2M, SZ_64K,
		  "VMA starts one page in" },
		{ b + SZ_4K, b + SZ_4K, b + SZ_64K, SZ_2M, SZ_4K,
		  "no 64K block fits" },
		{ b + SZ_4K, b, b + SZ_2M, SZ_4K, SZ_4K, "granularity 0" },
		{ b + SZ_4K, b, b + SZ_2M, SZ_64K, SZ_64K,
		  "granularity 4 (64 KiB)" },
		{ b + SZ_4K, b, b + SZ_2M, SZ_32K, SZ_4K,
		  "granularity 3 rounds down to 4 KiB" },
		{ b, b + SZ_4K, b + SZ_2M, SZ_2M, 0, "address below the window" },
		{ b + SZ_2M, b, b + SZ_2M, SZ_2M, 0, "address at the window end" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    drm_svm_coord_range_chunk(cases[i].addr,
							      cases[i].lo,
							      cases[i].hi,
							      cases[i].max,
							      chunks, 3),
				    cases[i].want, "case %u: %s", i,
				    cases[i].why);
}

/* Random windows: the chunk fits, respects max, and is the largest such. */
static void chunk_properties(struct kunit *test)
{
	struct rnd_state rnd;
	unsigned int i, k;

	prandom_seed_state(&rnd, 42);
	for (i = 0; i < 20000; i++) {
		unsigned long lo = (prandom_u32_state(&rnd) % 1024) << PAGE_SHIFT;
		unsigned long hi = lo + ((1 + prandom_u32_state(&rnd) % 1024)
					 << PAGE_SHIFT);
		unsigned long addr = lo + ((prandom_u32_state(&rnd) %
					    ((hi - lo) >> PAGE_SHIFT)) << PAGE_SHIFT);
		unsigned long max = PAGE_SIZE << (prandom_u32_state(&rnd) % 10);
		unsigned long got;

		got = drm_svm_coord_range_chunk(addr, lo, hi, max, chunks, 3);
		KUNIT_ASSERT_NE_MSG(test, got, 0,
				    "no chunk for %#lx in [%#lx, %#lx)", addr,
				    lo, hi);
		KUNIT_ASSERT_LE(test, got, max);
		KUNIT_ASSERT_TRUE_MSG(test, block_fits(addr, got, lo, hi),
				      "%#lx-byte block at %#lx leaves [%#lx, %#lx)",
				      got, addr, lo, hi);
		for (k = 0; k < 3 && chunks[k] > got; k++)
			KUNIT_ASSERT_FALSE_MSG(test, chunks[k] <= max &&
					       block_fits(addr, chunks[k], lo, hi),
					       "%#lx fits for %#lx in [%#lx, %#lx) but %#lx chosen",
					       chunks[k], addr, lo, hi, got);
	}
}

#define SPLIT_PAGES 512

static void split_cases(struct kunit *test)
{
	DECLARE_BITMAP(gone, SPLIT_PAGES);
	DECLARE_BITMAP(cut, SPLIT_PAGES);
	struct drm_svm_coord_run runs[4];

	bitmap_zero(gone, SPLIT_PAGES);
	bitmap_zero(cut, SPLIT_PAGES);
	KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_split_runs(gone, NULL, 512,
							   runs, 4), 1,
			    "nothing gone must leave the range whole");
	KUNIT_EXPECT_EQ(test, runs[0].first, 0);
	KUNIT_EXPECT_EQ(test, runs[0].count, 512);

	__set_bit(256, gone);	/* one page in the middle */
	KUNIT_ASSERT_EQ(test, drm_svm_coord_split_runs(gone, NULL, 512, runs,
						       4), 2);
	KUNIT_EXPECT_EQ(test, runs[0].count, 256);
	KUNIT_EXPECT_EQ(test, runs[1].first, 257);
	KUNIT_EXPECT_EQ(test, runs[1].count, 255);

	bitmap_zero(gone, SPLIT_PAGES);
	bitmap_set(gone, 0, 16);	/* head */
	KUNIT_ASSERT_EQ(test, drm_svm_coord_split_runs(gone, NULL, 512, runs,
						       4), 1);
	KUNIT_EXPECT_EQ(test, runs[0].first, 16);
	bitmap_set(gone, 500, 12);	/* and tail */
	KUNIT_ASSERT_EQ(test, drm_svm_coord_split_runs(gone, NULL, 512, runs,
						       4), 1);
	KUNIT_EXPECT_EQ(test, runs[0].count, 500 - 16);

	__set_bit(100, cut);		/* a cut without a hole */
	KUNIT_ASSERT_EQ(test, drm_svm_coord_split_runs(gone, cut, 512, runs,
						       4), 2);
	KUNIT_EXPECT_EQ(test, runs[1].first, 100);

	bitmap_fill(gone, SPLIT_PAGES);
	KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_split_runs(gone, NULL, 512,
							   runs, 4), 0,
			    "a range with every page gone has no piece");
	bitmap_zero(gone, SPLIT_PAGES);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_split_runs(gone, NULL, 1, runs, 4),
			1);
}

/*
 * Random holes and cuts: the pieces are sorted, disjoint, hold exactly the
 * pages that stayed, contain no cut but at their start, and are maximal.
 */
static void split_random(struct kunit *test)
{
	static struct drm_svm_coord_run runs[SPLIT_PAGES];
	DECLARE_BITMAP(gone, SPLIT_PAGES);
	DECLARE_BITMAP(cut, SPLIT_PAGES);
	DECLARE_BITMAP(seen, SPLIT_PAGES);
	struct rnd_state rnd;
	unsigned int iter, k, nr;

	prandom_seed_state(&rnd, 7);
	for (iter = 0; iter < 5000; iter++) {
		unsigned long npages = 1 + prandom_u32_state(&rnd) % SPLIT_PAGES;
		unsigned int holes = prandom_u32_state(&rnd) % 8;
		bool cuts = prandom_u32_state(&rnd) & 1;
		unsigned long p;

		bitmap_zero(gone, SPLIT_PAGES);
		bitmap_zero(cut, SPLIT_PAGES);
		bitmap_zero(seen, SPLIT_PAGES);
		for (k = 0; k < holes; k++) {	/* munmap-like cuts */
			unsigned long a = prandom_u32_state(&rnd) % npages;
			unsigned long len = 1 + prandom_u32_state(&rnd) %
					    (npages - a);

			bitmap_set(gone, a, len);
		}
		for (k = 0; cuts && k < 4; k++)
			__set_bit(prandom_u32_state(&rnd) % npages, cut);

		nr = drm_svm_coord_split_runs(gone, cuts ? cut : NULL, npages,
					      runs, ARRAY_SIZE(runs));
		KUNIT_ASSERT_LE(test, nr, npages);
		for (k = 0; k < nr; k++) {
			unsigned long first = runs[k].first;
			unsigned long end = first + runs[k].count;

			KUNIT_ASSERT_GT(test, runs[k].count, 0);
			KUNIT_ASSERT_LE(test, end, npages);
			KUNIT_ASSERT_TRUE_MSG(test, !k || first >=
					      runs[k - 1].first + runs[k - 1].count,
					      "iteration %u: pieces %u and %u overlap or are out of order",
					      iter, k - 1, k);
			for (p = first; p < end; p++) {
				KUNIT_ASSERT_FALSE_MSG(test, test_bit(p, gone),
						       "iteration %u: gone page %lu in piece %u",
						       iter, p, k);
				KUNIT_ASSERT_FALSE_MSG(test, p > first && cuts &&
						       test_bit(p, cut),
						       "iteration %u: cut at %lu inside piece %u",
						       iter, p, k);
				__set_bit(p, seen);
			}
			/* Maximal: it cannot grow at either end. */
			KUNIT_ASSERT_TRUE(test, !first || test_bit(first - 1, gone) ||
					  (cuts && test_bit(first, cut)));
			KUNIT_ASSERT_TRUE(test, end == npages || test_bit(end, gone) ||
					  (cuts && test_bit(end, cut)));
		}
		for (p = 0; p < npages; p++)
			KUNIT_ASSERT_EQ_MSG(test, test_bit(p, seen),
					    !test_bit(p, gone),
					    "iteration %u: page %lu %s", iter, p,
					    test_bit(p, gone) ? "gone but kept" :
					    "stayed but in no piece");
	}
}

/* A backend that records what the coordinator asks of it. */
enum rec_op { REC_PREPARE, REC_MAP, REC_UNMAP, REC_WAIT, REC_QUIESCE,
	      REC_RESUME };

struct rec_event {
	enum rec_op op;
	unsigned int gpu;
	unsigned long start, end;
	u32 flags;
	bool dma_ok;
};

#define REC_MAX 256

struct recorder {
	spinlock_t lock;	/* protects count and ev */
	unsigned int count;
	struct rec_event ev[REC_MAX];
};

struct rec_gpu {
	struct recorder *rec;
	unsigned int id;
	bool fail_map;
};

static void record(struct drm_svm_coord_vm *vm, enum rec_op op,
		   unsigned long start, unsigned long end, u32 flags,
		   bool dma_ok)
{
	struct rec_gpu *g = drm_svm_coord_vm_priv(vm);
	struct recorder *rec = g->rec;

	spin_lock(&rec->lock);
	if (rec->count < REC_MAX)
		rec->ev[rec->count] = (struct rec_event) {
			.op = op, .gpu = g->id, .start = start, .end = end,
			.flags = flags, .dma_ok = dma_ok,
		};
	rec->count++;
	spin_unlock(&rec->lock);
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
	struct rec_gpu *g = drm_svm_coord_vm_priv(vm);

	lockdep_assert_held_read(&vm->svm->gpusvm.notifier_lock);
	record(vm, REC_MAP, args->start, args->end, args->flags,
	       dma_complete(args));
	return g->fail_map ? -ENOMEM : 0;
}

static void rec_unmap(struct drm_svm_coord_vm *vm, unsigned long start,
		      unsigned long end)
{
	record(vm, REC_UNMAP, start, end, 0, false);
}

static void rec_wait(struct drm_svm_coord_vm *vm)
{
	record(vm, REC_WAIT, 0, 0, 0, false);
}

static void rec_quiesce(struct drm_svm_coord_vm *vm)
{
	record(vm, REC_QUIESCE, 0, 0, 0, false);
}

static void rec_resume(struct drm_svm_coord_vm *vm)
{
	record(vm, REC_RESUME, 0, 0, 0, false);
}

static const struct drm_svm_coord_ops rec_ops = {
	.prepare = rec_prepare,
	.map = rec_map,
	.unmap = rec_unmap,
	.tlb_flush_wait = rec_wait,
	.quiesce = rec_quiesce,
	.resume = rec_resume,
};

/* GPUs 0 to 2 can fault, GPUs 3 and 4 cannot. */
#define NR_GPUS 5
#define NR_FAULTING 3

struct range_fixture {
	struct recorder rec;
	struct rec_gpu gpu[NR_GPUS];
	struct drm_svm_coord_vm *vm[NR_GPUS];
	struct drm_svm_coord *svm;
	unsigned long base;	/* 2 MiB aligned, inside a 6 MiB VMA */
};

static void range_detach_action(void *vm)
{
	drm_svm_coord_detach(vm);
}

/*
 * Every attachment made here is detached by a deferred action, so that a
 * failed assertion in the middle of the set-up leaves nothing behind and
 * no .exit runs on a half-built fixture.
 */
static int range_init(struct kunit *test)
{
	const struct drm_svm_coord_vm_caps caps = {
		.flags = DRM_SVM_COORD_VM_CAN_FAULT,
	}, nofault_caps = {};
	struct range_fixture *fx;
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
		fx->gpu[i] = (struct rec_gpu) { .rec = &fx->rec, .id = i };
		fx->vm[i] = drm_svm_coord_attach(current->mm,
						 svm_test_drm_device(test, i),
						  &rec_ops,
						  i < NR_FAULTING ? &caps :
						  &nofault_caps, &fx->gpu[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fx->vm[i]);
		KUNIT_ASSERT_EQ(test,
				kunit_add_action_or_reset(test,
							  range_detach_action,
							  fx->vm[i]), 0);
	}
	fx->svm = drm_svm_coord_vm_manager(fx->vm[0]);
	test->priv = fx;
	return 0;
}

/* Detach GPU @i now rather than at the end of the test. */
static void detach_now(struct kunit *test, struct range_fixture *fx,
		       unsigned int i)
{
	if (fx->vm[i])
		kunit_release_action(test, range_detach_action, fx->vm[i]);
	fx->vm[i] = NULL;
}

static u64 stat(struct range_fixture *fx, int gpu, enum drm_svm_coord_stat s)
{
	struct drm_svm_coord_stats st;

	drm_svm_coord_read_stats(fx->svm, gpu < 0 ? NULL : fx->vm[gpu], &st);
	return st.count[s];
}

static unsigned int count_ops(struct range_fixture *fx, enum rec_op op,
			      int gpu)
{
	unsigned int i, n = 0;

	for (i = 0; i < min(fx->rec.count, REC_MAX); i++)
		if (fx->rec.ev[i].op == op && (gpu < 0 || fx->rec.ev[i].gpu == gpu))
			n++;
	return n;
}

static void rec_reset(struct range_fixture *fx)
{
	fx->rec.count = 0;
	drm_svm_coord_reset_stats(fx->svm);
}

/* N GPUs on one range: 1 notifier, 1 range, 1 hmm_range_fault, N maps. */
static void fault_shared(struct kunit *test)
{
	struct range_fixture *fx = test->priv;
	unsigned int i;

	for (i = 0; i < NR_FAULTING; i++)
		KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[i],
								 fx->base + i * SZ_4K,
								 i == 1), 0);

	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_NOTIFIERS), 1);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_RANGES), 1);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_HMM_FAULTS), 1);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_HMM_PAGES),
			SZ_2M >> PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_FAULTS), NR_FAULTING);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 1);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_MAP, -1), NR_FAULTING);

	for (i = 0; i < min(fx->rec.count, REC_MAX); i++) {
		struct rec_event *e = &fx->rec.ev[i];

		KUNIT_EXPECT_EQ(test, e->start, fx->base);
		KUNIT_EXPECT_EQ(test, e->end, fx->base + SZ_2M);
		if (e->op != REC_MAP)
			continue;
		KUNIT_EXPECT_TRUE_MSG(test, e->dma_ok,
				      "GPU %u mapped without a DMA address per page",
				      e->gpu);
		KUNIT_EXPECT_EQ_MSG(test, e->flags, 0,
				    "GPU %u not mapped writable in a RW VMA",
				    e->gpu);
		/* prepare came first for the same GPU */
		KUNIT_EXPECT_TRUE(test, i > 0 &&
				  fx->rec.ev[i - 1].op == REC_PREPARE &&
				  fx->rec.ev[i - 1].gpu == e->gpu);
	}
	for (i = 0; i < NR_FAULTING; i++) {
		KUNIT_EXPECT_EQ(test, stat(fx, i, DRM_SVM_COORD_STAT_MAPS), 1);
		KUNIT_EXPECT_EQ(test, stat(fx, i, DRM_SVM_COORD_STAT_DMA_MAPS), 1);
	}

	/* A second fault of a mapped GPU maps nothing and faults nothing. */
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 true), 0);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_HMM_FAULTS), 1);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_MAP, -1), NR_FAULTING);
}

/* The DMA address GPU @gpu uses for the page at @addr, or 0. */
static dma_addr_t dma_of(struct range_fixture *fx, unsigned int gpu,
			 unsigned long addr)
{
	struct drm_svm_coord *svm = fx->svm;
	struct interval_tree_node *nn, *rn;
	dma_addr_t dma = 0;

	down_read(&svm->gpusvm.notifier_lock);
	nn = interval_tree_iter_first(&svm->notifiers, addr, addr);
	if (nn) {
		struct drm_svm_coord_notifier *n =
			container_of(nn, struct drm_svm_coord_notifier, itree);

		rn = interval_tree_iter_first(&n->ranges, addr, addr);
	} else {
		rn = NULL;
	}
	if (rn) {
		struct drm_svm_coord_range *range =
			container_of(rn, struct drm_svm_coord_range, itree);
		struct drm_gpusvm_pages *pages = range->pages[gpu];
		unsigned long want = (addr - rn->start) >> PAGE_SHIFT, i, j;

		for (i = 0, j = 0; pages && pages->flags.has_dma_mapping &&
		     i <= want; j++) {
			unsigned long n = 1UL << pages->dma_addr[j].order;

			if (want < i + n && pages->dma_addr[j].addr !=
			    DMA_MAPPING_ERROR)
				dma = pages->dma_addr[j].addr +
				      ((want - i) << PAGE_SHIFT);
			i += n;
		}
	}
	up_read(&svm->gpusvm.notifier_lock);
	return dma;
}

/*
 * munmap() of one page of a range mapped on two GPUs: one callback, the
 * page zapped on those two only, every zap before any TLB wait; the range
 * splits in two that keep their DMA addresses and entries: no fault, no
 * map, no TLB work for them.
 */
static void invalidate_fan_out(struct kunit *test)
{
	struct range_fixture *fx = test->priv;
	unsigned long hole = fx->base + SZ_1M;
	unsigned int i, last_unmap = 0, first_wait = UINT_MAX;
	dma_addr_t before[2];

	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 false), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[2], fx->base,
							 false), 0);
	before[0] = dma_of(fx, 0, fx->base + SZ_2M - PAGE_SIZE);
	before[1] = dma_of(fx, 2, fx->base);
	KUNIT_ASSERT_NE(test, before[0], 0);
	KUNIT_ASSERT_NE(test, before[1], 0);
	rec_reset(fx);

	KUNIT_ASSERT_EQ(test, vm_munmap(hole, PAGE_SIZE), 0);

	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_INVALIDATIONS), 1);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_ZAPS), 2);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_UNMAP, 0), 1);
	KUNIT_EXPECT_EQ_MSG(test, count_ops(fx, REC_UNMAP, 1), 0,
			    "GPU 1 never mapped the range but was zapped");
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_UNMAP, 2), 1);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_WAIT, -1), 2);
	for (i = 0; i < min(fx->rec.count, REC_MAX); i++) {
		if (fx->rec.ev[i].op == REC_UNMAP) {
			last_unmap = i;
			KUNIT_EXPECT_EQ_MSG(test, fx->rec.ev[i].start, hole,
					    "zapped more than the unmapped page");
			KUNIT_EXPECT_EQ(test, fx->rec.ev[i].end,
					hole + PAGE_SIZE);
		}
		if (fx->rec.ev[i].op == REC_WAIT)
			first_wait = min(first_wait, i);
	}
	KUNIT_EXPECT_LT_MSG(test, last_unmap, first_wait,
			    "a TLB wait came before every GPU's zap was issued");

	/* The GC splits the range: the pieces keep their DMA addresses. */
	drm_svm_coord_flush(fx->svm);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_SPLITS), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 2);
	KUNIT_EXPECT_EQ(test, dma_of(fx, 0, fx->base + SZ_2M - PAGE_SIZE),
			before[0]);
	KUNIT_EXPECT_EQ(test, dma_of(fx, 2, fx->base), before[1]);
	KUNIT_EXPECT_EQ(test, dma_of(fx, 0, hole), 0);

	/* Mapped GPUs fault nothing in again; the unmapped page faults. */
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 false), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[2],
							 hole + PAGE_SIZE,
							 false), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], hole,
							 false), -EFAULT);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_HMM_FAULTS), 0);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_MAP, -1), 0);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_WAIT, -1), 2);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_QUIESCE, -1), 0);
}

/*
 * MADV_DONTNEED of part of a range: that part is zapped and leaves the
 * range, the rest stays; a fault in the part makes a small new range.
 */
static void invalidate_part_refault(struct kunit *test)
{
	struct range_fixture *fx = test->priv;
	unsigned long part = fx->base + SZ_64K;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1], fx->base,
							 true), 0);
	rec_reset(fx);
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, part, SZ_16K,
					 MADV_DONTNEED), 0);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_UNMAP, 1), 1);
	KUNIT_EXPECT_EQ(test, fx->rec.ev[0].start, part);
	KUNIT_EXPECT_EQ(test, fx->rec.ev[0].end, part + SZ_16K);

	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1],
							 part + SZ_4K, true),
			0);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_SPLITS), 1);
	/* Two pieces and a 4 KiB range: no 64 KiB block fits the hole. */
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 3);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_HMM_PAGES), 1);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_MAP, 1), 1);
	KUNIT_EXPECT_EQ(test, fx->rec.ev[fx->rec.count - 1].start,
			part + SZ_4K);
}

/*
 * A fault that breaks copy-on-write page by page (of the zero page here)
 * invalidates pages of the range it is faulting, one at a time. A range
 * no GPU holds yet keeps no hole from that: it is mapped whole, once, and
 * stays whole (see Splitting).
 */
static void fault_breaks_cow(struct kunit *test)
{
	struct range_fixture *fx = test->priv;
	struct drm_svm_coord_range_info info;
	unsigned long i;
	char byte = 1;

	/* The CPU reads the first half (the zero page), writes the second. */
	for (i = 0; i < SZ_1M; i += PAGE_SIZE)
		KUNIT_ASSERT_EQ(test, copy_from_user(&byte,
						     (void __user *)(fx->base + i),
						     1), 0);
	for (i = SZ_1M; i < SZ_2M; i += PAGE_SIZE)
		KUNIT_ASSERT_EQ(test, copy_to_user((void __user *)(fx->base + i),
						   &byte, 1), 0);
	rec_reset(fx);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 false), 0);
	drm_svm_coord_flush(fx->svm);

	KUNIT_EXPECT_EQ_MSG(test, stat(fx, -1, DRM_SVM_COORD_STAT_SPLITS), 0,
			    "the fault's own copy-on-write breaks split the range");
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 1);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_range_info(fx->svm, fx->base,
						       &info), 0);
	KUNIT_EXPECT_EQ(test, info.start, fx->base);
	KUNIT_EXPECT_EQ(test, info.end, fx->base + SZ_2M);
	KUNIT_EXPECT_EQ(test, info.mapped, BIT_ULL(0));
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_MAP, 0), 1);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_UNMAP, -1), 0);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_HMM_FAULTS), 1);
}

/*
 * GPUs that cannot fault: access granted maps at once; an invalidation
 * quiesces them once for the whole batch and only them; the restore
 * worker maps them again with one hmm_range_fault() per range for both,
 * then resumes each once. The GPU that can fault is only zapped.
 */
static void nofault_restore(struct kunit *test)
{
	struct range_fixture *fx = test->priv;
	struct drm_svm_coord_attr a[] = {
		{ DRM_SVM_COORD_ATTR_ACCESS, 3 },
		{ DRM_SVM_COORD_ATTR_ACCESS, 4 },
	};
	unsigned int g;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(fx->svm, fx->base, SZ_4M,
						     a, 2, NULL), 0);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_MAP, 3), 2);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_MAP, 4), 2);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_FAULTS), 0);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_HMM_FAULTS), 2);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 true), 0);
	rec_reset(fx);

	/* Hold the tree lock: the restore waits until both ranges are hit. */
	mutex_lock(&fx->svm->tree_lock);
	KUNIT_EXPECT_EQ(test, do_madvise(current->mm, fx->base, SZ_4M,
					 MADV_DONTNEED), 0);
	mutex_unlock(&fx->svm->tree_lock);
	drm_svm_coord_flush(fx->svm);

	for (g = 3; g <= 4; g++) {
		KUNIT_EXPECT_EQ_MSG(test, count_ops(fx, REC_QUIESCE, g), 1,
				    "GPU %u quiesced %u times for one event", g,
				    count_ops(fx, REC_QUIESCE, g));
		KUNIT_EXPECT_EQ(test, count_ops(fx, REC_RESUME, g), 1);
		KUNIT_EXPECT_EQ(test, count_ops(fx, REC_UNMAP, g), 2);
		KUNIT_EXPECT_EQ(test, count_ops(fx, REC_MAP, g), 2);
	}
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_QUIESCE, 0), 0);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_UNMAP, 0), 1);
	KUNIT_EXPECT_EQ_MSG(test, count_ops(fx, REC_MAP, 0), 0,
			    "the GPU that can fault was restored");
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_HMM_FAULTS), 2);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_RESTORE_RUNS), 1);
	/* Every map came before the resumes. */
	KUNIT_EXPECT_EQ(test, fx->rec.ev[fx->rec.count - 1].op, REC_RESUME);
	KUNIT_EXPECT_EQ(test, fx->rec.ev[fx->rec.count - 2].op, REC_RESUME);

	/* An unmap quiesces nobody and leaves the rest mapped. */
	rec_reset(fx);
	KUNIT_ASSERT_EQ(test, vm_munmap(fx->base + SZ_2M, PAGE_SIZE), 0);
	drm_svm_coord_flush(fx->svm);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_QUIESCE, -1), 0);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_MAP, -1), 0);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_UNMAP, 3), 1);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_SPLITS), 1);
}

/*
 * A range that fails to restore for one GPU does not hold back another
 * GPU's restore: that one resumes first; the failing one is retried with
 * backoff, then given up, counted and resumed.
 */
static void nofault_restore_failure(struct kunit *test)
{
	struct range_fixture *fx = test->priv;
	struct drm_svm_coord_attr a3 = { DRM_SVM_COORD_ATTR_ACCESS, 3 };
	struct drm_svm_coord_attr a4 = { DRM_SVM_COORD_ATTR_ACCESS, 4 };
	unsigned int i, resume4 = UINT_MAX, last_map3 = 0;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(fx->svm, fx->base, SZ_2M,
						     &a3, 1, NULL), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(fx->svm,
						     fx->base + SZ_2M, SZ_2M,
						     &a4, 1, NULL), 0);
	rec_reset(fx);
	fx->gpu[3].fail_map = true;

	KUNIT_EXPECT_EQ(test, do_madvise(current->mm, fx->base, SZ_4M,
					 MADV_DONTNEED), 0);
	drm_svm_coord_flush(fx->svm);
	fx->gpu[3].fail_map = false;

	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_RESUME, 4), 1);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_RESUME, 3), 1);
	KUNIT_EXPECT_EQ(test, stat(fx, 3, DRM_SVM_COORD_STAT_RESTORE_FAILURES),
			8);
	KUNIT_EXPECT_EQ(test, stat(fx, 4, DRM_SVM_COORD_STAT_RESTORE_FAILURES),
			0);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_MAP, 3), 8);
	for (i = 0; i < min(fx->rec.count, REC_MAX); i++) {
		if (fx->rec.ev[i].op == REC_RESUME && fx->rec.ev[i].gpu == 4)
			resume4 = min(resume4, i);
		if (fx->rec.ev[i].op == REC_MAP && fx->rec.ev[i].gpu == 3)
			last_map3 = i;
	}
	KUNIT_EXPECT_LT_MSG(test, resume4, last_map3,
			    "GPU 4 waited for GPU 3's failing restore");
}

/* Invalidation of addresses no range covers costs no callback work. */
static void invalidate_elsewhere(struct kunit *test)
{
	struct range_fixture *fx = test->priv;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 false), 0);
	rec_reset(fx);
	KUNIT_ASSERT_EQ(test, vm_munmap(fx->base + SZ_2M, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, stat(fx, -1, DRM_SVM_COORD_STAT_INVALIDATIONS), 0);
	KUNIT_EXPECT_EQ(test, fx->rec.count, 0);
}

static int set_one(struct range_fixture *fx, u32 type, u32 value)
{
	struct drm_svm_coord_attr a = { .type = type, .value = value };

	return drm_svm_coord_set_attr(fx->svm, fx->base, SZ_2M, &a, 1, NULL);
}

static void attrs_enforced(struct kunit *test)
{
	struct range_fixture *fx = test->priv;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1], fx->base,
							 true), 0);
	rec_reset(fx);

	/* NO_ACCESS: the GPU's mapping goes, its faults get -EPERM. */
	KUNIT_ASSERT_EQ(test, set_one(fx, DRM_SVM_COORD_ATTR_NO_ACCESS, 1), 0);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_UNMAP, 1), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1], fx->base,
							 false), -EPERM);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_map(fx->vm[1], fx->base, SZ_4K),
			-EPERM);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 false), 0);

	/* GPU_RO: writes denied, reads map read-only. */
	KUNIT_ASSERT_EQ(test, set_one(fx, DRM_SVM_COORD_ATTR_SET_FLAGS,
				      DRM_SVM_COORD_FLAG_GPU_RO), 0);
	rec_reset(fx);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[2], fx->base,
							 true), -EPERM);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[2], fx->base,
							 false), 0);
	KUNIT_ASSERT_EQ(test, count_ops(fx, REC_MAP, 2), 1);
	KUNIT_EXPECT_EQ(test, fx->rec.ev[fx->rec.count - 1].flags,
			DRM_SVM_COORD_MAP_READ_ONLY);
}

/* Granularity 0 gives 4 KiB ranges; a map request covers a whole area. */
static void map_ahead_granular(struct kunit *test)
{
	struct range_fixture *fx = test->priv;

	KUNIT_ASSERT_EQ(test, set_one(fx, DRM_SVM_COORD_ATTR_GRANULARITY, 0), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_map(fx->vm[0], fx->base, SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 16);
	KUNIT_EXPECT_EQ(test, stat(fx, 0, DRM_SVM_COORD_STAT_MAPS), 16);

	/* Outside the granular interval: one 2 MiB range. */
	KUNIT_ASSERT_EQ(test, drm_svm_coord_map(fx->vm[0], fx->base + SZ_2M,
						SZ_2M), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 17);

	KUNIT_EXPECT_EQ(test, drm_svm_coord_map(fx->vm[0], fx->base + 1,
						SZ_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_map(fx->vm[0], fx->base, 0),
			-EINVAL);
}

/* Detach zaps the GPU; the last detach removes every range and notifier. */
static void detach_cleans_up(struct kunit *test)
{
	struct range_fixture *fx = test->priv;
	struct drm_svm_coord *svm = fx->svm;
	unsigned int i;

	drm_svm_coord_get(current->mm);	/* keep the manager to look at it */
	for (i = 0; i < NR_FAULTING; i++)
		KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[i],
								 fx->base,
								 false), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_map(fx->vm[0], fx->base + SZ_2M,
						SZ_4K), 0);
	rec_reset(fx);

	detach_now(test, fx, 1);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_UNMAP, 1), 1);
	KUNIT_EXPECT_EQ(test, count_ops(fx, REC_WAIT, 1), 1);
	KUNIT_EXPECT_EQ(test, fx->rec.count, 2);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(svm), 2);

	for (i = 0; i < NR_GPUS; i++)
		detach_now(test, fx, i);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(svm), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&svm->stats[DRM_SVM_COORD_STAT_NOTIFIERS_REMOVED]),
			1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&svm->stats[DRM_SVM_COORD_STAT_RANGES_DESTROYED]),
			2);
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&svm->notifiers.rb_root));
	drm_svm_coord_put(svm);
}

static struct kunit_case range_pure_cases[] = {
	KUNIT_CASE(chunk_cases),
	KUNIT_CASE(chunk_properties),
	KUNIT_CASE(split_cases),
	KUNIT_CASE(split_random),
	{}
};

static struct kunit_suite range_pure_suite = {
	.name = "drm_svm_coord_range_size",
	.test_cases = range_pure_cases,
};

static struct kunit_case range_cases[] = {
	KUNIT_CASE(fault_shared),
	KUNIT_CASE(invalidate_fan_out),
	KUNIT_CASE(invalidate_part_refault),
	KUNIT_CASE(fault_breaks_cow),
	KUNIT_CASE(invalidate_elsewhere),
	KUNIT_CASE(nofault_restore),
	KUNIT_CASE(nofault_restore_failure),
	KUNIT_CASE(attrs_enforced),
	KUNIT_CASE(map_ahead_granular),
	KUNIT_CASE(detach_cleans_up),
	{}
};

static struct kunit_suite range_suite = {
	.name = "drm_svm_coord_ranges",
	.init = range_init,
	.test_cases = range_cases,
};

kunit_test_suites(&range_pure_suite, &range_suite);

MODULE_DESCRIPTION("KUnit tests of the SVM coordinator's shared mapping path");
MODULE_LICENSE("Dual MIT/GPL");
