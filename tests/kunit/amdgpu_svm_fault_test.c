// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright 2026 The drm_svm_coord authors
 *
 * What the amdgpu SVM backend does with GPU faults and which GPUs take
 * part: the action for every answer drm_svm_coord_handle_fault()
 * documents (amdgpu_svm_fault_action()), which GPUs map on their own
 * faults given KFD's XNACK mode (amdgpu_svm_can_fault()), and which may
 * attach at all (amdgpu_svm_gc_supported()); and the small rules of its
 * VRAM: whether an allocation fits beside the reserve
 * (amdgpu_svm_vram_room(), amdgpu_svm_vram_reserve()), the flags of a
 * GART window page (amdgpu_svm_gart_flags()) and the moves TTM may make
 * with an SVM buffer object (amdgpu_svm_bo_move_action(), every pair of
 * placements):
 * decisions only; nothing here talks to a GPU.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/sizes.h>

#include <drm/ttm/ttm_placement.h>

#include "../amdgpu.h"
#include "../amdgpu_svm_rules.h"

static const char *action_name(enum amdgpu_svm_fault_action action)
{
	switch (action) {
	case AMDGPU_SVM_FAULT_NOT_SVM:
		return "NOT_SVM";
	case AMDGPU_SVM_FAULT_HANDLED:
		return "HANDLED";
	case AMDGPU_SVM_FAULT_RETRY:
		return "RETRY";
	case AMDGPU_SVM_FAULT_FATAL:
		return "FATAL";
	default:
		return "bad action";
	}
}

/* ---- fault_action ------------------------------------------------------ */

struct action_row {
	const char *name;
	int err;
	enum amdgpu_svm_fault_action attached;
};

#define ACTION(e, a)	{ #e, e, AMDGPU_SVM_FAULT_##a }

/*
 * What each answer of drm_svm_coord_handle_fault() becomes for an
 * attached VM; a VM without an attachment is always NOT_SVM.
 */
static const struct action_row action_rows[] = {
	/* documented by drm_svm_coord_handle_fault() */
	ACTION(0, HANDLED),		/* entries written: replay */
	ACTION(-EPERM, FATAL),		/* denied, or a write to read-only */
	ACTION(-EFAULT, FATAL),		/* nothing mapped, or mm exiting */
	ACTION(-EBUSY, RETRY),		/* invalidations kept racing */
	ACTION(-ENOMEM, FATAL),
	ACTION(-EINTR, FATAL),		/* fatal signal */
	/* never returned by the coordinator, but KFD's retry answer */
	ACTION(-EAGAIN, RETRY),
	/* the attachment went away under the fault */
	ACTION(-ENODEV, FATAL),
	/* anything else, e.g. an error of the DMA mapping or the backend */
	ACTION(-EXDEV, FATAL),
	ACTION(-EADDRINUSE, FATAL),
	ACTION(-EIO, FATAL),
};

static void fault_action(struct kunit *test)
{
	enum amdgpu_svm_fault_action got;
	const struct action_row *r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(action_rows); i++) {
		r = &action_rows[i];
		got = amdgpu_svm_fault_action(true, r->err);
		KUNIT_EXPECT_EQ_MSG(test, got, r->attached,
				    "attached VM, handle_fault() returned %s (%d): %s, not %s",
				    r->name, r->err, action_name(got),
				    action_name(r->attached));
		got = amdgpu_svm_fault_action(false, r->err);
		KUNIT_EXPECT_EQ_MSG(test, got, AMDGPU_SVM_FAULT_NOT_SVM,
				    "VM not attached, error %s (%d): %s, not NOT_SVM",
				    r->name, r->err, action_name(got));
	}
}

/* ---- xnack_mode -------------------------------------------------------- */

struct xnack_row {
	u32 gc_ip;
	/* with XNACK on for the process (KFD's 1) */
	bool can_fault;
};

#define GC(mj, mn, rv)	IP_VERSION(mj, mn, rv)

/*
 * KFD: no SVM before GFX9 (GC 9.0.1); GC 10.1.1 up to 12.1.0 cannot
 * preempt shaders during page faults, so the process runs XNACK off.
 */
static const struct xnack_row xnack_rows[] = {
	{ GC(8, 0, 0), false },
	{ GC(9, 0, 0), false },
	{ GC(9, 0, 1), true },
	{ GC(9, 1, 0), true },
	{ GC(9, 2, 1), true },
	{ GC(9, 4, 0), true },
	{ GC(9, 4, 1), true },
	{ GC(9, 4, 2), true },
	{ GC(9, 4, 3), true },
	{ GC(9, 4, 4), true },
	{ GC(9, 5, 0), true },
	{ GC(10, 1, 0), true },		/* just below the veto */
	{ GC(10, 1, 1), false },	/* its first version */
	{ GC(10, 1, 10), false },
	{ GC(10, 3, 0), false },
	{ GC(11, 0, 0), false },
	{ GC(11, 5, 0), false },
	{ GC(12, 0, 0), false },
	{ GC(12, 0, 1), false },
	{ GC(12, 0, 255), false },	/* its last */
	{ GC(12, 1, 0), true },		/* past it */
	{ GC(12, 1, 1), true },
	{ GC(13, 0, 0), true },		/* a later GC */
};

/* KFD's XNACK mode of the process: no KFD process, off, on. */
static const int xnack_modes[] = { -ESRCH, 0, 1 };

static void xnack_mode(struct kunit *test)
{
	const struct xnack_row *r;
	unsigned int i, m;
	bool want, got;
	int mode;

	for (i = 0; i < ARRAY_SIZE(xnack_rows); i++) {
		r = &xnack_rows[i];
		for (m = 0; m < ARRAY_SIZE(xnack_modes); m++) {
			mode = xnack_modes[m];
			/* only a process running XNACK on ever faults */
			want = mode == 1 && r->can_fault;
			got = amdgpu_svm_can_fault(r->gc_ip, mode);
			KUNIT_EXPECT_EQ_MSG(test, got, want,
					    "GC %u.%u.%u, KFD XNACK mode %d: can_fault %d, not %d",
					    IP_VERSION_MAJ(r->gc_ip),
					    IP_VERSION_MIN(r->gc_ip),
					    IP_VERSION_REV(r->gc_ip), mode, got,
					    want);
		}
	}
}

/* ---- gc_supported ------------------------------------------------------ */

struct supported_row {
	const char *desc;
	u32 gc_ip;
	bool supported;
};

static const struct supported_row supported_rows[] = {
	{ "0", 0, false },
	{ "GC 8.0.0", GC(8, 0, 0), false },
	{ "GC 9.0.0", GC(9, 0, 0), false },
	{ "GC 9.0.0 with every variant and subrevision bit",
	  IP_VERSION_FULL(9, 0, 0, 15, 15), false },
	{ "GC 9.0.1", GC(9, 0, 1), true },
	{ "GC 9.4.3", GC(9, 4, 3), true },
	{ "GC 10.3.0 (supported, cannot fault)", GC(10, 3, 0), true },
	{ "GC 12.1.0", GC(12, 1, 0), true },
	{ "U32_MAX", U32_MAX, true },
};

static void gc_supported(struct kunit *test)
{
	const struct supported_row *r;
	unsigned int i;
	bool got;

	for (i = 0; i < ARRAY_SIZE(supported_rows); i++) {
		r = &supported_rows[i];
		got = amdgpu_svm_gc_supported(r->gc_ip);
		KUNIT_EXPECT_EQ_MSG(test, got, r->supported,
				    "%s (%#x): supported %d, not %d", r->desc,
				    r->gc_ip, got, r->supported);
	}
}

/* ---- vram_room --------------------------------------------------------- */

struct room_row {
	const char *desc;
	u64 size;
	u64 used;
	u64 total;
	u64 reserve;
	bool room;
};

static const struct room_row room_rows[] = {
	{ "exact fit", SZ_1G, SZ_2G, SZ_4G, SZ_1G, true },
	{ "one byte over", SZ_1G + 1, SZ_2G, SZ_4G, SZ_1G, false },
	{ "one byte under", SZ_1G - 1, SZ_2G, SZ_4G, SZ_1G, true },
	{ "the reserve alone is one byte over", 0, SZ_2G + 1, SZ_4G,
	  SZ_2G, false },
	{ "nothing asked, nothing used, nothing there", 0, 0, 0, 0, true },
	{ "nothing asked, all used, no reserve", 0, SZ_4G, SZ_4G, 0, true },
	{ "used above total", 0, SZ_4G + 1, SZ_4G, 0, false },
	{ "used far above total", SZ_4K, U64_MAX, SZ_4G, 0, false },
	{ "used + size wraps past U64_MAX", 1, U64_MAX, U64_MAX, 0, false },
	{ "used + size wraps to a small sum", 2, U64_MAX, SZ_4G, 0, false },
	{ "used + size fits, + reserve wraps", 1, U64_MAX - 1, U64_MAX, 1,
	  false },
	{ "+ reserve wraps to a small sum", SZ_4K, SZ_4K, SZ_4G,
	  U64_MAX - SZ_4K, false },
	{ "a size of U64_MAX, exactly", U64_MAX, 0, U64_MAX, 0, true },
	{ "a reserve of U64_MAX, exactly", 0, 0, U64_MAX, U64_MAX, true },
	{ "a reserve of U64_MAX and one byte", 1, 0, U64_MAX, U64_MAX, false },
};

struct reserve_row {
	u64 total;
	u64 reserve;
};

/* max(64 MiB, total / 64): 64 MiB up to 4 GiB of VRAM, then 1/64. */
static const struct reserve_row reserve_rows[] = {
	{ 0, SZ_64M },
	{ SZ_1G, SZ_64M },
	{ 64ULL * SZ_64M - 1, SZ_64M },
	{ 64ULL * SZ_64M, SZ_64M },
	{ 64ULL * SZ_64M + 63, SZ_64M },
	{ 64ULL * SZ_64M + 64, SZ_64M + 1 },
	{ SZ_16G, SZ_256M },
	{ 192ULL * SZ_1G, 3ULL * SZ_1G },
	{ U64_MAX, U64_MAX / 64 },
};

static void vram_room(struct kunit *test)
{
	const struct reserve_row *v;
	const struct room_row *r;
	unsigned int i;
	bool got;
	u64 res;

	for (i = 0; i < ARRAY_SIZE(room_rows); i++) {
		r = &room_rows[i];
		got = amdgpu_svm_vram_room(r->size, r->used, r->total,
					   r->reserve);
		KUNIT_EXPECT_EQ_MSG(test, got, r->room,
				    "%s: size %#llx, used %#llx, total %#llx, reserve %#llx: room %d, not %d",
				    r->desc, r->size, r->used, r->total,
				    r->reserve, got, r->room);
	}
	for (i = 0; i < ARRAY_SIZE(reserve_rows); i++) {
		v = &reserve_rows[i];
		res = amdgpu_svm_vram_reserve(v->total);
		KUNIT_EXPECT_EQ_MSG(test, res, v->reserve,
				    "VRAM of %#llx bytes: reserve %#llx, not %#llx",
				    v->total, res, v->reserve);
	}
}

/* ---- gart_flags -------------------------------------------------------- */

struct gart_row {
	const char *desc;
	u8 domain;
	bool write;
	u64 flags;
};

#define PTE_V	AMDGPU_PTE_VALID
#define PTE_R	AMDGPU_PTE_READABLE
#define PTE_W	AMDGPU_PTE_WRITEABLE
#define PTE_S	AMDGPU_PTE_SYSTEM
#define PTE_SN	AMDGPU_PTE_SNOOPED

/*
 * System memory as KFD's svm_migrate_gart_map() maps it, VRAM as
 * amdgpu_ttm_tt_pte_flags() maps a VRAM resource without a cached bus.
 */
static const struct gart_row gart_rows[] = {
	{ "system memory, read", AMDGPU_SVM_SYSTEM, false,
	  PTE_V | PTE_R | PTE_S | PTE_SN },
	{ "system memory, written", AMDGPU_SVM_SYSTEM, true,
	  PTE_V | PTE_R | PTE_W | PTE_S | PTE_SN },
	{ "local VRAM, read", AMDGPU_SVM_LOCAL, false, PTE_V | PTE_R },
	{ "local VRAM, written", AMDGPU_SVM_LOCAL, true,
	  PTE_V | PTE_R | PTE_W },
	{ "peer VRAM, read", AMDGPU_SVM_PEER, false, PTE_V | PTE_R },
	{ "peer VRAM, written", AMDGPU_SVM_PEER, true,
	  PTE_V | PTE_R | PTE_W },
};

static void gart_flags(struct kunit *test)
{
	const struct gart_row *r;
	unsigned int i;
	u64 got;

	for (i = 0; i < ARRAY_SIZE(gart_rows); i++) {
		r = &gart_rows[i];
		got = amdgpu_svm_gart_flags(r->domain, r->write);
		KUNIT_EXPECT_EQ_MSG(test, got, r->flags,
				    "%s: PTE flags %#llx, not %#llx", r->desc,
				    got, r->flags);
	}
}

/* ---- bo_move ----------------------------------------------------------- */

static const char *const place_names[] = {
	[TTM_PL_SYSTEM] = "SYSTEM",
	[TTM_PL_TT] = "TT",
	[TTM_PL_VRAM] = "VRAM",
	[AMDGPU_PL_GDS] = "GDS",
	[AMDGPU_PL_GWS] = "GWS",
	[AMDGPU_PL_OA] = "OA",
	[AMDGPU_PL_PREEMPT] = "PREEMPT",
	[AMDGPU_PL_DOORBELL] = "DOORBELL",
	[AMDGPU_PL_MMIO_REMAP] = "MMIO_REMAP",
};

static const char *move_name(enum amdgpu_svm_bo_move move)
{
	switch (move) {
	case AMDGPU_SVM_BO_MOVE_TTM:
		return "TTM";
	case AMDGPU_SVM_BO_MOVE_EVICT:
		return "EVICT";
	case AMDGPU_SVM_BO_MOVE_REFUSE:
		return "REFUSE";
	default:
		return "bad move";
	}
}

struct bo_move_row {
	bool has_old;
	/* ignored without an old resource */
	u32 old_type;
	u32 new_type;
	enum amdgpu_svm_bo_move move;
};

/*
 * The only moves of an SVM BO; every other pair of placements is refused:
 * creation in VRAM (no resource yet, or an empty system one) and eviction
 * from VRAM to system memory.
 */
static const struct bo_move_row bo_move_rows[] = {
	{ false, 0, TTM_PL_VRAM, AMDGPU_SVM_BO_MOVE_TTM },
	{ true, TTM_PL_SYSTEM, TTM_PL_VRAM, AMDGPU_SVM_BO_MOVE_TTM },
	{ true, TTM_PL_VRAM, TTM_PL_SYSTEM, AMDGPU_SVM_BO_MOVE_EVICT },
};

static enum amdgpu_svm_bo_move bo_move_want(bool has_old, u32 old_type,
					    u32 new_type)
{
	const struct bo_move_row *r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bo_move_rows); i++) {
		r = &bo_move_rows[i];
		if (r->has_old == has_old && r->new_type == new_type &&
		    (!has_old || r->old_type == old_type))
			return r->move;
	}
	return AMDGPU_SVM_BO_MOVE_REFUSE;
}

static void bo_move(struct kunit *test)
{
	unsigned int counts[AMDGPU_SVM_BO_MOVE_REFUSE + 1] = {};
	const unsigned int places = AMDGPU_PL_MMIO_REMAP + 1;
	enum amdgpu_svm_bo_move got, want;
	u32 old_type, new_type;
	unsigned int h;

	BUILD_BUG_ON(ARRAY_SIZE(place_names) != AMDGPU_PL_MMIO_REMAP + 1);
	for (h = 0; h < 2; h++) {
		for (old_type = 0; old_type < places; old_type++) {
			for (new_type = 0; new_type < places; new_type++) {
				want = bo_move_want(h, old_type, new_type);
				got = amdgpu_svm_bo_move_action(h, old_type,
								new_type);
				KUNIT_EXPECT_EQ_MSG(test, got, want,
						    "%s %s -> %s: %s, not %s",
						    h ? "from" : "no resource, ignored type",
						    place_names[old_type],
						    place_names[new_type],
						    move_name(got),
						    move_name(want));
				if ((unsigned int)got < ARRAY_SIZE(counts))
					counts[got]++;
			}
		}
	}

	/* creation: any ignored old type, or SYSTEM; eviction: VRAM -> SYSTEM */
	KUNIT_EXPECT_EQ_MSG(test, counts[AMDGPU_SVM_BO_MOVE_TTM], places + 1,
			    "%u moves by TTM, not %u",
			    counts[AMDGPU_SVM_BO_MOVE_TTM], places + 1);
	KUNIT_EXPECT_EQ_MSG(test, counts[AMDGPU_SVM_BO_MOVE_EVICT], 1,
			    "%u evictions, not 1",
			    counts[AMDGPU_SVM_BO_MOVE_EVICT]);
	KUNIT_EXPECT_EQ_MSG(test, counts[AMDGPU_SVM_BO_MOVE_REFUSE],
			    2 * places * places - places - 2,
			    "%u refusals, not %u",
			    counts[AMDGPU_SVM_BO_MOVE_REFUSE],
			    2 * places * places - places - 2);
}

static struct kunit_case amdgpu_svm_fault_cases[] = {
	KUNIT_CASE(fault_action),
	KUNIT_CASE(xnack_mode),
	KUNIT_CASE(gc_supported),
	KUNIT_CASE(vram_room),
	KUNIT_CASE(gart_flags),
	KUNIT_CASE(bo_move),
	{}
};

static struct kunit_suite amdgpu_svm_fault_suite = {
	.name = "amdgpu_svm_fault",
	.test_cases = amdgpu_svm_fault_cases,
};

kunit_test_suite(amdgpu_svm_fault_suite);
