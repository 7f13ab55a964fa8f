// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright 2026 The drm_svm_coord authors
 *
 * What a map request becomes before amdgpu_vm_update_range() sees it: the
 * domain of each DMA address (amdgpu_svm_classify()), the per-page address
 * array and the runs of one domain (amdgpu_svm_map_runs()), by hand-made
 * cases and by 5000 random requests checked against what was generated,
 * and CPU byte intervals as GPU page numbers (amdgpu_svm_gpu_pages()):
 * decisions only; nothing here talks to a GPU.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include <drm/drm_pagemap.h>

#include "../amdgpu.h"
#include "../amdgpu_svm_rules.h"

/* This GPU's VRAM in the hive's physical address space, and two peers'. */
#define VRAM_BASE	SZ_1T
#define VRAM_SIZE	SZ_16G
#define VRAM_END	(VRAM_BASE + VRAM_SIZE)
#define PEER_BASE	VRAM_END
#define PEER2_BASE	(VRAM_BASE - VRAM_SIZE)
#define SYS_BASE	SZ_4G

#define PROTO_SYS	DRM_INTERCONNECT_SYSTEM
#define PROTO_VRAM	DRM_INTERCONNECT_DRIVER

#define CANARY_BYTE	0x5a
#define CANARY_PAGES	8

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

/* ---- classify_edges ---------------------------------------------------- */

struct classify_row {
	const char *desc;
	u64 addr;
	u32 proto;
	u64 base;
	u64 size;
	enum amdgpu_svm_domain domain;
};

static const struct classify_row classify_rows[] = {
	{ "first byte of local VRAM", VRAM_BASE, PROTO_VRAM,
	  VRAM_BASE, VRAM_SIZE, AMDGPU_SVM_LOCAL },
	{ "last byte of local VRAM", VRAM_END - 1, PROTO_VRAM,
	  VRAM_BASE, VRAM_SIZE, AMDGPU_SVM_LOCAL },
	{ "one past local VRAM", VRAM_END, PROTO_VRAM,
	  VRAM_BASE, VRAM_SIZE, AMDGPU_SVM_PEER },
	{ "one before local VRAM", VRAM_BASE - 1, PROTO_VRAM,
	  VRAM_BASE, VRAM_SIZE, AMDGPU_SVM_PEER },
	{ "VRAM address 0, local VRAM higher", 0, PROTO_VRAM,
	  VRAM_BASE, VRAM_SIZE, AMDGPU_SVM_PEER },
	{ "VRAM address U64_MAX, local VRAM lower", U64_MAX, PROTO_VRAM,
	  VRAM_BASE, VRAM_SIZE, AMDGPU_SVM_PEER },
	{ "a driver-private protocol inside local VRAM", VRAM_BASE + SZ_4K,
	  PROTO_VRAM + 1, VRAM_BASE, VRAM_SIZE, AMDGPU_SVM_LOCAL },
	{ "system memory at an address inside local VRAM", VRAM_BASE + SZ_4K,
	  PROTO_SYS, VRAM_BASE, VRAM_SIZE, AMDGPU_SVM_SYSTEM },
	{ "system memory at the first byte of local VRAM", VRAM_BASE,
	  PROTO_SYS, VRAM_BASE, VRAM_SIZE, AMDGPU_SVM_SYSTEM },
	{ "system memory at 0", 0, PROTO_SYS,
	  VRAM_BASE, VRAM_SIZE, AMDGPU_SVM_SYSTEM },
	{ "system memory at U64_MAX", U64_MAX, PROTO_SYS,
	  VRAM_BASE, VRAM_SIZE, AMDGPU_SVM_SYSTEM },
	{ "VRAM ending at U64_MAX: its last byte", U64_MAX, PROTO_VRAM,
	  U64_MAX - SZ_4K + 1, SZ_4K, AMDGPU_SVM_LOCAL },
	{ "VRAM ending at U64_MAX: its first byte", U64_MAX - SZ_4K + 1,
	  PROTO_VRAM, U64_MAX - SZ_4K + 1, SZ_4K, AMDGPU_SVM_LOCAL },
	{ "VRAM ending at U64_MAX: one before it", U64_MAX - SZ_4K,
	  PROTO_VRAM, U64_MAX - SZ_4K + 1, SZ_4K, AMDGPU_SVM_PEER },
	{ "VRAM ending at U64_MAX: address 0 does not wrap into it", 0,
	  PROTO_VRAM, U64_MAX - SZ_4K + 1, SZ_4K, AMDGPU_SVM_PEER },
	{ "VRAM base plus size past U64_MAX: address 0", 0, PROTO_VRAM,
	  U64_MAX - SZ_4K + 1, SZ_8K, AMDGPU_SVM_PEER },
	{ "VRAM base plus size past U64_MAX: U64_MAX", U64_MAX, PROTO_VRAM,
	  U64_MAX - SZ_4K + 1, SZ_8K, AMDGPU_SVM_LOCAL },
	{ "VRAM at 0: address 0", 0, PROTO_VRAM,
	  0, VRAM_SIZE, AMDGPU_SVM_LOCAL },
	{ "VRAM of size U64_MAX at 4 KiB: address 0", 0, PROTO_VRAM,
	  SZ_4K, U64_MAX, AMDGPU_SVM_PEER },
	{ "VRAM of size U64_MAX at 4 KiB: U64_MAX", U64_MAX, PROTO_VRAM,
	  SZ_4K, U64_MAX, AMDGPU_SVM_LOCAL },
	{ "no local VRAM (size 0): its base", VRAM_BASE, PROTO_VRAM,
	  VRAM_BASE, 0, AMDGPU_SVM_PEER },
};

static void classify_edges(struct kunit *test)
{
	const struct classify_row *r;
	enum amdgpu_svm_domain got;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(classify_rows); i++) {
		r = &classify_rows[i];
		got = amdgpu_svm_classify(r->addr, r->proto, r->base, r->size);
		KUNIT_EXPECT_EQ_MSG(test, got, r->domain,
				    "%s: address %#llx proto %u in VRAM [%#llx, +%#llx) is %s, not %s",
				    r->desc, r->addr, r->proto, r->base, r->size,
				    domain_name(got), domain_name(r->domain));
	}
}

/* ---- runs_cases -------------------------------------------------------- */

#define CASE_ENTS	8

struct map_ent {
	u64 addr;
	u32 proto;
	u8 order;
};

struct map_case {
	const char *desc;
	unsigned int nent;
	struct map_ent ent[CASE_ENTS];
	unsigned long npages;
	unsigned int max_runs;
	int ret;
	struct amdgpu_svm_run runs[CASE_ENTS];
};

/* An entry at page @pg of system memory, local VRAM or a peer's VRAM. */
#define E_SYS(pg, o)	{ SYS_BASE + (pg) * PAGE_SIZE, PROTO_SYS, o }
#define E_LOC(pg, o)	{ VRAM_BASE + (pg) * PAGE_SIZE, PROTO_VRAM, o }
#define E_PEER(pg, o)	{ PEER_BASE + (pg) * PAGE_SIZE, PROTO_VRAM, o }
#define E_PEER2(pg, o)	{ PEER2_BASE + (pg) * PAGE_SIZE, PROTO_VRAM, o }
#define RUN(f, n, d)	{ .first = f, .npages = n, .domain = AMDGPU_SVM_##d }

static const struct map_case map_cases[] = {
	{ "8 scattered system pages of order 0", 8,
	  { E_SYS(0, 0), E_SYS(5, 0), E_SYS(1, 0), E_SYS(9, 0),
	    E_SYS(2, 0), E_SYS(100, 0), E_SYS(3, 0), E_SYS(7, 0) },
	  8, 8, 1, { RUN(0, 8, SYSTEM) } },
	{ "one order-9 entry of local VRAM", 1, { E_LOC(512, 9) },
	  512, 1, 1, { RUN(0, 512, LOCAL) } },
	{ "one order-9 entry of system memory", 1, { E_SYS(0, 9) },
	  512, 4, 1, { RUN(0, 512, SYSTEM) } },
	{ "mixed orders and domains", 6,
	  { E_SYS(0, 0), E_SYS(8, 1), E_LOC(0, 2), E_LOC(16, 0),
	    E_PEER(4, 1), E_SYS(40, 0) },
	  11, 4, 4,
	  { RUN(0, 3, SYSTEM), RUN(3, 5, LOCAL), RUN(8, 2, PEER),
	    RUN(10, 1, SYSTEM) } },
	{ "two peers are one run", 2, { E_PEER(0, 0), E_PEER2(0, 1) },
	  3, 1, 1, { RUN(0, 3, PEER) } },
	{ "a run per page", 6,
	  { E_SYS(0, 0), E_LOC(1, 0), E_PEER(2, 0), E_LOC(3, 0),
	    E_SYS(4, 0), E_PEER(5, 0) },
	  6, 8, 6,
	  { RUN(0, 1, SYSTEM), RUN(1, 1, LOCAL), RUN(2, 1, PEER),
	    RUN(3, 1, LOCAL), RUN(4, 1, SYSTEM), RUN(5, 1, PEER) } },
	{ "one page", 1, { E_LOC(7, 0) }, 1, 1, 1, { RUN(0, 1, LOCAL) } },
	{ "system memory at a local VRAM address", 2,
	  { { VRAM_BASE, PROTO_SYS, 1 }, E_LOC(2, 0) },
	  3, 2, 2, { RUN(0, 2, SYSTEM), RUN(2, 1, LOCAL) } },
	{ "the last pages of local VRAM, then the peer just past it", 2,
	  { { VRAM_END - 2 * PAGE_SIZE, PROTO_VRAM, 1 },
	    { VRAM_END, PROTO_VRAM, 0 } },
	  3, 2, 2, { RUN(0, 2, LOCAL), RUN(2, 1, PEER) } },
	{ "exactly max_runs runs", 4,
	  { E_SYS(0, 1), E_LOC(0, 0), E_SYS(4, 2), E_PEER(0, 0) },
	  8, 4, 4,
	  { RUN(0, 2, SYSTEM), RUN(2, 1, LOCAL), RUN(3, 4, SYSTEM),
	    RUN(7, 1, PEER) } },
	{ "one run more than max_runs", 4,
	  { E_SYS(0, 1), E_LOC(0, 0), E_SYS(4, 2), E_PEER(0, 0) },
	  8, 3, -E2BIG },
	{ "max_runs 0", 1, { E_SYS(0, 0) }, 1, 0, -E2BIG },
	{ "an entry runs past npages", 2, { E_SYS(0, 0), E_LOC(0, 2) },
	  3, 4, -EINVAL },
	{ "an order-9 entry for 511 pages", 1, { E_LOC(0, 9) },
	  511, 4, -EINVAL },
	{ "npages 0", 1, { E_SYS(0, 0) }, 0, 4, -EINVAL },
	{ "too many runs and an entry past npages: -EINVAL first", 3,
	  { E_SYS(0, 0), E_LOC(0, 0), E_SYS(1, 1) },
	  3, 1, -EINVAL },
};

/* Bytes of @p, @len long, all still the canary? */
static bool untouched(const void *p, size_t len)
{
	return !memchr_inv(p, CANARY_BYTE, len);
}

static void run_case(struct kunit *test, const struct map_case *c)
{
	struct drm_pagemap_addr dma[CASE_ENTS] = {};
	struct amdgpu_svm_run runs[CASE_ENTS + 1];
	unsigned long room = 0, p = 0, j;
	unsigned int k;
	dma_addr_t *pages;
	int ret;

	for (k = 0; k < c->nent; k++) {
		dma[k].addr = c->ent[k].addr;
		dma[k].proto = c->ent[k].proto;
		dma[k].order = c->ent[k].order;
		room += 1UL << c->ent[k].order;
	}
	room += CANARY_PAGES;
	pages = kunit_kmalloc_array(test, room, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	memset(pages, CANARY_BYTE, room * sizeof(*pages));
	memset(runs, CANARY_BYTE, sizeof(runs));

	ret = amdgpu_svm_map_runs(dma, c->npages, VRAM_BASE, VRAM_SIZE, pages,
				  runs, c->max_runs);
	KUNIT_EXPECT_EQ_MSG(test, ret, c->ret,
			    "%s: %lu pages, max_runs %u: returned %d, not %d",
			    c->desc, c->npages, c->max_runs, ret, c->ret);
	if (ret != c->ret)
		return;

	if (ret < 0) {
		KUNIT_EXPECT_TRUE_MSG(test, untouched(pages, room * sizeof(*pages)),
				      "%s: pages written although it failed (%d)",
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
		KUNIT_EXPECT_EQ_MSG(test, runs[k].domain, c->runs[k].domain,
				    "%s: run %u is %s, not %s", c->desc, k,
				    domain_name(runs[k].domain),
				    domain_name(c->runs[k].domain));
	}
	KUNIT_EXPECT_TRUE_MSG(test, untouched(&runs[c->max_runs],
					      sizeof(runs[0]) * (CASE_ENTS + 1 - c->max_runs)),
			      "%s: runs written past max_runs %u", c->desc,
			      c->max_runs);

	/* Page j of an entry is at the entry's address + j pages. */
	for (k = 0; k < c->nent; k++) {
		for (j = 0; j < 1UL << c->ent[k].order; j++, p++)
			KUNIT_EXPECT_EQ_MSG(test, (u64)pages[p],
					    c->ent[k].addr + j * PAGE_SIZE,
					    "%s: page %lu (entry %u, page %lu of it) at %#llx, not %#llx",
					    c->desc, p, k, j, (u64)pages[p],
					    c->ent[k].addr + j * PAGE_SIZE);
	}
	KUNIT_EXPECT_TRUE_MSG(test, untouched(&pages[c->npages],
					      (room - c->npages) * sizeof(*pages)),
			      "%s: pages written past npages %lu", c->desc,
			      c->npages);
}

static void runs_cases(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(map_cases); i++)
		run_case(test, &map_cases[i]);
}

/* ---- runs_random ------------------------------------------------------- */

#define RND_ARRAYS	5000
#define RND_SEED	0x616d64677075ULL	/* "amdgpu" */
#define RND_ENTS	16
#define RND_PAGES	2048
#define RND_MAX_ORDER	9

/* One random request and what it must give, built side by side. */
struct rnd_map {
	struct drm_pagemap_addr dma[RND_ENTS];
	u8 dom[RND_ENTS];
	unsigned int nent;
	unsigned long npages;
	unsigned int nruns;
	unsigned int max_runs;
	/* per page: the address and the domain it was generated with */
	dma_addr_t want[RND_PAGES];
	u8 want_dom[RND_PAGES];
	dma_addr_t pages[RND_PAGES + CANARY_PAGES];
	struct amdgpu_svm_run runs[RND_ENTS + CANARY_PAGES];
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

/* A page-aligned address of @n pages in @dom. */
static u64 rnd_addr(struct rnd_state *rs, u8 dom, unsigned long n)
{
	u64 vram_pages = VRAM_SIZE / PAGE_SIZE;

	switch (dom) {
	case AMDGPU_SVM_LOCAL:
		return VRAM_BASE + rnd_below(rs, vram_pages - n + 1) * PAGE_SIZE;
	case AMDGPU_SVM_PEER:
		if (rnd_below(rs, 2))
			return VRAM_END + rnd_below(rs, SZ_1M) * PAGE_SIZE;
		return VRAM_BASE - (n + rnd_below(rs, SZ_1M)) * PAGE_SIZE;
	default:
		/* now and then at an address of the VRAM window */
		if (!rnd_below(rs, 4))
			return rnd_addr(rs, AMDGPU_SVM_LOCAL, n);
		return rnd_u64(rs) & GENMASK_ULL(51, 0) & ~((u64)PAGE_SIZE - 1);
	}
}

static void rnd_build(struct rnd_state *rs, struct rnd_map *r)
{
	unsigned int nent = 1 + rnd_below(rs, RND_ENTS);
	unsigned long p = 0, n, j;
	unsigned int k, order;
	u8 dom = rnd_below(rs, 3);
	u64 addr;

	r->nruns = 0;
	for (k = 0; k < nent && p < RND_PAGES; k++) {
		/* half of the entries order 0, the others 0 to 9 */
		order = rnd_below(rs, 2) ? 0 : rnd_below(rs, RND_MAX_ORDER + 1);
		order = min_t(unsigned int, order, ilog2(RND_PAGES - p));
		n = 1UL << order;
		/* half of the entries keep the previous one's domain */
		if (rnd_below(rs, 2))
			dom = rnd_below(rs, 3);
		if (!k || dom != r->dom[k - 1])
			r->nruns++;
		addr = rnd_addr(rs, dom, n);

		r->dma[k].addr = addr;
		r->dma[k].proto = dom == AMDGPU_SVM_SYSTEM ? PROTO_SYS : PROTO_VRAM;
		r->dma[k].order = order;
		r->dom[k] = dom;
		for (j = 0; j < n; j++) {
			r->want[p + j] = addr + j * PAGE_SIZE;
			r->want_dom[p + j] = dom;
		}
		p += n;
	}
	r->nent = k;
	r->npages = p;
	/* a quarter of the requests with max_runs around the need */
	r->max_runs = rnd_below(rs, 4) ? RND_ENTS : rnd_below(rs, r->nruns + 2);
	memset(r->pages, CANARY_BYTE, sizeof(r->pages));
	memset(r->runs, CANARY_BYTE, sizeof(r->runs));
}

/* The first thing wrong with the answer @ret to @r, or NULL. */
static const char *rnd_wrong(const struct rnd_map *r, int ret,
			     unsigned long *at)
{
	unsigned long next = 0, p;
	unsigned int k;

	*at = 0;
	if (r->nruns > r->max_runs) {
		if (ret != -E2BIG)
			return "not -E2BIG with too many runs";
		if (!untouched(r->pages, sizeof(r->pages)) ||
		    !untouched(r->runs, sizeof(r->runs)))
			return "wrote pages or runs although it failed";
		return NULL;
	}
	if (ret != (int)r->nruns)
		return "wrong number of runs";
	for (k = 0; k < r->nruns; k++) {
		*at = k;
		if (r->runs[k].first != next)
			return "run does not start where the previous one ends";
		if (!r->runs[k].npages)
			return "empty run";
		if (r->runs[k].npages > r->npages - next)
			return "run past npages";
		if (k && r->runs[k].domain == r->runs[k - 1].domain)
			return "run of the same domain as the previous one";
		for (p = next; p < next + r->runs[k].npages; p++) {
			if (r->want_dom[p] != r->runs[k].domain)
				return "run holds a page of another domain";
		}
		next += r->runs[k].npages;
	}
	if (next != r->npages)
		return "runs do not cover npages";
	for (p = 0; p < r->npages; p++) {
		*at = p;
		if (r->pages[p] != r->want[p])
			return "page address is not its entry's address + offset";
	}
	*at = 0;
	if (!untouched(&r->pages[r->npages],
		       sizeof(r->pages) - r->npages * sizeof(r->pages[0])))
		return "pages written past npages";
	if (!untouched(&r->runs[r->max_runs],
		       sizeof(r->runs) - r->max_runs * sizeof(r->runs[0])))
		return "runs written past max_runs";
	return NULL;
}

static void runs_random(struct kunit *test)
{
	unsigned int i, ok = 0, e2big = 0;
	struct rnd_state rs;
	struct rnd_map *r;
	const char *wrong;
	unsigned long at;
	int ret;

	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	prandom_seed_state(&rs, RND_SEED);

	for (i = 0; i < RND_ARRAYS; i++) {
		rnd_build(&rs, r);
		ret = amdgpu_svm_map_runs(r->dma, r->npages, VRAM_BASE,
					  VRAM_SIZE, r->pages, r->runs,
					  r->max_runs);
		wrong = rnd_wrong(r, ret, &at);
		if (wrong) {
			/* The first counterexample says it all. */
			KUNIT_FAIL(test,
				   "request %u (seed %#llx): %s (at %lu): %u entries, %lu pages, %u runs expected, max_runs %u, returned %d",
				   i, RND_SEED, wrong, at, r->nent, r->npages,
				   r->nruns, r->max_runs, ret);
			return;
		}
		if (ret < 0)
			e2big++;
		else
			ok++;
	}

	KUNIT_EXPECT_EQ_MSG(test, ok + e2big, RND_ARRAYS,
			    "checked %u requests of %u", ok + e2big, RND_ARRAYS);
	/* The generator must exercise both outcomes. */
	KUNIT_EXPECT_GT_MSG(test, e2big, 0, "no request needed more than max_runs runs");
	KUNIT_EXPECT_GT_MSG(test, ok, RND_ARRAYS / 2,
			    "only %u of %u requests were mapped", ok, RND_ARRAYS);
}

/* ---- gpu_pages --------------------------------------------------------- */

struct gpu_pages_row {
	const char *desc;
	unsigned long start;
	unsigned long end;
	u64 first;
	u64 last;
};

static const struct gpu_pages_row gpu_pages_rows[] = {
	/* 4 KiB CPU pages */
	{ "4 KiB page 0", 0x0, 0x1000, 0x0, 0x0 },
	{ "4 KiB page 1", 0x1000, 0x2000, 0x1, 0x1 },
	{ "two 4 KiB pages", 0x1000, 0x3000, 0x1, 0x2 },
	{ "2 MiB at 2 MiB", 0x200000, 0x400000, 0x200, 0x3ff },
	{ "last 4 KiB page below 4 GiB", 0xfffff000, 0x100000000, 0xfffff, 0xfffff },
	{ "top 2 MiB of a 47-bit address space", 0x7fffffe00000, 0x800000000000,
	  0x7fffffe00, 0x7ffffffff },
	/* 64 KiB CPU pages: 16 GPU pages each */
	{ "64 KiB page 0", 0x0, 0x10000, 0x0, 0xf },
	{ "64 KiB page 1", 0x10000, 0x20000, 0x10, 0x1f },
	{ "two 64 KiB pages", 0x30000, 0x50000, 0x30, 0x4f },
	{ "last 64 KiB page below 4 GiB", 0xffff0000, 0x100000000, 0xffff0, 0xfffff },
	{ "512 MiB of 64 KiB pages at 512 MiB", 0x20000000, 0x40000000,
	  0x20000, 0x3ffff },
	/* not page aligned: the GPU pages holding the first and last byte */
	{ "one byte", 0x1fff, 0x2000, 0x1, 0x1 },
	{ "two bytes across a GPU page", 0x1fff, 0x2001, 0x1, 0x2 },
};

static void gpu_pages(struct kunit *test)
{
	const struct gpu_pages_row *r;
	u64 first, last;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(gpu_pages_rows); i++) {
		r = &gpu_pages_rows[i];
		first = U64_MAX;
		last = U64_MAX;
		amdgpu_svm_gpu_pages(r->start, r->end, &first, &last);
		KUNIT_EXPECT_EQ_MSG(test, first, r->first,
				    "%s: [%#lx, %#lx) starts at GPU page %#llx, not %#llx",
				    r->desc, r->start, r->end, first, r->first);
		KUNIT_EXPECT_EQ_MSG(test, last, r->last,
				    "%s: [%#lx, %#lx) ends at GPU page %#llx, not %#llx",
				    r->desc, r->start, r->end, last, r->last);
	}
}

static struct kunit_case amdgpu_svm_map_cases[] = {
	KUNIT_CASE(classify_edges),
	KUNIT_CASE(runs_cases),
	KUNIT_CASE(runs_random),
	KUNIT_CASE(gpu_pages),
	{}
};

static struct kunit_suite amdgpu_svm_map_suite = {
	.name = "amdgpu_svm_map",
	.test_cases = amdgpu_svm_map_cases,
};

kunit_test_suite(amdgpu_svm_map_suite);
