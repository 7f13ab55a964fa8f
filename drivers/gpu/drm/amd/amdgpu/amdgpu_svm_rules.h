/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Copyright 2026 The drm_svm_coord authors
 */

#ifndef __AMDGPU_SVM_RULES_H__
#define __AMDGPU_SVM_RULES_H__

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
