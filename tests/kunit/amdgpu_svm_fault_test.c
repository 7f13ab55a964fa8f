// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright 2026 The drm_svm_coord authors
 *
 * What the amdgpu SVM backend does with GPU faults and which GPUs take
 * part: the action for every answer drm_svm_coord_handle_fault()
 * documents (amdgpu_svm_fault_action()), which GPUs map on their own
 * faults given KFD's XNACK mode (amdgpu_svm_can_fault()), and which may
 * attach at all (amdgpu_svm_gc_supported()):
 * decisions only; nothing here talks to a GPU.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/limits.h>

#include "../amdgpu.h"
#include "../amdgpu_svm_rules.h"

static const char *action_name(enum amdgpu_svm_fault_action action)
{
	switch (action) {
	case AMDGPU_SVM_FAULT_NOT_SVM:
		return "NOT_SVM";
	case AMDGPU_SVM_FAULT_HANDLED:
		return "HANDLED";
	case AMDGPU_SVM_FAULT_RETRY:
		return "RETRY";
	case AMDGPU_SVM_FAULT_FATAL:
		return "FATAL";
	default:
		return "bad action";
	}
}

/* ---- fault_action ------------------------------------------------------ */

struct action_row {
	const char *name;
	int err;
	enum amdgpu_svm_fault_action attached;
};

#define ACTION(e, a)	{ #e, e, AMDGPU_SVM_FAULT_##a }

/*
 * What each answer of drm_svm_coord_handle_fault() becomes for an
 * attached VM; a VM without an attachment is always NOT_SVM.
 */
static const struct action_row action_rows[] = {
	/* documented by drm_svm_coord_handle_fault() */
	ACTION(0, HANDLED),		/* entries written: replay */
	ACTION(-EPERM, FATAL),		/* denied, or a write to read-only */
	ACTION(-EFAULT, FATAL),		/* nothing mapped, or mm exiting */
	ACTION(-EBUSY, RETRY),		/* invalidations kept racing */
	ACTION(-ENOMEM, FATAL),
	ACTION(-EINTR, FATAL),		/* fatal signal */
	/* never returned by the coordinator, but KFD's retry answer */
	ACTION(-EAGAIN, RETRY),
	/* the attachment went away under the fault */
	ACTION(-ENODEV, FATAL),
	/* anything else, e.g. an error of the DMA mapping or the backend */
	ACTION(-EXDEV, FATAL),
	ACTION(-EADDRINUSE, FATAL),
	ACTION(-EIO, FATAL),
};

static void fault_action(struct kunit *test)
{
	enum amdgpu_svm_fault_action got;
	const struct action_row *r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(action_rows); i++) {
		r = &action_rows[i];
		got = amdgpu_svm_fault_action(true, r->err);
		KUNIT_EXPECT_EQ_MSG(test, got, r->attached,
				    "attached VM, handle_fault() returned %s (%d): %s, not %s",
				    r->name, r->err, action_name(got),
				    action_name(r->attached));
		got = amdgpu_svm_fault_action(false, r->err);
		KUNIT_EXPECT_EQ_MSG(test, got, AMDGPU_SVM_FAULT_NOT_SVM,
				    "VM not attached, error %s (%d): %s, not NOT_SVM",
				    r->name, r->err, action_name(got));
	}
}

/* ---- xnack_mode -------------------------------------------------------- */

struct xnack_row {
	u32 gc_ip;
	/* with XNACK on for the process (KFD's 1) */
	bool can_fault;
};

#define GC(mj, mn, rv)	IP_VERSION(mj, mn, rv)

/*
 * KFD: no SVM before GFX9 (GC 9.0.1); GC 10.1.1 up to 12.1.0 cannot
 * preempt shaders during page faults, so the process runs XNACK off.
 */
static const struct xnack_row xnack_rows[] = {
	{ GC(8, 0, 0), false },
	{ GC(9, 0, 0), false },
	{ GC(9, 0, 1), true },
	{ GC(9, 1, 0), true },
	{ GC(9, 2, 1), true },
	{ GC(9, 4, 0), true },
	{ GC(9, 4, 1), true },
	{ GC(9, 4, 2), true },
	{ GC(9, 4, 3), true },
	{ GC(9, 4, 4), true },
	{ GC(9, 5, 0), true },
	{ GC(10, 1, 0), true },		/* just below the veto */
	{ GC(10, 1, 1), false },	/* its first version */
	{ GC(10, 1, 10), false },
	{ GC(10, 3, 0), false },
	{ GC(11, 0, 0), false },
	{ GC(11, 5, 0), false },
	{ GC(12, 0, 0), false },
	{ GC(12, 0, 1), false },
	{ GC(12, 0, 255), false },	/* its last */
	{ GC(12, 1, 0), true },		/* past it */
	{ GC(12, 1, 1), true },
	{ GC(13, 0, 0), true },		/* a later GC */
};

/* KFD's XNACK mode of the process: no KFD process, off, on. */
static const int xnack_modes[] = { -ESRCH, 0, 1 };

static void xnack_mode(struct kunit *test)
{
	const struct xnack_row *r;
	unsigned int i, m;
	bool want, got;
	int mode;

	for (i = 0; i < ARRAY_SIZE(xnack_rows); i++) {
		r = &xnack_rows[i];
		for (m = 0; m < ARRAY_SIZE(xnack_modes); m++) {
			mode = xnack_modes[m];
			/* only a process running XNACK on ever faults */
			want = mode == 1 && r->can_fault;
			got = amdgpu_svm_can_fault(r->gc_ip, mode);
			KUNIT_EXPECT_EQ_MSG(test, got, want,
					    "GC %u.%u.%u, KFD XNACK mode %d: can_fault %d, not %d",
					    IP_VERSION_MAJ(r->gc_ip),
					    IP_VERSION_MIN(r->gc_ip),
					    IP_VERSION_REV(r->gc_ip), mode, got,
					    want);
		}
	}
}

/* ---- gc_supported ------------------------------------------------------ */

struct supported_row {
	const char *desc;
	u32 gc_ip;
	bool supported;
};

static const struct supported_row supported_rows[] = {
	{ "0", 0, false },
	{ "GC 8.0.0", GC(8, 0, 0), false },
	{ "GC 9.0.0", GC(9, 0, 0), false },
	{ "GC 9.0.0 with every variant and subrevision bit",
	  IP_VERSION_FULL(9, 0, 0, 15, 15), false },
	{ "GC 9.0.1", GC(9, 0, 1), true },
	{ "GC 9.4.3", GC(9, 4, 3), true },
	{ "GC 10.3.0 (supported, cannot fault)", GC(10, 3, 0), true },
	{ "GC 12.1.0", GC(12, 1, 0), true },
	{ "U32_MAX", U32_MAX, true },
};

static void gc_supported(struct kunit *test)
{
	const struct supported_row *r;
	unsigned int i;
	bool got;

	for (i = 0; i < ARRAY_SIZE(supported_rows); i++) {
		r = &supported_rows[i];
		got = amdgpu_svm_gc_supported(r->gc_ip);
		KUNIT_EXPECT_EQ_MSG(test, got, r->supported,
				    "%s (%#x): supported %d, not %d", r->desc,
				    r->gc_ip, got, r->supported);
	}
}

static struct kunit_case amdgpu_svm_fault_cases[] = {
	KUNIT_CASE(fault_action),
	KUNIT_CASE(xnack_mode),
	KUNIT_CASE(gc_supported),
	{}
};

static struct kunit_suite amdgpu_svm_fault_suite = {
	.name = "amdgpu_svm_fault",
	.test_cases = amdgpu_svm_fault_cases,
};

kunit_test_suite(amdgpu_svm_fault_suite);
