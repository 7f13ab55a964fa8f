// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/error-injection.h>
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <drm/drm_pagemap.h>
#include <drm/drm_pagemap_util.h>
#include <drm/drm_print.h>
#include <drm/drm_svm_coord.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"

/**
 * DOC: vsvm VRAM
 *
 * With ``vsvm.vram_mb`` set, each virtual GPU gets that much device memory:
 * a free physical address region (request_free_mem_region()) made into
 * MEMORY_DEVICE_PRIVATE pages by memremap_pages(), with the dev_pagemap
 * ops of drm_pagemap (so a CPU fault on such a page migrates it back to
 * RAM through drm_pagemap), and one system page behind each device page
 * that holds its data. The GPU's page table may point at a device page;
 * the GPU then reads and writes the page behind it.
 *
 * Allocations (&struct vsvm_devmem) are contiguous runs of pages, aligned
 * to their size up to 2 MiB so that a transparent huge page can move as a
 * whole. The copy engine copies page by page with memcpy;
 * ``vsvm.copy_mbps`` (default 0, unthrottled) makes it sleep as long as a
 * copy engine of that bandwidth would take. It counts the bytes it moved
 * into VRAM from system memory, out of VRAM to system memory, and from a
 * peer's VRAM directly (DRM_IOCTL_VSVM_VRAM).
 *
 * DRM_IOCTL_VSVM_VRAM_EVICT empties a GPU's VRAM the way a driver's memory
 * manager does on its own, behind the coordinator's back: TTM evicting the
 * buffer object behind an SVM allocation under memory pressure, on suspend
 * or on device removal. Each allocation goes to system memory with
 * drm_pagemap_evict_to_ram(), which finds its pages by their pfns
 * (migrate_device_pfns()), not by address, and whose unmapping fires the
 * MMU notifiers of every mm that maps them: the coordinator learns of the
 * move there and nowhere else (see its DOC: Eviction).
 *
 * For that the VRAM keeps its live allocations on a list, under its lock.
 * An allocation is reference counted: drm_pagemap holds one reference from
 * the allocation until &drm_pagemap_devmem_ops.devmem_release, which takes
 * it off the list, and an eviction takes one, under the lock, for each
 * allocation it finds on the list. drm_pagemap_evict_to_ram() reads the
 * allocation after its last page went (its ``detached`` completion), and
 * populates its pfns again on a retry: so the last reference, not
 * devmem_release, frees the allocation and gives its pages back to the
 * VRAM, which keeps them from being handed to a new allocation (and
 * migrated as this one's) while an eviction still looks at them. The
 * allocation holds a reference on the mm_struct it backs (mmgrab()), which
 * drm_pagemap_evict_to_ram() pins with mmget_not_zero(): a child that
 * shares the pages after fork() may outlive the mm. The lock is a spinlock
 * and is never held across drm_pagemap_evict_to_ram(), which locks pages,
 * allocates and fires MMU notifiers that take the coordinator's locks.
 *
 * An allocation that a migration is filling at that moment has its pages
 * locked, or not yet in use: migrate_device_pfns() skips them, the
 * allocation stays, and the eviction reports it as failed, as TTM would
 * find the buffer object reserved.
 *
 * ``vsvm.topology`` says which GPUs reach each other's VRAM: ``all``
 * (default), ``pairs`` (0-1, 2-3, ...) or ``none``. The GPUs that reach
 * each other share one device-private page owner, obtained from
 * drm_pagemap_acquire_owner(): hmm_range_fault() and migrate_vma hand out
 * their device pages to each other as they are, and a GPU of another
 * owner can only reach them through system memory. The GPU enforces it:
 * an access through an entry that points at the VRAM of a GPU outside its
 * group is a bug, reported with a warning, and fails.
 */

static unsigned int vram_mb;
module_param(vram_mb, uint, 0444);
MODULE_PARM_DESC(vram_mb, "VRAM per GPU in MiB (default 0: no VRAM)");

static char *topology = "all";
module_param(topology, charp, 0444);
MODULE_PARM_DESC(topology,
		 "GPUs that reach each other's VRAM: all (default), pairs, none");

static unsigned int copy_mbps;
module_param(copy_mbps, uint, 0644);
MODULE_PARM_DESC(copy_mbps, "Copy engine bandwidth in MB/s (default 0: unthrottled)");

/**
 * struct vsvm_vram - the device memory of a virtual GPU
 * @gpu: the GPU
 * @pagemap: its device-private pages
 * @dpagemap: the drm_pagemap over @pagemap
 * @peer: its membership of an owner group (@pagemap.owner)
 * @res: the physical address region of @pagemap
 * @backing: per device page, the system page that holds its data
 * @npages: number of pages
 * @lock: protects @used_map, @used, @allocs and @nr_allocs; innermost, never
 *	held across a migration
 * @used_map: one bit per allocated page
 * @used: allocated pages
 * @allocs: the live allocations (&vsvm_devmem.link)
 * @nr_allocs: number of entries of @allocs
 * @to_vram: bytes copied into this VRAM from system memory
 * @to_ram: bytes copied from this VRAM to system memory
 * @from_peer: bytes copied into this VRAM from a peer's VRAM
 */
struct vsvm_vram {
	struct vsvm_gpu *gpu;
	struct dev_pagemap pagemap;
	struct drm_pagemap *dpagemap;
	struct drm_pagemap_peer peer;
	struct resource *res;
	struct page **backing;
	unsigned long npages;
	spinlock_t lock;	/* see above */
	unsigned long *used_map;
	unsigned long used;
	struct list_head allocs;
	unsigned long nr_allocs;
	atomic64_t to_vram;
	atomic64_t to_ram;
	atomic64_t from_peer;
};

/**
 * struct vsvm_devmem - an allocation of VRAM
 * @base: the drm_pagemap allocation
 * @vram: the VRAM it is in
 * @ref: drm_pagemap's reference until devmem_release, and one per eviction
 *	looking at it; the last one gives the pages back
 * @link: entry in &vsvm_vram.allocs until devmem_release
 * @first: its first page
 * @npages: number of pages
 */
struct vsvm_devmem {
	struct drm_pagemap_devmem base;
	struct vsvm_vram *vram;
	struct kref ref;
	struct list_head link;
	unsigned long first;
	unsigned long npages;
};

static DRM_PAGEMAP_OWNER_LIST_DEFINE(vsvm_owners);

static struct vsvm_vram *page_vram(struct page *page)
{
	return container_of(page_pgmap(page), struct vsvm_vram, pagemap);
}

static unsigned long vram_pfn_first(const struct vsvm_vram *vram)
{
	return PHYS_PFN(vram->res->start);
}

/**
 * vsvm_vram_page() - the page behind a VRAM address the GPU was given
 * @gpu: the GPU using the address
 * @addr: a VRAM address (device_map)
 * @target: out: %DRM_VSVM_PTE_TARGET_VRAM or _PEER_VRAM
 *
 * Return: the page holding the data, or NULL when @addr is not in the VRAM
 * of a GPU that @gpu reaches.
 */
struct page *vsvm_vram_page(struct vsvm_gpu *gpu, u64 addr, u8 *target)
{
	unsigned long pfn = PHYS_PFN(addr);
	struct vsvm_vram *vram;
	struct page *page;

	/* A VRAM address is the device page's: its pagemap says whose. */
	page = pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
	if (WARN_ON_ONCE(!page || !is_device_private_page(page)))
		return NULL;
	if (WARN_ON_ONCE(!gpu->vram ||
			 page_pgmap(page)->owner != gpu->vram->peer.owner))
		return NULL;
	vram = page_vram(page);
	*target = vram == gpu->vram ? DRM_VSVM_PTE_TARGET_VRAM :
				      DRM_VSVM_PTE_TARGET_PEER_VRAM;
	return vram->backing[pfn - vram_pfn_first(vram)];
}

/* Sleep as long as a copy engine of copy_mbps would take for @bytes. */
static void copy_throttle(unsigned long bytes)
{
	unsigned int mbps = READ_ONCE(copy_mbps);

	if (mbps)
		fsleep(bytes / mbps);	/* bytes / (MB/s) = µs */
}

/* The page behind device page number @j of the folio of @page. */
static struct page *backing_at(struct page *page, unsigned int j)
{
	struct vsvm_vram *vram = page_vram(page);

	return vram->backing[page_to_pfn(page) + j - vram_pfn_first(vram)];
}

/*
 * The system page @j pages after the DMA address @addr of @gpu, as the copy
 * engine reaches it; NULL on an IOMMU fault, which is reported.
 */
static struct page *sys_at(struct vsvm_gpu *gpu, dma_addr_t addr, unsigned int j)
{
	dma_addr_t at = addr + ((dma_addr_t)j << PAGE_SHIFT);
	struct page *page = vsvm_dma_page(gpu, at);

	if (!page)
		vsvm_iommu_fault(gpu, at, 0);
	return page;
}

/*
 * Copy the pages of a migration run by run: into VRAM from system memory,
 * or with @to_ram out of VRAM to system memory or to a peer's device pages.
 * An address of 0 is memory never touched: its device folio is cleared on
 * the way in, and there is nothing to copy on the way out. An IOMMU fault
 * stops the copy with -EIO, as a copy engine's would.
 */
static int vsvm_copy(struct page **pages, struct drm_pagemap_addr *addr,
		     unsigned long npages, bool to_ram)
{
	unsigned long i, bytes = 0;
	unsigned int j, n;
	struct page *sys;
	int err = 0;

	for (i = 0; i < npages; i += n) {
		struct vsvm_vram *vram;

		n = 1;
		if (!pages[i])
			continue;
		vram = page_vram(pages[i]);
		if (!addr[i].addr) {
			/*
			 * A hole: the whole device folio, which is huge for
			 * a 2 MiB hole, reads as zeroes.
			 */
			if (!to_ram) {
				n = folio_nr_pages(page_folio(pages[i]));
				for (j = 0; j < n; j++)
					clear_highpage(backing_at(pages[i], j));
			}
			continue;
		}
		n = 1u << addr[i].order;
		if (!to_ram) {
			for (j = 0; j < n; j++) {
				sys = sys_at(vram->gpu, addr[i].addr, j);
				if (!sys) {
					err = -EIO;
					goto out;
				}
				copy_highpage(backing_at(pages[i], j), sys);
			}
			atomic64_add((u64)n << PAGE_SHIFT, &vram->to_vram);
		} else if (addr[i].proto == DRM_INTERCONNECT_DRIVER) {
			struct page *peer = pfn_to_page(PHYS_PFN(addr[i].addr));

			for (j = 0; j < n; j++)
				copy_highpage(backing_at(peer, j),
					      backing_at(pages[i], j));
			atomic64_add((u64)n << PAGE_SHIFT,
				     &page_vram(peer)->from_peer);
		} else {
			for (j = 0; j < n; j++) {
				sys = sys_at(vram->gpu, addr[i].addr, j);
				if (!sys) {
					err = -EIO;
					goto out;
				}
				copy_highpage(sys, backing_at(pages[i], j));
			}
			atomic64_add((u64)n << PAGE_SHIFT, &vram->to_ram);
		}
		bytes += (unsigned long)n << PAGE_SHIFT;
	}
out:
	copy_throttle(bytes);
	return err;
}

/* System memory → device pages. */
static int vsvm_copy_to_devmem(struct page **pages,
			       struct drm_pagemap_addr *addr,
			       unsigned long npages,
			       struct dma_fence *pre_migrate_fence)
{
	return vsvm_copy(pages, addr, npages, false);
}
ALLOW_ERROR_INJECTION(vsvm_copy_to_devmem, ERRNO);

/* Device pages → system memory, or → a peer's device pages. */
static int vsvm_copy_to_ram(struct page **pages,
			    struct drm_pagemap_addr *addr,
			    unsigned long npages,
			    struct dma_fence *pre_migrate_fence)
{
	return vsvm_copy(pages, addr, npages, true);
}
ALLOW_ERROR_INJECTION(vsvm_copy_to_ram, ERRNO);

/* The last reference: the pages go back to the VRAM. */
static void vsvm_devmem_free(struct kref *ref)
{
	struct vsvm_devmem *vd = container_of(ref, typeof(*vd), ref);
	struct vsvm_vram *vram = vd->vram;

	spin_lock(&vram->lock);
	bitmap_clear(vram->used_map, vd->first, vd->npages);
	vram->used -= vd->npages;
	spin_unlock(&vram->lock);
	mmdrop(vd->base.mm);
	kfree(vd);
}

static void vsvm_devmem_put(struct vsvm_devmem *vd)
{
	kref_put(&vd->ref, vsvm_devmem_free);
}

/* drm_pagemap is done with the allocation: its pages are free, or never were. */
static void vsvm_devmem_release(struct drm_pagemap_devmem *devmem)
{
	struct vsvm_devmem *vd = container_of(devmem, typeof(*vd), base);
	struct vsvm_vram *vram = vd->vram;

	spin_lock(&vram->lock);
	list_del(&vd->link);
	vram->nr_allocs--;
	spin_unlock(&vram->lock);
	vsvm_devmem_put(vd);
}

static int vsvm_populate_devmem_pfn(struct drm_pagemap_devmem *devmem,
				    unsigned long npages, unsigned long *pfn)
{
	struct vsvm_devmem *vd = container_of(devmem, typeof(*vd), base);
	unsigned long i;

	if (WARN_ON(npages > vd->npages))
		return -EINVAL;
	for (i = 0; i < npages; i++)
		pfn[i] = vram_pfn_first(vd->vram) + vd->first + i;
	return 0;
}
ALLOW_ERROR_INJECTION(vsvm_populate_devmem_pfn, ERRNO);

static const struct drm_pagemap_devmem_ops vsvm_devmem_ops = {
	.devmem_release = vsvm_devmem_release,
	.populate_devmem_pfn = vsvm_populate_devmem_pfn,
	.copy_to_devmem = vsvm_copy_to_devmem,
	.copy_to_ram = vsvm_copy_to_ram,
};

/**
 * vsvm_vram_alloc() - allocate VRAM for a migration
 * @gpu: the GPU
 * @mm: the address space the pages will back
 * @size: bytes, page aligned
 *
 * Return: the allocation, ERR_PTR(-ENOMEM) when the VRAM has no room,
 * ERR_PTR(-ENODEV) for a GPU without VRAM.
 */
struct drm_pagemap_devmem *vsvm_vram_alloc(struct vsvm_gpu *gpu,
					   struct mm_struct *mm,
					   unsigned long size)
{
	struct vsvm_vram *vram = gpu->vram;
	unsigned long npages = size >> PAGE_SHIFT, first, align = 0;
	struct vsvm_devmem *vd;

	if (!vram)
		return ERR_PTR(-ENODEV);
	vd = kzalloc_obj(*vd);
	if (!vd)
		return ERR_PTR(-ENOMEM);
	if (is_power_of_2(npages))
		align = min_t(unsigned long, npages, 1ul << (21 - PAGE_SHIFT)) - 1;
	vd->vram = vram;
	vd->npages = npages;
	kref_init(&vd->ref);
	/* Ready before an eviction can find it on the list. */
	drm_pagemap_devmem_init(&vd->base, gpu->drm.dev, mm, &vsvm_devmem_ops,
				vram->dpagemap, size, NULL);

	spin_lock(&vram->lock);
	first = bitmap_find_next_zero_area(vram->used_map, vram->npages, 0,
					   npages, align);
	if (first < vram->npages) {
		bitmap_set(vram->used_map, first, npages);
		vram->used += npages;
		vd->first = first;
		mmgrab(mm);
		list_add_tail(&vd->link, &vram->allocs);
		vram->nr_allocs++;
	}
	spin_unlock(&vram->lock);
	if (first >= vram->npages) {
		kfree(vd);
		return ERR_PTR(-ENOMEM);
	}
	return &vd->base;
}

/**
 * vsvm_vram_evict() - evict a GPU's VRAM to system memory, as TTM would
 * @gpu: the GPU
 * @args: out: &drm_vsvm_vram_evict.evicted, .bytes and .failed
 *
 * Moves every allocation live when called to system memory with
 * drm_pagemap_evict_to_ram(), whatever process it backs, and tells nobody:
 * the MMU notifiers of the mms that map the pages are all the coordinator
 * learns (see the DOC section). Sleeps; takes no lock of the coordinator's.
 *
 * Return: 0, -ENODEV for a GPU without VRAM, or -ENOMEM.
 */
int vsvm_vram_evict(struct vsvm_gpu *gpu, struct drm_vsvm_vram_evict *args)
{
	struct vsvm_vram *vram = gpu->vram;
	struct vsvm_devmem **vds, *vd;
	unsigned long n, i, nr = 0;

	args->evicted = 0;
	args->bytes = 0;
	args->failed = 0;
	if (!vram)
		return -ENODEV;
	spin_lock(&vram->lock);
	n = vram->nr_allocs;
	spin_unlock(&vram->lock);
	if (!n)
		return 0;
	vds = kvmalloc_array(n, sizeof(*vds), GFP_KERNEL);
	if (!vds)
		return -ENOMEM;

	/* What is on the list has drm_pagemap's reference: take ours. */
	spin_lock(&vram->lock);
	list_for_each_entry(vd, &vram->allocs, link) {
		if (nr == n)
			break;	/* newer than the count: left for the next call */
		if (completion_done(&vd->base.detached))
			continue;	/* its pages are gone, it is leaving */
		kref_get(&vd->ref);
		vds[nr++] = vd;
	}
	spin_unlock(&vram->lock);

	for (i = 0; i < nr; i++) {
		vd = vds[i];
		if (drm_pagemap_evict_to_ram(&vd->base)) {
			args->failed++;
		} else {
			args->evicted++;
			args->bytes += (u64)vd->npages << PAGE_SHIFT;
		}
		vsvm_devmem_put(vd);
		cond_resched();
	}
	kvfree(vds);
	return 0;
}

/**
 * vsvm_vram_info() - what the VRAM of a GPU holds and moved
 * @gpu: the GPU
 * @info: out
 */
void vsvm_vram_info(struct vsvm_gpu *gpu, struct drm_vsvm_vram *info)
{
	struct vsvm_vram *vram = gpu->vram;
	unsigned int i;

	memset(info, 0, sizeof(*info));
	info->group = ~0u;
	if (!vram)
		return;
	info->size = (u64)vram->npages << PAGE_SHIFT;
	spin_lock(&vram->lock);
	info->used = (u64)vram->used << PAGE_SHIFT;
	spin_unlock(&vram->lock);
	info->to_vram = atomic64_read(&vram->to_vram);
	info->to_ram = atomic64_read(&vram->to_ram);
	info->from_peer = atomic64_read(&vram->from_peer);
	/* The group is named after its first GPU. */
	for (i = 0; i < vsvm_num_gpus(); i++) {
		struct vsvm_vram *other = vsvm_gpu_by_id(i)->vram;

		if (other && other->peer.owner == vram->peer.owner) {
			info->group = i;
			break;
		}
	}
}

static struct drm_pagemap_addr vsvm_device_map(struct drm_pagemap *dpagemap,
					       struct device *dev,
					       struct page *page,
					       unsigned int order,
					       enum dma_data_direction dir)
{
	/* A VRAM page is reached by its address on the interconnect. */
	return drm_pagemap_addr_encode(page_to_phys(page),
				       DRM_INTERCONNECT_DRIVER, order, dir);
}

static void vsvm_device_unmap(struct drm_pagemap *dpagemap,
			      struct device *dev,
			      const struct drm_pagemap_addr *addr)
{
}

static const struct drm_pagemap_ops vsvm_dpagemap_ops = {
	.device_map = vsvm_device_map,
	.device_unmap = vsvm_device_unmap,
};

static bool vsvm_interconnect(struct drm_pagemap_peer *a,
			      struct drm_pagemap_peer *b)
{
	struct vsvm_vram *va = a->private, *vb = b->private;

	if (!strcmp(topology, "pairs"))
		return va->gpu->id / 2 == vb->gpu->id / 2;
	return !strcmp(topology, "all");
}

/**
 * vsvm_vram_check_params() - check the VRAM module parameters
 *
 * Return: 0, or -EINVAL for an unknown topology.
 */
int vsvm_vram_check_params(void)
{
	if (strcmp(topology, "all") && strcmp(topology, "pairs") &&
	    strcmp(topology, "none")) {
		pr_err("vsvm: unknown topology '%s'\n", topology);
		return -EINVAL;
	}
	return 0;
}

static void vram_free_backing(struct vsvm_vram *vram)
{
	unsigned long i;

	for (i = 0; i < vram->npages && vram->backing[i]; i++)
		__free_page(vram->backing[i]);
	kvfree(vram->backing);
}

/**
 * vsvm_vram_create() - give a GPU its VRAM, if vsvm.vram_mb asks for it
 * @gpu: the GPU; GPUs must be created in the order of their numbers
 *
 * Return: 0, or a negative errno.
 */
int vsvm_vram_create(struct vsvm_gpu *gpu)
{
	unsigned long size = (unsigned long)vram_mb << 20, i;
	struct vsvm_vram *vram;
	void *addr;
	int err;

	if (!size)
		return 0;
	vram = kzalloc_obj(*vram);
	if (!vram)
		return -ENOMEM;
	vram->gpu = gpu;
	vram->npages = size >> PAGE_SHIFT;
	spin_lock_init(&vram->lock);
	INIT_LIST_HEAD(&vram->allocs);
	err = -ENOMEM;
	vram->used_map = bitmap_zalloc(vram->npages, GFP_KERNEL);
	vram->backing = kvcalloc(vram->npages, sizeof(*vram->backing),
				 GFP_KERNEL);
	if (!vram->used_map || !vram->backing)
		goto err_free;
	/*
	 * Zeroed, so that no kernel memory shows through: what one user
	 * leaves in VRAM stays for the next, as on hardware, and a
	 * migration must clear it (see vsvm_copy()).
	 */
	for (i = 0; i < vram->npages; i++) {
		vram->backing[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!vram->backing[i])
			goto err_free;
	}

	vram->peer.private = vram;
	err = drm_pagemap_acquire_owner(&vram->peer, &vsvm_owners,
					vsvm_interconnect);
	if (err)
		goto err_free;

	vram->res = request_free_mem_region(&iomem_resource, size, "vsvm-vram");
	if (IS_ERR(vram->res)) {
		err = PTR_ERR(vram->res);
		goto err_owner;
	}
	vram->pagemap.type = MEMORY_DEVICE_PRIVATE;
	vram->pagemap.range.start = vram->res->start;
	vram->pagemap.range.end = vram->res->end;
	vram->pagemap.nr_range = 1;
	vram->pagemap.ops = drm_pagemap_pagemap_ops_get();
	vram->pagemap.owner = vram->peer.owner;
	addr = memremap_pages(&vram->pagemap, numa_node_id());
	if (IS_ERR(addr)) {
		err = PTR_ERR(addr);
		goto err_region;
	}

	vram->dpagemap = kzalloc_obj(*vram->dpagemap);
	if (!vram->dpagemap) {
		err = -ENOMEM;
		goto err_unmap;
	}
	err = drm_pagemap_init(vram->dpagemap, &vram->pagemap, &gpu->drm,
			       &vsvm_dpagemap_ops);
	if (err) {
		kfree(vram->dpagemap);
		goto err_unmap;
	}
	gpu->vram = vram;
	drm_info(&gpu->drm, "%u MiB of VRAM at %pR\n", vram_mb, vram->res);
	return 0;

err_unmap:
	memunmap_pages(&vram->pagemap);
err_region:
	release_mem_region(vram->res->start, resource_size(vram->res));
err_owner:
	drm_pagemap_release_owner(&vram->peer);
err_free:
	if (vram->backing)
		vram_free_backing(vram);
	bitmap_free(vram->used_map);
	kfree(vram);
	return err;
}

/**
 * vsvm_vram_destroy() - take a GPU's VRAM away
 * @gpu: the GPU
 *
 * Waits until no page of the VRAM is in use.
 */
void vsvm_vram_destroy(struct vsvm_gpu *gpu)
{
	struct vsvm_vram *vram = gpu->vram;

	if (!vram)
		return;
	gpu->vram = NULL;
	drm_pagemap_put(vram->dpagemap);
	memunmap_pages(&vram->pagemap);
	release_mem_region(vram->res->start, resource_size(vram->res));
	drm_pagemap_release_owner(&vram->peer);
	vram_free_backing(vram);
	bitmap_free(vram->used_map);
	kfree(vram);
}

/**
 * vsvm_vram_caps() - the coordinator capabilities of a GPU's VRAM
 * @gpu: the GPU
 * @caps: out: &drm_svm_coord_vm_caps.dpagemap and .pagemap_owner
 */
void vsvm_vram_caps(struct vsvm_gpu *gpu, struct drm_svm_coord_vm_caps *caps)
{
	if (!gpu->vram)
		return;
	caps->dpagemap = gpu->vram->dpagemap;
	caps->pagemap_owner = gpu->vram->peer.owner;
}
