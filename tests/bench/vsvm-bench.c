// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * vsvm-bench: the SVM coordinator against one upstream drm_gpusvm per GPU
 * (vsvm's baseline mode, which follows xe_svm.c), on the same virtual GPUs
 * and the same workload, measured in the same run.
 *
 *   vsvm-bench --check   small runs, N = 1 and 4: assert the count
 *                        relations (kselftest output, for make check)
 *   vsvm-bench --demo    N = 4, a short workload: side-by-side table with
 *                        a verdict per figure (make run)
 *   vsvm-bench --full    N = 1, 2, 4, 8, 256 MiB, 5 runs each (make bench)
 *
 * Every run is a fresh process: its own mm, its own coordinator or
 * drm_gpusvm instances. Its phases:
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
 *            per GPU).
 *
 * Counts are the kernel's (DRM_IOCTL_VSVM_STATS, totals of the mm) and must
 * be identical run to run; times are wall and CPU (getrusage) time of the
 * process, median and min-max over the runs. Data is checked in every
 * phase. Lines starting with "@@CSV " are the machine-readable results.
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

enum mode { COORD, BASE, NMODES };
static const char *const mode_name[NMODES] = { "coordinator", "baseline" };

enum phase { TOUCH, UNMAP, CUT, REFAULT, TOUCH4K, NPHASES };
static const char *const phase_name[NPHASES] = {
	"touch", "munmap", "cut", "refault", "touch4k",
};

/* One run's results, sent by the child that ran it. */
struct sample {
	unsigned long long count[NPHASES][DRM_VSVM_STAT_MAX];
	double cpu_ms[NPHASES];
	double wall_ms[NPHASES];
	long huge_kb[NPHASES];	/* touch, touch4k: AnonHugePages of the buffer */
	long bad_words;		/* data that differs from the CPU's */
	int err;		/* -errno of the step that failed, or 0 */
	char failed[80];	/* that step */
};

struct workload {
	size_t touch_size;
	size_t cut_size;
};

/* What one figure shows: a counter of a phase, or a time. */
struct metric {
	enum phase phase;
	const char *name;
	int stat;		/* DRM_VSVM_STAT_*, or -1 for a time */
	bool cpu;		/* time: CPU rather than wall */
};

static const struct metric metrics[] = {
	{ TOUCH, "notifiers registered", DRM_VSVM_STAT_NOTIFIERS },
	{ TOUCH, "hmm_range_fault calls", DRM_VSVM_STAT_HMM_FAULTS },
	{ TOUCH, "pages faulted by hmm", DRM_VSVM_STAT_HMM_PAGES },
	{ TOUCH, "ranges DMA-mapped", DRM_VSVM_STAT_DMA_MAPS },
	{ TOUCH, "GPU page-table maps", DRM_VSVM_STAT_MAPS },
	{ TOUCH, "GPU faults", DRM_VSVM_STAT_FAULTS },
	{ TOUCH, "CPU time ms", -1, true },
	{ TOUCH, "wall time ms", -1, false },
	{ UNMAP, "invalidation callbacks", DRM_VSVM_STAT_INVALIDATIONS },
	{ UNMAP, "GPU zaps (with TLB flush)", DRM_VSVM_STAT_ZAPS },
	{ UNMAP, "garbage-collector runs", DRM_VSVM_STAT_GC_RUNS },
	{ UNMAP, "ranges destroyed", DRM_VSVM_STAT_RANGES_DESTROYED },
	{ UNMAP, "notifiers removed", DRM_VSVM_STAT_NOTIFIERS_REMOVED },
	{ UNMAP, "munmap wall time ms", -1, false },
	{ CUT, "invalidation callbacks", DRM_VSVM_STAT_INVALIDATIONS },
	{ CUT, "GPU zaps (with TLB flush)", DRM_VSVM_STAT_ZAPS },
	{ CUT, "ranges split", DRM_VSVM_STAT_SPLITS },
	{ REFAULT, "hmm_range_fault calls", DRM_VSVM_STAT_HMM_FAULTS },
	{ REFAULT, "pages re-faulted", DRM_VSVM_STAT_HMM_PAGES },
	{ REFAULT, "ranges DMA-mapped again", DRM_VSVM_STAT_DMA_MAPS },
	{ REFAULT, "GPU page-table maps", DRM_VSVM_STAT_MAPS },
	{ REFAULT, "GPU faults", DRM_VSVM_STAT_FAULTS },
	{ REFAULT, "CPU time ms", -1, true },
	{ REFAULT, "wall time ms", -1, false },
	{ TOUCH4K, "hmm_range_fault calls", DRM_VSVM_STAT_HMM_FAULTS },
	{ TOUCH4K, "pages faulted by hmm", DRM_VSVM_STAT_HMM_PAGES },
	{ TOUCH4K, "ranges DMA-mapped", DRM_VSVM_STAT_DMA_MAPS },
	{ TOUCH4K, "GPU page-table maps", DRM_VSVM_STAT_MAPS },
	{ TOUCH4K, "CPU time ms", -1, true },
	{ TOUCH4K, "wall time ms", -1, false },
};

#define NMETRICS	ARRAY_SIZE(metrics)

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

struct clock {
	double wall, cpu;
};

static struct clock clock_start(void)
{
	return (struct clock){ now_ms(), cpu_ms() };
}

static void clock_stop(struct clock c, struct sample *s, enum phase p)
{
	s->wall_ms[p] = now_ms() - c.wall;
	s->cpu_ms[p] = cpu_ms() - c.cpu;
}

/* What the phases of one run share. */
struct run_ctx {
	const struct workload *w;
	struct sample *s;
	unsigned int n;		/* GPUs */
	int fd[MAX_GPUS];
	char *buf;		/* touch, munmap: the buffer; cut, refault: the cut one */
	char *tmp;		/* refault: a range read through a GPU */
};

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
	c = clock_start();
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
	clock_stop(c, s, p);
	settle_stats(r->fd[0], s->count[p]);
	s->huge_kb[p] = anon_huge_kb(r->buf);
	for (i = 0; i < ranges; i++)
		s->bad_words += *(uint32_t *)(r->buf + i * SZ_2M) != r->n;
	return 0;
}

/* munmap: the call, then the deferred work it caused settles. */
static int phase_munmap(struct run_ctx *r)
{
	struct clock c = clock_start();

	munmap(r->buf, r->w->touch_size);
	clock_stop(c, r->s, UNMAP);
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
		((uint32_t *)r->buf)[i] = i * 2654435761u;
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
	c = clock_start();
	for (i = 0; i < cut_ranges; i++)
		munmap(r->buf + i * SZ_2M + mid, PAGE);
	clock_stop(c, s, CUT);
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

	c = clock_start();
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
	clock_stop(c, s, REFAULT);
	settle_stats(r->fd[0], s->count[REFAULT]);
	return 0;
}

/* The phases in order; one that fails says why in @s and ends the run. */
static void run_phases(enum mode which, unsigned int n,
		       const struct workload *w, struct sample *s)
{
	struct run_ctx r = { .w = w, .s = s, .n = n };

	if (!attach_gpus(&r, which) && !phase_touch(&r, TOUCH) &&
	    !phase_munmap(&r) && !phase_cut(&r) && !phase_refault(&r))
		phase_touch(&r, TOUCH4K);
	free(r.tmp);
}

/* One run in a fresh process. */
static struct sample run(enum mode which, unsigned int n,
			 const struct workload *w)
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
		run_phases(which, n, w, &s);
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
	if (m->stat >= 0)
		return s->count[m->phase][m->stat];
	return m->cpu ? s->cpu_ms[m->phase] : s->wall_ms[m->phase];
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

/* Runs of every mode for one N; false (after saying why) if one failed. */
static bool run_all(unsigned int n, const struct workload *w,
		    unsigned int nruns, struct sample runs[NMODES][MAX_RUNS])
{
	unsigned int i, m;
	bool ok = true;

	for (i = 0; i < nruns; i++)
		for (m = 0; m < NMODES; m++) {
			struct sample *s = &runs[m][i];

			*s = run(m, n, w);
			if (s->err) {
				printf("# %s, N=%u: %s failed: %s\n",
				       mode_name[m], n, s->failed,
				       strerror(-s->err));
				ok = false;
			} else if (s->bad_words) {
				printf("# %s, N=%u: %ld pieces of data differ from the CPU's\n",
				       mode_name[m], n, s->bad_words);
				ok = false;
			}
		}
	return ok;
}

static void csv(unsigned int n, unsigned int nruns,
		struct sample runs[NMODES][MAX_RUNS])
{
	unsigned int i, m;

	for (i = 0; i < NMETRICS; i++)
		for (m = 0; m < NMODES; m++) {
			struct figure f = summarize(runs[m], nruns, &metrics[i]);

			printf("@@CSV %s,%s,%s,%u,%s,%.3f,%.3f,%.3f,%u,%d\n",
			       phase_name[metrics[i].phase], metrics[i].name,
			       metrics[i].stat >= 0 ? "count" : "ms", n,
			       mode_name[m], f.median, f.min, f.max, nruns,
			       metrics[i].stat >= 0 ? f.exact : 1);
		}
}

static void fmt_figure(char *buf, size_t len, const struct metric *m,
		       struct figure f)
{
	if (m->stat >= 0 && f.exact)
		snprintf(buf, len, "%.0f", f.median);
	else if (m->stat >= 0)
		snprintf(buf, len, "%.0f-%.0f!", f.min, f.max);
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
	default:
		snprintf(buf, len, "N GPUs read the rest (%zu pages per range)",
			 PAGES_2M - 1);
		break;
	}
	return buf;
}

/* --full: one table per phase, the modes and their ratio by N. */
static int full(void)
{
	static const unsigned int ns[] = { 1, 2, 4, 8 };
	static struct sample runs[4][NMODES][MAX_RUNS];
	const struct workload w = { 256 * SZ_1M, 64 * SZ_1M };
	const unsigned int nruns = 5, nn = 4;
	unsigned int i, j, k, m;
	enum phase p = NPHASES;
	bool ok = true;
	char title[128];

	for (k = 0; k < nn; k++) {
		printf("# running N=%u: %u runs per mode\n", ns[k], nruns);
		ok &= run_all(ns[k], &w, nruns, runs[k]);
		csv(ns[k], nruns, runs[k]);
	}

	for (i = 0; i < NMETRICS; i++) {
		const struct metric *mt = &metrics[i];

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
	printf("\nratio = coordinator / baseline; times: median (min-max) of %u runs; "
	       "'!' marks a count that varied between runs\n", nruns);
	return ok ? 0 : 1;
}

/* The verdict on one figure of the demo. */
static void verdict(char *buf, size_t len, const struct metric *m,
		    double c, double b, unsigned int n)
{
	if (m->stat < 0) {
		if (c <= b * 0.9)
			snprintf(buf, len, "coordinator %.1fx faster", b / c);
		else if (b <= c * 0.9)
			snprintf(buf, len, "baseline %.1fx faster", c / b);
		else
			snprintf(buf, len, "about the same");
	} else if (c == b) {
		snprintf(buf, len, "same work in both");
	} else if (b == 0) {
		snprintf(buf, len, "only the coordinator can");
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
	static struct sample runs[NMODES][MAX_RUNS];
	const struct workload w = { 64 * SZ_1M, 16 * SZ_1M };
	const unsigned int n = 4, nruns = 3;
	enum phase p = NPHASES;
	char title[128];
	unsigned int i;
	bool ok;

	printf("# vsvm-bench: %u virtual GPUs, coordinator vs one drm_gpusvm per GPU\n",
	       n);
	ok = run_all(n, &w, nruns, runs);
	csv(n, nruns, runs);
	for (i = 0; i < NMETRICS; i++) {
		const struct metric *mt = &metrics[i];
		struct figure c = summarize(runs[COORD], nruns, mt);
		struct figure b = summarize(runs[BASE], nruns, mt);
		char cc[48], bc[48], v[80];

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

	for (i = 0; i < NMETRICS; i++)
		if (metrics[i].phase == p && metrics[i].stat == stat)
			m = &metrics[i];
	ksft_print_msg("  %-8s %-26s coordinator %7llu, baseline %7llu\n",
		       phase_name[p], m ? m->name : "?", cnt(c, p, stat),
		       cnt(b, p, stat));
}

/* --check: the count relations the coordinator promises (make check). */
static int check(void)
{
	const struct workload w = { 16 * SZ_1M, 8 * SZ_1M };
	const unsigned long long r = w.touch_size / SZ_2M, rc = w.cut_size / SZ_2M;
	static struct sample one[NMODES][MAX_RUNS], four[NMODES][MAX_RUNS];
	const struct sample *c, *b, *c1, *b1;
	const unsigned long long n = 4;
	bool ok1, ok4;

	ksft_print_header();
	ksft_set_plan(11);

	ok1 = run_all(1, &w, 1, one);
	ok4 = run_all(n, &w, 1, four);
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
	ksft_finished();
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--check"))
		return check();
	if (argc == 2 && !strcmp(argv[1], "--demo"))
		return demo();
	if (argc == 2 && !strcmp(argv[1], "--full"))
		return full();
	fprintf(stderr, "usage: %s --check | --demo | --full\n", argv[0]);
	return 2;
}
