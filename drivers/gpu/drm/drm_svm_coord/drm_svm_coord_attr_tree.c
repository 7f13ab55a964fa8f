// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/error-injection.h>
#include <linux/export.h>
#include <linux/interval_tree_generic.h>
#include <linux/slab.h>

#include <kunit/visibility.h>

#include "drm_svm_coord_priv.h"

/**
 * DOC: Attribute tree
 *
 * One attribute tree per manager holds the attributes of the whole address
 * space for every GPU of the process. It is an interval tree
 * (interval_tree_generic.h) of disjoint page intervals; addresses that were
 * never set have the default attributes. The tree stays canonical: it holds
 * no interval with default attributes and no two adjacent intervals with
 * equal ones, so its shape depends only on the attributes it describes.
 *
 * drm_svm_coord_attr_tree_set() plans a change before it makes it: the
 * span of the request, widened to the intervals that touch it, is cut into
 * segments of uniform old attributes, the new ones are applied, equal
 * neighbours are merged and default segments dropped. Every node the new
 * intervals need is allocated before the tree changes, so a failure leaves
 * the tree as it was. The tree does no locking: the manager lock serializes
 * its users (see Locking).
 */

#define ATTR_START(node) ((node)->start)
#define ATTR_LAST(node) ((node)->last)

INTERVAL_TREE_DEFINE(struct drm_svm_coord_attr_node, rb, unsigned long,
		     __subtree_last, ATTR_START, ATTR_LAST, static, attr_it)

static bool coord_attrs_are_default(const struct drm_svm_coord_attrs *attrs)
{
	struct drm_svm_coord_attrs def;

	drm_svm_coord_attrs_default(&def);
	return drm_svm_coord_attrs_equal(attrs, &def);
}

/**
 * drm_svm_coord_attr_tree_init() - initialize an empty attribute tree
 * @tree: the tree
 */
void drm_svm_coord_attr_tree_init(struct drm_svm_coord_attr_tree *tree)
{
	tree->root = RB_ROOT_CACHED;
	tree->count = 0;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attr_tree_init);

/**
 * drm_svm_coord_attr_tree_first() - the lowest interval of a tree
 * @tree: the tree
 *
 * Return: the node, or NULL for an empty tree.
 */
struct drm_svm_coord_attr_node *
drm_svm_coord_attr_tree_first(struct drm_svm_coord_attr_tree *tree)
{
	return attr_it_iter_first(&tree->root, 0, ULONG_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attr_tree_first);

/**
 * drm_svm_coord_attr_tree_next() - the interval after @node
 * @node: a node of the tree
 *
 * Return: the next node in address order, or NULL.
 */
struct drm_svm_coord_attr_node *
drm_svm_coord_attr_tree_next(struct drm_svm_coord_attr_node *node)
{
	return attr_it_iter_next(node, 0, ULONG_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attr_tree_next);

static void coord_tree_remove(struct drm_svm_coord_attr_tree *tree,
			      struct drm_svm_coord_attr_node *node)
{
	attr_it_remove(node, &tree->root);
	tree->count--;
}

static void coord_tree_insert(struct drm_svm_coord_attr_tree *tree,
			      struct drm_svm_coord_attr_node *node)
{
	attr_it_insert(node, &tree->root);
	tree->count++;
}

/**
 * drm_svm_coord_attr_tree_fini() - free every interval of a tree
 * @tree: the tree, empty afterwards
 *
 * Does not sleep.
 */
void drm_svm_coord_attr_tree_fini(struct drm_svm_coord_attr_tree *tree)
{
	struct drm_svm_coord_attr_node *node;

	while ((node = drm_svm_coord_attr_tree_first(tree))) {
		coord_tree_remove(tree, node);
		kfree(node);
	}
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attr_tree_fini);

/**
 * drm_svm_coord_attr_tree_walk() - visit the attributes of a page range
 * @tree: the tree
 * @first: first page
 * @last: last page (inclusive)
 * @fn: called for each segment of equal attributes, in address order,
 *	gaps with the default attributes included, clipped to the range
 * @priv: passed to @fn
 *
 * Return: 0, or the first non-zero value returned by @fn.
 */
int drm_svm_coord_attr_tree_walk(struct drm_svm_coord_attr_tree *tree,
				 unsigned long first, unsigned long last,
				 drm_svm_coord_attr_seg_fn fn, void *priv)
{
	struct drm_svm_coord_attr_node *node;
	struct drm_svm_coord_attrs def;
	unsigned long pos = first;
	int ret;

	drm_svm_coord_attrs_default(&def);
	for (node = attr_it_iter_first(&tree->root, first, last); node;
	     node = attr_it_iter_next(node, first, last)) {
		if (node->start > pos) {
			ret = fn(priv, pos, node->start - 1, &def);
			if (ret)
				return ret;
		}
		ret = fn(priv, max(node->start, first), min(node->last, last),
			 &node->attrs);
		if (ret || node->last >= last)
			return ret;
		pos = node->last + 1;
	}

	return fn(priv, pos, last, &def);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attr_tree_walk);

struct coord_lookup_ctx {
	unsigned long page;
	unsigned long first;
	unsigned long last;
	struct drm_svm_coord_attrs *attrs;
};

static int coord_lookup_seg(void *priv, unsigned long first, unsigned long last,
			    const struct drm_svm_coord_attrs *attrs)
{
	struct coord_lookup_ctx *ctx = priv;

	if (last < ctx->page)
		return 0;
	ctx->first = first;
	ctx->last = last;
	*ctx->attrs = *attrs;
	return 1;
}

/**
 * drm_svm_coord_attr_tree_lookup() - the attributes of a page and how far
 * they reach
 * @tree: the tree
 * @page: the page
 * @first: first page of the window to look in, at most @page
 * @last: last page of the window, at least @page
 * @seg_first: receives the first page of the window with @page's attributes
 * @seg_last: receives the last such page (inclusive)
 * @attrs: receives the attributes of @page
 *
 * Return: 0, or -EINVAL when @page is outside the window.
 */
int drm_svm_coord_attr_tree_lookup(struct drm_svm_coord_attr_tree *tree,
				   unsigned long page, unsigned long first,
				   unsigned long last, unsigned long *seg_first,
				   unsigned long *seg_last,
				   struct drm_svm_coord_attrs *attrs)
{
	struct coord_lookup_ctx ctx = { .page = page, .attrs = attrs };

	if (page < first || page > last)
		return -EINVAL;
	drm_svm_coord_attr_tree_walk(tree, first, last, coord_lookup_seg, &ctx);
	*seg_first = ctx.first;
	*seg_last = ctx.last;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attr_tree_lookup);

struct coord_summary_ctx {
	struct drm_svm_coord_attr_summary *sum;
	bool started;
};

static int coord_summary_seg(void *priv, unsigned long first, unsigned long last,
			     const struct drm_svm_coord_attrs *attrs)
{
	struct coord_summary_ctx *ctx = priv;
	struct drm_svm_coord_attr_summary *sum = ctx->sum;
	u64 explicit = attrs->access | attrs->access_in_place | attrs->no_access;

	if (!ctx->started) {
		sum->preferred_loc = attrs->preferred_loc;
		sum->prefetch_loc = attrs->prefetch_loc;
		ctx->started = true;
	}
	if (sum->preferred_loc != attrs->preferred_loc)
		sum->preferred_loc = DRM_SVM_COORD_LOC_MIXED;
	if (sum->prefetch_loc != attrs->prefetch_loc)
		sum->prefetch_loc = DRM_SVM_COORD_LOC_MIXED;
	sum->access &= attrs->access;
	sum->access_in_place &= attrs->access_in_place;
	sum->no_access &= attrs->no_access;
	sum->access_default &= ~explicit;
	sum->flags_set &= attrs->flags;
	sum->flags_clear &= ~attrs->flags;
	sum->granularity = min(sum->granularity, attrs->granularity);
	return 0;
}

/**
 * drm_svm_coord_attr_tree_summary() - sum up the attributes of a page range
 * @tree: the tree
 * @first: first page
 * @last: last page (inclusive)
 * @sum: filled as documented for &struct drm_svm_coord_attr_summary; the
 *	GPU masks cover all %DRM_SVM_COORD_MAX_VMS indices
 */
void drm_svm_coord_attr_tree_summary(struct drm_svm_coord_attr_tree *tree,
				     unsigned long first, unsigned long last,
				     struct drm_svm_coord_attr_summary *sum)
{
	struct coord_summary_ctx ctx = { .sum = sum };

	*sum = (struct drm_svm_coord_attr_summary) {
		.access = ~0ull,
		.access_in_place = ~0ull,
		.no_access = ~0ull,
		.access_default = ~0ull,
		.flags_set = DRM_SVM_COORD_FLAGS_ALL,
		.flags_clear = DRM_SVM_COORD_FLAGS_ALL,
		.granularity = U8_MAX,
	};
	drm_svm_coord_attr_tree_walk(tree, first, last, coord_summary_seg, &ctx);
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attr_tree_summary);

/*
 * Setting attributes: the plan.
 *
 * The span is [first, last] widened to the intervals that overlap it or
 * touch it, so that neighbours with equal attributes can be merged. The
 * span is cut into segments of uniform old attributes, split at first and
 * last + 1; the segments inside [first, last] get the new attributes. The
 * plan is then coalesced (equal neighbours merged, default segments
 * dropped) into the intervals the span must hold. Nodes of the span are
 * reused for them, and only the missing ones are allocated, all before the
 * tree changes.
 */
struct coord_attr_seg {
	unsigned long start;
	unsigned long last;
	struct drm_svm_coord_attrs old;
	struct drm_svm_coord_attrs new;
};

struct coord_attr_plan {
	unsigned long first;
	unsigned long last;
	struct coord_attr_seg *segs;
	unsigned int nsegs;
};

static void coord_plan_push(struct coord_attr_plan *plan, unsigned long start,
			    unsigned long last, const struct drm_svm_coord_attrs *old)
{
	struct coord_attr_seg *seg = &plan->segs[plan->nsegs++];

	seg->start = start;
	seg->last = last;
	seg->old = *old;
	seg->new = *old;
}

/* Push [start, last] as up to three segments cut at first and last + 1. */
static void coord_plan_add(struct coord_attr_plan *plan, unsigned long start,
			   unsigned long last, const struct drm_svm_coord_attrs *old)
{
	if (start < plan->first && last >= plan->first) {
		coord_plan_push(plan, start, plan->first - 1, old);
		start = plan->first;
	}
	if (start <= plan->last && last > plan->last) {
		coord_plan_push(plan, start, plan->last, old);
		start = plan->last + 1;
	}
	coord_plan_push(plan, start, last, old);
}

static unsigned int coord_span_count(struct drm_svm_coord_attr_tree *tree,
				     unsigned long lo, unsigned long hi)
{
	struct drm_svm_coord_attr_node *node;
	unsigned int n = 0;

	for (node = attr_it_iter_first(&tree->root, lo, hi); node;
	     node = attr_it_iter_next(node, lo, hi))
		n++;
	return n;
}

/* Cut the span into segments of old attributes. */
static void coord_plan_build(struct coord_attr_plan *plan,
			     struct drm_svm_coord_attr_tree *tree,
			     unsigned long lo, unsigned long hi)
{
	struct drm_svm_coord_attr_node *node;
	struct drm_svm_coord_attrs def;
	unsigned long pos = plan->first;
	bool first_node = true, covered = false;

	drm_svm_coord_attrs_default(&def);
	for (node = attr_it_iter_first(&tree->root, lo, hi); node;
	     node = attr_it_iter_next(node, lo, hi)) {
		if (first_node && node->start < pos)
			pos = node->start;
		first_node = false;
		if (node->start > pos)
			coord_plan_add(plan, pos, node->start - 1, &def);
		coord_plan_add(plan, node->start, node->last, &node->attrs);
		covered = node->last >= plan->last;
		if (node->last == ULONG_MAX)
			return;
		pos = node->last + 1;
	}
	if (!covered)
		coord_plan_add(plan, pos, plan->last, &def);
}

/* Merge equal neighbours and drop default segments, in place. */
static unsigned int coord_plan_coalesce(struct coord_attr_plan *plan,
					struct coord_attr_seg *out)
{
	unsigned int i, n = 0;

	for (i = 0; i < plan->nsegs; i++) {
		const struct coord_attr_seg *seg = &plan->segs[i];

		if (coord_attrs_are_default(&seg->new))
			continue;
		if (n && out[n - 1].last + 1 == seg->start &&
		    drm_svm_coord_attrs_equal(&out[n - 1].new, &seg->new)) {
			out[n - 1].last = seg->last;
			continue;
		}
		out[n++] = *seg;
	}
	return n;
}

static void coord_changes_add(struct drm_svm_coord_changes *changes,
			      unsigned long start, unsigned long last,
			      const struct drm_svm_coord_change *c)
{
	struct drm_svm_coord_change *prev = changes->count ?
		&changes->items[changes->count - 1] : NULL;
	unsigned long s = start << PAGE_SHIFT, e = (last + 1) << PAGE_SHIFT;

	if (prev && prev->end == s && prev->remap == c->remap &&
	    prev->unmap == c->unmap && prev->rewrite == c->rewrite &&
	    prev->triggers == c->triggers) {
		prev->end = e;
		return;
	}
	changes->items[changes->count++] = (struct drm_svm_coord_change) {
		.start = s, .end = e, .remap = c->remap, .unmap = c->unmap,
		.rewrite = c->rewrite, .triggers = c->triggers,
	};
}

static bool coord_request_prefetches(const struct drm_svm_coord_attr *attrs,
				     unsigned int nattrs)
{
	bool prefetch = false;
	unsigned int i;

	for (i = 0; i < nattrs; i++)
		if (attrs[i].type == DRM_SVM_COORD_ATTR_PREFETCH_LOC)
			prefetch = attrs[i].value != DRM_SVM_COORD_LOC_UNDEFINED;
	return prefetch;
}

/* Apply the request to the segments inside [first, last]; count changes. */
static unsigned int coord_plan_apply(struct coord_attr_plan *plan,
				     const struct drm_svm_coord_attr *attrs,
				     unsigned int nattrs, u64 attached, u64 can_fault,
				     struct drm_svm_coord_change *diffs)
{
	bool prefetch = coord_request_prefetches(attrs, nattrs);
	unsigned int i, nchanges = 0;

	for (i = 0; i < plan->nsegs; i++) {
		struct coord_attr_seg *seg = &plan->segs[i];

		if (seg->last < plan->first || seg->start > plan->last) {
			diffs[i] = (struct drm_svm_coord_change) {};
			continue;
		}
		drm_svm_coord_attrs_apply(&seg->new, attrs, nattrs);
		if (drm_svm_coord_attrs_diff(&seg->old, &seg->new, attached,
					     can_fault, prefetch, &diffs[i]))
			nchanges++;
	}
	return nchanges;
}

/*
 * Replace the span's nodes by the coalesced plan. @pool has room for the
 * span's nodes, followed by the nodes allocated beforehand. Cannot fail.
 * Return: the number of pool entries used; the others are to be freed.
 */
static unsigned int coord_plan_commit(struct drm_svm_coord_attr_tree *tree,
				      unsigned long lo, unsigned long hi,
				      const struct coord_attr_seg *kept, unsigned int nkept,
				      struct drm_svm_coord_attr_node **pool)
{
	struct drm_svm_coord_attr_node *node, *next;
	unsigned int i = 0;

	for (node = attr_it_iter_first(&tree->root, lo, hi); node; node = next) {
		next = attr_it_iter_next(node, lo, hi);
		coord_tree_remove(tree, node);
		pool[i++] = node;
	}

	for (i = 0; i < nkept; i++) {
		pool[i]->start = kept[i].start;
		pool[i]->last = kept[i].last;
		pool[i]->attrs = kept[i].new;
		coord_tree_insert(tree, pool[i]);
	}
	return nkept;
}

/**
 * drm_svm_coord_attr_tree_set() - set attributes of a page range
 * @tree: the tree
 * @first: first page
 * @last: last page (inclusive), not below @first
 * @attrs: the request
 * @nattrs: number of entries of @attrs
 * @attached: indices of the attached GPUs
 * @can_fault: indices of the attached GPUs that recover from page faults
 * @changes: if not NULL, receives what changed (see
 *	&struct drm_svm_coord_changes); untouched on error
 *
 * Transactional: on error the tree is unchanged.
 *
 * Return: 0, a negative errno of drm_svm_coord_attrs_validate(), -EINVAL
 * for @last below @first, or -ENOMEM.
 */
int drm_svm_coord_attr_tree_set(struct drm_svm_coord_attr_tree *tree,
				unsigned long first, unsigned long last,
				const struct drm_svm_coord_attr *attrs,
				unsigned int nattrs, u64 attached,
				u64 can_fault,
				struct drm_svm_coord_changes *changes)
{
	unsigned long lo = first ? first - 1 : 0;
	unsigned long hi = last == ULONG_MAX ? last : last + 1;
	struct drm_svm_coord_attr_node **pool = NULL;
	struct drm_svm_coord_change *diffs = NULL;
	struct drm_svm_coord_changes out = {};
	struct coord_attr_plan plan = { .first = first, .last = last };
	unsigned int n, nkept, nchanges, npool = 0, used = 0, i;
	struct coord_attr_seg *kept = NULL;
	int err;

	if (last < first)
		return -EINVAL;
	err = drm_svm_coord_attrs_validate(attrs, nattrs, attached);
	if (err)
		return err;

	/* n nodes and the gaps between them, cut twice more. */
	n = coord_span_count(tree, lo, hi);
	err = -ENOMEM;
	plan.segs = kmalloc_objs(*plan.segs, 2 * n + 3);
	kept = kmalloc_objs(*kept, 2 * n + 3);
	diffs = kmalloc_objs(*diffs, 2 * n + 3);
	if (!plan.segs || !kept || !diffs)
		goto out;

	coord_plan_build(&plan, tree, lo, hi);
	nchanges = coord_plan_apply(&plan, attrs, nattrs, attached, can_fault, diffs);
	nkept = coord_plan_coalesce(&plan, kept);

	/* The span's nodes are reused; allocate only what is missing. */
	pool = kcalloc(max(n, nkept), sizeof(*pool), GFP_KERNEL);
	if (!pool)
		goto out;
	for (npool = n; npool < nkept; npool++) {
		pool[npool] = kzalloc_obj(*pool[npool]);
		if (!pool[npool])
			goto out;
	}
	if (changes && nchanges) {
		out.items = kmalloc_objs(*out.items, nchanges);
		if (!out.items)
			goto out;
	}

	/* Point of no return. */
	used = coord_plan_commit(tree, lo, hi, kept, nkept, pool);
	for (i = 0; changes && i < plan.nsegs; i++)
		if (diffs[i].remap || diffs[i].unmap || diffs[i].rewrite ||
		    diffs[i].triggers)
			coord_changes_add(&out, plan.segs[i].start, plan.segs[i].last,
					  &diffs[i]);
	if (changes)
		*changes = out;
	err = 0;
out:
	if (err)
		kfree(out.items);
	/*
	 * Free what the tree does not hold: on error the new nodes
	 * [n, npool), after commit the span's nodes left over [used, n).
	 */
	for (i = err ? n : used; pool && i < max(n, npool); i++)
		kfree(pool[i]);
	kfree(pool);
	kfree(diffs);
	kfree(kept);
	kfree(plan.segs);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attr_tree_set);
ALLOW_ERROR_INJECTION(drm_svm_coord_attr_tree_set, ERRNO);

/**
 * drm_svm_coord_attr_tree_forget_vm() - remove a GPU from every attribute
 * @tree: the tree
 * @index: the GPU's index
 *
 * The GPU returns to the default access policy everywhere, and preferred
 * or prefetch locations naming it become undefined. Intervals that become
 * default or equal to their neighbour are freed. Does not allocate.
 */
void drm_svm_coord_attr_tree_forget_vm(struct drm_svm_coord_attr_tree *tree,
				       unsigned int index)
{
	struct drm_svm_coord_attr_node *node, *next, *prev = NULL;

	for (node = drm_svm_coord_attr_tree_first(tree); node; node = next) {
		struct drm_svm_coord_attrs *a = &node->attrs;

		next = drm_svm_coord_attr_tree_next(node);
		drm_svm_coord_attrs_set_access(a, DRM_SVM_COORD_ATTR_ACCESS_DEFAULT,
					       index);
		if (a->preferred_loc == index)
			a->preferred_loc = DRM_SVM_COORD_LOC_UNDEFINED;
		if (a->prefetch_loc == index)
			a->prefetch_loc = DRM_SVM_COORD_LOC_UNDEFINED;

		if (coord_attrs_are_default(a)) {
			coord_tree_remove(tree, node);
			kfree(node);
		} else if (prev && prev->last + 1 == node->start &&
			   drm_svm_coord_attrs_equal(&prev->attrs, a)) {
			/*
			 * Grow prev: remove and reinsert keeps the
			 * augmented data right.
			 */
			coord_tree_remove(tree, prev);
			prev->last = node->last;
			coord_tree_remove(tree, node);
			kfree(node);
			coord_tree_insert(tree, prev);
		} else {
			prev = node;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(drm_svm_coord_attr_tree_forget_vm);
