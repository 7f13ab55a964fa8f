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

/*
 * The setup the gpus and split fixtures share: GPUs 0 to @n - 1 opened and
 * attached into @fd, a buffer of @size bytes from @alloc into @buf and a
 * scratch buffer as large into @tmp.
 */
static void setup_gpus(struct __test_metadata *_metadata, int *fd, int n,
		       char **buf, char **tmp, size_t size,
		       char *(*alloc)(size_t size))
{
	int i;

	for (i = 0; i < n; i++) {
		fd[i] = open_gpu(i);
		ASSERT_GE(fd[i], 0) TH_LOG("no vsvm GPU %d (boot with vsvm.num_gpus=8)", i);
		ASSERT_EQ(vsvm_attach(fd[i], 0), 0);
	}
	*buf = alloc(size);
	ASSERT_NE(*buf, NULL);
	*tmp = malloc(size);
	ASSERT_NE(*tmp, NULL);
}

/* The teardown the gpus and split fixtures share. */
static void teardown_gpus(const int *fd, int n, char *tmp)
{
	int i;

	for (i = 0; i < n; i++)
		close(fd[i]);
	free(tmp);
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
	self->n = variant->n;
	setup_gpus(_metadata, self->fd, self->n, &self->buf, &self->tmp, SZ_2M,
		   alloc_aligned);
	stats(self->fd[0], 1);
}

FIXTURE_TEARDOWN(gpus)
{
	teardown_gpus(self->fd, self->n, self->tmp);
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
	/* Coherent: the default attributes. */
	EXPECT_EQ(pte, DRM_VSVM_PTE_VALID | DRM_VSVM_PTE_WRITE |
		       DRM_VSVM_PTE_COHERENT);

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
	EXPECT_EQ(pte, DRM_VSVM_PTE_VALID | DRM_VSVM_PTE_COHERENT);
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

/* Entries of [addr, addr + npages) in @fd's page table with all of @bits. */
static long ptes_with(int fd, void *addr, unsigned long npages,
		      unsigned char bits)
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
		n += (e[i] & (bits | DRM_VSVM_PTE_VALID)) ==
		     (bits | DRM_VSVM_PTE_VALID);
	return n;
}

/* Pages of [addr, addr + npages) with a valid entry in @fd's page table. */
static long valid_ptes(int fd, void *addr, unsigned long npages)
{
	return ptes_with(fd, addr, npages, 0);
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
	setup_gpus(_metadata, self->fd, self->n, &self->buf, &self->tmp,
		   SPLIT_BUF, alloc_small_pages);
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
	teardown_gpus(self->fd, self->n, self->tmp);
}

/*
 * After the CPU unmapped [off, off + len) of the buffer: every GPU lost
 * exactly those pages and kept every other one; reading all that is left
 * costs no GPU fault, no hmm_range_fault() and no map; the data is intact.
 * The same behind a translating IOMMU, where drm_gpusvm links a range's
 * pages into one IOVA reservation: the part is unlinked alone and the
 * pieces share the reservation (review finding M6).
 */
struct split_view {
	const int *fd;
	int n;
	char *buf;
	char *tmp;
};

/*
 * The coordinator's interval notifiers that [@a, @a + @len) crosses: one
 * per chunk of notifier_size_mb (512 MiB unless set), so an munmap over a
 * chunk boundary reaches it as one callback per chunk. Where the buffer
 * lands depends on ASLR.
 */
static unsigned long notifier_chunks(const char *a, size_t len)
{
	FILE *f = fopen("/sys/module/drm_svm_coord/parameters/notifier_size_mb", "r");
	unsigned long mb = 512, sz;

	if (f) {
		if (fscanf(f, "%lu", &mb) != 1 || !mb)
			mb = 512;
		fclose(f);
	}
	sz = mb << 20;
	return ((uintptr_t)a + len - 1) / sz - (uintptr_t)a / sz + 1;
}

static void check_kept(struct __test_metadata *_metadata,
		       const struct split_view *self, size_t off, size_t len)
{
	unsigned long npages = SPLIT_BUF / PAGE;
	/* Ranges that lost pages. */
	unsigned long cut = (off + len - 1) / SZ_2M - off / SZ_2M + 1;
	struct drm_vsvm_stats s;
	int i;

	s = stats_settled(self->fd[0]);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_HMM_FAULTS], 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_MAPS], 0);
	EXPECT_GE(s.mgr[DRM_VSVM_STAT_SPLITS], 1);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_INVALIDATIONS],
		  notifier_chunks(self->buf + off, len))
		TH_LOG("one munmap of %p + %zu reached the coordinator as %llu callbacks",
		       self->buf + off, len,
		       (unsigned long long)s.mgr[DRM_VSVM_STAT_INVALIDATIONS]);
	for (i = 0; i < self->n; i++) {
		EXPECT_EQ(valid_ptes(self->fd[i], self->buf, npages),
			  (long)(npages - len / PAGE))
			TH_LOG("GPU %d: %ld of %lu pages mapped after unmapping %zu", i,
			       valid_ptes(self->fd[i], self->buf, npages), npages,
			       len / PAGE);
	}
	for (i = 0; i < self->n; i++) {
		struct drm_vsvm_access a;

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
			EXPECT_EQ(a.faults, 0)
				TH_LOG("GPU %d refaulted what it kept", i);
			EXPECT_EQ(memcmp(self->tmp, self->buf + off + len, a.size), 0);
		}
	}
	s = stats(self->fd[0], 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_HMM_FAULTS], 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_HMM_PAGES], 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_MAPS], 0)
		TH_LOG("the pieces were mapped again%s",
		       s.iommu ? " behind the IOMMU" : "");
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_ZAPS], (uint64_t)self->n * cut);
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
 * Faults a GPU of the split fixture takes to read the buffer, the data
 * checked; -1 if the read fails.
 */
static long read_faults(struct __test_metadata *_metadata, int fd, char *buf,
			char *tmp, size_t off, size_t len)
{
	struct drm_vsvm_access a = {
		.addr = (uintptr_t)buf + off, .size = len, .data = (uintptr_t)tmp,
	};

	if (xioctl(fd, DRM_IOCTL_VSVM_ACCESS, &a))
		return -1;
	EXPECT_EQ(memcmp(tmp, buf + off, len), 0);
	return a.faults;
}

#define ATTR_OFF	(3 * SZ_2M / 2)	/* 3 MiB: inside the second range */
#define ATTR_LEN	SZ_2M		/* to 5 MiB: inside the third */
#define ATTR_PAGES	(ATTR_LEN / PAGE)

/*
 * Review finding M8: an attribute change retired every range under it.
 * Now the two ranges an interval [3 MiB, 5 MiB) crosses are split at its
 * bounds and nothing else happens to them: denying the last GPU access
 * there zaps that GPU there, and only there. No page is faulted or mapped
 * again, the other GPUs keep every entry and read all without a fault.
 */
TEST_F(split, attr_no_access_splits)
{
	int last = self->n - 1, i;
	unsigned long npages = SPLIT_BUF / PAGE;
	struct drm_vsvm_stats s;

	ASSERT_EQ(set_attr(self->fd[0], self->buf + ATTR_OFF, ATTR_LEN,
			   DRM_VSVM_ATTR_NO_ACCESS, gpu_index(self->fd[last])), 0);
	s = stats_settled(self->fd[0]);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_SPLITS], 2);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_RANGES_DESTROYED], 2);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_ZAPS], 2)
		TH_LOG("%llu zaps: GPUs whose access did not change lost entries",
		       (unsigned long long)s.mgr[DRM_VSVM_STAT_ZAPS]);
	EXPECT_EQ(valid_ptes(self->fd[last], self->buf, npages),
		  (long)(npages - ATTR_PAGES));
	EXPECT_EQ(valid_ptes(self->fd[last], self->buf + ATTR_OFF, ATTR_PAGES), 0);
	for (i = 0; i < last; i++)
		EXPECT_EQ(valid_ptes(self->fd[i], self->buf, npages), (long)npages)
			TH_LOG("GPU %d lost entries", i);
	for (i = 0; i < last; i++)
		EXPECT_EQ(read_faults(_metadata, self->fd[i], self->buf,
				      self->tmp, 0, SPLIT_BUF), 0);
	EXPECT_EQ(read_faults(_metadata, self->fd[last], self->buf, self->tmp,
			      0, ATTR_OFF), 0);
	EXPECT_EQ(read_faults(_metadata, self->fd[last], self->buf, self->tmp,
			      ATTR_OFF + ATTR_LEN, SPLIT_BUF - ATTR_OFF - ATTR_LEN), 0);
	EXPECT_EQ(gpu_read(self->fd[last], self->buf + ATTR_OFF, self->tmp,
			   PAGE), -EPERM);
	s = stats(self->fd[0], 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_HMM_FAULTS], 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_MAPS], 0);
	EXPECT_EQ(check(self->buf, SPLIT_BUF, 5), -1);
}

/*
 * Flags that shape the entries reach the backend: GPU_EXEC makes them
 * executable, COHERENT (set by default) picks their memory type, GPU_RO
 * takes write away. A change rewrites the entries of the interval that
 * changed on every GPU, and no other.
 */
TEST_F(split, attr_flags_rewrite)
{
	unsigned long npages = SPLIT_BUF / PAGE;
	char *in = self->buf + ATTR_OFF;
	struct drm_vsvm_stats s;
	int i;

	for (i = 0; i < self->n; i++) {
		EXPECT_EQ(ptes_with(self->fd[i], self->buf, npages,
				    DRM_VSVM_PTE_WRITE | DRM_VSVM_PTE_COHERENT),
			  (long)npages);
		EXPECT_EQ(ptes_with(self->fd[i], self->buf, npages,
				    DRM_VSVM_PTE_EXEC), 0);
	}
	ASSERT_EQ(set_attr(self->fd[0], in, ATTR_LEN, DRM_VSVM_ATTR_SET_FLAGS,
			   DRM_VSVM_FLAG_GPU_EXEC), 0);
	s = stats_settled(self->fd[0]);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_SPLITS], 2);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_ZAPS], 2ull * self->n);
	for (i = 0; i < self->n; i++) {
		EXPECT_EQ(valid_ptes(self->fd[i], self->buf, npages),
			  (long)(npages - ATTR_PAGES));
		EXPECT_EQ(read_faults(_metadata, self->fd[i], self->buf,
				      self->tmp, 0, SPLIT_BUF), 2)
			TH_LOG("GPU %d: not one fault per changed piece", i);
		EXPECT_EQ(ptes_with(self->fd[i], in, ATTR_PAGES,
				    DRM_VSVM_PTE_EXEC | DRM_VSVM_PTE_WRITE |
				    DRM_VSVM_PTE_COHERENT), (long)ATTR_PAGES);
		EXPECT_EQ(ptes_with(self->fd[i], self->buf, npages,
				    DRM_VSVM_PTE_EXEC), (long)ATTR_PAGES)
			TH_LOG("GPU %d: executable entries outside GPU_EXEC", i);
	}

	/* Not coherent, then read-only: rewritten again, there only. */
	ASSERT_EQ(set_attr(self->fd[0], in, ATTR_LEN, DRM_VSVM_ATTR_CLR_FLAGS,
			   DRM_VSVM_FLAG_COHERENT), 0);
	ASSERT_EQ(set_attr(self->fd[0], in, ATTR_LEN, DRM_VSVM_ATTR_SET_FLAGS,
			   DRM_VSVM_FLAG_GPU_RO), 0);
	for (i = 0; i < self->n; i++) {
		EXPECT_EQ(read_faults(_metadata, self->fd[i], self->buf,
				      self->tmp, 0, SPLIT_BUF), 2);
		EXPECT_EQ(ptes_with(self->fd[i], in, ATTR_PAGES,
				    DRM_VSVM_PTE_COHERENT), 0);
		EXPECT_EQ(ptes_with(self->fd[i], in, ATTR_PAGES,
				    DRM_VSVM_PTE_WRITE), 0);
		EXPECT_EQ(ptes_with(self->fd[i], self->buf, npages,
				    DRM_VSVM_PTE_WRITE | DRM_VSVM_PTE_COHERENT),
			  (long)(npages - ATTR_PAGES));
		EXPECT_EQ(gpu_write(self->fd[i], in, self->tmp, PAGE), -EPERM);
	}
	EXPECT_EQ(check(self->buf, SPLIT_BUF, 5), -1);
}

#define LOST_UNREPORTED "/sys/module/vsvm/parameters/lost_unreported"

static int pt_drop(int fd, void *addr, size_t size)
{
	struct drm_vsvm_pt_drop d = { .addr = (uintptr_t)addr, .size = size };

	return xioctl(fd, DRM_IOCTL_VSVM_PT_DROP, &d);
}

/*
 * GPU 0 (can fault) and the GPU that cannot fault, attached, both mapping
 * @buf, filled with @seed: GPU 0 by writing it, the other by being
 * granted access.
 */
static void pair_setup(struct __test_metadata *_metadata, int *fd0, int *fd7,
		       char *buf, __u32 seed)
{
	*fd0 = open_gpu(0);
	*fd7 = open_gpu(NOFAULT_GPU);
	ASSERT_GE(*fd0, 0);
	ASSERT_GE(*fd7, 0) TH_LOG("boot with vsvm.num_gpus=8 vsvm.no_fault=0x80");
	ASSERT_NE(buf, NULL);
	ASSERT_EQ(vsvm_attach(*fd0, 0), 0);
	ASSERT_EQ(vsvm_attach(*fd7, 0), 0);
	fill(buf, SZ_2M, seed);
	ASSERT_EQ(gpu_write(*fd0, buf, buf, SZ_2M), 0);
	ASSERT_EQ(set_attr(*fd0, buf, SZ_2M, DRM_VSVM_ATTR_ACCESS,
			   gpu_index(*fd7)), 0);
}

/*
 * A GPU that loses its entries behind the coordinator's back (page tables
 * evicted, a VM rebound, a reset: DRM_IOCTL_VSVM_PT_DROP) and reports it
 * (drm_svm_coord_vm_lost()) gets them back: a GPU that can fault on its
 * next fault, a GPU that cannot from the restore worker, before it runs
 * again. With @reported false, vsvm forgets to report (the module
 * parameter lost_unreported): the coordinator still counts the entries,
 * the first GPU's faults find them "already mapped" until it gives up
 * (EBUSY), the second takes a fatal fault. The first case is the contract,
 * the second shows the first would catch a backend that breaks it.
 */
static void lost_case(struct __test_metadata *_metadata, bool reported)
{
	char *buf = alloc_2m(), *tmp = malloc(SZ_2M);
	unsigned long npages = SZ_2M / PAGE;
	struct drm_vsvm_access a;
	int fd0, fd7;

	ASSERT_NE(tmp, NULL);
	pair_setup(_metadata, &fd0, &fd7, buf, 21);
	ASSERT_EQ(valid_ptes(fd0, buf, npages), (long)npages);
	ASSERT_EQ(valid_ptes(fd7, buf, npages), (long)npages);
	/* Set for the drops only: a failed assertion must not leave it set. */
	ASSERT_EQ(write_str(LOST_UNREPORTED, reported ? "0" : "1"), 0);
	EXPECT_EQ(pt_drop(fd0, buf, SZ_2M), 0);
	EXPECT_EQ(pt_drop(fd7, buf, SZ_2M), 0);
	ASSERT_EQ(write_str(LOST_UNREPORTED, "0"), 0);
	EXPECT_EQ(valid_ptes(fd0, buf, npages), 0);
	a = (struct drm_vsvm_access) {
		.addr = (uintptr_t)buf, .size = SZ_2M, .data = (uintptr_t)tmp,
	};
	if (reported) {
		ASSERT_EQ(xioctl(fd0, DRM_IOCTL_VSVM_ACCESS, &a), 0)
			TH_LOG("GPU 0 did not get its entries back");
		EXPECT_EQ(a.faults, 1);
		EXPECT_EQ(check(tmp, SZ_2M, 21), -1);
		EXPECT_EQ(valid_ptes(fd0, buf, npages), (long)npages);
		ASSERT_EQ(gpu_read(fd7, buf, tmp, SZ_2M), 0)
			TH_LOG("the GPU that cannot fault met a missing entry");
		EXPECT_EQ(check(tmp, SZ_2M, 21), -1);
		EXPECT_EQ(stats(fd7, 0).fatal_faults, 0);
		EXPECT_EQ(valid_ptes(fd7, buf, npages), (long)npages);
	} else {
		EXPECT_EQ(xioctl(fd0, DRM_IOCTL_VSVM_ACCESS, &a), -EBUSY);
		EXPECT_EQ(gpu_read(fd7, buf, tmp, PAGE), -EFAULT);
		EXPECT_EQ(stats(fd7, 0).fatal_faults, 1);
	}
	close(fd0);
	close(fd7);
	free(tmp);
}

TEST(lost_mappings)
{
	lost_case(_metadata, true);
}

TEST(lost_mappings_unreported)
{
	lost_case(_metadata, false);
}

/*
 * GPU_ALWAYS_MAPPED: a GPU that can fault is mapped when the flag is set,
 * before any access, and mapped again after an invalidation (an
 * mprotect() round trip) without faulting, as a GPU that cannot fault is
 * restored. The same GPU on a buffer without the flag is zapped and
 * faults.
 */
TEST(always_mapped)
{
	int fd = open_gpu(0);
	char *buf = alloc_2m(), *plain = alloc_2m(), *tmp = malloc(SZ_2M);
	unsigned long npages = SZ_2M / PAGE;
	struct drm_vsvm_access a;

	ASSERT_GE(fd, 0);
	ASSERT_TRUE(buf && plain && tmp);
	ASSERT_EQ(vsvm_attach(fd, 0), 0);
	fill(buf, SZ_2M, 31);
	fill(plain, SZ_2M, 32);
	ASSERT_EQ(gpu_read(fd, plain, tmp, SZ_2M), 0);
	stats(fd, 1);

	ASSERT_EQ(set_attr(fd, buf, SZ_2M, DRM_VSVM_ATTR_SET_FLAGS,
			   DRM_VSVM_FLAG_GPU_ALWAYS_MAPPED), 0);
	EXPECT_EQ(valid_ptes(fd, buf, npages), (long)npages)
		TH_LOG("not mapped when GPU_ALWAYS_MAPPED was set");

	ASSERT_EQ(mprotect(buf, SZ_2M, PROT_READ), 0);
	ASSERT_EQ(mprotect(buf, SZ_2M, PROT_READ | PROT_WRITE), 0);
	ASSERT_EQ(mprotect(plain, SZ_2M, PROT_READ), 0);
	ASSERT_EQ(mprotect(plain, SZ_2M, PROT_READ | PROT_WRITE), 0);
	stats_settled(fd);	/* the restore worker is done */
	EXPECT_EQ(valid_ptes(fd, buf, npages), (long)npages)
		TH_LOG("not mapped again after an invalidation");
	EXPECT_EQ(valid_ptes(fd, plain, npages), 0);

	a = (struct drm_vsvm_access) {
		.addr = (uintptr_t)buf, .size = SZ_2M, .data = (uintptr_t)tmp,
	};
	ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_ACCESS, &a), 0);
	EXPECT_EQ(a.faults, 0);
	EXPECT_EQ(check(tmp, SZ_2M, 31), -1);
	EXPECT_EQ(stats(fd, 0).gpu[DRM_VSVM_STAT_QUIESCES], 0)
		TH_LOG("a GPU that can fault was quiesced");
	a.addr = (uintptr_t)plain;
	ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_ACCESS, &a), 0);
	EXPECT_EQ(a.faults, 1);
	EXPECT_EQ(check(tmp, SZ_2M, 32), -1);
	close(fd);
	free(tmp);
}

#define UNMAP_FAIL "/sys/module/vsvm/parameters/unmap_fail"

/*
 * A page-table update that fails (vsvm.unmap_fail: the next unmaps fail
 * and leave their entries) when mprotect() makes a buffer read-only: the
 * GPU that can fault and the one that cannot are quiesced, and the
 * coordinator clears their entries again before either runs; the second
 * is restored read-only. Then no entry allows more than the CPU does
 * (PT_VERIFY: without the retry, both GPUs keep 512 writable entries of
 * read-only pages), a GPU write is refused, reads see the data.
 */
TEST(unmap_failure)
{
	char *buf = alloc_2m(), *tmp = malloc(SZ_2M);
	struct drm_vsvm_pt_verify v;
	struct drm_vsvm_stats s;
	int fd0, fd7;

	ASSERT_NE(tmp, NULL);
	pair_setup(_metadata, &fd0, &fd7, buf, 51);
	stats(fd0, 1);

	ASSERT_EQ(write_str(UNMAP_FAIL, "2"), 0);
	EXPECT_EQ(mprotect(buf, SZ_2M, PROT_READ), 0);
	s = stats_settled(fd0);
	ASSERT_EQ(write_str(UNMAP_FAIL, "0"), 0);
	EXPECT_EQ(s.mgr[DRM_VSVM_STAT_UNMAP_FAILURES], 2);
	ASSERT_EQ(pt_verify(fd0, buf, SZ_2M, &v), 0);
	EXPECT_TRUE(pt_safe(&v))
		TH_LOG("GPU 0: %llu writable entries of read-only pages, %llu stale",
		       (unsigned long long)v.excess_write,
		       (unsigned long long)v.stale);
	ASSERT_EQ(pt_verify(fd7, buf, SZ_2M, &v), 0);
	EXPECT_TRUE(pt_safe(&v))
		TH_LOG("GPU 7: %llu writable entries of read-only pages, %llu stale",
		       (unsigned long long)v.excess_write,
		       (unsigned long long)v.stale);
	EXPECT_EQ(v.valid, SZ_2M / PAGE) TH_LOG("GPU 7 was not restored");
	EXPECT_EQ(gpu_write(fd0, buf, tmp, PAGE), -EPERM);
	ASSERT_EQ(gpu_read(fd7, buf, tmp, SZ_2M), 0);
	EXPECT_EQ(check(tmp, SZ_2M, 51), -1);
	ASSERT_EQ(gpu_read(fd0, buf, tmp, SZ_2M), 0);
	EXPECT_EQ(check(tmp, SZ_2M, 51), -1);
	EXPECT_EQ(stats(fd7, 0).fatal_faults, 0);
	close(fd0);
	close(fd7);
	free(tmp);
}

#define PTE_SIZES_HIDDEN "/sys/module/vsvm/parameters/pte_sizes_hidden"

/*
 * GPUs with large page-table entries (2 MiB, 64 KiB) beside one with 4 KiB
 * entries: a munmap of one page in a 2 MiB range cuts an entry of the
 * first two, which hardware cannot split without allocating. The
 * coordinator never asks them to: they lose the whole range and fault it
 * back, while the 4 KiB GPU keeps its 511 entries and reads without a
 * fault. With @declared false, vsvm hides its entry sizes (the module
 * parameter pte_sizes_hidden): the coordinator asks to clear one page,
 * vsvm clears the whole entry, the coordinator still counts the rest as
 * mapped and the GPU's faults find it "already mapped" until it gives up
 * (EBUSY): what the first case would catch. An attribute change that cuts
 * a range at 1 MiB takes the range from the 2 MiB GPU only.
 */
static void pte_case(struct __test_metadata *_metadata, bool declared)
{
	static const __u32 how[] = {
		DRM_VSVM_ATTACH_PTE_2M, DRM_VSVM_ATTACH_PTE_64K, 0,
	};
	char *buf = alloc_small_pages(SZ_2M), *tmp = malloc(SZ_2M);
	size_t hole = 100 * PAGE, rest = SZ_2M - hole - PAGE;
	struct drm_vsvm_access a;
	int fd[3], i;

	ASSERT_TRUE(buf && tmp);
	for (i = 0; i < 3; i++) {
		fd[i] = open_gpu(i);
		ASSERT_GE(fd[i], 0);
	}
	/* Read at attach only: set for the attaches, reset before asserting. */
	ASSERT_EQ(write_str(PTE_SIZES_HIDDEN, declared ? "0" : "1"), 0);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(vsvm_attach(fd[i], how[i]), 0);
	ASSERT_EQ(write_str(PTE_SIZES_HIDDEN, "0"), 0);
	ASSERT_FALSE(_metadata->exit_code) TH_LOG("attach failed");
	fill(buf, SZ_2M, 41);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(gpu_read(fd[i], buf, tmp, SZ_2M), 0);

	ASSERT_EQ(munmap(buf + hole, PAGE), 0);
	stats_settled(fd[0]);
	EXPECT_EQ(valid_ptes(fd[2], buf, SZ_2M / PAGE), (long)(SZ_2M / PAGE - 1));
	for (i = 0; i < 3; i++) {
		long want = i == 2 ? 0 : 1;

		a = (struct drm_vsvm_access) {
			.addr = (uintptr_t)buf + hole + PAGE, .size = rest,
			.data = (uintptr_t)tmp,
		};
		if (!declared && i < 2) {
			EXPECT_EQ(xioctl(fd[i], DRM_IOCTL_VSVM_ACCESS, &a), -EBUSY)
				TH_LOG("GPU %d: the widened unmap went unnoticed", i);
			continue;
		}
		ASSERT_EQ(xioctl(fd[i], DRM_IOCTL_VSVM_ACCESS, &a), 0)
			TH_LOG("GPU %d did not get the rest back", i);
		EXPECT_EQ(a.faults, want) TH_LOG("GPU %d", i);
		EXPECT_EQ(memcmp(tmp, buf + hole + PAGE, rest), 0);
	}

	if (declared) {
		char *cut = alloc_small_pages(SZ_2M);
		size_t at = 125 * PAGE;	/* in the 64 KiB block at 448 KiB */

		/*
		 * The piece after the hole starts unaligned, yet holds aligned
		 * 64 KiB blocks: dropping a page inside one takes the piece
		 * from the 64 KiB GPU, which reads it back.
		 */
		ASSERT_EQ(madvise(buf + at, PAGE, MADV_DONTNEED), 0);
		a = (struct drm_vsvm_access) {
			.addr = (uintptr_t)buf + hole + PAGE, .size = rest,
			.data = (uintptr_t)tmp,
		};
		ASSERT_EQ(xioctl(fd[1], DRM_IOCTL_VSVM_ACCESS, &a), 0)
			TH_LOG("a 64 KiB entry cut inside an unaligned piece");
		EXPECT_EQ(memcmp(tmp, buf + hole + PAGE, rest), 0);

		ASSERT_NE(cut, NULL);
		fill(cut, SZ_2M, 42);
		for (i = 0; i < 3; i++)
			ASSERT_EQ(gpu_read(fd[i], cut, tmp, SZ_2M), 0);
		ASSERT_EQ(set_attr(fd[0], cut + SZ_2M / 2, SZ_2M / 2,
				   DRM_VSVM_ATTR_ACCESS_IN_PLACE,
				   gpu_index(fd[2])), 0);
		EXPECT_EQ(valid_ptes(fd[0], cut, SZ_2M / PAGE), 0)
			TH_LOG("a 2 MiB entry was left across two ranges");
		EXPECT_EQ(valid_ptes(fd[1], cut, SZ_2M / PAGE), (long)(SZ_2M / PAGE));
		EXPECT_EQ(valid_ptes(fd[2], cut, SZ_2M / PAGE), (long)(SZ_2M / PAGE));
		ASSERT_EQ(gpu_read(fd[0], cut, tmp, SZ_2M), 0);
		EXPECT_EQ(check(tmp, SZ_2M, 42), -1);
	}
	for (i = 0; i < 3; i++)
		close(fd[i]);
	free(tmp);
}

TEST(large_ptes)
{
	pte_case(_metadata, true);
}

TEST(large_ptes_hidden)
{
	pte_case(_metadata, false);
}

/*
 * Review finding M5: granting a GPU that cannot fault access to a huge,
 * sparse span (1 TiB of holes around a 64 GiB PROT_NONE reservation and
 * one 2 MiB buffer) maps what it can in a few steps. Before the fix the
 * walk stepped through the holes page by page, taking the mmap lock each
 * time, under the manager lock and without rescheduling: 2^28 steps, a
 * soft lockup and the test's timeout.
 */
TEST(nofault_sparse_span)
{
	const size_t resv_size = 64ul << 30, hole = 1ul << 40;
	int nf = open_gpu(NOFAULT_GPU);
	char *buf = alloc_small_pages(SZ_2M);
	char *tmp = malloc(SZ_2M);
	char *resv, *lo;
	struct drm_vsvm_stats s;

	ASSERT_GE(nf, 0);
	ASSERT_NE(buf, NULL);
	ASSERT_NE(tmp, NULL);
	resv = mmap(NULL, resv_size, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(resv, MAP_FAILED);
	lo = (resv < buf ? resv : buf) - hole;
	ASSERT_EQ(vsvm_attach(nf, 0), 0);
	fill(buf, SZ_2M, 29);
	stats(nf, 1);

	ASSERT_EQ(set_attr(nf, lo, buf + SZ_2M - lo, DRM_VSVM_ATTR_ACCESS,
			   gpu_index(nf)), 0);
	s = stats(nf, 0);
	EXPECT_EQ(s.gpu[DRM_VSVM_STAT_MAPS], 1);
	ASSERT_EQ(gpu_read(nf, buf, tmp, SZ_2M), 0);
	EXPECT_EQ(check(tmp, SZ_2M, 29), -1);
	EXPECT_EQ(stats(nf, 0).fatal_faults, 0);
	munmap(resv, resv_size);
	munmap(buf, SZ_2M);
	free(tmp);
	close(nf);
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

struct nofault_reader {
	int fd;
	char *buf;
	int stop;
	unsigned int reads, failed, bad;
	int err;
};

/*
 * Read the buffer through a GPU that cannot fault, a page at a time,
 * until told to stop.
 */
static void *nofault_reader(void *arg)
{
	struct nofault_reader *r = arg;
	__u32 tmp[PAGE / 4];
	unsigned long i, w;
	int err;

	for (i = 0; !__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE);
	     i = (i + 1) % (2 * SZ_2M / PAGE)) {
		err = gpu_read(r->fd, r->buf + i * PAGE, tmp, PAGE);
		if (err) {
			r->failed++;
			r->err = err;
		} else {
			for (w = 0; w < PAGE / 4; w++)
				if (tmp[w] != 23 * 2654435761u + i * PAGE / 4 + w)
					break;
			r->bad += w < PAGE / 4;
		}
		r->reads++;
	}
	return NULL;
}

/*
 * Review finding M2: an attribute change retires the ranges under it, and
 * zapped a GPU that cannot fault without quiescing it first, remapping it
 * only at the end of the change: an access of that GPU in between met no
 * entry, a fatal fault. Here such a GPU reads a buffer page by page, over
 * and over, while another thread sets and clears GPU_RO over it, each
 * change retiring the ranges:
 * no read may fail, every read sees the data, and the GPU was quiesced
 * (and resumed) rather than left to fault.
 */
TEST(nofault_attr_change_under_use)
{
	int nf = open_gpu(NOFAULT_GPU);
	char *buf = alloc_small_pages(2 * SZ_2M);
	struct nofault_reader r = { .fd = nf, .buf = buf };
	struct drm_vsvm_stats s;
	unsigned int i;
	pthread_t t;

	ASSERT_GE(nf, 0);
	ASSERT_NE(buf, NULL);
	ASSERT_EQ(vsvm_attach(nf, 0), 0);
	fill(buf, 2 * SZ_2M, 23);
	ASSERT_EQ(set_attr(nf, buf, 2 * SZ_2M, DRM_VSVM_ATTR_ACCESS,
			   gpu_index(nf)), 0);
	stats(nf, 1);
	ASSERT_EQ(pthread_create(&t, NULL, nofault_reader, &r), 0);
	/* GPU_RO on and off: each change remaps the GPU, retiring the ranges. */
	for (i = 0; i < 200; i++)
		ASSERT_EQ(set_attr(nf, buf, 2 * SZ_2M,
				   i & 1 ? DRM_VSVM_ATTR_CLR_FLAGS :
					   DRM_VSVM_ATTR_SET_FLAGS,
				   DRM_VSVM_FLAG_GPU_RO), 0);
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	s = stats_settled(nf);
	TH_LOG("%u page reads during 200 attribute changes, %llu quiesces, %llu resumes",
	       r.reads, s.gpu[DRM_VSVM_STAT_QUIESCES],
	       s.gpu[DRM_VSVM_STAT_RESUMES]);
	EXPECT_EQ(r.failed, 0) TH_LOG("a read failed: %s", strerror(-r.err));
	EXPECT_EQ(s.fatal_faults, 0);
	EXPECT_EQ(r.bad, 0) TH_LOG("a read saw wrong data");
	EXPECT_GE(s.gpu[DRM_VSVM_STAT_QUIESCES], 1);
	EXPECT_EQ(s.gpu[DRM_VSVM_STAT_RESUMES], s.gpu[DRM_VSVM_STAT_QUIESCES]);
	close(nf);
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

/*
 * A GPU that cannot fault and maps under the default policy (DRM_VSVM_MAP,
 * no access attribute) must have its entries rewritten when a flag that
 * shapes them changes, like any GPU that maps: after GPU_RO it may not
 * write, after GPU_EXEC its entries execute, and after GPU_RO is cleared
 * it writes again. Before the fix its entries kept the old flags: the
 * attribute diff counted only GPUs granted access or able to fault as
 * mapping.
 */
TEST(nofault_flags_rewrite)
{
	struct drm_vsvm_map m;
	char *buf = alloc_aligned(2 * SZ_2M), *tmp = malloc(SZ_2M);
	const unsigned long n = SZ_2M / PAGE;
	int fd = open_gpu(NOFAULT_GPU);

	ASSERT_GE(fd, 0);
	ASSERT_NE(buf, NULL);
	ASSERT_NE(tmp, NULL);
	ASSERT_EQ(vsvm_attach(fd, 0), 0);
	fill(buf, SZ_2M, 21);
	m = (struct drm_vsvm_map) { .start = (uintptr_t)buf, .size = SZ_2M };
	ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_MAP, &m), 0);
	ASSERT_EQ(ptes_with(fd, buf, n, DRM_VSVM_PTE_WRITE), (long)n);

	/* Over twice what it mapped: the flags reach what it holds, no more. */
	ASSERT_EQ(set_attr(fd, buf, 2 * SZ_2M, DRM_VSVM_ATTR_SET_FLAGS,
			   DRM_VSVM_FLAG_GPU_RO | DRM_VSVM_FLAG_GPU_EXEC), 0);
	stats_settled(fd);
	EXPECT_EQ(valid_ptes(fd, buf + SZ_2M, n), 0)
		TH_LOG("the flag change mapped memory GPU %d never asked for", NOFAULT_GPU);
	EXPECT_EQ(ptes_with(fd, buf, n, DRM_VSVM_PTE_WRITE), 0)
		TH_LOG("GPU_RO left writable entries");
	EXPECT_EQ(ptes_with(fd, buf, n, DRM_VSVM_PTE_EXEC), (long)n)
		TH_LOG("GPU_EXEC did not reach the entries");
	/* A write to a read-only entry: a fatal fault for this GPU. */
	EXPECT_EQ(gpu_write(fd, buf, tmp, PAGE), -EFAULT);
	EXPECT_EQ(check(buf, SZ_2M, 21), -1) TH_LOG("a GPU_RO range was written");
	/* Still mapped: it reads without a fault it could not take. */
	EXPECT_EQ(gpu_read(fd, buf, tmp, SZ_2M), 0);
	EXPECT_EQ(check(tmp, SZ_2M, 21), -1);

	ASSERT_EQ(set_attr(fd, buf, SZ_2M, DRM_VSVM_ATTR_CLR_FLAGS,
			   DRM_VSVM_FLAG_GPU_RO), 0);
	stats_settled(fd);
	EXPECT_EQ(ptes_with(fd, buf, n, DRM_VSVM_PTE_WRITE), (long)n);
	fill(tmp, PAGE, 22);
	EXPECT_EQ(gpu_write(fd, buf, tmp, PAGE), 0);
	EXPECT_EQ(check(buf, PAGE, 22), -1);

	/* Denied: what it mapped on request goes too. */
	ASSERT_EQ(set_attr(fd, buf, SZ_2M, DRM_VSVM_ATTR_NO_ACCESS,
			   gpu_index(fd)), 0);
	stats_settled(fd);
	EXPECT_EQ(valid_ptes(fd, buf, n), 0) TH_LOG("NO_ACCESS left entries");
	EXPECT_EQ(gpu_read(fd, buf, tmp, PAGE), -EFAULT);
	close(fd);
	free(tmp);
	munmap(buf, 2 * SZ_2M);
}

/* Maps and takes away a GPU's entries until told to stop. */
struct flipper {
	int fd;
	char *buf;
	char *tmp;
	int stop;
	int failed;		/* set once, with @err */
	bool split;		/* drop one page instead: a split each round */
	unsigned int rounds;
	int err;
};

static void *flip_main(void *arg)
{
	struct flipper *f = arg;

	int err;

	while (!__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) {
		err = gpu_access(f->fd, DRM_VSVM_ACCESS_READ, f->buf, SZ_2M,
				 f->tmp, 0);
		/*
		 * Each change of protection zaps and DMA-unmaps the range;
		 * dropping one page takes that page from the range, which the
		 * garbage collector then splits, the pieces keeping the rest.
		 */
		if ((!err || err == -EBUSY) && f->split) {
			/* Eight places: the range ends in 16 pieces at most. */
			err = madvise(f->buf + ((f->rounds % 8) * 64 + 32) * PAGE,
				      PAGE, MADV_DONTNEED) ? -errno : 0;
		} else if (!err || err == -EBUSY) {
			err = 0;
			if (mprotect(f->buf, SZ_2M, PROT_READ) ||
			    mprotect(f->buf, SZ_2M, PROT_READ | PROT_WRITE))
				err = -errno;
		}
		if (err) {
			f->err = err;
			__atomic_store_n(&f->failed, 1, __ATOMIC_RELEASE);
			break;
		}
		f->rounds++;
	}
	return NULL;
}

/*
 * DRM_IOCTL_VSVM_PT_VERIFY while invalidations come and go: the entries,
 * the pages they reach and the ranges that cover them are one snapshot,
 * so an entry zapped while the ioctl looks at it is not reported, nor one
 * whose range the garbage collector replaced by pieces meanwhile (with
 * @split). Every answer must be safe: the coordinator never leaves an
 * entry behind here (invalidations and splits are all that happen), so a
 * report is the ioctl's own.
 */
static void verify_races(struct __test_metadata *_metadata, bool split,
			 unsigned int views)
{
	struct flipper f = { .fd = open_gpu(0), .split = split };
	struct drm_vsvm_pt_verify v;
	unsigned int i, unsafe = 0, busy = 0, done = 0, seen = 0;
	pthread_t t;
	int err = 0;

	ASSERT_GE(f.fd, 0);
	ASSERT_EQ(vsvm_attach(f.fd, 0), 0);
	f.buf = alloc_small_pages(SZ_2M);
	f.tmp = malloc(SZ_2M);
	ASSERT_NE(f.buf, NULL);
	ASSERT_NE(f.tmp, NULL);
	memset(f.buf, 3, SZ_2M);
	ASSERT_EQ(pthread_create(&t, NULL, flip_main, &f), 0);
	for (i = 0; i < views && !__atomic_load_n(&f.failed, __ATOMIC_ACQUIRE); i++) {
		err = pt_verify(f.fd, f.buf, SZ_2M, &v);
		if (err == -EBUSY) {
			busy++;
			continue;
		}
		if (err)
			break;
		done++;
		seen += v.valid > 0;
		if (!pt_safe(&v) && unsafe++ < 4)
			TH_LOG("verify %u: %llu valid, %llu stale, %llu uncovered, first +0x%llx",
			       i, v.valid, v.stale, v.uncovered,
			       v.first_bad ? v.first_bad - (uintptr_t)f.buf : 0);
	}
	__atomic_store_n(&f.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	TH_LOG("%u verifies (%u busy, %u met entries), %u rounds of map and invalidate",
	       done, busy, seen, f.rounds);
	EXPECT_EQ(err, 0);
	EXPECT_EQ(f.err, 0) TH_LOG("the GPU's read or mprotect: %s", strerror(-f.err));
	EXPECT_EQ(unsafe, 0) TH_LOG("%u of %u verifies reported an unsafe entry", unsafe, done);
	/* The views were taken, and met entries: the check checked something. */
	EXPECT_GE(done, views / 2) TH_LOG("only %u of %u verifies answered", done, i);
	EXPECT_GT(seen, 0u);
	EXPECT_GT(f.rounds, 0u);
	close(f.fd);
	munmap(f.buf, SZ_2M);
	free(f.tmp);
}

TEST(verify_races_invalidations)
{
	verify_races(_metadata, false, 2000);
}

TEST(verify_races_splits)
{
	verify_races(_metadata, true, 500);
}

#define VERIFY_GAP "/sys/module/vsvm/parameters/verify_gap_us"

/*
 * The flipper's GPU read faults back in the page it dropped: no
 * invalidation, the CPU's page appears and the GPU maps it. PT_VERIFY
 * reads the GPU's entries and the CPU's page table one after the other;
 * with 1 ms between the two reads, such a fault falls between them often.
 * Read in the wrong order (the CPU first), the view shows the GPU mapping
 * a page the CPU does not have, a report the coordinator is innocent of.
 * The teardown puts the gap back even when the test fails.
 */
FIXTURE(verify_gap) {};

FIXTURE_SETUP(verify_gap)
{
	ASSERT_EQ(write_str(VERIFY_GAP, "1000"), 0);
}

FIXTURE_TEARDOWN(verify_gap)
{
	EXPECT_EQ(write_str(VERIFY_GAP, "0"), 0);
}

TEST_F(verify_gap, verify_races_populate)
{
	verify_races(_metadata, true, 200);
}

/*
 * TEST(bad_input) sends its malformed requests in stages and checks
 * between two stages that they changed nothing.
 */
enum bad_stage { BAD_UNATTACHED, BAD_ACCESS, BAD_SET_ATTR, BAD_REST };

/* The argument of every request of bad_input. */
union bad_arg {
	struct drm_vsvm_access access;
	struct drm_vsvm_attrs attrs;
	struct drm_vsvm_stats stats;
	struct drm_vsvm_pt_snapshot snap;
	struct drm_vsvm_map map;
};

/* What bad_input's requests point at. */
struct bad_ctx {
	char *buf;			/* 2 MiB; its first page holds fill(14) */
	char tmp[4096];
	unsigned char ptes[4];
	struct drm_vsvm_attr attr;
};

#define RAW_ADDR	1	/* the case's address in the mm is absolute */
#define RAW_PTR		2	/* the case's user pointer is absolute */

/*
 * One malformed request and what xioctl() returns for it. Unless @raw
 * says otherwise, the address in the mm (.addr, .start) of @arg is an
 * offset into &bad_ctx.buf, and its user pointer (.data, .attrs,
 * .entries) an offset into &bad_ctx.tmp, &bad_ctx.attr (which @attr
 * fills) or &bad_ctx.ptes: see bad_arg().
 */
struct bad_case {
	const char *name;
	enum bad_stage stage;
	unsigned long req;		/* DRM_IOCTL_VSVM_* */
	int err;
	union bad_arg arg;
	struct drm_vsvm_attr attr;
	unsigned int raw;		/* RAW_ADDR, RAW_PTR */
};

static const struct bad_case bad_cases[] = {
	/* Not attached yet. */
	{ "ACCESS before ATTACH", BAD_UNATTACHED, DRM_IOCTL_VSVM_ACCESS, -ENODEV,
	  .arg.access = { .size = PAGE, .op = DRM_VSVM_ACCESS_READ } },
	{ "SET_ATTR before ATTACH", BAD_UNATTACHED, DRM_IOCTL_VSVM_SET_ATTR, -ENODEV,
	  .arg.attrs = { .size = PAGE, .nattrs = 1 },
	  .attr = { .type = DRM_VSVM_ATTR_GRANULARITY, .value = 0 } },
	{ "STATS before ATTACH", BAD_UNATTACHED, DRM_IOCTL_VSVM_STATS, -ENODEV },

	/* Access. */
	{ "ACCESS op 3", BAD_ACCESS, DRM_IOCTL_VSVM_ACCESS, -EINVAL,
	  .arg.access = { .size = PAGE, .op = 3 } },
	{ "ACCESS pad", BAD_ACCESS, DRM_IOCTL_VSVM_ACCESS, -EINVAL,
	  .arg.access = { .size = PAGE, .op = DRM_VSVM_ACCESS_READ, .pad = 1 } },
	{ "ACCESS pad2", BAD_ACCESS, DRM_IOCTL_VSVM_ACCESS, -EINVAL,
	  .arg.access = { .size = PAGE, .op = DRM_VSVM_ACCESS_READ, .pad2 = 1 } },
	{ "ACCESS of size 0", BAD_ACCESS, DRM_IOCTL_VSVM_ACCESS, -EINVAL,
	  .arg.access = { .size = 0, .op = DRM_VSVM_ACCESS_READ } },
	{ "ACCESS of 16 MiB + 1", BAD_ACCESS, DRM_IOCTL_VSVM_ACCESS, -EINVAL,
	  .arg.access = { .size = (16ul << 20) + 1, .op = DRM_VSVM_ACCESS_READ } },
	{ "ACCESS past the end of the address space", BAD_ACCESS, DRM_IOCTL_VSVM_ACCESS,
	  -EINVAL, .raw = RAW_ADDR,
	  .arg.access = { .addr = ~0ull - PAGE, .size = 2 * PAGE, .op = DRM_VSVM_ACCESS_READ } },
	{ "ADD32 at an unaligned address", BAD_ACCESS, DRM_IOCTL_VSVM_ACCESS, -EINVAL,
	  .raw = RAW_PTR,
	  .arg.access = { .addr = 2, .size = 8, .op = DRM_VSVM_ACCESS_ADD32, .value = 1 } },
	{ "ADD32 of a value over 32 bits", BAD_ACCESS, DRM_IOCTL_VSVM_ACCESS, -EINVAL,
	  .raw = RAW_PTR,
	  .arg.access = { .size = 8, .op = DRM_VSVM_ACCESS_ADD32, .value = 1ull << 32 } },
	{ "WRITE from a bad pointer", BAD_ACCESS, DRM_IOCTL_VSVM_ACCESS, -EFAULT,
	  .raw = RAW_PTR,
	  .arg.access = { .size = PAGE, .data = 8, .op = DRM_VSVM_ACCESS_WRITE } },

	/* Attributes. */
	{ "SET_ATTR of 0 attributes", BAD_SET_ATTR, DRM_IOCTL_VSVM_SET_ATTR, -EINVAL,
	  .arg.attrs = { .size = PAGE, .nattrs = 0 },
	  .attr = { .type = DRM_VSVM_ATTR_GRANULARITY, .value = 3 } },
	{ "SET_ATTR of 65 attributes", BAD_SET_ATTR, DRM_IOCTL_VSVM_SET_ATTR, -EINVAL,
	  .arg.attrs = { .size = PAGE, .nattrs = 65 },
	  .attr = { .type = DRM_VSVM_ATTR_GRANULARITY, .value = 3 } },
	{ "SET_ATTR pad", BAD_SET_ATTR, DRM_IOCTL_VSVM_SET_ATTR, -EINVAL,
	  .arg.attrs = { .size = PAGE, .nattrs = 1, .pad = 1 },
	  .attr = { .type = DRM_VSVM_ATTR_GRANULARITY, .value = 3 } },
	{ "SET_ATTR at an unaligned start", BAD_SET_ATTR, DRM_IOCTL_VSVM_SET_ATTR, -EINVAL,
	  .arg.attrs = { .start = 1, .size = PAGE, .nattrs = 1 },
	  .attr = { .type = DRM_VSVM_ATTR_GRANULARITY, .value = 3 } },
	{ "SET_ATTR of size 0", BAD_SET_ATTR, DRM_IOCTL_VSVM_SET_ATTR, -EINVAL,
	  .arg.attrs = { .size = 0, .nattrs = 1 },
	  .attr = { .type = DRM_VSVM_ATTR_GRANULARITY, .value = 3 } },
	{ "SET_ATTR from a bad pointer", BAD_SET_ATTR, DRM_IOCTL_VSVM_SET_ATTR, -EFAULT,
	  .raw = RAW_PTR,
	  .arg.attrs = { .size = PAGE, .attrs = 8, .nattrs = 1 },
	  .attr = { .type = DRM_VSVM_ATTR_GRANULARITY, .value = 3 } },
	{ "SET_ATTR of type 99", BAD_SET_ATTR, DRM_IOCTL_VSVM_SET_ATTR, -EINVAL,
	  .arg.attrs = { .size = PAGE, .nattrs = 1 },
	  .attr = { .type = 99 } },
	{ "SET_ATTR of granularity 19", BAD_SET_ATTR, DRM_IOCTL_VSVM_SET_ATTR, -EINVAL,
	  .arg.attrs = { .size = PAGE, .nattrs = 1 },
	  .attr = { .type = DRM_VSVM_ATTR_GRANULARITY, .value = 19 } },
	{ "SET_ATTR of granularity 10, above 2 MiB", BAD_SET_ATTR,
	  DRM_IOCTL_VSVM_SET_ATTR, -EINVAL,
	  .arg.attrs = { .size = PAGE, .nattrs = 1 },
	  .attr = { .type = DRM_VSVM_ATTR_GRANULARITY, .value = 10 } },
	{ "SET_ATTR of GPU_READ_MOSTLY, not implemented", BAD_SET_ATTR,
	  DRM_IOCTL_VSVM_SET_ATTR, -EINVAL,
	  .arg.attrs = { .size = PAGE, .nattrs = 1 },
	  .attr = { .type = DRM_VSVM_ATTR_SET_FLAGS,
		    .value = DRM_VSVM_FLAG_GPU_READ_MOSTLY } },
	{ "SET_ATTR clearing HOST_ACCESS", BAD_SET_ATTR,
	  DRM_IOCTL_VSVM_SET_ATTR, -EINVAL,
	  .arg.attrs = { .size = PAGE, .nattrs = 1 },
	  .attr = { .type = DRM_VSVM_ATTR_CLR_FLAGS,
		    .value = DRM_VSVM_FLAG_HOST_ACCESS } },
	{ "SET_ATTR NO_ACCESS for GPU index 5, not attached", BAD_SET_ATTR,
	  DRM_IOCTL_VSVM_SET_ATTR, -ENODEV,
	  .arg.attrs = { .size = PAGE, .nattrs = 1 },
	  .attr = { .type = DRM_VSVM_ATTR_NO_ACCESS, .value = 5 } },

	/* Once the granularity is read back: the query, stats, snapshot, map. */
	{ "GET_ATTR of ACCESS_MIXED", BAD_REST, DRM_IOCTL_VSVM_GET_ATTR, -EINVAL,
	  .arg.attrs = { .size = PAGE, .nattrs = 1 },
	  .attr = { .type = DRM_VSVM_ATTR_ACCESS_MIXED } },
	{ "STATS flags 4", BAD_REST, DRM_IOCTL_VSVM_STATS, -EINVAL,
	  .arg.stats = { .flags = 4 } },
	{ "PT_SNAPSHOT at an unaligned address", BAD_REST, DRM_IOCTL_VSVM_PT_SNAPSHOT, -EINVAL,
	  .arg.snap = { .addr = 1, .npages = 4 } },
	{ "PT_SNAPSHOT of 0 pages", BAD_REST, DRM_IOCTL_VSVM_PT_SNAPSHOT, -EINVAL,
	  .arg.snap = { .npages = 0 } },
	{ "PT_SNAPSHOT of 65537 pages", BAD_REST, DRM_IOCTL_VSVM_PT_SNAPSHOT, -EINVAL,
	  .arg.snap = { .npages = 65537 } },
	{ "PT_SNAPSHOT to a bad pointer", BAD_REST, DRM_IOCTL_VSVM_PT_SNAPSHOT, -EFAULT,
	  .raw = RAW_PTR,
	  .arg.snap = { .npages = 4, .entries = 8 } },
	{ "MAP at an unaligned start", BAD_REST, DRM_IOCTL_VSVM_MAP, -EINVAL,
	  .arg.map = { .start = 1, .size = PAGE } },
	{ "MAP of size 0", BAD_REST, DRM_IOCTL_VSVM_MAP, -EINVAL,
	  .arg.map = { .size = 0 } },
};

/* The argument of @c, its addresses resolved in @x; sets @x's attribute. */
static union bad_arg bad_arg(const struct bad_case *c, struct bad_ctx *x)
{
	uintptr_t addr = c->raw & RAW_ADDR ? 0 : (uintptr_t)x->buf;
	int rel = !(c->raw & RAW_PTR);
	union bad_arg a = c->arg;

	x->attr = c->attr;
	switch (c->req) {
	case DRM_IOCTL_VSVM_ACCESS:
		a.access.addr += addr;
		a.access.data += rel ? (uintptr_t)x->tmp : 0;
		break;
	case DRM_IOCTL_VSVM_SET_ATTR:
	case DRM_IOCTL_VSVM_GET_ATTR:
		a.attrs.start += addr;
		a.attrs.attrs += rel ? (uintptr_t)&x->attr : 0;
		break;
	case DRM_IOCTL_VSVM_PT_SNAPSHOT:
		a.snap.addr += addr;
		a.snap.entries += rel ? (uintptr_t)x->ptes : 0;
		break;
	case DRM_IOCTL_VSVM_MAP:
		a.map.start += addr;
		break;
	default:	/* STATS: no address */
		break;
	}
	return a;
}

/* Send the cases of @stage to @fd, each checked on its own. */
static void bad_run(struct __test_metadata *_metadata, int fd,
		    struct bad_ctx *x, enum bad_stage stage)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		union bad_arg a;
		int err;

		if (c->stage != stage)
			continue;
		a = bad_arg(c, x);
		err = xioctl(fd, c->req, &a);
		EXPECT_EQ(err, c->err)
			TH_LOG("case \"%s\": got %d (%s), expected %d (%s)", c->name,
			       err, strerror(-err), c->err, strerror(-c->err));
	}
}

/* Every malformed request gets an errno and changes nothing. */
TEST(bad_input)
{
	struct bad_ctx x = { .buf = alloc_2m() };
	int fd = open_gpu(0), other = open_gpu(1);
	struct drm_vsvm_attrs get;
	struct drm_vsvm_stats st;

	ASSERT_GE(fd, 0);
	ASSERT_GE(other, 0);
	ASSERT_NE(x.buf, NULL);
	fill(x.buf, PAGE, 14);

	bad_run(_metadata, fd, &x, BAD_UNATTACHED);
	ASSERT_EQ(vsvm_attach(fd, 0), 0);
	EXPECT_EQ(vsvm_attach(fd, 0), -EBUSY);
	stats(fd, 1);

	bad_run(_metadata, fd, &x, BAD_ACCESS);
	EXPECT_EQ(check(x.buf, PAGE, 14), -1) TH_LOG("a failed write changed memory");
	st = stats(fd, 0);
	EXPECT_EQ(st.mgr[DRM_VSVM_STAT_HMM_FAULTS], 0) TH_LOG("bad input reached the mm");
	EXPECT_EQ(st.mgr[DRM_VSVM_STAT_RANGES], 0);

	bad_run(_metadata, fd, &x, BAD_SET_ATTR);
	x.attr = (struct drm_vsvm_attr) { .type = DRM_VSVM_ATTR_GRANULARITY };
	get = (struct drm_vsvm_attrs) { .start = (uintptr_t)x.buf, .size = PAGE,
					.attrs = (uintptr_t)&x.attr, .nattrs = 1 };
	ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_GET_ATTR, &get), 0);
	EXPECT_EQ(x.attr.value, 9) TH_LOG("a failed SET_ATTR changed the granularity");

	bad_run(_metadata, fd, &x, BAD_REST);
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
