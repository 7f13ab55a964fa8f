// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright 2026 The drm_svm_coord authors
 */

/**
 * DOC: amdgpu SVM rules
 *
 * Everything the amdgpu SVM backend decides without touching hardware lives
 * in this file, as pure functions: plain values in, plain values out, no
 * &struct amdgpu_device, no lock, no allocation. The glue in amdgpu_svm.c
 * reads the device, the VM and the coordinator's arguments, calls these
 * rules and acts on their answer. Each rule is KUnit-tested, inside
 * amdgpu.ko, by the suites of ``drivers/gpu/drm/amd/amdgpu/tests/``
 * (``amdgpu_svm_pte``, ``amdgpu_svm_map``, ``amdgpu_svm_uapi``,
 * ``amdgpu_svm_fault``, ``amdgpu_svm_copy``), against data transcribed
 * from KFD and from the uAPI, or against an independent walk of random
 * inputs, not against these functions.
 *
 * - amdgpu_svm_pte_rules(): the memory type, snoop, executable and
 *   permission bits of a mapping, per GC IP version and memory domain.
 *   It is KFD's svm_range_get_pte_flags() without the &struct kfd_node;
 *   the per-ASIC translation of the memory type into PTE bits stays
 *   amdgpu_gmc_get_vm_pte()'s, called by the glue between the two halves
 *   of &struct amdgpu_svm_pte_out.
 * - amdgpu_svm_classify() and amdgpu_svm_map_runs(): which domain each
 *   page of a &drm_svm_coord_ops.map request is in (system memory, this
 *   GPU's VRAM, a peer's VRAM), the per-page address array
 *   amdgpu_vm_update_range() takes, and the runs of pages of one domain,
 *   each written with one update and one set of PTE flags.
 * - amdgpu_svm_copy_plan(): the SDMA copies of a VRAM migration, for
 *   &drm_pagemap_devmem_ops.copy_to_devmem and .copy_to_ram: which pages
 *   of the drm_pagemap address array move, the per-page addresses the
 *   GART window maps, and the runs of pages each copied at once, cut
 *   where this GPU's VRAM or the other side's VRAM stops being
 *   contiguous, where the other side changes domain and at the size of
 *   the window.
 * - amdgpu_svm_gart_flags(): the PTE flags of a GART window page mapping
 *   the other side of a copy, as KFD's migration and TTM's buffer moves
 *   set them.
 * - amdgpu_svm_vram_reserve() and amdgpu_svm_vram_room(): the VRAM kept
 *   out of SVM's reach, and whether an allocation still fits beside it.
 * - amdgpu_svm_bo_move_action(): what amdgpu_bo_move() does with a buffer
 *   object backing device-private pages: created by TTM, evicted through
 *   drm_pagemap, never moved anywhere else.
 * - amdgpu_svm_gpu_pages(): a CPU byte interval as GPU page numbers.
 * - amdgpu_svm_va_window() and amdgpu_svm_check_args(): the SVM window of
 *   a VM and the envelope of DRM_IOCTL_AMDGPU_GEM_SVM, checked before
 *   anything else in the fixed order the uAPI documents.
 * - amdgpu_svm_fault_action(): what a retry fault becomes once the
 *   coordinator has answered.
 * - amdgpu_svm_gc_supported() and amdgpu_svm_can_fault(): which GPUs may
 *   attach, and which of them map on their own faults (XNACK on), given
 *   the XNACK mode KFD chose for the process.
 */

#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include <drm/amdgpu_drm.h>
#include <drm/drm_pagemap.h>
#include <drm/drm_svm_coord.h>

#include "amdgpu.h"
#include "amdgpu_svm_rules.h"

/*
 * AMDGPU_GMC_HOLE_START (amdgpu_gmc.h) without the device: the first
 * address of the GPU's VA hole with five levels of page tables
 * (vm_manager.max_level == 4, 57-bit addresses) and with four (48-bit).
 */
#define AMDGPU_SVM_HOLE_START_5LVL	0x0100000000000000ULL
#define AMDGPU_SVM_HOLE_START_4LVL	0x0000800000000000ULL

/* The first GC IP version KFD's SVM supports (KFD_IS_SOC15()). */
#define AMDGPU_SVM_GC_FIRST		IP_VERSION(9, 0, 1)

/*
 * The MTYPE of VRAM local to the partition on GC 9.4.3, 9.4.4 and 9.5.0,
 * from the amdgpu.mtype_local module parameter (KFD without
 * EXT_COHERENT, which the coordinator has no flag for).
 */
static u32 amdgpu_svm_mtype_local_943(int mtype_local)
{
	if (mtype_local == 1)
		return AMDGPU_VM_MTYPE_NC;
	if (mtype_local == 2)
		return AMDGPU_VM_MTYPE_CC;
	return AMDGPU_VM_MTYPE_RW;
}

/**
 * amdgpu_svm_pte_rules() - the PTE flags of an SVM mapping
 * @in: the GC IP version (as amdgpu_ip_version() returns it), the domain
 *	of the pages, the mapping's flags and the device's properties
 *
 * KFD's svm_range_get_pte_flags() (amdkfd/kfd_svm.c) without the
 * &struct kfd_node, and without KFD's EXT_COHERENT flag, which the
 * coordinator does not have: never set here. KFD's VRAM domain splits in
 * two: %AMDGPU_SVM_LOCAL (KFD's bo_node == node) and %AMDGPU_SVM_PEER.
 *
 * A peer's VRAM is only ever mapped over XGMI within one hive (the hive
 * shares one pagemap owner), and a device with compute partitions or
 * with VRAM connected to the CPU (GC 9.4.2 xgmi.connected_to_cpu) offers
 * no VRAM to the coordinator. So KFD's rows for PCIe peers, for the VRAM
 * of another partition of the same device and for connected_to_cpu local
 * VRAM are unreachable and have no input here; local VRAM is always the
 * partition's own.
 *
 * Snoop starts true for system memory and false for VRAM; GC 9.4.1 and
 * 9.4.2 snoop peer VRAM of their hive, GC 9.4.3, 9.4.4, 9.5.0 and 12.1.0
 * snoop everything. The memory type, per GC version:
 *
 * - 9.4.1, 9.4.2: local VRAM CC if coherent, else RW; peer VRAM and
 *   system memory UC if coherent, else NC.
 * - 9.4.3, 9.4.4, 9.5.0: local VRAM from amdgpu.mtype_local (1: NC, 2: CC,
 *   anything else: RW); peer VRAM NC; system memory on an APU the same as
 *   local VRAM on a single NUMA node, NC with several (the locality is
 *   then decided per page by amdgpu_gmc_override_vm_pte_flags()); system
 *   memory on a dGPU UC before 9.5.0, NC from it.
 * - 12.0.0, 12.0.1: NC.
 * - 12.1.0: local VRAM from amdgpu.mtype_local (0: RW, 1: NC, anything
 *   else: RW on an A1 AID, NC otherwise); peer VRAM and system memory NC
 *   on an A1 AID, UC otherwise.
 * - any other version: UC if coherent, else NC.
 *
 * An executable mapping adds %AMDGPU_VM_PAGE_EXECUTABLE to the MTYPE. The
 * PTE is then built in three steps: &amdgpu_svm_pte_out.pte_before (VALID,
 * SYSTEM for system memory, SNOOPED, IS_PTE from GC 12.0.0 on), then
 * amdgpu_gmc_get_vm_pte() with &amdgpu_svm_pte_out.vm_flags, then
 * &amdgpu_svm_pte_out.pte_after (READABLE, WRITEABLE unless read-only,
 * BUS_ATOMICS on GC 12.1.0 with PCIe atomics).
 *
 * Return: the MTYPE and EXECUTABLE flags, and the PTE bits to set before
 * and after amdgpu_gmc_get_vm_pte().
 */
struct amdgpu_svm_pte_out amdgpu_svm_pte_rules(const struct amdgpu_svm_pte_in *in)
{
	struct amdgpu_svm_pte_out out = {};
	bool system = in->domain == AMDGPU_SVM_SYSTEM;
	bool local = in->domain == AMDGPU_SVM_LOCAL;
	bool snoop = system;
	u32 mtype_local;
	u32 mtype;

	switch (in->gc_ip) {
	case IP_VERSION(9, 4, 1):
	case IP_VERSION(9, 4, 2):
		if (local) {
			/* connected_to_cpu (9.4.2 snoop) offers no VRAM */
			mtype = in->coherent ? AMDGPU_VM_MTYPE_CC :
					       AMDGPU_VM_MTYPE_RW;
		} else {
			mtype = in->coherent ? AMDGPU_VM_MTYPE_UC :
					       AMDGPU_VM_MTYPE_NC;
			/* system memory, or a peer of the same hive */
			snoop = true;
		}
		break;
	case IP_VERSION(9, 4, 3):
	case IP_VERSION(9, 4, 4):
	case IP_VERSION(9, 5, 0):
		mtype_local = amdgpu_svm_mtype_local_943(in->mtype_local);
		snoop = true;
		/*
		 * Local VRAM is the partition's own (no far partition), a
		 * peer is in the same hive (no PCIe peer).
		 */
		if (local)
			mtype = mtype_local;
		else if (!system)
			mtype = AMDGPU_VM_MTYPE_NC;
		else if (in->is_apu)
			mtype = in->numa_multi ? AMDGPU_VM_MTYPE_NC : mtype_local;
		else if (in->gc_ip < IP_VERSION(9, 5, 0))
			mtype = AMDGPU_VM_MTYPE_UC;
		else
			mtype = AMDGPU_VM_MTYPE_NC;
		break;
	case IP_VERSION(12, 0, 0):
	case IP_VERSION(12, 0, 1):
		mtype = AMDGPU_VM_MTYPE_NC;
		break;
	case IP_VERSION(12, 1, 0):
		if (in->mtype_local == 0)
			mtype_local = AMDGPU_VM_MTYPE_RW;
		else if (in->mtype_local == 1)
			mtype_local = AMDGPU_VM_MTYPE_NC;
		else
			mtype_local = in->aid_a1 ? AMDGPU_VM_MTYPE_RW :
						   AMDGPU_VM_MTYPE_NC;
		snoop = true;
		/* local VRAM, else system memory or a peer's VRAM */
		if (local)
			mtype = mtype_local;
		else
			mtype = in->aid_a1 ? AMDGPU_VM_MTYPE_NC :
					     AMDGPU_VM_MTYPE_UC;
		break;
	default:
		mtype = in->coherent ? AMDGPU_VM_MTYPE_UC : AMDGPU_VM_MTYPE_NC;
		break;
	}

	out.vm_flags = mtype;
	if (in->exec)
		out.vm_flags |= AMDGPU_VM_PAGE_EXECUTABLE;

	out.pte_before = AMDGPU_PTE_VALID;
	if (system)
		out.pte_before |= AMDGPU_PTE_SYSTEM;
	if (snoop)
		out.pte_before |= AMDGPU_PTE_SNOOPED;
	if (in->gc_ip >= IP_VERSION(12, 0, 0))
		out.pte_before |= AMDGPU_PTE_IS_PTE;

	out.pte_after = AMDGPU_PTE_READABLE;
	if (!in->read_only)
		out.pte_after |= AMDGPU_PTE_WRITEABLE;
	if (in->gc_ip == IP_VERSION(12, 1, 0) && in->atomics)
		out.pte_after |= AMDGPU_PTE_BUS_ATOMICS;

	return out;
}

/**
 * amdgpu_svm_classify() - the domain of one DMA address of a map request
 * @addr: the address, as &struct drm_pagemap_addr holds it
 * @proto: its interconnect, an &enum drm_interconnect_protocol or a
 *	driver's private value
 * @vram_base: the first hive physical address of this GPU's VRAM
 * @vram_size: the size of this GPU's VRAM in bytes
 *
 * %DRM_INTERCONNECT_SYSTEM is system memory, whatever the address. Any
 * other protocol is VRAM of the hive, addressed by hive physical address:
 * this GPU's when @addr lies in [@vram_base, @vram_base + @vram_size),
 * compared without computing the end (which may overflow), else a peer's.
 *
 * Return: %AMDGPU_SVM_SYSTEM, %AMDGPU_SVM_LOCAL or %AMDGPU_SVM_PEER.
 */
enum amdgpu_svm_domain amdgpu_svm_classify(u64 addr, u32 proto, u64 vram_base,
					   u64 vram_size)
{
	if (proto == DRM_INTERCONNECT_SYSTEM)
		return AMDGPU_SVM_SYSTEM;
	if (addr >= vram_base && addr - vram_base < vram_size)
		return AMDGPU_SVM_LOCAL;
	return AMDGPU_SVM_PEER;
}

/**
 * amdgpu_svm_map_runs() - per-page addresses and runs of one domain
 * @dma: the DMA addresses of a map request, one entry per 1 << order CPU
 *	pages, covering exactly @npages pages
 * @npages: the number of CPU pages of the request, not 0
 * @vram_base: the first hive physical address of this GPU's VRAM
 * @vram_size: the size of this GPU's VRAM in bytes
 * @pages: out: @npages addresses, one per CPU page
 * @runs: out: the runs
 * @max_runs: room in @runs
 *
 * Expands @dma into @pages (page j of an entry is at the entry's address
 * plus j * PAGE_SIZE) and splits the pages into maximal runs of one
 * domain (amdgpu_svm_classify() of the entry), in order: the runs
 * partition [0, @npages), each run one domain, two adjacent runs never
 * the same one. Pages of different peers are one run: their hive physical
 * addresses are all that their PTEs need.
 *
 * The entries are checked and the runs counted first: on error nothing is
 * written. Nothing is ever written past @pages[@npages - 1] or
 * @runs[@max_runs - 1].
 *
 * Return: the number of runs; -EINVAL when @npages is 0 or an entry runs
 * past @npages; -E2BIG when more than @max_runs runs are needed.
 */
int amdgpu_svm_map_runs(const struct drm_pagemap_addr *dma,
			unsigned long npages, u64 vram_base, u64 vram_size,
			dma_addr_t *pages, struct amdgpu_svm_run *runs,
			unsigned int max_runs)
{
	enum amdgpu_svm_domain domain, prev = AMDGPU_SVM_SYSTEM;
	const struct drm_pagemap_addr *e;
	unsigned long i, j, n, nr = 0;
	u64 addr;

	if (!npages)
		return -EINVAL;

	/* Check the entries and count the runs, writing nothing. */
	for (i = 0, e = dma; i < npages; i += n, e++) {
		if (e->order >= BITS_PER_LONG)
			return -EINVAL;
		n = 1UL << e->order;
		if (n > npages - i)
			return -EINVAL;
		domain = amdgpu_svm_classify(e->addr, e->proto, vram_base,
					     vram_size);
		if (!nr || domain != prev)
			nr++;
		prev = domain;
	}
	if (nr > max_runs)
		return -E2BIG;

	/* Expand the pages and write the runs. */
	nr = 0;
	for (i = 0, e = dma; i < npages; i += n, e++) {
		n = 1UL << e->order;
		domain = amdgpu_svm_classify(e->addr, e->proto, vram_base,
					     vram_size);
		addr = e->addr;
		for (j = 0; j < n; j++)
			pages[i + j] = addr + j * PAGE_SIZE;
		if (!nr || runs[nr - 1].domain != domain) {
			runs[nr].first = i;
			runs[nr].npages = 0;
			runs[nr].domain = domain;
			nr++;
		}
		runs[nr - 1].npages += n;
	}
	return nr;
}

/* @next follows @prev by one page, without wrapping past U64_MAX. */
static bool amdgpu_svm_next_page(u64 prev, u64 next)
{
	u64 end;

	return !check_add_overflow(prev, (u64)PAGE_SIZE, &end) && end == next;
}

/*
 * One walk of a copy plan (see amdgpu_svm_copy_plan()): checks the entries
 * and counts the runs into @nr, and writes @addrs and @runs unless they
 * are NULL. Returns -EINVAL on a bad entry, so the plan writes only after
 * a walk that writes nothing has found none.
 */
static int amdgpu_svm_copy_walk(const u64 *vram,
				const struct drm_pagemap_addr *remote,
				unsigned long npages, u64 vram_base,
				u64 vram_size, unsigned int window,
				dma_addr_t *addrs,
				struct amdgpu_svm_copy_run *runs,
				unsigned long *nr)
{
	const struct drm_pagemap_addr *e;
	unsigned long i, j, n, len = 0, count = 0;
	u64 lv = 0, ra = 0, prev_lv, prev_ra;
	u8 domain, prev = AMDGPU_SVM_SYSTEM;
	bool join;

	for (i = 0; i < npages; i += n) {
		e = &remote[i];
		n = 1;
		if (e->addr) {
			if (e->order >= BITS_PER_LONG)
				return -EINVAL;
			n = 1UL << e->order;
			if (n > npages - i)
				return -EINVAL;
		}
		if (!e->addr || vram[i] == AMDGPU_SVM_NO_VRAM) {
			/* a hole, or pages that stay: no run goes across */
			if (addrs)
				memset(&addrs[i], 0, n * sizeof(*addrs));
			len = 0;
			continue;
		}

		domain = amdgpu_svm_classify(e->addr, e->proto, vram_base,
					     vram_size);
		for (j = 0; j < n; j++) {
			prev_lv = lv;
			prev_ra = ra;
			/* a device folio is contiguous from its first page */
			lv = vram[i] + ((u64)j << PAGE_SHIFT);
			ra = (u64)e->addr + ((u64)j << PAGE_SHIFT);

			join = len && len < window && domain == prev &&
			       lv != AMDGPU_SVM_NO_VRAM &&
			       amdgpu_svm_next_page(prev_lv, lv);
			/* the window maps system pages one by one */
			if (join && domain != AMDGPU_SVM_SYSTEM)
				join = amdgpu_svm_next_page(prev_ra, ra);
			prev = domain;
			if (!join) {
				if (runs) {
					runs[count].first = i + j;
					runs[count].npages = 0;
					runs[count].vram = lv;
					runs[count].addr = ra;
					runs[count].remote = domain;
				}
				count++;
				len = 0;
			}
			len++;
			if (runs)
				runs[count - 1].npages = len;
			if (addrs)
				addrs[i + j] = ra;
		}
	}
	*nr = count;
	return 0;
}

/**
 * amdgpu_svm_copy_plan() - the SDMA copies of a VRAM migration
 * @vram: per page, the byte offset in this GPU's VRAM of the device page,
 *	or %AMDGPU_SVM_NO_VRAM when the page does not move; only the first
 *	page of an entry of @remote is read, the others follow it by
 *	PAGE_SIZE each (a device folio is contiguous)
 * @remote: the drm_pagemap addresses of the other side, per entry of
 *	1 << order pages (the source of &drm_pagemap_devmem_ops.copy_to_devmem,
 *	the destination of .copy_to_ram)
 * @npages: the number of pages of the migration
 * @vram_base: the first hive physical address of this GPU's VRAM
 * @vram_size: the size of this GPU's VRAM in bytes
 * @window: the most pages one copy may move (the GART window's size),
 *	not 0
 * @addrs: out: @npages addresses, one per page
 * @runs: out: the runs
 * @max_runs: room in @runs
 *
 * Walks @remote as drm_pagemap fills it: an entry with a non-zero address
 * covers 1 << order pages and the entries inside it are not read; a zero
 * address is a hole of one page, with nothing on the other side, skipped.
 * An entry whose first page has no VRAM (%AMDGPU_SVM_NO_VRAM) is skipped
 * whole. The other side of an entry is in the domain amdgpu_svm_classify()
 * gives its address, and page j of it is at that address plus
 * j * PAGE_SIZE: @addrs receives that address for every page that moves,
 * 0 for every other page.
 *
 * The pages that move are split into maximal runs, in order, each of at
 * most @window pages: two consecutive pages are in one run when both
 * move, their other sides are of one domain, their VRAM offsets follow
 * each other by PAGE_SIZE and, unless the other side is system memory,
 * whose pages the window maps one by one, so do their addresses on the
 * other side. An offset or an address that would wrap past U64_MAX, and
 * %AMDGPU_SVM_NO_VRAM, follow nothing.
 *
 * The entries are checked and the runs counted first: on error nothing is
 * written. Nothing is ever written past @addrs[@npages - 1] or
 * @runs[@max_runs - 1].
 *
 * Return: the number of runs (0, writing nothing, when @npages is 0);
 * -EINVAL when @window is 0 or an entry runs past @npages; -E2BIG when
 * more than @max_runs runs are needed.
 */
int amdgpu_svm_copy_plan(const u64 *vram, const struct drm_pagemap_addr *remote,
			 unsigned long npages, u64 vram_base, u64 vram_size,
			 unsigned int window, dma_addr_t *addrs,
			 struct amdgpu_svm_copy_run *runs,
			 unsigned int max_runs)
{
	unsigned long nr;
	int ret;

	if (!window)
		return -EINVAL;
	if (!npages)
		return 0;

	/* Check the entries and count the runs, writing nothing. */
	ret = amdgpu_svm_copy_walk(vram, remote, npages, vram_base, vram_size,
				   window, NULL, NULL, &nr);
	if (ret)
		return ret;
	if (nr > max_runs || nr > INT_MAX)
		return -E2BIG;

	/* Expand the addresses and write the runs. */
	ret = amdgpu_svm_copy_walk(vram, remote, npages, vram_base, vram_size,
				   window, addrs, runs, &nr);
	if (ret)
		return ret;
	return nr;
}

/**
 * amdgpu_svm_gart_flags() - the PTE flags of a GART window page of a copy
 * @domain: the domain of the page the window maps, an
 *	&enum amdgpu_svm_domain
 * @write: the copy writes the page
 *
 * The flags before the glue ORs in the device's gart.gart_pte_flags.
 * System memory as KFD's svm_migrate_gart_map() (amdkfd/kfd_migrate.c)
 * maps it: VALID, READABLE, SYSTEM and SNOOPED, WRITEABLE for a page the
 * copy writes. VRAM, this GPU's or a peer's (and any other value of
 * @domain), as amdgpu_ttm_tt_pte_flags() (amdgpu_ttm.c) maps a VRAM
 * resource: VALID and READABLE, WRITEABLE for a page the copy writes;
 * never SNOOPED, which it sets only for VRAM with a cached bus mapping
 * (VRAM connected to the CPU), never offered to SVM.
 *
 * Return: the AMDGPU_PTE_* flags of the window page.
 */
u64 amdgpu_svm_gart_flags(u8 domain, bool write)
{
	u64 flags = AMDGPU_PTE_VALID | AMDGPU_PTE_READABLE;

	if (domain == AMDGPU_SVM_SYSTEM)
		flags |= AMDGPU_PTE_SYSTEM | AMDGPU_PTE_SNOOPED;
	if (write)
		flags |= AMDGPU_PTE_WRITEABLE;
	return flags;
}

/**
 * amdgpu_svm_gpu_pages() - the GPU pages of a CPU byte interval
 * @start: first byte
 * @end: one past the last byte, above @start
 * @first: out: the GPU page number of @start
 * @last: out: the GPU page number of the last byte, @end - 1
 *
 * GPU pages are %AMDGPU_GPU_PAGE_SIZE (4 KiB) whatever the CPU's page
 * size: a 64 KiB CPU page is 16 GPU pages. Page-aligned intervals give
 * what amdgpu_vm_update_range() takes as its start and last.
 */
void amdgpu_svm_gpu_pages(unsigned long start, unsigned long end, u64 *first,
			  u64 *last)
{
	*first = (u64)start >> AMDGPU_GPU_PAGE_SHIFT;
	*last = ((u64)end - 1) >> AMDGPU_GPU_PAGE_SHIFT;
}

/**
 * amdgpu_svm_va_window() - the GPU VA window SVM may use in a VM
 * @max_pfn: the VM's size in GPU pages (vm_manager.max_pfn)
 * @five_levels: the VM has five levels of page tables
 *	(vm_manager.max_level == 4, 57-bit addresses), else four (48-bit)
 * @lo: out: the first address of the window
 * @hi: out: one past its last address
 *
 * SVM addresses are CPU addresses, and the GPU sees them unchanged below
 * its VA hole (%AMDGPU_GMC_HOLE_START). The window runs from
 * %AMDGPU_VA_RESERVED_BOTTOM to the hole or to the kernel's reservations
 * at the top of the VM (%AMDGPU_VA_RESERVED_TOP: CSA, SEQ64 and trap
 * handler), whichever comes first. A VM too small to hold anything above
 * the bottom reservation gets an empty window (@hi == @lo).
 */
void amdgpu_svm_va_window(u64 max_pfn, bool five_levels, u64 *lo, u64 *hi)
{
	u64 hole = five_levels ? AMDGPU_SVM_HOLE_START_5LVL :
				 AMDGPU_SVM_HOLE_START_4LVL;
	u64 size, top;

	*lo = AMDGPU_VA_RESERVED_BOTTOM;
	if (max_pfn > (U64_MAX >> AMDGPU_GPU_PAGE_SHIFT))
		size = U64_MAX;
	else
		size = max_pfn << AMDGPU_GPU_PAGE_SHIFT;
	if (size <= AMDGPU_VA_RESERVED_TOP) {
		*hi = *lo;
		return;
	}
	top = size - AMDGPU_VA_RESERVED_TOP;
	*hi = top < hole ? top : hole;
	if (*hi < *lo)
		*hi = *lo;
}

/**
 * amdgpu_svm_check_args() - the envelope of DRM_IOCTL_AMDGPU_GEM_SVM
 * @args: the ioctl's argument, copied in
 * @va_lo: the first address of the VM's SVM window
 * @va_hi: one past its last address (amdgpu_svm_va_window())
 *
 * Checks, in this order: @args->op is one of %AMDGPU_SVM_OP_ATTACH,
 * %AMDGPU_SVM_OP_INFO, %AMDGPU_SVM_OP_SET_ATTR and %AMDGPU_SVM_OP_GET_ATTR;
 * @args->flags and @args->pad are 0; ATTACH and INFO have @args->start,
 * @args->size, @args->attrs and @args->nattrs 0; SET_ATTR and GET_ATTR
 * have 1 to %AMDGPU_SVM_MAX_ATTRS attributes and a page-aligned, non-empty
 * interval that does not wrap around and lies within [@va_lo, @va_hi).
 * @args->index and @args->caps are outputs, ignored here. A NULL
 * @args->attrs is not the envelope's business: reading it fails later,
 * with -EFAULT.
 *
 * Return: 0 when the envelope is well-formed, else -EINVAL.
 */
int amdgpu_svm_check_args(const struct drm_amdgpu_gem_svm *args, u64 va_lo,
			  u64 va_hi)
{
	u64 end;

	switch (args->op) {
	case AMDGPU_SVM_OP_ATTACH:
	case AMDGPU_SVM_OP_INFO:
	case AMDGPU_SVM_OP_SET_ATTR:
	case AMDGPU_SVM_OP_GET_ATTR:
		break;
	default:
		return -EINVAL;
	}
	if (args->flags || args->pad)
		return -EINVAL;

	if (args->op == AMDGPU_SVM_OP_ATTACH || args->op == AMDGPU_SVM_OP_INFO) {
		if (args->start || args->size || args->attrs || args->nattrs)
			return -EINVAL;
		return 0;
	}

	if (!args->nattrs || args->nattrs > AMDGPU_SVM_MAX_ATTRS)
		return -EINVAL;
	if (!IS_ALIGNED(args->start, PAGE_SIZE) ||
	    !IS_ALIGNED(args->size, PAGE_SIZE) || !args->size)
		return -EINVAL;
	if (check_add_overflow(args->start, args->size, &end))
		return -EINVAL;
	if (args->start < va_lo || end > va_hi)
		return -EINVAL;
	return 0;
}

/**
 * amdgpu_svm_fault_action() - what a retry fault becomes
 * @attached: the faulting VM had an SVM attachment when the fault was
 *	looked up
 * @err: what drm_svm_coord_handle_fault() returned (or -ENODEV when the
 *	attachment went away before it could be called)
 *
 * A VM without an attachment is not ours: KFD's path, whatever @err.
 * Otherwise 0 means the entries are written: flush and drop the fault;
 * -EAGAIN and -EBUSY mean the fault raced with invalidations: let the
 * next retry interrupt through; anything else (-EPERM, -EFAULT, -ENOMEM,
 * -EINTR, an error of the backend, and -ENODEV for a detach that raced
 * with the fault) is a bad access: the fault becomes a no-retry fault,
 * which KFD reports to the process.
 *
 * Return: the &enum amdgpu_svm_fault_action to take.
 */
enum amdgpu_svm_fault_action amdgpu_svm_fault_action(bool attached, int err)
{
	if (!attached)
		return AMDGPU_SVM_FAULT_NOT_SVM;
	if (!err)
		return AMDGPU_SVM_FAULT_HANDLED;
	if (err == -EAGAIN || err == -EBUSY)
		return AMDGPU_SVM_FAULT_RETRY;
	return AMDGPU_SVM_FAULT_FATAL;
}

/**
 * amdgpu_svm_gc_supported() - whether a GPU may attach to SVM
 * @gc_ip: the GC IP version, IP_VERSION(major, minor, rev)
 *
 * The GPUs KFD's SVM supports: GFX9 (GC 9.0.1) and later.
 *
 * Return: true when a GPU with this GC version may attach.
 */
bool amdgpu_svm_gc_supported(u32 gc_ip)
{
	return gc_ip >= AMDGPU_SVM_GC_FIRST;
}

/**
 * amdgpu_svm_can_fault() - whether an attached GPU maps on its own faults
 * @gc_ip: the GC IP version, IP_VERSION(major, minor, rev)
 * @kfd_xnack: the XNACK mode KFD chose for the process: 1 on, 0 off, or a
 *	negative errno when KFD has no process for the mm
 *
 * KFD picks one XNACK mode for a whole process (kfd_process_xnack_mode()),
 * and a queue whose retry setting differs from the others' can hang GFX9
 * parts: the backend follows KFD's mode and never turns retry faults on by
 * itself. On top of it, KFD's per-GPU veto: no SVM before GC 9.0.1, and no
 * retry faults from GC 10.1.1 up to, not including, GC 12.1.0, which
 * cannot preempt shaders during page faults.
 *
 * Return: true when the GPU is attached with %DRM_SVM_COORD_VM_CAN_FAULT.
 */
bool amdgpu_svm_can_fault(u32 gc_ip, int kfd_xnack)
{
	if (kfd_xnack <= 0 || !amdgpu_svm_gc_supported(gc_ip))
		return false;
	return gc_ip < IP_VERSION(10, 1, 1) || gc_ip >= IP_VERSION(12, 1, 0);
}

/**
 * amdgpu_svm_vram_reserve() - the VRAM SVM leaves to everything else
 * @total: the size of the GPU's VRAM in bytes
 *
 * The larger of 64 MiB and 1/64 of @total: room for page tables, the
 * kernel's own buffers and the BOs of other users, which SVM allocations
 * must not squeeze out.
 *
 * Return: the reserve in bytes.
 */
u64 amdgpu_svm_vram_reserve(u64 total)
{
	return max_t(u64, SZ_64M, total / 64);
}

/**
 * amdgpu_svm_vram_room() - whether an SVM allocation fits in VRAM
 * @size: the allocation's size in bytes
 * @used: the bytes of VRAM in use
 * @total: the size of the VRAM in bytes
 * @reserve: the bytes to leave free (amdgpu_svm_vram_reserve())
 *
 * The sum @used + @size + @reserve is computed without overflow: a sum
 * past U64_MAX never fits, nor does anything when @used exceeds @total.
 *
 * Return: true when @used + @size + @reserve <= @total.
 */
bool amdgpu_svm_vram_room(u64 size, u64 used, u64 total, u64 reserve)
{
	u64 need;

	if (check_add_overflow(used, size, &need) ||
	    check_add_overflow(need, reserve, &need))
		return false;
	return need <= total;
}

/**
 * amdgpu_svm_bo_move_action() - what amdgpu_bo_move() does with an SVM BO
 * @has_old: the BO has a resource to move from
 * @old_type: the TTM_PL_* or AMDGPU_PL_* type of that resource, ignored
 *	without one
 * @new_type: the type of the resource to move to
 *
 * An SVM BO is a VRAM BO backing device-private pages of drm_pagemap. Its
 * creation (no resource yet, or an empty %TTM_PL_SYSTEM one) in
 * %TTM_PL_VRAM takes TTM's normal path, which clears it. Its eviction
 * from %TTM_PL_VRAM to %TTM_PL_SYSTEM moves the data to system memory
 * through drm_pagemap_evict_to_ram(), then ttm_bo_move_null(). Nothing
 * else: it never lives in GTT, in another private place or in another
 * VRAM place.
 *
 * Return: %AMDGPU_SVM_BO_MOVE_TTM, %AMDGPU_SVM_BO_MOVE_EVICT, or
 * %AMDGPU_SVM_BO_MOVE_REFUSE when the glue must fail the move with
 * -EINVAL.
 */
enum amdgpu_svm_bo_move amdgpu_svm_bo_move_action(bool has_old, u32 old_type,
						  u32 new_type)
{
	if ((!has_old || old_type == TTM_PL_SYSTEM) && new_type == TTM_PL_VRAM)
		return AMDGPU_SVM_BO_MOVE_TTM;
	if (has_old && old_type == TTM_PL_VRAM && new_type == TTM_PL_SYSTEM)
		return AMDGPU_SVM_BO_MOVE_EVICT;
	return AMDGPU_SVM_BO_MOVE_REFUSE;
}
