// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * Device memory evicted while the process that maps it exits. A driver
 * that frees device memory (unbind, release, drm_pagemap's eviction)
 * moves what the memory holds back to RAM with migrate_device_range() or
 * migrate_device_pfns(), from a context that holds no lock of the
 * processes mapping it. One of them may exit meanwhile and free the
 * anon_vma that migrate_device_finalize() walks to remove its migration
 * entries.
 *
 * test_hmm's release evicts every chunk of its device: a child moves
 * 64 MiB of THP into /dev/hmm_dmirror0's memory, and this process closes
 * its own file of the device while a thread kills the child, round after
 * round. The kill comes at a different point of the close each round, a
 * fraction of the time the close before took (not a synchronisation: it
 * moves the exit over the eviction), so that the child's exit unmaps its
 * pages before the eviction locks them, while it copies them and after.
 * Each round checks that the child was killed, not crashed, and that the
 * kernel reported no bug or warning meanwhile (/dev/kmsg: KASAN reports a
 * use of freed memory there, as it did before mm/migrate_device.c kept
 * the anon_vma; without KASAN the freed anon_vma is used silently).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../../../lib/test_hmm_uapi.h"

#define DEVICE		"/dev/hmm_dmirror0"
#define SPAN		(64UL << 20)
#define HPAGE		(2UL << 20)
#define ROUNDS		24
#define SPREAD		8	/* kill points over one close */

/* Moves SPAN of THP into the device, says so on @ready, waits to be killed. */
static void child(int ready)
{
	struct hmm_dmirror_cmd cmd = { 0 };
	char *map, *buf, *mirror;
	int fd;

	fd = open(DEVICE, O_RDWR);
	map = mmap(NULL, SPAN + HPAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mirror = malloc(SPAN);
	if (fd < 0 || map == MAP_FAILED || !mirror)
		_exit(2);
	buf = (char *)(((uintptr_t)map + HPAGE - 1) & ~(HPAGE - 1));
	madvise(buf, SPAN, MADV_HUGEPAGE);
	memset(buf, 0x5a, SPAN);
	cmd.addr = (uintptr_t)buf;
	cmd.ptr = (uintptr_t)mirror;
	cmd.npages = SPAN / getpagesize();
	if (ioctl(fd, HMM_DMIRROR_MIGRATE_TO_DEV, &cmd) || cmd.cpages != cmd.npages)
		_exit(3);
	if (write(ready, "m", 1) != 1)
		_exit(4);
	for (;;)
		pause();
}

/* Returns the first kernel report of a bug or warning since @kmsg was opened. */
static char *kernel_report(int kmsg, char *rec, size_t len)
{
	ssize_t n;

	while ((n = read(kmsg, rec, len - 1)) != 0) {
		if (n < 0) {
			if (errno == EPIPE)	/* overwritten records */
				continue;
			return NULL;		/* EAGAIN: no more */
		}
		rec[n] = '\0';
		if (strstr(rec, "BUG:") || strstr(rec, "WARNING:") ||
		    strstr(rec, "Oops") || strstr(rec, "general protection"))
			return rec;
	}
	return NULL;
}

/* What the killer thread kills, and after how long. */
struct killer {
	pid_t pid;
	struct timespec delay;
	int err;
};

static void *kill_main(void *arg)
{
	struct killer *k = arg;

	nanosleep(&k->delay, NULL);
	k->err = kill(k->pid, SIGKILL) ? errno : 0;
	return NULL;
}

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

TEST(evict_while_owner_exits)
{
	long long close_ns = 0, t0;
	char rec[1024], *report;
	int kmsg, round;

	if (access(DEVICE, R_OK | W_OK))
		SKIP(return, DEVICE " is not there (test_hmm not loaded)");
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, lseek(kmsg, 0, SEEK_END));

	for (round = 0; round < ROUNDS; round++) {
		/* 0 to 7/8 of the last close's time after the close starts. */
		long long d = close_ns * (round % SPREAD) / SPREAD;
		struct killer k = {
			.delay = { d / 1000000000LL, d % 1000000000LL },
		};
		int ready[2], status, fd;
		pthread_t t;
		char c;

		ASSERT_EQ(0, pipe(ready));
		k.pid = fork();
		ASSERT_LE(0, k.pid);
		if (!k.pid) {
			close(ready[0]);
			child(ready[1]);
		}
		close(ready[1]);
		ASSERT_EQ(1, read(ready[0], &c, 1))
			TH_LOG("round %d: the child did not move its pages to the device",
			       round);
		close(ready[0]);

		fd = open(DEVICE, O_RDWR);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, pthread_create(&t, NULL, kill_main, &k));
		/* test_hmm's release evicts every chunk of the device. */
		t0 = now_ns();
		ASSERT_EQ(0, close(fd));
		close_ns = now_ns() - t0;
		ASSERT_EQ(0, pthread_join(t, NULL));
		ASSERT_EQ(0, k.err) TH_LOG("round %d: kill: %s", round, strerror(k.err));
		ASSERT_EQ(k.pid, waitpid(k.pid, &status, 0));
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			TH_LOG("round %d: the child ended with status %#x, not killed",
			       round, status);
		report = kernel_report(kmsg, rec, sizeof(rec));
		ASSERT_EQ(NULL, report)
			TH_LOG("round %d: the kernel reported: %s", round, report);
		if (round == ROUNDS - 1)
			TH_LOG("%d rounds, the last close took %lld us, its kill after %lld us",
			       ROUNDS, close_ns / 1000, d / 1000);
	}
	close(kmsg);
}

TEST_HARNESS_MAIN
