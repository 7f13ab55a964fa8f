/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#ifndef __VSVM_DRV_H__
#define __VSVM_DRV_H__

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>

#define VSVM_MAX_SNAPSHOT	65536

#define VSVM_PTE_VALID		BIT_ULL(0)
#define VSVM_PTE_WRITE		BIT_ULL(1)
#define VSVM_PTE_SYSTEM		BIT_ULL(2)
#define VSVM_PTE_EXEC		BIT_ULL(3)
#define VSVM_PTE_COHERENT	BIT_ULL(4)
#define VSVM_PTE_POSTED		BIT_ULL(5)
#define VSVM_PTE_LARGE		BIT_ULL(6)
#define VSVM_PTE_PERM		(VSVM_PTE_WRITE | VSVM_PTE_EXEC | \
				 VSVM_PTE_COHERENT)
#define VSVM_PTE_ADDR		GENMASK_ULL(63, PAGE_SHIFT)

struct drm_pagemap_addr;
struct drm_pagemap_devmem;
struct drm_svm_coord_vm;
struct drm_svm_coord_vm_caps;
struct drm_vsvm_pt_verify;
struct drm_vsvm_vram;
struct drm_vsvm_vram_evict;
struct faux_device;
struct iommu_domain;
struct mm_struct;
struct page;
struct pci_dev;
struct vsvm_baseline;
struct vsvm_vram;

/**
 * struct vsvm_gpu - a virtual GPU
 * @drm: its DRM device
 * @fdev: the faux device under it, or NULL for a PCI function
 * @pdev: the PCI function under it, or NULL for a faux device
 * @id: its number
 * @can_fault: it recovers from page faults
 * @vram: its device memory, or NULL (see vsvm_vram.c)
 * @iommu: the translating IOMMU domain its DMA goes through, or NULL
 *	for the direct mapping
 * @iommu_faults: accesses of the GPU or its copy engine to a DMA address
 *	that did not translate
 */
struct vsvm_gpu {
	struct drm_device drm;
	struct faux_device *fdev;
	struct pci_dev *pdev;
	unsigned int id;
	bool can_fault;
	struct vsvm_vram *vram;
	struct iommu_domain *iommu;
	atomic64_t iommu_faults;
};

#define VSVM_TLB_ENTRIES	256

/**
 * struct vsvm_tlb_entry - a cached translation of the GPU
 * @vpn: the page number of the GPU virtual address
 * @entry: the page-table entry cached for it; 0 for an empty slot
 * @page: the system page its DMA address reached when it was cached
 */
struct vsvm_tlb_entry {
	u64 vpn;
	u64 entry;
	struct page *page;
};

/**
 * struct vsvm_file - a GPU address space: one open file of a GPU
 * @gpu: the GPU
 * @attach_lock: serializes attach; taken outside the coordinator's locks
 * @leaf_lock: serializes leaf allocation; taken inside the coordinator's
 *	locks (from @prepare) and inside the baseline's
 * @coord: the coordinator attachment, or NULL
 * @baseline: the file's own drm_gpusvm when attached in baseline mode, or
 *	NULL; at most one of @coord and @baseline is set
 * @mm: the mm attached to, only compared with the caller's
 * @pt_lock: protects the entries of the leaves, @tlb, @tlb_issued and
 *	@tlb_done; held by the GPU across each page it touches
 * @leaves: &struct vsvm_leaf by address >> %VSVM_LEAF_SHIFT; leaves are
 *	allocated by vsvm_pt_prepare() and freed with the file
 * @quiesced: the coordinator stopped the GPU's queues (nesting count)
 * @resume_wq: accesses waiting for @quiesced to drop to zero
 * @fatal_faults: accesses failed for want of a mapping the GPU could not
 *	fault in
 * @tlb: the GPU's TLB for this address space (see vsvm_pt.c)
 * @tlb_issued: TLB invalidations issued
 * @tlb_done: TLB invalidations completed
 * @tlb_wq: waiters for @tlb_done
 * @tlb_work: completes the TLB invalidations issued
 * @tlb_stale_hits: accesses served by a TLB entry the page table no longer
 *	held
 * @posted: entries were written with %VSVM_PTE_POSTED since the last
 *	vsvm_pt_sync()
 * @pte_size: the size of the entries the GPU maps with where a range
 *	allows (PAGE_SIZE, SZ_64K or SZ_2M); set at attach
 */
struct vsvm_file {
	struct vsvm_gpu *gpu;
	struct mutex attach_lock;	/* see above */
	struct mutex leaf_lock;	/* see above */
	struct drm_svm_coord_vm *coord;
	struct vsvm_baseline *baseline;
	struct mm_struct *mm;
	spinlock_t pt_lock;	/* see above */
	struct xarray leaves;
	atomic_t quiesced;
	wait_queue_head_t resume_wq;
	atomic64_t fatal_faults;
	struct vsvm_tlb_entry tlb[VSVM_TLB_ENTRIES];
	u64 tlb_issued;
	u64 tlb_done;
	wait_queue_head_t tlb_wq;
	struct delayed_work tlb_work;
	atomic64_t tlb_stale_hits;
	bool posted;
	unsigned long pte_size;
};

int vsvm_pt_module_init(void);
void vsvm_pt_module_exit(void);
void vsvm_pt_init(struct vsvm_file *vf);
void vsvm_pt_fini(struct vsvm_file *vf);
int vsvm_pt_prepare(struct vsvm_file *vf, unsigned long start,
		    unsigned long end);
int vsvm_pt_write(struct vsvm_file *vf, unsigned long start,
		  unsigned long end, const struct drm_pagemap_addr *dma,
		  u64 perm);
void vsvm_pt_clear(struct vsvm_file *vf, unsigned long start,
		   unsigned long end);
void vsvm_pt_sync(struct vsvm_file *vf);
void vsvm_pt_tlb_wait(struct vsvm_file *vf);
struct page *vsvm_dma_page(struct vsvm_gpu *gpu, dma_addr_t addr);
void vsvm_iommu_fault(struct vsvm_gpu *gpu, dma_addr_t addr, unsigned long va);
void vsvm_pt_read(struct vsvm_file *vf, unsigned long start,
		  unsigned long npages, u64 *out);
int vsvm_pt_access(struct vsvm_file *vf, unsigned long addr, void *buf,
		   size_t len, u32 op, u32 value);
void vsvm_pt_snapshot(struct vsvm_file *vf, unsigned long start,
		      unsigned long npages, u8 *entries);
int vsvm_pt_verify(struct vsvm_file *vf, struct drm_vsvm_pt_verify *args);

unsigned int vsvm_num_gpus(void);
struct vsvm_gpu *vsvm_gpu_by_id(unsigned int id);

int vsvm_vram_check_params(void);
int vsvm_vram_create(struct vsvm_gpu *gpu);
void vsvm_vram_destroy(struct vsvm_gpu *gpu);
void vsvm_vram_caps(struct vsvm_gpu *gpu, struct drm_svm_coord_vm_caps *caps);
struct drm_pagemap_devmem *vsvm_vram_alloc(struct vsvm_gpu *gpu,
					   struct mm_struct *mm,
					   unsigned long size);
struct page *vsvm_vram_page(struct vsvm_gpu *gpu, u64 addr, u8 *target);
void vsvm_vram_info(struct vsvm_gpu *gpu, struct drm_vsvm_vram *info);
int vsvm_vram_evict(struct vsvm_gpu *gpu, struct drm_vsvm_vram_evict *args);

struct vsvm_baseline *vsvm_baseline_create(struct vsvm_file *vf,
					   struct mm_struct *mm);
void vsvm_baseline_destroy(struct vsvm_baseline *bl);
int vsvm_baseline_fault(struct vsvm_baseline *bl, unsigned long addr,
			bool write);
void vsvm_baseline_stats(struct vsvm_baseline *bl, u64 *mm_total, u64 *own,
			 unsigned int num, bool flush, bool reset);

#endif /* __VSVM_DRV_H__ */
