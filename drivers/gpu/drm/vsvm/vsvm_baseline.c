// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/workqueue.h>

#include <drm/drm_gpusvm.h>
#include <drm/drm_pagemap.h>
#include <drm/drm_print.h>
#include <drm/drm_svm_coord.h>

#include "vsvm_drv.h"

/**
 * DOC: Baseline: one drm_gpusvm per GPU
 *
 * A file attached with %DRM_VSVM_ATTACH_BASELINE does SVM the way drivers do
 * it upstream today: the GPU address space has its own &struct drm_gpusvm
 * on the process's mm, as each Xe VM in fault mode has, and nothing is
 * shared with the process's other GPUs. It follows xe_svm.c step by step,
 * so that comparing it with the coordinator compares designs, not effort:
 *
 * - Initialisation: the whole user address space is mirrored, with
 *   notifiers of ``vsvm.baseline_notifier_mb`` (Xe's
 *   ``svm_notifier_size``, 512 MiB by default) and Xe's range sizes, 2 MiB,
 *   64 KiB and 4 KiB. The file's lock plays the role of the Xe VM lock and
 *   is annotated with drm_gpusvm_driver_set_lock().
 * - GPU fault (__xe_svm_handle_pagefault()): run the garbage collector so
 *   unmaps are processed first; drm_gpusvm_range_find_or_insert(); return
 *   at once when the range is still bound; drm_gpusvm_get_pages() of the
 *   whole range, whose pages are faulted with write access as for Xe's
 *   read-write mirror VMA; then bind: write the range's entries under the
 *   notifier lock after drm_gpusvm_pages_valid(), and retry the fault on
 *   -EAGAIN. A range whose CPU mappings changed meanwhile (-EFAULT, -EPERM,
 *   -EOPNOTSUPP) is retried as well, up to %BL_FAULT_RETRIES times.
 * - Invalidation (xe_svm_invalidate()): clip to the notifier, zap the whole
 *   of every bound range the event touches, wait once for the TLB, then
 *   DMA-unmap the pages of every touched range; on %MMU_NOTIFY_UNMAP mark
 *   them unmapped with drm_gpusvm_range_set_unmapped() and queue them to the
 *   garbage collector.
 * - Garbage collector (xe_svm_garbage_collector()): a worker per file, and
 *   the start of every fault, unbind and remove each queued range with
 *   drm_gpusvm_range_remove(), which also removes a notifier left empty. A
 *   range partially unmapped is destroyed whole: what is still mapped by
 *   the CPU is faulted, DMA-mapped and bound again on the next GPU access.
 *
 * - Device memory: hmm_range_fault() runs with the GPU's device-private
 *   page owner, so pages in its own VRAM and its peers' are mapped where
 *   they are and those in the VRAM of a GPU of another owner come back to
 *   system memory; a range whose pages turn out to be in several places
 *   (-EOPNOTSUPP) is evicted to system memory before the retry, as Xe's
 *   xe_svm_range_get_pages() does.
 * - Migration (xe_svm_alloc_vram(), ``vsvm.baseline_migrate``): with the
 *   parameter set, a fault of a GPU with VRAM first moves a range that may
 *   move (drm_gpusvm's migrate_devmem: anonymous memory) into that VRAM
 *   unless this GPU's pages of it already are there, as Xe does for a VMA
 *   whose preferred location is the faulting device (its default):
 *   allocate, then drm_pagemap_migrate_to_devmem() under the mmap lock
 *   with a reference on the mm, which takes the pages from system memory
 *   or directly from a peer's VRAM of the same device-private owner. Pages
 *   in the VRAM of a GPU of another owner are not collected: the move
 *   fails (-EBUSY), and hmm_range_fault() then brings them to system
 *   memory. There is no arbitration between the GPUs of the mm and no
 *   thrash control: each GPU's drm_gpusvm pulls the range to itself on its
 *   next fault. A move that fails (no room: Xe's TTM would evict, vsvm's
 *   VRAM does not) is counted and the fault goes on with the data where it
 *   is, as Xe falls back to system memory. A move that finds every page in
 *   this VRAM already moves nothing and is counted all the same. The
 *   parameter is off by default: the tests' boots with VRAM keep their
 *   baseline files' ranges where the CPU or another GPU put them.
 *
 * What it leaves out is what the virtual GPU has no use for: GPU VMAs and
 * their attributes (the attribute ioctls fail with -EOPNOTSUPP) and GPUs
 * that cannot fault, which drm_gpusvm does not support.
 *
 * The same counters as the coordinator's are kept per file; the totals of
 * the mm (the ``mgr`` counters of DRM_IOCTL_VSVM_STATS) are the sums over
 * the mm's baseline files, found on a global list.
 */

static unsigned int baseline_notifier_mb = 512;
module_param(baseline_notifier_mb, uint, 0444);
MODULE_PARM_DESC(baseline_notifier_mb,
		 "Size of a baseline drm_gpusvm notifier in MiB, a power of two (default 512, as Xe)");

static bool baseline_migrate;
module_param(baseline_migrate, bool, 0644);
MODULE_PARM_DESC(baseline_migrate,
		 "A baseline GPU with VRAM moves a range into it on fault, as Xe (default off)");

#define BL_FAULT_RETRIES	8

static const unsigned long vsvm_bl_chunks[] = { SZ_2M, SZ_64K, SZ_4K };

/**
 * struct vsvm_baseline - a GPU address space with its own drm_gpusvm
 * @gpusvm: the drm_gpusvm instance
 * @vf: the file
 * @lock: the driver lock of @gpusvm, as the Xe VM lock: held by faults, the
 *	garbage collector and teardown; taken before the mmap lock and the
 *	notifier lock
 * @gc_lock: protects @gc_list; innermost
 * @gc_list: &struct vsvm_bl_range unmapped and waiting for the collector
 * @gc_work: the garbage collector's worker
 * @link: entry in vsvm_bl_list, under vsvm_bl_list_lock
 * @stats: counters, indexed by &enum drm_svm_coord_stat
 */
struct vsvm_baseline {
	struct drm_gpusvm gpusvm;
	struct vsvm_file *vf;
	struct mutex lock;	/* see above */
	spinlock_t gc_lock;	/* see above */
	struct list_head gc_list;
	struct work_struct gc_work;
	struct list_head link;
	atomic64_t stats[DRM_SVM_COORD_STAT_NUM];
};

/**
 * struct vsvm_bl_range - a range of a baseline GPU address space
 * @base: the drm_gpusvm range
 * @pages: its pages, DMA-mapped for this GPU
 * @gc_link: entry in &vsvm_baseline.gc_list, under its @gc_lock
 * @bound: the GPU's entries of the range are written; set under the
 *	notifier lock in read mode, cleared under it in write mode or with
 *	@lock held after the range was unmapped
 */
struct vsvm_bl_range {
	struct drm_gpusvm_range base;
	struct drm_gpusvm_pages pages;
	struct list_head gc_link;
	bool bound;
};

/* Every baseline, for the totals of an mm. */
static LIST_HEAD(vsvm_bl_list);
static DEFINE_MUTEX(vsvm_bl_list_lock);

static struct vsvm_baseline *to_bl(struct drm_gpusvm *gpusvm)
{
	return container_of(gpusvm, struct vsvm_baseline, gpusvm);
}

static struct vsvm_bl_range *to_bl_range(struct drm_gpusvm_range *r)
{
	return container_of(r, struct vsvm_bl_range, base);
}

static void bl_count(struct vsvm_baseline *bl, enum drm_svm_coord_stat stat,
		     u64 n)
{
	atomic64_add(n, &bl->stats[stat]);
}

static unsigned long bl_range_npages(struct drm_gpusvm_range *r)
{
	return drm_gpusvm_range_size(r) >> PAGE_SHIFT;
}

static struct drm_gpusvm_range *bl_range_alloc(struct drm_gpusvm *gpusvm)
{
	struct vsvm_bl_range *range;

	range = kzalloc_obj(*range);
	if (!range)
		return NULL;
	INIT_LIST_HEAD(&range->gc_link);
	drm_gpusvm_init_pages(&range->pages, &to_bl(gpusvm)->vf->gpu->drm);
	bl_count(to_bl(gpusvm), DRM_SVM_COORD_STAT_RANGES, 1);
	return &range->base;
}

static void bl_range_free(struct drm_gpusvm_range *r)
{
	drm_gpusvm_free_pages(r->gpusvm, &to_bl_range(r)->pages,
			      bl_range_npages(r));
	bl_count(to_bl(r->gpusvm), DRM_SVM_COORD_STAT_RANGES_DESTROYED, 1);
	kfree(to_bl_range(r));
}

static void bl_notifier_free(struct drm_gpusvm_notifier *notifier)
{
	bl_count(to_bl(notifier->gpusvm),
		 DRM_SVM_COORD_STAT_NOTIFIERS_REMOVED, 1);
	kfree(notifier);
}

static void bl_gc_add(struct vsvm_baseline *bl, struct vsvm_bl_range *range,
		      const struct mmu_notifier_range *mmu_range)
{
	drm_gpusvm_range_set_unmapped(&range->base, &range->pages, 1,
				      mmu_range);
	spin_lock(&bl->gc_lock);
	if (list_empty(&range->gc_link))
		list_add_tail(&range->gc_link, &bl->gc_list);
	spin_unlock(&bl->gc_lock);
	queue_work(system_dfl_wq, &bl->gc_work);
}

static void bl_invalidate(struct drm_gpusvm *gpusvm,
			  struct drm_gpusvm_notifier *notifier,
			  const struct mmu_notifier_range *mmu_range)
{
	struct drm_gpusvm_ctx ctx = { .in_notifier = true, };
	struct vsvm_baseline *bl = to_bl(gpusvm);
	unsigned long start, end;
	struct drm_gpusvm_range *r, *first;
	bool zapped = false;

	lockdep_assert_held_write(&gpusvm->notifier_lock);

	/* Clip to the notifier, as Xe does. */
	start = max(drm_gpusvm_notifier_start(notifier), mmu_range->start);
	end = min(drm_gpusvm_notifier_end(notifier), mmu_range->end);
	first = drm_gpusvm_range_find(notifier, start, end);
	if (!first)
		return;
	bl_count(bl, DRM_SVM_COORD_STAT_INVALIDATIONS, 1);

	/*
	 * Zap the whole of every bound range, then wait for the TLB once
	 * before any DMA unmap, as xe_svm_invalidate() waits for its TLB
	 * invalidation fences.
	 */
	r = first;
	drm_gpusvm_for_each_range(r, notifier, start, end) {
		struct vsvm_bl_range *range = to_bl_range(r);

		if (r->flags.unmapped || !range->bound)
			continue;
		vsvm_pt_clear(bl->vf, drm_gpusvm_range_start(r),
			      drm_gpusvm_range_end(r));
		WRITE_ONCE(range->bound, false);
		bl_count(bl, DRM_SVM_COORD_STAT_ZAPS, 1);
		zapped = true;
	}
	if (zapped) {
		vsvm_pt_tlb_wait(bl->vf);
		bl_count(bl, DRM_SVM_COORD_STAT_TLB_WAITS, 1);
	}

	r = first;
	drm_gpusvm_for_each_range(r, notifier, start, end) {
		drm_gpusvm_unmap_pages(gpusvm, &to_bl_range(r)->pages,
				       bl_range_npages(r), &ctx);
		if (mmu_range->event == MMU_NOTIFY_UNMAP)
			bl_gc_add(bl, to_bl_range(r), mmu_range);
	}
}

static const struct drm_gpusvm_ops vsvm_bl_ops = {
	.notifier_free = bl_notifier_free,
	.range_alloc = bl_range_alloc,
	.range_free = bl_range_free,
	.invalidate = bl_invalidate,
};

/* Remove every unmapped range; under @lock. */
static void bl_collect(struct vsvm_baseline *bl)
{
	struct drm_gpusvm_ctx ctx = { .in_notifier = false, };
	struct vsvm_bl_range *range;

	lockdep_assert_held(&bl->lock);

	for (;;) {
		spin_lock(&bl->gc_lock);
		range = list_first_entry_or_null(&bl->gc_list,
						 struct vsvm_bl_range, gc_link);
		if (range)
			list_del_init(&range->gc_link);
		spin_unlock(&bl->gc_lock);
		if (!range)
			break;

		/*
		 * Unbind, as Xe does. The notifier that queued the range has
		 * zapped it already, and an unmapped range is never bound
		 * again, so there is normally nothing left to clear.
		 */
		if (READ_ONCE(range->bound)) {
			vsvm_pt_clear(bl->vf,
				      drm_gpusvm_range_start(&range->base),
				      drm_gpusvm_range_end(&range->base));
			WRITE_ONCE(range->bound, false);
			vsvm_pt_tlb_wait(bl->vf);
		}
		drm_gpusvm_unmap_pages(&bl->gpusvm, &range->pages,
				       bl_range_npages(&range->base), &ctx);
		drm_gpusvm_range_remove(&bl->gpusvm, &range->base);
	}
}

static void bl_gc_work(struct work_struct *work)
{
	struct vsvm_baseline *bl = container_of(work, struct vsvm_baseline,
						gc_work);

	/* Runs of the worker, as the coordinator counts its own. */
	bl_count(bl, DRM_SVM_COORD_STAT_GC_RUNS, 1);
	mutex_lock(&bl->lock);
	bl_collect(bl);
	mutex_unlock(&bl->lock);
}

/* Write the range's entries if its pages are still valid; -EAGAIN if not. */
static int bl_bind(struct vsvm_baseline *bl, struct vsvm_bl_range *range)
{
	unsigned long start = drm_gpusvm_range_start(&range->base);
	unsigned long end = drm_gpusvm_range_end(&range->base);
	int err;

	err = vsvm_pt_prepare(bl->vf, start, end);
	if (err)
		return err;

	drm_gpusvm_notifier_lock(&bl->gpusvm);
	if (!drm_gpusvm_pages_valid(&bl->gpusvm, &range->pages)) {
		err = -EAGAIN;
	} else {
		err = vsvm_pt_write(bl->vf, start, end, range->pages.dma_addr,
				    VSVM_PTE_WRITE | VSVM_PTE_COHERENT);
		if (!err) {
			WRITE_ONCE(range->bound, true);
			bl_count(bl, DRM_SVM_COORD_STAT_MAPS, 1);
		}
	}
	drm_gpusvm_notifier_unlock(&bl->gpusvm);
	return err;
}

/*
 * Move the range into this GPU's VRAM unless its pages already are there;
 * under @lock, without the mmap lock. Failures are counted, not returned:
 * the fault goes on with the data where it is.
 */
static void bl_migrate(struct vsvm_baseline *bl, struct vsvm_bl_range *range,
		       struct drm_pagemap *dpagemap)
{
	const struct drm_pagemap_migrate_details details = {};
	unsigned long start = drm_gpusvm_range_start(&range->base);
	unsigned long end = drm_gpusvm_range_end(&range->base);
	struct mm_struct *mm = bl->gpusvm.mm;
	struct drm_pagemap_devmem *devmem;
	bool here;
	int err;

	lockdep_assert_held(&bl->lock);

	if (!range->base.flags.migrate_devmem)
		return;
	drm_gpusvm_notifier_lock(&bl->gpusvm);
	here = range->pages.flags.has_devmem_pages &&
	       range->pages.dpagemap == dpagemap;
	drm_gpusvm_notifier_unlock(&bl->gpusvm);
	if (here)
		return;

	if (!mmget_not_zero(mm))
		return;
	devmem = vsvm_vram_alloc(bl->vf->gpu, mm, end - start);
	if (IS_ERR(devmem)) {
		err = PTR_ERR(devmem);
	} else {
		mmap_read_lock(mm);
		err = drm_pagemap_migrate_to_devmem(devmem, mm, start, end,
						    &details);
		mmap_read_unlock(mm);
	}
	mmput(mm);
	if (err) {
		bl_count(bl, DRM_SVM_COORD_STAT_MIGRATION_FAILURES, 1);
		return;
	}
	bl_count(bl, DRM_SVM_COORD_STAT_MIGRATIONS, 1);
	bl_count(bl, DRM_SVM_COORD_STAT_MIGRATED_PAGES,
		 (end - start) >> PAGE_SHIFT);
}

/**
 * vsvm_baseline_fault() - serve a GPU page fault the way Xe does
 * @bl: the baseline GPU address space
 * @addr: the faulting address
 * @write: the access writes (unused: the mirror is read-write, as Xe's)
 *
 * Return: 0 when the range of @addr is bound, a negative error code
 * otherwise.
 */
int vsvm_baseline_fault(struct vsvm_baseline *bl, unsigned long addr,
			bool write)
{
	struct drm_svm_coord_vm_caps caps = {};
	struct drm_gpusvm_ctx ctx = {};
	struct drm_gpusvm_range *r;
	struct vsvm_bl_range *range;
	unsigned int retries = 0;
	bool new_notifier, dma_mapped, migrate;
	int err;

	/*
	 * With VRAM, hmm_range_fault() leaves the pages of this GPU's owner
	 * (its own VRAM and its peers') where they are, as Xe's does.
	 */
	vsvm_vram_caps(bl->vf->gpu, &caps);
	ctx.device_private_page_owner = caps.pagemap_owner;
	ctx.devmem_possible = !!caps.dpagemap;
	migrate = caps.dpagemap && READ_ONCE(baseline_migrate);

	mutex_lock(&bl->lock);
	bl_count(bl, DRM_SVM_COORD_STAT_FAULTS, 1);
retry:
	/* Always process unmaps first, so the view of the ranges is current. */
	bl_collect(bl);

	new_notifier = !drm_gpusvm_notifier_find(&bl->gpusvm, addr, addr + 1);
	r = drm_gpusvm_range_find_or_insert(&bl->gpusvm, addr, 0, TASK_SIZE,
					    &ctx);
	if (IS_ERR(r)) {
		err = PTR_ERR(r);
		goto out;
	}
	if (new_notifier)
		bl_count(bl, DRM_SVM_COORD_STAT_NOTIFIERS, 1);
	range = to_bl_range(r);

	if (READ_ONCE(range->bound)) {
		err = 0;
		goto out;
	}
	if (migrate && !retries)
		bl_migrate(bl, range, caps.dpagemap);

	drm_gpusvm_notifier_lock(&bl->gpusvm);
	dma_mapped = drm_gpusvm_pages_valid(&bl->gpusvm, &range->pages);
	drm_gpusvm_notifier_unlock(&bl->gpusvm);
	if (!dma_mapped) {
		bl_count(bl, DRM_SVM_COORD_STAT_HMM_FAULTS, 1);
		bl_count(bl, DRM_SVM_COORD_STAT_HMM_PAGES, bl_range_npages(r));
	}
	err = drm_gpusvm_get_pages(&bl->gpusvm, &range->pages, bl->gpusvm.mm,
				   &r->notifier->notifier,
				   drm_gpusvm_range_start(r),
				   drm_gpusvm_range_end(r), &ctx);
	if (err == -EOPNOTSUPP || err == -EFAULT || err == -EPERM) {
		/* The CPU mappings changed under the range. */
		if (err == -EOPNOTSUPP)
			drm_gpusvm_range_evict(&bl->gpusvm, r);
		if (++retries <= BL_FAULT_RETRIES) {
			bl_count(bl, DRM_SVM_COORD_STAT_RETRIES, 1);
			goto retry;
		}
	}
	if (err)
		goto out;
	if (!dma_mapped)
		bl_count(bl, DRM_SVM_COORD_STAT_DMA_MAPS, 1);

	err = bl_bind(bl, range);
	if (err == -EAGAIN && ++retries <= BL_FAULT_RETRIES) {
		bl_count(bl, DRM_SVM_COORD_STAT_RETRIES, 1);
		goto retry;
	}
out:
	mutex_unlock(&bl->lock);
	return err;
}

/**
 * vsvm_baseline_create() - give a GPU address space its own drm_gpusvm
 * @vf: the file
 * @mm: the mm to mirror, the caller's
 *
 * Return: the baseline, or an ERR_PTR().
 */
struct vsvm_baseline *vsvm_baseline_create(struct vsvm_file *vf,
					   struct mm_struct *mm)
{
	struct vsvm_baseline *bl;
	int err;

	if (!is_power_of_2(baseline_notifier_mb))
		return ERR_PTR(-EINVAL);
	bl = kzalloc_obj(*bl);
	if (!bl)
		return ERR_PTR(-ENOMEM);
	bl->vf = vf;
	mutex_init(&bl->lock);
	spin_lock_init(&bl->gc_lock);
	INIT_LIST_HEAD(&bl->gc_list);
	INIT_WORK(&bl->gc_work, bl_gc_work);

	err = drm_gpusvm_init(&bl->gpusvm, "vsvm baseline", mm, 0, TASK_SIZE,
			      (unsigned long)baseline_notifier_mb * SZ_1M,
			      &vsvm_bl_ops, vsvm_bl_chunks,
			      ARRAY_SIZE(vsvm_bl_chunks));
	if (err) {
		mutex_destroy(&bl->lock);
		kfree(bl);
		return ERR_PTR(err);
	}
	drm_gpusvm_driver_set_lock(&bl->gpusvm, &bl->lock);

	mutex_lock(&vsvm_bl_list_lock);
	list_add_tail(&bl->link, &vsvm_bl_list);
	mutex_unlock(&vsvm_bl_list_lock);
	return bl;
}

/**
 * vsvm_baseline_destroy() - tear a baseline down, as xe_svm_close() and
 * xe_svm_fini() do
 * @bl: the baseline
 */
void vsvm_baseline_destroy(struct vsvm_baseline *bl)
{
	struct drm_gpusvm_ctx ctx = { .in_notifier = false, };
	struct drm_gpusvm_notifier *notifier, *next;

	mutex_lock(&vsvm_bl_list_lock);
	list_del(&bl->link);
	mutex_unlock(&vsvm_bl_list_lock);

	disable_work_sync(&bl->gc_work);
	mutex_lock(&bl->lock);
	drm_gpusvm_for_each_notifier_safe(notifier, next, &bl->gpusvm, 0,
					  LONG_MAX) {
		struct drm_gpusvm_range *r, *rnext;

		drm_gpusvm_for_each_range_safe(r, rnext, notifier, 0, LONG_MAX)
			drm_gpusvm_unmap_pages(&bl->gpusvm,
					       &to_bl_range(r)->pages,
					       bl_range_npages(r), &ctx);
	}
	drm_gpusvm_fini(&bl->gpusvm);
	mutex_unlock(&bl->lock);
	mutex_destroy(&bl->lock);
	kfree(bl);
}

/**
 * vsvm_baseline_stats() - read the counters of a baseline
 * @bl: the baseline
 * @mm_total: out: the sums over every baseline of @bl's mm
 * @own: out: @bl's counters
 * @num: entries of @mm_total and @own; those past the counters are zeroed
 * @flush: first wait until the garbage collectors of the mm are idle
 * @reset: zero the counters of every baseline of the mm after reading
 */
void vsvm_baseline_stats(struct vsvm_baseline *bl, u64 *mm_total, u64 *own,
			 unsigned int num, bool flush, bool reset)
{
	struct mm_struct *mm = bl->gpusvm.mm;
	struct vsvm_baseline *it;
	unsigned int i;

	memset(mm_total, 0, num * sizeof(*mm_total));
	memset(own, 0, num * sizeof(*own));
	num = min_t(unsigned int, num, DRM_SVM_COORD_STAT_NUM);

	mutex_lock(&vsvm_bl_list_lock);
	list_for_each_entry(it, &vsvm_bl_list, link) {
		if (it->gpusvm.mm != mm)
			continue;
		if (flush)
			flush_work(&it->gc_work);
		for (i = 0; i < num; i++)
			mm_total[i] += atomic64_read(&it->stats[i]);
	}
	for (i = 0; i < num; i++)
		own[i] = atomic64_read(&bl->stats[i]);
	if (reset) {
		list_for_each_entry(it, &vsvm_bl_list, link) {
			if (it->gpusvm.mm != mm)
				continue;
			for (i = 0; i < DRM_SVM_COORD_STAT_NUM; i++)
				atomic64_set(&it->stats[i], 0);
		}
	}
	mutex_unlock(&vsvm_bl_list_lock);
}
