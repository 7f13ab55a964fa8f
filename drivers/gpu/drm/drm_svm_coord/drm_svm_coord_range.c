// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/error-injection.h>
#include <linux/export.h>
#include <linux/interval_tree.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <kunit/static_stub.h>
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
 * unmapped by the notifier and destroyed by the garbage collector. A range
 * that loses only some of its pages is split, not rebuilt: see Splitting.
 */

static unsigned int notifier_size_mb = 512;
module_param(notifier_size_mb, uint, 0444);
MODULE_PARM_DESC(notifier_size_mb,
		 "Size of an MMU interval notifier's chunk in MiB, a power of two (default 512)");

static const unsigned long drm_svm_coord_chunks[] = {
	DRM_SVM_COORD_RANGE_MAX, SZ_64K, SZ_4K
};

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

/**
 * drm_svm_coord_ranges_init() - set up the range state of a new manager
 * @svm: the manager, being created
 */
void drm_svm_coord_ranges_init(struct drm_svm_coord *svm)
{
	unsigned long size = (unsigned long)notifier_size_mb * SZ_1M;
	unsigned int i;

	if (!is_power_of_2(size) || size < SZ_2M)
		size = SZ_512M;
	mutex_init(&svm->tree_lock);
	spin_lock_init(&svm->lru_lock);
	for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++)
		INIT_LIST_HEAD(&svm->lru[i]);
	svm->notifiers = RB_ROOT_CACHED;
	svm->notifier_size = size;
	drm_gpusvm_init(&svm->gpusvm, "drm_svm_coord", NULL, 0, 0, 0, NULL,
			NULL, 0);
}

/* The notifier whose chunk holds @addr, or NULL. */
static struct drm_svm_coord_notifier *
coord_notifier_find(struct drm_svm_coord *svm, unsigned long addr)
{
	lockdep_assert_held(&svm->tree_lock);

	return drm_svm_coord_to_notifier(interval_tree_iter_first(&svm->notifiers,
								  addr, addr));
}

/**
 * drm_svm_coord_range_lookup() - the range holding an address
 * @svm: the manager
 * @addr: the address
 *
 * The range may be marked unmapped or have holes: the notifier marks
 * ranges and the garbage collector removes them later.
 *
 * Return: a reference on the range, or NULL when no range holds @addr.
 */
struct drm_svm_coord_range *drm_svm_coord_range_lookup(struct drm_svm_coord *svm,
						       unsigned long addr)
{
	struct drm_svm_coord_range *range = NULL;
	struct drm_svm_coord_notifier *n;

	KUNIT_STATIC_STUB_REDIRECT(drm_svm_coord_range_lookup, svm, addr);

	mutex_lock(&svm->tree_lock);
	n = coord_notifier_find(svm, addr);
	if (n)
		range = drm_svm_coord_to_range(interval_tree_iter_first(&n->ranges,
									addr,
									addr));
	if (range)
		kref_get(&range->ref);
	mutex_unlock(&svm->tree_lock);
	return range;
}

static noinline struct drm_svm_coord_notifier *
coord_notifier_find_or_insert(struct drm_svm_coord *svm, unsigned long addr)
{
	unsigned long start = ALIGN_DOWN(addr, svm->notifier_size);
	struct drm_svm_coord_notifier *n;
	int err;

	n = coord_notifier_find(svm, addr);
	if (n)
		return n;

	n = kzalloc_obj(*n);
	if (!n)
		return ERR_PTR(-ENOMEM);
	n->svm = svm;
	n->ranges = RB_ROOT_CACHED;
	n->itree.start = start;
	n->itree.last = start + svm->notifier_size - 1;
	err = mmu_interval_notifier_insert(&n->mn, drm_svm_coord_mm(svm), start,
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
ALLOW_ERROR_INJECTION(coord_notifier_find_or_insert, ERRNO);

static void coord_notifier_remove(struct drm_svm_coord *svm,
				  struct drm_svm_coord_notifier *n)
{
	lockdep_assert_held(&svm->tree_lock);

	mmu_interval_notifier_remove(&n->mn);
	interval_tree_remove(&n->itree, &svm->notifiers);
	kfree(n);
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_NOTIFIERS_REMOVED, 1);
}

static void coord_range_release(struct kref *ref)
{
	struct drm_svm_coord_range *range = container_of(ref, typeof(*range),
							 ref);
	struct drm_svm_coord *svm = range->svm;
	unsigned int i;

	spin_lock(&svm->lru_lock);
	list_del(&range->lru_link);
	spin_unlock(&svm->lru_lock);
	/*
	 * The range is out of the tree and zapped, but a TLB invalidation of
	 * its pages may still be in flight (see Invalidation). Nobody maps
	 * it any more: its flags can be read without the lock.
	 */
	for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++) {
		if (range->pages[i] && range->pages[i]->flags.has_dma_mapping) {
			drm_svm_coord_notifier_lock_write(svm);
			drm_svm_coord_tlb_wait(svm, 0);
			drm_svm_coord_notifier_unlock_write(svm);
			break;
		}
	}
	for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++) {
		if (!range->pages[i])
			continue;
		drm_gpusvm_free_pages(&svm->gpusvm, range->pages[i],
				      drm_svm_coord_range_npages(range));
		kfree(range->pages[i]);
	}
	kvfree(range->pfns);
	mutex_destroy(&range->validate_lock);
	kfree(range);
}

/**
 * drm_svm_coord_range_put() - drop a reference on a range
 * @range: the range
 *
 * The last reference frees the range, its pfns and its DMA mappings.
 */
void drm_svm_coord_range_put(struct drm_svm_coord_range *range)
{
	kref_put(&range->ref, coord_range_release);
}

noinline struct drm_svm_coord_range *
drm_svm_coord_range_alloc(struct drm_svm_coord_notifier *n, unsigned long start,
			  unsigned long end)
{
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	struct drm_svm_coord_range *range;

	range = kzalloc_flex(*range, gone, BITS_TO_LONGS(npages));
	if (!range)
		return NULL;
	kref_init(&range->ref);
	mutex_init(&range->validate_lock);
	INIT_LIST_HEAD(&range->gc_link);
	INIT_LIST_HEAD(&range->restore_link);
	INIT_LIST_HEAD(&range->lru_link);
	range->svm = n->svm;
	range->notifier = n;
	/* With VRAM around, a new range does not know where its data is. */
	range->loc = READ_ONCE(n->svm->vram) ? DRM_SVM_COORD_LOC_UNDEFINED :
					       DRM_SVM_COORD_LOC_SYSMEM;
	range->rule = DRM_SVM_COORD_RULE_NUM;
	range->itree.start = start;
	range->itree.last = end - 1;
	return range;
}
ALLOW_ERROR_INJECTION(drm_svm_coord_range_alloc, NULL);

/**
 * drm_svm_coord_range_insert() - add a new range to its notifier's tree
 * @svm: the manager
 * @range: the range, from drm_svm_coord_range_alloc()
 *
 * The tree takes over the reference of drm_svm_coord_range_alloc(). Under
 * &drm_svm_coord.tree_lock and the notifier lock held for writing.
 */
void drm_svm_coord_range_insert(struct drm_svm_coord *svm,
				struct drm_svm_coord_range *range)
{
	struct drm_svm_coord_notifier *n = range->notifier;

	drm_svm_coord_notifier_assert_held_write(svm);

	interval_tree_insert(&range->itree, &n->ranges);
	n->nr_ranges++;
}

/**
 * drm_svm_coord_range_remove() - take a range out of its tree
 * @svm: the manager
 * @range: the range
 *
 * Marks it unmapped; the caller drops the tree's reference. Under
 * &drm_svm_coord.tree_lock and the notifier lock held for writing.
 */
void drm_svm_coord_range_remove(struct drm_svm_coord *svm,
				struct drm_svm_coord_range *range)
{
	struct drm_svm_coord_notifier *n = range->notifier;

	drm_svm_coord_notifier_assert_held_write(svm);

	range->unmapped = true;
	list_del_init(&range->gc_link);
	interval_tree_remove(&range->itree, &n->ranges);
	n->nr_ranges--;
}

/**
 * drm_svm_coord_notifier_prune() - remove a notifier left without ranges
 * @svm: the manager
 * @n: the notifier, removed and freed if it holds no range
 *
 * Under &drm_svm_coord.tree_lock.
 */
void drm_svm_coord_notifier_prune(struct drm_svm_coord *svm,
				  struct drm_svm_coord_notifier *n)
{
	if (!n->nr_ranges)
		coord_notifier_remove(svm, n);
}

/*
 * Take a range out of its notifier for good: zap it on every GPU, wait for
 * the TLBs, DMA-unmap it, and drop the tree's reference. With @restore,
 * GPUs that cannot fault are quiesced first and get the range's addresses
 * back from the restore worker. Process context.
 */
u64 drm_svm_coord_range_retire(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range, bool restore)
{
	u64 wait, mapped;

	lockdep_assert_held(&svm->tree_lock);

	mutex_lock(&range->validate_lock);
	drm_svm_coord_notifier_lock_write(svm);
	mapped = range->mapped;
	if (restore)
		drm_svm_coord_restore_lost(svm, range, mapped);
	wait = drm_svm_coord_range_zap(svm, range);
	drm_svm_coord_range_remove(svm, range);
	drm_svm_coord_tlb_wait(svm, wait);
	drm_svm_coord_range_dma_unmap(svm, range, U64_MAX);
	drm_svm_coord_notifier_unlock_write(svm);
	mutex_unlock(&range->validate_lock);

	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_RANGES_DESTROYED, 1);
	drm_svm_coord_range_put(range);
	return mapped;
}

/**
 * drm_svm_coord_ranges_retire() - retire the ranges over some addresses
 * @svm: the manager
 * @start: first address
 * @end: end address (exclusive)
 *
 * The ranges are zapped and destroyed, the GPUs fault them back. GPUs
 * that cannot fault are quiesced before they are zapped and resumed by the
 * restore worker once their mappings are back (see Restore). Takes the
 * tree lock; the caller holds the manager lock.
 *
 * Return: the GPUs that had some of the ranges mapped.
 */
u64 drm_svm_coord_ranges_retire(struct drm_svm_coord *svm,
				unsigned long start, unsigned long end)
{
	struct drm_svm_coord_notifier *n;
	struct drm_svm_coord_range *range;
	u64 mapped = 0;

	lockdep_assert_held(&svm->lock);

	mutex_lock(&svm->tree_lock);
	drm_svm_coord_for_each_notifier(n, svm, start, end) {
		drm_svm_coord_for_each_range(range, n, start, end)
			mapped |= drm_svm_coord_range_retire(svm, range, true);
		drm_svm_coord_notifier_prune(svm, n);
	}
	mutex_unlock(&svm->tree_lock);
	return mapped;
}

/*
 * Act on @change in @range, which lies within the changed interval: zap
 * the GPUs that lost access, dropping their DMA mappings, and those whose
 * entries no longer match; with a new preferred location, every GPU if
 * the data is elsewhere. Returns the GPUs zapped though they keep access
 * and queued for restore (see drm_svm_coord_restore_lost()), and with a
 * new preferred location those still waiting for the restore worker: a
 * restore maps the data where it is, the caller maps them by the whole
 * policy. The restore worker does not run meanwhile: it holds the manager
 * lock for reading, the caller holds it for writing.
 */
static u64 coord_range_update(struct drm_svm_coord *svm,
			      struct drm_svm_coord_range *range,
			      const struct drm_svm_coord_change *change,
			      u32 preferred_loc, bool always_mapped)
{
	u64 zap, lost, pending = 0, wait = 0;
	unsigned int i;

	mutex_lock(&range->validate_lock);
	drm_svm_coord_notifier_lock_write(svm);
	zap = change->unmap | change->rewrite;
	/* Without VRAM the data stays in system memory wherever preferred. */
	if ((change->triggers & DRM_SVM_COORD_TRIGGER_MIGRATE) && svm->vram &&
	    range->loc != preferred_loc) {
		zap = U64_MAX;
		pending = range->restore & ~range->unzap & ~change->unmap;
	}
	zap &= range->mapped;
	range->always_mapped = always_mapped;
	lost = drm_svm_coord_restore_lost(svm, range, zap & ~change->unmap) |
	       pending;
	for_each_set_bit(i, (unsigned long *)&zap, DRM_SVM_COORD_MAX_VMS)
		wait |= drm_svm_coord_range_zap_vm(svm, range, svm->vms[i]);
	drm_svm_coord_tlb_wait(svm, wait);
	drm_svm_coord_range_dma_unmap(svm, range, change->unmap);
	drm_svm_coord_notifier_unlock_write(svm);
	mutex_unlock(&range->validate_lock);
	return lost;
}

/**
 * drm_svm_coord_ranges_update() - act on a change of attributes
 * @svm: the manager
 * @change: an interval whose attributes changed, and what that asks
 * @attrs: the interval's attributes now
 *
 * The ranges under the interval stay, with their pages, DMA mappings,
 * location, LRU position, thrash state and history; drm_svm_coord_split_at()
 * cut those that reached across its bounds. Only the GPUs the change is
 * about are zapped: those that lost access (their DMA mappings of the
 * pages go as well), those whose entries no longer match the attributes
 * (&drm_svm_coord_change.rewrite), and, when the preferred location
 * changed, the GPUs mapping a range whose data is elsewhere, so that their
 * next fault, or the caller's map for those that cannot fault, decides
 * again. GPUs that cannot fault and keep access are quiesced first and
 * restored (see Restore). A range that still reaches across a bound is
 * retired. Takes the tree lock; the caller holds the manager lock for
 * writing.
 *
 * Return: the GPUs queued for restore (see drm_svm_coord_restore_lost()),
 * and with a new preferred location those already waiting for a restore
 * of a range whose data is elsewhere: the caller maps them.
 */
u64 drm_svm_coord_ranges_update(struct drm_svm_coord *svm,
				const struct drm_svm_coord_change *change,
				const struct drm_svm_coord_attrs *attrs)
{
	bool always = attrs->flags & DRM_SVM_COORD_FLAG_GPU_ALWAYS_MAPPED;

	struct drm_svm_coord_notifier *n;
	struct drm_svm_coord_range *range;
	u64 lost = 0;

	lockdep_assert_held_write(&svm->lock);

	mutex_lock(&svm->tree_lock);
	drm_svm_coord_for_each_notifier(n, svm, change->start, change->end) {
		drm_svm_coord_for_each_range(range, n, change->start,
					     change->end) {
			if (drm_svm_coord_range_within(range, change->start,
						       change->end))
				lost |= coord_range_update(svm, range, change,
							   attrs->preferred_loc,
							   always);
			else
				lost |= drm_svm_coord_range_retire(svm, range,
								   true);
		}
		drm_svm_coord_notifier_prune(svm, n);
	}
	mutex_unlock(&svm->tree_lock);
	return lost;
}

/* Take @vm's entries and DMA mappings of @range away. */
static void coord_range_forget_vm(struct drm_svm_coord *svm,
				  struct drm_svm_coord_range *range,
				  struct drm_svm_coord_vm *vm)
{
	struct drm_gpusvm_pages *pages;

	mutex_lock(&range->validate_lock);
	drm_svm_coord_notifier_lock_write(svm);
	drm_svm_coord_range_zap_vm(svm, range, vm);
	range->unzap &= ~BIT_ULL(vm->index);
	pages = range->pages[vm->index];
	range->pages[vm->index] = NULL;
	/*
	 * Nothing may name the GPU any more: data its VRAM still holds (an
	 * eviction that could not move the range) is where the next fault
	 * finds it, and a pin to its VRAM ends.
	 */
	if (range->loc == vm->index)
		drm_svm_coord_range_set_loc(svm, range,
					    DRM_SVM_COORD_LOC_UNDEFINED);
	if (range->thrash.state == DRM_SVM_COORD_THRASH_PINNED &&
	    range->thrash.pin_loc == vm->index)
		range->thrash.state = DRM_SVM_COORD_THRASH_NORMAL;
	/* This zap's flush, and any other still in flight. */
	drm_svm_coord_tlb_wait(svm, 0);
	drm_svm_coord_notifier_unlock_write(svm);

	if (pages) {
		drm_gpusvm_free_pages(&svm->gpusvm, pages,
				      drm_svm_coord_range_npages(range));
		kfree(pages);
	}
	mutex_unlock(&range->validate_lock);
}

/*
 * A range out of the tree that the restore list still holds, with a pages
 * struct of @vm; returns a reference.
 */
static struct drm_svm_coord_range *
coord_restore_list_find(struct drm_svm_coord *svm, struct drm_svm_coord_vm *vm)
{
	struct drm_svm_coord_range *range, *found = NULL;

	drm_svm_coord_notifier_lock_read(svm);
	list_for_each_entry(range, &svm->restore_list, restore_link) {
		if (range->unmapped && range->pages[vm->index]) {
			kref_get(&range->ref);
			found = range;
			break;
		}
	}
	drm_svm_coord_notifier_unlock_read(svm);
	return found;
}

/**
 * drm_svm_coord_ranges_forget_vm() - drop a GPU's mappings of every range
 * @svm: the manager
 * @vm: the GPU, detaching
 *
 * Zaps the GPU's entries, waits for its TLB, frees its DMA mappings, and
 * waits for invalidations that may still name it to finish. Ranges that
 * left the tree but wait on the restore list for a GPU that cannot fault
 * lose their pages struct of the GPU too: their release, later, must not
 * reach the GPU's device. Called with the manager lock held for writing,
 * which keeps the restore worker out.
 */
void drm_svm_coord_ranges_forget_vm(struct drm_svm_coord *svm,
				    struct drm_svm_coord_vm *vm)
{
	struct drm_svm_coord_notifier *n;
	struct drm_svm_coord_range *range;

	lockdep_assert_held_write(&svm->lock);

	mutex_lock(&svm->tree_lock);
	drm_svm_coord_for_each_notifier(n, svm, 0, ULONG_MAX) {
		drm_svm_coord_for_each_range(range, n, 0, ULONG_MAX)
			coord_range_forget_vm(svm, range, vm);
		/* An invalidation in flight may still wait on this GPU. */
		mmu_interval_read_begin(&n->mn);
	}
	mutex_unlock(&svm->tree_lock);

	while ((range = coord_restore_list_find(svm, vm))) {
		coord_range_forget_vm(svm, range, vm);
		drm_svm_coord_range_put(range);
	}
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
	struct drm_svm_coord_notifier *n;
	unsigned int count = 0;

	mutex_lock(&svm->tree_lock);
	drm_svm_coord_for_each_notifier(n, svm, 0, ULONG_MAX)
		count += n->nr_ranges;
	mutex_unlock(&svm->tree_lock);
	return count;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_nr_ranges);

/**
 * drm_svm_coord_where_is() - what the fault path learns about an address
 * @svm: the manager
 * @addr: the address
 * @w: out: the bounds a range holding @addr may have, the VMA's
 *	permissions, the attributes at @addr and the GPUs that reserved it
 *
 * Takes the mmap lock for reading. Under the manager lock.
 *
 * Return: 0, or -EFAULT when no VMA covers @addr.
 */
int drm_svm_coord_where_is(struct drm_svm_coord *svm, unsigned long addr,
			   struct drm_svm_coord_where *w)
{
	unsigned long window = ALIGN_DOWN(addr, drm_svm_coord_chunks[0]);
	unsigned long seg_first, seg_last;
	struct vm_area_struct *vma;
	struct mm_struct *mm = drm_svm_coord_mm(svm);

	lockdep_assert_held(&svm->lock);

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	w->lo = max(vma->vm_start, window);
	w->hi = min(vma->vm_end, window + drm_svm_coord_chunks[0]);
	w->vma_end = vma->vm_end;
	w->vma_read = vma->vm_flags & VM_READ;
	w->vma_write = vma->vm_flags & VM_WRITE;
	w->vma_anon = vma_is_anonymous(vma);
	mmap_read_unlock(mm);

	drm_svm_coord_attr_tree_lookup(&svm->attrs, addr >> PAGE_SHIFT,
				       w->lo >> PAGE_SHIFT,
				       (w->hi >> PAGE_SHIFT) - 1, &seg_first,
				       &seg_last, &w->attrs);
	w->lo = seg_first << PAGE_SHIFT;
	w->hi = (seg_last + 1) << PAGE_SHIFT;
	w->reserved = drm_svm_coord_reserved_clip(svm, addr, &w->lo, &w->hi);
	w->max = PAGE_SIZE << w->attrs.granularity;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_where_is);

/**
 * drm_svm_coord_next_vma() - where the next VMA after a hole starts
 * @svm: the manager
 * @addr: an address no VMA covered
 *
 * For walks over spans of addresses, which jump over holes instead of
 * stepping through them page by page. Takes the mmap lock for reading.
 *
 * Return: the start of the first VMA above @addr, past @addr in any case
 * (a VMA mapped at @addr meanwhile is looked at again from the next page),
 * or ULONG_MAX when there is none.
 */
unsigned long drm_svm_coord_next_vma(struct drm_svm_coord *svm,
				     unsigned long addr)
{
	struct mm_struct *mm = drm_svm_coord_mm(svm);
	struct vm_area_struct *vma;
	unsigned long next;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	next = vma ? max(vma->vm_start, addr + PAGE_SIZE) : ULONG_MAX;
	mmap_read_unlock(mm);
	return next;
}

/**
 * drm_svm_coord_range_within() - whether a range fits in bounds
 * @range: the range
 * @lo: first address it may hold
 * @hi: end of the addresses it may hold (exclusive)
 *
 * Return: true when @range lies within [@lo, @hi).
 */
bool drm_svm_coord_range_within(const struct drm_svm_coord_range *range,
				unsigned long lo, unsigned long hi)
{
	return drm_svm_coord_range_start(range) >= lo &&
	       drm_svm_coord_range_end(range) <= hi;
}

/**
 * drm_svm_coord_range_find_or_create() - the range of the fault path
 * @svm: the manager
 * @w: what drm_svm_coord_where_is() read of @addr
 * @addr: the address
 *
 * Finds the live range holding @addr, or creates one. Ranges left by the
 * notifier are collected, and ranges that reach beyond the VMA and
 * attribute interval of @w are retired (see Fault path, 4a), on the way.
 * Under the manager lock and the tree lock.
 *
 * Return: the range, with a reference; ERR_PTR(-EAGAIN) when the VMA
 * changed since @w was read (look it up again), or another error.
 */
struct drm_svm_coord_range *
drm_svm_coord_range_find_or_create(struct drm_svm_coord *svm,
				   const struct drm_svm_coord_where *w, unsigned long addr)
{
	unsigned long lo = w->lo, hi = w->hi, chunk;
	struct mm_struct *mm = drm_svm_coord_mm(svm);
	struct drm_svm_coord_notifier *n;
	struct drm_svm_coord_range *range;
	struct interval_tree_node *node;
	struct vm_area_struct *vma;

	lockdep_assert_held(&svm->tree_lock);

	n = coord_notifier_find_or_insert(svm, addr);
	if (IS_ERR(n))
		return ERR_CAST(n);

	/* Existing ranges near @addr: reuse, bound, or clean up. */
again:
	node = interval_tree_iter_first(&n->ranges, lo, hi - 1);
	while (node) {
		range = drm_svm_coord_to_range(node);
		node = interval_tree_iter_next(node, lo, hi - 1);
		if (range->unmapped || range->holes) {
			/* Left by the notifier: do the GC's work now. */
			drm_svm_coord_range_collect(svm, range);
			goto again;
		}
		if (!drm_svm_coord_range_within(range, w->lo, w->hi)) {
			/* The VMA changed under it. */
			drm_svm_coord_range_retire(svm, range, true);
			goto again;
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
		drm_svm_coord_notifier_prune(svm, n);
		return ERR_PTR(-EFAULT);
	}

	range = drm_svm_coord_range_alloc(n, ALIGN_DOWN(addr, chunk),
					  ALIGN_DOWN(addr, chunk) + chunk);
	if (!range) {
		drm_svm_coord_notifier_prune(svm, n);
		return ERR_PTR(-ENOMEM);
	}
	range->always_mapped = w->attrs.flags &
			       DRM_SVM_COORD_FLAG_GPU_ALWAYS_MAPPED;

	/*
	 * Insert under the mmap lock, after checking that the VMA @w was
	 * read from still holds the range as it did: a VMA change between
	 * drm_svm_coord_where_is() and here (an munmap, an mprotect of pages
	 * never populated, which no notifier reports) would otherwise leave a
	 * range over a hole or across permissions. Once inserted, a change
	 * of the VMA reaches the range through the notifier or makes it stale
	 * for the next lookup (see Fault path, 4a).
	 */
	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	if (!vma || drm_svm_coord_range_start(range) < vma->vm_start ||
	    drm_svm_coord_range_end(range) > vma->vm_end ||
	    !(vma->vm_flags & VM_WRITE) != !w->vma_write) {
		mmap_read_unlock(mm);
		drm_svm_coord_range_put(range);
		drm_svm_coord_notifier_prune(svm, n);
		return ERR_PTR(-EAGAIN);
	}
	drm_svm_coord_notifier_lock_write(svm);
	drm_svm_coord_range_insert(svm, range);
	drm_svm_coord_notifier_unlock_write(svm);
	mmap_read_unlock(mm);
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_RANGES, 1);

	kref_get(&range->ref);
	return range;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_range_find_or_create);
