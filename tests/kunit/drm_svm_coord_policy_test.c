// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * The residency policy and the thrash state machine, which are pure: the
 * policy over every combination of a universe of three GPUs (topology,
 * VRAM, room, preferred location, access kind, data location, prefetch
 * request, thrash state, requesting GPU), each decision checked against
 * the rule that must have decided it, for faults and restores; thrash
 * control by simulating GPUs that take turns on one range, with a clock
 * the test advances; the eviction target over a universe of its own.
 */

#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/time64.h>

#include "../drm_svm_coord_priv.h"

#define NGPUS		3
#define SYS		DRM_SVM_COORD_LOC_SYSMEM
#define UNDEF		DRM_SVM_COORD_LOC_UNDEFINED

enum { TOPO_ALL, TOPO_PAIR, TOPO_NONE, TOPO_NUM };
enum { ACC_DEFAULT, ACC_ACCESS, ACC_IN_PLACE, ACC_NONE, ACC_NUM };

static const char *const topo_names[] = { "all", "pair01", "none" };

/* reach[] of a topology: all connected, {0, 1} and {2}, or nobody. */
static void make_topo(struct drm_svm_coord_topology *topo, int kind,
		      u64 vram, u64 room)
{
	unsigned int g;

	memset(topo, 0, sizeof(*topo));
	topo->vram = vram;
	topo->room = room;
	for (g = 0; g < NGPUS; g++) {
		switch (kind) {
		case TOPO_ALL:
			topo->reach[g] = GENMASK_ULL(NGPUS - 1, 0);
			break;
		case TOPO_PAIR:
			topo->reach[g] = g < 2 ? 0x3 : 0x4;
			break;
		default:
			topo->reach[g] = BIT_ULL(g);
			break;
		}
	}
}

static bool takes(const struct drm_svm_coord_topology *topo, u32 loc)
{
	return loc == SYS || (topo->vram & topo->room & BIT_ULL(loc));
}

/* Locations of the universe: system memory and each GPU. */
static const u32 locs[] = { SYS, 0, 1, 2 };

/*
 * What the rules of the Residency policy section say, stated as the
 * condition each rule checks; returns the expected location and rule.
 */
static void expect(const struct drm_svm_coord_policy_in *in, u32 *loc,
		   u32 *rule)
{
	const struct drm_svm_coord_topology *t = in->topo;
	const struct drm_svm_coord_attrs *a = in->attrs;
	unsigned int g = in->gpu;
	bool reach_cur = drm_svm_coord_reaches(t, g, in->cur);
	u32 p = a->preferred_loc;

	if (a->no_access & BIT_ULL(g)) {
		*loc = in->cur;
		*rule = DRM_SVM_COORD_RULE_NO_ACCESS;
	} else if (in->restore) {
		*loc = reach_cur ? in->cur : SYS;
		*rule = DRM_SVM_COORD_RULE_RESTORE;
	} else if (in->request != UNDEF) {
		*loc = takes(t, in->request) ? in->request : in->cur;
		*rule = DRM_SVM_COORD_RULE_PREFETCH;
	} else if (a->access_in_place & BIT_ULL(g)) {
		*loc = reach_cur ? in->cur : SYS;
		*rule = DRM_SVM_COORD_RULE_IN_PLACE;
	} else if (in->thrash == DRM_SVM_COORD_THRASH_PINNED) {
		bool ok = drm_svm_coord_reaches(t, g, in->pin_loc) &&
			  (in->pin_loc == in->cur || takes(t, in->pin_loc));

		*loc = ok ? in->pin_loc : SYS;
		*rule = DRM_SVM_COORD_RULE_PINNED;
	} else if (p == SYS ||
		   (p != UNDEF && drm_svm_coord_reaches(t, g, p) &&
		    (p == in->cur || takes(t, p)))) {
		*loc = p;
		*rule = DRM_SVM_COORD_RULE_PREFERRED;
	} else if (in->thrash == DRM_SVM_COORD_THRASH_THROTTLED && reach_cur) {
		*loc = in->cur;
		*rule = DRM_SVM_COORD_RULE_THROTTLED;
	} else if (in->cur == g || takes(t, g)) {
		*loc = g;
		*rule = DRM_SVM_COORD_RULE_LOCAL;
	} else if (reach_cur) {
		*loc = in->cur;
		*rule = DRM_SVM_COORD_RULE_STAY;
	} else {
		*loc = SYS;
		*rule = DRM_SVM_COORD_RULE_UNREACHABLE;
	}
}

struct universe_stats {
	unsigned long cases;
	unsigned long migrate;
	unsigned long map;
	unsigned long refuse;
	unsigned long remote;	/* maps of another GPU's VRAM */
	unsigned long rules[DRM_SVM_COORD_RULE_NUM];
};

static void check_one(struct kunit *test, const struct drm_svm_coord_policy_in *in,
		      struct universe_stats *st)
{
	struct drm_svm_coord_decision d = drm_svm_coord_decide(in);
	struct drm_svm_coord_decision again = drm_svm_coord_decide(in);
	u32 loc, rule;

	st->cases++;
	expect(in, &loc, &rule);
	if (d.loc == loc && d.rule == rule && d.action == again.action &&
	    d.loc == again.loc && d.rule == again.rule)
		goto invariants;
	KUNIT_FAIL(test,
		   "gpu %u cur %x pref %x req %x restore %d thrash %u pin %x vram %llx room %llx reach %llx/%llx/%llx in_place %llx no %llx: got loc %x rule %u, want loc %x rule %u",
		   in->gpu, in->cur, in->attrs->preferred_loc, in->request, in->restore,
		   in->thrash, in->pin_loc, in->topo->vram, in->topo->room,
		   in->topo->reach[0], in->topo->reach[1], in->topo->reach[2],
		   in->attrs->access_in_place, in->attrs->no_access, d.loc,
		   d.rule, loc, rule);
	return;

invariants:
	st->rules[d.rule]++;
	switch (d.action) {
	case DRM_SVM_COORD_REFUSE:
		st->refuse++;
		KUNIT_EXPECT_TRUE(test, in->attrs->no_access & BIT_ULL(in->gpu));
		return;
	case DRM_SVM_COORD_MAP:
		st->map++;
		/* Mapping never moves data. */
		KUNIT_EXPECT_EQ(test, d.loc, in->cur);
		if (d.loc != SYS && d.loc != in->gpu)
			st->remote++;
		break;
	case DRM_SVM_COORD_MIGRATE:
		st->migrate++;
		/* A move goes somewhere else, with room for the data. */
		KUNIT_EXPECT_NE(test, d.loc, in->cur);
		KUNIT_EXPECT_TRUE(test, takes(in->topo, d.loc));
		break;
	default:
		KUNIT_FAIL(test, "unknown action %u", d.action);
		return;
	}
	/* Safety: a GPU is only ever given a location it reaches. */
	if (in->request == UNDEF)
		KUNIT_EXPECT_TRUE_MSG(test,
				      drm_svm_coord_reaches(in->topo, in->gpu, d.loc),
				      "gpu %u given unreachable loc %x", in->gpu,
				      d.loc);
	/* Access in place and restores never move data the GPU can reach. */
	if (((in->attrs->access_in_place & BIT_ULL(in->gpu)) || in->restore) &&
	    in->request == UNDEF &&
	    drm_svm_coord_reaches(in->topo, in->gpu, in->cur))
		KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MAP);
	/* A throttled range does not move for a GPU that reaches it. */
	if (in->thrash == DRM_SVM_COORD_THRASH_THROTTLED &&
	    in->request == UNDEF && in->attrs->preferred_loc == UNDEF &&
	    drm_svm_coord_reaches(in->topo, in->gpu, in->cur))
		KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MAP);
}

/* Sizes of the dimensions of the universe, see test_policy_universe(). */
static const u32 prefs[] = { UNDEF, SYS, 0, 1, 2 };
/* A prefetch request, or none (UNDEF: a fault or a map; RESTORE: a restore). */
#define RESTORE		0xfffffff0u
static const u32 reqs[] = { UNDEF, SYS, 0, 1, 2, RESTORE };
#define N_THRASH	(2 + ARRAY_SIZE(locs))	/* NORMAL, THROTTLED, PINNED at each */

/* Take the next digit of @i in base @n. */
static unsigned int digit(unsigned long *i, unsigned int n)
{
	unsigned int d = *i % n;

	*i /= n;
	return d;
}

static void test_policy_universe(struct kunit *test)
{
	unsigned long total = TOPO_NUM * BIT(NGPUS) * BIT(NGPUS) *
			      ARRAY_SIZE(prefs) * ACC_NUM * ARRAY_SIZE(locs) *
			      ARRAY_SIZE(reqs) * N_THRASH * NGPUS;
	struct universe_stats st = {};
	struct drm_svm_coord_topology topo;
	struct drm_svm_coord_attrs attrs;
	struct drm_svm_coord_policy_in in = { .attrs = &attrs, .topo = &topo };
	unsigned long n;
	unsigned int r;

	for (n = 0; n < total; n++) {
		unsigned long i = n;
		unsigned int kind = digit(&i, TOPO_NUM);
		unsigned int vram = digit(&i, BIT(NGPUS));
		unsigned int room = digit(&i, BIT(NGPUS));
		unsigned int p = digit(&i, ARRAY_SIZE(prefs));
		unsigned int acc = digit(&i, ACC_NUM);
		unsigned int c = digit(&i, ARRAY_SIZE(locs));
		unsigned int q = digit(&i, ARRAY_SIZE(reqs));
		unsigned int th = digit(&i, N_THRASH);
		unsigned int g = digit(&i, NGPUS);

		make_topo(&topo, kind, vram, room);
		drm_svm_coord_attrs_default(&attrs);
		attrs.preferred_loc = prefs[p];
		if (acc == ACC_ACCESS)
			attrs.access = BIT_ULL(g);
		else if (acc == ACC_IN_PLACE)
			attrs.access_in_place = BIT_ULL(g);
		else if (acc == ACC_NONE)
			attrs.no_access = BIT_ULL(g);
		in.gpu = g;
		in.cur = locs[c];
		in.restore = reqs[q] == RESTORE;
		in.request = in.restore ? UNDEF : reqs[q];
		in.thrash = min(th, 2u);
		in.pin_loc = th >= 2 ? locs[th - 2] : SYS;
		/* Data is only ever in the VRAM of a GPU that has some. */
		if ((in.cur != SYS && !(vram & BIT(in.cur))) ||
		    (in.pin_loc != SYS && !(vram & BIT(in.pin_loc))))
			continue;
		check_one(test, &in, &st);
	}

	kunit_info(test, "%lu decisions (%s/%s/%s topologies): %lu migrate, %lu map (%lu remote), %lu refuse\n",
		   st.cases, topo_names[0], topo_names[1], topo_names[2],
		   st.migrate, st.map, st.remote, st.refuse);
	/* The universe exercises every rule and every action. */
	for (r = 0; r < DRM_SVM_COORD_RULE_NUM; r++)
		KUNIT_EXPECT_GT_MSG(test, st.rules[r], 0, "rule %u never decided", r);
	KUNIT_EXPECT_GT(test, st.migrate, 0);
	KUNIT_EXPECT_GT(test, st.remote, 0);
}

/* The documented examples, one per rule, on two connected GPUs with VRAM. */
static void test_policy_examples(struct kunit *test)
{
	struct drm_svm_coord_topology topo;
	struct drm_svm_coord_attrs attrs;
	struct drm_svm_coord_policy_in in = {
		.attrs = &attrs, .topo = &topo, .gpu = 1, .cur = SYS,
		.request = UNDEF,
	};
	struct drm_svm_coord_decision d;

	make_topo(&topo, TOPO_PAIR, 0x7, 0x7);
	drm_svm_coord_attrs_default(&attrs);

	/* First touch: the faulting GPU's VRAM. */
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MIGRATE);
	KUNIT_EXPECT_EQ(test, d.loc, 1u);

	/* A peer's VRAM: GPU 1 takes it over, GPU 2 cannot reach it. */
	in.cur = 0;
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.loc, 1u);
	topo.room = 0x1;
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MAP);
	KUNIT_EXPECT_EQ(test, d.loc, 0u);	/* remote map of GPU 0's VRAM */
	in.gpu = 2;
	topo.room = 0x1;
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MIGRATE);
	KUNIT_EXPECT_EQ(test, d.loc, SYS);
	KUNIT_EXPECT_EQ(test, d.rule, (u32)DRM_SVM_COORD_RULE_UNREACHABLE);

	/* Preferred location wins over first touch... */
	topo.room = 0x7;
	in.gpu = 1;
	attrs.preferred_loc = 0;
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MAP);
	KUNIT_EXPECT_EQ(test, d.rule, (u32)DRM_SVM_COORD_RULE_PREFERRED);
	/* ...but not for a GPU that cannot reach it. */
	in.gpu = 2;
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.loc, 2u);
	KUNIT_EXPECT_EQ(test, d.rule, (u32)DRM_SVM_COORD_RULE_LOCAL);

	/* In place: GPU 1 maps GPU 0's VRAM and nothing moves. */
	in.gpu = 1;
	attrs.preferred_loc = UNDEF;
	attrs.access_in_place = BIT_ULL(1);
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MAP);
	KUNIT_EXPECT_EQ(test, d.loc, 0u);

	/* Prefetch moves data even for a GPU in place, and no access refuses. */
	in.request = 2;
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MIGRATE);
	KUNIT_EXPECT_EQ(test, d.loc, 2u);
	attrs.no_access = BIT_ULL(1);
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_REFUSE);

	/*
	 * A restore after the CPU took the data home: GPU 1 would move it
	 * into its VRAM on a fault, its restore maps it in system memory;
	 * data in GPU 0's VRAM stays there for GPU 1 (a peer) and goes to
	 * system memory for GPU 2, which cannot reach it.
	 */
	attrs.no_access = 0;
	attrs.access_in_place = 0;
	in.request = UNDEF;
	in.cur = SYS;
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MIGRATE);
	KUNIT_EXPECT_EQ(test, d.loc, 1u);
	in.restore = true;
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MAP);
	KUNIT_EXPECT_EQ(test, d.loc, SYS);
	KUNIT_EXPECT_EQ(test, d.rule, (u32)DRM_SVM_COORD_RULE_RESTORE);
	in.cur = 0;
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MAP);
	KUNIT_EXPECT_EQ(test, d.loc, 0u);
	in.gpu = 2;
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MIGRATE);
	KUNIT_EXPECT_EQ(test, d.loc, SYS);
	KUNIT_EXPECT_EQ(test, d.rule, (u32)DRM_SVM_COORD_RULE_RESTORE);
	/* Neither a preferred location nor a thrash pin moves it either. */
	in.gpu = 1;
	in.cur = SYS;
	attrs.preferred_loc = 1;
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MAP);
	KUNIT_EXPECT_EQ(test, d.rule, (u32)DRM_SVM_COORD_RULE_RESTORE);
	attrs.preferred_loc = UNDEF;
	in.thrash = DRM_SVM_COORD_THRASH_PINNED;
	in.pin_loc = 0;
	d = drm_svm_coord_decide(&in);
	KUNIT_EXPECT_EQ(test, d.action, (u32)DRM_SVM_COORD_MAP);
	KUNIT_EXPECT_EQ(test, d.loc, SYS);
}

/* Defaults of the module parameters (see Thrash control). */
static const struct drm_svm_coord_thrash_params defaults = {
	.threshold = 3,
	.lapse_ns = 500 * NSEC_PER_USEC,
	.cost_mult = 16,
	.pin_after = 2,
	.quiet_ns = NSEC_PER_SEC,
	.quiet_mult = 256,
};

/*
 * GPUs 0 and 1 take turns writing one range @rounds times, each access a
 * step of @step_ns, each migration costing @cost_ns. A GPU faults when it
 * has no mapping; a migration takes every other GPU's mapping away, as the
 * MMU notifier does. Returns the number of migrations; *faults and *where
 * tell the rest.
 */
static unsigned int ping_pong(struct kunit *test,
			      const struct drm_svm_coord_thrash_params *p,
			      const struct drm_svm_coord_topology *topo,
			      unsigned int rounds, u64 step_ns, u64 cost_ns,
			      unsigned int *faults, u32 *where,
			      struct drm_svm_coord_thrash *t)
{
	struct drm_svm_coord_attrs attrs;
	struct drm_svm_coord_policy_in in = {
		.attrs = &attrs, .topo = topo, .cur = SYS, .request = UNDEF,
	};
	unsigned int i, migrations = 0;
	u64 now = 0, mapped = 0;

	drm_svm_coord_attrs_default(&attrs);
	memset(t, 0, sizeof(*t));
	*faults = 0;
	for (i = 0; i < rounds; i++) {
		struct drm_svm_coord_decision d;
		unsigned int g = i & 1;

		now += step_ns;
		if (mapped & BIT_ULL(g))
			continue;
		(*faults)++;
		in.gpu = g;
		in.thrash = drm_svm_coord_thrash_tick(t, p, now);
		in.pin_loc = t->pin_loc;
		d = drm_svm_coord_decide(&in);
		KUNIT_ASSERT_NE(test, d.action, (u32)DRM_SVM_COORD_REFUSE);
		if (d.action == DRM_SVM_COORD_MIGRATE) {
			now += cost_ns;
			drm_svm_coord_thrash_migrated(t, p, topo, now, g, d.loc,
						      cost_ns);
			in.cur = d.loc;
			mapped = 0;
			migrations++;
		} else if (d.rule == DRM_SVM_COORD_RULE_PINNED ||
			   d.rule == DRM_SVM_COORD_RULE_THROTTLED) {
			drm_svm_coord_thrash_pressure(t, now, g);
		}
		KUNIT_ASSERT_TRUE(test, drm_svm_coord_reaches(topo, g, in.cur));
		mapped |= BIT_ULL(g);
	}
	*where = in.cur;
	return migrations;
}

static void test_thrash_ping_pong(struct kunit *test)
{
	struct drm_svm_coord_thrash_params naive = defaults;
	struct drm_svm_coord_topology topo;
	struct drm_svm_coord_thrash t;
	unsigned int n, faults;
	u32 where;
	int kind;

	naive.threshold = 0;
	for (kind = 0; kind < TOPO_NUM; kind++) {
		make_topo(&topo, kind, 0x7, 0x7);

		/* Naive: every turn moves the range to the writer's VRAM. */
		n = ping_pong(test, &naive, &topo, 1000, 10 * NSEC_PER_USEC,
			      NSEC_PER_MSEC, &faults, &where, &t);
		KUNIT_EXPECT_EQ_MSG(test, n, 1000u, "topology %s", topo_names[kind]);

		/* Damped: a few moves, then both GPUs map one location. */
		n = ping_pong(test, &defaults, &topo, 1000, 10 * NSEC_PER_USEC,
			      NSEC_PER_MSEC, &faults, &where, &t);
		kunit_info(test, "%s: %u migrations, %u faults, ends at %x, state %u\n",
			   topo_names[kind], n, faults, where, t.state);
		KUNIT_EXPECT_LE_MSG(test, n, 10u, "topology %s", topo_names[kind]);
		KUNIT_EXPECT_LE(test, faults, 12u);
		KUNIT_EXPECT_TRUE(test, drm_svm_coord_reaches(&topo, 0, where));
		KUNIT_EXPECT_TRUE(test, drm_svm_coord_reaches(&topo, 1, where));
		if (kind == TOPO_NONE) {
			/* Out of each other's reach: pinned in system memory. */
			KUNIT_EXPECT_EQ(test, t.state, (u32)DRM_SVM_COORD_THRASH_PINNED);
			KUNIT_EXPECT_EQ(test, where, SYS);
		} else {
			/* Peers: one keeps it in VRAM, the other maps it remotely. */
			KUNIT_EXPECT_EQ(test, n, defaults.threshold);
			KUNIT_EXPECT_NE(test, where, SYS);
		}
	}
}

/* The window scales with the cost of a migration of the range. */
static void test_thrash_window_adapts(struct kunit *test)
{
	struct drm_svm_coord_topology topo;
	struct drm_svm_coord_thrash t;
	unsigned int n, faults;
	u32 where;

	make_topo(&topo, TOPO_ALL, 0x7, 0x7);

	/* Cheap copies, turns 100 ms apart: no thrash, every turn moves. */
	n = ping_pong(test, &defaults, &topo, 50, 100 * NSEC_PER_MSEC,
		      10 * NSEC_PER_USEC, &faults, &where, &t);
	KUNIT_EXPECT_EQ(test, n, 50u);
	KUNIT_EXPECT_EQ(test, t.throttles, 0u);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_thrash_window(&t, &defaults),
			defaults.lapse_ns);

	/* Copies of 10 ms, same turns: 100 ms < 16 × 10 ms, thrashing. */
	n = ping_pong(test, &defaults, &topo, 50, 100 * NSEC_PER_MSEC,
		      10 * NSEC_PER_MSEC, &faults, &where, &t);
	KUNIT_EXPECT_EQ(test, n, defaults.threshold);
	KUNIT_EXPECT_EQ(test, t.throttles, 1u);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_thrash_window(&t, &defaults),
			16 * 10 * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_thrash_quiet(&t, &defaults),
			256 * 10 * NSEC_PER_MSEC);
}

/* Pressure keeps an episode alive; quiet ends it; a threshold of 0 is off. */
static void test_thrash_quiet_period(struct kunit *test)
{
	struct drm_svm_coord_thrash_params off = defaults;
	struct drm_svm_coord_topology topo;
	struct drm_svm_coord_thrash t = {};
	u64 now = 0, quiet;
	unsigned int i;

	make_topo(&topo, TOPO_NONE, 0x7, 0x7);
	for (i = 0; i < defaults.threshold; i++) {
		now += NSEC_PER_USEC;
		drm_svm_coord_thrash_migrated(&t, &defaults, &topo, now, i & 1,
					      i & 1, NSEC_PER_USEC);
	}
	KUNIT_ASSERT_EQ(test, t.state, (u32)DRM_SVM_COORD_THRASH_THROTTLED);
	KUNIT_EXPECT_EQ(test, t.competitors, 0x3ull);
	for (i = 0; i < defaults.pin_after; i++) {
		now += NSEC_PER_USEC;
		drm_svm_coord_thrash_migrated(&t, &defaults, &topo, now, 0, 0,
					      NSEC_PER_USEC);
	}
	KUNIT_ASSERT_EQ(test, t.state, (u32)DRM_SVM_COORD_THRASH_PINNED);
	/* GPUs 0 and 1 do not reach each other's VRAM: system memory. */
	KUNIT_EXPECT_EQ(test, t.pin_loc, SYS);

	quiet = drm_svm_coord_thrash_quiet(&t, &defaults);
	KUNIT_EXPECT_EQ(test, quiet, defaults.quiet_ns);
	now += quiet;
	KUNIT_EXPECT_EQ(test, drm_svm_coord_thrash_tick(&t, &defaults, now),
			DRM_SVM_COORD_THRASH_PINNED);
	drm_svm_coord_thrash_pressure(&t, now, 1);
	now += quiet;
	KUNIT_EXPECT_EQ(test, drm_svm_coord_thrash_tick(&t, &defaults, now),
			DRM_SVM_COORD_THRASH_PINNED);
	now += 1;
	KUNIT_EXPECT_EQ(test, drm_svm_coord_thrash_tick(&t, &defaults, now),
			DRM_SVM_COORD_THRASH_NORMAL);
	KUNIT_EXPECT_EQ(test, t.events, 0u);
	KUNIT_EXPECT_EQ(test, t.pins, 1u);
	KUNIT_EXPECT_EQ(test, t.migrations, defaults.threshold + defaults.pin_after);

	/* Off: migrations are counted, the state never leaves NORMAL. */
	off.threshold = 0;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < 100; i++)
		drm_svm_coord_thrash_migrated(&t, &off, &topo, i, i & 1, i & 1,
					      NSEC_PER_USEC);
	KUNIT_EXPECT_EQ(test, t.state, (u32)DRM_SVM_COORD_THRASH_NORMAL);
	KUNIT_EXPECT_EQ(test, t.migrations, 100u);
}

/* A pin lands where every competitor reaches, else in system memory. */
static void test_thrash_pin_loc(struct kunit *test)
{
	struct drm_svm_coord_topology topo;
	int kind;
	u64 comp;
	unsigned int c;

	for (kind = 0; kind < TOPO_NUM; kind++) {
		make_topo(&topo, kind, 0x7, 0x7);
		for (comp = 0; comp < BIT(NGPUS); comp++)
			for (c = 0; c < ARRAY_SIZE(locs); c++) {
				u32 pin = drm_svm_coord_thrash_pin_loc(&topo, comp,
								       locs[c]);
				bool all = true;
				unsigned int g;

				for (g = 0; g < NGPUS; g++)
					if ((comp & BIT_ULL(g)) &&
					    !drm_svm_coord_reaches(&topo, g, locs[c]))
						all = false;
				KUNIT_EXPECT_EQ(test, pin, all ? locs[c] : SYS);
			}
	}
}

/* What the rules of the Eviction section say, peer by peer. */
static u32 evict_expect(const struct drm_svm_coord_topology *t,
			const struct drm_svm_coord_attrs *a, unsigned int from,
			u64 users)
{
	bool ok[NGPUS];
	unsigned int h, u;

	if (a->preferred_loc == SYS)
		return SYS;
	for (h = 0; h < NGPUS; h++) {
		ok[h] = h != from && takes(t, h) && (t->vram & BIT_ULL(h)) &&
			drm_svm_coord_reaches(t, from, h) &&
			!(a->no_access & BIT_ULL(h));
		for (u = 0; u < NGPUS; u++)
			if ((users & BIT_ULL(u)) &&
			    !drm_svm_coord_reaches(t, u, h))
				ok[h] = false;
	}
	if (a->preferred_loc < NGPUS && ok[a->preferred_loc])
		return a->preferred_loc;
	for (h = 0; h < NGPUS; h++)
		if (ok[h])
			return h;
	return SYS;
}

/*
 * Every eviction of a three-GPU universe (topology, VRAM, room, full GPU,
 * users, preferred location, no-access GPUs) against the rules, and the
 * promise behind them: a range evicted to a peer stays in reach of every
 * GPU that uses it.
 */
static void test_evict_universe(struct kunit *test)
{
	unsigned long total = TOPO_NUM * BIT(NGPUS) * BIT(NGPUS) * NGPUS *
			      BIT(NGPUS) * ARRAY_SIZE(prefs) * BIT(NGPUS);
	unsigned long cases = 0, to_peer = 0, to_pref = 0, n;
	struct drm_svm_coord_topology topo;
	struct drm_svm_coord_attrs attrs;

	for (n = 0; n < total; n++) {
		unsigned long i = n;
		unsigned int kind = digit(&i, TOPO_NUM);
		unsigned int vram = digit(&i, BIT(NGPUS));
		unsigned int room = digit(&i, BIT(NGPUS));
		unsigned int from = digit(&i, NGPUS);
		u64 users = digit(&i, BIT(NGPUS));
		unsigned int p = digit(&i, ARRAY_SIZE(prefs));
		u64 none = digit(&i, BIT(NGPUS));
		unsigned int u;
		u32 to;

		/* Only a GPU with VRAM, full, evicts; its users may map. */
		if (!(vram & BIT(from)) || (room & BIT(from)) ||
		    (users & none))
			continue;
		make_topo(&topo, kind, vram, room);
		drm_svm_coord_attrs_default(&attrs);
		attrs.preferred_loc = prefs[p];
		attrs.no_access = none;
		to = drm_svm_coord_evict_to(&attrs, &topo, from, users);
		cases++;
		KUNIT_ASSERT_EQ_MSG(test, to, evict_expect(&topo, &attrs, from, users),
				    "topo %s vram %#x room %#x from %u users %#llx pref %#x no_access %#llx",
				    topo_names[kind], vram, room, from, users,
				    prefs[p], none);
		if (to == SYS)
			continue;
		to_peer++;
		to_pref += to == prefs[p];
		KUNIT_EXPECT_NE(test, to, from);
		KUNIT_EXPECT_TRUE(test, takes(&topo, to));
		for (u = 0; u < NGPUS; u++)
			if (users & BIT_ULL(u))
				KUNIT_EXPECT_TRUE_MSG(test,
						      drm_svm_coord_reaches(&topo, u, to),
						      "user %u cannot reach GPU %u", u, to);
	}
	kunit_info(test, "%lu evictions: %lu to a peer (%lu to the preferred one), %lu to system memory\n",
		   cases, to_peer, to_pref, cases - to_peer);
	KUNIT_EXPECT_GT(test, to_peer, 0);
	KUNIT_EXPECT_GT(test, to_pref, 0);
	KUNIT_EXPECT_GT(test, cases - to_peer, 0);
}

/* The guest's setup: four GPUs in pairs {0, 1} and {2, 3}. */
static void test_evict_pairs(struct kunit *test)
{
	struct drm_svm_coord_topology topo = {
		.vram = 0xf, .room = 0xe,
		.reach = { 0x3, 0x3, 0xc, 0xc },
	};
	struct drm_svm_coord_attrs attrs;

	drm_svm_coord_attrs_default(&attrs);
	KUNIT_EXPECT_EQ(test, drm_svm_coord_evict_to(&attrs, &topo, 0, 0x1), 1u);
	/* GPU 2 uses it too and cannot map GPU 1's VRAM. */
	KUNIT_EXPECT_EQ(test, drm_svm_coord_evict_to(&attrs, &topo, 0, 0x5), SYS);
	/* The peer is full as well. */
	topo.room = 0xc;
	KUNIT_EXPECT_EQ(test, drm_svm_coord_evict_to(&attrs, &topo, 0, 0x1), SYS);
	topo.room = 0xe;
	attrs.preferred_loc = SYS;
	KUNIT_EXPECT_EQ(test, drm_svm_coord_evict_to(&attrs, &topo, 0, 0x1), SYS);
	attrs.preferred_loc = UNDEF;
	attrs.no_access = 0x2;
	KUNIT_EXPECT_EQ(test, drm_svm_coord_evict_to(&attrs, &topo, 0, 0x1), SYS);
}

static struct kunit_case drm_svm_coord_policy_cases[] = {
	KUNIT_CASE(test_policy_universe),
	KUNIT_CASE(test_policy_examples),
	KUNIT_CASE(test_thrash_ping_pong),
	KUNIT_CASE(test_thrash_window_adapts),
	KUNIT_CASE(test_thrash_quiet_period),
	KUNIT_CASE(test_thrash_pin_loc),
	KUNIT_CASE(test_evict_universe),
	KUNIT_CASE(test_evict_pairs),
	{}
};

static struct kunit_suite drm_svm_coord_policy_suite = {
	.name = "drm_svm_coord_policy",
	.test_cases = drm_svm_coord_policy_cases,
};

kunit_test_suite(drm_svm_coord_policy_suite);

MODULE_DESCRIPTION("KUnit tests of the drm_svm_coord residency policy");
MODULE_LICENSE("Dual MIT/GPL");
