// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * Fault injection over every site the coordinator and vsvm mark with
 * ALLOW_ERROR_INJECTION(): the allocations of the coordinator (manager,
 * notifiers, ranges, pfn arrays, per-GPU page state, split pieces, the
 * notifier's second pass, attribute tree updates),
 * hmm_range_fault() as the coordinator calls it, and the backend calls of
 * the virtual GPU (open, page-table preparation and writes, unmap, VRAM
 * allocation, its pfns, the copy engine in both directions).
 *
 * For each site found in /sys/kernel/debug/fail_function/injectable and
 * for N = 1 .. K, fail_function fails the Nth call of the site's function
 * (system-wide, so the coordinator's workers count too) with -ENOMEM, or
 * NULL for allocators that return one, while a child process runs a fixed
 * workload: open and attach three GPUs (two with VRAM, one that cannot
 * fault), GPU reads and writes, attributes, prefetch into either VRAM and
 * back, a peer read, CPU reads of VRAM pages, a map ahead of use on the
 * GPU that cannot fault, a 4 KiB munmap() that splits a range. The
 * workload checks:
 *   - every call either succeeds or fails with an errno its interface
 *     documents for a failure of this kind (ENOMEM; EBUSY for an access
 *     whose retries ran out; EFAULT for the GPU that cannot fault, which
 *     loses a mapping that could not be restored; SIGBUS for a CPU fault
 *     whose copy out of VRAM failed, as drm_pagemap returns it), and
 *     succeeds when tried again once the injection is spent;
 *   - at the end every byte, read by the CPU and by each GPU, holds what
 *     the model says, and every GPU page table passes PT_VERIFY;
 *   - once the workload's process is reaped, no VRAM is left allocated
 *     (an allocation the driver still lists is no leak kmemleak sees).
 * A site whose first call is never reached by the workload fails its test:
 * the campaign would no longer cover it. Leaks, KASAN, lockdep and warning
 * reports are the harness's to find in the kernel log (soak boot).
 *
 * Options:
 *   --depth K       fail the 1st .. Kth call of each site (default 2)
 *   --site NAME     only this site (repeatable)
 *   --verbose       log each step of each workload
 *
 * Needs a kernel with CONFIG_FAIL_FUNCTION and two vsvm GPUs with VRAM
 * plus one that cannot fault (the soak boot: vsvm.vram_mb=32
 * vsvm.topology=pairs vsvm.no_fault=0x10 with five GPUs); skips otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "vsvm-lib.h"

#define FF		"/sys/kernel/debug/fail_function"
#define BUF_SIZE	(4ul << 20)
#define TRIES		5
#define MAX_SITES	64
#define MAX_ERRNO_SEEN	256
#define WORKLOAD_TIMEOUT_S	300

/*
 * The sites the coordinator and vsvm mark: a missing one is a site the
 * kernel lost (renamed, inlined, its marker dropped) and fails the run.
 */
static const char *const expected_sites[] = {
	"drm_svm_coord_alloc_notifier", "drm_svm_coord_attach",
	"coord_notifier_find_or_insert", "drm_svm_coord_range_alloc",
	"drm_svm_coord_range_pfns_alloc", "drm_svm_coord_range_fault_pages",
	"coord_range_pages", "coord_split_alloc", "coord_finish_alloc",
	"drm_svm_coord_attr_tree_set",
	"vsvm_open", "vsvm_prepare", "vsvm_map", "vsvm_unmap",
	"vsvm_devmem_alloc", "vsvm_populate_devmem_pfn",
	"vsvm_copy_to_devmem", "vsvm_copy_to_ram",
};

/* What a child tells the parent, in shared memory. */
struct report {
	unsigned int errnos[MAX_ERRNO_SEEN];	/* failed calls by errno */
	unsigned int sigbus;			/* CPU reads that got SIGBUS */
	unsigned int calls;			/* calls made */
	char why[512];				/* first failure of the check */
};

static struct report *rep;
static bool verbose;

struct gpu {
	char path[32];
	int fd;
	unsigned int gpu, index;
	bool can_fault;
	__u64 vram;
};

static struct gpu g0, g1, nf;	/* VRAM, VRAM, cannot fault */
static unsigned char *buf, *model;

/* Say why the check failed, unless an earlier failure did: -1. */
static __printf(1, 2) int fail(const char *fmt, ...)
{
	va_list ap;

	if (!rep->why[0]) {
		va_start(ap, fmt);
		vsnprintf(rep->why, sizeof(rep->why), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void step(const char *what)
{
	if (verbose)
		ksft_print_msg("  %s\n", what);
}

/*
 * One call, tried again while it fails with an errno of @ok (a -1
 * terminated list) and at most TRIES times: 0 once it succeeded.
 */
static int retry(const char *what, int (*call)(void *), void *arg,
		 const int *ok)
{
	int i, err = 0, j;

	for (i = 0; i < TRIES; i++) {
		rep->calls++;
		err = call(arg);
		if (!err)
			return 0;
		if (-err < MAX_ERRNO_SEEN)
			rep->errnos[-err]++;
		for (j = 0; ok[j] >= 0 && ok[j] != -err; j++)
			;
		if (ok[j] < 0)
			return fail("%s: unexpected error %s", what, strerror(-err));
	}
	return fail("%s: still failing after %d tries (%s)", what, TRIES,
	     strerror(-err));
}

static const int ok_nomem[] = { ENOMEM, -1 };
static const int ok_access[] = { ENOMEM, EBUSY, -1 };
/* A map ahead copies data out of VRAM, which may fail: EIO. */
static const int ok_map[] = { ENOMEM, EIO, -1 };

/* Open and attach. */
static int do_open(void *arg)
{
	struct gpu *g = arg;

	g->fd = open(g->path, O_RDWR | O_CLOEXEC);
	return g->fd < 0 ? -errno : 0;
}

static int do_attach(void *arg)
{
	struct gpu *g = arg;
	struct drm_vsvm_info info;
	int err;

	err = vsvm_attach(g->fd, 0);
	if (err)
		return err;
	err = xioctl(g->fd, DRM_IOCTL_VSVM_INFO, &info);
	g->index = info.index;
	return err;
}

struct io {
	struct gpu *g;
	__u32 op;
	size_t off, len;
	unsigned char *data;
	__u32 type, value;
};

static int do_access(void *arg)
{
	struct io *io = arg;

	return gpu_access(io->g->fd, io->op, buf + io->off, io->len,
			  io->data, 0);
}

static int do_attr(void *arg)
{
	struct io *io = arg;

	return set_attr(io->g->fd, buf + io->off, io->len, io->type,
			io->value);
}

static int do_map(void *arg)
{
	struct io *io = arg;
	struct drm_vsvm_map m = {
		.start = (uintptr_t)buf + io->off, .size = io->len,
	};

	return xioctl(io->g->fd, DRM_IOCTL_VSVM_MAP, &m);
}

static int set_attr_retry(struct gpu *g, size_t off, size_t len,
			  __u32 type, __u32 value, const char *what)
{
	struct io io = { .g = g, .off = off, .len = len, .type = type,
			 .value = value };

	step(what);
	return retry(what, do_attr, &io, ok_nomem);
}

static int gpu_write(struct gpu *g, size_t off, size_t len, unsigned int seed)
{
	struct io io = { .g = g, .op = DRM_VSVM_ACCESS_WRITE, .off = off,
			 .len = len, .data = malloc(len) };
	size_t i;
	int err;

	if (!io.data)
		return fail("out of memory");
	for (i = 0; i < len; i++)
		io.data[i] = (unsigned char)((off + i) * 7 + seed);
	step("GPU write");
	/* A failed write may have written some pages: tried whole again. */
	err = retry("GPU write", do_access, &io, ok_access);
	if (!err)
		memcpy(model + off, io.data, len);
	free(io.data);
	return err;
}

/* A read through @g compared with the model; for @nf, maps first. */
static int gpu_check(struct gpu *g, size_t off, size_t len, const char *what)
{
	struct io io = { .g = g, .op = DRM_VSVM_ACCESS_READ, .off = off,
			 .len = len, .data = malloc(len) };
	int i, err = -EFAULT;
	size_t k;

	if (!io.data)
		return fail("out of memory");
	step(what);
	if (g->can_fault) {
		err = retry(what, do_access, &io, ok_access);
	} else {
		/*
		 * A GPU that cannot fault fails with EFAULT where the
		 * coordinator could not restore a mapping it lost: map it
		 * again, as its user would after the queue's error.
		 */
		for (i = 0; i < TRIES && err; i++) {
			err = retry("map (cannot fault)", do_map, &io, ok_map);
			if (err)
				break;
			rep->calls++;
			err = do_access(&io);
			if (err && -err < MAX_ERRNO_SEEN)
				rep->errnos[-err]++;
			if (err && err != -EFAULT) {
				free(io.data);
				return fail("%s: unexpected error %s", what,
				     strerror(-err));
			}
		}
		if (err && !rep->why[0])
			snprintf(rep->why, sizeof(rep->why),
				 "%s: still failing after %d maps (%s)", what,
				 TRIES, strerror(-err));
	}
	if (!err) {
		for (k = 0; k < len && io.data[k] == model[off + k]; k++)
			;
		if (k < len) {
			snprintf(rep->why, sizeof(rep->why),
				 "%s: GPU %u read 0x%02x at offset 0x%zx, expected 0x%02x",
				 what, g->gpu, io.data[k], off + k,
				 model[off + k]);
			err = -1;
		}
	}
	free(io.data);
	return err ? -1 : 0;
}

static sigjmp_buf sigbus_jmp;
/* cpu_check()'s state, in memory across siglongjmp() (no volatile local). */
static unsigned int sigbus_tries;
static size_t sigbus_at;

static void on_sigbus(int sig)
{
	siglongjmp(sigbus_jmp, 1);
}

/*
 * The CPU reads [off, off + len) and compares. A CPU fault whose copy out
 * of VRAM failed raises SIGBUS (drm_pagemap's migrate_to_ram): counted and
 * read again.
 */
static int cpu_check(size_t off, size_t len, const char *what)
{
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	size_t k;

	step(what);
	sigbus_tries = 0;
	sigbus_at = 0;
	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(sigbus_jmp, 1)) {
		rep->sigbus++;
		if (++sigbus_tries >= TRIES) {
			sigaction(SIGBUS, &old, NULL);
			return fail("%s: SIGBUS %d times", what, TRIES);
		}
	}
	for (k = sigbus_at; k < len; k++) {
		sigbus_at = k;
		if (__atomic_load_n(buf + off + k, __ATOMIC_RELAXED) !=
		    model[off + k])
			break;
	}
	sigaction(SIGBUS, &old, NULL);
	if (k < len)
		return fail("%s: the CPU read 0x%02x at offset 0x%zx, expected 0x%02x",
			    what, buf[off + k], off + k, model[off + k]);
	return 0;
}

static int pt_check(struct gpu *g)
{
	struct drm_vsvm_pt_verify v;
	int err;

	err = pt_verify(g->fd, buf, BUF_SIZE, &v);
	if (err)
		return fail("PT_VERIFY on GPU %u: %s", g->gpu, strerror(-err));
	if (!pt_safe(&v))
		return fail("GPU %u page table: %llu uncovered, %llu stale, %llu too writable",
		     g->gpu, (unsigned long long)v.uncovered,
		     (unsigned long long)v.stale,
		     (unsigned long long)v.excess_write);
	return 0;
}

/* The fixed workload; 0 when every check passed. */
static int workload(void)
{
	const size_t hole = (1ul << 20);	/* the 4 KiB cut */
	struct gpu *gs[] = { &g0, &g1, &nf };
	struct io all = { .off = 0, .len = BUF_SIZE };
	unsigned int i;
	size_t k;

	for (i = 0; i < 3; i++) {
		step("open");
		if (retry("open", do_open, gs[i], ok_nomem))
			return -1;
		step("attach");
		if (retry("attach", do_attach, gs[i], ok_nomem))
			return -1;
	}

	buf = (unsigned char *)alloc_aligned(BUF_SIZE);
	model = malloc(BUF_SIZE);
	if (!buf || !model)
		return fail("out of memory");
	/*
	 * Small pages, so that the 4 KiB cut below splits a range: cutting a
	 * huge page first splits its PMD, an invalidation of all 2 MiB that
	 * takes the whole range from every GPU, and nothing is split. With
	 * THP allowed, coord_split_alloc() went unreached in one CI run (data
	 * that comes home from VRAM may come as a huge page).
	 */
	if (madvise(buf, BUF_SIZE, MADV_NOHUGEPAGE))
		return fail("MADV_NOHUGEPAGE: %s", strerror(errno));
	for (k = 0; k < BUF_SIZE; k++)
		model[k] = (unsigned char)(k * 31 + 5);
	memcpy(buf, model, BUF_SIZE);

	/* Faults on both GPUs, a write seen by the other. */
	if (gpu_check(&g0, 0, BUF_SIZE, "GPU 0 reads all") ||
	    gpu_write(&g1, 0, 1ul << 20, 1) ||
	    gpu_check(&g0, 0, 2ul << 20, "GPU 0 reads GPU 1's write"))
		return -1;

	/* Into GPU 0's VRAM, read by its peer and by the CPU. */
	if (set_attr_retry(&g0, 0, 2ul << 20, DRM_VSVM_ATTR_PREFERRED_LOC,
			   g0.index, "preferred location GPU 0") ||
	    set_attr_retry(&g0, 0, 2ul << 20, DRM_VSVM_ATTR_PREFETCH_LOC,
			   g0.index, "prefetch to GPU 0") ||
	    gpu_write(&g0, 4096, 8192, 2) ||
	    gpu_check(&g1, 0, 2ul << 20, "GPU 1 reads GPU 0's VRAM") ||
	    cpu_check(0, 2ul << 20, "CPU reads what was in VRAM"))
		return -1;

	/* Into GPU 1's VRAM, written by GPU 0, back to system memory. */
	if (set_attr_retry(&g1, 2ul << 20, 2ul << 20,
			   DRM_VSVM_ATTR_PREFETCH_LOC, g1.index,
			   "prefetch to GPU 1") ||
	    gpu_write(&g0, 2ul << 20, 1ul << 20, 3) ||
	    set_attr_retry(&g1, 2ul << 20, 2ul << 20,
			   DRM_VSVM_ATTR_PREFETCH_LOC, DRM_VSVM_LOC_SYSMEM,
			   "prefetch to system memory"))
		return -1;

	/* The GPU that cannot fault maps ahead and reads. */
	all.g = &nf;
	step("map ahead (cannot fault)");
	if (retry("map ahead", do_map, &all, ok_map) ||
	    gpu_check(&nf, 0, BUF_SIZE, "GPU that cannot fault reads all"))
		return -1;

	/* A 4 KiB cut: split ranges, every GPU keeps the rest. */
	step("munmap 4 KiB");
	if (munmap(buf + hole, 4096))
		return fail("munmap: %s", strerror(errno));
	if (gpu_check(&g0, 0, hole, "GPU 0 reads below the cut") ||
	    gpu_check(&g1, hole + 4096, BUF_SIZE - hole - 4096,
		      "GPU 1 reads above the cut") ||
	    gpu_check(&nf, 0, hole, "GPU that cannot fault reads below") ||
	    gpu_check(&nf, hole + 4096, BUF_SIZE - hole - 4096,
		      "GPU that cannot fault reads above"))
		return -1;

	/* Everything, by everyone. */
	if (cpu_check(0, hole, "CPU reads below the cut") ||
	    cpu_check(hole + 4096, BUF_SIZE - hole - 4096,
		      "CPU reads above the cut"))
		return -1;
	for (i = 0; i < 3; i++)
		if (gpu_check(gs[i], 0, hole, "final read below the cut") ||
		    gpu_check(gs[i], hole + 4096, BUF_SIZE - hole - 4096,
			      "final read above the cut"))
			return -1;
	for (i = 0; i < 3; i++)
		if (pt_check(gs[i]))
			return -1;
	return 0;
}

/* Write @v to fail_function's file @name: 0 or -errno. */
static int ff_write(const char *name, const char *v)
{
	char path[256];

	snprintf(path, sizeof(path), FF "/%s", name);
	return write_str(path, v);
}

static long ff_read(const char *name)
{
	char path[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), FF "/%s", name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/*
 * Fail the @nth call of @site from now on, and the @times - 1 after it,
 * returning @retval.
 */
static int arm_retval(const char *site, long retval, unsigned int nth,
		      unsigned int times)
{
	char path[256], v[32];
	int err;

	err = ff_write("inject", site);
	if (err)
		return err;
	/* retval takes an unsigned 64-bit number. */
	snprintf(path, sizeof(path), "%s/retval", site);
	snprintf(v, sizeof(v), "%#lx", (unsigned long)retval);
	err = ff_write(path, v);
	snprintf(v, sizeof(v), "%u", nth);	/* the nth call passes space */
	err = err ?: ff_write("space", v);
	err = err ?: ff_write("probability", "100");
	err = err ?: ff_write("interval", "1");
	err = err ?: ff_write("verbose", "0");
	snprintf(v, sizeof(v), "%u", times);
	err = err ?: ff_write("times", v);
	return err;
}

/* ERRNO sites fail with -ENOMEM, NULL sites with NULL (their only failure). */
static int arm(const char *site, const char *type, unsigned int nth,
	       unsigned int times)
{
	return arm_retval(site, strcmp(type, "NULL") ? -ENOMEM : 0, nth, times);
}

static void disarm(void)
{
	ff_write("times", "0");
	ff_write("inject", "\n");	/* blank: remove every site */
}

static int flush(struct gpu *g)
{
	struct drm_vsvm_stats st = { .flags = DRM_VSVM_STATS_FLUSH };

	return xioctl(g->fd, DRM_IOCTL_VSVM_STATS, &st);
}

/* Where the range of @addr is and who maps it, for a failure message. */
static const char *range_str(struct gpu *g, void *addr)
{
	static char out[512];
	struct drm_vsvm_range_info r = { .addr = (uintptr_t)addr };
	struct drm_vsvm_stats st = { 0 };
	size_t n;
	__u32 i;

	if (xioctl(g->fd, DRM_IOCTL_VSVM_RANGE_INFO, &r) ||
	    xioctl(g->fd, DRM_IOCTL_VSVM_STATS, &st))
		return "no range info";
	n = snprintf(out, sizeof(out),
		     "GPU %u index %u, GPU %u index %u; range loc %d rule %u mapped 0x%llx, %u migrations; %llu restore runs, %llu failures",
		     g0.gpu, g0.index, nf.gpu, nf.index, (int)r.loc, r.rule,
		     (unsigned long long)r.mapped, r.migrations,
		     (unsigned long long)st.mgr[DRM_VSVM_STAT_RESTORE_RUNS],
		     (unsigned long long)st.mgr[DRM_VSVM_STAT_RESTORE_FAILURES]);
	/* The moves, oldest first: from>to by rule, for GPU. */
	for (i = 0; i < r.nr_history && i < DRM_VSVM_HISTORY && n < sizeof(out); i++)
		n += snprintf(out + n, sizeof(out) - n, "%s%d>%d rule %u gpu %u",
			      i ? ", " : "; moves ", (int)r.history[i].from,
			      (int)r.history[i].to, r.history[i].rule,
			      r.history[i].gpu);
	return out;
}

/*
 * The copy out of VRAM fails while the GPU that cannot fault gets its
 * entries back. It maps 2 MiB on request (they move into its own VRAM);
 * GPU 0's write moves them into GPU 0's VRAM, out of its reach, and takes
 * its entries; the restore worker must bring the data home to map it
 * again (vsvm-migrate's restore_unreachable_goes_home). The copies out
 * of VRAM fail from the 2nd on, RESTORE_COPY_FAILS of them: in each of
 * the coordinator's COORD_FAULT_TRIES tries of the fault, the move the
 * placement decides (a failed move leaves the data where it is, to be
 * mapped there), then the one hmm_range_fault() makes for a GPU that does
 * not reach the VRAM. The worker must try again later: the GPU's next
 * read, with no map request of its own, must succeed with GPU 0's bytes.
 * (The coordinator took hmm_range_fault()'s -EFAULT for the failed copy
 * as "no VMA here", counted the range restored, and the read was a fatal
 * fault.)
 */
#define COORD_FAULT_TRIES	4	/* DOC "Fault path", 4a: 1 + 3 */
#define RESTORE_COPY_FAILS	(2 * COORD_FAULT_TRIES)

static int restore_copy_workload(void)
{
	const size_t len = 2ul << 20;
	struct io all = { .g = &nf, .off = 0, .len = len };
	struct io rd = { .g = &nf, .op = DRM_VSVM_ACCESS_READ, .off = 0,
			 .len = len };
	struct io wr = { .g = &g0, .op = DRM_VSVM_ACCESS_WRITE, .off = 0,
			 .len = len };
	struct drm_vsvm_stats st = { 0 };
	struct gpu *gs[] = { &g0, &nf };
	unsigned int i;
	size_t k;
	long left;
	int err;

	for (i = 0; i < 2; i++) {
		if (do_open(gs[i]) || do_attach(gs[i]))
			return fail("open and attach GPU %u", gs[i]->gpu);
	}
	buf = (unsigned char *)alloc_aligned(BUF_SIZE);
	model = malloc(BUF_SIZE);
	rd.data = malloc(len);
	wr.data = malloc(len);
	if (!buf || !model || !rd.data || !wr.data)
		return fail("out of memory");
	for (k = 0; k < BUF_SIZE; k++)
		model[k] = (unsigned char)(k * 13 + 1);
	memcpy(buf, model, BUF_SIZE);
	for (k = 0; k < len; k++)
		wr.data[k] = (unsigned char)(k * 7 + 3);
	err = do_map(&all);
	if (err)
		return fail("GPU %u map: %s", nf.gpu, strerror(-err));

	if (arm("vsvm_copy_to_ram", "ERRNO", 2, RESTORE_COPY_FAILS))
		return fail("cannot arm fail_function");
	err = do_access(&wr);
	if (err)
		return fail("GPU %u write: %s", g0.gpu, strerror(-err));
	memcpy(model, wr.data, len);
	err = flush(&nf);
	left = ff_read("times");
	disarm();
	if (err)
		return fail("flush: %s", strerror(-err));
	if (left)
		return fail("%ld of %d failures not injected: < %d copies out of VRAM (%s)",
			    left, RESTORE_COPY_FAILS, RESTORE_COPY_FAILS + 1,
			    range_str(&nf, buf));
	/* The restore worker itself met a failure, and tried again. */
	err = xioctl(nf.fd, DRM_IOCTL_VSVM_STATS, &st);
	if (err)
		return fail("stats: %s", strerror(-err));
	if (st.mgr[DRM_VSVM_STAT_RESTORE_FAILURES] < 1 ||
	    st.mgr[DRM_VSVM_STAT_RESTORE_RUNS] < 2)
		return fail("no failed restore tried again (%s)", range_str(&nf, buf));

	err = do_access(&rd);
	if (err)
		return fail("GPU %u read after the failed copy: %s (%s)",
			    nf.gpu, strerror(-err), range_str(&nf, buf));
	for (k = 0; k < len && rd.data[k] == model[k]; k++)
		;
	if (k < len)
		return fail("GPU %u read 0x%02x at offset 0x%zx, expected 0x%02x (%s)",
			    nf.gpu, rd.data[k], k, model[k], range_str(&nf, buf));
	if (verbose)
		ksft_print_msg("  %s\n", range_str(&nf, buf));
	return pt_check(&nf);
}

/*
 * The walk finds no VMA for a moment: hmm_range_fault() answers -EFAULT
 * when a munmap() and an mmap() at the same place (vsvm-stress's churn),
 * or an mprotect() there and back, fall between the coordinator's look at
 * the VMA and its walk. Once such -EFAULT is injected into the fault of
 * GPU 0's read, with the data in GPU 0's VRAM, then in system memory, the
 * VMA as it was: the read must look again and succeed. (The coordinator
 * took it for a failed copy out of VRAM when the data was in device
 * memory, -EIO: the stress's GPU writes of churn pages failed with EIO.)
 */
static int transient_efault_workload(void)
{
	const size_t len = 2ul << 20;
	const char *const site = "drm_svm_coord_range_fault_pages";
	struct io rd = { .g = &g0, .op = DRM_VSVM_ACCESS_READ, .off = 0,
			 .len = len };
	struct io wr = { .g = &g0, .op = DRM_VSVM_ACCESS_WRITE, .off = 0,
			 .len = len };
	struct drm_vsvm_pt_drop d = { .addr = 0, .size = len };
	unsigned int where;
	size_t k;
	long left;
	int err;

	if (do_open(&g0) || do_attach(&g0))
		return fail("open and attach GPU %u", g0.gpu);
	buf = (unsigned char *)alloc_aligned(BUF_SIZE);
	rd.data = malloc(len);
	wr.data = malloc(len);
	if (!buf || !rd.data || !wr.data)
		return fail("out of memory");
	d.addr = (uintptr_t)buf;
	for (k = 0; k < len; k++)
		wr.data[k] = (unsigned char)(k * 7 + 3);
	/* GPU 0's first touch moves the range into its VRAM. */
	err = do_access(&wr);
	if (err)
		return fail("GPU %u write: %s", g0.gpu, strerror(-err));

	for (where = 0; where < 2; where++) {
		struct drm_vsvm_range_info r = { .addr = (uintptr_t)buf };
		__u32 want = where ? DRM_VSVM_LOC_SYSMEM : g0.index;

		if (where) {
			/* Home, by a CPU read, and kept there. */
			err = set_attr(g0.fd, buf, len, DRM_VSVM_ATTR_PREFERRED_LOC,
				       DRM_VSVM_LOC_SYSMEM);
			if (err)
				return fail("preferred location: %s", strerror(-err));
			if (memcmp(buf, wr.data, len))
				return fail("the CPU reads other bytes than GPU %u wrote",
					    g0.gpu);
			err = do_access(&rd);
			if (err)
				return fail("GPU %u read: %s", g0.gpu, strerror(-err));
		}
		err = xioctl(g0.fd, DRM_IOCTL_VSVM_RANGE_INFO, &r);
		if (err || r.loc != want)
			return fail("the data is not where the test needs it (%s)",
				    range_str(&g0, buf));
		/* GPU 0 loses its entries: its next read faults. */
		err = xioctl(g0.fd, DRM_IOCTL_VSVM_PT_DROP, &d);
		if (err)
			return fail("PT_DROP: %s", strerror(-err));
		if (arm_retval(site, -EFAULT, 1, 1))
			return fail("cannot arm fail_function");
		memset(rd.data, 0xa5, len);
		err = do_access(&rd);
		left = ff_read("times");
		disarm();
		if (left)
			return fail("the read did not fault (%s)", range_str(&g0, buf));
		if (err)
			return fail("GPU %u read (data in %s), a walk found no VMA: %s (%s)",
				    g0.gpu, where ? "system memory" : "its VRAM",
				    strerror(-err), range_str(&g0, buf));
		for (k = 0; k < len && rd.data[k] == wr.data[k]; k++)
			;
		if (k < len)
			return fail("GPU %u read 0x%02x at offset 0x%zx, expected 0x%02x (%s)",
				    g0.gpu, rd.data[k], k, wr.data[k], range_str(&g0, buf));
	}
	return pt_check(&g0);
}

/* Run @workload in a child; 0 when it passed. */
static int run(int (*workload)(void))
{
	pid_t pid;
	int status;

	memset(rep, 0, sizeof(*rep));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		/* A workload that hangs dies, and says so, instead of the boot. */
		alarm(WORKLOAD_TIMEOUT_S);
		_exit(workload() ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	if (WIFSIGNALED(status)) {
		snprintf(rep->why, sizeof(rep->why), "workload killed by %s",
			 strsignal(WTERMSIG(status)));
		return -1;
	}
	return WEXITSTATUS(status) ? -1 : 0;
}

/*
 * VRAM still allocated on @g once the workload's process is gone (its
 * exit gives every page back before the parent reaps it): -1 with the
 * reason in rep->why if any.
 */
static int vram_left(struct gpu *g)
{
	struct drm_vsvm_vram v = { 0 };
	int fd = open(g->path, O_RDWR | O_CLOEXEC), err;

	if (fd < 0)
		return fail("open %s: %s", g->path, strerror(errno));
	err = xioctl(fd, DRM_IOCTL_VSVM_VRAM, &v);
	close(fd);
	if (err)
		return fail("VRAM of GPU %u: %s", g->gpu, strerror(-err));
	if (v.used)
		return fail("GPU %u holds %llu bytes of VRAM after the workload exited",
		     g->gpu, (unsigned long long)v.used);
	return 0;
}

static void errnos_str(char *out, size_t size)
{
	size_t n = 0;
	int e;

	out[0] = 0;
	for (e = 1; e < MAX_ERRNO_SEEN; e++)
		if (rep->errnos[e])
			n += snprintf(out + n, size - n, "%s%s x%u",
				      n ? ", " : "", strerrorname_np(e),
				      rep->errnos[e]);
	if (rep->sigbus)
		snprintf(out + n, size - n, "%sSIGBUS x%u", n ? ", " : "",
			 rep->sigbus);
}

/* Note @path as @g's if it is still free. */
static void pick(struct gpu *g, const char *path, unsigned int gpu,
		 uint64_t vram)
{
	if (g->gpu != ~0u)
		return;
	snprintf(g->path, sizeof(g->path), "%s", path);
	g->gpu = gpu;
	g->vram = vram;
}

/*
 * The render nodes of the first two GPUs with VRAM and of the first GPU
 * that cannot fault. Opened by path in the workload: open_gpu() would
 * go on to the next node when an injected failure hits the open.
 */
static int find_gpus(void)
{
	struct drm_vsvm_info info;
	char path[32];
	int i, fd;

	g0.gpu = ~0u;
	g1.gpu = ~0u;
	nf.gpu = ~0u;
	for (i = 128; i < 192; i++) {
		struct drm_vsvm_vram vram = { 0 };

		snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (xioctl(fd, DRM_IOCTL_VSVM_INFO, &info) ||
		    xioctl(fd, DRM_IOCTL_VSVM_VRAM, &vram)) {
			close(fd);
			continue;
		}
		close(fd);
		if (!(info.flags & DRM_VSVM_INFO_CAN_FAULT))
			pick(&nf, path, info.gpu, vram.size);
		else if (vram.size && g0.gpu == ~0u)
			pick(&g0, path, info.gpu, vram.size);
		else if (vram.size)
			pick(&g1, path, info.gpu, vram.size);
	}
	g0.can_fault = true;
	g1.can_fault = true;
	return g0.gpu != ~0u && g1.gpu != ~0u && nf.gpu != ~0u ? 0 : -1;
}

/* Whether @name is one of the @n sites in @names. */
static bool listed(char (*names)[64], unsigned int n, const char *name)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "depth", required_argument, NULL, 'd' },
		{ "site", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ }
	};
	char names[MAX_SITES][64], types[MAX_SITES][16], line[256], errs[512];
	const char *only[MAX_SITES];
	unsigned int depth = 2, nonly = 0, nsites = 0, i, j, n;
	unsigned int injections = 0, covered = 0;
	bool restore_test, efault_test;
	FILE *f;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			depth = strtoul(optarg, NULL, 0);
			break;
		case 's':
			if (nonly < MAX_SITES)
				only[nonly++] = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		default:
			fprintf(stderr, "usage: %s [--depth K] [--site NAME]... [--verbose]\n",
				argv[0]);
			return 2;
		}
	}

	ksft_print_header();
	if (access(FF, F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (access(FF "/injectable", R_OK)) {
		ksft_print_msg("no %s: a kernel without CONFIG_FAIL_FUNCTION\n", FF);
		ksft_set_plan(1);
		ksft_test_result_skip("fault injection\n");
		ksft_finished();
	}
	if (find_gpus()) {
		ksft_print_msg("needs two vsvm GPUs with VRAM and one that cannot fault\n");
		ksft_set_plan(1);
		ksft_test_result_skip("fault injection\n");
		ksft_finished();
	}
	ksft_print_msg("GPUs %u and %u with VRAM, GPU %u cannot fault; depth %u\n",
		       g0.gpu, g1.gpu, nf.gpu, depth);

	f = fopen(FF "/injectable", "r");
	while (f && fgets(line, sizeof(line), f) && nsites < MAX_SITES) {
		char name[64], type[16];

		if (sscanf(line, "%63s %15s", name, type) != 2)
			continue;
		for (i = 0; i < ARRAY_SIZE(expected_sites); i++)
			if (!strcmp(name, expected_sites[i]))
				break;
		if (i == ARRAY_SIZE(expected_sites) &&
		    strncmp(name, "drm_svm_coord", 13) &&
		    strncmp(name, "coord_", 6) && strncmp(name, "vsvm_", 5))
			continue;
		for (j = 0; j < nonly && strcmp(only[j], name); j++)
			;
		if (nonly && j == nonly)
			continue;
		snprintf(names[nsites], sizeof(names[0]), "%s", name);
		snprintf(types[nsites], sizeof(types[0]), "%s", type);
		nsites++;
	}
	if (f)
		fclose(f);

	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));

	/*
	 * The restore test fails copy_to_ram, the transient -EFAULT test the
	 * coordinator's walk: each with its site, or with every site.
	 */
	restore_test = listed(names, nsites, "vsvm_copy_to_ram");
	efault_test = listed(names, nsites, "drm_svm_coord_range_fault_pages");
	ksft_set_plan(2 + nsites + restore_test + efault_test);

	/* Every expected site is injectable. */
	n = 0;
	for (i = 0; !nonly && i < ARRAY_SIZE(expected_sites); i++) {
		if (!listed(names, nsites, expected_sites[i])) {
			ksft_print_msg("site %s is not in %s/injectable\n",
				       expected_sites[i], FF);
			n++;
		}
	}
	ksft_test_result(!n, "%u sites injectable, %u expected missing\n",
			 nsites, n);

	/* The workload itself passes; nothing stays armed after us. */
	disarm();
	atexit(disarm);
	if (run(workload) || vram_left(&g0) || vram_left(&g1) || vram_left(&nf))
		ksft_test_result_fail("workload without injection: %s\n", rep->why);
	else
		ksft_test_result_pass("workload without injection: %u calls\n",
				      rep->calls);

	for (i = 0; i < nsites; i++) {
		unsigned int hit = 0, bad = 0;

		for (n = 1; n <= depth; n++) {
			int err;

			if (arm(names[i], types[i], n, 1)) {
				ksft_print_msg("%s: cannot arm fail_function\n",
					       names[i]);
				disarm();
				bad++;
				break;
			}
			err = run(workload);
			if (!ff_read("times")) {
				hit++;
				injections++;
			}
			disarm();
			err = err ?: vram_left(&g0) ?: vram_left(&g1) ?: vram_left(&nf);
			errnos_str(errs, sizeof(errs));
			ksft_print_msg("%s N=%u: %s, %s; %s%s\n", names[i], n,
				       err ? "FAILED" : "passed",
				       hit == n ? "injected" : "not reached",
				       errs[0] ? "errors seen: " : "no error seen",
				       errs);
			if (err) {
				ksft_print_msg("  %s\n", rep->why);
				bad++;
			}
			if (hit < n)
				break;	/* fewer than n calls: deeper N neither */
		}
		if (hit)
			covered++;
		ksft_test_result(!bad && hit, "%s: %u injections%s\n", names[i],
				 hit, hit ? "" : ", never reached by the workload");
	}
	ksft_print_msg("fault injection: %u of %u sites covered, %u injections\n",
		       covered, nsites, injections);

	if (restore_test) {
		if (run(restore_copy_workload) || vram_left(&g0) || vram_left(&nf))
			ksft_test_result_fail("failed copy out of VRAM while restoring: %s\n",
					      rep->why);
		else
			ksft_test_result_pass("failed copy out of VRAM while restoring\n");
	}
	if (efault_test) {
		if (run(transient_efault_workload) || vram_left(&g0))
			ksft_test_result_fail("a walk that found no VMA once: %s\n", rep->why);
		else
			ksft_test_result_pass("a walk that found no VMA once\n");
	}
	disarm();
	ksft_finished();
}
