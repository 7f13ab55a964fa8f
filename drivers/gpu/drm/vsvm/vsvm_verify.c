// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 */

#include <linux/delay.h>
#include <linux/hmm.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <drm/drm_svm_coord.h>
#include <uapi/drm/vsvm_drm.h>

#include "vsvm_drv.h"

/**
 * DOC: Page-table verification
 *
 * A GPU entry is safe only while it maps the page the CPU maps at its
 * address, with no more permission than the CPU has, and while a range of
 * the coordinator that maps the GPU covers it: only then does the
 * coordinator's MMU notifier zap it before the page is freed or changes.
 * An entry that breaks this lets the GPU reach memory the process no
 * longer owns (a freed and reused page), or write where the CPU may not (a
 * page shared copy-on-write with a forked child).
 *
 * DRM_IOCTL_VSVM_PT_VERIFY checks every entry of a span against the CPU's
 * page table, read with hmm_range_fault() without a fault request (so it
 * changes nothing), under an interval notifier of its own so that a
 * concurrent invalidation makes it read again, and against
 * drm_svm_coord_range_info(). Tests call it after every event that
 * changes the CPU's mappings.
 *
 * The counts come from one consistent view, even while invalidations run
 * (khugepaged collapses pages of an idle process at any time) and faults
 * fill pages. The GPU's entries are read before the CPU's page table, with
 * no invalidation from the first read to the end of the second: a fault
 * that fills an empty page invalidates nothing, and the GPU may map the
 * new page at once, so entries read after the CPU's table could map a page
 * that the table lacks. The ranges are looked up, and the DMA addresses
 * translated, after the entries were read: an entry that the coordinator
 * zapped and DMA-unmapped in between would look uncovered and stale though
 * it is already gone. So a view with a bad entry is taken again unless,
 * after the lookups, the CPU's notifier sequence, the GPU's entries and
 * the GPU's zap count (%DRM_SVM_COORD_STAT_ZAPS, counted with every
 * @unmap) are all as they were when the entries were read. A map cannot
 * fall in between unseen: the coordinator maps a range under the range's
 * mutex, which drm_svm_coord_range_info() takes, so a lookup sees a map
 * whole or not at all. An entry the coordinator left behind stays as it
 * is, and is reported.
 *
 * What this order gives up: an entry that was bad only until a fault
 * made it right again between the two reads (the same page swapped back
 * in, the write permission a write fault adds) is not reported. An entry
 * still bad when the CPU's table is read is.
 *
 * ``vsvm.verify_gap_us`` holds the two reads apart (100 ms at most), so
 * that a test meets a fault between them often.
 */

#define VERIFY_TRIES	64
#define VERIFY_GAP_MAX_US	(100 * USEC_PER_MSEC)

static unsigned int verify_gap_us;
module_param(verify_gap_us, uint, 0644);
MODULE_PARM_DESC(verify_gap_us,
		 "Wait between reading the GPU's entries and the CPU's page table in PT_VERIFY, in microseconds, to widen that window in tests (default 0)");

struct vsvm_verify {
	struct mmu_interval_notifier mni;
	spinlock_t lock;	/* orders the sequence against the read */
};

static bool vsvm_verify_invalidate(struct mmu_interval_notifier *mni,
				   const struct mmu_notifier_range *range,
				   unsigned long cur_seq)
{
	struct vsvm_verify *v = container_of(mni, typeof(*v), mni);

	spin_lock(&v->lock);
	mmu_interval_set_seq(mni, cur_seq);
	spin_unlock(&v->lock);
	return true;
}

static const struct mmu_interval_notifier_ops vsvm_verify_ops = {
	.invalidate = vsvm_verify_invalidate,
};

/* Whether an invalidation came since @range was faulted. */
static bool verify_retry(struct vsvm_verify *v, const struct hmm_range *range)
{
	bool retry;

	spin_lock(&v->lock);
	retry = mmu_interval_read_retry(&v->mni, range->notifier_seq);
	spin_unlock(&v->lock);
	return retry;
}

/* The zaps of the GPU so far; 0 for a file without the coordinator. */
static u64 verify_zaps(struct vsvm_file *vf)
{
	struct drm_svm_coord_stats st;

	if (!vf->coord)
		return 0;
	drm_svm_coord_read_stats(drm_svm_coord_vm_manager(vf->coord),
				 vf->coord, &st);
	return st.count[DRM_SVM_COORD_STAT_ZAPS];
}

/*
 * The page frame an entry points to, as the GPU resolves it; 0 for a DMA
 * address that does not translate (stale behind an IOMMU).
 */
static unsigned long entry_pfn(struct vsvm_file *vf, u64 entry)
{
	u64 addr = entry & VSVM_PTE_ADDR;
	struct page *page;

	/* A VRAM address is the device-private page's own. */
	if (!(entry & VSVM_PTE_SYSTEM))
		return PHYS_PFN(addr);
	page = vsvm_dma_page(vf->gpu, addr);
	return page ? page_to_pfn(page) : 0;
}

/*
 * Read the GPU's entries, then the CPU's view, with no invalidation from
 * before the first read to after the second. In this order: a fault may
 * fill a page the CPU did not map without any invalidation, and the GPU
 * map it at once, so entries read after the CPU's view could map a page
 * that view lacks. An entry read first was made for a page the CPU
 * already mapped, and it stays until an invalidation, which is seen.
 */
static int read_both(struct vsvm_file *vf, struct hmm_range *range,
		     struct vsvm_verify *v, unsigned long npages, u64 *ptes)
{
	unsigned int tries, gap;
	unsigned long seq;
	int err;

	for (tries = 0; tries < VERIFY_TRIES; tries++) {
		seq = mmu_interval_read_begin(&v->mni);
		vsvm_pt_read(vf, range->start, npages, ptes);
		gap = READ_ONCE(verify_gap_us);
		if (gap)
			fsleep(min(gap, VERIFY_GAP_MAX_US));
		err = hmm_range_fault_unlocked_timeout(range,
						       msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT));
		if (err)
			return err;
		/* Later checks compare against the start of both reads. */
		range->notifier_seq = seq;
		if (!verify_retry(v, range))
			return 0;
	}
	return -EBUSY;
}

/* Whether a range of the coordinator maps @addr for the GPU. */
static bool covered(struct vsvm_file *vf, unsigned long addr,
		    struct drm_svm_coord_range_info *info)
{
	struct drm_svm_coord *svm = drm_svm_coord_vm_manager(vf->coord);

	if (addr < info->start || addr >= info->end) {
		if (drm_svm_coord_range_info(svm, addr, info)) {
			info->start = 0;
			info->end = 0;
			return false;
		}
	}
	return info->mapped & BIT_ULL(drm_svm_coord_vm_index(vf->coord));
}

static void verify_clear(struct drm_vsvm_pt_verify *args)
{
	args->valid = 0;
	args->uncovered = 0;
	args->stale = 0;
	args->excess_write = 0;
	args->first_bad = 0;
}

/* Count @ptes against @pfns and the coordinator's ranges into @args. */
static void verify_count(struct vsvm_file *vf, unsigned long start,
			 unsigned long npages, const unsigned long *pfns,
			 const u64 *ptes, struct drm_svm_coord_range_info *info,
			 struct drm_vsvm_pt_verify *args)
{
	unsigned long i;

	verify_clear(args);
	for (i = 0; i < npages; i++) {
		unsigned long addr = start + (i << PAGE_SHIFT);
		unsigned long cpu = pfns[i];
		u64 e = ptes[i];
		bool bad = false;

		if (!(e & VSVM_PTE_VALID))
			continue;
		args->valid++;
		if (!(cpu & HMM_PFN_VALID) || (cpu & HMM_PFN_ERROR) ||
		    page_to_pfn(hmm_pfn_to_page(cpu)) != entry_pfn(vf, e)) {
			args->stale++;
			bad = true;
		} else if ((e & VSVM_PTE_WRITE) && !(cpu & HMM_PFN_WRITE)) {
			args->excess_write++;
			bad = true;
		}
		if (vf->coord && !covered(vf, addr, info)) {
			args->uncovered++;
			bad = true;
		}
		if (bad && !args->first_bad)
			args->first_bad = addr;
	}
}

/**
 * vsvm_pt_verify() - check a GPU's entries against the CPU's page table
 * @vf: the GPU address space, attached, used from its mm
 * @args: the span, and the counts out; see &struct drm_vsvm_pt_verify
 *
 * Return: 0, -EINVAL for a malformed span or flags, -ENOMEM, -EBUSY when
 * invalidations kept racing, -EINTR on a fatal signal while retrying, or
 * an error of hmm_range_fault(); the counts are zero on an error.
 */
int vsvm_pt_verify(struct vsvm_file *vf, struct drm_vsvm_pt_verify *args)
{
	unsigned long start = args->addr, npages;
	struct drm_svm_coord_vm_caps caps = {};
	struct drm_svm_coord_range_info *info;
	struct hmm_range range = {};
	struct vsvm_verify v;
	unsigned long *pfns;
	u64 *ptes, *again = NULL;
	unsigned int tries;
	u64 zaps;
	int err;

	verify_clear(args);
	if (args->flags || args->pad || !args->npages ||
	    args->npages > VSVM_MAX_SNAPSHOT)
		return -EINVAL;
	npages = args->npages;
	if (!PAGE_ALIGNED(start) || start + (npages << PAGE_SHIFT) < start ||
	    start + (npages << PAGE_SHIFT) > TASK_SIZE)
		return -EINVAL;

	pfns = kvmalloc_array(npages, sizeof(*pfns), GFP_KERNEL);
	ptes = kvmalloc_array(npages, sizeof(*ptes), GFP_KERNEL);
	info = kzalloc_obj(*info);
	err = -ENOMEM;
	if (!pfns || !ptes || !info)
		goto out;

	/* Device pages this GPU may map are reported as they are. */
	vsvm_vram_caps(vf->gpu, &caps);
	spin_lock_init(&v.lock);
	err = mmu_interval_notifier_insert(&v.mni, vf->mm, start,
					   npages << PAGE_SHIFT,
					   &vsvm_verify_ops);
	if (err)
		goto out;
	range = (struct hmm_range) {
		.notifier = &v.mni,
		.start = start,
		.end = start + (npages << PAGE_SHIFT),
		.hmm_pfns = pfns,
		.dev_private_owner = caps.pagemap_owner,
	};
	for (tries = 0; tries < VERIFY_TRIES; tries++) {
		zaps = verify_zaps(vf);
		err = read_both(vf, &range, &v, npages, ptes);
		if (err)
			break;
		verify_count(vf, start, npages, pfns, ptes, info, args);
		if (!args->first_bad)
			break;
		/* Still the view the lookups were made against? */
		if (!again) {
			again = kvmalloc_array(npages, sizeof(*again),
					       GFP_KERNEL);
			if (!again) {
				err = -ENOMEM;
				break;
			}
		}
		vsvm_pt_read(vf, start, npages, again);
		if (!verify_retry(&v, &range) && verify_zaps(vf) == zaps &&
		    !memcmp(ptes, again, npages * sizeof(*ptes)))
			break;
		/* The lookups of a view read before must be made again. */
		info->start = 0;
		info->end = 0;
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
	}
	if (tries == VERIFY_TRIES)
		err = -EBUSY;
	mmu_interval_notifier_remove(&v.mni);
out:
	/* Counts of a view that did not hold still are no answer. */
	if (err)
		verify_clear(args);
	kfree(info);
	kvfree(again);
	kvfree(ptes);
	kvfree(pfns);
	return err;
}
