// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright 2026 The drm_svm_coord authors
 *
 * What a VRAM migration becomes before SDMA sees it: the pages of a
 * drm_pagemap address array that move, the per-page addresses the GART
 * window maps and the runs each copied at once (amdgpu_svm_copy_plan()),
 * by hand-made plans, by runs cut at the window's size, and by 5000
 * random plans checked against an independent walk of what was generated:
 * decisions only; nothing here talks to a GPU.
 */

#include <kunit/test.h>
#include <linux/dma-direction.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include <drm/drm_pagemap.h>

#include "../amdgpu.h"
#include "../amdgpu_svm_rules.h"

/* This GPU's VRAM in the hive's physical address space, and a peer's. */
#define VRAM_BASE	SZ_1T
#define VRAM_SIZE	SZ_16G
#define VRAM_END	(VRAM_BASE + VRAM_SIZE)
#define PEER_BASE	VRAM_END
#define SYS_BASE	SZ_4G

#define PROTO_SYS	DRM_INTERCONNECT_SYSTEM
#define PROTO_VRAM	DRM_INTERCONNECT_DRIVER

#define CANARY_BYTE	0x5a
#define CANARY_PAGES	8

/* What the slots inside an entry hold in @vram: read, it breaks runs. */
#define INSIDE_VRAM	(0x777777ULL * PAGE_SIZE)

static const char *domain_name(unsigned int domain)
{
	switch (domain) {
	case AMDGPU_SVM_SYSTEM:
		return "system";
	case AMDGPU_SVM_LOCAL:
		return "local";
	case AMDGPU_SVM_PEER:
		return "peer";
	default:
		return "bad domain";
	}
}

/* Bytes of @p, @len long, all still the canary? */
static bool untouched(const void *p, size_t len)
{
	return !memchr_inv(p, CANARY_BYTE, len);
}

/* ---- plan_cases -------------------------------------------------------- */

#define CASE_ENTS	10

/* One entry of the other side: a hole when @addr is 0. */
struct plan_ent {
	u64 addr;
	u32 proto;
	u8 order;
	/* this GPU's VRAM offset of the entry's first page, or NO_VRAM */
	u64 vram;
};

struct plan_case {
	const char *desc;
	unsigned int nent;
	struct plan_ent ent[CASE_ENTS];
	unsigned long npages;
	unsigned int window;
	unsigned int max_runs;
	int ret;
	struct amdgpu_svm_copy_run runs[CASE_ENTS];
};

/* @pg pages, in bytes */
#define PG(pg)		((u64)(pg) * PAGE_SIZE)
#define NOV		AMDGPU_SVM_NO_VRAM

/*
 * An entry at page @pg of system memory, of local VRAM (a move within
 * this GPU) or of a peer's VRAM, of order @o, to or from VRAM offset @v.
 */
#define E_SYS(pg, o, v)		{ SYS_BASE + PG(pg), PROTO_SYS, o, v }
#define E_LOC(pg, o, v)		{ VRAM_BASE + PG(pg), PROTO_VRAM, o, v }
#define E_PEER(pg, o, v)	{ PEER_BASE + PG(pg), PROTO_VRAM, o, v }
#define HOLE(v)			{ 0, PROTO_SYS, 0, v }
#define RUN(f, n, v, a, d) \
	{ .first = f, .npages = n, .vram = v, .addr = a, \
	  .remote = AMDGPU_SVM_##d }

static const struct plan_case plan_rows[] = {
	{ "8 scattered system pages, contiguous VRAM: one run", 8,
	  { E_SYS(5, 0, PG(100)), E_SYS(1, 0, PG(101)), E_SYS(9, 0, PG(102)),
	    E_SYS(2, 0, PG(103)), E_SYS(100, 0, PG(104)),
	    E_SYS(3, 0, PG(105)), E_SYS(7, 0, PG(106)),
	    E_SYS(0, 0, PG(107)) },
	  8, 64, 4, 1, { RUN(0, 8, PG(100), SYS_BASE + PG(5), SYSTEM) } },
	{ "local VRAM jumps: two runs", 4,
	  { E_SYS(0, 1, PG(10)), E_SYS(2, 0, PG(12)), E_SYS(3, 0, PG(40)),
	    E_SYS(4, 1, PG(41)) },
	  6, 64, 4, 2,
	  { RUN(0, 3, PG(10), SYS_BASE, SYSTEM),
	    RUN(3, 3, PG(40), SYS_BASE + PG(3), SYSTEM) } },
	{ "system memory, then a peer: two runs", 2,
	  { E_SYS(0, 1, PG(0)), E_PEER(0, 1, PG(2)) },
	  4, 64, 4, 2,
	  { RUN(0, 2, PG(0), SYS_BASE, SYSTEM),
	    RUN(2, 2, PG(2), PEER_BASE, PEER) } },
	{ "peer addresses contiguous, then a jump: two runs", 3,
	  { E_PEER(0, 1, PG(0)), E_PEER(2, 0, PG(2)), E_PEER(9, 0, PG(3)) },
	  4, 64, 4, 2,
	  { RUN(0, 3, PG(0), PEER_BASE, PEER),
	    RUN(3, 1, PG(3), PEER_BASE + PG(9), PEER) } },
	{ "an order-9 entry: one VRAM offset read for 512 pages", 1,
	  { E_SYS(0, 9, PG(1024)) },
	  512, 1024, 1, 1, { RUN(0, 512, PG(1024), SYS_BASE, SYSTEM) } },
	{ "an order-9 peer entry cut by a 64-page window", 1,
	  { E_PEER(512, 9, PG(0)) },
	  512, 64, 8, 8,
	  { RUN(0, 64, PG(0), PEER_BASE + PG(512), PEER),
	    RUN(64, 64, PG(64), PEER_BASE + PG(576), PEER),
	    RUN(128, 64, PG(128), PEER_BASE + PG(640), PEER),
	    RUN(192, 64, PG(192), PEER_BASE + PG(704), PEER),
	    RUN(256, 64, PG(256), PEER_BASE + PG(768), PEER),
	    RUN(320, 64, PG(320), PEER_BASE + PG(832), PEER),
	    RUN(384, 64, PG(384), PEER_BASE + PG(896), PEER),
	    RUN(448, 64, PG(448), PEER_BASE + PG(960), PEER) } },
	{ "holes and pages that stay break runs", 6,
	  { E_SYS(0, 0, PG(0)), HOLE(PG(1)), E_SYS(2, 0, PG(2)),
	    E_SYS(3, 1, NOV), E_SYS(5, 0, PG(3)), E_SYS(6, 0, PG(4)) },
	  7, 64, 3, 3,
	  { RUN(0, 1, PG(0), SYS_BASE, SYSTEM),
	    RUN(2, 1, PG(2), SYS_BASE + PG(2), SYSTEM),
	    RUN(5, 2, PG(3), SYS_BASE + PG(5), SYSTEM) } },
	{ "one run more than max_runs", 6,
	  { E_SYS(0, 0, PG(0)), HOLE(PG(1)), E_SYS(2, 0, PG(2)),
	    E_SYS(3, 1, NOV), E_SYS(5, 0, PG(3)), E_SYS(6, 0, PG(4)) },
	  7, 64, 2, -E2BIG },
	{ "a hole is one page, whatever its order", 2,
	  { { 0, PROTO_SYS, 5, PG(0) }, E_SYS(1, 0, PG(1)) },
	  2, 64, 1, 1, { RUN(1, 1, PG(1), SYS_BASE + PG(1), SYSTEM) } },
	{ "local VRAM on both sides: one run, then a jump", 3,
	  { E_LOC(0, 1, PG(8)), E_LOC(2, 1, PG(10)), E_LOC(7, 0, PG(12)) },
	  5, 64, 2, 2,
	  { RUN(0, 4, PG(8), VRAM_BASE, LOCAL),
	    RUN(4, 1, PG(12), VRAM_BASE + PG(7), LOCAL) } },
	{ "the end of local VRAM, then the peer just past it", 2,
	  { { VRAM_END - PAGE_SIZE, PROTO_VRAM, 0, PG(0) },
	    { VRAM_END, PROTO_VRAM, 0, PG(1) } },
	  2, 64, 2, 2,
	  { RUN(0, 1, PG(0), VRAM_END - PAGE_SIZE, LOCAL),
	    RUN(1, 1, PG(1), VRAM_END, PEER) } },
	{ "a VRAM offset that would wrap past U64_MAX follows nothing", 2,
	  { E_SYS(0, 0, -(u64)PAGE_SIZE), E_SYS(1, 0, 0) },
	  2, 64, 2, 2,
	  { RUN(0, 1, -(u64)PAGE_SIZE, SYS_BASE, SYSTEM),
	    RUN(1, 1, 0, SYS_BASE + PG(1), SYSTEM) } },
	{ "a peer address that wraps past U64_MAX inside its entry", 1,
	  { { -(u64)PAGE_SIZE, PROTO_VRAM, 1, PG(0) } },
	  2, 64, 2, 2,
	  { RUN(0, 1, PG(0), -(u64)PAGE_SIZE, PEER),
	    RUN(1, 1, PG(1), 0, PEER) } },
	{ "only holes and pages that stay: no run", 3,
	  { HOLE(PG(0)), E_SYS(1, 1, NOV), HOLE(NOV) },
	  4, 64, 0, 0 },
	{ "max_runs 0", 1, { E_SYS(0, 0, PG(0)) }, 1, 64, 0, -E2BIG },
	{ "npages 0: no run, nothing written", 1, { E_SYS(0, 0, PG(0)) },
	  0, 64, 4, 0 },
	{ "window 0", 1, { E_SYS(0, 0, PG(0)) }, 1, 0, 4, -EINVAL },
	{ "an entry runs past npages", 2,
	  { E_SYS(0, 0, PG(0)), E_SYS(1, 2, PG(1)) },
	  3, 64, 4, -EINVAL },
	{ "an entry that stays runs past npages", 2,
	  { E_SYS(0, 0, PG(0)), E_SYS(1, 2, NOV) },
	  3, 64, 4, -EINVAL },
	{ "an entry of order 64", 1, { { SYS_BASE, PROTO_SYS, 64, PG(0) } },
	  1, 64, 4, -EINVAL },
	{ "too many runs and an entry past npages: -EINVAL first", 3,
	  { E_SYS(0, 0, PG(0)), E_SYS(1, 0, PG(5)), E_SYS(2, 1, PG(6)) },
	  3, 64, 1, -EINVAL },
};

/* The pages an entry covers in the test's layout. */
static unsigned long ent_pages(const struct plan_ent *e)
{
	if (!e->addr || e->order >= BITS_PER_LONG)
		return 1;
	return 1UL << e->order;
}

static void plan_row(struct kunit *test, const struct plan_case *c)
{
	struct amdgpu_svm_copy_run runs[CASE_ENTS + 1];
	unsigned long room = 0, p = 0, j, n;
	const struct plan_ent *e;
	struct drm_pagemap_addr *remote;
	dma_addr_t *addrs;
	unsigned int k;
	u64 *vram, want;
	int ret;

	for (k = 0; k < c->nent; k++)
		room += ent_pages(&c->ent[k]);
	room += CANARY_PAGES;
	remote = kunit_kcalloc(test, room, sizeof(*remote), GFP_KERNEL);
	vram = kunit_kmalloc_array(test, room, sizeof(*vram), GFP_KERNEL);
	addrs = kunit_kmalloc_array(test, room, sizeof(*addrs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, remote);
	KUNIT_ASSERT_NOT_NULL(test, vram);
	KUNIT_ASSERT_NOT_NULL(test, addrs);

	/* As drm_pagemap lays them out: the slots inside an entry unset. */
	for (k = 0; k < c->nent; k++) {
		e = &c->ent[k];
		remote[p] = drm_pagemap_addr_encode(e->addr, e->proto, e->order,
						    DMA_BIDIRECTIONAL);
		vram[p] = e->vram;
		for (j = 1; j < ent_pages(e); j++)
			vram[p + j] = INSIDE_VRAM;
		p += ent_pages(e);
	}
	for (; p < room; p++)
		vram[p] = INSIDE_VRAM;
	memset(addrs, CANARY_BYTE, room * sizeof(*addrs));
	memset(runs, CANARY_BYTE, sizeof(runs));

	ret = amdgpu_svm_copy_plan(vram, remote, c->npages, VRAM_BASE,
				   VRAM_SIZE, c->window, addrs, runs,
				   c->max_runs);
	KUNIT_EXPECT_EQ_MSG(test, ret, c->ret,
			    "%s: %lu pages, window %u, max_runs %u: returned %d, not %d",
			    c->desc, c->npages, c->window, c->max_runs, ret,
			    c->ret);
	if (ret != c->ret)
		return;

	if (ret < 0) {
		KUNIT_EXPECT_TRUE_MSG(test, untouched(addrs, room * sizeof(*addrs)),
				      "%s: addrs written although it failed (%d)",
				      c->desc, ret);
		KUNIT_EXPECT_TRUE_MSG(test, untouched(runs, sizeof(runs)),
				      "%s: runs written although it failed (%d)",
				      c->desc, ret);
		return;
	}

	for (k = 0; k < (unsigned int)ret; k++) {
		KUNIT_EXPECT_EQ_MSG(test, runs[k].first, c->runs[k].first,
				    "%s: run %u starts at page %lu, not %lu",
				    c->desc, k, runs[k].first, c->runs[k].first);
		KUNIT_EXPECT_EQ_MSG(test, runs[k].npages, c->runs[k].npages,
				    "%s: run %u has %lu pages, not %lu",
				    c->desc, k, runs[k].npages, c->runs[k].npages);
		KUNIT_EXPECT_EQ_MSG(test, runs[k].vram, c->runs[k].vram,
				    "%s: run %u at VRAM offset %#llx, not %#llx",
				    c->desc, k, runs[k].vram, c->runs[k].vram);
		KUNIT_EXPECT_EQ_MSG(test, runs[k].addr, c->runs[k].addr,
				    "%s: run %u from or to %#llx, not %#llx",
				    c->desc, k, runs[k].addr, c->runs[k].addr);
		KUNIT_EXPECT_EQ_MSG(test, runs[k].remote, c->runs[k].remote,
				    "%s: run %u with %s on the other side, not %s",
				    c->desc, k, domain_name(runs[k].remote),
				    domain_name(c->runs[k].remote));
	}
	KUNIT_EXPECT_TRUE_MSG(test, untouched(&runs[ret],
					      sizeof(runs[0]) * (CASE_ENTS + 1 - ret)),
			      "%s: runs written past the %d returned", c->desc,
			      ret);

	/* Page j of an entry that moves is at its address + j pages. */
	for (k = 0, p = 0; k < c->nent && p < c->npages; k++) {
		e = &c->ent[k];
		n = ent_pages(e);
		for (j = 0; j < n && p < c->npages; j++, p++) {
			want = e->addr && e->vram != NOV ? e->addr + PG(j) : 0;
			KUNIT_EXPECT_EQ_MSG(test, (u64)addrs[p], want,
					    "%s: page %lu (entry %u, page %lu of it) at %#llx, not %#llx",
					    c->desc, p, k, j, (u64)addrs[p],
					    want);
		}
	}
	KUNIT_EXPECT_TRUE_MSG(test, untouched(&addrs[c->npages],
					      (room - c->npages) * sizeof(*addrs)),
			      "%s: addrs written past npages %lu", c->desc,
			      c->npages);
}

static void plan_cases(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(plan_rows); i++)
		plan_row(test, &plan_rows[i]);
}

/* ---- window_edges ------------------------------------------------------ */

struct window_row {
	unsigned long npages;
	unsigned int order;
	unsigned int window;
	int nruns;
};

/* One run of system memory into contiguous VRAM, cut by the window. */
static const struct window_row window_rows[] = {
	{ 1023, 0, 1024, 1 },
	{ 1024, 0, 1024, 1 },
	{ 1025, 0, 1024, 2 },
	{ 2048, 0, 1024, 2 },
	{ 2048, 9, 1024, 2 },
	{ 1536, 9, 1024, 2 },
	{ 1024, 0, 1023, 2 },
	{ 5, 0, 1, 5 },
	{ 512, 9, 1, 512 },
};

static void window_check(struct kunit *test, const struct window_row *r)
{
	struct drm_pagemap_addr *remote;
	struct amdgpu_svm_copy_run *runs;
	unsigned long n = 1UL << r->order, p, j, first, want;
	dma_addr_t *addrs;
	u64 *vram, addr;
	int ret, k;

	remote = kunit_kcalloc(test, r->npages, sizeof(*remote), GFP_KERNEL);
	vram = kunit_kmalloc_array(test, r->npages, sizeof(*vram), GFP_KERNEL);
	addrs = kunit_kmalloc_array(test, r->npages, sizeof(*addrs),
				    GFP_KERNEL);
	runs = kunit_kmalloc_array(test, r->npages + 1, sizeof(*runs),
				   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, remote);
	KUNIT_ASSERT_NOT_NULL(test, vram);
	KUNIT_ASSERT_NOT_NULL(test, addrs);
	KUNIT_ASSERT_NOT_NULL(test, runs);

	/* entries of system memory in descending order, VRAM ascending */
	for (p = 0; p < r->npages; p += n) {
		addr = SYS_BASE + PG(2 * (r->npages - p));
		remote[p] = drm_pagemap_addr_encode(addr, PROTO_SYS, r->order,
						    DMA_BIDIRECTIONAL);
		vram[p] = PG(p);
		for (j = 1; j < n; j++)
			vram[p + j] = INSIDE_VRAM;
	}

	ret = amdgpu_svm_copy_plan(vram, remote, r->npages, VRAM_BASE,
				   VRAM_SIZE, r->window, addrs, runs,
				   r->npages + 1);
	KUNIT_EXPECT_EQ_MSG(test, ret, r->nruns,
			    "%lu pages of order %u, window %u: %d runs, not %d",
			    r->npages, r->order, r->window, ret, r->nruns);
	if (ret != r->nruns)
		return;

	for (p = 0; p < r->npages; p++) {
		first = p - p % n;
		addr = SYS_BASE + PG(2 * (r->npages - first)) + PG(p - first);
		if (addrs[p] == addr)
			continue;
		KUNIT_FAIL(test,
			   "%lu pages of order %u, window %u: page %lu at %#llx, not %#llx",
			   r->npages, r->order, r->window, p, (u64)addrs[p],
			   addr);
		return;
	}

	for (k = 0; k < ret; k++) {
		first = (unsigned long)k * r->window;
		want = min_t(unsigned long, r->window, r->npages - first);
		p = first - first % n;
		addr = SYS_BASE + PG(2 * (r->npages - p)) + PG(first - p);
		if (runs[k].first == first && runs[k].npages == want &&
		    runs[k].vram == PG(first) && runs[k].addr == addr &&
		    runs[k].remote == AMDGPU_SVM_SYSTEM)
			continue;
		KUNIT_FAIL(test,
			   "%lu pages of order %u, window %u: run %d is %lu pages at %lu (VRAM %#llx, %s %#llx), not %lu at %lu (VRAM %#llx, system %#llx)",
			   r->npages, r->order, r->window, k, runs[k].npages,
			   runs[k].first, runs[k].vram,
			   domain_name(runs[k].remote), runs[k].addr, want,
			   first, PG(first), addr);
		return;
	}
}

static void window_edges(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(window_rows); i++)
		window_check(test, &window_rows[i]);
}

/* ---- plan_random ------------------------------------------------------- */

#define RND_PLANS	5000
#define RND_SEED	0x73766d636f7079ULL	/* "svmcopy" */
#define RND_ENTS	64
#define RND_PAGES	512
#define RND_MAX_ORDER	4
#define RND_MAX_WINDOW	64

/* One random plan, what was generated for each page, and the answer. */
struct rnd_plan {
	u64 vram[RND_PAGES];
	struct drm_pagemap_addr remote[RND_PAGES];
	unsigned int nent;
	unsigned long npages;
	unsigned int window;
	unsigned int max_runs;
	/* an entry runs past npages */
	bool bad;
	/* per page: moves, and the domain and addresses it was given */
	bool moves[RND_PAGES];
	u8 dom[RND_PAGES];
	u64 lv[RND_PAGES];
	u64 ra[RND_PAGES];
	/* the runs the reference walk counts */
	unsigned long nruns;
	dma_addr_t addrs[RND_PAGES + CANARY_PAGES];
	struct amdgpu_svm_copy_run runs[RND_PAGES + CANARY_PAGES];
};

static u32 rnd_below(struct rnd_state *rs, u32 n)
{
	return prandom_u32_state(rs) % n;
}

static u64 rnd_u64(struct rnd_state *rs)
{
	u64 hi = prandom_u32_state(rs);

	return hi << 32 | prandom_u32_state(rs);
}

/* A page-aligned VRAM offset with room for @n pages. */
static u64 rnd_vram(struct rnd_state *rs, unsigned long n)
{
	return PG(rnd_below(rs, VRAM_SIZE / PAGE_SIZE - n + 1));
}

/* An entry of @n pages in local VRAM, at times at either end of it. */
static u64 rnd_local(struct rnd_state *rs, unsigned long n)
{
	u32 where = rnd_below(rs, 8);

	if (where == 0)
		return VRAM_BASE;
	if (where == 1)
		return VRAM_END - PG(n);
	return VRAM_BASE + rnd_vram(rs, n);
}

/* An entry of @n pages in a peer's VRAM, at times next to local VRAM. */
static u64 rnd_peer(struct rnd_state *rs, unsigned long n)
{
	u32 where = rnd_below(rs, 8);

	if (where == 0)
		return VRAM_END;
	if (where == 1)
		return VRAM_BASE - PG(n);
	if (where < 4)
		return VRAM_BASE - PG(n + rnd_below(rs, SZ_1M));
	return VRAM_END + PG(rnd_below(rs, SZ_1M));
}

/* An entry of @n pages in system memory, at times in the VRAM window. */
static u64 rnd_sys(struct rnd_state *rs, unsigned long n)
{
	u64 addr;

	if (!rnd_below(rs, 4))
		return VRAM_BASE + rnd_vram(rs, n);
	addr = rnd_u64(rs) & GENMASK_ULL(51, 0) & ~((u64)PAGE_SIZE - 1);
	return addr ?: SYS_BASE;
}

/*
 * The address of an entry of @n pages in @dom: often @end, where the
 * previous entry of the other side ended, when that lies in @dom.
 */
static u64 rnd_remote(struct rnd_state *rs, u8 dom, unsigned long n, u64 end)
{
	bool follow = end && rnd_below(rs, 4);

	if (dom == AMDGPU_SVM_LOCAL) {
		if (follow && end >= VRAM_BASE && end + PG(n) <= VRAM_END)
			return end;
		return rnd_local(rs, n);
	}
	if (dom == AMDGPU_SVM_PEER) {
		if (follow && (end >= VRAM_END || end + PG(n) <= VRAM_BASE))
			return end;
		return rnd_peer(rs, n);
	}
	/* system pages need not follow each other: half of them do */
	if (follow && rnd_below(rs, 2))
		return end;
	return rnd_sys(rs, n);
}

/* Page @p joins page @p - 1 in a run, the window aside? */
static bool ref_joins(const struct rnd_plan *r, unsigned long p)
{
	if (!r->moves[p - 1] || !r->moves[p] || r->dom[p] != r->dom[p - 1])
		return false;
	if (r->lv[p - 1] > U64_MAX - PAGE_SIZE || r->lv[p] == NOV ||
	    r->lv[p] != r->lv[p - 1] + PAGE_SIZE)
		return false;
	if (r->dom[p] == AMDGPU_SVM_SYSTEM)
		return true;
	return r->ra[p - 1] <= U64_MAX - PAGE_SIZE &&
	       r->ra[p] == r->ra[p - 1] + PAGE_SIZE;
}

/* The runs of @r, each as long as the window lets it. */
static unsigned long ref_runs(const struct rnd_plan *r)
{
	unsigned long p, len = 0, nr = 0;

	for (p = 0; p < r->npages; p++) {
		if (!r->moves[p]) {
			len = 0;
		} else if (len && len < r->window && ref_joins(r, p)) {
			len++;
		} else {
			nr++;
			len = 1;
		}
	}
	return nr;
}

static void rnd_build(struct rnd_state *rs, struct rnd_plan *r)
{
	unsigned int nent = 1 + rnd_below(rs, RND_ENTS);
	/* half of the plans with garbage in the slots inside an entry */
	bool garbage = rnd_below(rs, 2);
	unsigned long p = 0, last = 0, n = 1, j;
	u64 lv_end = 0, ra_end = 0, head, addr, junk;
	u8 dom = rnd_below(rs, 3);
	unsigned int k, order;
	bool hole = true;

	memset(r->remote, 0, sizeof(r->remote));
	for (k = 0; k < nent && p < RND_PAGES; k++, p += n) {
		last = p;
		hole = !rnd_below(rs, 8);
		if (hole) {
			/* one page, whatever its order says */
			n = 1;
			order = rnd_below(rs, RND_MAX_ORDER + 1);
			r->remote[p] = drm_pagemap_addr_encode(0, PROTO_SYS,
							       order,
							       DMA_BIDIRECTIONAL);
			r->vram[p] = rnd_below(rs, 2) ? lv_end : NOV;
			r->moves[p] = false;
			r->dom[p] = AMDGPU_SVM_SYSTEM;
			r->lv[p] = 0;
			r->ra[p] = 0;
			continue;
		}

		order = rnd_below(rs, RND_MAX_ORDER + 1);
		order = min_t(unsigned int, order, ilog2(RND_PAGES - p));
		n = 1UL << order;
		/* half of the entries keep the previous one's domain */
		if (rnd_below(rs, 2))
			dom = rnd_below(rs, 3);
		addr = rnd_remote(rs, dom, n, ra_end);
		/* VRAM: mostly where the last one ended, now and then none */
		if (!rnd_below(rs, 8))
			head = NOV;
		else if (rnd_below(rs, 4))
			head = lv_end;
		else
			head = rnd_vram(rs, n);

		r->remote[p] = drm_pagemap_addr_encode(addr,
						       dom == AMDGPU_SVM_SYSTEM ?
						       PROTO_SYS : PROTO_VRAM,
						       order, DMA_BIDIRECTIONAL);
		r->vram[p] = head;
		for (j = 0; j < n; j++) {
			if (j && garbage) {
				/* an entry that would run past npages */
				junk = rnd_u64(rs) | 1;
				r->remote[p + j] =
					drm_pagemap_addr_encode(junk, PROTO_VRAM,
								BITS_PER_LONG,
								DMA_BIDIRECTIONAL);
				r->vram[p + j] = rnd_u64(rs);
			} else if (j) {
				r->vram[p + j] = head == NOV ? NOV : head + PG(j);
			}
			r->moves[p + j] = head != NOV;
			r->dom[p + j] = dom;
			r->lv[p + j] = head + PG(j);
			r->ra[p + j] = addr + PG(j);
		}
		if (head != NOV)
			lv_end = head + PG(n);
		ra_end = addr + PG(n);
	}
	r->nent = k;
	r->npages = p;
	r->bad = false;
	/* a sixteenth of the plans cut inside their last entry */
	if (!hole && n > 1 && !rnd_below(rs, 16)) {
		r->npages = last + 1 + rnd_below(rs, n - 1);
		r->bad = true;
	}
	r->window = 1 + rnd_below(rs, RND_MAX_WINDOW);
	r->nruns = r->bad ? 0 : ref_runs(r);
	/* a quarter of the plans with max_runs around the need */
	r->max_runs = rnd_below(rs, 4) ? RND_PAGES :
				       rnd_below(rs, r->nruns + 2);
	memset(r->addrs, CANARY_BYTE, sizeof(r->addrs));
	memset(r->runs, CANARY_BYTE, sizeof(r->runs));
}

/* The first thing wrong with the answer @ret to @r, or NULL. */
static const char *rnd_wrong(const struct rnd_plan *r, int ret,
			     const char **what, unsigned long *at)
{
	const struct amdgpu_svm_copy_run *run;
	unsigned long next = 0, covered = 0, moving = 0, p, q;
	unsigned int k;

	*what = "plan";
	*at = 0;
	if (r->bad || r->nruns > r->max_runs) {
		if (r->bad && ret != -EINVAL)
			return "not -EINVAL with an entry past npages";
		if (!r->bad && ret != -E2BIG)
			return "not -E2BIG with too many runs";
		if (!untouched(r->addrs, sizeof(r->addrs)) ||
		    !untouched(r->runs, sizeof(r->runs)))
			return "wrote addrs or runs although it failed";
		return NULL;
	}
	if (ret != (int)r->nruns)
		return "wrong number of runs";

	*what = "run";
	for (k = 0; k < r->nruns; k++) {
		*at = k;
		run = &r->runs[k];
		if (run->first >= r->npages)
			return "starts past npages";
		if (run->first < next)
			return "starts before the previous run ends";
		if (!run->npages)
			return "empty";
		if (run->npages > r->window)
			return "longer than the window";
		if (run->npages > r->npages - run->first)
			return "runs past npages";
		if (run->vram != r->lv[run->first])
			return "VRAM offset is not its first page's";
		if (run->addr != r->ra[run->first])
			return "address is not its first page's";
		if (run->remote != r->dom[run->first])
			return "domain is not its first page's";
		for (p = run->first; p < run->first + run->npages; p++) {
			if (!r->moves[p])
				return "holds a page that does not move";
			if (r->dom[p] != run->remote)
				return "holds a page of another domain";
			if (p > run->first && !ref_joins(r, p))
				return "not contiguous where it should be";
		}
		/* maximal: the next page does not join, or the run is full */
		q = run->first + run->npages;
		if (q < r->npages && run->npages < r->window && ref_joins(r, q))
			return "not maximal: the next page would join it";
		covered += run->npages;
		next = q;
	}

	*what = "page";
	for (p = 0; p < r->npages; p++) {
		*at = p;
		moving += r->moves[p];
		if (r->addrs[p] != (r->moves[p] ? r->ra[p] : 0))
			return "address is not its entry's + offset (or 0)";
	}
	*at = 0;
	if (covered != moving)
		return "runs do not cover exactly the pages that move";
	*what = "plan";
	if (!untouched(&r->addrs[r->npages],
		       sizeof(r->addrs) - r->npages * sizeof(r->addrs[0])))
		return "addrs written past npages";
	if (!untouched(&r->runs[ret], sizeof(r->runs) - ret * sizeof(r->runs[0])))
		return "runs written past the ones returned";
	return NULL;
}

static void plan_random(struct kunit *test)
{
	unsigned int i, ok = 0, e2big = 0, einval = 0, cut = 0, multi = 0;
	const struct amdgpu_svm_copy_run *run;
	const char *wrong, *what;
	struct rnd_state rs;
	struct rnd_plan *r;
	unsigned long at, q;
	int ret, k;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	prandom_seed_state(&rs, RND_SEED);

	for (i = 0; i < RND_PLANS; i++) {
		rnd_build(&rs, r);
		ret = amdgpu_svm_copy_plan(r->vram, r->remote, r->npages,
					   VRAM_BASE, VRAM_SIZE, r->window,
					   r->addrs, r->runs, r->max_runs);
		wrong = rnd_wrong(r, ret, &what, &at);
		if (wrong) {
			/* The first counterexample says it all. */
			KUNIT_FAIL(test,
				   "plan %u (seed %#llx): %s %lu: %s; %u entries, %lu pages, window %u, %lu runs expected, max_runs %u, %s, returned %d",
				   i, RND_SEED, what, at, wrong, r->nent,
				   r->npages, r->window, r->nruns, r->max_runs,
				   r->bad ? "an entry past npages" : "valid",
				   ret);
			return;
		}
		if (ret == -EINVAL) {
			einval++;
			continue;
		}
		if (ret < 0) {
			e2big++;
			continue;
		}
		ok++;
		multi += ret > 1;
		/* runs that the window cut, not a break */
		for (k = 0; k < ret; k++) {
			run = &r->runs[k];
			q = run->first + run->npages;
			cut += run->npages == r->window && q < r->npages &&
			       ref_joins(r, q);
		}
	}

	KUNIT_EXPECT_EQ_MSG(test, ok + e2big + einval, RND_PLANS,
			    "checked %u plans of %u", ok + e2big + einval,
			    RND_PLANS);
	/* The generator must exercise every outcome. */
	KUNIT_EXPECT_GT_MSG(test, e2big, 0, "no plan needed more than max_runs runs");
	KUNIT_EXPECT_GT_MSG(test, einval, 0, "no plan had an entry past npages");
	KUNIT_EXPECT_GT_MSG(test, cut, 0, "the window cut no run");
	KUNIT_EXPECT_GT_MSG(test, multi, RND_PLANS / 4,
			    "only %u of %u plans had several runs", multi,
			    RND_PLANS);
	KUNIT_EXPECT_GT_MSG(test, ok, RND_PLANS / 2,
			    "only %u of %u plans were planned", ok, RND_PLANS);
}

static struct kunit_case amdgpu_svm_copy_cases[] = {
	KUNIT_CASE(plan_cases),
	KUNIT_CASE(window_edges),
	KUNIT_CASE(plan_random),
	{}
};

static struct kunit_suite amdgpu_svm_copy_suite = {
	.name = "amdgpu_svm_copy",
	.test_cases = amdgpu_svm_copy_cases,
};

kunit_test_suite(amdgpu_svm_copy_suite);
