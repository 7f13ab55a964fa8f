// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/workqueue.h>

#include <drm/drm_print.h>

#include "drm_svm_coord_priv.h"

/**
 * DOC: Restore
 *
 * A GPU attached without %DRM_SVM_COORD_VM_CAN_FAULT cannot take a page
 * fault: its mappings are made ahead of use, by drm_svm_coord_map() and
 * by drm_svm_coord_set_attr() granting it access (which faults the
 * interval's pages in: every page a VMA covers is mapped, populated or
 * not, so that the GPU never meets a hole the process has memory for;
 * addresses without VMA are skipped), and restored after invalidations.
 *
 * When an invalidation other than an unmap hits a range such a GPU maps,
 * the notifier quiesces the GPU (&drm_svm_coord_ops.quiesce) before zapping
 * it, unless it is already quiesced, records the GPU in the range's
 * restore mask and queues the range for the manager's restore worker
 * (&drm_svm_coord.restore_work). GPUs that can fault are only zapped, and
 * never quiesced. An unmap quiesces nobody: the memory is gone, there is
 * nothing to restore; except when it takes part of a range from a GPU
 * whose DMA mappings cannot lose that part alone (a higher-order mapping
 * straddles a boundary, see Splitting): the GPU loses the whole range, and
 * what stays is restored. An attribute change that rewrites such a GPU's
 * entries (a flag that shapes them, or a new preferred location for data
 * elsewhere), a split whose DMA mappings cannot be cut at an attribute
 * boundary, and a split that cannot be made (no memory) and retires the
 * range quiesce and restore such GPUs the same way, so that a GPU that
 * cannot fault never meets a missing entry for memory the process still
 * has. A GPU that loses access is zapped without a quiesce: it may not
 * touch the memory any more.
 *
 * The restore worker, one per manager, runs shortly after the first event
 * of a batch (1 ms), so that the events of one mprotect() or fork() cost
 * one run. For every queued range it maps the range's addresses again for
 * each GPU of the mask, through the fault path, so that GPUs restoring the
 * same range share one hmm_range_fault(). A restore maps the data where it
 * is, or in system memory when the GPU does not reach it (Residency
 * policy, rule 2): it is no access of the GPU, and moving the data back
 * at once fights the CPU or the device that just took it. A new
 * preferred location maps the GPUs waiting for a restore by the whole
 * policy, from drm_svm_coord_set_attr(). Then it has each GPU it mapped
 * complete its writes (&drm_svm_coord_ops.map_sync, once per run), and
 * resumes every GPU it quiesced that has no range left to restore; a run
 * is under way (&drm_svm_coord.restoring) until then, and
 * drm_svm_coord_flush() waits for it. A range that fails to restore is
 * retried with exponential backoff (10 ms doubling, up to
 * ``restore_retries`` attempts, a setting of the manager) without holding
 * back the others or the GPUs that do not map it; drm_svm_coord_flush()
 * waits for the backoff, one run per attempt; each failure is counted
 * (%DRM_SVM_COORD_STAT_RESTORE_FAILURES) and the last one reported in the
 * kernel log, after which its GPU is resumed without the range.
 */

#define RESTORE_DELAY_MS	1
#define RESTORE_BACKOFF_MS	10

/**
 * drm_svm_coord_gpus_no_fault() - the GPUs of a mask that cannot fault
 * @svm: the manager
 * @gpus: a mask of attached GPUs
 *
 * Return: the GPUs of @gpus attached without %DRM_SVM_COORD_VM_CAN_FAULT.
 */
u64 drm_svm_coord_gpus_no_fault(struct drm_svm_coord *svm, u64 gpus)
{
	u64 out = 0;
	unsigned int i;

	for_each_set_bit(i, (unsigned long *)&gpus, DRM_SVM_COORD_MAX_VMS)
		if (!drm_svm_coord_vm_can_fault(svm->vms[i]))
			out |= BIT_ULL(i);
	return out;
}

/**
 * drm_svm_coord_quiesce() - stop the queues of GPUs that cannot fault
 * @svm: the manager
 * @gpus: the GPUs; those the coordinator already quiesced are skipped
 *
 * The restore worker resumes them. Under the notifier lock held for
 * writing.
 */
void drm_svm_coord_quiesce(struct drm_svm_coord *svm, u64 gpus)
{
	unsigned int i;

	drm_svm_coord_notifier_assert_held_write(svm);

	gpus &= ~svm->quiesced;
	for_each_set_bit(i, (unsigned long *)&gpus, DRM_SVM_COORD_MAX_VMS) {
		struct drm_svm_coord_vm *vm = svm->vms[i];

		vm->ops->quiesce(vm);
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_QUIESCES, 1);
	}
	svm->quiesced |= gpus;
}

/**
 * drm_svm_coord_map_sync() - complete a batch of maps made ahead of use
 * @vm: the GPU
 *
 * Calls &drm_svm_coord_ops.map_sync if the backend has one. Without the
 * notifier lock or the mmap lock held.
 */
void drm_svm_coord_map_sync(struct drm_svm_coord_vm *vm)
{
	lockdep_assert_not_held(&vm->svm->gpusvm.notifier_lock);
	lockdep_assert_not_held(&drm_svm_coord_mm(vm->svm)->mmap_lock);

	if (vm->ops->map_sync)
		vm->ops->map_sync(vm);
}

/**
 * drm_svm_coord_restore_lost() - GPUs lose a range's entries they must get back
 * @svm: the manager
 * @range: the range
 * @gpus: GPUs whose entries of @range are about to go, or went
 *
 * Quiesces those of @gpus that cannot fault and queues @range for the
 * restore worker for them, and for every GPU of @gpus when @range is
 * always mapped (%DRM_SVM_COORD_FLAG_GPU_ALWAYS_MAPPED): a GPU that can
 * fault is not quiesced, it is mapped again without waiting for a fault.
 * Under the notifier lock held for writing.
 *
 * Return: the GPUs queued.
 */
u64 drm_svm_coord_restore_lost(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range, u64 gpus)
{
	u64 nofault = drm_svm_coord_gpus_no_fault(svm, gpus);
	u64 back = range->always_mapped ? gpus : nofault;

	drm_svm_coord_notifier_assert_held_write(svm);

	if (nofault)
		drm_svm_coord_quiesce(svm, nofault);
	if (back)
		drm_svm_coord_restore_queue(svm, range, back);
	return back;
}

/**
 * drm_svm_coord_restore_queue() - ask the restore worker to map a range again
 * @svm: the manager
 * @range: the range, referenced while queued
 * @gpus: the GPUs that lost their mappings of it
 *
 * Under the notifier lock held for writing.
 */
void drm_svm_coord_restore_queue(struct drm_svm_coord *svm,
				 struct drm_svm_coord_range *range, u64 gpus)
{
	drm_svm_coord_notifier_assert_held_write(svm);

	range->restore |= gpus;
	if (list_empty(&range->restore_link)) {
		kref_get(&range->ref);
		range->restore_tries = 0;
		range->restore_at = jiffies;
		list_add_tail(&range->restore_link, &svm->restore_list);
	}
	queue_delayed_work(system_dfl_wq, &svm->restore_work,
			   msecs_to_jiffies(RESTORE_DELAY_MS));
}

/**
 * drm_svm_coord_restore_backoff() - how long the restore list backs off
 * @svm: the manager
 *
 * For drm_svm_coord_flush(), which must not run the restore worker before
 * a range backing off after a failed restore is due: the run would find
 * nothing to do. Once the mm is dead a run takes every range, due or not.
 * Must be called without the notifier lock held; takes it for reading.
 *
 * Return: the jiffies until the earliest &drm_svm_coord_range.restore_at
 * of the queued ranges when every one backs off and the mm lives, else 0.
 */
unsigned long drm_svm_coord_restore_backoff(struct drm_svm_coord *svm)
{
	struct drm_svm_coord_range *range;
	unsigned long now = jiffies, wait = 0;

	if (READ_ONCE(svm->dead))
		return 0;
	drm_svm_coord_notifier_lock_read(svm);
	list_for_each_entry(range, &svm->restore_list, restore_link) {
		if (!time_before(now, range->restore_at)) {
			wait = 0;
			break;
		}
		if (!wait || range->restore_at - now < wait)
			wait = range->restore_at - now;
	}
	drm_svm_coord_notifier_unlock_read(svm);
	return wait;
}

/*
 * Clear @range for @vm again after a failed &drm_svm_coord_ops.unmap. The
 * other ranges over the addresses that @vm maps (made since, or restored)
 * lose their entries with it: they are counted as lost and restored.
 */
static int coord_unzap(struct drm_svm_coord *svm,
		       struct drm_svm_coord_range *range,
		       struct drm_svm_coord_vm *vm)
{
	unsigned long start = drm_svm_coord_range_start(range);
	unsigned long end = drm_svm_coord_range_end(range);
	struct drm_svm_coord_notifier *n;
	struct drm_svm_coord_range *r;
	u64 bit = BIT_ULL(vm->index);
	int err = 0;

	mutex_lock(&svm->tree_lock);
	drm_svm_coord_notifier_lock_write(svm);
	if (range->unzap & bit) {
		err = vm->ops->unmap(vm, start, end);
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_ZAPS, 1);
		if (err) {
			drm_svm_coord_count(svm, vm,
					    DRM_SVM_COORD_STAT_UNMAP_FAILURES, 1);
		} else {
			range->unzap &= ~bit;
			drm_svm_coord_tlb_wait(svm, vm->ops->tlb_flush_wait ?
					       bit : 0);
			drm_svm_coord_for_each_notifier(n, svm, start, end) {
				drm_svm_coord_for_each_range(r, n, start, end) {
					if (!(r->mapped & bit))
						continue;
					r->mapped &= ~bit;
					r->writable &= ~bit;
					drm_svm_coord_restore_lost(svm, r, bit);
				}
			}
		}
	}
	drm_svm_coord_notifier_unlock_write(svm);
	mutex_unlock(&svm->tree_lock);
	return err;
}

/*
 * Clear what failed to unmap, then map @range's addresses again for those
 * of @gpus that map ahead of use; returns the GPUs that failed.
 */
static u64 coord_restore_range(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range, u64 gpus)
{
	unsigned long start = drm_svm_coord_range_start(range);
	unsigned long end = drm_svm_coord_range_end(range);
	u64 failed = 0;
	unsigned int i;
	int err;

	for_each_set_bit(i, (unsigned long *)&gpus, DRM_SVM_COORD_MAX_VMS) {
		struct drm_svm_coord_vm *vm = svm->vms[i];

		err = coord_unzap(svm, range, vm);
		/* A GPU that can fault maps on demand, unless always mapped. */
		if (!err && (!drm_svm_coord_vm_can_fault(vm) ||
			     READ_ONCE(range->always_mapped)))
			err = drm_svm_coord_map_span(vm, start, end, true);
		if (!err)
			continue;
		failed |= BIT_ULL(i);
		drm_svm_coord_count(svm, vm,
				    DRM_SVM_COORD_STAT_RESTORE_FAILURES, 1);
		if (range->restore_tries + 1 >=
		    READ_ONCE(svm->settings.restore_retries))
			drm_warn(vm->drm,
				 "svm: gave up restoring [0x%lx-0x%lx) after %u attempts: %d\n",
				 start, end, range->restore_tries + 1, err);
	}
	return failed;
}

/*
 * GPUs whose entries of @range could not be cleared, retries exhausted:
 * they stay quiesced, their queues must not run on them, until they
 * detach. Under the notifier lock held for writing.
 */
static void coord_stuck(struct drm_svm_coord *svm,
			struct drm_svm_coord_range *range, u64 gpus)
{
	unsigned int i;

	gpus &= ~svm->stuck;
	for_each_set_bit(i, (unsigned long *)&gpus, DRM_SVM_COORD_MAX_VMS)
		drm_err(svm->vms[i]->drm,
			"svm: entries of [0x%lx-0x%lx) could not be cleared: the GPU stays stopped until it detaches\n",
			drm_svm_coord_range_start(range),
			drm_svm_coord_range_end(range));
	svm->stuck |= gpus;
}

/* Resume the GPUs quiesced by the coordinator that have nothing to wait for. */
static void coord_resume(struct drm_svm_coord *svm)
{
	struct drm_svm_coord_range *range;
	u64 pending = 0, resume;
	unsigned int i;

	lockdep_assert_held(&svm->lock);

	drm_svm_coord_notifier_lock_write(svm);
	list_for_each_entry(range, &svm->restore_list, restore_link)
		pending |= range->restore;
	resume = svm->quiesced & ~pending & ~svm->stuck;
	svm->quiesced &= ~resume;
	drm_svm_coord_notifier_unlock_write(svm);

	/* A new quiesce may come before these: the backend counts them. */
	for_each_set_bit(i, (unsigned long *)&resume, DRM_SVM_COORD_MAX_VMS) {
		struct drm_svm_coord_vm *vm = svm->vms[i];

		vm->ops->resume(vm);
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_RESUMES, 1);
	}
}

static void coord_restore_work(struct work_struct *work)
{
	struct drm_svm_coord *svm = container_of(to_delayed_work(work),
						 typeof(*svm), restore_work);
	struct drm_svm_coord_range *range, *tmp;
	unsigned long now = jiffies, next = 0;
	bool alive, later = false;
	u64 mapped = 0;
	unsigned int i;
	LIST_HEAD(todo);

	/*
	 * Not a trylock: faults hold the lock for reading all the time and
	 * attribute changes queue for writing, a trylock could fail for
	 * seconds and leave the GPUs quiesced. The last detach stops this
	 * work after dropping the lock.
	 */
	down_read(&svm->lock);
	if (svm->restore_stopped) {
		up_read(&svm->lock);
		return;
	}
	alive = !READ_ONCE(svm->dead) && mmget_not_zero(drm_svm_coord_mm(svm));

	drm_svm_coord_notifier_lock_write(svm);
	/*
	 * From here until the GPUs restored are resumed, the run is under
	 * way: drm_svm_coord_flush() waits for it, counters included.
	 */
	svm->restoring++;
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_RESTORE_RUNS, 1);
	list_for_each_entry_safe(range, tmp, &svm->restore_list, restore_link) {
		if (alive && time_before(now, range->restore_at))
			continue;
		list_move_tail(&range->restore_link, &todo);
	}
	drm_svm_coord_notifier_unlock_write(svm);

	list_for_each_entry_safe(range, tmp, &todo, restore_link) {
		u64 gpus, failed = 0;

		drm_svm_coord_notifier_lock_write(svm);
		gpus = range->restore & svm->attached;
		range->restore = 0;
		list_del_init(&range->restore_link);
		drm_svm_coord_notifier_unlock_write(svm);

		if (alive)
			failed = coord_restore_range(svm, range, gpus);
		else	/* Nothing to restore, but entries left are left. */
			failed = gpus & READ_ONCE(range->unzap);
		mapped |= gpus & ~failed;

		drm_svm_coord_notifier_lock_write(svm);
		if (!alive || (failed && range->restore_tries + 1 >=
				    READ_ONCE(svm->settings.restore_retries)))
			coord_stuck(svm, range, failed & range->unzap);
		if (alive && failed && ++range->restore_tries <
				       READ_ONCE(svm->settings.restore_retries)) {
			/* Back off; the others go on. */
			range->restore |= failed;
			range->restore_at = jiffies +
				msecs_to_jiffies(RESTORE_BACKOFF_MS <<
						 min(range->restore_tries - 1, 10u));
			if (list_empty(&range->restore_link)) {
				kref_get(&range->ref);
				list_add_tail(&range->restore_link,
					      &svm->restore_list);
			}
		}
		drm_svm_coord_notifier_unlock_write(svm);
		drm_svm_coord_range_put(range);
	}

	/* The entries are visible before the queues run again. */
	mapped &= svm->attached;
	for_each_set_bit(i, (unsigned long *)&mapped, DRM_SVM_COORD_MAX_VMS)
		drm_svm_coord_map_sync(svm->vms[i]);
	coord_resume(svm);

	drm_svm_coord_notifier_lock_write(svm);
	svm->restoring--;
	list_for_each_entry(range, &svm->restore_list, restore_link) {
		if (!later || time_before(range->restore_at, next))
			next = range->restore_at;
		later = true;
	}
	drm_svm_coord_notifier_unlock_write(svm);
	if (later)
		queue_delayed_work(system_dfl_wq, &svm->restore_work,
				   time_after(next, jiffies) ? next - jiffies : 0);
	if (alive)
		mmput(drm_svm_coord_mm(svm));
	up_read(&svm->lock);
}

/**
 * drm_svm_coord_restore_stop() - stop the restore worker
 * @svm: the manager, whose ranges are all gone (last detach), and which
 *	the last detach marked &drm_svm_coord.restore_stopped
 *
 * Called without the manager lock, which the worker takes. Drops the
 * ranges still queued, nobody being left to restore for, unless a GPU
 * attached again meanwhile.
 */
void drm_svm_coord_restore_stop(struct drm_svm_coord *svm)
{
	lockdep_assert_not_held(&svm->lock);

	cancel_delayed_work_sync(&svm->restore_work);
	down_read(&svm->lock);
	if (!svm->restore_stopped) {
		/* Attached again: the worker goes on for the new GPUs. */
		queue_delayed_work(system_dfl_wq, &svm->restore_work, 0);
		up_read(&svm->lock);
		return;
	}
	for (;;) {
		struct drm_svm_coord_range *range;

		drm_svm_coord_notifier_lock_write(svm);
		range = list_first_entry_or_null(&svm->restore_list,
						 typeof(*range), restore_link);
		if (range)
			list_del_init(&range->restore_link);
		drm_svm_coord_notifier_unlock_write(svm);
		if (!range)
			break;
		drm_svm_coord_range_put(range);
	}
	up_read(&svm->lock);
}

/**
 * drm_svm_coord_restore_init() - set up the restore worker of a new manager
 * @svm: the manager, being created
 */
void drm_svm_coord_restore_init(struct drm_svm_coord *svm)
{
	INIT_LIST_HEAD(&svm->restore_list);
	INIT_DELAYED_WORK(&svm->restore_work, coord_restore_work);
}

/**
 * drm_svm_coord_restore_forget_vm() - nothing to restore for a detaching GPU
 * @svm: the manager
 * @vm: the GPU, detaching, whose mappings are gone
 *
 * Takes @vm out of the restore masks and ends the quiesce the coordinator
 * may have it in. Called with the manager lock held for writing.
 */
void drm_svm_coord_restore_forget_vm(struct drm_svm_coord *svm,
				     struct drm_svm_coord_vm *vm)
{
	u64 bit = BIT_ULL(vm->index);
	struct drm_svm_coord_range *range;
	u64 quiesced;

	lockdep_assert_held_write(&svm->lock);

	drm_svm_coord_notifier_lock_write(svm);
	list_for_each_entry(range, &svm->restore_list, restore_link) {
		range->restore &= ~bit;
		range->unzap &= ~bit;
	}
	svm->stuck &= ~bit;
	quiesced = svm->quiesced & bit;
	svm->quiesced &= ~bit;
	drm_svm_coord_notifier_unlock_write(svm);
	if (quiesced) {
		vm->ops->resume(vm);
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_RESUMES, 1);
	}
}
