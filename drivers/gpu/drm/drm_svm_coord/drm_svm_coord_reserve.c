// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/export.h>
#include <linux/interval_tree.h>
#include <linux/slab.h>

#include <kunit/visibility.h>

#include "drm_svm_coord_priv.h"

/**
 * DOC: Reserved addresses
 *
 * A GPU VM is more than a mirror of the process: a driver also maps its
 * own buffer objects, userptrs and the like at GPU virtual addresses of
 * the same address space, addresses the CPU may map too. A range the
 * coordinator creates for another GPU may cover such an address; were
 * this GPU to map the range, &drm_svm_coord_ops.map would overwrite the
 * buffer object's entries, and a later &drm_svm_coord_ops.unmap clear
 * them. KFD clips its ranges around them (svm_range_check_vm()).
 *
 * The driver tells the coordinator with drm_svm_coord_reserve() when it
 * maps such a buffer object and drm_svm_coord_unreserve() when it unmaps
 * it. A reservation is a boundary of ranges, as an attribute interval is:
 * a range that crosses one of its bounds is split there (see Splitting),
 * and new ranges end at them. The reserving GPU's entries of the ranges
 * inside are zapped and their DMA mappings dropped when the reservation
 * is made, and from then on the GPU is refused the addresses: a fault
 * there fails with -EPERM, a map skips them. The other GPUs keep mapping
 * them. Reservations live in one interval tree per manager
 * (&drm_svm_coord.reserved), under the manager lock.
 */

/**
 * struct drm_svm_coord_reservation - addresses one GPU keeps for itself
 * @it: node in &drm_svm_coord.reserved, in bytes
 * @gpu: index of the GPU
 */
struct drm_svm_coord_reservation {
	struct interval_tree_node it;
	unsigned int gpu;
};

/**
 * drm_svm_coord_reserved_clip() - the reservations around an address
 * @svm: the manager
 * @addr: the address
 * @lo: in: the lowest address a range holding @addr may start at; out:
 *	raised to the bound of a reservation below @addr or holding it
 * @hi: likewise, the end a range may reach, lowered
 *
 * Under the manager lock.
 *
 * Return: the GPUs that reserved @addr.
 */
u64 drm_svm_coord_reserved_clip(struct drm_svm_coord *svm, unsigned long addr,
				unsigned long *lo, unsigned long *hi)
{
	struct interval_tree_node *node;
	u64 gpus = 0;

	lockdep_assert_held(&svm->lock);

	for (node = interval_tree_iter_first(&svm->reserved, *lo, *hi - 1);
	     node; node = interval_tree_iter_next(node, *lo, *hi - 1)) {
		struct drm_svm_coord_reservation *r =
			container_of(node, typeof(*r), it);

		if (node->last < addr) {
			*lo = max(*lo, node->last + 1);
		} else if (node->start > addr) {
			*hi = min(*hi, node->start);
		} else {
			*lo = max(*lo, node->start);
			*hi = min(*hi, node->last + 1);
			gpus |= BIT_ULL(r->gpu);
		}
	}
	return gpus;
}

/* Whether an unmap of @vm over [@start, @end) waits to be retried. */
static bool coord_reserve_unzap_pending(struct drm_svm_coord *svm,
					struct drm_svm_coord_vm *vm,
					unsigned long start, unsigned long end)
{
	struct drm_svm_coord_range *range;
	bool pending = false;

	drm_svm_coord_notifier_lock_read(svm);
	list_for_each_entry(range, &svm->restore_list, restore_link)
		if ((range->unzap & BIT_ULL(vm->index)) &&
		    drm_svm_coord_range_start(range) < end &&
		    drm_svm_coord_range_end(range) > start)
			pending = true;
	drm_svm_coord_notifier_unlock_read(svm);
	return pending;
}

/* Take @vm's entries and DMA mappings of the ranges in [@start, @end). */
static void coord_reserve_zap(struct drm_svm_coord *svm,
			      struct drm_svm_coord_vm *vm, unsigned long start,
			      unsigned long end)
{
	struct drm_svm_coord_notifier *n;
	struct drm_svm_coord_range *range;

	mutex_lock(&svm->tree_lock);
	drm_svm_coord_for_each_notifier(n, svm, start, end) {
		drm_svm_coord_for_each_range(range, n, start, end) {
			u64 wait;

			/* drm_svm_coord_split_at() cut those that crossed. */
			if (!drm_svm_coord_range_within(range, start, end))
				continue;
			mutex_lock(&range->validate_lock);
			drm_svm_coord_notifier_lock_write(svm);
			wait = drm_svm_coord_range_zap_vm(svm, range, vm);
			drm_svm_coord_tlb_wait(svm, wait);
			drm_svm_coord_range_dma_unmap(svm, range,
						      BIT_ULL(vm->index));
			drm_svm_coord_notifier_unlock_write(svm);
			mutex_unlock(&range->validate_lock);
		}
	}
	mutex_unlock(&svm->tree_lock);
}

/**
 * drm_svm_coord_reserve() - keep addresses of a GPU VM for the driver
 * @vm: the GPU
 * @start: first address, page aligned
 * @size: size in bytes, page aligned, not zero
 *
 * For a driver that maps one of its own buffer objects at [@start,
 * @start + @size) of the GPU VM (see Reserved addresses): the ranges that
 * cross its bounds are split there, the GPU's entries of the ranges inside
 * are zapped, and the GPU is refused the addresses until
 * drm_svm_coord_unreserve(). Reservations of one GPU may not overlap.
 * Called from process context, without the mmap lock held.
 *
 * Return: 0; -EINVAL for a malformed interval; -EEXIST when it overlaps
 * another reservation of the GPU; -EBUSY while a failed unmap of the GPU
 * over the addresses waits to be retried (see &drm_svm_coord_ops.unmap),
 * whose retry would clear the buffer object's entries; -ENOMEM.
 */
int drm_svm_coord_reserve(struct drm_svm_coord_vm *vm, unsigned long start,
			  unsigned long size)
{
	struct drm_svm_coord *svm = vm->svm;
	struct drm_svm_coord_reservation *r;
	struct interval_tree_node *node;
	unsigned long first, last;
	int err;

	err = drm_svm_coord_pages(svm, start, size, &first, &last);
	if (err)
		return err;
	r = kzalloc_obj(*r);
	if (!r)
		return -ENOMEM;
	r->it.start = start;
	r->it.last = start + size - 1;
	r->gpu = vm->index;

	down_write(&svm->lock);
	/* The retry would clear the buffer object's entries. */
	if (coord_reserve_unzap_pending(svm, vm, start, start + size)) {
		up_write(&svm->lock);
		kfree(r);
		return -EBUSY;
	}
	for (node = interval_tree_iter_first(&svm->reserved, start, r->it.last);
	     node; node = interval_tree_iter_next(node, start, r->it.last)) {
		if (container_of(node, typeof(*r), it)->gpu == vm->index) {
			up_write(&svm->lock);
			kfree(r);
			return -EEXIST;
		}
	}
	interval_tree_insert(&r->it, &svm->reserved);
	drm_svm_coord_split_at(svm, start);
	drm_svm_coord_split_at(svm, start + size);
	coord_reserve_zap(svm, vm, start, start + size);
	up_write(&svm->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_reserve);

/**
 * drm_svm_coord_unreserve() - give reserved addresses back to the mirror
 * @vm: the GPU
 * @start: first address of a reservation of @vm
 * @size: its size, as given to drm_svm_coord_reserve()
 *
 * The GPU may map the addresses again, on a fault or ahead of use. The
 * ranges stay as they are.
 *
 * Return: 0, or -ENOENT when @vm has no such reservation.
 */
int drm_svm_coord_unreserve(struct drm_svm_coord_vm *vm, unsigned long start,
			    unsigned long size)
{
	struct drm_svm_coord *svm = vm->svm;
	struct interval_tree_node *node;
	int err = -ENOENT;

	if (!size || start + size - 1 < start)
		return -ENOENT;
	down_write(&svm->lock);
	for (node = interval_tree_iter_first(&svm->reserved, start, start);
	     node; node = interval_tree_iter_next(node, start, start)) {
		struct drm_svm_coord_reservation *r =
			container_of(node, typeof(*r), it);

		if (r->gpu != vm->index || node->start != start ||
		    node->last != start + size - 1)
			continue;
		interval_tree_remove(node, &svm->reserved);
		kfree(r);
		err = 0;
		break;
	}
	up_write(&svm->lock);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_unreserve);

/**
 * drm_svm_coord_reserved_forget_vm() - drop a detaching GPU's reservations
 * @svm: the manager
 * @vm: the GPU
 *
 * Under the manager lock held for writing.
 */
void drm_svm_coord_reserved_forget_vm(struct drm_svm_coord *svm,
				      struct drm_svm_coord_vm *vm)
{
	struct interval_tree_node *node, *next;

	lockdep_assert_held_write(&svm->lock);

	for (node = interval_tree_iter_first(&svm->reserved, 0, ULONG_MAX);
	     node; node = next) {
		struct drm_svm_coord_reservation *r =
			container_of(node, typeof(*r), it);

		next = interval_tree_iter_next(node, 0, ULONG_MAX);
		if (r->gpu != vm->index)
			continue;
		interval_tree_remove(node, &svm->reserved);
		kfree(r);
	}
}
