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

static struct kunit_case drm_svm_coord_notifier_cases[] = {
	KUNIT_CASE(invalidate_fan_out),
	KUNIT_CASE(invalidate_elsewhere),
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
