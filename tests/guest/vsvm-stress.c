// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * A concurrency test on the honest GPU model: virtual GPUs (vsvm) work on a
 * shared buffer from their own threads while CPU threads change the memory
 * under them, and every byte that a GPU, the CPU or a forked child reads is
 * checked against a model.
 *
 * The buffer has two parts. Each page of the stable part (4 MiB) belongs to
 * one GPU that can fault, whose thread writes the next generation of the
 * page's pattern through the GPU, reads it back through the GPU and checks
 * it; the model holds each page's generation, and a sequence count that is
 * odd while the owner writes, so that readers know when a write may race
 * with their read. The CPU threads change only how the stable part is
 * mapped, never its content: mprotect() to read-only and back (GPU writes
 * fail meanwhile and are tried again later: a failed access of one page
 * writes nothing), fork() (the child checks its copy and writes some pages,
 * which must stay its own), prefetch and preferred-location attributes that
 * move the first 2 MiB between the VRAM of the GPUs and system memory,
 * GPU_EXEC set and cleared over the second 2 MiB (each change retires its
 * ranges on every GPU),
 * mremap() of a piece to a scratch address, where the CPU checks it, and
 * back, and plain CPU reads. The second 2 MiB stay in system memory: a GPU
 * that cannot fault is granted access to them and reads them, and after
 * the mremap() of a piece of them it maps the piece again (an unmap is not
 * restored). In the churn part (2 MiB), CPU threads munmap() and mmap()
 * pieces again, map new memory over them and drop them with MADV_DONTNEED,
 * while each GPU writes and reads back its own pages there: a read-back
 * finds the GPU's last write or zeros, nothing else.
 *
 * At the end, with every thread joined, every stable page read through
 * each GPU and by the CPU holds its last generation (no write lost), the
 * page table of every GPU passes DRM_IOCTL_VSVM_PT_VERIFY over the whole
 * buffer, the GPU that cannot fault still maps all its pages and never
 * missed a mapping (no fatal fault), and no GPU took an IOMMU fault. The
 * counts of what each thread did, of the retries and of the accesses that
 * hit a GPU TLB entry being invalidated are logged. Nothing is ordered by
 * sleeping: the threads pace themselves, the checks rely on the model.
 *
 * Meant for the guest boot with five GPUs as PCI functions behind an Intel
 * IOMMU in strict mode: intel_iommu=on iommu.strict=1 vsvm.pci=1
 * vsvm.vram_mb=32 vsvm.topology=pairs vsvm.no_fault=0x10
 * vsvm.tlb_delay_us=1000. GPUs 0-2 write (0-1 are peers, 2 is not), GPU 4
 * cannot fault and reads, and the attributes move data between the VRAM of
 * GPUs 0-2 and system memory. With fewer GPUs, without VRAM or without a
 * GPU that cannot fault, it runs with what there is and says so; it skips
 * without a GPU that can fault.
 *
 * Options, given before the harness's own:
 *   --seconds N   run the threads for N seconds (default 40, which keeps
 *                 the test near a minute in a TCG guest); the harness's
 *                 timeout follows
 *   --seed N      seed of the random choices (default: from the clock),
 *                 logged, to repeat a run's choices
 *   --without=NAME[,NAME...]  leave CPU threads out (cpu-read, mprotect,
 *                 fork, migrate, mremap, churn), the GPU that cannot
 *                 fault (nofault) or transparent huge pages (thp), to
 *                 narrow a failure down
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vsvm-lib.h"

#define MAX_WRITERS	3
#define MAX_GPUS	(MAX_WRITERS + 1)
#define A_PAGES		512	/* stable, moved between VRAMs */
#define B_PAGES		512	/* stable, read by the GPU that cannot fault */
#define STABLE_PAGES	(A_PAGES + B_PAGES)
#define CHURN_PAGES	512
#define BUF_PAGES	(STABLE_PAGES + CHURN_PAGES)
#define WORDS		(PAGE / 8)
#define MOVE_MAX	64	/* pages one mremap() moves, at most */
#define RO_MAX		32	/* pages one mprotect() makes read-only */
#define RO_READS	4	/* pages the CPU reads while they are */
#define CHURN_MAX	16	/* pages one munmap, mmap or madvise takes */
#define CHILD_READS	32	/* pages a forked child checks */
#define CHILD_WRITES	8	/* pages it writes */
#define MAX_WORKERS	(MAX_WRITERS + 8)
#define MAX_FAILS	8
#define PROGRESS_S	10
#define DEFAULT_SECONDS	40
/* Setup, joining the threads and the final checks, in a TCG guest. */
#define TIMEOUT_MARGIN	180

/* Pattern ids: stable page p is p, churn page c and a child's write too. */
#define CHURN_ID	0x80000000u
#define CHILD_ID	0x40000000u
#define ID_MASK		0x3fffffffu
#define TAG		0xa5a5c3c35a5a3c3cull

#define NSEC		1000000000ull

static unsigned int opt_seconds = DEFAULT_SECONDS;
static __u64 opt_seed;
static const char *opt_without = "";

/*
 * Whether the CPU thread @name (cpu-read, mprotect, fork, migrate, exec,
 * mremap, churn), the GPU that cannot fault (nofault) or transparent huge pages
 * (thp) were left out with --without=NAME[,NAME...], to narrow a failure
 * down.
 */
static bool without(const char *name)
{
	size_t len = strlen(name);
	const char *p;

	for (p = opt_without; (p = strstr(p, name)); p += len)
		if ((p == opt_without || p[-1] == ',') &&
		    (p[len] == ',' || !p[len]))
			return true;
	return false;
}

static __u64 mix(__u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Word @w of the pattern of @id at generation @gen; word 0 names both. */
static __u64 pattern(__u32 id, __u32 gen, unsigned int w)
{
	__u64 key = (__u64)id << 32 | gen;

	return w ? mix(key ^ TAG) + w * 0x9e3779b97f4a7c15ull : key ^ TAG;
}

static void fill(__u64 *p, __u32 id, __u32 gen)
{
	unsigned int w;

	for (w = 0; w < WORDS; w++)
		p[w] = pattern(id, gen, w);
}

/* Index of the first word of @p that is not pattern(@id, @gen), or -1. */
static int first_bad(const __u64 *p, __u32 id, __u32 gen)
{
	unsigned int w;

	for (w = 0; w < WORDS; w++)
		if (p[w] != pattern(id, gen, w))
			return w;
	return -1;
}

static bool all_zero(const __u64 *p)
{
	unsigned int w;

	for (w = 0; w < WORDS; w++)
		if (p[w])
			return false;
	return true;
}

/*
 * Whether @v, word @w of a page of @id read while a writer took it from
 * generation @lo to @hi, holds that word of one of those generations,
 * whole or byte by byte: a read that races with a write may tear.
 */
static bool word_between(__u64 v, __u32 id, __u32 lo, __u32 hi,
			 unsigned int w)
{
	unsigned int b;
	__u64 g;

	for (g = lo; g <= hi; g++)
		if (v == pattern(id, g, w))
			return true;
	for (b = 0; b < 64; b += 8) {
		for (g = lo; g <= hi; g++)
			if (!(((v ^ pattern(id, g, w)) >> b) & 0xff))
				break;
		if (g > hi)
			return false;
	}
	return true;
}

/* Like first_bad(), for any generation from @lo to @hi. */
static int first_bad_between(const __u64 *p, __u32 id, __u32 lo,
			     __u32 hi)
{
	__u64 key = p[0] ^ TAG;
	__u32 gen = (__u32)key;
	unsigned int w;

	/* Most often one generation, which word 0 names. */
	if (key >> 32 == id && gen >= lo && gen <= hi &&
	    first_bad(p, id, gen) < 0)
		return -1;
	for (w = 0; w < WORDS; w++)
		if (!word_between(p[w], id, lo, hi, w))
			return w;
	return -1;
}

/* What the page @p holds, in words, for a failure message. */
static const char *looks_like(const __u64 *p, char *buf, size_t size)
{
	__u64 key = p[0] ^ TAG;
	__u32 id = key >> 32, gen = (__u32)key;

	if (all_zero(p))
		return "zeros";
	if (first_bad(p, id, gen) >= 0)
		return "no whole pattern (torn, or foreign data)";
	snprintf(buf, size, "the pattern of %s %u, generation %u",
		 id & CHURN_ID ? "churn page" :
		 id & CHILD_ID ? "a fork child's write to page" : "stable page",
		 id & ID_MASK, gen);
	return buf;
}

/*
 * The model of a stable page. Only its owner writes it: @seq odd while a
 * GPU write of the page may be in flight, @gen the generation the page
 * holds while @seq is even. The page never holds a generation below @gen,
 * nor above @gen + 1.
 */
struct page_state {
	__u32 seq;
	__u32 gen;
};

/* What a reader saw of a page's model before and after reading it. */
struct snap {
	__u32 s0, g0, s1, g1;
};

static void snap_begin(const struct page_state *ps, struct snap *sn)
{
	sn->s0 = __atomic_load_n(&ps->seq, __ATOMIC_ACQUIRE);
	sn->g0 = __atomic_load_n(&ps->gen, __ATOMIC_ACQUIRE);
}

static void snap_end(const struct page_state *ps, struct snap *sn)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	sn->g1 = __atomic_load_n(&ps->gen, __ATOMIC_ACQUIRE);
	sn->s1 = __atomic_load_n(&ps->seq, __ATOMIC_ACQUIRE);
}

/* Counters of each thread, summed at the end. */
enum count {
	C_WRITES,
	C_VERIFIES,
	C_CHURN_WRITES,
	C_CHURN_READS,
	C_CHURN_ZEROS,
	C_NF_READS,
	C_CPU_READS,
	C_EXACT,
	C_LOOSE,
	C_EPERM,
	C_EFAULT,
	C_EBUSY,
	C_MPROTECT,
	C_FORK,
	C_CHILD_PAGES,
	C_PREFETCH,
	C_PREFERRED,
	C_EXEC,
	C_MREMAP,
	C_MOVED_PAGES,
	C_MUNMAP,
	C_MMAP_OVER,
	C_DONTNEED,
	C_NUM
};

static const char * const count_name[C_NUM] = {
	[C_WRITES] = "stable writes",
	[C_VERIFIES] = "read-backs",
	[C_CHURN_WRITES] = "churn writes",
	[C_CHURN_READS] = "churn read-backs",
	[C_CHURN_ZEROS] = "of which zeros",
	[C_NF_READS] = "reads by the GPU that cannot fault",
	[C_CPU_READS] = "CPU reads",
	[C_EXACT] = "reads checked exactly",
	[C_LOOSE] = "racing a write",
	[C_EPERM] = "EPERM",
	[C_EFAULT] = "EFAULT",
	[C_EBUSY] = "EBUSY",
	[C_MPROTECT] = "mprotect",
	[C_FORK] = "fork",
	[C_CHILD_PAGES] = "pages checked by children",
	[C_PREFETCH] = "prefetch",
	[C_PREFERRED] = "preferred location",
	[C_EXEC] = "GPU_EXEC changes",
	[C_MREMAP] = "mremap",
	[C_MOVED_PAGES] = "pages moved",
	[C_MUNMAP] = "munmap+mmap",
	[C_MMAP_OVER] = "mmap over",
	[C_DONTNEED] = "MADV_DONTNEED",
};

/* The counters each log line shows, up to the next -1. */
static const int count_lines[] = {
	C_WRITES, C_VERIFIES, C_CHURN_WRITES, C_CHURN_READS, C_CHURN_ZEROS, -1,
	C_NF_READS, C_CPU_READS, C_CHILD_PAGES, C_EXACT, C_LOOSE, -1,
	C_EPERM, C_EFAULT, C_EBUSY, -1,
	C_MPROTECT, C_FORK, C_PREFETCH, C_PREFERRED, C_EXEC, C_MREMAP, C_MOVED_PAGES,
	C_MUNMAP, C_MMAP_OVER, C_DONTNEED, -1,
};

struct gpu {
	int fd;
	unsigned int id;	/* GPU number */
	unsigned int index;	/* its index in the coordinator */
	bool can_fault;
	struct drm_vsvm_vram vram;
	struct drm_vsvm_stats start;
};

struct stress;

struct worker {
	struct stress *s;
	pthread_t thread;
	unsigned int k;		/* a writer's number */
	__u64 rng;
	__u32 nonce;		/* a writer's churn generation */
	unsigned long count[C_NUM];
	bool pending[STABLE_PAGES];	/* written, read-back to do */
	__u64 data[WORDS];
	char who[64];
};

struct stress {
	struct gpu gpu[MAX_GPUS];
	unsigned int ngpus;
	unsigned int nw;		/* writers: gpu[wr[0..nw)] */
	unsigned int wr[MAX_WRITERS];
	int nf;			/* the GPU that cannot fault, or -1 */
	__u32 loc[MAX_WRITERS + 1];	/* where the attributes move data */
	unsigned int nloc;
	char *buf;
	char *scratch;		/* MOVE_MAX pages mremap() moves to */
	struct page_state st[STABLE_PAGES];

	int stop;
	pthread_mutex_t lock;	/* @nfails, @fails, @wake */
	pthread_cond_t wake;
	int nfails;
	char fails[MAX_FAILS][320];

	/*
	 * Held for reading by the threads that touch stable pages with the
	 * CPU, and by the GPU that cannot fault, and for writing to change
	 * @mv_lo and @mv_hi: the stable pages moved away by mremap(), which
	 * they leave alone. @ro_lo and @ro_hi are the pages made read-only,
	 * set before the mprotect() and cleared after it is undone.
	 */
	pthread_rwlock_t layout;
	unsigned int mv_lo, mv_hi;
	unsigned int ro_lo, ro_hi;

	struct worker w[MAX_WORKERS];
	unsigned int nworkers;
};

static char *stable_page(struct stress *s, unsigned int p)
{
	return s->buf + (size_t)p * PAGE;
}

static char *churn_page(struct stress *s, unsigned int c)
{
	return s->buf + (size_t)(STABLE_PAGES + c) * PAGE;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static __u64 rnd(struct worker *w)
{
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 2685821657736338717ull;
}

static unsigned int below(struct worker *w, unsigned int n)
{
	return (rnd(w) >> 16) % n;
}

/* Pacing of the CPU threads; never used to order events. */
static void pace(unsigned int us)
{
	struct timespec ts = { .tv_nsec = us * 1000l };

	nanosleep(&ts, NULL);
}

static bool stopped(struct stress *s)
{
	return __atomic_load_n(&s->stop, __ATOMIC_ACQUIRE);
}

/* Counted by its thread, read by the progress log while it runs. */
static void bump(struct worker *w, enum count c, unsigned long n)
{
	__atomic_store_n(&w->count[c], w->count[c] + n, __ATOMIC_RELAXED);
}

static unsigned long total(struct stress *s, enum count c)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < s->nworkers; i++)
		n += __atomic_load_n(&s->w[i].count[c], __ATOMIC_RELAXED);
	return n;
}

/* Record a failure from any thread and stop them all. */
static __printf(2, 3) void fail(struct stress *s, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&s->lock);
	if (s->nfails < MAX_FAILS) {
		va_start(ap, fmt);
		vsnprintf(s->fails[s->nfails], sizeof(s->fails[0]), fmt, ap);
		va_end(ap);
	}
	s->nfails++;
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

/*
 * Report word @bad of @data, read by @who from stable page @p, which had to
 * hold a generation from @lo to @hi.
 */
static void fail_stable(struct stress *s, const char *who, unsigned int p,
			int bad, const __u64 *data, __u32 lo, __u32 hi)
{
	char gens[32], buf[96];

	if (lo == hi)
		snprintf(gens, sizeof(gens), "generation %u", lo);
	else
		snprintf(gens, sizeof(gens), "generations %u to %u", lo, hi);
	fail(s,
	     "%s: stable page %u (+0x%zx) at byte %d: expected %016llx (%s), got %016llx; the page holds %s",
	     who, p, (size_t)p * PAGE, bad * 8, pattern(p, lo, bad), gens,
	     data[bad], looks_like(data, buf, sizeof(buf)));
}

/* Check @data, read from stable page @p by @w between the loads of @sn. */
static void check_stable(struct worker *w, unsigned int p,
			 const __u64 *data, const struct snap *sn)
{
	bool exact = sn->s0 == sn->s1 && !(sn->s0 & 1);
	__u32 hi = exact ? sn->g0 : sn->g1 + 1;
	int bad;

	bad = exact ? first_bad(data, p, sn->g0) :
		      first_bad_between(data, p, sn->g0, hi);
	bump(w, exact ? C_EXACT : C_LOOSE, 1);
	if (bad >= 0)
		fail_stable(w->s, w->who, p, bad, data, sn->g0, hi);
}

/*
 * Count an access that a CPU thread made fail for a moment: the page was
 * unmapped (EFAULT), read-only (EPERM, for @may_eperm) or kept changing
 * (EBUSY, the fault retries ran out). False for any other error.
 */
static bool transient(struct worker *w, int err, bool may_eperm)
{
	switch (err) {
	case -EFAULT:
		bump(w, C_EFAULT, 1);
		return true;
	case -EPERM:
		if (!may_eperm)
			return false;
		bump(w, C_EPERM, 1);
		return true;
	case -EBUSY:
	case -EINTR:
		bump(w, C_EBUSY, 1);
		return true;
	}
	return false;
}

static bool in_moved(struct stress *s, unsigned int lo, unsigned int hi)
{
	return lo < s->mv_hi && s->mv_lo < hi;
}

/*
 * Writer: the next generation of stable page @p, written and read back
 * through the GPU, or the read-back that failed last time.
 */
static void writer_stable(struct worker *w, struct gpu *g, unsigned int p)
{
	struct stress *s = w->s;
	struct page_state *ps = &s->st[p];
	__u32 seq = __atomic_load_n(&ps->seq, __ATOMIC_RELAXED);
	__u32 gen = __atomic_load_n(&ps->gen, __ATOMIC_RELAXED);
	char *addr = stable_page(s, p);
	int err, bad;

	if (!w->pending[p]) {
		fill(w->data, p, gen + 1);
		__atomic_store_n(&ps->seq, seq + 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		err = gpu_access(g->fd, DRM_VSVM_ACCESS_WRITE, addr, PAGE,
				 w->data, 0);
		if (err) {
			/* Nothing written: the page still holds @gen. */
			__atomic_store_n(&ps->seq, seq, __ATOMIC_RELEASE);
			if (!transient(w, err, true))
				fail(s, "GPU %u: write of stable page %u failed: %s",
				     g->id, p, strerror(-err));
			return;
		}
		gen++;
		__atomic_store_n(&ps->gen, gen, __ATOMIC_RELEASE);
		__atomic_store_n(&ps->seq, seq + 2, __ATOMIC_RELEASE);
		bump(w, C_WRITES, 1);
		w->pending[p] = true;
	}
	memset(w->data, 0x5a, PAGE);
	err = gpu_access(g->fd, DRM_VSVM_ACCESS_READ, addr, PAGE, w->data, 0);
	if (err) {
		if (!transient(w, err, true))
			fail(s, "GPU %u: read-back of stable page %u failed: %s",
			     g->id, p, strerror(-err));
		return;
	}
	w->pending[p] = false;
	bump(w, C_VERIFIES, 1);
	bad = first_bad(w->data, p, gen);
	if (bad >= 0)
		fail_stable(s, w->who, p, bad, w->data, gen, gen);
}

/* Writer: a churn page it owns, written and read back through the GPU. */
static void writer_churn(struct worker *w, struct gpu *g, unsigned int c)
{
	struct stress *s = w->s;
	char *addr = churn_page(s, c);
	__u32 id = CHURN_ID | c;
	char buf[96];
	int err, bad;

	w->nonce++;
	fill(w->data, id, w->nonce);
	err = gpu_access(g->fd, DRM_VSVM_ACCESS_WRITE, addr, PAGE, w->data, 0);
	if (err) {
		if (!transient(w, err, false))
			fail(s, "GPU %u: write of churn page %u failed: %s",
			     g->id, c, strerror(-err));
		return;
	}
	bump(w, C_CHURN_WRITES, 1);
	memset(w->data, 0x5a, PAGE);
	err = gpu_access(g->fd, DRM_VSVM_ACCESS_READ, addr, PAGE, w->data, 0);
	if (err) {
		if (!transient(w, err, false))
			fail(s, "GPU %u: read-back of churn page %u failed: %s",
			     g->id, c, strerror(-err));
		return;
	}
	bump(w, C_CHURN_READS, 1);
	bad = first_bad(w->data, id, w->nonce);
	if (bad < 0)
		return;
	if (all_zero(w->data)) {	/* replaced or dropped meanwhile */
		bump(w, C_CHURN_ZEROS, 1);
		return;
	}
	fail(s,
	     "%s: churn page %u at byte %d: expected its write %016llx or zeros, got %016llx; the page holds %s",
	     w->who, c, bad * 8, pattern(id, w->nonce, bad),
	     w->data[bad], looks_like(w->data, buf, sizeof(buf)));
}

/* A GPU that can fault: writes its stable and churn pages in turn. */
static void *writer_main(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	struct gpu *g = &s->gpu[s->wr[w->k]];
	unsigned int own = (STABLE_PAGES - w->k + s->nw - 1) / s->nw;
	unsigned int churn = (CHURN_PAGES - w->k + s->nw - 1) / s->nw;

	while (!stopped(s)) {
		writer_stable(w, g, below(w, own) * s->nw + w->k);
		writer_churn(w, g, below(w, churn) * s->nw + w->k);
	}
	return NULL;
}

/* The GPU that cannot fault: reads the stable pages it was granted. */
static void *nofault_main(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	struct gpu *g = &s->gpu[s->nf];
	struct snap sn;
	unsigned int p;
	int err;

	while (!stopped(s)) {
		p = A_PAGES + below(w, B_PAGES);
		pthread_rwlock_rdlock(&s->layout);
		if (in_moved(s, p, p + 1)) {
			pthread_rwlock_unlock(&s->layout);
			continue;
		}
		snap_begin(&s->st[p], &sn);
		err = gpu_access(g->fd, DRM_VSVM_ACCESS_READ, stable_page(s, p),
				 PAGE, w->data, 0);
		snap_end(&s->st[p], &sn);
		pthread_rwlock_unlock(&s->layout);
		if (err) {
			fail(s, "GPU %u, which cannot fault, failed to read stable page %u: %s",
			     g->id, p, strerror(-err));
			break;
		}
		bump(w, C_NF_READS, 1);
		check_stable(w, p, w->data, &sn);
	}
	return NULL;
}

/* The CPU reads stable page @p at @addr (its place or the scratch area). */
static void cpu_check(struct worker *w, unsigned int p, const char *addr)
{
	struct snap sn;

	snap_begin(&w->s->st[p], &sn);
	memcpy(w->data, addr, PAGE);
	snap_end(&w->s->st[p], &sn);
	bump(w, C_CPU_READS, 1);
	check_stable(w, p, w->data, &sn);
}

/* The CPU reads stable pages, which brings those in VRAM back to RAM. */
static void *cpu_reader_main(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	unsigned int p;

	while (!stopped(s)) {
		p = below(w, STABLE_PAGES);
		pthread_rwlock_rdlock(&s->layout);
		if (!in_moved(s, p, p + 1))
			cpu_check(w, p, stable_page(s, p));
		pthread_rwlock_unlock(&s->layout);
		pace(2000);
	}
	return NULL;
}

/* Stable pages go read-only for a while: the CPU reads some meanwhile. */
static void *mprotect_main(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	unsigned int lo, n, i;
	char *addr;

	while (!stopped(s)) {
		n = 1 + below(w, RO_MAX);
		lo = below(w, STABLE_PAGES - n + 1);
		addr = stable_page(s, lo);
		pthread_rwlock_rdlock(&s->layout);
		if (in_moved(s, lo, lo + n)) {
			pthread_rwlock_unlock(&s->layout);
			continue;
		}
		__atomic_store_n(&s->ro_lo, lo, __ATOMIC_RELAXED);
		__atomic_store_n(&s->ro_hi, lo + n, __ATOMIC_RELEASE);
		if (mprotect(addr, n * PAGE, PROT_READ)) {
			fail(s, "mprotect(PROT_READ) of stable pages %u-%u: %s",
			     lo, lo + n - 1, strerror(errno));
		} else {
			bump(w, C_MPROTECT, 1);
			for (i = 0; i < RO_READS; i++) {
				unsigned int p = lo + below(w, n);

				cpu_check(w, p, stable_page(s, p));
			}
			if (mprotect(addr, n * PAGE, PROT_READ | PROT_WRITE))
				fail(s,
				     "mprotect(PROT_READ | PROT_WRITE) of stable pages %u-%u: %s",
				     lo, lo + n - 1, strerror(errno));
		}
		__atomic_store_n(&s->ro_hi, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&s->ro_lo, 0, __ATOMIC_RELEASE);
		pthread_rwlock_unlock(&s->layout);
		pace(2000);
	}
	return NULL;
}

/* What a forked child found, through a pipe. */
struct child_report {
	int bad;	/* 0 intact, 1 a page read wrong, 2 its write lost */
	unsigned int page;
	int word;
	__u32 lo, hi;
	__u64 want, got;
	unsigned int checked;
};

/*
 * The forked child: its copy of the stable pages holds what the model
 * said at the fork (or the generation after, if a write was in flight),
 * and its writes stay its own. Only the calling thread was copied: the
 * child touches memory, write() and _exit(), nothing else.
 */
static void fork_child(struct stress *s, struct worker *w, int fd)
{
	struct child_report r = { 0 };
	unsigned int i, p;
	__u64 *data;
	__u32 hi;
	int bad;

	for (i = 0; i < CHILD_READS && !r.bad; i++) {
		p = below(w, STABLE_PAGES);
		if (in_moved(s, p, p + 1))
			continue;
		data = (__u64 *)stable_page(s, p);
		/* Nothing moves in the child: the model is frozen too. */
		hi = s->st[p].gen + (s->st[p].seq & 1);
		bad = first_bad_between(data, p, s->st[p].gen, hi);
		r.checked++;
		if (bad >= 0)
			r = (struct child_report) {
				.bad = 1, .page = p, .word = bad,
				.lo = s->st[p].gen, .hi = hi,
				.want = pattern(p, s->st[p].gen, bad),
				.got = data[bad],
			};
	}
	for (i = 0; i < CHILD_WRITES && !r.bad; i++) {
		p = below(w, STABLE_PAGES);
		if (in_moved(s, p, p + 1) ||
		    (p >= s->ro_lo && p < s->ro_hi))
			continue;
		data = (__u64 *)stable_page(s, p);
		fill(data, CHILD_ID | p, i);
		bad = first_bad(data, CHILD_ID | p, i);
		if (bad >= 0)
			r = (struct child_report) {
				.bad = 2, .page = p, .word = bad,
				.want = pattern(CHILD_ID | p, i, bad),
				.got = data[bad],
			};
	}
	if (write(fd, &r, sizeof(r)) != sizeof(r))
		_exit(3);
	_exit(r.bad ? 1 : 0);
}

/* fork(): the stable pages become copy-on-write under the GPUs. */
static void *fork_main(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	struct child_report r;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	while (!stopped(s)) {
		if (pipe2(fds, O_CLOEXEC)) {
			fail(s, "pipe2: %s", strerror(errno));
			break;
		}
		pthread_rwlock_rdlock(&s->layout);
		pid = fork();
		if (!pid) {
			close(fds[0]);
			fork_child(s, w, fds[1]);
		}
		pthread_rwlock_unlock(&s->layout);
		rnd(w);		/* the next child makes other choices */
		close(fds[1]);
		if (pid < 0) {
			fail(s, "fork: %s", strerror(errno));
			close(fds[0]);
			break;
		}
		memset(&r, 0, sizeof(r));
		n = read(fds[0], &r, sizeof(r));
		close(fds[0]);
		if (waitpid(pid, &status, 0) != pid) {
			fail(s, "waitpid: %s", strerror(errno));
			break;
		}
		bump(w, C_FORK, 1);
		bump(w, C_CHILD_PAGES, r.checked);
		if (r.bad == 1)
			fail(s,
			     "fork child: its copy of stable page %u at byte %d: expected %016llx (generations %u to %u), got %016llx",
			     r.page, r.word * 8, r.want,
			     r.lo, r.hi, r.got);
		else if (r.bad == 2)
			fail(s,
			     "fork child: its write to stable page %u did not stick at byte %d: %016llx, not %016llx",
			     r.page, r.word * 8, r.got,
			     r.want);
		else if (n != sizeof(r) || !WIFEXITED(status) ||
			 WEXITSTATUS(status))
			fail(s, "fork child: status 0x%x, report of %zd bytes",
			     status, n);
		pace(20000);
	}
	return NULL;
}

/*
 * Attributes move the first stable range: prefetches to the VRAM of a
 * writer or to system memory, and preferred locations set and cleared.
 * Without VRAM they only retire and recreate the range.
 */
static void *migrate_main(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	__u32 type, loc;
	int err;

	while (!stopped(s)) {
		if (below(w, 3)) {
			type = DRM_VSVM_ATTR_PREFETCH_LOC;
			loc = s->loc[below(w, s->nloc)];
		} else {
			type = DRM_VSVM_ATTR_PREFERRED_LOC;
			loc = below(w, 4) ? s->loc[below(w, s->nloc)] :
					    DRM_VSVM_LOC_UNDEFINED;
		}
		err = set_attr(s->gpu[s->wr[0]].fd, s->buf, A_PAGES * PAGE,
			       type, loc);
		if (err) {
			fail(s, "SET_ATTR %s %#x over the first stable range: %s",
			     type == DRM_VSVM_ATTR_PREFETCH_LOC ? "PREFETCH_LOC" :
			     "PREFERRED_LOC", loc, strerror(-err));
			break;
		}
		bump(w, type == DRM_VSVM_ATTR_PREFETCH_LOC ? C_PREFETCH :
			C_PREFERRED, 1);
		pace(5000);
	}
	return NULL;
}

/*
 * GPU_EXEC set and cleared over the pages of the GPU that cannot fault:
 * each change retires their ranges, which zaps every GPU that maps them;
 * the GPU that cannot fault is quiesced and restored meanwhile, never left
 * to meet a missing entry (review finding M2).
 */
static void *exec_main(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	unsigned int i;
	int err;

	for (i = 0; !stopped(s); i++) {
		err = set_attr(s->gpu[s->wr[0]].fd, stable_page(s, A_PAGES),
			       B_PAGES * PAGE,
			       i & 1 ? DRM_VSVM_ATTR_CLR_FLAGS :
				       DRM_VSVM_ATTR_SET_FLAGS,
			       DRM_VSVM_FLAG_GPU_EXEC);
		if (err) {
			fail(s, "SET_ATTR GPU_EXEC over the pages of the GPU that cannot fault: %s",
			     strerror(-err));
			break;
		}
		bump(w, C_EXEC, 1);
		pace(20000);
	}
	return NULL;
}

/* Map stable pages [@lo, @hi) again for the GPU that cannot fault. */
static void remap_nofault(struct stress *s, unsigned int lo, unsigned int hi)
{
	struct drm_vsvm_map m;
	int err, tries = 0;

	if (s->nf < 0 || hi <= A_PAGES)
		return;
	if (lo < A_PAGES)
		lo = A_PAGES;
	m.start = (uintptr_t)stable_page(s, lo);
	m.size = (hi - lo) * PAGE;
	do {
		err = xioctl(s->gpu[s->nf].fd, DRM_IOCTL_VSVM_MAP, &m);
	} while ((err == -EBUSY || err == -EAGAIN) && ++tries < 100);
	if (err)
		fail(s, "MAP of stable pages %u-%u for GPU %u, which cannot fault: %s",
		     lo, hi - 1, s->gpu[s->nf].id, strerror(-err));
}

/*
 * mremap() of stable pages to the scratch area, where the CPU checks them,
 * and back. The GPUs fail to reach them meanwhile.
 */
static void *mremap_main(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	unsigned int lo, n, i;
	char *addr, *p;

	while (!stopped(s)) {
		n = 1 + below(w, MOVE_MAX);
		lo = below(w, STABLE_PAGES - n + 1);
		addr = stable_page(s, lo);
		/* No reader is in the pages, none comes: they may go. */
		pthread_rwlock_wrlock(&s->layout);
		s->mv_lo = lo;
		s->mv_hi = lo + n;
		pthread_rwlock_unlock(&s->layout);

		p = mremap(addr, n * PAGE, n * PAGE,
			   MREMAP_MAYMOVE | MREMAP_FIXED, s->scratch);
		if (p != s->scratch) {
			fail(s, "mremap of stable pages %u-%u away: %s",
			     lo, lo + n - 1, strerror(errno));
			break;
		}
		for (i = 0; i < n; i++)
			cpu_check(w, lo + i, s->scratch + i * PAGE);
		p = mremap(s->scratch, n * PAGE, n * PAGE,
			   MREMAP_MAYMOVE | MREMAP_FIXED, addr);
		if (p != addr) {
			fail(s, "mremap of stable pages %u-%u back: %s",
			     lo, lo + n - 1, strerror(errno));
			break;
		}
		/* Nothing else maps memory meanwhile: the hole is ours. */
		p = mmap(s->scratch, n * PAGE, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE |
			 MAP_FIXED_NOREPLACE, -1, 0);
		if (p != s->scratch) {
			fail(s, "the mremap scratch area was taken: %s",
			     strerror(errno));
			break;
		}
		/* An unmap is not restored: the GPU maps the pages again. */
		remap_nofault(s, lo, lo + n);
		bump(w, C_MREMAP, 1);
		bump(w, C_MOVED_PAGES, n);

		pthread_rwlock_wrlock(&s->layout);
		s->mv_lo = 0;
		s->mv_hi = 0;
		pthread_rwlock_unlock(&s->layout);
		pace(3000);
	}
	return NULL;
}

/*
 * With --without=thp, new mappings of churn pages take no huge pages either,
 * even once they merge into a VMA that covers 2 MiB.
 */
static void nohuge(char *p, unsigned int n)
{
	if (without("thp"))
		madvise(p, n * PAGE, MADV_NOHUGEPAGE);
}

/* Churn pages unmapped and mapped again, mapped over, dropped. */
static void *churn_main(void *arg)
{
	struct worker *w = arg;
	struct stress *s = w->s;
	unsigned int lo, n;
	char *addr, *p;

	while (!stopped(s)) {
		n = 1 + below(w, CHURN_MAX);
		lo = below(w, CHURN_PAGES - n + 1);
		addr = churn_page(s, lo);
		switch (below(w, 3)) {
		case 0:
			if (munmap(addr, n * PAGE)) {
				fail(s, "munmap of churn pages %u-%u: %s",
				     lo, lo + n - 1, strerror(errno));
				return NULL;
			}
			p = mmap(addr, n * PAGE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
				 -1, 0);
			if (p != addr) {
				fail(s, "mmap of churn pages %u-%u again: %s",
				     lo, lo + n - 1, strerror(errno));
				return NULL;
			}
			nohuge(p, n);
			bump(w, C_MUNMAP, 1);
			break;
		case 1:
			p = mmap(addr, n * PAGE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			if (p != addr) {
				fail(s, "mmap over churn pages %u-%u: %s",
				     lo, lo + n - 1, strerror(errno));
				return NULL;
			}
			nohuge(p, n);
			bump(w, C_MMAP_OVER, 1);
			break;
		default:
			if (madvise(addr, n * PAGE, MADV_DONTNEED)) {
				fail(s, "MADV_DONTNEED of churn pages %u-%u: %s",
				     lo, lo + n - 1, strerror(errno));
				return NULL;
			}
			bump(w, C_DONTNEED, 1);
			break;
		}
		pace(500);
	}
	return NULL;
}

static int stats(int fd, __u32 flags, struct drm_vsvm_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->flags = flags;
	return xioctl(fd, DRM_IOCTL_VSVM_STATS, st);
}

static const char *gpu_kind(const struct gpu *g)
{
	return g->can_fault ? "" : " (cannot fault)";
}

FIXTURE(stress) {
	struct stress *s;
};

/* Keep GPU @fd, number @id, if the test needs one more of its kind. */
static bool keep_gpu(struct stress *s, int fd, unsigned int id)
{
	struct drm_vsvm_info info = { 0 };
	struct gpu *g = &s->gpu[s->ngpus];

	if (xioctl(fd, DRM_IOCTL_VSVM_INFO, &info))
		return false;
	if (info.flags & DRM_VSVM_INFO_CAN_FAULT) {
		if (s->nw == MAX_WRITERS)
			return false;
		s->wr[s->nw++] = s->ngpus;
	} else {
		if (s->nf >= 0 || without("nofault"))
			return false;
		s->nf = s->ngpus;
	}
	g->fd = fd;
	g->id = id;
	g->can_fault = info.flags & DRM_VSVM_INFO_CAN_FAULT;
	s->ngpus++;
	return true;
}

FIXTURE_SETUP(stress)
{
	pthread_rwlockattr_t rwa;
	pthread_condattr_t ca;
	struct drm_vsvm_info info = { 0 };
	struct stress *s;
	unsigned int i, n;
	struct gpu *g;
	char *b;
	int fd;

	s = calloc(1, sizeof(*s));
	ASSERT_NE(s, NULL);
	self->s = s;
	s->nf = -1;

	fd = open_gpu(0);
	if (fd < 0)
		SKIP(return, "no vsvm GPU");
	ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_INFO, &info), 0);
	n = info.num_gpus;
	close(fd);
	for (i = 0; i < n; i++) {
		fd = open_gpu(i);
		if (fd >= 0 && !keep_gpu(s, fd, i))
			close(fd);
	}
	if (!s->nw)
		SKIP(return, "no vsvm GPU that can fault");

	s->loc[s->nloc++] = DRM_VSVM_LOC_SYSMEM;
	for (i = 0; i < s->ngpus; i++) {
		g = &s->gpu[i];
		ASSERT_EQ(vsvm_attach(g->fd, 0), 0);
		ASSERT_EQ(xioctl(g->fd, DRM_IOCTL_VSVM_INFO, &info), 0);
		g->index = info.index;
		ASSERT_EQ(xioctl(g->fd, DRM_IOCTL_VSVM_VRAM, &g->vram), 0);
		ASSERT_EQ(stats(g->fd, 0, &g->start), 0);
		if (g->can_fault && g->vram.size)
			s->loc[s->nloc++] = g->index;
		TH_LOG("GPU %u%s: %s, %llu MiB of VRAM, DMA %s", g->id, gpu_kind(g),
		       g->can_fault ? "writes" : "reads", g->vram.size >> 20,
		       g->start.iommu ? "through a translating IOMMU" : "direct");
	}
	if (s->nw < MAX_WRITERS)
		TH_LOG("only %u GPUs that can fault write", s->nw);
	if (s->nf < 0)
		TH_LOG("no GPU that cannot fault: nobody reads the second stable range");
	if (s->nloc == 1)
		TH_LOG("no VRAM: the attributes only retire ranges");

	ASSERT_EQ(pthread_mutex_init(&s->lock, NULL), 0);
	ASSERT_EQ(pthread_condattr_init(&ca), 0);
	ASSERT_EQ(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC), 0);
	ASSERT_EQ(pthread_cond_init(&s->wake, &ca), 0);
	/* The mremap() thread must not wait for a gap between readers. */
	ASSERT_EQ(pthread_rwlockattr_init(&rwa), 0);
	ASSERT_EQ(pthread_rwlockattr_setkind_np(&rwa,
						PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP), 0);
	ASSERT_EQ(pthread_rwlock_init(&s->layout, &rwa), 0);

	s->buf = alloc_aligned(BUF_PAGES * PAGE);
	ASSERT_NE(s->buf, NULL);
	/* --without=thp: small pages, no huge device folios either. */
	if (without("thp"))
		ASSERT_EQ(madvise(s->buf, BUF_PAGES * PAGE, MADV_NOHUGEPAGE), 0);
	b = mmap(NULL, MOVE_MAX * PAGE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(b, MAP_FAILED);
	s->scratch = b;
	for (i = 0; i < STABLE_PAGES; i++)
		fill((__u64 *)stable_page(s, i), i, 0);

	/*
	 * The second stable range stays in system memory, which every GPU
	 * reaches; the GPU that cannot fault maps it now, and the
	 * coordinator keeps it mapped.
	 */
	b = stable_page(s, A_PAGES);
	ASSERT_EQ(set_attr(s->gpu[s->wr[0]].fd, b, B_PAGES * PAGE,
			   DRM_VSVM_ATTR_PREFERRED_LOC, DRM_VSVM_LOC_SYSMEM), 0);
	if (s->nf >= 0) {
		g = &s->gpu[s->nf];
		ASSERT_EQ(set_attr(g->fd, b, B_PAGES * PAGE, DRM_VSVM_ATTR_ACCESS,
				   g->index), 0);
		for (i = A_PAGES; i < STABLE_PAGES; i++) {
			ASSERT_EQ(gpu_access(g->fd, DRM_VSVM_ACCESS_READ,
					     stable_page(s, i), PAGE, s->w[0].data, 0), 0);
			ASSERT_EQ(first_bad(s->w[0].data, i, 0), -1);
		}
	}
}

FIXTURE_TEARDOWN(stress)
{
	struct stress *s = self->s;
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < s->ngpus; i++)
		close(s->gpu[i].fd);
	free(s);
}

static void start_worker(struct __test_metadata *_metadata, struct stress *s,
			 void *(*fn)(void *), unsigned int k, const char *who)
{
	struct worker *w = &s->w[s->nworkers];

	w->s = s;
	w->k = k;
	w->rng = mix(opt_seed + s->nworkers + 1) | 1;
	snprintf(w->who, sizeof(w->who), "%s", who);
	ASSERT_EQ(pthread_create(&w->thread, NULL, fn, w), 0);
	s->nworkers++;
}

/* Run until the deadline or the first failure, logging the progress. */
static void run_for(struct __test_metadata *_metadata, struct stress *s,
		    unsigned int seconds)
{
	__u64 start = now_ns(), end = start + seconds * NSEC;
	__u64 next = start + PROGRESS_S * NSEC, t;
	struct timespec ts;

	pthread_mutex_lock(&s->lock);
	while (!s->nfails && now_ns() < end) {
		t = next < end ? next : end;
		ts.tv_sec = t / NSEC;
		ts.tv_nsec = t % NSEC;
		pthread_cond_timedwait(&s->wake, &s->lock, &ts);
		if (s->nfails || now_ns() < next)
			continue;
		pthread_mutex_unlock(&s->lock);
		TH_LOG("%llu s: %lu stable and %lu churn writes, %lu other reads, %lu retries",
		       (next - start) / NSEC,
		       total(s, C_WRITES), total(s, C_CHURN_WRITES),
		       total(s, C_NF_READS) + total(s, C_CPU_READS),
		       total(s, C_EPERM) + total(s, C_EFAULT) + total(s, C_EBUSY));
		next += PROGRESS_S * NSEC;
		pthread_mutex_lock(&s->lock);
	}
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&s->lock);
}

/* Every entry of every GPU maps what the CPU maps, no more. */
static void verify_tables(struct __test_metadata *_metadata, struct stress *s,
			  const char *when)
{
	struct drm_vsvm_pt_verify v;
	struct drm_vsvm_stats st;
	unsigned int i;
	char msg[160];
	struct gpu *g;

	for (i = 0; i < s->ngpus; i++) {
		g = &s->gpu[i];
		ASSERT_EQ(stats(g->fd, DRM_VSVM_STATS_FLUSH, &st), 0);
		ASSERT_EQ(pt_verify(g->fd, s->buf, BUF_PAGES * PAGE, &v), 0);
		snprintf(msg, sizeof(msg),
			 "%llu entries, %llu stale, %llu writable beyond the CPU, %llu uncovered, the first bad one at +0x%llx",
			 v.valid, v.stale, v.excess_write, v.uncovered,
			 v.first_bad ? v.first_bad - (uintptr_t)s->buf : 0);
		EXPECT_TRUE(pt_safe(&v))
			TH_LOG("%s, GPU %u%s: %s", when, g->id, gpu_kind(g), msg);
		if (g->can_fault)
			continue;
		ASSERT_EQ(pt_verify(g->fd, stable_page(s, A_PAGES),
				    B_PAGES * PAGE, &v), 0);
		EXPECT_EQ(v.valid, (__u64)B_PAGES)
			TH_LOG("%s: GPU %u, which cannot fault, maps %llu of its %u pages",
			       when, g->id, v.valid, B_PAGES);
	}
}

/* Pages [@lo, @hi) of @data, read by @who, hold their last generation. */
static int check_model(struct __test_metadata *_metadata, struct stress *s,
		       const char *who, const char *data, unsigned int lo,
		       unsigned int hi)
{
	char buf[96], msg[320];
	const __u64 *p;
	int bad, lost = 0;
	unsigned int i;

	for (i = lo; i < hi; i++) {
		p = (const __u64 *)(data + (size_t)(i - lo) * PAGE);
		bad = first_bad(p, i, s->st[i].gen);
		if (bad < 0 || lost++ >= 4)
			continue;
		snprintf(msg, sizeof(msg),
			 "%s: stable page %u at byte %d: expected %016llx (generation %u), got %016llx; the page holds %s",
			 who, i, bad * 8, pattern(i, s->st[i].gen, bad),
			 s->st[i].gen, p[bad], looks_like(p, buf, sizeof(buf)));
		TH_LOG("%s", msg);
	}
	return lost;
}

/* No write lost: every GPU and the CPU read the last generation. */
static void check_data(struct __test_metadata *_metadata, struct stress *s)
{
	char *data = malloc(STABLE_PAGES * PAGE);
	char who[64];
	unsigned int i, lo;
	struct gpu *g;
	int err;

	ASSERT_NE(data, NULL);
	for (i = 0; i < s->ngpus; i++) {
		g = &s->gpu[i];
		lo = g->can_fault ? 0 : A_PAGES;
		err = gpu_access(g->fd, DRM_VSVM_ACCESS_READ, stable_page(s, lo),
				 (STABLE_PAGES - lo) * PAGE, data, 0);
		EXPECT_EQ(err, 0) TH_LOG("GPU %u%s cannot read the stable pages: %s",
					 g->id, gpu_kind(g), strerror(-err));
		if (err)
			continue;
		snprintf(who, sizeof(who), "at the end, GPU %u%s", g->id, gpu_kind(g));
		EXPECT_EQ(check_model(_metadata, s, who, data, lo, STABLE_PAGES), 0)
			TH_LOG("GPU %u%s reads lost or wrong data", g->id, gpu_kind(g));
	}
	EXPECT_EQ(check_model(_metadata, s, "at the end, the CPU", s->buf, 0,
			      STABLE_PAGES), 0)
		TH_LOG("the CPU reads lost or wrong data");
	free(data);
}

/* The counters of the GPUs since the start, and the threads' counts. */
static void report(struct __test_metadata *_metadata, struct stress *s)
{
	unsigned long long stale = 0;
	struct drm_vsvm_stats st;
	unsigned int i, len = 0;
	char line[512];
	struct gpu *g;

	for (i = 0; i < ARRAY_SIZE(count_lines); i++) {
		if (count_lines[i] >= 0) {
			if (len < sizeof(line))
				len += snprintf(line + len, sizeof(line) - len,
						"%s%s %lu", len ? ", " : "",
						count_name[count_lines[i]],
						total(s, count_lines[i]));
			continue;
		}
		TH_LOG("%s", line);
		len = 0;
	}
	for (i = 0; i < s->ngpus; i++) {
		g = &s->gpu[i];
		ASSERT_EQ(stats(g->fd, DRM_VSVM_STATS_FLUSH, &st), 0);
		stale += st.tlb_stale_hits;
		snprintf(line, sizeof(line),
			 "%llu faults, %llu quiesces, %llu TLB stale hits, %llu IOMMU faults, %llu fatal faults",
			 st.gpu[DRM_VSVM_STAT_FAULTS] -
			 g->start.gpu[DRM_VSVM_STAT_FAULTS],
			 st.gpu[DRM_VSVM_STAT_QUIESCES] -
			 g->start.gpu[DRM_VSVM_STAT_QUIESCES],
			 st.tlb_stale_hits, st.iommu_faults - g->start.iommu_faults,
			 st.fatal_faults);
		TH_LOG("GPU %u%s: %s", g->id, gpu_kind(g), line);
		EXPECT_EQ(st.iommu_faults, g->start.iommu_faults)
			TH_LOG("GPU %u reached memory through DMA addresses already unmapped",
			       g->id);
		EXPECT_EQ(st.fatal_faults, 0ull)
			TH_LOG("GPU %u, which cannot fault, missed a mapping", g->id);
	}
	snprintf(line, sizeof(line),
		 "%llu invalidations, %llu migrations (%llu failed), %llu retries, %llu restore runs (%llu failed)",
		 st.mgr[DRM_VSVM_STAT_INVALIDATIONS],
		 st.mgr[DRM_VSVM_STAT_MIGRATIONS],
		 st.mgr[DRM_VSVM_STAT_MIGRATION_FAILURES],
		 st.mgr[DRM_VSVM_STAT_RETRIES],
		 st.mgr[DRM_VSVM_STAT_RESTORE_RUNS],
		 st.mgr[DRM_VSVM_STAT_RESTORE_FAILURES]);
	TH_LOG("manager: %s", line);
	TH_LOG("%llu accesses hit a GPU TLB entry being invalidated", stale);
}

static void log_tlb_delay(struct __test_metadata *_metadata)
{
	FILE *f = fopen("/sys/module/vsvm/parameters/tlb_delay_us", "r");
	unsigned int us;

	if (!f)
		return;
	if (fscanf(f, "%u", &us) == 1)
		TH_LOG("GPU TLB invalidations complete %u us after they are issued", us);
	fclose(f);
}

/*
 * The GPUs and the CPU threads on one buffer for --seconds: see the top
 * of the file.
 */
TEST_F_TIMEOUT(stress, shared_buffer, DEFAULT_SECONDS + TIMEOUT_MARGIN)
{
	struct stress *s = self->s;
	char who[64];
	unsigned int i, k;

	TH_LOG("%u s, seed %llu", opt_seconds, opt_seed);
	TH_LOG("stable pages 0-%u (0-%u move between VRAMs), churn pages %u-%u",
	       STABLE_PAGES - 1, A_PAGES - 1, STABLE_PAGES, BUF_PAGES - 1);
	log_tlb_delay(_metadata);
	for (k = 0; k < s->nw; k++) {
		snprintf(who, sizeof(who), "GPU %u read-back", s->gpu[s->wr[k]].id);
		start_worker(_metadata, s, writer_main, k, who);
	}
	if (s->nf >= 0) {
		snprintf(who, sizeof(who), "GPU %u (cannot fault)",
			 s->gpu[s->nf].id);
		start_worker(_metadata, s, nofault_main, 0, who);
	}
	if (!without("cpu-read"))
		start_worker(_metadata, s, cpu_reader_main, 0, "CPU read");
	if (!without("mprotect"))
		start_worker(_metadata, s, mprotect_main, 0, "CPU read of a read-only page");
	if (!without("fork"))
		start_worker(_metadata, s, fork_main, 0, "fork");
	if (!without("migrate"))
		start_worker(_metadata, s, migrate_main, 0, "attributes");
	if (!without("exec"))
		start_worker(_metadata, s, exec_main, 0, "GPU_EXEC attribute");
	if (!without("mremap"))
		start_worker(_metadata, s, mremap_main, 0, "CPU read at the mremap destination");
	if (!without("churn"))
		start_worker(_metadata, s, churn_main, 0, "churn");
	if (*opt_without)
		TH_LOG("without: %s", opt_without);

	run_for(_metadata, s, opt_seconds);
	for (i = 0; i < s->nworkers; i++)
		pthread_join(s->w[i].thread, NULL);

	for (i = 0; (int)i < s->nfails && i < MAX_FAILS; i++)
		TH_LOG("%s", s->fails[i]);
	EXPECT_EQ(s->nfails, 0) TH_LOG("%d failures while running", s->nfails);
	/* The state the threads left, then after reading it all. */
	verify_tables(_metadata, s, "after the threads");
	check_data(_metadata, s);
	verify_tables(_metadata, s, "at the end");
	report(_metadata, s);
}

static int usage(const char *prog)
{
	fprintf(stderr, "Usage: %s [--seconds N] [--seed N] [harness options]\n",
		prog);
	return KSFT_FAIL;
}

/* Take --seconds and --seed out of the arguments; the harness gets the rest. */
int main(int argc, char **argv)
{
	unsigned long long v;
	const char *arg;
	char *end;
	int i, n = 1;

	opt_seed = now_ns();
	for (i = 1; i < argc; i++) {
		bool seconds = !strncmp(argv[i], "--seconds", 9);

		if (!strncmp(argv[i], "--without=", 10)) {
			opt_without = argv[i] + 10;
			continue;
		}

		if (!seconds && strncmp(argv[i], "--seed", 6)) {
			argv[n++] = argv[i];
			continue;
		}
		arg = argv[i] + (seconds ? 9 : 6);
		if (*arg == '=')
			arg++;
		else if (!*arg && i + 1 < argc)
			arg = argv[++i];
		else
			return usage(argv[0]);
		errno = 0;
		v = strtoull(arg, &end, 0);
		if (errno || end == arg || *end)
			return usage(argv[0]);
		if (!seconds)
			opt_seed = v;
		else if (v && v <= 86400)
			opt_seconds = v;
		else
			return usage(argv[0]);
	}
	argv[n] = NULL;
	_stress_shared_buffer_object->timeout = opt_seconds + TIMEOUT_MARGIN;
	return test_harness_run(n, argv);
}
