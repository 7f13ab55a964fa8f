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
struct drm_device;
struct drm_file;

#if IS_ENABLED(CONFIG_DRM_AMDGPU_SVM)

int amdgpu_svm_ioctl(struct drm_device *dev, void *data,
		     struct drm_file *filp);
void amdgpu_svm_file_fini(struct amdgpu_device *adev,
			  struct amdgpu_fpriv *fpriv);
bool amdgpu_svm_handle_fault(struct amdgpu_device *adev, u32 pasid, u64 addr,
			     bool write);

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

#endif

#endif /* __AMDGPU_SVM_H__ */
