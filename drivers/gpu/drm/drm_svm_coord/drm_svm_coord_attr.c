// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/export.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <kunit/visibility.h>

#include "drm_svm_coord_priv.h"

/**
 * DOC: Attributes
 *
 * One attribute tree per manager holds the attributes of the whole address
 * space for every GPU of the process. It is an interval tree
 * (interval_tree_generic.h) of disjoint page intervals; addresses that were
 * never set have the default attributes: no preferred or prefetch location,
 * every GPU on the default access policy, flags
 * %DRM_SVM_COORD_FLAGS_DEFAULT and granularity
 * %DRM_SVM_COORD_GRANULARITY_DEFAULT. The tree stays canonical: it holds
 * no interval with default attributes and no two adjacent intervals with
 * equal ones, so its shape depends only on the attributes it describes.
 *
 * Attributes belong to addresses, not to mappings: munmap, mremap and a
 * new mmap at the same place leave them as they are ("attributes always
 * stick").
 *
 * Per GPU, access is one of: the default policy (a GPU that can fault maps
 * on demand; a GPU that cannot is not mapped until granted access),
 * %DRM_SVM_COORD_ATTR_ACCESS, %DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE or
 * %DRM_SVM_COORD_ATTR_NO_ACCESS. Setting one replaces the others. A GPU
 * that cannot fault and goes back from a grant to the default policy loses
 * its entries there, as any GPU that may no longer map by the policy; like
 * every GPU under the default policy it may map the addresses again on
 * request (drm_svm_coord_map()), which NO_ACCESS refuses.
 *
 * drm_svm_coord_set_attr() is transactional: the whole request is checked
 * first and every allocation is made before the tree changes, so an error
 * leaves the tree as it was. Attributes of one request apply in order.
 *
 * Conflicts between GPUs cannot arise: there is a single tree, and a later
 * request replaces what an earlier one set for the same addresses, whichever
 * GPU made it. A GPU's preference is an input of the decisions taken for all
 * GPUs (the preferred location is one value, not one per GPU): where two
 * GPUs want the pages, the preferred location decides where they live and
 * the access attributes decide who maps them there.
 */

/* Flags whose change alters what a GPU page-table entry allows or is. */
#define ATTR_PTE_FLAGS (DRM_SVM_COORD_FLAG_GPU_RO | \
			DRM_SVM_COORD_FLAG_GPU_EXEC | \
			DRM_SVM_COORD_FLAG_COHERENT)

/**
 * drm_svm_coord_attrs_default() - the attributes of addresses never set
 * @attrs: filled with the defaults
 */
void drm_svm_coord_attrs_default(struct drm_svm_coord_attrs *attrs)
{
	*attrs = (struct drm_svm_coord_attrs) {
		.preferred_loc = DRM_SVM_COORD_LOC_UNDEFINED,
		.prefetch_loc = DRM_SVM_COORD_LOC_UNDEFINED,
		.flags = DRM_SVM_COORD_FLAGS_DEFAULT,
		.granularity = DRM_SVM_COORD_GRANULARITY_DEFAULT,
	};
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attrs_default);

/**
 * drm_svm_coord_attrs_equal() - compare two sets of attributes
 * @a: one
 * @b: the other
 *
 * Return: true when every attribute is equal.
 */
bool drm_svm_coord_attrs_equal(const struct drm_svm_coord_attrs *a,
			       const struct drm_svm_coord_attrs *b)
{
	return a->preferred_loc == b->preferred_loc &&
	       a->prefetch_loc == b->prefetch_loc &&
	       a->access == b->access &&
	       a->access_in_place == b->access_in_place &&
	       a->no_access == b->no_access &&
	       a->flags == b->flags &&
	       a->granularity == b->granularity;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attrs_equal);

/**
 * drm_svm_coord_check_gpu() - check a GPU index of a request
 * @index: the index
 * @attached: indices of the attached GPUs
 *
 * Return: 0, -EINVAL for an index no GPU can have, -ENODEV for an index
 * that is not attached.
 */
static int drm_svm_coord_check_gpu(u32 index, u64 attached)
{
	if (index >= DRM_SVM_COORD_MAX_VMS)
		return -EINVAL;
	return attached & BIT_ULL(index) ? 0 : -ENODEV;
}

static int coord_validate_loc(u32 loc, u64 attached)
{
	if (loc == DRM_SVM_COORD_LOC_UNDEFINED || loc == DRM_SVM_COORD_LOC_SYSMEM)
		return 0;
	return drm_svm_coord_check_gpu(loc, attached);
}

/**
 * drm_svm_coord_attrs_validate() - check a request of attributes
 * @attrs: the attributes
 * @nattrs: their number
 * @attached: indices of the attached GPUs
 *
 * Return: 0 when every attribute can be applied; -EINVAL for no attribute,
 * an unknown type, a malformed location or GPU index, an unknown flag, a
 * flag both set and cleared, GPU_READ_MOSTLY set or HOST_ACCESS cleared
 * (see Flags), or a granularity out of range; -ENODEV for a GPU index that
 * is not attached.
 */
int drm_svm_coord_attrs_validate(const struct drm_svm_coord_attr *attrs,
				 unsigned int nattrs, u64 attached)
{
	u32 set = 0, clr = 0;
	unsigned int i;
	int err;

	if (!nattrs || !attrs)
		return -EINVAL;

	for (i = 0; i < nattrs; i++) {
		u32 value = attrs[i].value;

		switch (attrs[i].type) {
		case DRM_SVM_COORD_ATTR_PREFERRED_LOC:
		case DRM_SVM_COORD_ATTR_PREFETCH_LOC:
			err = coord_validate_loc(value, attached);
			break;
		case DRM_SVM_COORD_ATTR_ACCESS:
		case DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE:
		case DRM_SVM_COORD_ATTR_NO_ACCESS:
		case DRM_SVM_COORD_ATTR_ACCESS_DEFAULT:
			err = drm_svm_coord_check_gpu(value, attached);
			break;
		case DRM_SVM_COORD_ATTR_SET_FLAGS:
			/* See Flags: read duplication is not implemented. */
			err = value & (~DRM_SVM_COORD_FLAGS_ALL |
				       DRM_SVM_COORD_FLAG_GPU_READ_MOSTLY) ?
			      -EINVAL : 0;
			set |= value;
			break;
		case DRM_SVM_COORD_ATTR_CLR_FLAGS:
			/* The CPU always reaches the data. */
			err = value & (~DRM_SVM_COORD_FLAGS_ALL |
				       DRM_SVM_COORD_FLAG_HOST_ACCESS) ?
			      -EINVAL : 0;
			clr |= value;
			break;
		case DRM_SVM_COORD_ATTR_GRANULARITY:
			err = value > DRM_SVM_COORD_GRANULARITY_MAX ? -EINVAL : 0;
			break;
		default:
			err = -EINVAL;
		}
		if (err)
			return err;
	}

	return set & clr ? -EINVAL : 0;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attrs_validate);

/**
 * drm_svm_coord_attrs_set_access() - set one GPU's access attribute
 * @attrs: the attributes
 * @type: %DRM_SVM_COORD_ATTR_ACCESS, _ACCESS_IN_PLACE, _NO_ACCESS or
 *	_ACCESS_DEFAULT
 * @index: the GPU
 *
 * Setting one replaces the others.
 */
void drm_svm_coord_attrs_set_access(struct drm_svm_coord_attrs *attrs, u32 type,
				    u32 index)
{
	u64 bit = BIT_ULL(index);

	attrs->access &= ~bit;
	attrs->access_in_place &= ~bit;
	attrs->no_access &= ~bit;

	if (type == DRM_SVM_COORD_ATTR_ACCESS)
		attrs->access |= bit;
	else if (type == DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE)
		attrs->access_in_place |= bit;
	else if (type == DRM_SVM_COORD_ATTR_NO_ACCESS)
		attrs->no_access |= bit;
}

/**
 * drm_svm_coord_attrs_apply() - apply validated attributes, in order
 * @attrs: the attributes to change
 * @in: the request, checked by drm_svm_coord_attrs_validate()
 * @nattrs: number of entries of @in
 */
void drm_svm_coord_attrs_apply(struct drm_svm_coord_attrs *attrs,
			       const struct drm_svm_coord_attr *in,
			       unsigned int nattrs)
{
	unsigned int i;

	for (i = 0; i < nattrs; i++) {
		switch (in[i].type) {
		case DRM_SVM_COORD_ATTR_PREFERRED_LOC:
			attrs->preferred_loc = in[i].value;
			break;
		case DRM_SVM_COORD_ATTR_PREFETCH_LOC:
			attrs->prefetch_loc = in[i].value;
			break;
		case DRM_SVM_COORD_ATTR_ACCESS:
		case DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE:
		case DRM_SVM_COORD_ATTR_NO_ACCESS:
		case DRM_SVM_COORD_ATTR_ACCESS_DEFAULT:
			drm_svm_coord_attrs_set_access(attrs, in[i].type, in[i].value);
			break;
		case DRM_SVM_COORD_ATTR_SET_FLAGS:
			attrs->flags |= in[i].value;
			break;
		case DRM_SVM_COORD_ATTR_CLR_FLAGS:
			attrs->flags &= ~in[i].value;
			break;
		case DRM_SVM_COORD_ATTR_GRANULARITY:
			attrs->granularity = in[i].value;
			break;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attrs_apply);

/* GPUs allowed to map: granted access, or default policy and can fault. */
static u64 coord_may_map(const struct drm_svm_coord_attrs *attrs, u64 attached,
			 u64 can_fault)
{
	u64 dflt = attached & ~(attrs->access | attrs->access_in_place |
				attrs->no_access);

	return (attrs->access | attrs->access_in_place | (dflt & can_fault)) &
	       attached;
}

/**
 * drm_svm_coord_attrs_diff() - what a change of attributes asks GPUs to do
 * @old: attributes before
 * @new: attributes after
 * @attached: indices of the attached GPUs
 * @can_fault: indices of the GPUs that recover from page faults
 * @prefetch: the request asked for a prefetch
 * @change: filled with the GPUs to remap and unmap and the triggers; its
 *	address fields are left alone
 *
 * A GPU must unmap when it could map before and cannot now, or when it is
 * denied access now (a GPU that cannot fault may hold entries of
 * addresses it was never granted: it maps them on request, under the
 * default policy). It must remap when it can map now and could not
 * before, or its access kind changed, or a flag that shapes its
 * page-table entries (GPU_RO, GPU_EXEC, COHERENT) changed; in that last
 * case every GPU that keeps access must have the entries it holds
 * rewritten, whether it could map by the policy or mapped on request. It
 * must remap too when GPU_ALWAYS_MAPPED changed: the interval is mapped
 * ahead of use, or no longer.
 * MIGRATE is triggered when the preferred location changes to a defined
 * one, PREFETCH when @prefetch names a defined location.
 *
 * Return: true when @change asks for anything.
 */
bool drm_svm_coord_attrs_diff(const struct drm_svm_coord_attrs *old,
			      const struct drm_svm_coord_attrs *new,
			      u64 attached, u64 can_fault, bool prefetch,
			      struct drm_svm_coord_change *change)
{
	u64 before = coord_may_map(old, attached, can_fault);
	u64 after = coord_may_map(new, attached, can_fault);
	u64 kind = (old->access ^ new->access) |
		   (old->access_in_place ^ new->access_in_place) |
		   (old->no_access ^ new->no_access);

	change->unmap = (before & ~after) |
			(new->no_access & ~old->no_access & attached);
	change->remap = after & (~before | kind);
	change->rewrite = 0;
	if ((old->flags ^ new->flags) & ATTR_PTE_FLAGS) {
		change->remap |= after;
		change->rewrite = attached & ~new->no_access & ~change->unmap;
	}
	/* Mapped ahead of use from now on, or no longer restored. */
	if ((old->flags ^ new->flags) & DRM_SVM_COORD_FLAG_GPU_ALWAYS_MAPPED)
		change->remap |= after;

	change->triggers = 0;
	if (old->preferred_loc != new->preferred_loc &&
	    new->preferred_loc != DRM_SVM_COORD_LOC_UNDEFINED)
		change->triggers |= DRM_SVM_COORD_TRIGGER_MIGRATE;
	if (prefetch)
		change->triggers |= DRM_SVM_COORD_TRIGGER_PREFETCH;

	return change->remap || change->unmap || change->rewrite ||
	       change->triggers;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attrs_diff);

/**
 * drm_svm_coord_pages() - turn bytes into pages of the manager's mm
 * @svm: the manager
 * @start: first address, page aligned
 * @size: size in bytes, page aligned, not zero
 * @first: out: first page
 * @last: out: last page (inclusive)
 *
 * Return: 0, or -EINVAL for a malformed range or one beyond the mm.
 */
int drm_svm_coord_pages(struct drm_svm_coord *svm, unsigned long start,
			unsigned long size, unsigned long *first,
			unsigned long *last)
{
	if (!size || !PAGE_ALIGNED(start) || !PAGE_ALIGNED(size))
		return -EINVAL;
	if (start + size < start || start + size > drm_svm_coord_mm(svm)->task_size)
		return -EINVAL;

	*first = start >> PAGE_SHIFT;
	*last = ((start + size) >> PAGE_SHIFT) - 1;
	return 0;
}

/*
 * After a change of attributes, map the interval for the GPUs that cannot
 * fault, or all GPUs where it is always mapped, that either were granted
 * access or lost their mappings to it. A GPU that maps on request under
 * the default policy and lost some ranges to a flag change gets exactly
 * those back from the restore worker: mapping the whole interval for it
 * would populate and map memory it never asked for. A new preferred
 * location or a prefetch maps every GPU that lost entries here, by the
 * whole policy.
 */
static int coord_set_attr_map(struct drm_svm_coord *svm,
			      const struct drm_svm_coord_change *change,
			      const struct drm_svm_coord_attrs *attrs, u64 lost)
{
	bool always = attrs->flags & DRM_SVM_COORD_FLAG_GPU_ALWAYS_MAPPED;
	u64 take = attrs->access | attrs->access_in_place;
	u64 gpus;
	unsigned int i;
	int err;

	lockdep_assert_held(&svm->lock);

	if (always || (change->triggers & (DRM_SVM_COORD_TRIGGER_MIGRATE |
					   DRM_SVM_COORD_TRIGGER_PREFETCH)))
		take = svm->attached;
	gpus = (change->remap | (lost & take)) & ~change->unmap & svm->attached;
	if (!always)
		gpus &= ~svm->can_fault;

	for_each_set_bit(i, (unsigned long *)&gpus, DRM_SVM_COORD_MAX_VMS) {
		err = drm_svm_coord_map_span(svm->vms[i], change->start,
					     change->end, false);
		/* What was mapped is visible, error or not. */
		drm_svm_coord_map_sync(svm->vms[i]);
		if (err)
			return err;
	}
	return 0;
}

/* Whether the attributes of @page differ from those of the page before. */
static bool coord_attr_boundary(struct drm_svm_coord *svm, unsigned long page)
{
	struct drm_svm_coord_attrs attrs;
	unsigned long seg_first, seg_last;

	if (!page || page > drm_svm_coord_mm(svm)->task_size >> PAGE_SHIFT)
		return false;
	drm_svm_coord_attr_tree_lookup(&svm->attrs, page, page - 1, page,
				       &seg_first, &seg_last, &attrs);
	return seg_first == page;
}

/**
 * drm_svm_coord_set_attr() - set attributes of a range of addresses
 * @svm: the manager
 * @start: first address, page aligned
 * @size: size in bytes, page aligned, not zero
 * @attrs: the attributes, applied in order
 * @nattrs: number of entries of @attrs
 * @changes: if not NULL, receives what changed per interval, for the caller
 *	to act on; free with drm_svm_coord_changes_fini()
 *
 * Transactional: on any error nothing changes. See Attributes for the
 * semantics and &struct drm_svm_coord_change for what @changes reports.
 *
 * Ranges are split where the attributes now change within them, so that
 * every range keeps lying in one interval of equal attributes, the input
 * of the residency policy (see Splitting); they keep everything that did
 * not change (drm_svm_coord_ranges_update()). A prefetch moves the ranges
 * that are not at the prefetch location and leaves the others alone. The
 * GPUs able to fault take back what they lost on their next fault, under
 * the new attributes; the GPUs that cannot fault and were granted access,
 * or lost mappings there, are mapped at once wherever a VMA covers the
 * interval and they may access it (see Restore), except those that map on
 * request under the default policy and lost ranges to a flag change: the
 * restore worker gives them back the ranges they lost, no more.
 *
 * Return: 0; -EINVAL for a malformed range (zero size, unaligned,
 * overflowing, beyond the mm's task size) or request (see
 * &enum drm_svm_coord_attr_type: unknown type, malformed location or index,
 * unknown flag, a flag both set and cleared, GPU_READ_MOSTLY set,
 * HOST_ACCESS cleared, granularity above %DRM_SVM_COORD_GRANULARITY_MAX);
 * -ENODEV for a GPU index that is not
 * attached; -ENOMEM. An error of the mapping for GPUs that cannot fault
 * (-ENOMEM, -EBUSY, -EIO, a backend error) is returned after the
 * attributes were set: they stay set, and what could be mapped stays
 * mapped.
 */
int drm_svm_coord_set_attr(struct drm_svm_coord *svm, unsigned long start,
			   unsigned long size,
			   const struct drm_svm_coord_attr *attrs,
			   unsigned int nattrs,
			   struct drm_svm_coord_changes *changes)
{
	struct drm_svm_coord_changes local = {};
	struct drm_svm_coord_changes *out = changes ? changes : &local;
	unsigned long first, last;
	unsigned int i;
	bool alive;
	int err;

	lockdep_assert_not_held(&drm_svm_coord_mm(svm)->mmap_lock);
	err = drm_svm_coord_pages(svm, start, size, &first, &last);
	if (err)
		return err;

	down_write(&svm->lock);
	err = drm_svm_coord_attr_tree_set(&svm->attrs, first, last, attrs,
					  nattrs, svm->attached, svm->can_fault,
					  out);
	if (err) {
		up_write(&svm->lock);
		return err;
	}
	/* Only the bounds of the request can become attribute boundaries. */
	if (coord_attr_boundary(svm, first))
		drm_svm_coord_split_at(svm, start);
	if (coord_attr_boundary(svm, last + 1))
		drm_svm_coord_split_at(svm, start + size);
	alive = mmget_not_zero(drm_svm_coord_mm(svm));
	for (i = 0; i < out->count; i++) {
		const struct drm_svm_coord_change *change = &out->items[i];
		struct drm_svm_coord_attrs now;
		unsigned long seg_first, seg_last;
		u64 lost;

		drm_svm_coord_attr_tree_lookup(&svm->attrs,
					       change->start >> PAGE_SHIFT,
					       change->start >> PAGE_SHIFT,
					       change->start >> PAGE_SHIFT,
					       &seg_first, &seg_last, &now);
		lost = drm_svm_coord_ranges_update(svm, change, &now);

		/* Data asked somewhere goes there before anyone maps it. */
		if (alive && !err &&
		    (change->triggers & DRM_SVM_COORD_TRIGGER_PREFETCH) &&
		    svm->vram)
			err = drm_svm_coord_prefetch_span(svm, change->start,
							  change->end);
		/* GPUs that cannot fault get their mappings now. */
		if (alive && !err)
			err = coord_set_attr_map(svm, change, &now, lost);
	}
	if (alive)
		mmput(drm_svm_coord_mm(svm));
	up_write(&svm->lock);
	drm_svm_coord_changes_fini(&local);
	return err;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_set_attr);

/**
 * drm_svm_coord_changes_fini() - free what drm_svm_coord_set_attr() reported
 * @changes: the changes, empty afterwards
 */
void drm_svm_coord_changes_fini(struct drm_svm_coord_changes *changes)
{
	kfree(changes->items);
	*changes = (struct drm_svm_coord_changes) {};
}
EXPORT_SYMBOL_GPL(drm_svm_coord_changes_fini);

static void drm_svm_coord_summary_locked(struct drm_svm_coord *svm,
					 unsigned long first, unsigned long last,
					 struct drm_svm_coord_attr_summary *sum)
{
	lockdep_assert_held(&svm->lock);

	drm_svm_coord_attr_tree_summary(&svm->attrs, first, last, sum);
	sum->access &= svm->attached;
	sum->access_in_place &= svm->attached;
	sum->no_access &= svm->attached;
	sum->access_default &= svm->attached;
}

/**
 * drm_svm_coord_get_attr_summary() - sum up the attributes of a range
 * @svm: the manager
 * @start: first address, page aligned
 * @size: size in bytes, page aligned, not zero
 * @sum: filled as documented for &struct drm_svm_coord_attr_summary; GPU
 *	masks name attached GPUs only
 *
 * Return: 0, or -EINVAL for a malformed range (as drm_svm_coord_set_attr()).
 */
int drm_svm_coord_get_attr_summary(struct drm_svm_coord *svm,
				   unsigned long start, unsigned long size,
				   struct drm_svm_coord_attr_summary *sum)
{
	unsigned long first, last;
	int err;

	err = drm_svm_coord_pages(svm, start, size, &first, &last);
	if (err)
		return err;

	down_read(&svm->lock);
	drm_svm_coord_summary_locked(svm, first, last, sum);
	up_read(&svm->lock);
	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_get_attr_summary);

static bool coord_attr_is_access(u32 type)
{
	return type == DRM_SVM_COORD_ATTR_ACCESS ||
	       type == DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE ||
	       type == DRM_SVM_COORD_ATTR_NO_ACCESS ||
	       type == DRM_SVM_COORD_ATTR_ACCESS_DEFAULT;
}

static int drm_svm_coord_check_query(const struct drm_svm_coord_attr *attrs,
				     unsigned int nattrs, u64 attached)
{
	unsigned int i;
	int err;

	if (!nattrs || !attrs)
		return -EINVAL;
	for (i = 0; i < nattrs; i++) {
		if (attrs[i].type >= DRM_SVM_COORD_ATTR_NUM ||
		    attrs[i].type == DRM_SVM_COORD_ATTR_ACCESS_MIXED)
			return -EINVAL;
		if (!coord_attr_is_access(attrs[i].type))
			continue;
		err = drm_svm_coord_check_gpu(attrs[i].value, attached);
		if (err)
			return err;
	}
	return 0;
}

static u32 coord_access_type(const struct drm_svm_coord_attr_summary *sum, u32 index)
{
	u64 bit = BIT_ULL(index);

	if (sum->access & bit)
		return DRM_SVM_COORD_ATTR_ACCESS;
	if (sum->access_in_place & bit)
		return DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE;
	if (sum->no_access & bit)
		return DRM_SVM_COORD_ATTR_NO_ACCESS;
	if (sum->access_default & bit)
		return DRM_SVM_COORD_ATTR_ACCESS_DEFAULT;
	return DRM_SVM_COORD_ATTR_ACCESS_MIXED;
}

static void coord_fill_query(struct drm_svm_coord_attr *attr,
			     const struct drm_svm_coord_attr_summary *sum)
{
	switch (attr->type) {
	case DRM_SVM_COORD_ATTR_PREFERRED_LOC:
		attr->value = sum->preferred_loc;
		break;
	case DRM_SVM_COORD_ATTR_PREFETCH_LOC:
		attr->value = sum->prefetch_loc;
		break;
	case DRM_SVM_COORD_ATTR_SET_FLAGS:
		attr->value = sum->flags_set;
		break;
	case DRM_SVM_COORD_ATTR_CLR_FLAGS:
		attr->value = sum->flags_clear;
		break;
	case DRM_SVM_COORD_ATTR_GRANULARITY:
		attr->value = sum->granularity;
		break;
	default:	/* an access type; the value names the GPU */
		attr->type = coord_access_type(sum, attr->value);
		break;
	}
}

/**
 * drm_svm_coord_get_attr() - query attributes of a range, KFD style
 * @svm: the manager
 * @start: first address, page aligned
 * @size: size in bytes, page aligned, not zero
 * @attrs: the queries; each entry's value is replaced by the answer:
 *	the location (or %DRM_SVM_COORD_LOC_MIXED), the flags set or clear
 *	over the whole range, the smallest granularity. For an access type,
 *	the value names a GPU and the type is replaced by that GPU's access
 *	over the whole range (%DRM_SVM_COORD_ATTR_ACCESS,
 *	%DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE, %DRM_SVM_COORD_ATTR_NO_ACCESS or
 *	%DRM_SVM_COORD_ATTR_ACCESS_DEFAULT), or
 *	%DRM_SVM_COORD_ATTR_ACCESS_MIXED.
 * @nattrs: number of entries of @attrs
 *
 * Return: 0; -EINVAL for a malformed range or query; -ENODEV for a GPU
 * index that is not attached. @attrs is untouched on error.
 */
int drm_svm_coord_get_attr(struct drm_svm_coord *svm, unsigned long start,
			   unsigned long size, struct drm_svm_coord_attr *attrs,
			   unsigned int nattrs)
{
	struct drm_svm_coord_attr_summary sum;
	unsigned long first, last;
	unsigned int i;
	int err;

	err = drm_svm_coord_pages(svm, start, size, &first, &last);
	if (err)
		return err;

	down_read(&svm->lock);
	err = drm_svm_coord_check_query(attrs, nattrs, svm->attached);
	if (!err)
		drm_svm_coord_summary_locked(svm, first, last, &sum);
	up_read(&svm->lock);
	if (err)
		return err;

	for (i = 0; i < nattrs; i++)
		coord_fill_query(&attrs[i], &sum);
	return 0;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_get_attr);

struct coord_walk_adapter {
	drm_svm_coord_attr_fn fn;
	void *priv;
};

static int coord_walk_in_bytes(void *priv, unsigned long first, unsigned long last,
			       const struct drm_svm_coord_attrs *attrs)
{
	struct coord_walk_adapter *w = priv;

	return w->fn(w->priv, first << PAGE_SHIFT, (last + 1) << PAGE_SHIFT,
		     attrs);
}

/**
 * drm_svm_coord_walk_attrs() - visit the attributes of a range
 * @svm: the manager
 * @start: first address, page aligned
 * @end: end address (exclusive), page aligned, above @start
 * @fn: called for each interval of equal attributes, in address order,
 *	addresses never set included (with the defaults), clipped to the
 *	range; called with the manager lock held for reading, so it must not
 *	call back into the manager
 * @priv: passed to @fn
 *
 * Return: 0, the first non-zero value returned by @fn, or -EINVAL for a
 * malformed range.
 */
int drm_svm_coord_walk_attrs(struct drm_svm_coord *svm,
			     unsigned long start, unsigned long end,
			     drm_svm_coord_attr_fn fn, void *priv)
{
	struct coord_walk_adapter w = { .fn = fn, .priv = priv };
	unsigned long first, last;
	int ret;

	if (end <= start)
		return -EINVAL;
	ret = drm_svm_coord_pages(svm, start, end - start, &first, &last);
	if (ret)
		return ret;

	down_read(&svm->lock);
	ret = drm_svm_coord_attr_tree_walk(&svm->attrs, first, last,
					   coord_walk_in_bytes, &w);
	up_read(&svm->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(drm_svm_coord_walk_attrs);
