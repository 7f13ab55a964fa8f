/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * Internal structures of the coordinator, shared by its files and its KUnit
 * tests. Drivers use include/drm/drm_svm_coord.h only.
 */

#ifndef __DRM_SVM_COORD_PRIV_H__
#define __DRM_SVM_COORD_PRIV_H__

#include <linux/mmu_notifier.h>
#include <linux/rbtree.h>
#include <linux/rwsem.h>

#include <drm/drm_svm_coord.h>

/**
 * struct drm_svm_coord_attr_node - an interval of the attribute tree
 * @rb: node in &drm_svm_coord_attr_tree.root
 * @start: first page (address >> PAGE_SHIFT) of the interval
 * @last: last page of the interval (inclusive)
 * @__subtree_last: interval tree bookkeeping
 * @attrs: the attributes of every page of the interval
 */
struct drm_svm_coord_attr_node {
	struct rb_node rb;
	unsigned long start;
	unsigned long last;
	unsigned long __subtree_last;
	struct drm_svm_coord_attrs attrs;
};

/**
 * struct drm_svm_coord_attr_tree - attributes of an address space
 * @root: interval tree of &struct drm_svm_coord_attr_node
 * @count: number of nodes
 *
 * Canonical at all times: intervals are disjoint, none holds the default
 * attributes, and no two adjacent intervals hold equal attributes. The
 * tree does no locking; its user serializes (see Locking).
 */
struct drm_svm_coord_attr_tree {
	struct rb_root_cached root;
	unsigned int count;
};

/**
 * struct drm_svm_coord - the per-mm manager
 * @mn: MMU notifier singleton of the mm (mmu_notifier_get()), whose
 *	reference count is the manager's
 * @lock: protects @attached, @can_fault, @devs, @attrs and @dead
 * @attached: indices of the attached GPUs
 * @can_fault: indices of the attached GPUs that recover from page faults
 * @devs: the attached GPUs by index
 * @attrs: the attribute tree of the mm
 * @dead: the mm has exited; no new attachment
 */
struct drm_svm_coord {
	struct mmu_notifier mn;
	struct rw_semaphore lock;
	u64 attached;
	u64 can_fault;
	struct drm_svm_coord_dev *devs[DRM_SVM_COORD_MAX_DEVS];
	struct drm_svm_coord_attr_tree attrs;
	bool dead;
};

/**
 * struct drm_svm_coord_dev - a GPU attached to a manager
 * @svm: the manager, referenced while attached
 * @drm: the GPU's DRM device
 * @ops: its backend operations
 * @caps: its capabilities
 * @priv: the driver's data
 * @index: its bit in the manager's GPU bitmaps
 */
struct drm_svm_coord_dev {
	struct drm_svm_coord *svm;
	struct drm_device *drm;
	const struct drm_svm_coord_ops *ops;
	struct drm_svm_coord_dev_caps caps;
	void *priv;
	unsigned int index;
};

/* Attribute tree: drm_svm_coord_attr.c. Ranges are in pages, inclusive. */
int drm_svm_coord_check_gpu(u32 index, u64 attached);
void drm_svm_coord_attrs_default(struct drm_svm_coord_attrs *attrs);
bool drm_svm_coord_attrs_equal(const struct drm_svm_coord_attrs *a,
			       const struct drm_svm_coord_attrs *b);
int drm_svm_coord_attrs_validate(const struct drm_svm_coord_attr *attrs,
				 unsigned int nattrs, u64 attached);
void drm_svm_coord_attrs_apply(struct drm_svm_coord_attrs *attrs,
			       const struct drm_svm_coord_attr *in,
			       unsigned int nattrs);
bool drm_svm_coord_attrs_diff(const struct drm_svm_coord_attrs *old,
			      const struct drm_svm_coord_attrs *new,
			      u64 attached, u64 can_fault, bool prefetch,
			      struct drm_svm_coord_change *change);

void drm_svm_coord_attr_tree_init(struct drm_svm_coord_attr_tree *tree);
void drm_svm_coord_attr_tree_fini(struct drm_svm_coord_attr_tree *tree);
int drm_svm_coord_attr_tree_set(struct drm_svm_coord_attr_tree *tree,
				unsigned long first, unsigned long last,
				const struct drm_svm_coord_attr *attrs,
				unsigned int nattrs, u64 attached,
				u64 can_fault,
				struct drm_svm_coord_changes *changes);
/**
 * typedef drm_svm_coord_attr_seg_fn - callback of drm_svm_coord_attr_tree_walk()
 * @priv: the caller's data
 * @first: first page of the segment
 * @last: last page of the segment (inclusive)
 * @attrs: its attributes (defaults for pages never set)
 *
 * Return: 0 to go on, anything else stops the walk and is returned.
 */
typedef int (*drm_svm_coord_attr_seg_fn)(void *priv, unsigned long first,
					 unsigned long last,
					 const struct drm_svm_coord_attrs *attrs);

int drm_svm_coord_attr_tree_walk(struct drm_svm_coord_attr_tree *tree,
				 unsigned long first, unsigned long last,
				 drm_svm_coord_attr_seg_fn fn, void *priv);
void drm_svm_coord_attr_tree_summary(struct drm_svm_coord_attr_tree *tree,
				     unsigned long first, unsigned long last,
				     struct drm_svm_coord_attr_summary *sum);
void drm_svm_coord_attr_tree_forget_dev(struct drm_svm_coord_attr_tree *tree,
					unsigned int index);
struct drm_svm_coord_attr_node *
drm_svm_coord_attr_tree_first(struct drm_svm_coord_attr_tree *tree);
struct drm_svm_coord_attr_node *
drm_svm_coord_attr_tree_next(struct drm_svm_coord_attr_node *node);

/* Manager: drm_svm_coord_main.c. */
extern atomic_t drm_svm_coord_nr_managers;

#endif /* __DRM_SVM_COORD_PRIV_H__ */
