// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/debugfs.h>
#include <linux/export.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>

#include "drm_svm_coord_priv.h"

/**
 * DOC: Settings
 *
 * The policy knobs are settings of each manager, so that tuning one
 * process changes no other. A manager starts from the defaults below;
 * while a GPU is attached, its settings are files of its debugfs
 * directory, ``drm_svm_coord/<id>/``, where <id> is the manager's number
 * (drm_svm_coord_id(), also listed in ``drm_svm_coord/stats``). A value
 * written there is used from the next decision on.
 *
 * - ``thrash_threshold`` (3): migrations in a row, each within the window
 *   of the last, that throttle a range; 0 disables thrash control;
 * - ``thrash_lapse_us`` (500): floor of the thrash window;
 * - ``thrash_cost_mult`` (16): the window in migration costs of the range;
 * - ``thrash_pin_after`` (2): migrations while throttled that pin a range;
 * - ``thrash_quiet_ms`` (1000): floor of the quiet period that ends an
 *   episode;
 * - ``thrash_quiet_mult`` (256): the quiet period in migration costs;
 * - ``restore_retries`` (8): attempts to restore a range for GPUs that
 *   cannot fault before giving up.
 *
 * See Thrash control for why these defaults. The size of a notifier's
 * chunk of addresses is fixed when the module loads: the read-only module
 * parameter ``notifier_size_mb`` (512 MiB).
 */
static const struct drm_svm_coord_settings drm_svm_coord_defaults = {
	.thrash_threshold = 3,
	.thrash_lapse_us = 500,
	.thrash_cost_mult = 16,
	.thrash_pin_after = 2,
	.thrash_quiet_ms = 1000,
	.thrash_quiet_mult = 256,
	.restore_retries = 8,
};

static struct dentry *drm_svm_coord_debugfs;

/* Live managers, for debugfs; freed from SRCU callbacks, hence a spinlock. */
static LIST_HEAD(drm_svm_coord_list);
static DEFINE_SPINLOCK(drm_svm_coord_list_lock);

/**
 * drm_svm_coord_settings_init() - the settings a new manager starts from
 * @s: out: the defaults (see Settings)
 */
void drm_svm_coord_settings_init(struct drm_svm_coord_settings *s)
{
	*s = drm_svm_coord_defaults;
}

/**
 * drm_svm_coord_debugfs_register() - list a new manager in debugfs
 * @svm: the manager, being created
 */
void drm_svm_coord_debugfs_register(struct drm_svm_coord *svm)
{
	spin_lock_bh(&drm_svm_coord_list_lock);
	list_add_tail(&svm->link, &drm_svm_coord_list);
	spin_unlock_bh(&drm_svm_coord_list_lock);
}

/**
 * drm_svm_coord_debugfs_unregister() - take a manager out of debugfs
 * @svm: the manager, being freed (from an SRCU callback)
 */
void drm_svm_coord_debugfs_unregister(struct drm_svm_coord *svm)
{
	spin_lock_bh(&drm_svm_coord_list_lock);
	list_del(&svm->link);
	spin_unlock_bh(&drm_svm_coord_list_lock);
}

/**
 * drm_svm_coord_debugfs_add() - give a manager its debugfs directory
 * @svm: the manager, getting its first attachment
 *
 * The directory holds the manager's settings (see Settings). Under the
 * manager lock held for writing.
 */
void drm_svm_coord_debugfs_add(struct drm_svm_coord *svm)
{
	struct drm_svm_coord_settings *s = &svm->settings;
	struct dentry *dir;
	char name[16];

	lockdep_assert_held_write(&svm->lock);

	if (svm->debugfs)
		return;
	snprintf(name, sizeof(name), "%u", svm->id);
	dir = debugfs_create_dir(name, drm_svm_coord_debugfs);
	debugfs_create_u32("thrash_threshold", 0644, dir, &s->thrash_threshold);
	debugfs_create_u32("thrash_lapse_us", 0644, dir, &s->thrash_lapse_us);
	debugfs_create_u32("thrash_cost_mult", 0644, dir, &s->thrash_cost_mult);
	debugfs_create_u32("thrash_pin_after", 0644, dir, &s->thrash_pin_after);
	debugfs_create_u32("thrash_quiet_ms", 0644, dir, &s->thrash_quiet_ms);
	debugfs_create_u32("thrash_quiet_mult", 0644, dir,
			   &s->thrash_quiet_mult);
	debugfs_create_u32("restore_retries", 0644, dir, &s->restore_retries);
	svm->debugfs = dir;
}

/**
 * drm_svm_coord_debugfs_remove() - remove a manager's debugfs directory
 * @svm: the manager, losing its last attachment
 *
 * Called in process context with the manager lock held for writing: the
 * manager itself may be freed from an SRCU callback, where debugfs files
 * cannot be removed.
 */
void drm_svm_coord_debugfs_remove(struct drm_svm_coord *svm)
{
	lockdep_assert_held_write(&svm->lock);

	debugfs_remove_recursive(svm->debugfs);
	svm->debugfs = NULL;
}

static int coord_managers_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%d\n", atomic_read(&drm_svm_coord_nr_managers));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(coord_managers);

/**
 * DOC: Counters
 *
 * Every manager and every attached GPU counts what it did (see
 * &enum drm_svm_coord_stat) in atomic counters, read with
 * drm_svm_coord_read_stats() and zeroed with drm_svm_coord_reset_stats().
 * The debugfs file ``drm_svm_coord/stats`` lists the counters of every live
 * manager. They make the coordinator's promise checkable: N GPUs touching
 * one range cost one notifier, one hmm_range_fault() and, when the range
 * is invalidated, one callback with N zaps.
 */

/**
 * drm_svm_coord_read_stats() - read counters
 * @svm: the manager
 * @vm: a GPU attached to it, or NULL for the manager's own counters
 * @stats: receives the counters
 */
void drm_svm_coord_read_stats(struct drm_svm_coord *svm,
			      struct drm_svm_coord_vm *vm,
			      struct drm_svm_coord_stats *stats)
{
	atomic64_t *src = vm ? vm->stats : svm->stats;
	unsigned int i;

	for (i = 0; i < DRM_SVM_COORD_STAT_NUM; i++)
		stats->count[i] = atomic64_read(&src[i]);
}
EXPORT_SYMBOL_GPL(drm_svm_coord_read_stats);

/**
 * drm_svm_coord_reset_stats() - zero the counters of a manager and its GPUs
 * @svm: the manager
 */
void drm_svm_coord_reset_stats(struct drm_svm_coord *svm)
{
	unsigned int i, d;

	down_read(&svm->lock);
	for (i = 0; i < DRM_SVM_COORD_STAT_NUM; i++) {
		atomic64_set(&svm->stats[i], 0);
		for (d = 0; d < DRM_SVM_COORD_MAX_VMS; d++)
			if (svm->vms[d])
				atomic64_set(&svm->vms[d]->stats[i], 0);
	}
	up_read(&svm->lock);
}
EXPORT_SYMBOL_GPL(drm_svm_coord_reset_stats);

static const char *const drm_svm_coord_stat_names[] = {
	[DRM_SVM_COORD_STAT_NOTIFIERS] = "notifiers",
	[DRM_SVM_COORD_STAT_NOTIFIERS_REMOVED] = "notifiers_removed",
	[DRM_SVM_COORD_STAT_RANGES] = "ranges",
	[DRM_SVM_COORD_STAT_RANGES_DESTROYED] = "ranges_destroyed",
	[DRM_SVM_COORD_STAT_HMM_FAULTS] = "hmm_faults",
	[DRM_SVM_COORD_STAT_HMM_PAGES] = "hmm_pages",
	[DRM_SVM_COORD_STAT_INVALIDATIONS] = "invalidations",
	[DRM_SVM_COORD_STAT_ZAPS] = "zaps",
	[DRM_SVM_COORD_STAT_TLB_WAITS] = "tlb_waits",
	[DRM_SVM_COORD_STAT_FAULTS] = "faults",
	[DRM_SVM_COORD_STAT_MAPS] = "maps",
	[DRM_SVM_COORD_STAT_DMA_MAPS] = "dma_maps",
	[DRM_SVM_COORD_STAT_RETRIES] = "retries",
	[DRM_SVM_COORD_STAT_GC_RUNS] = "gc_runs",
	[DRM_SVM_COORD_STAT_RESTORE_RUNS] = "restore_runs",
	[DRM_SVM_COORD_STAT_SPLITS] = "splits",
	[DRM_SVM_COORD_STAT_QUIESCES] = "quiesces",
	[DRM_SVM_COORD_STAT_RESUMES] = "resumes",
	[DRM_SVM_COORD_STAT_RESTORE_FAILURES] = "restore_failures",
	[DRM_SVM_COORD_STAT_MIGRATIONS] = "migrations",
	[DRM_SVM_COORD_STAT_MIGRATED_PAGES] = "migrated_pages",
	[DRM_SVM_COORD_STAT_MIGRATION_FAILURES] = "migration_failures",
	[DRM_SVM_COORD_STAT_REMOTE_MAPS] = "remote_maps",
	[DRM_SVM_COORD_STAT_THRASH_THROTTLES] = "thrash_throttles",
	[DRM_SVM_COORD_STAT_THRASH_PINS] = "thrash_pins",
	[DRM_SVM_COORD_STAT_EVICTIONS_PEER] = "evictions_peer",
	[DRM_SVM_COORD_STAT_EVICTIONS_RAM] = "evictions_ram",
	[DRM_SVM_COORD_STAT_UNMAP_FAILURES] = "unmap_failures",
};

static_assert(ARRAY_SIZE(drm_svm_coord_stat_names) == DRM_SVM_COORD_STAT_NUM);

static int coord_stats_show(struct seq_file *m, void *unused)
{
	struct drm_svm_coord *svm;
	unsigned int i;

	spin_lock_bh(&drm_svm_coord_list_lock);
	list_for_each_entry(svm, &drm_svm_coord_list, link) {
		seq_printf(m, "manager %u gpus %#llx\n", svm->id,
			   READ_ONCE(svm->attached));
		for (i = 0; i < DRM_SVM_COORD_STAT_NUM; i++)
			seq_printf(m, "  %s %lld\n", drm_svm_coord_stat_names[i],
				   atomic64_read(&svm->stats[i]));
	}
	spin_unlock_bh(&drm_svm_coord_list_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(coord_stats);

/**
 * drm_svm_coord_debugfs_init() - create ``drm_svm_coord/`` in debugfs
 */
void drm_svm_coord_debugfs_init(void)
{
	drm_svm_coord_debugfs = debugfs_create_dir("drm_svm_coord", NULL);
	debugfs_create_file("managers", 0444, drm_svm_coord_debugfs, NULL,
			    &coord_managers_fops);
	debugfs_create_file("stats", 0444, drm_svm_coord_debugfs, NULL,
			    &coord_stats_fops);
}

/**
 * drm_svm_coord_debugfs_fini() - remove ``drm_svm_coord/`` from debugfs
 */
void drm_svm_coord_debugfs_fini(void)
{
	debugfs_remove_recursive(drm_svm_coord_debugfs);
}
