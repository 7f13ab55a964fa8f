// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/error-injection.h>
#include <linux/export.h>
#include <linux/hmm.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "drm_svm_coord_priv.h"

/**
 * DOC: Fault path
 *
 * drm_svm_coord_handle_fault() serves one GPU's fault; drm_svm_coord_map()
 * does the same for every range of an address range, for GPUs that map
 * ahead of use. With the manager lock held for reading:
 *
 * 1. The VMA is looked up under the mmap lock (bounds, writability) and
 *    the attributes at the address are read: a GPU with
 *    %DRM_SVM_COORD_ATTR_NO_ACCESS gets -EPERM, and so does a write to a
 *    read-only VMA or to a range with %DRM_SVM_COORD_FLAG_GPU_RO.
 * 2. The range is found or created, and its mutex taken. GPUs that fault
 *    on the same range at the same time queue on that mutex.
 * 3. When a GPU with VRAM is attached, the residency policy decides where
 *    the data should be for this GPU, and it is moved there first (see
 *    Placement and Migration).
 * 4. Unless the range's pages from an earlier fault are still current
 *    (their notifier sequence did not move), hmm_range_fault() runs once,
 *    for writing when the VMA allows it, and the result is kept. Device
 *    pages are handed out as they are to GPUs sharing the faulting GPU's
 *    device-private page owner, other device pages come back to RAM. A
 *    write fault (or a map for a GPU that cannot fault) that gets
 *    read-only device pages breaks copy-on-write through system memory
 *    (see Invalidation) and starts over.
 * 4a. A range that reaches beyond the VMA of the address (the CPU unmapped,
 *    remapped or split part of it and the notifier has not told yet, or
 *    does not tell) is retired, GPUs that cannot fault and mapped it are
 *    restored, and the fault starts over with a range that fits the VMA.
 *    The same happens when hmm_range_fault() fails with -EFAULT because
 *    the VMA changed after it was looked up. When a readable VMA holds
 *    the range after such -EFAULT (munmap() then mmap() at the same
 *    place, mprotect() there and back), the fault starts over as well, up
 *    to three times; a failure that stays is -EIO when the VMA is
 *    anonymous and the data was in device memory (the copy out of it
 *    failed), -EFAULT otherwise.
 * 5. The pages are DMA-mapped for the GPU (drm_gpusvm_map_pages()): one
 *    hmm_range_fault() serves every GPU, DMA mapping stays per device.
 * 6. The backend prepares its page tables (&drm_svm_coord_ops.prepare),
 *    then, under the notifier lock held for reading and after checking the
 *    notifier sequence once more, writes the entries
 *    (&drm_svm_coord_ops.map). A race with an invalidation anywhere in
 *    these steps restarts from step 3 (counted as a retry); the mmap lock
 *    is never held across a backend call.
 *
 * Retries are bounded by time without progress and by moves. One
 * validation gives up with -EBUSY when it must start over
 * %HMM_RANGE_DEFAULT_TIMEOUT after it began or after the last move it
 * made, or after it moved the data %COORD_VALIDATE_MOVES times. A move is
 * the fault's own work (a migration the placement asked for, a
 * copy-on-write break through system memory), not a race: on a slow copy
 * engine one move may take longer than the whole budget, and a write
 * fault on pages shared after fork() makes three (into VRAM, through
 * system memory, back), so a budget counted from the start would fail a
 * fault that was making its way.
 *
 * hmm_range_fault_unlocked_timeout() has a budget of the same kind,
 * restarted only when a fault dropped the mmap lock: a walk whose own
 * faults (copy-on-write breaks, device pages brought back by the CPU fault
 * path, each of which invalidates the range the walk reads) take longer
 * than it fails with -EBUSY. It is called again, up to %COORD_HMM_TRIES
 * times in all, when the walk that failed completed faults, which the
 * calling task's fault counters tell (handle_mm_fault() accounts hmm's
 * faults to the caller). The counters also count a fault that found the
 * page present, or brought back one a racer had just zapped: a walk that
 * only races with such zaps may spend %COORD_HMM_TRIES budgets, never
 * more; one that races with invalidations alone spends one.
 *
 * So a fault that only meets races gives up after about a second, up to
 * %COORD_HMM_TRIES seconds per walk when racers zap pages it faults back,
 * and one that moves data runs for as long as its moves take, at most
 * %COORD_VALIDATE_MOVES of them, each followed by a fresh budget. All of
 * it under the manager lock held for reading and the range's mutex, as
 * any fault.
 */

/* Moves after which a validation that must start over gives up. */
#define COORD_VALIDATE_MOVES	4
/* Calls of hmm_range_fault_unlocked_timeout() for one walk, at most. */
#define COORD_HMM_TRIES		4

/* When a retry budget that starts now runs out. */
static unsigned long coord_deadline(void)
{
	return jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
}

/* Faults the calling task completed, hmm_range_fault()'s included. */
static unsigned long coord_task_faults(void)
{
	return current->min_flt + current->maj_flt;
}

/*
 * hmm_range_fault_unlocked_timeout() with %HMM_RANGE_DEFAULT_TIMEOUT,
 * called again when it gave up after completing faults (see Fault path).
 */
static int coord_hmm_range_fault(struct hmm_range *hmm_range)
{
	unsigned int tries = 0;
	unsigned long faults;
	int err;

	do {
		faults = coord_task_faults();
		err = hmm_range_fault_unlocked_timeout(hmm_range,
						       msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT));
	} while (err == -EBUSY && coord_task_faults() != faults &&
		 ++tries < COORD_HMM_TRIES && !fatal_signal_pending(current));
	return err;
}

/**
 * drm_svm_coord_range_pfns_alloc() - give a range its array of pfns
 * @range: the range
 *
 * Return: 0, or -ENOMEM.
 */
noinline int drm_svm_coord_range_pfns_alloc(struct drm_svm_coord_range *range)
{
	if (!range->pfns)
		range->pfns = kvmalloc_array(drm_svm_coord_range_npages(range),
					     sizeof(*range->pfns), GFP_KERNEL);
	return range->pfns ? 0 : -ENOMEM;
}
ALLOW_ERROR_INJECTION(drm_svm_coord_range_pfns_alloc, ERRNO);

/* Whether the CPU lets every page of @pfns be written. */
static bool coord_pfns_writable(const unsigned long *pfns, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		if ((pfns[i] & HMM_PFN_VALID) && !(pfns[i] & HMM_PFN_WRITE))
			return false;
	return true;
}

/**
 * drm_svm_coord_range_fault_pages() - fault a range's pages for all GPUs
 * @svm: the manager
 * @range: the range
 * @owner: the device-private page owner to fault with, or NULL to bring
 *	device pages to system memory
 * @write: fault for writing
 * @seq: out: the notifier sequence the pages are current for
 *
 * Step 4 of the fault path: runs hmm_range_fault() unless the pages kept
 * from an earlier fault are current for @owner and @write. Under @range's
 * validate_lock.
 *
 * Return: 0, or an error of hmm_range_fault().
 */
noinline int
drm_svm_coord_range_fault_pages(struct drm_svm_coord *svm,
				struct drm_svm_coord_range *range, void *owner,
				bool write, unsigned long *seq)
{
	struct drm_svm_coord_notifier *n = range->notifier;
	struct hmm_range hmm_range = {
		.notifier = &n->mn,
		.start = drm_svm_coord_range_start(range),
		.end = drm_svm_coord_range_end(range),
		.dev_private_owner = owner,
	};
	int err;

	lockdep_assert_held(&range->validate_lock);

	/* Pages in VRAM were handed out for the owner they were faulted for. */
	if (range->pfns_valid && (range->pfns_write || !write) &&
	    (range->pfns_owner == owner ||
	     range->loc == DRM_SVM_COORD_LOC_SYSMEM) &&
	    !mmu_interval_read_retry(&n->mn, range->pfns_seq)) {
		*seq = range->pfns_seq;
		return 0;
	}

	err = drm_svm_coord_range_pfns_alloc(range);
	if (err)
		return err;
	range->pfns_valid = false;
	hmm_range.hmm_pfns = range->pfns;
	hmm_range.default_flags = HMM_PFN_REQ_FAULT |
				  (write ? HMM_PFN_REQ_WRITE : 0);

	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_HMM_FAULTS, 1);
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_HMM_PAGES,
			    drm_svm_coord_range_npages(range));
	err = coord_hmm_range_fault(&hmm_range);
	if (err)
		return err;

	range->pfns_seq = hmm_range.notifier_seq;
	/* Device pages come as they are: read-only when shared after fork(). */
	range->pfns_write = write && coord_pfns_writable(range->pfns,
							 drm_svm_coord_range_npages(range));
	range->pfns_owner = owner;
	range->pfns_valid = true;
	*seq = range->pfns_seq;
	return 0;
}
ALLOW_ERROR_INJECTION(drm_svm_coord_range_fault_pages, ERRNO);

static noinline struct drm_gpusvm_pages *
coord_range_pages(struct drm_svm_coord *svm, struct drm_svm_coord_range *range,
		  struct drm_svm_coord_vm *vm)
{
	struct drm_gpusvm_pages *pages = range->pages[vm->index];

	if (pages)
		return pages;
	pages = kmalloc_obj(*pages);
	if (!pages)
		return NULL;
	drm_gpusvm_init_pages(pages, vm->drm);
	drm_svm_coord_notifier_lock_write(svm);
	range->pages[vm->index] = pages;
	drm_svm_coord_notifier_unlock_write(svm);
	return pages;
}
ALLOW_ERROR_INJECTION(coord_range_pages, NULL);

/* The map flags the attributes of a range ask for. */
static u32 coord_map_flags(u32 attr_flags, bool writable)
{
	u32 flags = 0;

	if (!writable)
		flags |= DRM_SVM_COORD_MAP_READ_ONLY;
	if (attr_flags & DRM_SVM_COORD_FLAG_GPU_EXEC)
		flags |= DRM_SVM_COORD_MAP_EXEC;
	if (attr_flags & DRM_SVM_COORD_FLAG_COHERENT)
		flags |= DRM_SVM_COORD_MAP_COHERENT;
	return flags;
}

/*
 * A failed upgrade may have left the read-only entries or none: zap them,
 * so that the GPU's entries and its mapped bit agree again.
 */
static void coord_range_upgrade_failed(struct drm_svm_coord *svm,
				       struct drm_svm_coord_range *range,
				       struct drm_svm_coord_vm *vm)
{
	u64 wait;

	drm_svm_coord_notifier_lock_write(svm);
	wait = drm_svm_coord_range_zap_vm(svm, range, vm);
	drm_svm_coord_tlb_wait(svm, wait);
	drm_svm_coord_notifier_unlock_write(svm);
}

/*
 * Steps 5 and 6 of the fault path for one GPU, under @seq, with the
 * attribute flags @attr_flags of the range.
 */
static int coord_range_map_vm(struct drm_svm_coord *svm,
			      struct drm_svm_coord_range *range,
			      struct drm_svm_coord_vm *vm, unsigned long seq,
			      u32 attr_flags)
{
	struct drm_svm_coord_notifier *n = range->notifier;
	unsigned long start = drm_svm_coord_range_start(range);
	unsigned long end = drm_svm_coord_range_end(range);
	const struct drm_gpusvm_ctx ctx = {
		.read_only = !range->pfns_write,
		.allow_mixed = true,
	};
	bool writable = range->pfns_write &&
			!(attr_flags & DRM_SVM_COORD_FLAG_GPU_RO);
	struct drm_svm_coord_map_args args = {
		.start = start,
		.end = end,
		.flags = coord_map_flags(attr_flags, writable),
	};
	struct drm_gpusvm_pages *pages;
	u64 bit = BIT_ULL(vm->index);
	bool dma_mapped, fresh;
	int err;

	lockdep_assert_held(&range->validate_lock);

	pages = coord_range_pages(svm, range, vm);
	if (!pages)
		return -ENOMEM;
	dma_mapped = pages->flags.has_dma_mapping;
	err = drm_gpusvm_map_pages(&svm->gpusvm, pages, &n->mn, seq,
				   range->pfns, start, end, &ctx);
	if (err)
		return err;
	if (!dma_mapped)
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_DMA_MAPS, 1);

	if (vm->ops->prepare) {
		/* May allocate with GFP_KERNEL: neither lock reclaim needs. */
		lockdep_assert_not_held(&svm->gpusvm.notifier_lock);
		lockdep_assert_not_held(&drm_svm_coord_mm(svm)->mmap_lock);
		err = vm->ops->prepare(vm, start, end);
		if (err)
			return err;
	}

	drm_svm_coord_notifier_lock_read(svm);
	fresh = !mmu_interval_read_retry(&n->mn, seq);
	/*
	 * Pages read after the last invalidation, in the location the caller
	 * checked them against: it is no guess any more (see Eviction).
	 */
	if (fresh)
		range->loc_stale = false;
	if (!fresh) {
		err = -EAGAIN;
	} else if (range->unmapped || range->holes) {
		/*
		 * Pages left the range while it was faulted: the GPUs lost
		 * their entries for them, and this one must not get any. The
		 * range is split (or retired) before it is mapped again.
		 */
		err = -EAGAIN;
	} else if (range->unzap & bit) {
		/* Entries an unmap failed to clear: the restore worker first. */
		err = -EBUSY;
	} else if (!(range->mapped & bit) ||
		   (writable && !(range->writable & bit))) {
		/* The current pages, never more than the CPU allows. */
		VM_WARN_ON_ONCE(!range->pfns_valid || range->pfns_seq != seq);
		VM_WARN_ON_ONCE(writable &&
				!coord_pfns_writable(range->pfns,
						     drm_svm_coord_range_npages(range)));
		args.dma = pages->dma_addr;
		if (pages->flags.has_devmem_pages)
			args.flags |= DRM_SVM_COORD_MAP_DEVMEM;
		/* Read-only entries made writable: see DRM_SVM_COORD_MAP_UPGRADE. */
		if (range->mapped & bit)
			args.flags |= DRM_SVM_COORD_MAP_UPGRADE;
		lockdep_assert_held_read(&svm->gpusvm.notifier_lock);
		err = vm->ops->map(vm, &args);
		if (!err) {
			range->mapped |= bit;
			if (writable)
				range->writable |= bit;
			drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_MAPS,
					    1);
			if (range->loc != DRM_SVM_COORD_LOC_SYSMEM &&
			    range->loc != vm->index)
				drm_svm_coord_count(svm, vm,
						    DRM_SVM_COORD_STAT_REMOTE_MAPS,
						    1);
		}
	}
	drm_svm_coord_notifier_unlock_read(svm);
	if (err && (args.flags & DRM_SVM_COORD_MAP_UPGRADE))
		coord_range_upgrade_failed(svm, range, vm);
	return err;
}

/*
 * Make @range usable by @vm: fault once for all GPUs, map for @vm; for a
 * @restore, where the data is when @vm reaches it (see Restore). @devmem
 * tells whether the data was in device memory, as the placement found it,
 * when the pages were last faulted.
 */
static int coord_range_validate(struct drm_svm_coord *svm,
				struct drm_svm_coord_range *range,
				struct drm_svm_coord_vm *vm,
				const struct drm_svm_coord_where *w, bool want_write,
				bool restore, bool *devmem)
{
	u64 bit = BIT_ULL(vm->index);
	unsigned long deadline = coord_deadline();
	bool gpu_ro = w->attrs.flags & DRM_SVM_COORD_FLAG_GPU_RO;
	bool write = w->vma_write && !gpu_ro;
	unsigned long seq;
	u32 first, last;
	int err;

	*devmem = false;
	mutex_lock(&range->validate_lock);
	/* Moves are made and counted under the mutex (see Fault path). */
	first = range->moves;
	last = first;
	for (;;) {
		bool mapped, stale;

		drm_svm_coord_notifier_lock_read(svm);
		if (range->unmapped || range->holes) {
			drm_svm_coord_notifier_unlock_read(svm);
			err = -EAGAIN;	/* look the range up again */
			break;
		}
		/* Nothing to do when the GPU has the entries it needs. */
		mapped = (range->mapped & bit) &&
			 (!want_write || (range->writable & bit));
		stale = range->loc_stale;
		drm_svm_coord_notifier_unlock_read(svm);
		if (mapped) {
			err = 0;
			break;
		}
		if (svm->vram) {
			/* Moved behind the manager's back? Look (see Eviction). */
			if (stale)
				drm_svm_coord_range_set_loc(svm, range,
							    DRM_SVM_COORD_LOC_UNDEFINED);
			err = drm_svm_coord_range_place(svm, range, vm, w,
							DRM_SVM_COORD_LOC_UNDEFINED,
							restore);
			if (err)
				break;
		}
		*devmem = range->loc < DRM_SVM_COORD_MAX_VMS ||
			  range->loc == DRM_SVM_COORD_LOC_MIXED;
		err = drm_svm_coord_range_fault_pages(svm, range, vm->caps.pagemap_owner,
						      write, &seq);
		if (err == -EPERM && write) {
			/* The range reaches into a read-only VMA. */
			write = false;
			continue;
		}
		if (!err && write && !range->pfns_write &&
		    (want_write || !drm_svm_coord_vm_can_fault(vm))) {
			/* Read-only device pages: see Invalidation. */
			*devmem = true;
			err = drm_svm_coord_range_break_cow(svm, range, vm);
		} else if (!err && svm->vram) {
			u32 loc = drm_svm_coord_pfns_location(svm, range);

			/* Not where the decision assumed: decide again. */
			if (loc != range->loc) {
				drm_svm_coord_range_set_loc(svm, range, loc);
				err = -EAGAIN;
			}
			if (loc == DRM_SVM_COORD_LOC_MIXED) {
				*devmem = true;
				err = drm_svm_coord_range_to_ram(svm, range, false) ?: -EAGAIN;
			}
		} else if (!err && range->loc != DRM_SVM_COORD_LOC_SYSMEM) {
			/* The GPUs with VRAM left, their data went home. */
			drm_svm_coord_range_set_loc(svm, range, DRM_SVM_COORD_LOC_SYSMEM);
		}
		if (!err)
			err = coord_range_map_vm(svm, range, vm, seq,
						 w->attrs.flags);
		if (!err)
			drm_svm_coord_range_touch(svm, range);
		if (err != -EAGAIN)
			break;
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_RETRIES, 1);
		if (range->moves != last) {
			/* The fault's own work, no race: a new budget. */
			last = range->moves;
			deadline = coord_deadline();
		}
		if (last - first >= COORD_VALIDATE_MOVES ||
		    time_after(jiffies, deadline)) {
			err = -EBUSY;
			break;
		}
	}
	mutex_unlock(&range->validate_lock);
	return err;
}

/*
 * Map the range holding @addr for @vm. Returns in @end the end of the
 * range, or on -EFAULT and -EPERM where a walk over a span goes on: the
 * next VMA after a hole, the end of a VMA the GPU may not read, the end of
 * the attribute interval the GPU may not access within the 2 MiB window
 * of the address. Called with the manager
 * lock held for reading and a reference on the mm.
 */
static int coord_map_one(struct drm_svm_coord_vm *vm, unsigned long addr,
			 bool write, bool restore, unsigned long *end)
{
	struct drm_svm_coord *svm = vm->svm;
	struct drm_svm_coord_range *range;
	struct drm_svm_coord_where w;
	unsigned int stale = 0, moved = 0, vanished = 0;
	bool devmem = false;
	int err;

	lockdep_assert_held(&svm->lock);

	do {
		*end = addr + PAGE_SIZE;
		err = drm_svm_coord_where_is(svm, addr, &w);
		if (err) {
			*end = drm_svm_coord_next_vma(svm, addr);
			return err;
		}
		if (!w.vma_read) {	/* PROT_NONE, as hmm_range_fault() says */
			*end = w.vma_end;
			return -EFAULT;
		}
		/* Denied by the attributes, or kept by the GPU for itself. */
		if ((w.attrs.no_access | w.reserved) & BIT_ULL(vm->index)) {
			*end = w.hi;
			return -EPERM;
		}
		if (write && (!w.vma_write ||
			      (w.attrs.flags & DRM_SVM_COORD_FLAG_GPU_RO)))
			return -EPERM;

		mutex_lock(&svm->tree_lock);
		range = drm_svm_coord_range_find_or_create(svm, &w, addr);
		mutex_unlock(&svm->tree_lock);
		if (IS_ERR(range)) {
			err = PTR_ERR(range);
			/* -EAGAIN: the VMA changed; not forever. */
			if (err == -EAGAIN && ++moved > 64)
				return -EBUSY;
			continue;
		}

		err = coord_range_validate(svm, range, vm, &w, write, restore,
					   &devmem);
		*end = drm_svm_coord_range_end(range);
		if (err == -EFAULT && !drm_svm_coord_where_is(svm, addr, &w)) {
			/*
			 * The VMA changed after drm_svm_coord_where_is() (see
			 * Fault path, 4a): the next lookup retires the range
			 * that no longer fits it.
			 */
			if (!drm_svm_coord_range_within(range, w.lo, w.hi)) {
				if (stale++ < 3)
					err = -EAGAIN;
			} else if (w.vma_read && vanished++ < 3) {
				/*
				 * A VMA that may be read holds the range now:
				 * it may not have while the pages were faulted
				 * (munmap() then mmap(), mprotect() there and
				 * back), and a copy out of device memory may
				 * fail once. Try again.
				 */
				err = -EAGAIN;
			} else if (devmem && w.vma_anon && w.vma_read) {
				/*
				 * The VMA holds the range and may be read, yet
				 * its data, in device memory, could not be
				 * faulted, again and again: drm_pagemap's
				 * migrate_to_ram answers a failed copy with
				 * VM_FAULT_SIGBUS, which hmm_range_fault()
				 * returns as -EFAULT. Not "no VMA here", which a
				 * walk over a span skips (see Restore): an I/O
				 * error, worth another try later.
				 */
				err = -EIO;
			}
		}
		drm_svm_coord_range_put(range);
	} while (err == -EAGAIN);

	return err;
}

/**
 * drm_svm_coord_map_span() - map what a GPU may map of some addresses
 * @vm: the GPU
 * @start: first address, page aligned
 * @end: end address (exclusive), page aligned
 * @restore: the restore worker maps again what an invalidation took: the
 *	data is mapped where it is when @vm reaches it (see Restore)
 *
 * Maps every range of [@start, @end) for @vm, faulting the pages in, and
 * skips the pages that no VMA covers or the GPU may not access. Called
 * with the manager lock held for reading and a reference on the mm.
 *
 * Return: 0, or the first other error of the fault path.
 */
int drm_svm_coord_map_span(struct drm_svm_coord_vm *vm,
			   unsigned long start, unsigned long end, bool restore)
{
	unsigned long addr, next;
	int err;

	lockdep_assert_held(&vm->svm->lock);

	for (addr = start; addr < end; addr = max(next, addr + PAGE_SIZE)) {
		err = coord_map_one(vm, addr, false, restore, &next);
		if (err && err != -EFAULT && err != -EPERM)
			return err;
		cond_resched();
	}
	return 0;
}

/* Enter the fault path: pin the mm and take the manager lock. */
static int coord_fault_enter(struct drm_svm_coord *svm)
{
	lockdep_assert_not_held(&drm_svm_coord_mm(svm)->mmap_lock);

	if (!mmget_not_zero(drm_svm_coord_mm(svm)))
		return -EFAULT;
	down_read(&svm->lock);
	if (READ_ONCE(svm->dead)) {
		up_read(&svm->lock);
		mmput(drm_svm_coord_mm(svm));
		return -EFAULT;
	}
	return 0;
}

static void coord_fault_exit(struct drm_svm_coord *svm)
{
	up_read(&svm->lock);
	mmput(drm_svm_coord_mm(svm));
}

/**
 * drm_svm_coord_handle_fault() - serve a GPU page fault
 * @vm: the faulting GPU
 * @addr: the faulting address
 * @write: the access was a write
 *
 * Finds or creates the range holding @addr, faults its pages once for all
 * GPUs unless they are current, DMA-maps them for @vm and writes its
 * page-table entries through &drm_svm_coord_ops.map, writable when the VMA
 * and the attributes allow it. See Fault path. Must be called without the
 * mmap lock held, from process or worker context. @vm must stay attached
 * until the call returns: the caller holds whatever keeps its GPU VM from
 * being destroyed (a file reference for an ioctl, the VM's reference for a
 * fault worker that looked it up by PASID), since drm_svm_coord_detach()
 * frees @vm.
 *
 * Return: 0 when the GPU can retry the access; -EPERM when the attributes
 * deny the GPU access, when the GPU reserved the address for itself
 * (drm_svm_coord_reserve()), or for a write to a read-only VMA or range;
 * -EFAULT when @addr is not mapped by the CPU or the mm is exiting;
 * -EIO when the data could not be copied out of device memory in four
 * tries (the CPU would get SIGBUS there); -EBUSY when invalidations kept
 * racing for too long or the data kept moving (see Fault path); -ENOMEM,
 * or another error of hmm_range_fault(), the DMA mapping or the backend.
 */
int drm_svm_coord_handle_fault(struct drm_svm_coord_vm *vm,
			       unsigned long addr, bool write)
{
	struct drm_svm_coord *svm = vm->svm;
	unsigned long end;
	int err;

	err = coord_fault_enter(svm);
	if (err)
		return err;
	drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_FAULTS, 1);
	err = coord_map_one(vm, PAGE_ALIGN_DOWN(addr), write, false, &end);
	coord_fault_exit(svm);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_handle_fault);

/**
 * drm_svm_coord_map() - map addresses for a GPU ahead of use
 * @vm: the GPU
 * @start: first address, page aligned
 * @size: size in bytes, page aligned, not zero
 *
 * Does what drm_svm_coord_handle_fault() does, for every range of the
 * addresses, mapping them writable where the VMA and the attributes allow.
 * Stops at the first error; what was mapped stays mapped.
 *
 * Return: 0; -EINVAL for a malformed range; otherwise as
 * drm_svm_coord_handle_fault(), where a read fault would fail.
 */
int drm_svm_coord_map(struct drm_svm_coord_vm *vm, unsigned long start,
		      unsigned long size)
{
	struct drm_svm_coord *svm = vm->svm;
	unsigned long addr, end, first, last;
	int err;

	err = drm_svm_coord_pages(svm, start, size, &first, &last);
	if (err)
		return err;

	err = coord_fault_enter(svm);
	if (err)
		return err;
	for (addr = start; addr < start + size; addr = end) {
		err = coord_map_one(vm, addr, false, false, &end);
		if (err)
			break;
	}
	drm_svm_coord_map_sync(vm);
	coord_fault_exit(svm);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_map);
