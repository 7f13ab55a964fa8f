// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * The shared mapping path end to end: virtual GPUs (vsvm) that reach
 * memory only through page tables the coordinator fills, against the CPU's
 * view of the same memory, through munmap, mprotect, fork, madvise and
 * attributes. The guest boots with vsvm.num_gpus=8 vsvm.no_fault=0x80.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <pthread.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/vsvm_drm.h>

#include "kselftest_harness.h"
#include "vsvm-lib.h"

#define MAX_GPUS	8
#define NOFAULT_GPU	7

static struct drm_vsvm_stats stats(int fd, int reset)
{
	struct drm_vsvm_stats s = { .flags = reset ? DRM_VSVM_STATS_RESET : 0 };

	if (xioctl(fd, DRM_IOCTL_VSVM_STATS, &s))
		memset(&s, 0xff, sizeof(s));
	return s;
}

static uint32_t gpu_index(int fd)
{
	struct drm_vsvm_info info = {};

	xioctl(fd, DRM_IOCTL_VSVM_INFO, &info);
	return info.index;
}

static int set_attr(int fd, void *addr, size_t size, uint32_t type,
		    uint32_t value)
{
	struct drm_vsvm_attr attr = { .type = type, .value = value };
	struct drm_vsvm_attrs a = {
		.start = (uintptr_t)addr, .size = size,
		.attrs = (uintptr_t)&attr, .nattrs = 1,
	};

	return xioctl(fd, DRM_IOCTL_VSVM_SET_ATTR, &a);
}

/* A 2 MiB aligned anonymous buffer: one coordinator range. */
static char *alloc_2m(void)
{
	return alloc_aligned(SZ_2M);
}

static void fill(char *p, size_t size, uint32_t seed)
{
	size_t i;

	for (i = 0; i < size / 4; i++)
		((uint32_t *)p)[i] = seed * 2654435761u + i;
}

/* Index of the first word that differs from fill(seed), or -1. */
static long check(const char *p, size_t size, uint32_t seed)
{
	size_t i;

	for (i = 0; i < size / 4; i++)
		if (((const uint32_t *)p)[i] != seed * 2654435761u + i)
			return i;
	return -1;
}

FIXTURE(gpus) {
	int fd[MAX_GPUS];
	int n;
	char *buf;
	char *tmp;
};

FIXTURE_VARIANT(gpus) {
	int n;
};

FIXTURE_VARIANT_ADD(gpus, one) { .n = 1 };
FIXTURE_VARIANT_ADD(gpus, two) { .n = 2 };
FIXTURE_VARIANT_ADD(gpus, four) { .n = 4 };
FIXTURE_VARIANT_ADD(gpus, eight) { .n = 8 };

FIXTURE_SETUP(gpus)
{
	int i;

	self->n = variant->n;
	for (i = 0; i < self->n; i++) {
		self->fd[i] = open_gpu(i);
		ASSERT_GE(self->fd[i], 0) TH_LOG("no vsvm GPU %d (boot with vsvm.num_gpus=8)", i);
		ASSERT_EQ(vsvm_attach(self->fd[i], 0), 0);
	}
	self->buf = alloc_2m();
	ASSERT_NE(self->buf, NULL);
	self->tmp = malloc(SZ_2M);
	ASSERT_NE(self->tmp, NULL);
	stats(self->fd[0], 1);
}

FIXTURE_TEARDOWN(gpus)
{
	int i;

	for (i = 0; i < self->n; i++)
		close(self->fd[i]);
	free(self->tmp);
}

/* A GPU that cannot fault maps ahead; the others fault. */
static int touch_ready(int fd, int gpu, void *addr, size_t size)
{
	struct drm_vsvm_map m = { .start = (uintptr_t)addr, .size = size };

	return gpu == NOFAULT_GPU ? xioctl(fd, DRM_IOCTL_VSVM_MAP, &m) : 0;
}

/*
 * N GPUs read, write and add to one buffer, always seeing the CPU's latest
 * data; the first touch by all of them costs one notifier and one
 * hmm_range_fault, the munmap one invalidation callback with N zaps.
 */
TEST_F(gpus, shared_rw)
{
	struct drm_vsvm_stats s;
	int i;

	fill(self->buf, SZ_2M, 1);
	for (i = 0; i < self->n; i++) {
		ASSERT_EQ(touch_ready(self->fd[i], i, self->buf, SZ_2M), 0);
		memset(self->tmp, 0, SZ_2M);
		ASSERT_EQ(gpu_access(self->fd[i], DRM_VSVM_ACCESS_READ, self->buf,
				     SZ_2M, self->tmp, 0), 0);
		EXPECT_EQ(check(self->tmp, SZ_2M, 1), -1) TH_LOG("GPU %d read stale data", i);
	}
	s = stats(self->fd[0], 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_NOTIFIERS], 1);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_RANGES], 1);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_HMM_FAULTS], 1)
		TH_LOG("%d GPUs on one range cost %llu hmm_range_fault calls", self->n,
		       (unsigned long long)s.mgr[DRM_VSVM_STAT_HMM_FAULTS]);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_MAPS], self->n);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_DMA_MAPS], self->n);

	/* The CPU writes, every GPU sees it. */
	fill(self->buf, SZ_2M, 2);
	for (i = 0; i < self->n; i++) {
		ASSERT_EQ(gpu_access(self->fd[i], DRM_VSVM_ACCESS_READ, self->buf,
				     SZ_2M, self->tmp, 0), 0);
		EXPECT_EQ(check(self->tmp, SZ_2M, 2), -1) TH_LOG("GPU %d missed a CPU write", i);
	}

	/* Each GPU writes a page, the CPU and the other GPUs see it. */
	for (i = 0; i < self->n; i++) {
		fill(self->tmp, PAGE, 100 + i);
		ASSERT_EQ(gpu_access(self->fd[i], DRM_VSVM_ACCESS_WRITE,
				     self->buf + i * PAGE, PAGE, self->tmp, 0), 0);
	}
	for (i = 0; i < self->n; i++) {
		EXPECT_EQ(check(self->buf + i * PAGE, PAGE, 100 + i), -1);
		ASSERT_EQ(gpu_access(self->fd[(i + 1) % self->n], DRM_VSVM_ACCESS_READ,
				     self->buf + i * PAGE, PAGE, self->tmp, 0), 0);
		EXPECT_EQ(check(self->tmp, PAGE, 100 + i), -1);
	}

	/* Atomics from all GPUs add up. */
	memset(self->buf, 0, PAGE);
	for (i = 0; i < self->n; i++)
		ASSERT_EQ(gpu_access(self->fd[i], DRM_VSVM_ACCESS_ADD32, self->buf,
				     PAGE, NULL, i + 1), 0);
	EXPECT_EQ(((uint32_t *)self->buf)[0], self->n * (self->n + 1) / 2);
	EXPECT_EQ(((uint32_t *)self->buf)[1023], self->n * (self->n + 1) / 2);

	s = stats(self->fd[0], 1);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_HMM_FAULTS], 1);

	ASSERT_EQ(munmap(self->buf, SZ_2M), 0);
	s = stats(self->fd[0], 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_INVALIDATIONS], 1);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_ZAPS], self->n);
	EXPECT_EQ(s.gpu[DRM_VSVM_STAT_ZAPS], 1);
}

FIXTURE(gpu) {
	int fd;
	char *buf;
	char tmp[4 * 4096];
};

FIXTURE_SETUP(gpu)
{
	self->fd = open_gpu(0);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(vsvm_attach(self->fd, 0), 0);
	self->buf = alloc_2m();
	ASSERT_NE(self->buf, NULL);
}

FIXTURE_TEARDOWN(gpu)
{
	close(self->fd);
}

static int gpu_read(int fd, void *addr, void *tmp, size_t size)
{
	return gpu_access(fd, DRM_VSVM_ACCESS_READ, addr, size, tmp, 0);
}

static int gpu_write(int fd, void *addr, void *tmp, size_t size)
{
	return gpu_access(fd, DRM_VSVM_ACCESS_WRITE, addr, size, tmp, 0);
}

/* munmap and mmap again at the same address: never the old data. */
TEST_F(gpu, remap_no_stale)
{
	char *again;

	fill(self->buf, sizeof(self->tmp), 1);
	ASSERT_EQ(gpu_read(self->fd, self->buf, self->tmp, sizeof(self->tmp)), 0);
	ASSERT_EQ(check(self->tmp, sizeof(self->tmp), 1), -1);

	ASSERT_EQ(munmap(self->buf, SZ_2M), 0);
	again = mmap(self->buf, SZ_2M, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ASSERT_EQ(again, self->buf);
	fill(again, sizeof(self->tmp), 2);
	ASSERT_EQ(gpu_read(self->fd, again, self->tmp, sizeof(self->tmp)), 0);
	EXPECT_EQ(check(self->tmp, sizeof(self->tmp), 2), -1) TH_LOG("stale data after remap");

	/* Unmapped: the GPU fault fails, nothing is read. */
	ASSERT_EQ(munmap(again, SZ_2M), 0);
	EXPECT_EQ(gpu_read(self->fd, again, self->tmp, PAGE), -EFAULT);
}

/* mprotect(PROT_READ): GPU writes fault and fail, reads still work. */
TEST_F(gpu, mprotect_read_only)
{
	struct drm_vsvm_pt_snapshot snap = {
		.addr = (uintptr_t)self->buf, .npages = 1,
	};
	unsigned char pte = 0;

	snap.entries = (uintptr_t)&pte;
	fill(self->tmp, PAGE, 3);
	ASSERT_EQ(gpu_write(self->fd, self->buf, self->tmp, PAGE), 0);
	ASSERT_EQ(xioctl(self->fd, DRM_IOCTL_VSVM_PT_SNAPSHOT, &snap), 0);
	EXPECT_EQ(pte, DRM_VSVM_PTE_VALID | DRM_VSVM_PTE_WRITE);

	ASSERT_EQ(mprotect(self->buf, SZ_2M, PROT_READ), 0);
	ASSERT_EQ(xioctl(self->fd, DRM_IOCTL_VSVM_PT_SNAPSHOT, &snap), 0);
	EXPECT_EQ(pte, 0) TH_LOG("mprotect left the GPU mapping in place");

	fill(self->tmp, PAGE, 4);
	EXPECT_EQ(gpu_write(self->fd, self->buf, self->tmp, PAGE), -EPERM);
	EXPECT_EQ(check(self->buf, PAGE, 3), -1) TH_LOG("a denied GPU write landed");
	memset(self->tmp, 0, PAGE);
	ASSERT_EQ(gpu_read(self->fd, self->buf, self->tmp, PAGE), 0);
	EXPECT_EQ(check(self->tmp, PAGE, 3), -1);
	ASSERT_EQ(xioctl(self->fd, DRM_IOCTL_VSVM_PT_SNAPSHOT, &snap), 0);
	EXPECT_EQ(pte, DRM_VSVM_PTE_VALID);
}

/* fork() with COW: the parent's GPU view follows the parent's memory. */
TEST_F(gpu, fork_cow)
{
	int status;
	pid_t pid;

	fill(self->buf, PAGE, 5);
	ASSERT_EQ(gpu_read(self->fd, self->buf, self->tmp, PAGE), 0);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		/* The child's copy; the inherited GPU file is not its own. */
		fill(self->buf, PAGE, 6);
		_exit(gpu_read(self->fd, self->buf, self->tmp, PAGE) == -EPERM ?
		      0 : 1);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the child used the parent's GPU address space");

	ASSERT_EQ(gpu_read(self->fd, self->buf, self->tmp, PAGE), 0);
	EXPECT_EQ(check(self->tmp, PAGE, 5), -1) TH_LOG("GPU sees the child's data");

	fill(self->buf, PAGE, 7);	/* parent writes after fork: COW */
	ASSERT_EQ(gpu_read(self->fd, self->buf, self->tmp, PAGE), 0);
	EXPECT_EQ(check(self->tmp, PAGE, 7), -1) TH_LOG("GPU missed the parent's COW write");

	fill(self->tmp, PAGE, 8);
	ASSERT_EQ(gpu_write(self->fd, self->buf, self->tmp, PAGE), 0);
	EXPECT_EQ(check(self->buf, PAGE, 8), -1) TH_LOG("GPU write went to another page");
}

/* MADV_DONTNEED zeroes the GPU's view too. */
TEST_F(gpu, madv_dontneed)
{
	size_t i;

	fill(self->buf, sizeof(self->tmp), 9);
	ASSERT_EQ(gpu_read(self->fd, self->buf, self->tmp, sizeof(self->tmp)), 0);
	ASSERT_EQ(madvise(self->buf, SZ_2M, MADV_DONTNEED), 0);
	memset(self->tmp, 0xaa, sizeof(self->tmp));
	ASSERT_EQ(gpu_read(self->fd, self->buf, self->tmp, sizeof(self->tmp)), 0);
	for (i = 0; i < sizeof(self->tmp); i++)
		ASSERT_EQ(self->tmp[i], 0) TH_LOG("byte %zu not zero after MADV_DONTNEED", i);
}

/* Attributes: NO_ACCESS and GPU_RO are enforced on the GPU. */
TEST_F(gpu, attributes)
{
	int fd1 = open_gpu(1);
	struct drm_vsvm_attr q = { .type = DRM_VSVM_ATTR_ACCESS };
	struct drm_vsvm_attrs get = {
		.start = (uintptr_t)self->buf, .size = SZ_2M,
		.attrs = (uintptr_t)&q, .nattrs = 1,
	};

	ASSERT_GE(fd1, 0);
	ASSERT_EQ(vsvm_attach(fd1, 0), 0);
	fill(self->buf, PAGE, 10);
	ASSERT_EQ(gpu_read(fd1, self->buf, self->tmp, PAGE), 0);

	ASSERT_EQ(set_attr(self->fd, self->buf, SZ_2M, DRM_VSVM_ATTR_NO_ACCESS,
			   gpu_index(fd1)), 0);
	q.value = gpu_index(fd1);
	ASSERT_EQ(xioctl(self->fd, DRM_IOCTL_VSVM_GET_ATTR, &get), 0);
	EXPECT_EQ(q.type, DRM_VSVM_ATTR_NO_ACCESS);
	EXPECT_EQ(gpu_read(fd1, self->buf, self->tmp, PAGE), -EPERM);
	EXPECT_EQ(gpu_read(self->fd, self->buf, self->tmp, PAGE), 0);

	ASSERT_EQ(set_attr(self->fd, self->buf, SZ_2M, DRM_VSVM_ATTR_SET_FLAGS,
			   DRM_VSVM_FLAG_GPU_RO), 0);
	fill(self->tmp, PAGE, 11);
	EXPECT_EQ(gpu_write(self->fd, self->buf, self->tmp, PAGE), -EPERM);
	EXPECT_EQ(check(self->buf, PAGE, 10), -1);
	EXPECT_EQ(gpu_read(self->fd, self->buf, self->tmp, PAGE), 0);
	EXPECT_EQ(check(self->tmp, PAGE, 10), -1);

	ASSERT_EQ(set_attr(self->fd, self->buf, SZ_2M, DRM_VSVM_ATTR_CLR_FLAGS,
			   DRM_VSVM_FLAG_GPU_RO), 0);
	fill(self->tmp, PAGE, 12);
	EXPECT_EQ(gpu_write(self->fd, self->buf, self->tmp, PAGE), 0);
	EXPECT_EQ(check(self->buf, PAGE, 12), -1);
	close(fd1);
}

/* A GPU that cannot fault fails on an unmapped page, works once mapped. */
TEST(nofault_gpu)
{
	struct drm_vsvm_info info = {};
	struct drm_vsvm_stats s;
	struct drm_vsvm_map m;
	char tmp[4096];
	char *buf = alloc_2m();
	int fd = open_gpu(NOFAULT_GPU);

	ASSERT_GE(fd, 0);
	ASSERT_NE(buf, NULL);
	ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_INFO, &info), 0);
	ASSERT_EQ(info.flags & DRM_VSVM_INFO_CAN_FAULT, 0);
	ASSERT_EQ(vsvm_attach(fd, 0), 0);
	fill(buf, PAGE, 13);

	EXPECT_EQ(gpu_read(fd, buf, tmp, PAGE), -EFAULT);
	s = stats(fd, 0);
	EXPECT_EQ(s.fatal_faults, 1);
	EXPECT_EQ(s.gpu[DRM_VSVM_STAT_FAULTS], 0);

	m = (struct drm_vsvm_map) { .start = (uintptr_t)buf, .size = PAGE };
	ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_MAP, &m), 0);
	ASSERT_EQ(gpu_read(fd, buf, tmp, PAGE), 0);
	EXPECT_EQ(check(tmp, PAGE, 13), -1);
	close(fd);
}

static struct drm_vsvm_stats stats_settled(int fd)
{
	struct drm_vsvm_stats s = { .flags = DRM_VSVM_STATS_FLUSH };

	if (xioctl(fd, DRM_IOCTL_VSVM_STATS, &s))
		memset(&s, 0xff, sizeof(s));
	return s;
}

/* Pages of [addr, addr + npages) with a valid entry in @fd's page table. */
static long valid_ptes(int fd, void *addr, unsigned long npages)
{
	static unsigned char e[65536];
	struct drm_vsvm_pt_snapshot sn = {
		.addr = (uintptr_t)addr, .npages = npages, .entries = (uintptr_t)e,
	};
	unsigned long i;
	long n = 0;

	if (xioctl(fd, DRM_IOCTL_VSVM_PT_SNAPSHOT, &sn))
		return -1;
	for (i = 0; i < npages; i++)
		n += !!(e[i] & DRM_VSVM_PTE_VALID);
	return n;
}

/* @size bytes at a 2 MiB boundary, small pages: ranges of 2 MiB. */
static char *alloc_small_pages(size_t size)
{
	char *a = alloc_aligned(size);

	if (!a || madvise(a, size, MADV_NOHUGEPAGE))
		return NULL;
	return a;
}

#define SPLIT_BUF	(4 * SZ_2M)

FIXTURE(split) {
	int fd[MAX_GPUS];
	int n;
	char *buf;
	char *tmp;
};

FIXTURE_VARIANT(split) {
	int n;
};

FIXTURE_VARIANT_ADD(split, one) { .n = 1 };
FIXTURE_VARIANT_ADD(split, four) { .n = 4 };
FIXTURE_VARIANT_ADD(split, seven) { .n = 7 };

FIXTURE_SETUP(split)
{
	int i;

	self->n = variant->n;
	for (i = 0; i < self->n; i++) {
		self->fd[i] = open_gpu(i);
		ASSERT_GE(self->fd[i], 0);
		ASSERT_EQ(vsvm_attach(self->fd[i], 0), 0);
	}
	self->buf = alloc_small_pages(SPLIT_BUF);
	ASSERT_NE(self->buf, NULL);
	self->tmp = malloc(SPLIT_BUF);
	ASSERT_NE(self->tmp, NULL);
	fill(self->buf, SPLIT_BUF, 5);
	/* Every GPU maps all four ranges by faulting on them. */
	for (i = 0; i < self->n; i++) {
		ASSERT_EQ(gpu_access(self->fd[i], DRM_VSVM_ACCESS_READ, self->buf,
				     SPLIT_BUF, self->tmp, 0), 0);
		ASSERT_EQ(check(self->tmp, SPLIT_BUF, 5), -1);
	}
	stats(self->fd[0], 1);
}

FIXTURE_TEARDOWN(split)
{
	int i;

	for (i = 0; i < self->n; i++)
		close(self->fd[i]);
	free(self->tmp);
}

/*
 * After the CPU unmapped [off, off + len) of the buffer: every GPU lost
 * exactly those pages and kept every other one; reading all that is left
 * costs no GPU fault, no hmm_range_fault() and no map; the data is intact.
 */
struct split_view {
	const int *fd;
	int n;
	char *buf;
	char *tmp;
};

static void check_kept(struct __test_metadata *_metadata,
		       const struct split_view *self, size_t off, size_t len)
{
	unsigned long npages = SPLIT_BUF / PAGE;
	struct drm_vsvm_stats s;
	int i;

	s = stats_settled(self->fd[0]);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_HMM_FAULTS], 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_MAPS], 0);
	EXPECT_GE(s.mgr[DRM_VSVM_STAT_SPLITS], 1);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_INVALIDATIONS], 1)
		TH_LOG("one munmap reached the coordinator as %llu callbacks",
		       (unsigned long long)s.mgr[DRM_VSVM_STAT_INVALIDATIONS]);
	for (i = 0; i < self->n; i++) {
		struct drm_vsvm_access a;

		EXPECT_EQ(valid_ptes(self->fd[i], self->buf, npages),
			  (long)(npages - len / PAGE))
			TH_LOG("GPU %d: %ld of %lu pages mapped after unmapping %zu", i,
			       valid_ptes(self->fd[i], self->buf, npages), npages,
			       len / PAGE);
		EXPECT_EQ(valid_ptes(self->fd[i], self->buf + off, len / PAGE), 0);
		if (off) {
			a = (struct drm_vsvm_access) {
				.addr = (uintptr_t)self->buf, .size = off,
				.data = (uintptr_t)self->tmp,
			};
			ASSERT_EQ(xioctl(self->fd[i], DRM_IOCTL_VSVM_ACCESS, &a), 0);
			EXPECT_EQ(a.faults, 0);
			EXPECT_EQ(memcmp(self->tmp, self->buf, off), 0);
		}
		if (off + len < SPLIT_BUF) {
			a = (struct drm_vsvm_access) {
				.addr = (uintptr_t)self->buf + off + len,
				.size = SPLIT_BUF - off - len,
				.data = (uintptr_t)self->tmp,
			};
			ASSERT_EQ(xioctl(self->fd[i], DRM_IOCTL_VSVM_ACCESS, &a), 0);
			EXPECT_EQ(a.faults, 0) TH_LOG("GPU %d refaulted what it kept", i);
			EXPECT_EQ(memcmp(self->tmp, self->buf + off + len, a.size), 0);
		}
	}
	s = stats(self->fd[0], 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_HMM_FAULTS], 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_HMM_PAGES], 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_MAPS], 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_ZAPS], (uint64_t)self->n *
		  ((off + len - 1) / SZ_2M - off / SZ_2M + 1));
	/* The unmapped part is gone for the GPUs too. */
	EXPECT_EQ(gpu_access(self->fd[0], DRM_VSVM_ACCESS_READ, self->buf + off,
			     PAGE, self->tmp, 0), -EFAULT);
}

#define CHECK_KEPT(off, len)						\
	check_kept(_metadata, &(struct split_view) {			\
		self->fd, self->n, self->buf, self->tmp }, off, len)

/* One 4 KiB page inside a range: 511 pages stay mapped on every GPU. */
TEST_F(split, munmap_one_page)
{
	ASSERT_EQ(munmap(self->buf + SZ_2M + 100 * PAGE, PAGE), 0);
	CHECK_KEPT(SZ_2M + 100 * PAGE, PAGE);
}

TEST_F(split, munmap_head)
{
	ASSERT_EQ(munmap(self->buf, 3 * PAGE), 0);
	CHECK_KEPT(0, 3 * PAGE);
}

TEST_F(split, munmap_tail)
{
	ASSERT_EQ(munmap(self->buf + SPLIT_BUF - 5 * PAGE, 5 * PAGE), 0);
	CHECK_KEPT(SPLIT_BUF - 5 * PAGE, 5 * PAGE);
}

TEST_F(split, munmap_middle)
{
	ASSERT_EQ(munmap(self->buf + 3 * SZ_2M + SZ_2M / 2, 64 * PAGE), 0);
	CHECK_KEPT(3 * SZ_2M + SZ_2M / 2, 64 * PAGE);
}

/* A span from the middle of the first range to the middle of the third. */
TEST_F(split, munmap_across_ranges)
{
	ASSERT_EQ(munmap(self->buf + SZ_2M / 2, 2 * SZ_2M), 0);
	CHECK_KEPT(SZ_2M / 2, 2 * SZ_2M);
}

/* mremap() shrinking the buffer is an unmap of its tail. */
TEST_F(split, mremap_shrink)
{
	size_t keep = SPLIT_BUF - SZ_2M / 2;

	ASSERT_EQ(mremap(self->buf, SPLIT_BUF, keep, 0), self->buf);
	CHECK_KEPT(keep, SPLIT_BUF - keep);
}

/* mremap() moving part of the buffer: the GPUs follow the data. */
TEST_F(split, mremap_move)
{
	char *dst = alloc_small_pages(SZ_2M);
	char *moved;
	int i;

	ASSERT_NE(dst, NULL);
	moved = mremap(self->buf + SZ_2M, 16 * PAGE, 16 * PAGE,
		       MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	ASSERT_EQ(moved, dst);
	for (i = 0; i < self->n; i++) {
		EXPECT_EQ(valid_ptes(self->fd[i], self->buf + SZ_2M, 16), 0);
		EXPECT_EQ(valid_ptes(self->fd[i], self->buf + SZ_2M + 16 * PAGE,
				     SZ_2M / PAGE - 16), SZ_2M / PAGE - 16);
		ASSERT_EQ(gpu_read(self->fd[i], dst, self->tmp, 16 * PAGE), 0);
		EXPECT_EQ(memcmp(self->tmp, dst, 16 * PAGE), 0)
			TH_LOG("GPU %d did not follow the moved pages", i);
	}
	EXPECT_EQ(gpu_read(self->fd[0], self->buf + SZ_2M, self->tmp, PAGE), -EFAULT);
}

/*
 * A GPU that cannot fault beside one that can: access granted by SET_ATTR
 * maps it with no GPU fault; after MADV_DONTNEED and CPU writes, the
 * restore worker maps the new pages and the GPU reads them; it was
 * quiesced and resumed once; the GPU that can fault was never quiesced.
 */
TEST(nofault_restore)
{
	int nf = open_gpu(NOFAULT_GPU), f = open_gpu(0);
	char *buf = alloc_small_pages(2 * SZ_2M);
	char *tmp = malloc(2 * SZ_2M);
	struct drm_vsvm_stats s;

	ASSERT_GE(nf, 0);
	ASSERT_GE(f, 0);
	ASSERT_NE(buf, NULL);
	ASSERT_EQ(vsvm_attach(nf, 0), 0);
	ASSERT_EQ(vsvm_attach(f, 0), 0);
	fill(buf, SZ_2M, 21);	/* the second range is never populated */
	stats(nf, 1);

	ASSERT_EQ(set_attr(nf, buf, 2 * SZ_2M, DRM_VSVM_ATTR_ACCESS, gpu_index(nf)), 0);
	s = stats(nf, 0);
	EXPECT_EQ(s.gpu[DRM_VSVM_STAT_FAULTS], 0);
	EXPECT_EQ(s.gpu[DRM_VSVM_STAT_MAPS], 2);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_HMM_FAULTS], 2);
	/* Populated or not, every page is mapped: the fault-in policy. */
	EXPECT_EQ(valid_ptes(nf, buf, 2 * SZ_2M / PAGE), 2 * SZ_2M / PAGE);
	ASSERT_EQ(gpu_read(nf, buf, tmp, SZ_2M), 0);
	EXPECT_EQ(check(tmp, SZ_2M, 21), -1);
	ASSERT_EQ(gpu_read(f, buf, tmp, 2 * SZ_2M), 0);	/* faults in */
	stats(nf, 1);

	/* One event over both ranges: one quiesce, one restore, one resume. */
	ASSERT_EQ(madvise(buf, 2 * SZ_2M, MADV_DONTNEED), 0);
	fill(buf, 2 * SZ_2M, 22);
	memset(tmp, 0, 2 * SZ_2M);
	ASSERT_EQ(gpu_read(nf, buf, tmp, 2 * SZ_2M), 0);
	EXPECT_EQ(check(tmp, 2 * SZ_2M, 22), -1) TH_LOG("stale data after restore");
	s = stats_settled(nf);
	EXPECT_EQ(s.gpu[DRM_VSVM_STAT_QUIESCES], 1);
	EXPECT_EQ(s.gpu[DRM_VSVM_STAT_RESUMES], 1);
	EXPECT_EQ(s.gpu[DRM_VSVM_STAT_FAULTS], 0);
	EXPECT_EQ(s.fatal_faults, 0);
	EXPECT_GE(s.mgr[DRM_VSVM_STAT_RESTORE_RUNS], 1);
	s = stats(f, 0);
	EXPECT_EQ(s.gpu[DRM_VSVM_STAT_QUIESCES], 0);
	EXPECT_EQ(s.gpu[DRM_VSVM_STAT_RESUMES], 0);
	EXPECT_EQ(s.gpu[DRM_VSVM_STAT_MAPS], 0) TH_LOG("the faulting GPU was restored");
	ASSERT_EQ(gpu_read(f, buf, tmp, 2 * SZ_2M), 0);
	EXPECT_EQ(check(tmp, 2 * SZ_2M, 22), -1);

	/* Revoking access unmaps; the GPU then takes a fatal fault. */
	ASSERT_EQ(set_attr(nf, buf, 2 * SZ_2M, DRM_VSVM_ATTR_NO_ACCESS, gpu_index(nf)), 0);
	EXPECT_EQ(valid_ptes(nf, buf, 2 * SZ_2M / PAGE), 0);
	EXPECT_EQ(gpu_read(nf, buf, tmp, PAGE), -EFAULT);
	close(nf);
	close(f);
	free(tmp);
}

struct churn {
	int fd;
	char *buf;
	int iters;
	int errors;
	int last_err;	/* errno of the last failed access, or -1 for bad data */
};

/* A GPU writes and reads back its own pages of the buffer. */
static void *gpu_churn(void *arg)
{
	struct churn *c = arg;
	unsigned int word[PAGE / 4];
	int it, k, err;

	for (it = 0; it < c->iters; it++) {
		char *p = c->buf + (it % 16) * 2 * PAGE;	/* even pages */

		for (k = 0; k < PAGE / 4; k++)
			word[k] = it * 7919 + k;
		err = gpu_access(c->fd, DRM_VSVM_ACCESS_WRITE, p, PAGE, word, 0);
		if (!err)
			err = gpu_access(c->fd, DRM_VSVM_ACCESS_READ, p, PAGE, word, 0);
		if (err) {
			c->errors++;
			c->last_err = err;
			continue;
		}
		for (k = 0; k < PAGE / 4; k++)
			if (word[k] != (uint32_t)(it * 7919 + k) ||
			    ((uint32_t *)p)[k] != (uint32_t)(it * 7919 + k)) {
				c->errors++;
				c->last_err = -1;
				break;
			}
	}
	return NULL;
}

/*
 * Two GPUs write and read their pages while the CPU unmaps and maps again
 * the pages between them: the ranges split under the GPUs' feet, every
 * byte the GPUs and the CPU see is checked.
 */
TEST(concurrent_munmap)
{
	char *buf = alloc_small_pages(SZ_2M);
	struct churn c[2];
	pthread_t t[2];
	int i, it, bad = 0;

	ASSERT_NE(buf, NULL);
	memset(buf, 0, SZ_2M);
	for (i = 0; i < 2; i++) {
		c[i] = (struct churn) { .fd = open_gpu(i), .iters = 300 };
		ASSERT_GE(c[i].fd, 0);
		ASSERT_EQ(vsvm_attach(c[i].fd, 0), 0);
		c[i].buf = buf + i * 32 * 2 * PAGE;
		ASSERT_EQ(pthread_create(&t[i], NULL, gpu_churn, &c[i]), 0);
	}
	for (it = 0; it < 200; it++) {
		char *p = buf + ((it % 64) * 2 + 1) * PAGE;	/* odd pages */
		char *q;

		ASSERT_EQ(munmap(p, PAGE), 0);
		q = mmap(p, PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		ASSERT_EQ(q, p);
		if (((uint32_t *)q)[0] != 0)
			bad++;
		((uint32_t *)q)[0] = it;
	}
	for (i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(c[i].errors, 0) TH_LOG("GPU %d: %d bad accesses, last %d (-1: bad data)",
						 i, c[i].errors, c[i].last_err);
		close(c[i].fd);
	}
	EXPECT_EQ(bad, 0) TH_LOG("%d remapped pages were not zero", bad);
}

/* Every malformed request gets an errno and changes nothing. */
TEST(bad_input)
{
	struct drm_vsvm_attr attr = { .type = DRM_VSVM_ATTR_GRANULARITY, .value = 3 };
	struct drm_vsvm_attrs aa;
	struct drm_vsvm_access ac;
	struct drm_vsvm_stats st;
	struct drm_vsvm_pt_snapshot sn;
	struct drm_vsvm_map m;
	unsigned char ptes[4];
	char tmp[4096];
	char *buf = alloc_2m();
	int fd = open_gpu(0), other = open_gpu(1);

	ASSERT_GE(fd, 0);
	ASSERT_GE(other, 0);
	ASSERT_NE(buf, NULL);
	fill(buf, PAGE, 14);

	/* Not attached yet. */
	EXPECT_EQ(gpu_read(fd, buf, tmp, PAGE), -ENODEV);
	EXPECT_EQ(set_attr(fd, buf, PAGE, DRM_VSVM_ATTR_GRANULARITY, 0), -ENODEV);
	st = (struct drm_vsvm_stats) {};
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_STATS, &st), -ENODEV);
	ASSERT_EQ(vsvm_attach(fd, 0), 0);
	EXPECT_EQ(vsvm_attach(fd, 0), -EBUSY);
	stats(fd, 1);

	/* Access. */
	ac = (struct drm_vsvm_access) { .addr = (uintptr_t)buf, .size = PAGE,
					.data = (uintptr_t)tmp, .op = 3 };
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_ACCESS, &ac), -EINVAL);
	ac.op = DRM_VSVM_ACCESS_READ;
	ac.pad = 1;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_ACCESS, &ac), -EINVAL);
	ac.pad = 0;
	ac.pad2 = 1;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_ACCESS, &ac), -EINVAL);
	ac.pad2 = 0;
	ac.size = 0;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_ACCESS, &ac), -EINVAL);
	ac.size = (16ul << 20) + 1;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_ACCESS, &ac), -EINVAL);
	ac.size = 2 * PAGE;
	ac.addr = ~0ull - PAGE;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_ACCESS, &ac), -EINVAL);
	ac = (struct drm_vsvm_access) { .addr = (uintptr_t)buf + 2, .size = 8,
					.op = DRM_VSVM_ACCESS_ADD32, .value = 1 };
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_ACCESS, &ac), -EINVAL);
	ac.addr = (uintptr_t)buf;
	ac.value = 1ull << 32;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_ACCESS, &ac), -EINVAL);
	ac = (struct drm_vsvm_access) { .addr = (uintptr_t)buf, .size = PAGE,
					.data = 8, .op = DRM_VSVM_ACCESS_WRITE };
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_ACCESS, &ac), -EFAULT);
	EXPECT_EQ(check(buf, PAGE, 14), -1) TH_LOG("a failed write changed memory");
	st = stats(fd, 0);
	EXPECT_EQ(st.mgr[DRM_VSVM_STAT_HMM_FAULTS], 0) TH_LOG("bad input reached the mm");
	EXPECT_EQ(st.mgr[DRM_VSVM_STAT_RANGES], 0);

	/* Attributes. */
	aa = (struct drm_vsvm_attrs) { .start = (uintptr_t)buf, .size = PAGE,
				       .attrs = (uintptr_t)&attr, .nattrs = 0 };
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_SET_ATTR, &aa), -EINVAL);
	aa.nattrs = 65;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_SET_ATTR, &aa), -EINVAL);
	aa.nattrs = 1;
	aa.pad = 1;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_SET_ATTR, &aa), -EINVAL);
	aa.pad = 0;
	aa.start += 1;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_SET_ATTR, &aa), -EINVAL);
	aa.start -= 1;
	aa.size = 0;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_SET_ATTR, &aa), -EINVAL);
	aa.size = PAGE;
	aa.attrs = 8;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_SET_ATTR, &aa), -EFAULT);
	aa.attrs = (uintptr_t)&attr;
	attr = (struct drm_vsvm_attr) { .type = 99 };
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_SET_ATTR, &aa), -EINVAL);
	attr = (struct drm_vsvm_attr) { .type = DRM_VSVM_ATTR_GRANULARITY, .value = 19 };
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_SET_ATTR, &aa), -EINVAL);
	attr = (struct drm_vsvm_attr) { .type = DRM_VSVM_ATTR_NO_ACCESS, .value = 5 };
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_SET_ATTR, &aa), -ENODEV);
	attr = (struct drm_vsvm_attr) { .type = DRM_VSVM_ATTR_GRANULARITY };
	ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_GET_ATTR, &aa), 0);
	EXPECT_EQ(attr.value, 9) TH_LOG("a failed SET_ATTR changed the granularity");
	attr = (struct drm_vsvm_attr) { .type = DRM_VSVM_ATTR_ACCESS_MIXED };
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_GET_ATTR, &aa), -EINVAL);

	/* Stats, snapshot, map. */
	st = (struct drm_vsvm_stats) { .flags = 4 };
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_STATS, &st), -EINVAL);
	sn = (struct drm_vsvm_pt_snapshot) { .addr = (uintptr_t)buf + 1, .npages = 4,
					     .entries = (uintptr_t)ptes };
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_PT_SNAPSHOT, &sn), -EINVAL);
	sn.addr = (uintptr_t)buf;
	sn.npages = 0;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_PT_SNAPSHOT, &sn), -EINVAL);
	sn.npages = 65537;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_PT_SNAPSHOT, &sn), -EINVAL);
	sn.npages = 4;
	sn.entries = 8;
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_PT_SNAPSHOT, &sn), -EFAULT);
	m = (struct drm_vsvm_map) { .start = (uintptr_t)buf + 1, .size = PAGE };
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_MAP, &m), -EINVAL);
	m = (struct drm_vsvm_map) { .start = (uintptr_t)buf, .size = 0 };
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_MAP, &m), -EINVAL);

	st = stats(fd, 0);
	EXPECT_EQ(st.mgr[DRM_VSVM_STAT_RANGES], 0) TH_LOG("bad input created ranges");
	EXPECT_EQ(st.mgr[DRM_VSVM_STAT_MAPS], 0);
	close(other);
	close(fd);
}

/*
 * Baseline mode (one drm_gpusvm per GPU, for the benchmark): bad attach
 * requests change nothing, the coordinator-only ioctls are refused, and the
 * GPU still reaches the CPU's data through its own drm_gpusvm.
 */
TEST(baseline_attach)
{
	struct drm_vsvm_attach bad_flags = { .flags = 1u << 5 };
	struct drm_vsvm_attach bad_pad = { .pad = 1 };
	int fd = open_gpu(0), nf = open_gpu(NOFAULT_GPU);
	struct drm_vsvm_info info = {};
	struct drm_vsvm_map m;
	char *buf = alloc_2m();
	char *tmp = malloc(SZ_2M);

	ASSERT_GE(fd, 0);
	ASSERT_GE(nf, 0);
	ASSERT_NE(buf, NULL);
	ASSERT_NE(tmp, NULL);
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_ATTACH, &bad_flags), -EINVAL);
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_ATTACH, &bad_pad), -EINVAL);
	/* drm_gpusvm has no way to serve a GPU that cannot fault. */
	EXPECT_EQ(vsvm_attach(nf, DRM_VSVM_ATTACH_BASELINE), -EOPNOTSUPP);

	/* Nothing was attached by the refused requests. */
	ASSERT_EQ(vsvm_attach(fd, DRM_VSVM_ATTACH_BASELINE), 0);
	EXPECT_EQ(vsvm_attach(fd, 0), -EBUSY);
	ASSERT_EQ(vsvm_attach(nf, 0), 0);
	ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_INFO, &info), 0);
	EXPECT_TRUE(info.flags & DRM_VSVM_INFO_BASELINE);
	EXPECT_EQ(info.index, ~0u);

	m.start = (uintptr_t)buf;
	m.size = SZ_2M;
	EXPECT_EQ(set_attr(fd, buf, SZ_2M, DRM_VSVM_ATTR_ACCESS, 0),
		  -EOPNOTSUPP);
	EXPECT_EQ(xioctl(fd, DRM_IOCTL_VSVM_MAP, &m), -EOPNOTSUPP);

	fill(buf, SZ_2M, 11);
	ASSERT_EQ(gpu_access(fd, DRM_VSVM_ACCESS_READ, buf, SZ_2M, tmp, 0), 0);
	EXPECT_EQ(check(tmp, SZ_2M, 11), -1);
	ASSERT_EQ(gpu_access(fd, DRM_VSVM_ACCESS_ADD32, buf, SZ_2M, NULL, 1),
		  0);
	EXPECT_EQ(((uint32_t *)buf)[5], 11 * 2654435761u + 5 + 1);

	free(tmp);
	munmap(buf, SZ_2M);
	close(nf);
	close(fd);
}

TEST_HARNESS_MAIN
