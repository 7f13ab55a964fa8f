// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * The invalidation callback on a real user address space against the
 * recording backend: the fan-out of one callback to the GPUs that map a
 * range, in order, and no work for addresses no range covers.
 */

#include <kunit/test.h>
#include <linux/interval_tree.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sizes.h>

#include <drm/drm_pagemap.h>

#include "../drm_svm_coord_priv.h"
#include "drm_svm_coord_test_rec.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

/* The DMA address GPU @gpu uses for the page at @addr, or 0. */
static dma_addr_t dma_of(struct drm_svm_coord_test_fixture *fx,
			 unsigned int gpu, unsigned long addr)
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
	struct drm_svm_coord_test_fixture *fx = test->priv;
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
	drm_svm_coord_test_rec_reset(fx);

	KUNIT_ASSERT_EQ(test, vm_munmap(hole, PAGE_SIZE), 0);

	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_INVALIDATIONS), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_ZAPS), 2);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 0), 1);
	KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 1), 0,
			    "GPU 1 never mapped the range but was zapped");
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 2), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_WAIT, -1), 2);
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
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_SPLITS), 1);
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
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_HMM_FAULTS), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, -1), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_WAIT, -1), 2);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_QUIESCE, -1), 0);
}

/* Invalidation of addresses no range covers costs no callback work. */
static void invalidate_elsewhere(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 false), 0);
	drm_svm_coord_test_rec_reset(fx);
	KUNIT_ASSERT_EQ(test, vm_munmap(fx->base + SZ_2M, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_INVALIDATIONS), 0);
	KUNIT_EXPECT_EQ(test, fx->rec.count, 0);
}

/* The notifier of @addr, which a fault created. */
static struct drm_svm_coord_notifier *notifier_of(struct drm_svm_coord_test_fixture *fx,
						  unsigned long addr)
{
	struct interval_tree_node *nn;

	mutex_lock(&fx->svm->tree_lock);
	nn = interval_tree_iter_first(&fx->svm->notifiers, addr, addr);
	mutex_unlock(&fx->svm->tree_lock);
	return nn ? container_of(nn, struct drm_svm_coord_notifier, itree) : NULL;
}

/*
 * The first pass of an invalidation of [@start, @end) (of the 2 MiB at
 * fx->base for invalidate_first_pass()), as the MMU notifier core runs
 * it: the callbacks of two invalidations that run at the same time (the
 * core allows it: MADV_DONTNEED from two threads, reclaim, compaction)
 * interleave between their two passes, which the tests below replay in
 * the order that broke the coordinator.
 */
static struct mmu_interval_notifier_finish *
invalidate_first_pass_of(struct kunit *test, struct drm_svm_coord_notifier *n,
			 enum mmu_notifier_event event, unsigned long start,
			 unsigned long end)
{
	const struct mmu_notifier_range r = {
		.mm = current->mm,
		.start = start,
		.end = end,
		.event = event,
		.flags = MMU_NOTIFIER_RANGE_BLOCKABLE,
	};
	/* Odd, unlike the core's sequence while no invalidation runs. */
	unsigned long seq = (READ_ONCE(n->mn.invalidate_seq) | 1) + 2;
	struct mmu_interval_notifier_finish *f = NULL;

	KUNIT_ASSERT_TRUE(test, drm_svm_coord_notifier_ops.invalidate_start(&n->mn, &r, seq, &f));
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->notifier = &n->mn;
	return f;
}

static struct mmu_interval_notifier_finish *
invalidate_first_pass(struct kunit *test, struct drm_svm_coord_notifier *n,
		      enum mmu_notifier_event event)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;

	return invalidate_first_pass_of(test, n, event, fx->base,
					fx->base + SZ_2M);
}

/* GPU 0 faults the range at fx->base and DMA-maps it; its notifier. */
static struct drm_svm_coord_notifier *fault_gpu0(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	struct drm_svm_coord_notifier *n;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 false), 0);
	KUNIT_ASSERT_NE(test, dma_of(fx, 0, fx->base), 0);
	n = notifier_of(fx, fx->base);
	KUNIT_ASSERT_NOT_NULL(test, n);
	return n;
}

/*
 * Review finding C1: invalidation A zaps GPU 0 and leaves its TLB flush in
 * flight until its second pass; invalidation B of the same pages sees
 * nothing mapped any more. B must still not DMA-unmap (and its caller
 * free the pages) before GPU 0's flush is over. Before the fix, B's second
 * pass waited for no GPU and unmapped.
 */
static void invalidate_concurrent_waits(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	struct mmu_interval_notifier_finish *a, *b;
	struct drm_svm_coord_notifier *n;

	n = fault_gpu0(test);
	drm_svm_coord_test_rec_reset(fx);

	a = invalidate_first_pass(test, n, MMU_NOTIFY_CLEAR);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 0), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_WAIT, 0), 0);

	b = invalidate_first_pass(test, n, MMU_NOTIFY_CLEAR);
	drm_svm_coord_notifier_ops.invalidate_finish(b);
	KUNIT_EXPECT_EQ_MSG(test, dma_of(fx, 0, fx->base), 0,
			    "the second invalidation left the DMA mapping");
	KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_test_count_ops(fx, REC_WAIT, 0), 1,
			    "the second invalidation DMA-unmapped before GPU 0's TLB flush, issued by the first, was waited for");

	drm_svm_coord_notifier_ops.invalidate_finish(a);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 0), 1);

	/* The GPU faults the range back. */
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 false), 0);
	KUNIT_EXPECT_NE(test, dma_of(fx, 0, fx->base), 0);
}

/*
 * Review finding C2: between the two passes of an munmap, the garbage
 * collector (queued by this invalidation before the fix, or by any other)
 * destroys the range the first pass marked unmapped. It must not drop the
 * DMA mappings before GPU 0's TLB flush is waited for. Before the fix the
 * collector found nothing mapped, waited for nothing, and DMA-unmapped.
 */
static void invalidate_gc_between_passes(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	struct mmu_interval_notifier_finish *a;
	struct drm_svm_coord_notifier *n;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 false), 0);
	/* A second range keeps the notifier, which the second pass uses. */
	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0],
							 fx->base + SZ_2M,
							 false), 0);
	n = notifier_of(fx, fx->base);
	KUNIT_ASSERT_NOT_NULL(test, n);
	drm_svm_coord_test_rec_reset(fx);

	a = invalidate_first_pass(test, n, MMU_NOTIFY_UNMAP);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 0), 1);
	KUNIT_EXPECT_FALSE_MSG(test, work_pending(&fx->svm->gc_work),
			       "the first pass queued the garbage collector");

	queue_work(system_dfl_wq, &fx->svm->gc_work);
	flush_work(&fx->svm->gc_work);
	KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_nr_ranges(fx->svm), 1,
			    "the collector kept a range the CPU unmapped");
	KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_test_count_ops(fx, REC_WAIT, 0), 1,
			    "the collector dropped the DMA mappings before GPU 0's TLB flush was waited for");

	drm_svm_coord_notifier_ops.invalidate_finish(a);
}

/* A reference to the range holding @addr, as a fault or the restore list holds. */
static struct drm_svm_coord_range *range_get(struct drm_svm_coord_test_fixture *fx,
					     unsigned long addr)
{
	struct drm_svm_coord_notifier *n = notifier_of(fx, addr);
	struct drm_svm_coord_range *range = NULL;
	struct interval_tree_node *rn;

	if (!n)
		return NULL;
	mutex_lock(&fx->svm->tree_lock);
	rn = interval_tree_iter_first(&n->ranges, addr, addr);
	if (rn) {
		range = container_of(rn, struct drm_svm_coord_range, itree);
		kref_get(&range->ref);
	}
	mutex_unlock(&fx->svm->tree_lock);
	return range;
}

/*
 * Between the two passes of an invalidation of one page of a range, the
 * collector (or a fault that finds the range with holes) splits it. The
 * second pass then finds the pieces, not the range, and DMA-unmaps
 * nothing of the page that goes; while a fault or the restore list still
 * holds the range, its release does not either, and the CPU frees the page
 * with a DMA mapping left to it (behind an IOMMU, every GPU's mapping of
 * the whole range). The split must drop what the pieces did not take,
 * after the TLB flush of the first pass. Before the fix, the page stayed
 * DMA-mapped until the range's last reference went.
 */
static void invalidate_split_between_passes(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	struct mmu_interval_notifier_finish *a;
	struct drm_svm_coord_range *range;
	struct drm_svm_coord_notifier *n;

	n = fault_gpu0(test);
	range = range_get(fx, fx->base);
	KUNIT_ASSERT_NOT_NULL(test, range);
	drm_svm_coord_test_rec_reset(fx);

	a = invalidate_first_pass_of(test, n, MMU_NOTIFY_CLEAR, fx->base,
				     fx->base + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 0), 1);

	queue_work(system_dfl_wq, &fx->svm->gc_work);
	flush_work(&fx->svm->gc_work);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_SPLITS), 1);
	KUNIT_EXPECT_NE_MSG(test, dma_of(fx, 0, fx->base + PAGE_SIZE), 0,
			    "the piece lost the DMA mappings of the pages that stay");
	KUNIT_EXPECT_FALSE_MSG(test, range->pages[0]->flags.has_dma_mapping,
			       "the split range kept the DMA mapping of the page the CPU is freeing");
	KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_test_count_ops(fx, REC_WAIT, 0), 1,
			    "the split dropped DMA mappings before GPU 0's TLB flush was waited for");

	drm_svm_coord_notifier_ops.invalidate_finish(a);
	drm_svm_coord_range_put(range);
}

static struct kunit_case drm_svm_coord_notifier_cases[] = {
	KUNIT_CASE(invalidate_fan_out),
	KUNIT_CASE(invalidate_elsewhere),
	KUNIT_CASE(invalidate_concurrent_waits),
	KUNIT_CASE(invalidate_gc_between_passes),
	KUNIT_CASE(invalidate_split_between_passes),
	{}
};

static struct kunit_suite drm_svm_coord_notifier_suite = {
	.name = "drm_svm_coord_notifier",
	.init = drm_svm_coord_test_rec_init,
	.test_cases = drm_svm_coord_notifier_cases,
};

kunit_test_suite(drm_svm_coord_notifier_suite);

MODULE_DESCRIPTION("KUnit tests of the drm_svm_coord invalidation callback");
MODULE_LICENSE("Dual MIT/GPL");
