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
 * 64 MiB of THP into /dev/hmm_dmirror0's memory, is killed, and this
 * process closes its own file of the device while the child exits, round
 * after round, with a different delay between the kill and the close
 * (not a synchronisation: it moves the kill over the eviction). Each
 * round checks that the child was killed, not crashed, and that the
 * kernel reported no bug or warning meanwhile (/dev/kmsg: KASAN reports a
 * use of freed memory there, as it did before mm/migrate_device.c pinned
 * the anon_vma).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#define ROUNDS		12

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

TEST(evict_while_owner_exits)
{
	char rec[1024], *report;
	int kmsg, round;

	if (access(DEVICE, R_OK | W_OK))
		SKIP(return, DEVICE " is not there (test_hmm not loaded)");
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, kmsg);
	ASSERT_LE(0, lseek(kmsg, 0, SEEK_END));

	for (round = 0; round < ROUNDS; round++) {
		struct timespec delay = {
			/* The kill lands before, during or after the eviction. */
			.tv_nsec = (round * 37000000L) % 400000000L,
		};
		int ready[2], status, fd;
		char c;
		pid_t pid;

		ASSERT_EQ(0, pipe(ready));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
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
		ASSERT_EQ(0, kill(pid, SIGKILL));
		nanosleep(&delay, NULL);
		/* test_hmm's release evicts every chunk of the device. */
		ASSERT_EQ(0, close(fd));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			TH_LOG("round %d: the child ended with status %#x, not killed",
			       round, status);
		report = kernel_report(kmsg, rec, sizeof(rec));
		ASSERT_EQ(NULL, report)
			TH_LOG("round %d: the kernel reported: %s", round, report);
	}
	close(kmsg);
}

TEST_HARNESS_MAIN
