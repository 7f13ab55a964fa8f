/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#ifndef __DRM_SVM_COORD_H__
#define __DRM_SVM_COORD_H__

#include <linux/bits.h>
#include <linux/sizes.h>
#include <linux/types.h>

struct drm_device;
struct drm_pagemap;
struct drm_pagemap_addr;
struct drm_pagemap_devmem;
struct drm_svm_coord;
struct drm_svm_coord_vm;
struct mm_struct;

/** DRM_SVM_COORD_MAX_VMS - GPU VMs one manager can serve (bits of a u64) */
#define DRM_SVM_COORD_MAX_VMS		64

/**
 * DRM_SVM_COORD_RANGE_MAX - the largest range, in bytes
 *
 * No range is larger, so no &drm_svm_coord_ops.prepare, &drm_svm_coord_ops.map
 * or &drm_svm_coord_ops.unmap call spans more, and the DMA addresses of a
 * map (&drm_svm_coord_map_args.dma) are at most this many bytes' pages: a
 * backend that must not allocate in &drm_svm_coord_ops.map can size its
 * scratch space at attach time.
 */
#define DRM_SVM_COORD_RANGE_MAX		SZ_2M

/**
 * DOC: Attachments
 *
 * A GPU VM joins a manager through a &struct drm_svm_coord_vm that the
 * coordinator allocates in drm_svm_coord_attach() and frees at the end of
 * drm_svm_coord_detach(). The driver holds an opaque pointer: its own data
 * hangs off it (the last argument of drm_svm_coord_attach(), given back by
 * drm_svm_coord_vm_priv()), and drm_svm_coord_vm_manager() and
 * drm_svm_coord_vm_index() give the manager and the GPU's index. This is
 * unlike &struct drm_gpusvm and &struct drm_gpuvm, which a driver embeds in
 * its own VM structure. The reasons lie in who uses the attachment and in
 * when it may go.
 *
 * The attachment is not the driver's alone. Beside the operations table
 * and a copy of the capabilities, it holds the GPU's index, its reference
 * on the manager and its counters. The manager lists it in a table of GPUs
 * by index (&drm_svm_coord.vms) and reaches it from there, in contexts the
 * driver neither sees nor orders:
 *
 * - the MMU notifier callback, for each GPU set in the mapped mask of a
 *   range it invalidates (unmap, TLB wait, quiesce), under the notifier
 *   lock alone;
 * - the garbage collector, which zaps the ranges it destroys under the
 *   tree lock and the notifier lock, without the manager lock;
 * - the restore worker, which maps and resumes GPUs that cannot fault,
 *   under the manager lock held for reading;
 * - the faults, maps and prefetches of the other GPUs, which read its
 *   capabilities to know which VRAMs exist and who reaches them, and call
 *   its &drm_svm_coord_ops.devmem_alloc to move or evict data into its
 *   VRAM;
 * - drm_svm_coord_reset_stats(), called for the manager, which zeroes the
 *   counters of every GPU in the table.
 *
 * So detaching is more than unlinking, and the coordinator decides when
 * the memory may go. drm_svm_coord_detach() takes the manager lock for
 * writing, so that no fault, map, attribute change or restore of any GPU
 * runs meanwhile. Unless the process is exiting, it moves the process's
 * data out of the GPU's VRAM. Then, range by range under the range's
 * mutex, it zaps the GPU's entries, waits for its TLB and frees its DMA
 * mappings; waits on every notifier for invalidations in flight, which may
 * still be about to call the GPU's operations; forgets the GPU in its
 * VRAM's LRU, the restore list and the attributes; resumes the GPU if the
 * coordinator had quiesced it; clears its bits and its slot in the table;
 * and, for the last GPU, destroys every range and notifier and stops the
 * workers. Only then, after dropping the GPU's reference on the manager,
 * does it free the attachment. Were the attachment embedded in the
 * driver's VM, the manager's table would point into the driver's memory:
 * a VM freed before that sequence ended, or without it on an error path,
 * would have the next invalidation of a range the GPU maps read the
 * operations table, the index and the counters from freed memory, and
 * drm_svm_coord_reset_stats() write into it.
 *
 * The opaque form does not make such a driver correct: the operations look
 * the driver's data up through the attachment, so the data behind
 * drm_svm_coord_vm_priv(), the page tables the operations write, the
 * &struct drm_device the DMA mappings are made for and the GPU's
 * &struct drm_pagemap must stay until drm_svm_coord_detach() returns, and
 * a driver that frees them early is still broken. What it gives is that
 * the coordinator's own state never lives in memory the driver frees, that
 * detaching and freeing are one call whose order the coordinator controls,
 * and that the layout stays private to the coordinator, which can change
 * it without touching drivers.
 *
 * Embedding is possible. A driver would embed &struct drm_svm_coord_vm in
 * its VM and call drm_svm_coord_vm_init(vm, mm, drm, ops, caps) and
 * drm_svm_coord_vm_fini(vm), doing what attach and detach do without the
 * allocation and the free; drm_svm_coord_vm_priv() would give way to
 * container_of(). It would require moving the structure to this public
 * header, its fields documented as private but
 * compiled into every driver; the rule that drm_svm_coord_vm_fini() has
 * returned before the containing structure is freed, on the error paths
 * of VM creation and in reference-counted release paths as well, from a
 * context that may sleep, take the manager lock for writing and take the
 * mmap lock (detach moves data out of VRAM through hmm_range_fault()); and
 * a check that catches a structure freed while still in a manager's table.
 * The opaque form is kept for this version: it costs one allocation per
 * GPU VM and one pointer load per operation, and it keeps the lifetime
 * rules of the attachment in one place.
 */

/**
 * DOC: Examples
 *
 * This section shows the five things a driver writes to use the
 * coordinator: its backend operations, the attachment of a GPU VM, the GPU
 * page-fault handler, mapping ahead of use for a GPU that cannot fault, and
 * the page-table updates behind &drm_svm_coord_ops.map and
 * &drm_svm_coord_ops.unmap. Unlike with &struct drm_gpusvm, there is no
 * notifier callback, garbage collector, range tree or migration policy to
 * write: the manager keeps them once for every GPU of the process. The
 * shapes follow vsvm (drivers/gpu/drm/vsvm/), the coordinator's first user;
 * the functions whose names start with ``driver`` stand for the driver's
 * own code.
 *
 * 1) Backend operations
 *
 * &drm_svm_coord_ops.map and &drm_svm_coord_ops.unmap are mandatory. A GPU
 * attached without %DRM_SVM_COORD_VM_CAN_FAULT also needs
 * &drm_svm_coord_ops.quiesce and &drm_svm_coord_ops.resume, and a GPU with
 * VRAM needs &drm_svm_coord_ops.devmem_alloc and a device-private page
 * owner: drm_svm_coord_attach() refuses a table without them.
 * &drm_svm_coord_ops.prepare, &drm_svm_coord_ops.map_sync and
 * &drm_svm_coord_ops.tlb_flush_wait are optional. The table is kept by
 * reference. Every operation gets the attachment, and
 * drm_svm_coord_vm_priv() gives back the driver's data.
 *
 * .. code-block:: c
 *
 *	struct driver_vm {
 *		struct drm_svm_coord_vm *coord;	// the attachment
 *		struct driver_gpu *gpu;
 *		struct driver_pt pt;		// the GPU page table
 *		spinlock_t pt_lock;		// protects its entries
 *		struct mutex queue_lock;	// protects quiesced
 *		unsigned int quiesced;		// quiesce nesting
 *		u64 tlb_seqno;			// last TLB invalidation
 *	};
 *
 *	static struct driver_vm *to_driver_vm(struct drm_svm_coord_vm *coord)
 *	{
 *		return drm_svm_coord_vm_priv(coord);
 *	}
 *
 *	static const struct drm_svm_coord_ops driver_svm_ops = {
 *		.prepare	= driver_svm_prepare,		// optional
 *		.map		= driver_svm_map,
 *		.map_sync	= driver_svm_map_sync,		// optional
 *		.unmap		= driver_svm_unmap,
 *		.tlb_flush_wait	= driver_svm_tlb_flush_wait,	// optional
 *		.quiesce	= driver_svm_quiesce,		// cannot fault
 *		.resume		= driver_svm_resume,		// cannot fault
 *		.devmem_alloc	= driver_svm_devmem_alloc,	// VRAM
 *	};
 *
 * &drm_svm_coord_ops.devmem_alloc returns device memory of this GPU's VRAM,
 * set up with drm_pagemap_devmem_init(), for a range the coordinator is
 * about to move there with drm_pagemap_migrate_to_devmem(). It may be
 * called from another GPU's fault (a move into a peer's VRAM), with the
 * manager lock and the range's mutex held, so it may sleep but must not
 * call back into the coordinator. It returns ERR_PTR(-ENOMEM), having
 * moved nothing, when the VRAM has no room: that is what makes the
 * coordinator evict from it and ask again (see Eviction).
 *
 * .. code-block:: c
 *
 *	static struct drm_pagemap_devmem *
 *	driver_svm_devmem_alloc(struct drm_svm_coord_vm *coord,
 *				struct mm_struct *mm, unsigned long size)
 *	{
 *		struct driver_gpu *gpu = to_driver_vm(coord)->gpu;
 *		struct driver_vram_block *blk;
 *
 *		blk = driver_vram_alloc(gpu, size);
 *		if (!blk)
 *			return ERR_PTR(-ENOMEM);	// full: evict, retry
 *		drm_pagemap_devmem_init(&blk->devmem, gpu->drm.dev, mm,
 *					&driver_devmem_ops, gpu->dpagemap,
 *					size, NULL);
 *		return &blk->devmem;
 *	}
 *
 * &drm_svm_coord_ops.quiesce runs from the MMU notifier, in reclaim
 * context, before the entries of a GPU that cannot fault are cleared;
 * &drm_svm_coord_ops.resume runs from the manager's restore worker once
 * the GPU has its entries back (see Restore). A quiesce may come before
 * the resume of the previous one, so the driver counts them.
 *
 * .. code-block:: c
 *
 *	static void driver_svm_quiesce(struct drm_svm_coord_vm *coord)
 *	{
 *		struct driver_vm *vm = to_driver_vm(coord);
 *
 *		mutex_lock(&vm->queue_lock);	// never held to allocate
 *		if (!vm->quiesced++)
 *			driver_queues_stop(vm);	// allocates nothing
 *		mutex_unlock(&vm->queue_lock);
 *	}
 *
 *	static void driver_svm_resume(struct drm_svm_coord_vm *coord)
 *	{
 *		struct driver_vm *vm = to_driver_vm(coord);
 *
 *		mutex_lock(&vm->queue_lock);
 *		if (!--vm->quiesced)
 *			driver_queues_start(vm);
 *		mutex_unlock(&vm->queue_lock);
 *	}
 *
 * 2) Attaching and detaching a GPU VM
 *
 * A GPU VM that mirrors the process's address space attaches when it is
 * created, from process context, without the mmap lock held. The
 * capabilities are copied; the last argument is the driver's data.
 * drm_svm_coord_attach() fails with -EINVAL for a table or capabilities it
 * refuses, -ENOSPC when %DRM_SVM_COORD_MAX_VMS GPU VMs are attached to the
 * process, -ESRCH when the process is exiting, or -ENOMEM.
 *
 * .. code-block:: c
 *
 *	int driver_vm_init_svm(struct driver_vm *vm)
 *	{
 *		struct drm_svm_coord_vm_caps caps = {
 *			.flags = vm->gpu->can_fault ?
 *				 DRM_SVM_COORD_VM_CAN_FAULT : 0,
 *			.dpagemap = vm->gpu->dpagemap,	// NULL: no VRAM
 *			.pagemap_owner = vm->gpu->pagemap_owner,
 *		};
 *		struct drm_svm_coord_vm *coord;
 *
 *		coord = drm_svm_coord_attach(current->mm, &vm->gpu->drm,
 *					     &driver_svm_ops, &caps, vm);
 *		if (IS_ERR(coord))
 *			return PTR_ERR(coord);
 *		vm->coord = coord;
 *		return 0;
 *	}
 *
 *	void driver_vm_fini_svm(struct driver_vm *vm)
 *	{
 *		// First: operations run until it returns, and it moves
 *		// the process's data out of this GPU's VRAM.
 *		drm_svm_coord_detach(vm->coord);
 *		vm->coord = NULL;
 *	}
 *
 * drm_svm_coord_detach() may sleep and must be called without the mmap
 * lock held. It zaps the GPU's entries, frees its DMA mappings and waits
 * for the invalidations in flight: once it returns, no operation is called
 * for the GPU any more, and the coordinator needs neither the page table,
 * nor the driver's data, nor the &struct drm_device, nor the GPU's
 * &struct drm_pagemap. Unless the process is exiting, it first moves the
 * data the process keeps in the GPU's VRAM to system memory.
 *
 * 3) GPU page-fault handler
 *
 * A GPU attached with %DRM_SVM_COORD_VM_CAN_FAULT is mapped on demand. Its
 * fault handler runs in process or worker context, without the mmap lock
 * and without any lock its operations take, since the coordinator calls
 * them from within drm_svm_coord_handle_fault(). One call serves the range
 * holding the address: it finds or creates the range, places its data,
 * faults its pages once for all GPUs unless they are current, DMA-maps them
 * for this GPU and writes its entries through &drm_svm_coord_ops.map.
 * Handlers of several GPUs may run at once; the coordinator serializes
 * those that meet on one range.
 *
 * .. code-block:: c
 *
 *	void driver_gpu_fault_work(struct work_struct *work)
 *	{
 *		struct driver_fault *f = container_of(work, typeof(*f), work);
 *		int err;
 *
 *		err = drm_svm_coord_handle_fault(f->vm->coord, f->addr,
 *						 f->write);
 *		if (!err)		// entries written, or already there
 *			driver_fault_replay(f);
 *		else if (err == -EBUSY && f->retries++ < DRIVER_FAULT_RETRIES)
 *			queue_work(f->vm->fault_wq, &f->work);	// raced
 *		else			// -EPERM, -EFAULT, -ENOMEM, ...
 *			driver_fault_cancel(f, err);	// a bad access
 *	}
 *
 * 0 means the GPU has entries for the address, writable if the access was
 * a write; the access can be replayed. -EPERM means the attributes deny
 * this GPU the address (%DRM_SVM_COORD_ATTR_NO_ACCESS), or the access was
 * a write to a read-only VMA or to a range with
 * %DRM_SVM_COORD_FLAG_GPU_RO; -EFAULT, that the CPU maps nothing there or
 * the process is exiting: both are the GPU's equivalent of a segmentation
 * fault. -EIO means the data could not be copied out of device memory
 * (where the CPU gets SIGBUS); the fault may be tried again. -EBUSY means
 * that invalidations kept racing with the fault for
 * %HMM_RANGE_DEFAULT_TIMEOUT without it moving the data or completing
 * faults meanwhile, or that the data moved four times and the fault had
 * to start over once more; the fault may be tried again. Anything else
 * (-ENOMEM, -EINTR on a fatal signal, an error of the DMA mapping or of
 * the driver's operations) fails the access. -EAGAIN is never returned:
 * the coordinator retries races itself.
 *
 * 4) A GPU that cannot fault
 *
 * A GPU attached without %DRM_SVM_COORD_VM_CAN_FAULT must find its entries
 * in place before it runs. Granting it access with drm_svm_coord_set_attr()
 * maps it at once wherever its access changed: every page of the interval
 * that a VMA covers, populated or not, skipping addresses without a VMA or
 * that the GPU may not access. drm_svm_coord_map() maps an interval
 * without touching the attributes, and stops at the first address it
 * cannot map (-EFAULT where no VMA is, -EIO where the data could not be
 * copied out of device memory); what it mapped stays mapped. Both
 * fault the pages in, so both are called without the mmap lock held.
 *
 * .. code-block:: c
 *
 *	int driver_svm_bind(struct driver_vm *vm, unsigned long start,
 *			    unsigned long size)
 *	{
 *		struct drm_svm_coord *svm = drm_svm_coord_vm_manager(vm->coord);
 *		struct drm_svm_coord_attr attr = {
 *			.type = DRM_SVM_COORD_ATTR_ACCESS,
 *			.value = drm_svm_coord_vm_index(vm->coord),
 *		};
 *
 *		// Maps [start, start + size) now if access was not granted.
 *		return drm_svm_coord_set_attr(svm, start, size, &attr, 1,
 *					      NULL);
 *	}
 *
 *	// Or, to map it without changing the attributes:
 *	err = drm_svm_coord_map(vm->coord, start, size);
 *
 * From then on the coordinator keeps the entries: an invalidation other
 * than an unmap quiesces the GPU before its entries go, and the restore
 * worker maps the range again and resumes the GPU. After munmap() there is
 * nothing to restore; memory mapped at those addresses later is mapped for
 * the GPU by a new drm_svm_coord_map(). The driver runs the GPU's queues
 * only while its quiesce count is zero.
 *
 * 5) Writing and zapping page-table entries
 *
 * &drm_svm_coord_ops.prepare runs first, with neither the notifier lock
 * nor the mmap lock held: it allocates the page-table levels of the range
 * with GFP_KERNEL. &drm_svm_coord_ops.map then runs under the notifier lock
 * held for reading, after the coordinator checked the notifier sequence:
 * the pages cannot be invalidated before it returns, but it must not
 * allocate memory that can enter reclaim nor wait for the GPU. It writes
 * the entries from &drm_svm_coord_map_args.dma, one address per 1 << order
 * pages, writable unless %DRM_SVM_COORD_MAP_READ_ONLY is set, executable
 * with %DRM_SVM_COORD_MAP_EXEC, of the coherent memory type with
 * %DRM_SVM_COORD_MAP_COHERENT; new entries need no TLB invalidation. It is
 * called again over read-only entries, with %DRM_SVM_COORD_MAP_UPGRADE, to
 * make them writable. If it fails, the coordinator does not count the
 * GPU as mapping the range and will not zap it there, so it must leave no
 * entry behind; a failed upgrade may leave the read-only entries, which
 * the coordinator then zaps.
 *
 * .. code-block:: c
 *
 *	static int driver_svm_prepare(struct drm_svm_coord_vm *coord,
 *				      unsigned long start, unsigned long end)
 *	{
 *		return driver_pt_alloc(&to_driver_vm(coord)->pt, start, end,
 *				       GFP_KERNEL);
 *	}
 *
 *	static int driver_svm_map(struct drm_svm_coord_vm *coord,
 *				  const struct drm_svm_coord_map_args *args)
 *	{
 *		struct driver_vm *vm = to_driver_vm(coord);
 *		const struct drm_pagemap_addr *dma = args->dma;
 *		u64 pte = DRIVER_PTE_VALID;
 *		unsigned long addr;
 *
 *		if (!(args->flags & DRM_SVM_COORD_MAP_READ_ONLY))
 *			pte |= DRIVER_PTE_WRITE;
 *		if (args->flags & DRM_SVM_COORD_MAP_DEVMEM)
 *			pte |= DRIVER_PTE_DEVMEM;
 *		spin_lock(&vm->pt_lock);
 *		for (addr = args->start; addr < args->end; dma++) {
 *			driver_pt_set(&vm->pt, addr, dma->addr, dma->order,
 *				      pte);
 *			addr += PAGE_SIZE << dma->order;
 *		}
 *		spin_unlock(&vm->pt_lock);
 *		return 0;	// prepare allocated every level
 *	}
 *
 * &drm_svm_coord_ops.unmap runs from the MMU notifier, in reclaim context
 * with the notifier lock held for writing, and from teardown. It is asked
 * for a whole range or a part of one that cuts no entry the backend may
 * have used (&drm_svm_coord_vm_caps.pte_sizes). It clears the
 * entries and issues the TLB invalidation without waiting for it;
 * &drm_svm_coord_ops.tlb_flush_wait waits, once per GPU, after every GPU's
 * unmap was issued. Neither may allocate memory that can enter reclaim. A
 * backend whose unmap completes the invalidation itself leaves
 * tlb_flush_wait NULL. The page-table lock nests inside the
 * coordinator's notifier lock: the driver must not call into the
 * coordinator while holding it. An unmap that fails (a page-table update
 * that could not be made) returns an error: the coordinator quiesces the
 * GPU and retries later (see &drm_svm_coord_ops.unmap).
 *
 * .. code-block:: c
 *
 *	static int driver_svm_unmap(struct drm_svm_coord_vm *coord,
 *				    unsigned long start, unsigned long end)
 *	{
 *		struct driver_vm *vm = to_driver_vm(coord);
 *		int err;
 *
 *		spin_lock(&vm->pt_lock);
 *		err = driver_pt_clear(&vm->pt, start, end);
 *		spin_unlock(&vm->pt_lock);
 *		if (err)
 *			return err;	// entries may be left: retried
 *		vm->tlb_seqno = driver_tlb_inval(vm->gpu, start, end);
 *		return 0;
 *	}
 *
 *	static void driver_svm_tlb_flush_wait(struct drm_svm_coord_vm *coord)
 *	{
 *		struct driver_vm *vm = to_driver_vm(coord);
 *
 *		driver_tlb_inval_wait(vm->gpu, vm->tlb_seqno);
 *	}
 */

/**
 * DOC: Locations
 *
 * A location names where the pages of a range should live or be fetched
 * to: a GPU index (0 to %DRM_SVM_COORD_MAX_VMS - 1) for that GPU's VRAM,
 * %DRM_SVM_COORD_LOC_SYSMEM for system memory, or
 * %DRM_SVM_COORD_LOC_UNDEFINED for no preference. drm_svm_coord_get_attr()
 * reports %DRM_SVM_COORD_LOC_MIXED when the queried range holds different
 * locations; MIXED is never accepted as input.
 */
#define DRM_SVM_COORD_LOC_UNDEFINED	0xffffffffu
#define DRM_SVM_COORD_LOC_SYSMEM	0xfffffffeu
#define DRM_SVM_COORD_LOC_MIXED		0xfffffffdu

/**
 * enum drm_svm_coord_attr_type - attribute types of drm_svm_coord_set_attr()
 * @DRM_SVM_COORD_ATTR_PREFERRED_LOC: value is a location (see Locations)
 * @DRM_SVM_COORD_ATTR_PREFETCH_LOC: value is a location; a defined one asks
 *	for the range to be moved there now
 * @DRM_SVM_COORD_ATTR_ACCESS: value is a GPU index; that GPU may map the
 *	range, and the pages may be migrated to where it needs them
 * @DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE: value is a GPU index; that GPU maps
 *	the range wherever it is, without migrating it
 * @DRM_SVM_COORD_ATTR_NO_ACCESS: value is a GPU index; that GPU must not
 *	map the range
 * @DRM_SVM_COORD_ATTR_ACCESS_DEFAULT: value is a GPU index; that GPU goes
 *	back to the default access policy (see Attributes)
 * @DRM_SVM_COORD_ATTR_SET_FLAGS: value is a mask of DRM_SVM_COORD_FLAG_*
 *	to set; drm_svm_coord_get_attr() returns the flags set on all of the
 *	range
 * @DRM_SVM_COORD_ATTR_CLR_FLAGS: value is a mask of DRM_SVM_COORD_FLAG_*
 *	to clear; drm_svm_coord_get_attr() returns the flags clear on all of
 *	the range
 * @DRM_SVM_COORD_ATTR_GRANULARITY: value is log2 of the migration and
 *	mapping granule in pages (0 to %DRM_SVM_COORD_GRANULARITY_MAX);
 *	drm_svm_coord_get_attr() returns the smallest over the range
 * @DRM_SVM_COORD_ATTR_ACCESS_MIXED: output only, in place of an access
 *	type, when the GPU's access differs within the queried range
 * @DRM_SVM_COORD_ATTR_NUM: number of types, not a type
 */
enum drm_svm_coord_attr_type {
	DRM_SVM_COORD_ATTR_PREFERRED_LOC,
	DRM_SVM_COORD_ATTR_PREFETCH_LOC,
	DRM_SVM_COORD_ATTR_ACCESS,
	DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE,
	DRM_SVM_COORD_ATTR_NO_ACCESS,
	DRM_SVM_COORD_ATTR_ACCESS_DEFAULT,
	DRM_SVM_COORD_ATTR_SET_FLAGS,
	DRM_SVM_COORD_ATTR_CLR_FLAGS,
	DRM_SVM_COORD_ATTR_GRANULARITY,
	DRM_SVM_COORD_ATTR_ACCESS_MIXED,
	DRM_SVM_COORD_ATTR_NUM,
};

/**
 * DOC: Flags
 *
 * The flags of %DRM_SVM_COORD_ATTR_SET_FLAGS and _CLR_FLAGS:
 *
 * - HOST_ACCESS: the CPU may access the data. Always so: data in VRAM is
 *   moved back to system memory when the CPU touches it. Set by default;
 *   clearing it is refused (-EINVAL).
 * - COHERENT: GPU entries use the memory type that keeps the GPU coherent
 *   with the CPU (%DRM_SVM_COORD_MAP_COHERENT). Set by default; a change
 *   rewrites the entries.
 * - GPU_RO: GPUs map the range read-only; their writes are refused.
 * - GPU_EXEC: GPU entries are executable (%DRM_SVM_COORD_MAP_EXEC).
 * - GPU_READ_MOSTLY: a hint to duplicate read-mostly data in several
 *   VRAMs. Not implemented: setting it is refused (-EINVAL) rather than
 *   ignored.
 * - GPU_ALWAYS_MAPPED: every GPU with access is mapped ahead of use, as a
 *   GPU that cannot fault is, and mapped again after invalidations and
 *   migrations by the restore worker, without being quiesced (a GPU that
 *   can fault needs no quiesce: an access that comes before the restore
 *   faults). The restore goes through the fault path and maps the data
 *   where it is (rule 2 of the residency policy), or in system memory
 *   when the GPU does not reach it; its next fault decides by the whole
 *   policy.
 */
#define DRM_SVM_COORD_FLAG_HOST_ACCESS		BIT(0)
#define DRM_SVM_COORD_FLAG_COHERENT		BIT(1)
#define DRM_SVM_COORD_FLAG_GPU_RO		BIT(2)
#define DRM_SVM_COORD_FLAG_GPU_EXEC		BIT(3)
#define DRM_SVM_COORD_FLAG_GPU_READ_MOSTLY	BIT(4)
#define DRM_SVM_COORD_FLAG_GPU_ALWAYS_MAPPED	BIT(5)
#define DRM_SVM_COORD_FLAGS_ALL			GENMASK(5, 0)

/* Default flags of addresses never set: host access and coherence. */
#define DRM_SVM_COORD_FLAGS_DEFAULT \
	(DRM_SVM_COORD_FLAG_HOST_ACCESS | DRM_SVM_COORD_FLAG_COHERENT)

/*
 * Granularity: log2 of the largest range, in pages. Ranges never exceed
 * %DRM_SVM_COORD_RANGE_MAX, so a larger granularity would mean nothing and
 * is refused.
 */
#define DRM_SVM_COORD_GRANULARITY_DEFAULT	9	/* 2 MiB with 4 KiB pages */
#define DRM_SVM_COORD_GRANULARITY_MAX		9	/* DRM_SVM_COORD_RANGE_MAX */

/**
 * struct drm_svm_coord_attr - one attribute: a type and its value
 * @type: an &enum drm_svm_coord_attr_type
 * @value: a location, a GPU index, a flag mask or a granularity
 */
struct drm_svm_coord_attr {
	u32 type;
	u32 value;
};

/**
 * struct drm_svm_coord_attrs - the attributes of one interval of addresses
 * @preferred_loc: preferred location (see Locations)
 * @prefetch_loc: prefetch location (see Locations)
 * @access: GPUs (bit = index) with %DRM_SVM_COORD_ATTR_ACCESS
 * @access_in_place: GPUs with %DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE
 * @no_access: GPUs with %DRM_SVM_COORD_ATTR_NO_ACCESS
 * @flags: DRM_SVM_COORD_FLAG_*
 * @granularity: log2 of the granule in pages
 *
 * A GPU is in at most one of @access, @access_in_place and @no_access; in
 * none of them it follows the default policy.
 */
struct drm_svm_coord_attrs {
	u32 preferred_loc;
	u32 prefetch_loc;
	u64 access;
	u64 access_in_place;
	u64 no_access;
	u32 flags;
	u8 granularity;
};

/**
 * struct drm_svm_coord_attr_summary - the attributes of a range, summed up
 * @preferred_loc: the preferred location if uniform, else
 *	%DRM_SVM_COORD_LOC_MIXED
 * @prefetch_loc: the prefetch location if uniform, else
 *	%DRM_SVM_COORD_LOC_MIXED
 * @access: GPUs with %DRM_SVM_COORD_ATTR_ACCESS over the whole range
 * @access_in_place: GPUs with %DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE over the
 *	whole range
 * @no_access: GPUs with %DRM_SVM_COORD_ATTR_NO_ACCESS over the whole range
 * @access_default: GPUs with the default policy over the whole range
 * @flags_set: flags set over the whole range
 * @flags_clear: flags clear over the whole range
 * @granularity: the smallest granularity in the range
 */
struct drm_svm_coord_attr_summary {
	u32 preferred_loc;
	u32 prefetch_loc;
	u64 access;
	u64 access_in_place;
	u64 no_access;
	u64 access_default;
	u32 flags_set;
	u32 flags_clear;
	u8 granularity;
};

/* Triggers of &struct drm_svm_coord_change. */
#define DRM_SVM_COORD_TRIGGER_MIGRATE	BIT(0)
#define DRM_SVM_COORD_TRIGGER_PREFETCH	BIT(1)

/**
 * struct drm_svm_coord_change - what drm_svm_coord_set_attr() changed
 * @start: first address of the interval
 * @end: end of the interval (exclusive)
 * @remap: GPUs whose mappings of the interval must be (re)built: access
 *	granted, or access kind or GPU permission flags changed
 * @unmap: GPUs whose mappings of the interval must go: access revoked
 *	or denied
 * @rewrite: GPUs that keep access and whose entries, if they hold any
 *	(mapped by the policy or on request), no longer match: a flag that
 *	shapes them (GPU_RO, GPU_EXEC, COHERENT) changed
 * @triggers: DRM_SVM_COORD_TRIGGER_*: the preferred location changed
 *	(MIGRATE), a prefetch location was requested (PREFETCH)
 */
struct drm_svm_coord_change {
	unsigned long start;
	unsigned long end;
	u64 remap;
	u64 unmap;
	u64 rewrite;
	u32 triggers;
};

/**
 * struct drm_svm_coord_changes - the changes of one drm_svm_coord_set_attr()
 * @count: number of entries in @items
 * @items: one entry per interval whose attributes changed, in address
 *	order; free with drm_svm_coord_changes_fini()
 */
struct drm_svm_coord_changes {
	unsigned int count;
	struct drm_svm_coord_change *items;
};

/**
 * struct drm_svm_coord_map_args - a page-table update for one GPU
 * @start: first virtual address to map
 * @end: end of the virtual addresses to map (exclusive)
 * @dma: addresses of the pages for this GPU, one entry per 1 << order
 *	pages, as produced by drm_gpusvm_get_pages()
 * @flags: DRM_SVM_COORD_MAP_*
 */
struct drm_svm_coord_map_args {
	unsigned long start;
	unsigned long end;
	const struct drm_pagemap_addr *dma;
	u32 flags;
};

/*
 * Flags of &struct drm_svm_coord_map_args. READ_ONLY: no write permission
 * (the CPU's page is read-only, or %DRM_SVM_COORD_FLAG_GPU_RO); EXEC:
 * executable entries (%DRM_SVM_COORD_FLAG_GPU_EXEC); DEVMEM: some pages are
 * device memory; COHERENT: the memory type must keep the GPU coherent with
 * the CPU (%DRM_SVM_COORD_FLAG_COHERENT, set by default); UPGRADE: the GPU
 * maps the same pages read-only already and the call makes them writable.
 */
#define DRM_SVM_COORD_MAP_READ_ONLY	BIT(0)
#define DRM_SVM_COORD_MAP_EXEC		BIT(1)
#define DRM_SVM_COORD_MAP_DEVMEM	BIT(2)
#define DRM_SVM_COORD_MAP_COHERENT	BIT(3)
#define DRM_SVM_COORD_MAP_UPGRADE	BIT(4)

/**
 * struct drm_svm_coord_ops - backend operations of an attached GPU
 *
 * The coordinator decides; the backend touches the hardware. Every op gets
 * the &struct drm_svm_coord_vm the GPU attached with. Only @unmap,
 * @tlb_flush_wait and @quiesce may be called with the mmap lock held, by
 * the MMU notifier (munmap() and mprotect() hold it for writing); the
 * manager lock may be held around any op, and the
 * coordinator never holds a driver lock of its own choosing across an op.
 * Ops called from the MMU notifier path run in reclaim context: they must
 * not allocate memory that can recurse into reclaim, nor wait on anything
 * that does.
 *
 * The manager checks the table at attach time. The shared mapping path
 * calls @prepare and @map, invalidation calls @unmap and @tlb_flush_wait;
 * for GPUs that cannot fault, invalidation calls @quiesce and the restore
 * worker @resume (see Restore).
 */
struct drm_svm_coord_ops {
	/**
	 * @prepare: Preallocate page-table memory for a map (optional).
	 *
	 * Called before @map for the same range, from process or worker
	 * context, with neither the notifier lock nor the mmap lock held:
	 * this is where a backend allocates page-table levels (GFP_KERNEL)
	 * so that @map need not allocate.
	 *
	 * Return: 0, or a negative errno that aborts the map.
	 */
	int (*prepare)(struct drm_svm_coord_vm *vm, unsigned long start,
		       unsigned long end);

	/**
	 * @map: Write the GPU page-table entries of a range (mandatory).
	 *
	 * Called with the manager's notifier lock held for reading, after
	 * the notifier sequence of the range was checked: the pages cannot
	 * be invalidated until it returns. Must not allocate memory that
	 * can enter reclaim (use what @prepare reserved) and must not sleep
	 * on the GPU. Entries are new, needing no TLB invalidation, except
	 * with %DRM_SVM_COORD_MAP_UPGRADE: read-only entries of the same
	 * pages become writable, and a GPU whose TLB may keep the read-only
	 * entry invalidates it without waiting (the faulting access is
	 * retried). The flags carry the range's attributes (exec,
	 * coherence); a change of them zaps the entries first.
	 *
	 * Return: 0, or a negative errno; the range stays unmapped for this
	 * GPU, and the backend leaves none of the entries it wrote before
	 * failing (the coordinator does not zap a range it never mapped).
	 * After a failed %DRM_SVM_COORD_MAP_UPGRADE the coordinator zaps the
	 * range for the GPU, whatever the backend left.
	 */
	int (*map)(struct drm_svm_coord_vm *vm,
		   const struct drm_svm_coord_map_args *args);

	/**
	 * @unmap: Clear the GPU page-table entries of a range (mandatory).
	 *
	 * Called from the MMU notifier (reclaim context, notifier lock held
	 * for writing) and from teardown. Clears the entries and issues the
	 * TLB invalidation, without waiting for it: the coordinator calls
	 * @tlb_flush_wait before it drops any DMA mapping of the pages. The
	 * interval is a whole range, or a part of one that cuts no entry the
	 * range may be mapped with (&drm_svm_coord_vm_caps.pte_sizes), so
	 * nothing is allocated.
	 *
	 * Return: 0, or a negative errno when some entries may be left (a
	 * page-table update that failed). The coordinator then stops the GPU
	 * with @quiesce, which a backend whose @unmap can fail provides
	 * whether its GPU can fault or not, counts it as mapping nothing of
	 * the range, and has the restore worker call @unmap for the whole
	 * range again, with backoff, until it succeeds; only then is the
	 * range mapped for the GPU again, and the GPU resumed. Entries of
	 * other ranges the retry clears are mapped again too. After
	 * ``restore_retries`` failures in a row the coordinator gives up,
	 * says so in the kernel log and resumes the GPU.
	 */
	int (*unmap)(struct drm_svm_coord_vm *vm, unsigned long start,
		     unsigned long end);

	/**
	 * @tlb_flush_wait: Wait for every TLB invalidation @unmap issued
	 * before the call, whichever range it was for (optional: a backend
	 * whose @unmap completes synchronously leaves it NULL).
	 *
	 * Always called under the notifier lock held for writing, before the
	 * coordinator drops any DMA mapping of pages it zapped: in the second
	 * pass of the two-pass MMU notifier, after every GPU's @unmap was
	 * issued (reclaim context), and wherever ranges are destroyed, split
	 * or forgotten (garbage collector, attribute changes, detach). The
	 * coordinator tracks which GPUs have a flush in flight and waits for
	 * them whoever issued it, so a backend must not assume that a call
	 * follows its own @unmap.
	 */
	void (*tlb_flush_wait)(struct drm_svm_coord_vm *vm);

	/**
	 * @map_sync: Make the entries written by @map visible to the GPU
	 * (optional).
	 *
	 * For a backend whose @map only posts its page-table writes (it may
	 * not wait on the GPU under the notifier lock): called once per batch
	 * of maps made ahead of use, with neither the notifier lock nor the
	 * mmap lock held, from process or worker context, so it may sleep on
	 * the GPU. A batch is a drm_svm_coord_map(), the maps of a
	 * drm_svm_coord_set_attr() for one GPU, and one run of the restore
	 * worker, where it comes before @resume. Not called after a GPU
	 * fault: the driver replays the access after
	 * drm_svm_coord_handle_fault() returns and completes its writes
	 * there.
	 */
	void (*map_sync)(struct drm_svm_coord_vm *vm);

	/**
	 * @quiesce: Stop the GPU's queues of this process (mandatory for a
	 * GPU attached without %DRM_SVM_COORD_VM_CAN_FAULT; for one that can
	 * fault, used only when its @unmap fails).
	 *
	 * Called before the mappings of a range the GPU cannot fault back
	 * in are cleared, once per batch of such events: from the MMU
	 * notifier (reclaim context), and from an attribute change or a
	 * split that falls back to retiring the range (process context,
	 * notifier lock held for writing). The GPU stays quiesced until the
	 * restore worker mapped every range it lost. Calls nest: the coordinator
	 * pairs every @quiesce with one later @resume, and a @quiesce may
	 * come before the @resume of the previous batch.
	 */
	void (*quiesce)(struct drm_svm_coord_vm *vm);

	/**
	 * @resume: Restart the queues stopped by @quiesce (mandatory with
	 * @quiesce).
	 *
	 * Called from the manager's restore worker once every range the GPU
	 * lost was mapped again, with the manager lock held for reading. It
	 * must not wait for a lock the driver holds around
	 * drm_svm_coord_handle_fault() or drm_svm_coord_map(): those take the
	 * manager lock for reading, and behind an attribute change waiting
	 * to take it for writing they wait for the worker, which waits for
	 * @resume. A GPU whose entries could not be cleared after a failed
	 * @unmap is not resumed before it detaches.
	 */
	void (*resume)(struct drm_svm_coord_vm *vm);

	/**
	 * @devmem_alloc: Allocate VRAM to migrate a range into (mandatory
	 * for a GPU attached with &drm_svm_coord_vm_caps.dpagemap).
	 *
	 * Returns an allocation of @size bytes from the GPU's
	 * &drm_svm_coord_vm_caps.dpagemap, initialized with
	 * drm_pagemap_devmem_init() for @mm, which the coordinator hands to
	 * drm_pagemap_migrate_to_devmem(). Called from process context with
	 * the manager lock held (for reading in a fault, for writing in an
	 * attribute change or a detach) and the validation mutex of the
	 * range being moved; never under the notifier lock or the mmap lock.
	 *
	 * Once the data is in, the driver may evict the allocation on its
	 * own at any time (TTM under memory pressure, suspend, removal:
	 * drm_pagemap_evict_to_ram()) without telling the coordinator, which
	 * follows from its MMU notifier (see Eviction).
	 *
	 * Return: the allocation, ERR_PTR(-ENOMEM) when the VRAM is full,
	 * or another ERR_PTR().
	 */
	struct drm_pagemap_devmem *(*devmem_alloc)(struct drm_svm_coord_vm *vm,
						   struct mm_struct *mm,
						   unsigned long size);
};

/* Capability flags of &struct drm_svm_coord_vm_caps. */
#define DRM_SVM_COORD_VM_CAN_FAULT	BIT(0)

/**
 * struct drm_svm_coord_vm_caps - what an attaching GPU can do
 * @flags: DRM_SVM_COORD_VM_*: %DRM_SVM_COORD_VM_CAN_FAULT when the GPU
 *	recovers from page faults (it then maps on demand), otherwise its
 *	mappings are made ahead of use and restored after invalidations
 * @dpagemap: the GPU's VRAM, or NULL for a GPU without device memory. Its
 *	&struct drm_pagemap devmem ops are the GPU's copy engine.
 * @pagemap_owner: device-private page owner shared by the GPUs that can
 *	map each other's VRAM (see drm_pagemap_acquire_owner()), or NULL
 * @pte_sizes: the sizes of the page-table entries the GPU may map a range
 *	with, one bit per size as in &iommu_domain.pgsize_bitmap (SZ_4K |
 *	SZ_64K | SZ_2M, say); 0 for PAGE_SIZE only. The GPU may map any block
 *	of a range aligned to one of these sizes and lying whole in the
 *	range with one entry. &drm_svm_coord_ops.unmap is never asked to
 *	clear part of an entry: where an invalidation or a split would cut
 *	such a block, the GPU loses the whole range and, if it cannot fault,
 *	is restored (see Splitting)
 */
struct drm_svm_coord_vm_caps {
	u32 flags;
	struct drm_pagemap *dpagemap;
	void *pagemap_owner;
	unsigned long pte_sizes;
};

/**
 * enum drm_svm_coord_stat - counters of a manager and of its GPUs
 * @DRM_SVM_COORD_STAT_NOTIFIERS: MMU interval notifiers registered
 * @DRM_SVM_COORD_STAT_NOTIFIERS_REMOVED: MMU interval notifiers removed
 * @DRM_SVM_COORD_STAT_RANGES: ranges created
 * @DRM_SVM_COORD_STAT_RANGES_DESTROYED: ranges destroyed
 * @DRM_SVM_COORD_STAT_HMM_FAULTS: hmm_range_fault() calls
 * @DRM_SVM_COORD_STAT_HMM_PAGES: pages asked of hmm_range_fault()
 * @DRM_SVM_COORD_STAT_INVALIDATIONS: MMU notifier callbacks that hit ranges
 * @DRM_SVM_COORD_STAT_ZAPS: backend @unmap calls (per GPU: its own)
 * @DRM_SVM_COORD_STAT_TLB_WAITS: backend @tlb_flush_wait calls
 * @DRM_SVM_COORD_STAT_FAULTS: GPU faults handled
 * @DRM_SVM_COORD_STAT_MAPS: backend @map calls
 * @DRM_SVM_COORD_STAT_DMA_MAPS: ranges DMA-mapped for a GPU
 * @DRM_SVM_COORD_STAT_RETRIES: validations retried after a race with an
 *	invalidation
 * @DRM_SVM_COORD_STAT_GC_RUNS: runs of the manager's garbage collector
 * @DRM_SVM_COORD_STAT_RESTORE_RUNS: runs of the manager's restore worker
 * @DRM_SVM_COORD_STAT_SPLITS: ranges split into the pieces that kept their
 *	mappings
 * @DRM_SVM_COORD_STAT_QUIESCES: backend @quiesce calls
 * @DRM_SVM_COORD_STAT_RESUMES: backend @resume calls
 * @DRM_SVM_COORD_STAT_RESTORE_FAILURES: restores of a range that failed and
 *	were retried later or given up
 * @DRM_SVM_COORD_STAT_MIGRATIONS: ranges moved between system memory and
 *	VRAM or between VRAMs (per GPU: the moves it asked for)
 * @DRM_SVM_COORD_STAT_MIGRATED_PAGES: pages of those moves
 * @DRM_SVM_COORD_STAT_MIGRATION_FAILURES: moves that failed; the data
 *	stayed where it was and was mapped there
 * @DRM_SVM_COORD_STAT_REMOTE_MAPS: backend @map calls of a range in the
 *	VRAM of another GPU
 * @DRM_SVM_COORD_STAT_THRASH_THROTTLES: ranges throttled by thrash control
 * @DRM_SVM_COORD_STAT_THRASH_PINS: ranges pinned by thrash control
 * @DRM_SVM_COORD_STAT_EVICTIONS_PEER: ranges evicted from a full VRAM to a
 *	peer GPU's VRAM (per GPU: the GPU whose VRAM was full)
 * @DRM_SVM_COORD_STAT_EVICTIONS_RAM: ranges evicted from a full VRAM to
 *	system memory
 * @DRM_SVM_COORD_STAT_UNMAP_FAILURES: backend @unmap calls that failed
 * @DRM_SVM_COORD_STAT_NUM: number of counters, not a counter
 *
 * A manager counts everything; a GPU counts what was done for it (faults,
 * maps, DMA maps, zaps, TLB waits, retries, quiesces, resumes, restore
 * failures, unmap failures).
 */
enum drm_svm_coord_stat {
	DRM_SVM_COORD_STAT_NOTIFIERS,
	DRM_SVM_COORD_STAT_NOTIFIERS_REMOVED,
	DRM_SVM_COORD_STAT_RANGES,
	DRM_SVM_COORD_STAT_RANGES_DESTROYED,
	DRM_SVM_COORD_STAT_HMM_FAULTS,
	DRM_SVM_COORD_STAT_HMM_PAGES,
	DRM_SVM_COORD_STAT_INVALIDATIONS,
	DRM_SVM_COORD_STAT_ZAPS,
	DRM_SVM_COORD_STAT_TLB_WAITS,
	DRM_SVM_COORD_STAT_FAULTS,
	DRM_SVM_COORD_STAT_MAPS,
	DRM_SVM_COORD_STAT_DMA_MAPS,
	DRM_SVM_COORD_STAT_RETRIES,
	DRM_SVM_COORD_STAT_GC_RUNS,
	DRM_SVM_COORD_STAT_RESTORE_RUNS,
	DRM_SVM_COORD_STAT_SPLITS,
	DRM_SVM_COORD_STAT_QUIESCES,
	DRM_SVM_COORD_STAT_RESUMES,
	DRM_SVM_COORD_STAT_RESTORE_FAILURES,
	DRM_SVM_COORD_STAT_MIGRATIONS,
	DRM_SVM_COORD_STAT_MIGRATED_PAGES,
	DRM_SVM_COORD_STAT_MIGRATION_FAILURES,
	DRM_SVM_COORD_STAT_REMOTE_MAPS,
	DRM_SVM_COORD_STAT_THRASH_THROTTLES,
	DRM_SVM_COORD_STAT_THRASH_PINS,
	DRM_SVM_COORD_STAT_EVICTIONS_PEER,
	DRM_SVM_COORD_STAT_EVICTIONS_RAM,
	DRM_SVM_COORD_STAT_UNMAP_FAILURES,
	DRM_SVM_COORD_STAT_NUM,
};

/**
 * struct drm_svm_coord_stats - a snapshot of counters
 * @count: one value per &enum drm_svm_coord_stat
 */
struct drm_svm_coord_stats {
	u64 count[DRM_SVM_COORD_STAT_NUM];
};

/**
 * enum drm_svm_coord_thrash_state - thrash control state of a range
 * @DRM_SVM_COORD_THRASH_NORMAL: migrations follow the policy
 * @DRM_SVM_COORD_THRASH_THROTTLED: GPUs that reach the data map it where
 *	it is
 * @DRM_SVM_COORD_THRASH_PINNED: the data stays at the pinned location
 */
enum drm_svm_coord_thrash_state {
	DRM_SVM_COORD_THRASH_NORMAL,
	DRM_SVM_COORD_THRASH_THROTTLED,
	DRM_SVM_COORD_THRASH_PINNED,
};

/**
 * enum drm_svm_coord_rule - the rule of the Residency policy that decided
 * @DRM_SVM_COORD_RULE_NO_ACCESS: 1, no access
 * @DRM_SVM_COORD_RULE_RESTORE: 2, a restore maps where the data is
 * @DRM_SVM_COORD_RULE_PREFETCH: 3, explicit prefetch
 * @DRM_SVM_COORD_RULE_IN_PLACE: 4, access in place
 * @DRM_SVM_COORD_RULE_PINNED: 5, pinned by thrash control
 * @DRM_SVM_COORD_RULE_PREFERRED: 6, preferred location
 * @DRM_SVM_COORD_RULE_THROTTLED: 7, throttled by thrash control
 * @DRM_SVM_COORD_RULE_LOCAL: 8, the faulting GPU's VRAM
 * @DRM_SVM_COORD_RULE_STAY: 8, where the data is
 * @DRM_SVM_COORD_RULE_UNREACHABLE: 8, system memory, the data was out of
 *	reach
 * @DRM_SVM_COORD_RULE_NUM: number of rules, not a rule
 */
enum drm_svm_coord_rule {
	DRM_SVM_COORD_RULE_NO_ACCESS,
	DRM_SVM_COORD_RULE_RESTORE,
	DRM_SVM_COORD_RULE_PREFETCH,
	DRM_SVM_COORD_RULE_IN_PLACE,
	DRM_SVM_COORD_RULE_PINNED,
	DRM_SVM_COORD_RULE_PREFERRED,
	DRM_SVM_COORD_RULE_THROTTLED,
	DRM_SVM_COORD_RULE_LOCAL,
	DRM_SVM_COORD_RULE_STAY,
	DRM_SVM_COORD_RULE_UNREACHABLE,
	DRM_SVM_COORD_RULE_NUM,
};

/** DRM_SVM_COORD_HISTORY - moves a range remembers */
#define DRM_SVM_COORD_HISTORY		8

/**
 * struct drm_svm_coord_move - one move of a range's data
 * @time_ns: when it ended (ktime_get_ns())
 * @cost_ns: how long it took
 * @from: where the data was (see Locations)
 * @to: where it went
 * @gpu: the GPU whose fault or map asked for it, or
 *	%DRM_SVM_COORD_MAX_VMS for a prefetch or an eviction
 * @rule: the &enum drm_svm_coord_rule that decided it, or
 *	%DRM_SVM_COORD_RULE_NUM for an eviction
 * @evicted: the move made room in the VRAM at @from (see Eviction)
 * @thrash: the range's &enum drm_svm_coord_thrash_state after it
 */
struct drm_svm_coord_move {
	u64 time_ns;
	u64 cost_ns;
	u32 from;
	u32 to;
	u8 gpu;
	u8 rule;
	u8 evicted;
	u8 thrash;
};

/**
 * struct drm_svm_coord_range_info - where a range's data is, and why
 * @start: first address of the range
 * @end: end of the range (exclusive)
 * @loc: where the data was at the last fault or move (see Locations),
 *	read again first if a move the coordinator did not make may have
 *	changed it (see Eviction); %DRM_SVM_COORD_LOC_UNDEFINED while the
 *	range has not looked yet (see Migration), %DRM_SVM_COORD_LOC_MIXED
 *	for pages in several VRAMs
 * @rule: the &enum drm_svm_coord_rule of the last residency decision, or
 *	%DRM_SVM_COORD_RULE_NUM if none was taken
 * @thrash: its &enum drm_svm_coord_thrash_state
 * @pin_loc: the pinned location while PINNED
 * @migrations: moves of the range
 * @evictions: times it was evicted from a full VRAM
 * @throttles: times it was throttled
 * @pins: times it was pinned
 * @cost_ns: moving average of the duration of its moves
 * @window_ns: its thrash window now (see Thrash control)
 * @quiet_ns: its quiet period now
 * @mapped: GPUs with page-table entries for it
 * @nr_history: entries of @history: the range's last moves, at most
 *	%DRM_SVM_COORD_HISTORY
 * @history: its last moves, oldest first
 */
struct drm_svm_coord_range_info {
	unsigned long start;
	unsigned long end;
	u32 loc;
	u32 rule;
	u32 thrash;
	u32 pin_loc;
	u32 migrations;
	u32 throttles;
	u32 pins;
	u32 evictions;
	u64 cost_ns;
	u64 window_ns;
	u64 quiet_ns;
	u64 mapped;
	u32 nr_history;
	struct drm_svm_coord_move history[DRM_SVM_COORD_HISTORY];
};

struct drm_svm_coord *drm_svm_coord_get(struct mm_struct *mm);
void drm_svm_coord_put(struct drm_svm_coord *svm);

struct drm_svm_coord_vm *
drm_svm_coord_attach(struct mm_struct *mm, struct drm_device *drm,
		     const struct drm_svm_coord_ops *ops,
		     const struct drm_svm_coord_vm_caps *caps, void *priv);
void drm_svm_coord_detach(struct drm_svm_coord_vm *vm);

struct drm_svm_coord *drm_svm_coord_vm_manager(struct drm_svm_coord_vm *vm);
unsigned int drm_svm_coord_vm_index(struct drm_svm_coord_vm *vm);
unsigned int drm_svm_coord_id(struct drm_svm_coord *svm);
void *drm_svm_coord_vm_priv(struct drm_svm_coord_vm *vm);

int drm_svm_coord_set_attr(struct drm_svm_coord *svm, unsigned long start,
			   unsigned long size,
			   const struct drm_svm_coord_attr *attrs,
			   unsigned int nattrs,
			   struct drm_svm_coord_changes *changes);
int drm_svm_coord_get_attr(struct drm_svm_coord *svm, unsigned long start,
			   unsigned long size, struct drm_svm_coord_attr *attrs,
			   unsigned int nattrs);
int drm_svm_coord_get_attr_summary(struct drm_svm_coord *svm,
				   unsigned long start, unsigned long size,
				   struct drm_svm_coord_attr_summary *sum);
void drm_svm_coord_changes_fini(struct drm_svm_coord_changes *changes);

/**
 * typedef drm_svm_coord_attr_fn - callback of drm_svm_coord_walk_attrs()
 * @priv: the caller's data
 * @start: first address of the interval
 * @end: end of the interval (exclusive)
 * @attrs: its attributes (defaults for addresses never set)
 *
 * Return: 0 to go on, anything else stops the walk and is returned.
 */
typedef int (*drm_svm_coord_attr_fn)(void *priv, unsigned long start,
				     unsigned long end,
				     const struct drm_svm_coord_attrs *attrs);

int drm_svm_coord_walk_attrs(struct drm_svm_coord *svm,
			     unsigned long start, unsigned long end,
			     drm_svm_coord_attr_fn fn, void *priv);

int drm_svm_coord_handle_fault(struct drm_svm_coord_vm *vm,
			       unsigned long addr, bool write);
int drm_svm_coord_map(struct drm_svm_coord_vm *vm, unsigned long start,
		      unsigned long size);
void drm_svm_coord_vm_lost(struct drm_svm_coord_vm *vm, unsigned long start,
			   unsigned long end);
int drm_svm_coord_reserve(struct drm_svm_coord_vm *vm, unsigned long start,
			  unsigned long size);
int drm_svm_coord_unreserve(struct drm_svm_coord_vm *vm, unsigned long start,
			    unsigned long size);

int drm_svm_coord_flush(struct drm_svm_coord *svm);

int drm_svm_coord_range_info(struct drm_svm_coord *svm, unsigned long addr,
			     struct drm_svm_coord_range_info *info);

void drm_svm_coord_read_stats(struct drm_svm_coord *svm,
			      struct drm_svm_coord_vm *vm,
			      struct drm_svm_coord_stats *stats);
void drm_svm_coord_reset_stats(struct drm_svm_coord *svm);

#endif /* __DRM_SVM_COORD_H__ */
