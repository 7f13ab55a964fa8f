// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * A uAPI fuzzer for the virtual GPUs (vsvm): every ioctl of vsvm_drm.h,
 * called a bounded number of times with random and adversarial arguments
 * (sizes 0, 1, a page - 1, huge, ~0; counts 0, too large, overflowing once
 * multiplied; undefined flags; nonzero reserved fields; pointers that are
 * NULL, unmapped, PROT_NONE, read-only, into the kernel or across the end
 * of a mapping; unaligned, wrapping and beyond-TASK_SIZE spans; GPU indices
 * and attribute types out of range; stale fds, fds of another kind, files
 * not attached or attached in baseline mode; ioctl numbers of another size
 * or direction, unknown ones), mixed with mostly valid calls so that the
 * deep paths (GPU faults, maps, migrations, evictions, restores) run too.
 *
 * Each call is classified before it is made, from the checks of its
 * handler (vsvm_drv.c, drm_svm_coord_attrs_validate(), drm_svm_coord_pages(),
 * the DRM core's drm_ioctl()), in their order: clearly invalid input must
 * fail, with an errno the handler returns for that defect; any other call
 * may succeed or fail with an errno the handler documents for a valid
 * request (EPERM where attributes deny, EBUSY, ENOENT from RANGE_INFO,
 * EFAULT on a GPU that cannot fault...). ENOMEM is always accepted.
 * Anything else is reported with the arguments as the kernel read them.
 *
 * A failed call changes nothing: around it, after DRM_VSVM_STATS_FLUSH, the
 * counters of the coordinator and of every file, the VRAM counters, the
 * attributes over fixed spans and over the call's span (GET_ATTR) and the
 * ranges at probe addresses and at the call's (RANGE_INFO) stay identical.
 * Exactly excluded: failures the handlers document as coming after work
 * (SET_ATTR's mapping errors; MAP and ACCESS past their first page; IOWR
 * ioctls whose result the DRM core could not copy back); an ACCESS whose
 * first page cannot be reached counts one fault (GPU that can fault) or
 * one fatal fault (GPU that cannot), nothing else. Pages of the arena the
 * kernel moved on its own (compaction, seen in /proc/self/pagemap) excuse
 * a difference; such excuses are counted.
 *
 * Data: a 4 MiB buffer filled by the CPU and its model, which follows the
 * GPU writes and adds that succeeded; a GPU read that succeeds returns the
 * model. A GPU write that failed did its pages in order, each whole or not
 * at all: the CPU must see such a prefix, which the model then takes. GPUs
 * never map the PROT_NONE and unmapped pages after the buffer, nor write
 * the read-only ones (PT_SNAPSHOT). At the end every GPU and the CPU read
 * everything back, and every page table passes DRM_IOCTL_VSVM_PT_VERIFY. A
 * forked child gets EPERM from the parent's files, attaches one of its own
 * whose GPU write stays in the child, and whose entries go with its mm.
 *
 * Works with any number of GPUs, with or without VRAM and with GPUs that
 * cannot fault; skips without a vsvm GPU. x86-64 (TASK_SIZE is probed).
 *
 * Options:
 *   --calls N   fuzzed calls (default 2000: about 2 to 3 minutes in a TCG
 *               guest with KASAN)
 *   --seed N    seed of the random choices (default: from the clock); a
 *               run repeats with the printed seed and the same boot
 *               parameters (GPUs, VRAM, vsvm.no_fault)
 *   --verbose   log every call
 */
#define _GNU_SOURCE
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "vsvm-lib.h"

typedef __u64 u64;
typedef __u32 u32;
typedef __u8 u8;

#define MAX_GPUS	64
#define DATA_SIZE	(4ul << 20)
#define SMALL		(64ul << 10)
#define ARENA_SIZE	(DATA_SIZE + 4 * SMALL)	/* DATA, RO, NONE, HOLE, NONE */
#define ARENA_PAGES	(ARENA_SIZE / PAGE)
#define SCRATCH_SIZE	(DATA_SIZE + SMALL)	/* payloads, then the argument */
#define ARG_OFF		DATA_SIZE
#define SZ_16M		(16ul << 20)
#define SZ_256M		(256ul << 20)
#define KERNEL_ADDR	0xffff888000000000ull
#define BEYOND		0x0200000000000000ull	/* above TASK_SIZE, 4 or 5 levels */
#define LOW_ZONE	SMALL		/* below vm.mmap_min_addr */
#define EMPTY_ZONE	0x400000000000ull	/* 1 TiB no mmap() reaches */
#define EMPTY_SIZE	0x10000000000ull
#define FLAGS_ALL	0x3fu
#define RESET_EVERY	250
#define MAX_REPORTS	40
#define MAX_ERRNO	134
#define SENTINEL	0xa5
#define ALL		-1	/* in a list of errnos: every errno */
#define NPROBES		4	/* fixed probes; one more for the call */
#define PICK(a)		((a)[below(sizeof(a) / sizeof((a)[0]))])

enum fstate { F_COORD, F_BASELINE, F_UNATTACHED };
enum target { T_MAIN, T_SPARE, T_BASELINE, T_STALE, T_PIPE };
enum argp { A_GOOD, A_RO, A_BAD };
enum mem { M_RW, M_RO, M_BAD };
enum where { W_DATA, W_RO, W_X, W_OTHER };	/* W_X: no page can be there */

/* An open file of a GPU: one GPU address space. */
struct file {
	int fd;
	unsigned int gpu;
	enum fstate state;
	unsigned int index;	/* in the coordinator, F_COORD */
};

struct gpu {
	char path[32];
	bool can_fault;
	struct drm_vsvm_vram vram;	/* at the start */
	u64 iommu_faults;		/* at the start */
	struct file main;		/* attached to the coordinator */
};

union arg {
	struct drm_vsvm_info info;
	struct drm_vsvm_attach attach;
	struct drm_vsvm_attrs attrs;
	struct drm_vsvm_access access;
	struct drm_vsvm_stats stats;
	struct drm_vsvm_pt_snapshot snap;
	struct drm_vsvm_map map;
	struct drm_vsvm_vram vram;
	struct drm_vsvm_range_info ri;
	struct drm_vsvm_pt_verify verify;
	struct drm_vsvm_pt_drop drop;
	struct drm_vsvm_vram_evict evict;
};

struct call {
	struct ioc *ioc;
	enum target tgt;
	struct file *f;		/* NULL for T_STALE and T_PIPE */
	int fd;
	unsigned long cmd;
	enum argp ak;
	void *argp;
	bool out_ok;		/* the result was copied back to us */
	union arg a, k, out;	/* as built, as the kernel read it, result */
	struct drm_vsvm_attr q[64];	/* the attributes sent */
	unsigned int nq;
	char *payload;		/* the bytes behind the pointer, RW view */
	u64 sentinel;		/* bytes of a READ destination set to SENTINEL */
	/* what the call must do */
	bool must, trivial;	/* trivial: the driver is not even reached */
	u64 mask, clean;	/* errnos it may fail with; ... before any work */
	int d_faults, d_fatal;	/* the counters its failure moves */
	char why[200];
	int err;
};

struct field {
	const char *name;
	unsigned int off, size;
};

struct ioc {
	const char *name;
	unsigned long cmd;
	unsigned int size, weight;
	bool pure;		/* a success changes nothing */
	void (*gen)(struct call *c);
	void (*classify)(struct call *c);
	void (*after)(struct call *c);
	const struct field *fields;
	int clean[6];		/* errnos that come before any work */
	unsigned long calls, invalid, failed, unexpected;
	unsigned int errs[MAX_ERRNO];
};

/* What a failed call must leave as it was. */
struct snap {
	struct drm_vsvm_stats st[MAX_GPUS + 1];
	struct drm_vsvm_vram vram[MAX_GPUS];
	u64 ga_start[NPROBES + 1], ga_size[NPROBES + 1], ri_addr[NPROBES + 1];
	int ga_err[NPROBES + 1], ri_err[NPROBES + 1];
	struct drm_vsvm_attr ga[NPROBES + 1][64];
	struct drm_vsvm_range_info ri[NPROBES + 1];
	u64 pm[ARENA_PAGES];
};

static struct gpu gpus[MAX_GPUS];
static unsigned int ngpus;
static struct file spare = { .fd = -1 }, baseline = { .fd = -1 };
static struct file *statf[MAX_GPUS + 1];	/* the files STATS reads */
static unsigned int nstatf;
static u64 attached;			/* indices of the main files */
static int pipe_fd = -1, pagemap_fd = -1;
static u64 task_size;
static char *data, *ro, *none, *hole;	/* the arena */
static char *S, *SRO;			/* scratch: its RW and RO views */
static unsigned char *model, ro_model[SMALL];
static u64 rng, opt_seed;
static unsigned int opt_calls = 2000;
static bool verbose, any_vram;
static struct drm_vsvm_attr qry[64];	/* what a GET_ATTR probe asks */
static unsigned int nqry;
static struct snap snaps[2], *pre = &snaps[0], *post = &snaps[1];
static bool snap_ok;
static unsigned long reports, checks, excused, unsettled, errors, unexpected_total;
static struct { unsigned int fails; char msg[2048]; } *child_rep;

static const char *const stat_names[] = {
	"notifiers", "notifiers_removed", "ranges", "ranges_destroyed",
	"hmm_faults", "hmm_pages", "invalidations", "zaps", "tlb_waits",
	"faults", "maps", "dma_maps", "retries", "gc_runs", "restore_runs",
	"splits", "quiesces", "resumes", "restore_failures", "migrations",
	"migrated_pages", "migration_failures", "remote_maps",
	"thrash_throttles", "thrash_pins", "evictions_peer", "evictions_ram",
	"unmap_failures",
};

static_assert(ARRAY_SIZE(stat_names) == DRM_VSVM_STAT_NUM, "stat names");

static const char *const target_names[] = {
	"its file", "a spare file", "the baseline file", "a closed fd", "a pipe" };

static const char *ename(int e)
{
	static const struct { int e; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { EBADF, "EBADF" },
		{ EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },
		{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
		{ ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { ENOTTY, "ENOTTY" },
		{ ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" }, { E2BIG, "E2BIG" },
		{ EOVERFLOW, "EOVERFLOW" }, { EOPNOTSUPP, "EOPNOTSUPP" },
	};
	static char buf[4][16];
	static unsigned int n;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].e == e)
			return names[i].name;
	n = (n + 1) % 4;
	snprintf(buf[n], sizeof(buf[n]), e ? "E%d" : "success", e);
	return buf[n];
}

/* An errno as a bit of a set (EOPNOTSUPP takes the unused bit 63). */
static u64 ebit(int e)
{
	if (e == EOPNOTSUPP)
		return 1ull << 63;
	return e > 0 && e < 63 ? 1ull << e : 0;
}

/* A set of errnos: a list ending with 0, or ALL. */
static u64 errno_set(const int *list)
{
	u64 m = 0;

	for (; *list; list++)
		m |= *list == ALL ? ~0ull : ebit(*list);
	return m;
}

static const char *mask_str(u64 m)
{
	static char buf[160];
	size_t n = 0;
	int e;

	for (e = 1; e < MAX_ERRNO; e++)
		if (m & ebit(e))
			n += snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "," : "", ename(e));
	return n ? buf : "success";
}

/* xorshift64* */
static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717ull;
}

static u64 below(u64 n)
{
	return n ? rnd() % n : 0;
}

static bool chance(unsigned int pct)
{
	return below(100) < pct;
}

static u64 umin(u64 a, u64 b)
{
	return a < b ? a : b;
}

static u8 pattern(u64 i)
{
	return (i * 2654435761u + opt_seed) >> 7;
}

/* ---- where addresses and pointers go ---- */

static u64 va(const void *p)
{
	return (uintptr_t)p;
}

static bool inside(u64 p, u64 len, const void *base, u64 size)
{
	return p >= va(base) && p - va(base) <= size && len <= size - (p - va(base));
}

/* What the kernel finds behind a user pointer of @len bytes. */
static enum mem mem_class(u64 p, u64 len)
{
	if (!len || inside(p, len, S, SCRATCH_SIZE))
		return M_RW;
	return inside(p, len, SRO, SCRATCH_SIZE) ? M_RO : M_BAD;
}

/* The RW view of the bytes a pointer of ours points to, or NULL. */
static char *payload(u64 p)
{
	if (inside(p, 1, S, SCRATCH_SIZE))
		return (char *)(uintptr_t)p;
	return inside(p, 1, SRO, SCRATCH_SIZE) ? S + (p - va(SRO)) : NULL;
}

static enum where where_is(u64 a)
{
	if (a >= va(data) && a < va(data) + DATA_SIZE)
		return W_DATA;
	if (a >= va(ro) && a < va(ro) + SMALL)
		return W_RO;
	if ((a >= va(none) && a < va(data) + ARENA_SIZE) || a < LOW_ZONE ||
	    (a >= EMPTY_ZONE && a < EMPTY_ZONE + EMPTY_SIZE))
		return W_X;
	return W_OTHER;
}

/* The first byte of @got, read at [@addr, +@len), that the model denies, or -1. */
static long model_diff(const char *got, u64 addr, u64 len)
{
	const struct { u64 lo, hi; const unsigned char *m; } seg[] = {
		{ va(data), va(data) + DATA_SIZE, model }, { va(ro), va(ro) + SMALL, ro_model } };
	unsigned int k;
	u64 s, e, i;

	for (k = 0; k < ARRAY_SIZE(seg); k++) {
		s = addr > seg[k].lo ? addr : seg[k].lo;
		e = umin(addr + len, seg[k].hi);
		if (s >= e || !memcmp(got + (s - addr), seg[k].m + (s - seg[k].lo), e - s))
			continue;
		for (i = s; got[i - addr] == (char)seg[k].m[i - seg[k].lo]; i++)
			;
		return i - addr;
	}
	return -1;
}

/* The first byte of [@s, @e) a GPU cannot reach, or @e: DATA, then RO. */
static u64 unreachable(u64 s, u64 e, bool ro_ok)
{
	u64 lim = va(data) + DATA_SIZE + (ro_ok ? SMALL : 0);

	return s < va(data) || s >= lim ? s : umin(e, lim);
}

static bool span_ok(u64 start, u64 size, bool aligned)
{
	if (aligned && ((start | size) & (PAGE - 1)))
		return false;
	return size && start + size >= start && start + size <= task_size;
}

/*
 * Addresses of spans: the arena mostly, zones where nothing is mapped,
 * invalid ones; with @any also this program's own pages and the top of
 * the user address space, for the ioctls that only look.
 */
static u64 rand_addr(bool any)
{
	const u64 bad[] = { KERNEL_ADDR, ~0ull, -PAGE, BEYOND, 1ull << 63,
			    task_size, task_size + PAGE };

	switch (below(any ? 11 : 9)) {
	case 0: case 1: case 2: case 3:
		return va(data) + below(DATA_SIZE / PAGE) * PAGE;
	case 4:
		return va(ro) + below(4 * SMALL / PAGE) * PAGE;
	case 5:
		return va(data) + DATA_SIZE - (below(4) + 1) * PAGE;
	case 6:
		return va(data) + below(ARENA_SIZE);
	case 7:
		return chance(50) ? below(LOW_ZONE / PAGE) * PAGE :
				    EMPTY_ZONE + below(EMPTY_SIZE / PAGE) * PAGE;
	case 8:
		return PICK(bad);
	case 9:
		return task_size - PAGE;
	default:
		return va(&rng) & ~(PAGE - 1);
	}
}

static u64 rand_size(void)
{
	const u64 odd[] = { 0, 1, 3, PAGE - 1, PAGE + 1, SZ_2M, DATA_SIZE, SZ_16M,
			    SZ_16M + 1, SZ_256M, SZ_256M + PAGE, 1ull << 40, -PAGE,
			    ~0ull, 1ull << 63 };

	switch (below(5)) {
	case 0:
		return PICK(odd);
	case 1:
		return below(3 * PAGE) + 1;
	default:
		return (below(32) + 1) * PAGE;
	}
}

/*
 * A span a GPU may map or write stays where there is the arena or nothing:
 * GPU mappings of this program's own memory (stack, model) would turn its
 * CPU accesses into invalidations, and a GPU write there would corrupt it.
 * Spans that are invalid anyway stay as they are.
 */
static void tame(u64 start, u64 *size)
{
	u64 end = start + *size, zone;

	if (start >= va(data) && start < va(data) + ARENA_SIZE)
		zone = va(data) + ARENA_SIZE;
	else if (start < LOW_ZONE)
		zone = LOW_ZONE;
	else if (start >= EMPTY_ZONE && start < EMPTY_ZONE + EMPTY_SIZE)
		zone = EMPTY_ZONE + EMPTY_SIZE;
	else
		return;
	if (end >= start && end <= task_size && end > zone)
		*size = zone - start;
}

/* A page-aligned span of DATA, now and then reaching past it. */
static void data_span(u64 *start, u64 *size)
{
	u64 n = chance(90) ? below(16) + 1 : below(DATA_SIZE / PAGE) + 1;
	u64 off = below(DATA_SIZE / PAGE);

	if (chance(85) && off + n > DATA_SIZE / PAGE)
		off = DATA_SIZE / PAGE - n;
	*start = va(data) + off * PAGE;
	*size = n * PAGE;
	tame(*start, size);
}

/* A user pointer for @len bytes: scratch, its read-only view, or bad. */
static u64 rand_ptr(u64 len)
{
	u64 off = len < DATA_SIZE ? below(DATA_SIZE - len + 1) : 0;

	switch (below(24)) {
	case 0:
		return 0;
	case 1:
		return KERNEL_ADDR;
	case 2:
		return va(hole) + below(SMALL);
	case 3:
		return va(none);
	case 4:
		return va(S) + SCRATCH_SIZE - 1 - below(8);	/* into the guard */
	case 5:
		return ~0ull - below(64);
	case 6: case 7:
		return va(SRO) + off;
	default:
		return va(S) + off;
	}
}

/* ---- files, GPUs ---- */

static bool can_fault(const struct file *f)
{
	return gpus[f->gpu].can_fault;
}

static bool has_vram(unsigned int gpu)
{
	return gpus[gpu].vram.size;
}

static void reopen_spare(void)
{
	if (spare.fd >= 0)
		close(spare.fd);
	spare.gpu = below(ngpus);
	spare.state = F_UNATTACHED;
	spare.fd = open(gpus[spare.gpu].path, O_RDWR | O_CLOEXEC);
	if (spare.fd < 0)
		ksft_perror("reopening a GPU"), errors++;
	snap_ok = false;	/* a close detaches */
}

/* Wait for the coordinator's workers; the GPU's IOMMU faults, ~0 on error. */
static u64 flush(int fd)
{
	struct drm_vsvm_stats s = { .flags = DRM_VSVM_STATS_FLUSH };

	return xioctl(fd, DRM_IOCTL_VSVM_STATS, &s) ? ~0ull : s.iommu_faults;
}

/* A GPU index for an attribute: attached mostly, else out of range. */
static u32 rand_index(void)
{
	switch (below(10)) {
	case 0:
		return 64 + below(2) * (rnd() & 0xffff);
	case 1:
		return below(64);
	default:
		return gpus[below(ngpus)].main.index;
	}
}

static u32 rand_loc(void)
{
	unsigned int g = below(ngpus);

	switch (below(8)) {
	case 0:
		return DRM_VSVM_LOC_UNDEFINED;
	case 1:
		return DRM_VSVM_LOC_SYSMEM;
	case 2:
		return chance(50) ? DRM_VSVM_LOC_MIXED : rand_index();
	default:
		return has_vram(g) ? gpus[g].main.index : DRM_VSVM_LOC_SYSMEM;
	}
}

static struct drm_vsvm_attr rand_attr(void)
{
	const u32 bad_types[] = { DRM_VSVM_ATTR_ACCESS_MIXED, 10, ~0u };
	struct drm_vsvm_attr v;

	v.type = chance(94) ? below(DRM_VSVM_ATTR_GRANULARITY + 1) : PICK(bad_types);
	switch (v.type) {
	case DRM_VSVM_ATTR_PREFERRED_LOC:
	case DRM_VSVM_ATTR_PREFETCH_LOC:
		v.value = rand_loc();
		break;
	case DRM_VSVM_ATTR_ACCESS ... DRM_VSVM_ATTR_ACCESS_DEFAULT:
		v.value = rand_index();
		break;
	case DRM_VSVM_ATTR_SET_FLAGS:
		v.value = rnd() & (chance(85) ? FLAGS_ALL & ~DRM_VSVM_FLAG_GPU_READ_MOSTLY : ~0u);
		break;
	case DRM_VSVM_ATTR_CLR_FLAGS:
		v.value = rnd() & (chance(85) ? FLAGS_ALL & ~DRM_VSVM_FLAG_HOST_ACCESS : ~0u);
		break;
	case DRM_VSVM_ATTR_GRANULARITY:
		v.value = chance(90) ? below(10) : 10 + below(100);
		break;
	default:
		v.value = rnd();
	}
	return v;
}

/* ---- expectations ---- */

static void note(struct call *c, const char *what)
{
	size_t n = strlen(c->why);

	snprintf(c->why + n, sizeof(c->why) - n, "%s%s", n ? ", " : "", what);
}

/* Clearly invalid input: the call must fail with an errno of @mask. */
static void defect(struct call *c, u64 mask, const char *what)
{
	c->must = true;
	c->mask |= mask;
	note(c, what);
}

/* The call may fail with an errno of @mask. */
static void maybe(struct call *c, u64 mask)
{
	c->mask |= mask;
}

/* vsvm_check_attached(): ENODEV (EPERM from another mm, see the child). */
static bool need_attached(struct call *c)
{
	if (c->f->state != F_UNATTACHED)
		return true;
	defect(c, ebit(ENODEV), "file not attached");
	return false;
}

/* drm_svm_coord_check_gpu() */
static void check_index(struct call *c, u32 v)
{
	if (v >= 64)
		defect(c, ebit(EINVAL), "GPU index out of range");
	else if (!(attached & (1ull << v)))
		defect(c, ebit(ENODEV), "GPU not attached");
}

/* drm_svm_coord_attrs_validate() or, for a query, _check_query(). */
static void check_attrs(struct call *c, bool set)
{
	u32 s = 0, cl = 0;
	unsigned int i;

	for (i = 0; i < c->nq; i++) {
		u32 v = c->q[i].value;

		switch (c->q[i].type) {
		case DRM_VSVM_ATTR_PREFERRED_LOC:
		case DRM_VSVM_ATTR_PREFETCH_LOC:
			if (set && v != DRM_VSVM_LOC_UNDEFINED && v != DRM_VSVM_LOC_SYSMEM)
				check_index(c, v);
			break;
		case DRM_VSVM_ATTR_ACCESS ... DRM_VSVM_ATTR_ACCESS_DEFAULT:
			check_index(c, v);
			break;
		case DRM_VSVM_ATTR_SET_FLAGS:
			if (set && (v & (~FLAGS_ALL | DRM_VSVM_FLAG_GPU_READ_MOSTLY)))
				defect(c, ebit(EINVAL), "flag that cannot be set");
			s |= v;
			break;
		case DRM_VSVM_ATTR_CLR_FLAGS:
			if (set && (v & (~FLAGS_ALL | DRM_VSVM_FLAG_HOST_ACCESS)))
				defect(c, ebit(EINVAL), "flag that cannot be cleared");
			cl |= v;
			break;
		case DRM_VSVM_ATTR_GRANULARITY:
			if (set && v > 9)
				defect(c, ebit(EINVAL), "granularity too large");
			break;
		default:
			defect(c, ebit(EINVAL), "attribute type out of range");
		}
	}
	if (set && (s & cl))
		defect(c, ebit(EINVAL), "flag set and cleared");
}

/* An unexpected outcome: counted against the ioctl, the first ones shown. */
static void report(struct call *c, const char *fmt, ...)
{
	const struct field *f;
	char line[300];
	size_t n = 0;
	unsigned int i;
	va_list ap;

	c->ioc->unexpected++;
	unexpected_total++;
	if (reports++ >= MAX_REPORTS)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	ksft_print_msg("UNEXPECTED %s on %s of GPU %d: %s\n", c->ioc->name,
		       target_names[c->tgt], c->f ? (int)c->f->gpu : -1, line);
	for (f = c->ioc->fields; f && f->name && n < sizeof(line); f++) {
		u64 v = 0;

		memcpy(&v, (char *)&c->k + f->off, f->size);
		n += snprintf(line + n, sizeof(line) - n, " %s=0x%llx", f->name, v);
	}
	for (i = 0; i < c->nq && i < 4 && n < sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, " {%u,0x%x}", c->q[i].type,
			      c->q[i].value);
	ksft_print_msg("  cmd 0x%lx, argument %s:%s; why: %s; allowed: %s\n", c->cmd,
		       c->ak == A_GOOD ? "mapped" : c->ak == A_RO ? "read-only" : "unmapped",
		       n ? line : " -", c->why[0] ? c->why : "none", mask_str(c->mask));
}

/* ---- INFO, VRAM, ATTACH ---- */

static void after_info(struct call *c)
{
	const struct drm_vsvm_info *i = &c->out.info;
	const struct file *f = c->f;

	if (!c->err && c->out_ok &&
	    (i->gpu != f->gpu || i->num_gpus != ngpus ||
	     !(i->flags & DRM_VSVM_INFO_CAN_FAULT) != !can_fault(f) ||
	     !(i->flags & DRM_VSVM_INFO_BASELINE) != !(f->state == F_BASELINE) ||
	     i->index != (f->state == F_COORD ? f->index : ~0u)))
		report(c, "INFO says GPU %u of %u, flags 0x%x, index %u", i->gpu,
		       i->num_gpus, i->flags, i->index);
}

static void after_vram(struct call *c)
{
	const struct drm_vsvm_vram *v = &c->out.vram, *v0 = &gpus[c->f->gpu].vram;

	if (!c->err && c->out_ok &&
	    (v->size != v0->size || v->group != v0->group || v->used > v->size ||
	     !v->size != (v->group == ~0u) || v->pad))
		report(c, "VRAM: size %llu, used %llu, group %u", v->size, v->used, v->group);
}

static void gen_attach(struct call *c)
{
	const u32 flags[] = { 0, 0, DRM_VSVM_ATTACH_BASELINE, DRM_VSVM_ATTACH_PTE_64K,
				   DRM_VSVM_ATTACH_PTE_2M,
				   DRM_VSVM_ATTACH_BASELINE | DRM_VSVM_ATTACH_PTE_2M,
				   DRM_VSVM_ATTACH_PTE_64K | DRM_VSVM_ATTACH_PTE_2M,
				   1u << 3, 1u << 31 };

	c->a.attach.flags = chance(85) ? PICK(flags) : rnd();
	c->a.attach.pad = chance(95) ? 0 : rnd() | 1;
}

/* vsvm_ioctl_attach(), drm_svm_coord_attach() */
static void classify_attach(struct call *c)
{
	const struct drm_vsvm_attach *a = &c->k.attach;

	if ((a->flags & ~7u) || a->pad)
		return defect(c, ebit(EINVAL), "unknown flag or pad");
	if (__builtin_popcount(a->flags) > 1)
		return defect(c, ebit(EINVAL), "two modes");
	if (c->f->state != F_UNATTACHED)
		return defect(c, ebit(EBUSY), "attached already");
	if ((a->flags & DRM_VSVM_ATTACH_BASELINE) && !can_fault(c->f))
		return defect(c, ebit(EOPNOTSUPP), "baseline on a GPU that cannot fault");
	/* A VRAM belongs to one attachment per mm. */
	if (!(a->flags & DRM_VSVM_ATTACH_BASELINE) && has_vram(c->f->gpu))
		return defect(c, ebit(EEXIST), "second file of a GPU with VRAM");
	maybe(c, ebit(ENOSPC));
}

static void after_attach(struct call *c)
{
	bool bl = c->k.attach.flags & DRM_VSVM_ATTACH_BASELINE;
	struct drm_vsvm_info i = {};

	if (c->err || c->f != &spare)
		return;
	/* What INFO says of it; then a file not attached again. */
	if (xioctl(spare.fd, DRM_IOCTL_VSVM_INFO, &i) ||
	    !(i.flags & DRM_VSVM_INFO_BASELINE) != !bl || (i.index == ~0u) != bl)
		report(c, "attached, INFO says flags 0x%x, index %u", i.flags, i.index);
	reopen_spare();
}

/* ---- SET_ATTR, GET_ATTR ---- */

static bool is_set(const struct call *c)
{
	return c->ioc->cmd == DRM_IOCTL_VSVM_SET_ATTR;
}

static void gen_attrs(struct call *c)
{
	const u32 counts[] = { 0, 64, 65, 1u << 29, 1u << 31, ~0u };
	struct drm_vsvm_attrs *a = &c->a.attrs;
	bool set = is_set(c);
	unsigned int i;

	if (chance(75)) {
		data_span(&a->start, &a->size);
	} else {
		a->start = rand_addr(!set);
		a->size = rand_size();
		if (set)
			tame(a->start, &a->size);
	}
	a->nattrs = chance(90) ? below(4) + 1 : PICK(counts);
	a->pad = chance(95) ? 0 : rnd() | 1;
	c->nq = umin(a->nattrs, 64);
	a->attrs = rand_ptr(c->nq * sizeof(c->q[0]));
	for (i = 0; i < c->nq; i++)
		c->q[i] = rand_attr();
	c->payload = payload(a->attrs);
	if (c->payload)
		memcpy(c->payload, c->q, umin(c->nq * sizeof(c->q[0]),
					      S + SCRATCH_SIZE - c->payload));
}

/* vsvm_attrs(), then drm_svm_coord_set_attr() or _get_attr() */
static void classify_attrs(struct call *c)
{
	const struct drm_vsvm_attrs *a = &c->k.attrs;
	bool set = is_set(c);
	u64 len = (u64)a->nattrs * sizeof(struct drm_vsvm_attr);

	if (!need_attached(c))
		return;
	if (a->pad || !a->nattrs || a->nattrs > 64)
		return defect(c, ebit(EINVAL), "pad or count");
	if (c->f->state == F_BASELINE)
		return defect(c, ebit(EOPNOTSUPP), "baseline file");
	if (mem_class(a->attrs, len) == M_BAD)
		return defect(c, ebit(EFAULT), "attributes unreadable");
	if (!span_ok(a->start, a->size, true))
		defect(c, ebit(EINVAL), "span");
	check_attrs(c, set);
	if (!set && mem_class(a->attrs, len) != M_RW)
		defect(c, ebit(EFAULT), "answers not writable");
	/* Mapping for the GPUs that cannot fault, after the attributes. */
	if (set && !c->must)
		maybe(c, ebit(EBUSY));
}

static void after_get_attr(struct call *c)
{
	struct drm_vsvm_attr r[64];
	unsigned int i;

	if (c->err || !c->payload)
		return;
	memcpy(r, c->payload, c->nq * sizeof(r[0]));
	for (i = 0; i < c->nq; i++) {
		u32 t = r[i].type, v = r[i].value, qt = c->q[i].type;
		bool ok;

		if (qt <= DRM_VSVM_ATTR_PREFETCH_LOC)
			ok = t == qt && (v < 64 || v >= DRM_VSVM_LOC_MIXED);
		else if (qt == DRM_VSVM_ATTR_SET_FLAGS || qt == DRM_VSVM_ATTR_CLR_FLAGS)
			ok = t == qt && !(v & ~FLAGS_ALL);
		else if (qt == DRM_VSVM_ATTR_GRANULARITY)
			ok = t == qt && v <= 9;
		else	/* an access query: the answer is the type */
			ok = v == c->q[i].value && ((t >= DRM_VSVM_ATTR_ACCESS &&
			     t <= DRM_VSVM_ATTR_ACCESS_DEFAULT) || t == DRM_VSVM_ATTR_ACCESS_MIXED);
		if (!ok)
			return report(c, "query %u {%u, 0x%x} answered {%u, 0x%x}", i, qt,
				      c->q[i].value, t, v);
	}
}

/* ---- ACCESS ---- */

static void gen_access(struct call *c)
{
	const u32 bad_ops[] = { 3, 4, ~0u };
	struct drm_vsvm_access *a = &c->a.access;
	u64 off, len, i;

	a->op = chance(96) ? below(3) : PICK(bad_ops);
	if (chance(75)) {
		off = below(DATA_SIZE);
		len = chance(75) ? below(2 * PAGE) + 1 :
		      chance(95) ? below(4 * SMALL) + 1 : below(DATA_SIZE) + 1;
		if (chance(85) && off + len > DATA_SIZE)
			off = DATA_SIZE - len;
		if (chance(12))
			off = DATA_SIZE + below(SMALL);		/* RO */
		a->addr = va(data) + off;
		a->size = len;
		if (a->op == DRM_VSVM_ACCESS_ADD32 && chance(90)) {
			a->addr &= ~3ull;
			a->size = (a->size + 3) & ~3ull;
		}
	} else {
		a->addr = rand_addr(false);
		a->size = rand_size();
	}
	tame(a->addr, &a->size);
	a->value = a->op != DRM_VSVM_ACCESS_ADD32 ? rnd() :	/* unused */
		   chance(95) ? (u32)rnd() : rnd() | 1ull << 32;
	a->pad = chance(96) ? 0 : rnd() | 1;
	a->pad2 = chance(96) ? 0 : rnd() | 1;
	if (a->op == DRM_VSVM_ACCESS_ADD32) {
		a->data = chance(50) ? KERNEL_ADDR : rnd();	/* unused */
		return;
	}
	a->data = rand_ptr(umin(a->size, SCRATCH_SIZE));
	c->payload = payload(a->data);
	if (!c->payload)
		return;
	len = umin(a->size, S + SCRATCH_SIZE - c->payload);
	if (a->op == DRM_VSVM_ACCESS_WRITE) {
		for (i = 0; i < len; i += 8) {
			u64 r = rnd();

			memcpy(c->payload + i, &r, umin(8, len - i));
		}
	} else if (mem_class(a->data, a->size) == M_RW && a->size <= 4 * SMALL) {
		memset(c->payload, SENTINEL, a->size);
		c->sentinel = a->size;
	}
}

/*
 * The errno of an access that stops at @u, which it cannot reach:
 * vsvm_access_page() (EFAULT on a GPU that cannot fault),
 * drm_svm_coord_handle_fault() (EFAULT without a VMA or for PROT_NONE,
 * EPERM for a write to a read-only VMA) or, in baseline mode,
 * drm_gpusvm_range_find_or_insert() (ENOENT without a VMA, EPERM for one
 * without VM_WRITE, as drm_gpusvm maps read-write only).
 */
static u64 stop_errno(const struct call *c, u64 u)
{
	enum where w = where_is(u);

	if (w == W_OTHER)
		return 0;
	if (c->f->state == F_BASELINE)
		return ebit(w == W_RO || (u >= va(none) && u < va(hole)) ||
			  (u >= va(hole) + SMALL && u < va(data) + ARENA_SIZE) ? EPERM : ENOENT);
	if (!can_fault(c->f))
		return ebit(EFAULT);
	return ebit(w == W_RO ? EPERM : EFAULT);
}

/* vsvm_access_check(), vsvm_ioctl_access(), vsvm_access_page() */
static void classify_access(struct call *c)
{
	const struct drm_vsvm_access *a = &c->k.access;
	bool write = a->op != DRM_VSVM_ACCESS_READ;
	bool coord = c->f->state == F_COORD;
	u64 end = a->addr + a->size, u, bad;

	if (a->pad || a->pad2 || a->op > DRM_VSVM_ACCESS_ADD32 || !a->size ||
	    a->size > SZ_16M || end < a->addr || end > task_size ||
	    (a->op == DRM_VSVM_ACCESS_ADD32 &&
	     (((a->addr | a->size) & 3) || a->value > 0xffffffffull)))
		return defect(c, ebit(EINVAL), "malformed");
	if (!need_attached(c))
		return;
	/* copy_from_user(), before the GPU touches anything */
	if (a->op == DRM_VSVM_ACCESS_WRITE && mem_class(a->data, a->size) == M_BAD) {
		c->clean |= ebit(EFAULT);
		return defect(c, ebit(EFAULT), "data unreadable");
	}
	if (coord)
		maybe(c, ebit(EPERM) | ebit(EBUSY) | ebit(EINTR) |
			 (can_fault(c->f) ? 0 : ebit(EFAULT)));
	else	/* upstream drm_gpusvm */
		maybe(c, ebit(EFAULT) | ebit(EPERM) | ebit(EBUSY) | ebit(EAGAIN) |
			 ebit(EOPNOTSUPP) | ebit(EINTR));
	u = unreachable(a->addr, end, coord && !write);
	bad = u < end ? stop_errno(c, u) : 0;
	if (bad) {
		defect(c, bad, write ? "span not writable" : "span not readable");
		/* Stopped at its first page: the fault alone was counted. */
		if (u == a->addr && coord) {
			c->clean |= bad;
			c->d_faults = can_fault(c->f);
			c->d_fatal = !can_fault(c->f);
		}
	}
	if (!write && mem_class(a->data, a->size) != M_RW)
		defect(c, ebit(EFAULT), "data not writable");
}

/*
 * What a write or an add that was done leaves in [@p, +@n) of DATA, one
 * page at most: the payload, or the model's words plus the value in @tmp.
 */
static const char *written(const struct call *c, u64 p, u64 n, char *tmp)
{
	const struct drm_vsvm_access *x = &c->k.access;
	u64 i;

	if (x->op == DRM_VSVM_ACCESS_WRITE)
		return c->payload + (p - x->addr);
	for (i = 0; i < n; i += 4) {
		u32 v;

		memcpy(&v, model + (p - va(data)) + i, 4);
		v += x->value;
		memcpy(tmp + i, &v, 4);
	}
	return tmp;
}

/*
 * A write that was done (@done), or that failed: it did its pages in
 * order, each whole or not at all (vsvm_pt_access() copies a page under
 * the page-table lock), so the CPU must see a prefix of the pages written
 * and the rest untouched. The model takes it.
 */
static void model_write(struct call *c, bool done)
{
	const struct drm_vsvm_access *x = &c->k.access;
	u64 s = x->addr < va(data) ? va(data) : x->addr, p, q;
	u64 e = umin(x->addr + x->size, va(data) + DATA_SIZE);
	bool stopped = false;
	char tmp[PAGE];

	if (!done)
		snap_ok = false;	/* the CPU brings pages back from VRAM */
	for (p = s; p < e; p = q) {
		char *cpu = data + (p - va(data));
		unsigned char *old = model + (p - va(data));
		const char *new;
		bool is_new, is_old;

		q = umin((p & ~(PAGE - 1)) + PAGE, e);
		new = written(c, p, q - p, tmp);
		if (done) {
			memcpy(old, new, q - p);
			continue;
		}
		is_new = !memcmp(cpu, new, q - p);
		is_old = !memcmp(cpu, old, q - p);
		if (!is_new && !is_old)
			report(c, "page 0x%llx holds neither the old nor the new data", p);
		else if (is_new && !is_old && stopped)
			report(c, "page 0x%llx written after one that was not", p);
		stopped |= !is_new;
		memcpy(old, cpu, q - p);
	}
}

static void after_access(struct call *c)
{
	const struct drm_vsvm_access *x = &c->k.access;
	bool write = x->op != DRM_VSVM_ACCESS_READ;
	long bad;
	u64 i;

	if (!c->err && c->out_ok && !can_fault(c->f) && c->out.access.faults)
		report(c, "a GPU that cannot fault took %u faults", c->out.access.faults);
	if (!c->err && !write && c->payload && x->data == c->a.access.data) {
		/* What the GPU read is the model (up to the argument, the DRM core's). */
		bad = model_diff(c->payload, x->addr, umin(x->size, S + ARG_OFF - c->payload));
		if (bad >= 0)
			report(c, "read 0x%02x at 0x%llx, the model says otherwise",
			       (u8)c->payload[bad], x->addr + bad);
	} else if (!c->err && write) {
		model_write(c, true);
	} else if (c->err && !write && c->sentinel && c->ak == A_GOOD &&
		   x->data == c->a.access.data && x->size == c->sentinel) {
		for (i = 0; i < c->sentinel; i++)
			if ((u8)c->payload[i] != SENTINEL)
				return report(c, "a READ that failed wrote its destination");
	} else if (c->err && write && !(c->clean & ebit(c->err)) &&
		   (x->op == DRM_VSVM_ACCESS_ADD32 || mem_class(x->data, x->size) != M_BAD) &&
		   x->addr < va(data) + DATA_SIZE && x->addr + x->size > va(data)) {
		model_write(c, false);
	}
}

/* ---- STATS ---- */

static void gen_stats(struct call *c)
{
	const u32 flags[] = { 0, DRM_VSVM_STATS_FLUSH, DRM_VSVM_STATS_FLUSH };

	c->a.stats.flags = chance(80) ? PICK(flags) : chance(10) ? DRM_VSVM_STATS_RESET : rnd();
	c->a.stats.pad = chance(95) ? 0 : rnd() | 1;
	c->a.stats.manager = chance(95) ? 0 : rnd() | 1;
}

static void classify_stats(struct call *c)
{
	const struct drm_vsvm_stats *a = &c->k.stats;

	if ((a->flags & ~(DRM_VSVM_STATS_RESET | DRM_VSVM_STATS_FLUSH)) || a->pad || a->manager)
		return defect(c, ebit(EINVAL), "flags, pad or manager");
	need_attached(c);
}

static void after_stats(struct call *c)
{
	const struct drm_vsvm_stats *s = &c->out.stats;
	unsigned int i;
	bool bad = false;

	if (c->err)
		return;
	if (c->k.stats.flags & DRM_VSVM_STATS_RESET)
		snap_ok = false;
	for (i = DRM_VSVM_STAT_NUM; c->out_ok && i < DRM_VSVM_STAT_MAX; i++)
		bad |= s->mgr[i] || s->gpu[i];
	if (c->out_ok && (bad || s->pad2 || s->iommu > 1 ||
			  (c->f->state == F_BASELINE && s->manager)))
		report(c, "reserved counters, pad2 %u, iommu %u, manager %llu", s->pad2,
		       s->iommu, s->manager);
}

/* ---- PT_SNAPSHOT, PT_VERIFY ---- */

static void gen_pages(__u64 *addr, __u64 *npages)
{
	const u64 counts[] = { 0, 65536, 65537, 1ull << 52, ~0ull, 1ull << 63 };

	*addr = chance(70) ? va(data) + below(ARENA_PAGES) * PAGE : rand_addr(true);
	*npages = chance(88) ? below(ARENA_PAGES) + 1 : PICK(counts);
}

static bool pages_ok(u64 addr, u64 npages)
{
	return npages && npages <= 65536 && span_ok(addr, npages * PAGE, true);
}

static void gen_snapshot(struct call *c)
{
	struct drm_vsvm_pt_snapshot *a = &c->a.snap;

	gen_pages(&a->addr, &a->npages);
	a->entries = rand_ptr(umin(a->npages, DATA_SIZE));
	c->payload = payload(a->entries);
}

/* vsvm_ioctl_pt_snapshot(): no attachment needed, none has no entries. */
static void classify_snapshot(struct call *c)
{
	if (!pages_ok(c->k.snap.addr, c->k.snap.npages))
		return defect(c, ebit(EINVAL), "pages");
	if (mem_class(c->k.snap.entries, c->k.snap.npages) != M_RW)
		defect(c, ebit(EFAULT), "entries not writable");
}

static void after_snapshot(struct call *c)
{
	const struct drm_vsvm_pt_snapshot *a = &c->k.snap;
	const char *what = NULL;
	u64 i, va_;

	if (c->err || !c->payload || a->entries != c->a.snap.entries)
		return;
	for (i = 0; i < a->npages && !what; i++) {
		u8 e = c->payload[i];

		va_ = a->addr + i * PAGE;
		if ((e & ~0x3fu) || (e && !(e & DRM_VSVM_PTE_VALID)) ||
		    (e & DRM_VSVM_PTE_TARGET_MASK) == DRM_VSVM_PTE_TARGET_MASK)
			what = "unknown bits";
		else if (e && where_is(va_) == W_X)
			what = "an entry where the CPU maps nothing";
		else if ((e & DRM_VSVM_PTE_WRITE) && where_is(va_) == W_RO)
			what = "a writable entry of a read-only page";
		else if (e && c->f->state == F_UNATTACHED)
			what = "an entry in a file not attached";
		else if ((e & DRM_VSVM_PTE_TARGET_MASK) && !any_vram)
			what = "an entry to VRAM without VRAM";
		if (what)
			report(c, "0x%llx: entry 0x%02x, %s", va_, e, what);
	}
}

static void gen_verify(struct call *c)
{
	struct drm_vsvm_pt_verify *a = &c->a.verify;

	gen_pages(&a->addr, &a->npages);
	a->flags = chance(95) ? 0 : rnd() | 1;
	a->pad = chance(95) ? 0 : rnd() | 1;
}

/* vsvm_ioctl_pt_verify(), vsvm_pt_verify() */
static void classify_verify(struct call *c)
{
	const struct drm_vsvm_pt_verify *a = &c->k.verify;

	if (!need_attached(c))
		return;
	if (a->flags || a->pad || !pages_ok(a->addr, a->npages))
		return defect(c, ebit(EINVAL), "flags, pad or pages");
	maybe(c, ebit(EBUSY));	/* invalidations kept racing */
}

static int verify_settled(int fd, u64 addr, u64 npages, struct drm_vsvm_pt_verify *v)
{
	flush(fd);
	return pt_verify(fd, (void *)(uintptr_t)addr, npages * PAGE, v);
}

static void after_verify(struct call *c)
{
	struct drm_vsvm_pt_verify v = c->out.verify;

	if (c->err || !c->out_ok)
		return;
	if (v.valid > c->k.verify.npages || v.uncovered > v.valid || v.stale > v.valid ||
	    v.excess_write > v.valid)
		report(c, "counts %llu/%llu/%llu/%llu", v.valid, v.uncovered, v.stale,
		       v.excess_write);
	/* Meant for a settled state: look again after a flush. */
	if (!pt_safe(&v) && (verify_settled(c->fd, c->k.verify.addr, c->k.verify.npages, &v) ||
			     !pt_safe(&v)))
		report(c, "%llu uncovered, %llu stale, %llu too writable entries, first 0x%llx",
		       v.uncovered, v.stale, v.excess_write, v.first_bad);
}

/* ---- MAP, PT_DROP, RANGE_INFO, VRAM_EVICT ---- */

static void gen_map(struct call *c)
{
	if (chance(80)) {
		data_span(&c->a.map.start, &c->a.map.size);
	} else {
		c->a.map.start = rand_addr(false);
		c->a.map.size = rand_size();
		tame(c->a.map.start, &c->a.map.size);
	}
}

/* vsvm_ioctl_map(), drm_svm_coord_map(): stops at the first error */
static void classify_map(struct call *c)
{
	const struct drm_vsvm_map *a = &c->k.map;
	u64 u, end = a->start + a->size;

	if (!need_attached(c))
		return;
	if (c->f->state == F_BASELINE)
		return defect(c, ebit(EOPNOTSUPP), "baseline file");
	if (!span_ok(a->start, a->size, true))
		return defect(c, ebit(EINVAL), "span");
	maybe(c, ebit(EPERM) | ebit(EBUSY));
	u = unreachable(a->start, end, true);
	if (u < end && where_is(u) == W_X) {
		defect(c, ebit(EFAULT), "span reaches a page without VMA or PROT_NONE");
		if (u == a->start)	/* nothing done */
			c->clean |= ebit(EFAULT);
	}
}

static void gen_drop(struct call *c)
{
	struct drm_vsvm_pt_drop *a = &c->a.drop;

	if (chance(75)) {
		data_span(&a->addr, &a->size);
	} else {
		a->addr = rand_addr(false);
		a->size = rand_size();
	}
	a->flags = chance(95) ? 0 : rnd() | 1;
	a->pad = chance(95) ? 0 : rnd() | 1;
}

/* vsvm_ioctl_pt_drop(): the arguments first, then the attachment */
static void classify_drop(struct call *c)
{
	const struct drm_vsvm_pt_drop *a = &c->k.drop;

	if (a->flags || a->pad || a->size > SZ_256M || !span_ok(a->addr, a->size, true))
		return defect(c, ebit(EINVAL), "flags, pad or span");
	if (need_attached(c) && c->f->state == F_BASELINE)
		defect(c, ebit(EOPNOTSUPP), "baseline file");
}

static void gen_ri(struct call *c)
{
	c->a.ri.addr = chance(70) ? va(data) + below(ARENA_SIZE) : rand_addr(true);
}

/* vsvm_ioctl_range_info(), drm_svm_coord_range_info() */
static void classify_ri(struct call *c)
{
	u64 a = c->k.ri.addr;

	if (!need_attached(c))
		return;
	if (c->f->state == F_BASELINE)
		return defect(c, ebit(EOPNOTSUPP), "baseline file");
	if (where_is(a) == W_X || a >= task_size)
		return defect(c, ebit(ENOENT), "no range can hold it");
	maybe(c, ebit(ENOENT));
}

static void after_ri(struct call *c)
{
	const struct drm_vsvm_range_info *r = &c->out.ri;
	u64 a = c->k.ri.addr, lo = 0, hi = ~0ull;

	if (c->err || !c->out_ok)
		return;
	if (where_is(a) == W_DATA) {	/* a range lies in its VMA */
		lo = va(data);
		hi = va(data) + DATA_SIZE;
	} else if (where_is(a) == W_RO) {
		lo = va(ro);
		hi = va(ro) + SMALL;
	}
	if (r->start > a || r->end <= a || ((r->start | r->end) & (PAGE - 1)) ||
	    r->end - r->start > SZ_2M || r->start < lo || r->end > hi ||
	    r->nr_history > DRM_VSVM_HISTORY || r->pad || r->rule > DRM_VSVM_RULE_NONE ||
	    r->thrash > DRM_VSVM_THRASH_PINNED || (r->loc < DRM_VSVM_LOC_MIXED && r->loc >= 64) ||
	    (r->mapped & ~attached))
		report(c, "[0x%llx, 0x%llx) loc 0x%x rule %u thrash %u mapped 0x%llx history %u",
		       r->start, r->end, r->loc, r->rule, r->thrash, r->mapped, r->nr_history);
}

static void gen_evict(struct call *c)
{
	c->a.evict.flags = chance(95) ? 0 : rnd() | 1;
	c->a.evict.pad = chance(95) ? 0 : rnd() | 1;
}

static void classify_evict(struct call *c)
{
	if (c->k.evict.flags || c->k.evict.pad)
		return defect(c, ebit(EINVAL), "flags or pad");
	if (!has_vram(c->f->gpu))
		defect(c, ebit(ENODEV), "no VRAM");
}

static void after_evict(struct call *c)
{
	const struct drm_vsvm_vram_evict *v = &c->out.evict;

	if (!c->err && c->out_ok && ((v->bytes & (PAGE - 1)) || (!v->evicted && v->bytes)))
		report(c, "%llu evicted, %llu bytes", v->evicted, v->bytes);
}

/* ---- unknown ioctls: drm_ioctl() ---- */

static void gen_bad_nr(struct call *c)
{
	unsigned int dir = below(4), size = below(64) * 8;

	if (chance(75))
		c->cmd = _IOC(dir, DRM_IOCTL_BASE, DRM_COMMAND_BASE + DRM_VSVM_VRAM_EVICT + 1 +
			      below(DRM_COMMAND_END - DRM_COMMAND_BASE - DRM_VSVM_VRAM_EVICT - 1),
			      size);
	else	/* a type no VFS ioctl has */
		c->cmd = _IOC(dir, 0xee, below(256), size);
}

static void classify_bad_nr(struct call *c)
{
	if (_IOC_TYPE(c->cmd) != DRM_IOCTL_BASE)
		return defect(c, ebit(ENOTTY), "not a DRM ioctl");
	defect(c, ebit(EINVAL), "no such vsvm ioctl");
}

/* ---- the table ---- */

#define FLD(t, m, n)	{ #m, offsetof(struct drm_vsvm_##t, m), n }
static const struct field f_attach[] = { FLD(attach, flags, 4), FLD(attach, pad, 4), {} };
static const struct field f_attrs[] = {
	FLD(attrs, start, 8), FLD(attrs, size, 8), FLD(attrs, attrs, 8), FLD(attrs, nattrs, 4),
	FLD(attrs, pad, 4), {} };
static const struct field f_access[] = {
	FLD(access, addr, 8), FLD(access, size, 8), FLD(access, data, 8), FLD(access, op, 4),
	FLD(access, pad, 4), FLD(access, value, 8), FLD(access, pad2, 4), {} };
static const struct field f_stats[] = {
	FLD(stats, flags, 4), FLD(stats, pad, 4), FLD(stats, manager, 8), {} };
static const struct field f_snap[] = {
	FLD(pt_snapshot, addr, 8), FLD(pt_snapshot, npages, 8), FLD(pt_snapshot, entries, 8), {} };
static const struct field f_map[] = { FLD(map, start, 8), FLD(map, size, 8), {} };
static const struct field f_ri[] = { FLD(range_info, addr, 8), {} };
static const struct field f_verify[] = {
	FLD(pt_verify, addr, 8), FLD(pt_verify, npages, 8), FLD(pt_verify, flags, 4),
	FLD(pt_verify, pad, 4), {} };
static const struct field f_drop[] = {
	FLD(pt_drop, addr, 8), FLD(pt_drop, size, 8), FLD(pt_drop, flags, 4),
	FLD(pt_drop, pad, 4), {} };
static const struct field f_evict[] = {
	FLD(vram_evict, flags, 4), FLD(vram_evict, pad, 4), {} };

#define IOC(n, s, w, p, g, k, a, f, ...)					\
	{ #n, DRM_IOCTL_VSVM_##n, sizeof(struct drm_vsvm_##s), w, p, g, k, a, f,	\
	  { __VA_ARGS__, 0 } }

/*
 * The last column: the errnos of failures that come before any work,
 * after which nothing may have changed. The others are documented as
 * coming after work: SET_ATTR's mapping for the GPUs that cannot fault
 * (the attributes stay set), MAP's and ACCESS's pages before the failing
 * one, VRAM_EVICT's copy-out of its counts.
 */
static struct ioc iocs[] = {
	IOC(INFO, info, 3, true, NULL, NULL, after_info, NULL, ALL),
	IOC(ATTACH, attach, 6, false, gen_attach, classify_attach, after_attach, f_attach, ALL),
	IOC(SET_ATTR, attrs, 14, false, gen_attrs, classify_attrs, NULL, f_attrs,
	    EINVAL, ENODEV, EOPNOTSUPP, EFAULT),
	IOC(GET_ATTR, attrs, 8, true, gen_attrs, classify_attrs, after_get_attr, f_attrs, ALL),
	IOC(ACCESS, access, 18, false, gen_access, classify_access, after_access, f_access,
	    EINVAL, ENODEV),
	IOC(STATS, stats, 5, true, gen_stats, classify_stats, after_stats, f_stats, ALL),
	IOC(PT_SNAPSHOT, pt_snapshot, 6, true, gen_snapshot, classify_snapshot, after_snapshot,
	    f_snap, ALL),
	IOC(MAP, map, 8, false, gen_map, classify_map, NULL, f_map, EINVAL, ENODEV, EOPNOTSUPP),
	IOC(VRAM, vram, 3, true, NULL, NULL, after_vram, NULL, ALL),
	IOC(RANGE_INFO, range_info, 7, true, gen_ri, classify_ri, after_ri, f_ri, ALL),
	IOC(PT_VERIFY, pt_verify, 6, true, gen_verify, classify_verify, after_verify, f_verify,
	    ALL),
	IOC(PT_DROP, pt_drop, 7, false, gen_drop, classify_drop, NULL, f_drop, ALL),
	IOC(VRAM_EVICT, vram_evict, 4, false, gen_evict, classify_evict, after_evict, f_evict,
	    EINVAL, ENODEV, ENOMEM),
	{ "unknown ioctl", 0, 0, 3, true, gen_bad_nr, classify_bad_nr, NULL, NULL, { ALL } },
};

/* ---- snapshots ---- */

static void probe(struct snap *s, unsigned int i)
{
	struct drm_vsvm_attrs a = { s->ga_start[i], s->ga_size[i], va(s->ga[i]), nqry };
	int fd = gpus[0].main.fd;

	memset(&s->ri[i], 0, sizeof(s->ri[i]));
	s->ri[i].addr = s->ri_addr[i];
	s->ri_err[i] = s->ri_addr[i] ? xioctl(fd, DRM_IOCTL_VSVM_RANGE_INFO, &s->ri[i]) : 0;
	memcpy(s->ga[i], qry, sizeof(qry));
	s->ga_err[i] = a.size ? xioctl(fd, DRM_IOCTL_VSVM_GET_ATTR, &a) : 0;
}

/*
 * After the workers are idle: the counters, the VRAMs, the fixed probes.
 *
 * The flush of file 0's STATS waits for the work queued so far, not for
 * work the kernel starts on its own after it: an invalidation by
 * compaction or khugepaged quiesces a GPU that cannot fault and queues
 * the restore worker, whose resume may then land between two reads of
 * one snapshot, and show in the next compare as a change the failed call
 * made. The manager's counters, which every coordinator file reports and
 * every per-GPU counter adds to, only grow: the snapshot is settled when a
 * flushed read after all the others finds them where the first read found
 * them, and is taken again if not (the baseline file's counters and the
 * per-file fatal, stale and IOMMU counts are not part of this check).
 * Returns whether it settled and every read worked: only then does it
 * take part in a comparison.
 */
static bool take_snap(struct snap *s)
{
	unsigned long before = errors;
	struct drm_vsvm_stats again;
	unsigned int i, tries = 0;

retry:
	for (i = 0; i < nstatf; i++) {
		memset(&s->st[i], 0, sizeof(s->st[i]));
		if (!i || statf[i]->state == F_BASELINE)
			s->st[i].flags = DRM_VSVM_STATS_FLUSH;
		errors += !!xioctl(statf[i]->fd, DRM_IOCTL_VSVM_STATS, &s->st[i]);
	}
	for (i = 0; i < NPROBES; i++)
		probe(s, i);
	for (i = 0; i < ngpus; i++)
		if (has_vram(i))
			xioctl(gpus[i].main.fd, DRM_IOCTL_VSVM_VRAM, &s->vram[i]);
	if (pagemap_fd < 0 ||
	    pread(pagemap_fd, s->pm, sizeof(s->pm), va(data) / PAGE * 8) != sizeof(s->pm))
		memset(s->pm, 0, sizeof(s->pm));
	memset(&again, 0, sizeof(again));
	again.flags = DRM_VSVM_STATS_FLUSH;
	errors += !!xioctl(statf[0]->fd, DRM_IOCTL_VSVM_STATS, &again);
	if (memcmp(again.mgr, s->st[0].mgr, sizeof(again.mgr))) {
		if (unsettled++ < 10 || verbose)
			for (i = 0; i < DRM_VSVM_STAT_NUM; i++)
				if (again.mgr[i] != s->st[0].mgr[i])
					ksft_print_msg("snapshot: mgr.%s %llu->%llu while taken\n",
						       stat_names[i], s->st[0].mgr[i],
						       again.mgr[i]);
		if (++tries < 10)
			goto retry;
		errors++;
		ksft_print_msg("snapshot: the counters never settled in 10 tries\n");
	}
	checks++;
	return errors == before;
}

/* The call's own probe: the attributes over its span, the range at it. */
static void set_call_probe(const struct call *c)
{
	u64 s = 0, n = 0, lo = va(data), hi = va(data) + ARENA_SIZE;
	unsigned long cmd = c->ioc->cmd;
	const union arg *k = &c->k;
	unsigned int i;

	if (cmd == DRM_IOCTL_VSVM_SET_ATTR || cmd == DRM_IOCTL_VSVM_GET_ATTR) {
		s = k->attrs.start;
		n = k->attrs.size;
	} else if (cmd == DRM_IOCTL_VSVM_ACCESS) {
		s = k->access.addr;
		n = k->access.size;
	} else if (cmd == DRM_IOCTL_VSVM_MAP) {
		s = k->map.start;
		n = k->map.size;
	} else if (cmd == DRM_IOCTL_VSVM_PT_DROP) {
		s = k->drop.addr;
		n = k->drop.size;
	} else if (cmd == DRM_IOCTL_VSVM_RANGE_INFO) {
		s = k->ri.addr;
		n = 1;
	}
	if (!n || s + n < s || s >= hi || s + n <= lo) {
		s = 0;
		n = 0;
	} else {
		s = (s < lo ? lo : s) & ~(PAGE - 1);
		n = ((umin(s + n, hi) + PAGE - 1) & ~(PAGE - 1)) - s;
	}
	for (i = 0; i < 2; i++) {
		snaps[i].ga_start[NPROBES] = s;
		snaps[i].ga_size[NPROBES] = n;
		snaps[i].ri_addr[NPROBES] = s;
	}
}

#define DIFF(...) do {							\
	if (n < sizeof(msg))						\
		n += snprintf(msg + n, sizeof(msg) - n, __VA_ARGS__);	\
	diffs++;							\
} while (0)

static void compare(struct call *c)
{
	struct snap *a = pre, *b = post;
	unsigned int i, j, diffs = 0;
	bool moved = false, migrated = false;
	char msg[600];
	size_t n = 0;

	for (i = 0; i < nstatf; i++) {
		const struct drm_vsvm_stats *x = &a->st[i], *y = &b->st[i];
		bool mine = statf[i] == c->f;

		for (j = 0; j < DRM_VSVM_STAT_NUM; j++) {
			/* The exact moves of a failed first page, classify_access(). */
			bool f = j == DRM_VSVM_STAT_FAULTS;
			u64 dm = f && statf[i]->state == F_COORD ? c->d_faults : 0;
			u64 dg = f && mine ? c->d_faults : 0;

			if (y->mgr[j] != x->mgr[j] + dm)
				DIFF(" file%u.mgr.%s %llu->%llu", i, stat_names[j], x->mgr[j],
				     y->mgr[j]);
			if (y->gpu[j] != x->gpu[j] + dg)
				DIFF(" file%u.gpu.%s %llu->%llu", i, stat_names[j], x->gpu[j],
				     y->gpu[j]);
			if ((j >= DRM_VSVM_STAT_MIGRATIONS &&
			     j <= DRM_VSVM_STAT_MIGRATION_FAILURES) ||
			    j == DRM_VSVM_STAT_EVICTIONS_PEER || j == DRM_VSVM_STAT_EVICTIONS_RAM)
				migrated |= y->mgr[j] != x->mgr[j];
		}
		if (y->fatal_faults != x->fatal_faults + (mine ? c->d_fatal : 0) ||
		    y->tlb_stale_hits != x->tlb_stale_hits || y->iommu_faults != x->iommu_faults)
			DIFF(" file%u fatal %llu->%llu stale %llu->%llu iommu %llu->%llu", i,
			     x->fatal_faults, y->fatal_faults, x->tlb_stale_hits,
			     y->tlb_stale_hits, x->iommu_faults, y->iommu_faults);
	}
	for (i = 0; i < ngpus; i++)
		if (memcmp(&a->vram[i], &b->vram[i], sizeof(a->vram[i]))) {
			DIFF(" GPU %u VRAM used %llu->%llu", i, a->vram[i].used, b->vram[i].used);
			migrated = true;
		}
	for (i = 0; i <= NPROBES; i++) {
		if (a->ga_err[i] != b->ga_err[i] ||
		    memcmp(a->ga[i], b->ga[i], nqry * sizeof(qry[0])))
			DIFF(" attributes of [0x%llx, +0x%llx)", a->ga_start[i], a->ga_size[i]);
		if (a->ri_err[i] != b->ri_err[i] || memcmp(&a->ri[i], &b->ri[i], sizeof(a->ri[i])))
			DIFF(" range at 0x%llx (%s -> %s)", a->ri_addr[i], ename(-a->ri_err[i]),
			     ename(-b->ri_err[i]));
	}
	if (!diffs)
		return;
	/* Pages of the arena the kernel moved on its own (compaction). */
	for (i = 0; i < ARENA_PAGES; i++)
		moved |= (a->pm[i] ^ b->pm[i]) & (0xc000000000000000ull | ((1ull << 55) - 1));
	if (moved && !migrated) {
		excused++;
		return;
	}
	report(c, "the failed call changed%s", msg);
}

/* ---- one call ---- */

static void pick_target(struct call *c)
{
	unsigned int r = below(100), sp = c->ioc->cmd == DRM_IOCTL_VSVM_ATTACH ? 45 : 7;

	c->tgt = T_MAIN;
	c->f = &gpus[below(ngpus)].main;
	if (r < 2) {
		c->tgt = T_STALE;
		c->f = NULL;
		c->fd = dup(gpus[0].main.fd);
		close(c->fd);		/* a number that was a DRM file */
		return;
	} else if (r < 4) {
		c->tgt = T_PIPE;
		c->f = NULL;
		c->fd = pipe_fd;
		return;
	} else if (r < 4 + sp && spare.fd >= 0) {
		c->tgt = T_SPARE;
		c->f = &spare;
	} else if (r < 11 + sp && baseline.fd >= 0) {
		c->tgt = T_BASELINE;
		c->f = &baseline;
	}
	c->fd = c->f->fd;
}

/*
 * Where the argument goes: mapped (now and then under an ioctl number of
 * another size or direction), read-only, or nowhere; and what the kernel
 * reads of it: drm_ioctl() copies in what both numbers say, zeros the rest.
 */
static void place_arg(struct call *c)
{
	unsigned int dir, size = c->ioc->size;
	char *good = S + ARG_OFF;

	c->ak = !c->ioc->cmd ? A_GOOD : chance(5) ? A_BAD : chance(5) ? A_RO : A_GOOD;
	if (c->ak == A_GOOD && c->ioc->cmd && chance(4)) {
		/* Cut between fields: a pointer is whole or zero, never half. */
		size = chance(50) ? below(size / 8 + 1) * 8 : size + below(256);
		c->cmd = _IOC(below(4), DRM_IOCTL_BASE, _IOC_NR(c->ioc->cmd), size);
		note(c, "ioctl number of another size or direction");
	}
	dir = _IOC_DIR(c->cmd) & _IOC_DIR(c->ioc->cmd);
	memset(&c->k, 0, sizeof(c->k));
	memcpy(&c->k, &c->a, dir & _IOC_WRITE ? umin(size, c->ioc->size) : 0);
	memcpy(good, &c->a, umin(size, sizeof(c->a)));
	c->out_ok = c->ak == A_GOOD && (dir & _IOC_READ) && size >= c->ioc->size;
	c->argp = good;
	if (c->ak == A_RO) {
		c->argp = SRO + ARG_OFF;
	} else if (c->ak == A_BAD) {
		const u64 bad[] = { 0, KERNEL_ADDR, va(hole), va(none),
				    va(S) + SCRATCH_SIZE - size / 2 };	/* to the guard */

		c->argp = (void *)(uintptr_t)PICK(bad);
		memcpy(S + SCRATCH_SIZE - size / 2, &c->a, size / 2);
	}
}

static void expect(struct call *c)
{
	unsigned int dir = _IOC_DIR(c->ioc->cmd);

	c->clean = errno_set(c->ioc->clean);
	if (!c->f) {
		c->trivial = true;
		return defect(c, ebit(c->tgt == T_STALE ? EBADF : ENOTTY),
			      c->tgt == T_STALE ? "closed fd" : "not a DRM fd");
	}
	/* drm_ioctl(): the argument in, the handler, the argument out. */
	if (c->ak == A_BAD || (c->ak == A_RO && (dir & _IOC_READ))) {
		c->trivial = c->ak == A_BAD || !(dir & _IOC_WRITE);
		c->clean = 0;	/* read-only IOWR: the handler did its work */
		return defect(c, ebit(EFAULT), c->ak == A_BAD ? "argument unmapped" :
			      "argument read-only");
	}
	if (c->ioc->classify)
		c->ioc->classify(c);
}

static void run_one(struct ioc *ioc)
{
	struct call c;
	unsigned int i;
	int ret;

	memset(&c, 0, sizeof(c));
	c.ioc = ioc;
	c.cmd = ioc->cmd;
	pick_target(&c);
	for (i = 0; i < sizeof(c.a); i += 8) {	/* the outputs: garbage */
		u64 r = rnd();

		memcpy((char *)&c.a + i, &r, umin(8, sizeof(c.a) - i));
	}
	if (ioc->gen)
		ioc->gen(&c);
	place_arg(&c);
	expect(&c);
	if (!c.trivial) {
		if (!snap_ok)
			snap_ok = take_snap(pre);
		set_call_probe(&c);
		probe(pre, NPROBES);
	}

	ret = ioctl(c.fd, c.cmd, c.argp);
	c.err = ret < 0 ? errno : 0;
	if (c.out_ok)
		memcpy(&c.out, S + ARG_OFF, ioc->size);
	if (verbose)
		ksft_print_msg("%s on %s: %s (%s)\n", ioc->name, target_names[c.tgt],
			       ename(c.err), c.why);
	ioc->calls++;
	ioc->invalid += c.must;
	if (c.err) {
		ioc->failed++;
		ioc->errs[umin(c.err, MAX_ERRNO - 1)]++;
	}
	if (!c.err && c.must)
		report(&c, "succeeded");
	else if (c.err && c.err != ENOMEM && !(c.mask & ebit(c.err)))
		report(&c, "failed with %s", ename(c.err));

	if (c.err && !c.trivial && (c.clean & ebit(c.err)) && snap_ok) {
		struct snap *t;

		snap_ok = take_snap(post);
		probe(post, NPROBES);
		if (snap_ok)
			compare(&c);
		else
			report(&c, "no settled snapshot after the call to compare with");
		t = pre;
		pre = post;
		post = t;
	} else if (!c.trivial && (c.err || !ioc->pure)) {
		snap_ok = false;
	}
	if (ioc->after && !c.trivial)
		ioc->after(&c);
}

static struct ioc *pick_ioc(void)
{
	unsigned int i, total = 0, r;

	for (i = 0; i < ARRAY_SIZE(iocs); i++)
		total += iocs[i].weight;
	r = below(total);
	for (i = 0; r >= iocs[i].weight; i++)
		r -= iocs[i].weight;
	return &iocs[i];
}

/* ---- setup ---- */

static void find_gpus(void)
{
	char path[32], name[16];
	int i, fd;

	for (i = 128; i < 192; i++) {
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
		struct drm_vsvm_info info;

		snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (ioctl(fd, DRM_IOCTL_VERSION, &v) || strcmp(name, "vsvm") ||
		    xioctl(fd, DRM_IOCTL_VSVM_INFO, &info) || info.gpu >= MAX_GPUS) {
			close(fd);
			continue;
		}
		snprintf(gpus[info.gpu].path, sizeof(gpus[info.gpu].path), "%s", path);
		gpus[info.gpu].can_fault = info.flags & DRM_VSVM_INFO_CAN_FAULT;
		gpus[info.gpu].main = (struct file) { fd, info.gpu, F_UNATTACHED };
		if (info.gpu >= ngpus)
			ngpus = info.gpu + 1;
	}
}

/* Scratch: one memfd mapped RW and RO, each followed by a guard. */
static char *map_scratch(int memfd, int prot)
{
	char *p = mmap(NULL, SCRATCH_SIZE + SMALL, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED ||
	    mmap(p, SCRATCH_SIZE, prot, MAP_SHARED | MAP_FIXED, memfd, 0) == MAP_FAILED)
		ksft_exit_fail_perror("mmap scratch");
	return p;
}

/*
 * The arena: DATA, RO (read-only), NONE (PROT_NONE), HOLE (unmapped),
 * NONE. Everything is mapped before the hole is punched and nothing after,
 * so that the hole stays unmapped; before any GPU is attached, so that no
 * range ever covered it.
 */
static void setup_memory(void)
{
	void *top = (void *)0x7ffffffff000ul;
	void *p = mmap(top, PAGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	int memfd = memfd_create("vsvm-fuzz", MFD_CLOEXEC);
	u64 i;

	/* TASK_SIZE: above 47 bits with 5 page-table levels only. */
	task_size = p == top ? (1ull << 56) - PAGE : va(top);
	if (p != MAP_FAILED)
		munmap(p, PAGE);
	if (memfd < 0 || ftruncate(memfd, SCRATCH_SIZE))
		ksft_exit_fail_perror("memfd");
	S = map_scratch(memfd, PROT_READ | PROT_WRITE);
	SRO = map_scratch(memfd, PROT_READ);
	close(memfd);
	model = mmap(NULL, DATA_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	child_rep = mmap(NULL, sizeof(*child_rep), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	data = alloc_aligned(ARENA_SIZE);
	if (model == MAP_FAILED || child_rep == MAP_FAILED || !data)
		ksft_exit_fail_perror("mmap");
	ro = data + DATA_SIZE;
	none = ro + SMALL;
	hole = none + SMALL;
	/* No THP: khugepaged would move the pages in the background. */
	madvise(data, ARENA_SIZE, MADV_NOHUGEPAGE);
	for (i = 0; i < DATA_SIZE; i++)
		model[i] = pattern(i);
	memcpy(data, model, DATA_SIZE);
	for (i = 0; i < SMALL; i++)
		ro_model[i] = i * 13 + 7;
	memcpy(ro, ro_model, SMALL);
	if (mprotect(ro, SMALL, PROT_READ) || mprotect(none, 3 * SMALL, PROT_NONE) ||
	    munmap(hole, SMALL))
		ksft_exit_fail_perror("arena");
	pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
}

static void attach_all(void)
{
	const u32 pte[] = { 0, 0, DRM_VSVM_ATTACH_PTE_64K, DRM_VSVM_ATTACH_PTE_2M };
	const u64 ga[NPROBES][2] = { { va(data), DATA_SIZE / 2 },
				     { va(data) + DATA_SIZE / 2, DATA_SIZE / 2 },
				     { va(ro), SMALL }, { 0, task_size } };
	const u64 ri[NPROBES] = { va(data), va(data) + DATA_SIZE / 2,
				  va(data) + DATA_SIZE - PAGE, va(ro) };
	struct drm_vsvm_info info;
	unsigned int g, i;
	int fds[2];

	for (g = 0; g < ngpus; g++) {
		struct gpu *gp = &gpus[g];
		u32 flags = PICK(pte);

		if (!gp->path[0])
			ksft_exit_fail_msg("GPU %u of %u has no render node\n", g, ngpus);
		if (vsvm_attach(gp->main.fd, flags) ||
		    xioctl(gp->main.fd, DRM_IOCTL_VSVM_INFO, &info) ||
		    xioctl(gp->main.fd, DRM_IOCTL_VSVM_VRAM, &gp->vram))
			ksft_exit_fail_perror("attaching a GPU");
		gp->main.state = F_COORD;
		gp->main.index = info.index;
		attached |= 1ull << info.index;
		any_vram |= has_vram(g);
		statf[nstatf++] = &gp->main;
		gp->iommu_faults = flush(gp->main.fd);
		ksft_print_msg("GPU %u: index %u, %s, %llu MiB of VRAM, PTE flags 0x%x\n", g,
			       info.index, gp->can_fault ? "faults" : "cannot fault",
			       gp->vram.size >> 20, flags);
	}
	for (g = 0; g < ngpus && !gpus[g].can_fault; g++)
		;
	if (g < ngpus) {	/* drm_gpusvm needs a GPU that can fault */
		baseline = (struct file) { open(gpus[g].path, O_RDWR | O_CLOEXEC), g, F_BASELINE };
		if (baseline.fd < 0 || vsvm_attach(baseline.fd, DRM_VSVM_ATTACH_BASELINE))
			ksft_exit_fail_perror("attaching in baseline mode");
		statf[nstatf++] = &baseline;
	}
	reopen_spare();
	if (pipe2(fds, O_CLOEXEC))
		ksft_exit_fail_perror("pipe");
	pipe_fd = fds[0];

	/* What a GET_ATTR probe asks: every attribute, each GPU's access. */
	for (i = DRM_VSVM_ATTR_PREFERRED_LOC; i <= DRM_VSVM_ATTR_GRANULARITY; i++)
		if (i < DRM_VSVM_ATTR_ACCESS || i > DRM_VSVM_ATTR_ACCESS_DEFAULT)
			qry[nqry++].type = i;
	for (g = 0; g < ngpus && nqry < 64; g++)
		qry[nqry++] = (struct drm_vsvm_attr) { DRM_VSVM_ATTR_ACCESS, gpus[g].main.index };
	for (i = 0; i < NPROBES; i++)
		for (g = 0; g < 2; g++) {
			snaps[g].ga_start[i] = ga[i][0];
			snaps[g].ga_size[i] = ga[i][1];
			snaps[g].ri_addr[i] = ri[i];
		}
}

/*
 * The attributes back to the defaults over the whole address space; then,
 * now and then, access for the GPUs that cannot fault over DATA and RO.
 */
static void reset_attrs(void)
{
	struct drm_vsvm_attr v[64] = {
		{ DRM_VSVM_ATTR_PREFERRED_LOC, DRM_VSVM_LOC_UNDEFINED },
		{ DRM_VSVM_ATTR_PREFETCH_LOC, DRM_VSVM_LOC_UNDEFINED },
		{ DRM_VSVM_ATTR_SET_FLAGS, DRM_VSVM_FLAG_HOST_ACCESS | DRM_VSVM_FLAG_COHERENT },
		{ DRM_VSVM_ATTR_CLR_FLAGS, DRM_VSVM_FLAG_GPU_RO | DRM_VSVM_FLAG_GPU_EXEC |
					   DRM_VSVM_FLAG_GPU_ALWAYS_MAPPED },
		{ DRM_VSVM_ATTR_GRANULARITY, 9 },
	};
	struct drm_vsvm_attrs a = { 0, task_size, va(v), 5 };
	unsigned int g;

	for (g = 0; g < ngpus && a.nattrs < 64; g++)
		v[a.nattrs++] = (struct drm_vsvm_attr) { DRM_VSVM_ATTR_ACCESS_DEFAULT,
							 gpus[g].main.index };
	if (xioctl(gpus[0].main.fd, DRM_IOCTL_VSVM_SET_ATTR, &a))
		ksft_perror("resetting the attributes"), errors++;
	for (g = 0; g < ngpus; g++)
		if (!gpus[g].can_fault && chance(50) &&
		    set_attr(gpus[g].main.fd, data, DATA_SIZE + SMALL, DRM_VSVM_ATTR_ACCESS,
			     gpus[g].main.index))
			ksft_perror("granting access"), errors++;
	snap_ok = false;
}

/* ---- another process ---- */

static void child_expect(const char *what, const struct file *f, int got, int want)
{
	size_t n = strlen(child_rep->msg);

	if (got == want)
		return;
	child_rep->fails++;
	snprintf(child_rep->msg + n, sizeof(child_rep->msg) - n,
		 "# child: %s on GPU %u: %s, expected %s\n", what, f->gpu, ename(-got),
		 ename(-want));
}

/* The parent's files refuse another mm (EPERM); a file of its own works. */
static __noreturn void child(char *page)
{
	struct drm_vsvm_attr at = { DRM_VSVM_ATTR_PREFERRED_LOC, DRM_VSVM_LOC_SYSMEM };
	struct drm_vsvm_map m = { va(page), PAGE };
	unsigned int i;
	int err;

	for (i = 0; i < nstatf; i++) {
		const struct file *f = statf[i];
		struct drm_vsvm_stats st = {};
		struct drm_vsvm_attrs as = { va(page), PAGE, va(&at), 1 };
		struct drm_vsvm_access ac = { .addr = va(page), .size = PAGE, .data = va(S) };
		struct drm_vsvm_range_info ri = { .addr = va(page) };
		struct drm_vsvm_pt_verify v = { .addr = va(page), .npages = 1 };
		struct drm_vsvm_pt_drop d = { .addr = va(page), .size = PAGE };
		struct drm_vsvm_pt_snapshot sn = { va(page), 1, va(S) };
		struct drm_vsvm_info info;

		child_expect("STATS", f, xioctl(f->fd, DRM_IOCTL_VSVM_STATS, &st), -EPERM);
		child_expect("SET_ATTR", f, xioctl(f->fd, DRM_IOCTL_VSVM_SET_ATTR, &as), -EPERM);
		child_expect("GET_ATTR", f, xioctl(f->fd, DRM_IOCTL_VSVM_GET_ATTR, &as), -EPERM);
		child_expect("ACCESS", f, xioctl(f->fd, DRM_IOCTL_VSVM_ACCESS, &ac), -EPERM);
		child_expect("MAP", f, xioctl(f->fd, DRM_IOCTL_VSVM_MAP, &m), -EPERM);
		child_expect("RANGE_INFO", f, xioctl(f->fd, DRM_IOCTL_VSVM_RANGE_INFO, &ri),
			     -EPERM);
		child_expect("PT_VERIFY", f, xioctl(f->fd, DRM_IOCTL_VSVM_PT_VERIFY, &v), -EPERM);
		child_expect("PT_DROP", f, xioctl(f->fd, DRM_IOCTL_VSVM_PT_DROP, &d), -EPERM);
		child_expect("ATTACH", f, vsvm_attach(f->fd, 0), -EBUSY);
		child_expect("INFO", f, xioctl(f->fd, DRM_IOCTL_VSVM_INFO, &info), 0);
		child_expect("PT_SNAPSHOT", f, xioctl(f->fd, DRM_IOCTL_VSVM_PT_SNAPSHOT, &sn), 0);
	}
	/* The spare, attached here: its GPU writes the child's copy. */
	memset(S, 0x5a, PAGE);
	child_expect("ATTACH (spare)", &spare, vsvm_attach(spare.fd, 0), 0);
	/*
	 * EBUSY (invalidations kept racing: the first write breaks
	 * copy-on-write of the whole range; a quiesced GPU) may be tried
	 * again, as the uAPI says; under KASAN in TCG it happened once.
	 */
	if (!can_fault(&spare)) {
		i = 0;
		do {
			err = xioctl(spare.fd, DRM_IOCTL_VSVM_MAP, &m);
		} while (err == -EBUSY && ++i < 5);
		child_expect("MAP (spare)", &spare, err, 0);
	}
	i = 0;
	do {
		err = gpu_access(spare.fd, DRM_VSVM_ACCESS_WRITE, page, PAGE, S, 0);
	} while (err == -EBUSY && ++i < 5);
	child_expect("ACCESS WRITE (spare)", &spare, err, 0);
	child_expect("CPU read of the GPU write", &spare, memcmp(page, S, PAGE) ? -EIO : 0, 0);
	_exit(child_rep->fails ? 1 : 0);
}

static void test_other_mm(void)
{
	u64 off = below(DATA_SIZE / PAGE) * PAGE;
	struct drm_vsvm_pt_snapshot sn = { va(data) + off, 1, va(S) };
	struct drm_vsvm_info info = {};
	struct drm_vsvm_stats st = {};
	unsigned long before = errors;
	int status = -1, i;
	pid_t pid;

	reopen_spare();
	memset(child_rep, 0, sizeof(*child_rep));
	fflush(stdout);
	pid = fork();
	if (!pid)
		child(data + off);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		ksft_print_msg("child: status 0x%x, %u failures\n%s", status,
			       child_rep->fails, child_rep->msg);
		errors++;
	}
	if (memcmp(data + off, model + off, PAGE))
		ksft_print_msg("the child's GPU write reached the parent's page\n"), errors++;
	/*
	 * The spare is attached to the child's mm, gone: its entries went with
	 * it (the mm's last user may be a worker: give it a second).
	 */
	for (i = 0; i < 100; i++) {
		S[0] = 0x7f;
		if (xioctl(spare.fd, DRM_IOCTL_VSVM_PT_SNAPSHOT, &sn) || !S[0])
			break;
		usleep(10000);
	}
	if (xioctl(spare.fd, DRM_IOCTL_VSVM_INFO, &info) || info.index == ~0u ||
	    xioctl(spare.fd, DRM_IOCTL_VSVM_STATS, &st) != -EPERM ||
	    vsvm_attach(spare.fd, 0) != -EBUSY || S[0])
		ksft_print_msg("file of an exited process: index %u, entry 0x%x\n", info.index,
			       (u8)S[0]), errors++;
	reopen_spare();
	ksft_test_result(errors == before,
			 "other process: refused by the parent's files, its own file writes its own pages, which leave the GPU with its mm\n");
}

/* ---- the data, at the end ---- */

static bool check_bytes(const char *what, int gpu, const char *got, u64 addr, u64 len)
{
	long bad = model_diff(got, addr, len);

	if (bad >= 0)
		ksft_print_msg("%s of GPU %d: 0x%llx holds 0x%02x, the model says otherwise\n",
			       what, gpu, addr + bad, (u8)got[bad]);
	return bad < 0;
}

/*
 * Why @f cannot read [@addr, +@len): the first page it fails on, with
 * what the coordinator and the GPU's page table say about it.
 */
static void gpu_check_explain(const struct file *f, char *addr, u64 len)
{
	struct drm_vsvm_range_info ri = { 0 };
	struct drm_vsvm_pt_snapshot sn = { 0 };
	struct drm_vsvm_access a = { 0 };
	unsigned char pte = 0;
	u64 off;
	int err = 0;

	for (off = 0; off < len; off += PAGE) {
		a.addr = va(addr) + off;
		a.size = PAGE;
		a.data = va(S);
		a.op = DRM_VSVM_ACCESS_READ;
		err = xioctl(f->fd, DRM_IOCTL_VSVM_ACCESS, &a);
		if (err)
			break;
	}
	if (!err) {
		ksft_print_msg("  every page reads one by one\n");
		return;
	}
	ri.addr = a.addr;
	sn.addr = a.addr;
	sn.npages = 1;
	sn.entries = va(&pte);
	ksft_print_msg("  first failing page 0x%llx: %s, %u faults, PTE 0x%x (%s)\n",
		       (u64)a.addr, ename(-err), a.faults, pte,
		       ename(-xioctl(f->fd, DRM_IOCTL_VSVM_PT_SNAPSHOT, &sn)));
	err = xioctl(f->fd, DRM_IOCTL_VSVM_RANGE_INFO, &ri);
	ksft_print_msg("  range [0x%llx, 0x%llx) %s: loc 0x%x rule %u mapped 0x%llx\n",
		       (u64)ri.start, (u64)ri.end, err ? ename(-err) : "ok", ri.loc, ri.rule,
		       (u64)ri.mapped);
	ksft_print_msg("  %u migrations, %u evictions, thrash %u, %u moves kept\n",
		       ri.migrations, ri.evictions, ri.thrash, ri.nr_history);
}

/*
 * A GPU reads [@addr, +@len) back: 0 when it finds the model. A file in
 * baseline mode may answer EBUSY (drm_gpusvm's hmm_range_fault() budget
 * of a second ran out) and is tried again, four times at most: a 2 MiB
 * range whose pages sit in 512 small allocations of the coordinator's
 * VRAMs comes home one allocation per pass of hmm_range_fault(), which can
 * take the whole second under TCG. A livelock fails every try; the
 * retries are counted in the output.
 */
static int gpu_check(const struct file *f, char *addr, u64 len)
{
	unsigned int busy = 0;
	int err = gpu_access_busy(f->fd, DRM_VSVM_ACCESS_READ, addr, len, S, 0,
				  f->state == F_BASELINE ? 5 : 1, &busy);

	if (busy)
		ksft_print_msg("GPU %u (baseline): read of %llu bytes: EBUSY, %u retries\n",
			       f->gpu, (u64)len, busy);
	if (err) {
		ksft_print_msg("GPU %u: read of %llu bytes: %s\n", f->gpu, (u64)len, ename(-err));
		gpu_check_explain(f, addr, len);
	}
	return err || !check_bytes("GPU read", f->gpu, S, va(addr), len);
}

static void test_data(void)
{
	struct drm_vsvm_map m = { va(data), DATA_SIZE + SMALL };
	unsigned long before = errors, bytes = 0;
	struct drm_vsvm_pt_verify v;
	unsigned int i;

	reset_attrs();
	for (i = 0; i < nstatf; i++) {
		const struct file *f = statf[i];
		bool coord = f->state == F_COORD;

		if (coord && !can_fault(f) && xioctl(f->fd, DRM_IOCTL_VSVM_MAP, &m))
			ksft_print_msg("GPU %u: MAP failed\n", f->gpu), errors++;
		errors += gpu_check(f, data, DATA_SIZE);
		/* drm_gpusvm maps read-write only: no read-only VMA in baseline mode. */
		if (coord)
			errors += gpu_check(f, ro, SMALL);
		bytes += DATA_SIZE + (coord ? SMALL : 0);
		if (verify_settled(f->fd, va(data), ARENA_PAGES, &v) || !pt_safe(&v))
			ksft_print_msg("GPU %u: PT_VERIFY: %llu uncovered, %llu stale, %llu RW\n",
				       f->gpu, v.uncovered, v.stale, v.excess_write), errors++;
		if (coord && flush(f->fd) != gpus[f->gpu].iommu_faults)
			ksft_print_msg("GPU %u took IOMMU faults\n", f->gpu), errors++;
	}
	errors += !check_bytes("CPU read", -1, data, va(data), DATA_SIZE);
	errors += !check_bytes("CPU read", -1, ro, va(ro), SMALL);
	bytes += DATA_SIZE + SMALL;
	if (msync(hole, SMALL, MS_ASYNC) != -1 || errno != ENOMEM)
		ksft_print_msg("the arena's hole got mapped: its checks were void\n"), errors++;
	ksft_test_result(errors == before,
			 "data: %lu bytes read back through %u GPU files and the CPU\n",
			 bytes, nstatf);
}

int main(int argc, char **argv)
{
	unsigned long calls = 0, failed = 0, invalid = 0;
	struct timespec ts;
	unsigned int i;
	int e;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	opt_seed = ts.tv_sec * 1000000000ull + ts.tv_nsec;
	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--calls") && i + 1 < (unsigned int)argc) {
			opt_calls = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--seed") && i + 1 < (unsigned int)argc) {
			opt_seed = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--verbose")) {
			verbose = true;
		} else {
			fprintf(stderr, "Usage: %s [--calls N] [--seed N] [--verbose]\n", argv[0]);
			return KSFT_FAIL;
		}
	}
	rng = opt_seed * 0x9e3779b97f4a7c15ull | 1;

	ksft_print_header();
	find_gpus();
	if (!ngpus)
		ksft_exit_skip("no vsvm GPU\n");
	ksft_set_plan(ARRAY_SIZE(iocs) + 2);
	ksft_print_msg("fuzz: seed %llu, %u calls (repeat with --seed %llu --calls %u)\n",
		       opt_seed, opt_calls, opt_seed, opt_calls);
	setup_memory();
	attach_all();

	for (i = 0; i < opt_calls; i++) {
		if (!(i % RESET_EVERY))
			reset_attrs();
		run_one(pick_ioc());
	}

	for (i = 0; i < ARRAY_SIZE(iocs); i++) {
		struct ioc *c = &iocs[i];
		char buf[400];
		size_t n = 0;

		for (e = 1; e < MAX_ERRNO; e++)
			if (c->errs[e])
				n += snprintf(buf + n, sizeof(buf) - n, "%s%s %u", n ? ", " : "",
					      e == MAX_ERRNO - 1 ? "other" : ename(e), c->errs[e]);
		ksft_test_result(!c->unexpected,
				 "fuzz %s: %lu calls (%lu invalid), %lu failed (%s), %lu unexpected\n",
				 c->name, c->calls, c->invalid, c->failed, n ? buf : "-",
				 c->unexpected);
		calls += c->calls;
		failed += c->failed;
		invalid += c->invalid;
	}
	ksft_print_msg("fuzz: seed %llu, %lu calls, %lu invalid, %lu failed, %lu unexpected\n",
		       opt_seed, calls, invalid, failed, unexpected_total);
	ksft_print_msg("fuzz: %lu snapshots, %lu differences excused (pages the kernel moved)\n",
		       checks, excused);
	ksft_print_msg("fuzz: %lu snapshots taken again (counters moved while taken)\n",
		       unsettled);
	test_other_mm();
	test_data();
	ksft_finished();
}
