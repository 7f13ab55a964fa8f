// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * The fault path and map requests on a real user address space against the
 * recording backend: one fault and one hmm_range_fault() for N GPUs, the
 * fault's own copy-on-write breaks, attributes, granular map requests.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>

#include "../drm_svm_coord_priv.h"
#include "drm_svm_coord_test_rec.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

/* N GPUs on one range: 1 notifier, 1 range, 1 hmm_range_fault, N maps. */
static void fault_shared(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	unsigned int i;

	for (i = 0; i < NR_FAULTING; i++)
		KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[i],
								 fx->base + i * SZ_4K,
								 i == 1), 0);

	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_NOTIFIERS), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_RANGES), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_HMM_FAULTS), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_HMM_PAGES),
			SZ_2M >> PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_FAULTS),
			NR_FAULTING);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, -1), NR_FAULTING);

	for (i = 0; i < min(fx->rec.count, REC_MAX); i++) {
		struct drm_svm_coord_test_rec_event *e = &fx->rec.ev[i];

		KUNIT_EXPECT_EQ(test, e->start, fx->base);
		KUNIT_EXPECT_EQ(test, e->end, fx->base + SZ_2M);
		if (e->op != REC_MAP)
			continue;
		KUNIT_EXPECT_TRUE_MSG(test, e->dma_ok,
				      "GPU %u mapped without a DMA address per page",
				      e->gpu);
		/* Writable, coherent (the default attributes), nothing else. */
		KUNIT_EXPECT_EQ_MSG(test, e->flags, DRM_SVM_COORD_MAP_COHERENT,
				    "GPU %u not mapped writable and coherent in a RW VMA",
				    e->gpu);
		/* prepare came first for the same GPU */
		KUNIT_EXPECT_TRUE(test, i > 0 &&
				  fx->rec.ev[i - 1].op == REC_PREPARE &&
				  fx->rec.ev[i - 1].gpu == e->gpu);
	}
	for (i = 0; i < NR_FAULTING; i++) {
		KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, i, DRM_SVM_COORD_STAT_MAPS), 1);
		KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, i, DRM_SVM_COORD_STAT_DMA_MAPS),
				1);
	}

	/* A second fault of a mapped GPU maps nothing and faults nothing. */
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 true), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_HMM_FAULTS), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, -1), NR_FAULTING);
}

/*
 * A fault that breaks copy-on-write page by page (of the zero page here)
 * invalidates pages of the range it is faulting, one at a time. A range
 * no GPU holds yet keeps no hole from that: it is mapped whole, once, and
 * stays whole (see Splitting).
 */
static void fault_breaks_cow(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
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
	drm_svm_coord_test_rec_reset(fx);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 false), 0);
	drm_svm_coord_flush(fx->svm);

	KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_SPLITS), 0,
			    "the fault's own copy-on-write breaks split the range");
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 1);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_range_info(fx->svm, fx->base,
						       &info), 0);
	KUNIT_EXPECT_EQ(test, info.start, fx->base);
	KUNIT_EXPECT_EQ(test, info.end, fx->base + SZ_2M);
	KUNIT_EXPECT_EQ(test, info.mapped, BIT_ULL(0));
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, 0), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, -1), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_HMM_FAULTS), 1);
}

static int set_one(struct drm_svm_coord_test_fixture *fx, u32 type,
		   u32 value)
{
	struct drm_svm_coord_attr a = { .type = type, .value = value };

	return drm_svm_coord_set_attr(fx->svm, fx->base, SZ_2M, &a, 1, NULL);
}

static void attrs_enforced(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1], fx->base,
							 true), 0);
	drm_svm_coord_test_rec_reset(fx);

	/* NO_ACCESS: the GPU's mapping goes, its faults get -EPERM. */
	KUNIT_ASSERT_EQ(test, set_one(fx, DRM_SVM_COORD_ATTR_NO_ACCESS, 1), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 1), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1], fx->base,
							 false), -EPERM);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_map(fx->vm[1], fx->base, SZ_4K),
			-EPERM);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 false), 0);

	/* GPU_RO: writes denied, reads map read-only. */
	KUNIT_ASSERT_EQ(test, set_one(fx, DRM_SVM_COORD_ATTR_SET_FLAGS,
				      DRM_SVM_COORD_FLAG_GPU_RO), 0);
	drm_svm_coord_test_rec_reset(fx);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[2], fx->base,
							 true), -EPERM);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[2], fx->base,
							 false), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, 2), 1);
	KUNIT_EXPECT_EQ(test, fx->rec.ev[fx->rec.count - 1].flags,
			DRM_SVM_COORD_MAP_READ_ONLY | DRM_SVM_COORD_MAP_COHERENT);
}

/*
 * Review finding M8: an attribute change over half of a range retired it.
 * Now it splits the range there: GPU 1, denied the second half, is zapped
 * there and nowhere else; GPU 0 keeps its entries in both pieces, and the
 * pieces their pages: GPU 2 maps the first one without a new
 * hmm_range_fault().
 */
static void attr_change_splits(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	struct drm_svm_coord_attr na = { DRM_SVM_COORD_ATTR_NO_ACCESS, 1 };
	unsigned long half = fx->base + SZ_1M;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 true), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1], fx->base,
							 false), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 1);
	drm_svm_coord_test_rec_reset(fx);

	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(fx->svm, half, SZ_1M, &na,
						     1, NULL), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 2);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1,
						      DRM_SVM_COORD_STAT_SPLITS), 1);
	KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 0),
			    0, "GPU 0's access did not change, it was zapped");
	KUNIT_ASSERT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 1), 1);
	for (i = 0; i < min(fx->rec.count, REC_MAX); i++) {
		if (fx->rec.ev[i].op != REC_UNMAP)
			continue;
		KUNIT_EXPECT_EQ(test, fx->rec.ev[i].start, half);
		KUNIT_EXPECT_EQ(test, fx->rec.ev[i].end, fx->base + SZ_2M);
	}

	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 true), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], half, true),
			0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1], fx->base,
							 false), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1], half, false),
			-EPERM);
	KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_test_count_ops(fx, REC_MAP, -1),
			    0, "a GPU mapped a piece it kept");
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[2], fx->base,
							 false), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, 2), 1);
	KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_test_stat(fx, -1,
							  DRM_SVM_COORD_STAT_HMM_FAULTS),
			    0, "the piece did not keep the range's pages");
}

/* The range the lookup stub hands out once, with a reference. */
static struct drm_svm_coord_range *info_stale_range;

static struct drm_svm_coord_range *
info_lookup_stub(struct drm_svm_coord *svm, unsigned long addr)
{
	struct drm_svm_coord_range *range = info_stale_range;

	info_stale_range = NULL;
	kunit_deactivate_static_stub(kunit_get_current_test(),
				     drm_svm_coord_range_lookup);
	return range;
}

/*
 * drm_svm_coord_range_info() finds the range under the tree lock and takes
 * its mutex after dropping it; the garbage collector, which does not take
 * the manager lock, may replace the range by its pieces in between. The
 * stub plays that gap: the lookup returns the range an attribute change
 * just split. The answer is the piece's, which GPU 0 maps, never the
 * replaced range, which maps nothing (PT_VERIFY would call GPU 0's
 * entries uncovered).
 */
static void range_info_after_split(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	struct drm_svm_coord_attr na = { DRM_SVM_COORD_ATTR_NO_ACCESS, 1 };
	u64 bit = BIT_ULL(drm_svm_coord_vm_index(fx->vm[0]));
	unsigned long half = fx->base + SZ_1M;
	struct drm_svm_coord_range_info info;
	struct drm_svm_coord_range *old;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 true), 0);
	old = drm_svm_coord_range_lookup(fx->svm, fx->base);
	KUNIT_ASSERT_NOT_NULL(test, old);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(fx->svm, half, SZ_1M, &na,
						     1, NULL), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 2);

	info_stale_range = old;	/* range_info() drops the reference */
	kunit_activate_static_stub(test, drm_svm_coord_range_lookup,
				   info_lookup_stub);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_range_info(fx->svm, fx->base,
						       &info), 0);
	KUNIT_EXPECT_NULL_MSG(test, info_stale_range, "the stub was not called");
	if (info_stale_range) {
		drm_svm_coord_range_put(info_stale_range);
		info_stale_range = NULL;
	}
	KUNIT_EXPECT_EQ(test, info.start, fx->base);
	KUNIT_EXPECT_EQ_MSG(test, info.end, half,
			    "the range replaced by the split was reported");
	KUNIT_EXPECT_EQ_MSG(test, info.mapped & bit, bit,
			    "GPU 0 keeps its entries in the piece, reported unmapped");
}

/*
 * A GPU's own buffer object over [64 KiB, 128 KiB) of a range (see
 * Reserved addresses): the range is split at both bounds, that GPU (1)
 * loses its entries there and nowhere else, and is refused the addresses
 * until they are given back; GPU 0 keeps mapping them.
 */
static void reserved_addresses(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	unsigned long bo = fx->base + SZ_64K;
	struct drm_svm_coord_range_info info;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 true), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1], fx->base,
							 false), 0);
	drm_svm_coord_test_rec_reset(fx);

	KUNIT_ASSERT_EQ(test, drm_svm_coord_reserve(fx->vm[1], bo, SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_reserve(fx->vm[1], bo + SZ_4K,
						    SZ_4K), -EEXIST);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_reserve(fx->vm[1], bo + 1, SZ_4K),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 3);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 0), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 1), 1);
	for (i = 0; i < min(fx->rec.count, REC_MAX); i++) {
		if (fx->rec.ev[i].op != REC_UNMAP)
			continue;
		KUNIT_EXPECT_EQ(test, fx->rec.ev[i].start, bo);
		KUNIT_EXPECT_EQ(test, fx->rec.ev[i].end, bo + SZ_64K);
	}
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1], bo, false),
			-EPERM);
	/* A map request stops there, as at any address the GPU may not map. */
	KUNIT_EXPECT_EQ(test, drm_svm_coord_map(fx->vm[1], fx->base, SZ_2M),
			-EPERM);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, 1), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], bo, true), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, 0), 0);

	/* Where no range was, a new one ends at a reservation's bound. */
	KUNIT_ASSERT_EQ(test, drm_svm_coord_reserve(fx->vm[1], fx->base + SZ_2M +
						    SZ_64K, SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[2],
							 fx->base + SZ_2M,
							 false), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_range_info(fx->svm, fx->base + SZ_2M,
						       &info), 0);
	KUNIT_EXPECT_EQ(test, info.start, fx->base + SZ_2M);
	KUNIT_EXPECT_EQ(test, info.end, fx->base + SZ_2M + SZ_64K);

	KUNIT_EXPECT_EQ(test, drm_svm_coord_unreserve(fx->vm[0], bo, SZ_64K),
			-ENOENT);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_unreserve(fx->vm[1], bo, SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1], bo, false),
			0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, 1), 1);
}

/* Granularity 0 gives 4 KiB ranges; a map request covers a whole area. */
static void map_ahead_granular(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;

	KUNIT_ASSERT_EQ(test, set_one(fx, DRM_SVM_COORD_ATTR_GRANULARITY, 0), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_map(fx->vm[0], fx->base, SZ_64K), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 16);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, 0, DRM_SVM_COORD_STAT_MAPS), 16);

	/* Outside the granular interval: one 2 MiB range. */
	KUNIT_ASSERT_EQ(test, drm_svm_coord_map(fx->vm[0], fx->base + SZ_2M,
						SZ_2M), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 17);

	KUNIT_EXPECT_EQ(test, drm_svm_coord_map(fx->vm[0], fx->base + 1,
						SZ_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_map(fx->vm[0], fx->base, 0),
			-EINVAL);
}

static struct kunit_case drm_svm_coord_fault_cases[] = {
	KUNIT_CASE(fault_shared),
	KUNIT_CASE(fault_breaks_cow),
	KUNIT_CASE(attrs_enforced),
	KUNIT_CASE(attr_change_splits),
	KUNIT_CASE(range_info_after_split),
	KUNIT_CASE(reserved_addresses),
	KUNIT_CASE(map_ahead_granular),
	{}
};

static struct kunit_suite drm_svm_coord_fault_suite = {
	.name = "drm_svm_coord_fault",
	.init = drm_svm_coord_test_rec_init,
	.test_cases = drm_svm_coord_fault_cases,
};

kunit_test_suite(drm_svm_coord_fault_suite);

MODULE_DESCRIPTION("KUnit tests of the drm_svm_coord fault path");
MODULE_LICENSE("Dual MIT/GPL");
