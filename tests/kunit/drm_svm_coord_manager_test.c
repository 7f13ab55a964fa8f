// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * The per-mm manager on real user address spaces: sharing between GPUs,
 * reference counts and teardown, attachment rules, detach, and the
 * attribute API with its range checks.
 */

#include <kunit/test.h>
#include <linux/dcache.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>

#include "../drm_svm_coord_priv.h"
#include "drm_svm_coord_test.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

static int nop_map(struct drm_svm_coord_vm *vm,
		   const struct drm_svm_coord_map_args *args)
{
	return 0;
}

static int nop_unmap(struct drm_svm_coord_vm *vm, unsigned long start,
		     unsigned long end)
{
	return 0;
}

static void nop_queue(struct drm_svm_coord_vm *vm)
{
}

static const struct drm_svm_coord_ops test_ops = {
	.map = nop_map,
	.unmap = nop_unmap,
	.quiesce = nop_queue,
	.resume = nop_queue,
};

static const struct drm_svm_coord_vm_caps can_fault = {
	.flags = DRM_SVM_COORD_VM_CAN_FAULT,
};

static const struct drm_svm_coord_vm_caps no_fault = {};

struct mgr_fixture {
	struct drm_device *drm;
	int managers_before;
};

static int mgr_init(struct kunit *test)
{
	struct mgr_fixture *fx;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->drm = svm_test_drm_device(test, 0);
	KUNIT_ASSERT_EQ(test, kunit_attach_mm(), 0);
	mmu_notifier_synchronize();
	fx->managers_before = atomic_read(&drm_svm_coord_nr_managers);
	test->priv = fx;
	return 0;
}

/* After every test: each manager was freed (no leak, no extra put). */
static void mgr_exit(struct kunit *test)
{
	struct mgr_fixture *fx = test->priv;

	/* The set-up failed before it counted: nothing to compare. */
	if (!fx)
		return;
	mmu_notifier_synchronize();
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&drm_svm_coord_nr_managers),
			    fx->managers_before, "managers leaked or freed twice");
}

static struct drm_svm_coord_vm *attach(struct kunit *test, struct mm_struct *mm,
				       const struct drm_svm_coord_vm_caps *caps)
{
	struct mgr_fixture *fx = test->priv;
	struct drm_svm_coord_vm *vm;

	vm = drm_svm_coord_attach(mm, fx->drm, &test_ops, caps, test);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vm);
	return vm;
}

static void test_two_gpus_share_one_manager(struct kunit *test)
{
	struct drm_svm_coord_vm *a, *b;
	struct drm_svm_coord *svm;

	a = attach(test, current->mm, &can_fault);
	b = attach(test, current->mm, &no_fault);
	svm = drm_svm_coord_vm_manager(a);
	KUNIT_EXPECT_PTR_EQ(test, svm, drm_svm_coord_vm_manager(b));
	KUNIT_EXPECT_EQ(test, drm_svm_coord_vm_index(a), 0u);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_vm_index(b), 1u);
	KUNIT_EXPECT_PTR_EQ(test, drm_svm_coord_vm_priv(a), (void *)test);
	KUNIT_EXPECT_EQ(test, svm->attached, 0x3ull);
	KUNIT_EXPECT_EQ(test, svm->can_fault, 0x1ull);
	KUNIT_EXPECT_EQ(test, svm->mn.users, 2u);
	KUNIT_EXPECT_EQ(test, atomic_read(&drm_svm_coord_nr_managers),
			((struct mgr_fixture *)test->priv)->managers_before + 1);

	drm_svm_coord_detach(a);
	KUNIT_EXPECT_EQ(test, svm->mn.users, 1u);
	KUNIT_EXPECT_EQ(test, svm->attached, 0x2ull);
	drm_svm_coord_detach(b);
	/* mgr_exit checks that the manager is gone. */
}

static void test_get_put(struct kunit *test)
{
	struct drm_svm_coord *svm, *again;
	struct drm_svm_coord_vm *a;

	svm = drm_svm_coord_get(current->mm);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, svm);
	a = attach(test, current->mm, &can_fault);
	KUNIT_EXPECT_PTR_EQ(test, svm, drm_svm_coord_vm_manager(a));
	again = drm_svm_coord_get(current->mm);
	KUNIT_EXPECT_PTR_EQ(test, svm, again);
	KUNIT_EXPECT_EQ(test, svm->mn.users, 3u);
	drm_svm_coord_put(again);
	drm_svm_coord_detach(a);
	drm_svm_coord_put(svm);
}

/* A new mm (a fork()ed child, an exec()ed program) gets its own manager. */
static void test_other_mm_other_manager(struct kunit *test)
{
	struct drm_svm_coord_vm *a, *b;
	struct mm_struct *mm2;

	mm2 = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, mm2);
	mm2->task_size = TASK_SIZE;

	a = attach(test, current->mm, &can_fault);
	b = attach(test, mm2, &can_fault);
	KUNIT_EXPECT_PTR_NE(test, drm_svm_coord_vm_manager(a),
			    drm_svm_coord_vm_manager(b));
	KUNIT_EXPECT_EQ(test, drm_svm_coord_vm_index(b), 0u);

	/* mm2 exits with a GPU still attached: no new attachment, then detach. */
	mmput(mm2);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(drm_svm_coord_vm_manager(b)->dead));
	KUNIT_EXPECT_EQ(test, PTR_ERR(drm_svm_coord_get(mm2)), -ESRCH);
	drm_svm_coord_detach(b);
	drm_svm_coord_detach(a);
}

static void test_attach_rules(struct kunit *test)
{
	struct mgr_fixture *fx = test->priv;
	struct drm_svm_coord_ops no_map = test_ops, no_quiesce = test_ops;
	struct drm_svm_coord_ops no_resume = test_ops;
	struct drm_svm_coord_vm_caps bad_flags = { .flags = BIT(7) };
	struct drm_svm_coord_vm *vms[DRM_SVM_COORD_MAX_VMS];
	struct mm_struct *mm = current->mm;
	unsigned int i;

	no_map.map = NULL;
	no_quiesce.quiesce = NULL;
	no_quiesce.resume = NULL;
	no_resume.resume = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(drm_svm_coord_attach(mm, fx->drm, &no_map,
							   &can_fault, NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(drm_svm_coord_attach(mm, fx->drm, &no_quiesce,
							   &no_fault, NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(drm_svm_coord_attach(mm, fx->drm, &test_ops,
							   &bad_flags, NULL)), -EINVAL);
	/* What quiesce stops, resume restarts: one without the other. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(drm_svm_coord_attach(mm, fx->drm, &no_resume,
							   &can_fault, NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(drm_svm_coord_attach(mm, NULL, &test_ops,
							   &can_fault, NULL)), -EINVAL);
	/* A GPU that can fault needs neither. */
	vms[0] = drm_svm_coord_attach(mm, fx->drm, &no_quiesce, &can_fault, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vms[0]);

	for (i = 1; i < DRM_SVM_COORD_MAX_VMS; i++) {
		vms[i] = attach(test, mm, i % 2 ? &no_fault : &can_fault);
		KUNIT_EXPECT_EQ(test, drm_svm_coord_vm_index(vms[i]), i);
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(drm_svm_coord_attach(mm, fx->drm, &test_ops,
							   &can_fault, NULL)), -ENOSPC);

	/* A freed index is reused. */
	drm_svm_coord_detach(vms[37]);
	vms[37] = attach(test, mm, &can_fault);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_vm_index(vms[37]), 37u);

	for (i = 0; i < DRM_SVM_COORD_MAX_VMS; i++)
		drm_svm_coord_detach(vms[i]);
}

static void test_detach_clears_the_gpu(struct kunit *test)
{
	const struct drm_svm_coord_attr req[] = {
		{ DRM_SVM_COORD_ATTR_ACCESS, 1 },
		{ DRM_SVM_COORD_ATTR_NO_ACCESS, 2 },
		{ DRM_SVM_COORD_ATTR_PREFERRED_LOC, 1 },
		{ DRM_SVM_COORD_ATTR_PREFETCH_LOC, 1 },
	};
	struct drm_svm_coord_attr_summary sum;
	struct drm_svm_coord_vm *d[3];
	struct drm_svm_coord *svm;
	unsigned int i;

	for (i = 0; i < 3; i++)
		d[i] = attach(test, current->mm, &can_fault);
	svm = drm_svm_coord_vm_manager(d[0]);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(svm, SZ_1M, SZ_2M, req,
						     ARRAY_SIZE(req), NULL), 0);
	KUNIT_ASSERT_EQ(test, svm->attrs.count, 1u);

	drm_svm_coord_detach(d[1]);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_get_attr_summary(svm, SZ_1M, SZ_2M, &sum), 0);
	KUNIT_EXPECT_EQ(test, sum.access, 0ull);
	KUNIT_EXPECT_EQ(test, sum.no_access, BIT_ULL(2));
	KUNIT_EXPECT_EQ(test, sum.preferred_loc, DRM_SVM_COORD_LOC_UNDEFINED);
	KUNIT_EXPECT_EQ(test, sum.prefetch_loc, DRM_SVM_COORD_LOC_UNDEFINED);

	/* A new GPU reusing index 1 inherits nothing of the old one. */
	d[1] = attach(test, current->mm, &can_fault);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_vm_index(d[1]), 1u);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_get_attr_summary(svm, SZ_1M, SZ_2M, &sum), 0);
	KUNIT_EXPECT_EQ(test, sum.access_default, BIT_ULL(0) | BIT_ULL(1));

	drm_svm_coord_detach(d[2]);
	KUNIT_EXPECT_EQ_MSG(test, svm->attrs.count, 0u,
			    "no attribute names an attached GPU any more");
	drm_svm_coord_detach(d[1]);
	drm_svm_coord_detach(d[0]);
}

static void test_range_checks(struct kunit *test)
{
	const struct drm_svm_coord_attr pref = { DRM_SVM_COORD_ATTR_PREFERRED_LOC,
						  DRM_SVM_COORD_LOC_SYSMEM };
	const struct drm_svm_coord_attr gpu9 = { DRM_SVM_COORD_ATTR_ACCESS, 9 };
	unsigned long top = current->mm->task_size;
	static const struct { unsigned long start, size; } bad[] = {
		{ SZ_1M, 0 },
		{ SZ_1M + 1, PAGE_SIZE },
		{ SZ_1M, PAGE_SIZE + 1 },
		{ ULONG_MAX & PAGE_MASK, 2 * PAGE_SIZE },	/* wraps */
	};
	struct drm_svm_coord_attr q = { DRM_SVM_COORD_ATTR_PREFERRED_LOC, 0 };
	struct drm_svm_coord_vm *a;
	struct drm_svm_coord *svm;
	unsigned int i;

	a = attach(test, current->mm, &can_fault);
	svm = drm_svm_coord_vm_manager(a);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		unsigned long start = bad[i].start, size = bad[i].size;

		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    drm_svm_coord_set_attr(svm, start, size, &pref, 1, NULL),
				    "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, -EINVAL,
				    drm_svm_coord_get_attr(svm, start, size, &q, 1),
				    "case %u", i);
	}
	KUNIT_EXPECT_EQ(test, drm_svm_coord_set_attr(svm, top, PAGE_SIZE, &pref, 1,
						     NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_set_attr(svm, top - PAGE_SIZE,
						     2 * PAGE_SIZE, &pref, 1, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_set_attr(svm, SZ_1M, PAGE_SIZE, &gpu9, 1,
						     NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, svm->attrs.count, 0u);

	/* The very last page of the address space is fine. */
	KUNIT_EXPECT_EQ(test, drm_svm_coord_set_attr(svm, top - PAGE_SIZE, PAGE_SIZE,
						     &pref, 1, NULL), 0);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_get_attr(svm, top - PAGE_SIZE, PAGE_SIZE,
						     &q, 1), 0);
	KUNIT_EXPECT_EQ(test, q.value, DRM_SVM_COORD_LOC_SYSMEM);
	drm_svm_coord_detach(a);
}

/* KFD-style queries over uniform and mixed ranges. */
static void test_get_attr_queries(struct kunit *test)
{
	const struct drm_svm_coord_attr r1[] = {
		{ DRM_SVM_COORD_ATTR_ACCESS, 0 },
		{ DRM_SVM_COORD_ATTR_PREFERRED_LOC, 1 },
		{ DRM_SVM_COORD_ATTR_SET_FLAGS, DRM_SVM_COORD_FLAG_GPU_RO },
		{ DRM_SVM_COORD_ATTR_GRANULARITY, 4 },
	};
	const struct drm_svm_coord_attr r2[] = {
		{ DRM_SVM_COORD_ATTR_ACCESS, 0 },
		{ DRM_SVM_COORD_ATTR_NO_ACCESS, 1 },
		{ DRM_SVM_COORD_ATTR_CLR_FLAGS, DRM_SVM_COORD_FLAG_COHERENT },
	};
	struct drm_svm_coord_attr q[] = {
		{ DRM_SVM_COORD_ATTR_PREFERRED_LOC, 0 },
		{ DRM_SVM_COORD_ATTR_ACCESS, 0 },	/* GPU 0 */
		{ DRM_SVM_COORD_ATTR_ACCESS, 1 },	/* GPU 1 */
		{ DRM_SVM_COORD_ATTR_SET_FLAGS, 0 },
		{ DRM_SVM_COORD_ATTR_CLR_FLAGS, 0 },
		{ DRM_SVM_COORD_ATTR_GRANULARITY, 0 },
	};
	struct drm_svm_coord_attr bad = { DRM_SVM_COORD_ATTR_NO_ACCESS, 7 };
	struct drm_svm_coord_vm *a, *b;
	struct drm_svm_coord *svm;

	a = attach(test, current->mm, &can_fault);
	b = attach(test, current->mm, &no_fault);
	svm = drm_svm_coord_vm_manager(a);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(svm, SZ_4M, SZ_2M, r1,
						     ARRAY_SIZE(r1), NULL), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(svm, SZ_4M + SZ_2M, SZ_2M, r2,
						     ARRAY_SIZE(r2), NULL), 0);

	/* Uniform: [4M, 6M). */
	KUNIT_ASSERT_EQ(test, drm_svm_coord_get_attr(svm, SZ_4M, SZ_2M, q,
						     ARRAY_SIZE(q)), 0);
	KUNIT_EXPECT_EQ(test, q[0].value, 1u);
	KUNIT_EXPECT_EQ(test, q[1].type, DRM_SVM_COORD_ATTR_ACCESS);
	KUNIT_EXPECT_EQ(test, q[2].type, DRM_SVM_COORD_ATTR_ACCESS_DEFAULT);
	KUNIT_EXPECT_EQ(test, q[3].value, DRM_SVM_COORD_FLAGS_DEFAULT |
			DRM_SVM_COORD_FLAG_GPU_RO);
	KUNIT_EXPECT_EQ(test, q[5].value, 4u);

	/* Mixed: [4M, 8M). */
	q[1].type = DRM_SVM_COORD_ATTR_ACCESS;
	q[2].type = DRM_SVM_COORD_ATTR_ACCESS;
	KUNIT_ASSERT_EQ(test, drm_svm_coord_get_attr(svm, SZ_4M, SZ_4M, q,
						     ARRAY_SIZE(q)), 0);
	KUNIT_EXPECT_EQ(test, q[0].value, DRM_SVM_COORD_LOC_MIXED);
	KUNIT_EXPECT_EQ(test, q[1].type, DRM_SVM_COORD_ATTR_ACCESS);
	KUNIT_EXPECT_EQ(test, q[2].type, DRM_SVM_COORD_ATTR_ACCESS_MIXED);
	KUNIT_EXPECT_EQ(test, q[3].value, DRM_SVM_COORD_FLAG_HOST_ACCESS);
	KUNIT_EXPECT_EQ(test, q[4].value, DRM_SVM_COORD_FLAGS_ALL &
			~(DRM_SVM_COORD_FLAGS_DEFAULT | DRM_SVM_COORD_FLAG_GPU_RO));
	KUNIT_EXPECT_EQ(test, q[5].value, 4u);

	/* Bad queries leave the answers alone. */
	KUNIT_EXPECT_EQ(test, drm_svm_coord_get_attr(svm, SZ_4M, SZ_4M, &bad, 1),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, bad.type, DRM_SVM_COORD_ATTR_NO_ACCESS);
	bad = (struct drm_svm_coord_attr){ DRM_SVM_COORD_ATTR_ACCESS_MIXED, 0 };
	KUNIT_EXPECT_EQ(test, drm_svm_coord_get_attr(svm, SZ_4M, SZ_4M, &bad, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_get_attr(svm, SZ_4M, SZ_4M, q, 0),
			-EINVAL);
	drm_svm_coord_detach(b);
	drm_svm_coord_detach(a);
}

/* What set_attr reports for GPUs that can and cannot fault. */
static void test_changes_follow_capabilities(struct kunit *test)
{
	struct drm_svm_coord_attr grant = { DRM_SVM_COORD_ATTR_ACCESS, 1 };
	struct drm_svm_coord_attr revoke = { DRM_SVM_COORD_ATTR_NO_ACCESS, 0 };
	struct drm_svm_coord_changes ch = {};
	struct drm_svm_coord_vm *a, *b;
	struct drm_svm_coord *svm;

	a = attach(test, current->mm, &can_fault);	/* index 0 */
	b = attach(test, current->mm, &no_fault);	/* index 1 */
	svm = drm_svm_coord_vm_manager(a);

	/* Granting the fault-less GPU access asks to map it now. */
	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(svm, SZ_2M, SZ_2M, &grant, 1, &ch), 0);
	KUNIT_ASSERT_EQ(test, ch.count, 1u);
	KUNIT_EXPECT_EQ(test, ch.items[0].remap, BIT_ULL(1));
	KUNIT_EXPECT_EQ(test, ch.items[0].unmap, 0ull);
	KUNIT_EXPECT_EQ(test, ch.items[0].start, (unsigned long)SZ_2M);
	KUNIT_EXPECT_EQ(test, ch.items[0].end, (unsigned long)SZ_4M);
	drm_svm_coord_changes_fini(&ch);

	/* Revoking the faulting GPU over a wider range unmaps it everywhere. */
	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(svm, SZ_1M, SZ_4M, &revoke, 1, &ch), 0);
	KUNIT_ASSERT_EQ(test, ch.count, 1u);
	KUNIT_EXPECT_EQ(test, ch.items[0].unmap, BIT_ULL(0));
	KUNIT_EXPECT_EQ(test, ch.items[0].remap, 0ull);
	KUNIT_EXPECT_EQ(test, ch.items[0].start, (unsigned long)SZ_1M);
	KUNIT_EXPECT_EQ(test, ch.items[0].end, (unsigned long)SZ_1M + SZ_4M);
	drm_svm_coord_changes_fini(&ch);

	/* Asking again changes nothing, and reports nothing. */
	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(svm, SZ_1M, SZ_4M, &revoke, 1, &ch), 0);
	KUNIT_EXPECT_EQ(test, ch.count, 0u);
	drm_svm_coord_changes_fini(&ch);
	drm_svm_coord_detach(b);
	drm_svm_coord_detach(a);
}

struct collect {
	unsigned int n;
	unsigned long start[4], end[4];
	u32 pref[4];
};

static int collect_fn(void *priv, unsigned long start, unsigned long end,
		      const struct drm_svm_coord_attrs *attrs)
{
	struct collect *c = priv;

	if (c->n == ARRAY_SIZE(c->start))
		return -E2BIG;
	c->start[c->n] = start;
	c->end[c->n] = end;
	c->pref[c->n++] = attrs->preferred_loc;
	return 0;
}

/* Attributes belong to addresses: munmap and a new mmap keep them. */
static void test_attributes_stick(struct kunit *test)
{
	const struct drm_svm_coord_attr pref = { DRM_SVM_COORD_ATTR_PREFERRED_LOC,
						  DRM_SVM_COORD_LOC_SYSMEM };
	struct drm_svm_coord_attr q = { DRM_SVM_COORD_ATTR_PREFERRED_LOC, 0 };
	struct collect c = {};
	struct drm_svm_coord_vm *a;
	struct drm_svm_coord *svm;
	unsigned long addr, again;

	addr = kunit_vm_mmap(test, NULL, 0, SZ_2M, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE(test, addr, 0ul);
	a = attach(test, current->mm, &can_fault);
	svm = drm_svm_coord_vm_manager(a);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_set_attr(svm, addr, SZ_2M, &pref, 1, NULL), 0);

	KUNIT_ASSERT_EQ(test, vm_munmap(addr, SZ_2M), 0);
	again = kunit_vm_mmap(test, NULL, addr, SZ_2M, PROT_READ | PROT_WRITE,
			      MAP_ANONYMOUS | MAP_PRIVATE | MAP_FIXED, 0);
	KUNIT_ASSERT_EQ(test, again, addr);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_get_attr(svm, addr, SZ_2M, &q, 1), 0);
	KUNIT_EXPECT_EQ(test, q.value, DRM_SVM_COORD_LOC_SYSMEM);

	/* The walk sees the default gap, the interval, the default gap. */
	KUNIT_ASSERT_EQ(test, 0, drm_svm_coord_walk_attrs(svm, addr - PAGE_SIZE,
							  addr + SZ_2M + PAGE_SIZE,
							  collect_fn, &c));
	KUNIT_ASSERT_EQ(test, c.n, 3u);
	KUNIT_EXPECT_EQ(test, c.start[0], addr - PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, c.end[0], addr);
	KUNIT_EXPECT_EQ(test, c.pref[0], DRM_SVM_COORD_LOC_UNDEFINED);
	KUNIT_EXPECT_EQ(test, c.start[1], addr);
	KUNIT_EXPECT_EQ(test, c.end[1], addr + SZ_2M);
	KUNIT_EXPECT_EQ(test, c.pref[1], DRM_SVM_COORD_LOC_SYSMEM);
	KUNIT_EXPECT_EQ(test, c.end[2], addr + SZ_2M + PAGE_SIZE);
	drm_svm_coord_detach(a);
}

/*
 * Settings belong to a manager (DOC: Settings): each starts from the same
 * defaults, a change to one is not seen by another, and the debugfs
 * directory that holds them lives from the first attachment to the last
 * detach, under the manager's number.
 */
static void test_settings_per_manager(struct kunit *test)
{
	struct drm_svm_coord *sa, *sb;
	struct drm_svm_coord_vm *a, *b;
	struct mm_struct *mm2;
	char name[16];

	mm2 = mm_alloc();
	KUNIT_ASSERT_NOT_NULL(test, mm2);
	mm2->task_size = TASK_SIZE;

	a = attach(test, current->mm, &can_fault);
	b = attach(test, mm2, &can_fault);
	sa = drm_svm_coord_vm_manager(a);
	sb = drm_svm_coord_vm_manager(b);
	KUNIT_EXPECT_NE(test, drm_svm_coord_id(sa), drm_svm_coord_id(sb));
	KUNIT_EXPECT_MEMEQ(test, &sa->settings, &sb->settings,
			   sizeof(sa->settings));
	KUNIT_EXPECT_NE(test, sa->settings.thrash_threshold, 0u);
	KUNIT_EXPECT_NE(test, sa->settings.restore_retries, 0u);

	WRITE_ONCE(sa->settings.thrash_threshold, 0);
	KUNIT_EXPECT_NE(test, READ_ONCE(sb->settings.thrash_threshold), 0u);

	if (IS_ENABLED(CONFIG_DEBUG_FS)) {
		snprintf(name, sizeof(name), "%u", drm_svm_coord_id(sa));
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sa->debugfs);
		KUNIT_EXPECT_STREQ(test, sa->debugfs->d_name.name, name);
	}
	drm_svm_coord_get(current->mm);	/* keep it to look at it */
	drm_svm_coord_detach(a);
	KUNIT_EXPECT_NULL(test, sa->debugfs);
	drm_svm_coord_put(sa);

	drm_svm_coord_detach(b);
	mmput(mm2);
}

static struct kunit_case drm_svm_coord_manager_cases[] = {
	KUNIT_CASE(test_settings_per_manager),
	KUNIT_CASE(test_two_gpus_share_one_manager),
	KUNIT_CASE(test_get_put),
	KUNIT_CASE(test_other_mm_other_manager),
	KUNIT_CASE(test_attach_rules),
	KUNIT_CASE(test_detach_clears_the_gpu),
	KUNIT_CASE(test_range_checks),
	KUNIT_CASE(test_get_attr_queries),
	KUNIT_CASE(test_changes_follow_capabilities),
	KUNIT_CASE(test_attributes_stick),
	{}
};

static struct kunit_suite drm_svm_coord_manager_suite = {
	.name = "drm_svm_coord_manager",
	.init = mgr_init,
	.exit = mgr_exit,
	.test_cases = drm_svm_coord_manager_cases,
};

kunit_test_suite(drm_svm_coord_manager_suite);

MODULE_DESCRIPTION("KUnit tests of the drm_svm_coord manager");
MODULE_LICENSE("Dual MIT/GPL");
