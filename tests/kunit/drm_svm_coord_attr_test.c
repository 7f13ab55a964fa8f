// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * The attribute tree, without a manager: a model check against a trivially
 * correct per-page array, boundary cases, transactional failures, and the
 * change computation over every combination of a small universe.
 */

#include <kunit/test.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include "../drm_svm_coord_priv.h"

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");

#define UNIVERSE	64	/* pages of the model check */
#define MODEL_GPUS	4	/* attached: 0..3; 4 and 5 exist but are not */
#define MODEL_OPS	10000

static const u64 model_attached = GENMASK_ULL(MODEL_GPUS - 1, 0);

/* ---- the model: one attribute set per page ------------------------------ */

static void model_default(struct drm_svm_coord_attrs *a)
{
	*a = (struct drm_svm_coord_attrs) {
		.preferred_loc = DRM_SVM_COORD_LOC_UNDEFINED,
		.prefetch_loc = DRM_SVM_COORD_LOC_UNDEFINED,
		.flags = DRM_SVM_COORD_FLAG_HOST_ACCESS | DRM_SVM_COORD_FLAG_COHERENT,
		.granularity = 9,
	};
}

/* The GPU's access state: 0 default, 1 access, 2 in place, 3 none. */
static unsigned int model_state(const struct drm_svm_coord_attrs *a, u32 gpu)
{
	if (a->access & BIT_ULL(gpu))
		return 1;
	if (a->access_in_place & BIT_ULL(gpu))
		return 2;
	if (a->no_access & BIT_ULL(gpu))
		return 3;
	return 0;
}

static void model_set_state(struct drm_svm_coord_attrs *a, u32 gpu,
			    unsigned int state)
{
	a->access &= ~BIT_ULL(gpu);
	a->access_in_place &= ~BIT_ULL(gpu);
	a->no_access &= ~BIT_ULL(gpu);
	if (state == 1)
		a->access |= BIT_ULL(gpu);
	if (state == 2)
		a->access_in_place |= BIT_ULL(gpu);
	if (state == 3)
		a->no_access |= BIT_ULL(gpu);
}

static void model_apply(struct drm_svm_coord_attrs *a,
			const struct drm_svm_coord_attr *in, unsigned int n)
{
	static const unsigned int state_of[] = {
		[DRM_SVM_COORD_ATTR_ACCESS] = 1,
		[DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE] = 2,
		[DRM_SVM_COORD_ATTR_NO_ACCESS] = 3,
		[DRM_SVM_COORD_ATTR_ACCESS_DEFAULT] = 0,
	};
	unsigned int i;

	for (i = 0; i < n; i++) {
		u32 v = in[i].value;

		switch (in[i].type) {
		case DRM_SVM_COORD_ATTR_PREFERRED_LOC:
			a->preferred_loc = v;
			break;
		case DRM_SVM_COORD_ATTR_PREFETCH_LOC:
			a->prefetch_loc = v;
			break;
		case DRM_SVM_COORD_ATTR_SET_FLAGS:
			a->flags |= v;
			break;
		case DRM_SVM_COORD_ATTR_CLR_FLAGS:
			a->flags &= ~v;
			break;
		case DRM_SVM_COORD_ATTR_GRANULARITY:
			a->granularity = v;
			break;
		default:
			model_set_state(a, v, state_of[in[i].type]);
		}
	}
}

/* May the GPU map, by the documented policy? */
static bool model_may_map(unsigned int state, bool can_fault)
{
	static const bool table[4][2] = {
		/* default */  { false, true },
		/* access */   { true, true },
		/* in place */ { true, true },
		/* none */     { false, false },
	};

	return table[state][can_fault];
}

/* ---- checks of the tree -------------------------------------------------- */

struct check_ctx {
	struct kunit *test;
	const struct drm_svm_coord_attrs *model;
	unsigned long next;
	bool ok;
};

static int check_seg(void *priv, unsigned long first, unsigned long last,
		     const struct drm_svm_coord_attrs *attrs)
{
	struct check_ctx *c = priv;
	unsigned long p;

	if (first != c->next) {
		KUNIT_FAIL(c->test, "walk skipped from page %lu to %lu", c->next, first);
		c->ok = false;
		return 1;
	}
	for (p = first; p <= last; p++) {
		if (!drm_svm_coord_attrs_equal(&c->model[p], attrs)) {
			KUNIT_FAIL(c->test,
				   "page %lu: tree pref %x acc %llx aip %llx no %llx fl %x gr %u, model pref %x acc %llx aip %llx no %llx fl %x gr %u",
				   p, attrs->preferred_loc, attrs->access,
				   attrs->access_in_place, attrs->no_access,
				   attrs->flags, attrs->granularity,
				   c->model[p].preferred_loc, c->model[p].access,
				   c->model[p].access_in_place, c->model[p].no_access,
				   c->model[p].flags, c->model[p].granularity);
			c->ok = false;
			return 1;
		}
	}
	c->next = last + 1;
	return 0;
}

/* Sorted, disjoint, no default interval, no mergeable neighbours. */
static bool tree_is_canonical(struct kunit *test,
			      struct drm_svm_coord_attr_tree *tree)
{
	struct drm_svm_coord_attr_node *node, *prev = NULL;
	struct drm_svm_coord_attrs def;
	unsigned int n = 0;

	model_default(&def);
	for (node = drm_svm_coord_attr_tree_first(tree); node;
	     prev = node, node = drm_svm_coord_attr_tree_next(node), n++) {
		if (node->start > node->last) {
			KUNIT_FAIL(test, "interval [%lu, %lu] is reversed",
				   node->start, node->last);
			return false;
		}
		if (drm_svm_coord_attrs_equal(&node->attrs, &def)) {
			KUNIT_FAIL(test, "interval [%lu, %lu] holds the defaults",
				   node->start, node->last);
			return false;
		}
		if (!prev)
			continue;
		if (prev->last >= node->start) {
			KUNIT_FAIL(test, "[%lu, %lu] overlaps or precedes [%lu, %lu]",
				   node->start, node->last, prev->start, prev->last);
			return false;
		}
		if (prev->last + 1 == node->start &&
		    drm_svm_coord_attrs_equal(&prev->attrs, &node->attrs)) {
			KUNIT_FAIL(test, "[%lu, %lu] and [%lu, %lu] should be merged",
				   prev->start, prev->last, node->start, node->last);
			return false;
		}
	}
	if (n != tree->count) {
		KUNIT_FAIL(test, "tree counts %u nodes, holds %u", tree->count, n);
		return false;
	}
	return true;
}

static bool tree_matches_model(struct kunit *test,
			       struct drm_svm_coord_attr_tree *tree,
			       const struct drm_svm_coord_attrs *model)
{
	struct check_ctx c = { .test = test, .model = model, .ok = true };

	drm_svm_coord_attr_tree_walk(tree, 0, UNIVERSE - 1, check_seg, &c);
	if (c.ok && c.next != UNIVERSE) {
		KUNIT_FAIL(test, "walk stopped at page %lu", c.next);
		c.ok = false;
	}
	return c.ok && tree_is_canonical(test, tree);
}

/* The summary of [first, last] computed from the model. */
static void model_summary(const struct drm_svm_coord_attrs *model,
			  unsigned long first, unsigned long last,
			  struct drm_svm_coord_attr_summary *s)
{
	unsigned long p;
	u32 g;

	*s = (struct drm_svm_coord_attr_summary) {
		.preferred_loc = model[first].preferred_loc,
		.prefetch_loc = model[first].prefetch_loc,
		.access = ~0ull, .access_in_place = ~0ull, .no_access = ~0ull,
		.access_default = ~0ull,
		.flags_set = DRM_SVM_COORD_FLAGS_ALL,
		.flags_clear = DRM_SVM_COORD_FLAGS_ALL,
		.granularity = U8_MAX,
	};
	for (p = first; p <= last; p++) {
		if (model[p].preferred_loc != s->preferred_loc)
			s->preferred_loc = DRM_SVM_COORD_LOC_MIXED;
		if (model[p].prefetch_loc != s->prefetch_loc)
			s->prefetch_loc = DRM_SVM_COORD_LOC_MIXED;
		for (g = 0; g < 64; g++) {
			unsigned int st = model_state(&model[p], g);

			if (st != 1)
				s->access &= ~BIT_ULL(g);
			if (st != 2)
				s->access_in_place &= ~BIT_ULL(g);
			if (st != 3)
				s->no_access &= ~BIT_ULL(g);
			if (st != 0)
				s->access_default &= ~BIT_ULL(g);
		}
		s->flags_set &= model[p].flags;
		s->flags_clear &= ~model[p].flags;
		s->granularity = min(s->granularity, model[p].granularity);
	}
}

/* ---- random requests ----------------------------------------------------- */

static u32 rnd_below(struct rnd_state *rs, u32 n)
{
	return prandom_u32_state(rs) % n;
}

static u32 rnd_loc(struct rnd_state *rs)
{
	switch (rnd_below(rs, 4)) {
	case 0:
		return DRM_SVM_COORD_LOC_UNDEFINED;
	case 1:
		return DRM_SVM_COORD_LOC_SYSMEM;
	default:
		return rnd_below(rs, MODEL_GPUS);
	}
}

/* A valid attribute; flags set and cleared never overlap in one request. */
static void rnd_attr(struct rnd_state *rs, struct drm_svm_coord_attr *a,
		     u32 *set, u32 *clr)
{
	a->type = rnd_below(rs, DRM_SVM_COORD_ATTR_GRANULARITY + 1);
	switch (a->type) {
	case DRM_SVM_COORD_ATTR_PREFERRED_LOC:
	case DRM_SVM_COORD_ATTR_PREFETCH_LOC:
		a->value = rnd_loc(rs);
		break;
	case DRM_SVM_COORD_ATTR_SET_FLAGS:
		a->value = rnd_below(rs, DRM_SVM_COORD_FLAGS_ALL + 1) & ~*clr &
			   ~DRM_SVM_COORD_FLAG_GPU_READ_MOSTLY;
		*set |= a->value;
		break;
	case DRM_SVM_COORD_ATTR_CLR_FLAGS:
		a->value = rnd_below(rs, DRM_SVM_COORD_FLAGS_ALL + 1) & ~*set &
			   ~DRM_SVM_COORD_FLAG_HOST_ACCESS;
		*clr |= a->value;
		break;
	case DRM_SVM_COORD_ATTR_GRANULARITY:
		/* Mostly the default, so that resets to default happen. */
		a->value = rnd_below(rs, 2) ? 9 :
			   rnd_below(rs, DRM_SVM_COORD_GRANULARITY_MAX + 1);
		break;
	default:
		a->value = rnd_below(rs, MODEL_GPUS);
	}
}

/* Make one attribute of the request invalid; return the errno expected. */
static int rnd_break(struct rnd_state *rs, struct drm_svm_coord_attr *a)
{
	switch (rnd_below(rs, 5)) {
	case 0:
		a->type = DRM_SVM_COORD_ATTR_NUM + rnd_below(rs, 3);
		return -EINVAL;
	case 1:
		a->type = DRM_SVM_COORD_ATTR_ACCESS;
		a->value = MODEL_GPUS + rnd_below(rs, 2);	/* not attached */
		return -ENODEV;
	case 2:
		a->type = DRM_SVM_COORD_ATTR_PREFERRED_LOC;
		a->value = DRM_SVM_COORD_MAX_VMS + rnd_below(rs, 100);
		return -EINVAL;
	case 3:
		a->type = DRM_SVM_COORD_ATTR_SET_FLAGS;
		a->value = BIT(6 + rnd_below(rs, 26));
		return -EINVAL;
	default:
		a->type = DRM_SVM_COORD_ATTR_GRANULARITY;
		a->value = DRM_SVM_COORD_GRANULARITY_MAX + 1 + rnd_below(rs, 10);
		return -EINVAL;
	}
}

/* Expected change of one page, from the model and the documented rules. */
static void model_change(const struct drm_svm_coord_attrs *old,
			 const struct drm_svm_coord_attrs *new, u64 attached,
			 u64 can_fault, bool prefetch,
			 struct drm_svm_coord_change *c)
{
	u32 g;

	*c = (struct drm_svm_coord_change) {};
	for (g = 0; g < MODEL_GPUS; g++) {
		bool cf = can_fault & BIT_ULL(g);
		unsigned int so = model_state(old, g), sn = model_state(new, g);
		bool before = model_may_map(so, cf), after = model_may_map(sn, cf);
		bool pte = (old->flags ^ new->flags) &
			   (DRM_SVM_COORD_FLAG_GPU_RO | DRM_SVM_COORD_FLAG_GPU_EXEC |
			    DRM_SVM_COORD_FLAG_COHERENT);

		/* Denied now: whatever it maps goes, even on request. */
		bool denied = sn == 3 && so != 3;

		if (!(attached & BIT_ULL(g)))
			continue;
		if ((before && !after) || denied)
			c->unmap |= BIT_ULL(g);
		if (after && (!before || so != sn || pte))
			c->remap |= BIT_ULL(g);
		/* Keeps access: its entries, however made, are rewritten. */
		if (sn != 3 && !(c->unmap & BIT_ULL(g)) && pte)
			c->rewrite |= BIT_ULL(g);
		if (after && ((old->flags ^ new->flags) &
			      DRM_SVM_COORD_FLAG_GPU_ALWAYS_MAPPED))
			c->remap |= BIT_ULL(g);
	}
	if (old->preferred_loc != new->preferred_loc &&
	    new->preferred_loc != DRM_SVM_COORD_LOC_UNDEFINED)
		c->triggers |= DRM_SVM_COORD_TRIGGER_MIGRATE;
	if (prefetch)
		c->triggers |= DRM_SVM_COORD_TRIGGER_PREFETCH;
}

static void check_changes(struct kunit *test, unsigned long first,
			  unsigned long last,
			  const struct drm_svm_coord_attrs *before,
			  const struct drm_svm_coord_attrs *after,
			  u64 can_fault, bool prefetch,
			  const struct drm_svm_coord_changes *changes)
{
	unsigned long p;
	unsigned int i = 0;

	for (p = first; p <= last; p++) {
		struct drm_svm_coord_change want, got = {};
		unsigned long addr = p << PAGE_SHIFT;

		model_change(&before[p], &after[p], model_attached, can_fault,
			     prefetch, &want);
		while (i < changes->count && changes->items[i].end <= addr)
			i++;
		if (i < changes->count && changes->items[i].start <= addr)
			got = changes->items[i];
		KUNIT_ASSERT_EQ_MSG(test, got.remap, want.remap, "page %lu: remap", p);
		KUNIT_ASSERT_EQ_MSG(test, got.unmap, want.unmap, "page %lu: unmap", p);
		KUNIT_ASSERT_EQ_MSG(test, got.rewrite, want.rewrite, "page %lu: rewrite", p);
		KUNIT_ASSERT_EQ_MSG(test, got.triggers, want.triggers, "page %lu: triggers", p);
	}
}

static void model_check_seed(struct kunit *test, u64 seed)
{
	struct drm_svm_coord_attrs *model, *before;
	struct drm_svm_coord_attr_tree tree;
	struct drm_svm_coord_attr req[4];
	struct rnd_state rs;
	unsigned int op, i;
	u64 can_fault;

	model = kunit_kcalloc(test, UNIVERSE, sizeof(*model), GFP_KERNEL);
	before = kunit_kcalloc(test, UNIVERSE, sizeof(*before), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, model);
	KUNIT_ASSERT_NOT_NULL(test, before);
	for (i = 0; i < UNIVERSE; i++)
		model_default(&model[i]);

	prandom_seed_state(&rs, seed);
	can_fault = prandom_u32_state(&rs) & model_attached;
	kunit_info(test, "seed %llu, GPUs that can fault: %#llx", seed, can_fault);
	drm_svm_coord_attr_tree_init(&tree);

	for (op = 0; op < MODEL_OPS; op++) {
		unsigned long first = rnd_below(&rs, UNIVERSE);
		unsigned long last = first + rnd_below(&rs, UNIVERSE - first);
		unsigned int n = 1 + rnd_below(&rs, ARRAY_SIZE(req));
		struct drm_svm_coord_changes changes = {};
		bool prefetch = false;
		u32 set = 0, clr = 0;
		int want = 0, err;

		for (i = 0; i < n; i++) {
			rnd_attr(&rs, &req[i], &set, &clr);
			if (req[i].type == DRM_SVM_COORD_ATTR_PREFETCH_LOC)
				prefetch = req[i].value != DRM_SVM_COORD_LOC_UNDEFINED;
		}
		if (rnd_below(&rs, 20) == 0)
			want = rnd_break(&rs, &req[rnd_below(&rs, n)]);

		memcpy(before, model, UNIVERSE * sizeof(*model));
		err = drm_svm_coord_attr_tree_set(&tree, first, last, req, n,
						  model_attached, can_fault,
						  &changes);
		KUNIT_ASSERT_EQ_MSG(test, err, want, "seed %llu op %u", seed, op);
		if (!err) {
			for (i = first; i <= last; i++)
				model_apply(&model[i], req, n);
			check_changes(test, first, last, before, model,
				      can_fault, prefetch, &changes);
			drm_svm_coord_changes_fini(&changes);
		}
		if (!tree_matches_model(test, &tree, model)) {
			KUNIT_FAIL(test, "seed %llu: tree differs from the model after op %u",
				   seed, op);
			break;
		}

		if (op % 16 == 0) {
			struct drm_svm_coord_attr_summary got, want_sum;

			first = rnd_below(&rs, UNIVERSE);
			last = first + rnd_below(&rs, UNIVERSE - first);
			drm_svm_coord_attr_tree_summary(&tree, first, last, &got);
			model_summary(model, first, last, &want_sum);
			KUNIT_ASSERT_MEMEQ_MSG(test, &got, &want_sum, sizeof(got),
					       "seed %llu op %u: summary of [%lu, %lu]",
					       seed, op, first, last);
		}
	}
	drm_svm_coord_attr_tree_fini(&tree);
	KUNIT_EXPECT_EQ(test, tree.count, 0u);
}

static void test_model_check(struct kunit *test)
{
	static const u64 seeds[] = { 1, 42, 20261121, 0xdeadbeef };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(seeds); i++)
		model_check_seed(test, seeds[i]);
}

/* ---- boundary cases ------------------------------------------------------ */

static int set_pref(struct drm_svm_coord_attr_tree *tree, unsigned long first,
		    unsigned long last, u32 loc)
{
	struct drm_svm_coord_attr a = { DRM_SVM_COORD_ATTR_PREFERRED_LOC, loc };

	return drm_svm_coord_attr_tree_set(tree, first, last, &a, 1, ~0ull,
					   ~0ull, NULL);
}

/* Check the tree's intervals: pairs of (start, last) and their pref. */
static void expect_intervals(struct kunit *test,
			     struct drm_svm_coord_attr_tree *tree,
			     const unsigned long (*want)[3], unsigned int n)
{
	struct drm_svm_coord_attr_node *node = drm_svm_coord_attr_tree_first(tree);
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, tree_is_canonical(test, tree));
	KUNIT_ASSERT_EQ(test, tree->count, n);
	for (i = 0; i < n; i++, node = drm_svm_coord_attr_tree_next(node)) {
		KUNIT_ASSERT_NOT_NULL(test, node);
		KUNIT_EXPECT_EQ_MSG(test, node->start, want[i][0], "interval %u", i);
		KUNIT_EXPECT_EQ_MSG(test, node->last, want[i][1], "interval %u", i);
		KUNIT_EXPECT_EQ_MSG(test, node->attrs.preferred_loc, (u32)want[i][2],
				    "interval %u", i);
	}
}

#define EXPECT_INTERVALS(test, tree, ...) do {				\
	static const unsigned long want_[][3] = { __VA_ARGS__ };	\
	expect_intervals(test, tree, want_, ARRAY_SIZE(want_));		\
} while (0)

#define SYS DRM_SVM_COORD_LOC_SYSMEM
#define UND DRM_SVM_COORD_LOC_UNDEFINED

static void test_split_and_merge(struct kunit *test)
{
	struct drm_svm_coord_attr_tree tree;

	drm_svm_coord_attr_tree_init(&tree);
	KUNIT_ASSERT_EQ(test, set_pref(&tree, 0, 99, SYS), 0);
	EXPECT_INTERVALS(test, &tree, {0, 99, SYS});

	/* Head. */
	KUNIT_ASSERT_EQ(test, set_pref(&tree, 0, 9, 0), 0);
	EXPECT_INTERVALS(test, &tree, {0, 9, 0}, {10, 99, SYS});
	/* Tail. */
	KUNIT_ASSERT_EQ(test, set_pref(&tree, 90, 99, 1), 0);
	EXPECT_INTERVALS(test, &tree, {0, 9, 0}, {10, 89, SYS}, {90, 99, 1});
	/* Middle. */
	KUNIT_ASSERT_EQ(test, set_pref(&tree, 40, 49, 2), 0);
	EXPECT_INTERVALS(test, &tree, {0, 9, 0}, {10, 39, SYS}, {40, 49, 2},
			 {50, 89, SYS}, {90, 99, 1});
	/* Exact overlap replaces in place. */
	KUNIT_ASSERT_EQ(test, set_pref(&tree, 40, 49, 3), 0);
	EXPECT_INTERVALS(test, &tree, {0, 9, 0}, {10, 39, SYS}, {40, 49, 3},
			 {50, 89, SYS}, {90, 99, 1});
	/* Equal to both neighbours: three intervals merge into one. */
	KUNIT_ASSERT_EQ(test, set_pref(&tree, 40, 49, SYS), 0);
	EXPECT_INTERVALS(test, &tree, {0, 9, 0}, {10, 89, SYS}, {90, 99, 1});
	/* Adjacent, outside any interval: merges with its neighbour. */
	KUNIT_ASSERT_EQ(test, set_pref(&tree, 100, 109, 1), 0);
	EXPECT_INTERVALS(test, &tree, {0, 9, 0}, {10, 89, SYS}, {90, 109, 1});
	/* A gap stays a gap. */
	KUNIT_ASSERT_EQ(test, set_pref(&tree, 200, 209, 1), 0);
	EXPECT_INTERVALS(test, &tree, {0, 9, 0}, {10, 89, SYS}, {90, 109, 1}, {200, 209, 1});
	/* Spanning several intervals and gaps. */
	KUNIT_ASSERT_EQ(test, set_pref(&tree, 5, 204, 2), 0);
	EXPECT_INTERVALS(test, &tree, {0, 4, 0}, {5, 204, 2}, {205, 209, 1});
	/* Whole-range reset to the defaults empties the tree. */
	KUNIT_ASSERT_EQ(test, set_pref(&tree, 0, 1000, UND), 0);
	expect_intervals(test, &tree, NULL, 0);
	drm_svm_coord_attr_tree_fini(&tree);
}

static void test_maximal_pages(struct kunit *test)
{
	struct drm_svm_coord_attr_tree tree;
	struct drm_svm_coord_attr_summary sum;

	drm_svm_coord_attr_tree_init(&tree);
	KUNIT_ASSERT_EQ(test, set_pref(&tree, ULONG_MAX - 9, ULONG_MAX, 1), 0);
	KUNIT_ASSERT_EQ(test, set_pref(&tree, ULONG_MAX - 19, ULONG_MAX - 10, 1), 0);
	EXPECT_INTERVALS(test, &tree, {ULONG_MAX - 19, ULONG_MAX, 1});
	KUNIT_ASSERT_EQ(test, set_pref(&tree, ULONG_MAX, ULONG_MAX, 2), 0);
	EXPECT_INTERVALS(test, &tree, {ULONG_MAX - 19, ULONG_MAX - 1, 1},
			 {ULONG_MAX, ULONG_MAX, 2});
	drm_svm_coord_attr_tree_summary(&tree, ULONG_MAX - 1, ULONG_MAX, &sum);
	KUNIT_EXPECT_EQ(test, sum.preferred_loc, DRM_SVM_COORD_LOC_MIXED);
	KUNIT_ASSERT_EQ(test, set_pref(&tree, 0, ULONG_MAX, UND), 0);
	expect_intervals(test, &tree, NULL, 0);
	drm_svm_coord_attr_tree_fini(&tree);
}

static void test_64_gpus(struct kunit *test)
{
	const struct drm_svm_coord_attr req[] = {
		{ DRM_SVM_COORD_ATTR_ACCESS, 63 },
		{ DRM_SVM_COORD_ATTR_ACCESS_IN_PLACE, 32 },
		{ DRM_SVM_COORD_ATTR_NO_ACCESS, 0 },
		{ DRM_SVM_COORD_ATTR_PREFERRED_LOC, 63 },
	};
	struct drm_svm_coord_attr_tree tree;
	struct drm_svm_coord_attr_summary sum;
	struct drm_svm_coord_changes changes = {};
	int err;

	drm_svm_coord_attr_tree_init(&tree);
	/* All 64 can fault: only GPU 0 loses its mapping, 32 and 63 remap. */
	err = drm_svm_coord_attr_tree_set(&tree, 10, 19, req, ARRAY_SIZE(req),
					  ~0ull, ~0ull, &changes);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_EQ(test, changes.count, 1u);
	KUNIT_EXPECT_EQ(test, changes.items[0].unmap, BIT_ULL(0));
	KUNIT_EXPECT_EQ(test, changes.items[0].remap, BIT_ULL(32) | BIT_ULL(63));
	KUNIT_EXPECT_EQ(test, changes.items[0].triggers, DRM_SVM_COORD_TRIGGER_MIGRATE);
	KUNIT_EXPECT_EQ(test, changes.items[0].start, 10ul << PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, changes.items[0].end, 20ul << PAGE_SHIFT);
	drm_svm_coord_changes_fini(&changes);

	drm_svm_coord_attr_tree_summary(&tree, 10, 19, &sum);
	KUNIT_EXPECT_EQ(test, sum.access, BIT_ULL(63));
	KUNIT_EXPECT_EQ(test, sum.access_in_place, BIT_ULL(32));
	KUNIT_EXPECT_EQ(test, sum.no_access, BIT_ULL(0));
	KUNIT_EXPECT_EQ(test, sum.access_default,
			~(BIT_ULL(0) | BIT_ULL(32) | BIT_ULL(63)));
	KUNIT_EXPECT_EQ(test, sum.preferred_loc, 63u);

	drm_svm_coord_attr_tree_forget_vm(&tree, 63);
	drm_svm_coord_attr_tree_summary(&tree, 10, 19, &sum);
	KUNIT_EXPECT_EQ(test, sum.access, 0ull);
	KUNIT_EXPECT_EQ(test, sum.preferred_loc, DRM_SVM_COORD_LOC_UNDEFINED);
	drm_svm_coord_attr_tree_forget_vm(&tree, 32);
	drm_svm_coord_attr_tree_forget_vm(&tree, 0);
	KUNIT_EXPECT_EQ_MSG(test, tree.count, 0u,
			    "forgetting every GPU named must leave defaults only");
	drm_svm_coord_attr_tree_fini(&tree);
}

static void test_forget_vm_merges(struct kunit *test)
{
	const struct drm_svm_coord_attr gpu2 = { DRM_SVM_COORD_ATTR_ACCESS, 2 };
	const struct drm_svm_coord_attr sys = { DRM_SVM_COORD_ATTR_PREFERRED_LOC, SYS };
	struct drm_svm_coord_attr_tree tree;

	drm_svm_coord_attr_tree_init(&tree);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_attr_tree_set(&tree, 0, 29, &sys, 1,
							  0xf, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_attr_tree_set(&tree, 10, 19, &gpu2, 1,
							  0xf, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_attr_tree_set(&tree, 40, 49, &gpu2, 1,
							  0xf, 0, NULL), 0);
	KUNIT_ASSERT_EQ(test, tree.count, 4u);
	drm_svm_coord_attr_tree_forget_vm(&tree, 2);
	/* [0,9] [10,19] [20,29] merge; [40,49] only held GPU 2: gone. */
	EXPECT_INTERVALS(test, &tree, {0, 29, SYS});
	drm_svm_coord_attr_tree_fini(&tree);
}

/* ---- transactional failure ----------------------------------------------- */

struct snapshot {
	unsigned int n;
	struct drm_svm_coord_attr_node nodes[16];
};

static void take_snapshot(struct drm_svm_coord_attr_tree *tree, struct snapshot *s)
{
	struct drm_svm_coord_attr_node *node;

	memset(s, 0, sizeof(*s));
	for (node = drm_svm_coord_attr_tree_first(tree); node && s->n < 16;
	     node = drm_svm_coord_attr_tree_next(node)) {
		s->nodes[s->n].start = node->start;
		s->nodes[s->n].last = node->last;
		s->nodes[s->n].attrs = node->attrs;
		s->n++;
	}
}

static void test_invalid_requests_change_nothing(struct kunit *test)
{
#define A(type, value) { DRM_SVM_COORD_ATTR_##type, value }
#define RO DRM_SVM_COORD_FLAG_GPU_RO
#define EXEC DRM_SVM_COORD_FLAG_GPU_EXEC
#define MIXED DRM_SVM_COORD_LOC_MIXED
	static const struct {
		const char *what;
		struct drm_svm_coord_attr attrs[3];
		unsigned int n;
		unsigned long first, last;
		int err;
	} cases[] = {
		{ "no attribute", {}, 0, 0, 9, -EINVAL },
		{ "unknown type", { A(NUM, 0) }, 1, 0, 9, -EINVAL },
		{ "mixed as input", { A(ACCESS_MIXED, 0) }, 1, 0, 9, -EINVAL },
		{ "location beyond GPUs", { A(PREFERRED_LOC, 64) }, 1, 0, 9, -EINVAL },
		{ "mixed location", { A(PREFETCH_LOC, MIXED) }, 1, 0, 9, -EINVAL },
		{ "location on a detached GPU", { A(PREFERRED_LOC, 5) }, 1, 0, 9, -ENODEV },
		{ "access index 64", { A(ACCESS, 64) }, 1, 0, 9, -EINVAL },
		{ "access for sysmem", { A(NO_ACCESS, SYS) }, 1, 0, 9, -EINVAL },
		{ "access on a detached GPU", { A(ACCESS_IN_PLACE, 4) }, 1, 0, 9, -ENODEV },
		{ "unknown flag", { A(SET_FLAGS, BIT(6)) }, 1, 0, 9, -EINVAL },
		{ "unknown flag cleared", { A(CLR_FLAGS, BIT(31)) }, 1, 0, 9, -EINVAL },
		{ "set and clear one flag", { A(SET_FLAGS, RO), A(CLR_FLAGS, RO | EXEC) },
		  2, 0, 9, -EINVAL },
		{ "granularity too large", { A(GRANULARITY, 19) }, 1, 0, 9, -EINVAL },
		{ "granularity above 2 MiB", { A(GRANULARITY, 10) }, 1, 0, 9, -EINVAL },
		{ "read-mostly, not implemented",
		  { A(SET_FLAGS, DRM_SVM_COORD_FLAG_GPU_READ_MOSTLY) }, 1, 0, 9, -EINVAL },
		{ "host access cleared",
		  { A(CLR_FLAGS, DRM_SVM_COORD_FLAG_HOST_ACCESS) }, 1, 0, 9, -EINVAL },
		{ "valid then invalid", { A(PREFERRED_LOC, 1),
					  A(ACCESS, 2),
					  A(GRANULARITY, 40) }, 3, 0, 9, -EINVAL },
		{ "reversed range", { A(PREFERRED_LOC, 1) }, 1, 9, 0, -EINVAL },
	};
#undef A
#undef RO
#undef EXEC
#undef MIXED
	const struct drm_svm_coord_attr setup[] = {
		{ DRM_SVM_COORD_ATTR_ACCESS, 1 },
		{ DRM_SVM_COORD_ATTR_SET_FLAGS, DRM_SVM_COORD_FLAG_GPU_RO },
	};
	struct drm_svm_coord_attr_tree tree;
	struct snapshot *before, *after;
	unsigned int i;

	before = kunit_kzalloc(test, sizeof(*before), GFP_KERNEL);
	after = kunit_kzalloc(test, sizeof(*after), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	KUNIT_ASSERT_NOT_NULL(test, after);

	drm_svm_coord_attr_tree_init(&tree);
	KUNIT_ASSERT_EQ(test, set_pref(&tree, 0, 4, SYS), 0);
	KUNIT_ASSERT_EQ(test, drm_svm_coord_attr_tree_set(&tree, 3, 7, setup,
							  ARRAY_SIZE(setup), 0xf, 0xf, NULL), 0);
	take_snapshot(&tree, before);
	KUNIT_ASSERT_EQ(test, before->n, 3u);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct drm_svm_coord_changes changes = { .count = 12345 };
		int err;

		err = drm_svm_coord_attr_tree_set(&tree, cases[i].first,
						  cases[i].last, cases[i].attrs,
						  cases[i].n, 0xf, 0xf, &changes);
		KUNIT_EXPECT_EQ_MSG(test, err, cases[i].err, "%s", cases[i].what);
		take_snapshot(&tree, after);
		KUNIT_EXPECT_MEMEQ_MSG(test, before, after, sizeof(*before),
				       "%s changed the tree", cases[i].what);
		KUNIT_EXPECT_EQ_MSG(test, changes.count, 12345u,
				    "%s touched the changes", cases[i].what);
	}
	drm_svm_coord_attr_tree_fini(&tree);
}

/* ---- the change rules, every combination for one GPU ---------------------- */

static void test_diff_exhaustive(struct kunit *test)
{
	/* Each flag flipped alone: those that shape entries, then the rest. */
	static const u32 flips[] = { 0, DRM_SVM_COORD_FLAG_GPU_RO,
		DRM_SVM_COORD_FLAG_GPU_EXEC, DRM_SVM_COORD_FLAG_COHERENT,
		DRM_SVM_COORD_FLAG_GPU_ALWAYS_MAPPED,
		DRM_SVM_COORD_FLAG_GPU_READ_MOSTLY, DRM_SVM_COORD_FLAG_HOST_ACCESS };
	static const u32 locs[] = { UND, SYS, 0 };
	const unsigned int total = 4 * 4 * 2 * ARRAY_SIZE(flips) * 2 *
				   ARRAY_SIZE(locs) * ARRAY_SIZE(locs);
	unsigned int i;

	for (i = 0; i < total; i++) {
		unsigned int r = i;
		unsigned int so = r % 4, sn = (r /= 4) % 4, cf = (r /= 4) % 2;
		unsigned int f = (r /= 2) % ARRAY_SIZE(flips);
		unsigned int pf = (r /= ARRAY_SIZE(flips)) % 2;
		unsigned int po = (r /= 2) % ARRAY_SIZE(locs);
		unsigned int pn = (r / ARRAY_SIZE(locs)) % ARRAY_SIZE(locs);
		struct drm_svm_coord_attrs old, new;
		struct drm_svm_coord_change got, want;
		bool any;

		model_default(&old);
		model_default(&new);
		model_set_state(&old, 0, so);
		model_set_state(&new, 0, sn);
		new.flags ^= flips[f];
		old.preferred_loc = locs[po];
		new.preferred_loc = locs[pn];

		any = drm_svm_coord_attrs_diff(&old, &new, BIT_ULL(0), cf, pf, &got);
		model_change(&old, &new, BIT_ULL(0), cf, pf, &want);
		KUNIT_ASSERT_EQ_MSG(test, got.unmap, want.unmap,
				    "state %u->%u can_fault %u flags %x", so, sn, cf, flips[f]);
		KUNIT_ASSERT_EQ_MSG(test, got.remap, want.remap,
				    "state %u->%u can_fault %u flags %x", so, sn, cf, flips[f]);
		KUNIT_ASSERT_EQ_MSG(test, got.triggers, want.triggers,
				    "pref %x->%x prefetch %u", locs[po], locs[pn], pf);
		KUNIT_ASSERT_EQ_MSG(test, got.rewrite, want.rewrite,
				    "state %u->%u can_fault %u flags %x", so, sn, cf, flips[f]);
		KUNIT_ASSERT_EQ(test, any,
				!!(want.unmap | want.remap | want.rewrite | want.triggers));
	}
	kunit_info(test, "%u combinations checked", total);
}

static struct kunit_case drm_svm_coord_attr_cases[] = {
	KUNIT_CASE_SLOW(test_model_check),
	KUNIT_CASE(test_split_and_merge),
	KUNIT_CASE(test_maximal_pages),
	KUNIT_CASE(test_64_gpus),
	KUNIT_CASE(test_forget_vm_merges),
	KUNIT_CASE(test_invalid_requests_change_nothing),
	KUNIT_CASE(test_diff_exhaustive),
	{}
};

static struct kunit_suite drm_svm_coord_attr_suite = {
	.name = "drm_svm_coord_attr",
	.test_cases = drm_svm_coord_attr_cases,
};

kunit_test_suite(drm_svm_coord_attr_suite);

MODULE_DESCRIPTION("KUnit tests of the drm_svm_coord attribute tree");
MODULE_LICENSE("Dual MIT/GPL");
