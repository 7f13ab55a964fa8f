// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * Copy-on-write broken, and VMAs changed, under the GPUs' feet. A GPU
 * fault asks for writable pages, so faulting a range whose pages the CPU
 * shares (the
 * shared zero page, pages shared with a forked child, a huge zero page
 * or a THP shared with a child) breaks copy-on-write page by page while
 * the range is being faulted: each break is an invalidation of one page.
 * A VMA that shrinks under a range (munmap, mprotect) must not cost a GPU
 * that cannot fault the pages that stay, nor a collapse into a huge page
 * (khugepaged, MADV_COLLAPSE) leave a GPU an entry of a freed page. After
 * every step each GPU's page table is checked against the CPU's
 * (DRM_IOCTL_VSVM_PT_VERIFY: every entry maps the page the CPU maps, with
 * no more permission, inside a range the coordinator tracks for the GPU),
 * and every byte the GPUs read is checked against the CPU's.
 *
 * Runs in both guest boots: eight GPUs without VRAM, GPU 7 unable to
 * fault, and five GPUs with VRAM, GPU 4 unable to fault (vsvm.no_fault).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vsvm-lib.h"

/* The GPU that cannot fault: the first such GPU, found by open_nofault_gpu(). */
static int nofault_gpu = -1;
#define HALF		(SZ_2M / 2)
#define NPAGES		(SZ_2M / PAGE)

enum source { ZERO, FORK };
enum gpus { FAULTING = 1, NOFAULT = 2, BOTH = 3 };

static unsigned int pattern(unsigned int seed, size_t i)
{
	return seed * 2654435761u + i;
}

static void fill(char *p, size_t size, unsigned int seed)
{
	size_t i;

	for (i = 0; i < size / 4; i++)
		((uint32_t *)p)[i] = pattern(seed, i);
}

/* Index of the first word that differs from fill(@seed), or -1. */
static long check(const char *p, size_t size, unsigned int seed)
{
	size_t i;

	for (i = 0; i < size / 4; i++)
		if (((const uint32_t *)p)[i] != pattern(seed, i))
			return i;
	return -1;
}

/* Index of the first byte that is not zero, or -1. */
static long check_zero(const char *p, size_t size)
{
	size_t i;

	for (i = 0; i < size; i++)
		if (p[i])
			return i;
	return -1;
}

static int flush(int fd)
{
	struct drm_vsvm_stats s = { .flags = DRM_VSVM_STATS_FLUSH };

	return xioctl(fd, DRM_IOCTL_VSVM_STATS, &s);
}

/*
 * The first GPU that cannot fault (GPU 7 of the eight-GPU boots, GPU 4 of
 * the VRAM boot), opened; else -1.
 */
static int open_nofault_gpu(void)
{
	int gpu, fd;

	for (gpu = 0; gpu < 16; gpu++) {
		struct drm_vsvm_info info = {};

		fd = open_gpu(gpu);
		if (fd < 0)
			return -1;
		if (!xioctl(fd, DRM_IOCTL_VSVM_INFO, &info) &&
		    !(info.flags & DRM_VSVM_INFO_CAN_FAULT)) {
			nofault_gpu = gpu;
			return fd;
		}
		close(fd);
	}
	return -1;
}

FIXTURE(cow) {
	int fd[2];		/* the faulting GPU, the one that cannot */
	int gpus;
	char *buf;
	char *tmp;
	pid_t child;
	int go[2];		/* the parent tells the child to check */
};

FIXTURE_VARIANT(cow) {
	enum source source;
	int thp;
	enum gpus gpus;
};

FIXTURE_VARIANT_ADD(cow, zero_faulting) { ZERO, 0, FAULTING };
FIXTURE_VARIANT_ADD(cow, zero_nofault) { ZERO, 0, NOFAULT };
FIXTURE_VARIANT_ADD(cow, zero_both) { ZERO, 0, BOTH };
FIXTURE_VARIANT_ADD(cow, fork_faulting) { FORK, 0, FAULTING };
FIXTURE_VARIANT_ADD(cow, fork_nofault) { FORK, 0, NOFAULT };
FIXTURE_VARIANT_ADD(cow, fork_both) { FORK, 0, BOTH };
FIXTURE_VARIANT_ADD(cow, thp_zero_faulting) { ZERO, 1, FAULTING };
FIXTURE_VARIANT_ADD(cow, thp_zero_nofault) { ZERO, 1, NOFAULT };
FIXTURE_VARIANT_ADD(cow, thp_fork_faulting) { FORK, 1, FAULTING };
FIXTURE_VARIANT_ADD(cow, thp_fork_both) { FORK, 1, BOTH };

/*
 * The forked child keeps its copy, then checks it was never touched by
 * the parent's GPUs: exit status 0 when intact.
 */
static void child_keeps(char *buf, int go)
{
	char c;

	if (read(go, &c, 1) < 0)	/* the parent closes it when done */
		_exit(2);
	_exit(check(buf, SZ_2M, 1) == -1 ? 0 : 1);
}

FIXTURE_SETUP(cow)
{
	self->child = -1;
	self->fd[0] = -1;
	self->fd[1] = -1;
	self->gpus = variant->gpus;
	if (self->gpus & NOFAULT) {
		self->fd[1] = open_nofault_gpu();
		if (self->fd[1] < 0)
			SKIP(return, "needs a GPU that cannot fault (vsvm.no_fault)");
		ASSERT_EQ(vsvm_attach(self->fd[1], 0), 0);
	}
	if (self->gpus & FAULTING) {
		self->fd[0] = open_gpu(0);
		ASSERT_GE(self->fd[0], 0);
		ASSERT_EQ(vsvm_attach(self->fd[0], 0), 0);
	}
	self->buf = alloc_aligned(SZ_2M);
	ASSERT_NE(self->buf, NULL);
	ASSERT_EQ(madvise(self->buf, SZ_2M, variant->thp ? MADV_HUGEPAGE :
			  MADV_NOHUGEPAGE), 0);
	self->tmp = malloc(SZ_2M);
	ASSERT_NE(self->tmp, NULL);

	if (variant->source == ZERO) {
		/* The first half maps the (huge) zero page, the second is written. */
		ASSERT_EQ(madvise(self->buf, HALF, MADV_POPULATE_READ), 0);
		fill(self->buf + HALF, HALF, 2);
		return;
	}
	/* Every page shared with a child that keeps its copy. */
	fill(self->buf, SZ_2M, 1);
	ASSERT_EQ(pipe(self->go), 0);
	self->child = fork();
	ASSERT_GE(self->child, 0);
	if (!self->child) {
		close(self->go[1]);
		child_keeps(self->buf, self->go[0]);
	}
	close(self->go[0]);
}

FIXTURE_TEARDOWN(cow)
{
	int status;

	if (self->child > 0) {
		close(self->go[1]);
		waitpid(self->child, &status, 0);
	}
	if (self->fd[0] >= 0)
		close(self->fd[0]);
	if (self->fd[1] >= 0)
		close(self->fd[1]);
	free(self->tmp);
}

/* The GPUs of the test (@fd, -1 for none) and the buffer they share. */
struct cow_view {
	const int *fd;
	char *buf;
	char *tmp;
};

/* Each GPU of the variant's entries over the buffer are all safe. */
static void verify(struct __test_metadata *_metadata,
		   const struct cow_view *self, const char *when,
		   long want_valid_nofault)
{
	struct drm_vsvm_pt_verify v;
	int g;

	for (g = 0; g < 2; g++) {
		if (self->fd[g] < 0)
			continue;
		ASSERT_EQ(flush(self->fd[g]), 0);
		ASSERT_EQ(pt_verify(self->fd[g], self->buf, SZ_2M, &v), 0);
		EXPECT_TRUE(pt_safe(&v))
			TH_LOG("%s, GPU %d: %llu uncovered, %llu stale, %llu RW at +0x%llx",
			       when, g ? nofault_gpu : 0, v.uncovered,
			       v.stale, v.excess_write,
			       v.first_bad ? v.first_bad - (uintptr_t)self->buf : 0);
		if (g == 1 && want_valid_nofault >= 0)
			EXPECT_EQ(v.valid, want_valid_nofault)
				TH_LOG("%s: GPU %d, which cannot fault, lost entries",
				       when, nofault_gpu);
	}
}

/* What the CPU has now, read through each GPU of the variant. */
static void gpus_read(struct __test_metadata *_metadata,
		      const struct cow_view *self, const char *when)
{
	int g;

	for (g = 0; g < 2; g++) {
		if (self->fd[g] < 0)
			continue;
		memset(self->tmp, 0xa5, SZ_2M);
		ASSERT_EQ(gpu_access(self->fd[g], DRM_VSVM_ACCESS_READ, self->buf,
				     SZ_2M, self->tmp, 0), 0)
			TH_LOG("%s: GPU %d cannot read", when, g ? nofault_gpu : 0);
		EXPECT_EQ(memcmp(self->tmp, self->buf, SZ_2M), 0)
			TH_LOG("%s: GPU %d reads other data than the CPU", when,
			       g ? nofault_gpu : 0);
	}
}

/*
 * The GPUs fault (or map) a range whose pages the CPU shares, which breaks
 * copy-on-write during the fault; then the CPU writes, drops half of the
 * buffer with MADV_DONTNEED while a new buffer takes the freed pages, and
 * unmaps it. At every step every GPU entry is safe, the GPU that cannot
 * fault keeps all its entries, and the GPUs read what the CPU has.
 */
TEST_F(cow, fault_breaks_cow)
{
	struct drm_vsvm_pt_verify v;
	struct drm_vsvm_map m = {
		.start = (uintptr_t)self->buf, .size = SZ_2M,
	};
	const struct cow_view view = { self->fd, self->buf, self->tmp };
	char *reuse;
	int g, status;

	if (self->fd[1] >= 0)
		ASSERT_EQ(xioctl(self->fd[1], DRM_IOCTL_VSVM_MAP, &m), 0);
	gpus_read(_metadata, &view, "after the first fault");
	verify(_metadata, &view, "after the first fault", NPAGES);

	/* GPU writes land in the parent's pages, never in the child's. */
	for (g = 0; g < 2; g++) {
		if (self->fd[g] < 0)
			continue;
		fill(self->tmp, HALF, 3 + g);
		ASSERT_EQ(gpu_access(self->fd[g], DRM_VSVM_ACCESS_WRITE,
				     self->buf, HALF, self->tmp, 0), 0);
		EXPECT_EQ(check(self->buf, HALF, 3 + g), -1)
			TH_LOG("the CPU misses GPU %d's write", g ? nofault_gpu : 0);
	}
	verify(_metadata, &view, "after the GPU writes", NPAGES);

	/* The CPU writes: the GPUs follow. */
	fill(self->buf, SZ_2M, 5);
	gpus_read(_metadata, &view, "after the CPU write");
	verify(_metadata, &view, "after the CPU write", NPAGES);

	/* Half the pages are freed, and taken again by another buffer. */
	ASSERT_EQ(madvise(self->buf, HALF, MADV_DONTNEED), 0);
	reuse = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	ASSERT_NE(reuse, MAP_FAILED);
	memset(reuse, 0x5a, SZ_2M);
	verify(_metadata, &view, "after MADV_DONTNEED", NPAGES);
	for (g = 0; g < 2; g++) {
		if (self->fd[g] < 0)
			continue;
		memset(self->tmp, 0xa5, HALF);
		ASSERT_EQ(gpu_access(self->fd[g], DRM_VSVM_ACCESS_READ, self->buf,
				     HALF, self->tmp, 0), 0);
		EXPECT_EQ(check_zero(self->tmp, HALF), -1)
			TH_LOG("GPU %d reads freed memory after MADV_DONTNEED",
			       g ? nofault_gpu : 0);
	}

	/* Unmapped: no entry is left, and a GPU read fails. */
	ASSERT_EQ(munmap(self->buf, SZ_2M), 0);
	for (g = 0; g < 2; g++) {
		if (self->fd[g] < 0)
			continue;
		ASSERT_EQ(flush(self->fd[g]), 0);
		ASSERT_EQ(pt_verify(self->fd[g], self->buf, SZ_2M, &v), 0);
		EXPECT_EQ(v.valid, 0) TH_LOG("GPU %d keeps %llu entries after munmap",
					     g ? nofault_gpu : 0, v.valid);
		EXPECT_EQ(gpu_access(self->fd[g], DRM_VSVM_ACCESS_READ, self->buf,
				     PAGE, self->tmp, 0), -EFAULT);
	}
	munmap(reuse, SZ_2M);

	if (self->child > 0) {
		close(self->go[1]);
		ASSERT_EQ(waitpid(self->child, &status, 0), self->child);
		self->child = -1;
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
			TH_LOG("the child's copy changed (status 0x%x)", status);
	}
}

/*
 * A THP-backed range mapped by a GPU that cannot fault and by the others
 * loses a quarter to munmap: the kernel splits the huge page first (an
 * invalidation of all of it, which queues the restore), then unmaps the
 * quarter. Whenever the restore worker runs in between, the GPU must get
 * every surviving page back. Repeated, since the window is narrow: a best
 * effort, it did not open in 128 rounds on the project's machine.
 */
#define ROUNDS	64

TEST(thp_partial_munmap_nofault)
{
	int nf = open_nofault_gpu(), f = open_gpu(0), f1 = open_gpu(1);
	struct drm_vsvm_pt_verify v;
	char *tmp = malloc(SZ_2M);
	int it, lost = 0, unsafe = 0;

	ASSERT_NE(tmp, NULL);
	ASSERT_GE(f, 0);
	ASSERT_GE(f1, 0);
	if (nf < 0)
		SKIP(return, "needs a GPU that cannot fault (vsvm.no_fault)");
	ASSERT_EQ(vsvm_attach(nf, 0), 0);
	ASSERT_EQ(vsvm_attach(f, 0), 0);
	ASSERT_EQ(vsvm_attach(f1, 0), 0);

	for (it = 0; it < ROUNDS; it++) {
		char *buf = alloc_aligned(SZ_2M);
		size_t q = (it % 4) * (SZ_2M / 4);
		struct drm_vsvm_map m = { .start = (uintptr_t)buf, .size = SZ_2M };
		size_t keep_lo = q ? 0 : SZ_2M / 4;
		size_t keep_hi = q ? q : SZ_2M;

		ASSERT_NE(buf, NULL);
		ASSERT_EQ(madvise(buf, SZ_2M, MADV_HUGEPAGE), 0);
		fill(buf, SZ_2M, it);
		ASSERT_EQ(xioctl(nf, DRM_IOCTL_VSVM_MAP, &m), 0);
		ASSERT_EQ(gpu_access(f, DRM_VSVM_ACCESS_READ, buf, SZ_2M, tmp, 0), 0);
		ASSERT_EQ(gpu_access(f1, DRM_VSVM_ACCESS_READ, buf, SZ_2M, tmp, 0), 0);

		ASSERT_EQ(munmap(buf + q, SZ_2M / 4), 0);
		ASSERT_EQ(flush(nf), 0);
		ASSERT_EQ(pt_verify(nf, buf, SZ_2M, &v), 0);
		unsafe += !pt_safe(&v);
		/* The part before the hole (the one after it, for q = 0). */
		ASSERT_EQ(pt_verify(nf, buf + keep_lo, keep_hi - keep_lo, &v), 0);
		if (v.valid != (keep_hi - keep_lo) / PAGE) {
			lost++;
			TH_LOG("round %d: GPU %d has %llu of %zu entries left",
			       it, nofault_gpu, v.valid, (keep_hi - keep_lo) / PAGE);
			munmap(buf, SZ_2M);
			continue;
		}
		ASSERT_EQ(gpu_access(nf, DRM_VSVM_ACCESS_READ, buf + keep_lo,
				     keep_hi - keep_lo, tmp, 0), 0);
		EXPECT_EQ(memcmp(tmp, buf + keep_lo, keep_hi - keep_lo), 0);
		munmap(buf, SZ_2M);
	}
	EXPECT_EQ(lost, 0) TH_LOG("%d of %d rounds lost surviving entries",
				  lost, ROUNDS);
	EXPECT_EQ(unsafe, 0);
	close(nf);
	close(f);
	close(f1);
	free(tmp);
}

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif

static void gpu_stats(struct __test_metadata *_metadata, int fd, __u32 flags,
		      struct drm_vsvm_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->flags = flags;
	ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_STATS, st), 0);
}

/*
 * khugepaged, or MADV_COLLAPSE, may replace the small pages of a 2 MiB
 * range by one huge page at any time, under GPUs that asked for nothing:
 * an invalidation of all of it (MMU_NOTIFY_CLEAR), then the small pages
 * are freed. No GPU may keep an entry of them; the GPU that cannot fault
 * is stopped until the restore worker has mapped the huge page, so that an
 * entry missing meanwhile is never met; then it maps every page again and
 * the GPUs read what the CPU reads. The soak met a collapse like this one
 * right after a flush, the restore of the GPU that cannot fault under way.
 */
TEST(thp_collapse_nofault)
{
	int nf = open_nofault_gpu(), f = open_gpu(0), tries = 0;
	char *tmp = malloc(SZ_2M), *buf = alloc_aligned(SZ_2M);
	struct drm_vsvm_map m = { .start = (uintptr_t)buf, .size = SZ_2M };
	struct drm_vsvm_stats before, after;
	struct drm_vsvm_pt_verify v;
	int err;

	ASSERT_NE(tmp, NULL);
	ASSERT_NE(buf, NULL);
	ASSERT_GE(f, 0);
	if (nf < 0)
		SKIP(return, "needs a GPU that cannot fault (vsvm.no_fault)");
	ASSERT_EQ(vsvm_attach(nf, 0), 0);
	ASSERT_EQ(vsvm_attach(f, 0), 0);

	/* Small pages, mapped by both GPUs. */
	ASSERT_EQ(madvise(buf, SZ_2M, MADV_NOHUGEPAGE), 0);
	fill(buf, SZ_2M, 11);
	ASSERT_EQ(anon_huge_kb(buf), 0);
	ASSERT_EQ(xioctl(nf, DRM_IOCTL_VSVM_MAP, &m), 0);
	ASSERT_EQ(gpu_access(f, DRM_VSVM_ACCESS_READ, buf, SZ_2M, tmp, 0), 0);
	ASSERT_EQ(flush(nf), 0);
	gpu_stats(_metadata, nf, 0, &before);
	ASSERT_EQ(before.gpu[DRM_VSVM_STAT_QUIESCES],
		  before.gpu[DRM_VSVM_STAT_RESUMES])
		TH_LOG("GPU %d stopped after a flush", nofault_gpu);

	/* -EAGAIN: a page was busy for a moment (on an LRU cache, locked). */
	ASSERT_EQ(madvise(buf, SZ_2M, MADV_HUGEPAGE), 0);
	do {
		err = madvise(buf, SZ_2M, MADV_COLLAPSE) ? errno : 0;
	} while (err == EAGAIN && ++tries < 100);
	ASSERT_EQ(err, 0) TH_LOG("MADV_COLLAPSE: %s, %d tries", strerror(err), tries);
	ASSERT_EQ(anon_huge_kb(buf), SZ_2M >> 10)
		TH_LOG("MADV_COLLAPSE succeeded, but no huge page maps the buffer");

	/* At once: nothing of the old pages, and the GPU was stopped for it. */
	ASSERT_EQ(pt_verify(nf, buf, SZ_2M, &v), 0);
	EXPECT_TRUE(pt_safe(&v))
		TH_LOG("GPU %d after the collapse: %llu entries, %llu stale, first bad +0x%llx",
		       nofault_gpu, v.valid, v.stale,
		       v.first_bad ? v.first_bad - (uintptr_t)buf : 0);
	ASSERT_EQ(pt_verify(f, buf, SZ_2M, &v), 0);
	EXPECT_TRUE(pt_safe(&v))
		TH_LOG("GPU 0 after the collapse: %llu entries, %llu stale",
		       v.valid, v.stale);
	gpu_stats(_metadata, nf, 0, &after);
	EXPECT_GT(after.gpu[DRM_VSVM_STAT_QUIESCES],
		  before.gpu[DRM_VSVM_STAT_QUIESCES])
		TH_LOG("the collapse did not stop GPU %d, which cannot fault",
		       nofault_gpu);

	/* Settled: the huge page mapped whole again, the same data. */
	ASSERT_EQ(flush(nf), 0);
	gpu_stats(_metadata, nf, 0, &after);
	EXPECT_EQ(after.gpu[DRM_VSVM_STAT_QUIESCES],
		  after.gpu[DRM_VSVM_STAT_RESUMES])
		TH_LOG("GPU %d still stopped after a flush", nofault_gpu);
	ASSERT_EQ(pt_verify(nf, buf, SZ_2M, &v), 0);
	EXPECT_TRUE(pt_safe(&v));
	EXPECT_EQ(v.valid, NPAGES)
		TH_LOG("GPU %d maps %llu of %lu pages after the restore",
		       nofault_gpu, v.valid, NPAGES);
	EXPECT_EQ(after.fatal_faults, 0);
	ASSERT_EQ(gpu_access(nf, DRM_VSVM_ACCESS_READ, buf, SZ_2M, tmp, 0), 0);
	EXPECT_EQ(check(tmp, SZ_2M, 11), -1)
		TH_LOG("GPU %d reads other data after the collapse", nofault_gpu);
	ASSERT_EQ(gpu_access(f, DRM_VSVM_ACCESS_READ, buf, SZ_2M, tmp, 0), 0);
	EXPECT_EQ(check(tmp, SZ_2M, 11), -1)
		TH_LOG("GPU 0 reads other data after the collapse");
	ASSERT_EQ(pt_verify(f, buf, SZ_2M, &v), 0);
	EXPECT_TRUE(pt_safe(&v));

	close(nf);
	close(f);
	free(tmp);
	munmap(buf, SZ_2M);
}

/*
 * GPU 0 and the GPU that cannot fault attached, and a 2 MiB buffer of
 * small pages whose range GPU 0 faulted whole and then lost to
 * MADV_DONTNEED: a range that no GPU holds, over fill(@seed) data.
 */
FIXTURE(stateless) {
	int f, nf;
	char *buf;
	char *tmp;
};

FIXTURE_SETUP(stateless)
{
	self->f = open_gpu(0);
	self->nf = open_nofault_gpu();
	ASSERT_GE(self->f, 0);
	if (self->nf < 0)
		SKIP(return, "needs a GPU that cannot fault (vsvm.no_fault)");
	ASSERT_EQ(vsvm_attach(self->nf, 0), 0);
	ASSERT_EQ(vsvm_attach(self->f, 0), 0);
	self->buf = alloc_aligned(SZ_2M);
	self->tmp = malloc(SZ_2M);
	ASSERT_NE(self->buf, NULL);
	ASSERT_NE(self->tmp, NULL);
	ASSERT_EQ(madvise(self->buf, SZ_2M, MADV_NOHUGEPAGE), 0);
	fill(self->buf, SZ_2M, 7);
	ASSERT_EQ(gpu_access(self->f, DRM_VSVM_ACCESS_READ, self->buf, SZ_2M,
			     self->tmp, 0), 0);
	ASSERT_EQ(madvise(self->buf, SZ_2M, MADV_DONTNEED), 0);
	fill(self->buf, SZ_2M, 8);
	ASSERT_EQ(flush(self->f), 0);
}

FIXTURE_TEARDOWN(stateless)
{
	if (self->nf >= 0)
		close(self->nf);
	close(self->f);
	free(self->tmp);
	munmap(self->buf, SZ_2M);
}

/*
 * The same loss made certain: a range that nobody maps any more (after
 * MADV_DONTNEED of all of it) loses part of its VMA to mprotect(PROT_NONE),
 * which leaves no hole in a range without GPU state. A map request and a
 * fault on the part that stays find the range reaching into the PROT_NONE
 * part, where hmm_range_fault() fails: the range must be replaced by one
 * that fits the VMA, not faulted and skipped.
 */
TEST_F(stateless, vma_shrinks_under_range)
{
	const size_t cut = SZ_2M / 4;
	struct drm_vsvm_map m = {
		.start = (uintptr_t)self->buf + cut, .size = SZ_2M - cut,
	};
	struct drm_vsvm_pt_verify v;
	char *buf = self->buf, *tmp = self->tmp;

	ASSERT_EQ(mprotect(buf, cut, PROT_NONE), 0);

	ASSERT_EQ(xioctl(self->nf, DRM_IOCTL_VSVM_MAP, &m), 0);
	ASSERT_EQ(flush(self->nf), 0);
	ASSERT_EQ(pt_verify(self->nf, buf, SZ_2M, &v), 0);
	EXPECT_TRUE(pt_safe(&v));
	EXPECT_EQ(v.valid, (SZ_2M - cut) / PAGE)
		TH_LOG("GPU %d got %llu of %zu entries", nofault_gpu, v.valid,
		       (SZ_2M - cut) / PAGE);
	ASSERT_EQ(gpu_access(self->nf, DRM_VSVM_ACCESS_READ, buf + cut,
			     SZ_2M - cut, tmp, 0), 0);
	EXPECT_EQ(memcmp(tmp, buf + cut, SZ_2M - cut), 0);
	ASSERT_EQ(gpu_access(self->f, DRM_VSVM_ACCESS_READ, buf + cut,
			     SZ_2M - cut, tmp, 0), 0)
		TH_LOG("a fault on a mapped address failed");
	EXPECT_EQ(memcmp(tmp, buf + cut, SZ_2M - cut), 0);
	EXPECT_EQ(gpu_access(self->f, DRM_VSVM_ACCESS_READ, buf, PAGE, tmp, 0),
		  -EFAULT);
	ASSERT_EQ(pt_verify(self->f, buf, SZ_2M, &v), 0);
	EXPECT_TRUE(pt_safe(&v));
}

/*
 * mprotect(PROT_READ) of part of a range that no GPU holds splits its VMA:
 * the GPUs must keep write access to the part that stays writable, and
 * get none to the other.
 */
TEST_F(stateless, vma_read_only_part)
{
	const size_t ro = SZ_2M / 4;
	struct drm_vsvm_map m = { .start = (uintptr_t)self->buf, .size = SZ_2M };
	unsigned long long w = 0x5a5a5a5a5a5a5a5aull;
	struct drm_vsvm_pt_verify v;
	char *buf = self->buf, *tmp = self->tmp;

	ASSERT_EQ(mprotect(buf, ro, PROT_READ), 0);

	/* The faulting GPU writes where the CPU may, and nowhere else. */
	ASSERT_EQ(gpu_access(self->f, DRM_VSVM_ACCESS_WRITE, buf + ro, 8, &w, 0), 0)
		TH_LOG("GPU 0 cannot write where the CPU can");
	EXPECT_EQ(((unsigned long long *)(buf + ro))[0], w);
	EXPECT_EQ(gpu_access(self->f, DRM_VSVM_ACCESS_WRITE, buf, 8, &w, 0), -EPERM);

	/* The GPU that cannot fault maps it all, writable where it may. */
	ASSERT_EQ(xioctl(self->nf, DRM_IOCTL_VSVM_MAP, &m), 0);
	ASSERT_EQ(flush(self->nf), 0);
	ASSERT_EQ(pt_verify(self->nf, buf, SZ_2M, &v), 0);
	EXPECT_TRUE(pt_safe(&v));
	EXPECT_EQ(v.valid, SZ_2M / PAGE);
	ASSERT_EQ(gpu_access(self->nf, DRM_VSVM_ACCESS_WRITE, buf + SZ_2M - 8, 8,
			     &w, 0), 0) TH_LOG("GPU %d got no write access", nofault_gpu);
	EXPECT_EQ(((unsigned long long *)(buf + SZ_2M - 8))[0], w);
	ASSERT_EQ(gpu_access(self->nf, DRM_VSVM_ACCESS_READ, buf, ro, tmp, 0), 0);
	EXPECT_EQ(memcmp(tmp, buf, ro), 0);
}

TEST_HARNESS_MAIN
