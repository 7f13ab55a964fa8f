// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/bitmap.h>
#include <linux/error-injection.h>
#include <linux/export.h>
#include <linux/interval_tree.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_pagemap.h>

#include <kunit/visibility.h>

#include "drm_svm_coord_priv.h"

/**
 * DOC: Splitting
 *
 * When an invalidation covers only part of a range (munmap() or mremap()
 * of some of its pages, MADV_DONTNEED of a few pages, mprotect() of part of
 * it), only that part is zapped on the GPUs, its TLB entries waited for and
 * its DMA mappings dropped (drm_gpusvm_unmap_pages_part()); its pages are
 * marked gone from the range. The rest keeps its pages, its DMA addresses
 * on every GPU and its GPU page-table entries: no hmm_range_fault(), no
 * new mapping and no TLB invalidation for it.
 *
 * A range with holes is never mapped again: the check is made under the
 * notifier lock, right before &drm_svm_coord_ops.map, where the notifier
 * marks holes, so a fault that raced with a partial invalidation (a GPU
 * fault breaking copy-on-write page by page, each break an invalidation
 * of one page) splits the range and faults the pieces instead of writing
 * entries for pages that already left it. A partial invalidation other
 * than an unmap of a range that no GPU maps or has DMA-mapped leaves no
 * hole: there is nothing to take back, the notifier sequence tells the
 * fault to start over, and the range stays whole. When such an
 * invalidation came with a change of the VMA (mprotect() of part of it),
 * the range no longer fits its VMA and is replaced the next time it is
 * used (see Fault path).
 *
 * The notifier cannot allocate, so the range object itself is split later,
 * in process context, by the garbage collector or by the first fault or
 * map request that meets the range, whichever comes first (both under the
 * tree lock, so a fault never sees a range with holes): each run of pages
 * that stayed (drm_svm_coord_split_runs(), a pure function) becomes a range
 * of its own that takes over the run's DMA mappings from the old range
 * (drm_gpusvm_pages_split()) and its mapped and writable GPU masks. What
 * the pieces do not take is DMA-unmapped there and then, after the TLB
 * flushes still pending: the split may come between the two passes of the
 * invalidation, whose second pass then finds only the pieces. Pages
 * that were invalidated but are still mapped by the CPU are faulted into a
 * new range the next time a GPU needs them.
 *
 * Behind an IOMMU the pieces keep their pages linked into the IOVA
 * reservation of the range, which they share. A part cannot be split off
 * when a higher-order DMA mapping straddles its boundary
 * (drm_gpusvm_pages_can_split()); that GPU then loses the whole range, as
 * without splitting. A transparent huge page is split by the kernel with an
 * invalidation of its whole 2 MiB before any part of it goes, so a range
 * backed by one loses all its mappings, as the kernel asks.
 *
 * An attribute change splits ranges too (drm_svm_coord_split_at()): a
 * range must lie in one interval of equal attributes, which the residency
 * policy and the fault path read as the range's, and only the bounds of a
 * request can become new boundaries. The range that crosses one is cut
 * there, with no page gone; its pieces keep everything the range had: the
 * GPUs' entries and DMA addresses, its pages (the pfns and their notifier
 * sequence), its location, its place in its VRAM's LRU, its thrash state
 * and its move history. Only a GPU whose DMA mappings cannot be cut there
 * (a huge page mapped at order 9, see above) loses the range: it is zapped,
 * and restored if it cannot fault. Then drm_svm_coord_ranges_update() acts
 * on the pieces the change covers, for the GPUs whose access or entries
 * changed.
 */

/**
 * DOC: Garbage collection
 *
 * One worker per manager (&drm_svm_coord.gc_work) destroys the ranges whose
 * CPU mapping went away, splits the ranges with holes, and removes the
 * interval notifiers left without ranges, which the notifier callback
 * itself may not do. The notifier queues ranges on
 * &drm_svm_coord.gc_list and, once per callback after the last of them,
 * the worker; several events before the worker runs cost one run, counted
 * in %DRM_SVM_COORD_STAT_GC_RUNS. The worker
 * takes only the tree lock, which orders it against faults: a fault
 * either finds the range before the worker took it (and splits or skips it
 * itself) or after.
 */

/**
 * drm_svm_coord_split_runs() - the pieces a range splits into
 * @gone: one bit per page of the range: the page left it
 * @cut: one bit per page: a piece must start at this page, or NULL
 * @npages: pages in the range
 * @runs: receives the pieces, in address order
 * @max_runs: entries of @runs
 *
 * The pieces are the maximal runs of pages not in @gone, cut before every
 * page in @cut. A pure function.
 *
 * Return: the number of pieces, 0 when every page is gone; a count above
 * @max_runs means only the first @max_runs were stored.
 */
unsigned int drm_svm_coord_split_runs(const unsigned long *gone,
				      const unsigned long *cut,
				      unsigned long npages,
				      struct drm_svm_coord_run *runs,
				      unsigned int max_runs)
{
	unsigned long first = find_first_zero_bit(gone, npages), next;
	unsigned int nr = 0;

	while (first < npages) {
		next = find_next_bit(gone, npages, first + 1);
		if (cut) {
			unsigned long c = find_next_bit(cut, npages, first + 1);

			next = min(next, c);
		}
		if (nr < max_runs) {
			runs[nr].first = first;
			runs[nr].count = next - first;
		}
		nr++;
		first = find_next_zero_bit(gone, npages, next);
	}
	return nr;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_split_runs);

/* The pieces of a split and what they take over. */
struct coord_split_state {
	unsigned int nr;
	struct drm_svm_coord_run runs[DRM_SVM_COORD_RANGE_MAX_PAGES / 2 + 1];
	struct drm_svm_coord_range *pieces[DRM_SVM_COORD_RANGE_MAX_PAGES / 2 + 1];
};

/* Free pieces that never entered a tree: their only reference goes. */
static void coord_split_free(struct coord_split_state *st)
{
	unsigned int k;

	for (k = 0; k < st->nr; k++) {
		if (st->pieces[k])
			drm_svm_coord_range_put(st->pieces[k]);
		st->pieces[k] = NULL;
	}
}

/*
 * Allocate the pieces, with room for the DMA addresses of each GPU and what
 * sharing an IOVA reservation takes.
 */
static noinline int coord_split_alloc(struct drm_svm_coord_range *range,
				      struct coord_split_state *st)
{
	unsigned long rstart = drm_svm_coord_range_start(range);
	unsigned int k, i;

	for (k = 0; k < st->nr; k++) {
		unsigned long start = rstart + (st->runs[k].first << PAGE_SHIFT);
		unsigned long count = st->runs[k].count;
		struct drm_svm_coord_range *piece;

		piece = drm_svm_coord_range_alloc(range->notifier, start,
						  start + (count << PAGE_SHIFT));
		st->pieces[k] = piece;
		if (!piece)
			return -ENOMEM;
		if (range->pfns_valid && drm_svm_coord_range_pfns_alloc(piece))
			return -ENOMEM;
		for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++) {
			struct drm_gpusvm_pages *pages;

			if (!range->pages[i])
				continue;
			pages = kmalloc_obj(*pages);
			if (!pages)
				return -ENOMEM;
			drm_gpusvm_init_pages(pages, range->pages[i]->drm);
			piece->pages[i] = pages;
			pages->dma_addr = kvzalloc_objs(*pages->dma_addr, count);
			if (!pages->dma_addr ||
			    drm_gpusvm_pages_split_prepare(pages))
				return -ENOMEM;
		}
	}
	return 0;
}
ALLOW_ERROR_INJECTION(coord_split_alloc, ERRNO);

/*
 * The GPUs whose DMA mappings or page-table entries of @range cannot be
 * handed to the pieces of @st: a higher-order mapping straddles a cut, or
 * a cut is not a multiple of the entry size the range may be mapped with.
 * They lose the range.
 */
static u64 coord_split_whole(struct drm_svm_coord *svm,
			     struct drm_svm_coord_range *range,
			     const struct coord_split_state *st)
{
	unsigned long npages = drm_svm_coord_range_npages(range);
	unsigned long rstart = drm_svm_coord_range_start(range);
	u64 whole = 0;
	unsigned int i, k;

	for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++) {
		if (!range->pages[i])
			continue;
		for (k = 0; k < st->nr; k++) {
			unsigned long a = rstart + (st->runs[k].first << PAGE_SHIFT);
			unsigned long b = a + (st->runs[k].count << PAGE_SHIFT);

			if (drm_svm_coord_pte_cut_ok(svm->vms[i], range, a) &&
			    drm_svm_coord_pte_cut_ok(svm->vms[i], range, b) &&
			    drm_gpusvm_pages_can_split(range->pages[i], npages,
						       st->runs[k].first,
						       st->runs[k].count))
				continue;
			whole |= BIT_ULL(i);
			break;
		}
	}
	return whole;
}

/*
 * A piece takes over the place of @range in its VRAM's LRU. A range off
 * the LRU may have been taken off by an eviction that waits for its mutex,
 * held by the split: the eviction will find the range gone, so the piece
 * goes on its VRAM's LRU as a new range would, for the eviction's next
 * look at the list to find it.
 */
static void coord_piece_take_loc(struct drm_svm_coord *svm,
				 struct drm_svm_coord_range *piece,
				 struct drm_svm_coord_range *range)
{
	spin_lock(&svm->lru_lock);
	if (!list_empty(&range->lru_link)) {
		piece->loc = range->loc;
		list_add_tail(&piece->lru_link, &range->lru_link);
		spin_unlock(&svm->lru_lock);
		return;
	}
	spin_unlock(&svm->lru_lock);
	drm_svm_coord_range_set_loc(svm, piece, range->loc);
}

/*
 * Replace a range with holes, or one that an attribute boundary crosses
 * (@cut, one bit per page that must start a piece, or NULL), by its
 * pieces. They keep the mappings of their pages on every GPU, their pages
 * and the range's location (stale or not), LRU position, thrash state and
 * history. A GPU whose DMA mappings cannot be cut there loses the range,
 * restored if it cannot fault. Falls back to retiring the range when
 * memory is short.
 * Called with the tree lock held.
 *
 * Return: 0, or -ENOMEM when the range was retired instead.
 */
static int coord_range_split(struct drm_svm_coord *svm,
			     struct drm_svm_coord_range *range,
			     const unsigned long *cut)
{
	unsigned long npages = drm_svm_coord_range_npages(range);
	DECLARE_BITMAP(gone, DRM_SVM_COORD_RANGE_MAX_PAGES);
	struct coord_split_state *st;
	u64 whole, wait = 0;
	unsigned int k, i;

	lockdep_assert_held(&svm->tree_lock);

	st = kzalloc_obj(*st);
	if (!st)
		goto retire;

	mutex_lock(&range->validate_lock);
again:
	drm_svm_coord_notifier_lock_read(svm);
	bitmap_copy(gone, range->gone, npages);
	drm_svm_coord_notifier_unlock_read(svm);

	st->nr = drm_svm_coord_split_runs(gone, cut, npages, st->runs,
					  ARRAY_SIZE(st->runs));
	if (!st->nr || WARN_ON(st->nr > ARRAY_SIZE(st->runs)))
		goto unlock_retire;
	if (coord_split_alloc(range, st)) {
		coord_split_free(st);
		goto unlock_retire;
	}

	drm_svm_coord_notifier_lock_write(svm);
	if (!bitmap_equal(gone, range->gone, npages) || range->unmapped) {
		/* More pages left meanwhile: plan again. */
		drm_svm_coord_notifier_unlock_write(svm);
		coord_split_free(st);
		if (range->unmapped)
			goto unlock_retire;
		goto again;
	}
	/* The notifier zapped them already for a hole, not for a cut. */
	whole = coord_split_whole(svm, range, st) & range->mapped;
	drm_svm_coord_restore_lost(svm, range, whole);
	for_each_set_bit(i, (unsigned long *)&whole, DRM_SVM_COORD_MAX_VMS)
		wait |= drm_svm_coord_range_zap_vm(svm, range, svm->vms[i]);
	for (k = 0; k < st->nr; k++) {
		struct drm_svm_coord_range *piece = st->pieces[k];

		piece->mapped = range->mapped;
		piece->writable = range->writable;
		coord_piece_take_loc(svm, piece, range);
		piece->loc_stale = range->loc_stale;
		if (range->pfns_valid && piece->pfns) {
			memcpy(piece->pfns, range->pfns + st->runs[k].first,
			       st->runs[k].count * sizeof(*piece->pfns));
			piece->pfns_seq = range->pfns_seq;
			piece->pfns_valid = true;
			piece->pfns_write = range->pfns_write;
			piece->pfns_owner = range->pfns_owner;
		}
		piece->always_mapped = range->always_mapped;
		piece->thrash = range->thrash;
		piece->rule = range->rule;
		piece->evictions = range->evictions;
		piece->moves = range->moves;
		memcpy(piece->history, range->history, sizeof(piece->history));
		for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++) {
			if (!piece->pages[i])
				continue;
			if (!drm_gpusvm_pages_split(&svm->gpusvm,
						    range->pages[i], npages,
						    st->runs[k].first,
						    st->runs[k].count,
						    piece->pages[i]))
				continue;
			/*
			 * Zapped whole by the notifier already; if not, the
			 * piece must not keep entries whose DMA mappings go
			 * with the range below.
			 */
			if (WARN_ON(piece->mapped & BIT_ULL(i)))
				drm_svm_coord_range_zap_vm(svm, piece,
							   svm->vms[i]);
		}
	}
	drm_svm_coord_range_remove(svm, range);
	range->mapped = 0;
	range->writable = 0;
	for (k = 0; k < st->nr; k++)
		drm_svm_coord_range_insert(svm, st->pieces[k]);
	/*
	 * What the pieces did not take goes now: the pages that left and
	 * the mappings that cannot be split. A second notifier pass still to
	 * come finds the pieces, not this range, and a fault or the restore
	 * list may hold this range past it, while the CPU frees the pages.
	 */
	drm_svm_coord_tlb_wait(svm, wait);
	drm_svm_coord_range_dma_unmap(svm, range, U64_MAX);
	drm_svm_coord_notifier_unlock_write(svm);
	mutex_unlock(&range->validate_lock);

	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_SPLITS, 1);
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_RANGES, st->nr);
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_RANGES_DESTROYED, 1);
	kfree(st);
	drm_svm_coord_range_put(range);
	return 0;

unlock_retire:
	mutex_unlock(&range->validate_lock);
retire:
	/* What stays of the range is restored for GPUs that cannot fault. */
	kfree(st);
	drm_svm_coord_range_retire(svm, range, true);
	return -ENOMEM;
}

/**
 * drm_svm_coord_split_at() - end the range that crosses an address there
 * @svm: the manager
 * @addr: a page-aligned address, a new boundary of the attributes
 *
 * The range holding both @addr - PAGE_SIZE and @addr, if any, is split at
 * @addr (see Splitting); one the notifier left unmapped is retired. Under
 * the manager lock held for writing, which keeps faults out; takes the
 * tree lock.
 */
void drm_svm_coord_split_at(struct drm_svm_coord *svm, unsigned long addr)
{
	DECLARE_BITMAP(cut, DRM_SVM_COORD_RANGE_MAX_PAGES);
	struct drm_svm_coord_notifier *n;
	struct drm_svm_coord_range *range = NULL, *r;

	lockdep_assert_held_write(&svm->lock);

	if (!addr)
		return;
	mutex_lock(&svm->tree_lock);
	/* The range of the page before @addr, if it goes on past @addr. */
	drm_svm_coord_for_each_notifier(n, svm, addr - PAGE_SIZE, addr)
		drm_svm_coord_for_each_range(r, n, addr - PAGE_SIZE, addr)
			range = r;
	if (range && addr < drm_svm_coord_range_end(range)) {
		if (range->unmapped) {
			drm_svm_coord_range_retire(svm, range, false);
		} else {
			bitmap_zero(cut, DRM_SVM_COORD_RANGE_MAX_PAGES);
			__set_bit((addr - drm_svm_coord_range_start(range)) >>
				  PAGE_SHIFT, cut);
			coord_range_split(svm, range, cut);
		}
	}
	mutex_unlock(&svm->tree_lock);
}

/**
 * drm_svm_coord_range_collect() - destroy or split a range the notifier left
 * @svm: the manager
 * @range: a range marked unmapped or with holes
 *
 * Under &drm_svm_coord.tree_lock.
 */
void drm_svm_coord_range_collect(struct drm_svm_coord *svm,
				 struct drm_svm_coord_range *range)
{
	lockdep_assert_held(&svm->tree_lock);

	if (range->unmapped)
		drm_svm_coord_range_retire(svm, range, false);
	else if (range->holes)
		coord_range_split(svm, range, NULL);
}

static void coord_notifiers_prune(struct drm_svm_coord *svm)
{
	struct drm_svm_coord_notifier *n;

	lockdep_assert_held(&svm->tree_lock);

	drm_svm_coord_for_each_notifier(n, svm, 0, ULONG_MAX)
		drm_svm_coord_notifier_prune(svm, n);
}

static void coord_gc_work(struct work_struct *work)
{
	struct drm_svm_coord *svm = container_of(work, typeof(*svm), gc_work);
	struct drm_svm_coord_range *range;

	mutex_lock(&svm->tree_lock);
	/* Under way until the notifiers are pruned: drm_svm_coord_flush(). */
	drm_svm_coord_notifier_lock_write(svm);
	svm->collecting++;
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_GC_RUNS, 1);
	drm_svm_coord_notifier_unlock_write(svm);
	for (;;) {
		drm_svm_coord_notifier_lock_write(svm);
		range = list_first_entry_or_null(&svm->gc_list, typeof(*range),
						 gc_link);
		if (range)
			list_del_init(&range->gc_link);
		drm_svm_coord_notifier_unlock_write(svm);
		if (!range)
			break;
		/* Still in its tree, which holds a reference. */
		drm_svm_coord_range_collect(svm, range);
	}
	coord_notifiers_prune(svm);
	drm_svm_coord_notifier_lock_write(svm);
	svm->collecting--;
	drm_svm_coord_notifier_unlock_write(svm);
	mutex_unlock(&svm->tree_lock);
}

/**
 * drm_svm_coord_gc_init() - set up the garbage collector of a new manager
 * @svm: the manager, being created
 */
void drm_svm_coord_gc_init(struct drm_svm_coord *svm)
{
	INIT_LIST_HEAD(&svm->gc_list);
	INIT_WORK(&svm->gc_work, coord_gc_work);
}

/**
 * drm_svm_coord_gc_stop() - stop the garbage collector
 * @svm: the manager, whose ranges are all gone (last detach)
 *
 * Called with the manager lock held for writing; the collector does not
 * take it.
 */
void drm_svm_coord_gc_stop(struct drm_svm_coord *svm)
{
	lockdep_assert_held_write(&svm->lock);

	cancel_work_sync(&svm->gc_work);
}
