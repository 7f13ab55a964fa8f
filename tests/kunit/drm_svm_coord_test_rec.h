/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * The recording backend and the fixture of the suites that run on a real
 * user address space: drm_svm_coord_test_rec.c, linked on its own (a
 * module of its own when the tests are), so that the suites of the fault
 * path, the notifier, the garbage collector, the restore worker and the
 * ranges share one copy.
 */

#ifndef __DRM_SVM_COORD_TEST_REC_H__
#define __DRM_SVM_COORD_TEST_REC_H__

#include <linux/spinlock_types.h>
#include <linux/types.h>

#include <drm/drm_svm_coord.h>

struct kunit;

/* A backend that records what the coordinator asks of it. */
enum drm_svm_coord_test_rec_op { REC_PREPARE, REC_MAP, REC_UNMAP, REC_WAIT,
				 REC_QUIESCE, REC_RESUME, REC_SYNC };

struct drm_svm_coord_test_rec_event {
	enum drm_svm_coord_test_rec_op op;
	unsigned int gpu;
	unsigned long start, end;
	u32 flags;
	bool dma_ok;
	bool busy;	/* map_sync, resume: drm_svm_coord_work_pending() */
};

#define REC_MAX 256

struct drm_svm_coord_test_rec {
	spinlock_t lock;	/* protects count and ev */
	unsigned int count;
	struct drm_svm_coord_test_rec_event ev[REC_MAX];
};

struct drm_svm_coord_test_rec_gpu {
	struct drm_svm_coord_test_rec *rec;
	unsigned int id;
	bool fail_map;
	unsigned int fail_unmap;	/* the next unmaps that fail */
};

/* GPUs 0 to 2 can fault, GPUs 3 and 4 cannot. */
#define NR_GPUS 5
#define NR_FAULTING 3

struct drm_svm_coord_test_fixture {
	struct drm_svm_coord_test_rec rec;
	struct drm_svm_coord_test_rec_gpu gpu[NR_GPUS];
	struct drm_svm_coord_vm *vm[NR_GPUS];
	struct drm_svm_coord *svm;
	unsigned long base;	/* 2 MiB aligned, inside a 6 MiB VMA */
};

int drm_svm_coord_test_rec_init(struct kunit *test);
void drm_svm_coord_test_detach_now(struct kunit *test,
				   struct drm_svm_coord_test_fixture *fx,
				   unsigned int i);
u64 drm_svm_coord_test_stat(struct drm_svm_coord_test_fixture *fx, int gpu,
			    enum drm_svm_coord_stat s);
unsigned int drm_svm_coord_test_count_ops(struct drm_svm_coord_test_fixture *fx,
					  enum drm_svm_coord_test_rec_op op,
					  int gpu);
void drm_svm_coord_test_rec_reset(struct drm_svm_coord_test_fixture *fx);

#endif /* __DRM_SVM_COORD_TEST_REC_H__ */
