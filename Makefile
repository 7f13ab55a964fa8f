# SPDX-License-Identifier: GPL-2.0-only OR MIT
#
# drm_svm_coord: multi-GPU SVM coordinator for DRM, built as an overlay on a
# Linux 7.3 tree. See README.md.
#
#   make check    everything a new user needs for testing, ends "N passed, N failed"
#   make run      boot the guest with 4 virtual GPUs and show the coordinator
#                 against one drm_gpusvm per GPU, side by side
#   make bench    the full benchmark (N = 1, 2, 4, 8), its mapping suite and,
#                 on GPUs with VRAM, its migration suite: table, CSV and plot
#   make soak     the test kernel (KASAN, UBSAN, fault injection) running the
#                 uAPI fuzzer, the fault-injection campaign and DURATION=<s>
#                 seconds of stress (default 120, as in check), with a table
#   make igt      IGT GPU Tools alone in a guest on the test kernel as built
#                 (IGT_TESTS="igt@core_auth@basic-auth ..." for some tests)
#   make lint     checkpatch --strict, kernel-doc -Wall, sparse
#   make patches  the project as a git format-patch series against the base,
#                 in the order of patches/series.plan
#   make patches-build  build the kernel at every patch of that series (slow,
#                 not part of check; FROM=n TO=m for a part)
#
# Variables: KDIR=<kernel tree> (default: Debian linux-source-7.3, fetched),
# CACHE=<dir> (default ~/.cache/drm-svm-coord), JOBS=<n>, GUEST_ACCEL=tcg|kvm.

H := harness
SHELL := /bin/bash

.PHONY: check run bench soak igt lint patches patches-build deps fetch overlay build kunit guest

check: deps fetch overlay
	@$(H)/check.sh

run: deps fetch overlay
	@$(H)/bench.sh demo

bench: deps fetch overlay
	@$(H)/bench.sh full

soak: deps fetch overlay
	@$(H)/build.sh
	@$(H)/soak.sh --table

igt: deps fetch overlay
	@$(H)/build.sh
	@$(H)/igt-boot.sh $(IGT_TESTS)

lint: fetch overlay
	@$(H)/lint.sh

patches: fetch overlay
	@$(H)/patches.sh $(OUT)

# Holds the tree lock (other harness targets wait), changes the cached tree
# itself and puts the working tree back at the end.
patches-build: deps fetch
	@$(H)/patches-build.sh

deps:
	@$(H)/deps.sh

fetch:
	@$(H)/fetch-base.sh

overlay:
	@$(H)/overlay.sh

build: deps fetch overlay
	@$(H)/build.sh

kunit: build
	@$(H)/kunit.sh

guest: build
	@$(H)/guest.sh
