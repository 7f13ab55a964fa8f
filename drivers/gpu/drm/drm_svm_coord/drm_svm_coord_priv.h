/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * Internal structures of the coordinator, shared by its files and its KUnit
 * tests. Drivers use include/drm/drm_svm_coord.h only.
 */

#ifndef __DRM_SVM_COORD_PRIV_H__
#define __DRM_SVM_COORD_PRIV_H__

#include <linux/interval_tree.h>
#include <linux/kref.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/rwsem.h>
#include <linux/sizes.h>
#include <linux/workqueue.h>

#include <drm/drm_gpusvm.h>
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
 * struct drm_svm_coord_topology - the GPUs as the residency policy sees them
 * @vram: GPUs with device memory
 * @room: GPUs whose device memory can take the range now
 * @reach: per GPU, the GPUs whose VRAM it can map: itself, and the peers
 *	that share its device-private page owner
 */
struct drm_svm_coord_topology {
	u64 vram;
	u64 room;
	u64 reach[DRM_SVM_COORD_MAX_VMS];
};

/**
 * struct drm_svm_coord_thrash_params - knobs of thrash control
 * @threshold: migrations in a row, each within the window of the last,
 *	that make the range throttled; 0 disables thrash control
 * @lapse_ns: floor of the window
 * @cost_mult: the window is at least this many times the range's average
 *	migration cost
 * @pin_after: migrations while throttled that pin the range
 * @quiet_ns: floor of the quiet period that ends an episode
 * @quiet_mult: the quiet period is at least this many times the cost
 */
struct drm_svm_coord_thrash_params {
	u32 threshold;
	u64 lapse_ns;
	u32 cost_mult;
	u32 pin_after;
	u64 quiet_ns;
	u32 quiet_mult;
};

/**
 * struct drm_svm_coord_settings - the policy knobs of one manager
 * @thrash_threshold: see &drm_svm_coord_thrash_params.threshold
 * @thrash_lapse_us: &drm_svm_coord_thrash_params.lapse_ns, in µs
 * @thrash_cost_mult: see &drm_svm_coord_thrash_params.cost_mult
 * @thrash_pin_after: see &drm_svm_coord_thrash_params.pin_after (at least 1)
 * @thrash_quiet_ms: &drm_svm_coord_thrash_params.quiet_ns, in ms
 * @thrash_quiet_mult: see &drm_svm_coord_thrash_params.quiet_mult
 * @restore_retries: attempts to restore a range for GPUs that cannot fault
 *	before giving up (see Restore)
 *
 * Read with READ_ONCE() where used; written through debugfs (see
 * Settings).
 */
struct drm_svm_coord_settings {
	u32 thrash_threshold;
	u32 thrash_lapse_us;
	u32 thrash_cost_mult;
	u32 thrash_pin_after;
	u32 thrash_quiet_ms;
	u32 thrash_quiet_mult;
	u32 restore_retries;
};

/**
 * struct drm_svm_coord_thrash - thrash control state of a range
 * @state: an &enum drm_svm_coord_thrash_state
 * @pin_loc: the pinned location while PINNED
 * @events: migrations in a row within the window (NORMAL)
 * @pressure: migrations while THROTTLED
 * @competitors: GPUs that moved the range in this episode
 * @last_ns: end of the last migration
 * @mark_ns: last event of the episode, start of its quiet period
 * @cost_ns: moving average of the range's migration cost
 * @migrations: migrations of the range
 * @throttles: times the range was throttled
 * @pins: times the range was pinned
 */
struct drm_svm_coord_thrash {
	u32 state;
	u32 pin_loc;
	u32 events;
	u32 pressure;
	u64 competitors;
	u64 last_ns;
	u64 mark_ns;
	u64 cost_ns;
	u32 migrations;
	u32 throttles;
	u32 pins;
};

/**
 * struct drm_svm_coord_policy_in - the facts of one residency decision
 * @attrs: the range's attributes
 * @topo: the GPUs
 * @gpu: the GPU asking (faulting, mapping or prefetching)
 * @cur: where the data is: %DRM_SVM_COORD_LOC_SYSMEM or a GPU index
 * @request: a prefetch location asked for explicitly, or
 *	%DRM_SVM_COORD_LOC_UNDEFINED for a fault or a map
 * @thrash: the range's &enum drm_svm_coord_thrash_state
 * @pin_loc: the pinned location when @thrash is PINNED
 * @restore: the restore worker maps @gpu again after an invalidation,
 *	which is no access of the GPU (see Restore)
 */
struct drm_svm_coord_policy_in {
	const struct drm_svm_coord_attrs *attrs;
	const struct drm_svm_coord_topology *topo;
	unsigned int gpu;
	u32 cur;
	u32 request;
	u32 thrash;
	u32 pin_loc;
	bool restore;
};

/**
 * enum drm_svm_coord_action - what a residency decision asks for
 * @DRM_SVM_COORD_MAP: map the data where it is
 * @DRM_SVM_COORD_MIGRATE: move the data, then map it
 * @DRM_SVM_COORD_REFUSE: the GPU must not map the range
 */
enum drm_svm_coord_action {
	DRM_SVM_COORD_MAP,
	DRM_SVM_COORD_MIGRATE,
	DRM_SVM_COORD_REFUSE,
};

/**
 * struct drm_svm_coord_decision - the answer of drm_svm_coord_decide()
 * @action: an &enum drm_svm_coord_action
 * @loc: where the GPU maps the data from once the action is done
 * @rule: the &enum drm_svm_coord_rule that decided
 */
struct drm_svm_coord_decision {
	u32 action;
	u32 loc;
	u32 rule;
};

/**
 * struct drm_svm_coord - the per-mm manager
 * @mn: MMU notifier singleton of the mm (mmu_notifier_get()), whose
 *	reference count is the manager's
 * @lock: protects @attached, @can_fault, @vms, @attrs, @reserved and @dead
 *	(writers: attach, detach, set_attr, reserve); held for reading across
 *	a GPU fault
 * @attached: indices of the attached GPUs
 * @can_fault: indices of the attached GPUs that recover from page faults
 * @vram: indices of the attached GPUs with VRAM
 * @vms: the attached GPUs by index
 * @attrs: the attribute tree of the mm
 * @reserved: interval tree of &struct drm_svm_coord_reservation: addresses
 *	GPUs keep for their own buffer objects (see Reserved addresses)
 * @dead: the mm has exited; no new attachment
 * @tree_lock: protects @notifiers and the range trees of the notifiers
 *	against concurrent changes (lookups in the notifier callback rely on
 *	the notifier lock instead, see Locking)
 * @notifiers: interval tree of &struct drm_svm_coord_notifier, in bytes
 * @notifier_size: size and alignment of a notifier's chunk of addresses
 * @gpusvm: a pages-only &struct drm_gpusvm: its notifier lock is the
 *	manager's notifier lock, and its pages API faults and DMA-maps
 * @gc_list: ranges the GC worker must split or destroy (notifier lock)
 * @gc_work: the GC worker, see Garbage collection
 * @collecting: GC runs under way, from taking the first range off
 *	@gc_list to pruning the notifiers (notifier lock)
 * @restore_list: ranges whose mappings GPUs that cannot fault lost and
 *	wait to get back, each holding a reference (notifier lock)
 * @restore_work: the restore worker, see Restore
 * @restoring: restore worker runs under way, from taking ranges off
 *	@restore_list to resuming the GPUs restored (notifier lock)
 * @quiesced: GPUs whose queues the coordinator stopped and the restore
 *	worker has not resumed yet (notifier lock)
 * @restore_stopped: no GPU is attached: the restore worker has nothing to
 *	do (manager lock)
 * @stuck: GPUs whose failed unmaps the restore worker gave up retrying:
 *	they stay quiesced until they detach (notifier lock)
 * @tlb_pending: GPUs with a zap issued whose TLB invalidation nobody has
 *	waited for yet: their TLBs may still reach pages the page tables no
 *	longer map (notifier lock held for writing, see Invalidation)
 * @lru_lock: protects @lru and the ranges' &drm_svm_coord_range.lru_link
 * @lru: per GPU with VRAM, the ranges whose data it holds, least recently
 *	used first (see Eviction)
 * @id: number of the manager in debugfs
 * @link: entry in the list of managers, for debugfs
 * @settings: the policy knobs, see Settings
 * @debugfs: the manager's debugfs directory while a GPU is attached
 * @stats: counters, see &enum drm_svm_coord_stat
 */
struct drm_svm_coord {
	struct mmu_notifier mn;
	struct rw_semaphore lock;
	u64 attached;
	u64 can_fault;
	u64 vram;
	struct drm_svm_coord_vm *vms[DRM_SVM_COORD_MAX_VMS];
	struct drm_svm_coord_attr_tree attrs;
	struct rb_root_cached reserved;
	bool dead;
	struct mutex tree_lock;	/* see Locking */
	struct rb_root_cached notifiers;
	unsigned long notifier_size;
	struct drm_gpusvm gpusvm;
	struct list_head gc_list;
	struct work_struct gc_work;
	unsigned int collecting;
	struct list_head restore_list;
	struct delayed_work restore_work;
	unsigned int restoring;
	u64 quiesced;
	bool restore_stopped;
	u64 stuck;
	u64 tlb_pending;
	spinlock_t lru_lock;	/* see Locking */
	struct list_head lru[DRM_SVM_COORD_MAX_VMS];
	unsigned int id;
	struct list_head link;
	struct drm_svm_coord_settings settings;
	struct dentry *debugfs;
	atomic64_t stats[DRM_SVM_COORD_STAT_NUM];
};

/**
 * struct drm_svm_coord_vm - one GPU VM's attachment to a process's manager
 *
 * One per GPU page table that mirrors the mm: a GPU with several VMs on one
 * process attaches each of them. "GPU" in the coordinator's comments and
 * counters means such an attachment.
 * @svm: the manager, referenced while attached
 * @drm: the GPU's DRM device
 * @ops: its backend operations
 * @caps: its capabilities
 * @priv: the driver's data
 * @index: its bit in the manager's GPU bitmaps
 * @stats: counters of what was done for this GPU
 */
struct drm_svm_coord_vm {
	struct drm_svm_coord *svm;
	struct drm_device *drm;
	const struct drm_svm_coord_ops *ops;
	struct drm_svm_coord_vm_caps caps;
	void *priv;
	unsigned int index;
	atomic64_t stats[DRM_SVM_COORD_STAT_NUM];
};

/**
 * struct drm_svm_coord_notifier - one MMU interval notifier for all GPUs
 * @mn: the interval notifier, over a chunk of &drm_svm_coord.notifier_size
 * @svm: the manager
 * @itree: node in &drm_svm_coord.notifiers
 * @ranges: interval tree of the &struct drm_svm_coord_range of the chunk
 * @nr_ranges: number of ranges in @ranges
 */
struct drm_svm_coord_notifier {
	struct mmu_interval_notifier mn;
	struct drm_svm_coord *svm;
	struct interval_tree_node itree;
	struct rb_root_cached ranges;
	unsigned int nr_ranges;
};

/**
 * struct drm_svm_coord_range - a range of addresses mapped for GPUs
 * @itree: node in &drm_svm_coord_notifier.ranges, in bytes, last inclusive
 * @svm: the manager
 * @notifier: the notifier whose chunk holds the range (dangling once the
 *	range is out of the tree: check @unmapped under the notifier lock)
 * @ref: references: the notifier's range tree holds one, each user one
 * @validate_lock: serializes validation of the range: concurrent faults
 *	of several GPUs queue here and reuse the pages the first one faulted
 * @pfns: the pages of the last hmm_range_fault(), valid while
 *	@pfns_valid and @pfns_seq is the notifier's current sequence
 * @pfns_seq: the notifier sequence @pfns were faulted under
 * @pfns_valid: @pfns hold a complete fault
 * @pfns_write: @pfns were faulted for writing and the CPU lets every page
 *	of them be written (not so for device pages shared after fork())
 * @mapped: GPUs with page-table entries for the range
 * @writable: GPUs among @mapped whose entries allow writes
 * @unmapped: the CPU mapping is gone (or the range was retired): the range
 *	is never mapped again and waits to be destroyed
 * @holes: some pages left the range (see @gone): it waits to be split and
 *	is not mapped again before
 * @always_mapped: its attributes have %DRM_SVM_COORD_FLAG_GPU_ALWAYS_MAPPED:
 *	the GPUs that can fault are restored after invalidations too
 * @unzap: GPUs whose &drm_svm_coord_ops.unmap of the range failed: they may
 *	keep entries, which the restore worker clears before anything else
 * @dma_whole: GPUs whose DMA mappings the second notifier pass must drop
 *	whole because the invalidated part could not be split off
 * @restore: GPUs that lost mappings of the range they must get back, for
 *	the restore worker (see drm_svm_coord_restore_lost())
 * @restore_tries: failed restores of the range in a row
 * @restore_at: jiffies before which the restore worker leaves it alone
 * @gc_link: entry in &drm_svm_coord.gc_list
 * @restore_link: entry in &drm_svm_coord.restore_list
 * @lru_link: entry in the &drm_svm_coord.lru of the GPU at @loc, or empty
 * @loc: where the data was at the last fault, %DRM_SVM_COORD_LOC_SYSMEM
 *	or the GPU whose VRAM holds it (see Migration);
 *	%DRM_SVM_COORD_LOC_UNDEFINED while unknown, %DRM_SVM_COORD_LOC_MIXED
 *	for pages in several VRAMs
 * @loc_stale: an invalidation that may move or free pages hit the range
 *	since @loc was last read from the CPU's page table (a migration the
 *	coordinator did not ask for: a driver's own eviction, a CPU fault;
 *	and its own moves, until a fault maps what they left): @loc is a
 *	guess, looked up again before it is relied on (see Eviction)
 * @pfns_owner: the device-private page owner @pfns were faulted with
 * @thrash: thrash control state (see Thrash control)
 * @rule: the rule of the last residency decision, %DRM_SVM_COORD_RULE_NUM
 *	before the first
 * @evictions: times the range was evicted from a full VRAM
 * @moves: moves of the range's data, evictions included
 * @history: the last %DRM_SVM_COORD_HISTORY moves, a ring indexed by
 *	@moves
 * @pages: per GPU, the DMA addresses of the pages, allocated on first use
 * @gone: one bit per page: the page left the range (unmapped, or
 *	invalidated while the rest of the range was not)
 *
 * @mapped, @writable and @pages change under the notifier lock held for
 * writing, or held for reading together with @validate_lock. @pfns*, @loc,
 * @thrash, @rule, @evictions, @moves and @history change under
 * @validate_lock, @lru_link under &drm_svm_coord.lru_lock as well.
 * @loc_stale is set under the notifier lock held for writing (or for
 * reading together with @validate_lock, by a look that learnt nothing),
 * and read and cleared under the notifier lock held for reading together
 * with @validate_lock.
 * @unmapped, @holes, @always_mapped, @unzap, @gone,
 * @dma_whole, @restore* and the links change under the notifier lock held
 * for writing.
 */
struct drm_svm_coord_range {
	struct interval_tree_node itree;
	struct drm_svm_coord *svm;
	struct drm_svm_coord_notifier *notifier;
	struct kref ref;
	struct mutex validate_lock;	/* see Locking */
	unsigned long *pfns;
	unsigned long pfns_seq;
	bool pfns_valid;
	bool pfns_write;
	u64 mapped;
	u64 writable;
	bool unmapped;
	bool holes;
	bool always_mapped;
	u64 unzap;
	u64 dma_whole;
	u64 restore;
	unsigned int restore_tries;
	unsigned long restore_at;
	struct list_head gc_link;
	struct list_head restore_link;
	struct list_head lru_link;
	u32 loc;
	bool loc_stale;
	void *pfns_owner;
	struct drm_svm_coord_thrash thrash;
	u32 rule;
	u32 evictions;
	u32 moves;
	struct drm_svm_coord_move history[DRM_SVM_COORD_HISTORY];
	struct drm_gpusvm_pages *pages[DRM_SVM_COORD_MAX_VMS];
	unsigned long gone[];
};

/**
 * struct drm_svm_coord_run - a run of pages that stay together
 * @first: index of its first page in the range
 * @count: number of pages
 */
struct drm_svm_coord_run {
	unsigned long first;
	unsigned long count;
};

static inline struct mm_struct *drm_svm_coord_mm(struct drm_svm_coord *svm)
{
	return svm->mn.mm;
}

static inline unsigned long
drm_svm_coord_range_start(const struct drm_svm_coord_range *range)
{
	return range->itree.start;
}

static inline unsigned long
drm_svm_coord_range_end(const struct drm_svm_coord_range *range)
{
	return range->itree.last + 1;
}

/* The largest range in pages: a split's bitmaps fit on the stack. */
#define DRM_SVM_COORD_RANGE_MAX_PAGES	(DRM_SVM_COORD_RANGE_MAX >> PAGE_SHIFT)

static inline unsigned long
drm_svm_coord_range_npages(const struct drm_svm_coord_range *range)
{
	return (drm_svm_coord_range_end(range) -
		drm_svm_coord_range_start(range)) >> PAGE_SHIFT;
}

static inline struct drm_svm_coord_range *
drm_svm_coord_to_range(struct interval_tree_node *node)
{
	return node ? container_of(node, struct drm_svm_coord_range, itree) :
		      NULL;
}

static inline struct drm_svm_coord_notifier *
drm_svm_coord_to_notifier(struct interval_tree_node *node)
{
	return node ? container_of(node, struct drm_svm_coord_notifier, itree) :
		      NULL;
}

/**
 * struct drm_svm_coord_iter - a walk over an interval tree of the manager
 * @next: the node the walk returns next
 * @start: first address of the walk
 * @last: last address of the walk (inclusive)
 */
struct drm_svm_coord_iter {
	struct interval_tree_node *next;
	unsigned long start;
	unsigned long last;
};

static inline struct drm_svm_coord_iter
drm_svm_coord_iter_init(struct rb_root_cached *root, unsigned long start,
			unsigned long end)
{
	return (struct drm_svm_coord_iter) {
		.next = interval_tree_iter_first(root, start, end - 1),
		.start = start,
		.last = end - 1,
	};
}

/* The next node, stepping past it first: the caller may remove it. */
static inline struct interval_tree_node *
drm_svm_coord_iter_next(struct drm_svm_coord_iter *it)
{
	struct interval_tree_node *node = it->next;

	if (node)
		it->next = interval_tree_iter_next(node, it->start, it->last);
	return node;
}

/**
 * drm_svm_coord_for_each_notifier() - walk the notifiers over addresses
 * @n__: the &struct drm_svm_coord_notifier cursor
 * @svm__: the manager
 * @start__: first address
 * @end__: end address (exclusive)
 *
 * The body may remove the cursor from the tree, and nothing else; a node
 * it inserts may or may not be visited. @end__ must be above @start__.
 * Under &drm_svm_coord.tree_lock.
 */
#define drm_svm_coord_for_each_notifier(n__, svm__, start__, end__)	\
	for (struct drm_svm_coord_iter __nit =				\
		drm_svm_coord_iter_init(&(svm__)->notifiers, (start__),	\
					(end__));			\
	     ((n__) = drm_svm_coord_to_notifier(drm_svm_coord_iter_next(&__nit)));)

/**
 * drm_svm_coord_for_each_range() - walk the ranges of a notifier
 * @r__: the &struct drm_svm_coord_range cursor
 * @n__: the &struct drm_svm_coord_notifier
 * @start__: first address
 * @end__: end address (exclusive)
 *
 * The body may remove the cursor from the tree, and nothing else; a node
 * it inserts may or may not be visited. @end__ must be above @start__.
 * Under &drm_svm_coord.tree_lock, or the notifier lock when the tree does
 * not change.
 */
#define drm_svm_coord_for_each_range(r__, n__, start__, end__)		\
	for (struct drm_svm_coord_iter __rit =				\
		drm_svm_coord_iter_init(&(n__)->ranges, (start__),	\
					(end__));			\
	     ((r__) = drm_svm_coord_to_range(drm_svm_coord_iter_next(&__rit)));)

/*
 * The notifier lock: drm_gpusvm's, taken one way everywhere. Written by the
 * notifier callback and by everything that changes a range's GPU state;
 * read around &drm_svm_coord_ops.map. See Locking.
 */
static inline void drm_svm_coord_notifier_lock_write(struct drm_svm_coord *svm)
{
	down_write(&svm->gpusvm.notifier_lock);
}

static inline void drm_svm_coord_notifier_unlock_write(struct drm_svm_coord *svm)
{
	up_write(&svm->gpusvm.notifier_lock);
}

static inline void drm_svm_coord_notifier_lock_read(struct drm_svm_coord *svm)
{
	down_read(&svm->gpusvm.notifier_lock);
}

static inline void drm_svm_coord_notifier_unlock_read(struct drm_svm_coord *svm)
{
	up_read(&svm->gpusvm.notifier_lock);
}

#define drm_svm_coord_notifier_assert_held(svm__) \
	lockdep_assert_held(&(svm__)->gpusvm.notifier_lock)
#define drm_svm_coord_notifier_assert_held_write(svm__) \
	lockdep_assert_held_write(&(svm__)->gpusvm.notifier_lock)

/**
 * struct drm_svm_coord_where - what the fault path learns about an address
 * @lo: first address a new range may hold (VMA, attributes)
 * @hi: end of the addresses a new range may hold
 * @max: largest range the granularity allows
 * @vma_end: end of the VMA (exclusive)
 * @vma_read: the VMA allows reads
 * @vma_write: the VMA allows writes
 * @vma_anon: the VMA is anonymous memory, which may move to VRAM
 * @reserved: GPUs that reserved the address (see Reserved addresses)
 * @attrs: the attributes at the address
 */
struct drm_svm_coord_where {
	unsigned long lo;
	unsigned long hi;
	unsigned long max;
	unsigned long vma_end;
	bool vma_read;
	bool vma_write;
	bool vma_anon;
	u64 reserved;
	struct drm_svm_coord_attrs attrs;
};

static inline bool
drm_svm_coord_vm_can_fault(const struct drm_svm_coord_vm *vm)
{
	return vm->caps.flags & DRM_SVM_COORD_VM_CAN_FAULT;
}

static inline void drm_svm_coord_count(struct drm_svm_coord *svm,
				       struct drm_svm_coord_vm *vm,
				       enum drm_svm_coord_stat stat, u64 n)
{
	atomic64_add(n, &svm->stats[stat]);
	if (vm)
		atomic64_add(n, &vm->stats[stat]);
}

/* Residency policy and thrash control: drm_svm_coord_policy.c. Pure. */
bool drm_svm_coord_reaches(const struct drm_svm_coord_topology *topo,
			   unsigned int gpu, u32 loc);
struct drm_svm_coord_decision
drm_svm_coord_decide(const struct drm_svm_coord_policy_in *in);
u32 drm_svm_coord_evict_to(const struct drm_svm_coord_attrs *attrs,
			   const struct drm_svm_coord_topology *topo,
			   unsigned int from, u64 users);
u64 drm_svm_coord_thrash_window(const struct drm_svm_coord_thrash *t,
				const struct drm_svm_coord_thrash_params *p);
u64 drm_svm_coord_thrash_quiet(const struct drm_svm_coord_thrash *t,
			       const struct drm_svm_coord_thrash_params *p);
enum drm_svm_coord_thrash_state
drm_svm_coord_thrash_tick(struct drm_svm_coord_thrash *t,
			  const struct drm_svm_coord_thrash_params *p, u64 now);
void drm_svm_coord_thrash_pressure(struct drm_svm_coord_thrash *t, u64 now,
				   unsigned int who);
u32 drm_svm_coord_thrash_pin_loc(const struct drm_svm_coord_topology *topo,
				 u64 competitors, u32 cur);
enum drm_svm_coord_thrash_state
drm_svm_coord_thrash_migrated(struct drm_svm_coord_thrash *t,
			      const struct drm_svm_coord_thrash_params *p,
			      const struct drm_svm_coord_topology *topo,
			      u64 now, unsigned int who, u32 to, u64 cost_ns);

/* The workers' state, for drm_svm_coord_flush() and its test: _main.c. */
bool drm_svm_coord_work_pending(struct drm_svm_coord *svm);
/* And how long the restore list backs off: _restore.c. */
unsigned long drm_svm_coord_restore_backoff(struct drm_svm_coord *svm);

/* Attributes: _attr.c, the tree in _attr_tree.c. In pages, inclusive. */
void drm_svm_coord_attrs_default(struct drm_svm_coord_attrs *attrs);
bool drm_svm_coord_attrs_equal(const struct drm_svm_coord_attrs *a,
			       const struct drm_svm_coord_attrs *b);
int drm_svm_coord_attrs_validate(const struct drm_svm_coord_attr *attrs,
				 unsigned int nattrs, u64 attached);
void drm_svm_coord_attrs_apply(struct drm_svm_coord_attrs *attrs,
			       const struct drm_svm_coord_attr *in,
			       unsigned int nattrs);
void drm_svm_coord_attrs_set_access(struct drm_svm_coord_attrs *attrs, u32 type,
				    u32 index);
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
 * typedef drm_svm_coord_attr_seg_fn - drm_svm_coord_attr_tree_walk() callback
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
void drm_svm_coord_attr_tree_forget_vm(struct drm_svm_coord_attr_tree *tree,
				       unsigned int index);
struct drm_svm_coord_attr_node *
drm_svm_coord_attr_tree_first(struct drm_svm_coord_attr_tree *tree);
struct drm_svm_coord_attr_node *
drm_svm_coord_attr_tree_next(struct drm_svm_coord_attr_node *node);

int drm_svm_coord_attr_tree_lookup(struct drm_svm_coord_attr_tree *tree,
				   unsigned long page, unsigned long first,
				   unsigned long last, unsigned long *seg_first,
				   unsigned long *seg_last,
				   struct drm_svm_coord_attrs *attrs);

/* Ranges and notifiers: drm_svm_coord_range.c. */
unsigned long drm_svm_coord_range_chunk(unsigned long addr, unsigned long lo,
					unsigned long hi, unsigned long max,
					const unsigned long *chunks,
					unsigned int nr_chunks);
void drm_svm_coord_ranges_init(struct drm_svm_coord *svm);
struct drm_svm_coord_range *
drm_svm_coord_range_alloc(struct drm_svm_coord_notifier *n,
			  unsigned long start, unsigned long end);
void drm_svm_coord_range_put(struct drm_svm_coord_range *range);
void drm_svm_coord_range_insert(struct drm_svm_coord *svm,
				struct drm_svm_coord_range *range);
void drm_svm_coord_range_remove(struct drm_svm_coord *svm,
				struct drm_svm_coord_range *range);
struct drm_svm_coord_range *drm_svm_coord_range_lookup(struct drm_svm_coord *svm,
						       unsigned long addr);
u64 drm_svm_coord_range_retire(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range,
			       bool restore);
void drm_svm_coord_notifier_prune(struct drm_svm_coord *svm,
				  struct drm_svm_coord_notifier *n);
unsigned long drm_svm_coord_next_vma(struct drm_svm_coord *svm,
				     unsigned long addr);
int drm_svm_coord_where_is(struct drm_svm_coord *svm, unsigned long addr,
			   struct drm_svm_coord_where *w);
bool drm_svm_coord_range_within(const struct drm_svm_coord_range *range,
				unsigned long lo, unsigned long hi);
struct drm_svm_coord_range *
drm_svm_coord_range_find_or_create(struct drm_svm_coord *svm,
				   const struct drm_svm_coord_where *w,
				   unsigned long addr);
u64 drm_svm_coord_ranges_retire(struct drm_svm_coord *svm,
				unsigned long start, unsigned long end);
u64 drm_svm_coord_ranges_update(struct drm_svm_coord *svm,
				const struct drm_svm_coord_change *change,
				const struct drm_svm_coord_attrs *attrs);
void drm_svm_coord_ranges_forget_vm(struct drm_svm_coord *svm,
				    struct drm_svm_coord_vm *vm);
void drm_svm_coord_ranges_fini(struct drm_svm_coord *svm);
unsigned int drm_svm_coord_nr_ranges(struct drm_svm_coord *svm);

/* Invalidation: drm_svm_coord_notifier.c. */
extern const struct mmu_interval_notifier_ops drm_svm_coord_notifier_ops;
u64 drm_svm_coord_range_zap_vm(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range,
			       struct drm_svm_coord_vm *vm);
u64 drm_svm_coord_range_zap(struct drm_svm_coord *svm,
			    struct drm_svm_coord_range *range);
void drm_svm_coord_tlb_wait(struct drm_svm_coord *svm, u64 wait);
void drm_svm_coord_range_dma_unmap(struct drm_svm_coord *svm,
				   struct drm_svm_coord_range *range, u64 gpus);

/* Splitting and garbage collection: drm_svm_coord_gc.c. */
unsigned int drm_svm_coord_split_runs(const unsigned long *gone,
				      const unsigned long *cut,
				      unsigned long npages,
				      struct drm_svm_coord_run *runs,
				      unsigned int max_runs);
void drm_svm_coord_gc_init(struct drm_svm_coord *svm);
void drm_svm_coord_gc_stop(struct drm_svm_coord *svm);
void drm_svm_coord_range_collect(struct drm_svm_coord *svm,
				 struct drm_svm_coord_range *range);
void drm_svm_coord_split_at(struct drm_svm_coord *svm, unsigned long addr);

/* Fault path: drm_svm_coord_fault.c. */
int drm_svm_coord_range_pfns_alloc(struct drm_svm_coord_range *range);
int drm_svm_coord_range_fault_pages(struct drm_svm_coord *svm,
				    struct drm_svm_coord_range *range,
				    void *owner, bool write,
				    unsigned long *seq);
int drm_svm_coord_map_span(struct drm_svm_coord_vm *vm,
			   unsigned long start, unsigned long end, bool restore);

/* Placement: drm_svm_coord_place.c. */
int drm_svm_coord_range_place(struct drm_svm_coord *svm,
			      struct drm_svm_coord_range *range,
			      struct drm_svm_coord_vm *vm,
			      const struct drm_svm_coord_where *w, u32 request,
			      bool restore);
int drm_svm_coord_prefetch_span(struct drm_svm_coord *svm,
				unsigned long start, unsigned long end);

/* Migration and eviction: drm_svm_coord_migrate.c. */
void drm_svm_coord_get_topology(struct drm_svm_coord *svm,
				struct drm_svm_coord_topology *topo);
void drm_svm_coord_range_set_loc(struct drm_svm_coord *svm,
				 struct drm_svm_coord_range *range, u32 loc);
void drm_svm_coord_range_touch(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range);
u32 drm_svm_coord_pfns_location(struct drm_svm_coord *svm,
				struct drm_svm_coord_range *range);
int drm_svm_coord_range_to_ram(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range, bool write);
void drm_svm_coord_range_look(struct drm_svm_coord *svm,
			      struct drm_svm_coord_range *range,
			      const struct drm_svm_coord_where *w);
bool drm_svm_coord_range_recheck(struct drm_svm_coord *svm,
				 struct drm_svm_coord_range *range);
void drm_svm_coord_range_moved(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range, u32 from,
			       u32 to, unsigned int gpu, u32 rule, u64 t0,
			       u64 now, int err);
int drm_svm_coord_range_break_cow(struct drm_svm_coord *svm,
				  struct drm_svm_coord_range *range,
				  struct drm_svm_coord_vm *vm);
int drm_svm_coord_range_move(struct drm_svm_coord *svm,
			     struct drm_svm_coord_range *range,
			     struct drm_svm_coord_topology *topo, u32 to,
			     bool evict);
void drm_svm_coord_ranges_evict_vm(struct drm_svm_coord *svm,
				   struct drm_svm_coord_vm *vm);
void drm_svm_coord_lru_forget_vm(struct drm_svm_coord *svm,
				 struct drm_svm_coord_vm *vm);

/* GPUs that cannot fault: drm_svm_coord_restore.c. */
u64 drm_svm_coord_gpus_no_fault(struct drm_svm_coord *svm, u64 gpus);
void drm_svm_coord_quiesce(struct drm_svm_coord *svm, u64 gpus);
u64 drm_svm_coord_restore_lost(struct drm_svm_coord *svm,
			       struct drm_svm_coord_range *range, u64 gpus);
void drm_svm_coord_map_sync(struct drm_svm_coord_vm *vm);

/* Reserved addresses: drm_svm_coord_reserve.c. */
u64 drm_svm_coord_reserved_clip(struct drm_svm_coord *svm, unsigned long addr,
				unsigned long *lo, unsigned long *hi);
void drm_svm_coord_reserved_forget_vm(struct drm_svm_coord *svm,
				      struct drm_svm_coord_vm *vm);
void drm_svm_coord_unmap_failed(struct drm_svm_coord *svm,
				struct drm_svm_coord_range *range,
				struct drm_svm_coord_vm *vm);
bool drm_svm_coord_pte_cut_ok(const struct drm_svm_coord_vm *vm,
			      const struct drm_svm_coord_range *range,
			      unsigned long addr);
void drm_svm_coord_restore_queue(struct drm_svm_coord *svm,
				 struct drm_svm_coord_range *range, u64 gpus);
void drm_svm_coord_restore_init(struct drm_svm_coord *svm);
void drm_svm_coord_restore_forget_vm(struct drm_svm_coord *svm,
				     struct drm_svm_coord_vm *vm);
void drm_svm_coord_restore_stop(struct drm_svm_coord *svm);

/* Manager: drm_svm_coord_main.c. */
extern atomic_t drm_svm_coord_nr_managers;

/* Counters, settings and debugfs: drm_svm_coord_debugfs.c. */
void drm_svm_coord_settings_init(struct drm_svm_coord_settings *s);
void drm_svm_coord_debugfs_register(struct drm_svm_coord *svm);
void drm_svm_coord_debugfs_unregister(struct drm_svm_coord *svm);
void drm_svm_coord_debugfs_add(struct drm_svm_coord *svm);
void drm_svm_coord_debugfs_remove(struct drm_svm_coord *svm);
void drm_svm_coord_debugfs_init(void);
void drm_svm_coord_debugfs_fini(void);

/* The attribute API: drm_svm_coord_attr.c. */
int drm_svm_coord_pages(struct drm_svm_coord *svm, unsigned long start,
			unsigned long size, unsigned long *first,
			unsigned long *last);

#endif /* __DRM_SVM_COORD_PRIV_H__ */
