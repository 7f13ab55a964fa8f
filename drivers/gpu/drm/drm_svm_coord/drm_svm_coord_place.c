// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/export.h>
#include <linux/ktime.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/sched/mm.h>

#include "drm_svm_coord_priv.h"

#define CREATE_TRACE_POINTS
#include "drm_svm_coord_trace.h"

/* drm_svm_coord_show_loc() names this many GPUs. */
static_assert(DRM_SVM_COORD_MAX_VMS == 64);

/**
 * DOC: Placement
 *
 * A GPU attached with VRAM (&drm_svm_coord_vm_caps.dpagemap) gives the
 * manager a place to move data to. Each range remembers where its data was
 * at its last fault (&drm_svm_coord_range.loc, read back from the pages
 * hmm_range_fault() returned) and its thrash state. Under the range's
 * mutex, which every GPU faulting on the range takes in turn, the fault
 * path asks drm_svm_coord_decide() where the data should be for the
 * faulting GPU and acts on the answer before it faults the pages: it moves the
 * data there first (see Migration), or maps it where it is.
 *
 * So decide → migrate → map happens once per range at a time, and GPUs
 * that fault on the range together get one decision each, in turn; the
 * second usually finds the data where the first put it. The move fires the
 * range's notifier once (one migrate_vma), which unmaps every GPU; the
 * faulting GPU maps at once, the others when they fault again, and GPUs
 * that cannot fault get their mappings back from the restore worker, as
 * after any invalidation.
 *
 * The decision and the move of a prefetch
 * (%DRM_SVM_COORD_ATTR_PREFETCH_LOC) go through the same path from
 * drm_svm_coord_set_attr(), before any fault. A move that fails (no room
 * even so, a race) leaves the data where it is: with no room, the policy
 * is asked again without that GPU, otherwise the GPU maps the data where
 * it is. The time each move takes feeds the range's thrash control (see
 * Thrash control), whose knobs are settings of the manager (see
 * Settings).
 *
 * Why a range's data is where it is can be seen two ways.
 * drm_svm_coord_range_info() reports the range's location, the rule of its
 * last decision, its thrash state and its last %DRM_SVM_COORD_HISTORY moves
 * (&struct drm_svm_coord_move: from, to, for which GPU, by which rule or
 * eviction, at what cost). The tracepoints of the drm_svm_coord trace
 * system log as they happen every decision (drm_svm_coord_decide), every
 * move attempted, with its outcome (drm_svm_coord_move), and every change
 * of thrash state with the window in force (drm_svm_coord_thrash).
 */

/* The thrash control knobs of @svm, as drm_svm_coord_policy.c takes them. */
static void coord_thrash_params(struct drm_svm_coord *svm,
				struct drm_svm_coord_thrash_params *p)
{
	const struct drm_svm_coord_settings *s = &svm->settings;

	*p = (struct drm_svm_coord_thrash_params) {
		.threshold = READ_ONCE(s->thrash_threshold),
		.lapse_ns = (u64)READ_ONCE(s->thrash_lapse_us) * NSEC_PER_USEC,
		.cost_mult = READ_ONCE(s->thrash_cost_mult),
		.pin_after = max(READ_ONCE(s->thrash_pin_after), 1u),
		.quiet_ns = (u64)READ_ONCE(s->thrash_quiet_ms) * NSEC_PER_MSEC,
		.quiet_mult = READ_ONCE(s->thrash_quiet_mult),
	};
}

/* Count and trace a change of @range's thrash state from @old. */
static void coord_thrash_changed(struct drm_svm_coord *svm,
				 struct drm_svm_coord_range *range, u32 old)
{
	struct drm_svm_coord_thrash_params params;

	if (range->thrash.state == old)
		return;
	if (range->thrash.state == DRM_SVM_COORD_THRASH_THROTTLED)
		drm_svm_coord_count(svm, NULL,
				    DRM_SVM_COORD_STAT_THRASH_THROTTLES, 1);
	if (range->thrash.state == DRM_SVM_COORD_THRASH_PINNED)
		drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_THRASH_PINS, 1);
	coord_thrash_params(svm, &params);
	trace_drm_svm_coord_thrash(svm->id, drm_svm_coord_range_start(range),
				   drm_svm_coord_range_end(range), old,
				   range->thrash.state, range->thrash.pin_loc,
				   drm_svm_coord_thrash_window(&range->thrash,
							       &params));
}

/* Move @range's data to @to for @vm (NULL: a prefetch). See Placement. */
static int coord_range_migrate(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range,
			       struct drm_svm_coord_vm *vm,
			       struct drm_svm_coord_topology *topo, u32 to)
{
	unsigned int gpu = vm ? vm->index : DRM_SVM_COORD_MAX_VMS;
	struct drm_svm_coord_thrash_params params;
	u32 old = range->thrash.state, from = range->loc;
	u64 t0 = ktime_get_ns(), now;
	int err;

	err = drm_svm_coord_range_move(svm, range, topo, to, true);
	if (err) {
		drm_svm_coord_range_moved(svm, range, from, to, gpu, range->rule, t0,
					  ktime_get_ns(), err);
		drm_svm_coord_count(svm, vm,
				    DRM_SVM_COORD_STAT_MIGRATION_FAILURES, 1);
		return err;
	}

	now = ktime_get_ns();
	drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_MIGRATIONS, 1);
	drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_MIGRATED_PAGES,
			    drm_svm_coord_range_npages(range));
	coord_thrash_params(svm, &params);
	drm_svm_coord_thrash_migrated(&range->thrash, &params, topo, now,
				      vm ? vm->index : 0, to, now - t0);
	drm_svm_coord_range_moved(svm, range, from, to, gpu, range->rule, t0, now, 0);
	coord_thrash_changed(svm, range, old);
	return 0;
}

/* Whether a VRAM allocation for @range suits drm_pagemap (see below). */
static bool coord_range_fits_devmem(const struct drm_svm_coord_range *range)
{
	unsigned long size = drm_svm_coord_range_end(range) -
			     drm_svm_coord_range_start(range);

	return is_power_of_2(size) &&
	       IS_ALIGNED(drm_svm_coord_range_start(range), size);
}

/*
 * Decide where @range's data should be for @vm (or, for a prefetch with
 * @vm NULL, at @request; for a @restore of @vm's entries, where it is) and
 * move it there. A failed move leaves the data where it is, to be mapped
 * there. See Placement.
 *
 * Return: 0, or -EPERM when the GPU must not map the range.
 */
int drm_svm_coord_range_place(struct drm_svm_coord *svm,
			      struct drm_svm_coord_range *range,
			      struct drm_svm_coord_vm *vm,
			      const struct drm_svm_coord_where *w, u32 request,
			      bool restore)
{
	const struct drm_svm_coord_attrs *attrs = &w->attrs;
	struct drm_svm_coord_thrash_params params;
	struct drm_svm_coord_topology topo;
	struct drm_svm_coord_policy_in in = {
		.attrs = attrs,
		.topo = &topo,
		.gpu = vm ? vm->index : DRM_SVM_COORD_MAX_VMS,
		.request = request,
		.restore = restore,
	};
	u64 now = ktime_get_ns();
	unsigned int tries;

	lockdep_assert_held(&range->validate_lock);

	if (range->loc == DRM_SVM_COORD_LOC_UNDEFINED)
		drm_svm_coord_range_look(svm, range, w);
	drm_svm_coord_get_topology(svm, &topo);
	/*
	 * Device-private pages replace anonymous memory only. And only in a
	 * range whose size is a power of two and whose start is aligned to
	 * it: drm_pagemap's migrate_to_ram computes the window it brings
	 * back to RAM with ALIGN_DOWN() and ALIGN() of the allocation's size,
	 * which the odd-sized pieces of a split would get wrong.
	 */
	if (!w->vma_anon || !coord_range_fits_devmem(range))
		topo.room = 0;
	coord_thrash_params(svm, &params);
	for (tries = 0; tries < 3; tries++) {
		struct drm_svm_coord_decision d, naive;
		u32 old = range->thrash.state;
		int err;

		in.cur = range->loc;
		in.thrash = drm_svm_coord_thrash_tick(&range->thrash, &params,
						      now);
		coord_thrash_changed(svm, range, old);
		in.pin_loc = range->thrash.pin_loc;
		d = drm_svm_coord_decide(&in);
		trace_drm_svm_coord_decide(svm->id,
					   drm_svm_coord_range_start(range),
					   drm_svm_coord_range_end(range),
					   in.gpu, in.cur, in.request, in.thrash,
					   d.action, d.loc, d.rule);
		range->rule = d.rule;
		if (d.action == DRM_SVM_COORD_REFUSE)
			return -EPERM;
		if (d.action == DRM_SVM_COORD_MAP) {
			/* Held in place against what the GPU wanted? */
			in.thrash = DRM_SVM_COORD_THRASH_NORMAL;
			naive = drm_svm_coord_decide(&in);
			if (vm && naive.action == DRM_SVM_COORD_MIGRATE)
				drm_svm_coord_thrash_pressure(&range->thrash,
							      now, vm->index);
			return 0;
		}
		err = coord_range_migrate(svm, range, vm, &topo, d.loc);
		if (err == -ENOMEM && d.loc != DRM_SVM_COORD_LOC_SYSMEM) {
			/* No room there: decide again without it. */
			topo.room &= ~BIT_ULL(d.loc);
			continue;
		}
		return 0;
	}
	return 0;
}

/**
 * drm_svm_coord_prefetch_span() - move addresses to their prefetch location
 * @svm: the manager
 * @start: first address, page aligned
 * @end: end address (exclusive), page aligned
 *
 * Creates the ranges of [@start, @end) that do not exist yet and moves
 * their data to the prefetch location of their attributes, before any GPU
 * faults on them. Pages no VMA covers are skipped; a move that fails
 * leaves the data where it is. Called with the manager lock held and a
 * reference on the mm.
 *
 * Return: 0, or -ENOMEM.
 */
int drm_svm_coord_prefetch_span(struct drm_svm_coord *svm,
				unsigned long start, unsigned long end)
{
	struct drm_svm_coord_range *range;
	struct drm_svm_coord_where w;
	unsigned long addr, next;

	lockdep_assert_held(&svm->lock);

	for (addr = start; addr < end; addr = next) {
		cond_resched();
		next = addr + PAGE_SIZE;
		if (drm_svm_coord_where_is(svm, addr, &w)) {
			/* Jump over the hole. */
			next = drm_svm_coord_next_vma(svm, addr);
			continue;
		}
		if (w.attrs.prefetch_loc == DRM_SVM_COORD_LOC_UNDEFINED) {
			next = w.hi;
			continue;
		}
		if (!w.vma_read) {
			next = w.vma_end;
			continue;
		}
		mutex_lock(&svm->tree_lock);
		range = drm_svm_coord_range_find_or_create(svm, &w, addr);
		mutex_unlock(&svm->tree_lock);
		if (range == ERR_PTR(-EAGAIN)) {	/* the VMA changed */
			next = addr;
			continue;
		}
		if (IS_ERR(range))
			return PTR_ERR(range);

		mutex_lock(&range->validate_lock);
		/*
		 * Without current pages the range's location is a hint the
		 * CPU may have made stale (a CPU fault brings data home):
		 * drm_svm_coord_range_place() looks where the data is.
		 */
		if (!range->pfns_valid ||
		    mmu_interval_read_retry(&range->notifier->mn,
					    range->pfns_seq))
			drm_svm_coord_range_set_loc(svm, range, DRM_SVM_COORD_LOC_UNDEFINED);
		if (!range->unmapped && !range->holes)
			drm_svm_coord_range_place(svm, range, NULL, &w,
						  w.attrs.prefetch_loc, false);
		next = drm_svm_coord_range_end(range);
		mutex_unlock(&range->validate_lock);
		drm_svm_coord_range_put(range);
	}
	return 0;
}

/**
 * drm_svm_coord_range_info() - where the data of a range is, and why
 * @svm: the manager
 * @addr: an address of the range
 * @info: out
 *
 * Tells where the range holding @addr has its data, the rule of the
 * residency policy that put it there, and its thrash state: see
 * Residency policy and Thrash control. A location that an invalidation
 * may have made stale (a driver evicted its VRAM, the CPU fetched the
 * pages) is read again from the CPU's page table first, without faulting
 * (see Eviction). Called from process context without the mmap lock.
 *
 * Return: 0, or -ENOENT when no range holds @addr.
 */
int drm_svm_coord_range_info(struct drm_svm_coord *svm, unsigned long addr,
			     struct drm_svm_coord_range_info *info)
{
	struct mm_struct *mm = drm_svm_coord_mm(svm);
	struct drm_svm_coord_thrash_params params;
	struct drm_svm_coord_range *range;
	unsigned int i, n, tries;

	/* To look at a stale location; an exiting mm has none to look at. */
	if (!mmget_not_zero(mm))
		mm = NULL;
	/*
	 * The manager lock until the reference is dropped: a GPU detaching
	 * meanwhile would leave this range, if it left the tree, with a pages
	 * struct of the GPU's device to free (see Locking).
	 */
	down_read(&svm->lock);
	for (tries = 0;; tries++) {
		range = drm_svm_coord_range_lookup(svm, addr);
		if (!range) {
			up_read(&svm->lock);
			if (mm)
				mmput(mm);
			return -ENOENT;
		}
		mutex_lock(&range->validate_lock);
		/*
		 * The garbage collector, which does not take the manager lock,
		 * may have split or destroyed the range since the lookup: its
		 * pieces are what holds @addr now. An unmapped range still in
		 * the tree waits for the collector; it is reported as it is.
		 */
		if (!range->unmapped || tries == 3)
			break;
		mutex_unlock(&range->validate_lock);
		drm_svm_coord_range_put(range);
	}

	coord_thrash_params(svm, &params);
	if (mm)
		drm_svm_coord_range_recheck(svm, range);
	n = min(range->moves, DRM_SVM_COORD_HISTORY);
	*info = (struct drm_svm_coord_range_info) {
		.start = drm_svm_coord_range_start(range),
		.end = drm_svm_coord_range_end(range),
		.loc = range->loc,
		.rule = range->rule,
		.thrash = range->thrash.state,
		.pin_loc = range->thrash.pin_loc,
		.evictions = range->evictions,
		.migrations = range->thrash.migrations,
		.throttles = range->thrash.throttles,
		.pins = range->thrash.pins,
		.cost_ns = range->thrash.cost_ns,
		.window_ns = drm_svm_coord_thrash_window(&range->thrash, &params),
		.quiet_ns = drm_svm_coord_thrash_quiet(&range->thrash, &params),
		.mapped = READ_ONCE(range->mapped),
		.nr_history = n,
	};
	for (i = 0; i < n; i++)
		info->history[i] = range->history[(range->moves - n + i) %
						  DRM_SVM_COORD_HISTORY];
	mutex_unlock(&range->validate_lock);
	drm_svm_coord_range_put(range);
	up_read(&svm->lock);
	if (mm)
		mmput(mm);
	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_range_info);
