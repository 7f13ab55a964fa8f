// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * Ranges: their sizing (pure: cases and random windows) and, on a real user
 * address space against the recording backend, their teardown when the
 * GPUs detach. The sizing cases are a suite of their own, without the
 * fixture.
 */

#include <kunit/test.h>
#include <linux/mman.h>
#include <linux/prandom.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>

#include "../drm_svm_coord_priv.h"
#include "drm_svm_coord_test_rec.h"

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

/* Detach zaps the GPU; the last detach removes every range and notifier. */
static void detach_cleans_up(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	struct drm_svm_coord *svm = fx->svm;
	unsigned int i;

	drm_svm_coord_get(current->mm);	/* keep the manager to look at it */
	for (i = 0; i < NR_FAULTING; i++)
		KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[i],
								 fx->base,
								 false), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_map(fx->vm[0], fx->base + SZ_2M,
						SZ_4K), 0);
	drm_svm_coord_test_rec_reset(fx);

	drm_svm_coord_test_detach_now(test, fx, 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_UNMAP, 1), 1);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_test_count_ops(fx, REC_WAIT, 1), 1);
	KUNIT_EXPECT_EQ(test, fx->rec.count, 2);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(svm), 2);

	for (i = 0; i < NR_GPUS; i++)
		drm_svm_coord_test_detach_now(test, fx, i);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(svm), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&svm->stats[DRM_SVM_COORD_STAT_NOTIFIERS_REMOVED]),
			1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&svm->stats[DRM_SVM_COORD_STAT_RANGES_DESTROYED]),
			2);
	KUNIT_EXPECT_TRUE(test, RB_EMPTY_ROOT(&svm->notifiers.rb_root));
	drm_svm_coord_put(svm);
}

/* The range holding @addr, with a reference, or NULL. */
static struct drm_svm_coord_range *range_at(struct drm_svm_coord *svm,
					    unsigned long addr)
{
	struct drm_svm_coord_range *range = NULL;
	struct interval_tree_node *nn, *rn = NULL;

	mutex_lock(&svm->tree_lock);
	nn = interval_tree_iter_first(&svm->notifiers, addr, addr);
	if (nn)
		rn = interval_tree_iter_first(&container_of(nn, struct drm_svm_coord_notifier,
							    itree)->ranges, addr, addr);
	if (rn) {
		range = container_of(rn, struct drm_svm_coord_range, itree);
		kref_get(&range->ref);
	}
	mutex_unlock(&svm->tree_lock);
	return range;
}

/*
 * Review finding M1: a range whose data a detaching GPU's VRAM still held
 * (an eviction at detach that could not move it: a range with holes, or
 * already unmapped) kept the GPU's index as its location and its thrash
 * pin; the next move of the range looked the GPU up and dereferenced
 * NULL. After a detach no range may name the GPU. The recording backend
 * has no VRAM: the location and pin are set as such an eviction leaves
 * them. Before the fix both stayed.
 */
static void detach_forgets_locations(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	struct drm_svm_coord_range *range;

	KUNIT_ASSERT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 false), 0);
	range = range_at(fx->svm, fx->base);
	KUNIT_ASSERT_NOT_NULL(test, range);
	mutex_lock(&range->validate_lock);
	drm_svm_coord_range_set_loc(fx->svm, range, 1);
	range->thrash.state = DRM_SVM_COORD_THRASH_PINNED;
	range->thrash.pin_loc = 1;
	mutex_unlock(&range->validate_lock);

	drm_svm_coord_test_detach_now(test, fx, 1);
	KUNIT_EXPECT_NE_MSG(test, range->loc, 1,
			    "a range still places its data in the VRAM of a detached GPU");
	KUNIT_EXPECT_FALSE_MSG(test, range->thrash.state == DRM_SVM_COORD_THRASH_PINNED &&
			       range->thrash.pin_loc == 1,
			       "a range is still pinned to a detached GPU");
	/* The GPU that stays uses the range as before. */
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 true), 0);
	drm_svm_coord_range_put(range);
}

/* What the fault path reads of @addr, under the manager lock as it is. */
static int where_is(struct drm_svm_coord *svm, unsigned long addr,
		    struct drm_svm_coord_where *w)
{
	int err;

	down_read(&svm->lock);
	err = drm_svm_coord_where_is(svm, addr, w);
	up_read(&svm->lock);
	return err;
}

/* The fault path's insert of a range for @addr, as @w read it; its error. */
static int insert(struct drm_svm_coord *svm,
		  const struct drm_svm_coord_where *w, unsigned long addr)
{
	struct drm_svm_coord_range *range;

	down_read(&svm->lock);
	mutex_lock(&svm->tree_lock);
	range = drm_svm_coord_range_find_or_create(svm, w, addr);
	mutex_unlock(&svm->tree_lock);
	if (!IS_ERR(range))
		drm_svm_coord_range_put(range);
	up_read(&svm->lock);
	return PTR_ERR_OR_ZERO(range);
}

/*
 * Review finding M4: the fault path reads the VMA (drm_svm_coord_where_is())
 * and inserts the range later. A VMA change in between reaches no range
 * through the notifier, none being inserted yet: the insert must see it
 * and ask for a new lookup, or the range lies over a hole (its every fault
 * -EFAULT, also on the addresses still mapped) or writable in a VMA made
 * read-only (pages never populated: no notifier at all; GPU writes fault
 * forever). Without the check under the mmap lock at the insert, both
 * ranges go in; without its permission part, the second.
 */
static void vma_change_before_insert(struct kunit *test)
{
	struct drm_svm_coord_test_fixture *fx = test->priv;
	unsigned long ro = fx->base + SZ_2M;
	struct drm_svm_coord *svm = fx->svm;
	struct drm_svm_coord_range *range;
	struct drm_svm_coord_where w;

	/* An munmap in the window after the lookup. */
	KUNIT_ASSERT_EQ(test, where_is(svm, fx->base, &w), 0);
	KUNIT_ASSERT_EQ(test, w.hi - w.lo, SZ_2M);
	KUNIT_ASSERT_EQ(test, vm_munmap(fx->base + SZ_1M, PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ_MSG(test, insert(svm, &w, fx->base), -EAGAIN,
			    "a range was inserted over a hole");

	/*
	 * The next window, never populated, made read-only whole: the
	 * bounds still hold, the permission does not.
	 */
	KUNIT_ASSERT_EQ(test, where_is(svm, ro, &w), 0);
	KUNIT_ASSERT_TRUE(test, w.vma_write);
	KUNIT_ASSERT_EQ(test, kunit_vm_mmap(test, NULL, ro, SZ_2M, PROT_READ,
					    MAP_ANONYMOUS | MAP_PRIVATE |
					    MAP_FIXED, 0), ro);
	KUNIT_EXPECT_EQ_MSG(test, insert(svm, &w, ro), -EAGAIN,
			    "a writable range was inserted in a read-only VMA");
	KUNIT_EXPECT_EQ(test, drm_svm_coord_nr_ranges(svm), 0);

	/* Looked up again, faults map what the VMAs of the moment allow. */
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], fx->base,
							 true), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_handle_fault(fx->vm[0], ro, false),
			0);
	KUNIT_EXPECT_EQ_MSG(test, drm_svm_coord_handle_fault(fx->vm[0], ro,
							     true), -EPERM,
			    "a GPU write to a read-only VMA was not refused");
	range = range_at(svm, fx->base);
	KUNIT_ASSERT_NOT_NULL(test, range);
	KUNIT_EXPECT_LE(test, drm_svm_coord_range_end(range), fx->base + SZ_1M);
	drm_svm_coord_range_put(range);
}

/* Pure: no mm, no GPU. */
static struct kunit_case drm_svm_coord_range_chunk_cases[] = {
	KUNIT_CASE(chunk_cases),
	KUNIT_CASE(chunk_properties),
	{}
};

static struct kunit_suite drm_svm_coord_range_chunk_suite = {
	.name = "drm_svm_coord_range_chunk",
	.test_cases = drm_svm_coord_range_chunk_cases,
};

static struct kunit_case drm_svm_coord_range_cases[] = {
	KUNIT_CASE(detach_cleans_up),
	KUNIT_CASE(detach_forgets_locations),
	KUNIT_CASE(vma_change_before_insert),
	{}
};

static struct kunit_suite drm_svm_coord_range_suite = {
	.name = "drm_svm_coord_range",
	.init = drm_svm_coord_test_rec_init,
	.test_cases = drm_svm_coord_range_cases,
};

kunit_test_suites(&drm_svm_coord_range_chunk_suite, &drm_svm_coord_range_suite);

MODULE_DESCRIPTION("KUnit tests of the drm_svm_coord ranges");
MODULE_LICENSE("Dual MIT/GPL");
