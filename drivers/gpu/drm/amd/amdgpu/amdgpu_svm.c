// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright 2026 The drm_svm_coord authors
 */

#include <linux/dma-fence.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/rwsem.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include <drm/amdgpu_drm.h>
#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_pagemap.h>
#include <drm/drm_svm_coord.h>
#include <uapi/linux/kfd_ioctl.h>

#include "amdgpu.h"
#include "amdgpu_amdkfd.h"
#include "amdgpu_gmc.h"
#include "amdgpu_ids.h"
#include "amdgpu_svm.h"
#include "amdgpu_svm_rules.h"
#include "amdgpu_vm.h"
#include "amdgpu_xcp.h"

/**
 * DOC: amdgpu SVM backend
 *
 * With %CONFIG_DRM_AMDGPU_SVM, a compute VM (one that KFD acquired for a
 * process) can mirror the process's address space through the DRM
 * multi-GPU SVM coordinator (drm_svm_coord): one manager per process owns
 * the MMU notifier, the hmm_range_fault() of each range, the attributes,
 * splitting and migration for every GPU of the process, whatever its
 * driver. amdgpu only writes page tables and stops queues: this file is
 * the coordinator's backend for amdgpu, and DRM_IOCTL_AMDGPU_GEM_SVM its
 * uAPI. It replaces KFD's SVM manager (%CONFIG_HSA_AMD_SVM), which it
 * cannot run beside.
 *
 * A DRM file attaches its VM with %AMDGPU_SVM_OP_ATTACH once KFD has made
 * it a compute VM; the attachment lives until the file is closed
 * (amdgpu_svm_file_fini(), first thing in postclose). Whether the GPU
 * maps on its retry faults or ahead of use follows the XNACK mode KFD chose
 * for the process (kgd2kfd_xnack_enabled(), vetoed per GC version by
 * amdgpu_svm_can_fault()). Retry faults arrive by PASID in the IH worker
 * and go through amdgpu_svm_handle_fault() to
 * drm_svm_coord_handle_fault().
 *
 * The backend operations and what they call:
 *
 * ====================  ===================================================
 * @prepare              root PD reserved: amdgpu_vm_validate(),
 *                       amdgpu_vm_ready() (-EBUSY), no BO mapped in the
 *                       range (-EADDRINUSE), amdgpu_vm_pt_populate(),
 *                       amdgpu_vm_update_pdes()
 * @map                  amdgpu_svm_map_runs(), amdgpu_svm_pte_rules() +
 *                       amdgpu_gmc_get_vm_pte(), unlocked leaf-only
 *                       amdgpu_vm_update_range() per run
 * @map_sync             wait for the last map, flush the VM's TLB
 * @unmap                unlocked amdgpu_vm_update_range() to
 *                       init_pte_flags, TLB flush issued; an error
 *                       (page tables being evicted, no memory) is
 *                       returned and the coordinator retries it
 * @tlb_flush_wait       wait for the last unmap, heavyweight TLB flush
 * @quiesce, @resume     kgd2kfd_quiesce_vm(), kgd2kfd_resume_vm(): this
 *                       VM's queues only
 * @devmem_alloc         amdgpu_svm_vram_alloc(), for a device whose VRAM
 *                       is SVM device memory (see DOC: amdgpu SVM VRAM)
 * ====================  ===================================================
 *
 * Every update runs on the VM's delayed entity (immediate = false), as
 * KFD's SVM updates do, so maps, unmaps and @prepare's PDE updates execute
 * in submission order and the last fence covers the earlier ones. PTEs of
 * DMA-contiguous pages carry fragment bits (amdgpu_vm_update_range() drops
 * the per-page addresses for them), so &drm_svm_coord_vm_caps.pte_sizes
 * declares every size from a page to 2 MiB, and an invalidation that would
 * cut such a block costs the GPU the whole range instead. Page tables that
 * @prepare allocated stay until the VM goes: unlocked updates never free
 * one.
 *
 * Buffer objects mapped in the VM share its address space: @prepare and
 * %AMDGPU_SVM_OP_SET_ATTR refuse ranges that overlap one (-EADDRINUSE). A
 * range never crosses a CPU VMA, and ROCr's thunk reserves the CPU
 * addresses of the GPU VAs it gives buffer objects, so the two should not
 * meet (unverified). A BO mapped later over addresses SVM already mapped
 * is not detected: drm_svm_coord_reserve() would close that, but amdgpu
 * maps BOs with the root PD reserved, where the coordinator's locks may
 * not be taken; calling it from the GEM_VA and KFD paths before they
 * reserve is left for later.
 *
 * What the coordinator proves for this backend runs on vsvm, with no
 * amdgpu code involved: one notifier and one hmm_range_fault() for N GPUs
 * and every zap before any TLB wait (KUnit drm_svm_coord_ranges
 * fault_shared and invalidate_fan_out), splitting without refault
 * (vsvm-tests split), restore of GPUs that cannot fault with one quiesce
 * per batch (nofault_restore), failed unmaps retried with the GPU stopped
 * (unmap_failure), migration, peers and eviction (vsvm-migrate), attribute
 * semantics (drm_svm_coord_attr). This file has never run on an AMD GPU.
 */

/**
 * DOC: amdgpu SVM locking
 *
 * One order covers the coordinator, amdgpu and this backend, outermost
 * first: &amdgpu_svm.detach_sem (read, fault path) -> the coordinator's
 * manager lock -> its range mutex -> the mmap lock -> dma_resv
 * reservations (the root PD in @prepare and SET_ATTR's BO check) -> the
 * coordinator's notifier lock (a TTM eviction fires the notifier with a
 * BO reserved) -> &amdgpu_svm.map_lock -> &amdgpu_vm.eviction_lock (in
 * amdgpu_vm_update_range()) and KFD's dqm lock (in @quiesce) ->
 * &amdgpu_svm.fence_lock.
 *
 * Consequences: @map, @unmap, @tlb_flush_wait and @quiesce never take a
 * reservation, which is why @prepare allocates the page tables and @map
 * only writes leaves (an unlocked update); @map and @unmap run their
 * updates inside memalloc_noreclaim_save(), because
 * amdgpu_vm_update_range() allocates (a TLB callback, the SDMA job) and
 * they run under the notifier lock, which reclaim takes; @map allocates
 * nothing itself (&amdgpu_svm.pages is sized for
 * %DRM_SVM_COORD_RANGE_MAX at attach). &amdgpu_svm.detach_sem is taken for
 * writing only around clearing &amdgpu_svm.coord, never across a
 * coordinator call, and the fault path holds it for reading across
 * drm_svm_coord_handle_fault(), which is what keeps the attachment alive
 * there (faults arrive by PASID, without a file reference). Attaching
 * primes lockdep with the notifier-side part of this order.
 * &amdgpu_svm_lock protects the list of attachments and the publication
 * of &amdgpu_fpriv.svm, which the fault path reads under the PASID lock.
 */

/**
 * struct amdgpu_svm - one DRM file's VM attached to the process's manager
 * @ref: references: the file's, and one per fault in flight
 * @adev: the device
 * @vm: the file's VM
 * @mm: the process that attached (compared only)
 * @link: in &amdgpu_svm_list
 * @detach_sem: keeps @coord attached across a fault
 * @coord: the attachment, NULL once detached
 * @can_fault: XNACK on: the GPU maps on retry faults
 * @gc_ip: the GC IP version
 * @xcc_mask: the XCCs of the file's partition, for TLB flushes
 * @map_lock: serializes @map calls (they share @pages)
 * @pages: one DMA address per CPU page of a map
 * @fence_lock: protects @map_fence and @unmap_fence
 * @map_fence: the last map's page-table update
 * @unmap_fence: the last unmap's page-table update
 * @quiesced: queue stops not yet resumed, for the checks
 * @vram: the device's VRAM, used until the attachment goes, or NULL when
 *	it has none
 */
struct amdgpu_svm {
	struct kref ref;
	struct amdgpu_device *adev;
	struct amdgpu_vm *vm;
	struct mm_struct *mm;
	struct list_head link;
	struct rw_semaphore detach_sem;
	struct drm_svm_coord_vm *coord;
	bool can_fault;
	u32 gc_ip;
	u32 xcc_mask;
	struct mutex map_lock;		/* serializes @map: @pages */
	dma_addr_t pages[DRM_SVM_COORD_RANGE_MAX >> PAGE_SHIFT];
	spinlock_t fence_lock;		/* @map_fence, @unmap_fence */
	struct dma_fence *map_fence;
	struct dma_fence *unmap_fence;
	atomic_t quiesced;
	struct amdgpu_svm_vram *vram;
};

/*
 * Fragments: amdgpu_vm_update_range() maps DMA-contiguous pages with
 * AMDGPU_PTE_FRAG(), which lets the TLB cache any naturally aligned block
 * of the update up to its size, here at most a range (2 MiB). Clearing one
 * page of such a block would leave neighbours that still describe it, so
 * the coordinator must never cut one: every power of two from a page to
 * 2 MiB.
 */
#define AMDGPU_SVM_PTE_SIZES	GENMASK(21, PAGE_SHIFT)

/*
 * Domain changes one map may have (system memory, local and peer VRAM
 * interleaved); a map with more fails with -E2BIG. The coordinator moves
 * a range as a whole, so a mix is a move caught half way.
 */
#define AMDGPU_SVM_MAX_RUNS	8

/* Attachments, one per (mm, device), and fpriv->svm: see SVM locking. */
static DEFINE_MUTEX(amdgpu_svm_lock);
static LIST_HEAD(amdgpu_svm_list);

static_assert(AMDGPU_SVM_ATTR_PREFERRED_LOC == DRM_SVM_COORD_ATTR_PREFERRED_LOC);
static_assert(AMDGPU_SVM_ATTR_PREFETCH_LOC == DRM_SVM_COORD_ATTR_PREFETCH_LOC);
static_assert(AMDGPU_SVM_ATTR_ACCESS == DRM_SVM_COORD_ATTR_ACCESS);
static_assert(AMDGPU_SVM_ATTR_ACCESS_IN_PLACE == DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE);
static_assert(AMDGPU_SVM_ATTR_NO_ACCESS == DRM_SVM_COORD_ATTR_NO_ACCESS);
static_assert(AMDGPU_SVM_ATTR_ACCESS_DEFAULT == DRM_SVM_COORD_ATTR_ACCESS_DEFAULT);
static_assert(AMDGPU_SVM_ATTR_SET_FLAGS == DRM_SVM_COORD_ATTR_SET_FLAGS);
static_assert(AMDGPU_SVM_ATTR_CLR_FLAGS == DRM_SVM_COORD_ATTR_CLR_FLAGS);
static_assert(AMDGPU_SVM_ATTR_GRANULARITY == DRM_SVM_COORD_ATTR_GRANULARITY);
static_assert(AMDGPU_SVM_ATTR_ACCESS_MIXED == DRM_SVM_COORD_ATTR_ACCESS_MIXED);
static_assert(AMDGPU_SVM_LOC_UNDEFINED == DRM_SVM_COORD_LOC_UNDEFINED);
static_assert(AMDGPU_SVM_LOC_SYSMEM == DRM_SVM_COORD_LOC_SYSMEM);
static_assert(AMDGPU_SVM_LOC_MIXED == DRM_SVM_COORD_LOC_MIXED);
static_assert(AMDGPU_SVM_FLAG_HOST_ACCESS == DRM_SVM_COORD_FLAG_HOST_ACCESS);
static_assert(AMDGPU_SVM_FLAG_COHERENT == DRM_SVM_COORD_FLAG_COHERENT);
static_assert(AMDGPU_SVM_FLAG_GPU_RO == DRM_SVM_COORD_FLAG_GPU_RO);
static_assert(AMDGPU_SVM_FLAG_GPU_EXEC == DRM_SVM_COORD_FLAG_GPU_EXEC);
static_assert(AMDGPU_SVM_FLAG_GPU_READ_MOSTLY == DRM_SVM_COORD_FLAG_GPU_READ_MOSTLY);
static_assert(AMDGPU_SVM_FLAG_GPU_ALWAYS_MAPPED ==
	      DRM_SVM_COORD_FLAG_GPU_ALWAYS_MAPPED);
static_assert(AMDGPU_SVM_GRANULARITY_MAX == DRM_SVM_COORD_GRANULARITY_MAX);
static_assert(sizeof(struct drm_amdgpu_svm_attr) == sizeof(struct drm_svm_coord_attr));
static_assert(sizeof(struct drm_amdgpu_gem_svm) == 48);

static struct amdgpu_svm *to_amdgpu_svm(struct drm_svm_coord_vm *coord)
{
	return drm_svm_coord_vm_priv(coord);
}

static void amdgpu_svm_release(struct kref *ref)
{
	struct amdgpu_svm *svm = container_of(ref, struct amdgpu_svm, ref);

	dma_fence_put(svm->map_fence);
	dma_fence_put(svm->unmap_fence);
	/* After the detach, which emptied the VRAM: see amdgpu_svm_vram_use() */
	if (svm->vram)
		amdgpu_svm_vram_unuse(svm->vram);
	mutex_destroy(&svm->map_lock);
	kfree(svm);
}

/* The SVM window of the VM: no kernel reservation, below the VA hole. */
static void amdgpu_svm_window(struct amdgpu_device *adev, u64 *lo, u64 *hi)
{
	amdgpu_svm_va_window(adev->vm_manager.max_pfn,
			     adev->vm_manager.max_level == 4, lo, hi);
}

static int amdgpu_svm_validate_pt(void *param, struct amdgpu_bo *bo)
{
	struct ttm_operation_ctx ctx = { false, false };

	amdgpu_bo_placement_from_domain(bo, AMDGPU_GEM_DOMAIN_VRAM);
	return ttm_bo_validate(&bo->tbo, &bo->placement, &ctx);
}

/*
 * Reserve the root PD and bring the VM's page tables back if they were
 * evicted. Returns with @exec holding the reservation, also on error.
 */
static int amdgpu_svm_lock_vm(struct amdgpu_svm *svm, struct drm_exec *exec)
{
	int r = 0;

	drm_exec_init(exec, DRM_EXEC_INTERRUPTIBLE_WAIT, 0);
	drm_exec_until_all_locked(exec) {
		/* As KFD's svm_range_reserve_bos() */
		r = amdgpu_vm_lock_pd(svm->vm, exec, 2);
		drm_exec_retry_on_contention(exec);
		if (r)
			return r;
	}
	/* As KFD's svm_range_reserve_bos(): page tables back in VRAM. */
	r = amdgpu_vm_validate(svm->adev, svm->vm, NULL,
			       amdgpu_svm_validate_pt, NULL);
	if (r)
		return r;
	return amdgpu_vm_ready(svm->vm) ? 0 : -EBUSY;
}

static int amdgpu_svm_prepare(struct drm_svm_coord_vm *coord,
			      unsigned long start, unsigned long end)
{
	struct amdgpu_svm *svm = to_amdgpu_svm(coord);
	struct drm_exec exec;
	u64 first, last;
	int r;

	amdgpu_svm_gpu_pages(start, end, &first, &last);
	r = amdgpu_svm_lock_vm(svm, &exec);
	if (r)
		goto out;
	if (amdgpu_vm_range_has_mapping(svm->vm, first, last)) {
		r = -EADDRINUSE;
		goto out;
	}
	r = amdgpu_vm_pt_populate(svm->adev, svm->vm, first, last + 1, false);
	if (!r)
		r = amdgpu_vm_update_pdes(svm->adev, svm->vm, false);
out:
	drm_exec_fini(&exec);
	return r;
}

/* Replace a kept fence by @f, which the caller gives up. */
static void amdgpu_svm_keep_fence(struct amdgpu_svm *svm,
				  struct dma_fence **slot, struct dma_fence *f)
{
	spin_lock(&svm->fence_lock);
	swap(*slot, f);
	spin_unlock(&svm->fence_lock);
	dma_fence_put(f);
}

/*
 * Wait for the kept update (the last map's or unmap's: one entity, so it
 * covers the earlier ones) and flush the VM's TLB, as kfd_flush_tlb() does.
 */
static void amdgpu_svm_wait_flush(struct amdgpu_svm *svm,
				  struct dma_fence **slot)
{
	struct dma_fence *f;

	spin_lock(&svm->fence_lock);
	f = dma_fence_get(*slot);
	spin_unlock(&svm->fence_lock);
	if (f) {
		dma_fence_wait(f, false);
		dma_fence_put(f);
	}
	amdgpu_vm_flush_compute_tlb(svm->adev, svm->vm, TLB_FLUSH_HEAVYWEIGHT,
				    svm->xcc_mask);
}

/* Clear [first, last] (GPU pages): an unlocked update that flushes. */
static int amdgpu_svm_clear(struct amdgpu_svm *svm, u64 first, u64 last)
{
	struct dma_fence *f = NULL;
	unsigned int noreclaim;
	int r;

	noreclaim = memalloc_noreclaim_save();
	r = amdgpu_vm_update_range(svm->adev, svm->vm, false, true, true, false,
				   NULL, first, last,
				   svm->adev->gmc.init_pte_flags, 0, 0, NULL,
				   NULL, &f);
	memalloc_noreclaim_restore(noreclaim);
	if (f)
		amdgpu_svm_keep_fence(svm, &svm->unmap_fence, f);
	return r;
}

static u64 amdgpu_svm_pte(struct amdgpu_svm *svm, u8 domain, u32 map_flags)
{
	struct amdgpu_device *adev = svm->adev;
	struct amdgpu_svm_pte_in in = {
		.gc_ip = svm->gc_ip,
		.domain = domain,
		.coherent = map_flags & DRM_SVM_COORD_MAP_COHERENT,
		.exec = map_flags & DRM_SVM_COORD_MAP_EXEC,
		.read_only = map_flags & DRM_SVM_COORD_MAP_READ_ONLY,
		.is_apu = adev->flags & AMD_IS_APU,
		.numa_multi = num_possible_nodes() > 1,
		.aid_a1 = adev->rev_id & 0x10,
		.atomics = adev->have_atomics_support,
		.mtype_local = amdgpu_mtype_local,
	};
	struct amdgpu_svm_pte_out out = amdgpu_svm_pte_rules(&in);
	u64 pte = out.pte_before;

	amdgpu_gmc_get_vm_pte(adev, svm->vm, NULL, out.vm_flags, &pte);
	return pte | out.pte_after;
}

static int amdgpu_svm_map(struct drm_svm_coord_vm *coord,
			  const struct drm_svm_coord_map_args *args)
{
	struct amdgpu_svm *svm = to_amdgpu_svm(coord);
	unsigned long npages = (args->end - args->start) >> PAGE_SHIFT;
	struct amdgpu_svm_run runs[AMDGPU_SVM_MAX_RUNS];
	struct dma_fence *last_fence = NULL;
	unsigned int noreclaim;
	int nruns, i, r = 0;
	u64 first, last;

	if (WARN_ON_ONCE(npages > ARRAY_SIZE(svm->pages)))
		return -EINVAL;

	mutex_lock(&svm->map_lock);
	/* VRAM pages come as hive physical addresses (device_map). */
	nruns = amdgpu_svm_map_runs(args->dma, npages,
				    svm->adev->vm_manager.vram_base_offset,
				    svm->adev->gmc.real_vram_size, svm->pages,
				    runs, ARRAY_SIZE(runs));
	if (nruns < 0) {
		r = nruns;
		goto out;
	}

	noreclaim = memalloc_noreclaim_save();
	for (i = 0; i < nruns; i++) {
		struct dma_fence *f = NULL;

		amdgpu_svm_gpu_pages(args->start + (runs[i].first << PAGE_SHIFT),
				     args->start + ((runs[i].first +
						     runs[i].npages) << PAGE_SHIFT),
				     &first, &last);
		/*
		 * A read-only entry made writable may sit in the TLB: ask for
		 * a flush, which the fault path then issues.
		 */
		r = amdgpu_vm_update_range(svm->adev, svm->vm, false, true,
					   args->flags & DRM_SVM_COORD_MAP_UPGRADE,
					   true, NULL, first, last,
					   amdgpu_svm_pte(svm, runs[i].domain,
							  args->flags),
					   runs[i].first << PAGE_SHIFT, 0, NULL,
					   svm->pages, &f);
		if (f) {
			dma_fence_put(last_fence);
			last_fence = f;
		}
		if (r)
			break;
	}
	memalloc_noreclaim_restore(noreclaim);
	if (last_fence)
		amdgpu_svm_keep_fence(svm, &svm->map_fence, last_fence);

	/*
	 * Leave no entry behind: the coordinator will not zap this range, and
	 * an update may fail after writing some (CPU updates, or an SDMA job
	 * that failed after an earlier one was committed). Wait for the clear
	 * as @tlb_flush_wait does, under the notifier lock too. After a
	 * failed upgrade the coordinator zaps the range itself.
	 */
	if (r && !(args->flags & DRM_SVM_COORD_MAP_UPGRADE)) {
		amdgpu_svm_gpu_pages(args->start, args->end, &first, &last);
		if (amdgpu_svm_clear(svm, first, last) == 0)
			amdgpu_svm_wait_flush(svm, &svm->unmap_fence);
		else
			dev_WARN_ONCE(svm->adev->dev, 1,
				      "SVM: entries of a failed map left in place\n");
	}
out:
	mutex_unlock(&svm->map_lock);
	return r;
}

static void amdgpu_svm_map_sync(struct drm_svm_coord_vm *coord)
{
	struct amdgpu_svm *svm = to_amdgpu_svm(coord);

	/* What KFD does after mapping ahead of use. */
	amdgpu_svm_wait_flush(svm, &svm->map_fence);
}

static int amdgpu_svm_unmap(struct drm_svm_coord_vm *coord,
			    unsigned long start, unsigned long end)
{
	struct amdgpu_svm *svm = to_amdgpu_svm(coord);
	u64 first, last;
	int r;

	amdgpu_svm_gpu_pages(start, end, &first, &last);
	/*
	 * KFD's svm_range_unmap_from_gpu(). -EBUSY while the page tables are
	 * evicted or their entities re-created: the coordinator retries with
	 * the GPU stopped. -ENODEV after unplug: no entry is reachable.
	 */
	r = amdgpu_svm_clear(svm, first, last);
	return r == -ENODEV ? 0 : r;
}

static void amdgpu_svm_tlb_flush_wait(struct drm_svm_coord_vm *coord)
{
	struct amdgpu_svm *svm = to_amdgpu_svm(coord);

	amdgpu_svm_wait_flush(svm, &svm->unmap_fence);
}

static void amdgpu_svm_quiesce(struct drm_svm_coord_vm *coord)
{
	struct amdgpu_svm *svm = to_amdgpu_svm(coord);
	int r;

	atomic_inc(&svm->quiesced);
	r = kgd2kfd_quiesce_vm(svm->mm, svm->vm,
			       KFD_QUEUE_EVICTION_TRIGGER_SVM);
	if (r && r != -ESRCH)
		dev_err_ratelimited(svm->adev->dev,
				    "SVM: stopping the queues failed: %d\n", r);
}

static void amdgpu_svm_resume(struct drm_svm_coord_vm *coord)
{
	struct amdgpu_svm *svm = to_amdgpu_svm(coord);
	int r;

	if (WARN_ON_ONCE(atomic_dec_if_positive(&svm->quiesced) < 0))
		return;
	r = kgd2kfd_resume_vm(svm->mm, svm->vm);
	if (r && r != -ESRCH)
		dev_err_ratelimited(svm->adev->dev,
				    "SVM: restarting the queues failed: %d\n", r);
}

static struct drm_pagemap_devmem *
amdgpu_svm_devmem_alloc(struct drm_svm_coord_vm *coord, struct mm_struct *mm,
			unsigned long size)
{
	struct amdgpu_svm *svm = to_amdgpu_svm(coord);

	return svm->vram ? amdgpu_svm_vram_alloc(svm->vram, mm, size) :
			   ERR_PTR(-ENODEV);
}

static const struct drm_svm_coord_ops amdgpu_svm_ops = {
	.prepare = amdgpu_svm_prepare,
	.map = amdgpu_svm_map,
	.map_sync = amdgpu_svm_map_sync,
	.unmap = amdgpu_svm_unmap,
	.tlb_flush_wait = amdgpu_svm_tlb_flush_wait,
	.quiesce = amdgpu_svm_quiesce,
	.resume = amdgpu_svm_resume,
	.devmem_alloc = amdgpu_svm_devmem_alloc,
};

static u32 amdgpu_svm_xcc_mask(struct amdgpu_device *adev,
			       struct amdgpu_fpriv *fpriv)
{
	u32 mask;

	if (adev->xcp_mgr && fpriv->xcp_id < adev->xcp_mgr->num_xcps &&
	    !amdgpu_xcp_get_inst_details(&adev->xcp_mgr->xcp[fpriv->xcp_id],
					 AMDGPU_XCP_GFX, &mask))
		return mask;
	return (1U << NUM_XCC(adev->gfx.xcc_mask)) - 1;
}

/*
 * Teach lockdep the SVM lock rules at attach rather than at the first
 * fault: @map and @unmap take map_lock and the VM's eviction lock under
 * the coordinator's notifier lock, which reclaim takes.
 */
static void amdgpu_svm_prime_lockdep(struct amdgpu_svm *svm)
{
	if (!IS_ENABLED(CONFIG_LOCKDEP))
		return;
	fs_reclaim_acquire(GFP_KERNEL);
	mutex_lock(&svm->map_lock);
	amdgpu_vm_eviction_lock(svm->vm);
	amdgpu_vm_eviction_unlock(svm->vm);
	mutex_unlock(&svm->map_lock);
	fs_reclaim_release(GFP_KERNEL);
}

static u32 amdgpu_svm_caps(const struct amdgpu_svm *svm)
{
	return (svm->can_fault ? AMDGPU_SVM_CAP_FAULT : 0) |
	       (svm->vram ? AMDGPU_SVM_CAP_VRAM : 0);
}

static int amdgpu_svm_attach(struct amdgpu_device *adev,
			     struct amdgpu_fpriv *fpriv,
			     struct drm_amdgpu_gem_svm *args)
{
	struct drm_svm_coord_vm_caps caps = {};
	struct drm_svm_coord_vm *coord;
	struct amdgpu_svm *svm, *other;
	unsigned long flags;
	int xnack, r;

	if (!current->mm)
		return -EINVAL;

	mutex_lock(&amdgpu_svm_lock);
	if (!fpriv->vm.is_compute_context ||
	    !amdgpu_svm_gc_supported(amdgpu_ip_version(adev, GC_HWIP, 0))) {
		r = -EOPNOTSUPP;
		goto unlock;
	}
	/*
	 * The VM must be one the caller's KFD process acquired: a file passed
	 * on by another process still names that process's VM, whose faults
	 * must not be served from the caller's memory.
	 */
	xnack = kgd2kfd_xnack_enabled(current->mm, &fpriv->vm);
	if (xnack < 0) {
		r = -EPERM;
		goto unlock;
	}
	if (fpriv->svm) {
		r = -EBUSY;
		goto unlock;
	}
	list_for_each_entry(other, &amdgpu_svm_list, link) {
		if (other->mm == current->mm && other->adev == adev) {
			r = -EEXIST;
			goto unlock;
		}
	}

	svm = kzalloc_obj(*svm);
	if (!svm) {
		r = -ENOMEM;
		goto unlock;
	}
	kref_init(&svm->ref);
	svm->adev = adev;
	svm->vm = &fpriv->vm;
	svm->mm = current->mm;
	init_rwsem(&svm->detach_sem);
	mutex_init(&svm->map_lock);
	spin_lock_init(&svm->fence_lock);
	svm->gc_ip = amdgpu_ip_version(adev, GC_HWIP, 0);
	svm->can_fault = amdgpu_svm_can_fault(svm->gc_ip, xnack);
	svm->xcc_mask = amdgpu_svm_xcc_mask(adev, fpriv);
	amdgpu_svm_prime_lockdep(svm);

	/*
	 * The device that DMA-maps is the PCI function's: a partition's
	 * render node is not a device the IOMMU knows.
	 */
	caps.flags = svm->can_fault ? DRM_SVM_COORD_VM_CAN_FAULT : 0;
	caps.pte_sizes = AMDGPU_SVM_PTE_SIZES;
	/* Given back with the attachment (amdgpu_svm_release()) */
	svm->vram = amdgpu_svm_vram_use(adev, &caps);
	coord = drm_svm_coord_attach(current->mm, adev_to_drm(adev),
				     &amdgpu_svm_ops, &caps, svm);
	if (IS_ERR(coord)) {
		r = PTR_ERR(coord);
		kref_put(&svm->ref, amdgpu_svm_release);
		goto unlock;
	}
	svm->coord = coord;
	list_add_tail(&svm->link, &amdgpu_svm_list);

	amdgpu_pasid_lock(&flags);
	/* Initialized before seen: pairs with amdgpu_svm_lookup()'s acquire */
	smp_store_release(&fpriv->svm, svm);
	amdgpu_pasid_unlock(flags);

	args->index = drm_svm_coord_vm_index(coord);
	args->caps = amdgpu_svm_caps(svm);
	r = 0;
unlock:
	mutex_unlock(&amdgpu_svm_lock);
	return r;
}

/* The attachment of this file, for a call from the process that made it. */
static struct amdgpu_svm *amdgpu_svm_lookup(struct amdgpu_fpriv *fpriv)
{
	/* Stable: only postclose, which no ioctl runs beside, clears it. */
	struct amdgpu_svm *svm = smp_load_acquire(&fpriv->svm);

	if (!svm)
		return ERR_PTR(-ENODEV);
	if (svm->mm != current->mm)
		return ERR_PTR(-EPERM);
	return svm;
}

/* SET_ATTR must not map over buffer objects of this VM. */
static int amdgpu_svm_check_bos(struct amdgpu_svm *svm, u64 start, u64 size)
{
	struct drm_exec exec;
	u64 first, last;
	int r = 0;

	amdgpu_svm_gpu_pages(start, start + size, &first, &last);
	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT, 0);
	drm_exec_until_all_locked(&exec) {
		r = amdgpu_vm_lock_pd(svm->vm, &exec, 0);
		drm_exec_retry_on_contention(&exec);
		if (r)
			goto out;
	}
	if (amdgpu_vm_range_has_mapping(svm->vm, first, last))
		r = -EADDRINUSE;
out:
	drm_exec_fini(&exec);
	return r;
}

static int amdgpu_svm_attr_op(struct amdgpu_svm *svm,
			      struct drm_amdgpu_gem_svm *args)
{
	struct drm_svm_coord *mgr = drm_svm_coord_vm_manager(svm->coord);
	struct drm_svm_coord_attr *attrs;
	size_t bytes = array_size(args->nattrs, sizeof(*attrs));
	int r;

	attrs = memdup_user(u64_to_user_ptr(args->attrs), bytes);
	if (IS_ERR(attrs))
		return PTR_ERR(attrs);

	if (args->op == AMDGPU_SVM_OP_SET_ATTR) {
		r = amdgpu_svm_check_bos(svm, args->start, args->size);
		if (!r)
			r = drm_svm_coord_set_attr(mgr, args->start,
						   args->size, attrs,
						   args->nattrs, NULL);
	} else {
		r = drm_svm_coord_get_attr(mgr, args->start, args->size,
					   attrs, args->nattrs);
		if (!r && copy_to_user(u64_to_user_ptr(args->attrs), attrs,
				       bytes))
			r = -EFAULT;
	}
	kfree(attrs);
	return r;
}

/**
 * amdgpu_svm_ioctl - DRM_IOCTL_AMDGPU_GEM_SVM
 * @dev: the DRM device
 * @data: &struct drm_amdgpu_gem_svm
 * @filp: the DRM file
 *
 * Checks the arguments in the order the uAPI documents and runs the op:
 * ATTACH attaches the file's VM to the process's SVM manager, INFO reports
 * the GPU's index and capabilities, SET_ATTR and GET_ATTR set and read the
 * process's attributes through the coordinator.
 *
 * Context: process context, no lock held.
 *
 * Return: 0 or a negative errno, as documented in the uAPI header; on
 * error nothing was changed, except that SET_ATTR keeps attributes whose
 * mapping for GPUs without retry faults failed.
 */
int amdgpu_svm_ioctl(struct drm_device *dev, void *data,
		     struct drm_file *filp)
{
	struct amdgpu_device *adev = drm_to_adev(dev);
	struct amdgpu_fpriv *fpriv = filp->driver_priv;
	struct drm_amdgpu_gem_svm *args = data;
	struct amdgpu_svm *svm;
	u64 lo, hi;
	int r;

	amdgpu_svm_window(adev, &lo, &hi);
	r = amdgpu_svm_check_args(args, lo, hi);
	if (r)
		return r;

	if (args->op == AMDGPU_SVM_OP_ATTACH)
		return amdgpu_svm_attach(adev, fpriv, args);

	svm = amdgpu_svm_lookup(fpriv);
	if (IS_ERR(svm))
		return PTR_ERR(svm);

	if (args->op == AMDGPU_SVM_OP_INFO) {
		args->index = drm_svm_coord_vm_index(svm->coord);
		args->caps = amdgpu_svm_caps(svm);
		return 0;
	}
	return amdgpu_svm_attr_op(svm, args);
}

/**
 * amdgpu_svm_file_fini - detach a DRM file's VM from the SVM manager
 * @adev: the device
 * @fpriv: the file's private data
 *
 * Called first in postclose, while the VM is intact: once it returns, no
 * SVM operation touches the VM, and no fault reaches the coordinator for
 * it. Does nothing for a file that never attached.
 *
 * Context: process context, no lock held, not the mmap lock.
 */
void amdgpu_svm_file_fini(struct amdgpu_device *adev,
			  struct amdgpu_fpriv *fpriv)
{
	struct drm_svm_coord_vm *coord;
	struct amdgpu_svm *svm;
	unsigned long flags;

	mutex_lock(&amdgpu_svm_lock);
	svm = fpriv->svm;
	if (svm) {
		amdgpu_pasid_lock(&flags);
		WRITE_ONCE(fpriv->svm, NULL);
		amdgpu_pasid_unlock(flags);
	}
	mutex_unlock(&amdgpu_svm_lock);
	if (!svm)
		return;

	/* Faults in flight end; later ones find no attachment. */
	down_write(&svm->detach_sem);
	coord = svm->coord;
	svm->coord = NULL;
	up_write(&svm->detach_sem);

	/* Zaps, waits and resumes this VM: it must still be there. */
	drm_svm_coord_detach(coord);
	WARN_ON(atomic_read(&svm->quiesced));

	mutex_lock(&amdgpu_svm_lock);
	list_del(&svm->link);
	mutex_unlock(&amdgpu_svm_lock);
	kref_put(&svm->ref, amdgpu_svm_release);
}

/**
 * amdgpu_svm_handle_fault - hand a retry fault to the SVM manager
 * @adev: the device
 * @pasid: the faulting process address space
 * @addr: the faulting GPU virtual address, in bytes
 * @write: the access was a write
 *
 * Called from amdgpu_vm_handle_fault() for compute VMs, in the IH worker,
 * without the root PD reserved. Looks the attachment up by PASID and keeps
 * it attached across drm_svm_coord_handle_fault(); amdgpu_svm_fault_action()
 * decides what the result means.
 *
 * Context: process context, no lock held.
 *
 * Return: true if the fault was handled (mapped, or to be retried), false
 * to let amdgpu handle it: not an SVM VM, or a bad access that becomes a
 * no-retry fault.
 */
bool amdgpu_svm_handle_fault(struct amdgpu_device *adev, u32 pasid, u64 addr,
			     bool write)
{
	enum amdgpu_svm_fault_action action;
	struct amdgpu_fpriv *fpriv;
	struct amdgpu_svm *svm = NULL;
	unsigned long flags;
	bool attached;
	int err;

	amdgpu_pasid_lock(&flags);
	fpriv = amdgpu_pasid_get_fpriv_locked(pasid);
	if (fpriv && fpriv->svm && !WARN_ON_ONCE(fpriv->svm->adev != adev)) {
		svm = fpriv->svm;
		kref_get(&svm->ref);
	}
	amdgpu_pasid_unlock(flags);
	if (!svm)
		return false;

	down_read(&svm->detach_sem);
	attached = svm->coord;
	err = attached ? drm_svm_coord_handle_fault(svm->coord, addr, write) :
			 -ENODEV;
	action = amdgpu_svm_fault_action(attached, err);
	/* A flush only if the VM's TLB sequence moved (new PDEs). */
	if (action == AMDGPU_SVM_FAULT_HANDLED)
		amdgpu_vm_flush_compute_tlb(adev, svm->vm,
					    TLB_FLUSH_HEAVYWEIGHT,
					    svm->xcc_mask);
	up_read(&svm->detach_sem);

	if (action == AMDGPU_SVM_FAULT_RETRY)
		amdgpu_gmc_filter_faults_remove(adev, addr, pasid);
	kref_put(&svm->ref, amdgpu_svm_release);
	return action == AMDGPU_SVM_FAULT_HANDLED ||
	       action == AMDGPU_SVM_FAULT_RETRY;
}
