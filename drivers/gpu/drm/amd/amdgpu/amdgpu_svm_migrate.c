// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright 2026 The drm_svm_coord authors
 */

#include <linux/device.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/ioport.h>
#include <linux/kref.h>
#include <linux/llist.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/drm_pagemap.h>
#include <drm/drm_pagemap_util.h>
#include <drm/drm_svm_coord.h>
#include <drm/ttm/ttm_bo.h>

#include "amdgpu.h"
#include "amdgpu_amdkfd.h"
#include "amdgpu_job.h"
#include "amdgpu_object.h"
#include "amdgpu_res_cursor.h"
#include "amdgpu_svm.h"
#include "amdgpu_svm_rules.h"
#include "amdgpu_ttm.h"
#include "amdgpu_xgmi.h"

/**
 * DOC: amdgpu SVM VRAM
 *
 * Each amdgpu device with VRAM that the SVM backend can use (GC 9.0.1 or
 * later, not an APU that prefers GTT, VRAM not connected to the CPU, one
 * partition) gets, next to where KFD registers its own zone-device memory,
 * one &struct dev_pagemap of MEMORY_DEVICE_PRIVATE pages covering its VRAM
 * and one &struct drm_pagemap over them (amdgpu_svm_device_init()). The
 * coordinator moves process data there with drm_pagemap and picks the
 * VRAM, its peers and its victims itself; this file only allocates, copies
 * and evicts.
 *
 * ==================================  =====================================
 * &drm_svm_coord_ops.devmem_alloc     amdgpu_svm_vram_alloc(): a VRAM
 *                                     buffer object (&struct
 *                                     amdgpu_bo_svm), cleared, after a
 *                                     room check (amdgpu_svm_vram_room())
 * populate_devmem_pfn                 the BO's VRAM blocks as device pages
 * copy_to_devmem, copy_to_ram         SDMA copies planned by
 *                                     amdgpu_svm_copy_plan(): local VRAM
 *                                     directly, system pages and peer
 *                                     VRAM through the GART window of a
 *                                     TTM move entity
 * device_map                          the page's hive physical address
 *                                     (vram_base_offset-based), which the
 *                                     PTEs of every GPU of the hive take
 * TTM eviction                        amdgpu_svm_bo_move(): to system
 *                                     memory only, with
 *                                     drm_pagemap_evict_to_ram()
 * ==================================  =====================================
 *
 * The devices of one XGMI hive share a device-private page owner
 * (drm_pagemap_acquire_owner() with amdgpu_xgmi_same_hive()):
 * hmm_range_fault() hands their pages to each other, each maps the
 * others' VRAM over XGMI, and the coordinator moves data VRAM to VRAM
 * between them, with the source's SDMA writing the destination through its
 * GART window (``amdgpu.svm_peer_copy=0`` turns that off: a peer move then
 * fails with -EOPNOTSUPP and the data stays where it is, mapped remotely).
 * Other GPUs reach the data through system memory.
 *
 * The room check runs before TTM is asked, with a reserve of
 * amdgpu_svm_vram_reserve(): when it fails, the coordinator evicts this
 * process's least recently used ranges from the VRAM, to a peer first.
 * Without it TTM would evict to system memory before the coordinator's
 * policy could choose. TTM still evicts SVM buffer objects under pressure
 * from other allocations, on suspend, and whenever it must: amdgpu_bo_move()
 * hands such an eviction to amdgpu_svm_bo_move(), which moves the pages to
 * system memory through drm_pagemap (the MMU notifier tells the
 * coordinator, which zaps every GPU's entries) before TTM drops the VRAM.
 * TTM still creates the empty system resource it moves the BO to; no page
 * is allocated for it.
 *
 * Lifetimes. &struct amdgpu_svm_vram is reference counted: by the device
 * until it is unbound (after memunmap_pages() waited for the last device
 * page), by each attachment that uses it, and by each buffer object. The
 * &struct drm_pagemap exists only while attachments use the VRAM (the
 * first creates it, the last drops it: by then the coordinator emptied
 * the VRAM of that process), because a drm_pagemap holds a reference on
 * the module and on the DRM device; a device-held one would keep
 * amdgpu.ko from being unloaded. Device pages hold their own references
 * through drm_pagemap. Buffer objects are released through a worker:
 * drm_pagemap releases an allocation when its last device page is freed,
 * in contexts that may not take the BO's reservation.
 *
 * Not handled: SVM data in the VRAM of a device being removed. Copies stop
 * once the device is unplugged (the GART can no longer be programmed),
 * so a process touching such data gets SIGBUS, and unbinding waits in
 * memunmap_pages() until every process holding device pages dropped them.
 * A CPU fault over pages of two devices of a hive at once (possible after
 * a range holding device pages was split and one part moved to a peer)
 * fails rather than use one device's DMA addresses for the other's copy
 * engine. Nothing in this file has run on an AMD GPU.
 */

static bool amdgpu_svm_peer_copy = true;
module_param_named(svm_peer_copy, amdgpu_svm_peer_copy, bool, 0644);
MODULE_PARM_DESC(svm_peer_copy,
		 "SVM: move data between the VRAMs of an XGMI hive with SDMA (default true)");

/**
 * struct amdgpu_svm_vram - the VRAM of a device as SVM device memory
 * @ref: the device's until unbind, one per attachment using it, one per
 *	buffer object (see Lifetimes above)
 * @adev: the device
 * @pagemap: its device-private pages, registered with
 *	devm_memremap_pages()
 * @peer: its membership of a device-private owner group (the XGMI hive)
 * @lock: protects @dpagemap and @users
 * @dpagemap: the drm_pagemap over @pagemap while @users is not 0
 * @users: attachments using the VRAM
 * @puts: buffer objects waiting to be released by @put_work
 * @put_work: releases them
 */
struct amdgpu_svm_vram {
	struct kref ref;
	struct amdgpu_device *adev;
	struct dev_pagemap pagemap;
	struct drm_pagemap_peer peer;
	struct mutex lock;	/* @dpagemap, @users */
	struct drm_pagemap *dpagemap;
	unsigned int users;
	struct llist_head puts;
	struct work_struct put_work;
};

/**
 * struct amdgpu_bo_svm - VRAM holding the device pages of one migration
 * @bo: the buffer object
 * @devmem: the drm_pagemap allocation it backs
 * @put: in &amdgpu_svm_vram.puts once drm_pagemap released it
 */
struct amdgpu_bo_svm {
	struct amdgpu_bo bo;
	struct drm_pagemap_devmem devmem;
	struct llist_node put;
};

static DRM_PAGEMAP_OWNER_LIST_DEFINE(amdgpu_svm_owners);

static void amdgpu_svm_vram_free(struct kref *ref)
{
	struct amdgpu_svm_vram *vram = container_of(ref, typeof(*vram), ref);

	WARN_ON(vram->dpagemap || !llist_empty(&vram->puts));
	drm_pagemap_release_owner(&vram->peer);
	mutex_destroy(&vram->lock);
	kfree(vram);
}

/* Process context: the last reference releases the owner (a mutex). */
static void amdgpu_svm_vram_put(struct amdgpu_svm_vram *vram)
{
	kref_put(&vram->ref, amdgpu_svm_vram_free);
}

static struct amdgpu_svm_vram *page_to_vram(struct page *page)
{
	return container_of(page_pgmap(page), struct amdgpu_svm_vram, pagemap);
}

static struct amdgpu_svm_vram *devmem_to_vram(struct drm_pagemap_devmem *devmem)
{
	return container_of(devmem->dpagemap->pagemap, struct amdgpu_svm_vram,
			    pagemap);
}

static struct amdgpu_bo_svm *to_amdgpu_bo_svm(struct drm_pagemap_devmem *devmem)
{
	return container_of(devmem, struct amdgpu_bo_svm, devmem);
}

/* The byte offset of a device page in its device's VRAM. */
static u64 amdgpu_svm_page_offset(struct amdgpu_svm_vram *vram,
				  struct page *page)
{
	return page_to_phys(page) - vram->pagemap.range.start;
}

static void amdgpu_svm_bo_destroy(struct ttm_buffer_object *tbo)
{
	struct amdgpu_bo *bo = ttm_to_amdgpu_bo(tbo);
	struct amdgpu_bo_svm *sbo = container_of(bo, struct amdgpu_bo_svm, bo);

	if (sbo->devmem.mm)
		mmdrop(sbo->devmem.mm);
	drm_gem_object_release(&bo->tbo.base);
	kvfree(sbo);
}

/**
 * amdgpu_svm_bo_is_svm - whether a buffer object backs SVM device pages
 * @tbo: the buffer object
 *
 * Return: true for a &struct amdgpu_bo_svm.
 */
bool amdgpu_svm_bo_is_svm(struct ttm_buffer_object *tbo)
{
	return tbo->destroy == amdgpu_svm_bo_destroy;
}

/*
 * Each buffer object holds a reference on the VRAM and on the DRM device:
 * the last may free the VRAM, and this work item with it, which a work
 * function may do as long as it touches neither afterwards.
 */
static void amdgpu_svm_vram_put_work(struct work_struct *work)
{
	struct amdgpu_svm_vram *vram = container_of(work, typeof(*vram),
						    put_work);
	struct llist_node *node = llist_del_all(&vram->puts);
	struct drm_device *drm = adev_to_drm(vram->adev);
	struct amdgpu_bo_svm *sbo, *next;

	llist_for_each_entry_safe(sbo, next, node, put) {
		struct amdgpu_bo *bo = &sbo->bo;

		amdgpu_bo_unref(&bo);
		drm_dev_put(drm);
		amdgpu_svm_vram_put(vram);
	}
}

/*
 * Plan and run the SDMA copies of one migration step. @pages are this
 * device's pages (NULL where a page does not move); @addr the other side,
 * read (@to_ram false) or written (@to_ram true). Synchronous: returns
 * once the last copy finished.
 */
static int amdgpu_svm_copy(struct page **pages, struct drm_pagemap_addr *addr,
			   unsigned long npages, struct dma_fence *pre,
			   bool to_ram);

static int amdgpu_svm_copy_to_devmem(struct page **pages,
				     struct drm_pagemap_addr *addr,
				     unsigned long npages,
				     struct dma_fence *pre_migrate_fence)
{
	return amdgpu_svm_copy(pages, addr, npages, pre_migrate_fence, false);
}

static int amdgpu_svm_copy_to_ram(struct page **pages,
				  struct drm_pagemap_addr *addr,
				  unsigned long npages,
				  struct dma_fence *pre_migrate_fence)
{
	return amdgpu_svm_copy(pages, addr, npages, pre_migrate_fence, true);
}

static void amdgpu_svm_devmem_release(struct drm_pagemap_devmem *devmem)
{
	struct amdgpu_svm_vram *vram = devmem_to_vram(devmem);
	struct amdgpu_bo_svm *sbo = to_amdgpu_bo_svm(devmem);

	dma_fence_put(devmem->pre_migrate_fence);
	devmem->pre_migrate_fence = NULL;
	if (llist_add(&sbo->put, &vram->puts))
		schedule_work(&vram->put_work);
}

static int amdgpu_svm_populate_devmem_pfn(struct drm_pagemap_devmem *devmem,
					  unsigned long npages,
					  unsigned long *pfn)
{
	struct amdgpu_svm_vram *vram = devmem_to_vram(devmem);
	struct amdgpu_bo_svm *sbo = to_amdgpu_bo_svm(devmem);
	struct amdgpu_res_cursor cursor;
	unsigned long i = 0, j, first;

	if (WARN_ON(npages > amdgpu_bo_size(&sbo->bo) >> PAGE_SHIFT))
		return -EINVAL;
	/*
	 * Without the reservation: the BO stays in VRAM as long as it is an
	 * allocation whose pages are not all gone (amdgpu_svm_bo_move()
	 * evicts it through drm_pagemap, which calls this under the
	 * reservation TTM holds).
	 */
	amdgpu_res_first(sbo->bo.tbo.resource, 0, (u64)npages << PAGE_SHIFT,
			 &cursor);
	while (cursor.remaining) {
		first = PHYS_PFN(vram->pagemap.range.start + cursor.start);
		for (j = 0; j < cursor.size >> PAGE_SHIFT && i < npages; j++)
			pfn[i++] = first + j;
		amdgpu_res_next(&cursor, cursor.size);
	}
	return i == npages ? 0 : -EINVAL;
}

static const struct drm_pagemap_devmem_ops amdgpu_svm_devmem_ops = {
	.devmem_release = amdgpu_svm_devmem_release,
	.populate_devmem_pfn = amdgpu_svm_populate_devmem_pfn,
	.copy_to_devmem = amdgpu_svm_copy_to_devmem,
	.copy_to_ram = amdgpu_svm_copy_to_ram,
};

/*
 * Program window 0 of @entity with @npages system pages (@sys) or, with
 * @sys NULL, @npages of VRAM from the hive physical address @pa, as
 * amdgpu_ttm_map_buffer() and KFD's svm_migrate_gart_map() do. The job
 * runs on @entity before the copy that uses the window. Under
 * &amdgpu_ttm_buffer_entity.lock.
 */
static int amdgpu_svm_gart_window(struct amdgpu_device *adev,
				  struct amdgpu_ttm_buffer_entity *entity,
				  dma_addr_t *sys, u64 pa, unsigned long npages,
				  u64 flags, u64 *gart)
{
	unsigned int num_dw = ALIGN(adev->mman.buffer_funcs->copy_num_dw, 8);
	unsigned int num_bytes = npages * 8 * AMDGPU_GPU_PAGES_IN_CPU_PAGE;
	struct amdgpu_ring *ring;
	struct amdgpu_job *job;
	u64 src, dst;
	void *cpu;
	int r;

	lockdep_assert_held(&entity->lock);
	r = amdgpu_job_alloc_with_ib(adev, &entity->base,
				     AMDGPU_FENCE_OWNER_UNDEFINED,
				     num_dw * 4 + num_bytes,
				     AMDGPU_IB_POOL_DELAYED,
				     AMDGPU_KERNEL_JOB_ID_TTM_MAP_BUFFER, &job);
	if (r)
		return r;

	src = job->ibs[0].gpu_addr + num_dw * 4;
	dst = amdgpu_bo_gpu_offset(adev->gart.bo) +
	      (entity->gart_window_offs[0] >> AMDGPU_GPU_PAGE_SHIFT) * 8;
	amdgpu_emit_copy_buffer(adev, &job->ibs[0], src, dst, num_bytes, 0);
	ring = to_amdgpu_ring(adev->mman.buffer_funcs_scheds[0]);
	amdgpu_ring_pad_ib(ring, &job->ibs[0]);
	WARN_ON(job->ibs[0].length_dw > num_dw);

	cpu = &job->ibs[0].ptr[num_dw];
	flags |= adev->gart.gart_pte_flags;
	if (sys)
		amdgpu_gart_map(adev, 0, npages, sys, flags, cpu);
	else
		amdgpu_gart_map_vram_range(adev, pa, 0, npages, flags, cpu);
	dma_fence_put(amdgpu_job_submit(job));

	*gart = amdgpu_compute_gart_address(&adev->gmc, entity, 0);
	return 0;
}

/* One run of a plan: program the window if needed, then copy. */
static int amdgpu_svm_copy_run(struct amdgpu_device *adev,
			       struct amdgpu_ttm_buffer_entity *entity,
			       const struct amdgpu_svm_copy_run *run,
			       dma_addr_t *addrs, bool to_ram,
			       struct dma_fence **fence)
{
	u64 vram_start = amdgpu_ttm_domain_start(adev, TTM_PL_VRAM);
	u64 local = vram_start + run->vram, remote;
	bool window = true;
	int r;

	switch (run->remote) {
	case AMDGPU_SVM_SYSTEM:
		r = amdgpu_svm_gart_window(adev, entity, &addrs[run->first], 0,
					   run->npages,
					   amdgpu_svm_gart_flags(AMDGPU_SVM_SYSTEM,
								 to_ram),
					   &remote);
		break;
	case AMDGPU_SVM_PEER:
		/* A peer's VRAM in our GART: new, unverified, switchable. */
		if (!READ_ONCE(amdgpu_svm_peer_copy))
			return -EOPNOTSUPP;
		r = amdgpu_svm_gart_window(adev, entity, NULL, run->addr,
					   run->npages,
					   amdgpu_svm_gart_flags(AMDGPU_SVM_PEER,
								 to_ram),
					   &remote);
		break;
	default:
		/* Our own VRAM, moved within it: addressed directly. */
		remote = vram_start + (run->addr -
				       adev->vm_manager.vram_base_offset);
		window = false;
		r = 0;
		break;
	}
	if (r)
		return r;

	return amdgpu_copy_buffer(adev, entity, to_ram ? local : remote,
				  to_ram ? remote : local,
				  run->npages << PAGE_SHIFT, NULL, fence,
				  window, 0);
}

static int amdgpu_svm_copy(struct page **pages, struct drm_pagemap_addr *addr,
			   unsigned long npages, struct dma_fence *pre,
			   bool to_ram)
{
	struct amdgpu_ttm_buffer_entity *entity;
	struct amdgpu_svm_vram *vram = NULL;
	struct amdgpu_svm_copy_run *runs = NULL;
	struct dma_fence *last = NULL;
	dma_addr_t *addrs = NULL;
	struct amdgpu_device *adev;
	int nruns, k, idx, r = 0;
	u64 *off = NULL;
	unsigned long i;
	long w;

	/*
	 * First of all: whatever moves, the clear of a new allocation (or
	 * the work before an eviction) must be done before its pages are
	 * handed out, even when nothing is copied (a range never touched).
	 */
	if (pre) {
		w = dma_fence_wait(pre, false);
		if (w < 0 || pre->error)
			return w < 0 ? w : -EIO;
	}

	for (i = 0; i < npages; i++) {
		if (!pages[i])
			continue;
		if (!vram) {
			vram = page_to_vram(pages[i]);
		} else if (WARN_ONCE(page_pgmap(pages[i]) != &vram->pagemap,
				     "SVM: one copy over the VRAM of two devices\n")) {
			/* Their DMA addresses are one device's: see Not handled. */
			return -EIO;
		}
	}
	if (!vram)
		return 0;
	adev = vram->adev;
	if (!drm_dev_enter(adev_to_drm(adev), &idx))
		return -ENODEV;
	if (!adev->mman.buffer_funcs_enabled) {
		r = -ENODEV;
		goto out;
	}

	off = kvmalloc_array(npages, sizeof(*off), GFP_KERNEL);
	addrs = kvmalloc_array(npages, sizeof(*addrs), GFP_KERNEL);
	runs = kvmalloc_array(npages, sizeof(*runs), GFP_KERNEL);
	if (!off || !addrs || !runs) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < npages; i++)
		off[i] = pages[i] ? amdgpu_svm_page_offset(vram, pages[i]) :
				    AMDGPU_SVM_NO_VRAM;
	nruns = amdgpu_svm_copy_plan(off, addr, npages,
				     adev->vm_manager.vram_base_offset,
				     adev->gmc.real_vram_size,
				     AMDGPU_GTT_MAX_TRANSFER_SIZE >> PAGE_SHIFT,
				     addrs, runs, npages);
	if (nruns <= 0) {
		r = nruns;
		goto out;
	}

	k = atomic_inc_return(&adev->mman.next_move_entity) %
	    adev->mman.num_move_entities;
	entity = &adev->mman.move_entities[k];
	mutex_lock(&entity->lock);
	for (k = 0; k < nruns; k++) {
		struct dma_fence *next = NULL;

		r = amdgpu_svm_copy_run(adev, entity, &runs[k], addrs, to_ram,
					&next);
		if (r)
			break;
		/* One entity: the last copy finishes after the others. */
		dma_fence_put(last);
		last = next;
	}
	mutex_unlock(&entity->lock);

	if (last) {
		w = dma_fence_wait(last, false);
		if (!r)
			r = w < 0 ? w : last->error;
		dma_fence_put(last);
	}
out:
	drm_dev_exit(idx);
	kvfree(runs);
	kvfree(addrs);
	kvfree(off);
	return r;
}

/**
 * amdgpu_svm_vram_alloc - VRAM for one migration (&drm_svm_coord_ops.devmem_alloc)
 * @vram: the VRAM of the attachment that asks (amdgpu_svm_vram_use())
 * @mm: the address space the pages will back
 * @size: bytes, page aligned
 *
 * Context: process context, the coordinator's manager lock and the
 * range's mutex held, no reservation and not the mmap lock. May evict
 * other buffer objects through TTM.
 *
 * Return: the allocation, ERR_PTR(-ENOMEM) when the room check or TTM
 * finds no room (the coordinator then evicts and asks again),
 * ERR_PTR(-ENODEV) for an unplugged device, or another ERR_PTR().
 */
struct drm_pagemap_devmem *amdgpu_svm_vram_alloc(struct amdgpu_svm_vram *vram,
						 struct mm_struct *mm,
						 unsigned long size)
{
	struct amdgpu_device *adev = vram->adev;
	struct ttm_resource_manager *man = &adev->mman.vram_mgr.manager;
	u64 total = adev->gmc.real_vram_size;
	struct drm_pagemap_devmem *devmem;
	struct amdgpu_bo_param bp = {};
	struct dma_fence *clear = NULL;
	struct amdgpu_bo_svm *sbo;
	struct amdgpu_bo *bo;
	int idx, r;

	if (!drm_dev_enter(adev_to_drm(adev), &idx))
		return ERR_PTR(-ENODEV);
	if (WARN_ON_ONCE(!vram->dpagemap)) {
		devmem = ERR_PTR(-ENODEV);
		goto out;
	}
	if (!amdgpu_svm_vram_room(size, ttm_resource_manager_usage(man), total,
				  amdgpu_svm_vram_reserve(total))) {
		devmem = ERR_PTR(-ENOMEM);
		goto out;
	}

	bp.size = size;
	/* One buddy block up to 2 MiB, 2 MiB blocks beyond: THPs move whole */
	bp.byte_align = size >= SZ_2M ? SZ_2M :
			is_power_of_2(size) ? size : PAGE_SIZE;
	bp.domain = AMDGPU_GEM_DOMAIN_VRAM;
	/*
	 * Cleared: a page never written reads as zeroes, not as another
	 * process's data. Not AMDGPU_GEM_CREATE_DISCARDABLE, which KFD uses:
	 * TTM would drop the data without calling amdgpu_bo_move().
	 */
	bp.flags = AMDGPU_GEM_CREATE_NO_CPU_ACCESS |
		   AMDGPU_GEM_CREATE_VRAM_CLEARED;
	/* A user BO's eviction priority and interruptible waits */
	bp.type = ttm_bo_type_device;
	bp.bo_ptr_size = sizeof(*sbo);
	bp.destroy = amdgpu_svm_bo_destroy;
	r = amdgpu_bo_create(adev, &bp, &bo);
	if (r) {
		devmem = ERR_PTR(r == -ENOSPC ? -ENOMEM : r);
		goto out;
	}
	sbo = container_of(bo, struct amdgpu_bo_svm, bo);

	/*
	 * TTM may evict the new BO as soon as amdgpu_bo_create() unreserved
	 * it: under the reservation, check it stayed in VRAM and make it an
	 * allocation (amdgpu_svm_bo_move() refuses to evict one that is not
	 * yet), and take the clear's fence, which the first copy waits for.
	 */
	r = dma_resv_lock(bo->tbo.base.resv, NULL);
	if (r) {
		amdgpu_bo_unref(&bo);
		devmem = ERR_PTR(r);
		goto out;
	}
	if (bo->tbo.resource->mem_type != TTM_PL_VRAM)
		r = -ENOMEM;
	else
		r = dma_resv_get_singleton(bo->tbo.base.resv,
					   DMA_RESV_USAGE_KERNEL, &clear);
	if (!r) {
		drm_pagemap_devmem_init(&sbo->devmem, adev->dev, mm,
					&amdgpu_svm_devmem_ops, vram->dpagemap,
					size, clear);
		/* drm_pagemap_evict_to_ram() looks at the mm while the BO lives */
		mmgrab(mm);
		/* Dropped by amdgpu_svm_vram_put_work() */
		kref_get(&vram->ref);
		drm_dev_get(adev_to_drm(adev));
	}
	dma_resv_unlock(bo->tbo.base.resv);
	if (r) {
		amdgpu_bo_unref(&bo);
		devmem = ERR_PTR(r);
		goto out;
	}
	devmem = &sbo->devmem;
out:
	drm_dev_exit(idx);
	return devmem;
}

/**
 * amdgpu_svm_bo_move - TTM moves an SVM buffer object
 * @tbo: the buffer object
 * @evict: the move is an eviction
 * @ctx: TTM's operation context
 * @new_mem: where TTM moves it
 * @r: out: the result of the move, when handled
 *
 * Called first in amdgpu_bo_move(). An SVM buffer object leaves VRAM for
 * system memory only, and its data through drm_pagemap: the device pages
 * are migrated to system memory (drm_pagemap_evict_to_ram(), which fires
 * the MMU notifier and copies with amdgpu_svm_copy()), then TTM's resource
 * is replaced without a copy once the BO is idle. Other moves of an SVM BO
 * are refused, and so is the eviction of one that is not an allocation
 * yet (-EBUSY, which makes TTM try another BO), or whose process is
 * exiting with its pages not yet freed.
 *
 * Context: the BO reserved, process context.
 *
 * Return: true if the move was handled here (its result in @r), false for
 * TTM's own path (not an SVM BO, or its creation in VRAM).
 */
bool amdgpu_svm_bo_move(struct ttm_buffer_object *tbo, bool evict,
			struct ttm_operation_ctx *ctx,
			struct ttm_resource *new_mem, int *r)
{
	struct ttm_resource *old = tbo->resource;
	struct amdgpu_bo_svm *sbo;
	enum amdgpu_svm_bo_move action;

	if (!amdgpu_svm_bo_is_svm(tbo))
		return false;
	sbo = container_of(ttm_to_amdgpu_bo(tbo), struct amdgpu_bo_svm, bo);

	action = amdgpu_svm_bo_move_action(old, old ? old->mem_type : 0,
					   new_mem->mem_type);
	/* Back from system memory it would be a copy of nothing */
	if (action == AMDGPU_SVM_BO_MOVE_TTM && tbo->ttm)
		action = AMDGPU_SVM_BO_MOVE_REFUSE;

	switch (action) {
	case AMDGPU_SVM_BO_MOVE_TTM:
		return false;
	case AMDGPU_SVM_BO_MOVE_EVICT:
		if (!sbo->devmem.ops) {
			*r = -EBUSY;	/* amdgpu_svm_vram_alloc() not done */
			return true;
		}
		/* Every device page freed already (the process exited)? */
		*r = completion_done(&sbo->devmem.detached) ? 0 :
		     drm_pagemap_evict_to_ram(&sbo->devmem);
		/* A process exiting (no mm user left) frees them soon */
		if (*r == -EFAULT)
			*r = -EBUSY;
		if (!*r)
			*r = ttm_bo_wait_ctx(tbo, ctx);
		if (!*r) {
			amdgpu_bo_move_notify(tbo, evict, new_mem);
			ttm_bo_move_null(tbo, new_mem);
		}
		return true;
	default:
		WARN_ONCE(1, "SVM BO moved from %u to %u\n",
			  old ? old->mem_type : ~0u, new_mem->mem_type);
		*r = -EINVAL;
		return true;
	}
}

static struct drm_pagemap_addr amdgpu_svm_device_map(struct drm_pagemap *dpagemap,
						     struct device *dev,
						     struct page *page,
						     unsigned int order,
						     enum dma_data_direction dir)
{
	struct amdgpu_svm_vram *vram = page_to_vram(page);

	/*
	 * The hive physical address, which this device and its XGMI peers
	 * (the only ones that share its owner) put in their PTEs, as KFD's
	 * svm_range_dma_map_dev() does.
	 */
	return drm_pagemap_addr_encode(vram->adev->vm_manager.vram_base_offset +
				       amdgpu_svm_page_offset(vram, page),
				       DRM_INTERCONNECT_DRIVER, order, dir);
}

static void amdgpu_svm_device_unmap(struct drm_pagemap *dpagemap,
				    struct device *dev,
				    const struct drm_pagemap_addr *addr)
{
}

static const struct drm_pagemap_ops amdgpu_svm_dpagemap_ops = {
	.device_map = amdgpu_svm_device_map,
	.device_unmap = amdgpu_svm_device_unmap,
};

static bool amdgpu_svm_interconnect(struct drm_pagemap_peer *a,
				    struct drm_pagemap_peer *b)
{
	struct amdgpu_svm_vram *va = a->private, *vb = b->private;

	return va->adev == vb->adev || amdgpu_xgmi_same_hive(va->adev, vb->adev);
}

/*
 * devm action, run after memunmap_pages() (registered before it): no
 * device page is left, so every buffer object was queued for release.
 */
static void amdgpu_svm_vram_unbind(void *data)
{
	struct amdgpu_svm_vram *vram = data;

	flush_work(&vram->put_work);
	amdgpu_svm_vram_put(vram);
}

static bool amdgpu_svm_vram_supported(struct amdgpu_device *adev)
{
	return amdgpu_svm_gc_supported(amdgpu_ip_version(adev, GC_HWIP, 0)) &&
	       !adev->apu_prefer_gtt && !adev->gmc.xgmi.connected_to_cpu &&
	       (!adev->xcp_mgr || adev->xcp_mgr->num_xcps <= 1) &&
	       adev->gmc.real_vram_size;
}

/**
 * amdgpu_svm_device_init - make a device's VRAM SVM device memory
 * @adev: the device
 *
 * Called where KFD registers its zone-device memory, at device init and
 * after a reset on init. Does nothing for a device whose VRAM SVM does not
 * use (see DOC: amdgpu SVM VRAM) or that has it already. On failure the
 * device attaches without VRAM.
 */
void amdgpu_svm_device_init(struct amdgpu_device *adev)
{
	struct device *dev = adev->dev;
	struct amdgpu_svm_vram *vram;
	struct resource *res;
	unsigned long size;
	void *group, *addr;
	int r = -ENOMEM;

	if (adev->svm_vram || !amdgpu_svm_vram_supported(adev))
		return;

	vram = kzalloc_obj(*vram);
	if (!vram)
		goto fail;
	kref_init(&vram->ref);
	vram->adev = adev;
	mutex_init(&vram->lock);
	init_llist_head(&vram->puts);
	INIT_WORK(&vram->put_work, amdgpu_svm_vram_put_work);
	vram->peer.private = vram;
	r = drm_pagemap_acquire_owner(&vram->peer, &amdgpu_svm_owners,
				      amdgpu_svm_interconnect);
	if (r) {
		mutex_destroy(&vram->lock);
		kfree(vram);
		goto fail;
	}

	group = devres_open_group(dev, NULL, GFP_KERNEL);
	if (!group) {
		r = -ENOMEM;
		amdgpu_svm_vram_put(vram);
		goto fail;
	}
	/* The device's reference, dropped after memunmap_pages() */
	r = devm_add_action_or_reset(dev, amdgpu_svm_vram_unbind, vram);
	if (r)
		goto fail_group;

	size = ALIGN(adev->gmc.real_vram_size, SZ_2M);
	res = devm_request_free_mem_region(dev, &iomem_resource, size);
	if (IS_ERR(res)) {
		r = PTR_ERR(res);
		goto fail_group;
	}
	vram->pagemap.type = MEMORY_DEVICE_PRIVATE;
	vram->pagemap.range.start = res->start;
	vram->pagemap.range.end = res->end;
	vram->pagemap.nr_range = 1;
	vram->pagemap.ops = drm_pagemap_pagemap_ops_get();
	vram->pagemap.owner = vram->peer.owner;
	addr = devm_memremap_pages(dev, &vram->pagemap);
	if (IS_ERR(addr)) {
		r = PTR_ERR(addr);
		goto fail_group;
	}
	devres_remove_group(dev, group);

	/* As KFD: the struct pages count against the KFD system memory limit */
	amdgpu_amdkfd_reserve_system_mem((size >> PAGE_SHIFT) *
					 sizeof(struct page));
	adev->svm_vram = vram;
	dev_info(dev, "SVM: %lu MiB of VRAM as device memory\n", size >> 20);
	return;

fail_group:
	/* Runs the action, if it was added: the last reference goes */
	devres_release_group(dev, group);
fail:
	dev_warn(dev, "SVM: VRAM not usable for SVM: %d\n", r);
}

/**
 * amdgpu_svm_device_fini - no new SVM user of a device's VRAM
 * @adev: the device
 *
 * Called from amdgpu_device_fini_hw(), after the device was unplugged: no
 * ioctl runs any more, so no attachment starts using the VRAM. Those open
 * keep theirs (and see -ENODEV from their allocations); the device's
 * reference goes when the driver is unbound.
 */
void amdgpu_svm_device_fini(struct amdgpu_device *adev)
{
	adev->svm_vram = NULL;
}

/**
 * amdgpu_svm_vram_use - start using a device's VRAM for an attachment
 * @adev: the device
 * @caps: out: &drm_svm_coord_vm_caps.dpagemap and .pagemap_owner, valid
 *	until amdgpu_svm_vram_unuse()
 *
 * Creates the device's drm_pagemap for its first user. Called at attach,
 * from an ioctl: the device is not unplugged.
 *
 * Return: the VRAM, to give back with amdgpu_svm_vram_unuse() after
 * detaching, or NULL for a device without SVM VRAM (or when the
 * drm_pagemap cannot be created: the GPU then attaches without VRAM).
 */
struct amdgpu_svm_vram *amdgpu_svm_vram_use(struct amdgpu_device *adev,
					    struct drm_svm_coord_vm_caps *caps)
{
	struct amdgpu_svm_vram *vram, *ret = NULL;
	struct drm_pagemap *dpagemap;
	int idx;

	if (!drm_dev_enter(adev_to_drm(adev), &idx))
		return NULL;
	vram = adev->svm_vram;
	if (!vram)
		goto out;

	mutex_lock(&vram->lock);
	if (!vram->dpagemap) {
		dpagemap = kzalloc_obj(*dpagemap);
		if (dpagemap && drm_pagemap_init(dpagemap, &vram->pagemap,
						 adev_to_drm(adev),
						 &amdgpu_svm_dpagemap_ops)) {
			kfree(dpagemap);
			dpagemap = NULL;
		}
		vram->dpagemap = dpagemap;
	}
	if (vram->dpagemap) {
		vram->users++;
		kref_get(&vram->ref);
		caps->dpagemap = vram->dpagemap;
		caps->pagemap_owner = vram->peer.owner;
		ret = vram;
	}
	mutex_unlock(&vram->lock);
out:
	drm_dev_exit(idx);
	return ret;
}

/**
 * amdgpu_svm_vram_unuse - an attachment stops using a device's VRAM
 * @vram: what amdgpu_svm_vram_use() returned
 *
 * Called once the attachment detached, which emptied its VRAM: the last
 * user drops the drm_pagemap (device pages still around keep theirs).
 */
void amdgpu_svm_vram_unuse(struct amdgpu_svm_vram *vram)
{
	struct drm_pagemap *dpagemap = NULL;

	mutex_lock(&vram->lock);
	if (!--vram->users)
		swap(dpagemap, vram->dpagemap);
	mutex_unlock(&vram->lock);
	drm_pagemap_put(dpagemap);
	amdgpu_svm_vram_put(vram);
}
