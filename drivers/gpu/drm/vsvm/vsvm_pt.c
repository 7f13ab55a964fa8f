// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/dma-direct.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_pagemap.h>
#include <drm/drm_print.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"

/**
 * DOC: Virtual GPU page table
 *
 * The virtual GPU reaches memory only through the page table of a GPU
 * address space (&struct vsvm_file). The table has two levels: an xarray
 * indexed by address >> %VSVM_LEAF_SHIFT, whose leaves (&struct vsvm_leaf)
 * hold one u64 entry for each page of 2 MiB of addresses. An entry holds
 * %VSVM_PTE_VALID, %VSVM_PTE_WRITE, %VSVM_PTE_EXEC, %VSVM_PTE_COHERENT
 * (the memory type a real GPU would pick), %VSVM_PTE_SYSTEM and, in
 * %VSVM_PTE_ADDR, the address the GPU was given for the page: with
 * %VSVM_PTE_SYSTEM a DMA address of system memory, otherwise the address of
 * a VRAM page on the interconnect, as a real GPU's PTE tells system memory
 * from VRAM.
 *
 * A file attached with DRM_VSVM_ATTACH_PTE_64K or _PTE_2M models a GPU
 * with large entries: each block of that size a map covers whole is one
 * entry (its entries marked %VSVM_PTE_LARGE), and vsvm_pt_clear() of part
 * of such a block clears all of it, as hardware that cannot split an
 * entry without allocating does.
 *
 * vsvm_pt_prepare() allocates the leaves of a range, and may sleep, before
 * vsvm_pt_write() fills their entries. Leaves are freed only with the
 * file, so neither vsvm_pt_write() nor vsvm_pt_clear() allocates or frees.
 */

/**
 * DOC: Virtual GPU TLB and IOMMU
 *
 * The GPU model fails the way hardware fails when the coordinator gets the
 * order of an invalidation wrong.
 *
 * TLB. An access, vsvm_pt_access(), looks its page up in the GPU's TLB
 * first (%VSVM_TLB_ENTRIES entries, direct mapped by page number), and only
 * on a miss walks the page table and fills the TLB. vsvm_pt_clear(), the
 * backend's &drm_svm_coord_ops.unmap, clears the entries and issues a TLB
 * invalidation that completes later, from a worker, at least
 * ``vsvm.tlb_delay_us`` microseconds later, rounded up to a jiffy (0: as
 * soon as the worker runs): until then accesses still hit the entries the
 * page table no longer has, as a GPU's do.
 * vsvm_pt_tlb_wait(), the backend's &drm_svm_coord_ops.tlb_flush_wait,
 * waits for every invalidation issued before the call. An access served by
 * a TLB entry that the page table no longer holds is counted
 * (&struct drm_vsvm_stats.tlb_stale_hits): tests use it to show that the
 * window exists.
 *
 * IOMMU. A system-memory entry holds a DMA address. The GPU resolves it as
 * its PCI function's accesses would be: through the IOMMU domain of the
 * device when it translates (iommu_iova_to_phys()), through the direct
 * mapping otherwise (dma_to_phys()). An address that does not translate is
 * an IOMMU fault: the access fails with -EIO, the fault is counted for the
 * GPU (&struct drm_vsvm_stats.iommu_faults) and logged. Behind an IOMMU
 * in strict mode an IOVA is unmapped when the coordinator DMA-unmaps it,
 * so a stale TLB entry used after the DMA unmap faults; and as the IOVA is
 * free at once and the next mapping may get it, an access through a TLB
 * entry whose DMA address now reaches another page than when it was cached
 * is reported the same way. Without an IOMMU the access reaches whatever
 * the page became, which the tests' checksums see.
 *
 * ``vsvm.tlb_wait_broken`` makes vsvm_pt_tlb_wait() return without
 * waiting: the bug a backend would have with a fire-and-forget TLB flush.
 * It is there to show that the tests catch it.
 *
 * Posted maps. A GPU that cannot fault does not see the entries that
 * &drm_svm_coord_ops.map wrote until &drm_svm_coord_ops.map_sync
 * (vsvm_pt_sync()), as a real GPU's page-table update queued on its copy
 * engine is not done when the map returns (``vsvm.posted_maps``, on by
 * default): an access finds no entry, a fatal fault. A coordinator that
 * resumes the GPU, or returns from drm_svm_coord_map(), before the sync
 * is caught so. ``vsvm.map_sync_broken`` makes the sync do nothing, to
 * show that the tests catch it.
 *
 * Entries are read, cleared and cached under one spinlock, held by an
 * access across the copy of its page.
 */

static unsigned int tlb_delay_us;
module_param(tlb_delay_us, uint, 0644);
MODULE_PARM_DESC(tlb_delay_us,
		 "Delay of a GPU TLB invalidation, in microseconds (default 0: next worker run)");

static bool tlb_wait_broken;
module_param(tlb_wait_broken, bool, 0644);
MODULE_PARM_DESC(tlb_wait_broken,
		 "Return from the TLB flush wait without waiting, to show tests catch it (default false)");

static struct workqueue_struct *vsvm_tlb_wq;

#define VSVM_LEAF_SHIFT		21	/* one leaf maps 2 MiB */
#define VSVM_LEAF_ENTRIES	(1u << (VSVM_LEAF_SHIFT - PAGE_SHIFT))

/**
 * struct vsvm_leaf - the last level of the page table
 * @pte: entries of 2 MiB of addresses
 */
struct vsvm_leaf {
	u64 pte[VSVM_LEAF_ENTRIES];
};

/* Entry of @addr, or NULL when no leaf covers it. Under @pt_lock. */
static u64 *vsvm_pte(struct vsvm_file *vf, unsigned long addr)
{
	struct vsvm_leaf *leaf = xa_load(&vf->leaves, addr >> VSVM_LEAF_SHIFT);

	if (!leaf)
		return NULL;
	return &leaf->pte[(addr >> PAGE_SHIFT) & (VSVM_LEAF_ENTRIES - 1)];
}

/* Complete the TLB invalidations issued so far: drop every cached entry. */
static void vsvm_tlb_flush_work(struct work_struct *work)
{
	struct vsvm_file *vf = container_of(to_delayed_work(work),
					    struct vsvm_file, tlb_work);

	spin_lock(&vf->pt_lock);
	memset(vf->tlb, 0, sizeof(vf->tlb));
	vf->tlb_done = vf->tlb_issued;
	spin_unlock(&vf->pt_lock);
	wake_up_all(&vf->tlb_wq);
}

/**
 * vsvm_pt_module_init() - create the workqueue of the TLB invalidations
 *
 * Return: 0, or -ENOMEM.
 */
int vsvm_pt_module_init(void)
{
	/* Invalidations run from reclaim: they must make progress there. */
	vsvm_tlb_wq = alloc_workqueue("vsvm_tlb", WQ_UNBOUND | WQ_MEM_RECLAIM |
				      WQ_HIGHPRI, 0);
	return vsvm_tlb_wq ? 0 : -ENOMEM;
}

/**
 * vsvm_pt_module_exit() - destroy the workqueue of the TLB invalidations
 */
void vsvm_pt_module_exit(void)
{
	destroy_workqueue(vsvm_tlb_wq);
}

/**
 * vsvm_pt_init() - set up the empty page table of a GPU address space
 * @vf: the GPU address space
 */
void vsvm_pt_init(struct vsvm_file *vf)
{
	mutex_init(&vf->leaf_lock);
	spin_lock_init(&vf->pt_lock);
	xa_init(&vf->leaves);
	init_waitqueue_head(&vf->tlb_wq);
	INIT_DELAYED_WORK(&vf->tlb_work, vsvm_tlb_flush_work);
}

/**
 * vsvm_pt_fini() - free the page table of a GPU address space
 * @vf: the GPU address space, detached: nothing uses its entries any more
 */
void vsvm_pt_fini(struct vsvm_file *vf)
{
	struct vsvm_leaf *leaf;
	unsigned long idx;

	/* The last invalidation completes; its worker touches @vf. */
	flush_delayed_work(&vf->tlb_work);
	xa_for_each(&vf->leaves, idx, leaf)
		kfree(leaf);
	xa_destroy(&vf->leaves);
	mutex_destroy(&vf->leaf_lock);
}

/**
 * vsvm_pt_prepare() - allocate the leaves of a range of addresses
 * @vf: the GPU address space
 * @start: first address
 * @end: end of the addresses (exclusive)
 *
 * Return: 0, or -ENOMEM.
 */
int vsvm_pt_prepare(struct vsvm_file *vf, unsigned long start,
		    unsigned long end)
{
	unsigned long idx;
	int err = 0;

	mutex_lock(&vf->leaf_lock);
	for (idx = start >> VSVM_LEAF_SHIFT;
	     idx <= (end - 1) >> VSVM_LEAF_SHIFT; idx++) {
		struct vsvm_leaf *leaf;

		if (xa_load(&vf->leaves, idx))
			continue;
		leaf = kzalloc_obj(*leaf);
		if (!leaf) {
			err = -ENOMEM;
			break;
		}
		err = xa_err(xa_store(&vf->leaves, idx, leaf, GFP_KERNEL));
		if (err) {
			kfree(leaf);
			break;
		}
	}
	mutex_unlock(&vf->leaf_lock);
	return err;
}

/*
 * A GPU with large entries maps each block of @vf->pte_size that lies
 * whole in [@start, @end) with one: its entries are marked LARGE, and an
 * unmap that cuts the block clears all of it. Under @pt_lock.
 */
static void vsvm_pt_mark_large(struct vsvm_file *vf, unsigned long start,
			       unsigned long end)
{
	unsigned long s = vf->pte_size, blk, addr;

	if (s <= PAGE_SIZE)
		return;
	for (blk = ALIGN(start, s); blk + s <= end; blk += s)
		for (addr = blk; addr < blk + s; addr += PAGE_SIZE)
			*vsvm_pte(vf, addr) |= VSVM_PTE_LARGE;
}

/*
 * Widen [@start, @end) to whole large entries: hardware cannot clear part
 * of one without allocating. Under @pt_lock.
 */
static void vsvm_pt_widen(struct vsvm_file *vf, unsigned long *start,
			  unsigned long *end)
{
	unsigned long s = vf->pte_size;
	u64 *pte;

	if (s <= PAGE_SIZE)
		return;
	pte = vsvm_pte(vf, *start);
	if (pte && (*pte & VSVM_PTE_LARGE))
		*start = ALIGN_DOWN(*start, s);
	pte = vsvm_pte(vf, *end - PAGE_SIZE);
	if (pte && (*pte & VSVM_PTE_LARGE))
		*end = ALIGN(*end, s);
}

/**
 * vsvm_pt_write() - fill the entries of a range of addresses
 * @vf: the GPU address space
 * @start: first address
 * @end: end of the addresses (exclusive)
 * @dma: the DMA addresses of the pages from @start on, as
 *	&drm_gpusvm_pages.dma_addr holds them
 * @perm: %VSVM_PTE_WRITE, %VSVM_PTE_EXEC, %VSVM_PTE_COHERENT: what the
 *	entries allow and their memory type; %VSVM_PTE_POSTED: the GPU sees
 *	them only after vsvm_pt_sync()
 *
 * The leaves must have been allocated by vsvm_pt_prepare(). An entry of a
 * page of %DRM_INTERCONNECT_SYSTEM gets %VSVM_PTE_SYSTEM.
 *
 * Return: 0, or -ENOMEM when a leaf is missing; the entries written before
 * the missing one are cleared again.
 */
int vsvm_pt_write(struct vsvm_file *vf, unsigned long start,
		  unsigned long end, const struct drm_pagemap_addr *dma,
		  u64 perm)
{
	unsigned long addr = start, undo;
	unsigned int j, k;
	int err = 0;

	spin_lock(&vf->pt_lock);
	if (perm & VSVM_PTE_POSTED)
		vf->posted = true;
	for (j = 0; addr < end; j++) {
		u64 target = dma[j].proto == DRM_INTERCONNECT_SYSTEM ?
			     VSVM_PTE_SYSTEM : 0;

		for (k = 0; k < (1u << dma[j].order); k++, addr += PAGE_SIZE) {
			u64 *pte = vsvm_pte(vf, addr);

			if (WARN_ON_ONCE(!pte)) {	/* not prepared */
				err = -ENOMEM;
				goto undo;
			}
			*pte = ((dma[j].addr + k * PAGE_SIZE) & VSVM_PTE_ADDR) |
			       target | VSVM_PTE_VALID |
			       (perm & (VSVM_PTE_PERM | VSVM_PTE_POSTED));
		}
	}
	vsvm_pt_mark_large(vf, start, end);
	spin_unlock(&vf->pt_lock);
	return 0;

undo:
	/* Nothing was cached from them: no access ran under the lock. */
	for (undo = start; undo < addr; undo += PAGE_SIZE)
		*vsvm_pte(vf, undo) = 0;
	spin_unlock(&vf->pt_lock);
	return err;
}

/**
 * vsvm_pt_read() - copy the entries of a range of addresses
 * @vf: the GPU address space
 * @start: first address
 * @npages: number of entries
 * @out: receives @npages entries, 0 where no leaf covers the address
 */
void vsvm_pt_read(struct vsvm_file *vf, unsigned long start,
		  unsigned long npages, u64 *out)
{
	unsigned long i;

	spin_lock(&vf->pt_lock);
	for (i = 0; i < npages; i++) {
		u64 *pte = vsvm_pte(vf, start + (i << PAGE_SHIFT));

		out[i] = pte ? *pte : 0;
	}
	spin_unlock(&vf->pt_lock);
}

/**
 * vsvm_pt_sync() - make posted entries visible to the GPU
 * @vf: the GPU address space
 *
 * The end of a batch of posted page-table writes, as a real GPU waits for
 * the page-table update its copy engine queued: every entry written with
 * %VSVM_PTE_POSTED becomes visible. May sleep.
 */
void vsvm_pt_sync(struct vsvm_file *vf)
{
	struct vsvm_leaf *leaf;
	unsigned long idx;
	unsigned int i;

	might_sleep();
	spin_lock(&vf->pt_lock);
	if (vf->posted) {
		xa_for_each(&vf->leaves, idx, leaf)
			for (i = 0; i < VSVM_LEAF_ENTRIES; i++)
				leaf->pte[i] &= ~VSVM_PTE_POSTED;
		vf->posted = false;
	}
	spin_unlock(&vf->pt_lock);
}

/**
 * vsvm_pt_clear() - clear the entries of a range of addresses
 * @vf: the GPU address space
 * @start: first address
 * @end: end of the addresses (exclusive)
 *
 * Clears the entries and issues a TLB invalidation, which completes later:
 * the GPU may still reach the pages of the range through its TLB until
 * vsvm_pt_tlb_wait() returns. A large entry the range cuts is cleared
 * whole.
 */
void vsvm_pt_clear(struct vsvm_file *vf, unsigned long start,
		   unsigned long end)
{
	unsigned long addr;

	spin_lock(&vf->pt_lock);
	vsvm_pt_widen(vf, &start, &end);
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		u64 *pte = vsvm_pte(vf, addr);

		if (pte)
			*pte = 0;
	}
	vf->tlb_issued++;
	spin_unlock(&vf->pt_lock);
	/* A pending invalidation runs after this one was issued: it covers it. */
	queue_delayed_work(vsvm_tlb_wq, &vf->tlb_work,
			   usecs_to_jiffies(READ_ONCE(tlb_delay_us)));
}

static bool vsvm_tlb_done(struct vsvm_file *vf, u64 seq)
{
	bool done;

	spin_lock(&vf->pt_lock);
	done = vf->tlb_done >= seq;
	spin_unlock(&vf->pt_lock);
	return done;
}

/**
 * vsvm_pt_tlb_wait() - wait for the TLB invalidations issued so far
 * @vf: the GPU address space
 *
 * Once this returns, the GPU reaches no page through an entry that
 * vsvm_pt_clear() cleared before the call. May sleep.
 */
void vsvm_pt_tlb_wait(struct vsvm_file *vf)
{
	u64 seq;

	spin_lock(&vf->pt_lock);
	seq = vf->tlb_issued;
	spin_unlock(&vf->pt_lock);
	if (READ_ONCE(tlb_wait_broken))
		return;
	wait_event(vf->tlb_wq, vsvm_tlb_done(vf, seq));
}

/*
 * The entry the GPU uses for @addr: its TLB's (*@hit), else the page
 * table's, which then fills the TLB slot *@slot. A TLB entry lacking the
 * permission of the access is no hit: the GPU walks the table again. A
 * hit on an entry whose address the page table no longer holds is stale.
 */
static u64 vsvm_tlb_lookup(struct vsvm_file *vf, unsigned long addr,
			   bool write, struct vsvm_tlb_entry **slot, bool *hit)
{
	struct vsvm_tlb_entry *e = &vf->tlb[(addr >> PAGE_SHIFT) %
					    VSVM_TLB_ENTRIES];
	u64 *pte = vsvm_pte(vf, addr);
	u64 entry = pte ? *pte : 0;

	lockdep_assert_held(&vf->pt_lock);

	/* A posted write the GPU does not see yet: no entry. */
	if (entry & VSVM_PTE_POSTED)
		entry = 0;

	*slot = e;
	*hit = e->vpn == addr >> PAGE_SHIFT && (e->entry & VSVM_PTE_VALID) &&
	       (!write || (e->entry & VSVM_PTE_WRITE));
	if (*hit) {
		if (!(entry & VSVM_PTE_VALID) ||
		    ((e->entry ^ entry) & (VSVM_PTE_ADDR | VSVM_PTE_SYSTEM)))
			atomic64_inc(&vf->tlb_stale_hits);
		return e->entry;
	}
	if (entry & VSVM_PTE_VALID) {
		e->vpn = addr >> PAGE_SHIFT;
		e->entry = entry;
		e->page = NULL;
	}
	return entry;
}

/**
 * vsvm_dma_page() - the system page a DMA address of a GPU reaches
 * @gpu: the GPU
 * @addr: a DMA address mapped for the GPU's device
 *
 * Resolves @addr as the device's accesses are: through the IOMMU domain
 * of the device when it translates (&vsvm_gpu.iommu), through the direct
 * mapping otherwise.
 *
 * Return: the page, or NULL when @addr does not translate (an IOMMU fault,
 * which the caller reports with vsvm_iommu_fault()).
 */
struct page *vsvm_dma_page(struct vsvm_gpu *gpu, dma_addr_t addr)
{
	phys_addr_t phys;

	if (gpu->iommu) {
		phys = iommu_iova_to_phys(gpu->iommu, addr);
		if (!phys)
			return NULL;
	} else {
		phys = dma_to_phys(gpu->drm.dev, addr);
	}
	if (!pfn_valid(PHYS_PFN(phys)))
		return NULL;
	return pfn_to_page(PHYS_PFN(phys));
}

/**
 * vsvm_iommu_fault() - count and report an access that did not translate
 * @gpu: the GPU
 * @addr: the DMA address
 * @va: the GPU virtual address accessed, 0 for a copy engine's access
 */
void vsvm_iommu_fault(struct vsvm_gpu *gpu, dma_addr_t addr, unsigned long va)
{
	atomic64_inc(&gpu->iommu_faults);
	drm_err_ratelimited(&gpu->drm,
			    "IOMMU fault: DMA address %pad does not translate (GPU VA 0x%lx)\n",
			    &addr, va);
}

/**
 * vsvm_pt_access() - make the GPU touch memory through its page table
 * @vf: the GPU address space
 * @addr: first address
 * @buf: the bytes to read into or to write, unused by
 *	%DRM_VSVM_ACCESS_ADD32
 * @len: number of bytes, within the page of @addr
 * @op: %DRM_VSVM_ACCESS_READ, %DRM_VSVM_ACCESS_WRITE or
 *	%DRM_VSVM_ACCESS_ADD32
 * @value: what %DRM_VSVM_ACCESS_ADD32 adds to each 32-bit word
 *
 * Touch the bytes [addr, addr + len) of one page through the page table.
 *
 * Return: 0 when done, -EAGAIN when the entry is missing or does not allow
 * the access (a GPU page fault), -EBUSY for the same while the GPU is
 * quiesced, -EFAULT when the entry points at VRAM the GPU does not reach,
 * -EIO on an IOMMU fault.
 */
int vsvm_pt_access(struct vsvm_file *vf, unsigned long addr, void *buf,
		   size_t len, u32 op, u32 value)
{
	bool write = op != DRM_VSVM_ACCESS_READ;
	unsigned int off = offset_in_page(addr);
	struct vsvm_tlb_entry *slot;
	struct page *page;
	void *vaddr;
	bool hit;
	u8 target;
	u64 entry;
	size_t i;

	spin_lock(&vf->pt_lock);
	entry = vsvm_tlb_lookup(vf, addr, write, &slot, &hit);
	if (!(entry & VSVM_PTE_VALID) || (write && !(entry & VSVM_PTE_WRITE))) {
		/*
		 * Read under the lock that @unmap and @map take: an entry
		 * cleared after a quiesce is seen with the quiesce, and the
		 * resume comes after the entry is back.
		 */
		bool quiesced = atomic_read(&vf->quiesced);

		spin_unlock(&vf->pt_lock);
		return quiesced ? -EBUSY : -EAGAIN;
	}

	/* The GPU's view: a DMA address of system memory, or VRAM. */
	if (entry & VSVM_PTE_SYSTEM) {
		page = vsvm_dma_page(vf->gpu, entry & VSVM_PTE_ADDR);
		/*
		 * A stale entry whose IOVA was freed and handed out again
		 * reaches another mapping's page: as bad as no translation.
		 */
		if (hit && slot->page && slot->page != page)
			page = NULL;
		if (!hit && slot->entry == entry)
			slot->page = page;
		if (!page) {
			spin_unlock(&vf->pt_lock);
			vsvm_iommu_fault(vf->gpu, entry & VSVM_PTE_ADDR, addr);
			return -EIO;
		}
	} else {
		page = vsvm_vram_page(vf->gpu, entry & VSVM_PTE_ADDR, &target);
		if (!page) {
			spin_unlock(&vf->pt_lock);
			return -EFAULT;
		}
	}
	vaddr = kmap_local_page(page);
	switch (op) {
	case DRM_VSVM_ACCESS_READ:
		memcpy(buf, vaddr + off, len);
		break;
	case DRM_VSVM_ACCESS_WRITE:
		memcpy(vaddr + off, buf, len);
		break;
	case DRM_VSVM_ACCESS_ADD32:
		for (i = 0; i < len; i += sizeof(u32))
			atomic_add(value, (atomic_t *)(vaddr + off + i));
		break;
	}
	kunmap_local(vaddr);
	spin_unlock(&vf->pt_lock);
	return 0;
}

/**
 * vsvm_pt_snapshot() - where the entries of a range of addresses point
 * @vf: the GPU address space
 * @start: first address, page aligned
 * @npages: number of entries
 * @entries: @npages bytes, zeroed by the caller; the byte of a valid
 *	entry gets %DRM_VSVM_PTE_VALID, its target, and %DRM_VSVM_PTE_WRITE,
 *	%DRM_VSVM_PTE_EXEC and %DRM_VSVM_PTE_COHERENT as it has them, as
 *	DRM_IOCTL_VSVM_PT_SNAPSHOT reports them
 */
void vsvm_pt_snapshot(struct vsvm_file *vf, unsigned long start,
		      unsigned long npages, u8 *entries)
{
	unsigned long i;

	spin_lock(&vf->pt_lock);
	for (i = 0; i < npages; i++) {
		u64 *pte = vsvm_pte(vf, start + (i << PAGE_SHIFT));
		u64 entry = pte ? *pte : 0;
		u8 target = DRM_VSVM_PTE_TARGET_SYSTEM;

		if (!(entry & VSVM_PTE_VALID) || (entry & VSVM_PTE_POSTED))
			continue;
		if (!(entry & VSVM_PTE_SYSTEM) &&
		    !vsvm_vram_page(vf->gpu, entry & VSVM_PTE_ADDR, &target))
			continue;
		entries[i] = DRM_VSVM_PTE_VALID | target;
		if (entry & VSVM_PTE_WRITE)
			entries[i] |= DRM_VSVM_PTE_WRITE;
		if (entry & VSVM_PTE_EXEC)
			entries[i] |= DRM_VSVM_PTE_EXEC;
		if (entry & VSVM_PTE_COHERENT)
			entries[i] |= DRM_VSVM_PTE_COHERENT;
	}
	spin_unlock(&vf->pt_lock);
}
