// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/bitmap.h>
#include <linux/error-injection.h>
#include <linux/export.h>
#include <linux/interval_tree.h>
#include <linux/mmu_notifier.h>
#include <linux/slab.h>

#include <drm/drm_print.h>

#include <kunit/visibility.h>

#include "drm_svm_coord_priv.h"

/**
 * DOC: Invalidation
 *
 * One MMU interval notifier callback serves all GPUs. It uses the two-pass
 * interface: &mmu_interval_notifier_ops.invalidate_start, under the
 * notifier lock held for writing, calls &drm_svm_coord_ops.unmap for each
 * GPU whose bit is set in the mapped mask of each range hit (so each GPU's
 * zap and TLB invalidation are issued before anybody waits);
 * &mmu_interval_notifier_ops.invalidate_finish waits once per GPU
 * (&drm_svm_coord_ops.tlb_flush_wait) and then DMA-unmaps the pages. When
 * the small state of the second pass cannot be allocated (GFP_NOWAIT), the
 * first pass does everything.
 *
 * A range the invalidation covers whole is zapped and DMA-unmapped whatever
 * the event: an unmap, a clear (MADV_DONTNEED), a protection change
 * (mprotect(), fork()'s copy-on-write), soft-dirty tracking, a migration
 * and an exclusive access all end with the range unmapped on the GPUs,
 * which fault it back (read only if the VMA no longer allows writes). A
 * range it covers in part loses that part only (see Splitting).
 * MMU_NOTIFY_UNMAP and MMU_NOTIFY_RELEASE (process exit) also mark the
 * range unmapped for good. Every event that may move or free pages marks
 * the location of the ranges it hits stale (see Eviction): a driver may
 * evict its VRAM behind the coordinator's back, and this callback is all
 * the coordinator learns of it. The coordinator's own migrations are no
 * exception: drm_pagemap names the page owner, not the manager, as the
 * migration's owner, and the pages a move replaces are freed when it
 * ends, so every GPU loses its entries of them here like after any other
 * migration, and the faulting GPU maps the new pages. A callback that may
 * not block returns false, as the MMU notifier API asks.
 *
 * The order every GPU's pages go by is zap, TLB wait, DMA unmap, free. A
 * zap's TLB invalidation may complete after @unmap returns, so the manager
 * records each GPU zapped without a wait yet in &drm_svm_coord.tlb_pending;
 * drm_svm_coord_tlb_wait() waits for all of them, not only for the GPUs of
 * its own zaps, and every DMA unmap comes after one: the second pass of any
 * invalidation (a second invalidation of pages a first one zapped sees
 * nothing mapped, yet must not DMA-unmap before the first one's flush), and
 * the release, retirement and split of ranges by the garbage collector,
 * attribute changes and detach, which can run between the two passes of an
 * invalidation. The garbage collector is queued from the second pass.
 * One mask serves the whole manager: a retirement or a release waits for
 * every GPU with a flush in flight, not only for those that mapped its
 * range, so one slow GPU's flush delays the others' teardown; it is
 * correct, and cheap while flushes are short.
 *
 * What this keeps, for every GPU at all times: an entry exists only for a
 * page that a live range maps for that GPU, it maps the page the CPU maps
 * there, with no more permission than the CPU's, and a range that loses
 * pages has them zapped on every GPU, their TLB entries waited for and
 * their DMA mappings dropped before the notifier returns, so before the
 * pages can be freed. Entries are written only under the notifier lock,
 * after the notifier sequence check, for a range without holes (see
 * Splitting); write permission comes from each page
 * (%HMM_PFN_WRITE), never from the request. hmm_range_fault() reports the
 * device pages of the owner it is given without breaking copy-on-write,
 * so a GPU that gets read-only device pages (VRAM shared with a child
 * after fork()) maps them read-only for a read; for a write, or for a GPU
 * that cannot fault and so could not ask again, they are faulted again
 * without an owner: the CPU's fault path brings them to system memory and
 * breaks copy-on-write there, and the residency policy decides again.
 * With CONFIG_DEBUG_VM the map path asserts that it maps the pages of the
 * current fault, with their permission; vsvm's DRM_IOCTL_VSVM_PT_VERIFY
 * checks every entry of a GPU against the CPU's page table from the tests.
 */

/**
 * drm_svm_coord_unmap_failed() - a GPU's @unmap of a range failed
 * @svm: the manager
 * @range: the range
 * @vm: the GPU, which may keep entries of @range
 *
 * The GPU is stopped (if it has &drm_svm_coord_ops.quiesce), counted as
 * mapping nothing of @range, and @range queued for the restore worker,
 * which calls &drm_svm_coord_ops.unmap again for the whole range before
 * it maps it for the GPU again or resumes it. Under the notifier lock
 * held for writing.
 */
void drm_svm_coord_unmap_failed(struct drm_svm_coord *svm,
				struct drm_svm_coord_range *range,
				struct drm_svm_coord_vm *vm)
{
	u64 bit = BIT_ULL(vm->index);

	drm_svm_coord_notifier_assert_held_write(svm);

	drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_UNMAP_FAILURES, 1);
	range->mapped &= ~bit;
	range->writable &= ~bit;
	range->unzap |= bit;
	if (vm->ops->quiesce)
		drm_svm_coord_quiesce(svm, bit);
	else
		drm_warn_once(vm->drm,
			      "svm: an unmap failed on a GPU without quiesce: it runs on stale entries until a retry works\n");
	drm_svm_coord_restore_queue(svm, range, bit);
}

/**
 * drm_svm_coord_range_zap_vm() - zap one GPU's entries of a whole range
 * @svm: the manager
 * @range: the range, whose mapped and writable bits of @vm are cleared
 * @vm: the GPU
 *
 * Issues &drm_svm_coord_ops.unmap of all of @range if @vm maps it, without
 * waiting; the flush is pending (&drm_svm_coord.tlb_pending) until
 * drm_svm_coord_tlb_wait(). Under the notifier lock held for writing.
 *
 * Return: @vm's bit if its TLB invalidation must be waited for, else 0.
 */
u64 drm_svm_coord_range_zap_vm(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range,
			       struct drm_svm_coord_vm *vm)
{
	u64 bit = BIT_ULL(vm->index), wait = 0;

	drm_svm_coord_notifier_assert_held_write(svm);

	if (range->mapped & bit) {
		int err = vm->ops->unmap(vm, drm_svm_coord_range_start(range),
					 drm_svm_coord_range_end(range));

		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_ZAPS, 1);
		if (vm->ops->tlb_flush_wait)
			wait = bit;
		if (err)
			drm_svm_coord_unmap_failed(svm, range, vm);
	}
	range->mapped &= ~bit;
	range->writable &= ~bit;
	svm->tlb_pending |= wait;
	return wait;
}

/**
 * drm_svm_coord_range_zap() - zap the GPUs that map a range
 * @svm: the manager
 * @range: the range, whose mapped and writable masks are cleared
 *
 * drm_svm_coord_range_zap_vm() for every GPU that maps @range.
 *
 * Return: the GPUs whose TLB invalidation must be waited for, see
 * drm_svm_coord_tlb_wait().
 */
u64 drm_svm_coord_range_zap(struct drm_svm_coord *svm,
			    struct drm_svm_coord_range *range)
{
	u64 mapped = range->mapped, wait = 0;
	unsigned int i;

	for_each_set_bit(i, (unsigned long *)&mapped, DRM_SVM_COORD_MAX_VMS)
		wait |= drm_svm_coord_range_zap_vm(svm, range, svm->vms[i]);
	range->writable = 0;
	return wait;
}

/**
 * drm_svm_coord_pte_cut_ok() - whether a GPU's entries of a range may be cut
 * @vm: the GPU
 * @range: the range
 * @addr: where the cut would be
 *
 * A GPU may map any block of @range that is aligned to one of its entry
 * sizes (&drm_svm_coord_vm_caps.pte_sizes) and lies whole in the range
 * with one entry, wherever the range starts.
 *
 * Return: true when no such block has @addr strictly inside it.
 */
bool drm_svm_coord_pte_cut_ok(const struct drm_svm_coord_vm *vm,
			      const struct drm_svm_coord_range *range,
			      unsigned long addr)
{
	unsigned long start = drm_svm_coord_range_start(range);
	unsigned long end = drm_svm_coord_range_end(range);
	unsigned long s, blk;

	for (s = PAGE_SIZE << 1; s && s <= end - start; s <<= 1) {
		if (!(vm->caps.pte_sizes & s))
			continue;
		blk = ALIGN_DOWN(addr, s);
		if (blk != addr && blk >= start && blk + s <= end)
			return false;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_pte_cut_ok);

/*
 * Whether GPU @i can lose [@start, @end) of @range alone: its DMA
 * mappings (a higher-order mapping must not straddle a boundary, see
 * Splitting) and its page-table entries (the part must not cut one, see
 * &drm_svm_coord_vm_caps.pte_sizes) allow it. If not, the GPU loses the
 * whole range.
 */
static bool coord_range_part_alone(const struct drm_svm_coord_range *range,
				   unsigned int i, unsigned long start,
				   unsigned long end)
{
	unsigned long first = (start - drm_svm_coord_range_start(range)) >>
			      PAGE_SHIFT;
	struct drm_svm_coord_vm *vm = range->svm->vms[i];

	if (!range->pages[i])
		return true;
	if (!drm_svm_coord_pte_cut_ok(vm, range, start) ||
	    !drm_svm_coord_pte_cut_ok(vm, range, end))
		return false;
	return drm_gpusvm_pages_can_split(range->pages[i],
					  drm_svm_coord_range_npages(range),
					  first, (end - start) >> PAGE_SHIFT);
}

/*
 * Zap [@start, @end), part of @range, on the GPUs that map it. A GPU whose
 * DMA mappings cannot lose the part alone loses the whole range. Returns
 * the GPUs whose TLB wait is due.
 */
static u64 coord_range_zap_part(struct drm_svm_coord *svm,
				struct drm_svm_coord_range *range,
				unsigned long start, unsigned long end)
{
	u64 wait = 0;
	unsigned int i;

	drm_svm_coord_notifier_assert_held_write(svm);

	for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++) {
		struct drm_svm_coord_vm *vm = svm->vms[i];
		u64 bit = BIT_ULL(i);
		bool part = coord_range_part_alone(range, i, start, end);

		if (!part)
			range->dma_whole |= bit;
		if (!(range->mapped & bit))
			continue;
		if (!part) {
			wait |= drm_svm_coord_range_zap_vm(svm, range, vm);
			continue;
		}
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_ZAPS, 1);
		if (vm->ops->tlb_flush_wait)
			wait |= bit;
		/* The GPU loses the whole range until a retry works. */
		if (vm->ops->unmap(vm, start, end))
			drm_svm_coord_unmap_failed(svm, range, vm);
	}
	svm->tlb_pending |= wait;
	return wait;
}

/*
 * The GPUs mapping @range that lose the whole range when [@start, @end)
 * goes (see coord_range_zap_part()).
 */
static u64 coord_range_zap_whole(struct drm_svm_coord_range *range,
				 unsigned long start, unsigned long end)
{
	u64 mapped = range->mapped, whole = 0;
	unsigned int i;

	for_each_set_bit(i, (unsigned long *)&mapped, DRM_SVM_COORD_MAX_VMS)
		if (!coord_range_part_alone(range, i, start, end))
			whole |= BIT_ULL(i);
	return whole;
}

static void coord_gc_queue(struct drm_svm_coord *svm,
			   struct drm_svm_coord_range *range)
{
	drm_svm_coord_notifier_assert_held_write(svm);

	if (list_empty(&range->gc_link))
		list_add_tail(&range->gc_link, &svm->gc_list);
}

/**
 * drm_svm_coord_tlb_wait() - wait for TLB invalidations
 * @svm: the manager
 * @wait: the GPUs to wait for, as drm_svm_coord_range_zap() returns them
 *
 * Waits for @wait and for every GPU in &drm_svm_coord.tlb_pending, whoever
 * zapped it, and clears the pending set: after this, no GPU TLB reaches a
 * page that no page table maps, and DMA unmapping is safe. Under the
 * notifier lock held for writing, which keeps new zaps out until the wait
 * is over.
 */
void drm_svm_coord_tlb_wait(struct drm_svm_coord *svm, u64 wait)
{
	unsigned int i;

	drm_svm_coord_notifier_assert_held_write(svm);

	wait |= svm->tlb_pending;
	svm->tlb_pending = 0;
	for_each_set_bit(i, (unsigned long *)&wait, DRM_SVM_COORD_MAX_VMS) {
		struct drm_svm_coord_vm *vm = svm->vms[i];

		vm->ops->tlb_flush_wait(vm);
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_TLB_WAITS, 1);
	}
}

/**
 * drm_svm_coord_range_dma_unmap() - drop GPUs' DMA mappings of a range
 * @svm: the manager
 * @range: the range
 * @gpus: the GPUs, U64_MAX for every one
 *
 * Under the notifier lock held for writing, after the TLB wait (see
 * drm_svm_coord_tlb_wait()).
 */
void drm_svm_coord_range_dma_unmap(struct drm_svm_coord *svm,
				   struct drm_svm_coord_range *range, u64 gpus)
{
	const struct drm_gpusvm_ctx ctx = { .in_notifier = true };
	unsigned int i;

	drm_svm_coord_notifier_assert_held_write(svm);
	WARN_ON_ONCE(svm->tlb_pending);

	for_each_set_bit(i, (unsigned long *)&gpus, DRM_SVM_COORD_MAX_VMS)
		if (range->pages[i])
			drm_gpusvm_unmap_pages(&svm->gpusvm, range->pages[i],
					       drm_svm_coord_range_npages(range), &ctx);
}

/**
 * struct drm_svm_coord_finish - state of the second notifier pass
 * @base: what the MMU notifier core links
 * @start: first address of the invalidation
 * @end: its end (exclusive)
 * @wait: GPUs whose TLB invalidation must be waited for
 * @collect: ranges were queued for the garbage collector
 */
struct drm_svm_coord_finish {
	struct mmu_interval_notifier_finish base;
	unsigned long start;
	unsigned long end;
	u64 wait;
	bool collect;
};

/*
 * Without memory for the second pass (the notifier may not sleep), the
 * first pass completes the invalidation itself. A fault-injection site.
 */
static noinline struct drm_svm_coord_finish *coord_finish_alloc(void)
{
	return kmalloc_obj(struct drm_svm_coord_finish, GFP_NOWAIT | __GFP_NOWARN);
}
ALLOW_ERROR_INJECTION(coord_finish_alloc, NULL);

/* Clip [@start, @end) to @range in [@a, @b); true if it covers all of it. */
static bool coord_range_clip(const struct drm_svm_coord_range *range,
			     unsigned long start, unsigned long end,
			     unsigned long *a, unsigned long *b)
{
	*a = max(start, drm_svm_coord_range_start(range));
	*b = min(end, drm_svm_coord_range_end(range));
	return *a == drm_svm_coord_range_start(range) &&
	       *b == drm_svm_coord_range_end(range);
}

/*
 * The second pass: wait for the TLBs, then DMA-unmap; then, with @collect,
 * have the garbage collector split or destroy the ranges queued.
 */
static void coord_invalidate_complete(struct drm_svm_coord_notifier *n,
				      unsigned long start, unsigned long end,
				      u64 wait, bool collect)
{
	struct drm_svm_coord *svm = n->svm;
	struct drm_svm_coord_range *range;

	drm_svm_coord_notifier_assert_held_write(svm);

	drm_svm_coord_tlb_wait(svm, wait);
	/* Once per callback: one run of the collector takes every range. */
	if (collect)
		queue_work(system_dfl_wq, &svm->gc_work);
	drm_svm_coord_for_each_range(range, n, start, end) {
		unsigned long rstart = drm_svm_coord_range_start(range);
		unsigned long a, b;
		unsigned int i;

		if (coord_range_clip(range, start, end, &a, &b)) {
			drm_svm_coord_range_dma_unmap(svm, range, U64_MAX);
			continue;
		}
		for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++) {
			struct drm_gpusvm_pages *pages = range->pages[i];
			const struct drm_gpusvm_ctx ctx = { .in_notifier = true };

			if (!pages)
				continue;
			if (range->dma_whole & BIT_ULL(i))
				drm_gpusvm_unmap_pages(&svm->gpusvm, pages,
						       drm_svm_coord_range_npages(range),
						       &ctx);
			else
				drm_gpusvm_unmap_pages_part(&svm->gpusvm, pages,
							    drm_svm_coord_range_npages(range),
							    (a - rstart) >> PAGE_SHIFT,
							    (b - a) >> PAGE_SHIFT);
		}
		range->dma_whole = 0;
	}
}

/*
 * Whether an invalidation may take pages away from where they are: a
 * migration (MMU_NOTIFY_MIGRATE from migrate_vma, the coordinator's moves
 * and the CPU's faults on device pages; MMU_NOTIFY_CLEAR from
 * try_to_migrate(), a driver's own drm_pagemap_evict_to_ram()), a zap or
 * an unmap. Protection changes (fork()'s copy-on-write), soft-dirty
 * tracking and device-exclusive access leave every page where it is.
 */
static bool coord_event_may_move(enum mmu_notifier_event event)
{
	switch (event) {
	case MMU_NOTIFY_PROTECTION_VMA:
	case MMU_NOTIFY_PROTECTION_PAGE:
	case MMU_NOTIFY_SOFT_DIRTY:
	case MMU_NOTIFY_EXCLUSIVE:
		return false;
	default:
		return true;
	}
}

/* Whether a GPU has entries or DMA mappings of @range's pages. */
static bool coord_range_has_gpu_state(const struct drm_svm_coord_range *range)
{
	unsigned int i;

	drm_svm_coord_notifier_assert_held(range->svm);

	if (range->mapped)
		return true;
	for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++)
		if (range->pages[i] && range->pages[i]->flags.has_dma_mapping)
			return true;
	return false;
}

static bool drm_svm_coord_invalidate_start(struct mmu_interval_notifier *mni,
					   const struct mmu_notifier_range *mrange,
					   unsigned long cur_seq,
					   struct mmu_interval_notifier_finish **finish)
{
	struct drm_svm_coord_notifier *n = container_of(mni, typeof(*n), mn);
	struct drm_svm_coord *svm = n->svm;
	unsigned long start = max(mrange->start, n->itree.start);
	unsigned long end = min(mrange->end, n->itree.last + 1);
	struct drm_svm_coord_range *range;
	struct drm_svm_coord_finish *f;
	bool gone = mrange->event == MMU_NOTIFY_UNMAP ||
		    mrange->event == MMU_NOTIFY_RELEASE;
	bool moves = coord_event_may_move(mrange->event);
	bool hit = false, collect = false;
	u64 wait = 0;

	if (!mmu_notifier_range_blockable(mrange))
		return false;

	drm_svm_coord_notifier_lock_write(svm);
	mmu_interval_set_seq(mni, cur_seq);
	drm_svm_coord_for_each_range(range, n, start, end) {
		unsigned long rstart = drm_svm_coord_range_start(range);
		unsigned long a, b;

		hit = true;
		/*
		 * Its location is a guess from now on, whoever moves the
		 * pages: looked up before it is used (see Eviction). The
		 * range's mutex, which guards the location, cannot be taken
		 * here; its LRU place stays.
		 */
		if (moves)
			range->loc_stale = true;
		/* Stop those that cannot fault before their mappings go. */
		if (!gone)
			drm_svm_coord_restore_lost(svm, range, range->mapped);
		if (coord_range_clip(range, start, end, &a, &b)) {
			wait |= drm_svm_coord_range_zap(svm, range);
			if (gone) {
				range->unmapped = true;
				coord_gc_queue(svm, range);
				collect = true;
			}
			continue;
		}
		/*
		 * Part of the range, which keeps its pages: with nothing
		 * mapped or DMA-mapped for any GPU there is nothing to take
		 * back, the new notifier sequence is all it takes. This is
		 * what a fault sees when it breaks copy-on-write page by page.
		 */
		if (!gone && !coord_range_has_gpu_state(range))
			continue;
		/*
		 * An unmap restores nobody, but a GPU that cannot fault and
		 * loses the whole range (a straddling mapping, see Splitting) loses
		 * pages that stay: stop it, and restore what stays.
		 */
		if (gone)
			drm_svm_coord_restore_lost(svm, range,
						   coord_range_zap_whole(range, a, b));
		/* Zap that part on the GPUs, split the range later. */
		wait |= coord_range_zap_part(svm, range, a, b);
		bitmap_set(range->gone, (a - rstart) >> PAGE_SHIFT,
			   (b - a) >> PAGE_SHIFT);
		range->holes = true;
		coord_gc_queue(svm, range);
		collect = true;
	}
	if (!hit)
		goto out_unlock;
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_INVALIDATIONS, 1);

	/* Two passes: every GPU's zap is in flight before anyone waits. */
	f = coord_finish_alloc();
	if (f) {
		f->start = start;
		f->end = end;
		f->wait = wait;
		f->collect = collect;
		*finish = &f->base;
	} else {
		coord_invalidate_complete(n, start, end, wait, collect);
	}

out_unlock:
	drm_svm_coord_notifier_unlock_write(svm);
	return true;
}

static void drm_svm_coord_invalidate_finish(struct mmu_interval_notifier_finish *finish)
{
	struct drm_svm_coord_finish *f = container_of(finish, typeof(*f), base);
	struct drm_svm_coord_notifier *n =
		container_of(finish->notifier, typeof(*n), mn);

	drm_svm_coord_notifier_lock_write(n->svm);
	coord_invalidate_complete(n, f->start, f->end, f->wait, f->collect);
	drm_svm_coord_notifier_unlock_write(n->svm);
	kfree(f);
}

const struct mmu_interval_notifier_ops drm_svm_coord_notifier_ops = {
	.invalidate_start = drm_svm_coord_invalidate_start,
	.invalidate_finish = drm_svm_coord_invalidate_finish,
};
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_notifier_ops);

/**
 * drm_svm_coord_vm_lost() - a GPU lost page-table entries on its own
 * @vm: the GPU
 * @start: first address, page aligned
 * @end: end address (exclusive), page aligned, above @start
 *
 * For a backend whose entries of [@start, @end) went away without
 * &drm_svm_coord_ops.unmap: page tables evicted, a VM rebound, a GPU
 * reset. Unless told, the coordinator still counts the GPU as mapping the
 * ranges there, a fault finds them "already mapped", returns 0, and the
 * GPU faults again forever. After this call the GPU maps none of the
 * ranges that overlap the interval: a GPU that can fault takes them back
 * on its next fault; a GPU that cannot is quiesced (if the coordinator has
 * not quiesced it already) and the restore worker maps them again and
 * resumes it (see Restore). The pages and their DMA mappings stay. The
 * ranges are zapped for the GPU once more, under the notifier lock, so
 * that an entry a map wrote between the loss and this call goes too.
 *
 * Called from process or worker context, not from reclaim: it takes the
 * tree lock, which is held while ranges are allocated. The caller holds no
 * lock of its own that its operations take.
 */
void drm_svm_coord_vm_lost(struct drm_svm_coord_vm *vm, unsigned long start,
			   unsigned long end)
{
	struct drm_svm_coord *svm = vm->svm;
	struct drm_svm_coord_notifier *n;
	struct drm_svm_coord_range *range;
	u64 bit = BIT_ULL(vm->index), wait = 0;

	if (WARN_ON_ONCE(end <= start))
		return;
	mutex_lock(&svm->tree_lock);
	drm_svm_coord_notifier_lock_write(svm);
	drm_svm_coord_for_each_notifier(n, svm, start, end) {
		drm_svm_coord_for_each_range(range, n, start, end) {
			if (!(range->mapped & bit))
				continue;
			drm_svm_coord_restore_lost(svm, range, bit);
			/*
			 * Cleared once more, under the lock the maps take: a
			 * map that came between the loss and this call leaves
			 * no entry the coordinator does not count.
			 */
			wait |= drm_svm_coord_range_zap_vm(svm, range, vm);
		}
	}
	drm_svm_coord_tlb_wait(svm, wait);
	drm_svm_coord_notifier_unlock_write(svm);
	mutex_unlock(&svm->tree_lock);
}
EXPORT_SYMBOL_GPL(drm_svm_coord_vm_lost);
