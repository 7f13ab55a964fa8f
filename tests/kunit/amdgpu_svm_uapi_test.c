// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright 2026 The drm_svm_coord authors
 *
 * The SVM uAPI of amdgpu: the layout of its structures, its constants
 * against the coordinator's (the ioctl passes attributes through
 * unchanged), the envelope amdgpu_svm_check_args() checks before anything
 * else, row by row of the uAPI's errno table, and the VA window of a VM
 * (amdgpu_svm_va_window()): decisions only; nothing here talks to a GPU.
 */

#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/stddef.h>

#include <drm/amdgpu_drm.h>
#include <drm/drm_svm_coord.h>

#include "../amdgpu.h"
#include "../amdgpu_svm_rules.h"

/* ---- layout ------------------------------------------------------------ */

struct layout_row {
	const char *name;
	size_t got;
	size_t want;
};

#define FIELD_AT(f, off) \
	{ #f, offsetof(struct drm_amdgpu_gem_svm, f), off }

static const struct layout_row layout_rows[] = {
	{ "sizeof(struct drm_amdgpu_gem_svm)", sizeof(struct drm_amdgpu_gem_svm), 48 },
	FIELD_AT(op, 0),
	FIELD_AT(flags, 4),
	FIELD_AT(start, 8),
	FIELD_AT(size, 16),
	FIELD_AT(attrs, 24),
	FIELD_AT(nattrs, 32),
	FIELD_AT(index, 36),
	FIELD_AT(caps, 40),
	FIELD_AT(pad, 44),
	{ "sizeof(struct drm_amdgpu_svm_attr)", sizeof(struct drm_amdgpu_svm_attr), 8 },
	{ "sizeof(struct drm_svm_coord_attr)", sizeof(struct drm_svm_coord_attr),
	  sizeof(struct drm_amdgpu_svm_attr) },
	{ "offsetof(struct drm_amdgpu_svm_attr, type)",
	  offsetof(struct drm_amdgpu_svm_attr, type),
	  offsetof(struct drm_svm_coord_attr, type) },
	{ "offsetof(struct drm_amdgpu_svm_attr, value)",
	  offsetof(struct drm_amdgpu_svm_attr, value),
	  offsetof(struct drm_svm_coord_attr, value) },
};

struct const_row {
	const char *name;
	u64 uapi;
	u64 coord;
};

/* AMDGPU_SVM_<x> must be DRM_SVM_COORD_<x>: attributes pass through. */
#define SAME(x)	{ "AMDGPU_SVM_" #x, AMDGPU_SVM_##x, DRM_SVM_COORD_##x }

static const struct const_row const_rows[] = {
	SAME(ATTR_PREFERRED_LOC),
	SAME(ATTR_PREFETCH_LOC),
	SAME(ATTR_ACCESS),
	SAME(ATTR_ACCESS_IN_PLACE),
	SAME(ATTR_NO_ACCESS),
	SAME(ATTR_ACCESS_DEFAULT),
	SAME(ATTR_SET_FLAGS),
	SAME(ATTR_CLR_FLAGS),
	SAME(ATTR_GRANULARITY),
	SAME(ATTR_ACCESS_MIXED),
	SAME(LOC_UNDEFINED),
	SAME(LOC_SYSMEM),
	SAME(LOC_MIXED),
	SAME(FLAG_HOST_ACCESS),
	SAME(FLAG_COHERENT),
	SAME(FLAG_GPU_RO),
	SAME(FLAG_GPU_EXEC),
	SAME(FLAG_GPU_READ_MOSTLY),
	SAME(FLAG_GPU_ALWAYS_MAPPED),
	SAME(GRANULARITY_MAX),
	/* every coordinator type and flag has a uAPI name */
	{ "AMDGPU_SVM_ATTR_ACCESS_MIXED + 1", AMDGPU_SVM_ATTR_ACCESS_MIXED + 1,
	  DRM_SVM_COORD_ATTR_NUM },
	{ "every AMDGPU_SVM_FLAG_*", AMDGPU_SVM_FLAG_HOST_ACCESS | AMDGPU_SVM_FLAG_COHERENT |
	  AMDGPU_SVM_FLAG_GPU_RO | AMDGPU_SVM_FLAG_GPU_EXEC |
	  AMDGPU_SVM_FLAG_GPU_READ_MOSTLY | AMDGPU_SVM_FLAG_GPU_ALWAYS_MAPPED,
	  DRM_SVM_COORD_FLAGS_ALL },
	{ "AMDGPU_SVM_MAX_ATTRS", AMDGPU_SVM_MAX_ATTRS, 64 },
};

static void layout(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(layout_rows); i++)
		KUNIT_EXPECT_EQ_MSG(test, layout_rows[i].got, layout_rows[i].want,
				    "%s is %zu, not %zu", layout_rows[i].name,
				    layout_rows[i].got, layout_rows[i].want);

	for (i = 0; i < ARRAY_SIZE(const_rows); i++)
		KUNIT_EXPECT_EQ_MSG(test, const_rows[i].uapi, const_rows[i].coord,
				    "%s is %#llx, where the coordinator needs %#llx",
				    const_rows[i].name, const_rows[i].uapi,
				    const_rows[i].coord);
}

/* ---- envelope ---------------------------------------------------------- */

/* The window of a 48-bit VM: 64 KiB up to the hole. */
#define VA_LO		0x10000ULL
#define VA_HI		0x800000000000ULL

/* A well-formed SET_ATTR or GET_ATTR: 2 MiB at 4 GiB, one attribute. */
#define GOOD_START	0x100000000ULL
#define GOOD_SIZE	0x200000ULL
#define GOOD_ATTRS	0x7f0000001000ULL

/* Fields a row changes in the well-formed arguments of its op. */
enum {
	M_OP		= BIT(0),
	M_FLAGS		= BIT(1),
	M_START		= BIT(2),
	M_SIZE		= BIT(3),
	M_ATTRS		= BIT(4),
	M_NATTRS	= BIT(5),
	M_INDEX		= BIT(6),
	M_CAPS		= BIT(7),
	M_PAD		= BIT(8),
};

#define M_RANGE		(M_START | M_SIZE | M_ATTRS | M_NATTRS)

/*
 * A row: the well-formed arguments of an op (ATTACH and INFO: all zero;
 * SET_ATTR and GET_ATTR: GOOD_*), with the fields of @mask taken from
 * @v, and the errno the envelope must give.
 */
struct env_row {
	const char *desc;
	u32 mask;
	struct drm_amdgpu_gem_svm v;
	int ret;
};

#define ROW(d, m, r, ...)	{ d, m, { __VA_ARGS__ }, r }

/* Unknown ops, on the well-formed arguments of ATTACH and of SET_ATTR. */
static const struct env_row op_rows[] = {
	ROW("op 4", M_OP, -EINVAL, .op = 4),
	ROW("op U32_MAX", M_OP, -EINVAL, .op = U32_MAX),
	ROW("op 4 and flags 1", M_OP | M_FLAGS, -EINVAL, .op = 4, .flags = 1),
};

/* The rows of the errno table the envelope owns, for ATTACH and INFO. */
static const struct env_row no_range_rows[] = {
	ROW("well-formed", 0, 0),
	ROW("index and caps are ignored", M_INDEX | M_CAPS, 0,
	    .index = 7, .caps = 3),
	ROW("flags 1", M_FLAGS, -EINVAL, .flags = 1),
	ROW("flags bit 31", M_FLAGS, -EINVAL, .flags = 0x80000000u),
	ROW("pad 1", M_PAD, -EINVAL, .pad = 1),
	ROW("start set", M_START, -EINVAL, .start = GOOD_START),
	ROW("size set", M_SIZE, -EINVAL, .size = GOOD_SIZE),
	ROW("attrs set", M_ATTRS, -EINVAL, .attrs = GOOD_ATTRS),
	ROW("nattrs 1", M_NATTRS, -EINVAL, .nattrs = 1),
	ROW("a whole SET_ATTR range", M_RANGE, -EINVAL,
	    .start = GOOD_START, .size = GOOD_SIZE, .attrs = GOOD_ATTRS,
	    .nattrs = 1),
	ROW("flags and start set", M_FLAGS | M_START, -EINVAL,
	    .flags = 1, .start = GOOD_START),
};

/* The rows of the errno table the envelope owns, for SET_ATTR and GET_ATTR. */
static const struct env_row range_rows[] = {
	ROW("well-formed", 0, 0),
	ROW("index and caps are ignored", M_INDEX | M_CAPS, 0,
	    .index = 7, .caps = 3),
	ROW("attrs NULL is copy_from_user()'s business", M_ATTRS, 0,
	    .attrs = 0),
	ROW("flags 1", M_FLAGS, -EINVAL, .flags = 1),
	ROW("pad 1", M_PAD, -EINVAL, .pad = 1),
	ROW("nattrs 0", M_NATTRS, -EINVAL, .nattrs = 0),
	ROW("nattrs 1", M_NATTRS, 0, .nattrs = 1),
	ROW("nattrs 64", M_NATTRS, 0, .nattrs = 64),
	ROW("nattrs 65", M_NATTRS, -EINVAL, .nattrs = 65),
	ROW("nattrs U32_MAX", M_NATTRS, -EINVAL, .nattrs = U32_MAX),
	ROW("start unaligned", M_START, -EINVAL, .start = GOOD_START + 1),
	ROW("start half a page in", M_START, -EINVAL,
	    .start = GOOD_START + PAGE_SIZE / 2),
	ROW("size unaligned", M_SIZE, -EINVAL, .size = GOOD_SIZE + 1),
	ROW("size less than a page", M_SIZE, -EINVAL, .size = PAGE_SIZE - 1),
	ROW("size one page", M_SIZE, 0, .size = PAGE_SIZE),
	ROW("size 0", M_SIZE, -EINVAL, .size = 0),
	ROW("start 0", M_START, -EINVAL, .start = 0),
	ROW("start at the window's start", M_START | M_SIZE, 0,
	    .start = VA_LO, .size = PAGE_SIZE),
	ROW("start a page before the window", M_START | M_SIZE, -EINVAL,
	    .start = VA_LO - PAGE_SIZE, .size = PAGE_SIZE),
	ROW("end at the window's end", M_START, 0,
	    .start = VA_HI - GOOD_SIZE),
	ROW("end a page past the window", M_START, -EINVAL,
	    .start = VA_HI - GOOD_SIZE + PAGE_SIZE),
	ROW("start at the window's end", M_START | M_SIZE, -EINVAL,
	    .start = VA_HI, .size = PAGE_SIZE),
	ROW("the whole window", M_START | M_SIZE, 0,
	    .start = VA_LO, .size = VA_HI - VA_LO),
	ROW("the whole window and a page", M_START | M_SIZE, -EINVAL,
	    .start = VA_LO, .size = VA_HI - VA_LO + PAGE_SIZE),
	ROW("start + size wraps to a page", M_START | M_SIZE, -EINVAL,
	    .start = U64_MAX - PAGE_SIZE + 1, .size = 2 * PAGE_SIZE),
	ROW("start + size wraps below the start", M_START | M_SIZE, -EINVAL,
	    .start = VA_LO + PAGE_SIZE, .size = U64_MAX - PAGE_SIZE + 1),
	ROW("nattrs 0 and start unaligned", M_NATTRS | M_START, -EINVAL,
	    .nattrs = 0, .start = 1),
};

static const char *op_name(u32 op)
{
	switch (op) {
	case AMDGPU_SVM_OP_ATTACH:
		return "ATTACH";
	case AMDGPU_SVM_OP_INFO:
		return "INFO";
	case AMDGPU_SVM_OP_SET_ATTR:
		return "SET_ATTR";
	case AMDGPU_SVM_OP_GET_ATTR:
		return "GET_ATTR";
	default:
		return "bad op";
	}
}

/* The well-formed arguments of @op, then @row's changes. */
static void env_args(u32 op, const struct env_row *row,
		     struct drm_amdgpu_gem_svm *a)
{
	*a = (struct drm_amdgpu_gem_svm) { .op = op };
	if (op == AMDGPU_SVM_OP_SET_ATTR || op == AMDGPU_SVM_OP_GET_ATTR) {
		a->start = GOOD_START;
		a->size = GOOD_SIZE;
		a->attrs = GOOD_ATTRS;
		a->nattrs = 1;
	}
	if (row->mask & M_OP)
		a->op = row->v.op;
	if (row->mask & M_FLAGS)
		a->flags = row->v.flags;
	if (row->mask & M_START)
		a->start = row->v.start;
	if (row->mask & M_SIZE)
		a->size = row->v.size;
	if (row->mask & M_ATTRS)
		a->attrs = row->v.attrs;
	if (row->mask & M_NATTRS)
		a->nattrs = row->v.nattrs;
	if (row->mask & M_INDEX)
		a->index = row->v.index;
	if (row->mask & M_CAPS)
		a->caps = row->v.caps;
	if (row->mask & M_PAD)
		a->pad = row->v.pad;
}

static void env_check(struct kunit *test, u32 op, const struct env_row *rows,
		      unsigned int nrows)
{
	struct drm_amdgpu_gem_svm a;
	unsigned int i;
	int ret;

	for (i = 0; i < nrows; i++) {
		env_args(op, &rows[i], &a);
		ret = amdgpu_svm_check_args(&a, VA_LO, VA_HI);
		KUNIT_EXPECT_EQ_MSG(test, ret, rows[i].ret,
				    "%s, %s: returned %d, not %d (op %u flags %#x start %#llx size %#llx attrs %#llx nattrs %u index %u caps %#x pad %#x, window [%#llx, %#llx))",
				    op_name(op), rows[i].desc, ret, rows[i].ret,
				    a.op, a.flags, a.start, a.size, a.attrs,
				    a.nattrs, a.index, a.caps, a.pad, VA_LO,
				    VA_HI);
	}
}

static void envelope(struct kunit *test)
{
	env_check(test, AMDGPU_SVM_OP_ATTACH, op_rows, ARRAY_SIZE(op_rows));
	env_check(test, AMDGPU_SVM_OP_SET_ATTR, op_rows, ARRAY_SIZE(op_rows));
	env_check(test, AMDGPU_SVM_OP_ATTACH, no_range_rows,
		  ARRAY_SIZE(no_range_rows));
	env_check(test, AMDGPU_SVM_OP_INFO, no_range_rows,
		  ARRAY_SIZE(no_range_rows));
	env_check(test, AMDGPU_SVM_OP_SET_ATTR, range_rows,
		  ARRAY_SIZE(range_rows));
	env_check(test, AMDGPU_SVM_OP_GET_ATTR, range_rows,
		  ARRAY_SIZE(range_rows));
}

/* ---- va_window --------------------------------------------------------- */

struct window_row {
	const char *desc;
	u64 max_pfn;
	bool five_levels;
	u64 lo;
	u64 hi;
};

/*
 * The top reservations are 4 MiB + 64 KiB (CSA, SEQ64, trap handler); the
 * hole starts at 1 << 47 with four levels, 1 << 56 with five.
 */
static const struct window_row window_rows[] = {
	{ "4 levels, 48-bit VM: up to the hole", 1ULL << 36, false,
	  0x10000, 0x800000000000 },
	{ "5 levels, 57-bit VM: up to the hole", 1ULL << 45, true,
	  0x10000, 0x100000000000000 },
	{ "4 levels, 40-bit VM: below the reservations", 1ULL << 28, false,
	  0x10000, 0xffffbf0000 },
	{ "5 levels, 48-bit VM: below the reservations", 1ULL << 36, true,
	  0x10000, 0xffffffbf0000 },
	{ "4 levels, 64-bit max_pfn: the hole", U64_MAX, false,
	  0x10000, 0x800000000000 },
	{ "VM no larger than the reservations: empty", 0x410, false,
	  0x10000, 0x10000 },
	{ "VM of 0 pages: empty", 0, false, 0x10000, 0x10000 },
	{ "VM ending where the bottom reservation does: empty", 0x420, false,
	  0x10000, 0x10000 },
	{ "VM one GPU page above the bottom reservation", 0x421, false,
	  0x10000, 0x11000 },
};

static void va_window(struct kunit *test)
{
	const struct window_row *r;
	unsigned int i;
	u64 lo, hi;

	for (i = 0; i < ARRAY_SIZE(window_rows); i++) {
		r = &window_rows[i];
		lo = 0;
		hi = 0;
		amdgpu_svm_va_window(r->max_pfn, r->five_levels, &lo, &hi);
		KUNIT_EXPECT_EQ_MSG(test, lo, r->lo,
				    "%s: max_pfn %#llx, %d levels: window starts at %#llx, not %#llx",
				    r->desc, r->max_pfn, r->five_levels ? 5 : 4,
				    lo, r->lo);
		KUNIT_EXPECT_EQ_MSG(test, hi, r->hi,
				    "%s: max_pfn %#llx, %d levels: window ends at %#llx, not %#llx",
				    r->desc, r->max_pfn, r->five_levels ? 5 : 4,
				    hi, r->hi);
	}
}

static struct kunit_case amdgpu_svm_uapi_cases[] = {
	KUNIT_CASE(layout),
	KUNIT_CASE(envelope),
	KUNIT_CASE(va_window),
	{}
};

static struct kunit_suite amdgpu_svm_uapi_suite = {
	.name = "amdgpu_svm_uapi",
	.test_cases = amdgpu_svm_uapi_cases,
};

kunit_test_suite(amdgpu_svm_uapi_suite);
