// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/hmm.h>
#include <linux/ktime.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>

#include <drm/drm_pagemap.h>

#include "drm_svm_coord_priv.h"
#include "drm_svm_coord_trace.h"

/**
 * DOC: Migration
 *
 * How a range's data moves once the placement decided (see Placement):
 *
 * - to system memory: hmm_range_fault() without a device-private owner,
 *   so that each device page comes back through drm_pagemap's
 *   &dev_pagemap_ops.migrate_to_ram, which moves its whole allocation;
 * - to a GPU's VRAM: &drm_svm_coord_ops.devmem_alloc, then
 *   drm_pagemap_migrate_to_devmem(). Pages in the VRAM of a peer that
 *   shares the target's owner move directly, VRAM to VRAM, with the peer's
 *   copy engine; pages in a VRAM out of the target's reach go through
 *   system memory first.
 *
 * A range created while a GPU with VRAM is attached does not know where
 * its data is (%DRM_SVM_COORD_LOC_UNDEFINED): an attribute change may have
 * retired the range that knew, and the data may sit in any VRAM. Before its
 * first decision the CPU's page table is read without faulting, once per
 * group of GPUs sharing a device-private owner, to find out, so that a
 * move from a VRAM out of the target's reach goes through system memory
 * and the history says where the data came from. A prefetch does the same
 * for a range whose pages are not current.
 *
 * A move into a full VRAM first evicts the least recently used ranges from
 * it (see Eviction). Only anonymous memory can be replaced by
 * device-private pages: a range of any other VMA (shared memory, a file)
 * is placed as if no VRAM had room, so it stays in system memory and
 * nothing is evicted for it.
 *
 * A range's location is set when a move ends, but a move the coordinator
 * did not make also changes it, and the coordinator only hears of that
 * from its MMU notifier (see Eviction, "Moves behind the coordinator's
 * back"). So a location is trusted only while no invalidation that may
 * move pages hit the range since it was read from the CPU's page table;
 * otherwise (&drm_svm_coord_range.loc_stale) it is read again before it
 * is used, as for a range that never knew.
 */

/**
 * DOC: Eviction
 *
 * When a move into a GPU's VRAM finds no room
 * (&drm_svm_coord_ops.devmem_alloc fails with -ENOMEM), the coordinator
 * evicts ranges from that VRAM, least recently used first, until the
 * allocation succeeds. Each GPU with VRAM has an LRU of the ranges whose
 * data it holds (&drm_svm_coord.lru), touched at every mapping. A victim
 * is taken only if its validation mutex can be taken without waiting
 * (the faulting range holds its own), and tried ranges go behind the
 * others. Where an evicted range goes is decided by
 * drm_svm_coord_evict_to() (see Eviction targets).
 *
 * A GPU that detaches has its VRAM emptied to system memory first
 * (drm_svm_coord_ranges_evict_vm()): the ranges it held must stay usable
 * by the GPUs that remain, and its VRAM is not the manager's to track any
 * more.
 *
 * Moves behind the coordinator's back. A GPU driver evicts VRAM on its
 * own: TTM moves the buffer object behind an SVM allocation to system
 * memory under memory pressure, on suspend or on device removal, with
 * drm_pagemap_evict_to_ram() (migrate_device_pfns(): the pages are found
 * by pfn, and try_to_migrate() invalidates them as MMU_NOTIFY_CLEAR); and
 * a CPU fault brings device pages home (MMU_NOTIFY_MIGRATE). The notifier
 * callback is all the coordinator learns, and it runs in reclaim under the
 * notifier lock: it can take no range's mutex, so it zaps and DMA-unmaps
 * the pages on every GPU as for any invalidation (see Invalidation) and
 * marks each range hit by an event that may move or free pages
 * (everything but protection changes, soft-dirty tracking and
 * device-exclusive access) as having a stale location
 * (&drm_svm_coord_range.loc_stale). The coordinator's own moves are
 * marked the same way; their location, set once the move is done, stays
 * a guess until a fault maps the pages the move left. What it promises:
 *
 * - Location: a stale location is read again from the CPU's page table,
 *   without faulting (drm_svm_coord_range_look(), which clears the mark
 *   before it reads, so that an invalidation during the read marks the
 *   range again), before it is used: by a fault or a prefetch before the
 *   residency decision, by drm_svm_coord_range_info() before it reports
 *   (drm_svm_coord_range_recheck()), by an eviction before it takes the
 *   range as a victim. So the location reported says system memory as
 *   soon as the data is there. A fault that maps pages still current
 *   under the notifier lock clears the mark: it read them after the last
 *   invalidation.
 * - LRU: the range stays on the LRU of the VRAM it was in until it is
 *   looked at (an invalidation may move nothing, a migration may fail,
 *   and a detach must still find what the VRAM holds); an eviction that
 *   finds its data gone moves it to where the data is (off the LRU for
 *   system memory) and asks for the allocation again, without counting
 *   an eviction or recording a move: the VRAM may have room now. A look
 *   that cannot read the page table (contention, a VMA change) keeps the
 *   location and the LRU place, still stale. A
 *   range whose pages left in part while a GPU mapped it has holes and is
 *   skipped, then split or retired (see Splitting).
 * - Data and mappings: the GPUs lost their entries and DMA mappings of
 *   the pages before these were freed, and fault the data back from
 *   where it is now, where the residency policy decides again.
 *
 * A look that runs while a migration is in flight sees migration
 * entries, which read as system memory: the pages' destination for an
 * eviction. A migration that then fails puts the pages back without an
 * invalidation, so that location stays wrong until a GPU fault maps the
 * range again (a known gap: telling migration entries apart needs more
 * of hmm_range_fault() than it reports without faulting).
 */

/*
 * Record where @range's data is, and keep the range on the LRU of the GPU
 * whose VRAM holds it, as the most recently used there. Only an attached
 * GPU with VRAM has an LRU: a range whose data is left in the VRAM of a GPU
 * that detached is on none.
 */
void drm_svm_coord_range_set_loc(struct drm_svm_coord *svm,
				 struct drm_svm_coord_range *range, u32 loc)
{
	range->loc = loc;
	spin_lock(&svm->lru_lock);
	if (loc < DRM_SVM_COORD_MAX_VMS && (READ_ONCE(svm->vram) & BIT_ULL(loc)))
		list_move_tail(&range->lru_link, &svm->lru[loc]);
	else
		list_del_init(&range->lru_link);
	spin_unlock(&svm->lru_lock);
}

/**
 * drm_svm_coord_range_touch() - mark a range as just used
 * @svm: the manager
 * @range: the range, moved to the tail of its VRAM's LRU: the last to evict
 */
void drm_svm_coord_range_touch(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range)
{
	spin_lock(&svm->lru_lock);
	if (!list_empty(&range->lru_link))
		list_move_tail(&range->lru_link, &svm->lru[range->loc]);
	spin_unlock(&svm->lru_lock);
}

/**
 * drm_svm_coord_get_topology() - the GPUs as the residency policy sees them
 * @svm: the manager
 * @topo: out: the GPUs with VRAM, those assumed to have room, and who
 *	reaches whose VRAM
 *
 * Under the manager lock.
 */
void drm_svm_coord_get_topology(struct drm_svm_coord *svm,
				struct drm_svm_coord_topology *topo)
{
	u64 gpus = svm->attached, vram = svm->vram;
	unsigned int g, h;

	lockdep_assert_held(&svm->lock);

	memset(topo, 0, sizeof(*topo));
	topo->vram = vram;
	/* Room is found out by allocating: see drm_svm_coord_range_place(). */
	topo->room = vram;
	for_each_set_bit(g, (unsigned long *)&gpus, DRM_SVM_COORD_MAX_VMS) {
		void *owner = svm->vms[g]->caps.pagemap_owner;

		if (!owner)
			continue;
		for_each_set_bit(h, (unsigned long *)&vram, DRM_SVM_COORD_MAX_VMS)
			if (svm->vms[h]->caps.pagemap_owner == owner)
				topo->reach[g] |= BIT_ULL(h);
	}
}

/*
 * The GPU of the manager whose VRAM @page is, or DRM_SVM_COORD_LOC_MIXED.
 * By the page's dev_pagemap, which lives as long as the device: the
 * page's zone-device data (drm_pagemap_page_to_dpagemap()) may be freed by
 * a CPU fault migrating the page back as soon as hmm_range_fault() returns,
 * and is only safe to read under the notifier lock after the sequence
 * check.
 */
static u32 coord_page_location(struct drm_svm_coord *svm, struct page *page)
{
	struct dev_pagemap *pgmap = page_pgmap(page);
	u64 vram = svm->vram;
	unsigned int h;

	for_each_set_bit(h, (unsigned long *)&vram, DRM_SVM_COORD_MAX_VMS)
		if (svm->vms[h]->caps.dpagemap->pagemap == pgmap)
			return h;
	return DRM_SVM_COORD_LOC_MIXED;
}

/*
 * Where the faulted pages of @range are: system memory, the VRAM of one
 * GPU (some pages may be in system memory), or DRM_SVM_COORD_LOC_MIXED for
 * pages in several VRAMs or in a VRAM the manager does not know.
 */
u32 drm_svm_coord_pfns_location(struct drm_svm_coord *svm,
				struct drm_svm_coord_range *range)
{
	u32 loc = DRM_SVM_COORD_LOC_SYSMEM;
	struct dev_pagemap *last = NULL;
	unsigned long i;

	lockdep_assert_held(&range->validate_lock);

	for (i = 0; i < drm_svm_coord_range_npages(range); i++) {
		struct page *page;

		if (!(range->pfns[i] & HMM_PFN_VALID))
			continue;
		page = hmm_pfn_to_page(range->pfns[i]);
		if (!is_device_private_page(page) || page_pgmap(page) == last)
			continue;
		if (last)
			return DRM_SVM_COORD_LOC_MIXED;
		last = page_pgmap(page);
		loc = coord_page_location(svm, page);
		if (loc == DRM_SVM_COORD_LOC_MIXED)
			return loc;
	}
	return loc;
}

/* Under the manager lock: a GPU that is not attached is in no group. */
static bool coord_same_group(struct drm_svm_coord *svm, u32 a, u32 b)
{
	if (a >= DRM_SVM_COORD_MAX_VMS || b >= DRM_SVM_COORD_MAX_VMS ||
	    !svm->vms[a] || !svm->vms[b])
		return false;
	return svm->vms[a]->caps.pagemap_owner ==
	       svm->vms[b]->caps.pagemap_owner;
}

/*
 * Bring every page of @range to system memory: hmm_range_fault() without
 * an owner makes the CPU fault path migrate device pages back
 * (&dev_pagemap_ops.migrate_to_ram, drm_pagemap's). With @write, the CPU
 * fault path also breaks copy-on-write of the pages it brings back.
 */
int drm_svm_coord_range_to_ram(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range, bool write)
{
	unsigned long seq;
	int err;

	range->pfns_valid = false;
	err = drm_svm_coord_range_fault_pages(svm, range, NULL, write, &seq);
	if (!err)
		drm_svm_coord_range_set_loc(svm, range, drm_svm_coord_pfns_location(svm, range));
	if (!err && range->loc != DRM_SVM_COORD_LOC_SYSMEM)
		err = -EAGAIN;	/* raced with another move */
	return err;
}

/*
 * Where the data of @range is, for a range that does not know (see
 * Migration): the CPU's page table is read without faulting anything,
 * once per group of GPUs that share a device-private page owner, since
 * hmm_range_fault() reports only the device pages of the owner it is
 * given. Returns -ENOMEM or the walk's error when it could not read
 * (contention with invalidations, a VMA change, a kill), writing nothing
 * to @loc, which tells a result from a failure.
 */
static int coord_range_find_data(struct drm_svm_coord *svm,
				 struct drm_svm_coord_range *range,
				 const struct drm_svm_coord_where *w, u32 *where)
{
	u64 vram = svm->vram, seen = 0;
	u32 loc = DRM_SVM_COORD_LOC_SYSMEM;
	unsigned int g, h;
	int err;

	lockdep_assert_held(&range->validate_lock);

	/* Device-private pages replace anonymous memory only. */
	if (!w->vma_anon) {
		*where = DRM_SVM_COORD_LOC_SYSMEM;
		return 0;
	}
	if (drm_svm_coord_range_pfns_alloc(range))
		return -ENOMEM;
	range->pfns_valid = false;
	for_each_set_bit(g, (unsigned long *)&vram, DRM_SVM_COORD_MAX_VMS) {
		struct hmm_range hmm_range = {
			.notifier = &range->notifier->mn,
			.start = drm_svm_coord_range_start(range),
			.end = drm_svm_coord_range_end(range),
			.hmm_pfns = range->pfns,
			.dev_private_owner = svm->vms[g]->caps.pagemap_owner,
		};
		u32 here;

		if (seen & BIT_ULL(g))
			continue;
		for_each_set_bit(h, (unsigned long *)&vram, DRM_SVM_COORD_MAX_VMS)
			if (coord_same_group(svm, g, h))
				seen |= BIT_ULL(h);
		err = hmm_range_fault_unlocked_timeout(&hmm_range,
						       msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT));
		if (err)
			return err;
		here = drm_svm_coord_pfns_location(svm, range);
		if (here == DRM_SVM_COORD_LOC_SYSMEM)
			continue;
		if (loc != DRM_SVM_COORD_LOC_SYSMEM ||
		    here == DRM_SVM_COORD_LOC_MIXED) {
			loc = DRM_SVM_COORD_LOC_MIXED;
			break;
		}
		loc = here;
	}
	*where = loc;
	return 0;
}

/**
 * drm_svm_coord_range_look() - read where a range's data is now
 * @svm: the manager
 * @range: the range
 * @w: what the fault path knows of the range's start (its VMA)
 *
 * Reads the CPU's page table without faulting
 * (coord_range_find_data()) and records the location; the range
 * keeps its LRU place when it is the one recorded. The stale mark is
 * cleared first, so that an invalidation during or after the read marks
 * the range again (see Eviction). Under the manager lock and @range's
 * validate_lock, with a reference on the mm.
 */
void drm_svm_coord_range_look(struct drm_svm_coord *svm,
			      struct drm_svm_coord_range *range,
			      const struct drm_svm_coord_where *w)
{
	u32 loc;

	lockdep_assert_held(&svm->lock);
	lockdep_assert_held(&range->validate_lock);

	drm_svm_coord_notifier_lock_read(svm);
	range->loc_stale = false;
	drm_svm_coord_notifier_unlock_read(svm);
	if (coord_range_find_data(svm, range, w, &loc)) {
		/*
		 * Nothing learnt: a location known before stays, still a
		 * guess (and the range keeps its LRU place, so that an
		 * eviction or a detach still finds what may be in VRAM).
		 * Without one, as before: nothing can be ruled out.
		 */
		if (range->loc != DRM_SVM_COORD_LOC_UNDEFINED) {
			drm_svm_coord_notifier_lock_read(svm);
			range->loc_stale = true;
			drm_svm_coord_notifier_unlock_read(svm);
			return;
		}
		loc = DRM_SVM_COORD_LOC_MIXED;
	}
	if (loc != range->loc)
		drm_svm_coord_range_set_loc(svm, range, loc);
}

/**
 * drm_svm_coord_range_recheck() - look again at a range's stale location
 * @svm: the manager
 * @range: the range
 *
 * drm_svm_coord_range_look() for a range marked stale by the notifier
 * (see Eviction), while a GPU with VRAM is attached. A range that lost
 * pages (unmapped, with holes) or no longer fits its VMA waits for the
 * garbage collector or the fault path instead. Under the manager lock and
 * @range's validate_lock, with a reference on the mm; takes the mmap lock.
 *
 * Return: true if it looked.
 */
bool drm_svm_coord_range_recheck(struct drm_svm_coord *svm,
				 struct drm_svm_coord_range *range)
{
	struct drm_svm_coord_where w;
	bool stale;

	lockdep_assert_held(&svm->lock);
	lockdep_assert_held(&range->validate_lock);

	drm_svm_coord_notifier_lock_read(svm);
	stale = range->loc_stale && !range->unmapped && !range->holes;
	drm_svm_coord_notifier_unlock_read(svm);
	if (!stale || !svm->vram ||
	    drm_svm_coord_where_is(svm, drm_svm_coord_range_start(range), &w) ||
	    !drm_svm_coord_range_within(range, w.lo, w.hi))
		return false;
	drm_svm_coord_range_look(svm, range, &w);
	return true;
}

/*
 * Remember a move of @range's data (see &struct drm_svm_coord_move), and
 * trace it with its outcome @err.
 */
void drm_svm_coord_range_moved(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range, u32 from, u32 to,
			       unsigned int gpu, u32 rule, u64 t0, u64 now, int err)
{
	struct drm_svm_coord_move *m;

	lockdep_assert_held(&range->validate_lock);

	trace_drm_svm_coord_move(svm->id, drm_svm_coord_range_start(range),
				 drm_svm_coord_range_end(range), from, to, gpu,
				 rule, rule == DRM_SVM_COORD_RULE_NUM, now - t0,
				 err);
	if (err)
		return;
	m = &range->history[range->moves++ % DRM_SVM_COORD_HISTORY];
	*m = (struct drm_svm_coord_move) {
		.time_ns = now,
		.cost_ns = now - t0,
		.from = from,
		.to = to,
		.gpu = min(gpu, DRM_SVM_COORD_MAX_VMS),
		.rule = rule,
		.evicted = rule == DRM_SVM_COORD_RULE_NUM,
		.thrash = range->thrash.state,
	};
}

/*
 * hmm_range_fault() hands out the device pages of the owner it is asked
 * for as they are, without the copy-on-write break a write request asks
 * for: after fork(), pages in VRAM are mapped read-only by parent and
 * child. Fault @range for writing without an owner instead: the CPU's
 * fault path brings each device page back to system memory
 * (&dev_pagemap_ops.migrate_to_ram) and breaks copy-on-write there, so
 * that the process gets pages of its own. The residency policy then
 * decides again where they go.
 */
int drm_svm_coord_range_break_cow(struct drm_svm_coord *svm,
				  struct drm_svm_coord_range *range,
				  struct drm_svm_coord_vm *vm)
{
	u32 from = range->loc;
	u64 t0 = ktime_get_ns();
	int err;

	err = drm_svm_coord_range_to_ram(svm, range, true);
	if (err && err != -EAGAIN)
		return err;
	if (from != range->loc)
		drm_svm_coord_range_moved(svm, range, from, range->loc, vm->index,
					  range->rule, t0, ktime_get_ns(), 0);
	return -EAGAIN;
}

static int coord_range_evict(struct drm_svm_coord *svm,
			     struct drm_svm_coord_range *victim, unsigned int from,
			     struct drm_svm_coord_topology *topo);

/*
 * Evict one range from the VRAM of GPU @from, least recently used first,
 * for @range, which the caller holds. See Eviction.
 *
 * Return: true if a range left that VRAM.
 */
static bool coord_vram_evict_one(struct drm_svm_coord *svm,
				 struct drm_svm_coord_range *range, unsigned int from,
				 struct drm_svm_coord_topology *topo)
{
	unsigned int tries = 0;

	while (tries < 8) {
		struct drm_svm_coord_range *victim = NULL, *r;
		int err = -EBUSY;

		spin_lock(&svm->lru_lock);
		list_for_each_entry(r, &svm->lru[from], lru_link) {
			if (r != range && kref_get_unless_zero(&r->ref)) {
				victim = r;
				break;
			}
		}
		/* Tried once, it goes behind the others. */
		if (victim)
			list_move_tail(&victim->lru_link, &svm->lru[from]);
		spin_unlock(&svm->lru_lock);
		if (!victim)
			return false;

		if (mutex_trylock(&victim->validate_lock)) {
			err = coord_range_evict(svm, victim, from, topo);
			mutex_unlock(&victim->validate_lock);
		}
		drm_svm_coord_range_put(victim);
		/*
		 * A victim whose data had left behind the manager's back is
		 * off this LRU now, and its VRAM may be free: ask for the
		 * allocation again rather than evict a range that needs no
		 * move. Each such victim leaves the LRU, so this ends.
		 */
		if (!err || err == -ESTALE)
			return true;
		tries++;
	}
	return false;
}

/* Device memory for @range in @tvm's VRAM, evicting to make room. */
static struct drm_pagemap_devmem *
coord_devmem_alloc(struct drm_svm_coord *svm, struct drm_svm_coord_range *range,
		   struct drm_svm_coord_vm *tvm,
		   struct drm_svm_coord_topology *topo, bool evict)
{
	unsigned long size = drm_svm_coord_range_end(range) -
			     drm_svm_coord_range_start(range);
	struct drm_pagemap_devmem *devmem;

	/* As &drm_svm_coord_ops.devmem_alloc says it runs. */
	lockdep_assert_held(&svm->lock);
	lockdep_assert_held(&range->validate_lock);
	lockdep_assert_not_held(&svm->gpusvm.notifier_lock);
	lockdep_assert_not_held(&drm_svm_coord_mm(svm)->mmap_lock);
	for (;;) {
		devmem = tvm->ops->devmem_alloc(tvm, drm_svm_coord_mm(svm), size);
		if (!IS_ERR(devmem) || PTR_ERR(devmem) != -ENOMEM || !evict ||
		    !coord_vram_evict_one(svm, range, tvm->index, topo))
			return devmem;
	}
}

/*
 * Copy @range's data to @to: system memory or a GPU's VRAM, evicting
 * other ranges from it when @evict. See Migration.
 */
int drm_svm_coord_range_move(struct drm_svm_coord *svm,
			     struct drm_svm_coord_range *range,
			     struct drm_svm_coord_topology *topo, u32 to, bool evict)
{
	const struct drm_pagemap_migrate_details details = {
		.can_migrate_same_pagemap = 1,
	};
	unsigned long start = drm_svm_coord_range_start(range);
	unsigned long end = drm_svm_coord_range_end(range);
	struct mm_struct *mm = drm_svm_coord_mm(svm);
	struct drm_pagemap_devmem *devmem;
	int err = 0;

	lockdep_assert_held(&range->validate_lock);

	/* Out of reach of the target: through system memory first. */
	if (to == DRM_SVM_COORD_LOC_SYSMEM ||
	    (range->loc != DRM_SVM_COORD_LOC_SYSMEM &&
	     !coord_same_group(svm, range->loc, to)))
		err = drm_svm_coord_range_to_ram(svm, range, false);
	if (err || to == DRM_SVM_COORD_LOC_SYSMEM)
		return err;

	devmem = coord_devmem_alloc(svm, range, svm->vms[to], topo, evict);
	if (IS_ERR(devmem))
		return PTR_ERR(devmem);
	mmap_read_lock(mm);
	err = drm_pagemap_migrate_to_devmem(devmem, mm, start, end, &details);
	mmap_read_unlock(mm);
	range->pfns_valid = false;
	if (!err)
		drm_svm_coord_range_set_loc(svm, range, to);
	return err;
}

/*
 * Evict @victim, whose data is in the VRAM of GPU @from, to where
 * drm_svm_coord_evict_to() says. Under @victim's validate_lock and the
 * manager lock, with a reference on the mm. See Eviction.
 *
 * Return: 0; -ESTALE when the data had left that VRAM behind the
 * manager's back (found when looking at a stale location): nothing moved,
 * nothing is counted; -EAGAIN or an error of the move otherwise.
 */
static int coord_range_evict(struct drm_svm_coord *svm,
			     struct drm_svm_coord_range *victim, unsigned int from,
			     struct drm_svm_coord_topology *topo)
{
	unsigned long page = drm_svm_coord_range_start(victim) >> PAGE_SHIFT;
	struct drm_svm_coord_attrs attrs;
	unsigned long first, last;
	unsigned int tries;
	u64 users, t0;
	bool gone;
	u32 to;
	int err;

	lockdep_assert_held(&victim->validate_lock);
	lockdep_assert_held(&svm->lock);

	drm_svm_coord_notifier_lock_read(svm);
	gone = victim->unmapped || victim->holes;
	users = victim->mapped;
	drm_svm_coord_notifier_unlock_read(svm);
	if (gone)
		return -EAGAIN;
	/*
	 * Evicted by its driver, or fetched by the CPU: in system memory or
	 * in one other VRAM, it makes no room here. A look that found pages
	 * in several places leaves the range off the LRU, as before.
	 */
	if (drm_svm_coord_range_recheck(svm, victim) && victim->loc != from &&
	    (victim->loc == DRM_SVM_COORD_LOC_SYSMEM ||
	     victim->loc < DRM_SVM_COORD_MAX_VMS))
		return -ESTALE;
	if (victim->loc != from)
		return -EAGAIN;

	drm_svm_coord_attr_tree_lookup(&svm->attrs, page, page, page, &first,
				       &last, &attrs);
	users |= attrs.access | attrs.access_in_place;
	if (victim->thrash.state != DRM_SVM_COORD_THRASH_NORMAL)
		users |= victim->thrash.competitors;
	users &= svm->attached;

	for (tries = 0; tries < 3; tries++) {
		to = drm_svm_coord_evict_to(&attrs, topo, from, users);
		t0 = ktime_get_ns();
		err = drm_svm_coord_range_move(svm, victim, topo, to, false);
		drm_svm_coord_range_moved(svm, victim, from, to, DRM_SVM_COORD_MAX_VMS,
					  DRM_SVM_COORD_RULE_NUM, t0, ktime_get_ns(), err);
		if (err != -ENOMEM || to == DRM_SVM_COORD_LOC_SYSMEM)
			break;
		/* That peer is full too: never evict in turn. */
		topo->room &= ~BIT_ULL(to);
	}
	if (err)
		return err;

	victim->evictions++;
	if (victim->thrash.state == DRM_SVM_COORD_THRASH_PINNED)
		victim->thrash.pin_loc = to;
	drm_svm_coord_count(svm, svm->vms[from],
			    to == DRM_SVM_COORD_LOC_SYSMEM ?
			    DRM_SVM_COORD_STAT_EVICTIONS_RAM :
			    DRM_SVM_COORD_STAT_EVICTIONS_PEER, 1);
	return 0;
}

/**
 * drm_svm_coord_ranges_evict_vm() - empty a detaching GPU's VRAM
 * @svm: the manager
 * @vm: the GPU, detaching
 *
 * Moves the data of every range in @vm's VRAM to system memory, so that
 * the remaining GPUs find it where they reach it and the VRAM is given back
 * with the attachment. When the mm is exiting there is nothing to keep: its
 * pages go with it. Called with the manager lock held for writing, before
 * drm_svm_coord_ranges_forget_vm().
 */
void drm_svm_coord_ranges_evict_vm(struct drm_svm_coord *svm,
				   struct drm_svm_coord_vm *vm)
{
	struct drm_svm_coord_topology topo;
	struct mm_struct *mm = drm_svm_coord_mm(svm);
	unsigned int g = vm->index;

	lockdep_assert_held_write(&svm->lock);

	if (!(svm->vram & BIT_ULL(g)) || !mmget_not_zero(mm))
		return;
	/* No VRAM takes anything: coord_range_evict() goes to system memory. */
	drm_svm_coord_get_topology(svm, &topo);
	topo.room = 0;
	for (;;) {
		struct drm_svm_coord_range *range = NULL;

		spin_lock(&svm->lru_lock);
		while (!range && !list_empty(&svm->lru[g])) {
			range = list_first_entry(&svm->lru[g], typeof(*range),
						 lru_link);
			/* Off the list whatever happens: the loop ends. */
			list_del_init(&range->lru_link);
			if (!kref_get_unless_zero(&range->ref))
				range = NULL;
		}
		spin_unlock(&svm->lru_lock);
		if (!range)
			break;

		mutex_lock(&range->validate_lock);
		coord_range_evict(svm, range, g, &topo);
		mutex_unlock(&range->validate_lock);
		drm_svm_coord_range_put(range);
	}
	mmput(mm);
}

/**
 * drm_svm_coord_lru_forget_vm() - stop tracking a detaching GPU's VRAM
 * @svm: the manager
 * @vm: the GPU, detaching, whose VRAM was emptied
 *
 * Called with the manager lock held for writing.
 */
void drm_svm_coord_lru_forget_vm(struct drm_svm_coord *svm,
				 struct drm_svm_coord_vm *vm)
{
	lockdep_assert_held_write(&svm->lock);

	spin_lock(&svm->lru_lock);
	while (!list_empty(&svm->lru[vm->index]))
		list_del_init(svm->lru[vm->index].next);
	spin_unlock(&svm->lru_lock);
}
