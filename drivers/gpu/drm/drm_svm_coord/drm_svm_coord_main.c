// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/debugfs.h>
#include <linux/module.h>

/**
 * DOC: Overview
 *
 * The multi-GPU SVM coordinator keeps one shared virtual memory manager per
 * process address space (&struct mm_struct) for every GPU that process uses.
 * Where each GPU would otherwise keep its own &struct drm_gpusvm, with its
 * own MMU interval notifiers, its own hmm_range_fault() of the same pages
 * and its own attributes, the coordinator owns one notifier per range, one
 * hmm_range_fault() per range whose result is DMA-mapped for every GPU that
 * needs it, and one attribute tree. GPU drivers attach through a table of
 * backend operations for page-table updates, TLB flushes, queue quiesce and
 * resume, and copies.
 */

static struct dentry *drm_svm_coord_debugfs;

static int __init drm_svm_coord_init(void)
{
	drm_svm_coord_debugfs = debugfs_create_dir("drm_svm_coord", NULL);
	return 0;
}

static void __exit drm_svm_coord_exit(void)
{
	debugfs_remove_recursive(drm_svm_coord_debugfs);
}

module_init(drm_svm_coord_init);
module_exit(drm_svm_coord_exit);

MODULE_DESCRIPTION("Multi-GPU shared virtual memory coordinator");
MODULE_LICENSE("Dual MIT/GPL");
