// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/minmax.h>

#include <kunit/visibility.h>

#include "drm_svm_coord_priv.h"

/**
 * DOC: Residency policy
 *
 * One pure function, drm_svm_coord_decide(), chooses where the pages of a
 * range live for every GPU of the mm. It takes plain inputs (the range's
 * attributes, where its data is, the requesting GPU, the topology of the
 * GPUs and the range's thrash state) and returns a decision: map the data
 * where it is (locally, or remotely from a peer's VRAM or from system
 * memory), migrate it first, or refuse. It takes no lock and touches no
 * mm; the fault path acts on its answer under the range's validate_lock,
 * so two GPUs faulting on one range get one decision each, one after the
 * other.
 *
 * A GPU *reaches* system memory always, and the VRAM of the GPUs in its
 * reach mask (itself and the peers that share its device-private page
 * owner, see drm_pagemap_acquire_owner()). A GPU may only be given a
 * mapping of a location it reaches. A move to a GPU's VRAM needs that GPU
 * to have VRAM with room for the range.
 *
 * The rules, first match wins, for a request of GPU g on data at cur:
 *
 * 1. g has %DRM_SVM_COORD_ATTR_NO_ACCESS: refuse.
 * 2. A restore (the restore worker maps g again after an invalidation, a
 *    split or a failed unmap took its entries, see Restore): map where
 *    the data is if g reaches it, else move it to system memory. A
 *    restore is no access of the GPU: whoever moved the data (a CPU
 *    fault, another device, the driver's eviction) wanted it there, and
 *    moving it back at once fights them without end (a reader that needs
 *    the whole range at once never gets it). A fault (for a GPU that can
 *    fault), a prefetch or a new preferred location decides by the rules
 *    below again, as KFD's restore worker maps a range where it is and
 *    moves it on a prefetch.
 * 3. An explicit prefetch to a location L: move to L if L is system memory,
 *    or a GPU with VRAM and room; otherwise leave the data where it is. The
 *    user asked, so thrash state does not veto it.
 * 4. g has %DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE: map where the data is if g
 *    reaches it, else move it to system memory, which every GPU reaches.
 * 5. The range is pinned by thrash control: the data goes to (or stays at)
 *    the pinned location if g reaches it, else to system memory.
 * 6. A preferred location P is set: system memory → move there; a GPU
 *    with VRAM that g reaches → move there (map if already there; if P has
 *    no room, go on with the next rules). So does a P that g cannot
 *    reach, as in KFD's restore-location rules.
 * 7. The range is throttled by thrash control: map where the data is if g
 *    reaches it (no migration while the competitors settle).
 * 8. Default, first touch wins the GPU that uses it: g's own VRAM if it
 *    has room (map if the data is already there); else map where the data
 *    is if g reaches it; else move to system memory.
 *
 * The order follows UVM's residency order (thrash pin before preferred
 * location, accessed-by remote maps) and KFD's (preferred location if
 * reachable, else the faulting GPU), with the explicit requests (no
 * access, prefetch, in place) first because the user stated them, and
 * restores before them because they are no request at all.
 */

/**
 * DOC: Thrash control
 *
 * Each range keeps a &struct drm_svm_coord_thrash, a small state machine
 * driven by plain calls with a timestamp, so it is tested without clocks:
 *
 * - NORMAL: every migration of the range is recorded. When
 *   &drm_svm_coord_thrash_params.threshold migrations follow each other,
 *   each within the *window* of the previous one, the range is THROTTLED.
 * - THROTTLED: GPUs map the data where it is when they reach it (rule 7
 *   above). A GPU that cannot reach it still gets a migration, counted as
 *   pressure; after &drm_svm_coord_thrash_params.pin_after such
 *   migrations the range is PINNED to a location every competitor (every
 *   GPU that moved it in this episode) reaches: the current location when
 *   they all reach it, else system memory.
 * - PINNED: the data stays at the pinned location and everybody maps it
 *   there (rule 5).
 * - Either state falls back to NORMAL after a *quiet period* without
 *   pressure (no fault on the range that wanted to move it).
 *
 * UVM uses fixed knobs (3 events in 500 µs, pin for 300 lapses). Here the
 * window and the quiet period adapt to what a migration of this very range
 * costs: the coordinator measures each migration's copy time and keeps a
 * moving average (&drm_svm_coord_thrash.cost_ns). Migrations closer than
 * &drm_svm_coord_thrash_params.cost_mult times that cost spend more time
 * copying than working between the copies, whatever the range's size or
 * the copy engine's speed; the fixed &drm_svm_coord_thrash_params.lapse_ns
 * is only the floor for ranges too cheap to measure. The quiet period is
 * max(&drm_svm_coord_thrash_params.quiet_ns, quiet_mult × cost), so an
 * expensive range stays pinned longer before it may move again. The
 * defaults (settings of each manager, see Settings) are: threshold 3 and a
 * 500 µs floor, as UVM; cost_mult 16, the point where copies take at most
 * 1/16 of the time; pin_after 2; a quiet period of 1 s (UVM's epoch) or
 * 256 copies. A threshold of 0 disables thrash control: every fault
 * follows the other rules, which is the naive policy.
 */

/**
 * DOC: Eviction targets
 *
 * Where a range evicted from a full VRAM goes (see Eviction) is decided by
 * one more pure function, drm_svm_coord_evict_to(), from the range's
 * attributes, the topology and the GPUs that use the range (those that map
 * it, those the user named with %DRM_SVM_COORD_ATTR_ACCESS or
 * %DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE, and the competitors of a thrash
 * episode):
 *
 * 1. A preferred location of system memory: system memory.
 * 2. A peer of the full GPU (a GPU with VRAM that shares its owner, so the
 *    copy goes VRAM to VRAM) that every user reaches, that has room and
 *    that is not told %DRM_SVM_COORD_ATTR_NO_ACCESS: the preferred
 *    location if it is such a peer, else the lowest-numbered one. The data
 *    stays in VRAM, mapped remotely by its users until one of them faults it
 *    home.
 * 3. Otherwise system memory, which every GPU reaches.
 *
 * An eviction never evicts in turn: a peer without room is dropped from
 * the candidates and the function is asked again. A range pinned by thrash
 * control takes its pin along to where it was evicted.
 */

/**
 * drm_svm_coord_reaches() - whether a GPU can map a location
 * @topo: the topology
 * @gpu: the GPU
 * @loc: a location: %DRM_SVM_COORD_LOC_SYSMEM or a GPU index
 *
 * Return: true for system memory, and for the VRAM of a GPU in @gpu's
 * reach mask that has VRAM.
 */
bool drm_svm_coord_reaches(const struct drm_svm_coord_topology *topo,
			   unsigned int gpu, u32 loc)
{
	if (loc == DRM_SVM_COORD_LOC_SYSMEM)
		return true;
	if (loc >= DRM_SVM_COORD_MAX_VMS || gpu >= DRM_SVM_COORD_MAX_VMS)
		return false;
	return (topo->vram & BIT_ULL(loc)) && (topo->reach[gpu] & BIT_ULL(loc));
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_reaches);

static bool coord_can_take(const struct drm_svm_coord_topology *topo, u32 loc)
{
	if (loc == DRM_SVM_COORD_LOC_SYSMEM)
		return true;
	return loc < DRM_SVM_COORD_MAX_VMS &&
	       (topo->vram & topo->room & BIT_ULL(loc));
}

static struct drm_svm_coord_decision
coord_decided(const struct drm_svm_coord_policy_in *in, u32 loc,
	      enum drm_svm_coord_rule rule)
{
	struct drm_svm_coord_decision d = {
		.action = loc == in->cur ? DRM_SVM_COORD_MAP :
					   DRM_SVM_COORD_MIGRATE,
		.loc = loc,
		.rule = rule,
	};

	return d;
}

/**
 * drm_svm_coord_decide() - where the data of a range should be for a GPU
 * @in: the facts, see &struct drm_svm_coord_policy_in
 *
 * Applies the rules of the Residency policy section in order. Pure: the
 * same input gives the same decision.
 *
 * Return: the decision. For %DRM_SVM_COORD_MAP and
 * %DRM_SVM_COORD_MIGRATE, @loc is where the GPU maps the data from
 * afterwards, and the requesting GPU reaches it.
 */
struct drm_svm_coord_decision
drm_svm_coord_decide(const struct drm_svm_coord_policy_in *in)
{
	const struct drm_svm_coord_topology *topo = in->topo;
	const struct drm_svm_coord_attrs *attrs = in->attrs;
	unsigned int g = in->gpu;
	u64 bit = g < DRM_SVM_COORD_MAX_VMS ? BIT_ULL(g) : 0;
	bool reach_cur = drm_svm_coord_reaches(topo, g, in->cur);
	u32 loc;

	/* 1. The user said this GPU must not map the range. */
	if (attrs->no_access & bit) {
		struct drm_svm_coord_decision d = {
			.action = DRM_SVM_COORD_REFUSE,
			.loc = in->cur,
			.rule = DRM_SVM_COORD_RULE_NO_ACCESS,
		};
		return d;
	}

	/* 2. A restore maps the data where it is, or where every GPU reaches. */
	if (in->restore)
		return coord_decided(in, reach_cur ? in->cur : DRM_SVM_COORD_LOC_SYSMEM,
				     DRM_SVM_COORD_RULE_RESTORE);

	/* 3. An explicit prefetch moves the data if the target can take it. */
	if (in->request != DRM_SVM_COORD_LOC_UNDEFINED) {
		loc = in->request;
		if (!coord_can_take(topo, loc))
			loc = in->cur;
		return coord_decided(in, loc, DRM_SVM_COORD_RULE_PREFETCH);
	}

	/* 4. Map in place when possible, else where every GPU reaches. */
	if (attrs->access_in_place & bit)
		return coord_decided(in, reach_cur ? in->cur : DRM_SVM_COORD_LOC_SYSMEM,
			  DRM_SVM_COORD_RULE_IN_PLACE);

	/* 5. Thrash control pinned the range. */
	if (in->thrash == DRM_SVM_COORD_THRASH_PINNED) {
		loc = in->pin_loc;
		if (!drm_svm_coord_reaches(topo, g, loc) ||
		    (loc != in->cur && !coord_can_take(topo, loc)))
			loc = DRM_SVM_COORD_LOC_SYSMEM;
		return coord_decided(in, loc, DRM_SVM_COORD_RULE_PINNED);
	}

	/* 6. The preferred location, when this GPU reaches it. */
	loc = attrs->preferred_loc;
	if (loc == DRM_SVM_COORD_LOC_SYSMEM)
		return coord_decided(in, loc, DRM_SVM_COORD_RULE_PREFERRED);
	if (loc != DRM_SVM_COORD_LOC_UNDEFINED &&
	    drm_svm_coord_reaches(topo, g, loc) &&
	    (loc == in->cur || coord_can_take(topo, loc)))
		return coord_decided(in, loc, DRM_SVM_COORD_RULE_PREFERRED);

	/* 7. Throttled: no migration for GPUs that reach the data. */
	if (in->thrash == DRM_SVM_COORD_THRASH_THROTTLED && reach_cur)
		return coord_decided(in, in->cur, DRM_SVM_COORD_RULE_THROTTLED);

	/* 8. The faulting GPU's VRAM, else where the data is, else sysmem. */
	if (g == in->cur || ((topo->vram & bit) && coord_can_take(topo, g)))
		return coord_decided(in, g, DRM_SVM_COORD_RULE_LOCAL);
	if (reach_cur)
		return coord_decided(in, in->cur, DRM_SVM_COORD_RULE_STAY);
	return coord_decided(in, DRM_SVM_COORD_LOC_SYSMEM,
		       DRM_SVM_COORD_RULE_UNREACHABLE);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_decide);

/**
 * drm_svm_coord_evict_to() - where a range evicted from a full VRAM goes
 * @attrs: the range's attributes
 * @topo: the topology; @topo->room holds the VRAMs that may take the range
 * @from: the GPU whose VRAM is full
 * @users: the GPUs that use the range (see Eviction)
 *
 * Applies the rules of the Eviction section. Pure.
 *
 * Return: the index of a peer GPU whose VRAM takes the range, or
 * %DRM_SVM_COORD_LOC_SYSMEM.
 */
u32 drm_svm_coord_evict_to(const struct drm_svm_coord_attrs *attrs,
			   const struct drm_svm_coord_topology *topo,
			   unsigned int from, u64 users)
{
	u64 peers;
	unsigned int u;

	if (attrs->preferred_loc == DRM_SVM_COORD_LOC_SYSMEM ||
	    from >= DRM_SVM_COORD_MAX_VMS)
		return DRM_SVM_COORD_LOC_SYSMEM;

	peers = topo->vram & topo->room & topo->reach[from] & ~BIT_ULL(from) &
		~attrs->no_access;
	for_each_set_bit(u, (unsigned long *)&users, DRM_SVM_COORD_MAX_VMS)
		peers &= topo->reach[u];
	if (!peers)
		return DRM_SVM_COORD_LOC_SYSMEM;
	if (attrs->preferred_loc < DRM_SVM_COORD_MAX_VMS &&
	    (peers & BIT_ULL(attrs->preferred_loc)))
		return attrs->preferred_loc;
	return __ffs64(peers);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_evict_to);

/**
 * drm_svm_coord_thrash_window() - the window of a range's thrash detection
 * @t: the range's thrash state
 * @p: the parameters
 *
 * Return: max(@p->lapse_ns, @p->cost_mult × @t->cost_ns), in ns.
 */
u64 drm_svm_coord_thrash_window(const struct drm_svm_coord_thrash *t,
				const struct drm_svm_coord_thrash_params *p)
{
	return max(p->lapse_ns, (u64)p->cost_mult * t->cost_ns);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_thrash_window);

/**
 * drm_svm_coord_thrash_quiet() - the quiet period that ends an episode
 * @t: the range's thrash state
 * @p: the parameters
 *
 * Return: max(@p->quiet_ns, @p->quiet_mult × @t->cost_ns), in ns.
 */
u64 drm_svm_coord_thrash_quiet(const struct drm_svm_coord_thrash *t,
			       const struct drm_svm_coord_thrash_params *p)
{
	return max(p->quiet_ns, (u64)p->quiet_mult * t->cost_ns);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_thrash_quiet);

/**
 * drm_svm_coord_thrash_tick() - let time pass for a range's thrash state
 * @t: the range's thrash state
 * @p: the parameters
 * @now: the time, in ns, never earlier than the last call's
 *
 * Ends a THROTTLED or PINNED episode after its quiet period. Called before
 * each decision.
 *
 * Return: the state after the tick.
 */
enum drm_svm_coord_thrash_state
drm_svm_coord_thrash_tick(struct drm_svm_coord_thrash *t,
			  const struct drm_svm_coord_thrash_params *p, u64 now)
{
	if (!p->threshold) {
		t->state = DRM_SVM_COORD_THRASH_NORMAL;
	} else if (t->state != DRM_SVM_COORD_THRASH_NORMAL &&
		   now - t->mark_ns > drm_svm_coord_thrash_quiet(t, p)) {
		t->state = DRM_SVM_COORD_THRASH_NORMAL;
		t->events = 0;
		t->pressure = 0;
		t->competitors = 0;
	}
	return t->state;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_thrash_tick);

/**
 * drm_svm_coord_thrash_pressure() - a fault wanted to move a held range
 * @t: the range's thrash state
 * @now: the time, in ns
 * @who: the GPU that faulted
 *
 * While THROTTLED or PINNED, a fault whose GPU would have moved the range
 * without thrash control restarts the quiet period and joins the
 * competitors. No effect in NORMAL state.
 */
void drm_svm_coord_thrash_pressure(struct drm_svm_coord_thrash *t, u64 now,
				   unsigned int who)
{
	if (t->state == DRM_SVM_COORD_THRASH_NORMAL)
		return;
	t->mark_ns = now;
	t->competitors |= BIT_ULL(who);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_thrash_pressure);

/**
 * drm_svm_coord_thrash_pin_loc() - where a thrashing range should stay
 * @topo: the topology
 * @competitors: the GPUs that moved the range in this episode
 * @cur: where the data is
 *
 * Return: @cur when every competitor reaches it, else system memory.
 */
u32 drm_svm_coord_thrash_pin_loc(const struct drm_svm_coord_topology *topo,
				 u64 competitors, u32 cur)
{
	u64 left = competitors;

	while (left) {
		unsigned int g = __ffs64(left);

		left &= left - 1;
		if (!drm_svm_coord_reaches(topo, g, cur))
			return DRM_SVM_COORD_LOC_SYSMEM;
	}
	return cur;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_thrash_pin_loc);

/**
 * drm_svm_coord_thrash_migrated() - record a migration of a range
 * @t: the range's thrash state
 * @p: the parameters
 * @topo: the topology
 * @now: the time, in ns, when the migration ended
 * @who: the GPU that asked for it
 * @to: where the data went
 * @cost_ns: how long the migration took
 *
 * Updates the cost average, counts the migration and moves the state
 * machine (see Thrash control).
 *
 * Return: the state after the migration.
 */
enum drm_svm_coord_thrash_state
drm_svm_coord_thrash_migrated(struct drm_svm_coord_thrash *t,
			      const struct drm_svm_coord_thrash_params *p,
			      const struct drm_svm_coord_topology *topo,
			      u64 now, unsigned int who, u32 to, u64 cost_ns)
{
	u64 window;

	t->cost_ns = t->cost_ns ? (3 * t->cost_ns + cost_ns) / 4 : cost_ns;
	t->migrations++;
	if (!p->threshold)
		return t->state;

	window = drm_svm_coord_thrash_window(t, p);
	switch (t->state) {
	case DRM_SVM_COORD_THRASH_NORMAL:
		if (t->events && now - t->last_ns <= window) {
			t->events++;
		} else {
			t->events = 1;
			t->competitors = 0;
		}
		t->competitors |= BIT_ULL(who);
		if (t->events >= p->threshold) {
			t->state = DRM_SVM_COORD_THRASH_THROTTLED;
			t->mark_ns = now;
			t->pressure = 0;
			t->throttles++;
		}
		break;
	case DRM_SVM_COORD_THRASH_THROTTLED:
		/* A competitor that cannot reach the data had to move it. */
		t->competitors |= BIT_ULL(who);
		t->mark_ns = now;
		if (++t->pressure >= p->pin_after) {
			t->state = DRM_SVM_COORD_THRASH_PINNED;
			t->pin_loc = drm_svm_coord_thrash_pin_loc(topo,
								  t->competitors,
								  to);
			t->pins++;
		}
		break;
	case DRM_SVM_COORD_THRASH_PINNED:
		/* Moved to the pin, or off it for a GPU that cannot reach it */
		t->competitors |= BIT_ULL(who);
		t->mark_ns = now;
		t->pin_loc = to;
		break;
	}
	t->last_ns = now;
	return t->state;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_thrash_migrated);
