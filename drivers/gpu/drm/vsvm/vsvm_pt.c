// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

#include <drm/drm_pagemap.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"

/**
 * DOC: Virtual GPU page table
 *
 * The virtual GPU reaches memory only through the page table of a GPU
 * address space (&struct vsvm_file). The table has two levels: an xarray
 * indexed by address >> %VSVM_LEAF_SHIFT, whose leaves (&struct vsvm_leaf)
 * hold one u64 entry for each page of 2 MiB of addresses. An entry holds
 * %VSVM_PTE_VALID, %VSVM_PTE_WRITE and, in %VSVM_PTE_ADDR, the address the
 * GPU was given for the page: a DMA address of system memory, or the
 * address of a VRAM page on the interconnect.
 *
 * vsvm_pt_prepare() allocates the leaves of a range, and may sleep, before
 * vsvm_pt_write() fills their entries. Leaves are freed only with the
 * file, so neither vsvm_pt_write() nor vsvm_pt_clear() allocates or frees.
 *
 * An access, vsvm_pt_access(), walks the table one page at a time: a
 * missing leaf, an entry without %VSVM_PTE_VALID, or one without
 * %VSVM_PTE_WRITE for a write or an atomic add, is a GPU page fault.
 * Otherwise vsvm_vram_page() gives the page that holds the data, system
 * memory or the page behind a VRAM page, and the GPU copies to or from it.
 *
 * Entries are read and cleared under a spinlock held across the copy of
 * each page, so an entry cleared by the notifier is never used afterwards:
 * this GPU's TLB invalidation completes within &drm_svm_coord_ops.unmap.
 */

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

/**
 * vsvm_pt_init() - set up the empty page table of a GPU address space
 * @vf: the GPU address space
 */
void vsvm_pt_init(struct vsvm_file *vf)
{
	mutex_init(&vf->leaf_lock);
	spin_lock_init(&vf->pt_lock);
	xa_init(&vf->leaves);
}

/**
 * vsvm_pt_fini() - free the page table of a GPU address space
 * @vf: the GPU address space, detached: nothing uses its entries any more
 */
void vsvm_pt_fini(struct vsvm_file *vf)
{
	struct vsvm_leaf *leaf;
	unsigned long idx;

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

/**
 * vsvm_pt_write() - fill the entries of a range of addresses
 * @vf: the GPU address space
 * @start: first address
 * @end: end of the addresses (exclusive)
 * @dma: the DMA addresses of the pages from @start on, as
 *	&drm_gpusvm_pages.dma_addr holds them
 * @writable: the GPU may write
 *
 * The leaves must have been allocated by vsvm_pt_prepare().
 *
 * Return: 0, or -ENOMEM when a leaf is missing.
 */
int vsvm_pt_write(struct vsvm_file *vf, unsigned long start,
		  unsigned long end, const struct drm_pagemap_addr *dma,
		  bool writable)
{
	u64 perm = VSVM_PTE_VALID | (writable ? VSVM_PTE_WRITE : 0);
	unsigned long addr = start;
	unsigned int j, k;
	int err = 0;

	spin_lock(&vf->pt_lock);
	for (j = 0; addr < end; j++) {
		for (k = 0; k < (1u << dma[j].order); k++, addr += PAGE_SIZE) {
			u64 *pte = vsvm_pte(vf, addr);

			if (WARN_ON_ONCE(!pte)) {	/* not prepared */
				err = -ENOMEM;
				goto out;
			}
			*pte = ((dma[j].addr + k * PAGE_SIZE) & VSVM_PTE_ADDR) |
			       perm;
		}
	}
out:
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
 * vsvm_pt_clear() - clear the entries of a range of addresses
 * @vf: the GPU address space
 * @start: first address
 * @end: end of the addresses (exclusive)
 *
 * The GPU touches no page of the range after this returns: it is this
 * GPU's TLB invalidation.
 */
void vsvm_pt_clear(struct vsvm_file *vf, unsigned long start,
		   unsigned long end)
{
	unsigned long addr;

	spin_lock(&vf->pt_lock);
	for (addr = start; addr < end; addr += PAGE_SIZE) {
		u64 *pte = vsvm_pte(vf, addr);

		if (pte)
			*pte = 0;
	}
	spin_unlock(&vf->pt_lock);
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
 * quiesced, -EFAULT when the entry points at VRAM the GPU does not reach.
 */
int vsvm_pt_access(struct vsvm_file *vf, unsigned long addr, void *buf,
		   size_t len, u32 op, u32 value)
{
	bool write = op != DRM_VSVM_ACCESS_READ;
	unsigned int off = offset_in_page(addr);
	struct page *page;
	void *vaddr;
	u8 target;
	u64 *pte;
	u64 entry;
	size_t i;

	spin_lock(&vf->pt_lock);
	pte = vsvm_pte(vf, addr);
	entry = pte ? *pte : 0;
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

	/* The GPU's view: a bus address, of system memory or of VRAM. */
	page = vsvm_vram_page(vf->gpu, entry & VSVM_PTE_ADDR, &target);
	if (!page) {
		spin_unlock(&vf->pt_lock);
		return -EFAULT;
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
 *	entry gets %DRM_VSVM_PTE_VALID, its target, and %DRM_VSVM_PTE_WRITE
 *	if writable, as DRM_IOCTL_VSVM_PT_SNAPSHOT reports them
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

		if (!(entry & VSVM_PTE_VALID))
			continue;
		if (!vsvm_vram_page(vf->gpu, entry & VSVM_PTE_ADDR, &target))
			continue;
		entries[i] = DRM_VSVM_PTE_VALID | target;
		if (entry & VSVM_PTE_WRITE)
			entries[i] |= DRM_VSVM_PTE_WRITE;
	}
	spin_unlock(&vf->pt_lock);
}
