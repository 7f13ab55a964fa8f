/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Copyright 2026 The drm_svm_coord authors
 */

#ifndef __AMDGPU_SVM_RULES_H__
#define __AMDGPU_SVM_RULES_H__

#include <linux/limits.h>
#include <linux/types.h>

struct drm_amdgpu_gem_svm;
struct drm_pagemap_addr;

/**
 * enum amdgpu_svm_domain - where the pages of a GPU mapping are
 * @AMDGPU_SVM_SYSTEM: system memory, DMA-mapped for the GPU
 * @AMDGPU_SVM_LOCAL: this GPU's VRAM
 * @AMDGPU_SVM_PEER: the VRAM of another GPU of the same XGMI hive
 */
enum amdgpu_svm_domain {
	AMDGPU_SVM_SYSTEM,
	AMDGPU_SVM_LOCAL,
	AMDGPU_SVM_PEER,
};

/**
 * struct amdgpu_svm_pte_in - what the PTE flags of an SVM mapping depend on
 * @gc_ip: the GC IP version, IP_VERSION(major, minor, rev)
 * @domain: an &enum amdgpu_svm_domain
 * @coherent: the range is coherent (DRM_SVM_COORD_MAP_COHERENT)
 * @exec: the range is executable (DRM_SVM_COORD_MAP_EXEC)
 * @read_only: the mapping is read-only (DRM_SVM_COORD_MAP_READ_ONLY)
 * @is_apu: the device is an APU (AMD_IS_APU)
 * @numa_multi: more than one NUMA node is possible
 *	(num_possible_nodes() > 1)
 * @aid_a1: GC 12.1.0 with an A1 AID (rev_id & 0x10)
 * @atomics: the device has PCIe atomics (have_atomics_support)
 * @mtype_local: the amdgpu.mtype_local module parameter
 */
struct amdgpu_svm_pte_in {
	u32 gc_ip;
	u8 domain;
	bool coherent;
	bool exec;
	bool read_only;
	bool is_apu;
	bool numa_multi;
	bool aid_a1;
	bool atomics;
	int mtype_local;
};

/**
 * struct amdgpu_svm_pte_out - the PTE flags of an SVM mapping
 * @vm_flags: AMDGPU_VM_MTYPE_* and AMDGPU_VM_PAGE_EXECUTABLE, for
 *	amdgpu_gmc_get_vm_pte()
 * @pte_before: AMDGPU_PTE_* set before amdgpu_gmc_get_vm_pte()
 * @pte_after: AMDGPU_PTE_* ORed in after it
 */
struct amdgpu_svm_pte_out {
	u32 vm_flags;
	u64 pte_before;
	u64 pte_after;
};

struct amdgpu_svm_pte_out amdgpu_svm_pte_rules(const struct amdgpu_svm_pte_in *in);

enum amdgpu_svm_domain amdgpu_svm_classify(u64 addr, u32 proto, u64 vram_base,
					   u64 vram_size);

/**
 * struct amdgpu_svm_run - CPU pages of one domain, mapped with one update
 * @first: index of the first page in the map's pages
 * @npages: number of pages
 * @domain: an &enum amdgpu_svm_domain
 */
struct amdgpu_svm_run {
	unsigned long first;
	unsigned long npages;
	u8 domain;
};

int amdgpu_svm_map_runs(const struct drm_pagemap_addr *dma,
			unsigned long npages, u64 vram_base, u64 vram_size,
			dma_addr_t *pages, struct amdgpu_svm_run *runs,
			unsigned int max_runs);

/* In a copy plan's @vram array: no page of this GPU's VRAM at this index. */
#define AMDGPU_SVM_NO_VRAM	U64_MAX

/**
 * struct amdgpu_svm_copy_run - pages that one SDMA copy moves
 * @first: index of the first page in the migration's arrays
 * @npages: number of pages, at most the plan's window
 * @vram: byte offset in this GPU's VRAM of the first page; the run's
 *	local pages are contiguous from it
 * @addr: address of the first page on the other side, as the
 *	&struct drm_pagemap_addr holds it
 * @remote: the domain of the other side, an &enum amdgpu_svm_domain:
 *	%AMDGPU_SVM_SYSTEM (per-page DMA addresses, mapped into the GART
 *	window: see the plan's @addrs), %AMDGPU_SVM_LOCAL (this GPU's VRAM,
 *	contiguous from @addr, addressed directly) or %AMDGPU_SVM_PEER (a
 *	peer's VRAM, hive physical addresses contiguous from @addr, mapped
 *	into the window)
 */
struct amdgpu_svm_copy_run {
	unsigned long first;
	unsigned long npages;
	u64 vram;
	u64 addr;
	u8 remote;
};

int amdgpu_svm_copy_plan(const u64 *vram, const struct drm_pagemap_addr *remote,
			 unsigned long npages, u64 vram_base, u64 vram_size,
			 unsigned int window, dma_addr_t *addrs,
			 struct amdgpu_svm_copy_run *runs,
			 unsigned int max_runs);

u64 amdgpu_svm_gart_flags(u8 domain, bool write);

bool amdgpu_svm_vram_room(u64 size, u64 used, u64 total, u64 reserve);

u64 amdgpu_svm_vram_reserve(u64 total);

/**
 * enum amdgpu_svm_bo_move - what amdgpu_bo_move() does with an SVM BO
 * @AMDGPU_SVM_BO_MOVE_TTM: its creation in VRAM: TTM's normal path, which
 *	clears it
 * @AMDGPU_SVM_BO_MOVE_EVICT: an eviction from VRAM to system memory: the
 *	data goes to RAM through drm_pagemap_evict_to_ram(), then
 *	ttm_bo_move_null()
 * @AMDGPU_SVM_BO_MOVE_REFUSE: any other move: an SVM BO never lives in
 *	GTT or in another VRAM place; -EINVAL
 */
enum amdgpu_svm_bo_move {
	AMDGPU_SVM_BO_MOVE_TTM,
	AMDGPU_SVM_BO_MOVE_EVICT,
	AMDGPU_SVM_BO_MOVE_REFUSE,
};

enum amdgpu_svm_bo_move amdgpu_svm_bo_move_action(bool has_old, u32 old_type,
						  u32 new_type);

void amdgpu_svm_gpu_pages(unsigned long start, unsigned long end, u64 *first,
			  u64 *last);

void amdgpu_svm_va_window(u64 max_pfn, bool five_levels, u64 *lo, u64 *hi);

int amdgpu_svm_check_args(const struct drm_amdgpu_gem_svm *args, u64 va_lo,
			  u64 va_hi);

/**
 * enum amdgpu_svm_fault_action - what a retry fault becomes
 * @AMDGPU_SVM_FAULT_NOT_SVM: not an SVM VM (or detached): KFD's path
 * @AMDGPU_SVM_FAULT_HANDLED: mapped: flush the TLB, drop the fault
 * @AMDGPU_SVM_FAULT_RETRY: raced: let the next retry interrupt through
 * @AMDGPU_SVM_FAULT_FATAL: a bad access: make it a no-retry fault
 */
enum amdgpu_svm_fault_action {
	AMDGPU_SVM_FAULT_NOT_SVM,
	AMDGPU_SVM_FAULT_HANDLED,
	AMDGPU_SVM_FAULT_RETRY,
	AMDGPU_SVM_FAULT_FATAL,
};

enum amdgpu_svm_fault_action amdgpu_svm_fault_action(bool attached, int err);

bool amdgpu_svm_can_fault(u32 gc_ip, int kfd_xnack);

bool amdgpu_svm_gc_supported(u32 gc_ip);

#endif /* __AMDGPU_SVM_RULES_H__ */
