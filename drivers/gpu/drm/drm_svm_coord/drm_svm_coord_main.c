// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/error-injection.h>
#include <linux/export.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include <drm/drm_pagemap.h>

#include <kunit/visibility.h>

#include "drm_svm_coord_priv.h"

/**
 * DOC: Overview
 *
 * The multi-GPU SVM coordinator keeps one shared virtual memory manager per
 * process address space (&struct mm_struct) for every GPU that process uses.
 * Where each GPU would otherwise keep its own &struct drm_gpusvm, with its
 * own MMU interval notifiers, its own hmm_range_fault() of the same pages
 * and its own attributes, the coordinator owns one notifier per range, one
 * hmm_range_fault() per range whose result is DMA-mapped for every GPU that
 * needs it, and one attribute tree. GPU drivers attach through a table of
 * backend operations (&struct drm_svm_coord_ops) for page-table updates,
 * TLB flushes, and queue quiesce and resume; VRAM and the copy engine come
 * through the GPU's &struct drm_pagemap.
 *
 * The manager is the mm's &struct mmu_notifier singleton, found or created
 * by mmu_notifier_get(): every device and file of a process that attaches
 * shares it, and its reference count is the notifier's. It is freed after
 * the last drm_svm_coord_put(), or drm_svm_coord_detach() of the last GPU.
 * A fork()ed child or an exec()ed program has a new mm, so it gets a new
 * manager when it attaches. When the mm exits, the manager stops accepting
 * attachments; the GPUs still attached keep it until they detach.
 *
 * A driver attaches one &struct drm_svm_coord_vm per GPU page table that
 * mirrors the mm (typically per GPU VM), with drm_svm_coord_attach(). Each
 * gets an index, 0 to %DRM_SVM_COORD_MAX_VMS - 1, that names it in
 * attributes and in the GPU bitmaps of the API.
 */

/**
 * DOC: Locking
 *
 * &drm_svm_coord.lock (rw_semaphore) protects the set of attached GPUs and
 * the attribute tree. Writers: drm_svm_coord_attach(),
 * drm_svm_coord_detach(), drm_svm_coord_set_attr(); readers: the
 * attribute queries. It is taken outside the mmap lock: code holding it may
 * take the mmap lock (to fault pages in), and it is never taken with the
 * mmap lock held, nor from an MMU notifier callback or reclaim, so memory
 * is allocated under it with GFP_KERNEL. Lockdep is taught both orders when
 * a manager is looked up, and the entry points assert that the mmap lock is
 * not held.
 *
 * &drm_svm_coord.dead is set by the mm's release callback without the lock
 * and read under it.
 *
 * The attribute tree does no locking of its own: every access goes through
 * the manager, which asserts the lock.
 *
 * GPU faults and map requests hold &drm_svm_coord.lock for reading, so
 * attach, detach and attribute changes wait for them, and they see stable
 * attributes and GPUs. A range that left the tree keeps the pages structs
 * of every GPU that mapped it until its last reference goes, and detach
 * must reach them all: references are held under the lock (or under the
 * tree lock, by the garbage collector), except the restore list's, which
 * detach walks.
 *
 * &drm_svm_coord.tree_lock (mutex) serializes changes to the notifiers
 * and to their range trees: creating a range or a notifier, retiring a
 * range. It is taken under &drm_svm_coord.lock and outside the mmap lock
 * (mmu_interval_notifier_insert() may take the mmap lock).
 *
 * &drm_svm_coord_range.validate_lock (mutex) serializes the validation of one
 * range: the residency decision, the migration (which takes the mmap lock
 * for drm_pagemap_migrate_to_devmem()), hmm_range_fault() (which takes the
 * mmap lock) and the DMA mapping run under it, as do the range's location
 * and thrash state. It nests inside the tree lock when a range is retired,
 * and is never taken while waiting for the tree lock.
 *
 * The notifier lock is the rw_semaphore of the manager's pages-only
 * &drm_gpusvm (&drm_gpusvm.notifier_lock): taken for writing by the MMU
 * notifier callbacks, so below the mmap lock and inside reclaim; taken for
 * reading around &drm_svm_coord_ops.map after the notifier sequence check.
 * Range tree insertions and removals, the mapped masks and the per-GPU
 * pages change under it (see &struct drm_svm_coord_range). No allocation
 * that can reclaim happens under it.
 *
 * It is also what keeps GPU entries safe (see Invalidation): entries are
 * written under it, after the notifier sequence check and only for a range
 * that is not unmapped and has no holes, with the permission each page
 * has; the notifier marks holes and unmaps under it, zapping the part on
 * every GPU of the mapped mask, and waits for the TLBs and DMA-unmaps
 * before it returns. So a GPU entry exists only for a page of a live range,
 * with no more permission than the CPU's, and none outlives the page it
 * maps.
 *
 * The order is therefore: &drm_svm_coord.lock, tree lock,
 * &drm_svm_coord_range.validate_lock, mmap lock, notifier lock. The
 * backend's @unmap and @tlb_flush_wait run under the notifier lock held
 * for writing; @map under it for reading; @prepare and @devmem_alloc
 * under the manager lock and the range's mutex only.
 *
 * A GPU's bit in a range's mapped mask keeps &drm_svm_coord.vms of that
 * GPU valid for the notifier callbacks: detach clears the GPU's bits under
 * the notifier lock and waits for invalidations in flight before the GPU
 * is forgotten.
 *
 * The notifier lock, held for writing, also protects the lists of the two
 * workers (&drm_svm_coord.gc_list, &drm_svm_coord.restore_list), the
 * holes of the ranges, the mask of quiesced GPUs
 * (&drm_svm_coord.quiesced) and the mask of GPUs with a TLB flush in
 * flight (&drm_svm_coord.tlb_pending): the notifier fills them, the
 * workers empty them. The notifier also marks the location of a range
 * stale (&drm_svm_coord_range.loc_stale) under it, since it cannot take
 * the range's mutex that guards the location; a look or a fault clears
 * the mark (and a look that learnt nothing sets it again) under the
 * notifier lock held for reading and the range's mutex (see Eviction).
 * The garbage collector takes the tree lock and never the manager lock.
 * The restore worker takes the manager lock for reading and then follows
 * the fault path's order; the last detach marks it stopped under that
 * lock held for writing and cancels it after dropping the lock.
 * drm_svm_coord_set_attr() maps for GPUs that cannot fault with the
 * manager lock held for writing, which the fault path accepts as well as
 * a read hold. Backend @quiesce runs under
 * the notifier lock; @resume and @map from the restore worker under the
 * manager lock held for reading, never under the notifier lock for
 * @resume, so that a new @quiesce may come before it (the backend counts
 * them).
 *
 * Eviction takes the &drm_svm_coord_range.validate_lock of a victim range
 * while it holds the one of the range it places, so it only ever tries
 * (mutex_trylock()) and skips a victim it cannot lock: two GPUs evicting
 * each other's ranges cannot deadlock. &drm_svm_coord.lru_lock (spinlock)
 * protects the per-GPU LRU lists; it is innermost, and a victim is taken
 * off the list with kref_get_unless_zero() under it, so the list holds no
 * reference and a range leaves it when it is released.
 *
 * The list of managers behind debugfs is protected by a spinlock, taken
 * with bottom halves disabled, as managers leave it from an SRCU callback.
 */

/**
 * DOC: Fault injection
 *
 * The allocations of the fault path, of splitting, of the notifier and of
 * attribute changes, and hmm_range_fault() as the fault path calls it, sit
 * in functions marked with ALLOW_ERROR_INJECTION(), so that fail_function
 * (Documentation/fault-injection/fault-injection.rst) can fail their Nth
 * call: drm_svm_coord_alloc_notifier() (the manager),
 * drm_svm_coord_attach(), coord_notifier_find_or_insert(),
 * drm_svm_coord_range_alloc(), drm_svm_coord_range_pfns_alloc(),
 * drm_svm_coord_range_fault_pages(), coord_range_pages() (a GPU's DMA
 * state of a range), coord_split_alloc() (the pieces of a split),
 * coord_finish_alloc() (the notifier's second pass) and
 * drm_svm_coord_attr_tree_set(). Functions called in their own file are
 * noinline, so that the injection reaches every call. Not covered: the
 * split's state (coord_range_split()), reservations, and the walk that
 * re-reads a stale location (coord_range_find_data()).
 *
 * An injected failure fails the user's call with -ENOMEM, or the worker
 * or notifier takes the path it has for it (a range dropped instead of
 * split, an invalidation completed in one pass), with two exceptions a
 * caller sees: a SET_ATTR whose prefetch fails keeps the attributes it
 * set and the moves it made, and a detach whose eviction of the GPU's
 * VRAM fails leaves that data where it is (a CPU fault still brings it
 * back). A -ENOMEM of @devmem_alloc reads as a full VRAM and evicts a
 * range to make room.
 *
 * vsvm marks its backend ops the same way, so that a campaign can fail
 * the backend as hardware fails.
 */

static atomic_t drm_svm_coord_next_id = ATOMIC_INIT(0);

/* Live managers, for debugfs and for the tests' leak checks. */
atomic_t drm_svm_coord_nr_managers = ATOMIC_INIT(0);
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_nr_managers);

static struct mmu_notifier *drm_svm_coord_alloc_notifier(struct mm_struct *mm)
{
	struct drm_svm_coord *svm;

	/* Called with the mmap lock held for writing: no manager locks here. */
	svm = kzalloc_obj(*svm);
	if (!svm)
		return ERR_PTR(-ENOMEM);

	init_rwsem(&svm->lock);
	drm_svm_coord_settings_init(&svm->settings);
	drm_svm_coord_attr_tree_init(&svm->attrs);
	svm->reserved = RB_ROOT_CACHED;
	drm_svm_coord_ranges_init(svm);
	drm_svm_coord_gc_init(svm);
	drm_svm_coord_restore_init(svm);
	svm->id = atomic_inc_return(&drm_svm_coord_next_id);
	drm_svm_coord_debugfs_register(svm);
	atomic_inc(&drm_svm_coord_nr_managers);
	return &svm->mn;
}
ALLOW_ERROR_INJECTION(drm_svm_coord_alloc_notifier, ERRNO);

static void drm_svm_coord_free_notifier(struct mmu_notifier *mn)
{
	struct drm_svm_coord *svm = container_of(mn, typeof(*svm), mn);
	unsigned int i;

	/* SRCU callback, after the last put: no GPU is attached. */
	WARN_ON(svm->attached);
	for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++)
		WARN_ON(!list_empty(&svm->lru[i]));
	/* The last detach destroyed every range and notifier. */
	WARN_ON(!RB_EMPTY_ROOT(&svm->notifiers.rb_root));
	WARN_ON(!list_empty(&svm->gc_list) || !list_empty(&svm->restore_list));
	WARN_ON(work_pending(&svm->gc_work) ||
		delayed_work_pending(&svm->restore_work));
	WARN_ON(svm->collecting || svm->restoring);
	drm_svm_coord_debugfs_unregister(svm);
	drm_gpusvm_fini(&svm->gpusvm);
	mutex_destroy(&svm->tree_lock);
	drm_svm_coord_attr_tree_fini(&svm->attrs);
	kfree(svm);
	atomic_dec(&drm_svm_coord_nr_managers);
}

static void drm_svm_coord_release(struct mmu_notifier *mn,
				  struct mm_struct *mm)
{
	struct drm_svm_coord *svm = container_of(mn, typeof(*svm), mn);

	WRITE_ONCE(svm->dead, true);
}

static const struct mmu_notifier_ops drm_svm_coord_mn_ops = {
	.release = drm_svm_coord_release,
	.alloc_notifier = drm_svm_coord_alloc_notifier,
	.free_notifier = drm_svm_coord_free_notifier,
};

/*
 * Record lock -> tree_lock -> mmap_lock -> notifier lock, and that reclaim
 * may happen under the outer two, before any real use.
 */
static void drm_svm_coord_prime_lockdep(struct drm_svm_coord *svm)
{
	if (!IS_ENABLED(CONFIG_LOCKDEP))
		return;

	down_write(&svm->lock);
	mutex_lock(&svm->tree_lock);
	mmap_read_lock(drm_svm_coord_mm(svm));
	drm_svm_coord_notifier_lock_read(svm);
	drm_svm_coord_notifier_unlock_read(svm);
	mmap_read_unlock(drm_svm_coord_mm(svm));
	fs_reclaim_acquire(GFP_KERNEL);
	fs_reclaim_release(GFP_KERNEL);
	mutex_unlock(&svm->tree_lock);
	up_write(&svm->lock);
}

/**
 * drm_svm_coord_get() - find or create the manager of an address space
 * @mm: the address space, alive (its users count not zero)
 *
 * Must be called without @mm's mmap lock held.
 *
 * Return: the manager with a new reference, drop it with
 * drm_svm_coord_put(); ERR_PTR(-ESRCH) when @mm is exiting, or another
 * ERR_PTR on failure.
 */
struct drm_svm_coord *drm_svm_coord_get(struct mm_struct *mm)
{
	struct mmu_notifier *mn;
	struct drm_svm_coord *svm;

	if (!mmget_not_zero(mm))
		return ERR_PTR(-ESRCH);
	mn = mmu_notifier_get(&drm_svm_coord_mn_ops, mm);
	if (IS_ERR(mn)) {
		mmput(mm);
		return ERR_CAST(mn);
	}
	svm = container_of(mn, typeof(*svm), mn);
	drm_svm_coord_prime_lockdep(svm);
	mmput(mm);
	return svm;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_get);

/**
 * drm_svm_coord_put() - drop a reference on a manager
 * @svm: the manager
 *
 * The manager is freed asynchronously after the last reference is gone.
 */
void drm_svm_coord_put(struct drm_svm_coord *svm)
{
	mmu_notifier_put(&svm->mn);
}
EXPORT_SYMBOL_GPL(drm_svm_coord_put);

static int drm_svm_coord_check_backend(const struct drm_svm_coord_ops *ops,
				       const struct drm_svm_coord_vm_caps *caps)
{
	if (!ops || !caps || !ops->map || !ops->unmap)
		return -EINVAL;
	if (caps->flags & ~DRM_SVM_COORD_VM_CAN_FAULT)
		return -EINVAL;
	/* Entries of at least a page. */
	if (caps->pte_sizes & (PAGE_SIZE - 1))
		return -EINVAL;
	/* A GPU that cannot fault must be stopped while it is unmapped. */
	if (!(caps->flags & DRM_SVM_COORD_VM_CAN_FAULT) &&
	    (!ops->quiesce || !ops->resume))
		return -EINVAL;
	/* What @quiesce stops, @resume restarts. */
	if (!ops->quiesce != !ops->resume)
		return -EINVAL;
	/* VRAM needs an owner (peers) and a way to allocate from it. */
	if (caps->dpagemap && (!caps->pagemap_owner || !ops->devmem_alloc))
		return -EINVAL;
	/*
	 * hmm_range_fault() hands out the device pages of the owner it is
	 * given: that must be the owner of the VRAM's pages, and a VRAM's
	 * pages are told apart by their dev_pagemap.
	 */
	if (caps->dpagemap && (!caps->dpagemap->pagemap ||
			       caps->dpagemap->pagemap->owner != caps->pagemap_owner))
		return -EINVAL;
	return 0;
}

/**
 * drm_svm_coord_flush() - wait for the manager's workers
 * @svm: the manager
 *
 * Waits until the garbage collector has handled the ranges the notifier
 * left behind and the restore worker has restored every range queued so
 * far, retries included, and resumed the GPUs it restored, for callers
 * that need a settled state: tests, statistics, suspend. A range that
 * backs off after a failed restore is waited for until it is due, not
 * restored early: that can take seconds (see Restore). Must be called
 * without the manager lock, the notifier lock or the mmap lock held: the
 * workers take them.
 *
 * Not a teardown primitive: a fatal signal ends the wait with the workers
 * still busy. drm_svm_coord_detach() stops them itself.
 *
 * Return: 0 when settled, -EINTR when the caller got a fatal signal first.
 */
int drm_svm_coord_flush(struct drm_svm_coord *svm)
{
	lockdep_assert_not_held(&svm->lock);
	lockdep_assert_not_held(&svm->gpusvm.notifier_lock);

	do {
		unsigned long wait;

		flush_work(&svm->gc_work);
		/*
		 * Every range queued backs off after a failed restore: a run
		 * now would find nothing due and queue itself again, and the
		 * flush would spin on it until the backoff passed. Sleep
		 * instead, then look again: the worker's own timer may have
		 * run it meanwhile, and a wakeup may come early.
		 */
		wait = drm_svm_coord_restore_backoff(svm);
		if (wait) {
			__set_current_state(TASK_KILLABLE | TASK_FREEZABLE);
			schedule_timeout(wait);
			if (fatal_signal_pending(current))
				return -EINTR;
			continue;
		}
		flush_delayed_work(&svm->restore_work);
	} while (drm_svm_coord_work_pending(svm));
	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_flush);

/**
 * drm_svm_coord_work_pending() - whether the manager's workers have work
 * @svm: the manager
 *
 * A range waits for the garbage collector or the restore worker, a run of
 * either is queued, or one is under way: a restore run may have restored
 * its ranges and not yet resumed the GPUs, a GC run split a range and not
 * yet the next. A run queued or started while drm_svm_coord_flush() waited
 * for an earlier one is seen here. Exported for KUnit only. Must be called
 * without the notifier lock held; takes it for reading.
 *
 * Return: true while drm_svm_coord_flush() must go on waiting.
 */
bool drm_svm_coord_work_pending(struct drm_svm_coord *svm)
{
	bool pending;

	drm_svm_coord_notifier_lock_read(svm);
	pending = !list_empty(&svm->restore_list) || svm->restoring ||
		  !list_empty(&svm->gc_list) || svm->collecting ||
		  work_pending(&svm->gc_work) ||
		  delayed_work_pending(&svm->restore_work);
	drm_svm_coord_notifier_unlock_read(svm);
	return pending;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_work_pending);

/* Whether a GPU of @svm was attached with @dpagemap as its VRAM. */
static bool coord_vram_attached(struct drm_svm_coord *svm,
				struct drm_pagemap *dpagemap)
{
	u64 vram = svm->vram;
	unsigned int i;

	lockdep_assert_held(&svm->lock);

	if (!dpagemap)
		return false;
	for_each_set_bit(i, (unsigned long *)&vram, DRM_SVM_COORD_MAX_VMS)
		if (svm->vms[i]->caps.dpagemap == dpagemap)
			return true;
	return false;
}

/**
 * drm_svm_coord_attach() - attach a GPU to the manager of an address space
 * @mm: the address space the GPU mirrors, alive
 * @drm: the GPU's DRM device
 * @ops: its backend operations, kept by reference
 * @caps: its capabilities, copied
 * @priv: the driver's data, see drm_svm_coord_vm_priv()
 *
 * Finds or creates the manager of @mm and gives the GPU the lowest free
 * index. Must be called without @mm's mmap lock held. @drm is the device
 * the pages are DMA-mapped for (drm_gpusvm_map_pages()) and the one the
 * coordinator's messages name.
 *
 * A VRAM belongs to one attachment per address space: the residency policy
 * counts each VRAM once, by the GPU index that owns it, and a second
 * attachment with the same @caps->dpagemap (two VMs of one GPU in one
 * process) would be credited with the first one's data and room. Such a
 * driver attaches its second VM without VRAM, or once per process.
 *
 * Return: the attachment, to be released with drm_svm_coord_detach();
 * ERR_PTR(-EINVAL) for missing mandatory ops or unknown capability flags,
 * ERR_PTR(-EEXIST) when another GPU of the manager was attached with the
 * same &drm_svm_coord_vm_caps.dpagemap, ERR_PTR(-ENOSPC) when
 * %DRM_SVM_COORD_MAX_VMS GPUs are attached, ERR_PTR(-ESRCH) when @mm is
 * exiting, ERR_PTR(-ENOMEM).
 */
struct drm_svm_coord_vm *
drm_svm_coord_attach(struct mm_struct *mm, struct drm_device *drm,
		     const struct drm_svm_coord_ops *ops,
		     const struct drm_svm_coord_vm_caps *caps, void *priv)
{
	struct drm_svm_coord_vm *vm;
	struct drm_svm_coord *svm;
	int err;

	err = drm_svm_coord_check_backend(ops, caps);
	if (err || !drm)
		return ERR_PTR(-EINVAL);

	vm = kzalloc_obj(*vm);
	if (!vm)
		return ERR_PTR(-ENOMEM);

	svm = drm_svm_coord_get(mm);
	if (IS_ERR(svm)) {
		kfree(vm);
		return ERR_CAST(svm);
	}

	down_write(&svm->lock);
	if (READ_ONCE(svm->dead))
		err = -ESRCH;
	else if (coord_vram_attached(svm, caps->dpagemap))
		err = -EEXIST;
	else if (svm->attached == ~0ull)
		err = -ENOSPC;
	if (err) {
		up_write(&svm->lock);
		drm_svm_coord_put(svm);
		kfree(vm);
		return ERR_PTR(err);
	}

	*vm = (struct drm_svm_coord_vm) {
		.svm = svm,
		.drm = drm,
		.ops = ops,
		.caps = *caps,
		.priv = priv,
		.index = __ffs64(~svm->attached),
	};
	svm->attached |= BIT_ULL(vm->index);
	if (caps->flags & DRM_SVM_COORD_VM_CAN_FAULT)
		svm->can_fault |= BIT_ULL(vm->index);
	if (caps->dpagemap)
		svm->vram |= BIT_ULL(vm->index);
	svm->vms[vm->index] = vm;
	svm->restore_stopped = false;
	drm_svm_coord_debugfs_add(svm);
	up_write(&svm->lock);

	return vm;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_attach);
ALLOW_ERROR_INJECTION(drm_svm_coord_attach, ERRNO);

/**
 * drm_svm_coord_detach() - detach a GPU from its manager
 * @vm: the attachment
 *
 * Moves the data the process keeps in the GPU's VRAM to system memory
 * (unless the process is exiting), unmaps the GPU from every range (its
 * page-table entries are zapped and its DMA mappings freed), removes it
 * from every attribute (it returns to
 * the default access policy; locations naming it become undefined), frees
 * its index and drops its reference on the manager. The last GPU to detach
 * destroys every range and notifier. Must be called without the mmap lock
 * held.
 */
void drm_svm_coord_detach(struct drm_svm_coord_vm *vm)
{
	struct drm_svm_coord *svm = vm->svm;
	u64 bit = BIT_ULL(vm->index);
	bool last;

	down_write(&svm->lock);
	drm_svm_coord_ranges_evict_vm(svm, vm);
	drm_svm_coord_ranges_forget_vm(svm, vm);
	drm_svm_coord_lru_forget_vm(svm, vm);
	drm_svm_coord_restore_forget_vm(svm, vm);
	drm_svm_coord_attr_tree_forget_vm(&svm->attrs, vm->index);
	drm_svm_coord_reserved_forget_vm(svm, vm);
	svm->attached &= ~bit;
	svm->can_fault &= ~bit;
	svm->vram &= ~bit;
	svm->vms[vm->index] = NULL;
	last = !svm->attached;
	if (last) {
		drm_svm_coord_ranges_fini(svm);
		drm_svm_coord_gc_stop(svm);
		svm->restore_stopped = true;
		drm_svm_coord_debugfs_remove(svm);
	}
	up_write(&svm->lock);
	/* The restore worker takes the manager lock: stop it without. */
	if (last)
		drm_svm_coord_restore_stop(svm);

	drm_svm_coord_put(svm);
	kfree(vm);
}
EXPORT_SYMBOL_GPL(drm_svm_coord_detach);

/**
 * drm_svm_coord_vm_manager() - the manager a GPU is attached to
 * @vm: the attachment
 *
 * Return: the manager, valid while @vm is attached.
 */
struct drm_svm_coord *drm_svm_coord_vm_manager(struct drm_svm_coord_vm *vm)
{
	return vm->svm;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_vm_manager);

/**
 * drm_svm_coord_id() - the number of a manager
 * @svm: the manager
 *
 * Return: the manager's number: its directory in debugfs (see Settings)
 * and its entry in ``drm_svm_coord/stats``.
 */
unsigned int drm_svm_coord_id(struct drm_svm_coord *svm)
{
	return svm->id;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_id);

/**
 * drm_svm_coord_vm_index() - the index of an attached GPU
 * @vm: the attachment
 *
 * Return: the index naming the GPU in attributes and GPU bitmaps.
 */
unsigned int drm_svm_coord_vm_index(struct drm_svm_coord_vm *vm)
{
	return vm->index;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_vm_index);

/**
 * drm_svm_coord_vm_priv() - the driver data of an attachment
 * @vm: the attachment
 *
 * Return: the @priv given to drm_svm_coord_attach().
 */
void *drm_svm_coord_vm_priv(struct drm_svm_coord_vm *vm)
{
	return vm->priv;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_vm_priv);

static int __init drm_svm_coord_init(void)
{
	drm_svm_coord_debugfs_init();
	return 0;
}

static void __exit drm_svm_coord_exit(void)
{
	drm_svm_coord_debugfs_fini();
	/* Managers are freed from SRCU callbacks: wait for them. */
	mmu_notifier_synchronize();
}

module_init(drm_svm_coord_init);
module_exit(drm_svm_coord_exit);

MODULE_DESCRIPTION("Multi-GPU shared virtual memory coordinator");
MODULE_LICENSE("Dual MIT/GPL");
