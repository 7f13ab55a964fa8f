// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * Ground-floor tests: the coordinator module is registered, and the helpers
 * its Kconfig selects (DRM_GPUSVM, HMM_MIRROR, MMU_NOTIFIER) work on a real
 * user address space in this kernel: a fault through drm_gpusvm yields DMA
 * addresses of the very pages userspace wrote, and munmap invalidates them;
 * drm_gpusvm_get_pages_multi() does the same for several devices at once.
 */

#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/dma-direct.h>
#include <linux/mman.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>

#include <drm/drm_gpusvm.h>
#include <drm/drm_pagemap.h>

#include "drm_svm_coord_test.h"

#define MAX_DEVS 4

/* One drm_gpusvm on the test's mm, one pages object per device. */
struct gpusvm_fixture {
	struct drm_gpusvm gpusvm;
	struct mutex lock;	/* driver lock of @gpusvm */
	unsigned int ndevs;
	struct drm_device *drm[MAX_DEVS];
	struct drm_gpusvm_pages pages[MAX_DEVS];
	unsigned long start;	/* 2 MiB aligned, SZ_2M of user data */
	unsigned long npages;
	struct drm_gpusvm_range *range;
	unsigned int invalidations;
	unsigned long inval_start, inval_end;
};

static void test_debugfs_root_registered(struct kunit *test)
{
	struct dentry *root = debugfs_lookup("drm_svm_coord", NULL);

	KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, root,
					 "module init did not create debugfs drm_svm_coord/");
	dput(root);
}

static void fixture_invalidate(struct drm_gpusvm *gpusvm,
			       struct drm_gpusvm_notifier *notifier,
			       const struct mmu_notifier_range *mmu_range)
{
	struct gpusvm_fixture *fx = container_of(gpusvm, typeof(*fx), gpusvm);
	struct drm_gpusvm_ctx ctx = { .in_notifier = true };
	unsigned int d;

	fx->invalidations++;
	fx->inval_start = mmu_range->start;
	fx->inval_end = mmu_range->end;
	for (d = 0; d < fx->ndevs; d++)
		drm_gpusvm_unmap_pages(gpusvm, &fx->pages[d], fx->npages, &ctx);
}

static const struct drm_gpusvm_ops fixture_ops = {
	.invalidate = fixture_invalidate,
};

static const unsigned long fixture_chunks[] = { SZ_2M, SZ_64K, SZ_4K };

static void fixture_fini(void *data)
{
	struct gpusvm_fixture *fx = data;
	unsigned int d;

	for (d = 0; d < fx->ndevs; d++)
		drm_gpusvm_free_pages(&fx->gpusvm, &fx->pages[d], fx->npages);
	mutex_lock(&fx->lock);
	drm_gpusvm_fini(&fx->gpusvm);
	mutex_unlock(&fx->lock);
}

static u64 pattern(unsigned long i)
{
	return 0x5eed0000cafe0000ull ^ i;
}

/*
 * ndevs DRM devices, 2 MiB of user memory filled with pattern(), a
 * drm_gpusvm on the test's mm and its 2 MiB range; pages not fetched yet.
 */
static struct gpusvm_fixture *fixture_create(struct kunit *test,
					     unsigned int ndevs)
{
	struct drm_gpusvm_ctx ctx = {};
	struct gpusvm_fixture *fx;
	unsigned long addr, i;
	int err;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->ndevs = ndevs;
	for (i = 0; i < ndevs; i++)
		fx->drm[i] = svm_test_drm_device(test, i);

	/* 4 MiB so that a 2 MiB aligned chunk lies inside the VMA. */
	addr = kunit_vm_mmap(test, NULL, 0, SZ_4M, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "kunit_vm_mmap failed");
	fx->start = ALIGN(addr, SZ_2M);
	fx->npages = SZ_2M >> PAGE_SHIFT;

	for (i = 0; i < fx->npages; i++) {
		u64 val = pattern(i);

		KUNIT_ASSERT_EQ(test, 0, copy_to_user((void __user *)
			(fx->start + i * PAGE_SIZE), &val, sizeof(val)));
	}

	mutex_init(&fx->lock);
	err = drm_gpusvm_init(&fx->gpusvm, "kunit", current->mm, 0, TASK_SIZE,
			      SZ_512M, &fixture_ops, fixture_chunks,
			      ARRAY_SIZE(fixture_chunks));
	KUNIT_ASSERT_EQ(test, err, 0);
	drm_gpusvm_driver_set_lock(&fx->gpusvm, &fx->lock);
	for (i = 0; i < ndevs; i++)
		drm_gpusvm_init_pages(&fx->pages[i], fx->drm[i]);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, fixture_fini, fx));

	mutex_lock(&fx->lock);
	fx->range = drm_gpusvm_range_find_or_insert(&fx->gpusvm, fx->start,
						    fx->start, fx->start + SZ_2M,
						    &ctx);
	mutex_unlock(&fx->lock);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, fx->range);
	KUNIT_EXPECT_EQ(test, drm_gpusvm_range_start(fx->range), fx->start);
	KUNIT_EXPECT_EQ(test, drm_gpusvm_range_end(fx->range), fx->start + SZ_2M);
	return fx;
}

static bool fixture_pages_valid(struct gpusvm_fixture *fx, unsigned int d)
{
	bool valid;

	drm_gpusvm_notifier_lock(&fx->gpusvm);
	valid = drm_gpusvm_pages_valid(&fx->gpusvm, &fx->pages[d]);
	drm_gpusvm_notifier_unlock(&fx->gpusvm);
	return valid;
}

/* Each DMA address of device d (dma-direct here) leads to the page written. */
static void expect_user_data(struct kunit *test, struct gpusvm_fixture *fx,
			     unsigned int d)
{
	struct device *dev = fx->drm[d]->dev;
	unsigned long i, j;

	KUNIT_ASSERT_TRUE_MSG(test, fixture_pages_valid(fx, d), "device %u", d);
	for (i = 0, j = 0; i < fx->npages; j++) {
		struct drm_pagemap_addr *da = &fx->pages[d].dma_addr[j];
		phys_addr_t phys = dma_to_phys(dev, da->addr);
		unsigned long k;

		for (k = 0; k < (1ul << da->order); k++, i++) {
			u64 *p = phys_to_virt(phys + k * PAGE_SIZE);

			KUNIT_ASSERT_EQ_MSG(test, *p, pattern(i),
					    "device %u page %lu: DMA address %pad holds the wrong data",
					    d, i, &da->addr);
		}
	}
}

/*
 * Fault 2 MiB of a user mapping through drm_gpusvm, check that every DMA
 * address leads to the page userspace wrote, then munmap one page and check
 * that the notifier invalidated exactly that page's span.
 */
static void test_gpusvm_fault_and_invalidate_user_mm(struct kunit *test)
{
	struct gpusvm_fixture *fx = fixture_create(test, 1);
	struct drm_gpusvm_ctx ctx = {};
	unsigned long hole = fx->start + SZ_1M;
	int err;

	err = drm_gpusvm_get_pages(&fx->gpusvm, &fx->pages[0], current->mm,
				   &fx->range->notifier->notifier, fx->start,
				   fx->start + SZ_2M, &ctx);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "drm_gpusvm_get_pages failed");
	expect_user_data(test, fx, 0);

	KUNIT_ASSERT_EQ(test, 0, vm_munmap(hole, PAGE_SIZE));
	KUNIT_EXPECT_GE(test, fx->invalidations, 1u);
	KUNIT_EXPECT_LE(test, fx->inval_start, hole);
	KUNIT_EXPECT_GE(test, fx->inval_end, hole + PAGE_SIZE);
	KUNIT_EXPECT_FALSE_MSG(test, fixture_pages_valid(fx, 0),
			       "pages still valid after munmap invalidated them");
}

/*
 * drm_gpusvm_get_pages_multi(): one call maps the range for every device,
 * with the same notifier sequence; a device whose pages are still valid
 * keeps its mapping untouched while the others are mapped again.
 */
static void test_gpusvm_get_pages_multi(struct kunit *test)
{
	struct gpusvm_fixture *fx = fixture_create(test, 3);
	struct drm_gpusvm_pages *all[MAX_DEVS + 1], *bad[DRM_GPUSVM_MAX_MULTI + 1];
	struct mmu_interval_notifier *notifier = &fx->range->notifier->notifier;
	struct drm_gpusvm_ctx ctx = {}, in_notifier = { .in_notifier = true };
	struct drm_pagemap_addr *kept;
	unsigned int d;
	int err;

	for (d = 0; d < fx->ndevs; d++)
		all[d] = &fx->pages[d];
	err = drm_gpusvm_get_pages_multi(&fx->gpusvm, all, fx->ndevs, current->mm,
					 notifier, fx->start, fx->start + SZ_2M,
					 &ctx);
	KUNIT_ASSERT_EQ(test, err, 0);
	for (d = 0; d < fx->ndevs; d++) {
		expect_user_data(test, fx, d);
		KUNIT_EXPECT_EQ(test, fx->pages[d].notifier_seq,
				fx->pages[0].notifier_seq);
	}

	/* Device 1 loses its mapping; devices 0 and 2 keep theirs. */
	kept = fx->pages[0].dma_addr;
	down_write(&fx->gpusvm.notifier_lock);
	drm_gpusvm_unmap_pages(&fx->gpusvm, &fx->pages[1], fx->npages, &in_notifier);
	up_write(&fx->gpusvm.notifier_lock);
	KUNIT_ASSERT_FALSE(test, fixture_pages_valid(fx, 1));
	err = drm_gpusvm_get_pages_multi(&fx->gpusvm, all, fx->ndevs, current->mm,
					 notifier, fx->start, fx->start + SZ_2M,
					 &ctx);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_PTR_EQ_MSG(test, fx->pages[0].dma_addr, kept,
				"a still valid device was mapped again");
	for (d = 0; d < fx->ndevs; d++)
		expect_user_data(test, fx, d);

	/* A CPU munmap invalidates every device. */
	KUNIT_ASSERT_EQ(test, 0, vm_munmap(fx->start, PAGE_SIZE));
	for (d = 0; d < fx->ndevs; d++)
		KUNIT_EXPECT_FALSE_MSG(test, fixture_pages_valid(fx, d), "device %u", d);

	/* No device, or more than the limit: nothing is done. */
	for (d = 0; d < ARRAY_SIZE(bad); d++)
		bad[d] = &fx->pages[0];
	err = drm_gpusvm_get_pages_multi(&fx->gpusvm, all, 0, current->mm,
					 notifier, fx->start, fx->start + SZ_2M,
					 &ctx);
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
	err = drm_gpusvm_get_pages_multi(&fx->gpusvm, bad, ARRAY_SIZE(bad),
					 current->mm, notifier, fx->start,
					 fx->start + SZ_2M, &ctx);
	KUNIT_EXPECT_EQ(test, err, -EINVAL);
}

static struct kunit_case drm_svm_coord_base_cases[] = {
	KUNIT_CASE(test_debugfs_root_registered),
	KUNIT_CASE(test_gpusvm_fault_and_invalidate_user_mm),
	KUNIT_CASE(test_gpusvm_get_pages_multi),
	{}
};

static struct kunit_suite drm_svm_coord_base_suite = {
	.name = "drm_svm_coord_base",
	.test_cases = drm_svm_coord_base_cases,
};

kunit_test_suite(drm_svm_coord_base_suite);

MODULE_DESCRIPTION("KUnit tests of the drm_svm_coord base");
MODULE_LICENSE("Dual MIT/GPL");
