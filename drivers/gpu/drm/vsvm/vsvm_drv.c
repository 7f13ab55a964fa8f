// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/device/faux.h>
#include <linux/dma-mapping.h>
#include <linux/error-injection.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_pagemap.h>
#include <drm/drm_print.h>
#include <drm/drm_svm_coord.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"

/**
 * DOC: vsvm
 *
 * vsvm is a virtual multi-GPU DRM driver for the SVM coordinator, in the
 * spirit of lib/test_hmm.c: ``vsvm.num_gpus`` (default 4, up to 64) DRM
 * devices with render nodes, each a software GPU. ``vsvm.no_fault`` is a
 * mask of the GPUs that cannot recover from page faults.
 *
 * Each GPU sits on a faux device by default, whose DMA mappings are the
 * direct mapping. With ``vsvm.pci=1`` each GPU is instead a PCI function,
 * QEMU's ``edu`` device (1234:11e8), of which vsvm drives nothing but the
 * DMA: behind a translating IOMMU (a guest with ``intel-iommu``), every DMA
 * mapping of the coordinator and drm_gpusvm is an IOVA of that function,
 * and the GPU reaches memory only through it (see vsvm_pt.c). The GPUs are
 * numbered in probe order; ``vsvm.num_gpus`` is ignored.
 *
 * Each open file of a GPU is one GPU address space. DRM_IOCTL_VSVM_ATTACH
 * attaches it to the coordinator of the caller's mm; from then on the GPU
 * reaches memory only through its page table, a two-level software table
 * (an xarray of 2 MiB leaves of 512 entries) whose entries hold the DMA
 * address and permissions of a page. The coordinator writes the entries
 * through the backend ops and clears them from its MMU notifier.
 * DRM_IOCTL_VSVM_ACCESS makes the GPU read, write or atomically add to a
 * range of GPU virtual addresses: a missing or read-only entry is a GPU
 * page fault, which a fault-capable GPU hands to
 * drm_svm_coord_handle_fault() before retrying, and which fails the access
 * with EFAULT on a GPU that cannot fault.
 *
 * With %DRM_VSVM_ATTACH_BASELINE, the file is attached the way drivers do
 * it upstream today instead: it gets its own &struct drm_gpusvm, as each Xe
 * VM does (see the DOC section of vsvm_baseline.c). The ioctls and the
 * counters are the same, so one workload measures both ways.
 *
 * A GPU fails as hardware and drivers fail where fail_function reaches:
 * the open of its file, its backend ops @prepare, @map, @unmap and
 * @devmem_alloc, and its copy engine and VRAM pfns (vsvm_vram.c) are
 * marked with ALLOW_ERROR_INJECTION(); see the coordinator's DOC: Fault
 * injection.
 */

#define DRIVER_NAME	"vsvm"
#define DRIVER_DESC	"Virtual multi-GPU driver for the SVM coordinator"
#define DRIVER_MAJOR	1
#define DRIVER_MINOR	0

#define VSVM_MAX_GPUS		DRM_SVM_COORD_MAX_VMS
#define VSVM_MAX_ACCESS		SZ_16M
#define VSVM_MAX_ATTRS		64
#define VSVM_FAULT_RETRIES	64
#define VSVM_QUIESCE_TIMEOUT	(10 * HZ)

static unsigned int num_gpus = 4;
module_param(num_gpus, uint, 0444);
MODULE_PARM_DESC(num_gpus, "Number of virtual GPUs, 1 to 64 (default 4)");

static unsigned long no_fault;
module_param(no_fault, ulong, 0444);
MODULE_PARM_DESC(no_fault, "Mask of the GPUs that cannot fault (default 0)");

static bool pci;
module_param(pci, bool, 0444);
MODULE_PARM_DESC(pci, "One GPU per QEMU edu PCI function instead of faux devices (default false)");

static struct vsvm_gpu *vsvm_gpus[VSVM_MAX_GPUS];

/**
 * vsvm_num_gpus() - number of virtual GPUs
 *
 * Return: vsvm.num_gpus.
 */
unsigned int vsvm_num_gpus(void)
{
	return num_gpus;
}

/**
 * vsvm_gpu_by_id() - a virtual GPU by number
 * @id: its number, below vsvm_num_gpus()
 *
 * Return: the GPU.
 */
struct vsvm_gpu *vsvm_gpu_by_id(unsigned int id)
{
	return vsvm_gpus[id];
}

static struct vsvm_file *to_vsvm_file(struct drm_svm_coord_vm *dev)
{
	return drm_svm_coord_vm_priv(dev);
}

static int vsvm_prepare(struct drm_svm_coord_vm *dev, unsigned long start,
			unsigned long end)
{
	return vsvm_pt_prepare(to_vsvm_file(dev), start, end);
}
ALLOW_ERROR_INJECTION(vsvm_prepare, ERRNO);

static bool posted_maps = true;
module_param(posted_maps, bool, 0644);
MODULE_PARM_DESC(posted_maps,
		 "A GPU that cannot fault sees the entries @map wrote only at @map_sync (default true)");

static bool map_sync_broken;
module_param(map_sync_broken, bool, 0644);
MODULE_PARM_DESC(map_sync_broken,
		 "@map_sync does nothing, to show tests catch it (default false)");

static int vsvm_map(struct drm_svm_coord_vm *dev,
		    const struct drm_svm_coord_map_args *args)
{
	u64 perm = 0;

	if (!(args->flags & DRM_SVM_COORD_MAP_READ_ONLY))
		perm |= VSVM_PTE_WRITE;
	if (args->flags & DRM_SVM_COORD_MAP_EXEC)
		perm |= VSVM_PTE_EXEC;
	if (args->flags & DRM_SVM_COORD_MAP_COHERENT)
		perm |= VSVM_PTE_COHERENT;
	/* A GPU that cannot fault sees its new entries at @map_sync. */
	if (!to_vsvm_file(dev)->gpu->can_fault && READ_ONCE(posted_maps))
		perm |= VSVM_PTE_POSTED;
	return vsvm_pt_write(to_vsvm_file(dev), args->start, args->end,
			     args->dma, perm);
}
ALLOW_ERROR_INJECTION(vsvm_map, ERRNO);

static void vsvm_map_sync(struct drm_svm_coord_vm *dev)
{
	if (!READ_ONCE(map_sync_broken))
		vsvm_pt_sync(to_vsvm_file(dev));
}

static unsigned int unmap_fail;
module_param(unmap_fail, uint, 0644);
MODULE_PARM_DESC(unmap_fail,
		 "The next unmaps fail, leaving their entries, as a failed page-table update would (default 0)");

/* Fault injection: one of the next unmap_fail unmaps. */
static bool vsvm_unmap_fails(void)
{
	unsigned int n = READ_ONCE(unmap_fail);

	while (n) {
		unsigned int old = cmpxchg(&unmap_fail, n, n - 1);

		if (old == n)
			return true;
		n = old;
	}
	return false;
}

static int vsvm_unmap(struct drm_svm_coord_vm *dev, unsigned long start,
		      unsigned long end)
{
	if (vsvm_unmap_fails())
		return -EIO;
	vsvm_pt_clear(to_vsvm_file(dev), start, end);
	return 0;
}
ALLOW_ERROR_INJECTION(vsvm_unmap, ERRNO);

static void vsvm_tlb_flush_wait(struct drm_svm_coord_vm *dev)
{
	vsvm_pt_tlb_wait(to_vsvm_file(dev));
}

static struct drm_pagemap_devmem *
vsvm_devmem_alloc(struct drm_svm_coord_vm *dev, struct mm_struct *mm,
		  unsigned long size)
{
	return vsvm_vram_alloc(to_vsvm_file(dev)->gpu, mm, size);
}
ALLOW_ERROR_INJECTION(vsvm_devmem_alloc, ERRNO);

static void vsvm_quiesce(struct drm_svm_coord_vm *dev)
{
	atomic_inc(&to_vsvm_file(dev)->quiesced);
}

static void vsvm_resume(struct drm_svm_coord_vm *dev)
{
	struct vsvm_file *vf = to_vsvm_file(dev);

	if (!WARN_ON(atomic_read(&vf->quiesced) <= 0) &&
	    atomic_dec_and_test(&vf->quiesced))
		wake_up_all(&vf->resume_wq);
}

/* A quiesced GPU's queues stall until the coordinator resumes them. */
static int vsvm_wait_resumed(struct vsvm_file *vf)
{
	long ret;

	ret = wait_event_interruptible_timeout(vf->resume_wq,
					       !atomic_read(&vf->quiesced),
					       VSVM_QUIESCE_TIMEOUT);
	if (ret < 0)
		return -EINTR;
	return ret ? 0 : -EBUSY;
}

static const struct drm_svm_coord_ops vsvm_coord_ops = {
	.prepare = vsvm_prepare,
	.map = vsvm_map,
	.map_sync = vsvm_map_sync,
	.unmap = vsvm_unmap,
	.tlb_flush_wait = vsvm_tlb_flush_wait,
	.quiesce = vsvm_quiesce,
	.resume = vsvm_resume,
	.devmem_alloc = vsvm_devmem_alloc,
};

static struct vsvm_gpu *to_vsvm_gpu(struct drm_device *drm)
{
	return container_of(drm, struct vsvm_gpu, drm);
}

static int vsvm_open(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_file *vf;

	vf = kzalloc_obj(*vf);
	if (!vf)
		return -ENOMEM;
	vf->gpu = to_vsvm_gpu(drm);
	mutex_init(&vf->attach_lock);
	vsvm_pt_init(vf);
	init_waitqueue_head(&vf->resume_wq);
	file->driver_priv = vf;
	return 0;
}
ALLOW_ERROR_INJECTION(vsvm_open, ERRNO);

static void vsvm_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_file *vf = file->driver_priv;

	if (vf->coord)
		drm_svm_coord_detach(vf->coord);
	if (vf->baseline)
		vsvm_baseline_destroy(vf->baseline);
	vsvm_pt_fini(vf);
	mutex_destroy(&vf->attach_lock);
	kfree(vf);
}

/* The file must be attached, and used from the mm it is attached to. */
static int vsvm_check_attached(struct vsvm_file *vf)
{
	if (!READ_ONCE(vf->coord) && !READ_ONCE(vf->baseline))
		return -ENODEV;
	if (current->mm != vf->mm)
		return -EPERM;
	return 0;
}

static int vsvm_ioctl_info(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct vsvm_file *vf = file->driver_priv;
	struct drm_svm_coord_vm *coord = READ_ONCE(vf->coord);
	struct drm_vsvm_info *info = data;

	info->gpu = vf->gpu->id;
	info->num_gpus = num_gpus;
	info->flags = vf->gpu->can_fault ? DRM_VSVM_INFO_CAN_FAULT : 0;
	info->index = coord ? drm_svm_coord_vm_index(coord) : ~0u;
	if (READ_ONCE(vf->baseline))
		info->flags |= DRM_VSVM_INFO_BASELINE;
	return 0;
}

static bool pte_sizes_hidden;
module_param(pte_sizes_hidden, bool, 0644);
MODULE_PARM_DESC(pte_sizes_hidden,
		 "Do not declare large page-table entries to the coordinator, to show tests catch it (default false)");

static int vsvm_attach_coord(struct vsvm_file *vf, u32 flags)
{
	struct drm_svm_coord_vm_caps caps = {
		.flags = vf->gpu->can_fault ? DRM_SVM_COORD_VM_CAN_FAULT : 0,
	};
	struct drm_svm_coord_vm *coord;

	if (flags & DRM_VSVM_ATTACH_PTE_64K)
		vf->pte_size = SZ_64K;
	else if (flags & DRM_VSVM_ATTACH_PTE_2M)
		vf->pte_size = SZ_2M;
	else
		vf->pte_size = PAGE_SIZE;
	if (!READ_ONCE(pte_sizes_hidden))
		caps.pte_sizes = PAGE_SIZE | vf->pte_size;

	vsvm_vram_caps(vf->gpu, &caps);
	coord = drm_svm_coord_attach(current->mm, &vf->gpu->drm,
				     &vsvm_coord_ops, &caps, vf);
	if (IS_ERR(coord))
		return PTR_ERR(coord);
	vf->mm = current->mm;
	WRITE_ONCE(vf->coord, coord);
	return 0;
}

static int vsvm_attach_baseline(struct vsvm_file *vf)
{
	struct vsvm_baseline *bl;

	/* Upstream drm_gpusvm needs a GPU that recovers from faults. */
	if (!vf->gpu->can_fault)
		return -EOPNOTSUPP;
	bl = vsvm_baseline_create(vf, current->mm);
	if (IS_ERR(bl))
		return PTR_ERR(bl);
	vf->mm = current->mm;
	WRITE_ONCE(vf->baseline, bl);
	return 0;
}

static int vsvm_ioctl_attach(struct drm_device *drm, void *data,
			     struct drm_file *file)
{
	struct vsvm_file *vf = file->driver_priv;
	struct drm_vsvm_attach *args = data;
	int err;

	if (args->flags & ~(DRM_VSVM_ATTACH_BASELINE | DRM_VSVM_ATTACH_PTE_64K |
			    DRM_VSVM_ATTACH_PTE_2M) || args->pad)
		return -EINVAL;
	/* One entry size; the baseline maps with pages. */
	if (hweight32(args->flags) > 1)
		return -EINVAL;
	if (!current->mm)
		return -EINVAL;
	mutex_lock(&vf->attach_lock);
	if (vf->coord || vf->baseline)
		err = -EBUSY;
	else if (args->flags & DRM_VSVM_ATTACH_BASELINE)
		err = vsvm_attach_baseline(vf);
	else
		err = vsvm_attach_coord(vf, args->flags);
	mutex_unlock(&vf->attach_lock);
	return err;
}

static_assert(DRM_VSVM_ATTR_PREFERRED_LOC == DRM_SVM_COORD_ATTR_PREFERRED_LOC);
static_assert(DRM_VSVM_ATTR_PREFETCH_LOC == DRM_SVM_COORD_ATTR_PREFETCH_LOC);
static_assert(DRM_VSVM_ATTR_ACCESS == DRM_SVM_COORD_ATTR_ACCESS);
static_assert(DRM_VSVM_ATTR_ACCESS_IN_PLACE ==
	      DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE);
static_assert(DRM_VSVM_ATTR_NO_ACCESS == DRM_SVM_COORD_ATTR_NO_ACCESS);
static_assert(DRM_VSVM_ATTR_ACCESS_DEFAULT ==
	      DRM_SVM_COORD_ATTR_ACCESS_DEFAULT);
static_assert(DRM_VSVM_ATTR_SET_FLAGS == DRM_SVM_COORD_ATTR_SET_FLAGS);
static_assert(DRM_VSVM_ATTR_CLR_FLAGS == DRM_SVM_COORD_ATTR_CLR_FLAGS);
static_assert(DRM_VSVM_ATTR_GRANULARITY == DRM_SVM_COORD_ATTR_GRANULARITY);
static_assert(DRM_VSVM_ATTR_ACCESS_MIXED == DRM_SVM_COORD_ATTR_ACCESS_MIXED);
static_assert(DRM_VSVM_LOC_UNDEFINED == DRM_SVM_COORD_LOC_UNDEFINED);
static_assert(DRM_VSVM_LOC_SYSMEM == DRM_SVM_COORD_LOC_SYSMEM);
static_assert(DRM_VSVM_LOC_MIXED == DRM_SVM_COORD_LOC_MIXED);
static_assert(DRM_VSVM_FLAG_GPU_ALWAYS_MAPPED ==
	      DRM_SVM_COORD_FLAG_GPU_ALWAYS_MAPPED);
static_assert(DRM_VSVM_STAT_NUM == DRM_SVM_COORD_STAT_NUM);
static_assert(DRM_VSVM_STAT_NUM <= DRM_VSVM_STAT_MAX);
static_assert(DRM_VSVM_STAT_THRASH_PINS == DRM_SVM_COORD_STAT_THRASH_PINS);
static_assert(DRM_VSVM_STAT_EVICTIONS_RAM == DRM_SVM_COORD_STAT_EVICTIONS_RAM);
static_assert(DRM_VSVM_STAT_UNMAP_FAILURES == DRM_SVM_COORD_STAT_UNMAP_FAILURES);
static_assert(DRM_VSVM_HISTORY == DRM_SVM_COORD_HISTORY);
static_assert(DRM_VSVM_RULE_NO_ACCESS == DRM_SVM_COORD_RULE_NO_ACCESS);
static_assert(DRM_VSVM_RULE_RESTORE == DRM_SVM_COORD_RULE_RESTORE);
static_assert(DRM_VSVM_RULE_PREFETCH == DRM_SVM_COORD_RULE_PREFETCH);
static_assert(DRM_VSVM_RULE_IN_PLACE == DRM_SVM_COORD_RULE_IN_PLACE);
static_assert(DRM_VSVM_RULE_PINNED == DRM_SVM_COORD_RULE_PINNED);
static_assert(DRM_VSVM_RULE_PREFERRED == DRM_SVM_COORD_RULE_PREFERRED);
static_assert(DRM_VSVM_RULE_THROTTLED == DRM_SVM_COORD_RULE_THROTTLED);
static_assert(DRM_VSVM_RULE_LOCAL == DRM_SVM_COORD_RULE_LOCAL);
static_assert(DRM_VSVM_RULE_STAY == DRM_SVM_COORD_RULE_STAY);
static_assert(DRM_VSVM_RULE_UNREACHABLE == DRM_SVM_COORD_RULE_UNREACHABLE);
static_assert(DRM_VSVM_RULE_NONE == DRM_SVM_COORD_RULE_NUM);
static_assert(DRM_VSVM_THRASH_PINNED == DRM_SVM_COORD_THRASH_PINNED);
static_assert(DRM_VSVM_STAT_MIGRATIONS == DRM_SVM_COORD_STAT_MIGRATIONS);
static_assert(DRM_VSVM_STAT_RESTORE_FAILURES ==
	      DRM_SVM_COORD_STAT_RESTORE_FAILURES);
static_assert(sizeof(struct drm_vsvm_attr) ==
	      sizeof(struct drm_svm_coord_attr));

static int vsvm_attrs(struct drm_file *file, struct drm_vsvm_attrs *args,
		      bool set)
{
	struct vsvm_file *vf = file->driver_priv;
	struct drm_svm_coord_attr *attrs;
	struct drm_svm_coord *svm;
	int err;

	err = vsvm_check_attached(vf);
	if (err)
		return err;
	if (args->pad || !args->nattrs || args->nattrs > VSVM_MAX_ATTRS)
		return -EINVAL;
	if (!vf->coord)	/* drm_gpusvm keeps no attributes */
		return -EOPNOTSUPP;

	attrs = memdup_array_user(u64_to_user_ptr(args->attrs), args->nattrs,
				  sizeof(*attrs));
	if (IS_ERR(attrs))
		return PTR_ERR(attrs);

	svm = drm_svm_coord_vm_manager(vf->coord);
	if (set) {
		err = drm_svm_coord_set_attr(svm, args->start, args->size,
					     attrs, args->nattrs, NULL);
	} else {
		err = drm_svm_coord_get_attr(svm, args->start, args->size,
					     attrs, args->nattrs);
		if (!err && copy_to_user(u64_to_user_ptr(args->attrs), attrs,
					 array_size(args->nattrs,
						    sizeof(*attrs))))
			err = -EFAULT;
	}
	kfree(attrs);
	return err;
}

static int vsvm_ioctl_set_attr(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	return vsvm_attrs(file, data, true);
}

static int vsvm_ioctl_get_attr(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	return vsvm_attrs(file, data, false);
}

static int vsvm_access_check(const struct drm_vsvm_access *args)
{
	if (args->pad || args->pad2)
		return -EINVAL;
	if (args->op > DRM_VSVM_ACCESS_ADD32)
		return -EINVAL;
	if (!args->size || args->size > VSVM_MAX_ACCESS)
		return -EINVAL;
	if (args->addr + args->size < args->addr ||
	    args->addr + args->size > TASK_SIZE)
		return -EINVAL;
	if (args->op == DRM_VSVM_ACCESS_ADD32 &&
	    ((args->addr | args->size) & (sizeof(u32) - 1) ||
	     args->value > U32_MAX))
		return -EINVAL;
	return 0;
}

/*
 * Make the GPU touch the bytes [addr, addr + len) of one page, as
 * vsvm_pt_access() does, until it is done: wait while the GPU is quiesced,
 * and on a GPU page fault have the fault handled and try again.
 */
static int vsvm_access_page(struct vsvm_file *vf,
			    struct drm_vsvm_access *args, unsigned long addr,
			    void *buf, size_t len)
{
	bool write = args->op != DRM_VSVM_ACCESS_READ;
	unsigned int retries = 0;
	int err;

	for (;;) {
		if (atomic_read(&vf->quiesced)) {
			err = vsvm_wait_resumed(vf);
			if (err)
				return err;
		}
		err = vsvm_pt_access(vf, addr, buf, len, args->op, args->value);
		if (!err || err == -EIO)	/* done, or an IOMMU fault */
			return err;
		/* Stalled: the queue was quiesced before its entry went. */
		if (err == -EBUSY && ++retries <= VSVM_FAULT_RETRIES)
			continue;
		if (!vf->gpu->can_fault) {
			atomic64_inc(&vf->fatal_faults);
			return -EFAULT;
		}
		if (++retries > VSVM_FAULT_RETRIES)
			return -EBUSY;
		if (vf->coord)
			err = drm_svm_coord_handle_fault(vf->coord, addr,
							 write);
		else
			err = vsvm_baseline_fault(vf->baseline, addr, write);
		if (err)
			return err;
		args->faults++;
	}
}

static int vsvm_ioctl_access(struct drm_device *drm, void *data,
			     struct drm_file *file)
{
	struct vsvm_file *vf = file->driver_priv;
	struct drm_vsvm_access *args = data;
	unsigned long addr = args->addr, end = args->addr + args->size;
	u8 *buf = NULL;
	int err;

	err = vsvm_access_check(args);
	if (!err)
		err = vsvm_check_attached(vf);
	if (err)
		return err;

	if (args->op != DRM_VSVM_ACCESS_ADD32) {
		buf = kvmalloc(args->size, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	if (args->op == DRM_VSVM_ACCESS_WRITE &&
	    copy_from_user(buf, u64_to_user_ptr(args->data), args->size)) {
		err = -EFAULT;
		goto out;
	}

	args->faults = 0;
	while (addr < end) {
		size_t len = min_t(unsigned long, end - addr,
				   PAGE_SIZE - offset_in_page(addr));

		err = vsvm_access_page(vf, args, addr,
				       buf ? buf + (addr - args->addr) : NULL,
				       len);
		if (err)
			goto out;
		addr += len;
	}

	if (args->op == DRM_VSVM_ACCESS_READ &&
	    copy_to_user(u64_to_user_ptr(args->data), buf, args->size))
		err = -EFAULT;
out:
	kvfree(buf);
	return err;
}

static int vsvm_ioctl_stats(struct drm_device *drm, void *data,
			    struct drm_file *file)
{
	struct vsvm_file *vf = file->driver_priv;
	struct drm_vsvm_stats *args = data;
	struct drm_svm_coord_stats st;
	struct drm_svm_coord *svm;
	int err;

	if (args->flags & ~(DRM_VSVM_STATS_RESET | DRM_VSVM_STATS_FLUSH) ||
	    args->pad || args->manager)
		return -EINVAL;
	err = vsvm_check_attached(vf);
	if (err)
		return err;

	if (!vf->coord) {
		vsvm_baseline_stats(vf->baseline, args->mgr, args->gpu,
				    DRM_VSVM_STAT_MAX,
				    args->flags & DRM_VSVM_STATS_FLUSH,
				    args->flags & DRM_VSVM_STATS_RESET);
		goto out;
	}
	svm = drm_svm_coord_vm_manager(vf->coord);
	args->manager = drm_svm_coord_id(svm);
	if (args->flags & DRM_VSVM_STATS_FLUSH) {
		err = drm_svm_coord_flush(svm);
		if (err)
			return err;
	}
	memset(args->mgr, 0, sizeof(args->mgr));
	memset(args->gpu, 0, sizeof(args->gpu));
	drm_svm_coord_read_stats(svm, NULL, &st);
	memcpy(args->mgr, st.count, sizeof(st.count));
	drm_svm_coord_read_stats(svm, vf->coord, &st);
	memcpy(args->gpu, st.count, sizeof(st.count));
	if (args->flags & DRM_VSVM_STATS_RESET)
		drm_svm_coord_reset_stats(svm);
out:
	args->fatal_faults = atomic64_read(&vf->fatal_faults);
	args->tlb_stale_hits = atomic64_read(&vf->tlb_stale_hits);
	args->iommu_faults = atomic64_read(&vf->gpu->iommu_faults);
	args->iommu = !!vf->gpu->iommu;
	args->pad2 = 0;
	if (args->flags & DRM_VSVM_STATS_RESET) {
		atomic64_set(&vf->fatal_faults, 0);
		atomic64_set(&vf->tlb_stale_hits, 0);
	}
	return 0;
}

static int vsvm_ioctl_pt_snapshot(struct drm_device *drm, void *data,
				  struct drm_file *file)
{
	struct vsvm_file *vf = file->driver_priv;
	struct drm_vsvm_pt_snapshot *args = data;
	u8 *entries;
	int err = 0;

	if (!PAGE_ALIGNED(args->addr) || !args->npages ||
	    args->npages > VSVM_MAX_SNAPSHOT ||
	    args->addr + (args->npages << PAGE_SHIFT) < args->addr ||
	    args->addr + (args->npages << PAGE_SHIFT) > TASK_SIZE)
		return -EINVAL;

	entries = kvzalloc(args->npages, GFP_KERNEL);
	if (!entries)
		return -ENOMEM;

	vsvm_pt_snapshot(vf, args->addr, args->npages, entries);

	if (copy_to_user(u64_to_user_ptr(args->entries), entries,
			 args->npages))
		err = -EFAULT;
	kvfree(entries);
	return err;
}

static int vsvm_ioctl_vram(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	vsvm_vram_info(to_vsvm_gpu(drm), data);
	return 0;
}

static int vsvm_ioctl_vram_evict(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct drm_vsvm_vram_evict *args = data;

	if (args->flags || args->pad)
		return -EINVAL;
	return vsvm_vram_evict(to_vsvm_gpu(drm), args);
}

static int vsvm_ioctl_range_info(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct vsvm_file *vf = file->driver_priv;
	struct drm_vsvm_range_info *args = data;
	struct drm_svm_coord_range_info info;
	unsigned int i;
	int err;

	err = vsvm_check_attached(vf);
	if (err)
		return err;
	if (!vf->coord)
		return -EOPNOTSUPP;
	err = drm_svm_coord_range_info(drm_svm_coord_vm_manager(vf->coord),
				       args->addr, &info);
	if (err)
		return err;
	args->start = info.start;
	args->end = info.end;
	args->loc = info.loc;
	args->rule = info.rule;
	args->thrash = info.thrash;
	args->pin_loc = info.pin_loc;
	args->migrations = info.migrations;
	args->throttles = info.throttles;
	args->pins = info.pins;
	args->evictions = info.evictions;
	args->cost_ns = info.cost_ns;
	args->window_ns = info.window_ns;
	args->quiet_ns = info.quiet_ns;
	args->mapped = info.mapped;
	args->nr_history = info.nr_history;
	args->pad = 0;
	memset(args->history, 0, sizeof(args->history));
	for (i = 0; i < info.nr_history; i++) {
		const struct drm_svm_coord_move *m = &info.history[i];

		args->history[i] = (struct drm_vsvm_range_move) {
			.time_ns = m->time_ns,
			.cost_ns = m->cost_ns,
			.from = m->from,
			.to = m->to,
			.gpu = m->gpu,
			.rule = m->rule,
			.evicted = m->evicted,
			.thrash = m->thrash,
		};
	}
	return 0;
}

static int vsvm_ioctl_map(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct vsvm_file *vf = file->driver_priv;
	struct drm_vsvm_map *args = data;
	int err;

	err = vsvm_check_attached(vf);
	if (err)
		return err;
	if (!vf->coord)	/* drm_gpusvm maps on faults only */
		return -EOPNOTSUPP;
	return drm_svm_coord_map(vf->coord, args->start, args->size);
}

static int vsvm_ioctl_pt_verify(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct vsvm_file *vf = file->driver_priv;
	struct drm_vsvm_pt_verify *args = data;
	int err;

	err = vsvm_check_attached(vf);
	if (err)
		return err;
	return vsvm_pt_verify(vf, args);
}

static bool lost_unreported;
module_param(lost_unreported, bool, 0644);
MODULE_PARM_DESC(lost_unreported,
		 "DRM_IOCTL_VSVM_PT_DROP does not tell the coordinator, to show tests catch it (default false)");

static int vsvm_ioctl_pt_drop(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct vsvm_file *vf = file->driver_priv;
	struct drm_vsvm_pt_drop *args = data;
	struct drm_svm_coord_vm *coord;
	int err;

	if (args->flags || args->pad || !args->size || args->size > SZ_256M ||
	    !PAGE_ALIGNED(args->addr) || !PAGE_ALIGNED(args->size) ||
	    args->addr + args->size < args->addr ||
	    args->addr + args->size > TASK_SIZE)
		return -EINVAL;
	err = vsvm_check_attached(vf);
	if (err)
		return err;
	coord = READ_ONCE(vf->coord);
	if (!coord)
		return -EOPNOTSUPP;

	vsvm_pt_clear(vf, args->addr, args->addr + args->size);
	vsvm_pt_tlb_wait(vf);
	if (!READ_ONCE(lost_unreported))
		drm_svm_coord_vm_lost(coord, args->addr, args->addr + args->size);
	return 0;
}

static const struct drm_ioctl_desc vsvm_ioctls[] = {
	DRM_IOCTL_DEF_DRV(VSVM_INFO, vsvm_ioctl_info, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_ATTACH, vsvm_ioctl_attach, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_SET_ATTR, vsvm_ioctl_set_attr, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_GET_ATTR, vsvm_ioctl_get_attr, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_ACCESS, vsvm_ioctl_access, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_STATS, vsvm_ioctl_stats, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_PT_SNAPSHOT, vsvm_ioctl_pt_snapshot,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_MAP, vsvm_ioctl_map, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_PT_VERIFY, vsvm_ioctl_pt_verify,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_VRAM, vsvm_ioctl_vram, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_RANGE_INFO, vsvm_ioctl_range_info,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_PT_DROP, vsvm_ioctl_pt_drop, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VSVM_VRAM_EVICT, vsvm_ioctl_vram_evict,
			  DRM_RENDER_ALLOW),
};

static const struct file_operations vsvm_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = drm_ioctl,
	.compat_ioctl = drm_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.fop_flags = FOP_UNSIGNED_OFFSET,
};

static const struct drm_driver vsvm_driver = {
	.driver_features = DRIVER_RENDER,
	.open = vsvm_open,
	.postclose = vsvm_postclose,
	.ioctls = vsvm_ioctls,
	.num_ioctls = ARRAY_SIZE(vsvm_ioctls),
	.fops = &vsvm_fops,
	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
	.major = DRIVER_MAJOR,
	.minor = DRIVER_MINOR,
};

static void vsvm_gpu_destroy(struct vsvm_gpu *gpu)
{
	struct faux_device *fdev = gpu->fdev;
	struct device *parent = gpu->drm.dev;

	drm_dev_unregister(&gpu->drm);
	vsvm_vram_destroy(gpu);
	devres_release_group(parent, NULL);
	if (fdev)
		faux_device_destroy(fdev);
}

/* The GPU @id on @parent, a faux device or a PCI function. */
static int vsvm_gpu_create(struct device *parent, unsigned int id,
			   struct vsvm_gpu **out)
{
	struct iommu_domain *domain;
	struct vsvm_gpu *gpu;
	int err;

	if (!devres_open_group(parent, NULL, GFP_KERNEL))
		return -ENOMEM;
	err = dma_coerce_mask_and_coherent(parent, DMA_BIT_MASK(64));
	if (err)
		goto err_release;

	gpu = devm_drm_dev_alloc(parent, &vsvm_driver, struct vsvm_gpu, drm);
	if (IS_ERR(gpu)) {
		err = PTR_ERR(gpu);
		goto err_release;
	}
	gpu->id = id;
	gpu->can_fault = !(no_fault & BIT(id));
	/* The device's DMA domain stays while the driver is bound. */
	domain = iommu_get_domain_for_dev(parent);
	if (domain && iommu_is_dma_domain(domain))
		gpu->iommu = domain;
	vsvm_gpus[id] = gpu;

	err = vsvm_vram_create(gpu);
	if (err)
		goto err_release;
	err = drm_dev_register(&gpu->drm, 0);
	if (err)
		goto err_vram;
	*out = gpu;
	return 0;

err_vram:
	vsvm_vram_destroy(gpu);
err_release:
	vsvm_gpus[id] = NULL;
	devres_release_group(parent, NULL);
	return err;
}

static int vsvm_faux_gpu_create(unsigned int id)
{
	struct faux_device *fdev;
	struct vsvm_gpu *gpu;
	char name[16];
	int err;

	snprintf(name, sizeof(name), "vsvm%u", id);
	fdev = faux_device_create(name, NULL, NULL);
	if (!fdev)
		return -ENODEV;
	err = vsvm_gpu_create(&fdev->dev, id, &gpu);
	if (err) {
		faux_device_destroy(fdev);
		return err;
	}
	gpu->fdev = fdev;
	return 0;
}

/* QEMU's educational device (hw/misc/edu.c): a PCI function doing DMA. */
#define VSVM_PCI_VENDOR_QEMU	0x1234
#define VSVM_PCI_DEVICE_EDU	0x11e8

/* Serializes the numbering of PCI GPUs. */
static DEFINE_MUTEX(vsvm_pci_lock);

static int vsvm_pci_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct vsvm_gpu *gpu;
	unsigned int id;
	int err;

	err = pcim_enable_device(pdev);
	if (err)
		return err;
	pci_set_master(pdev);	/* the GPU's accesses are the function's DMA */

	mutex_lock(&vsvm_pci_lock);
	for (id = 0; id < VSVM_MAX_GPUS && vsvm_gpus[id]; id++)
		;
	err = -ENOSPC;
	if (id < VSVM_MAX_GPUS)
		err = vsvm_gpu_create(&pdev->dev, id, &gpu);
	if (!err) {
		gpu->pdev = pdev;
		pci_set_drvdata(pdev, gpu);
		num_gpus = max(num_gpus, id + 1);
	}
	mutex_unlock(&vsvm_pci_lock);
	if (!err)
		drm_info(&gpu->drm, "GPU %u on %s, DMA %s\n", id,
			 pci_name(pdev),
			 gpu->iommu ? "through the IOMMU" :
						      "direct");
	return err;
}

static void vsvm_pci_remove(struct pci_dev *pdev)
{
	struct vsvm_gpu *gpu = pci_get_drvdata(pdev);
	unsigned int id = gpu->id;

	vsvm_gpu_destroy(gpu);
	mutex_lock(&vsvm_pci_lock);
	vsvm_gpus[id] = NULL;
	mutex_unlock(&vsvm_pci_lock);
}

static const struct pci_device_id vsvm_pci_ids[] = {
	{ PCI_DEVICE(VSVM_PCI_VENDOR_QEMU, VSVM_PCI_DEVICE_EDU) },
	{ }
};

static struct pci_driver vsvm_pci_driver = {
	.name = DRIVER_NAME,
	/* A GPU does not leave under its open files: no unbind from sysfs. */
	.driver.suppress_bind_attrs = true,
	.id_table = vsvm_pci_ids,
	.probe = vsvm_pci_probe,
	.remove = vsvm_pci_remove,
};

static int __init vsvm_init(void)
{
	unsigned int i;
	int err;

	if (!num_gpus || num_gpus > VSVM_MAX_GPUS)
		return -EINVAL;
	err = vsvm_vram_check_params();
	if (err)
		return err;
	err = vsvm_pt_module_init();
	if (err)
		return err;

	if (pci) {
		num_gpus = 0;	/* counted by the probes */
		err = pci_register_driver(&vsvm_pci_driver);
		if (err)
			goto err_pt;
		return 0;
	}
	for (i = 0; i < num_gpus; i++) {
		err = vsvm_faux_gpu_create(i);
		if (err)
			goto err_destroy;
	}
	return 0;

err_destroy:
	while (i--)
		vsvm_gpu_destroy(vsvm_gpus[i]);
err_pt:
	vsvm_pt_module_exit();
	return err;
}

static void __exit vsvm_exit(void)
{
	unsigned int i;

	if (pci) {
		pci_unregister_driver(&vsvm_pci_driver);
	} else {
		for (i = 0; i < num_gpus; i++)
			vsvm_gpu_destroy(vsvm_gpus[i]);
	}
	vsvm_pt_module_exit();
}

module_init(vsvm_init);
module_exit(vsvm_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("Dual MIT/GPL");
