// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * vsvm-bench: the SVM coordinator against one upstream drm_gpusvm per GPU
 * (vsvm's baseline mode, which follows xe_svm.c), on the same virtual GPUs
 * and the same workload, measured in the same run.
 *
 *   vsvm-bench --check   small runs, N = 1 and 4 (2 with VRAM):
 *                        assert the count relations (kselftest output,
 *                        for make check)
 *   vsvm-bench --demo    N = 4, a short workload: side-by-side table with
 *                        a verdict per figure (make run)
 *   vsvm-bench --full    N = 1, 2, 4, 8 (2, 4, 8 with VRAM), 5 runs each
 *                        (make bench)
 *
 * On GPUs without VRAM it runs the mapping suite, on GPUs with VRAM
 * (vsvm.vram_mb) the migration suite, with vsvm.baseline_migrate set for
 * the time of the run so that the baseline migrates as Xe does. Every run
 * is a fresh process: its own mm, its own coordinator or drm_gpusvm
 * instances. The phases of the mapping suite:
 *
 *   touch    every GPU writes one word of every 2 MiB range of a buffer the
 *            CPU never touched (the first touch maps the whole range);
 *   munmap   the CPU unmaps the whole buffer;
 *   cut      a buffer of 4 KiB pages mapped on every GPU; the CPU unmaps
 *            one page in the middle of every 2 MiB range;
 *   refault  every GPU reads the rest of the buffer;
 *   touch4k  as touch, over a buffer of 4 KiB pages (MADV_NOHUGEPAGE): each
 *            2 MiB range is 512 page faults for the first walk and 512
 *            entries for every walk after it (the baseline walks it once
 *            per GPU);
 *   scale    spans of 256 MiB to 16 GiB with one 4 KiB mapping (a VMA of
 *            its own, so a range of its own) every 2 MiB, written by every
 *            GPU, then unmapped: per range, CPU time, munmap time and slab.
 *
 * and of the migration suite, in both modes the policy each has by default
 * (the coordinator's residency rules and thrash control; the baseline's
 * drm_gpusvm pulls a range into the faulting GPU's VRAM on every fault):
 *
 *   pingpong GPUs 0 and 1 write one 2 MiB range in turns;
 *   shared   GPU 0 writes a buffer (it moves into its VRAM), then every
 *            other GPU reads each range in turn;
 *   chain    GPU i writes every range, GPU i + 1 reads it, around all GPUs;
 *   oversub  GPU 0 writes a buffer of 1.5 times its VRAM, twice over:
 *            where evicted data goes, and the bytes through system memory;
 *   copy     GPU 0 reads a buffer the CPU wrote: the rate of the moves into
 *            its VRAM against the guest's own memcpy of the same bytes.
 *
 * Counts are the kernel's (DRM_IOCTL_VSVM_STATS, totals of the mm;
 * DRM_IOCTL_VSVM_VRAM for the bytes the copy engines moved) and must be
 * identical run to run, but for the coordinator's migrations, whose thrash
 * control follows the clock (a stall of the guest longer than a range's
 * window starts a new episode); times are wall and CPU (getrusage) time
 * of the process, median and min-max over the runs. Data is checked in every
 * phase. --full and --demo add one run per mode under the ftrace function
 * profiler, which splits the wall time of touch, refault, touch4k and
 * pingpong into the functions both modes call (hmm_range_fault(), the DMA
 * mapping loop, page-table writes, migrate_vma steps, VRAM copies, each
 * with its time asleep) and the rest, and says how much of it went to TLB
 * and lock waits inside them; its times are not in the medians.
 * Lines starting with "@@CSV " are the machine-readable results.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest.h"
#include "vsvm-lib.h"

#define MAX_GPUS	8
#define MAX_RUNS	9
#define SZ_1M		(1024ul * 1024)
#define SZ_512M		(512 * SZ_1M)
#define CUT_PAGE	256	/* the page unmapped in each 2 MiB range */
#define PAGES_2M	(SZ_2M / PAGE)
#define BL_MIGRATE	"/sys/module/vsvm/parameters/baseline_migrate"
#define TRACING		"/sys/kernel/tracing/"

enum mode { COORD, BASE, NMODES };
static const char *const mode_name[NMODES] = { "coordinator", "baseline" };

enum phase {
	TOUCH, UNMAP, CUT, REFAULT, TOUCH4K,		/* mapping suite */
	SCALE_256M, SCALE_1G, SCALE_4G, SCALE_16G,	/* its scale phases */
	PINGPONG, SHARED, CHAIN, OVERSUB, COPY,		/* migration suite */
	NPHASES
};

static const char *const phase_name[NPHASES] = {
	"touch", "munmap", "cut", "refault", "touch4k",
	"scale256M", "scale1G", "scale4G", "scale16G",
	"pingpong", "shared", "chain", "oversub", "copy",
};

/*
 * Where the time of a phase goes: the functions the profiler times, with
 * what they call (ftrace's graph time), the same in both modes.
 */
enum raw { R_HMM, R_DMA, R_PT, R_TLB, R_LOCK, R_TO_VRAM, R_TO_RAM, R_COPY, NRAW };

/*
 * What the tables show: the first ones add up to the phase's wall time
 * with the rest (hmm_range_fault() less the migrations to RAM it runs,
 * the migrate_vma steps less the copies they run); the TLB and lock waits
 * are inside them (an MMU notifier that a migration or a fault fires waits
 * for the TLB there).
 */
enum part { P_HMM, P_DMA, P_PT, P_MIGRATE, P_COPY, P_REST, P_TLB, P_LOCK, NPARTS };
static const char *const part_name[NPARTS] = {
	"hmm_range_fault", "DMA map", "page-table write", "migrate_vma steps",
	"VRAM copies", "the rest", "(in them) TLB wait", "(in them) lock wait",
};

static const struct { enum raw part; const char *fn; } profiled[] = {
	{ R_HMM, "hmm_range_fault_unlocked_timeout" },
	{ R_DMA, "drm_gpusvm_map_pfns" },
	{ R_PT, "vsvm_pt_prepare" },
	{ R_PT, "vsvm_pt_write" },
	{ R_TLB, "vsvm_pt_tlb_wait" },
	{ R_LOCK, "__mutex_lock_slowpath" },
	{ R_LOCK, "rwsem_down_read_slowpath" },
	{ R_LOCK, "rwsem_down_write_slowpath" },
	{ R_TO_VRAM, "drm_pagemap_migrate_to_devmem" },
	{ R_TO_RAM, "__drm_pagemap_migrate_to_ram" },
	{ R_COPY, "vsvm_copy_to_devmem" },
	{ R_COPY, "vsvm_copy_to_ram" },
};

/* One run's results, sent by the child that ran it. */
struct sample {
	unsigned long long count[NPHASES][DRM_VSVM_STAT_MAX];
	double cpu_ms[NPHASES];
	double wall_ms[NPHASES];
	double mib_sys[NPHASES];	/* MiB copied between VRAM and RAM */
	double mib_peer[NPHASES];	/* MiB copied from VRAM to VRAM */
	double memcpy_mbps;		/* copy: the CPU's memcpy of the bytes */
	double part_ms[NPHASES][NRAW];	/* profiled run only */
	long huge_kb[NPHASES];	/* touch, touch4k: AnonHugePages of the buffer */
	long slab_kb[NPHASES];	/* scale: Slab of /proc/meminfo it added */
	double unmap_ms[NPHASES];	/* scale: wall time of the munmap */
	long bad_words;		/* data that differs from the CPU's */
	unsigned int gpus;	/* N */
	int err;		/* -errno of the step that failed, or 0 */
	char failed[80];	/* that step */
};

struct workload {
	size_t touch_size;
	size_t cut_size;
	size_t mig_size;	/* shared, chain, copy */
	unsigned int pingpong;	/* turns */
	enum phase scale_last;	/* the scale phases up to this one */
};

/* The span of a scale phase: 256 MiB times 4^k. */
static size_t scale_span(enum phase p)
{
	return (256 * (1024ul * 1024)) << (2 * (p - SCALE_256M));
}

/* What one figure shows. */
enum kind { K_COUNT, K_CPU, K_WALL, K_MIB_SYS, K_MIB_PEER, K_RATE, K_MEMCPY,
	    K_COPY_RATIO, K_US_PER_RANGE, K_UNMAP_US_PER_RANGE, K_SLAB_PER_RANGE };

struct metric {
	enum phase phase;
	const char *name;
	enum kind kind;
	int stat;		/* K_COUNT: DRM_VSVM_STAT_* */
};

static const struct metric map_metrics[] = {
	{ TOUCH, "notifiers registered", K_COUNT, DRM_VSVM_STAT_NOTIFIERS },
	{ TOUCH, "hmm_range_fault calls", K_COUNT, DRM_VSVM_STAT_HMM_FAULTS },
	{ TOUCH, "pages faulted by hmm", K_COUNT, DRM_VSVM_STAT_HMM_PAGES },
	{ TOUCH, "ranges DMA-mapped", K_COUNT, DRM_VSVM_STAT_DMA_MAPS },
	{ TOUCH, "GPU page-table maps", K_COUNT, DRM_VSVM_STAT_MAPS },
	{ TOUCH, "GPU faults", K_COUNT, DRM_VSVM_STAT_FAULTS },
	{ TOUCH, "CPU time ms", K_CPU },
	{ TOUCH, "wall time ms", K_WALL },
	{ UNMAP, "invalidation callbacks", K_COUNT, DRM_VSVM_STAT_INVALIDATIONS },
	{ UNMAP, "GPU zaps (with TLB flush)", K_COUNT, DRM_VSVM_STAT_ZAPS },
	{ UNMAP, "garbage-collector runs", K_COUNT, DRM_VSVM_STAT_GC_RUNS },
	{ UNMAP, "ranges destroyed", K_COUNT, DRM_VSVM_STAT_RANGES_DESTROYED },
	{ UNMAP, "notifiers removed", K_COUNT, DRM_VSVM_STAT_NOTIFIERS_REMOVED },
	{ UNMAP, "munmap wall time ms", K_WALL },
	{ CUT, "invalidation callbacks", K_COUNT, DRM_VSVM_STAT_INVALIDATIONS },
	{ CUT, "GPU zaps (with TLB flush)", K_COUNT, DRM_VSVM_STAT_ZAPS },
	{ CUT, "ranges split", K_COUNT, DRM_VSVM_STAT_SPLITS },
	{ REFAULT, "hmm_range_fault calls", K_COUNT, DRM_VSVM_STAT_HMM_FAULTS },
	{ REFAULT, "pages re-faulted", K_COUNT, DRM_VSVM_STAT_HMM_PAGES },
	{ REFAULT, "ranges DMA-mapped again", K_COUNT, DRM_VSVM_STAT_DMA_MAPS },
	{ REFAULT, "GPU page-table maps", K_COUNT, DRM_VSVM_STAT_MAPS },
	{ REFAULT, "GPU faults", K_COUNT, DRM_VSVM_STAT_FAULTS },
	{ REFAULT, "CPU time ms", K_CPU },
	{ REFAULT, "wall time ms", K_WALL },
	{ TOUCH4K, "hmm_range_fault calls", K_COUNT, DRM_VSVM_STAT_HMM_FAULTS },
	{ TOUCH4K, "pages faulted by hmm", K_COUNT, DRM_VSVM_STAT_HMM_PAGES },
	{ TOUCH4K, "ranges DMA-mapped", K_COUNT, DRM_VSVM_STAT_DMA_MAPS },
	{ TOUCH4K, "GPU page-table maps", K_COUNT, DRM_VSVM_STAT_MAPS },
	{ TOUCH4K, "CPU time ms", K_CPU },
	{ TOUCH4K, "wall time ms", K_WALL },
	{ SCALE_256M, "notifiers registered", K_COUNT, DRM_VSVM_STAT_NOTIFIERS },
	{ SCALE_256M, "ranges created", K_COUNT, DRM_VSVM_STAT_RANGES },
	{ SCALE_256M, "hmm_range_fault calls", K_COUNT, DRM_VSVM_STAT_HMM_FAULTS },
	{ SCALE_256M, "CPU us per range per GPU", K_US_PER_RANGE },
	{ SCALE_256M, "munmap us per range per GPU", K_UNMAP_US_PER_RANGE },
	{ SCALE_256M, "slab bytes per range per GPU", K_SLAB_PER_RANGE },
	{ SCALE_1G, "notifiers registered", K_COUNT, DRM_VSVM_STAT_NOTIFIERS },
	{ SCALE_1G, "ranges created", K_COUNT, DRM_VSVM_STAT_RANGES },
	{ SCALE_1G, "hmm_range_fault calls", K_COUNT, DRM_VSVM_STAT_HMM_FAULTS },
	{ SCALE_1G, "CPU us per range per GPU", K_US_PER_RANGE },
	{ SCALE_1G, "munmap us per range per GPU", K_UNMAP_US_PER_RANGE },
	{ SCALE_1G, "slab bytes per range per GPU", K_SLAB_PER_RANGE },
	{ SCALE_4G, "notifiers registered", K_COUNT, DRM_VSVM_STAT_NOTIFIERS },
	{ SCALE_4G, "ranges created", K_COUNT, DRM_VSVM_STAT_RANGES },
	{ SCALE_4G, "hmm_range_fault calls", K_COUNT, DRM_VSVM_STAT_HMM_FAULTS },
	{ SCALE_4G, "CPU us per range per GPU", K_US_PER_RANGE },
	{ SCALE_4G, "munmap us per range per GPU", K_UNMAP_US_PER_RANGE },
	{ SCALE_4G, "slab bytes per range per GPU", K_SLAB_PER_RANGE },
	{ SCALE_16G, "notifiers registered", K_COUNT, DRM_VSVM_STAT_NOTIFIERS },
	{ SCALE_16G, "ranges created", K_COUNT, DRM_VSVM_STAT_RANGES },
	{ SCALE_16G, "hmm_range_fault calls", K_COUNT, DRM_VSVM_STAT_HMM_FAULTS },
	{ SCALE_16G, "CPU us per range per GPU", K_US_PER_RANGE },
	{ SCALE_16G, "munmap us per range per GPU", K_UNMAP_US_PER_RANGE },
	{ SCALE_16G, "slab bytes per range per GPU", K_SLAB_PER_RANGE },
};

static const struct metric mig_metrics[] = {
	{ PINGPONG, "migrations", K_COUNT, DRM_VSVM_STAT_MIGRATIONS },
	{ PINGPONG, "GPU faults", K_COUNT, DRM_VSVM_STAT_FAULTS },
	{ PINGPONG, "remote maps", K_COUNT, DRM_VSVM_STAT_REMOTE_MAPS },
	{ PINGPONG, "thrash throttles", K_COUNT, DRM_VSVM_STAT_THRASH_THROTTLES },
	{ PINGPONG, "MiB VRAM to VRAM", K_MIB_PEER },
	{ PINGPONG, "MiB through system memory", K_MIB_SYS },
	{ PINGPONG, "wall time ms", K_WALL },
	{ SHARED, "migrations", K_COUNT, DRM_VSVM_STAT_MIGRATIONS },
	{ SHARED, "remote maps", K_COUNT, DRM_VSVM_STAT_REMOTE_MAPS },
	{ SHARED, "MiB VRAM to VRAM", K_MIB_PEER },
	{ SHARED, "MiB through system memory", K_MIB_SYS },
	{ SHARED, "wall time ms", K_WALL },
	{ CHAIN, "migrations", K_COUNT, DRM_VSVM_STAT_MIGRATIONS },
	{ CHAIN, "remote maps", K_COUNT, DRM_VSVM_STAT_REMOTE_MAPS },
	{ CHAIN, "MiB VRAM to VRAM", K_MIB_PEER },
	{ CHAIN, "MiB through system memory", K_MIB_SYS },
	{ CHAIN, "wall time ms", K_WALL },
	{ OVERSUB, "migrations", K_COUNT, DRM_VSVM_STAT_MIGRATIONS },
	{ OVERSUB, "failed migrations", K_COUNT, DRM_VSVM_STAT_MIGRATION_FAILURES },
	{ OVERSUB, "evictions to a peer", K_COUNT, DRM_VSVM_STAT_EVICTIONS_PEER },
	{ OVERSUB, "evictions to RAM", K_COUNT, DRM_VSVM_STAT_EVICTIONS_RAM },
	{ OVERSUB, "MiB VRAM to VRAM", K_MIB_PEER },
	{ OVERSUB, "MiB through system memory", K_MIB_SYS },
	{ OVERSUB, "wall time ms", K_WALL },
	{ COPY, "migrations", K_COUNT, DRM_VSVM_STAT_MIGRATIONS },
	{ COPY, "MiB into VRAM", K_MIB_SYS },
	{ COPY, "migration MB/s", K_RATE },
	{ COPY, "memcpy MB/s (same bytes)", K_MEMCPY },
	{ COPY, "migration / memcpy rate", K_COPY_RATIO },
};

/* The suite a boot runs: the mapping one, or with VRAM the migration one. */
static const struct metric *metrics = map_metrics;
static unsigned int nmetrics = ARRAY_SIZE(map_metrics);
static bool vram;
static bool profiling;	/* --full, --demo: one more run per mode, profiled */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* Read the mm's counters after the deferred work settled, and zero them. */
static int settle_stats(int fd, unsigned long long *count)
{
	struct drm_vsvm_stats s = {
		.flags = DRM_VSVM_STATS_FLUSH | DRM_VSVM_STATS_RESET,
	};
	int err = xioctl(fd, DRM_IOCTL_VSVM_STATS, &s);

	if (!err && count)
		memcpy(count, s.mgr, sizeof(s.mgr));
	return err;
}

static void __printf(3, 4)
fail(struct sample *s, int err, const char *fmt, ...)
{
	va_list ap;

	s->err = err;
	va_start(ap, fmt);
	vsnprintf(s->failed, sizeof(s->failed), fmt, ap);
	va_end(ap);
}

/*
 * The ftrace function profiler (CONFIG_FUNCTION_PROFILER of the
 * benchmark's kernel): limited to the functions of &profiled, on for the
 * time of a phase. Enabling it zeroes its counts. 0 or -errno.
 */
static int profiler_setup(void)
{
	char line[256], fn[128];
	unsigned int i, found = 0;
	bool have[ARRAY_SIZE(profiled)] = {};
	FILE *f;

	if (write_str(TRACING "function_profile_enabled", "0") ||
	    write_str(TRACING "set_ftrace_filter", "") ||
	    write_str(TRACING "options/graph-time", "1") ||
	    write_str(TRACING "options/sleep-time", "1"))
		return -ENOENT;
	for (i = 0; i < 2 * ARRAY_SIZE(profiled); i++) {
		f = fopen(TRACING "set_ftrace_filter", "a");
		if (!f)
			return -errno;
		/*
		 * The name, then the compiler's clones of it (.isra.0), each in
		 * a write of its own: ftrace stops at a name it does not know.
		 */
		fprintf(f, i % 2 ? "%s.*\n" : "%s\n", profiled[i / 2].fn);
		fclose(f);
	}
	/* What the filter holds is what gets profiled. */
	f = fopen(TRACING "set_ftrace_filter", "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		for (i = 0; i < ARRAY_SIZE(profiled); i++)
			if (sscanf(line, "%127[^.\n ]", fn) == 1 &&
			    !strcmp(fn, profiled[i].fn) && !have[i]) {
				have[i] = true;
				found++;
			}
	fclose(f);
	for (i = 0; i < ARRAY_SIZE(profiled); i++)
		if (!have[i])
			printf("# profiler: the kernel cannot trace %s: its part lacks it\n",
			       profiled[i].fn);
	return found ? 0 : -ENOENT;
}

/* On: off first, so that turning it on zeroes the counts. */
static int profiler_on(bool on)
{
	int err = write_str(TRACING "function_profile_enabled", "0");

	return on && !err ? write_str(TRACING "function_profile_enabled", "1") : err;
}

/* Add the time of each part, in ms, over every CPU's statistics. */
static int profiler_read(double *part_ms)
{
	char path[64], line[256], fn[128], unit[8];
	unsigned long hits;
	unsigned int cpu, i;
	double t;
	FILE *f;

	for (cpu = 0; ; cpu++) {
		snprintf(path, sizeof(path), TRACING "trace_stat/function%u", cpu);
		f = fopen(path, "r");
		if (!f)
			return cpu ? 0 : -errno;
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%127s %lu %lf %7s", fn, &hits, &t, unit) != 4)
				continue;
			fn[strcspn(fn, ".")] = 0;	/* a clone: name.isra.0 */
			/* The file cuts names at 30 characters. */
			for (i = 0; i < ARRAY_SIZE(profiled); i++)
				if (!strncmp(fn, profiled[i].fn, 30) &&
				    strlen(fn) == (strlen(profiled[i].fn) < 30 ?
						   strlen(profiled[i].fn) : 30))
					part_ms[profiled[i].part] +=
						!strcmp(unit, "us") ? t / 1e3 : t / 1e6;
		}
		fclose(f);
	}
}

/* Bytes the copy engines of the first @n GPUs moved, in MiB, so far. */
static void vram_moved(const int *fd, unsigned int n, double *sys, double *peer)
{
	unsigned int g;

	*sys = *peer = 0;
	for (g = 0; g < n; g++) {
		struct drm_vsvm_vram v = {};

		if (fd[g] >= 0 && !xioctl(fd[g], DRM_IOCTL_VSVM_VRAM, &v)) {
			*sys += (double)(v.to_vram + v.to_ram) / SZ_1M;
			*peer += (double)v.from_peer / SZ_1M;
		}
	}
}

/* What the phases of one run share. */
struct run_ctx {
	const struct workload *w;
	struct sample *s;
	unsigned int n;		/* GPUs */
	int fd[MAX_GPUS];
	int all[MAX_GPUS];	/* every GPU of the boot, for its VRAM counters */
	unsigned int nall;
	bool profile;		/* this run is the profiled one */
	char *buf;		/* touch, munmap: the buffer; cut, refault: the cut one */
	char *tmp;		/* refault: a range read through a GPU */
	__u32 *add;		/* migration: what the GPUs added to each word of a range */
};

struct clock {
	double wall, cpu, sys, peer;
};

static struct clock clock_start(struct run_ctx *r)
{
	struct clock c;

	/* Registering the profiler patches code: not part of the phase. */
	if (r->profile && profiler_on(true))
		r->profile = false;
	vram_moved(r->all, r->nall, &c.sys, &c.peer);
	c.wall = now_ms();
	c.cpu = cpu_ms();
	return c;
}

static void clock_stop(struct clock c, struct run_ctx *r, enum phase p)
{
	struct sample *s = r->s;
	double sys, peer;

	s->wall_ms[p] = now_ms() - c.wall;
	s->cpu_ms[p] = cpu_ms() - c.cpu;
	s->gpus = r->n;
	if (r->profile) {
		profiler_on(false);
		profiler_read(s->part_ms[p]);
	}
	vram_moved(r->all, r->nall, &sys, &peer);
	s->mib_sys[p] = sys - c.sys;
	s->mib_peer[p] = peer - c.peer;
}

/* Open and attach the GPUs, in baseline mode for @which == BASE. */
static int attach_gpus(struct run_ctx *r, enum mode which)
{
	unsigned int g;
	int err;

	for (g = 0; g < r->n; g++) {
		r->fd[g] = open_gpu(g);
		if (r->fd[g] < 0) {
			fail(r->s, -ENODEV, "open GPU %u", g);
			return -ENODEV;
		}
		err = vsvm_attach(r->fd[g], which == BASE ?
				  DRM_VSVM_ATTACH_BASELINE : 0);
		if (err) {
			fail(r->s, err, "attach GPU %u", g);
			return err;
		}
	}
	return 0;
}

/*
 * touch, touch4k (@p): in one notifier chunk of both modes (512 MiB
 * aligned); touch4k's buffer takes no huge page.
 */
static int phase_touch(struct run_ctx *r, enum phase p)
{
	size_t ranges = r->w->touch_size / SZ_2M, i;
	struct sample *s = r->s;
	unsigned int g;
	struct clock c;
	int err;

	r->buf = alloc_aligned_to(r->w->touch_size, SZ_512M);
	if (!r->buf) {
		fail(s, -ENOMEM, "mmap %zu MiB", r->w->touch_size / SZ_1M);
		return -ENOMEM;
	}
	if (p == TOUCH4K && madvise(r->buf, r->w->touch_size, MADV_NOHUGEPAGE)) {
		fail(s, -errno, "MADV_NOHUGEPAGE");
		return s->err;
	}
	err = settle_stats(r->fd[0], NULL);
	if (err) {
		fail(s, err, "stats");
		return err;
	}
	c = clock_start(r);
	for (g = 0; g < r->n; g++)
		for (i = 0; i < ranges; i++) {
			err = gpu_access(r->fd[g], DRM_VSVM_ACCESS_ADD32,
					 r->buf + i * SZ_2M, 4, NULL, 1);
			if (err) {
				fail(s, err, "%s: GPU %u, range %zu",
				     phase_name[p], g, i);
				return err;
			}
		}
	clock_stop(c, r, p);
	settle_stats(r->fd[0], s->count[p]);
	s->huge_kb[p] = anon_huge_kb(r->buf);
	for (i = 0; i < ranges; i++)
		s->bad_words += *(__u32 *)(r->buf + i * SZ_2M) != r->n;
	return 0;
}

/* munmap: the call, then the deferred work it caused settles. */
static int phase_munmap(struct run_ctx *r)
{
	struct clock c = clock_start(r);

	munmap(r->buf, r->w->touch_size);
	clock_stop(c, r, UNMAP);
	settle_stats(r->fd[0], r->s->count[UNMAP]);
	return 0;
}

/*
 * cut: 4 KiB pages, so the CPU splits no huge page (see the README). The
 * scratch buffer of the refault phase is allocated here too.
 */
static int phase_cut(struct run_ctx *r)
{
	size_t cut_ranges = r->w->cut_size / SZ_2M, mid = CUT_PAGE * PAGE, i;
	struct sample *s = r->s;
	unsigned int g;
	struct clock c;
	int err;

	r->buf = alloc_aligned_to(r->w->cut_size, SZ_512M);
	r->tmp = malloc(SZ_2M);
	if (!r->buf || !r->tmp) {
		fail(s, -ENOMEM, "mmap %zu MiB", r->w->cut_size / SZ_1M);
		return -ENOMEM;
	}
	madvise(r->buf, r->w->cut_size, MADV_NOHUGEPAGE);
	for (i = 0; i < r->w->cut_size / 4; i++)
		((__u32 *)r->buf)[i] = i * 2654435761u;
	for (g = 0; g < r->n; g++)
		for (i = 0; i < cut_ranges; i++) {
			err = gpu_access(r->fd[g], DRM_VSVM_ACCESS_ADD32,
					 r->buf + i * SZ_2M, 4, NULL, 0);
			if (err) {
				fail(s, err, "cut: map GPU %u, range %zu", g, i);
				return err;
			}
		}
	settle_stats(r->fd[0], NULL);
	c = clock_start(r);
	for (i = 0; i < cut_ranges; i++)
		munmap(r->buf + i * SZ_2M + mid, PAGE);
	clock_stop(c, r, CUT);
	settle_stats(r->fd[0], s->count[CUT]);
	return 0;
}

/* refault: every GPU reads what is left, checked against the CPU. */
static int phase_refault(struct run_ctx *r)
{
	size_t cut_ranges = r->w->cut_size / SZ_2M, mid = CUT_PAGE * PAGE, i;
	size_t tail = SZ_2M - mid - PAGE;
	struct sample *s = r->s;
	char *tmp = r->tmp;
	unsigned int g;
	struct clock c;
	int err;

	c = clock_start(r);
	for (g = 0; g < r->n; g++)
		for (i = 0; i < cut_ranges; i++) {
			char *p = r->buf + i * SZ_2M;

			err = gpu_access(r->fd[g], DRM_VSVM_ACCESS_READ, p, mid,
					 tmp, 0);
			if (!err)
				err = gpu_access(r->fd[g], DRM_VSVM_ACCESS_READ,
						 p + mid + PAGE, tail,
						 tmp + mid + PAGE, 0);
			if (err) {
				fail(s, err, "refault: GPU %u, range %zu", g, i);
				return err;
			}
			s->bad_words += !!memcmp(tmp, p, mid) +
					!!memcmp(tmp + mid + PAGE,
						 p + mid + PAGE, tail);
		}
	clock_stop(c, r, REFAULT);
	settle_stats(r->fd[0], s->count[REFAULT]);
	return 0;
}

static long slab_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/*
 * scale: a span of addresses with one 4 KiB mapping every 2 MiB, each a
 * VMA and so a range of its own (most of the span maps nothing, so that
 * 16 GiB fit a guest of 2 GiB): every GPU writes each page, then the CPU
 * unmaps the span. Per range: the CPU time of the GPU faults, the munmap
 * and the kernel memory (Slab) the ranges hold.
 */
static int phase_scale(struct run_ctx *r, enum phase p)
{
	size_t span = scale_span(p), ranges = span / SZ_2M, i;
	struct sample *s = r->s;
	unsigned int g;
	struct clock c;
	long slab0;
	double t0;
	char *buf;
	int err;

	buf = mmap(NULL, span + SZ_512M, PROT_NONE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (buf == MAP_FAILED) {
		fail(s, -errno, "%s: reserve %zu MiB", phase_name[p], span / SZ_1M);
		return s->err;
	}
	buf = (char *)(((uintptr_t)buf + SZ_512M - 1) & ~(SZ_512M - 1));
	for (i = 0; i < ranges; i++)
		if (mprotect(buf + i * SZ_2M, PAGE, PROT_READ | PROT_WRITE)) {
			fail(s, -errno, "%s: mprotect range %zu", phase_name[p], i);
			return s->err;
		}
	settle_stats(r->fd[0], NULL);
	slab0 = slab_kb();
	c = clock_start(r);
	for (g = 0; g < r->n; g++)
		for (i = 0; i < ranges; i++) {
			err = gpu_access(r->fd[g], DRM_VSVM_ACCESS_ADD32,
					 buf + i * SZ_2M, 4, NULL, 1);
			if (err) {
				fail(s, err, "%s: GPU %u, range %zu",
				     phase_name[p], g, i);
				return err;
			}
		}
	clock_stop(c, r, p);
	settle_stats(r->fd[0], s->count[p]);
	s->slab_kb[p] = slab_kb() - slab0;
	for (i = 0; i < ranges; i++)
		s->bad_words += *(__u32 *)(buf + i * SZ_2M) != r->n;
	t0 = now_ms();
	munmap(buf, span);
	settle_stats(r->fd[0], NULL);
	s->unmap_ms[p] = now_ms() - t0;
	return 0;
}

/*
 * The migration suite's buffers: each range filled by the CPU with a
 * pattern of its own, so that a GPU's read is checked without the CPU
 * touching the buffer (which would bring it back to system memory).
 */
static __u32 pattern(size_t word)
{
	return word * 2654435761u;
}

/* A buffer of the pattern; nothing added to it yet (@r->add zeroed). */
static char *mig_buffer(struct run_ctx *r, size_t size, const char *what)
{
	size_t i;
	char *buf = alloc_aligned_to(size, SZ_512M);

	if (!buf) {
		fail(r->s, -ENOMEM, "%s: mmap %zu MiB", what, size / SZ_1M);
		return NULL;
	}
	memset(r->add, 0, SZ_2M);
	for (i = 0; i < size / 4; i++)
		((__u32 *)buf)[i] = pattern(i);
	return buf;
}

/* GPU @g adds 1 to the word at @off of each range of @buf: one move each. */
static int mig_write(struct run_ctx *r, unsigned int g, char *buf, size_t size,
		     size_t off, const char *what)
{
	size_t i;
	int err;

	for (i = 0; i < size / SZ_2M; i++) {
		err = gpu_access(r->fd[g], DRM_VSVM_ACCESS_ADD32,
				 buf + i * SZ_2M + off, 4, NULL, 1);
		if (err) {
			fail(r->s, err, "%s: GPU %u writes range %zu", what, g, i);
			return err;
		}
	}
	return 0;
}

/*
 * GPU @g reads range @i of @buf whole; @expect gives what it holds (the
 * pattern plus @add at the words that were written).
 */
static int mig_read(struct run_ctx *r, unsigned int g, char *buf, size_t i,
		    const __u32 *add, const char *what)
{
	const __u32 *got = (const __u32 *)r->tmp;
	size_t w, first = i * SZ_2M / 4;
	int err;

	err = gpu_access(r->fd[g], DRM_VSVM_ACCESS_READ, buf + i * SZ_2M,
			 SZ_2M, r->tmp, 0);
	if (err) {
		fail(r->s, err, "%s: GPU %u reads range %zu", what, g, i);
		return err;
	}
	for (w = 0; w < SZ_2M / 4; w++)
		r->s->bad_words += got[w] != pattern(first + w) + add[w];
	return 0;
}

/* The CPU's check of @buf at the end: the pattern plus @add per range. */
static void mig_check(struct run_ctx *r, const char *buf, size_t size,
		      const __u32 *add)
{
	const __u32 *words = (const __u32 *)buf;
	size_t w;

	for (w = 0; w < size / 4; w++)
		r->s->bad_words += words[w] != pattern(w) + add[w % (SZ_2M / 4)];
}

/* The end of a migration phase: its clocks, then its settled counters. */
static void mig_stop(struct run_ctx *r, struct clock c, enum phase p)
{
	clock_stop(c, r, p);
	settle_stats(r->fd[0], r->s->count[p]);
}

/* pingpong: GPUs 0 and 1 write one 2 MiB range in turns. */
static int phase_pingpong(struct run_ctx *r)
{
	__u32 *add = r->add;
	unsigned int t, turns = r->w->pingpong;
	struct clock c;
	char *buf;
	int err;

	buf = mig_buffer(r, SZ_2M, "pingpong");
	if (!buf)
		return -ENOMEM;
	settle_stats(r->fd[0], NULL);
	c = clock_start(r);
	for (t = 0; t < turns; t++) {
		size_t off = (t % PAGES_2M) * PAGE + (t / PAGES_2M % 2) * 4;

		err = mig_write(r, t % 2, buf + off, SZ_2M, 0, "pingpong");
		if (err)
			return err;
		add[off / 4]++;
	}
	mig_stop(r, c, PINGPONG);
	mig_check(r, buf, SZ_2M, add);
	munmap(buf, SZ_2M);
	return 0;
}

/* shared: GPU 0 writes the buffer, then GPUs 1..N-1 read each range in turn. */
static int phase_shared(struct run_ctx *r)
{
	__u32 *add = r->add;
	size_t size = r->w->mig_size, i;
	unsigned int g;
	struct clock c;
	char *buf;
	int err;

	buf = mig_buffer(r, size, "shared");
	if (!buf)
		return -ENOMEM;
	err = mig_write(r, 0, buf, size, 0, "shared");
	if (err)
		return err;
	add[0] = 1;
	settle_stats(r->fd[0], NULL);
	c = clock_start(r);
	for (i = 0; i < size / SZ_2M; i++)
		for (g = 1; g < r->n; g++) {
			err = mig_read(r, g, buf, i, add, "shared");
			if (err)
				return err;
		}
	mig_stop(r, c, SHARED);
	mig_check(r, buf, size, add);
	munmap(buf, size);
	return 0;
}

/* chain: GPU g writes every range, then GPU g + 1 reads it, around all. */
static int phase_chain(struct run_ctx *r)
{
	__u32 *add = r->add;
	size_t size = r->w->mig_size, i;
	unsigned int g;
	struct clock c;
	char *buf;
	int err;

	buf = mig_buffer(r, size, "chain");
	if (!buf)
		return -ENOMEM;
	settle_stats(r->fd[0], NULL);
	c = clock_start(r);
	for (g = 0; g < r->n; g++) {
		err = mig_write(r, g, buf, size, g * PAGE, "chain");
		if (err)
			return err;
		add[g * PAGE / 4]++;
		for (i = 0; i < size / SZ_2M; i++) {
			err = mig_read(r, (g + 1) % r->n, buf, i, add, "chain");
			if (err)
				return err;
		}
	}
	mig_stop(r, c, CHAIN);
	mig_check(r, buf, size, add);
	munmap(buf, size);
	return 0;
}

/* oversub: GPU 0 writes 1.5 times its VRAM, twice over. */
static int phase_oversub(struct run_ctx *r)
{
	__u32 *add = r->add;
	struct drm_vsvm_vram v = {};
	struct clock c;
	size_t size;
	char *buf;
	int err, pass;

	err = xioctl(r->fd[0], DRM_IOCTL_VSVM_VRAM, &v);
	if (err) {
		fail(r->s, err, "oversub: VRAM of GPU 0");
		return err;
	}
	size = v.size / SZ_2M * 3 / 2 * SZ_2M;
	buf = mig_buffer(r, size, "oversub");
	if (!buf)
		return -ENOMEM;
	settle_stats(r->fd[0], NULL);
	c = clock_start(r);
	for (pass = 0; pass < 2; pass++) {
		err = mig_write(r, 0, buf, size, pass * PAGE, "oversub");
		if (err)
			return err;
		add[pass * PAGE / 4]++;
	}
	mig_stop(r, c, OVERSUB);
	mig_check(r, buf, size, add);
	munmap(buf, size);
	return 0;
}

/*
 * copy: GPU 0 reads a word of each range of a buffer the CPU wrote, which
 * moves it into its VRAM in both modes; then the CPU copies the same bytes
 * with memcpy() (the destination faulted in first), the copy engine's
 * limit in this guest.
 */
static int phase_copy(struct run_ctx *r)
{
	__u32 *add = r->add;
	size_t size = r->w->mig_size, i;
	char *buf, *src, *dst;
	struct clock c;
	double t0;
	int err;

	buf = mig_buffer(r, size, "copy");
	src = alloc_aligned(size);
	dst = alloc_aligned(size);
	if (!buf || !src || !dst) {
		fail(r->s, -ENOMEM, "copy: mmap");
		return -ENOMEM;
	}
	memset(src, 2, size);
	memset(dst, 1, size);
	settle_stats(r->fd[0], NULL);
	c = clock_start(r);
	for (i = 0; i < size / SZ_2M; i++) {
		err = gpu_access(r->fd[0], DRM_VSVM_ACCESS_READ,
				 buf + i * SZ_2M, 4, r->tmp, 0);
		if (err) {
			fail(r->s, err, "copy: GPU 0 reads range %zu", i);
			return err;
		}
		r->s->bad_words += *(__u32 *)r->tmp != pattern(i * SZ_2M / 4);
	}
	mig_stop(r, c, COPY);
	t0 = now_ms();
	memcpy(dst, src, size);
	r->s->memcpy_mbps = size / 1e3 / (now_ms() - t0);
	r->s->bad_words += dst[size - 1] != 2;
	mig_check(r, buf, size, add);
	munmap(buf, size);
	munmap(src, size);
	munmap(dst, size);
	return 0;
}

/* The phases in order; one that fails says why in @s and ends the run. */
static void run_phases(enum mode which, unsigned int n,
		       const struct workload *w, struct sample *s, bool profile)
{
	struct run_ctx r = { .w = w, .s = s, .n = n, .profile = profile };
	struct drm_vsvm_info info = {};

	memset(r.all, -1, sizeof(r.all));
	r.all[0] = open_gpu(0);
	if (r.all[0] >= 0 && !xioctl(r.all[0], DRM_IOCTL_VSVM_INFO, &info))
		r.nall = info.num_gpus < MAX_GPUS ? info.num_gpus : MAX_GPUS;
	for (unsigned int g = 1; g < r.nall; g++)
		r.all[g] = open_gpu(g);

	if (attach_gpus(&r, which))
		goto out;
	if (vram) {
		r.tmp = malloc(SZ_2M);
		r.add = malloc(SZ_2M);
		if (!r.tmp || !r.add)
			fail(s, -ENOMEM, "malloc");
		else if (!phase_copy(&r) && !phase_pingpong(&r) &&
			 !phase_shared(&r) && !phase_chain(&r))
			phase_oversub(&r);
	} else if (!phase_touch(&r, TOUCH) && !phase_munmap(&r) &&
		   !phase_cut(&r) && !phase_refault(&r) &&
		   !phase_touch(&r, TOUCH4K)) {
		for (enum phase p = SCALE_256M; p <= w->scale_last; p++)
			if (phase_scale(&r, p))
				break;
	}
out:
	free(r.tmp);
	free(r.add);
}

/* One run in a fresh process. */
static struct sample run(enum mode which, unsigned int n,
			 const struct workload *w, bool profile)
{
	struct sample s = {};
	int pipefd[2], status;
	pid_t pid;

	if (pipe(pipefd)) {
		fail(&s, -errno, "pipe");
		return s;
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		run_phases(which, n, w, &s, profile);
		_exit(write(pipefd[1], &s, sizeof(s)) == sizeof(s) ? 0 : 1);
	}
	close(pipefd[1]);
	if (pid < 0 || read(pipefd[0], &s, sizeof(s)) != sizeof(s)) {
		memset(&s, 0, sizeof(s));
		fail(&s, -ECHILD, "the child process died");
	}
	close(pipefd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return s;
}

static double value(const struct sample *s, const struct metric *m)
{
	enum phase p = m->phase;

	switch (m->kind) {
	case K_COUNT:
		return s->count[p][m->stat];
	case K_CPU:
		return s->cpu_ms[p];
	case K_WALL:
		return s->wall_ms[p];
	case K_MIB_SYS:
		return s->mib_sys[p];
	case K_MIB_PEER:
		return s->mib_peer[p];
	case K_RATE:	/* MB/s, as memcpy's */
		return s->wall_ms[p] ? s->mib_sys[p] * 1.048576e3 / s->wall_ms[p] : 0;
	case K_MEMCPY:
		return s->memcpy_mbps;
	case K_US_PER_RANGE:		/* a GPU fault per range per GPU */
	case K_UNMAP_US_PER_RANGE:
	case K_SLAB_PER_RANGE: {
		double per = (double)s->gpus * (scale_span(p) / SZ_2M);

		if (!per)
			return 0;
		if (m->kind == K_US_PER_RANGE)
			return s->cpu_ms[p] * 1e3 / per;
		if (m->kind == K_UNMAP_US_PER_RANGE)
			return s->unmap_ms[p] * 1e3 / per;
		return s->slab_kb[p] * 1024.0 / per;
	}
	case K_COPY_RATIO: {
		struct metric rate = { p, NULL, K_RATE }, mc = { p, NULL, K_MEMCPY };
		double b = value(s, &mc);

		return b ? value(s, &rate) / b : 0;
	}
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One figure over the runs of a (mode, N). */
struct figure {
	double median, min, max;
	bool exact;		/* counts: identical in every run */
};

static struct figure summarize(const struct sample *runs, unsigned int nruns,
			       const struct metric *m)
{
	double v[MAX_RUNS];
	struct figure f;
	unsigned int i;

	for (i = 0; i < nruns; i++)
		v[i] = value(&runs[i], m);
	qsort(v, nruns, sizeof(v[0]), cmp_double);
	f.min = v[0];
	f.max = v[nruns - 1];
	f.median = nruns % 2 ? v[nruns / 2] :
		   (v[nruns / 2 - 1] + v[nruns / 2]) / 2;
	f.exact = f.min == f.max;
	return f;
}

static bool sample_ok(const struct sample *s, enum mode m, unsigned int n)
{
	if (s->err) {
		printf("# %s, N=%u: %s failed: %s\n", mode_name[m], n, s->failed,
		       strerror(-s->err));
		return false;
	}
	if (s->bad_words) {
		printf("# %s, N=%u: %ld pieces of data differ from the CPU's\n",
		       mode_name[m], n, s->bad_words);
		return false;
	}
	return true;
}

/*
 * Runs of every mode for one N, then with @prof one profiled run per mode;
 * false (after saying why) if one failed.
 */
static bool run_all(unsigned int n, const struct workload *w,
		    unsigned int nruns, struct sample runs[NMODES][MAX_RUNS],
		    struct sample prof[NMODES])
{
	unsigned int i, m;
	bool ok = true;

	for (i = 0; i < nruns; i++)
		for (m = 0; m < NMODES; m++) {
			runs[m][i] = run(m, n, w, false);
			ok &= sample_ok(&runs[m][i], m, n);
		}
	for (m = 0; prof && m < NMODES; m++) {
		prof[m] = run(m, n, w, true);
		ok &= sample_ok(&prof[m], m, n);
	}
	return ok;
}

/* The workload runs the phase of @m. */
static bool metric_on(const struct metric *m, const struct workload *w)
{
	return m->phase < SCALE_256M || m->phase > SCALE_16G ||
	       m->phase <= w->scale_last;
}

static bool is_count(const struct metric *m)
{
	return m->kind == K_COUNT;
}

static const char *unit(const struct metric *m)
{
	switch (m->kind) {
	case K_COUNT:
		return "count";
	case K_MIB_SYS:
	case K_MIB_PEER:
		return "MiB";
	case K_RATE:
	case K_MEMCPY:
		return "MB/s";
	case K_COPY_RATIO:
		return "ratio";
	case K_US_PER_RANGE:
	case K_UNMAP_US_PER_RANGE:
		return "us";
	case K_SLAB_PER_RANGE:
		return "bytes";
	default:
		return "ms";
	}
}

/* The phases whose time the profile splits. */
static bool profiled_phase(enum phase p)
{
	return p == TOUCH || p == TOUCH4K || p == REFAULT || p == PINGPONG;
}

/* Part @k of the profiled run's wall time of @p, in ms. */
static double part(const struct sample *s, enum phase p, unsigned int k)
{
	const double *r = s->part_ms[p];
	double hmm = r[R_HMM] - r[R_TO_RAM];
	double migrate = r[R_TO_VRAM] + r[R_TO_RAM] - r[R_COPY];

	switch (k) {
	case P_HMM:
		return hmm;
	case P_DMA:
		return r[R_DMA];
	case P_PT:
		return r[R_PT];
	case P_MIGRATE:
		return migrate;
	case P_COPY:
		return r[R_COPY];
	case P_REST:
		return s->wall_ms[p] - hmm - r[R_DMA] - r[R_PT] - migrate - r[R_COPY];
	case P_TLB:
		return r[R_TLB];
	default:
		return r[R_LOCK];
	}
}

static void csv(const struct workload *w, unsigned int n, unsigned int nruns,
		struct sample runs[NMODES][MAX_RUNS], const struct sample *prof)
{
	unsigned int i, m, k;

	for (i = 0; i < nmetrics; i++)
		for (m = 0; m < NMODES && metric_on(&metrics[i], w); m++) {
			struct figure f = summarize(runs[m], nruns, &metrics[i]);

			printf("@@CSV %s,%s,%s,%u,%s,%.3f,%.3f,%.3f,%u,%d\n",
			       phase_name[metrics[i].phase], metrics[i].name,
			       unit(&metrics[i]), n, mode_name[m], f.median,
			       f.min, f.max, nruns,
			       is_count(&metrics[i]) ? f.exact : 1);
		}
	for (i = 0; prof && i < NPHASES; i++) {
		if (!profiled_phase(i) || !prof[COORD].wall_ms[i])
			continue;
		for (k = 0; k < NPARTS; k++)
			for (m = 0; m < NMODES; m++) {
				double v = part(&prof[m], i, k);

				printf("@@CSV %s,profile: %s,ms,%u,%s,%.3f,%.3f,%.3f,1,1\n",
				       phase_name[i], part_name[k], n,
				       mode_name[m], v, v, v);
			}
	}
}

static void fmt_figure(char *buf, size_t len, const struct metric *m,
		       struct figure f)
{
	if (is_count(m) && f.exact)
		snprintf(buf, len, "%.0f", f.median);
	else if (is_count(m))
		snprintf(buf, len, "%.0f-%.0f!", f.min, f.max);
	else if (m->kind == K_COPY_RATIO)
		snprintf(buf, len, "%.3f (%.3f-%.3f)", f.median, f.min, f.max);
	else
		snprintf(buf, len, "%.1f (%.1f-%.1f)", f.median, f.min,
			 f.max);
}

static const char *phase_title(enum phase p, const struct workload *w,
			       char *buf, size_t len)
{
	switch (p) {
	case TOUCH:
		snprintf(buf, len, "first touch of %zu MiB by N GPUs",
			 w->touch_size / SZ_1M);
		break;
	case UNMAP:
		snprintf(buf, len, "CPU munmap of those %zu MiB",
			 w->touch_size / SZ_1M);
		break;
	case CUT:
		snprintf(buf, len, "munmap of 4 KiB per 2 MiB range of %zu MiB mapped on N GPUs",
			 w->cut_size / SZ_1M);
		break;
	case TOUCH4K:
		snprintf(buf, len, "first touch of %zu MiB of 4 KiB pages (THP off) by N GPUs",
			 w->touch_size / SZ_1M);
		break;
	case REFAULT:
		snprintf(buf, len, "N GPUs read the rest (%zu pages per range)",
			 PAGES_2M - 1);
		break;
	case SCALE_256M ... SCALE_16G:
		snprintf(buf, len, "%zu MiB span, one 4 KiB mapping per 2 MiB (%zu ranges), %s",
			 scale_span(p) / SZ_1M, scale_span(p) / SZ_2M,
			 "written by N GPUs");
		break;
	case PINGPONG:
		snprintf(buf, len, "GPUs 0 and 1 write one 2 MiB range in turns, %u turns",
			 w->pingpong);
		break;
	case SHARED:
		snprintf(buf, len, "%zu MiB in GPU 0's VRAM, GPUs 1..N-1 read each range in turn",
			 w->mig_size / SZ_1M);
		break;
	case CHAIN:
		snprintf(buf, len, "%zu MiB: GPU i writes it, GPU i+1 reads it, around all N",
			 w->mig_size / SZ_1M);
		break;
	case OVERSUB:
		snprintf(buf, len, "GPU 0 writes 1.5 times its VRAM, twice over");
		break;
	default:
		snprintf(buf, len, "GPU 0 pulls %zu MiB the CPU wrote into its VRAM; %s",
			 w->mig_size / SZ_1M, "memcpy of the same bytes");
		break;
	}
	return buf;
}

/* Where the time of the profiled runs went, by phase, part and N. */
static void profile_table(const unsigned int *ns, unsigned int nn,
			  struct sample prof[][NMODES])
{
	unsigned int p, k, m, j;

	for (p = 0; p < NPHASES; p++) {
		if (!profiled_phase(p) || !prof[0][COORD].wall_ms[p])
			continue;
		printf("\nwhere the wall time of %s goes (ms, one profiled run per mode)\n",
		       phase_name[p]);
		printf("%-28s %-12s", "", "");
		for (j = 0; j < nn; j++)
			printf("  %6s%-6u", "N=", ns[j]);
		printf("\n");
		for (k = 0; k <= NPARTS; k++)
			for (m = 0; m < NMODES; m++) {
				printf("%-28s %-12s", m ? "" :
				       k < NPARTS ? part_name[k] : "total",
				       mode_name[m]);
				for (j = 0; j < nn; j++) {
					const struct sample *s = &prof[j][m];

					printf(" %13.1f", k < NPARTS ? part(s, p, k) :
					       s->wall_ms[p]);
				}
				printf("\n");
			}
	}
}

/* --full: one table per phase, the modes and their ratio by N. */
static int full(void)
{
	static const unsigned int map_ns[] = { 1, 2, 4, 8 }, mig_ns[] = { 2, 4, 8 };
	static struct sample runs[4][NMODES][MAX_RUNS], prof[4][NMODES];
	const struct workload w = { 256 * SZ_1M, 64 * SZ_1M, 16 * SZ_1M, 1000, SCALE_16G };
	const unsigned int *ns = vram ? mig_ns : map_ns;
	const unsigned int nruns = 5, nn = vram ? 3 : 4;
	unsigned int i, j, k, m;
	enum phase p = NPHASES;
	bool ok = true;
	char title[128];

	for (k = 0; k < nn; k++) {
		printf("# running N=%u: %u runs per mode%s\n", ns[k], nruns,
		       profiling ? ", and one profiled" : "");
		ok &= run_all(ns[k], &w, nruns, runs[k], profiling ? prof[k] : NULL);
		csv(&w, ns[k], nruns, runs[k], profiling ? prof[k] : NULL);
	}

	for (i = 0; i < nmetrics; i++) {
		const struct metric *mt = &metrics[i];

		if (!metric_on(mt, &w))
			continue;
		if (mt->phase != p) {
			p = mt->phase;
			phase_title(p, &w, title, sizeof(title));
			printf("\n%s\n%-28s %-12s", title, "", "");
			for (k = 0; k < nn; k++)
				printf(" %20s", (snprintf(title, sizeof(title),
							  "N=%u", ns[k]), title));
			printf("\n");
		}
		for (m = 0; m <= NMODES; m++) {
			printf("%-28s %-12s", m ? "" : mt->name,
			       m < NMODES ? mode_name[m] : "ratio");
			for (k = 0; k < nn; k++) {
				struct figure f[NMODES];
				char cell[48];

				for (j = 0; j < NMODES; j++)
					f[j] = summarize(runs[k][j], nruns, mt);
				if (m < NMODES)
					fmt_figure(cell, sizeof(cell), mt, f[m]);
				else if (f[BASE].median)
					snprintf(cell, sizeof(cell), "%.2f",
						 f[COORD].median / f[BASE].median);
				else
					snprintf(cell, sizeof(cell), "-");
				printf(" %20s", cell);
			}
			printf("\n");
		}
	}
	if (profiling)
		profile_table(ns, nn, prof);
	printf("\nratio = coordinator / baseline; times: median (min-max) of %u runs; "
	       "'!' marks a count that varied between runs\n", nruns);
	return ok ? 0 : 1;
}

/* The verdict on one figure of the demo. */
static void verdict(char *buf, size_t len, const struct metric *m,
		    double c, double b, unsigned int n)
{
	if (m->kind == K_RATE || m->kind == K_MEMCPY || m->kind == K_COPY_RATIO) {
		snprintf(buf, len, "the copy engine against memcpy");
	} else if (!is_count(m) && m->kind != K_MIB_SYS && m->kind != K_MIB_PEER) {
		if (c <= 0 || b <= 0)
			snprintf(buf, len, "-");
		else if (c <= b * 0.9)
			snprintf(buf, len, "coordinator %.1fx faster", b / c);
		else if (b <= c * 0.9)
			snprintf(buf, len, "baseline %.1fx faster", c / b);
		else
			snprintf(buf, len, "about the same");
	} else if (c == b) {
		snprintf(buf, len, "same work in both");
	} else if (b == 0) {
		snprintf(buf, len, "only the coordinator");
	} else if (c == 0) {
		snprintf(buf, len, "none instead of %.0f", b);
	} else if (c * n == b) {
		snprintf(buf, len, "1 vs %u: once for all GPUs, not once per GPU",
			 n);
	} else if (c < b) {
		snprintf(buf, len, "%.0f%% less", 100 * (1 - c / b));
	} else {
		snprintf(buf, len, "%.0f%% more", 100 * (c / b - 1));
	}
}

/* --demo: N = 4, side by side, with a verdict per figure. */
static int demo(void)
{
	static struct sample runs[NMODES][MAX_RUNS], prof[1][NMODES];
	const struct workload w = { 64 * SZ_1M, 16 * SZ_1M, 8 * SZ_1M, 200, SCALE_1G };
	const unsigned int n = 4, nruns = 3;
	enum phase p = NPHASES;
	char title[128];
	unsigned int i;
	bool ok;

	printf("# vsvm-bench: %u virtual GPUs%s, coordinator vs one drm_gpusvm per GPU\n",
	       n, vram ? " with VRAM" : "");
	ok = run_all(n, &w, nruns, runs, profiling ? prof[0] : NULL);
	csv(&w, n, nruns, runs, profiling ? prof[0] : NULL);
	for (i = 0; i < nmetrics; i++) {
		const struct metric *mt = &metrics[i];
		struct figure c = summarize(runs[COORD], nruns, mt);
		struct figure b = summarize(runs[BASE], nruns, mt);
		char cc[48], bc[48], v[80];

		if (!metric_on(mt, &w))
			continue;
		if (mt->phase != p) {
			p = mt->phase;
			printf("\n%s\n%-28s %18s %18s %6s  %s\n",
			       phase_title(p, &w, title, sizeof(title)), "",
			       "coordinator", "baseline", "ratio", "verdict");
		}
		fmt_figure(cc, sizeof(cc), mt, c);
		fmt_figure(bc, sizeof(bc), mt, b);
		verdict(v, sizeof(v), mt, c.median, b.median, n);
		printf("%-28s %18s %18s %6s  %s\n", mt->name, cc, bc,
		       b.median ? (snprintf(title, sizeof(title), "%.2f",
					    c.median / b.median), title) : "-",
		       v);
	}
	if (profiling)
		profile_table(&n, 1, prof);
	printf("\ntimes: median (min-max) of %u runs in a TCG guest; the counts decide\n",
	       nruns);
	return ok ? 0 : 1;
}

static unsigned long long cnt(const struct sample *s, enum phase p, int stat)
{
	return s->count[p][stat];
}

/* One counter of a phase in both modes, for the check's log. */
static void show(const struct sample *c, const struct sample *b,
		 enum phase p, int stat)
{
	const struct metric *m = NULL;
	unsigned int i;

	for (i = 0; i < nmetrics; i++)
		if (metrics[i].phase == p && metrics[i].kind == K_COUNT &&
		    metrics[i].stat == stat)
			m = &metrics[i];
	ksft_print_msg("  %-8s %-26s coordinator %7llu, baseline %7llu\n",
		       phase_name[p], m ? m->name : "?", cnt(c, p, stat),
		       cnt(b, p, stat));
}

/* --check on GPUs without VRAM: the count relations of the mapping suite. */
static int check_map(void)
{
	const struct workload w = { 16 * SZ_1M, 8 * SZ_1M, 0, 0, SCALE_1G };
	const unsigned long long r = w.touch_size / SZ_2M, rc = w.cut_size / SZ_2M;
	const unsigned long long rs = scale_span(SCALE_1G) / SZ_2M;
	static struct sample one[NMODES][MAX_RUNS], four[NMODES][MAX_RUNS];
	const struct sample *c, *b, *c1, *b1;
	const unsigned long long n = 4;
	bool ok1, ok4;

	ksft_print_header();
	ksft_set_plan(12);

	ok1 = run_all(1, &w, 1, one, NULL);
	ok4 = run_all(n, &w, 1, four, NULL);
	c1 = &one[COORD][0];
	b1 = &one[BASE][0];
	c = &four[COORD][0];
	b = &four[BASE][0];

	ksft_test_result(ok1 && ok4,
			 "every run finished, and every GPU read and wrote the CPU's data\n");
	ksft_print_msg("N=4, %llu ranges of first touch, %llu of 4 KiB munmaps:\n",
		       r, rc);
	show(c, b, TOUCH, DRM_VSVM_STAT_HMM_FAULTS);
	show(c, b, TOUCH, DRM_VSVM_STAT_NOTIFIERS);
	show(c, b, TOUCH, DRM_VSVM_STAT_DMA_MAPS);
	show(c, b, TOUCH, DRM_VSVM_STAT_MAPS);
	show(c, b, UNMAP, DRM_VSVM_STAT_INVALIDATIONS);
	show(c, b, UNMAP, DRM_VSVM_STAT_ZAPS);
	show(c, b, UNMAP, DRM_VSVM_STAT_RANGES_DESTROYED);
	show(c, b, CUT, DRM_VSVM_STAT_SPLITS);
	show(c, b, REFAULT, DRM_VSVM_STAT_HMM_PAGES);
	show(c, b, REFAULT, DRM_VSVM_STAT_MAPS);
	show(c, b, REFAULT, DRM_VSVM_STAT_FAULTS);
	show(c, b, TOUCH4K, DRM_VSVM_STAT_HMM_FAULTS);
	show(c, b, TOUCH4K, DRM_VSVM_STAT_HMM_PAGES);
	ksft_print_msg("  AnonHugePages kB, touch/touch4k: coordinator %ld/%ld, baseline %ld/%ld\n",
		       c->huge_kb[TOUCH], c->huge_kb[TOUCH4K], b->huge_kb[TOUCH],
		       b->huge_kb[TOUCH4K]);
	ksft_test_result(cnt(c1, TOUCH, DRM_VSVM_STAT_HMM_FAULTS) == r &&
			 cnt(b1, TOUCH, DRM_VSVM_STAT_HMM_FAULTS) == r &&
			 cnt(c1, TOUCH, DRM_VSVM_STAT_MAPS) == r &&
			 cnt(b1, TOUCH, DRM_VSVM_STAT_MAPS) == r,
			 "N=1: both modes fault and map each range once\n");
	ksft_test_result(cnt(c, TOUCH, DRM_VSVM_STAT_HMM_FAULTS) == r &&
			 cnt(b, TOUCH, DRM_VSVM_STAT_HMM_FAULTS) == n * r,
			 "N=4 first touch: 1 hmm_range_fault per range, the baseline 4\n");
	ksft_test_result(cnt(c, TOUCH, DRM_VSVM_STAT_NOTIFIERS) == 1 &&
			 cnt(b, TOUCH, DRM_VSVM_STAT_NOTIFIERS) == n,
			 "N=4 first touch: 1 notifier for the mm, the baseline 1 per GPU\n");
	ksft_test_result(cnt(c, TOUCH, DRM_VSVM_STAT_DMA_MAPS) == n * r &&
			 cnt(b, TOUCH, DRM_VSVM_STAT_DMA_MAPS) == n * r &&
			 cnt(c, TOUCH, DRM_VSVM_STAT_MAPS) == n * r &&
			 cnt(b, TOUCH, DRM_VSVM_STAT_MAPS) == n * r,
			 "N=4 first touch: each GPU DMA-maps and maps each range once in both\n");
	ksft_test_result(cnt(c, UNMAP, DRM_VSVM_STAT_INVALIDATIONS) == 1 &&
			 cnt(b, UNMAP, DRM_VSVM_STAT_INVALIDATIONS) == n &&
			 cnt(c, UNMAP, DRM_VSVM_STAT_ZAPS) == n * r &&
			 cnt(b, UNMAP, DRM_VSVM_STAT_ZAPS) == n * r,
			 "N=4 munmap: 1 invalidation callback, the baseline 4; both zap every GPU's ranges\n");
	ksft_test_result(cnt(c, UNMAP, DRM_VSVM_STAT_RANGES_DESTROYED) == r &&
			 cnt(b, UNMAP, DRM_VSVM_STAT_RANGES_DESTROYED) == n * r &&
			 cnt(c, UNMAP, DRM_VSVM_STAT_NOTIFIERS_REMOVED) == 1 &&
			 cnt(b, UNMAP, DRM_VSVM_STAT_NOTIFIERS_REMOVED) == n,
			 "N=4 munmap: every range and notifier is released in both\n");
	ksft_test_result(cnt(c, REFAULT, DRM_VSVM_STAT_HMM_PAGES) == 0 &&
			 cnt(c, REFAULT, DRM_VSVM_STAT_MAPS) == 0 &&
			 cnt(c, REFAULT, DRM_VSVM_STAT_FAULTS) == 0 &&
			 cnt(c, CUT, DRM_VSVM_STAT_SPLITS) == rc,
			 "N=4 4 KiB munmap: the coordinator splits each range and refaults nothing\n");
	ksft_test_result(cnt(b, REFAULT, DRM_VSVM_STAT_HMM_PAGES) ==
			 n * rc * (PAGES_2M - 1) &&
			 cnt(b, CUT, DRM_VSVM_STAT_SPLITS) == 0,
			 "N=4 4 KiB munmap: the baseline refaults the other 511 pages on every GPU\n");
	ksft_test_result(c->huge_kb[TOUCH] > 0 && b->huge_kb[TOUCH] > 0 &&
			 c->huge_kb[TOUCH4K] == 0 && b->huge_kb[TOUCH4K] == 0,
			 "first touch takes huge pages, the 4 KiB first touch none\n");
	ksft_test_result(cnt(c, TOUCH4K, DRM_VSVM_STAT_HMM_FAULTS) == r &&
			 cnt(c, TOUCH4K, DRM_VSVM_STAT_HMM_PAGES) == r * PAGES_2M &&
			 cnt(b, TOUCH4K, DRM_VSVM_STAT_HMM_FAULTS) == n * r &&
			 cnt(b, TOUCH4K, DRM_VSVM_STAT_HMM_PAGES) == n * r * PAGES_2M &&
			 cnt(c, TOUCH4K, DRM_VSVM_STAT_MAPS) == n * r &&
			 cnt(b, TOUCH4K, DRM_VSVM_STAT_MAPS) == n * r,
			 "N=4 4 KiB first touch: 512 pages walked once per range, the baseline 4 times\n");
	show(c, b, SCALE_1G, DRM_VSVM_STAT_NOTIFIERS);
	show(c, b, SCALE_1G, DRM_VSVM_STAT_RANGES);
	show(c, b, SCALE_1G, DRM_VSVM_STAT_HMM_FAULTS);
	ksft_test_result(cnt(c, SCALE_1G, DRM_VSVM_STAT_NOTIFIERS) == rs / 256 &&
			 cnt(b, SCALE_1G, DRM_VSVM_STAT_NOTIFIERS) == n * rs / 256 &&
			 cnt(c, SCALE_1G, DRM_VSVM_STAT_RANGES) == rs &&
			 cnt(b, SCALE_1G, DRM_VSVM_STAT_RANGES) == n * rs &&
			 cnt(c, SCALE_1G, DRM_VSVM_STAT_HMM_FAULTS) == rs &&
			 cnt(b, SCALE_1G, DRM_VSVM_STAT_HMM_FAULTS) == n * rs,
			 "N=4 sparse 1 GiB: 1 notifier per 512 MiB and 1 range per mapping, the baseline 4 of each\n");
	ksft_finished();
}

/*
 * --check on GPUs with VRAM: the count relations of the migration suite,
 * N = 2 (GPUs 0 and 1 reach each other's VRAM in make check's boot).
 */
static int check_migrate(void)
{
	const struct workload w = { 0, 0, 8 * SZ_1M, 100 };
	const unsigned long long r = w.mig_size / SZ_2M, turns = w.pingpong;
	static struct sample two[NMODES][MAX_RUNS];
	const struct sample *c = &two[COORD][0], *b = &two[BASE][0];
	struct drm_vsvm_vram v = {};
	unsigned long long vr;
	int fd = open_gpu(0);
	bool ok;

	/* Ranges GPU 0's VRAM holds; oversub writes 1.5 times as many. */
	if (fd < 0 || xioctl(fd, DRM_IOCTL_VSVM_VRAM, &v))
		v.size = 0;
	if (fd >= 0)
		close(fd);
	vr = v.size / SZ_2M;

	ksft_print_header();
	ksft_set_plan(6);

	ok = run_all(2, &w, 1, two, NULL);
	ksft_test_result(ok, "every run finished, and every GPU read and wrote the CPU's data\n");
	ksft_print_msg("N=2, %llu turns of pingpong, %llu ranges elsewhere:\n",
		       turns, r);
	show(c, b, PINGPONG, DRM_VSVM_STAT_MIGRATIONS);
	show(c, b, PINGPONG, DRM_VSVM_STAT_REMOTE_MAPS);
	show(c, b, PINGPONG, DRM_VSVM_STAT_THRASH_THROTTLES);
	show(c, b, COPY, DRM_VSVM_STAT_MIGRATIONS);
	show(c, b, SHARED, DRM_VSVM_STAT_MIGRATIONS);
	show(c, b, CHAIN, DRM_VSVM_STAT_MIGRATIONS);
	show(c, b, OVERSUB, DRM_VSVM_STAT_MIGRATIONS);
	show(c, b, OVERSUB, DRM_VSVM_STAT_MIGRATION_FAILURES);
	show(c, b, OVERSUB, DRM_VSVM_STAT_EVICTIONS_PEER);
	show(c, b, OVERSUB, DRM_VSVM_STAT_EVICTIONS_RAM);
	ksft_print_msg("  copy: MiB into VRAM coordinator %.1f, baseline %.1f\n",
		       c->mib_sys[COPY], b->mib_sys[COPY]);
	ksft_test_result(cnt(b, PINGPONG, DRM_VSVM_STAT_MIGRATIONS) == turns &&
			 cnt(b, PINGPONG, DRM_VSVM_STAT_MIGRATION_FAILURES) == 0,
			 "pingpong: the baseline moves the range on every turn\n");
	ksft_test_result(cnt(c, PINGPONG, DRM_VSVM_STAT_MIGRATIONS) <= 10 &&
			 cnt(c, PINGPONG, DRM_VSVM_STAT_THRASH_THROTTLES) >= 1 &&
			 cnt(c, PINGPONG, DRM_VSVM_STAT_REMOTE_MAPS) >= 1,
			 "pingpong: the coordinator moves it at most 10 times, then maps it remotely\n");
	ksft_test_result(cnt(c, COPY, DRM_VSVM_STAT_MIGRATIONS) == r &&
			 cnt(b, COPY, DRM_VSVM_STAT_MIGRATIONS) == r &&
			 c->mib_sys[COPY] == w.mig_size / SZ_1M &&
			 b->mib_sys[COPY] == w.mig_size / SZ_1M,
			 "copy: both modes move each range into VRAM once, every byte once\n");
	ksft_test_result(cnt(c, OVERSUB, DRM_VSVM_STAT_EVICTIONS_PEER) >= 1 &&
			 cnt(c, OVERSUB, DRM_VSVM_STAT_EVICTIONS_RAM) == 0 &&
			 cnt(c, OVERSUB, DRM_VSVM_STAT_MIGRATION_FAILURES) == 0,
			 "oversub: the coordinator evicts to the peer's VRAM, never to RAM\n");
	ksft_test_result(cnt(b, OVERSUB, DRM_VSVM_STAT_MIGRATIONS) == vr &&
			 cnt(b, OVERSUB, DRM_VSVM_STAT_MIGRATION_FAILURES) == vr / 2,
			 "oversub: the baseline fills its VRAM, then its moves fail: no eviction\n");
	ksft_finished();
}

static void baseline_migrate_off(void)
{
	write_str(BL_MIGRATE, "0");
}

/*
 * The suite of this boot: migration with VRAM, set up so that the
 * baseline migrates; with @prof, the profiler for the extra runs.
 */
static void setup(bool prof)
{
	struct drm_vsvm_vram v = {};
	int fd = open_gpu(0);

	vram = fd >= 0 && !xioctl(fd, DRM_IOCTL_VSVM_VRAM, &v) && v.size;
	if (fd >= 0)
		close(fd);
	if (vram) {
		metrics = mig_metrics;
		nmetrics = ARRAY_SIZE(mig_metrics);
		if (write_str(BL_MIGRATE, "1"))
			printf("# cannot set %s: the baseline will not migrate\n",
			       BL_MIGRATE);
		atexit(baseline_migrate_off);
	}
	if (prof) {
		profiling = !profiler_setup();
		if (!profiling)
			printf("# no ftrace function profiler: no profiled runs\n");
	}
}

int main(int argc, char **argv)
{
	int ret;

	if (argc == 2 && !strcmp(argv[1], "--check")) {
		setup(false);
		ret = vram ? check_migrate() : check_map();
	} else if (argc == 2 && !strcmp(argv[1], "--demo")) {
		setup(true);
		ret = demo();
	} else if (argc == 2 && !strcmp(argv[1], "--full")) {
		setup(true);
		ret = full();
	} else {
		fprintf(stderr, "usage: %s --check | --demo | --full\n", argv[0]);
		return 2;
	}
	return ret;
}
