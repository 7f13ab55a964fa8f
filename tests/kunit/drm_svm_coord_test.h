/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * Helpers shared by the coordinator's KUnit suites.
 */

#ifndef __DRM_SVM_COORD_TEST_H__
#define __DRM_SVM_COORD_TEST_H__

#include <kunit/device.h>
#include <kunit/test.h>

#include <drm/drm_device.h>
#include <drm/drm_kunit_helpers.h>

/*
 * DRM device number @index of the test, on a KUnit device (32-bit DMA
 * mask, dma-direct), released with the test. Each device of one test needs
 * its own index: KUnit registers a driver by that name. Asserts on failure.
 */
static inline struct drm_device *svm_test_drm_device(struct kunit *test,
						     unsigned int index)
{
	struct drm_device *drm;
	struct device *dev;
	char name[32];

	snprintf(name, sizeof(name), "drm-svm-coord-gpu%u", index);
	dev = kunit_device_register(test, name);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	drm = __drm_kunit_helper_alloc_drm_device(test, dev, sizeof(*drm), 0, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, drm);
	return drm;
}

#endif /* __DRM_SVM_COORD_TEST_H__ */
