// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * Splitting: the pieces a range splits into (pure: cases and random hole
 * and cut patterns) and, on a real user address space against the
 * recording backend, a range losing part of its pages and a fault in that
 * part. The pure cases are a suite of their own, without the fixture.
 */

#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/prandom.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>

#include "../drm_svm_coord_priv.h"
#include "drm_svm_coord_test_rec.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

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

/*
 * MADV_DONTNEED of part of a range: that part is zapped and leaves the
 * range, the rest stays; a fault in the part makes a small new range.
 */
static void invalidate_part_refault(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	unsigned long part = fx->base + SZ_64K;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1], fx->base,
							 true), 0);
	drm_svm_coord_test_rec_reset(fx);
	KUNIT_ASSERT_EQ(test, do_madvise(current->mm, part, SZ_16K,
					 MADV_DONTNEED), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 1), 1);
	KUNIT_EXPECT_EQ(test, fx->rec.ev[0].start, part);
	KUNIT_EXPECT_EQ(test, fx->rec.ev[0].end, part + SZ_16K);

	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[1],
							 part + SZ_4K, true),
			0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_SPLITS), 1);
	/* Two pieces and a 4 KiB range: no 64 KiB block fits the hole. */
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(fx->svm), 3);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_stat(fx, -1, DRM_SVM_COORD_STAT_HMM_PAGES), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_MAP, 1), 1);
	KUNIT_EXPECT_EQ(test, fx->rec.ev[fx->rec.count - 1].start,
			part + SZ_4K);
}

/*
 * Pure: where a GPU's entries of a range may be cut: not inside a block
 * aligned to one of its entry sizes that lies whole in the range
 * (&drm_svm_coord_vm_caps.pte_sizes), wherever the range starts.
 */
static void pte_cut_cases(struct kunit *test)
{
	static const struct {
		unsigned long sizes, start, size, cut;
		bool ok;
	} cases[] = {
		{ 0, SZ_2M, SZ_2M, SZ_2M + SZ_4K, true },		/* pages only */
		{ SZ_2M, SZ_2M, SZ_2M, SZ_2M + SZ_1M, false },
		{ SZ_2M, SZ_2M, SZ_2M, SZ_2M, true },			/* a bound */
		{ SZ_64K, SZ_2M, SZ_2M, SZ_2M + SZ_64K, true },
		{ SZ_64K, SZ_2M, SZ_2M, SZ_2M + SZ_64K + SZ_4K, false },
		{ SZ_2M, SZ_2M + SZ_1M, SZ_1M, SZ_2M + SZ_1M + SZ_4K, true },
		/* A piece that starts unaligned still holds aligned blocks. */
		{ SZ_64K, SZ_2M + 101 * SZ_4K, SZ_1M, SZ_2M + 125 * SZ_4K, false },
		{ SZ_64K, SZ_2M + 101 * SZ_4K, SZ_1M, SZ_2M + 102 * SZ_4K, true },
		{ SZ_64K | SZ_2M, SZ_2M + 101 * SZ_4K, SZ_1M, SZ_2M + 112 * SZ_4K,
		  true },
	};
	struct drm_svm_coord_range range = {};
	struct drm_svm_coord_vm vm = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		vm.caps.pte_sizes = cases[i].sizes;
		range.itree.start = cases[i].start;
		range.itree.last = cases[i].start + cases[i].size - 1;
		KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_pte_cut_ok(&vm, &range,
								   cases[i].cut),
				    cases[i].ok, "case %u", i);
	}
}

static struct kunit_case drm_svm_coord_gc_cases[] = {
	KUNIT_CASE(invalidate_part_refault),
	{}
};

/* Pure: no mm, no GPU. */
static struct kunit_case drm_svm_coord_split_runs_cases[] = {
	KUNIT_CASE(split_cases),
	KUNIT_CASE(split_random),
	KUNIT_CASE(pte_cut_cases),
	{}
};

static struct kunit_suite drm_svm_coord_split_runs_suite = {
	.name = "drm_svm_coord_split_runs",
	.test_cases = drm_svm_coord_split_runs_cases,
};

static struct kunit_suite drm_svm_coord_gc_suite = {
	.name = "drm_svm_coord_gc",
	.init = drm_svm_coord_test_rec_init,
	.test_cases = drm_svm_coord_gc_cases,
};

kunit_test_suites(&drm_svm_coord_split_runs_suite, &drm_svm_coord_gc_suite);

MODULE_DESCRIPTION("KUnit tests of the drm_svm_coord range splitting");
MODULE_LICENSE("Dual MIT/GPL");
