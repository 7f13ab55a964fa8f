// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * VRAM and migration through the coordinator, on vsvm GPUs with device
 * memory: boot with vsvm.num_gpus=5 vsvm.vram_mb=32 vsvm.topology=pairs
 * vsvm.no_fault=0x10, so GPUs 0-1 and 2-3 reach each other's VRAM and the
 * pairs do not, and GPU 4 (used by one case only) cannot fault. Every
 * page of every buffer carries a pattern that is checked after each move,
 * through a GPU and through the CPU. The exhaustion and driver eviction
 * cases expect the VRAMs empty when they start.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vsvm-lib.h"

#define NGPUS		4
#define NOFAULT_GPU	4	/* the GPU after them, unable to fault */
#define DEBUGFS		"/sys/kernel/debug/drm_svm_coord"
#define TRACING		"/sys/kernel/tracing"
#define COPY_MBPS	"/sys/module/vsvm/parameters/copy_mbps"

static struct drm_vsvm_stats stats(int fd)
{
	struct drm_vsvm_stats s = { .flags = DRM_VSVM_STATS_FLUSH };

	if (xioctl(fd, DRM_IOCTL_VSVM_STATS, &s))
		memset(&s, 0xff, sizeof(s));
	return s;
}

static struct drm_vsvm_vram vram(int fd)
{
	struct drm_vsvm_vram v;

	if (xioctl(fd, DRM_IOCTL_VSVM_VRAM, &v))
		memset(&v, 0xff, sizeof(v));
	return v;
}

/* The GPU's entry for @addr (DRM_VSVM_PTE_*), or -1 if it has none. */
static int pte_entry(int fd, void *addr)
{
	unsigned char e = 0;
	struct drm_vsvm_pt_snapshot s = {
		.addr = (uintptr_t)addr, .npages = 1, .entries = (uintptr_t)&e,
	};

	if (xioctl(fd, DRM_IOCTL_VSVM_PT_SNAPSHOT, &s) ||
	    !(e & DRM_VSVM_PTE_VALID))
		return -1;
	return e;
}

/* DRM_VSVM_PTE_TARGET_* of the GPU's entry for @addr, or -1 if none. */
static int pte_target(int fd, void *addr)
{
	int e = pte_entry(fd, addr);

	return e < 0 ? -1 : e & DRM_VSVM_PTE_TARGET_MASK;
}

/* Whether @fd's entry of @addr is valid and has all of @bits. */
static bool pte_has(int fd, void *addr, unsigned char bits)
{
	int e = pte_entry(fd, addr);

	return e >= 0 && (e & bits) == bits;
}

/* Where the coordinator put the range holding @addr, and why. */
static struct drm_vsvm_range_info range_info(int fd, void *addr)
{
	struct drm_vsvm_range_info r = { .addr = (uintptr_t)addr };

	if (xioctl(fd, DRM_IOCTL_VSVM_RANGE_INFO, &r))
		memset(&r, 0xff, sizeof(r));
	return r;
}

/* The pattern of page @i of a buffer marked @seed. */
static uint64_t word(unsigned long seed, unsigned long i, unsigned long w)
{
	return (seed * 0x9e3779b97f4a7c15ull) ^ (i << 20) ^ w;
}

static void fill(char *p, size_t size, unsigned long seed)
{
	unsigned long i, w;

	for (i = 0; i < size / PAGE; i++)
		for (w = 0; w < PAGE / 8; w++)
			((uint64_t *)(p + i * PAGE))[w] = word(seed, i, w);
}

/* Index of the first page of @p that does not hold the pattern, or -1. */
static long check(const char *p, size_t size, unsigned long seed)
{
	unsigned long i, w;

	for (i = 0; i < size / PAGE; i++)
		for (w = 0; w < PAGE / 8; w++)
			if (((const uint64_t *)(p + i * PAGE))[w] != word(seed, i, w))
				return i;
	return -1;
}

/* Read @size bytes at @p through GPU @fd and check the pattern. */
static long gpu_check(int fd, char *p, size_t size, unsigned long seed)
{
	char *tmp = malloc(size);
	long bad;

	if (!tmp || gpu_access(fd, DRM_VSVM_ACCESS_READ, p, size, tmp, 0)) {
		free(tmp);
		return -2;
	}
	bad = check(tmp, size, seed);
	free(tmp);
	return bad;
}

/* Write the pattern @seed through GPU @fd. */
static int gpu_fill(int fd, char *p, size_t size, unsigned long seed)
{
	char *tmp = malloc(size);
	int err;

	if (!tmp)
		return -ENOMEM;
	fill(tmp, size, seed);
	err = gpu_access(fd, DRM_VSVM_ACCESS_WRITE, p, size, tmp, 0);
	free(tmp);
	return err;
}

/* The move @m of a range's history, as expected. */
static int move_is(const struct drm_vsvm_range_move *m, unsigned int from,
		   unsigned int to, unsigned int gpu, unsigned int rule)
{
	return m->from == from && m->to == to && m->gpu == gpu &&
	       m->rule == rule && m->evicted == (rule == DRM_VSVM_RULE_NONE) &&
	       m->cost_ns > 0;
}

/* A location as the drm_svm_coord tracepoints print it. */
static const char *trace_loc(unsigned int loc, char buf[16])
{
	if (loc == DRM_VSVM_LOC_SYSMEM)
		return "sysmem";
	snprintf(buf, 16, "%u", loc);
	return buf;
}

/* Lines of the trace buffer that contain @what, printed with @show. */
static int trace_count(struct __test_metadata *_metadata, const char *what,
		       bool show)
{
	FILE *f = fopen(TRACING "/trace", "r");
	char line[512];
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, what))
			continue;
		n++;
		if (show)
			TH_LOG("%s", line);
	}
	fclose(f);
	return n;
}

static int write_param(const char *path, unsigned int v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u\n", v);
	return write_str(path, buf);
}

/* Set the thrash threshold of the manager of this process (DOC: Settings). */
static int set_threshold(int fd, unsigned int v)
{
	char path[96];

	snprintf(path, sizeof(path), DEBUGFS "/%llu/thrash_threshold",
		 (unsigned long long)stats(fd).manager);
	return write_param(path, v);
}

/*
 * GPU NOFAULT_GPU, opened, when it has VRAM and cannot fault (boot with
 * vsvm.no_fault); -1 otherwise, for the caller to skip.
 */
static int open_nofault_vram(void)
{
	struct drm_vsvm_info info = {};
	int fd = open_gpu(NOFAULT_GPU);

	if (fd < 0)
		return -1;
	if (xioctl(fd, DRM_IOCTL_VSVM_INFO, &info) ||
	    (info.flags & DRM_VSVM_INFO_CAN_FAULT) || !vram(fd).size) {
		close(fd);
		return -1;
	}
	return fd;
}

FIXTURE(vram) {
	int fd[NGPUS];
	char *buf;
};

FIXTURE_SETUP(vram)
{
	int i;

	for (i = 0; i < NGPUS; i++) {
		self->fd[i] = open_gpu(i);
		ASSERT_GE(self->fd[i], 0) TH_LOG("no vsvm GPU %d", i);
		if (!vram(self->fd[i]).size)
			SKIP(return, "boot with vsvm.vram_mb and vsvm.topology=pairs");
		ASSERT_EQ(vsvm_attach(self->fd[i], 0), 0);
	}
	/* Copies at full speed, whatever a test that failed left. */
	ASSERT_EQ(write_str(COPY_MBPS, "0"), 0);
	self->buf = alloc_aligned(SZ_2M);
	ASSERT_NE(self->buf, NULL);
	fill(self->buf, SZ_2M, 1);
}

FIXTURE_TEARDOWN(vram)
{
	int i;

	for (i = 0; i < NGPUS; i++)
		if (self->fd[i] >= 0)
			close(self->fd[i]);
}

/* The topology the boot asked for: groups {0, 1} and {2, 3}. */
TEST_F(vram, topology)
{
	ASSERT_EQ(vram(self->fd[0]).size, 32ull << 20);
	ASSERT_EQ(vram(self->fd[0]).group, 0);
	ASSERT_EQ(vram(self->fd[1]).group, 0);
	ASSERT_EQ(vram(self->fd[2]).group, 2);
	ASSERT_EQ(vram(self->fd[3]).group, 2);
}

/*
 * A VRAM belongs to one attachment per process: a second GPU VM of GPU 0
 * in this process (another open file) is refused with EEXIST, and GPU 0's
 * attachment goes on as before.
 */
TEST_F(vram, second_vm_of_a_gpu)
{
	int fd = open_gpu(0);

	ASSERT_GE(fd, 0);
	EXPECT_EQ(vsvm_attach(fd, 0), -EEXIST);
	EXPECT_EQ(gpu_check(self->fd[0], self->buf, SZ_2M, 1), -1);
	close(fd);
}

/*
 * First touch moves the range into the GPU's VRAM, the GPU reads it back
 * from there, and a CPU read brings it home to RAM, intact.
 */
TEST_F(vram, first_touch_and_cpu_read)
{
	struct drm_vsvm_vram v0 = vram(self->fd[0]), v1;
	struct drm_vsvm_stats s;

	ASSERT_EQ(gpu_check(self->fd[0], self->buf, SZ_2M, 1), -1);
	s = stats(self->fd[0]);
	v1 = vram(self->fd[0]);
	TH_LOG("migrations %llu pages %llu, VRAM used %llu, to_vram %llu",
	       s.gpu[DRM_VSVM_STAT_MIGRATIONS],
	       s.gpu[DRM_VSVM_STAT_MIGRATED_PAGES], v1.used,
	       v1.to_vram - v0.to_vram);
	ASSERT_EQ(s.gpu[DRM_VSVM_STAT_MIGRATIONS], 1);
	ASSERT_EQ(s.gpu[DRM_VSVM_STAT_MIGRATED_PAGES], 512);
	ASSERT_EQ(v1.to_vram - v0.to_vram, SZ_2M);
	ASSERT_EQ(v1.used - v0.used, SZ_2M);
	ASSERT_EQ(pte_target(self->fd[0], self->buf), DRM_VSVM_PTE_TARGET_VRAM);
	ASSERT_EQ(range_info(self->fd[0], self->buf).loc, 0);
	ASSERT_EQ(range_info(self->fd[0], self->buf).rule, DRM_VSVM_RULE_LOCAL);

	/* The GPU writes in VRAM; the CPU reads and takes the data back. */
	ASSERT_EQ(gpu_fill(self->fd[0], self->buf, SZ_2M, 2), 0);
	ASSERT_EQ(check(self->buf, SZ_2M, 2), -1);
	v0 = vram(self->fd[0]);
	ASSERT_EQ(v0.to_ram - v1.to_ram, SZ_2M);
	ASSERT_EQ(v0.used, v1.used - SZ_2M);
	/* The CPU's migration took the GPU's mapping away. */
	ASSERT_EQ(pte_target(self->fd[0], self->buf), -1);
}

/* Between GPUs that reach each other: VRAM to VRAM, nothing through RAM. */
TEST_F(vram, peer_migration)
{
	struct drm_vsvm_vram a0, a1, b0, b1;
	struct drm_vsvm_stats s0, s1;

	ASSERT_EQ(gpu_fill(self->fd[0], self->buf, SZ_2M, 3), 0);
	a0 = vram(self->fd[0]);
	b0 = vram(self->fd[1]);
	s0 = stats(self->fd[0]);
	ASSERT_EQ(gpu_check(self->fd[1], self->buf, SZ_2M, 3), -1);
	s1 = stats(self->fd[0]);
	a1 = vram(self->fd[0]);
	b1 = vram(self->fd[1]);
	/* One move: one notifier callback, no restore work. */
	ASSERT_EQ(s1.mgr[DRM_VSVM_STAT_MIGRATIONS] -
		  s0.mgr[DRM_VSVM_STAT_MIGRATIONS], 1);
	ASSERT_EQ(s1.mgr[DRM_VSVM_STAT_INVALIDATIONS] -
		  s0.mgr[DRM_VSVM_STAT_INVALIDATIONS], 1);
	ASSERT_EQ(s1.mgr[DRM_VSVM_STAT_RESTORE_RUNS],
		  s0.mgr[DRM_VSVM_STAT_RESTORE_RUNS]);
	TH_LOG("GPU1 from peer %llu, GPU0 to RAM %llu, GPU1 to VRAM %llu",
	       b1.from_peer - b0.from_peer, a1.to_ram - a0.to_ram,
	       b1.to_vram - b0.to_vram);
	ASSERT_EQ(b1.from_peer - b0.from_peer, SZ_2M);
	ASSERT_EQ(a1.to_ram - a0.to_ram, 0);
	ASSERT_EQ(b1.to_vram - b0.to_vram, 0);
	ASSERT_EQ(pte_target(self->fd[1], self->buf), DRM_VSVM_PTE_TARGET_VRAM);
	ASSERT_EQ(check(self->buf, SZ_2M, 3), -1);
}

/* Between GPUs that do not reach each other: through system memory. */
TEST_F(vram, unconnected_through_ram)
{
	struct drm_vsvm_vram a0, a1, c0, c1;

	ASSERT_EQ(gpu_fill(self->fd[0], self->buf, SZ_2M, 4), 0);
	a0 = vram(self->fd[0]);
	c0 = vram(self->fd[2]);
	ASSERT_EQ(gpu_check(self->fd[2], self->buf, SZ_2M, 4), -1);
	a1 = vram(self->fd[0]);
	c1 = vram(self->fd[2]);
	ASSERT_EQ(a1.to_ram - a0.to_ram, SZ_2M);
	ASSERT_EQ(c1.to_vram - c0.to_vram, SZ_2M);
	ASSERT_EQ(c1.from_peer - c0.from_peer, 0);
	ASSERT_EQ(pte_target(self->fd[2], self->buf), DRM_VSVM_PTE_TARGET_VRAM);
	/* GPU 0 lost its mapping and may not map GPU 2's VRAM. */
	ASSERT_EQ(pte_target(self->fd[0], self->buf), -1);
	ASSERT_EQ(check(self->buf, SZ_2M, 4), -1);
}

/* A preferred location is honoured: a peer maps it there remotely. */
TEST_F(vram, preferred_location)
{
	struct drm_vsvm_stats s0, s1;

	ASSERT_EQ(set_attr(self->fd[0], self->buf, SZ_2M,
			   DRM_VSVM_ATTR_PREFERRED_LOC, 1), 0);
	s0 = stats(self->fd[0]);
	ASSERT_EQ(gpu_check(self->fd[0], self->buf, SZ_2M, 1), -1);
	s1 = stats(self->fd[0]);
	ASSERT_EQ(pte_target(self->fd[0], self->buf),
		  DRM_VSVM_PTE_TARGET_PEER_VRAM);
	ASSERT_EQ(range_info(self->fd[0], self->buf).rule,
		  DRM_VSVM_RULE_PREFERRED);
	ASSERT_EQ(s1.mgr[DRM_VSVM_STAT_MIGRATIONS] -
		  s0.mgr[DRM_VSVM_STAT_MIGRATIONS], 1);
	ASSERT_EQ(s1.gpu[DRM_VSVM_STAT_REMOTE_MAPS] -
		  s0.gpu[DRM_VSVM_STAT_REMOTE_MAPS], 1);
	ASSERT_GE(vram(self->fd[1]).used, SZ_2M);
	/* GPU 1 maps it in its own VRAM without moving it. */
	ASSERT_EQ(gpu_check(self->fd[1], self->buf, SZ_2M, 1), -1);
	ASSERT_EQ(pte_target(self->fd[1], self->buf), DRM_VSVM_PTE_TARGET_VRAM);
	ASSERT_EQ(stats(self->fd[0]).mgr[DRM_VSVM_STAT_MIGRATIONS],
		  s1.mgr[DRM_VSVM_STAT_MIGRATIONS]);
}

/* Access in place: a peer maps the data where it is, nothing moves. */
TEST_F(vram, access_in_place)
{
	struct drm_vsvm_stats s0, s1;

	ASSERT_EQ(gpu_fill(self->fd[0], self->buf, SZ_2M, 5), 0);
	ASSERT_EQ(set_attr(self->fd[1], self->buf, SZ_2M,
			   DRM_VSVM_ATTR_ACCESS_IN_PLACE, 1), 0);
	s0 = stats(self->fd[1]);
	ASSERT_EQ(gpu_check(self->fd[1], self->buf, SZ_2M, 5), -1);
	s1 = stats(self->fd[1]);
	/* The attribute change retired the range, GPU 0's data stayed put. */
	ASSERT_EQ(s1.mgr[DRM_VSVM_STAT_MIGRATIONS],
		  s0.mgr[DRM_VSVM_STAT_MIGRATIONS]);
	ASSERT_EQ(pte_target(self->fd[1], self->buf),
		  DRM_VSVM_PTE_TARGET_PEER_VRAM);
	ASSERT_EQ(check(self->buf, SZ_2M, 5), -1);
}

/* Prefetch moves data before any fault, and back to RAM on request. */
TEST_F(vram, prefetch)
{
	struct drm_vsvm_vram c0 = vram(self->fd[2]), c1;
	struct drm_vsvm_stats s0, s1;

	s0 = stats(self->fd[2]);
	ASSERT_EQ(set_attr(self->fd[2], self->buf, SZ_2M,
			   DRM_VSVM_ATTR_PREFETCH_LOC, 2), 0);
	c1 = vram(self->fd[2]);
	s1 = stats(self->fd[2]);
	ASSERT_EQ(c1.to_vram - c0.to_vram, SZ_2M);
	ASSERT_EQ(s1.mgr[DRM_VSVM_STAT_MIGRATIONS] -
		  s0.mgr[DRM_VSVM_STAT_MIGRATIONS], 1);
	ASSERT_EQ(s1.gpu[DRM_VSVM_STAT_FAULTS], s0.gpu[DRM_VSVM_STAT_FAULTS]);
	/* The GPU finds it in its VRAM: it faults to map, nothing moves. */
	ASSERT_EQ(gpu_check(self->fd[2], self->buf, SZ_2M, 1), -1);
	ASSERT_EQ(stats(self->fd[2]).mgr[DRM_VSVM_STAT_MIGRATIONS],
		  s1.mgr[DRM_VSVM_STAT_MIGRATIONS]);
	ASSERT_EQ(set_attr(self->fd[2], self->buf, SZ_2M,
			   DRM_VSVM_ATTR_PREFETCH_LOC, DRM_VSVM_LOC_SYSMEM), 0);
	ASSERT_EQ(vram(self->fd[2]).to_ram - c1.to_ram, SZ_2M);
	ASSERT_EQ(check(self->buf, SZ_2M, 1), -1);
}

/*
 * Two GPUs take turns writing the whole range @rounds times; returns the
 * migrations the manager made, or -1.
 */
static long ping_pong(struct __test_metadata *_metadata, int a, int b,
		      char *buf, unsigned int rounds, long *remote)
{
	struct drm_vsvm_stats s0 = stats(a), s1;
	unsigned int i;

	for (i = 0; i < rounds; i++)
		if (gpu_fill(i & 1 ? b : a, buf, SZ_2M, 100 + i))
			return -1;
	/* Through the last writer: a CPU read would move it to RAM. */
	if (gpu_check((rounds - 1) & 1 ? b : a, buf, SZ_2M,
		      100 + rounds - 1) != -1)
		return -1;
	s1 = stats(a);
	*remote = s1.mgr[DRM_VSVM_STAT_REMOTE_MAPS] -
		  s0.mgr[DRM_VSVM_STAT_REMOTE_MAPS];
	TH_LOG("%u turns: %llu migrations, %llu faults, %ld remote maps, %llu throttles, %llu pins",
	       rounds,
	       s1.mgr[DRM_VSVM_STAT_MIGRATIONS] - s0.mgr[DRM_VSVM_STAT_MIGRATIONS],
	       s1.mgr[DRM_VSVM_STAT_FAULTS] - s0.mgr[DRM_VSVM_STAT_FAULTS],
	       *remote,
	       s1.mgr[DRM_VSVM_STAT_THRASH_THROTTLES] -
	       s0.mgr[DRM_VSVM_STAT_THRASH_THROTTLES],
	       s1.mgr[DRM_VSVM_STAT_THRASH_PINS] - s0.mgr[DRM_VSVM_STAT_THRASH_PINS]);
	return s1.mgr[DRM_VSVM_STAT_MIGRATIONS] - s0.mgr[DRM_VSVM_STAT_MIGRATIONS];
}

/*
 * Ping-pong: peers settle after a few moves, one maps the other's VRAM;
 * GPUs out of each other's reach settle in system memory. With thrash
 * control off (the naive policy) every turn moves the range.
 */
TEST_F_TIMEOUT(vram, ping_pong, 300)
{
	long n, remote;
	char *other;

	struct drm_vsvm_range_info r;

	n = ping_pong(_metadata, self->fd[0], self->fd[1], self->buf, 1000,
		      &remote);
	ASSERT_GE(n, 1);
	ASSERT_LE(n, 10);
	ASSERT_GE(remote, 1);
	/* Throttled: the second GPU maps the first one's VRAM. */
	r = range_info(self->fd[0], self->buf);
	TH_LOG("peers: loc %u rule %u thrash %u, %u moves of %llu ns, window %llu ns",
	       r.loc, r.rule, r.thrash, r.migrations, r.cost_ns, r.window_ns);
	ASSERT_EQ(r.thrash, DRM_VSVM_THRASH_THROTTLED);
	ASSERT_EQ(r.rule, DRM_VSVM_RULE_THROTTLED);
	ASSERT_EQ(r.migrations, n);
	ASSERT_LT(r.loc, 2);
	ASSERT_EQ(r.mapped, 0x3);
	ASSERT_EQ(check(self->buf, SZ_2M, 100 + 999), -1);

	other = alloc_aligned(SZ_2M);
	ASSERT_NE(other, NULL);
	n = ping_pong(_metadata, self->fd[0], self->fd[2], other, 1000, &remote);
	ASSERT_GE(n, 1);
	ASSERT_LE(n, 10);
	ASSERT_EQ(pte_target(self->fd[0], other), DRM_VSVM_PTE_TARGET_SYSTEM);
	ASSERT_EQ(pte_target(self->fd[2], other), DRM_VSVM_PTE_TARGET_SYSTEM);
	/* Pinned in system memory, which both reach. */
	r = range_info(self->fd[0], other);
	TH_LOG("no peers: loc %x rule %u thrash %u pin %x, %u moves",
	       r.loc, r.rule, r.thrash, r.pin_loc, r.migrations);
	ASSERT_EQ(r.thrash, DRM_VSVM_THRASH_PINNED);
	ASSERT_EQ(r.pin_loc, DRM_VSVM_LOC_SYSMEM);
	ASSERT_EQ(r.loc, DRM_VSVM_LOC_SYSMEM);
	ASSERT_EQ(r.rule, DRM_VSVM_RULE_PINNED);
	ASSERT_EQ(check(other, SZ_2M, 100 + 999), -1);
}

/* The naive policy (thrash control off): every turn moves the range. */
TEST_F_TIMEOUT(vram, ping_pong_naive, 900)
{
	long n, remote;
	int err;

	ASSERT_EQ(set_threshold(self->fd[0], 0), 0);
	n = ping_pong(_metadata, self->fd[0], self->fd[1], self->buf, 1000,
		      &remote);
	err = set_threshold(self->fd[0], 3);
	ASSERT_EQ(n, 1000);
	ASSERT_EQ(remote, 0);
	ASSERT_EQ(err, 0);
	ASSERT_EQ(range_info(self->fd[0], self->buf).migrations, 1000);
	ASSERT_EQ(range_info(self->fd[0], self->buf).thrash,
		  DRM_VSVM_THRASH_NORMAL);
}

/*
 * VRAM exhaustion: GPU 0 touches more than its VRAM holds. The least
 * recently used ranges go to its peer's VRAM while the peer has room, then
 * to system memory; nothing is lost on the way.
 */
TEST_F_TIMEOUT(vram, exhaustion, 300)
{
	struct drm_vsvm_vram a0 = vram(self->fd[0]), b0 = vram(self->fd[1]);
	unsigned long per_gpu = a0.size / SZ_2M, n = 2 * per_gpu + 4, i;
	struct drm_vsvm_stats s0, s1, s2;
	struct drm_vsvm_range_info r;
	struct drm_vsvm_vram a1, b1;
	long long peer, ram;
	char *p;

	/* Every earlier test gave its VRAM back when its process exited. */
	ASSERT_EQ(a0.used, 0);
	ASSERT_EQ(b0.used, 0);
	ASSERT_EQ(vram(self->fd[1]).size, a0.size);
	p = alloc_aligned(n * SZ_2M);
	ASSERT_NE(p, NULL);
	for (i = 0; i < n; i++)
		fill(p + i * SZ_2M, SZ_2M, 200 + i);

	s0 = stats(self->fd[0]);
	for (i = 0; i < n; i++)
		ASSERT_EQ(gpu_check(self->fd[0], p + i * SZ_2M, SZ_2M, 200 + i), -1)
			TH_LOG("range %lu read wrong through GPU 0", i);
	s1 = stats(self->fd[0]);
	a1 = vram(self->fd[0]);
	b1 = vram(self->fd[1]);
	peer = s1.gpu[DRM_VSVM_STAT_EVICTIONS_PEER] -
	       s0.gpu[DRM_VSVM_STAT_EVICTIONS_PEER];
	ram = s1.gpu[DRM_VSVM_STAT_EVICTIONS_RAM] -
	      s0.gpu[DRM_VSVM_STAT_EVICTIONS_RAM];
	TH_LOG("%lu ranges of 2 MiB into %lu MiB of VRAM: %lld evictions to the peer, %lld to RAM",
	       n, (unsigned long)(a0.size >> 20), peer, ram);
	TH_LOG("VRAM used %llu + %llu MiB, peer copies %llu MiB, to RAM %llu MiB",
	       a1.used >> 20, b1.used >> 20,
	       (b1.from_peer - b0.from_peer) >> 20,
	       (a1.to_ram - a0.to_ram) >> 20);
	ASSERT_EQ(peer, per_gpu);
	ASSERT_EQ(ram, n - 2 * per_gpu);
	ASSERT_EQ(s1.mgr[DRM_VSVM_STAT_MIGRATIONS] -
		  s0.mgr[DRM_VSVM_STAT_MIGRATIONS], n);
	ASSERT_EQ(a1.used, a0.size);
	ASSERT_EQ(b1.used, a0.size);
	/* VRAM to VRAM to the peer; only the last evictions went to RAM. */
	ASSERT_EQ(b1.from_peer - b0.from_peer, per_gpu * SZ_2M);
	ASSERT_EQ(a1.to_ram - a0.to_ram, (n - 2 * per_gpu) * SZ_2M);

	/* Least recently used first: the oldest went to the peer... */
	r = range_info(self->fd[0], p);
	ASSERT_EQ(r.loc, 1);
	ASSERT_EQ(r.evictions, 1);
	ASSERT_EQ(r.nr_history, 2);
	ASSERT_TRUE(move_is(&r.history[0], DRM_VSVM_LOC_SYSMEM, 0, 0,
			    DRM_VSVM_RULE_LOCAL));
	ASSERT_TRUE(move_is(&r.history[1], 0, 1, 64, DRM_VSVM_RULE_NONE));
	ASSERT_EQ(pte_target(self->fd[0], p), -1);
	/* ...the next ones to RAM, the newest stayed. */
	ASSERT_EQ(range_info(self->fd[0], p + per_gpu * SZ_2M).loc,
		  DRM_VSVM_LOC_SYSMEM);
	ASSERT_EQ(range_info(self->fd[0], p + (n - 1) * SZ_2M).loc, 0);
	ASSERT_EQ(range_info(self->fd[0], p + (n - 1) * SZ_2M).evictions, 0);

	/* The peer reads what it holds in place: nothing moves. */
	for (i = 0; i < per_gpu; i++)
		ASSERT_EQ(gpu_check(self->fd[1], p + i * SZ_2M, SZ_2M, 200 + i), -1)
			TH_LOG("range %lu evicted to the peer read wrong", i);
	s2 = stats(self->fd[0]);
	ASSERT_EQ(s2.mgr[DRM_VSVM_STAT_MIGRATIONS],
		  s1.mgr[DRM_VSVM_STAT_MIGRATIONS]);
	ASSERT_EQ(pte_target(self->fd[1], p), DRM_VSVM_PTE_TARGET_VRAM);

	/* The CPU reads everything back, intact, and both VRAMs empty. */
	for (i = 0; i < n; i++)
		ASSERT_EQ(check(p + i * SZ_2M, SZ_2M, 200 + i), -1)
			TH_LOG("range %lu read wrong through the CPU", i);
	ASSERT_EQ(vram(self->fd[0]).used, 0);
	ASSERT_EQ(vram(self->fd[1]).used, 0);
}

/*
 * Why the data is where it is: each range remembers its last moves, and
 * the tracepoints tell every decision and move as it happens.
 */
TEST_F(vram, history_and_trace)
{
	static const struct { int gpu; unsigned int from, to; } moves[] = {
		{ 0, DRM_VSVM_LOC_SYSMEM, 0 },	/* first touch */
		{ 2, 0, 2 },			/* out of reach: through RAM */
		{ 3, 2, 3 },			/* peer to peer */
	};
	struct drm_vsvm_range_info r;
	char what[128], from[16], to[16];
	unsigned int i;
	int n;

	if (access(TRACING "/events/drm_svm_coord/enable", W_OK))
		SKIP(return, "no tracefs or no drm_svm_coord events");
	ASSERT_EQ(write_str(TRACING "/trace", ""), 0);
	ASSERT_EQ(write_str(TRACING "/events/drm_svm_coord/enable", "1"), 0);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(gpu_check(self->fd[moves[i].gpu], self->buf, SZ_2M, 1), -1);
	ASSERT_EQ(write_str(TRACING "/events/drm_svm_coord/enable", "0"), 0);

	r = range_info(self->fd[0], self->buf);
	ASSERT_EQ(r.nr_history, 3);
	for (i = 0; i < 3; i++) {
		const struct drm_vsvm_range_move *m = &r.history[i];

		TH_LOG("move %u: %x -> %x for GPU %u, rule %u, %llu ns", i,
		       m->from, m->to, m->gpu, m->rule, m->cost_ns);
		ASSERT_TRUE(move_is(m, moves[i].from, moves[i].to, moves[i].gpu,
				    DRM_VSVM_RULE_LOCAL));
		if (i)
			ASSERT_GT(m->time_ns, r.history[i - 1].time_ns);
		/* Locations and rules by name (__print_symbolic). */
		snprintf(what, sizeof(what),
			 "from=%s to=%s gpu=%d rule=local evicted=0",
			 trace_loc(moves[i].from, from), trace_loc(moves[i].to, to),
			 moves[i].gpu);
		n = trace_count(_metadata, what, false);
		if (n != 1)
			trace_count(_metadata, "drm_svm_coord_move:", true);
		ASSERT_EQ(n, 1) TH_LOG("no trace line with %s", what);
	}
	ASSERT_EQ(trace_count(_metadata, "drm_svm_coord_move:", false), 3);
	/* Each move was decided once; maps decide too. */
	ASSERT_GE(trace_count(_metadata, "drm_svm_coord_decide:", false), 3);
	ASSERT_EQ(check(self->buf, SZ_2M, 1), -1);
}

struct racer {
	int fd;
	char *buf;
	unsigned int rounds;
	unsigned int bad;
};

static void *gpu_racer(void *arg)
{
	struct racer *r = arg;
	unsigned int i;

	for (i = 0; i < r->rounds; i++)
		r->bad += gpu_check(r->fd, r->buf, SZ_2M, 1) != -1;
	return NULL;
}

/*
 * Two GPUs out of each other's reach pull one range into their VRAM in
 * turn (naive policy: every fault moves it) while the CPU reads it, which
 * brings it back to RAM: every read on every side sees the pattern.
 */
TEST_F_TIMEOUT(vram, cpu_gpu_race, 300)
{
	struct racer r[2] = {
		{ .fd = self->fd[0], .buf = self->buf, .rounds = 40 },
		{ .fd = self->fd[2], .buf = self->buf, .rounds = 40 },
	};
	unsigned long long to_ram = vram(self->fd[0]).to_ram +
				    vram(self->fd[2]).to_ram;
	struct drm_vsvm_stats s0, s1;
	unsigned int i, cpu_bad = 0;
	pthread_t t[2];
	int err;

	s0 = stats(self->fd[0]);
	ASSERT_EQ(set_threshold(self->fd[0], 0), 0);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(pthread_create(&t[i], NULL, gpu_racer, &r[i]), 0);
	for (i = 0; i < 80; i++)
		cpu_bad += check(self->buf, SZ_2M, 1) != -1;
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	err = set_threshold(self->fd[0], 3);
	s1 = stats(self->fd[0]);
	to_ram = vram(self->fd[0]).to_ram + vram(self->fd[2]).to_ram - to_ram;
	TH_LOG("%llu migrations, %llu MiB back to RAM, %llu retries",
	       s1.mgr[DRM_VSVM_STAT_MIGRATIONS] - s0.mgr[DRM_VSVM_STAT_MIGRATIONS],
	       to_ram >> 20,
	       s1.mgr[DRM_VSVM_STAT_RETRIES] - s0.mgr[DRM_VSVM_STAT_RETRIES]);
	ASSERT_EQ(err, 0);
	ASSERT_EQ(r[0].bad, 0);
	ASSERT_EQ(r[1].bad, 0);
	ASSERT_EQ(cpu_bad, 0);
	/* They did race: the range moved back and forth. */
	ASSERT_GE(s1.mgr[DRM_VSVM_STAT_MIGRATIONS] -
		  s0.mgr[DRM_VSVM_STAT_MIGRATIONS], 4);
	ASSERT_EQ(check(self->buf, SZ_2M, 1), -1);
}

/*
 * A GPU that detaches gives its VRAM back: the data it held goes to system
 * memory, intact, where the GPUs that stay find it.
 */
TEST_F(vram, detach_with_vram)
{
	struct drm_vsvm_vram v0, v1;
	struct drm_vsvm_stats s0, s1;
	int fd;

	ASSERT_EQ(gpu_fill(self->fd[0], self->buf, SZ_2M, 8), 0);
	fd = open_gpu(0);	/* to read GPU 0's VRAM once it is detached */
	ASSERT_GE(fd, 0);
	v0 = vram(fd);
	ASSERT_EQ(v0.used, SZ_2M);
	s0 = stats(self->fd[1]);
	ASSERT_EQ(close(self->fd[0]), 0);
	self->fd[0] = -1;
	v1 = vram(fd);
	s1 = stats(self->fd[1]);
	ASSERT_EQ(v1.used, 0);
	ASSERT_EQ(v1.to_ram - v0.to_ram, SZ_2M);
	ASSERT_EQ(s1.mgr[DRM_VSVM_STAT_EVICTIONS_RAM] -
		  s0.mgr[DRM_VSVM_STAT_EVICTIONS_RAM], 1);
	ASSERT_EQ(range_info(self->fd[1], self->buf).loc, DRM_VSVM_LOC_SYSMEM);
	/* GPU 1 takes it from RAM, not from a VRAM nobody tracks. */
	ASSERT_EQ(gpu_check(self->fd[1], self->buf, SZ_2M, 8), -1);
	ASSERT_EQ(vram(self->fd[1]).used, SZ_2M);
	ASSERT_EQ(check(self->buf, SZ_2M, 8), -1);
	close(fd);
}

/*
 * Only anonymous memory can move to VRAM: a shared mapping stays in system
 * memory without a failed attempt, and every GPU maps it there.
 */
TEST_F(vram, shared_memory_stays)
{
	struct drm_vsvm_vram v0 = vram(self->fd[0]);
	struct drm_vsvm_stats s0, s1;
	char *map, *p;

	map = mmap(NULL, 2 * SZ_2M, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(map, MAP_FAILED);
	p = (char *)(((uintptr_t)map + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1));
	fill(p, SZ_2M, 9);
	s0 = stats(self->fd[0]);
	ASSERT_EQ(gpu_check(self->fd[0], p, SZ_2M, 9), -1);
	ASSERT_EQ(gpu_fill(self->fd[1], p, SZ_2M, 10), 0);
	s1 = stats(self->fd[0]);
	ASSERT_EQ(s1.mgr[DRM_VSVM_STAT_MIGRATIONS],
		  s0.mgr[DRM_VSVM_STAT_MIGRATIONS]);
	ASSERT_EQ(s1.mgr[DRM_VSVM_STAT_MIGRATION_FAILURES],
		  s0.mgr[DRM_VSVM_STAT_MIGRATION_FAILURES]);
	ASSERT_EQ(vram(self->fd[0]).to_vram, v0.to_vram);
	ASSERT_EQ(pte_target(self->fd[0], p), DRM_VSVM_PTE_TARGET_SYSTEM);
	ASSERT_EQ(pte_target(self->fd[1], p), DRM_VSVM_PTE_TARGET_SYSTEM);
	ASSERT_EQ(range_info(self->fd[0], p).rule, DRM_VSVM_RULE_STAY);
	ASSERT_EQ(check(p, SZ_2M, 10), -1);
	munmap(map, 2 * SZ_2M);
}

/* Fork with the data in VRAM: both sides read it intact. */
TEST_F(vram, fork_with_vram)
{
	int status;
	pid_t pid;

	ASSERT_EQ(gpu_fill(self->fd[0], self->buf, SZ_2M, 6), 0);
	ASSERT_EQ(pte_target(self->fd[0], self->buf), DRM_VSVM_PTE_TARGET_VRAM);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(check(self->buf, SZ_2M, 6) == -1 ? 0 : 1);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ASSERT_EQ(gpu_check(self->fd[0], self->buf, SZ_2M, 6), -1);
	ASSERT_EQ(check(self->buf, SZ_2M, 6), -1);
}

/*
 * After fork() the pages in VRAM are shared copy-on-write by parent and
 * child, read-only on both sides. Whoever writes through a GPU gets a
 * copy of its own: the other side never sees the write, and no GPU holds
 * a writable entry of a page the CPU maps read-only.
 */
enum fork_writer { PARENT_GPU, CHILD_GPU, CHILD_CPU_READS_FIRST };

static const unsigned long long poison = 0xdeadbeefcafef00dull;

/*
 * In the child: @how, tell the parent through @ready, wait for it to be
 * done (@go closes), then report whether its copy is as expected. Exit
 * status: 0 intact; 1 changed by the parent; 3 wrong data on the child's
 * first read; 4 no GPU of its own; 5 its GPU write failed; 6 its GPU holds
 * an unsafe entry; 7 its CPU misses its GPU's write; 8 a pipe failed.
 */
static int fork_child(char *buf, enum fork_writer how, int ready, int go)
{
	struct drm_vsvm_pt_verify v;
	char c;
	int fd;

	switch (how) {
	case PARENT_GPU:
		break;
	case CHILD_CPU_READS_FIRST:
		if (check(buf, SZ_2M, 11) != -1)
			return 3;
		break;
	case CHILD_GPU:
		/* The child's own address space on GPU 0. */
		fd = open_gpu(0);
		if (fd < 0 || vsvm_attach(fd, 0))
			return 4;
		if (gpu_access(fd, DRM_VSVM_ACCESS_WRITE, buf + 3 * PAGE, 8,
			       (void *)&poison, 0))
			return 5;
		if (pt_verify(fd, buf, SZ_2M, &v) || !pt_safe(&v))
			return 6;
		if (((uint64_t *)(buf + 3 * PAGE))[0] != poison)
			return 7;
		/* Its write went to its copy: restore the pattern there. */
		((uint64_t *)(buf + 3 * PAGE))[0] = word(11, 3, 0);
		close(fd);
		break;
	}
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) < 0)
		return 8;
	return check(buf, SZ_2M, 11) == -1 ? 0 : 1;
}

static void fork_write(struct __test_metadata *_metadata, const int *fd,
		       char *buf, enum fork_writer how)
{
	struct drm_vsvm_pt_verify v;
	int go[2], ready[2], status;
	pid_t pid;
	char c;

	ASSERT_EQ(gpu_fill(fd[0], buf, SZ_2M, 11), 0);
	ASSERT_EQ(pte_target(fd[0], buf), DRM_VSVM_PTE_TARGET_VRAM);
	ASSERT_EQ(pipe(go), 0);
	ASSERT_EQ(pipe(ready), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		close(go[1]);
		close(ready[0]);
		_exit(fork_child(buf, how, ready[1], go[0]));
	}
	close(go[0]);
	close(ready[1]);
	/* The child did its part first. */
	if (read(ready[0], &c, 1) != 1)
		c = 0;
	close(ready[0]);

	/* Nothing the parent's GPUs hold is writable beyond the CPU. */
	ASSERT_EQ(pt_verify(fd[0], buf, SZ_2M, &v), 0);
	EXPECT_TRUE(pt_safe(&v))
		TH_LOG("after fork: %llu entries, %llu stale, %llu writable beyond the CPU",
		       v.valid, v.stale, v.excess_write);

	if (how == PARENT_GPU || how == CHILD_CPU_READS_FIRST) {
		ASSERT_EQ(gpu_access(fd[0], DRM_VSVM_ACCESS_WRITE,
				     buf + 3 * PAGE, 8, (void *)&poison, 0), 0);
		ASSERT_EQ(((uint64_t *)(buf + 3 * PAGE))[0], poison)
			TH_LOG("the parent's CPU misses its GPU's write");
		ASSERT_EQ(pt_verify(fd[0], buf, SZ_2M, &v), 0);
		EXPECT_TRUE(pt_safe(&v))
			TH_LOG("after the GPU write: %llu stale, %llu writable beyond the CPU",
			       v.stale, v.excess_write);
		((uint64_t *)(buf + 3 * PAGE))[0] = word(11, 3, 0);
	}
	close(go[1]);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the child: status %d (see fork_child())",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	/* And the parent never saw the child's write. */
	ASSERT_EQ(check(buf, SZ_2M, 11), -1);
	ASSERT_EQ(gpu_check(fd[1], buf, SZ_2M, 11), -1);
}

TEST_F(vram, fork_parent_gpu_writes)
{
	fork_write(_metadata, self->fd, self->buf, PARENT_GPU);
}

TEST_F(vram, fork_child_gpu_writes)
{
	fork_write(_metadata, self->fd, self->buf, CHILD_GPU);
}

TEST_F(vram, fork_child_cpu_reads_first)
{
	fork_write(_metadata, self->fd, self->buf, CHILD_CPU_READS_FIRST);
}

/*
 * A fault that moves data makes progress, however slow the copy engine.
 * A GPU write to pages the CPU shares with a child after fork() moves the
 * range into VRAM, back through system memory to break copy-on-write and
 * in again; at 1 MB/s each move of the 2 MiB takes two seconds, longer
 * than a fault may spend retrying races (HMM_RANGE_DEFAULT_TIMEOUT, one
 * second). The write lands, in the parent's pages alone, and no entry of
 * the GPU is writable beyond the CPU. With 4 KiB pages (@huge false)
 * copy-on-write breaks page by page, each break an invalidation of the
 * walk that makes it; a huge page breaks at once.
 */
static void fork_write_slow(struct __test_metadata *_metadata, const int *fd,
			    bool huge)
{
	struct drm_vsvm_range_info r;
	struct drm_vsvm_pt_verify v;
	unsigned int i, slow = 0;
	int go[2], status, err;
	char *buf, c;
	pid_t pid;

	buf = alloc_aligned(SZ_2M);
	ASSERT_NE(buf, NULL);
	ASSERT_EQ(madvise(buf, SZ_2M, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE), 0);
	fill(buf, SZ_2M, 1);

	/* In system memory, shared copy-on-write with a child. */
	ASSERT_EQ(pipe(go), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		close(go[1]);
		if (read(go[0], &c, 1) < 0)
			_exit(8);
		_exit(check(buf, SZ_2M, 1) == -1 ? 0 : 1);
	}
	close(go[0]);

	err = write_str(COPY_MBPS, "1");
	if (!err)
		err = gpu_access(fd[0], DRM_VSVM_ACCESS_WRITE, buf + 3 * PAGE,
				 8, (void *)&poison, 0);
	write_str(COPY_MBPS, "0");
	r = range_info(fd[0], buf);
	close(go[1]);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);

	EXPECT_EQ(err, 0) TH_LOG("the GPU write failed after %u moves: %s",
				 r.migrations, strerror(-err));
	ASSERT_EQ(r.start, (uintptr_t)buf) TH_LOG("no range holds the buffer");
	for (i = 0; i < r.nr_history && i < DRM_VSVM_HISTORY; i++)
		slow += r.history[i].cost_ns > 1000000000ull;
	EXPECT_GE(slow, 1)
		TH_LOG("no move took over a second (%u moves): not the case under test",
		       r.migrations);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the child's copy changed (status %d)",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	ASSERT_EQ(pt_verify(fd[0], buf, SZ_2M, &v), 0);
	EXPECT_TRUE(pt_safe(&v))
		TH_LOG("after the GPU write: %llu stale, %llu writable beyond the CPU",
		       v.stale, v.excess_write);
	if (!err) {
		ASSERT_EQ(((uint64_t *)(buf + 3 * PAGE))[0], poison)
			TH_LOG("the parent's CPU misses its GPU's write");
		((uint64_t *)(buf + 3 * PAGE))[0] = word(1, 3, 0);
	}
	ASSERT_EQ(check(buf, SZ_2M, 1), -1);
	ASSERT_EQ(gpu_check(fd[1], buf, SZ_2M, 1), -1);
	munmap(buf, SZ_2M);
}

TEST_F_TIMEOUT(vram, fork_write_slow_copies, 300)
{
	fork_write_slow(_metadata, self->fd, false);
}

TEST_F_TIMEOUT(vram, huge_fork_write_slow_copies, 300)
{
	fork_write_slow(_metadata, self->fd, true);
}

/* The last move of the range holding @p, from @from to @to. */
static int last_move_is(int fd, void *p, unsigned int from, unsigned int to)
{
	struct drm_vsvm_range_info r = range_info(fd, p);

	if (!r.nr_history || r.nr_history > DRM_VSVM_HISTORY)
		return 0;
	return r.history[r.nr_history - 1].from == from &&
	       r.history[r.nr_history - 1].to == to;
}

/*
 * A new preferred location takes the data there on the next access. Out
 * of reach of the VRAM holding the data the move goes through system
 * memory; between peers it is direct, and the history says where the data
 * came from.
 */
TEST_F(vram, preferred_after_attr_change)
{
	struct drm_vsvm_vram a0, a1, c0, c1;
	struct drm_vsvm_stats s0, s1;

	ASSERT_EQ(gpu_fill(self->fd[0], self->buf, SZ_2M, 12), 0);
	ASSERT_EQ(pte_target(self->fd[0], self->buf), DRM_VSVM_PTE_TARGET_VRAM);
	ASSERT_EQ(set_attr(self->fd[0], self->buf, SZ_2M,
			   DRM_VSVM_ATTR_PREFERRED_LOC, 2), 0);
	s0 = stats(self->fd[0]);
	a0 = vram(self->fd[0]);
	c0 = vram(self->fd[2]);
	ASSERT_EQ(gpu_check(self->fd[2], self->buf, SZ_2M, 12), -1);
	s1 = stats(self->fd[0]);
	a1 = vram(self->fd[0]);
	c1 = vram(self->fd[2]);
	EXPECT_EQ(s1.mgr[DRM_VSVM_STAT_MIGRATION_FAILURES] -
		  s0.mgr[DRM_VSVM_STAT_MIGRATION_FAILURES], 0);
	EXPECT_EQ(s1.mgr[DRM_VSVM_STAT_MIGRATIONS] -
		  s0.mgr[DRM_VSVM_STAT_MIGRATIONS], 1);
	EXPECT_EQ(a1.to_ram - a0.to_ram, SZ_2M);
	EXPECT_EQ(c1.to_vram - c0.to_vram, SZ_2M);
	EXPECT_EQ(pte_target(self->fd[2], self->buf), DRM_VSVM_PTE_TARGET_VRAM)
		TH_LOG("the preferred location was not honoured");
	EXPECT_EQ(range_info(self->fd[2], self->buf).loc, 2);
	EXPECT_TRUE(last_move_is(self->fd[2], self->buf, 0, 2));

	/* Between peers: 2 to 3, directly, and recorded as such. */
	ASSERT_EQ(set_attr(self->fd[0], self->buf, SZ_2M,
			   DRM_VSVM_ATTR_PREFERRED_LOC, 3), 0);
	c0 = vram(self->fd[3]);
	ASSERT_EQ(gpu_check(self->fd[3], self->buf, SZ_2M, 12), -1);
	c1 = vram(self->fd[3]);
	EXPECT_EQ(c1.from_peer - c0.from_peer, SZ_2M);
	EXPECT_TRUE(last_move_is(self->fd[3], self->buf, 2, 3))
		TH_LOG("the history does not say the data came from GPU 2");
	ASSERT_EQ(check(self->buf, SZ_2M, 12), -1);
}

/*
 * A prefetch of shared memory leaves it in system memory, and the next GPU
 * access finds it there: no move is counted or recorded that did not
 * happen.
 */
TEST_F(vram, prefetch_shared_memory)
{
	struct drm_vsvm_stats s0, s1;
	struct drm_vsvm_range_info r;
	char *map, *p;

	map = mmap(NULL, 2 * SZ_2M, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(map, MAP_FAILED);
	p = (char *)(((uintptr_t)map + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1));
	fill(p, SZ_2M, 13);
	s0 = stats(self->fd[0]);
	ASSERT_EQ(set_attr(self->fd[0], p, SZ_2M, DRM_VSVM_ATTR_PREFETCH_LOC, 0), 0);
	ASSERT_EQ(gpu_check(self->fd[0], p, SZ_2M, 13), -1);
	s1 = stats(self->fd[0]);
	r = range_info(self->fd[0], p);
	EXPECT_EQ(s1.mgr[DRM_VSVM_STAT_MIGRATIONS], s0.mgr[DRM_VSVM_STAT_MIGRATIONS])
		TH_LOG("a move of shared memory was counted");
	EXPECT_EQ(r.loc, DRM_VSVM_LOC_SYSMEM);
	EXPECT_EQ(r.nr_history, 0) TH_LOG("a move from %u to %u was recorded",
					  r.history[0].from, r.history[0].to);
	EXPECT_EQ(pte_target(self->fd[0], p), DRM_VSVM_PTE_TARGET_SYSTEM);
	munmap(map, 2 * SZ_2M);
}

/*
 * Review finding M8: a prefetch was an attribute change like any other
 * and retired the ranges under it: the GPUs lost their entries and
 * faulted them back, the range its move history and thrash state. A
 * prefetch to where the data is moves nothing and takes nothing away; a
 * prefetch elsewhere moves it, once, and the history goes on.
 */
TEST_F(vram, prefetch_in_place)
{
	struct drm_vsvm_range_info r0, r1;
	struct drm_vsvm_vram v0, v1, c0, c1;
	struct drm_vsvm_stats s0, s1;

	ASSERT_EQ(gpu_fill(self->fd[0], self->buf, SZ_2M, 16), 0);
	ASSERT_EQ(pte_target(self->fd[0], self->buf), DRM_VSVM_PTE_TARGET_VRAM);
	r0 = range_info(self->fd[0], self->buf);
	v0 = vram(self->fd[0]);
	s0 = stats(self->fd[0]);
	ASSERT_EQ(set_attr(self->fd[0], self->buf, SZ_2M,
			   DRM_VSVM_ATTR_PREFETCH_LOC, 0), 0);
	v1 = vram(self->fd[0]);
	s1 = stats(self->fd[0]);
	r1 = range_info(self->fd[0], self->buf);
	EXPECT_EQ(v1.to_vram - v0.to_vram + v1.to_ram - v0.to_ram, 0)
		TH_LOG("a prefetch in place moved data");
	EXPECT_EQ(s1.mgr[DRM_VSVM_STAT_MIGRATIONS],
		  s0.mgr[DRM_VSVM_STAT_MIGRATIONS]);
	EXPECT_EQ(pte_target(self->fd[0], self->buf), DRM_VSVM_PTE_TARGET_VRAM)
		TH_LOG("the prefetch took GPU 0's entries away");
	EXPECT_EQ(r1.nr_history, r0.nr_history)
		TH_LOG("the range lost its move history");
	ASSERT_EQ(gpu_check(self->fd[0], self->buf, SZ_2M, 16), -1);
	EXPECT_EQ(stats(self->fd[0]).gpu[DRM_VSVM_STAT_FAULTS],
		  s1.gpu[DRM_VSVM_STAT_FAULTS]) TH_LOG("GPU 0 faulted again");

	/* Elsewhere: one move, recorded after the first. */
	c0 = vram(self->fd[2]);
	ASSERT_EQ(set_attr(self->fd[0], self->buf, SZ_2M,
			   DRM_VSVM_ATTR_PREFETCH_LOC, 2), 0);
	c1 = vram(self->fd[2]);
	EXPECT_EQ(c1.to_vram - c0.to_vram, SZ_2M);
	r1 = range_info(self->fd[0], self->buf);
	EXPECT_EQ(r1.loc, 2);
	EXPECT_EQ(r1.nr_history, r0.nr_history + 1);
	EXPECT_TRUE(last_move_is(self->fd[0], self->buf, 0, 2));
	ASSERT_EQ(check(self->buf, SZ_2M, 16), -1);
}

/*
 * A CPU read brings the data home behind the range's back; a prefetch to
 * where the range last had it must move it there again, not take the old
 * location for granted.
 */
TEST_F(vram, prefetch_after_cpu_read)
{
	struct drm_vsvm_vram v0, v1;

	ASSERT_EQ(gpu_fill(self->fd[0], self->buf, SZ_2M, 14), 0);
	ASSERT_EQ(pte_target(self->fd[0], self->buf), DRM_VSVM_PTE_TARGET_VRAM);
	ASSERT_EQ(check(self->buf, SZ_2M, 14), -1);	/* back to RAM */
	v0 = vram(self->fd[0]);
	ASSERT_EQ(set_attr(self->fd[0], self->buf, SZ_2M,
			   DRM_VSVM_ATTR_PREFETCH_LOC, 0), 0);
	v1 = vram(self->fd[0]);
	EXPECT_EQ(v1.to_vram - v0.to_vram, SZ_2M)
		TH_LOG("the prefetch moved nothing");
	EXPECT_EQ(range_info(self->fd[0], self->buf).loc, 0);
	ASSERT_EQ(gpu_check(self->fd[0], self->buf, SZ_2M, 14), -1);
	ASSERT_EQ(pte_target(self->fd[0], self->buf), DRM_VSVM_PTE_TARGET_VRAM);
}

/*
 * A GPU that cannot fault gets back the entries an invalidation took, but
 * a restore is no access of the GPU: it maps the data where the CPU left
 * it, in system memory, and moves nothing. A restore that moved the data
 * back into the GPU's VRAM fought whoever had just taken it home, and a
 * reader that needs a whole range at once (drm_gpusvm's hmm_range_fault()
 * in baseline mode) never got it: the soak's livelock (README,
 * Reliability). A new preferred location still moves the data for it.
 */
TEST_F(vram, restore_maps_in_place)
{
	struct drm_vsvm_map m = { .start = (uintptr_t)self->buf, .size = SZ_2M };
	struct drm_vsvm_stats s0, s1;
	int fd = open_nofault_vram();

	if (fd < 0)
		SKIP(return, "boot with GPU %d with VRAM, unable to fault (vsvm.no_fault)",
		     NOFAULT_GPU);
	ASSERT_EQ(vsvm_attach(fd, 0), 0);
	ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_MAP, &m), 0);
	ASSERT_EQ(range_info(fd, self->buf).loc, NOFAULT_GPU);
	ASSERT_EQ(pte_target(fd, self->buf), DRM_VSVM_PTE_TARGET_VRAM);
	s0 = stats(fd);

	/* The CPU takes the data home: GPU 4 is quiesced, then restored. */
	ASSERT_EQ(check(self->buf, SZ_2M, 1), -1);
	s1 = stats(fd);
	EXPECT_EQ(s1.gpu[DRM_VSVM_STAT_RESUMES] - s0.gpu[DRM_VSVM_STAT_RESUMES], 1);
	EXPECT_EQ(s1.gpu[DRM_VSVM_STAT_MIGRATIONS], s0.gpu[DRM_VSVM_STAT_MIGRATIONS])
		TH_LOG("the restore moved the data again");
	EXPECT_EQ(range_info(fd, self->buf).loc, DRM_VSVM_LOC_SYSMEM);
	EXPECT_EQ(range_info(fd, self->buf).rule, DRM_VSVM_RULE_RESTORE);
	EXPECT_EQ(pte_target(fd, self->buf), DRM_VSVM_PTE_TARGET_SYSTEM);
	EXPECT_EQ(vram(fd).used, 0);
	/* Restored: the GPU reads the CPU's data without a fault. */
	EXPECT_EQ(gpu_check(fd, self->buf, SZ_2M, 1), -1);

	/* The user asks for GPU 4's VRAM: that decides by the whole policy. */
	ASSERT_EQ(set_attr(fd, self->buf, SZ_2M, DRM_VSVM_ATTR_PREFERRED_LOC,
			   NOFAULT_GPU), 0);
	EXPECT_EQ(range_info(fd, self->buf).loc, NOFAULT_GPU);
	EXPECT_EQ(range_info(fd, self->buf).rule, DRM_VSVM_RULE_PREFERRED);
	EXPECT_EQ(pte_target(fd, self->buf), DRM_VSVM_PTE_TARGET_VRAM);
	EXPECT_EQ(gpu_check(fd, self->buf, SZ_2M, 1), -1);
	close(fd);
}

/*
 * A flag that shapes the entries (GPU_EXEC here) rewrites GPU 4's entries
 * (it cannot fault: set_attr maps it again at once): that is no request
 * to move the data. The range in system memory, where GPU 4's restore
 * left it, stays there; before, the mapping went through the whole
 * residency policy and pulled the data into GPU 4's VRAM by rule "local",
 * a migration nobody asked for (a review finding).
 */
TEST_F(vram, flag_change_maps_in_place)
{
	struct drm_vsvm_map m = { .start = (uintptr_t)self->buf, .size = SZ_2M };
	struct drm_vsvm_stats s0, s1;
	int fd = open_nofault_vram();

	if (fd < 0)
		SKIP(return, "boot with GPU %d with VRAM, unable to fault (vsvm.no_fault)",
		     NOFAULT_GPU);
	ASSERT_EQ(vsvm_attach(fd, 0), 0);
	/* Two moves in a row must not throttle the range: no thrash control. */
	ASSERT_EQ(set_threshold(fd, 0), 0);
	ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_MAP, &m), 0);
	/* The CPU takes the data home; GPU 4's restore maps it there. */
	ASSERT_EQ(check(self->buf, SZ_2M, 1), -1);
	stats(fd);
	ASSERT_EQ(range_info(fd, self->buf).loc, DRM_VSVM_LOC_SYSMEM);
	ASSERT_EQ(pte_target(fd, self->buf), DRM_VSVM_PTE_TARGET_SYSTEM);
	s0 = stats(fd);

	ASSERT_EQ(set_attr(fd, self->buf, SZ_2M, DRM_VSVM_ATTR_SET_FLAGS,
			   DRM_VSVM_FLAG_GPU_EXEC), 0);
	s1 = stats(fd);
	EXPECT_EQ(s1.mgr[DRM_VSVM_STAT_MIGRATIONS], s0.mgr[DRM_VSVM_STAT_MIGRATIONS])
		TH_LOG("GPU_EXEC moved the data (rule %u, now at %u)",
		       range_info(fd, self->buf).rule, range_info(fd, self->buf).loc);
	EXPECT_EQ(range_info(fd, self->buf).loc, DRM_VSVM_LOC_SYSMEM);
	EXPECT_EQ(pte_target(fd, self->buf), DRM_VSVM_PTE_TARGET_SYSTEM);
	EXPECT_EQ(vram(fd).used, 0);
	/* The flag reached GPU 4's entries: they were rewritten. */
	EXPECT_EQ(s1.gpu[DRM_VSVM_STAT_ZAPS] - s0.gpu[DRM_VSVM_STAT_ZAPS], 1);
	EXPECT_TRUE(pte_has(fd, self->buf, DRM_VSVM_PTE_EXEC));
	/* Mapped again, without a fault it could not take. */
	EXPECT_EQ(gpu_check(fd, self->buf, SZ_2M, 1), -1);
	close(fd);
}

/*
 * Rule 2 when the data is where the restoring GPU cannot reach it: GPU 4
 * (unable to fault, no peer of anyone) maps the range, GPU 0 writes it,
 * which moves the data into GPU 0's VRAM and takes GPU 4's entries; GPU
 * 4's restore cannot map VRAM it does not reach, so it brings the data to
 * system memory, by rule "restore", and maps it there. GPU 4 reads what
 * GPU 0 wrote.
 */
TEST_F(vram, restore_unreachable_goes_home)
{
	struct drm_vsvm_map m = { .start = (uintptr_t)self->buf, .size = SZ_2M };
	struct drm_vsvm_range_move *last, *before;
	struct drm_vsvm_range_info ri;
	int fd = open_nofault_vram();

	if (fd < 0)
		SKIP(return, "boot with GPU %d with VRAM, unable to fault (vsvm.no_fault)",
		     NOFAULT_GPU);
	ASSERT_EQ(vsvm_attach(fd, 0), 0);
	ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_MAP, &m), 0);
	ASSERT_EQ(gpu_check(fd, self->buf, SZ_2M, 1), -1);

	ASSERT_EQ(gpu_fill(self->fd[0], self->buf, SZ_2M, 2), 0);
	stats(fd);	/* the restore worker is done */
	ri = range_info(fd, self->buf);
	ASSERT_GE(ri.nr_history, 2);
	last = &ri.history[ri.nr_history - 1];
	before = &ri.history[ri.nr_history - 2];
	EXPECT_EQ(before->to, 0) TH_LOG("GPU 0's write moved the data to %u", before->to);
	EXPECT_EQ(last->from, 0);
	EXPECT_EQ(last->to, DRM_VSVM_LOC_SYSMEM);
	EXPECT_EQ(last->rule, DRM_VSVM_RULE_RESTORE)
		TH_LOG("the data left GPU 0's VRAM by rule %u", last->rule);
	EXPECT_EQ(ri.loc, DRM_VSVM_LOC_SYSMEM);
	EXPECT_EQ(pte_target(fd, self->buf), DRM_VSVM_PTE_TARGET_SYSTEM);
	EXPECT_EQ(gpu_check(fd, self->buf, SZ_2M, 2), -1);
	EXPECT_EQ(check(self->buf, SZ_2M, 2), -1);
	close(fd);
}

/*
 * Memory nobody wrote reads as zeroes wherever it lives: VRAM left over
 * by an earlier buffer must not show through a fresh one, including the
 * tail of a huge device folio made for a 2 MiB hole.
 */
TEST_F(vram, fresh_memory_reads_zero)
{
	char *old, *fresh, *tmp;
	unsigned long long used;
	unsigned long i;

	/* Leave a pattern in most of GPU 0's VRAM, then free it. */
	used = vram(self->fd[0]).used;
	old = alloc_aligned(8 * SZ_2M);
	ASSERT_NE(old, NULL);
	ASSERT_EQ(gpu_fill(self->fd[0], old, 8 * SZ_2M, 15), 0);
	ASSERT_EQ(pte_target(self->fd[0], old), DRM_VSVM_PTE_TARGET_VRAM);
	ASSERT_EQ(munmap(old, 8 * SZ_2M), 0);
	/* Its VRAM is free again, for the next buffer to take. */
	ASSERT_EQ(vram(self->fd[0]).used, used);

	fresh = alloc_aligned(8 * SZ_2M);
	ASSERT_NE(fresh, NULL);
	ASSERT_EQ(madvise(fresh, 8 * SZ_2M, MADV_HUGEPAGE), 0);
	tmp = malloc(8 * SZ_2M);
	ASSERT_NE(tmp, NULL);
	memset(tmp, 0x5a, 8 * SZ_2M);
	ASSERT_EQ(gpu_access(self->fd[0], DRM_VSVM_ACCESS_READ, fresh,
			     8 * SZ_2M, tmp, 0), 0);
	ASSERT_EQ(pte_target(self->fd[0], fresh), DRM_VSVM_PTE_TARGET_VRAM);
	for (i = 0; i < 8 * SZ_2M / 8; i++)
		if (((uint64_t *)tmp)[i])
			break;
	EXPECT_EQ(i, 8 * SZ_2M / 8)
		TH_LOG("GPU 0 reads %016llx at byte %lu of memory nobody wrote",
		       (unsigned long long)((uint64_t *)tmp)[i], i * 8);
	/* And so does the CPU once the data comes home. */
	for (i = 0; i < 8 * SZ_2M; i++)
		if (fresh[i])
			break;
	EXPECT_EQ(i, 8 * SZ_2M)
		TH_LOG("the CPU reads %02x at byte %lu of memory nobody wrote",
		       fresh[i], i);
	free(tmp);
	munmap(fresh, 8 * SZ_2M);
}

/*
 * What a child does with its copy of a huge device folio, racing the
 * parent's GPUs and CPU. Exit status: 0 its copy intact; 1 a read saw
 * wrong data; 3 munmap failed.
 */
static int huge_fork_child(char *buf, unsigned long seed, unsigned int how)
{
	unsigned long i, w;

	switch (how % 3) {
	case 0:		/* read it all back from VRAM */
		break;
	case 1:		/* write one page: copy-on-write of a device page */
		((uint64_t *)(buf + 100 * PAGE))[0] = ~word(seed, 100, 0);
		if (((uint64_t *)(buf + 100 * PAGE))[0] != ~word(seed, 100, 0))
			return 1;
		((uint64_t *)(buf + 100 * PAGE))[0] = word(seed, 100, 0);
		break;
	case 2:		/* cut a page out: split the device PMD in the child */
		if (munmap(buf + 200 * PAGE, PAGE))
			return 3;
		for (i = 0; i < SZ_2M / PAGE; i++)
			for (w = 0; i != 200 && w < PAGE / 8; w++)
				if (((uint64_t *)(buf + i * PAGE))[w] !=
				    word(seed, i, w))
					return 1;
		return 0;
	}
	return check(buf, SZ_2M, seed) == -1 ? 0 : 1;
}

struct huge_mover {
	const int *fd;
	char *buf, *tmp;
	int stop, read_err;
	unsigned int moves, bad, err, busy, failed;
};

/*
 * Move the buffer between system memory, GPU 0's and GPU 2's VRAM by
 * prefetch, and read it through GPUs 1 and 3, until told to stop. A read
 * that answers EBUSY (invalidations from the forks and moves kept racing
 * for the fault's budget of a second) is tried again, as the uAPI says,
 * four times at most, and counted.
 */
static void *huge_mover(void *arg)
{
	static const unsigned int to[] = { 0, DRM_VSVM_LOC_SYSMEM, 2, 0, 2,
					   DRM_VSVM_LOC_SYSMEM };
	struct huge_mover *m = arg;
	unsigned int i;
	int err;

	for (i = 0; !__atomic_load_n(&m->stop, __ATOMIC_ACQUIRE); i++) {
		if (set_attr(m->fd[0], m->buf, SZ_2M, DRM_VSVM_ATTR_PREFETCH_LOC,
			     to[i % 6]))
			m->err++;
		err = gpu_access_busy(m->fd[1 + 2 * (i & 1)], DRM_VSVM_ACCESS_READ,
				      m->buf, SZ_2M, m->tmp, 0, 5, &m->busy);
		if (err) {
			m->failed++;
			m->read_err = err;
		} else if (check(m->tmp, SZ_2M, 30) != -1) {
			m->bad++;
		}
		m->moves++;
	}
	return NULL;
}

/*
 * fork() while the buffer moves as a huge folio between system memory and
 * two VRAMs out of each other's reach: the child inherits whatever the
 * parent's page table holds at that instant (a huge device-private entry,
 * a migration entry, a huge page) and reads it all, writes a page or cuts
 * a page out. Every read sees the pattern, nothing splats. VSVM_ROUNDS
 * sets the forks (20 by default).
 */
TEST_F_TIMEOUT(vram, huge_fork_during_moves, 900)
{
	const char *env = getenv("VSVM_ROUNDS");
	unsigned int rounds = env ? strtoul(env, NULL, 0) : 20, i;
	struct huge_mover m = { .fd = self->fd, .buf = self->buf,
				.tmp = malloc(SZ_2M) };
	unsigned int child_bad = 0, cpu_bad = 0;
	pthread_t t;

	ASSERT_NE(m.tmp, NULL);
	ASSERT_EQ(madvise(self->buf, SZ_2M, MADV_HUGEPAGE), 0);
	fill(self->buf, SZ_2M, 30);
	ASSERT_EQ(set_threshold(self->fd[0], 0), 0);
	ASSERT_EQ(pthread_create(&t, NULL, huge_mover, &m), 0);
	for (i = 0; i < rounds; i++) {
		int status;
		pid_t pid;

		pid = fork();
		ASSERT_GE(pid, 0);
		if (!pid)
			_exit(huge_fork_child(self->buf, 30, i));
		cpu_bad += check(self->buf, SZ_2M, 30) != -1;
		ASSERT_EQ(waitpid(pid, &status, 0), pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			TH_LOG("fork %u: the child (case %u) ended with status 0x%x",
			       i, i % 3, status);
			child_bad++;
		}
	}
	__atomic_store_n(&m.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	TH_LOG("%u forks during %u moves, %u GPU reads tried again after EBUSY",
	       rounds, m.moves, m.busy);
	free(m.tmp);
	ASSERT_EQ(set_threshold(self->fd[0], 3), 0);
	EXPECT_EQ(child_bad, 0);
	EXPECT_EQ(m.bad, 0) TH_LOG("GPUs 1 and 3 read wrong data");
	EXPECT_EQ(m.failed, 0) TH_LOG("%u reads of GPUs 1 and 3 failed, the last with %s",
				      m.failed, strerror(-m.read_err));
	EXPECT_EQ(m.err, 0) TH_LOG("a prefetch failed");
	EXPECT_EQ(cpu_bad, 0) TH_LOG("the parent's CPU read wrong data");
	ASSERT_EQ(check(self->buf, SZ_2M, 30), -1);
}

/*
 * A /proc/PID/pagemap entry: a swap-like entry (bit 62), its type (bits
 * 0-4, with CAP_SYS_ADMIN only) and its offset, a pfn here (bits 5-54).
 */
#define PM_SWAP		0x4000000000000000ull
#define PM_SWAP_TYPE	0x000000000000001full
#define PM_SWAP_OFFSET	0x007fffffffffffe0ull

/* /proc/@pid/pagemap's entry for @addr, or 0. */
static __u64 pagemap_entry(pid_t pid, void *addr)
{
	char path[64];
	__u64 e = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (uintptr_t)addr / PAGE * 8) != sizeof(e))
		e = 0;
	close(fd);
	return e;
}

/*
 * Whether the pagemap entry @e is a migration entry of the device folio
 * that @dev, a device-private entry, names: same pfn, another type.
 */
static int migrating(__u64 e, __u64 dev)
{
	return (e & PM_SWAP) &&
	       (e & PM_SWAP_TYPE) != (dev & PM_SWAP_TYPE) &&
	       (e & PM_SWAP_OFFSET) == (dev & PM_SWAP_OFFSET);
}

enum huge_taker { TAKER_GPU_THROUGH_RAM, TAKER_CPU, TAKER_PEER_GPU };

struct huge_take {
	const int *fd;
	char *buf;
	enum huge_taker how;
	int done;
	long bad;
	int err;
};

/* Read the buffer through GPU @fd into @t: the first bad page, or -1. */
static void huge_take_gpu(struct huge_take *t, int fd)
{
	char *tmp = malloc(SZ_2M);

	t->err = tmp ? gpu_access(fd, DRM_VSVM_ACCESS_READ, t->buf, SZ_2M,
				  tmp, 0) : -ENOMEM;
	t->bad = t->err ? -2 : check(tmp, SZ_2M, 40);
	free(tmp);
}

/* Take the huge device folio out of GPU 0's VRAM, as @t->how says. */
static void *huge_take(void *arg)
{
	struct huge_take *t = arg;

	switch (t->how) {
	case TAKER_GPU_THROUGH_RAM:	/* GPU 2: hmm_range_fault() */
		huge_take_gpu(t, t->fd[2]);
		break;
	case TAKER_CPU:			/* a CPU fault on the device entry */
		t->bad = check(t->buf, SZ_2M, 40);
		break;
	case TAKER_PEER_GPU:		/* GPU 0's VRAM to GPU 1's */
		huge_take_gpu(t, t->fd[1]);
		break;
	}
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * A child shares the parent's huge device folio after fork(). While the
 * parent moves it out of GPU 0's VRAM (a copy throttled to 8 MB/s, a
 * quarter of a second; slower, GPU 2's fault would time out),
 * the child's entry is a migration entry, set through the reverse map;
 * the child exits right then, zapping it. A migration entry holds no
 * reference to the folio, so the zap must drop none: before the fix in
 * zap_huge_pmd(), it dropped one, and the folio was freed under the
 * move (VM_BUG_ON refcount 0 in do_huge_pmd_device_private(), or in
 * folio_ref_unfreeze() from __folio_migrate_mapping()).
 */
static void huge_child_exits_during_move(struct __test_metadata *_metadata,
					 const int *fd, char *buf,
					 enum huge_taker how)
{
	struct huge_take t = { .fd = fd, .buf = buf, .how = how };
	int die[2], status, caught = 0, in_flight;
	__u64 e0, e = 0;
	pthread_t thread;
	pid_t pid;

	ASSERT_EQ(madvise(buf, SZ_2M, MADV_HUGEPAGE), 0);
	fill(buf, SZ_2M, 40);
	ASSERT_GE(anon_huge_kb(buf), 2048) TH_LOG("no huge page to move");
	ASSERT_EQ(gpu_check(fd[0], buf, SZ_2M, 40), -1);
	ASSERT_EQ(pte_target(fd[0], buf), DRM_VSVM_PTE_TARGET_VRAM);
	if (how == TAKER_PEER_GPU)
		ASSERT_EQ(set_attr(fd[0], buf, SZ_2M,
				   DRM_VSVM_ATTR_PREFERRED_LOC, 1), 0);
	ASSERT_EQ(pipe(die), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		char c;

		close(die[1]);
		_exit(read(die[0], &c, 1) < 0);
	}
	close(die[0]);
	/* The child maps the device folio: a device-private entry. */
	e0 = pagemap_entry(pid, buf);
	ASSERT_TRUE(e0 & PM_SWAP) TH_LOG("the child's entry: %016llx",
					 (unsigned long long)e0);
	if (!(e0 & PM_SWAP_TYPE))
		SKIP(return, "pagemap shows swap types with CAP_SYS_ADMIN only");

	ASSERT_EQ(write_str(COPY_MBPS, "8"), 0);
	ASSERT_EQ(pthread_create(&thread, NULL, huge_take, &t), 0);
	/* Until the child's entry becomes a migration entry of the folio. */
	while (!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE)) {
		e = pagemap_entry(pid, buf);
		if (migrating(e, e0)) {
			caught = 1;
			break;
		}
	}
	close(die[1]);		/* the child exits mid-move */
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	/* Reaped, its mm gone, while the parent's move still runs. */
	in_flight = migrating(pagemap_entry(getpid(), buf), e0);
	pthread_join(thread, NULL);
	write_str(COPY_MBPS, "0");
	EXPECT_TRUE(caught)
		TH_LOG("the move ended before the child's entry became a migration entry (%016llx)",
		       (unsigned long long)e);
	EXPECT_TRUE(!caught || in_flight)
		TH_LOG("the child was gone only after the move ended");
	EXPECT_EQ(t.err, 0) TH_LOG("the GPU access failed: %s",
				   strerror(-t.err));
	EXPECT_EQ(t.bad, -1) TH_LOG("the move read wrong data at page %ld",
				    t.bad);
	ASSERT_EQ(check(buf, SZ_2M, 40), -1);
	ASSERT_EQ(gpu_check(fd[0], buf, SZ_2M, 40), -1);
}

TEST_F_TIMEOUT(vram, huge_child_exits_during_gpu_move, 120)
{
	huge_child_exits_during_move(_metadata, self->fd, self->buf,
				     TAKER_GPU_THROUGH_RAM);
}

TEST_F_TIMEOUT(vram, huge_child_exits_during_cpu_fault, 120)
{
	huge_child_exits_during_move(_metadata, self->fd, self->buf,
				     TAKER_CPU);
}

TEST_F_TIMEOUT(vram, huge_child_exits_during_peer_move, 120)
{
	huge_child_exits_during_move(_metadata, self->fd, self->buf,
				     TAKER_PEER_GPU);
}

/*
 * A huge device folio whose PMD was split (a 4 KiB MADV_DONTNEED at its
 * end) is mapped by PTEs and still one folio. A fault on one of its tail
 * pages splits the folio and must lock the folio that holds the faulting
 * page, not the head: before the fix in migrate_vma_collect_pmd(), the
 * head was migrated unlocked (VM_BUG_ON_FOLIO(!folio_test_locked) in
 * __migrate_device_finalize()).
 */
static void huge_tail_fault(struct __test_metadata *_metadata, const int *fd,
			    char *buf, int gpu)
{
	unsigned long i, w;
	char *tmp;

	ASSERT_EQ(madvise(buf, SZ_2M, MADV_HUGEPAGE), 0);
	fill(buf, SZ_2M, 41);
	ASSERT_GE(anon_huge_kb(buf), 2048) TH_LOG("no huge page to move");
	ASSERT_EQ(gpu_check(fd[0], buf, SZ_2M, 41), -1);
	ASSERT_EQ(pte_target(fd[0], buf), DRM_VSVM_PTE_TARGET_VRAM);
	ASSERT_EQ(madvise(buf + SZ_2M - PAGE, PAGE, MADV_DONTNEED), 0);
	if (gpu < 0) {
		/* The CPU reads page 1 first: a fault on a tail page. */
		ASSERT_EQ(((uint64_t *)(buf + PAGE))[0], word(41, 1, 0));
		ASSERT_EQ(check(buf, SZ_2M - PAGE, 41), -1);
	} else {
		tmp = malloc(PAGE);
		ASSERT_NE(tmp, NULL);
		ASSERT_EQ(gpu_access(fd[gpu], DRM_VSVM_ACCESS_READ, buf + PAGE,
				     PAGE, tmp, 0), 0);
		for (w = 0; w < PAGE / 8; w++)
			ASSERT_EQ(((uint64_t *)tmp)[w], word(41, 1, w));
		free(tmp);
		ASSERT_EQ(gpu_check(fd[gpu], buf, SZ_2M - PAGE, 41), -1);
	}
	for (i = 0; i < PAGE / 8; i++)
		ASSERT_EQ(((uint64_t *)(buf + SZ_2M - PAGE))[i], 0);
	ASSERT_EQ(check(buf, SZ_2M - PAGE, 41), -1);
}

TEST_F(vram, huge_tail_cpu_fault_after_pmd_split)
{
	huge_tail_fault(_metadata, self->fd, self->buf, -1);
}

TEST_F(vram, huge_tail_gpu_fault_after_pmd_split)
{
	huge_tail_fault(_metadata, self->fd, self->buf, 2);
}

/*
 * Review finding M8: an attribute change over half of a range in VRAM
 * retired it: GPU 0 lost its entries, the range its location and history,
 * and the data in VRAM was tracked by nobody, so that detaching GPU 0 left
 * it there. Now the range is split at the attribute boundary and both
 * halves keep their location, history and place in GPU 0's LRU; GPU 1,
 * allowed in place on one half, maps it in GPU 0's VRAM; detaching GPU 0
 * evicts both halves to RAM (with one move), every byte intact.
 *
 * In small device pages GPU 0 keeps its entries: it reads all without a
 * fault. A huge device folio's DMA mapping cannot be cut
 * at 1 MiB (see Splitting): GPU 0 loses the range and faults each half
 * back. An invalidation next door (same notifier, other pages) makes the
 * halves' pages stale, so that the second half is faulted from the middle
 * of the folio's PMD, which hmm_range_fault() reported from the folio's
 * first page before patches/0013.
 */
static void attr_split(struct __test_metadata *_metadata, int *fd, bool huge)
{
	/* 4 MiB aligned: the second 2 MiB share the first's notifier. */
	char *buf = alloc_aligned_to(2 * SZ_2M, 2 * SZ_2M);
	char *half = buf + SZ_2M / 2, *next_door = buf + SZ_2M;
	char *want = malloc(SZ_2M), *got = malloc(SZ_2M);
	struct drm_vsvm_range_info r0, ra, rb;
	struct drm_vsvm_stats s0, s1;
	struct drm_vsvm_vram v0, v1;
	int fd0;

	ASSERT_TRUE(buf && want && got);
	ASSERT_EQ(madvise(buf, SZ_2M, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE), 0);
	fill(buf, SZ_2M, 17);
	fill(want, SZ_2M, 17);
	if (huge)
		ASSERT_GE(anon_huge_kb(buf), 2048) TH_LOG("no huge page to move");
	ASSERT_EQ(gpu_fill(fd[0], buf, SZ_2M, 17), 0);
	ASSERT_EQ(pte_target(fd[0], buf), DRM_VSVM_PTE_TARGET_VRAM);
	r0 = range_info(fd[0], buf);
	ASSERT_EQ(r0.loc, 0);
	ASSERT_GE(r0.nr_history, 1);
	s0 = stats(fd[0]);

	ASSERT_EQ(set_attr(fd[0], half, SZ_2M / 2,
			   DRM_VSVM_ATTR_ACCESS_IN_PLACE, 1), 0);
	s1 = stats(fd[0]);
	EXPECT_EQ(s1.mgr[DRM_VSVM_STAT_SPLITS] - s0.mgr[DRM_VSVM_STAT_SPLITS], 1);
	EXPECT_EQ(s1.mgr[DRM_VSVM_STAT_ZAPS] - s0.mgr[DRM_VSVM_STAT_ZAPS], huge);
	ra = range_info(fd[0], buf);
	rb = range_info(fd[0], half);
	EXPECT_EQ(ra.start, (uintptr_t)buf);
	EXPECT_EQ(ra.end, (uintptr_t)half);
	EXPECT_EQ(rb.start, (uintptr_t)half);
	EXPECT_EQ(rb.end, (uintptr_t)buf + SZ_2M);
	EXPECT_EQ(ra.loc, 0);
	EXPECT_EQ(rb.loc, 0);
	EXPECT_EQ(ra.nr_history, r0.nr_history) TH_LOG("the history was lost");
	EXPECT_EQ(rb.nr_history, r0.nr_history);
	EXPECT_EQ(rb.migrations, r0.migrations);
	EXPECT_EQ(pte_target(fd[0], buf), huge ? -1 : DRM_VSVM_PTE_TARGET_VRAM);
	EXPECT_EQ(pte_target(fd[0], half), huge ? -1 : DRM_VSVM_PTE_TARGET_VRAM);
	if (huge) {
		memset(next_door, 1, PAGE);
		ASSERT_EQ(madvise(next_door, PAGE, MADV_DONTNEED), 0);
	}

	/* GPU 0 reads all from its VRAM; GPU 1 maps its half in place. */
	ASSERT_EQ(gpu_access(fd[0], DRM_VSVM_ACCESS_READ, buf, SZ_2M, got, 0), 0);
	EXPECT_EQ(check(got, SZ_2M, 17), -1) TH_LOG("GPU 0 read another page");
	EXPECT_EQ(pte_target(fd[0], half), DRM_VSVM_PTE_TARGET_VRAM);
	ASSERT_EQ(gpu_access(fd[1], DRM_VSVM_ACCESS_READ, half, SZ_2M / 2,
			     got, 0), 0);
	EXPECT_EQ(memcmp(got, want + SZ_2M / 2, SZ_2M / 2), 0)
		TH_LOG("GPU 1 read another page");
	EXPECT_EQ(pte_target(fd[1], half), DRM_VSVM_PTE_TARGET_PEER_VRAM);
	s0 = stats(fd[0]);
	EXPECT_EQ(s0.gpu[DRM_VSVM_STAT_FAULTS] - s1.gpu[DRM_VSVM_STAT_FAULTS],
		  huge ? 2 : 0);
	EXPECT_EQ(s0.mgr[DRM_VSVM_STAT_MIGRATIONS] -
		  s1.mgr[DRM_VSVM_STAT_MIGRATIONS], 0);
	if (huge)
		EXPECT_EQ(s0.mgr[DRM_VSVM_STAT_HMM_FAULTS] -
			  s1.mgr[DRM_VSVM_STAT_HMM_FAULTS], 2)
			TH_LOG("the halves were not faulted again: the case lost its point");

	/* Still tracked: detaching GPU 0 empties its VRAM. */
	fd0 = open_gpu(0);
	ASSERT_GE(fd0, 0);
	v0 = vram(fd0);
	ASSERT_EQ(v0.used, SZ_2M);
	s0 = stats(fd[1]);
	ASSERT_EQ(close(fd[0]), 0);
	fd[0] = -1;
	v1 = vram(fd0);
	s1 = stats(fd[1]);
	EXPECT_EQ(v1.used, 0) TH_LOG("VRAM nobody tracks was left behind");
	/*
	 * One move: drm_pagemap brings the whole 2 MiB allocation home with
	 * the first half, and the second half, found in RAM when its turn
	 * comes, made no room and is not counted (coordinator DOC: Eviction).
	 */
	EXPECT_EQ(s1.mgr[DRM_VSVM_STAT_EVICTIONS_RAM] -
		  s0.mgr[DRM_VSVM_STAT_EVICTIONS_RAM], 1);
	ASSERT_EQ(check(buf, SZ_2M, 17), -1);
	close(fd0);
	free(want);
	free(got);
	munmap(buf, 2 * SZ_2M);
}

TEST_F(vram, attr_split_keeps_vram)
{
	attr_split(_metadata, self->fd, false);
}

TEST_F(vram, attr_split_huge_device_folio)
{
	attr_split(_metadata, self->fd, true);
}

/* Evict GPU @fd's VRAM as its driver would on its own: 0 or -errno. */
static int vram_evict(int fd, struct drm_vsvm_vram_evict *e)
{
	memset(e, 0, sizeof(*e));
	return xioctl(fd, DRM_IOCTL_VSVM_VRAM_EVICT, e);
}

/*
 * A driver evicts its VRAM on its own, as TTM does under memory pressure,
 * on suspend or on device removal: drm_pagemap_evict_to_ram(), behind the
 * coordinator's back (DRM_IOCTL_VSVM_VRAM_EVICT). The coordinator must
 * follow (its DOC: Eviction, "Moves behind the coordinator's back"):
 *
 * 1. RANGE_INFO says system memory right after the eviction, when asked;
 * 2. the GPUs that mapped the VRAM lost their entries before it was freed,
 *    and read the data from system memory afterwards, every byte intact
 *    (every GPU accesses the buffer in place, so only the prefetches and
 *    the driver move it), and a prefetch takes it back to GPU 0;
 * 3. when GPU 0's VRAM fills up again, the range its driver emptied, still
 *    on GPU 0's LRU, is no victim: it made no room. Only the ranges that
 *    do not fit are counted as evicted, and the range records no eviction.
 *
 * In small pages the driver's eviction invalidates page by page: a range a
 * GPU maps loses its pages one by one and is retired (see Splitting), the
 * next access makes a new one; a range no GPU maps (1 and 3) keeps them.
 * A huge device folio goes in one invalidation.
 */
static void driver_evict(struct __test_metadata *_metadata, const int *fd,
			 bool huge)
{
	struct drm_vsvm_vram v0 = vram(fd[0]), v1;
	unsigned long per_gpu = v0.size / SZ_2M, n = per_gpu + 1, i;
	char *buf = alloc_aligned(SZ_2M), *other;
	struct drm_vsvm_stats s0, s1, s2;
	struct drm_vsvm_pt_verify pv;
	struct drm_vsvm_vram_evict e;
	struct drm_vsvm_range_info r;
	long long evictions;
	int g;

	/* Every earlier test gave its VRAM back when its process exited. */
	ASSERT_EQ(v0.used, 0);
	ASSERT_EQ(vram(fd[1]).used, 0);
	ASSERT_NE(buf, NULL);
	ASSERT_EQ(madvise(buf, SZ_2M, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE), 0);
	fill(buf, SZ_2M, 50);
	if (huge)
		ASSERT_GE(anon_huge_kb(buf), 2048) TH_LOG("no huge page to move");
	for (g = 0; g < NGPUS; g++)
		ASSERT_EQ(set_attr(fd[0], buf, SZ_2M,
				   DRM_VSVM_ATTR_ACCESS_IN_PLACE, g), 0);

	/* 1. In GPU 0's VRAM, which its driver empties. */
	ASSERT_EQ(set_attr(fd[0], buf, SZ_2M, DRM_VSVM_ATTR_PREFETCH_LOC, 0), 0);
	r = range_info(fd[0], buf);
	ASSERT_EQ(r.loc, 0) TH_LOG("the prefetch left the data at %x", r.loc);
	ASSERT_EQ(vram(fd[0]).used, SZ_2M);
	v0 = vram(fd[0]);
	ASSERT_EQ(vram_evict(fd[0], &e), 0);
	r = range_info(fd[0], buf);
	v1 = vram(fd[0]);
	TH_LOG("driver eviction: %llu allocations, %llu bytes, %llu failed; range at %x",
	       e.evicted, e.bytes, e.failed, r.loc);
	/* All of it, in as many allocations as the moves made (TH_LOG). */
	EXPECT_GE(e.evicted, 1);
	EXPECT_EQ(e.bytes, SZ_2M);
	EXPECT_EQ(e.failed, 0);
	EXPECT_EQ(r.loc, DRM_VSVM_LOC_SYSMEM)
		TH_LOG("after the driver's eviction the data is said to be at %x",
		       r.loc);
	EXPECT_EQ(r.evictions, 0)
		TH_LOG("the driver's eviction was counted as the coordinator's");
	EXPECT_EQ(v1.used, 0)
		TH_LOG("%llu bytes of GPU 0's VRAM still in use", v1.used);
	EXPECT_EQ(v1.to_ram - v0.to_ram, SZ_2M);
	ASSERT_EQ(check(buf, SZ_2M, 50), -1)
		TH_LOG("the CPU reads wrong data after the eviction");

	/* 2. Back into GPU 0's VRAM; GPUs 0 and 1 map it there. */
	v0 = vram(fd[0]);
	ASSERT_EQ(set_attr(fd[0], buf, SZ_2M, DRM_VSVM_ATTR_PREFETCH_LOC, 0), 0);
	ASSERT_EQ(vram(fd[0]).to_vram - v0.to_vram, SZ_2M)
		TH_LOG("the prefetch back to GPU 0 moved nothing");
	ASSERT_EQ(range_info(fd[0], buf).loc, 0);
	ASSERT_EQ(gpu_check(fd[0], buf, SZ_2M, 50), -1);
	ASSERT_EQ(gpu_check(fd[1], buf, SZ_2M, 50), -1);
	ASSERT_EQ(pte_target(fd[0], buf), DRM_VSVM_PTE_TARGET_VRAM);
	ASSERT_EQ(pte_target(fd[1], buf), DRM_VSVM_PTE_TARGET_PEER_VRAM);
	ASSERT_EQ(vram_evict(fd[0], &e), 0);
	EXPECT_EQ(e.bytes, SZ_2M);
	EXPECT_EQ(e.failed, 0);
	EXPECT_EQ(vram(fd[0]).used, 0);
	EXPECT_EQ(pte_target(fd[0], buf), -1)
		TH_LOG("GPU 0 still maps the VRAM its driver emptied");
	EXPECT_EQ(pte_target(fd[1], buf), -1)
		TH_LOG("GPU 1 still maps the VRAM GPU 0's driver emptied");
	s1 = stats(fd[0]);	/* and the garbage collector is done */
	for (g = 0; g < NGPUS; g++) {
		ASSERT_EQ(pt_verify(fd[g], buf, SZ_2M, &pv), 0);
		EXPECT_TRUE(pt_safe(&pv) && !pv.valid)
			TH_LOG("GPU %d: %llu entries, %llu stale, %llu uncovered",
			       g, pv.valid, pv.stale, pv.uncovered);
	}
	for (g = 0; g < NGPUS; g++) {
		EXPECT_EQ(gpu_check(fd[g], buf, SZ_2M, 50), -1)
			TH_LOG("GPU %d reads wrong data after the eviction", g);
		EXPECT_EQ(pte_target(fd[g], buf), DRM_VSVM_PTE_TARGET_SYSTEM)
			TH_LOG("GPU %d does not read the data from system memory",
			       g);
	}
	s2 = stats(fd[0]);
	EXPECT_EQ(s2.mgr[DRM_VSVM_STAT_MIGRATIONS],
		  s1.mgr[DRM_VSVM_STAT_MIGRATIONS])
		TH_LOG("the GPUs' reads moved the data");
	r = range_info(fd[0], buf);
	EXPECT_EQ(r.loc, DRM_VSVM_LOC_SYSMEM)
		TH_LOG("after the GPUs read it, the coordinator says the data is at %x",
		       r.loc);
	ASSERT_EQ(check(buf, SZ_2M, 50), -1);

	/* 3. Back in GPU 0's VRAM, emptied by its driver, then VRAM fills. */
	ASSERT_EQ(set_attr(fd[0], buf, SZ_2M, DRM_VSVM_ATTR_PREFETCH_LOC, 0), 0);
	ASSERT_EQ(range_info(fd[0], buf).loc, 0);
	ASSERT_EQ(vram_evict(fd[0], &e), 0);
	ASSERT_EQ(e.bytes, SZ_2M);
	ASSERT_EQ(e.failed, 0);
	ASSERT_EQ(vram(fd[0]).used, 0);
	/* Nobody asks: the range stays on GPU 0's LRU, its location stale. */
	other = alloc_aligned(n * SZ_2M);
	ASSERT_NE(other, NULL);
	for (i = 0; i < n; i++)
		fill(other + i * SZ_2M, SZ_2M, 60 + i);
	s0 = stats(fd[0]);
	for (i = 0; i < n; i++)
		ASSERT_EQ(gpu_check(fd[0], other + i * SZ_2M, SZ_2M, 60 + i), -1)
			TH_LOG("range %lu of the other buffer read wrong through GPU 0",
			       i);
	s1 = stats(fd[0]);
	evictions = s1.gpu[DRM_VSVM_STAT_EVICTIONS_PEER] -
		    s0.gpu[DRM_VSVM_STAT_EVICTIONS_PEER] +
		    s1.gpu[DRM_VSVM_STAT_EVICTIONS_RAM] -
		    s0.gpu[DRM_VSVM_STAT_EVICTIONS_RAM];
	r = range_info(fd[0], buf);
	TH_LOG("%lu ranges of 2 MiB into %llu MiB of VRAM: %lld evictions",
	       n, v0.size >> 20, evictions);
	TH_LOG("the range its driver evicted: at %x, %u evictions", r.loc,
	       r.evictions);
	EXPECT_EQ(evictions, n - per_gpu)
		TH_LOG("%lld evictions for %lu ranges too many: one counted a range not in VRAM",
		       evictions, n - per_gpu);
	EXPECT_EQ(r.evictions, 0)
		TH_LOG("the range was evicted from a VRAM its driver had emptied");
	EXPECT_FALSE(r.nr_history > 0 && r.nr_history <= DRM_VSVM_HISTORY &&
		     r.history[r.nr_history - 1].evicted)
		TH_LOG("the range's last move is an eviction from %x to %x",
		       r.history[r.nr_history - 1].from,
		       r.history[r.nr_history - 1].to);
	EXPECT_EQ(r.loc, DRM_VSVM_LOC_SYSMEM);
	EXPECT_EQ(vram(fd[0]).used, v0.size);
	for (i = 0; i < n; i++)
		ASSERT_EQ(check(other + i * SZ_2M, SZ_2M, 60 + i), -1)
			TH_LOG("range %lu of the other buffer read wrong through the CPU",
			       i);
	ASSERT_EQ(check(buf, SZ_2M, 50), -1);
	munmap(other, n * SZ_2M);
	munmap(buf, SZ_2M);
}

TEST_F_TIMEOUT(vram, driver_evict, 300)
{
	driver_evict(_metadata, self->fd, false);
}

TEST_F_TIMEOUT(vram, driver_evict_huge, 300)
{
	driver_evict(_metadata, self->fd, true);
}

/* A process that exits with data in VRAM gives the VRAM back. */
TEST(exit_with_vram)
{
	struct drm_vsvm_vram before, after;
	int fd = open_gpu(3), status;
	pid_t pid;

	ASSERT_GE(fd, 0);
	if (!vram(fd).size)
		SKIP(return, "boot with vsvm.vram_mb");
	before = vram(fd);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		int cfd = open_gpu(3);
		char *p = alloc_aligned(4 * SZ_2M);

		if (cfd < 0 || !p || vsvm_attach(cfd, 0))
			_exit(1);
		fill(p, 4 * SZ_2M, 7);
		if (gpu_check(cfd, p, 4 * SZ_2M, 7) != -1 ||
		    vram(cfd).used < before.used + 4 * SZ_2M)
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	after = vram(fd);
	ASSERT_EQ(after.to_vram - before.to_vram, 4 * SZ_2M);
	ASSERT_EQ(after.used, before.used);
	close(fd);
}

TEST_HARNESS_MAIN
