// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright 2026 The drm_svm_coord authors
 *
 * The PTE flags of SVM mappings, amdgpu_svm_pte_rules(): the memory type
 * and the snoop bit against a table transcribed by hand from KFD's
 * svm_range_get_pte_flags() (amdkfd/kfd_svm.c), one row per GC version,
 * domain and device property that changes the answer; then the rules that
 * every combination of inputs must obey. What amdgpu_gmc_get_vm_pte()
 * makes of the MTYPE per ASIC is not tested here:
 * decisions only; nothing here talks to a GPU.
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/kernel.h>

#include <drm/amdgpu_drm.h>

#include "../amdgpu.h"
#include "../amdgpu_svm_rules.h"

#define SYS	AMDGPU_SVM_SYSTEM
#define LOC	AMDGPU_SVM_LOCAL
#define PEER	AMDGPU_SVM_PEER

#define MT_NC	AMDGPU_VM_MTYPE_NC
#define MT_CC	AMDGPU_VM_MTYPE_CC
#define MT_UC	AMDGPU_VM_MTYPE_UC
#define MT_RW	AMDGPU_VM_MTYPE_RW

static const char *domain_name(u8 domain)
{
	switch (domain) {
	case AMDGPU_SVM_SYSTEM:
		return "system";
	case AMDGPU_SVM_LOCAL:
		return "local VRAM";
	case AMDGPU_SVM_PEER:
		return "peer VRAM";
	default:
		return "bad domain";
	}
}

static const char *mtype_name(u32 mtype)
{
	switch (mtype) {
	case AMDGPU_VM_MTYPE_DEFAULT:
		return "DEFAULT";
	case AMDGPU_VM_MTYPE_NC:
		return "NC";
	case AMDGPU_VM_MTYPE_WC:
		return "WC";
	case AMDGPU_VM_MTYPE_CC:
		return "CC";
	case AMDGPU_VM_MTYPE_UC:
		return "UC";
	case AMDGPU_VM_MTYPE_RW:
		return "RW";
	default:
		return "bad MTYPE";
	}
}

/* ---- kfd_table: KFD's answers, row by row -------------------------------- */

/*
 * One row: the inputs svm_range_get_pte_flags() looks at (a peer is
 * always in the same XGMI hive, EXT_COHERENT never set, local VRAM the
 * partition's own) and the MTYPE and snoop bit it gives.
 */
struct kfd_row {
	u32 gc_ip;
	u8 domain;
	bool coherent;
	bool is_apu;
	bool numa_multi;
	bool aid_a1;
	int mtype_local;
	u32 mtype;
	bool snoop;
};

#define ROW(mj, mn, rv, dom, coh, apu, numa, a1, ml, mt, sn) \
	{ IP_VERSION(mj, mn, rv), dom, coh, apu, numa, a1, ml, mt, sn }

/*
 * Columns: GC version, domain, coherent, APU, several NUMA nodes, A1 AID,
 * amdgpu.mtype_local (-1 is the parameter's default), then KFD's MTYPE
 * and snoop bit.
 */
static const struct kfd_row kfd_rows[] = {
	/* 9.4.1: bo_node == node: CC/RW; another node: UC/NC, same hive snoops */
	ROW(9, 4, 1, LOC,  0, 0, 0, 0, -1, MT_RW, 0),
	ROW(9, 4, 1, LOC,  1, 0, 0, 0, -1, MT_CC, 0),
	ROW(9, 4, 1, PEER, 0, 0, 0, 0, -1, MT_NC, 1),
	ROW(9, 4, 1, PEER, 1, 0, 0, 0, -1, MT_UC, 1),
	ROW(9, 4, 1, SYS,  0, 0, 0, 0, -1, MT_NC, 1),
	ROW(9, 4, 1, SYS,  1, 0, 0, 0, -1, MT_UC, 1),
	/* 9.4.2: the same (connected_to_cpu offers no VRAM here) */
	ROW(9, 4, 2, LOC,  0, 0, 0, 0, -1, MT_RW, 0),
	ROW(9, 4, 2, LOC,  1, 0, 0, 0, -1, MT_CC, 0),
	ROW(9, 4, 2, PEER, 0, 0, 0, 0, -1, MT_NC, 1),
	ROW(9, 4, 2, PEER, 1, 0, 0, 0, -1, MT_UC, 1),
	ROW(9, 4, 2, SYS,  0, 0, 0, 0, -1, MT_NC, 1),
	ROW(9, 4, 2, SYS,  1, 0, 0, 0, -1, MT_UC, 1),
	ROW(9, 4, 2, SYS,  1, 1, 1, 0,  2, MT_UC, 1),
	/* 9.4.3: always snooped; local from mtype_local: 1 NC, 2 CC, else RW */
	ROW(9, 4, 3, LOC,  0, 0, 0, 0, -1, MT_RW, 1),
	ROW(9, 4, 3, LOC,  0, 0, 0, 0,  0, MT_RW, 1),
	ROW(9, 4, 3, LOC,  0, 0, 0, 0,  1, MT_NC, 1),
	ROW(9, 4, 3, LOC,  0, 0, 0, 0,  2, MT_CC, 1),
	ROW(9, 4, 3, LOC,  1, 0, 0, 0,  1, MT_NC, 1),
	ROW(9, 4, 3, LOC,  1, 1, 0, 0,  2, MT_CC, 1),
	/* same-hive peer: NC */
	ROW(9, 4, 3, PEER, 0, 0, 0, 0,  2, MT_NC, 1),
	ROW(9, 4, 3, PEER, 1, 0, 0, 0,  0, MT_NC, 1),
	/* dGPU system memory: UC before 9.5.0 */
	ROW(9, 4, 3, SYS,  0, 0, 0, 0, -1, MT_UC, 1),
	ROW(9, 4, 3, SYS,  1, 0, 0, 0,  2, MT_UC, 1),
	/* APU system memory: mtype_local on one NUMA node, NC on several */
	ROW(9, 4, 3, SYS,  0, 1, 0, 0, -1, MT_RW, 1),
	ROW(9, 4, 3, SYS,  0, 1, 0, 0,  0, MT_RW, 1),
	ROW(9, 4, 3, SYS,  0, 1, 0, 0,  1, MT_NC, 1),
	ROW(9, 4, 3, SYS,  1, 1, 0, 0,  2, MT_CC, 1),
	ROW(9, 4, 3, SYS,  0, 1, 1, 0,  0, MT_NC, 1),
	ROW(9, 4, 3, SYS,  1, 1, 1, 0,  2, MT_NC, 1),
	/* 9.4.4: as 9.4.3 */
	ROW(9, 4, 4, LOC,  0, 0, 0, 0, -1, MT_RW, 1),
	ROW(9, 4, 4, LOC,  0, 0, 0, 0,  0, MT_RW, 1),
	ROW(9, 4, 4, LOC,  0, 0, 0, 0,  1, MT_NC, 1),
	ROW(9, 4, 4, LOC,  0, 0, 0, 0,  2, MT_CC, 1),
	ROW(9, 4, 4, LOC,  1, 0, 0, 0,  1, MT_NC, 1),
	ROW(9, 4, 4, LOC,  1, 1, 0, 0,  2, MT_CC, 1),
	ROW(9, 4, 4, PEER, 0, 0, 0, 0,  2, MT_NC, 1),
	ROW(9, 4, 4, PEER, 1, 0, 0, 0,  0, MT_NC, 1),
	ROW(9, 4, 4, SYS,  0, 0, 0, 0, -1, MT_UC, 1),
	ROW(9, 4, 4, SYS,  1, 0, 0, 0,  2, MT_UC, 1),
	ROW(9, 4, 4, SYS,  0, 1, 0, 0, -1, MT_RW, 1),
	ROW(9, 4, 4, SYS,  0, 1, 0, 0,  0, MT_RW, 1),
	ROW(9, 4, 4, SYS,  0, 1, 0, 0,  1, MT_NC, 1),
	ROW(9, 4, 4, SYS,  1, 1, 0, 0,  2, MT_CC, 1),
	ROW(9, 4, 4, SYS,  0, 1, 1, 0,  0, MT_NC, 1),
	ROW(9, 4, 4, SYS,  1, 1, 1, 0,  2, MT_NC, 1),
	/* 9.5.0: as 9.4.3, but dGPU system memory is NC */
	ROW(9, 5, 0, LOC,  0, 0, 0, 0, -1, MT_RW, 1),
	ROW(9, 5, 0, LOC,  0, 0, 0, 0,  0, MT_RW, 1),
	ROW(9, 5, 0, LOC,  0, 0, 0, 0,  1, MT_NC, 1),
	ROW(9, 5, 0, LOC,  0, 0, 0, 0,  2, MT_CC, 1),
	ROW(9, 5, 0, LOC,  1, 0, 0, 0,  1, MT_NC, 1),
	ROW(9, 5, 0, LOC,  1, 1, 0, 0,  2, MT_CC, 1),
	ROW(9, 5, 0, PEER, 0, 0, 0, 0,  2, MT_NC, 1),
	ROW(9, 5, 0, PEER, 1, 0, 0, 0,  0, MT_NC, 1),
	ROW(9, 5, 0, SYS,  0, 0, 0, 0, -1, MT_NC, 1),
	ROW(9, 5, 0, SYS,  1, 0, 0, 0,  2, MT_NC, 1),
	ROW(9, 5, 0, SYS,  0, 1, 0, 0, -1, MT_RW, 1),
	ROW(9, 5, 0, SYS,  0, 1, 0, 0,  0, MT_RW, 1),
	ROW(9, 5, 0, SYS,  0, 1, 0, 0,  1, MT_NC, 1),
	ROW(9, 5, 0, SYS,  1, 1, 0, 0,  2, MT_CC, 1),
	ROW(9, 5, 0, SYS,  0, 1, 1, 0,  0, MT_NC, 1),
	ROW(9, 5, 0, SYS,  1, 1, 1, 0,  2, MT_NC, 1),
	/* 12.0.0, 12.0.1: NC everywhere, snoop only system memory */
	ROW(12, 0, 0, LOC,  0, 0, 0, 0, -1, MT_NC, 0),
	ROW(12, 0, 0, LOC,  1, 0, 0, 0, -1, MT_NC, 0),
	ROW(12, 0, 0, PEER, 0, 0, 0, 0, -1, MT_NC, 0),
	ROW(12, 0, 0, PEER, 1, 0, 0, 0, -1, MT_NC, 0),
	ROW(12, 0, 0, SYS,  0, 0, 0, 0, -1, MT_NC, 1),
	ROW(12, 0, 0, SYS,  1, 0, 0, 0, -1, MT_NC, 1),
	ROW(12, 0, 1, LOC,  0, 0, 0, 0, -1, MT_NC, 0),
	ROW(12, 0, 1, LOC,  1, 0, 0, 0, -1, MT_NC, 0),
	ROW(12, 0, 1, PEER, 0, 0, 0, 0, -1, MT_NC, 0),
	ROW(12, 0, 1, PEER, 1, 0, 0, 0, -1, MT_NC, 0),
	ROW(12, 0, 1, SYS,  0, 0, 0, 0, -1, MT_NC, 1),
	ROW(12, 0, 1, SYS,  1, 1, 0, 0, -1, MT_NC, 1),
	/* 12.1.0: always snooped; local: 0 RW, 1 NC, else RW on A1, NC before */
	ROW(12, 1, 0, LOC,  0, 0, 0, 0,  0, MT_RW, 1),
	ROW(12, 1, 0, LOC,  0, 0, 0, 0,  1, MT_NC, 1),
	ROW(12, 1, 0, LOC,  0, 0, 0, 0,  2, MT_NC, 1),
	ROW(12, 1, 0, LOC,  1, 0, 0, 0, -1, MT_NC, 1),
	ROW(12, 1, 0, LOC,  0, 0, 0, 1,  0, MT_RW, 1),
	ROW(12, 1, 0, LOC,  0, 0, 0, 1,  1, MT_NC, 1),
	ROW(12, 1, 0, LOC,  0, 0, 0, 1,  2, MT_RW, 1),
	ROW(12, 1, 0, LOC,  1, 0, 0, 1, -1, MT_RW, 1),
	/* remote (system memory or peer VRAM): NC on A1, UC before */
	ROW(12, 1, 0, SYS,  0, 0, 0, 0,  0, MT_UC, 1),
	ROW(12, 1, 0, SYS,  1, 0, 0, 0,  2, MT_UC, 1),
	ROW(12, 1, 0, SYS,  1, 1, 1, 0,  0, MT_UC, 1),
	ROW(12, 1, 0, SYS,  0, 0, 0, 1,  0, MT_NC, 1),
	ROW(12, 1, 0, SYS,  1, 0, 0, 1,  2, MT_NC, 1),
	ROW(12, 1, 0, PEER, 0, 0, 0, 0,  0, MT_UC, 1),
	ROW(12, 1, 0, PEER, 1, 0, 0, 0,  2, MT_UC, 1),
	ROW(12, 1, 0, PEER, 0, 0, 0, 1,  0, MT_NC, 1),
	ROW(12, 1, 0, PEER, 1, 0, 0, 1,  2, MT_NC, 1),
	/* any other GC: UC if coherent, else NC; snoop only system memory */
	ROW(9, 0, 1, LOC,  0, 0, 0, 0, -1, MT_NC, 0),
	ROW(9, 0, 1, LOC,  1, 0, 0, 0, -1, MT_UC, 0),
	ROW(9, 0, 1, PEER, 0, 0, 0, 0, -1, MT_NC, 0),
	ROW(9, 0, 1, PEER, 1, 0, 0, 0, -1, MT_UC, 0),
	ROW(9, 0, 1, SYS,  0, 0, 0, 0, -1, MT_NC, 1),
	ROW(9, 0, 1, SYS,  1, 0, 0, 0, -1, MT_UC, 1),
	ROW(9, 4, 0, LOC,  0, 0, 0, 0,  2, MT_NC, 0),
	ROW(9, 4, 0, LOC,  1, 0, 0, 0,  2, MT_UC, 0),
	ROW(9, 4, 0, PEER, 0, 0, 0, 0,  2, MT_NC, 0),
	ROW(9, 4, 0, PEER, 1, 0, 0, 0,  2, MT_UC, 0),
	ROW(9, 4, 0, SYS,  0, 0, 0, 0,  2, MT_NC, 1),
	ROW(9, 4, 0, SYS,  1, 0, 0, 0,  2, MT_UC, 1),
	ROW(10, 3, 0, LOC,  0, 0, 0, 0, -1, MT_NC, 0),
	ROW(10, 3, 0, LOC,  1, 0, 0, 0, -1, MT_UC, 0),
	ROW(10, 3, 0, PEER, 0, 0, 0, 0, -1, MT_NC, 0),
	ROW(10, 3, 0, PEER, 1, 0, 0, 0, -1, MT_UC, 0),
	ROW(10, 3, 0, SYS,  0, 0, 0, 0, -1, MT_NC, 1),
	ROW(10, 3, 0, SYS,  1, 0, 0, 0, -1, MT_UC, 1),
	ROW(11, 0, 0, LOC,  0, 0, 0, 0, -1, MT_NC, 0),
	ROW(11, 0, 0, LOC,  1, 0, 0, 0, -1, MT_UC, 0),
	ROW(11, 0, 0, PEER, 0, 0, 0, 0, -1, MT_NC, 0),
	ROW(11, 0, 0, PEER, 1, 0, 0, 0, -1, MT_UC, 0),
	ROW(11, 0, 0, SYS,  0, 0, 0, 0, -1, MT_NC, 1),
	ROW(11, 0, 0, SYS,  1, 0, 0, 0, -1, MT_UC, 1),
	/* an APU of the default rows: no mtype_local, no NUMA rule */
	ROW(11, 5, 0, SYS,  0, 1, 1, 0,  2, MT_NC, 1),
	ROW(11, 5, 0, SYS,  1, 1, 0, 0,  1, MT_UC, 1),
};

static void kfd_row_desc(const struct kfd_row *row, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE,
		 "GC %u.%u.%u %s coherent %d %s numa_multi %d aid_a1 %d mtype_local %d",
		 IP_VERSION_MAJ(row->gc_ip), IP_VERSION_MIN(row->gc_ip),
		 IP_VERSION_REV(row->gc_ip), domain_name(row->domain),
		 row->coherent, row->is_apu ? "APU" : "dGPU", row->numa_multi,
		 row->aid_a1, row->mtype_local);
}

KUNIT_ARRAY_PARAM(kfd_rows, kfd_rows, kfd_row_desc);

static void kfd_table(struct kunit *test)
{
	const struct kfd_row *row = test->param_value;
	struct amdgpu_svm_pte_in in = {
		.gc_ip = row->gc_ip,
		.domain = row->domain,
		.coherent = row->coherent,
		.is_apu = row->is_apu,
		.numa_multi = row->numa_multi,
		.aid_a1 = row->aid_a1,
		.mtype_local = row->mtype_local,
	};
	struct amdgpu_svm_pte_out out = amdgpu_svm_pte_rules(&in);
	u32 mtype = out.vm_flags & AMDGPU_VM_MTYPE_MASK;
	bool snoop = out.pte_before & AMDGPU_PTE_SNOOPED;
	char desc[KUNIT_PARAM_DESC_SIZE];

	kfd_row_desc(row, desc);
	KUNIT_EXPECT_EQ_MSG(test, mtype, row->mtype,
			    "%s: MTYPE %s where KFD uses %s", desc,
			    mtype_name(mtype), mtype_name(row->mtype));
	KUNIT_EXPECT_EQ_MSG(test, snoop, row->snoop,
			    "%s: SNOOPED %s where KFD %s it", desc,
			    snoop ? "set" : "clear",
			    row->snoop ? "sets" : "clears");
}

/* ---- invariants: every combination ------------------------------------- */

static const u32 inv_gc[] = {
	IP_VERSION(9, 0, 1), IP_VERSION(9, 1, 0), IP_VERSION(9, 2, 1),
	IP_VERSION(9, 2, 2), IP_VERSION(9, 3, 0), IP_VERSION(9, 4, 0),
	IP_VERSION(9, 4, 1), IP_VERSION(9, 4, 2), IP_VERSION(9, 4, 3),
	IP_VERSION(9, 4, 4), IP_VERSION(9, 5, 0), IP_VERSION(10, 1, 10),
	IP_VERSION(10, 3, 0), IP_VERSION(10, 3, 6), IP_VERSION(11, 0, 0),
	IP_VERSION(11, 0, 3), IP_VERSION(11, 5, 0), IP_VERSION(12, 0, 0),
	IP_VERSION(12, 0, 1), IP_VERSION(12, 1, 0),
};

static const u8 inv_domains[] = { SYS, LOC, PEER };

static const int inv_mtype_local[] = { 0, 1, 2 };

/* The boolean inputs, one bit each of a combination number. */
enum {
	INV_COHERENT,
	INV_EXEC,
	INV_READ_ONLY,
	INV_APU,
	INV_NUMA_MULTI,
	INV_AID_A1,
	INV_ATOMICS,
	INV_BOOLS,
};

#define INV_ALLOWED_BEFORE	(AMDGPU_PTE_VALID | AMDGPU_PTE_SYSTEM | \
				 AMDGPU_PTE_SNOOPED | AMDGPU_PTE_IS_PTE)
#define INV_ALLOWED_AFTER	(AMDGPU_PTE_READABLE | AMDGPU_PTE_WRITEABLE | \
				 AMDGPU_PTE_BUS_ATOMICS)
#define INV_ALLOWED_VM		(AMDGPU_VM_MTYPE_MASK | AMDGPU_VM_PAGE_EXECUTABLE)

static void inv_desc(const struct amdgpu_svm_pte_in *in, char *buf,
		     size_t len)
{
	snprintf(buf, len,
		 "GC %u.%u.%u %s coherent %d exec %d read_only %d apu %d numa_multi %d aid_a1 %d atomics %d mtype_local %d",
		 IP_VERSION_MAJ(in->gc_ip), IP_VERSION_MIN(in->gc_ip),
		 IP_VERSION_REV(in->gc_ip), domain_name(in->domain),
		 in->coherent, in->exec, in->read_only, in->is_apu,
		 in->numa_multi, in->aid_a1, in->atomics, in->mtype_local);
}

/*
 * The first rule @out breaks, or NULL. @plain is the answer for the same
 * input without exec, read-only and atomics, which only add permission
 * bits and must not change the memory type or the bits before
 * amdgpu_gmc_get_vm_pte().
 */
static const char *inv_broken(const struct amdgpu_svm_pte_in *in,
			      const struct amdgpu_svm_pte_out *out,
			      const struct amdgpu_svm_pte_out *plain)
{
	bool system = in->domain == AMDGPU_SVM_SYSTEM;
	bool gfx12 = in->gc_ip >= IP_VERSION(12, 0, 0);
	bool atomics = in->gc_ip == IP_VERSION(12, 1, 0) && in->atomics;
	u32 mtype = out->vm_flags & AMDGPU_VM_MTYPE_MASK;

	if (!(out->pte_before & AMDGPU_PTE_VALID))
		return "VALID missing";
	if (system && !(out->pte_before & AMDGPU_PTE_SYSTEM))
		return "SYSTEM missing for system memory";
	if (!system && (out->pte_before & AMDGPU_PTE_SYSTEM))
		return "SYSTEM set for VRAM";
	if (system && !(out->pte_before & AMDGPU_PTE_SNOOPED))
		return "system memory not snooped";
	if (gfx12 && !(out->pte_before & AMDGPU_PTE_IS_PTE))
		return "IS_PTE missing on GC 12 or later";
	if (!gfx12 && (out->pte_before & AMDGPU_PTE_IS_PTE))
		return "IS_PTE set before GC 12";
	if (out->pte_before & ~INV_ALLOWED_BEFORE)
		return "pte_before has bits besides VALID, SYSTEM, SNOOPED, IS_PTE";
	if (!(out->pte_after & AMDGPU_PTE_READABLE))
		return "READABLE missing";
	if (in->read_only && (out->pte_after & AMDGPU_PTE_WRITEABLE))
		return "WRITEABLE set on a read-only mapping";
	if (!in->read_only && !(out->pte_after & AMDGPU_PTE_WRITEABLE))
		return "WRITEABLE missing on a writable mapping";
	if (atomics && !(out->pte_after & AMDGPU_PTE_BUS_ATOMICS))
		return "BUS_ATOMICS missing on GC 12.1.0 with atomics";
	if (!atomics && (out->pte_after & AMDGPU_PTE_BUS_ATOMICS))
		return "BUS_ATOMICS set other than on GC 12.1.0 with atomics";
	if (out->pte_after & ~INV_ALLOWED_AFTER)
		return "pte_after has bits besides READABLE, WRITEABLE, BUS_ATOMICS";
	if (in->exec && !(out->vm_flags & AMDGPU_VM_PAGE_EXECUTABLE))
		return "EXECUTABLE missing on an executable mapping";
	if (!in->exec && (out->vm_flags & AMDGPU_VM_PAGE_EXECUTABLE))
		return "EXECUTABLE set on a mapping that is not executable";
	if (out->vm_flags & ~INV_ALLOWED_VM)
		return "vm_flags has bits besides the MTYPE and EXECUTABLE";
	if (mtype != AMDGPU_VM_MTYPE_NC && mtype != AMDGPU_VM_MTYPE_CC &&
	    mtype != AMDGPU_VM_MTYPE_UC && mtype != AMDGPU_VM_MTYPE_RW)
		return "MTYPE is not one of NC, CC, UC, RW";
	if (mtype != (plain->vm_flags & AMDGPU_VM_MTYPE_MASK))
		return "MTYPE depends on exec, read-only or atomics";
	if (out->pte_before != plain->pte_before)
		return "pte_before depends on exec, read-only or atomics";
	return NULL;
}

/* Checks one combination; false (and the test failed) when a rule breaks. */
static bool inv_check(struct kunit *test, const struct amdgpu_svm_pte_in *in)
{
	struct amdgpu_svm_pte_in in_plain = *in;
	struct amdgpu_svm_pte_out out, plain;
	const char *broken;
	char desc[192];

	in_plain.exec = false;
	in_plain.read_only = false;
	in_plain.atomics = false;
	out = amdgpu_svm_pte_rules(in);
	plain = amdgpu_svm_pte_rules(&in_plain);

	broken = inv_broken(in, &out, &plain);
	if (!broken)
		return true;
	inv_desc(in, desc, sizeof(desc));
	KUNIT_FAIL(test, "%s: %s (vm_flags %#x, pte_before %#llx, pte_after %#llx)",
		   desc, broken, out.vm_flags, out.pte_before, out.pte_after);
	return false;
}

static void invariants(struct kunit *test)
{
	const unsigned int total = ARRAY_SIZE(inv_gc) *
				   ARRAY_SIZE(inv_domains) * BIT(INV_BOOLS) *
				   ARRAY_SIZE(inv_mtype_local);
	unsigned int g, d, b, m, checked = 0;
	struct amdgpu_svm_pte_in in;

	for (g = 0; g < ARRAY_SIZE(inv_gc); g++) {
		for (d = 0; d < ARRAY_SIZE(inv_domains); d++) {
			for (b = 0; b < BIT(INV_BOOLS); b++) {
				for (m = 0; m < ARRAY_SIZE(inv_mtype_local); m++) {
					in = (struct amdgpu_svm_pte_in) {
						.gc_ip = inv_gc[g],
						.domain = inv_domains[d],
						.coherent = b & BIT(INV_COHERENT),
						.exec = b & BIT(INV_EXEC),
						.read_only = b & BIT(INV_READ_ONLY),
						.is_apu = b & BIT(INV_APU),
						.numa_multi = b & BIT(INV_NUMA_MULTI),
						.aid_a1 = b & BIT(INV_AID_A1),
						.atomics = b & BIT(INV_ATOMICS),
						.mtype_local = inv_mtype_local[m],
					};
					/* The first counterexample says it all. */
					if (!inv_check(test, &in))
						return;
					checked++;
				}
			}
		}
	}

	KUNIT_EXPECT_EQ_MSG(test, checked, total,
			    "checked %u combinations where %u were expected",
			    checked, total);
}

static struct kunit_case amdgpu_svm_pte_cases[] = {
	KUNIT_CASE_PARAM(kfd_table, kfd_rows_gen_params),
	KUNIT_CASE(invariants),
	{}
};

static struct kunit_suite amdgpu_svm_pte_suite = {
	.name = "amdgpu_svm_pte",
	.test_cases = amdgpu_svm_pte_cases,
};

kunit_test_suite(amdgpu_svm_pte_suite);
