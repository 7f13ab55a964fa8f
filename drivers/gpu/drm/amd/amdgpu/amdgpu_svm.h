/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Copyright 2026 The drm_svm_coord authors
 */

#ifndef __AMDGPU_SVM_H__
#define __AMDGPU_SVM_H__

#include <linux/errno.h>
#include <linux/types.h>

struct amdgpu_device;
struct amdgpu_fpriv;
struct amdgpu_svm_vram;
struct drm_device;
struct drm_file;
struct drm_pagemap_devmem;
struct drm_svm_coord_vm_caps;
struct mm_struct;
struct ttm_buffer_object;
struct ttm_operation_ctx;
struct ttm_resource;

#if IS_ENABLED(CONFIG_DRM_AMDGPU_SVM)

int amdgpu_svm_ioctl(struct drm_device *dev, void *data,
		     struct drm_file *filp);
void amdgpu_svm_file_fini(struct amdgpu_device *adev,
			  struct amdgpu_fpriv *fpriv);
bool amdgpu_svm_handle_fault(struct amdgpu_device *adev, u32 pasid, u64 addr,
			     bool write);
void amdgpu_svm_device_init(struct amdgpu_device *adev);
void amdgpu_svm_device_fini(struct amdgpu_device *adev);
bool amdgpu_svm_bo_is_svm(struct ttm_buffer_object *tbo);
bool amdgpu_svm_bo_move(struct ttm_buffer_object *tbo, bool evict,
			struct ttm_operation_ctx *ctx,
			struct ttm_resource *new_mem, int *r);

/* Between the backend's files: amdgpu_svm.c and amdgpu_svm_migrate.c */
struct drm_pagemap_devmem *amdgpu_svm_vram_alloc(struct amdgpu_svm_vram *vram,
						 struct mm_struct *mm,
						 unsigned long size);
struct amdgpu_svm_vram *amdgpu_svm_vram_use(struct amdgpu_device *adev,
					    struct drm_svm_coord_vm_caps *caps);
void amdgpu_svm_vram_unuse(struct amdgpu_svm_vram *vram);

#else

static inline int amdgpu_svm_ioctl(struct drm_device *dev, void *data,
				   struct drm_file *filp)
{
	return -EOPNOTSUPP;
}

static inline void amdgpu_svm_file_fini(struct amdgpu_device *adev,
					struct amdgpu_fpriv *fpriv)
{
}

static inline bool amdgpu_svm_handle_fault(struct amdgpu_device *adev,
					   u32 pasid, u64 addr, bool write)
{
	return false;
}

static inline void amdgpu_svm_device_init(struct amdgpu_device *adev)
{
}

static inline void amdgpu_svm_device_fini(struct amdgpu_device *adev)
{
}

static inline bool amdgpu_svm_bo_is_svm(struct ttm_buffer_object *tbo)
{
	return false;
}

static inline bool amdgpu_svm_bo_move(struct ttm_buffer_object *tbo,
				      bool evict, struct ttm_operation_ctx *ctx,
				      struct ttm_resource *new_mem, int *r)
{
	return false;
}

#endif

#endif /* __AMDGPU_SVM_H__ */
