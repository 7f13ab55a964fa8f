// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * The restore of GPUs that cannot fault, on a real user address space
 * against the recording backend: one quiesce and one resume per batch,
 * one hmm_range_fault() per range for all of them, and a failing GPU not
 * holding back the others.
 */

#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>

#include "../drm_svm_coord_priv.h"
#include "drm_svm_coord_test_rec.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

/*
 * GPUs that cannot fault: access granted maps at once; an invalidation
 * quiesces them once for the whole batch and only them; the restore
 * worker maps them again with one hmm_range_fault() per range for both,
 * then resumes each once, and drm_svm_coord_flush() waits for the resumes.
 * The GPU that can fault is only zapped.
 */
static void nofault_restore(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	struct drm_svm_coord_attr a[] = {
		{ DRM_SVM_COORD_ATTR_ACCESS, 3 },
		{ DRM_SVM_COORD_ATTR_ACCESS, 4 },
	};
	unsigned int g, i;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(fx->svm, fx->base, SZ_4M,
						     a, 2, NULL), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, 3), 2);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, 4), 2);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_FAULTS), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_HMM_FAULTS), 2);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 true), 0);
	drm_svm_coord_test_rec_reset(fx);

	/* Hold the tree lock: the restore waits until both ranges are hit. */
	mutex_lock(&fx->svm->tree_lock);
	KUNIT_EXPECT_EQ(test, do_madvise(current->mm, fx->base, SZ_4M,
					 MADV_DONTNEED), 0);
	mutex_unlock(&fx->svm->tree_lock);
	drm_svm_coord_flush(fx->svm);

	for (g = 3; g <= 4; g++) {
		KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_test_count_ops(fx, REC_QUIESCE, g), 1,
				    "GPU %u quiesced %u times for one event", g,
				    drm_svm_coord_test_count_ops(fx, REC_QUIESCE, g));
		KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_RESUME, g), 1);
		KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, g), 2);
		KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, g), 2);
	}
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_QUIESCE, 0), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 0), 1);
	KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_test_count_ops(fx, REC_MAP, 0), 0,
			    "the GPU that can fault was restored");
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_HMM_FAULTS), 2);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_RESTORE_RUNS), 1);
	/* Every map, then one sync per GPU restored, then the resumes. */
	KUNIT_EXPECT_EQ(test, fx->rec.ev[fx->rec.count - 1].op, REC_RESUME);
	KUNIT_EXPECT_EQ(test, fx->rec.ev[fx->rec.count - 2].op, REC_RESUME);
	KUNIT_EXPECT_EQ(test, fx->rec.ev[fx->rec.count - 3].op, REC_SYNC);
	KUNIT_EXPECT_EQ(test, fx->rec.ev[fx->rec.count - 4].op, REC_SYNC);
	for (g = 3; g <= 4; g++)
		KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_test_count_ops(fx, REC_SYNC, g),
				    1, "GPU %u: not one map_sync per restore run", g);
	/* A flush until then would have returned with the GPUs still stopped. */
	for (i = fx->rec.count - 4; i < fx->rec.count; i++)
		KUNIT_EXPECT_TRUE_MSG(test, fx->rec.ev[i].busy,
				      "the flush would not wait at the %s of GPU %u: the run has not resumed it yet",
				      fx->rec.ev[i].op == REC_SYNC ? "map_sync" : "resume",
				      fx->rec.ev[i].gpu);

	/* An unmap quiesces nobody and leaves the rest mapped. */
	drm_svm_coord_test_rec_reset(fx);
	KUNIT_ASSERT_EQ(test, vm_munmap(fx->base + SZ_2M, PAGE_SIZE), 0);
	drm_svm_coord_flush(fx->svm);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_QUIESCE, -1), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, -1), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 3), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_SPLITS), 1);
}

/*
 * A range that fails to restore for one GPU does not hold back another
 * GPU's restore: that one resumes first; the failing one is retried with
 * backoff, then given up, counted and resumed. drm_svm_coord_flush() waits
 * for the backoff: one run per attempt, two if the event's two ranges
 * reached the worker apart, where a flush that ran the worker early spun
 * through runs that found nothing due (2189 runs for 8 attempts).
 */
static void nofault_restore_failure(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	struct drm_svm_coord_attr a3 = { DRM_SVM_COORD_ATTR_ACCESS, 3 };
	struct drm_svm_coord_attr a4 = { DRM_SVM_COORD_ATTR_ACCESS, 4 };
	unsigned int i, resume4 = UINT_MAX, last_map3 = 0;
	u64 runs;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(fx->svm, fx->base, SZ_2M,
						     &a3, 1, NULL), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(fx->svm,
						     fx->base + SZ_2M, SZ_2M,
						     &a4, 1, NULL), 0);
	drm_svm_coord_test_rec_reset(fx);
	fx->gpu[3].fail_map = true;

	KUNIT_EXPECT_EQ(test, do_madvise(current->mm, fx->base, SZ_4M,
					 MADV_DONTNEED), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_flush(fx->svm), 0);
	fx->gpu[3].fail_map = false;

	runs = drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_RESTORE_RUNS);
	KUNIT_EXPECT_LE_MSG(test, runs, 2 * 8 + 1,
			    "%llu restore runs for 8 attempts: the flush ran the worker before a backoff passed",
			    runs);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_RESUME, 4), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_RESUME, 3), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, 3, DRM_SVM_COORD_STAT_RESTORE_FAILURES),
			8);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, 4, DRM_SVM_COORD_STAT_RESTORE_FAILURES),
			0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, 3), 8);
	for (i = 0; i < min(fx->rec.count, REC_MAX); i++) {
		if (fx->rec.ev[i].op == REC_RESUME && fx->rec.ev[i].gpu == 4)
			resume4 = min(resume4, i);
		if (fx->rec.ev[i].op == REC_MAP && fx->rec.ev[i].gpu == 3)
			last_map3 = i;
	}
	KUNIT_EXPECT_LT_MSG(test, resume4, last_map3,
			    "GPU 4 waited for GPU 3's failing restore");
}

/*
 * Review minor 11: a range retired while it waits on the restore list (its
 * restore failing and backing off) keeps every GPU's pages struct until
 * the list lets it go, which may be after a GPU detached and its device
 * went: the release would then free a pages struct naming that device.
 * Detach takes the GPU's pages away from such ranges too. Before the fix
 * the retired range still had GPU 0's pages after GPU 0 detached.
 */
static void nofault_restore_detach(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	struct drm_svm_coord_attr a3 = { DRM_SVM_COORD_ATTR_ACCESS, 3 };
	struct drm_svm_coord_attr ro = {
		DRM_SVM_COORD_ATTR_SET_FLAGS, DRM_SVM_COORD_FLAG_GPU_RO
	};
	struct drm_svm_coord_range *range;
	unsigned int waiting = 0, named = 0;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(fx->svm, fx->base, SZ_2M,
						     &a3, 1, NULL), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 false), 0);
	fx->gpu[3].fail_map = true;
	/* Enough tries that the range outlives the steps below. */
	WRITE_ONCE(fx->svm->settings.restore_retries, 64);

	/* GPU 3 is quiesced; its restore fails and backs off. */
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, fx->base, SZ_2M,
					 MADV_DONTNEED), 0);
	/*
	 * An attribute change over half of it splits it: the range waiting
	 * on the list leaves the tree, its pieces take its place.
	 */
	drm_svm_coord_set_attr(fx->svm, fx->base, SZ_1M, &ro, 1, NULL);
	drm_svm_coord_test_detach_now(test, fx, 0);

	/* The manager lock keeps the restore worker from taking ranges off. */
	down_write(&fx->svm->lock);
	drm_svm_coord_notifier_lock_read(fx->svm);
	list_for_each_entry(range, &fx->svm->restore_list, restore_link) {
		if (!range->unmapped)
			continue;
		waiting++;
		if (range->pages[0])
			named++;
	}
	drm_svm_coord_notifier_unlock_read(fx->svm);
	up_write(&fx->svm->lock);
	KUNIT_EXPECT_GT_MSG(test, waiting, 0,
			    "no retired range waits on the restore list: the test lost its point");
	KUNIT_EXPECT_EQ_MSG(test, named, 0,
			    "a retired range on the restore list kept the pages of a detached GPU");

	fx->gpu[3].fail_map = false;
	drm_svm_coord_flush(fx->svm);
}

/*
 * An @unmap that fails may leave entries: the GPU is quiesced, whether it
 * can fault (GPU 0) or not (GPU 3), counted as mapping nothing, and the
 * restore worker unmaps the range again before it maps it for the GPU
 * that cannot fault, then resumes both.
 */
#define UNMAP_FAILURES DRM_SVM_COORD_STAT_UNMAP_FAILURES

static void unmap_failure_retried(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	struct drm_svm_coord_attr a3 = { DRM_SVM_COORD_ATTR_ACCESS, 3 };
	int unmap2[2] = { -1, -1 }, map3 = -1, resume[2] = { -1, -1 };
	unsigned int i, n0 = 0, n3 = 0;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(fx->svm, fx->base, SZ_2M,
						     &a3, 1, NULL), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 true), 0);
	fx->gpu[0].fail_unmap = 1;
	fx->gpu[3].fail_unmap = 1;
	drm_svm_coord_test_rec_reset(fx);

	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, fx->base, SZ_2M,
					 MADV_DONTNEED), 0);
	drm_svm_coord_flush(fx->svm);

	for (i = 0; i < min(fx->rec.count, REC_MAX); i++) {
		const struct drm_svm_coord_test_rec_event *e = &fx->rec.ev[i];

		if (e->op == REC_UNMAP && e->gpu == 0 && ++n0 == 2)
			unmap2[0] = i;
		if (e->op == REC_UNMAP && e->gpu == 3 && ++n3 == 2)
			unmap2[1] = i;
		if (e->op == REC_MAP && e->gpu == 3 && map3 < 0)
			map3 = i;
		if (e->op == REC_RESUME && e->gpu == 0)
			resume[0] = i;
		if (e->op == REC_RESUME && e->gpu == 3)
			resume[1] = i;
	}
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, 0, UNMAP_FAILURES), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, 3, UNMAP_FAILURES), 1);
	KUNIT_EXPECT_EQ_MSG(test, n0, 2, "GPU 0's failed unmap was not retried");
	KUNIT_EXPECT_EQ_MSG(test, n3, 2, "GPU 3's failed unmap was not retried");
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_QUIESCE, 0), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_RESUME, 0), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, 0), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_RESUME, 3), 1);
	KUNIT_EXPECT_GT_MSG(test, resume[0], unmap2[0],
			    "GPU 0 resumed before its entries were cleared");
	KUNIT_EXPECT_GT_MSG(test, map3, unmap2[1],
			    "GPU 3 mapped before its entries were cleared");
	KUNIT_EXPECT_GT(test, resume[1], map3);
}

static struct kunit_case drm_svm_coord_restore_cases[] = {
	KUNIT_CASE(nofault_restore),
	KUNIT_CASE(nofault_restore_failure),
	KUNIT_CASE(nofault_restore_detach),
	KUNIT_CASE(unmap_failure_retried),
	{}
};

static struct kunit_suite drm_svm_coord_restore_suite = {
	.name = "drm_svm_coord_restore",
	.init = drm_svm_coord_test_rec_init,
	.test_cases = drm_svm_coord_restore_cases,
};

kunit_test_suite(drm_svm_coord_restore_suite);

MODULE_DESCRIPTION("KUnit tests of the drm_svm_coord restore worker");
MODULE_LICENSE("Dual MIT/GPL");
