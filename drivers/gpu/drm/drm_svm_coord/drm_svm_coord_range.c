// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/hmm.h>
#include <linux/interval_tree.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <kunit/visibility.h>

#include "drm_svm_coord_priv.h"

/**
 * DOC: Ranges
 *
 * GPUs map the address space in ranges that the manager shares between all
 * of them. A range is created when a GPU faults on an address
 * (drm_svm_coord_handle_fault()) or asks for addresses to be mapped
 * (drm_svm_coord_map()). Its size is the largest of 2 MiB, 64 KiB and
 * 4 KiB whose naturally aligned block around the address fits in the VMA,
 * in one interval of equal attributes, in the granule the attributes ask
 * for (%DRM_SVM_COORD_ATTR_GRANULARITY) and between the existing ranges, so
 * ranges never overlap and never straddle an attribute boundary. The
 * choice is drm_svm_coord_range_chunk(), a pure function.
 *
 * Ranges live in notifiers: one MMU interval notifier per aligned chunk of
 * the address space that holds ranges (512 MiB by default, the
 * ``notifier_size_mb`` module parameter; the same default as Xe's SVM),
 * shared by all GPUs. Each range keeps, per GPU that used it, a
 * &struct drm_gpusvm_pages with that GPU's DMA addresses, and once for all
 * GPUs the pages of its last hmm_range_fault().
 *
 * A range whose CPU mapping goes away (munmap(), process exit) is marked
 * unmapped by the notifier and destroyed the next time the manager looks
 * at its addresses, when attributes change over it, or when the last GPU
 * detaches. Ranges are not split: a partial munmap() retires the whole
 * range.
 */

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
 * 3. Unless the range's pages from an earlier fault are still current
 *    (their notifier sequence did not move), hmm_range_fault() runs once,
 *    for writing when the VMA allows it, and the result is kept.
 * 4. The pages are DMA-mapped for the GPU (drm_gpusvm_map_pages()): one
 *    hmm_range_fault() serves every GPU, DMA mapping stays per device.
 * 5. The backend prepares its page tables (&drm_svm_coord_ops.prepare),
 *    then, under the notifier lock held for reading and after checking the
 *    notifier sequence once more, writes the entries
 *    (&drm_svm_coord_ops.map). A race with an invalidation anywhere in
 *    these steps restarts from step 3 (counted as a retry); the mmap lock
 *    is never held across a backend call.
 */

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
 * The whole range is zapped and DMA-unmapped whatever the event, since the
 * DMA addresses of a range go together: an unmap, a clear
 * (MADV_DONTNEED), a protection change (mprotect(), fork()'s
 * copy-on-write), soft-dirty tracking, a migration and an exclusive access
 * all end with the range unmapped on the GPUs, which fault it back (read
 * only if the VMA no longer allows writes). MMU_NOTIFY_UNMAP and
 * MMU_NOTIFY_RELEASE (process exit) also mark the range unmapped for good.
 * A migration whose owner is the manager itself is not acted upon: the
 * coordinator's own migrations remap what they move. A callback that may
 * not block returns false, as the MMU notifier API asks.
 */

/**
 * DOC: Counters
 *
 * Every manager and every attached GPU counts what it did (see
 * &enum drm_svm_coord_stat) in atomic counters, read with
 * drm_svm_coord_read_stats() and zeroed with drm_svm_coord_reset_stats().
 * The debugfs file ``drm_svm_coord/stats`` lists the counters of every live
 * manager. They make the coordinator's promise checkable: N GPUs touching
 * one range cost one notifier, one hmm_range_fault() and, when the range
 * is invalidated, one callback with N zaps.
 */

static unsigned int notifier_size_mb = 512;
module_param(notifier_size_mb, uint, 0444);
MODULE_PARM_DESC(notifier_size_mb,
		 "Size of an MMU interval notifier's chunk in MiB, a power of two (default 512)");

static const unsigned long drm_svm_coord_chunks[] = { SZ_2M, SZ_64K, SZ_4K };

/**
 * drm_svm_coord_range_chunk() - the size of a new range
 * @addr: the address the range must hold
 * @lo: first address the range may hold
 * @hi: end of the addresses the range may hold (exclusive)
 * @max: largest size allowed (the granule)
 * @chunks: the candidate sizes, powers of two in descending order
 * @nr_chunks: number of entries of @chunks
 *
 * Return: the largest candidate, at most @max, whose naturally aligned
 * block around @addr lies within [@lo, @hi); 0 when none does.
 */
unsigned long drm_svm_coord_range_chunk(unsigned long addr, unsigned long lo,
					unsigned long hi, unsigned long max,
					const unsigned long *chunks,
					unsigned int nr_chunks)
{
	unsigned int i;

	if (addr < lo || addr >= hi)
		return 0;
	for (i = 0; i < nr_chunks; i++) {
		unsigned long start = ALIGN_DOWN(addr, chunks[i]);

		if (chunks[i] > max)
			continue;
		if (start >= lo && start + chunks[i] - 1 <= hi - 1)
			return chunks[i];
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_range_chunk);

static unsigned long range_npages(const struct drm_svm_coord_range *range)
{
	return (drm_svm_coord_range_end(range) -
		drm_svm_coord_range_start(range)) >> PAGE_SHIFT;
}

static struct drm_svm_coord_range *to_range(struct interval_tree_node *node)
{
	return node ? container_of(node, struct drm_svm_coord_range, itree) :
		      NULL;
}

static struct drm_svm_coord_notifier *
to_notifier(struct interval_tree_node *node)
{
	return node ? container_of(node, struct drm_svm_coord_notifier, itree) :
		      NULL;
}

/**
 * drm_svm_coord_ranges_init() - set up the range state of a new manager
 * @svm: the manager, being created
 */
void drm_svm_coord_ranges_init(struct drm_svm_coord *svm)
{
	unsigned long size = (unsigned long)notifier_size_mb * SZ_1M;

	if (!is_power_of_2(size) || size < SZ_2M)
		size = SZ_512M;
	mutex_init(&svm->range_lock);
	svm->notifiers = RB_ROOT_CACHED;
	svm->notifier_size = size;
	drm_gpusvm_init(&svm->gpusvm, "drm_svm_coord", NULL, 0, 0, 0, NULL,
			NULL, 0);
}

/* Zap the GPUs mapping @range; returns the GPUs whose TLB wait is due. */
static u64 range_zap(struct drm_svm_coord *svm,
		     struct drm_svm_coord_range *range)
{
	unsigned long start = drm_svm_coord_range_start(range);
	unsigned long end = drm_svm_coord_range_end(range);
	u64 mapped = range->mapped, wait = 0;
	unsigned int i;

	lockdep_assert_held_write(&svm->gpusvm.notifier_lock);

	for_each_set_bit(i, (unsigned long *)&mapped, DRM_SVM_COORD_MAX_DEVS) {
		struct drm_svm_coord_dev *dev = svm->devs[i];

		dev->ops->unmap(dev, start, end);
		drm_svm_coord_count(svm, dev, DRM_SVM_COORD_STAT_ZAPS, 1);
		if (dev->ops->tlb_flush_wait)
			wait |= BIT_ULL(i);
	}
	range->mapped = 0;
	range->writable = 0;
	return wait;
}

static void tlb_wait(struct drm_svm_coord *svm, u64 wait)
{
	unsigned int i;

	for_each_set_bit(i, (unsigned long *)&wait, DRM_SVM_COORD_MAX_DEVS) {
		struct drm_svm_coord_dev *dev = svm->devs[i];

		dev->ops->tlb_flush_wait(dev);
		drm_svm_coord_count(svm, dev, DRM_SVM_COORD_STAT_TLB_WAITS, 1);
	}
}

static void range_dma_unmap(struct drm_svm_coord *svm,
			    struct drm_svm_coord_range *range)
{
	const struct drm_gpusvm_ctx ctx = { .in_notifier = true };
	unsigned int i;

	lockdep_assert_held_write(&svm->gpusvm.notifier_lock);

	for (i = 0; i < DRM_SVM_COORD_MAX_DEVS; i++)
		if (range->pages[i])
			drm_gpusvm_unmap_pages(&svm->gpusvm, range->pages[i],
					       range_npages(range), &ctx);
}

/**
 * struct drm_svm_coord_finish - state of the second notifier pass
 * @base: what the MMU notifier core links
 * @start: first address of the invalidation
 * @end: its end (exclusive)
 * @wait: GPUs whose TLB invalidation must be waited for
 */
struct drm_svm_coord_finish {
	struct mmu_interval_notifier_finish base;
	unsigned long start;
	unsigned long end;
	u64 wait;
};

/* The second pass: wait for the TLBs, then DMA-unmap. */
static void invalidate_complete(struct drm_svm_coord_notifier *n,
				unsigned long start, unsigned long end, u64 wait)
{
	struct drm_svm_coord *svm = n->svm;
	struct interval_tree_node *node;

	lockdep_assert_held_write(&svm->gpusvm.notifier_lock);

	tlb_wait(svm, wait);
	for (node = interval_tree_iter_first(&n->ranges, start, end - 1); node;
	     node = interval_tree_iter_next(node, start, end - 1))
		range_dma_unmap(svm, to_range(node));
}

static bool event_is_own(struct drm_svm_coord *svm,
			 const struct mmu_notifier_range *mrange)
{
	/* The coordinator's migrations name the manager as their owner. */
	return mrange->event == MMU_NOTIFY_MIGRATE && mrange->owner == svm;
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
	struct drm_svm_coord_finish *f;
	struct interval_tree_node *node;
	bool gone = mrange->event == MMU_NOTIFY_UNMAP ||
		    mrange->event == MMU_NOTIFY_RELEASE;
	bool hit = false;
	u64 wait = 0;

	if (!mmu_notifier_range_blockable(mrange))
		return false;

	down_write(&svm->gpusvm.notifier_lock);
	mmu_interval_set_seq(mni, cur_seq);
	if (event_is_own(svm, mrange))
		goto out_unlock;

	for (node = interval_tree_iter_first(&n->ranges, start, end - 1); node;
	     node = interval_tree_iter_next(node, start, end - 1)) {
		struct drm_svm_coord_range *range = to_range(node);

		hit = true;
		wait |= range_zap(svm, range);
		if (gone)
			range->unmapped = true;
	}
	if (!hit)
		goto out_unlock;
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_INVALIDATIONS, 1);

	/* Two passes: every GPU's zap is in flight before anyone waits. */
	f = kmalloc_obj(*f, GFP_NOWAIT);
	if (f) {
		f->start = start;
		f->end = end;
		f->wait = wait;
		*finish = &f->base;
	} else {
		invalidate_complete(n, start, end, wait);
	}

out_unlock:
	up_write(&svm->gpusvm.notifier_lock);
	return true;
}

static void drm_svm_coord_invalidate_finish(struct mmu_interval_notifier_finish *finish)
{
	struct drm_svm_coord_finish *f = container_of(finish, typeof(*f), base);
	struct drm_svm_coord_notifier *n =
		container_of(finish->notifier, typeof(*n), mn);

	down_write(&n->svm->gpusvm.notifier_lock);
	invalidate_complete(n, f->start, f->end, f->wait);
	up_write(&n->svm->gpusvm.notifier_lock);
	kfree(f);
}

static const struct mmu_interval_notifier_ops drm_svm_coord_notifier_ops = {
	.invalidate_start = drm_svm_coord_invalidate_start,
	.invalidate_finish = drm_svm_coord_invalidate_finish,
};

static struct drm_svm_coord_notifier *
notifier_find_or_insert(struct drm_svm_coord *svm, unsigned long addr)
{
	unsigned long start = ALIGN_DOWN(addr, svm->notifier_size);
	struct drm_svm_coord_notifier *n;
	int err;

	lockdep_assert_held(&svm->range_lock);

	n = to_notifier(interval_tree_iter_first(&svm->notifiers, addr, addr));
	if (n)
		return n;

	n = kzalloc_obj(*n);
	if (!n)
		return ERR_PTR(-ENOMEM);
	n->svm = svm;
	n->ranges = RB_ROOT_CACHED;
	n->itree.start = start;
	n->itree.last = start + svm->notifier_size - 1;
	err = mmu_interval_notifier_insert(&n->mn, svm_mm(svm), start,
					   svm->notifier_size,
					   &drm_svm_coord_notifier_ops);
	if (err) {
		kfree(n);
		return ERR_PTR(err);
	}
	interval_tree_insert(&n->itree, &svm->notifiers);
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_NOTIFIERS, 1);
	return n;
}

static void notifier_remove(struct drm_svm_coord *svm,
			    struct drm_svm_coord_notifier *n)
{
	lockdep_assert_held(&svm->range_lock);

	mmu_interval_notifier_remove(&n->mn);
	interval_tree_remove(&n->itree, &svm->notifiers);
	kfree(n);
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_NOTIFIERS_REMOVED, 1);
}

static void range_release(struct kref *ref)
{
	struct drm_svm_coord_range *range = container_of(ref, typeof(*range),
							 ref);
	struct drm_svm_coord *svm = range->notifier->svm;
	unsigned int i;

	for (i = 0; i < DRM_SVM_COORD_MAX_DEVS; i++) {
		if (!range->pages[i])
			continue;
		drm_gpusvm_free_pages(&svm->gpusvm, range->pages[i],
				      range_npages(range));
		kfree(range->pages[i]);
	}
	kvfree(range->pfns);
	mutex_destroy(&range->lock);
	kfree(range);
}

static void range_put(struct drm_svm_coord_range *range)
{
	kref_put(&range->ref, range_release);
}

/* Remove a notifier that holds no range any more. */
static void notifier_prune(struct drm_svm_coord *svm,
			   struct drm_svm_coord_notifier *n)
{
	if (!n->nr_ranges)
		notifier_remove(svm, n);
}

/*
 * Take a range out of its notifier for good: zap it on every GPU, wait for
 * the TLBs, DMA-unmap it, and drop the tree's reference. Process context.
 */
static void range_retire(struct drm_svm_coord *svm,
			 struct drm_svm_coord_range *range)
{
	struct drm_svm_coord_notifier *n = range->notifier;
	u64 wait;

	lockdep_assert_held(&svm->range_lock);

	mutex_lock(&range->lock);
	down_write(&svm->gpusvm.notifier_lock);
	wait = range_zap(svm, range);
	range->unmapped = true;
	interval_tree_remove(&range->itree, &n->ranges);
	n->nr_ranges--;
	tlb_wait(svm, wait);
	range_dma_unmap(svm, range);
	up_write(&svm->gpusvm.notifier_lock);
	mutex_unlock(&range->lock);

	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_RANGES_DESTROYED, 1);
	range_put(range);
}

/**
 * drm_svm_coord_ranges_retire() - retire the ranges over some addresses
 * @svm: the manager
 * @start: first address
 * @end: end address (exclusive)
 *
 * Called when the attributes of the addresses changed: the ranges are
 * zapped and destroyed, the GPUs fault them back under the new attributes
 * and boundaries. Takes the range lock; the caller holds the manager lock.
 */
void drm_svm_coord_ranges_retire(struct drm_svm_coord *svm,
				 unsigned long start, unsigned long end)
{
	struct interval_tree_node *nn, *rn;

	lockdep_assert_held(&svm->lock);

	mutex_lock(&svm->range_lock);
	nn = interval_tree_iter_first(&svm->notifiers, start, end - 1);
	while (nn) {
		struct drm_svm_coord_notifier *n = to_notifier(nn);

		nn = interval_tree_iter_next(nn, start, end - 1);
		rn = interval_tree_iter_first(&n->ranges, start, end - 1);
		while (rn) {
			struct drm_svm_coord_range *range = to_range(rn);

			rn = interval_tree_iter_next(rn, start, end - 1);
			range_retire(svm, range);
		}
		notifier_prune(svm, n);
	}
	mutex_unlock(&svm->range_lock);
}

/**
 * drm_svm_coord_ranges_forget_dev() - drop a GPU's mappings of every range
 * @svm: the manager
 * @dev: the GPU, detaching
 *
 * Zaps the GPU's entries, waits for its TLB, frees its DMA mappings, and
 * waits for invalidations that may still name it to finish. Called with
 * the manager lock held for writing.
 */
void drm_svm_coord_ranges_forget_dev(struct drm_svm_coord *svm,
				     struct drm_svm_coord_dev *dev)
{
	u64 bit = BIT_ULL(dev->index);
	struct interval_tree_node *nn, *rn;

	lockdep_assert_held_write(&svm->lock);

	mutex_lock(&svm->range_lock);
	for (nn = interval_tree_iter_first(&svm->notifiers, 0, ULONG_MAX); nn;
	     nn = interval_tree_iter_next(nn, 0, ULONG_MAX)) {
		struct drm_svm_coord_notifier *n = to_notifier(nn);

		for (rn = interval_tree_iter_first(&n->ranges, 0, ULONG_MAX);
		     rn; rn = interval_tree_iter_next(rn, 0, ULONG_MAX)) {
			struct drm_svm_coord_range *range = to_range(rn);
			struct drm_gpusvm_pages *pages;
			bool zapped = false;

			mutex_lock(&range->lock);
			down_write(&svm->gpusvm.notifier_lock);
			if (range->mapped & bit) {
				dev->ops->unmap(dev,
						drm_svm_coord_range_start(range),
						drm_svm_coord_range_end(range));
				drm_svm_coord_count(svm, dev,
						    DRM_SVM_COORD_STAT_ZAPS, 1);
				zapped = true;
			}
			range->mapped &= ~bit;
			range->writable &= ~bit;
			pages = range->pages[dev->index];
			range->pages[dev->index] = NULL;
			up_write(&svm->gpusvm.notifier_lock);

			if (zapped && dev->ops->tlb_flush_wait)
				dev->ops->tlb_flush_wait(dev);
			if (pages) {
				drm_gpusvm_free_pages(&svm->gpusvm, pages,
						      range_npages(range));
				kfree(pages);
			}
			mutex_unlock(&range->lock);
		}
		/* An invalidation in flight may still wait on this GPU. */
		mmu_interval_read_begin(&n->mn);
	}
	mutex_unlock(&svm->range_lock);
}

/**
 * drm_svm_coord_ranges_fini() - destroy every range and notifier
 * @svm: the manager, with no GPU attached (or being freed)
 */
void drm_svm_coord_ranges_fini(struct drm_svm_coord *svm)
{
	drm_svm_coord_ranges_retire(svm, 0, ULONG_MAX);
}

/**
 * drm_svm_coord_nr_ranges() - count the ranges of a manager
 * @svm: the manager
 *
 * Return: the number of ranges, retired ones excluded.
 */
unsigned int drm_svm_coord_nr_ranges(struct drm_svm_coord *svm)
{
	struct interval_tree_node *nn;
	unsigned int count = 0;

	mutex_lock(&svm->range_lock);
	for (nn = interval_tree_iter_first(&svm->notifiers, 0, ULONG_MAX); nn;
	     nn = interval_tree_iter_next(nn, 0, ULONG_MAX))
		count += to_notifier(nn)->nr_ranges;
	mutex_unlock(&svm->range_lock);
	return count;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_nr_ranges);

/**
 * struct drm_svm_coord_where - what the fault path learns about an address
 * @lo: first address a new range may hold (VMA, attributes)
 * @hi: end of the addresses a new range may hold
 * @max: largest range the granularity allows
 * @vma_write: the VMA allows writes
 * @attrs: the attributes at the address
 */
struct drm_svm_coord_where {
	unsigned long lo;
	unsigned long hi;
	unsigned long max;
	bool vma_write;
	struct drm_svm_coord_attrs attrs;
};

static int where_is(struct drm_svm_coord *svm, unsigned long addr,
		    struct drm_svm_coord_where *w)
{
	unsigned long window = ALIGN_DOWN(addr, drm_svm_coord_chunks[0]);
	unsigned long seg_first, seg_last;
	struct vm_area_struct *vma;
	struct mm_struct *mm = svm_mm(svm);

	lockdep_assert_held(&svm->lock);

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	w->lo = max(vma->vm_start, window);
	w->hi = min(vma->vm_end, window + drm_svm_coord_chunks[0]);
	w->vma_write = vma->vm_flags & VM_WRITE;
	mmap_read_unlock(mm);

	drm_svm_coord_attr_tree_lookup(&svm->attrs, addr >> PAGE_SHIFT,
				       w->lo >> PAGE_SHIFT,
				       (w->hi >> PAGE_SHIFT) - 1, &seg_first,
				       &seg_last, &w->attrs);
	w->lo = seg_first << PAGE_SHIFT;
	w->hi = (seg_last + 1) << PAGE_SHIFT;
	w->max = PAGE_SIZE << w->attrs.granularity;
	return 0;
}

/* Find the live range holding @addr, or create one; returns a reference. */
static struct drm_svm_coord_range *
range_find_or_create(struct drm_svm_coord *svm,
		     const struct drm_svm_coord_where *w, unsigned long addr)
{
	unsigned long lo = w->lo, hi = w->hi, chunk;
	struct drm_svm_coord_notifier *n;
	struct drm_svm_coord_range *range;
	struct interval_tree_node *node;

	lockdep_assert_held(&svm->range_lock);

	n = notifier_find_or_insert(svm, addr);
	if (IS_ERR(n))
		return ERR_CAST(n);

	/* Existing ranges near @addr: reuse, bound, or clean up. */
	node = interval_tree_iter_first(&n->ranges, lo, hi - 1);
	while (node) {
		range = to_range(node);
		node = interval_tree_iter_next(node, lo, hi - 1);
		if (range->unmapped) {
			range_retire(svm, range);
			continue;
		}
		if (range->itree.start <= addr && addr <= range->itree.last) {
			kref_get(&range->ref);
			return range;
		}
		if (range->itree.last < addr)
			lo = max(lo, range->itree.last + 1);
		else
			hi = min(hi, range->itree.start);
	}

	chunk = drm_svm_coord_range_chunk(addr, lo, hi, w->max,
					  drm_svm_coord_chunks,
					  ARRAY_SIZE(drm_svm_coord_chunks));
	if (WARN_ON(!chunk)) {
		notifier_prune(svm, n);
		return ERR_PTR(-EFAULT);
	}

	range = kzalloc_obj(*range);
	if (!range) {
		notifier_prune(svm, n);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&range->ref);
	mutex_init(&range->lock);
	range->notifier = n;
	range->itree.start = ALIGN_DOWN(addr, chunk);
	range->itree.last = range->itree.start + chunk - 1;

	down_write(&svm->gpusvm.notifier_lock);
	interval_tree_insert(&range->itree, &n->ranges);
	n->nr_ranges++;
	up_write(&svm->gpusvm.notifier_lock);
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_RANGES, 1);

	kref_get(&range->ref);
	return range;
}

/* Step 3 of the fault path: fault the pages unless the kept ones are current. */
static int range_fault_pages(struct drm_svm_coord *svm,
			     struct drm_svm_coord_range *range, bool write,
			     unsigned long *seq)
{
	struct drm_svm_coord_notifier *n = range->notifier;
	struct hmm_range hmm_range = {
		.notifier = &n->mn,
		.start = drm_svm_coord_range_start(range),
		.end = drm_svm_coord_range_end(range),
	};
	int err;

	lockdep_assert_held(&range->lock);

	if (range->pfns_valid && (range->pfns_write || !write) &&
	    !mmu_interval_read_retry(&n->mn, range->pfns_seq)) {
		*seq = range->pfns_seq;
		return 0;
	}

	if (!range->pfns) {
		range->pfns = kvmalloc_array(range_npages(range),
					     sizeof(*range->pfns), GFP_KERNEL);
		if (!range->pfns)
			return -ENOMEM;
	}
	range->pfns_valid = false;
	hmm_range.hmm_pfns = range->pfns;
	hmm_range.default_flags = HMM_PFN_REQ_FAULT |
				  (write ? HMM_PFN_REQ_WRITE : 0);

	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_HMM_FAULTS, 1);
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_HMM_PAGES,
			    range_npages(range));
	err = hmm_range_fault_unlocked_timeout(&hmm_range,
					       msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT));
	if (err)
		return err;

	range->pfns_seq = hmm_range.notifier_seq;
	range->pfns_write = write;
	range->pfns_valid = true;
	*seq = range->pfns_seq;
	return 0;
}

static struct drm_gpusvm_pages *range_pages(struct drm_svm_coord *svm,
					    struct drm_svm_coord_range *range,
					    struct drm_svm_coord_dev *dev)
{
	struct drm_gpusvm_pages *pages = range->pages[dev->index];

	if (pages)
		return pages;
	pages = kmalloc_obj(*pages);
	if (!pages)
		return NULL;
	drm_gpusvm_init_pages(pages, dev->drm);
	down_write(&svm->gpusvm.notifier_lock);
	range->pages[dev->index] = pages;
	up_write(&svm->gpusvm.notifier_lock);
	return pages;
}

/* Steps 4 and 5 of the fault path for one GPU, under @seq. */
static int range_map_dev(struct drm_svm_coord *svm,
			 struct drm_svm_coord_range *range,
			 struct drm_svm_coord_dev *dev, unsigned long seq,
			 bool gpu_ro)
{
	struct drm_svm_coord_notifier *n = range->notifier;
	unsigned long start = drm_svm_coord_range_start(range);
	unsigned long end = drm_svm_coord_range_end(range);
	const struct drm_gpusvm_ctx ctx = {
		.read_only = !range->pfns_write,
		.allow_mixed = true,
	};
	bool writable = range->pfns_write && !gpu_ro;
	struct drm_svm_coord_map_args args = {
		.start = start,
		.end = end,
		.flags = writable ? 0 : DRM_SVM_COORD_MAP_READ_ONLY,
	};
	struct drm_gpusvm_pages *pages;
	u64 bit = BIT_ULL(dev->index);
	bool dma_mapped;
	int err;

	lockdep_assert_held(&range->lock);

	pages = range_pages(svm, range, dev);
	if (!pages)
		return -ENOMEM;
	dma_mapped = pages->flags.has_dma_mapping;
	err = drm_gpusvm_map_pages(&svm->gpusvm, pages, &n->mn, seq,
				   range->pfns, start, end, &ctx);
	if (err)
		return err;
	if (!dma_mapped)
		drm_svm_coord_count(svm, dev, DRM_SVM_COORD_STAT_DMA_MAPS, 1);

	if (dev->ops->prepare) {
		err = dev->ops->prepare(dev, start, end);
		if (err)
			return err;
	}

	drm_gpusvm_notifier_lock(&svm->gpusvm);
	if (mmu_interval_read_retry(&n->mn, seq)) {
		err = -EAGAIN;
	} else if (!(range->mapped & bit) ||
		   (writable && !(range->writable & bit))) {
		args.dma = pages->dma_addr;
		err = dev->ops->map(dev, &args);
		if (!err) {
			range->mapped |= bit;
			if (writable)
				range->writable |= bit;
			drm_svm_coord_count(svm, dev, DRM_SVM_COORD_STAT_MAPS,
					    1);
		}
	}
	drm_gpusvm_notifier_unlock(&svm->gpusvm);
	return err;
}

/* Make @range usable by @dev: fault once for all GPUs, map for @dev. */
static int range_validate(struct drm_svm_coord *svm,
			  struct drm_svm_coord_range *range,
			  struct drm_svm_coord_dev *dev,
			  const struct drm_svm_coord_where *w)
{
	unsigned long timeout = jiffies +
				msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	bool gpu_ro = w->attrs.flags & DRM_SVM_COORD_FLAG_GPU_RO;
	bool write = w->vma_write && !gpu_ro;
	unsigned long seq;
	int err;

	mutex_lock(&range->lock);
	for (;;) {
		if (range->unmapped) {
			err = -EAGAIN;	/* look the range up again */
			break;
		}
		err = range_fault_pages(svm, range, write, &seq);
		if (err == -EPERM && write) {
			/* The range reaches into a read-only VMA. */
			write = false;
			continue;
		}
		if (!err)
			err = range_map_dev(svm, range, dev, seq, gpu_ro);
		if (err != -EAGAIN)
			break;
		drm_svm_coord_count(svm, dev, DRM_SVM_COORD_STAT_RETRIES, 1);
		if (time_after(jiffies, timeout)) {
			err = -EBUSY;
			break;
		}
	}
	mutex_unlock(&range->lock);
	return err;
}

/*
 * Map the range holding @addr for @dev. Returns the end of the range in
 * @end. Called with the manager lock held for reading and a reference on
 * the mm.
 */
static int map_one(struct drm_svm_coord_dev *dev, unsigned long addr,
		   bool write, unsigned long *end)
{
	struct drm_svm_coord *svm = dev->svm;
	struct drm_svm_coord_range *range;
	struct drm_svm_coord_where w;
	int err;

	lockdep_assert_held(&svm->lock);

	do {
		err = where_is(svm, addr, &w);
		if (err)
			return err;
		if (w.attrs.no_access & BIT_ULL(dev->index))
			return -EPERM;
		if (write && (!w.vma_write ||
			      (w.attrs.flags & DRM_SVM_COORD_FLAG_GPU_RO)))
			return -EPERM;

		mutex_lock(&svm->range_lock);
		range = range_find_or_create(svm, &w, addr);
		mutex_unlock(&svm->range_lock);
		if (IS_ERR(range))
			return PTR_ERR(range);

		err = range_validate(svm, range, dev, &w);
		*end = drm_svm_coord_range_end(range);
		range_put(range);
	} while (err == -EAGAIN);

	return err;
}

/* Enter the fault path: pin the mm and take the manager lock. */
static int fault_enter(struct drm_svm_coord *svm)
{
	lockdep_assert_not_held(&svm_mm(svm)->mmap_lock);

	if (!mmget_not_zero(svm_mm(svm)))
		return -EFAULT;
	down_read(&svm->lock);
	if (READ_ONCE(svm->dead)) {
		up_read(&svm->lock);
		mmput(svm_mm(svm));
		return -EFAULT;
	}
	return 0;
}

static void fault_exit(struct drm_svm_coord *svm)
{
	up_read(&svm->lock);
	mmput(svm_mm(svm));
}

/**
 * drm_svm_coord_handle_fault() - serve a GPU page fault
 * @dev: the faulting GPU
 * @addr: the faulting address
 * @write: the access was a write
 *
 * Finds or creates the range holding @addr, faults its pages once for all
 * GPUs unless they are current, DMA-maps them for @dev and writes its
 * page-table entries through &drm_svm_coord_ops.map, writable when the VMA
 * and the attributes allow it. See Fault path. Must be called without the
 * mmap lock held, from process or worker context.
 *
 * Return: 0 when the GPU can retry the access; -EPERM when the attributes
 * deny the GPU access, or for a write to a read-only VMA or range;
 * -EFAULT when @addr is not mapped by the CPU or the mm is exiting;
 * -EBUSY when invalidations kept racing for too long; -ENOMEM, or another
 * error of hmm_range_fault(), the DMA mapping or the backend.
 */
int drm_svm_coord_handle_fault(struct drm_svm_coord_dev *dev,
			       unsigned long addr, bool write)
{
	struct drm_svm_coord *svm = dev->svm;
	unsigned long end;
	int err;

	err = fault_enter(svm);
	if (err)
		return err;
	drm_svm_coord_count(svm, dev, DRM_SVM_COORD_STAT_FAULTS, 1);
	err = map_one(dev, PAGE_ALIGN_DOWN(addr), write, &end);
	fault_exit(svm);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_handle_fault);

/**
 * drm_svm_coord_map() - map addresses for a GPU ahead of use
 * @dev: the GPU
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
int drm_svm_coord_map(struct drm_svm_coord_dev *dev, unsigned long start,
		      unsigned long size)
{
	struct drm_svm_coord *svm = dev->svm;
	unsigned long addr, end, first, last;
	int err;

	err = drm_svm_coord_pages(svm, start, size, &first, &last);
	if (err)
		return err;

	err = fault_enter(svm);
	if (err)
		return err;
	for (addr = start; addr < start + size; addr = end) {
		err = map_one(dev, addr, false, &end);
		if (err)
			break;
	}
	fault_exit(svm);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_map);

/**
 * drm_svm_coord_read_stats() - read counters
 * @svm: the manager
 * @dev: a GPU attached to it, or NULL for the manager's own counters
 * @stats: receives the counters
 */
void drm_svm_coord_read_stats(struct drm_svm_coord *svm,
			      struct drm_svm_coord_dev *dev,
			      struct drm_svm_coord_stats *stats)
{
	atomic64_t *src = dev ? dev->stats : svm->stats;
	unsigned int i;

	for (i = 0; i < DRM_SVM_COORD_STAT_NUM; i++)
		stats->count[i] = atomic64_read(&src[i]);
}
EXPORT_SYMBOL_GPL(drm_svm_coord_read_stats);

/**
 * drm_svm_coord_reset_stats() - zero the counters of a manager and its GPUs
 * @svm: the manager
 */
void drm_svm_coord_reset_stats(struct drm_svm_coord *svm)
{
	unsigned int i, d;

	down_read(&svm->lock);
	for (i = 0; i < DRM_SVM_COORD_STAT_NUM; i++) {
		atomic64_set(&svm->stats[i], 0);
		for (d = 0; d < DRM_SVM_COORD_MAX_DEVS; d++)
			if (svm->devs[d])
				atomic64_set(&svm->devs[d]->stats[i], 0);
	}
	up_read(&svm->lock);
}
EXPORT_SYMBOL_GPL(drm_svm_coord_reset_stats);
