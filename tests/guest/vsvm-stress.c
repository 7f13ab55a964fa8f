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
 * Two CPU threads work beside the buffer. The kill thread forks, again and
 * again, a worker process that lets go of the buffer and of the process's
 * files, opens the GPUs that write itself and attaches them (its own mm,
 * so a coordinator manager of its own), fills a 4 MiB buffer of its own
 * with the CPU, then writes, reads back and checks runs of its pages
 * through its GPUs and the CPU while its prefetches move them between the
 * VRAM of those GPUs and system memory. It models every page exactly (it
 * is alone with them) and counts its operations in memory it shares with
 * the thread. Once the count passes a random threshold, the thread waits
 * for the worker to be inside a prefetch (for a bounded number of further
 * operations, then it takes any moment), kills it with SIGKILL, reaps it
 * and checks that SIGKILL is what ended it: a worker that found wrong data
 * leaves its message in the shared memory and exits with a status of its
 * own. A worker that dies, stops making progress or outlives SIGKILL for
 * long is a failure. The reopen thread opens as a file of its own a GPU
 * that can fault and that the test does not keep (or a writer without
 * VRAM: two files of one VRAM cannot attach in one process), attaches it,
 * reads through it the 16 pages of a mapping that no other thread touches
 * and that it alone writes (so their model is exact), writes and reads
 * back some, prefetches them to its own VRAM, a writer's or system memory,
 * and closes the file while the other GPUs keep working: the detach moves
 * its VRAM's data to system memory, where the CPU checks it; the next file
 * must read back what the closed one wrote. The threads that fork hold
 * the reopen thread off its close while a child may still hold a copy of
 * the file (the kill worker closes its copies first thing), so that the
 * close is the last one and detaches.
 *
 * At the end, with every thread joined, every stable page read through
 * each GPU and by the CPU holds its last generation (no write lost), and
 * so do the reopen pages, the
 * page table of every GPU passes DRM_IOCTL_VSVM_PT_VERIFY over the whole
 * buffer, the GPU that cannot fault still maps all its pages and never
 * missed a mapping (no fatal fault), and no GPU took an IOMMU fault. Then
 * the VRAM of every GPU is evicted (DRM_IOCTL_VSVM_VRAM_EVICT) until none
 * is in use: with the threads joined and the killed workers reaped, this
 * process is the only user of VRAM left, and once its data is moved out
 * its ranges account for none, so VRAM that stays in use (an allocation
 * the eviction cannot move: its process is gone) leaked from a process
 * that exited; the data must read the same after the eviction. The counts
 * of what each thread did, of the retries and of the accesses that hit a
 * GPU TLB entry being invalidated are logged, then a summary for scripts,
 * one "# SOAK <key> <value>" line each (see soak_summary()). A data
 * mismatch names the address, the words expected and found, and the move
 * history of the coordinator's range at the address (RANGE_INFO). Nothing
 * is ordered by sleeping: the threads pace themselves, the checks rely on
 * the model, and waits for another process poll its state with a bound.
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
 *                 fork, migrate, exec, mremap, churn, kill, reopen), the
 *                 GPU that cannot fault (nofault) or transparent huge
 *                 pages (thp, in the kill workers' buffers too), to
 *                 narrow a failure down
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
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
#define MAX_WORKERS	(MAX_WRITERS + 10)
#define MAX_FAILS	8
#define FAIL_LEN	1024	/* a failure message, with a range history */
#define MAX_INDEX	64	/* coordinator indices (DRM_SVM_COORD_MAX_VMS) */
#define KILL_PAGES	1024	/* the buffer of a kill worker (4 MiB) */
#define KILL_RUN	16	/* pages one of its accesses takes, at most */
#define KILL_OPS_MIN	16	/* operations a worker does before it may die */
#define KILL_OPS_SPAN	64
#define KILL_GRACE_OPS	64	/* then this many more to catch a prefetch */
#define KILL_RETRIES	100	/* EBUSY, EINTR: tries of one access */
#define KILL_STALL_S	60	/* no progress for this long: stalled */
#define KILL_REAP_S	60	/* SIGKILL takes effect within this */
#define REOPEN_PAGES	16
#define REOPEN_ROUNDS	4	/* pages written per file */
#define VRAM_SETTLE_S	30	/* VRAM is free within this at the end */
#define PROGRESS_S	10
#define DEFAULT_SECONDS	40
/* Setup, joining the threads and the final checks, in a TCG guest. */
#define TIMEOUT_MARGIN	180

/*
 * Pattern ids: stable page p is p; churn page c, a fork child's write to
 * page p, reopen page r and page k of a kill worker have a flag besides.
 */
#define CHURN_ID	0x80000000u
#define CHILD_ID	0x40000000u
#define REOPEN_ID	0x20000000u
#define KILL_ID		0x10000000u
#define ID_MASK		0x0fffffffu
#define TAG		0xa5a5c3c35a5a3c3cull

#define NSEC		1000000000ull

static unsigned int opt_seconds = DEFAULT_SECONDS;
static __u64 opt_seed;
static const char *opt_without = "";

/*
 * Whether the CPU thread @name (cpu-read, mprotect, fork, migrate, exec,
 * mremap, churn, kill, reopen), the GPU that cannot fault (nofault) or
 * transparent huge pages (thp) were left out with --without=NAME[,NAME...],
 * to narrow a failure down.
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
		 id & CHILD_ID ? "a fork child's write to page" :
		 id & REOPEN_ID ? "reopen page" :
		 id & KILL_ID ? "a kill worker's page" : "stable page",
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
	C_NF_STALLS,
	C_CPU_READS,
	C_EXACT,
	C_LOOSE,
	C_EPERM,
	C_EFAULT,
	C_EBUSY,
	C_EINTR,
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
	C_KILL_FORKS,
	C_KILLS,
	C_KILLS_MIGRATING,
	C_CHILD_OPS,
	C_CHILD_MIGRATIONS,
	C_CHILD_EVICTIONS,
	C_CHILD_INVALIDATIONS,
	C_REOPENS,
	C_REOPEN_WRITES,
	C_REOPEN_READS,
	C_REOPEN_PREFETCH,
	C_BYTES,
	C_NUM
};

/*
 * How each counter is logged, and for an operation its name in the
 * summary (soak_summary()): the counters without one count parts of
 * operations (pages, outcomes) or the errors tolerated.
 */
static const struct {
	const char *name;
	const char *op;
} count_info[C_NUM] = {
	[C_WRITES] = { "stable writes", "stable_write" },
	[C_VERIFIES] = { "read-backs", "stable_read_back" },
	[C_CHURN_WRITES] = { "churn writes", "churn_write" },
	[C_CHURN_READS] = { "churn read-backs", "churn_read_back" },
	[C_CHURN_ZEROS] = { "of which zeros" },
	[C_NF_READS] = { "reads by the GPU that cannot fault", "nofault_read" },
	[C_NF_STALLS] = { "of its reads quiesced past 10 s" },
	[C_CPU_READS] = { "CPU reads", "cpu_read" },
	[C_EXACT] = { "reads checked exactly" },
	[C_LOOSE] = { "racing a write" },
	[C_EPERM] = { "EPERM" },
	[C_EFAULT] = { "EFAULT" },
	[C_EBUSY] = { "EBUSY" },
	[C_EINTR] = { "EINTR" },
	[C_MPROTECT] = { "mprotect", "mprotect" },
	[C_FORK] = { "fork", "fork" },
	[C_CHILD_PAGES] = { "pages checked by children" },
	[C_PREFETCH] = { "prefetch", "prefetch" },
	[C_PREFERRED] = { "preferred location", "preferred_loc" },
	[C_EXEC] = { "GPU_EXEC changes", "gpu_exec" },
	[C_MREMAP] = { "mremap", "mremap" },
	[C_MOVED_PAGES] = { "pages moved" },
	[C_MUNMAP] = { "munmap+mmap", "munmap_mmap" },
	[C_MMAP_OVER] = { "mmap over", "mmap_over" },
	[C_DONTNEED] = { "MADV_DONTNEED", "madv_dontneed" },
	[C_KILL_FORKS] = { "kill workers forked" },
	[C_KILLS] = { "killed", "kill" },
	[C_KILLS_MIGRATING] = { "of which in a prefetch" },
	[C_CHILD_OPS] = { "their operations", "kill_worker_op" },
	[C_CHILD_MIGRATIONS] = { "their migrations" },
	[C_CHILD_EVICTIONS] = { "their evictions" },
	[C_CHILD_INVALIDATIONS] = { "their invalidations" },
	[C_REOPENS] = { "GPU files closed and reopened", "reopen" },
	[C_REOPEN_WRITES] = { "their writes", "reopen_write" },
	[C_REOPEN_READS] = { "their reads", "reopen_read" },
	[C_REOPEN_PREFETCH] = { "their prefetches", "reopen_prefetch" },
	[C_BYTES] = { "bytes checked" },
};

/* The errors the threads tolerate, by name in the summary. */
static const struct {
	enum count count;
	const char *name;
} errno_counts[] = {
	{ C_EFAULT, "EFAULT" }, { C_EPERM, "EPERM" }, { C_EBUSY, "EBUSY" },
	{ C_EINTR, "EINTR" },
};

/* The counters each log line shows, up to the next -1. */
static const int count_lines[] = {
	C_WRITES, C_VERIFIES, C_CHURN_WRITES, C_CHURN_READS, C_CHURN_ZEROS, -1,
	C_NF_READS, C_NF_STALLS, C_CPU_READS, C_CHILD_PAGES, C_EXACT, C_LOOSE,
	C_BYTES, -1,
	C_EPERM, C_EFAULT, C_EBUSY, C_EINTR, -1,
	C_MPROTECT, C_FORK, C_PREFETCH, C_PREFERRED, C_EXEC, C_MREMAP, C_MOVED_PAGES,
	C_MUNMAP, C_MMAP_OVER, C_DONTNEED, -1,
	C_KILL_FORKS, C_KILLS, C_KILLS_MIGRATING, C_CHILD_OPS, C_CHILD_MIGRATIONS,
	C_CHILD_EVICTIONS, C_CHILD_INVALIDATIONS, -1,
	C_REOPENS, C_REOPEN_WRITES, C_REOPEN_READS, C_REOPEN_PREFETCH, -1,
};

struct gpu {
	int fd;
	unsigned int id;	/* GPU number */
	unsigned int index;	/* its index in the coordinator */
	bool can_fault;
	struct drm_vsvm_vram vram;
	struct drm_vsvm_stats start;
};

/* Phases of a kill worker, as it tells the thread that kills it. */
enum kill_phase {
	KILL_SETUP,
	KILL_WORK,
	KILL_PREFETCH,
};

static const char *kill_phase_str(int phase)
{
	static const char * const name[] = {
		[KILL_SETUP] = "setting up",
		[KILL_WORK] = "accessing its pages",
		[KILL_PREFETCH] = "in a prefetch",
	};

	return phase >= 0 && phase < (int)ARRAY_SIZE(name) ? name[phase] : "?";
}

/* How a kill worker ends on its own: a status of its own, not SIGKILL. */
#define KILL_EXIT_MISMATCH	3	/* it read wrong data */
#define KILL_EXIT_ERROR		4	/* a call failed */

/*
 * What a kill worker shares with the thread that kills it (MAP_SHARED),
 * cleared before each fork. @ops, @phase and @fds_closed are written by
 * the worker as it goes; the rest as it goes too, or once before it exits
 * on its own (@bad, @corrupt, @msg).
 */
struct kill_shared {
	int fds_closed;		/* it closed its copies of our files */
	int phase;		/* enum kill_phase */
	int bad;		/* KILL_EXIT_* it exits with, 0 while fine */
	unsigned int corrupt;	/* pages it found wrong */
	__u64 ops;		/* operations done */
	__u64 bytes;		/* bytes checked */
	__u64 busy, intr;	/* accesses tried again after EBUSY, EINTR */
	/* Counters of its manager, as it last read them. */
	__u64 migrations, evictions, invalidations;
	char msg[FAIL_LEN];
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
	char fails[MAX_FAILS][FAIL_LEN];
	unsigned long corrupt;	/* pages found wrong, by any check */
	unsigned long final_bytes;	/* bytes the final checks compared */
	__u64 run_ns;		/* how long the threads ran */
	unsigned int num_gpus;	/* of the driver */
	int gpu_of[MAX_INDEX];	/* GPU number of a coordinator index, or -1 */

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

	/*
	 * Held for reading by the threads that fork from before the fork
	 * until no child holds a copy of this process's files any more, and
	 * for writing by the reopen thread to close its file: so its close
	 * is the last and detaches the GPU.
	 */
	pthread_rwlock_t fdlock;

	struct kill_shared *ks;	/* shared with the kill worker */

	int reopen_gpu;		/* the GPU the reopen thread opens, or -1 */
	bool reopen_vram;	/* it has VRAM */
	char *rbuf;		/* REOPEN_PAGES only the reopen thread writes */
	__u32 rgen[REOPEN_PAGES];	/* the generation each holds */
	__u64 rdata[REOPEN_PAGES * WORDS];

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

static const char * const rule_name[] = {
	[DRM_VSVM_RULE_NO_ACCESS] = "no-access",
	[DRM_VSVM_RULE_RESTORE] = "restore",
	[DRM_VSVM_RULE_PREFETCH] = "prefetch",
	[DRM_VSVM_RULE_IN_PLACE] = "in-place",
	[DRM_VSVM_RULE_PINNED] = "pinned",
	[DRM_VSVM_RULE_PREFERRED] = "preferred",
	[DRM_VSVM_RULE_THROTTLED] = "throttled",
	[DRM_VSVM_RULE_LOCAL] = "local",
	[DRM_VSVM_RULE_STAY] = "stay",
	[DRM_VSVM_RULE_UNREACHABLE] = "unreachable",
	[DRM_VSVM_RULE_NONE] = "none",
};

static const char *rule_str(__u32 rule)
{
	return rule < ARRAY_SIZE(rule_name) ? rule_name[rule] : "?";
}

/* A location of the coordinator, by GPU number where @gpu_of knows it. */
static const char *loc_str(__u32 loc, const int *gpu_of, char *buf,
			   size_t size)
{
	if (loc == DRM_VSVM_LOC_SYSMEM)
		return "sysmem";
	if (loc == DRM_VSVM_LOC_UNDEFINED)
		return "undefined";
	if (loc == DRM_VSVM_LOC_MIXED)
		return "mixed";
	if (loc < MAX_INDEX && gpu_of &&
	    __atomic_load_n(&gpu_of[loc], __ATOMIC_RELAXED) >= 0)
		snprintf(buf, size, "GPU %d",
			 __atomic_load_n(&gpu_of[loc], __ATOMIC_RELAXED));
	else
		snprintf(buf, size, "index %u", loc);
	return buf;
}

/*
 * For a failure message: where the coordinator's range holding @addr has
 * its data and its last moves (DRM_IOCTL_VSVM_RANGE_INFO through @fd, a
 * file attached to the caller's mm), each as "from>to, how long ago, for
 * which GPU's fault or map (or a prefetch, an eviction), by which rule".
 * @gpu_of names coordinator indices, if not NULL. Returns @buf.
 */
static const char *range_history(int fd, const void *addr, const int *gpu_of,
				 char *buf, size_t size)
{
	struct drm_vsvm_range_info r = { .addr = (uintptr_t)addr };
	const struct drm_vsvm_range_move *m;
	char l0[24], l1[24], by[32];
	__u64 now = now_ns();
	unsigned int i;
	size_t len;
	int err;

	err = xioctl(fd, DRM_IOCTL_VSVM_RANGE_INFO, &r);
	if (err) {
		snprintf(buf, size, "no range history at %p: %s", addr,
			 strerror(-err));
		return buf;
	}
	len = snprintf(buf, size,
		       "range 0x%llx-0x%llx at %s (rule %s, %u moves, %u evictions, thrash %u, mapped by indices 0x%llx); ",
		       r.start, r.end, loc_str(r.loc, gpu_of, l0, sizeof(l0)),
		       rule_str(r.rule), r.migrations, r.evictions, r.thrash,
		       r.mapped);
	if (!r.nr_history && len < size)
		len += snprintf(buf + len, size - len, "no move");
	else if (len < size)
		len += snprintf(buf + len, size - len, "moves, oldest first:");
	for (i = 0; i < r.nr_history && i < DRM_VSVM_HISTORY && len < size; i++) {
		m = &r.history[i];
		if (m->gpu < MAX_INDEX)
			snprintf(by, sizeof(by), "for %s",
				 loc_str(m->gpu, gpu_of, l0, sizeof(l0)));
		else
			snprintf(by, sizeof(by), "%s",
				 m->rule == DRM_VSVM_RULE_NONE ? "eviction" :
								 "prefetch");
		len += snprintf(buf + len, size - len,
				" %s>%s %lld ms ago, %s, rule %s%s%s",
				loc_str(m->from, gpu_of, l0, sizeof(l0)),
				loc_str(m->to, gpu_of, l1, sizeof(l1)),
				(long long)(now - m->time_ns) / 1000000, by,
				rule_str(m->rule), m->evicted ? ", evicted" : "",
				i + 1 < r.nr_history ? ";" : "");
	}
	return buf;
}

/* Pages found wrong, counted for the summary. */
static void corrupt(struct stress *s, unsigned long pages)
{
	__atomic_add_fetch(&s->corrupt, pages, __ATOMIC_RELAXED);
}

/* A file of the writers, attached to this process's mm: for RANGE_INFO. */
static int main_fd(struct stress *s)
{
	return s->gpu[s->wr[0]].fd;
}

/*
 * Report word @bad of @data, read by @who from stable page @p at @addr
 * (its place, or where mremap() moved it), which had to hold a generation
 * from @lo to @hi.
 */
static void fail_stable(struct stress *s, const char *who, unsigned int p,
			const void *addr, int bad, const __u64 *data, __u32 lo,
			__u32 hi)
{
	char gens[32], buf[96], hist[640];

	if (lo == hi)
		snprintf(gens, sizeof(gens), "generation %u", lo);
	else
		snprintf(gens, sizeof(gens), "generations %u to %u", lo, hi);
	corrupt(s, 1);
	fail(s,
	     "%s: stable page %u (+0x%zx) at %p, byte %d: expected %016llx (%s), got %016llx; the page holds %s; %s",
	     who, p, (size_t)p * PAGE, addr, bad * 8, pattern(p, lo, bad), gens,
	     data[bad], looks_like(data, buf, sizeof(buf)),
	     range_history(main_fd(s), addr, s->gpu_of, hist, sizeof(hist)));
}

/*
 * Check @data, read from stable page @p at @addr by @w between the loads
 * of @sn.
 */
static void check_stable(struct worker *w, unsigned int p, const void *addr,
			 const __u64 *data, const struct snap *sn)
{
	bool exact = sn->s0 == sn->s1 && !(sn->s0 & 1);
	__u32 hi = exact ? sn->g0 : sn->g1 + 1;
	int bad;

	bad = exact ? first_bad(data, p, sn->g0) :
		      first_bad_between(data, p, sn->g0, hi);
	bump(w, exact ? C_EXACT : C_LOOSE, 1);
	bump(w, C_BYTES, PAGE);
	if (bad >= 0)
		fail_stable(w->s, w->who, p, addr, bad, data, sn->g0, hi);
}

/*
 * Count an access that a CPU thread made fail for a moment: the page was
 * unmapped (EFAULT), read-only (EPERM, for @may_eperm) or kept changing
 * (EBUSY, the fault retries ran out; EINTR, a wait for a quiesced GPU was
 * interrupted). False for any other error.
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
		bump(w, C_EBUSY, 1);
		return true;
	case -EINTR:
		bump(w, C_EINTR, 1);
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
	bump(w, C_BYTES, PAGE);
	bad = first_bad(w->data, p, gen);
	if (bad >= 0)
		fail_stable(s, w->who, p, addr, bad, w->data, gen, gen);
}

/* Writer: a churn page it owns, written and read back through the GPU. */
static void writer_churn(struct worker *w, struct gpu *g, unsigned int c)
{
	struct stress *s = w->s;
	char *addr = churn_page(s, c);
	__u32 id = CHURN_ID | c;
	char buf[96], hist[640];
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
	bump(w, C_BYTES, PAGE);
	bad = first_bad(w->data, id, w->nonce);
	if (bad < 0)
		return;
	if (all_zero(w->data)) {	/* replaced or dropped meanwhile */
		bump(w, C_CHURN_ZEROS, 1);
		return;
	}
	corrupt(s, 1);
	fail(s,
	     "%s: churn page %u at %p, byte %d: expected its write %016llx or zeros, got %016llx; the page holds %s; %s",
	     w->who, c, addr, bad * 8, pattern(id, w->nonce, bad),
	     w->data[bad], looks_like(w->data, buf, sizeof(buf)),
	     range_history(g->fd, addr, s->gpu_of, hist, sizeof(hist)));
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
		/*
		 * Quiesced past vsvm's 10 s: invalidations kept coming faster
		 * than the restore worker maps them again (see README,
		 * "Reliability"). A stall, not a wrong answer: counted, and
		 * the GPU must be back at the end.
		 */
		if (err == -EBUSY) {
			bump(w, C_NF_STALLS, 1);
			continue;
		}
		if (err) {
			fail(s, "GPU %u, which cannot fault, failed to read stable page %u: %s",
			     g->id, p, strerror(-err));
			break;
		}
		bump(w, C_NF_READS, 1);
		check_stable(w, p, stable_page(s, p), w->data, &sn);
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
	check_stable(w, p, addr, w->data, &sn);
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
	char hist[640];
	pid_t pid, got;
	void *addr;
	ssize_t n;

	while (!stopped(s)) {
		if (pipe2(fds, O_CLOEXEC)) {
			fail(s, "pipe2: %s", strerror(errno));
			break;
		}
		/* The child holds our files until it exits. */
		pthread_rwlock_rdlock(&s->fdlock);
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
			pthread_rwlock_unlock(&s->fdlock);
			fail(s, "fork: %s", strerror(errno));
			close(fds[0]);
			break;
		}
		memset(&r, 0, sizeof(r));
		n = read(fds[0], &r, sizeof(r));
		close(fds[0]);
		got = waitpid(pid, &status, 0);
		pthread_rwlock_unlock(&s->fdlock);
		if (got != pid) {
			fail(s, "waitpid: %s", strerror(errno));
			break;
		}
		bump(w, C_FORK, 1);
		bump(w, C_CHILD_PAGES, r.checked);
		bump(w, C_BYTES, (unsigned long)r.checked * PAGE);
		addr = stable_page(s, r.page);
		if (r.bad)
			corrupt(s, 1);
		if (r.bad == 1)
			fail(s,
			     "fork child: its copy of stable page %u at %p, byte %d: expected %016llx (generations %u to %u), got %016llx; in the parent: %s",
			     r.page, addr, r.word * 8, r.want, r.lo, r.hi, r.got,
			     range_history(main_fd(s), addr, s->gpu_of, hist,
					   sizeof(hist)));
		else if (r.bad == 2)
			fail(s,
			     "fork child: its write to stable page %u at %p did not stick at byte %d: %016llx, not %016llx; in the parent: %s",
			     r.page, addr, r.word * 8, r.got, r.want,
			     range_history(main_fd(s), addr, s->gpu_of, hist,
					   sizeof(hist)));
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

/* What a kill worker keeps to itself. */
struct kill_ctx {
	struct kill_shared *ks;
	struct worker *w;
	unsigned int nk;		/* its GPUs: */
	int fd[MAX_WRITERS];
	unsigned int gpu[MAX_WRITERS];	/* their numbers */
	__u32 loc[MAX_WRITERS + 1];	/* where prefetches move its pages */
	unsigned int nloc;
	__u32 at[2];		/* where each half went last */
	int gpu_of[MAX_INDEX];
	char *buf;
	__u64 *io;		/* KILL_RUN pages the GPUs read and write */
	__u32 gen[KILL_PAGES];	/* the generation each page holds */
};

static char *kill_page(struct kill_ctx *c, unsigned int k)
{
	return c->buf + (size_t)k * PAGE;
}

/* The kill worker stops on its own: it says why, then exits @status. */
static __printf(3, 4) __noreturn
void kill_exit(struct kill_ctx *c, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->ks->msg, sizeof(c->ks->msg), fmt, ap);
	va_end(ap);
	__atomic_store_n(&c->ks->bad, status, __ATOMIC_RELEASE);
	_exit(status);
}

static void kill_add(__u64 *counter, __u64 n)
{
	__atomic_store_n(counter, *counter + n, __ATOMIC_RELAXED);
}

/*
 * Pages [@lo, @lo + @n) of the kill worker's buffer, as @data holds them
 * after a @how: they hold what the model says, or the worker exits with
 * KILL_EXIT_MISMATCH.
 */
static void kill_check(struct kill_ctx *c, const char *how, unsigned int lo,
		       unsigned int n, const char *data)
{
	unsigned int i, nbad = 0, first = 0;
	char buf[96], hist[640];
	const __u64 *p;
	int bad, fbad = 0;

	for (i = 0; i < n; i++) {
		p = (const __u64 *)(data + (size_t)i * PAGE);
		bad = first_bad(p, KILL_ID | (lo + i), c->gen[lo + i]);
		if (bad >= 0 && !nbad++) {
			first = lo + i;
			fbad = bad;
		}
	}
	kill_add(&c->ks->bytes, (__u64)n * PAGE);
	if (!nbad)
		return;
	p = (const __u64 *)(data + (size_t)(first - lo) * PAGE);
	c->ks->corrupt = nbad;
	kill_exit(c, KILL_EXIT_MISMATCH,
		  "kill worker %d: %s of its page %u at %p, byte %d: expected %016llx (generation %u), got %016llx; the page holds %s; %u of its pages %u-%u wrong; %s",
		  getpid(), how, first, kill_page(c, first), fbad * 8,
		  pattern(KILL_ID | first, c->gen[first], fbad), c->gen[first],
		  p[fbad], looks_like(p, buf, sizeof(buf)), nbad, lo, lo + n - 1,
		  range_history(c->fd[0], kill_page(c, first), c->gpu_of, hist,
				sizeof(hist)));
}

/*
 * GPU @k of the kill worker reads pages [@lo, @lo + @n) into its I/O
 * buffer or writes them from it, again while the access fails for a
 * moment (EBUSY, EINTR): the same write again leaves the pages as one
 * that succeeded at once.
 */
static void kill_access(struct kill_ctx *c, unsigned int k, __u32 op,
			unsigned int lo, unsigned int n)
{
	unsigned int tries;
	int err;

	for (tries = 0;; tries++) {
		err = gpu_access(c->fd[k], op, kill_page(c, lo), n * PAGE, c->io,
				 0);
		if (!err)
			return;
		if (tries >= KILL_RETRIES || (err != -EBUSY && err != -EINTR))
			break;
		kill_add(err == -EBUSY ? &c->ks->busy : &c->ks->intr, 1);
	}
	kill_exit(c, KILL_EXIT_ERROR,
		  "kill worker %d: GPU %u %s of its pages %u-%u failed after %u tries: %s",
		  getpid(), c->gpu[k], op == DRM_VSVM_ACCESS_READ ? "read" : "write",
		  lo, lo + n - 1, tries + 1, strerror(-err));
}

/* The kill worker moves half its buffer, or all of it, somewhere else. */
static void kill_prefetch(struct kill_ctx *c, unsigned int k)
{
	unsigned int half = below(c->w, 3), j;
	size_t size = half < 2 ? KILL_PAGES / 2 * PAGE : KILL_PAGES * PAGE;
	char *addr = kill_page(c, half == 1 ? KILL_PAGES / 2 : 0);
	struct drm_vsvm_stats st;
	__u32 loc;
	char l[24];
	int err;

	/* Somewhere the data was not, if there is such a place. */
	j = below(c->w, c->nloc);
	if (c->nloc > 1 && c->loc[j] == c->at[half == 1])
		j = (j + 1) % c->nloc;
	loc = c->loc[j];
	__atomic_store_n(&c->ks->phase, KILL_PREFETCH, __ATOMIC_RELEASE);
	err = set_attr(c->fd[k], addr, size, DRM_VSVM_ATTR_PREFETCH_LOC, loc);
	__atomic_store_n(&c->ks->phase, KILL_WORK, __ATOMIC_RELEASE);
	if (err)
		kill_exit(c, KILL_EXIT_ERROR,
			  "kill worker %d: prefetch of %zu KiB at %p to %s failed: %s",
			  getpid(), size >> 10, addr,
			  loc_str(loc, c->gpu_of, l, sizeof(l)), strerror(-err));
	if (half != 1)
		c->at[0] = loc;
	if (half)
		c->at[1] = loc;
	if (stats(c->fd[0], 0, &st))
		return;
	__atomic_store_n(&c->ks->migrations, st.mgr[DRM_VSVM_STAT_MIGRATIONS],
			 __ATOMIC_RELAXED);
	__atomic_store_n(&c->ks->evictions,
			 st.mgr[DRM_VSVM_STAT_EVICTIONS_PEER] +
			 st.mgr[DRM_VSVM_STAT_EVICTIONS_RAM], __ATOMIC_RELAXED);
	__atomic_store_n(&c->ks->invalidations,
			 st.mgr[DRM_VSVM_STAT_INVALIDATIONS], __ATOMIC_RELAXED);
}

/*
 * The kill worker, forked by the kill thread: a process with GPUs and a
 * buffer of its own, which works until it is killed. Only the forking
 * thread was copied: it makes system calls and touches memory, no lock of
 * the parent's, no allocator.
 */
static __noreturn
void kill_child(struct stress *s, struct worker *w, struct kill_shared *ks)
{
	struct drm_vsvm_info info;
	unsigned int i, k, n, lo, op;
	const struct gpu *g;
	struct kill_ctx c;
	int err;

	/*
	 * Let go of the parent's buffers, which would stay copy-on-write
	 * (its device pages shared) while this process lives, and of its
	 * files, which the reopen thread waits for to close its own.
	 */
	munmap(s->buf, BUF_PAGES * PAGE);
	munmap(s->scratch, MOVE_MAX * PAGE);
	munmap(s->rbuf, REOPEN_PAGES * PAGE);
	close_range(3, ~0u, 0);
	__atomic_store_n(&ks->fds_closed, 1, __ATOMIC_RELEASE);

	memset(&c, 0, sizeof(c));
	c.ks = ks;
	c.w = w;
	for (i = 0; i < MAX_INDEX; i++)
		c.gpu_of[i] = -1;
	for (k = 0; k < s->nw; k++) {
		g = &s->gpu[s->wr[k]];
		c.gpu[k] = g->id;
		c.fd[k] = open_gpu(g->id);
		if (c.fd[k] < 0)
			kill_exit(&c, KILL_EXIT_ERROR,
				  "kill worker %d: cannot open GPU %u", getpid(),
				  g->id);
		c.nk++;
		memset(&info, 0, sizeof(info));
		err = vsvm_attach(c.fd[k], 0);
		if (!err)
			err = xioctl(c.fd[k], DRM_IOCTL_VSVM_INFO, &info);
		if (err)
			kill_exit(&c, KILL_EXIT_ERROR,
				  "kill worker %d: attaching GPU %u failed: %s",
				  getpid(), g->id, strerror(-err));
		if (info.index < MAX_INDEX)
			c.gpu_of[info.index] = g->id;
		if (g->vram.size)
			c.loc[c.nloc++] = info.index;
	}
	c.loc[c.nloc++] = DRM_VSVM_LOC_SYSMEM;
	c.at[0] = DRM_VSVM_LOC_SYSMEM;
	c.at[1] = DRM_VSVM_LOC_SYSMEM;

	c.buf = alloc_aligned(KILL_PAGES * PAGE);
	c.io = mmap(NULL, KILL_RUN * PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!c.buf || c.io == MAP_FAILED)
		kill_exit(&c, KILL_EXIT_ERROR, "kill worker %d: mmap: %s",
			  getpid(), strerror(errno));
	if (without("thp"))
		madvise(c.buf, KILL_PAGES * PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < KILL_PAGES; i++)
		fill((__u64 *)kill_page(&c, i), KILL_ID | i, 0);

	__atomic_store_n(&ks->phase, KILL_WORK, __ATOMIC_RELEASE);
	for (;;) {
		op = below(w, 8);
		n = 1 + below(w, KILL_RUN);
		lo = below(w, KILL_PAGES - n + 1);
		k = below(w, c.nk);
		if (op < 3) {
			/* The next generation through one GPU, read back through any. */
			for (i = 0; i < n; i++)
				fill(c.io + (size_t)i * WORDS, KILL_ID | (lo + i),
				     c.gen[lo + i] + 1);
			kill_access(&c, k, DRM_VSVM_ACCESS_WRITE, lo, n);
			for (i = 0; i < n; i++)
				c.gen[lo + i]++;
			memset(c.io, 0x5a, n * PAGE);
			kill_access(&c, below(w, c.nk), DRM_VSVM_ACCESS_READ, lo, n);
			kill_check(&c, "GPU read-back", lo, n, (char *)c.io);
		} else if (op == 3) {
			memset(c.io, 0x5a, n * PAGE);
			kill_access(&c, k, DRM_VSVM_ACCESS_READ, lo, n);
			kill_check(&c, "GPU read", lo, n, (char *)c.io);
		} else if (op == 4) {
			/* Pages in VRAM come back to system memory. */
			kill_check(&c, "CPU read", lo, n, kill_page(&c, lo));
		} else if (op == 5) {
			for (i = 0; i < n; i++)
				fill((__u64 *)kill_page(&c, lo + i),
				     KILL_ID | (lo + i), ++c.gen[lo + i]);
		} else {
			kill_prefetch(&c, k);
		}
		__atomic_store_n(&ks->ops, ks->ops + 1, __ATOMIC_RELEASE);
		pace(2000);
	}
}

/* How a child ended, for a failure message. */
static const char *exit_str(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, size, "status 0x%x", status);
	return buf;
}

/* Where the kernel has process @pid wait, on one line. */
static const char *proc_stack(pid_t pid, char *buf, size_t size)
{
	char path[64];
	ssize_t n, i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(buf, size, "(%s: %s)", path, strerror(errno));
		return buf;
	}
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		n = 0;
	buf[n] = 0;
	for (i = 0; i < n; i++)
		if (buf[i] == '\n')
			buf[i] = ' ';
	return buf;
}

enum kill_wait {
	KW_READY,	/* what was waited for happened */
	KW_ENDED,	/* the worker ended on its own, and is reaped */
	KW_STALLED,	/* it made no progress for KILL_STALL_S */
	KW_STOPPED,	/* the run is over */
};

/*
 * Watch kill worker @pid until it closed our files (@fds), or until it
 * is inside a prefetch after @threshold operations (or has done
 * KILL_GRACE_OPS more without being caught in one). A poll of the memory
 * it shares, with a pause that keeps the thread from taking a CPU from
 * the others; the pause orders nothing.
 */
static enum kill_wait kill_wait(struct worker *w, pid_t pid, int *status,
				bool fds, __u64 threshold)
{
	struct kill_shared *ks = w->s->ks;
	__u64 ops, last = 0, since = now_ns(), t;
	unsigned int spins;

	for (spins = 0;; spins++) {
		ops = __atomic_load_n(&ks->ops, __ATOMIC_ACQUIRE);
		if (fds ? __atomic_load_n(&ks->fds_closed, __ATOMIC_ACQUIRE) :
			  ops >= threshold + KILL_GRACE_OPS ||
			  (ops >= threshold &&
			   __atomic_load_n(&ks->phase, __ATOMIC_ACQUIRE) ==
			   KILL_PREFETCH))
			return KW_READY;
		if (waitpid(pid, status, WNOHANG) == pid)
			return KW_ENDED;
		if (stopped(w->s))
			return KW_STOPPED;
		/* An access that keeps retrying (EBUSY, EINTR) is alive too. */
		ops += __atomic_load_n(&ks->busy, __ATOMIC_RELAXED) +
		       __atomic_load_n(&ks->intr, __ATOMIC_RELAXED);
		t = now_ns();
		if (ops != last) {
			last = ops;
			since = t;
		} else if (t - since > KILL_STALL_S * NSEC) {
			return KW_STALLED;
		}
		if (spins < 8)
			sched_yield();
		else
			pace(500);
	}
}

/* Reap kill worker @pid, which was sent SIGKILL: false if it stays. */
static bool kill_reap(pid_t pid, int *status)
{
	__u64 end = now_ns() + KILL_REAP_S * NSEC;
	unsigned int spins;
	pid_t got;

	for (spins = 0;; spins++) {
		got = waitpid(pid, status, WNOHANG);
		if (got == pid)
			return true;
		if (got < 0 || now_ns() > end)
			return false;
		if (spins < 8)
			sched_yield();
		else
			pace(1000);
	}
}

/*
 * One kill worker: forked, watched until it is in a prefetch past a random
 * number of operations, killed with SIGKILL, reaped and checked. False on
 * a failure, reported.
 */
static bool kill_one(struct worker *w)
{
	struct stress *s = w->s;
	struct kill_shared *ks = s->ks;
	char how[64], stack[512];
	enum kill_wait r;
	__u64 threshold;
	int status, phase;
	pid_t pid;

	memset(ks, 0, sizeof(*ks));
	threshold = KILL_OPS_MIN + below(w, KILL_OPS_SPAN);
	pthread_rwlock_rdlock(&s->fdlock);
	pid = fork();
	if (!pid)
		kill_child(s, w, ks);
	rnd(w);		/* the next worker makes other choices */
	if (pid < 0) {
		pthread_rwlock_unlock(&s->fdlock);
		fail(s, "kill: fork: %s", strerror(errno));
		return false;
	}
	bump(w, C_KILL_FORKS, 1);
	r = kill_wait(w, pid, &status, true, 0);
	pthread_rwlock_unlock(&s->fdlock);
	if (r == KW_READY)
		r = kill_wait(w, pid, &status, false, threshold);

	phase = __atomic_load_n(&ks->phase, __ATOMIC_ACQUIRE);
	if (r == KW_STALLED)
		fail(s,
		     "kill worker %d made no progress for %u s, at operation %llu, %s; its kernel stack: %s",
		     pid, KILL_STALL_S, ks->ops, kill_phase_str(phase),
		     proc_stack(pid, stack, sizeof(stack)));
	if (r != KW_ENDED) {
		if (kill(pid, SIGKILL)) {
			fail(s, "kill worker %d: SIGKILL: %s", pid, strerror(errno));
			return false;
		}
		if (!kill_reap(pid, &status)) {
			fail(s,
			     "kill worker %d still there %u s after SIGKILL, sent while it was %s; its kernel stack: %s",
			     pid, KILL_REAP_S, kill_phase_str(phase),
			     proc_stack(pid, stack, sizeof(stack)));
			return false;
		}
	}

	bump(w, C_CHILD_OPS, ks->ops);
	bump(w, C_BYTES, ks->bytes);
	bump(w, C_EBUSY, ks->busy);
	bump(w, C_EINTR, ks->intr);
	bump(w, C_CHILD_MIGRATIONS, ks->migrations);
	bump(w, C_CHILD_EVICTIONS, ks->evictions);
	bump(w, C_CHILD_INVALIDATIONS, ks->invalidations);
	if (r == KW_STALLED)
		return false;
	if (ks->bad) {
		if (ks->bad == KILL_EXIT_MISMATCH)
			corrupt(s, ks->corrupt);
		fail(s, "kill worker %d ended with %s %s it was killed: %s", pid,
		     exit_str(status, how, sizeof(how)),
		     r == KW_ENDED ? "before" : "as", ks->msg);
		return false;
	}
	if (r == KW_ENDED || !WIFSIGNALED(status) ||
	    WTERMSIG(status) != SIGKILL) {
		fail(s,
		     "kill worker %d ended with %s, not by SIGKILL, at operation %llu, %s",
		     pid, exit_str(status, how, sizeof(how)), ks->ops,
		     kill_phase_str(phase));
		return false;
	}
	bump(w, C_KILLS, 1);
	if (phase == KILL_PREFETCH)
		bump(w, C_KILLS_MIGRATING, 1);
	return true;
}

/* Worker processes forked, killed while they migrate, and checked. */
static void *kill_main(void *arg)
{
	struct worker *w = arg;

	while (!stopped(w->s) && kill_one(w))
		pace(20000);
	return NULL;
}

static char *reopen_page(struct stress *s, unsigned int r)
{
	return s->rbuf + (size_t)r * PAGE;
}

/*
 * Reopen pages [@lo, @lo + @n), as @data holds them after a @how, hold
 * what the model says; @fd, attached, finds their range's history. False
 * on a mismatch, reported.
 */
static bool reopen_check(struct worker *w, int fd, const char *how,
			 unsigned int lo, unsigned int n, const char *data)
{
	struct stress *s = w->s;
	unsigned int i, nbad = 0, first = 0;
	char buf[96], hist[640];
	const __u64 *p;
	int bad, fbad = 0;

	for (i = 0; i < n; i++) {
		p = (const __u64 *)(data + (size_t)i * PAGE);
		bad = first_bad(p, REOPEN_ID | (lo + i), s->rgen[lo + i]);
		if (bad >= 0 && !nbad++) {
			first = lo + i;
			fbad = bad;
		}
	}
	bump(w, C_BYTES, (unsigned long)n * PAGE);
	if (!nbad)
		return true;
	p = (const __u64 *)(data + (size_t)(first - lo) * PAGE);
	corrupt(s, nbad);
	fail(s,
	     "%s: %s of reopen page %u at %p, byte %d: expected %016llx (generation %u), got %016llx; the page holds %s; %u of pages %u-%u wrong; %s",
	     w->who, how, first, reopen_page(s, first), fbad * 8,
	     pattern(REOPEN_ID | first, s->rgen[first], fbad), s->rgen[first],
	     p[fbad], looks_like(p, buf, sizeof(buf)), nbad, lo, lo + n - 1,
	     range_history(fd, reopen_page(s, first), s->gpu_of, hist,
			   sizeof(hist)));
	return false;
}

/* An access of reopen pages through @fd, again while EBUSY or EINTR. */
static int reopen_access(struct worker *w, int fd, __u32 op, unsigned int lo,
			 unsigned int n, void *data)
{
	unsigned int tries = 0;
	int err;

	do {
		err = gpu_access(fd, op, reopen_page(w->s, lo), n * PAGE, data, 0);
	} while ((err == -EBUSY || err == -EINTR) && transient(w, err, false) &&
		 ++tries < KILL_RETRIES);
	return err;
}

/*
 * One file of the reopen GPU: opened, attached, its pages read through it,
 * some written and read back, moved, and the file closed; then the CPU
 * reads the pages. False on a failure, reported.
 */
static bool reopen_once(struct worker *w)
{
	struct stress *s = w->s;
	struct drm_vsvm_info info = { 0 };
	unsigned int i, p, id = s->reopen_gpu;
	bool ok = false;
	__u32 loc;
	char l[24];
	int fd, err;

	fd = open_gpu(id);
	if (fd < 0) {
		fail(s, "reopen: cannot open GPU %u again", id);
		return false;
	}
	err = vsvm_attach(fd, 0);
	if (!err)
		err = xioctl(fd, DRM_IOCTL_VSVM_INFO, &info);
	if (err) {
		fail(s, "reopen: attaching a new file of GPU %u failed: %s",
		     id, strerror(-err));
		goto out;
	}
	if (info.index < MAX_INDEX)
		__atomic_store_n(&s->gpu_of[info.index], (int)id,
				 __ATOMIC_RELAXED);

	/* What the closed file wrote, read through this one. */
	memset(s->rdata, 0x5a, sizeof(s->rdata));
	err = reopen_access(w, fd, DRM_VSVM_ACCESS_READ, 0, REOPEN_PAGES,
			    s->rdata);
	if (err) {
		fail(s, "%s: read of its pages through the new file failed: %s",
		     w->who, strerror(-err));
		goto out;
	}
	bump(w, C_REOPEN_READS, 1);
	if (!reopen_check(w, fd, "read through the new file", 0, REOPEN_PAGES,
			  (char *)s->rdata))
		goto out;

	for (i = 0; i < REOPEN_ROUNDS; i++) {
		p = below(w, REOPEN_PAGES);
		/* A write of one page that fails writes nothing. */
		fill(w->data, REOPEN_ID | p, s->rgen[p] + 1);
		err = reopen_access(w, fd, DRM_VSVM_ACCESS_WRITE, p, 1, w->data);
		if (err) {
			fail(s, "%s: write of reopen page %u failed: %s", w->who,
			     p, strerror(-err));
			goto out;
		}
		s->rgen[p]++;
		bump(w, C_REOPEN_WRITES, 1);
		memset(w->data, 0x5a, PAGE);
		err = reopen_access(w, fd, DRM_VSVM_ACCESS_READ, p, 1, w->data);
		if (err) {
			fail(s, "%s: read-back of reopen page %u failed: %s",
			     w->who, p, strerror(-err));
			goto out;
		}
		bump(w, C_REOPEN_READS, 1);
		if (!reopen_check(w, fd, "read-back", p, 1, (char *)w->data))
			goto out;
	}

	/* Where the data is when the file goes: most often its own VRAM. */
	switch (below(w, 4)) {
	case 0:
	case 1:
		loc = s->reopen_vram ? info.index : DRM_VSVM_LOC_SYSMEM;
		break;
	case 2:
		loc = s->loc[below(w, s->nloc)];
		break;
	default:
		loc = DRM_VSVM_LOC_UNDEFINED;	/* where it is */
		break;
	}
	if (loc != DRM_VSVM_LOC_UNDEFINED) {
		err = set_attr(fd, s->rbuf, REOPEN_PAGES * PAGE,
			       DRM_VSVM_ATTR_PREFETCH_LOC, loc);
		if (err) {
			fail(s, "%s: prefetch of its pages to %s failed: %s",
			     w->who, loc_str(loc, s->gpu_of, l, sizeof(l)),
			     strerror(-err));
			goto out;
		}
		bump(w, C_REOPEN_PREFETCH, 1);
	}
	ok = true;
out:
	/* No child holds a copy of the file: this close detaches the GPU. */
	pthread_rwlock_wrlock(&s->fdlock);
	close(fd);
	pthread_rwlock_unlock(&s->fdlock);
	if (!ok)
		return false;
	/* The data outlives the file: the CPU reads it where it went. */
	return reopen_check(w, main_fd(s), "CPU read with the file closed", 0,
			    REOPEN_PAGES, s->rbuf);
}

/* A GPU file closed and opened again while the other GPUs work. */
static void *reopen_main(void *arg)
{
	struct worker *w = arg;

	while (!stopped(w->s) && reopen_once(w)) {
		bump(w, C_REOPENS, 1);
		pace(10000);
	}
	return NULL;
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
	s->num_gpus = n;
	s->reopen_gpu = -1;
	for (i = 0; i < MAX_INDEX; i++)
		s->gpu_of[i] = -1;
	for (i = 0; i < n; i++) {
		fd = open_gpu(i);
		if (fd < 0 || keep_gpu(s, fd, i))
			continue;
		/* A spare GPU that can fault: the reopen thread's. */
		if (s->reopen_gpu < 0 && !without("reopen") &&
		    !xioctl(fd, DRM_IOCTL_VSVM_INFO, &info) &&
		    info.flags & DRM_VSVM_INFO_CAN_FAULT)
			s->reopen_gpu = i;
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
		ASSERT_LT(info.index, MAX_INDEX);
		s->gpu_of[info.index] = g->id;
		ASSERT_EQ(xioctl(g->fd, DRM_IOCTL_VSVM_VRAM, &g->vram), 0);
		ASSERT_EQ(stats(g->fd, 0, &g->start), 0);
		if (g->can_fault && g->vram.size)
			s->loc[s->nloc++] = g->index;
		TH_LOG("GPU %u%s: %s, %llu MiB of VRAM, DMA %s, coordinator index %u",
		       g->id, gpu_kind(g), g->can_fault ? "writes" : "reads",
		       g->vram.size >> 20,
		       g->start.iommu ? "through a translating IOMMU" : "direct",
		       g->index);
	}
	/* Else a writer without VRAM: its second file attaches too. */
	for (i = 0; i < s->nw && s->reopen_gpu < 0 && !without("reopen"); i++)
		if (!s->gpu[s->wr[i]].vram.size)
			s->reopen_gpu = s->gpu[s->wr[i]].id;
	if (s->reopen_gpu >= 0) {
		struct drm_vsvm_vram v;

		fd = open_gpu(s->reopen_gpu);
		ASSERT_GE(fd, 0);
		ASSERT_EQ(xioctl(fd, DRM_IOCTL_VSVM_VRAM, &v), 0);
		close(fd);
		s->reopen_vram = v.size;
		TH_LOG("GPU %u: a file of it closed and reopened, %llu MiB of VRAM",
		       s->reopen_gpu, v.size >> 20);
	} else if (!without("reopen")) {
		TH_LOG("no GPU for the reopen thread: none is spare, every writer has VRAM");
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
	/* Nor the reopen thread for a gap between forks. */
	ASSERT_EQ(pthread_rwlock_init(&s->fdlock, &rwa), 0);

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
	/* Mapped now: the threads map nothing while mremap() works. */
	b = mmap(NULL, REOPEN_PAGES * PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(b, MAP_FAILED);
	s->rbuf = b;
	for (i = 0; i < REOPEN_PAGES; i++)
		fill((__u64 *)reopen_page(s, i), REOPEN_ID | i, 0);
	s->ks = mmap(NULL, sizeof(*s->ks), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(s->ks, MAP_FAILED);

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
		TH_LOG("%llu s: %lu+%lu writes, %lu reads, %lu retries, %lu kills, %lu reopens",
		       (next - start) / NSEC,
		       total(s, C_WRITES), total(s, C_CHURN_WRITES),
		       total(s, C_NF_READS) + total(s, C_CPU_READS),
		       total(s, C_EPERM) + total(s, C_EFAULT) + total(s, C_EBUSY) +
		       total(s, C_EINTR), total(s, C_KILLS), total(s, C_REOPENS));
		next += PROGRESS_S * NSEC;
		pthread_mutex_lock(&s->lock);
	}
	__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&s->lock);
	s->run_ns = now_ns() - start;
}

/* Flushes of the GPU that cannot fault verify_tables() makes at most. */
#define VERIFY_ROUNDS	4

/*
 * Every entry of every GPU maps what the CPU maps, no more; the GPU that
 * cannot fault maps all its pages once the workers are done. The kernel
 * may invalidate them of its own accord after the flush, the threads
 * stopped: khugepaged collapsing the small pages that the mremap() thread
 * left into a huge page (vsvm-cow's thp_collapse_nofault), compaction
 * moving them. The GPU is stopped for it (a quiesce counted after the
 * flush) until the restore worker has mapped them again: then flush and
 * look again, a few times. Entries missing with no quiesce since the flush
 * to account for them fail at once, so does a GPU the flush left stopped.
 */
static void verify_tables(struct __test_metadata *_metadata, struct stress *s,
			  const char *when)
{
	struct drm_vsvm_stats st, now;
	struct drm_vsvm_pt_verify v;
	unsigned int i, round;
	__u64 quiesces, invals;
	char msg[200];
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
		for (round = 1;; round++) {
			EXPECT_EQ(st.gpu[DRM_VSVM_STAT_QUIESCES],
				  st.gpu[DRM_VSVM_STAT_RESUMES])
				TH_LOG("%s: GPU %u, which cannot fault, stopped after a flush",
				       when, g->id);
			ASSERT_EQ(pt_verify(g->fd, stable_page(s, A_PAGES),
					    B_PAGES * PAGE, &v), 0);
			ASSERT_EQ(stats(g->fd, 0, &now), 0);
			if (v.valid == B_PAGES)
				break;
			quiesces = now.gpu[DRM_VSVM_STAT_QUIESCES] -
				   st.gpu[DRM_VSVM_STAT_QUIESCES];
			invals = now.mgr[DRM_VSVM_STAT_INVALIDATIONS] -
				 st.mgr[DRM_VSVM_STAT_INVALIDATIONS];
			snprintf(msg, sizeof(msg),
				 "GPU %u, which cannot fault, maps %llu of its %u pages, %llu quiesces and %llu invalidations since flush %u",
				 g->id, v.valid, B_PAGES, quiesces, invals,
				 round);
			if (!quiesces || round == VERIFY_ROUNDS) {
				EXPECT_EQ(v.valid, (__u64)B_PAGES)
					TH_LOG("%s: %s", when, msg);
				break;
			}
			/* Stopped since: the restore worker is at it. */
			TH_LOG("%s: %s: flushed again", when, msg);
			ASSERT_EQ(stats(g->fd, DRM_VSVM_STATS_FLUSH, &st), 0);
		}
	}
}

/*
 * Pages [@lo, @hi) of @data, read by @who, hold their last generation:
 * the number of pages that do not, the first ones logged.
 */
static int check_model(struct __test_metadata *_metadata, struct stress *s,
		       const char *who, const char *data, unsigned int lo,
		       unsigned int hi)
{
	char buf[96], hist[640];
	const __u64 *p;
	int bad, lost = 0;
	unsigned int i;

	for (i = lo; i < hi; i++) {
		p = (const __u64 *)(data + (size_t)(i - lo) * PAGE);
		bad = first_bad(p, i, s->st[i].gen);
		if (bad < 0 || lost++ >= 4)
			continue;
		TH_LOG("%s: stable %u at %p, byte %d: want %016llx gen %u, got %016llx; %s; %s",
		       who, i, stable_page(s, i), bad * 8,
		       pattern(i, s->st[i].gen, bad), s->st[i].gen, p[bad],
		       looks_like(p, buf, sizeof(buf)),
		       range_history(main_fd(s), stable_page(s, i), s->gpu_of,
				     hist, sizeof(hist)));
	}
	s->final_bytes += (unsigned long)(hi - lo) * PAGE;
	corrupt(s, lost);
	return lost;
}

/* The reopen pages as @data holds them, read by @who, hold their last write. */
static int check_reopen(struct __test_metadata *_metadata, struct stress *s,
			const char *who, const char *data)
{
	char buf[96], hist[640];
	const __u64 *p;
	int bad, lost = 0;
	unsigned int i;

	for (i = 0; i < REOPEN_PAGES; i++) {
		p = (const __u64 *)(data + (size_t)i * PAGE);
		bad = first_bad(p, REOPEN_ID | i, s->rgen[i]);
		if (bad < 0 || lost++ >= 4)
			continue;
		TH_LOG("%s: reopen %u at %p, byte %d: want %016llx gen %u, got %016llx; %s; %s",
		       who, i, reopen_page(s, i), bad * 8,
		       pattern(REOPEN_ID | i, s->rgen[i], bad), s->rgen[i], p[bad],
		       looks_like(p, buf, sizeof(buf)),
		       range_history(main_fd(s), reopen_page(s, i), s->gpu_of,
				     hist, sizeof(hist)));
	}
	s->final_bytes += REOPEN_PAGES * PAGE;
	corrupt(s, lost);
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
		if (!g->can_fault)
			continue;
		err = gpu_access(g->fd, DRM_VSVM_ACCESS_READ, s->rbuf,
				 REOPEN_PAGES * PAGE, data, 0);
		EXPECT_EQ(err, 0) TH_LOG("GPU %u cannot read the reopen pages: %s",
					 g->id, strerror(-err));
		if (!err)
			EXPECT_EQ(check_reopen(_metadata, s, who, data), 0)
				TH_LOG("GPU %u reads lost or wrong data in the reopen pages",
				       g->id);
	}
	EXPECT_EQ(check_model(_metadata, s, "at the end, the CPU", s->buf, 0,
			      STABLE_PAGES), 0)
		TH_LOG("the CPU reads lost or wrong data");
	EXPECT_EQ(check_reopen(_metadata, s, "at the end, the CPU", s->rbuf), 0)
		TH_LOG("the CPU reads lost or wrong data in the reopen pages");
	free(data);
}

/*
 * With every thread joined and every kill worker reaped, this process is
 * the only user of VRAM: once every GPU's VRAM is evicted, which moves its
 * data to system memory, its ranges account for none, so every GPU must
 * come to use none. An allocation that stays (the eviction cannot move
 * it: its process is gone) leaked from a process that exited; the release
 * of a process's last pages may lag its exit a little, hence the bounded
 * wait. The data must read the same after.
 */
static void check_vram_freed(struct __test_metadata *_metadata,
			     struct stress *s)
{
	__u64 used[MAX_INDEX] = { 0 }, failed[MAX_INDEX] = { 0 };
	__u64 evicted = 0, bytes = 0, sum, end;
	struct drm_vsvm_vram_evict ev;
	struct drm_vsvm_vram v;
	int fd[MAX_INDEX], err;
	unsigned int i, n = 0, rounds;

	for (i = 0; i < s->num_gpus && i < MAX_INDEX; i++) {
		fd[i] = open_gpu(i);
		if (fd[i] >= 0 && !xioctl(fd[i], DRM_IOCTL_VSVM_VRAM, &v) &&
		    v.size) {
			n++;
			continue;
		}
		if (fd[i] >= 0)
			close(fd[i]);
		fd[i] = -1;
	}
	if (!n) {
		TH_LOG("no VRAM: no leak of VRAM to look for");
		return;
	}
	end = now_ns() + VRAM_SETTLE_S * NSEC;
	for (rounds = 1;; rounds++) {
		sum = 0;
		for (i = 0; i < s->num_gpus && i < MAX_INDEX; i++) {
			if (fd[i] < 0)
				continue;
			memset(&ev, 0, sizeof(ev));
			err = xioctl(fd[i], DRM_IOCTL_VSVM_VRAM_EVICT, &ev);
			EXPECT_EQ(err, 0) TH_LOG("GPU %u: VRAM_EVICT: %s", i,
						 strerror(-err));
			evicted += ev.evicted;
			bytes += ev.bytes;
			failed[i] = ev.failed;
			ASSERT_EQ(xioctl(fd[i], DRM_IOCTL_VSVM_VRAM, &v), 0);
			used[i] = v.used;
			sum += v.used;
		}
		if (!sum || now_ns() > end)
			break;
		/* A pause between looks, which orders nothing. */
		pace(rounds < 10 ? 1000 : 20000);
	}
	TH_LOG("VRAM at the end: %llu allocations evicted (%llu KiB), looked at %u times",
	       evicted, bytes >> 10, rounds);
	for (i = 0; i < s->num_gpus && i < MAX_INDEX; i++) {
		if (fd[i] < 0)
			continue;
		EXPECT_EQ(used[i], 0ull)
			TH_LOG("GPU %u: %llu KiB VRAM leaked, %u s after the workers (%llu stuck)",
			       i, used[i] >> 10, VRAM_SETTLE_S, failed[i]);
		close(fd[i]);
	}
	EXPECT_EQ(check_model(_metadata, s, "after the VRAM eviction, the CPU",
			      s->buf, 0, STABLE_PAGES), 0)
		TH_LOG("the CPU reads lost or wrong data after the VRAM eviction");
	EXPECT_EQ(check_reopen(_metadata, s, "after the VRAM eviction, the CPU",
			       s->rbuf), 0)
		TH_LOG("the CPU reads lost or wrong reopen pages after the VRAM eviction");
}

/* The counters of the GPUs since the start, and the threads' counts. */
static void report(struct __test_metadata *_metadata, struct stress *s)
{
	unsigned long long stale = 0;
	struct drm_vsvm_stats st;
	unsigned int i, len = 0;
	char line[512], hist[640];
	struct gpu *g;

	for (i = 0; i < ARRAY_SIZE(count_lines); i++) {
		if (count_lines[i] >= 0) {
			if (len < sizeof(line))
				len += snprintf(line + len, sizeof(line) - len,
						"%s%s %lu", len ? ", " : "",
						count_info[count_lines[i]].name,
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
	/* What a failure would show, for the first stable page. */
	TH_LOG("stable page 0: %s", range_history(main_fd(s), stable_page(s, 0),
						  s->gpu_of, hist, sizeof(hist)));
}

/*
 * The summary for scripts (harness/soak.sh), after the log of counts: one
 * "# SOAK <key> <value>" line each. ops sums the threads' operations and
 * the kill workers'; bytes_checked, the bytes compared with the model by
 * every check (GPU and CPU reads, fork children, kill workers, the final
 * checks); migrations, evictions (to a peer's VRAM or to system memory)
 * and invalidations, the counters of this process's coordinator manager
 * since the start plus those of the kill workers' managers as each last
 * read them; kills, the workers killed by SIGKILL; reopens, the GPU files
 * closed and opened again; forks, every fork() (fork thread and kill
 * thread); corrupt, the pages found wrong. Then "# SOAK errno <NAME>
 * <count>" for each error tolerated as transient (zero included), and
 * "# SOAK op <name> <count>" for each kind of operation.
 */
static void soak_summary(struct stress *s)
{
	const struct gpu *g = &s->gpu[s->wr[0]];
	unsigned long ops = 0;
	struct drm_vsvm_stats st;
	unsigned int i;
	__u64 d[3];

	if (stats(g->fd, 0, &st))
		memcpy(&st, &g->start, sizeof(st));
	d[0] = st.mgr[DRM_VSVM_STAT_MIGRATIONS] -
	       g->start.mgr[DRM_VSVM_STAT_MIGRATIONS];
	d[1] = st.mgr[DRM_VSVM_STAT_EVICTIONS_PEER] +
	       st.mgr[DRM_VSVM_STAT_EVICTIONS_RAM] -
	       g->start.mgr[DRM_VSVM_STAT_EVICTIONS_PEER] -
	       g->start.mgr[DRM_VSVM_STAT_EVICTIONS_RAM];
	d[2] = st.mgr[DRM_VSVM_STAT_INVALIDATIONS] -
	       g->start.mgr[DRM_VSVM_STAT_INVALIDATIONS];
	for (i = 0; i < C_NUM; i++)
		if (count_info[i].op)
			ops += total(s, i);

	fprintf(TH_LOG_STREAM, "# SOAK seed %llu\n", opt_seed);
	fprintf(TH_LOG_STREAM, "# SOAK seconds %llu.%llu\n", s->run_ns / NSEC,
		s->run_ns % NSEC / (NSEC / 10));
	fprintf(TH_LOG_STREAM, "# SOAK ops %lu\n", ops);
	fprintf(TH_LOG_STREAM, "# SOAK bytes_checked %lu\n",
		total(s, C_BYTES) + s->final_bytes);
	fprintf(TH_LOG_STREAM, "# SOAK migrations %llu\n",
		d[0] + total(s, C_CHILD_MIGRATIONS));
	fprintf(TH_LOG_STREAM, "# SOAK evictions %llu\n",
		d[1] + total(s, C_CHILD_EVICTIONS));
	fprintf(TH_LOG_STREAM, "# SOAK invalidations %llu\n",
		d[2] + total(s, C_CHILD_INVALIDATIONS));
	fprintf(TH_LOG_STREAM, "# SOAK kills %lu\n", total(s, C_KILLS));
	fprintf(TH_LOG_STREAM, "# SOAK reopens %lu\n", total(s, C_REOPENS));
	fprintf(TH_LOG_STREAM, "# SOAK forks %lu\n",
		total(s, C_FORK) + total(s, C_KILL_FORKS));
	fprintf(TH_LOG_STREAM, "# SOAK nofault_stalls %lu\n",
		total(s, C_NF_STALLS));
	fprintf(TH_LOG_STREAM, "# SOAK corrupt %lu\n",
		__atomic_load_n(&s->corrupt, __ATOMIC_RELAXED));
	for (i = 0; i < ARRAY_SIZE(errno_counts); i++)
		fprintf(TH_LOG_STREAM, "# SOAK errno %s %lu\n",
			errno_counts[i].name, total(s, errno_counts[i].count));
	for (i = 0; i < C_NUM; i++)
		if (count_info[i].op)
			fprintf(TH_LOG_STREAM, "# SOAK op %s %lu\n",
				count_info[i].op, total(s, i));
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
	if (!without("kill"))
		start_worker(_metadata, s, kill_main, 0, "kill");
	if (s->reopen_gpu >= 0) {
		snprintf(who, sizeof(who), "GPU %u reopened", s->reopen_gpu);
		start_worker(_metadata, s, reopen_main, 0, who);
	}
	if (*opt_without)
		TH_LOG("without: %s", opt_without);

	run_for(_metadata, s, opt_seconds);
	for (i = 0; i < s->nworkers; i++)
		pthread_join(s->w[i].thread, NULL);

	for (i = 0; (int)i < s->nfails && i < MAX_FAILS; i++)
		TH_LOG("%s", s->fails[i]);
	EXPECT_EQ(s->nfails, 0) TH_LOG("%d failures while running", s->nfails);
	if (s->nf >= 0)
		EXPECT_GT(total(s, C_NF_READS), 0)
			TH_LOG("GPU %u, which cannot fault, never read: %lu stalls",
			       s->gpu[s->nf].id, total(s, C_NF_STALLS));
	/* The state the threads left, then after reading it all. */
	verify_tables(_metadata, s, "after the threads");
	check_data(_metadata, s);
	verify_tables(_metadata, s, "at the end");
	check_vram_freed(_metadata, s);
	verify_tables(_metadata, s, "after the VRAM eviction");
	report(_metadata, s);
	soak_summary(s);
}

static int usage(const char *prog)
{
	fprintf(stderr,
		"Usage: %s [--seconds N] [--seed N] [--without=NAME,...] [harness options]\n",
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
