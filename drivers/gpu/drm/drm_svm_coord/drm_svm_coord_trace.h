/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * Tracepoints of the coordinator's placement: every residency decision,
 * every move of a range's data and every change of its thrash state, so
 * that a trace tells where a range's pages went and why.
 */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM drm_svm_coord

#if !defined(__DRM_SVM_COORD_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __DRM_SVM_COORD_TRACE_H__

#include <linux/tracepoint.h>
#include <linux/types.h>

#include <drm/drm_svm_coord.h>

#include "drm_svm_coord_priv.h"

TRACE_DEFINE_ENUM(DRM_SVM_COORD_RULE_NO_ACCESS);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_RULE_RESTORE);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_RULE_PREFETCH);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_RULE_IN_PLACE);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_RULE_PINNED);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_RULE_PREFERRED);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_RULE_THROTTLED);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_RULE_LOCAL);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_RULE_STAY);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_RULE_UNREACHABLE);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_RULE_NUM);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_THRASH_NORMAL);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_THRASH_THROTTLED);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_THRASH_PINNED);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_MAP);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_MIGRATE);
TRACE_DEFINE_ENUM(DRM_SVM_COORD_REFUSE);

/* A location: a GPU's VRAM by index, or one of these. */
#define drm_svm_coord_show_loc(loc)					\
	__print_symbolic(loc, { DRM_SVM_COORD_LOC_SYSMEM, "sysmem" },	\
			 { DRM_SVM_COORD_LOC_UNDEFINED, "undefined" },	\
			 { DRM_SVM_COORD_LOC_MIXED, "mixed" },		\
			 { 0, "0" }, { 1, "1" }, { 2, "2" }, { 3, "3" },	\
			 { 4, "4" }, { 5, "5" }, { 6, "6" }, { 7, "7" },	\
			 { 8, "8" }, { 9, "9" }, { 10, "10" }, { 11, "11" },	\
			 { 12, "12" }, { 13, "13" }, { 14, "14" }, { 15, "15" },	\
			 { 16, "16" }, { 17, "17" }, { 18, "18" }, { 19, "19" },	\
			 { 20, "20" }, { 21, "21" }, { 22, "22" }, { 23, "23" },	\
			 { 24, "24" }, { 25, "25" }, { 26, "26" }, { 27, "27" },	\
			 { 28, "28" }, { 29, "29" }, { 30, "30" }, { 31, "31" },	\
			 { 32, "32" }, { 33, "33" }, { 34, "34" }, { 35, "35" },	\
			 { 36, "36" }, { 37, "37" }, { 38, "38" }, { 39, "39" },	\
			 { 40, "40" }, { 41, "41" }, { 42, "42" }, { 43, "43" },	\
			 { 44, "44" }, { 45, "45" }, { 46, "46" }, { 47, "47" },	\
			 { 48, "48" }, { 49, "49" }, { 50, "50" }, { 51, "51" },	\
			 { 52, "52" }, { 53, "53" }, { 54, "54" }, { 55, "55" },	\
			 { 56, "56" }, { 57, "57" }, { 58, "58" }, { 59, "59" },	\
			 { 60, "60" }, { 61, "61" }, { 62, "62" }, { 63, "63" })

/* A rule of the residency policy; evictions carry DRM_SVM_COORD_RULE_NUM. */
#define drm_svm_coord_show_rule(rule)					\
	__print_symbolic(rule,						\
			 { DRM_SVM_COORD_RULE_NO_ACCESS, "no_access" },	\
			 { DRM_SVM_COORD_RULE_RESTORE, "restore" },	\
			 { DRM_SVM_COORD_RULE_PREFETCH, "prefetch" },	\
			 { DRM_SVM_COORD_RULE_IN_PLACE, "in_place" },	\
			 { DRM_SVM_COORD_RULE_PINNED, "pinned" },	\
			 { DRM_SVM_COORD_RULE_PREFERRED, "preferred" },	\
			 { DRM_SVM_COORD_RULE_THROTTLED, "throttled" },	\
			 { DRM_SVM_COORD_RULE_LOCAL, "local" },		\
			 { DRM_SVM_COORD_RULE_STAY, "stay" },		\
			 { DRM_SVM_COORD_RULE_UNREACHABLE, "unreachable" },	\
			 { DRM_SVM_COORD_RULE_NUM, "evict" })

/* A thrash control state. */
#define drm_svm_coord_show_thrash(state)				\
	__print_symbolic(state,						\
			 { DRM_SVM_COORD_THRASH_NORMAL, "normal" },	\
			 { DRM_SVM_COORD_THRASH_THROTTLED, "throttled" },	\
			 { DRM_SVM_COORD_THRASH_PINNED, "pinned" })

TRACE_EVENT(drm_svm_coord_decide,
	    TP_PROTO(unsigned int svm, unsigned long start, unsigned long end,
		     unsigned int gpu, u32 cur, u32 request, u32 thrash,
		     u32 action, u32 loc, u32 rule),
	    TP_ARGS(svm, start, end, gpu, cur, request, thrash, action, loc, rule),
	    TP_STRUCT__entry(__field(unsigned int, svm)
			     __field(unsigned long, start)
			     __field(unsigned long, end)
			     __field(unsigned int, gpu)
			     __field(u32, cur)
			     __field(u32, request)
			     __field(u32, thrash)
			     __field(u32, action)
			     __field(u32, loc)
			     __field(u32, rule)),
	    TP_fast_assign(__entry->svm = svm;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->gpu = gpu;
			   __entry->cur = cur;
			   __entry->request = request;
			   __entry->thrash = thrash;
			   __entry->action = action;
			   __entry->loc = loc;
			   __entry->rule = rule;),
	    TP_printk("svm=%u range=0x%lx-0x%lx gpu=%u cur=%s request=%s thrash=%s action=%s loc=%s rule=%s",
		      __entry->svm, __entry->start, __entry->end, __entry->gpu,
		      drm_svm_coord_show_loc(__entry->cur),
		      drm_svm_coord_show_loc(__entry->request),
		      drm_svm_coord_show_thrash(__entry->thrash),
		      __print_symbolic(__entry->action,
				       { DRM_SVM_COORD_MAP, "map" },
				       { DRM_SVM_COORD_MIGRATE, "migrate" },
				       { DRM_SVM_COORD_REFUSE, "refuse" }),
		      drm_svm_coord_show_loc(__entry->loc),
		      drm_svm_coord_show_rule(__entry->rule))
);

TRACE_EVENT(drm_svm_coord_move,
	    TP_PROTO(unsigned int svm, unsigned long start, unsigned long end,
		     u32 from, u32 to, unsigned int gpu, u32 rule, bool evicted,
		     u64 cost_ns, int err),
	    TP_ARGS(svm, start, end, from, to, gpu, rule, evicted, cost_ns, err),
	    TP_STRUCT__entry(__field(unsigned int, svm)
			     __field(unsigned long, start)
			     __field(unsigned long, end)
			     __field(u32, from)
			     __field(u32, to)
			     __field(unsigned int, gpu)
			     __field(u32, rule)
			     __field(bool, evicted)
			     __field(u64, cost_ns)
			     __field(int, err)),
	    TP_fast_assign(__entry->svm = svm;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->from = from;
			   __entry->to = to;
			   __entry->gpu = gpu;
			   __entry->rule = rule;
			   __entry->evicted = evicted;
			   __entry->cost_ns = cost_ns;
			   __entry->err = err;),
	    TP_printk("svm=%u range=0x%lx-0x%lx from=%s to=%s gpu=%u rule=%s evicted=%u cost_ns=%llu err=%d",
		      __entry->svm, __entry->start, __entry->end,
		      drm_svm_coord_show_loc(__entry->from),
		      drm_svm_coord_show_loc(__entry->to), __entry->gpu,
		      drm_svm_coord_show_rule(__entry->rule),
		      __entry->evicted, __entry->cost_ns, __entry->err)
);

TRACE_EVENT(drm_svm_coord_thrash,
	    TP_PROTO(unsigned int svm, unsigned long start, unsigned long end,
		     u32 old, u32 state, u32 pin_loc, u64 window_ns),
	    TP_ARGS(svm, start, end, old, state, pin_loc, window_ns),
	    TP_STRUCT__entry(__field(unsigned int, svm)
			     __field(unsigned long, start)
			     __field(unsigned long, end)
			     __field(u32, old)
			     __field(u32, state)
			     __field(u32, pin_loc)
			     __field(u64, window_ns)),
	    TP_fast_assign(__entry->svm = svm;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->old = old;
			   __entry->state = state;
			   __entry->pin_loc = pin_loc;
			   __entry->window_ns = window_ns;),
	    TP_printk("svm=%u range=0x%lx-0x%lx state=%s->%s pin_loc=%s window_ns=%llu",
		      __entry->svm, __entry->start, __entry->end,
		      drm_svm_coord_show_thrash(__entry->old),
		      drm_svm_coord_show_thrash(__entry->state),
		      drm_svm_coord_show_loc(__entry->pin_loc), __entry->window_ns)
);

#endif /* __DRM_SVM_COORD_TRACE_H__ */

#undef TRACE_INCLUDE_PATH
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_PATH .
#define TRACE_INCLUDE_FILE drm_svm_coord_trace
#include <trace/define_trace.h>
