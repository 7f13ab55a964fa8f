// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/hmm.h>
#include <linux/interval_tree.h>
#include <linux/ktime.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <drm/drm_pagemap.h>
#include <drm/drm_print.h>

#include <kunit/visibility.h>

#include "drm_svm_coord_priv.h"

#define CREATE_TRACE_POINTS
#include "drm_svm_coord_trace.h"

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
 * range lock, so a fault never sees a range with holes): each run of pages
 * that stayed (drm_svm_coord_split_runs(), a pure function) becomes a range
 * of its own that takes over the run's DMA mappings from the old range
 * (drm_gpusvm_pages_split()) and its mapped and writable GPU masks. Pages
 * that were invalidated but are still mapped by the CPU are faulted into a
 * new range the next time a GPU needs them.
 *
 * A part cannot be split off when a higher-order DMA mapping straddles its
 * boundary or the mappings share one IOVA reservation
 * (drm_gpusvm_pages_can_split()); that GPU then loses the whole range, as
 * without splitting. A transparent huge page is split by the kernel with an
 * invalidation of its whole 2 MiB before any part of it goes, so a range
 * backed by one loses all its mappings, as the kernel asks. Attribute
 * changes retire the ranges under the changed interval (see
 * drm_svm_coord_set_attr()).
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
 * takes only the range lock, which orders it against faults: a fault
 * either finds the range before the worker took it (and splits or skips it
 * itself) or after.
 */

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
 * nothing to restore.
 *
 * The restore worker, one per manager, runs shortly after the first event
 * of a batch (1 ms), so that the events of one mprotect() or fork() cost
 * one run. For every queued range it maps the range's addresses again for
 * each GPU of the mask, through the fault path, so that GPUs restoring the
 * same range share one hmm_range_fault(). Then it resumes every GPU it
 * quiesced that has no range left to restore. A range that fails to
 * restore is retried with exponential backoff (10 ms doubling, up to
 * ``restore_retries`` attempts, a module parameter) without holding back
 * the others or the GPUs that do not map it; each failure is counted
 * (%DRM_SVM_COORD_STAT_RESTORE_FAILURES) and the last one reported in the
 * kernel log, after which its GPU is resumed without the range.
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
 * 3. When a GPU with VRAM is attached, the residency policy decides where
 *    the data should be for this GPU, and it is moved there first (see
 *    Migration).
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
 *    the VMA changed after it was looked up.
 * 5. The pages are DMA-mapped for the GPU (drm_gpusvm_map_pages()): one
 *    hmm_range_fault() serves every GPU, DMA mapping stays per device.
 * 6. The backend prepares its page tables (&drm_svm_coord_ops.prepare),
 *    then, under the notifier lock held for reading and after checking the
 *    notifier sequence once more, writes the entries
 *    (&drm_svm_coord_ops.map). A race with an invalidation anywhere in
 *    these steps restarts from step 3 (counted as a retry); the mmap lock
 *    is never held across a backend call.
 */

/**
 * DOC: Migration
 *
 * A GPU attached with VRAM (&drm_svm_coord_vm_caps.dpagemap) gives the
 * manager a place to move data to. Each range remembers where its data was
 * at its last fault (&drm_svm_coord_range.loc, read back from the pages
 * hmm_range_fault() returned) and its thrash state. Under the range's
 * mutex, which every GPU faulting on the range takes in turn, the fault
 * path asks drm_svm_coord_decide() where the data should be for the
 * faulting GPU and acts on the answer before it faults the pages:
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
 * So decide → migrate → map happens once per range at a time, and GPUs
 * that fault on the range together get one decision each, in turn; the
 * second usually finds the data where the first put it. The move fires the
 * range's notifier once (one migrate_vma), which unmaps every GPU; the
 * faulting GPU maps at once, the others when they fault again, and GPUs
 * that cannot fault get their mappings back from the restore worker, as
 * after any invalidation.
 *
 * The time each move takes feeds the range's thrash control (see Thrash
 * control). A move into a full VRAM first evicts the least recently used
 * ranges from it (see Eviction). Only anonymous memory can be replaced by
 * device-private pages: a range of any other VMA (shared memory, a file)
 * is placed as if no VRAM had room, so it stays in system memory and
 * nothing is evicted for it. A move that fails (no room even so, a race)
 * leaves the data where it is: with no room, the policy is asked again
 * without that GPU, otherwise the GPU maps the data where it is.
 * Explicit prefetches (%DRM_SVM_COORD_ATTR_PREFETCH_LOC) go through the
 * same path from drm_svm_coord_set_attr(), before any fault.
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
 * range unmapped for good.
 * A migration whose owner is the manager itself is not acted upon: the
 * coordinator's own migrations remap what they move. A callback that may
 * not block returns false, as the MMU notifier API asks.
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

static unsigned int restore_retries = 8;
module_param(restore_retries, uint, 0644);
MODULE_PARM_DESC(restore_retries,
		 "Attempts to restore a range for GPUs that cannot fault before giving up (default 8)");

static unsigned int thrash_threshold = 3;
module_param(thrash_threshold, uint, 0644);
MODULE_PARM_DESC(thrash_threshold,
		 "Migrations in a row that throttle a range, 0: no thrash control (default 3)");
static unsigned int thrash_lapse_us = 500;
module_param(thrash_lapse_us, uint, 0644);
MODULE_PARM_DESC(thrash_lapse_us, "Floor of the thrash window in µs (default 500)");
static unsigned int thrash_cost_mult = 16;
module_param(thrash_cost_mult, uint, 0644);
MODULE_PARM_DESC(thrash_cost_mult,
		 "Thrash window in migration costs of the range (default 16)");
static unsigned int thrash_pin_after = 2;
module_param(thrash_pin_after, uint, 0644);
MODULE_PARM_DESC(thrash_pin_after, "Migrations while throttled that pin a range (default 2)");
static unsigned int thrash_quiet_ms = 1000;
module_param(thrash_quiet_ms, uint, 0644);
MODULE_PARM_DESC(thrash_quiet_ms, "Floor of the quiet period that ends thrashing in ms (default 1000)");
static unsigned int thrash_quiet_mult = 256;
module_param(thrash_quiet_mult, uint, 0644);
MODULE_PARM_DESC(thrash_quiet_mult,
		 "Quiet period in migration costs of the range (default 256)");

static void thrash_params(struct drm_svm_coord_thrash_params *p)
{
	*p = (struct drm_svm_coord_thrash_params) {
		.threshold = READ_ONCE(thrash_threshold),
		.lapse_ns = (u64)READ_ONCE(thrash_lapse_us) * NSEC_PER_USEC,
		.cost_mult = READ_ONCE(thrash_cost_mult),
		.pin_after = max(READ_ONCE(thrash_pin_after), 1u),
		.quiet_ns = (u64)READ_ONCE(thrash_quiet_ms) * NSEC_PER_MSEC,
		.quiet_mult = READ_ONCE(thrash_quiet_mult),
	};
}

#define RESTORE_DELAY_MS	1
#define RESTORE_BACKOFF_MS	10

static const unsigned long drm_svm_coord_chunks[] = { SZ_2M, SZ_64K, SZ_4K };

/* The largest range, in pages: the bitmaps of the split fit on the stack. */
#define RANGE_MAX_PAGES		(SZ_2M >> PAGE_SHIFT)

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

static void gc_work_fn(struct work_struct *work);
static void restore_work_fn(struct work_struct *work);

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
	mutex_init(&svm->range_lock);
	spin_lock_init(&svm->lru_lock);
	for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++)
		INIT_LIST_HEAD(&svm->lru[i]);
	svm->notifiers = RB_ROOT_CACHED;
	svm->notifier_size = size;
	INIT_LIST_HEAD(&svm->gc_list);
	INIT_WORK(&svm->gc_work, gc_work_fn);
	INIT_LIST_HEAD(&svm->restore_list);
	INIT_DELAYED_WORK(&svm->restore_work, restore_work_fn);
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

	for_each_set_bit(i, (unsigned long *)&mapped, DRM_SVM_COORD_MAX_VMS) {
		struct drm_svm_coord_vm *vm = svm->vms[i];

		vm->ops->unmap(vm, start, end);
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_ZAPS, 1);
		if (vm->ops->tlb_flush_wait)
			wait |= BIT_ULL(i);
	}
	range->mapped = 0;
	range->writable = 0;
	return wait;
}

/*
 * Zap [@start, @end), part of @range, on the GPUs that map it. A GPU whose
 * DMA mappings cannot lose the part alone loses the whole range. Returns
 * the GPUs whose TLB wait is due.
 */
static u64 range_zap_part(struct drm_svm_coord *svm,
			  struct drm_svm_coord_range *range,
			  unsigned long start, unsigned long end)
{
	unsigned long rstart = drm_svm_coord_range_start(range);
	unsigned long first = (start - rstart) >> PAGE_SHIFT;
	unsigned long count = (end - start) >> PAGE_SHIFT;
	u64 wait = 0;
	unsigned int i;

	lockdep_assert_held_write(&svm->gpusvm.notifier_lock);

	for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++) {
		struct drm_gpusvm_pages *pages = range->pages[i];
		struct drm_svm_coord_vm *vm = svm->vms[i];
		u64 bit = BIT_ULL(i);
		bool part = !pages ||
			    drm_gpusvm_pages_can_split(pages, range_npages(range),
						       first, count);

		if (!part)
			range->dma_whole |= bit;
		if (!(range->mapped & bit))
			continue;
		if (part) {
			vm->ops->unmap(vm, start, end);
		} else {
			vm->ops->unmap(vm, rstart,
					drm_svm_coord_range_end(range));
			range->mapped &= ~bit;
			range->writable &= ~bit;
		}
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_ZAPS, 1);
		if (vm->ops->tlb_flush_wait)
			wait |= bit;
	}
	return wait;
}

static bool vm_can_fault(const struct drm_svm_coord_vm *vm)
{
	return vm->caps.flags & DRM_SVM_COORD_VM_CAN_FAULT;
}

/* The GPUs of @gpus that cannot fault. */
static u64 gpus_no_fault(struct drm_svm_coord *svm, u64 gpus)
{
	u64 out = 0;
	unsigned int i;

	for_each_set_bit(i, (unsigned long *)&gpus, DRM_SVM_COORD_MAX_VMS)
		if (!vm_can_fault(svm->vms[i]))
			out |= BIT_ULL(i);
	return out;
}

/* Stop the queues of @gpus, unless the coordinator already did. */
static void quiesce_gpus(struct drm_svm_coord *svm, u64 gpus)
{
	unsigned int i;

	lockdep_assert_held_write(&svm->gpusvm.notifier_lock);

	gpus &= ~svm->quiesced;
	for_each_set_bit(i, (unsigned long *)&gpus, DRM_SVM_COORD_MAX_VMS) {
		struct drm_svm_coord_vm *vm = svm->vms[i];

		vm->ops->quiesce(vm);
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_QUIESCES, 1);
	}
	svm->quiesced |= gpus;
}

static void gc_queue(struct drm_svm_coord *svm,
		     struct drm_svm_coord_range *range)
{
	lockdep_assert_held_write(&svm->gpusvm.notifier_lock);

	if (list_empty(&range->gc_link))
		list_add_tail(&range->gc_link, &svm->gc_list);
}

static void restore_queue(struct drm_svm_coord *svm,
			  struct drm_svm_coord_range *range, u64 gpus)
{
	lockdep_assert_held_write(&svm->gpusvm.notifier_lock);

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

static void tlb_wait(struct drm_svm_coord *svm, u64 wait)
{
	unsigned int i;

	for_each_set_bit(i, (unsigned long *)&wait, DRM_SVM_COORD_MAX_VMS) {
		struct drm_svm_coord_vm *vm = svm->vms[i];

		vm->ops->tlb_flush_wait(vm);
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_TLB_WAITS, 1);
	}
}

static void range_dma_unmap(struct drm_svm_coord *svm,
			    struct drm_svm_coord_range *range)
{
	const struct drm_gpusvm_ctx ctx = { .in_notifier = true };
	unsigned int i;

	lockdep_assert_held_write(&svm->gpusvm.notifier_lock);

	for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++)
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

/* Clip [@start, @end) to @range in [@a, @b); true if it covers all of it. */
static bool range_clip(const struct drm_svm_coord_range *range,
		       unsigned long start, unsigned long end,
		       unsigned long *a, unsigned long *b)
{
	*a = max(start, drm_svm_coord_range_start(range));
	*b = min(end, drm_svm_coord_range_end(range));
	return *a == drm_svm_coord_range_start(range) &&
	       *b == drm_svm_coord_range_end(range);
}

/* The second pass: wait for the TLBs, then DMA-unmap. */
static void invalidate_complete(struct drm_svm_coord_notifier *n,
				unsigned long start, unsigned long end, u64 wait)
{
	struct drm_svm_coord *svm = n->svm;
	struct interval_tree_node *node;

	lockdep_assert_held_write(&svm->gpusvm.notifier_lock);

	tlb_wait(svm, wait);
	for (node = interval_tree_iter_first(&n->ranges, start, end - 1); node;
	     node = interval_tree_iter_next(node, start, end - 1)) {
		struct drm_svm_coord_range *range = to_range(node);
		unsigned long rstart = drm_svm_coord_range_start(range);
		unsigned long a, b;
		unsigned int i;

		if (range_clip(range, start, end, &a, &b)) {
			range_dma_unmap(svm, range);
			continue;
		}
		for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++) {
			struct drm_gpusvm_pages *pages = range->pages[i];
			const struct drm_gpusvm_ctx ctx = { .in_notifier = true };

			if (!pages)
				continue;
			if (range->dma_whole & BIT_ULL(i))
				drm_gpusvm_unmap_pages(&svm->gpusvm, pages,
						       range_npages(range),
						       &ctx);
			else
				drm_gpusvm_unmap_pages_part(&svm->gpusvm, pages,
							    range_npages(range),
							    (a - rstart) >> PAGE_SHIFT,
							    (b - a) >> PAGE_SHIFT);
		}
		range->dma_whole = 0;
	}
}

/* Whether a GPU has entries or DMA mappings of @range's pages. */
static bool range_has_gpu_state(const struct drm_svm_coord_range *range)
{
	unsigned int i;

	lockdep_assert_held(&range->svm->gpusvm.notifier_lock);

	if (range->mapped)
		return true;
	for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++)
		if (range->pages[i] && range->pages[i]->flags.has_dma_mapping)
			return true;
	return false;
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
	bool hit = false, collect = false;
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
		unsigned long rstart = drm_svm_coord_range_start(range);
		u64 lost = gpus_no_fault(svm, range->mapped);
		unsigned long a, b;

		hit = true;
		if (!gone && lost) {
			/* Stop them before their mappings go, restore later. */
			quiesce_gpus(svm, lost);
			restore_queue(svm, range, lost);
		}
		if (range_clip(range, start, end, &a, &b)) {
			wait |= range_zap(svm, range);
			if (gone) {
				range->unmapped = true;
				gc_queue(svm, range);
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
		if (!gone && !range_has_gpu_state(range))
			continue;
		/* Zap that part on the GPUs, split the range later. */
		wait |= range_zap_part(svm, range, a, b);
		bitmap_set(range->gone, (a - rstart) >> PAGE_SHIFT,
			   (b - a) >> PAGE_SHIFT);
		range->holes = true;
		gc_queue(svm, range);
		collect = true;
	}
	if (!hit)
		goto out_unlock;
	/* Once per callback: one run of the collector takes every range. */
	if (collect)
		queue_work(system_dfl_wq, &svm->gc_work);
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
	struct drm_svm_coord *svm = range->svm;
	unsigned int i;

	spin_lock(&svm->lru_lock);
	list_del(&range->lru_link);
	spin_unlock(&svm->lru_lock);
	for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++) {
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

/*
 * Record where @range's data is, and keep the range on the LRU of the GPU
 * whose VRAM holds it, as the most recently used there.
 */
static void range_set_loc(struct drm_svm_coord *svm,
			  struct drm_svm_coord_range *range, u32 loc)
{
	range->loc = loc;
	spin_lock(&svm->lru_lock);
	if (loc < DRM_SVM_COORD_MAX_VMS)
		list_move_tail(&range->lru_link, &svm->lru[loc]);
	else
		list_del_init(&range->lru_link);
	spin_unlock(&svm->lru_lock);
}

/* @range was just used: the last of its VRAM's ranges to evict. */
static void range_touch(struct drm_svm_coord *svm,
			struct drm_svm_coord_range *range)
{
	spin_lock(&svm->lru_lock);
	if (!list_empty(&range->lru_link))
		list_move_tail(&range->lru_link, &svm->lru[range->loc]);
	spin_unlock(&svm->lru_lock);
}

static struct drm_svm_coord_range *
range_alloc(struct drm_svm_coord_notifier *n, unsigned long start,
	    unsigned long end)
{
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	struct drm_svm_coord_range *range;

	range = kzalloc_flex(*range, gone, BITS_TO_LONGS(npages));
	if (!range)
		return NULL;
	kref_init(&range->ref);
	mutex_init(&range->lock);
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

static void range_insert(struct drm_svm_coord *svm,
			 struct drm_svm_coord_range *range)
{
	struct drm_svm_coord_notifier *n = range->notifier;

	lockdep_assert_held_write(&svm->gpusvm.notifier_lock);

	interval_tree_insert(&range->itree, &n->ranges);
	n->nr_ranges++;
}

/* Take @range out of its tree; the caller drops the tree's reference. */
static void range_remove(struct drm_svm_coord *svm,
			 struct drm_svm_coord_range *range)
{
	struct drm_svm_coord_notifier *n = range->notifier;

	lockdep_assert_held_write(&svm->gpusvm.notifier_lock);

	range->unmapped = true;
	list_del_init(&range->gc_link);
	interval_tree_remove(&range->itree, &n->ranges);
	n->nr_ranges--;
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
 * the TLBs, DMA-unmap it, and drop the tree's reference. With @restore,
 * GPUs that cannot fault are quiesced first and get the range's addresses
 * back from the restore worker. Process context.
 */
static u64 range_retire(struct drm_svm_coord *svm,
			struct drm_svm_coord_range *range, bool restore)
{
	u64 wait, mapped, lost;

	lockdep_assert_held(&svm->range_lock);

	mutex_lock(&range->lock);
	down_write(&svm->gpusvm.notifier_lock);
	mapped = range->mapped;
	lost = restore ? gpus_no_fault(svm, mapped) : 0;
	if (lost) {
		quiesce_gpus(svm, lost);
		restore_queue(svm, range, lost);
	}
	wait = range_zap(svm, range);
	range_remove(svm, range);
	tlb_wait(svm, wait);
	range_dma_unmap(svm, range);
	up_write(&svm->gpusvm.notifier_lock);
	mutex_unlock(&range->lock);

	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_RANGES_DESTROYED, 1);
	range_put(range);
	return mapped;
}

/* The pieces of a split and what they take over. */
struct range_split_state {
	unsigned int nr;
	struct drm_svm_coord_run runs[RANGE_MAX_PAGES / 2 + 1];
	struct drm_svm_coord_range *pieces[RANGE_MAX_PAGES / 2 + 1];
};

/* Free pieces that never entered a tree: their only reference goes. */
static void split_free(struct range_split_state *st)
{
	unsigned int k;

	for (k = 0; k < st->nr; k++) {
		if (st->pieces[k])
			range_put(st->pieces[k]);
		st->pieces[k] = NULL;
	}
}

/* Allocate the pieces, with room for the DMA addresses of each GPU. */
static int split_alloc(struct drm_svm_coord_range *range,
		       struct range_split_state *st)
{
	unsigned long rstart = drm_svm_coord_range_start(range);
	unsigned int k, i;

	for (k = 0; k < st->nr; k++) {
		unsigned long start = rstart + (st->runs[k].first << PAGE_SHIFT);
		unsigned long count = st->runs[k].count;
		struct drm_svm_coord_range *piece;

		piece = range_alloc(range->notifier, start,
				    start + (count << PAGE_SHIFT));
		st->pieces[k] = piece;
		if (!piece)
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
			if (!pages->dma_addr)
				return -ENOMEM;
		}
	}
	return 0;
}

/*
 * Replace a range with holes by its pieces, which keep the mappings of
 * their pages on every GPU. Falls back to retiring the range when memory
 * is short. Called with the range lock held.
 */
static void range_split(struct drm_svm_coord *svm,
			struct drm_svm_coord_range *range)
{
	unsigned long npages = range_npages(range);
	DECLARE_BITMAP(gone, RANGE_MAX_PAGES);
	struct range_split_state *st;
	unsigned int k, i;

	lockdep_assert_held(&svm->range_lock);

	st = kzalloc_obj(*st);
	if (!st)
		goto retire;

	mutex_lock(&range->lock);
again:
	down_read(&svm->gpusvm.notifier_lock);
	bitmap_copy(gone, range->gone, npages);
	up_read(&svm->gpusvm.notifier_lock);

	st->nr = drm_svm_coord_split_runs(gone, NULL, npages, st->runs,
					  ARRAY_SIZE(st->runs));
	if (!st->nr || WARN_ON(st->nr > ARRAY_SIZE(st->runs)))
		goto unlock_retire;
	if (split_alloc(range, st)) {
		split_free(st);
		goto unlock_retire;
	}

	down_write(&svm->gpusvm.notifier_lock);
	if (!bitmap_equal(gone, range->gone, npages) || range->unmapped) {
		/* More pages left meanwhile: plan again. */
		up_write(&svm->gpusvm.notifier_lock);
		split_free(st);
		if (range->unmapped)
			goto unlock_retire;
		goto again;
	}
	for (k = 0; k < st->nr; k++) {
		struct drm_svm_coord_range *piece = st->pieces[k];

		piece->mapped = range->mapped;
		piece->writable = range->writable;
		range_set_loc(svm, piece, range->loc);
		piece->thrash = range->thrash;
		piece->rule = range->rule;
		piece->evictions = range->evictions;
		piece->moves = range->moves;
		memcpy(piece->history, range->history, sizeof(piece->history));
		for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++) {
			if (!piece->pages[i])
				continue;
			if (drm_gpusvm_pages_split(&svm->gpusvm,
						   range->pages[i], npages,
						   st->runs[k].first,
						   st->runs[k].count,
						   piece->pages[i]))
				/* Zapped whole by the notifier already. */
				WARN_ON(range->mapped & BIT_ULL(i));
		}
	}
	range_remove(svm, range);
	range->mapped = 0;
	range->writable = 0;
	for (k = 0; k < st->nr; k++)
		range_insert(svm, st->pieces[k]);
	up_write(&svm->gpusvm.notifier_lock);
	mutex_unlock(&range->lock);

	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_SPLITS, 1);
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_RANGES, st->nr);
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_RANGES_DESTROYED, 1);
	kfree(st);
	range_put(range);
	return;

unlock_retire:
	mutex_unlock(&range->lock);
retire:
	kfree(st);
	range_retire(svm, range, false);
}

/* Destroy or split a range the notifier left behind. */
static void range_collect(struct drm_svm_coord *svm,
			  struct drm_svm_coord_range *range)
{
	lockdep_assert_held(&svm->range_lock);

	if (range->unmapped)
		range_retire(svm, range, false);
	else if (range->holes)
		range_split(svm, range);
}

static void notifiers_prune(struct drm_svm_coord *svm)
{
	struct interval_tree_node *nn;

	lockdep_assert_held(&svm->range_lock);

	nn = interval_tree_iter_first(&svm->notifiers, 0, ULONG_MAX);
	while (nn) {
		struct drm_svm_coord_notifier *n = to_notifier(nn);

		nn = interval_tree_iter_next(nn, 0, ULONG_MAX);
		notifier_prune(svm, n);
	}
}

static void gc_work_fn(struct work_struct *work)
{
	struct drm_svm_coord *svm = container_of(work, typeof(*svm), gc_work);
	struct drm_svm_coord_range *range;

	mutex_lock(&svm->range_lock);
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_GC_RUNS, 1);
	for (;;) {
		down_write(&svm->gpusvm.notifier_lock);
		range = list_first_entry_or_null(&svm->gc_list, typeof(*range),
						 gc_link);
		if (range)
			list_del_init(&range->gc_link);
		up_write(&svm->gpusvm.notifier_lock);
		if (!range)
			break;
		/* Still in its tree, which holds a reference. */
		range_collect(svm, range);
	}
	notifiers_prune(svm);
	mutex_unlock(&svm->range_lock);
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
 *
 * Return: the GPUs that had some of the ranges mapped.
 */
u64 drm_svm_coord_ranges_retire(struct drm_svm_coord *svm,
				unsigned long start, unsigned long end)
{
	struct interval_tree_node *nn, *rn;
	u64 mapped = 0;

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
			mapped |= range_retire(svm, range, false);
		}
		notifier_prune(svm, n);
	}
	mutex_unlock(&svm->range_lock);
	return mapped;
}

/**
 * drm_svm_coord_ranges_forget_vm() - drop a GPU's mappings of every range
 * @svm: the manager
 * @vm: the GPU, detaching
 *
 * Zaps the GPU's entries, waits for its TLB, frees its DMA mappings, and
 * waits for invalidations that may still name it to finish. Called with
 * the manager lock held for writing.
 */
void drm_svm_coord_ranges_forget_vm(struct drm_svm_coord *svm,
				     struct drm_svm_coord_vm *vm)
{
	u64 bit = BIT_ULL(vm->index);
	struct drm_svm_coord_range *range;
	struct interval_tree_node *nn, *rn;
	u64 quiesced;

	lockdep_assert_held_write(&svm->lock);

	mutex_lock(&svm->range_lock);
	for (nn = interval_tree_iter_first(&svm->notifiers, 0, ULONG_MAX); nn;
	     nn = interval_tree_iter_next(nn, 0, ULONG_MAX)) {
		struct drm_svm_coord_notifier *n = to_notifier(nn);

		for (rn = interval_tree_iter_first(&n->ranges, 0, ULONG_MAX);
		     rn; rn = interval_tree_iter_next(rn, 0, ULONG_MAX)) {
			struct drm_gpusvm_pages *pages;

			range = to_range(rn);
			bool zapped = false;

			mutex_lock(&range->lock);
			down_write(&svm->gpusvm.notifier_lock);
			if (range->mapped & bit) {
				vm->ops->unmap(vm,
						drm_svm_coord_range_start(range),
						drm_svm_coord_range_end(range));
				drm_svm_coord_count(svm, vm,
						    DRM_SVM_COORD_STAT_ZAPS, 1);
				zapped = true;
			}
			range->mapped &= ~bit;
			range->writable &= ~bit;
			pages = range->pages[vm->index];
			range->pages[vm->index] = NULL;
			up_write(&svm->gpusvm.notifier_lock);

			if (zapped && vm->ops->tlb_flush_wait)
				vm->ops->tlb_flush_wait(vm);
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

	/* Its VRAM is no place the manager tracks any more. */
	spin_lock(&svm->lru_lock);
	while (!list_empty(&svm->lru[vm->index]))
		list_del_init(svm->lru[vm->index].next);
	spin_unlock(&svm->lru_lock);

	/* Nothing to restore for it; end the quiesce it may be in. */
	down_write(&svm->gpusvm.notifier_lock);
	list_for_each_entry(range, &svm->restore_list, restore_link)
		range->restore &= ~bit;
	quiesced = svm->quiesced & bit;
	svm->quiesced &= ~bit;
	up_write(&svm->gpusvm.notifier_lock);
	if (quiesced) {
		vm->ops->resume(vm);
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_RESUMES, 1);
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
 * @vma_anon: the VMA is anonymous memory, which may move to VRAM
 * @attrs: the attributes at the address
 */
struct drm_svm_coord_where {
	unsigned long lo;
	unsigned long hi;
	unsigned long max;
	bool vma_write;
	bool vma_anon;
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
	w->vma_anon = vma_is_anonymous(vma);
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

static bool range_within(const struct drm_svm_coord_range *range,
			 unsigned long lo, unsigned long hi)
{
	return drm_svm_coord_range_start(range) >= lo &&
	       drm_svm_coord_range_end(range) <= hi;
}

/*
 * Find the live range holding @addr, or create one; returns a reference.
 * Ranges left by the notifier are collected, and ranges that reach beyond
 * the VMA and attribute interval of @w are retired (see Fault path, 4a),
 * on the way.
 */
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
again:
	node = interval_tree_iter_first(&n->ranges, lo, hi - 1);
	while (node) {
		range = to_range(node);
		node = interval_tree_iter_next(node, lo, hi - 1);
		if (range->unmapped || range->holes) {
			/* Left by the notifier: do the GC's work now. */
			range_collect(svm, range);
			goto again;
		}
		if (!range_within(range, w->lo, w->hi)) {
			/* The VMA changed under it. */
			range_retire(svm, range, true);
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
		notifier_prune(svm, n);
		return ERR_PTR(-EFAULT);
	}

	range = range_alloc(n, ALIGN_DOWN(addr, chunk),
			    ALIGN_DOWN(addr, chunk) + chunk);
	if (!range) {
		notifier_prune(svm, n);
		return ERR_PTR(-ENOMEM);
	}

	down_write(&svm->gpusvm.notifier_lock);
	range_insert(svm, range);
	up_write(&svm->gpusvm.notifier_lock);
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_RANGES, 1);

	kref_get(&range->ref);
	return range;
}

static int range_pfns_alloc(struct drm_svm_coord_range *range)
{
	if (!range->pfns)
		range->pfns = kvmalloc_array(range_npages(range),
					     sizeof(*range->pfns), GFP_KERNEL);
	return range->pfns ? 0 : -ENOMEM;
}

/* Whether the CPU lets every page of @pfns be written. */
static bool pfns_writable(const unsigned long *pfns, unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		if ((pfns[i] & HMM_PFN_VALID) && !(pfns[i] & HMM_PFN_WRITE))
			return false;
	return true;
}

/* Step 3 of the fault path: fault the pages unless the kept ones are current. */
static int range_fault_pages(struct drm_svm_coord *svm,
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

	lockdep_assert_held(&range->lock);

	/* Pages in VRAM were handed out for the owner they were faulted with. */
	if (range->pfns_valid && (range->pfns_write || !write) &&
	    (range->pfns_owner == owner ||
	     range->loc == DRM_SVM_COORD_LOC_SYSMEM) &&
	    !mmu_interval_read_retry(&n->mn, range->pfns_seq)) {
		*seq = range->pfns_seq;
		return 0;
	}

	err = range_pfns_alloc(range);
	if (err)
		return err;
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
	/* Device pages come as they are: read-only when shared after fork(). */
	range->pfns_write = write && pfns_writable(range->pfns,
						   range_npages(range));
	range->pfns_owner = owner;
	range->pfns_valid = true;
	*seq = range->pfns_seq;
	return 0;
}

static struct drm_gpusvm_pages *range_pages(struct drm_svm_coord *svm,
					    struct drm_svm_coord_range *range,
					    struct drm_svm_coord_vm *vm)
{
	struct drm_gpusvm_pages *pages = range->pages[vm->index];

	if (pages)
		return pages;
	pages = kmalloc_obj(*pages);
	if (!pages)
		return NULL;
	drm_gpusvm_init_pages(pages, vm->drm);
	down_write(&svm->gpusvm.notifier_lock);
	range->pages[vm->index] = pages;
	up_write(&svm->gpusvm.notifier_lock);
	return pages;
}

/* Steps 4 and 5 of the fault path for one GPU, under @seq. */
static int range_map_dev(struct drm_svm_coord *svm,
			 struct drm_svm_coord_range *range,
			 struct drm_svm_coord_vm *vm, unsigned long seq,
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
	u64 bit = BIT_ULL(vm->index);
	bool dma_mapped;
	int err;

	lockdep_assert_held(&range->lock);

	pages = range_pages(svm, range, vm);
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
		err = vm->ops->prepare(vm, start, end);
		if (err)
			return err;
	}

	drm_gpusvm_notifier_lock(&svm->gpusvm);
	if (mmu_interval_read_retry(&n->mn, seq)) {
		err = -EAGAIN;
	} else if (range->unmapped || range->holes) {
		/*
		 * Pages left the range while it was faulted: the GPUs lost
		 * their entries for them, and this one must not get any. The
		 * range is split (or retired) before it is mapped again.
		 */
		err = -EAGAIN;
	} else if (!(range->mapped & bit) ||
		   (writable && !(range->writable & bit))) {
		/* The current pages, never more than the CPU allows. */
		VM_WARN_ON_ONCE(!range->pfns_valid || range->pfns_seq != seq);
		VM_WARN_ON_ONCE(writable &&
				!pfns_writable(range->pfns, range_npages(range)));
		args.dma = pages->dma_addr;
		if (pages->flags.has_devmem_pages)
			args.flags |= DRM_SVM_COORD_MAP_DEVMEM;
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
	drm_gpusvm_notifier_unlock(&svm->gpusvm);
	return err;
}

/* The GPUs as the residency policy sees them. Under the manager lock. */
static void svm_topology(struct drm_svm_coord *svm,
			 struct drm_svm_coord_topology *topo)
{
	u64 gpus = svm->attached, vram = svm->vram;
	unsigned int g, h;

	lockdep_assert_held(&svm->lock);

	memset(topo, 0, sizeof(*topo));
	topo->vram = vram;
	/* Room is found out by allocating: see range_place(). */
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

/* The GPU of the manager whose VRAM @page is, or DRM_SVM_COORD_LOC_MIXED. */
static u32 page_location(struct drm_svm_coord *svm, struct page *page)
{
	struct drm_pagemap *dpagemap = drm_pagemap_page_to_dpagemap(page);
	u64 vram = svm->vram;
	unsigned int h;

	for_each_set_bit(h, (unsigned long *)&vram, DRM_SVM_COORD_MAX_VMS)
		if (svm->vms[h]->caps.dpagemap == dpagemap)
			return h;
	return DRM_SVM_COORD_LOC_MIXED;
}

/*
 * Where the faulted pages of @range are: system memory, the VRAM of one
 * GPU (some pages may be in system memory), or DRM_SVM_COORD_LOC_MIXED for
 * pages in several VRAMs or in a VRAM the manager does not know.
 */
static u32 pfns_location(struct drm_svm_coord *svm,
			 struct drm_svm_coord_range *range)
{
	u32 loc = DRM_SVM_COORD_LOC_SYSMEM;
	struct dev_pagemap *last = NULL;
	unsigned long i;

	lockdep_assert_held(&range->lock);

	for (i = 0; i < range_npages(range); i++) {
		struct page *page;

		if (!(range->pfns[i] & HMM_PFN_VALID))
			continue;
		page = hmm_pfn_to_page(range->pfns[i]);
		if (!is_device_private_page(page) || page_pgmap(page) == last)
			continue;
		if (last)
			return DRM_SVM_COORD_LOC_MIXED;
		last = page_pgmap(page);
		loc = page_location(svm, page);
		if (loc == DRM_SVM_COORD_LOC_MIXED)
			return loc;
	}
	return loc;
}

static bool same_group(struct drm_svm_coord *svm, u32 a, u32 b)
{
	if (a >= DRM_SVM_COORD_MAX_VMS || b >= DRM_SVM_COORD_MAX_VMS)
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
static int range_to_ram(struct drm_svm_coord *svm,
			struct drm_svm_coord_range *range, bool write)
{
	unsigned long seq;
	int err;

	range->pfns_valid = false;
	err = range_fault_pages(svm, range, NULL, write, &seq);
	if (!err)
		range_set_loc(svm, range, pfns_location(svm, range));
	if (!err && range->loc != DRM_SVM_COORD_LOC_SYSMEM)
		err = -EAGAIN;	/* raced with another move */
	return err;
}

/*
 * Where the data of @range is, for a range that does not know (see
 * Migration): the CPU's page table is read without faulting anything,
 * once per group of GPUs that share a device-private page owner, since
 * hmm_range_fault() reports only the device pages of the owner it is
 * given.
 */
static u32 range_find_data(struct drm_svm_coord *svm,
			   struct drm_svm_coord_range *range,
			   const struct drm_svm_coord_where *w)
{
	u64 vram = svm->vram, seen = 0;
	u32 loc = DRM_SVM_COORD_LOC_SYSMEM;
	unsigned int g, h;

	lockdep_assert_held(&range->lock);

	/* Device-private pages replace anonymous memory only. */
	if (!w->vma_anon)
		return DRM_SVM_COORD_LOC_SYSMEM;
	if (range_pfns_alloc(range))
		return DRM_SVM_COORD_LOC_MIXED;
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
			if (same_group(svm, g, h))
				seen |= BIT_ULL(h);
		if (hmm_range_fault_unlocked_timeout(&hmm_range,
						     msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT)))
			return DRM_SVM_COORD_LOC_MIXED;
		here = pfns_location(svm, range);
		if (here == DRM_SVM_COORD_LOC_SYSMEM)
			continue;
		if (loc != DRM_SVM_COORD_LOC_SYSMEM ||
		    here == DRM_SVM_COORD_LOC_MIXED)
			return DRM_SVM_COORD_LOC_MIXED;
		loc = here;
	}
	return loc;
}

/*
 * Remember a move of @range's data (see &struct drm_svm_coord_move), and
 * trace it with its outcome @err.
 */
static void range_moved(struct drm_svm_coord *svm,
			struct drm_svm_coord_range *range, u32 from, u32 to,
			unsigned int gpu, u32 rule, u64 t0, u64 now, int err)
{
	struct drm_svm_coord_move *m;

	lockdep_assert_held(&range->lock);

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
static int range_break_cow(struct drm_svm_coord *svm,
			   struct drm_svm_coord_range *range,
			   struct drm_svm_coord_vm *vm)
{
	u32 from = range->loc;
	u64 t0 = ktime_get_ns();
	int err;

	err = range_to_ram(svm, range, true);
	if (err && err != -EAGAIN)
		return err;
	if (from != range->loc)
		range_moved(svm, range, from, range->loc, vm->index,
			    range->rule, t0, ktime_get_ns(), 0);
	return -EAGAIN;
}

/* Count and trace a change of @range's thrash state from @old. */
static void range_thrash_changed(struct drm_svm_coord *svm,
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
	thrash_params(&params);
	trace_drm_svm_coord_thrash(svm->id, drm_svm_coord_range_start(range),
				   drm_svm_coord_range_end(range), old,
				   range->thrash.state, range->thrash.pin_loc,
				   drm_svm_coord_thrash_window(&range->thrash,
							       &params));
}

static int range_evict(struct drm_svm_coord *svm,
		       struct drm_svm_coord_range *victim, unsigned int from,
		       struct drm_svm_coord_topology *topo);

/*
 * Evict one range from the VRAM of GPU @from, least recently used first,
 * for @range, which the caller holds. See Eviction.
 *
 * Return: true if a range left that VRAM.
 */
static bool vram_evict_one(struct drm_svm_coord *svm,
			   struct drm_svm_coord_range *range, unsigned int from,
			   struct drm_svm_coord_topology *topo)
{
	unsigned int tries;

	for (tries = 0; tries < 8; tries++) {
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

		if (mutex_trylock(&victim->lock)) {
			err = range_evict(svm, victim, from, topo);
			mutex_unlock(&victim->lock);
		}
		range_put(victim);
		if (!err)
			return true;
	}
	return false;
}

/* Device memory for @range in @tvm's VRAM, evicting to make room. */
static struct drm_pagemap_devmem *
range_devmem_alloc(struct drm_svm_coord *svm, struct drm_svm_coord_range *range,
		   struct drm_svm_coord_vm *tvm,
		   struct drm_svm_coord_topology *topo, bool evict)
{
	unsigned long size = drm_svm_coord_range_end(range) -
			     drm_svm_coord_range_start(range);
	struct drm_pagemap_devmem *devmem;

	for (;;) {
		devmem = tvm->ops->devmem_alloc(tvm, svm_mm(svm), size);
		if (!IS_ERR(devmem) || PTR_ERR(devmem) != -ENOMEM || !evict ||
		    !vram_evict_one(svm, range, tvm->index, topo))
			return devmem;
	}
}

/*
 * Copy @range's data to @to: system memory or a GPU's VRAM, evicting
 * other ranges from it when @evict. See Migration.
 */
static int range_move(struct drm_svm_coord *svm,
		      struct drm_svm_coord_range *range,
		      struct drm_svm_coord_topology *topo, u32 to, bool evict)
{
	const struct drm_pagemap_migrate_details details = {
		.can_migrate_same_pagemap = 1,
	};
	unsigned long start = drm_svm_coord_range_start(range);
	unsigned long end = drm_svm_coord_range_end(range);
	struct mm_struct *mm = svm_mm(svm);
	struct drm_pagemap_devmem *devmem;
	int err = 0;

	lockdep_assert_held(&range->lock);

	/* Out of reach of the target: through system memory first. */
	if (to == DRM_SVM_COORD_LOC_SYSMEM ||
	    (range->loc != DRM_SVM_COORD_LOC_SYSMEM &&
	     !same_group(svm, range->loc, to)))
		err = range_to_ram(svm, range, false);
	if (err || to == DRM_SVM_COORD_LOC_SYSMEM)
		return err;

	devmem = range_devmem_alloc(svm, range, svm->vms[to], topo, evict);
	if (IS_ERR(devmem))
		return PTR_ERR(devmem);
	mmap_read_lock(mm);
	err = drm_pagemap_migrate_to_devmem(devmem, mm, start, end, &details);
	mmap_read_unlock(mm);
	range->pfns_valid = false;
	if (!err)
		range_set_loc(svm, range, to);
	return err;
}

/*
 * Evict @victim, whose data is in the VRAM of GPU @from, to where
 * drm_svm_coord_evict_to() says. Under @victim's lock, and the manager
 * lock. See Eviction.
 */
static int range_evict(struct drm_svm_coord *svm,
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

	lockdep_assert_held(&victim->lock);
	lockdep_assert_held(&svm->lock);

	drm_gpusvm_notifier_lock(&svm->gpusvm);
	gone = victim->unmapped || victim->holes;
	users = victim->mapped;
	drm_gpusvm_notifier_unlock(&svm->gpusvm);
	if (gone || victim->loc != from)
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
		err = range_move(svm, victim, topo, to, false);
		range_moved(svm, victim, from, to, DRM_SVM_COORD_MAX_VMS,
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
	struct mm_struct *mm = svm_mm(svm);
	unsigned int g = vm->index;

	lockdep_assert_held_write(&svm->lock);

	if (!(svm->vram & BIT_ULL(g)) || !mmget_not_zero(mm))
		return;
	/* No VRAM takes anything: range_evict() goes to system memory. */
	svm_topology(svm, &topo);
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

		mutex_lock(&range->lock);
		range_evict(svm, range, g, &topo);
		mutex_unlock(&range->lock);
		range_put(range);
	}
	mmput(mm);
}

/* Move @range's data to @to for @vm (NULL: a prefetch). See Migration. */
static int range_migrate(struct drm_svm_coord *svm,
			 struct drm_svm_coord_range *range,
			 struct drm_svm_coord_vm *vm,
			 struct drm_svm_coord_topology *topo, u32 to)
{
	unsigned int gpu = vm ? vm->index : DRM_SVM_COORD_MAX_VMS;
	struct drm_svm_coord_thrash_params params;
	u32 old = range->thrash.state, from = range->loc;
	u64 t0 = ktime_get_ns(), now;
	int err;

	err = range_move(svm, range, topo, to, true);
	if (err) {
		range_moved(svm, range, from, to, gpu, range->rule, t0,
			    ktime_get_ns(), err);
		drm_svm_coord_count(svm, vm,
				    DRM_SVM_COORD_STAT_MIGRATION_FAILURES, 1);
		return err;
	}

	now = ktime_get_ns();
	drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_MIGRATIONS, 1);
	drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_MIGRATED_PAGES,
			    range_npages(range));
	thrash_params(&params);
	drm_svm_coord_thrash_migrated(&range->thrash, &params, topo, now,
				      vm ? vm->index : 0, to, now - t0);
	range_moved(svm, range, from, to, gpu, range->rule, t0, now, 0);
	range_thrash_changed(svm, range, old);
	return 0;
}

/*
 * Decide where @range's data should be for @vm (or, for a prefetch with
 * @vm NULL, at @request) and move it there. A failed move leaves the data
 * where it is, to be mapped there. See Migration.
 *
 * Return: 0, or -EPERM when the GPU must not map the range.
 */
static int range_place(struct drm_svm_coord *svm,
		       struct drm_svm_coord_range *range,
		       struct drm_svm_coord_vm *vm,
		       const struct drm_svm_coord_where *w, u32 request)
{
	const struct drm_svm_coord_attrs *attrs = &w->attrs;
	struct drm_svm_coord_thrash_params params;
	struct drm_svm_coord_topology topo;
	struct drm_svm_coord_policy_in in = {
		.attrs = attrs,
		.topo = &topo,
		.gpu = vm ? vm->index : DRM_SVM_COORD_MAX_VMS,
		.request = request,
	};
	u64 now = ktime_get_ns();
	unsigned int tries;

	lockdep_assert_held(&range->lock);

	if (range->loc == DRM_SVM_COORD_LOC_UNDEFINED)
		range_set_loc(svm, range, range_find_data(svm, range, w));
	svm_topology(svm, &topo);
	/* Device-private pages replace anonymous memory only. */
	if (!w->vma_anon)
		topo.room = 0;
	thrash_params(&params);
	for (tries = 0; tries < 3; tries++) {
		struct drm_svm_coord_decision d, naive;
		u32 old = range->thrash.state;
		int err;

		in.cur = range->loc;
		in.thrash = drm_svm_coord_thrash_tick(&range->thrash, &params,
						      now);
		range_thrash_changed(svm, range, old);
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
		err = range_migrate(svm, range, vm, &topo, d.loc);
		if (err == -ENOMEM && d.loc != DRM_SVM_COORD_LOC_SYSMEM) {
			/* No room there: decide again without it. */
			topo.room &= ~BIT_ULL(d.loc);
			continue;
		}
		return 0;
	}
	return 0;
}

/* Make @range usable by @vm: fault once for all GPUs, map for @vm. */
static int range_validate(struct drm_svm_coord *svm,
			  struct drm_svm_coord_range *range,
			  struct drm_svm_coord_vm *vm,
			  const struct drm_svm_coord_where *w, bool want_write)
{
	u64 bit = BIT_ULL(vm->index);
	unsigned long timeout = jiffies +
				msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	bool gpu_ro = w->attrs.flags & DRM_SVM_COORD_FLAG_GPU_RO;
	bool write = w->vma_write && !gpu_ro;
	unsigned long seq;
	int err;

	mutex_lock(&range->lock);
	for (;;) {
		bool mapped;

		drm_gpusvm_notifier_lock(&svm->gpusvm);
		if (range->unmapped || range->holes) {
			drm_gpusvm_notifier_unlock(&svm->gpusvm);
			err = -EAGAIN;	/* look the range up again */
			break;
		}
		/* Nothing to do when the GPU has the entries it needs. */
		mapped = (range->mapped & bit) &&
			 (!want_write || (range->writable & bit));
		drm_gpusvm_notifier_unlock(&svm->gpusvm);
		if (mapped) {
			err = 0;
			break;
		}
		if (svm->vram) {
			err = range_place(svm, range, vm, w,
					  DRM_SVM_COORD_LOC_UNDEFINED);
			if (err)
				break;
		}
		err = range_fault_pages(svm, range, vm->caps.pagemap_owner,
					write, &seq);
		if (err == -EPERM && write) {
			/* The range reaches into a read-only VMA. */
			write = false;
			continue;
		}
		if (!err && write && !range->pfns_write &&
		    (want_write || !vm_can_fault(vm))) {
			/* Read-only device pages: see Invalidation. */
			err = range_break_cow(svm, range, vm);
		} else if (!err && svm->vram) {
			u32 loc = pfns_location(svm, range);

			/* Not where the decision assumed: decide again. */
			if (loc != range->loc) {
				range_set_loc(svm, range, loc);
				err = -EAGAIN;
			}
			if (loc == DRM_SVM_COORD_LOC_MIXED)
				err = range_to_ram(svm, range, false) ?: -EAGAIN;
		} else if (!err && range->loc != DRM_SVM_COORD_LOC_SYSMEM) {
			/* The GPUs with VRAM left, their data went home. */
			range_set_loc(svm, range, DRM_SVM_COORD_LOC_SYSMEM);
		}
		if (!err)
			err = range_map_dev(svm, range, vm, seq, gpu_ro);
		if (!err)
			range_touch(svm, range);
		if (err != -EAGAIN)
			break;
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_RETRIES, 1);
		if (time_after(jiffies, timeout)) {
			err = -EBUSY;
			break;
		}
	}
	mutex_unlock(&range->lock);
	return err;
}

/*
 * Map the range holding @addr for @vm. Returns the end of the range in
 * @end. Called with the manager lock held for reading and a reference on
 * the mm.
 */
static int map_one(struct drm_svm_coord_vm *vm, unsigned long addr,
		   bool write, unsigned long *end)
{
	struct drm_svm_coord *svm = vm->svm;
	struct drm_svm_coord_range *range;
	struct drm_svm_coord_where w;
	unsigned int stale = 0;
	int err;

	lockdep_assert_held(&svm->lock);

	do {
		err = where_is(svm, addr, &w);
		if (err)
			return err;
		if (w.attrs.no_access & BIT_ULL(vm->index))
			return -EPERM;
		if (write && (!w.vma_write ||
			      (w.attrs.flags & DRM_SVM_COORD_FLAG_GPU_RO)))
			return -EPERM;

		mutex_lock(&svm->range_lock);
		range = range_find_or_create(svm, &w, addr);
		mutex_unlock(&svm->range_lock);
		if (IS_ERR(range))
			return PTR_ERR(range);

		err = range_validate(svm, range, vm, &w, write);
		*end = drm_svm_coord_range_end(range);
		/*
		 * The VMA changed after where_is() (see Fault path, 4a): the
		 * next lookup retires the range that no longer fits it.
		 */
		if (err == -EFAULT && stale++ < 3 && !where_is(svm, addr, &w) &&
		    !range_within(range, w.lo, w.hi))
			err = -EAGAIN;
		range_put(range);
	} while (err == -EAGAIN);

	return err;
}

/**
 * drm_svm_coord_map_span() - map what a GPU may map of some addresses
 * @vm: the GPU
 * @start: first address, page aligned
 * @end: end address (exclusive), page aligned
 *
 * Maps every range of [@start, @end) for @vm, faulting the pages in, and
 * skips the pages that no VMA covers or the GPU may not access. Called
 * with the manager lock held for reading and a reference on the mm.
 *
 * Return: 0, or the first other error of the fault path.
 */
int drm_svm_coord_map_span(struct drm_svm_coord_vm *vm,
			   unsigned long start, unsigned long end)
{
	unsigned long addr, next;
	int err;

	lockdep_assert_held(&vm->svm->lock);

	for (addr = start; addr < end; addr = next) {
		err = map_one(vm, addr, false, &next);
		if (err == -EFAULT || err == -EPERM)
			next = addr + PAGE_SIZE;
		else if (err)
			return err;
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
		next = addr + PAGE_SIZE;
		if (where_is(svm, addr, &w))
			continue;
		if (w.attrs.prefetch_loc == DRM_SVM_COORD_LOC_UNDEFINED) {
			next = w.hi;
			continue;
		}
		mutex_lock(&svm->range_lock);
		range = range_find_or_create(svm, &w, addr);
		mutex_unlock(&svm->range_lock);
		if (IS_ERR(range))
			return PTR_ERR(range);

		mutex_lock(&range->lock);
		/*
		 * Without current pages the range's location is a hint the
		 * CPU may have made stale (a CPU fault brings data home):
		 * range_place() looks where the data is.
		 */
		if (!range->pfns_valid ||
		    mmu_interval_read_retry(&range->notifier->mn,
					    range->pfns_seq))
			range_set_loc(svm, range, DRM_SVM_COORD_LOC_UNDEFINED);
		if (!range->unmapped && !range->holes)
			range_place(svm, range, NULL, &w,
				    w.attrs.prefetch_loc);
		next = drm_svm_coord_range_end(range);
		mutex_unlock(&range->lock);
		range_put(range);
	}
	return 0;
}

/* Map @range's addresses again for @gpus; returns the GPUs that failed. */
static u64 restore_range(struct drm_svm_coord *svm,
			 struct drm_svm_coord_range *range, u64 gpus)
{
	unsigned long start = drm_svm_coord_range_start(range);
	unsigned long end = drm_svm_coord_range_end(range);
	u64 failed = 0;
	unsigned int i;
	int err;

	for_each_set_bit(i, (unsigned long *)&gpus, DRM_SVM_COORD_MAX_VMS) {
		struct drm_svm_coord_vm *vm = svm->vms[i];

		err = drm_svm_coord_map_span(vm, start, end);
		if (!err)
			continue;
		failed |= BIT_ULL(i);
		drm_svm_coord_count(svm, vm,
				    DRM_SVM_COORD_STAT_RESTORE_FAILURES, 1);
		if (range->restore_tries + 1 >= READ_ONCE(restore_retries))
			drm_warn(vm->drm,
				 "svm: gave up restoring [0x%lx-0x%lx) after %u attempts: %d\n",
				 start, end, range->restore_tries + 1, err);
	}
	return failed;
}

/* Resume the GPUs quiesced by the coordinator that have nothing to wait for. */
static void resume_gpus(struct drm_svm_coord *svm)
{
	struct drm_svm_coord_range *range;
	u64 pending = 0, resume;
	unsigned int i;

	lockdep_assert_held(&svm->lock);

	down_write(&svm->gpusvm.notifier_lock);
	list_for_each_entry(range, &svm->restore_list, restore_link)
		pending |= range->restore;
	resume = svm->quiesced & ~pending;
	svm->quiesced &= ~resume;
	up_write(&svm->gpusvm.notifier_lock);

	/* A new quiesce may come before these: the backend counts them. */
	for_each_set_bit(i, (unsigned long *)&resume, DRM_SVM_COORD_MAX_VMS) {
		struct drm_svm_coord_vm *vm = svm->vms[i];

		vm->ops->resume(vm);
		drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_RESUMES, 1);
	}
}

static void restore_work_fn(struct work_struct *work)
{
	struct drm_svm_coord *svm = container_of(to_delayed_work(work),
						 typeof(*svm), restore_work);
	struct drm_svm_coord_range *range, *tmp;
	unsigned long now = jiffies, next = 0;
	bool alive, later = false;
	LIST_HEAD(todo);

	/* Detach holds the lock for writing while it cancels this work. */
	if (!down_read_trylock(&svm->lock)) {
		queue_delayed_work(system_dfl_wq, &svm->restore_work,
				   msecs_to_jiffies(RESTORE_DELAY_MS));
		return;
	}
	drm_svm_coord_count(svm, NULL, DRM_SVM_COORD_STAT_RESTORE_RUNS, 1);
	alive = !READ_ONCE(svm->dead) && mmget_not_zero(svm_mm(svm));

	down_write(&svm->gpusvm.notifier_lock);
	list_for_each_entry_safe(range, tmp, &svm->restore_list, restore_link) {
		if (alive && time_before(now, range->restore_at))
			continue;
		list_move_tail(&range->restore_link, &todo);
		svm->restoring++;
	}
	up_write(&svm->gpusvm.notifier_lock);

	list_for_each_entry_safe(range, tmp, &todo, restore_link) {
		u64 gpus, failed = 0;

		down_write(&svm->gpusvm.notifier_lock);
		gpus = range->restore & svm->attached;
		range->restore = 0;
		list_del_init(&range->restore_link);
		up_write(&svm->gpusvm.notifier_lock);

		if (alive)
			failed = restore_range(svm, range, gpus);

		down_write(&svm->gpusvm.notifier_lock);
		if (failed && ++range->restore_tries < READ_ONCE(restore_retries)) {
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
		svm->restoring--;
		up_write(&svm->gpusvm.notifier_lock);
		range_put(range);
	}

	resume_gpus(svm);

	down_write(&svm->gpusvm.notifier_lock);
	list_for_each_entry(range, &svm->restore_list, restore_link) {
		if (!later || time_before(range->restore_at, next))
			next = range->restore_at;
		later = true;
	}
	up_write(&svm->gpusvm.notifier_lock);
	if (later)
		queue_delayed_work(system_dfl_wq, &svm->restore_work,
				   time_after(next, jiffies) ? next - jiffies : 0);
	if (alive)
		mmput(svm_mm(svm));
	up_read(&svm->lock);
}

/**
 * drm_svm_coord_flush() - wait for the manager's workers
 * @svm: the manager
 *
 * Waits until the garbage collector has handled the ranges the notifier
 * left behind and the restore worker has restored every range queued so
 * far, retries included, for callers that need a settled state: tests,
 * statistics, suspend. Must be called without the manager lock held.
 */
void drm_svm_coord_flush(struct drm_svm_coord *svm)
{
	bool pending;

	lockdep_assert_not_held(&svm->lock);

	do {
		flush_work(&svm->gc_work);
		flush_delayed_work(&svm->restore_work);
		down_read(&svm->gpusvm.notifier_lock);
		pending = !list_empty(&svm->restore_list) || svm->restoring ||
			  !list_empty(&svm->gc_list);
		up_read(&svm->gpusvm.notifier_lock);
	} while (pending);
}
EXPORT_SYMBOL_GPL(drm_svm_coord_flush);

/**
 * drm_svm_coord_workers_stop() - stop the workers of a manager
 * @svm: the manager, whose ranges are all gone (last detach)
 *
 * Called with the manager lock held for writing: the restore worker backs
 * off from it, the garbage collector does not take it.
 */
void drm_svm_coord_workers_stop(struct drm_svm_coord *svm)
{
	lockdep_assert_held_write(&svm->lock);

	cancel_work_sync(&svm->gc_work);
	cancel_delayed_work_sync(&svm->restore_work);

	/* Nobody is left to restore for: drop what was queued. */
	for (;;) {
		struct drm_svm_coord_range *range;

		down_write(&svm->gpusvm.notifier_lock);
		range = list_first_entry_or_null(&svm->restore_list,
						 typeof(*range), restore_link);
		if (range)
			list_del_init(&range->restore_link);
		up_write(&svm->gpusvm.notifier_lock);
		if (!range)
			break;
		range_put(range);
	}
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
 * @vm: the faulting GPU
 * @addr: the faulting address
 * @write: the access was a write
 *
 * Finds or creates the range holding @addr, faults its pages once for all
 * GPUs unless they are current, DMA-maps them for @vm and writes its
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
int drm_svm_coord_handle_fault(struct drm_svm_coord_vm *vm,
			       unsigned long addr, bool write)
{
	struct drm_svm_coord *svm = vm->svm;
	unsigned long end;
	int err;

	err = fault_enter(svm);
	if (err)
		return err;
	drm_svm_coord_count(svm, vm, DRM_SVM_COORD_STAT_FAULTS, 1);
	err = map_one(vm, PAGE_ALIGN_DOWN(addr), write, &end);
	fault_exit(svm);
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

	err = fault_enter(svm);
	if (err)
		return err;
	for (addr = start; addr < start + size; addr = end) {
		err = map_one(vm, addr, false, &end);
		if (err)
			break;
	}
	fault_exit(svm);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_map);

/**
 * drm_svm_coord_range_info() - where the data of a range is, and why
 * @svm: the manager
 * @addr: an address of the range
 * @info: out
 *
 * Tells where the range holding @addr has its data, the rule of the
 * residency policy that put it there, and its thrash state: see
 * Residency policy and Thrash control.
 *
 * Return: 0, or -ENOENT when no range holds @addr.
 */
int drm_svm_coord_range_info(struct drm_svm_coord *svm, unsigned long addr,
			     struct drm_svm_coord_range_info *info)
{
	struct drm_svm_coord_range *range = NULL;
	struct drm_svm_coord_thrash_params params;
	struct interval_tree_node *nn, *node;
	unsigned int i, n;

	down_read(&svm->lock);
	mutex_lock(&svm->range_lock);
	nn = interval_tree_iter_first(&svm->notifiers, addr, addr);
	node = nn ? interval_tree_iter_first(&to_notifier(nn)->ranges, addr,
					     addr) : NULL;
	if (node) {
		range = to_range(node);
		kref_get(&range->ref);
	}
	mutex_unlock(&svm->range_lock);
	up_read(&svm->lock);
	if (!range)
		return -ENOENT;

	thrash_params(&params);
	mutex_lock(&range->lock);
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
	mutex_unlock(&range->lock);
	range_put(range);
	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_range_info);

/**
 * drm_svm_coord_read_stats() - read counters
 * @svm: the manager
 * @vm: a GPU attached to it, or NULL for the manager's own counters
 * @stats: receives the counters
 */
void drm_svm_coord_read_stats(struct drm_svm_coord *svm,
			      struct drm_svm_coord_vm *vm,
			      struct drm_svm_coord_stats *stats)
{
	atomic64_t *src = vm ? vm->stats : svm->stats;
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
		for (d = 0; d < DRM_SVM_COORD_MAX_VMS; d++)
			if (svm->vms[d])
				atomic64_set(&svm->vms[d]->stats[i], 0);
	}
	up_read(&svm->lock);
}
EXPORT_SYMBOL_GPL(drm_svm_coord_reset_stats);
