/* SPDX-License-Identifier: (GPL-2.0-only WITH Linux-syscall-note) OR MIT */
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * uAPI of vsvm, the virtual multi-GPU driver of the SVM coordinator: a
 * software GPU per DRM device whose only way to memory is its page table,
 * which the coordinator fills. For tests and demonstrations.
 *
 * Besides the errors each ioctl lists, any of them may fail with ENOMEM
 * when the kernel, the coordinator or the virtual GPU runs out of memory
 * (or fault injection says so): the call may be tried again, and it
 * changed nothing but counters, except where its description says that
 * it works in steps (an ACCESS may have done the pages before the one
 * that failed, a SET_ATTR that prefetches or maps for GPUs that cannot
 * fault may have set the attributes and moved some ranges). A CPU access
 * to data in a GPU's VRAM whose copy back to system memory fails raises
 * SIGBUS, as for any device-private memory (drm_pagemap).
 */

#ifndef __UAPI_VSVM_DRM_H__
#define __UAPI_VSVM_DRM_H__

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_VSVM_INFO		0x00
#define DRM_VSVM_ATTACH		0x01
#define DRM_VSVM_SET_ATTR	0x02
#define DRM_VSVM_GET_ATTR	0x03
#define DRM_VSVM_ACCESS		0x04
#define DRM_VSVM_STATS		0x05
#define DRM_VSVM_PT_SNAPSHOT	0x06
#define DRM_VSVM_MAP		0x07
#define DRM_VSVM_VRAM		0x08
#define DRM_VSVM_RANGE_INFO	0x09
#define DRM_VSVM_PT_VERIFY	0x0a
#define DRM_VSVM_PT_DROP	0x0b
#define DRM_VSVM_VRAM_EVICT	0x0c

/**
 * struct drm_vsvm_info - DRM_IOCTL_VSVM_INFO: what this GPU is
 * @gpu: number of the virtual GPU (0 to @num_gpus - 1)
 * @num_gpus: number of virtual GPUs of the driver
 * @flags: DRM_VSVM_INFO_*
 * @index: the GPU's index in its coordinator (the GPU number of the
 *	attribute API), ~0 while this file is not attached
 */
struct drm_vsvm_info {
	__u32 gpu;
	__u32 num_gpus;
	__u32 flags;
	__u32 index;
};

/* The GPU recovers from page faults. */
#define DRM_VSVM_INFO_CAN_FAULT		(1 << 0)
/* The file is attached in baseline mode (DRM_VSVM_ATTACH_BASELINE). */
#define DRM_VSVM_INFO_BASELINE		(1 << 1)

/**
 * struct drm_vsvm_attach - DRM_IOCTL_VSVM_ATTACH: attach to the caller's mm
 * @flags: 0: share the coordinator of the caller's mm with every other
 *	attached GPU; DRM_VSVM_ATTACH_BASELINE: give this file its own
 *	upstream drm_gpusvm instance, as drivers do today (for comparison; a
 *	GPU that cannot fault gets EOPNOTSUPP)
 *	DRM_VSVM_ATTACH_PTE_64K, DRM_VSVM_ATTACH_PTE_2M: the GPU maps with
 *	entries of that size where a range allows (aligned and large
 *	enough), and an unmap that cuts one clears all of it, as hardware
 *	that cannot split an entry without allocating does; the size is
 *	declared to the coordinator unless the module parameter
 *	``pte_sizes_hidden`` is set (a backend that forgets to, for tests to
 *	show that they catch it). One of the two at most; coordinator mode only
 * @pad: must be zero
 *
 * In baseline mode, SET_ATTR, GET_ATTR and MAP fail with EOPNOTSUPP, and
 * the coordinator counters of DRM_IOCTL_VSVM_STATS (``mgr``) are the sums over
 * every file of the caller's mm attached in baseline mode.
 */
struct drm_vsvm_attach {
	__u32 flags;
	__u32 pad;
};

#define DRM_VSVM_ATTACH_BASELINE	(1 << 0)
#define DRM_VSVM_ATTACH_PTE_64K		(1 << 1)
#define DRM_VSVM_ATTACH_PTE_2M		(1 << 2)

/**
 * struct drm_vsvm_attr - one attribute, as in the coordinator
 * @type: DRM_VSVM_ATTR_*
 * @value: a location, a GPU index, a flag mask or a granularity
 */
struct drm_vsvm_attr {
	__u32 type;
	__u32 value;
};

#define DRM_VSVM_ATTR_PREFERRED_LOC	0
#define DRM_VSVM_ATTR_PREFETCH_LOC	1
#define DRM_VSVM_ATTR_ACCESS		2
#define DRM_VSVM_ATTR_ACCESS_IN_PLACE	3
#define DRM_VSVM_ATTR_NO_ACCESS		4
#define DRM_VSVM_ATTR_ACCESS_DEFAULT	5
#define DRM_VSVM_ATTR_SET_FLAGS		6
#define DRM_VSVM_ATTR_CLR_FLAGS		7
#define DRM_VSVM_ATTR_GRANULARITY	8
#define DRM_VSVM_ATTR_ACCESS_MIXED	9

#define DRM_VSVM_LOC_UNDEFINED		0xffffffffu
#define DRM_VSVM_LOC_SYSMEM		0xfffffffeu
#define DRM_VSVM_LOC_MIXED		0xfffffffdu

#define DRM_VSVM_FLAG_HOST_ACCESS	(1 << 0)
#define DRM_VSVM_FLAG_COHERENT		(1 << 1)
#define DRM_VSVM_FLAG_GPU_RO		(1 << 2)
#define DRM_VSVM_FLAG_GPU_EXEC		(1 << 3)
#define DRM_VSVM_FLAG_GPU_READ_MOSTLY	(1 << 4)
#define DRM_VSVM_FLAG_GPU_ALWAYS_MAPPED	(1 << 5)

/**
 * struct drm_vsvm_attrs - DRM_IOCTL_VSVM_SET_ATTR / _GET_ATTR
 * @start: first address, page aligned
 * @size: size in bytes, page aligned, not zero
 * @attrs: pointer to an array of &struct drm_vsvm_attr
 * @nattrs: number of entries, 1 to 64
 * @pad: must be zero
 */
struct drm_vsvm_attrs {
	__u64 start;
	__u64 size;
	__u64 attrs;
	__u32 nattrs;
	__u32 pad;
};

/**
 * struct drm_vsvm_access - DRM_IOCTL_VSVM_ACCESS: the GPU touches memory
 * @addr: first GPU virtual (= CPU) address
 * @size: bytes, not zero, at most 16 MiB
 * @data: user buffer: filled by READ, read by WRITE, unused by ADD32
 * @op: DRM_VSVM_ACCESS_*
 * @pad: must be zero
 * @value: ADD32: added to each 32-bit word (@addr and @size 4-aligned)
 * @faults: out: GPU page faults taken and served by the coordinator
 * @pad2: must be zero
 *
 * The GPU reaches memory only through its page table. A fault-capable GPU
 * takes a page fault on a missing or read-only entry, asks the coordinator
 * and retries; a GPU that cannot fault fails with EFAULT. While the
 * coordinator keeps the GPU's queues quiesced, the access waits for them to
 * resume (EBUSY after 10 s, EINTR on a signal). EIO: the IOMMU refused an
 * entry's DMA address, or the coordinator could not copy the data out of
 * device memory to serve the fault (where the CPU would get SIGBUS).
 */
struct drm_vsvm_access {
	__u64 addr;
	__u64 size;
	__u64 data;
	__u32 op;
	__u32 pad;
	__u64 value;
	__u32 faults;
	__u32 pad2;
};

#define DRM_VSVM_ACCESS_READ	0
#define DRM_VSVM_ACCESS_WRITE	1
#define DRM_VSVM_ACCESS_ADD32	2

/* Counters of DRM_IOCTL_VSVM_STATS, the coordinator's in this order. */
#define DRM_VSVM_STAT_NOTIFIERS			0
#define DRM_VSVM_STAT_NOTIFIERS_REMOVED		1
#define DRM_VSVM_STAT_RANGES			2
#define DRM_VSVM_STAT_RANGES_DESTROYED		3
#define DRM_VSVM_STAT_HMM_FAULTS		4
#define DRM_VSVM_STAT_HMM_PAGES			5
#define DRM_VSVM_STAT_INVALIDATIONS		6
#define DRM_VSVM_STAT_ZAPS			7
#define DRM_VSVM_STAT_TLB_WAITS			8
#define DRM_VSVM_STAT_FAULTS			9
#define DRM_VSVM_STAT_MAPS			10
#define DRM_VSVM_STAT_DMA_MAPS			11
#define DRM_VSVM_STAT_RETRIES			12
#define DRM_VSVM_STAT_GC_RUNS			13
#define DRM_VSVM_STAT_RESTORE_RUNS		14
#define DRM_VSVM_STAT_SPLITS			15
#define DRM_VSVM_STAT_QUIESCES			16
#define DRM_VSVM_STAT_RESUMES			17
#define DRM_VSVM_STAT_RESTORE_FAILURES		18
#define DRM_VSVM_STAT_MIGRATIONS		19
#define DRM_VSVM_STAT_MIGRATED_PAGES		20
#define DRM_VSVM_STAT_MIGRATION_FAILURES	21
#define DRM_VSVM_STAT_REMOTE_MAPS		22
#define DRM_VSVM_STAT_THRASH_THROTTLES		23
#define DRM_VSVM_STAT_THRASH_PINS		24
#define DRM_VSVM_STAT_EVICTIONS_PEER		25
#define DRM_VSVM_STAT_EVICTIONS_RAM		26
#define DRM_VSVM_STAT_UNMAP_FAILURES		27
#define DRM_VSVM_STAT_NUM			28
/* Room in &struct drm_vsvm_stats: counters may be added up to this. */
#define DRM_VSVM_STAT_MAX			32

/**
 * struct drm_vsvm_stats - DRM_IOCTL_VSVM_STATS
 * @flags: DRM_VSVM_STATS_FLUSH: first wait until the coordinator's garbage
 *	collector and restore worker are idle (EINTR, nothing read or reset,
 *	on a fatal signal); DRM_VSVM_STATS_RESET: zero the
 *	counters of the coordinator and of all its GPUs after reading them
 * @pad: must be zero
 * @mgr: out: the coordinator's counters (DRM_VSVM_STAT_*; entries from
 *	DRM_VSVM_STAT_NUM on are zero)
 * @gpu: out: this GPU's counters (DRM_VSVM_STAT_*)
 * @fatal_faults: out: accesses this GPU failed for want of a mapping it
 *	could not fault in
 * @manager: in: must be zero; out: the number of the coordinator's manager
 *	of the process, its directory in debugfs (drm_svm_coord/<manager>/,
 *	the manager's settings); 0 in baseline mode
 * @tlb_stale_hits: out: accesses of this file served by a GPU TLB entry
 *	that the page table no longer held (an invalidation in flight)
 * @iommu_faults: out: accesses of this GPU, by any file or its copy
 *	engine, to a DMA address that did not translate, since boot; never
 *	reset
 * @iommu: out: 1 when this GPU's DMA goes through a translating IOMMU
 * @pad2: out: zero
 */
struct drm_vsvm_stats {
	__u32 flags;
	__u32 pad;
	__u64 mgr[DRM_VSVM_STAT_MAX];
	__u64 gpu[DRM_VSVM_STAT_MAX];
	__u64 fatal_faults;
	__u64 manager;
	__u64 tlb_stale_hits;
	__u64 iommu_faults;
	__u32 iommu;
	__u32 pad2;
};

#define DRM_VSVM_STATS_RESET	(1 << 0)
#define DRM_VSVM_STATS_FLUSH	(1 << 1)

/**
 * struct drm_vsvm_pt_snapshot - DRM_IOCTL_VSVM_PT_SNAPSHOT
 * @addr: first address, page aligned
 * @npages: number of pages, 1 to 65536
 * @entries: pointer to @npages bytes, each receiving DRM_VSVM_PTE_*
 */
struct drm_vsvm_pt_snapshot {
	__u64 addr;
	__u64 npages;
	__u64 entries;
};

#define DRM_VSVM_PTE_VALID		(1 << 0)
#define DRM_VSVM_PTE_WRITE		(1 << 1)
#define DRM_VSVM_PTE_TARGET_MASK	(3 << 2)
#define DRM_VSVM_PTE_TARGET_SYSTEM	(0 << 2)
#define DRM_VSVM_PTE_TARGET_VRAM	(1 << 2)
#define DRM_VSVM_PTE_TARGET_PEER_VRAM	(2 << 2)
#define DRM_VSVM_PTE_EXEC		(1 << 4)
#define DRM_VSVM_PTE_COHERENT		(1 << 5)

/**
 * struct drm_vsvm_pt_verify - DRM_IOCTL_VSVM_PT_VERIFY: check the GPU's
 * page table against the CPU's and the coordinator's
 * @addr: first address, page aligned
 * @npages: number of pages, 1 to 65536
 * @flags: zero
 * @pad: zero
 * @valid: out: entries the GPU has in the pages
 * @uncovered: out: entries of addresses that no range of the coordinator
 *	maps for this GPU (coordinator mode only)
 * @stale: out: entries that point to another page than the one the CPU
 *	maps at their address now, or where the CPU maps none
 * @excess_write: out: writable entries of pages the CPU maps read-only
 * @first_bad: out: the first address with an uncovered, stale or
 *	excess-write entry, 0 if none
 *
 * Every entry a GPU holds must map the page the CPU maps at that address,
 * with no more permission than the CPU has, and belong to a range the
 * coordinator tracks for the GPU: anything else lets the GPU reach memory
 * the process no longer owns. The check reads the CPU's page table without
 * faulting (hmm_range_fault() without a fault request); it is meant for a
 * settled state (after DRM_VSVM_STATS_FLUSH). It retries while
 * invalidations race with it, and counts an entry as bad only if the
 * CPU's page table, the GPU's entries and its zaps did not change while
 * the entry was checked (khugepaged may invalidate pages of an idle
 * process at any time); EBUSY when they kept changing, EINTR on a fatal
 * signal. On any error every count is 0.
 */
struct drm_vsvm_pt_verify {
	__u64 addr;
	__u64 npages;
	__u32 flags;
	__u32 pad;
	__u64 valid;
	__u64 uncovered;
	__u64 stale;
	__u64 excess_write;
	__u64 first_bad;
};

/**
 * struct drm_vsvm_map - DRM_IOCTL_VSVM_MAP: map addresses ahead of use
 * @start: first address, page aligned
 * @size: size in bytes, page aligned, not zero
 */
struct drm_vsvm_map {
	__u64 start;
	__u64 size;
};

/**
 * struct drm_vsvm_vram - DRM_IOCTL_VSVM_VRAM: the GPU's device memory
 * @size: out: bytes of VRAM (0: the GPU has none, see vsvm.vram_mb)
 * @used: out: bytes allocated
 * @to_vram: out: bytes the copy engine moved into this VRAM from system
 *	memory
 * @to_ram: out: bytes moved out of this VRAM to system memory
 * @from_peer: out: bytes moved into this VRAM from a peer's VRAM directly
 * @group: out: the GPUs that reach each other's VRAM form a group, named
 *	after its lowest GPU number; ~0 without VRAM
 * @pad: zero
 *
 * Counters only grow; the file need not be attached.
 */
struct drm_vsvm_vram {
	__u64 size;
	__u64 used;
	__u64 to_vram;
	__u64 to_ram;
	__u64 from_peer;
	__u32 group;
	__u32 pad;
};

/* Moves DRM_IOCTL_VSVM_RANGE_INFO reports, the coordinator's history. */
#define DRM_VSVM_HISTORY	8

/**
 * struct drm_vsvm_range_move - one move of a range's data
 * @time_ns: when it ended (CLOCK_MONOTONIC)
 * @cost_ns: how long it took
 * @from: where the data was: a GPU index or DRM_VSVM_LOC_SYSMEM
 * @to: where it went
 * @gpu: the GPU whose fault or map asked for it (coordinator index), or
 *	64 for a prefetch or an eviction
 * @rule: DRM_VSVM_RULE_* that decided it, DRM_VSVM_RULE_NONE for an
 *	eviction
 * @evicted: 1 if the move made room in the VRAM at @from
 * @thrash: DRM_VSVM_THRASH_* of the range after the move
 * @pad: zero
 */
struct drm_vsvm_range_move {
	__u64 time_ns;
	__u64 cost_ns;
	__u32 from;
	__u32 to;
	__u8 gpu;
	__u8 rule;
	__u8 evicted;
	__u8 thrash;
	__u32 pad;
};

/**
 * struct drm_vsvm_range_info - DRM_IOCTL_VSVM_RANGE_INFO: where the data of
 * the coordinator's range holding an address is, and why
 * @addr: in: an address of the range
 * @start: out: first address of the range
 * @end: out: end of the range (exclusive)
 * @loc: out: where the data was at the last fault or move: a GPU index
 *	(its VRAM) or DRM_VSVM_LOC_SYSMEM, read again first after a move the
 *	coordinator did not make (DRM_IOCTL_VSVM_VRAM_EVICT, a CPU fault);
 *	DRM_VSVM_LOC_UNDEFINED while the range has not looked yet,
 *	DRM_VSVM_LOC_MIXED for several VRAMs
 * @rule: out: DRM_VSVM_RULE_*, the rule of the last placement decision
 * @thrash: out: DRM_VSVM_THRASH_*
 * @pin_loc: out: the pinned location while DRM_VSVM_THRASH_PINNED
 * @migrations: out: moves of the range
 * @throttles: out: times it was throttled
 * @pins: out: times it was pinned
 * @evictions: out: times it was evicted from a full VRAM
 * @cost_ns: out: moving average of the duration of its moves
 * @window_ns: out: its thrash window now
 * @quiet_ns: out: its quiet period now
 * @mapped: out: mask of the GPUs (coordinator indices) that map it
 * @nr_history: out: entries of @history
 * @pad: zero
 * @history: out: the range's last moves, oldest first
 *
 * ENOENT when no range holds @addr (nothing faulted it yet, or it was
 * retired).
 */
struct drm_vsvm_range_info {
	__u64 addr;
	__u64 start;
	__u64 end;
	__u32 loc;
	__u32 rule;
	__u32 thrash;
	__u32 pin_loc;
	__u32 migrations;
	__u32 throttles;
	__u32 pins;
	__u32 evictions;
	__u64 cost_ns;
	__u64 window_ns;
	__u64 quiet_ns;
	__u64 mapped;
	__u32 nr_history;
	__u32 pad;
	struct drm_vsvm_range_move history[DRM_VSVM_HISTORY];
};

/* Rules of the coordinator's residency policy, in the order they apply. */
#define DRM_VSVM_RULE_NO_ACCESS		0
#define DRM_VSVM_RULE_RESTORE		1
#define DRM_VSVM_RULE_PREFETCH		2
#define DRM_VSVM_RULE_IN_PLACE		3
#define DRM_VSVM_RULE_PINNED		4
#define DRM_VSVM_RULE_PREFERRED		5
#define DRM_VSVM_RULE_THROTTLED		6
#define DRM_VSVM_RULE_LOCAL		7
#define DRM_VSVM_RULE_STAY		8
#define DRM_VSVM_RULE_UNREACHABLE	9
#define DRM_VSVM_RULE_NONE		10	/* never decided */

/**
 * struct drm_vsvm_pt_drop - DRM_IOCTL_VSVM_PT_DROP: lose page-table entries
 * @addr: first address, page aligned
 * @size: bytes, page aligned, 4 KiB to 256 MiB
 * @flags: zero
 * @pad: zero
 *
 * The GPU loses its entries of the addresses behind the coordinator's
 * back, as page tables evicted, a VM rebound or a reset would lose them:
 * they are cleared, its TLB invalidated, and the loss reported to the
 * coordinator (drm_svm_coord_vm_lost()), unless the module parameter
 * ``lost_unreported`` is set, a backend that forgets to, for tests to
 * show that they catch it. Coordinator mode only (EOPNOTSUPP in the
 * baseline mode).
 */
struct drm_vsvm_pt_drop {
	__u64 addr;
	__u64 size;
	__u32 flags;
	__u32 pad;
};

#define DRM_VSVM_THRASH_NORMAL		0
#define DRM_VSVM_THRASH_THROTTLED	1
#define DRM_VSVM_THRASH_PINNED		2

/**
 * struct drm_vsvm_vram_evict - DRM_IOCTL_VSVM_VRAM_EVICT: the GPU evicts its
 * VRAM on its own
 * @flags: must be zero
 * @pad: must be zero
 * @evicted: out: allocations moved to system memory
 * @bytes: out: their size in bytes
 * @failed: out: allocations that stayed: a migration was filling or
 *	emptying them, or the process they back is gone
 *
 * Every allocation of this GPU's VRAM, whatever process it backs, goes to
 * system memory the way a driver's memory manager evicts a buffer object
 * under memory pressure, on suspend or on device removal:
 * drm_pagemap_evict_to_ram(), behind the coordinator's back, which learns
 * of it from its MMU notifier only. DRM_IOCTL_VSVM_VRAM counts the bytes
 * moved in &drm_vsvm_vram.to_ram, and they leave &drm_vsvm_vram.used. The
 * file need not be attached.
 * EINVAL for nonzero @flags or @pad, ENODEV for a GPU without VRAM.
 */
struct drm_vsvm_vram_evict {
	__u32 flags;
	__u32 pad;
	__u64 evicted;
	__u64 bytes;
	__u64 failed;
};

#define DRM_IOCTL_VSVM_INFO \
	DRM_IOR(DRM_COMMAND_BASE + DRM_VSVM_INFO, struct drm_vsvm_info)
#define DRM_IOCTL_VSVM_ATTACH \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_ATTACH, struct drm_vsvm_attach)
#define DRM_IOCTL_VSVM_SET_ATTR \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_SET_ATTR, struct drm_vsvm_attrs)
#define DRM_IOCTL_VSVM_GET_ATTR \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_GET_ATTR, struct drm_vsvm_attrs)
#define DRM_IOCTL_VSVM_ACCESS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_ACCESS, struct drm_vsvm_access)
#define DRM_IOCTL_VSVM_STATS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_STATS, struct drm_vsvm_stats)
#define DRM_IOCTL_VSVM_VRAM \
	DRM_IOR(DRM_COMMAND_BASE + DRM_VSVM_VRAM, struct drm_vsvm_vram)
#define DRM_IOCTL_VSVM_RANGE_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_RANGE_INFO, \
		 struct drm_vsvm_range_info)
#define DRM_IOCTL_VSVM_PT_SNAPSHOT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_PT_SNAPSHOT, \
		struct drm_vsvm_pt_snapshot)
#define DRM_IOCTL_VSVM_MAP \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_MAP, struct drm_vsvm_map)
#define DRM_IOCTL_VSVM_PT_VERIFY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_PT_VERIFY, \
		 struct drm_vsvm_pt_verify)
#define DRM_IOCTL_VSVM_PT_DROP \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_PT_DROP, struct drm_vsvm_pt_drop)
#define DRM_IOCTL_VSVM_VRAM_EVICT \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_VRAM_EVICT, \
		 struct drm_vsvm_vram_evict)

#if defined(__cplusplus)
}
#endif

#endif /* __UAPI_VSVM_DRM_H__ */
