// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * Ground-floor tests: the coordinator module is registered, and the helpers
 * its Kconfig selects (DRM_GPUSVM, HMM_MIRROR, MMU_NOTIFIER) work on a real
 * user address space in this kernel: a fault through drm_gpusvm yields DMA
 * addresses of the very pages userspace wrote, and munmap invalidates them.
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

struct gpusvm_fixture {
	struct drm_device *drm;
	struct drm_gpusvm gpusvm;
	struct mutex lock;	/* driver lock of @gpusvm */
	struct drm_gpusvm_pages pages;
	unsigned long npages;
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

	fx->invalidations++;
	fx->inval_start = mmu_range->start;
	fx->inval_end = mmu_range->end;
	drm_gpusvm_unmap_pages(gpusvm, &fx->pages, fx->npages, &ctx);
}

static const struct drm_gpusvm_ops fixture_ops = {
	.invalidate = fixture_invalidate,
};

static const unsigned long fixture_chunks[] = { SZ_2M, SZ_64K, SZ_4K };

static void fixture_fini(void *data)
{
	struct gpusvm_fixture *fx = data;

	drm_gpusvm_free_pages(&fx->gpusvm, &fx->pages, fx->npages);
	mutex_lock(&fx->lock);
	drm_gpusvm_fini(&fx->gpusvm);
	mutex_unlock(&fx->lock);
}

static u64 pattern(unsigned long i)
{
	return 0x5eed0000cafe0000ull ^ i;
}

static bool fixture_pages_valid(struct gpusvm_fixture *fx)
{
	bool valid;

	drm_gpusvm_notifier_lock(&fx->gpusvm);
	valid = drm_gpusvm_pages_valid(&fx->gpusvm, &fx->pages);
	drm_gpusvm_notifier_unlock(&fx->gpusvm);
	return valid;
}

/*
 * Fault 2 MiB of a user mapping through drm_gpusvm, check that every DMA
 * address leads to the page userspace wrote, then munmap one page and check
 * that the notifier invalidated exactly that page's span.
 */
static void test_gpusvm_fault_and_invalidate_user_mm(struct kunit *test)
{
	struct drm_gpusvm_ctx ctx = {};
	struct gpusvm_fixture *fx;
	struct drm_gpusvm_range *range;
	struct device *dev;
	unsigned long addr, start, i, j;
	int err;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->drm = svm_test_drm_device(test);
	dev = fx->drm->dev;

	/* 4 MiB so that a 2 MiB aligned chunk lies inside the VMA. */
	addr = kunit_vm_mmap(test, NULL, 0, SZ_4M, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "kunit_vm_mmap failed");
	start = ALIGN(addr, SZ_2M);
	fx->npages = SZ_2M >> PAGE_SHIFT;

	for (i = 0; i < fx->npages; i++) {
		u64 val = pattern(i);

		KUNIT_ASSERT_EQ(test, 0, copy_to_user((void __user *)
			(start + i * PAGE_SIZE), &val, sizeof(val)));
	}

	mutex_init(&fx->lock);
	err = drm_gpusvm_init(&fx->gpusvm, "kunit", current->mm, 0, TASK_SIZE,
			      SZ_512M, &fixture_ops, fixture_chunks,
			      ARRAY_SIZE(fixture_chunks));
	KUNIT_ASSERT_EQ(test, err, 0);
	drm_gpusvm_driver_set_lock(&fx->gpusvm, &fx->lock);
	drm_gpusvm_init_pages(&fx->pages, fx->drm);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, fixture_fini, fx));

	mutex_lock(&fx->lock);
	range = drm_gpusvm_range_find_or_insert(&fx->gpusvm, start, start,
						start + SZ_2M, &ctx);
	mutex_unlock(&fx->lock);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, range);
	KUNIT_EXPECT_EQ(test, drm_gpusvm_range_start(range), start);
	KUNIT_EXPECT_EQ(test, drm_gpusvm_range_end(range), start + SZ_2M);

	err = drm_gpusvm_get_pages(&fx->gpusvm, &fx->pages, current->mm,
				   &range->notifier->notifier, start,
				   start + SZ_2M, &ctx);
	KUNIT_ASSERT_EQ_MSG(test, err, 0, "drm_gpusvm_get_pages failed");
	KUNIT_ASSERT_TRUE(test, fixture_pages_valid(fx));

	/* Each DMA address (dma-direct here) leads to the page written. */
	for (i = 0, j = 0; i < fx->npages; j++) {
		struct drm_pagemap_addr *da = &fx->pages.dma_addr[j];
		phys_addr_t phys = dma_to_phys(dev, da->addr);
		unsigned long k;

		for (k = 0; k < (1ul << da->order); k++, i++) {
			u64 *p = phys_to_virt(phys + k * PAGE_SIZE);

			KUNIT_ASSERT_EQ_MSG(test, *p, pattern(i),
					    "page %lu: DMA address %pad holds the wrong data",
					    i, &da->addr);
		}
	}

	KUNIT_ASSERT_EQ(test, 0, vm_munmap(start + SZ_1M, PAGE_SIZE));
	KUNIT_EXPECT_GE(test, fx->invalidations, 1u);
	KUNIT_EXPECT_LE(test, fx->inval_start, start + SZ_1M);
	KUNIT_EXPECT_GE(test, fx->inval_end, start + SZ_1M + PAGE_SIZE);
	KUNIT_EXPECT_FALSE_MSG(test, fixture_pages_valid(fx),
			       "pages still valid after munmap invalidated them");
}

static struct kunit_case drm_svm_coord_base_cases[] = {
	KUNIT_CASE(test_debugfs_root_registered),
	KUNIT_CASE(test_gpusvm_fault_and_invalidate_user_mm),
	{}
};

static struct kunit_suite drm_svm_coord_base_suite = {
	.name = "drm_svm_coord_base",
	.test_cases = drm_svm_coord_base_cases,
};

kunit_test_suite(drm_svm_coord_base_suite);

MODULE_DESCRIPTION("KUnit tests of the drm_svm_coord base");
MODULE_LICENSE("Dual MIT/GPL");
