#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# make check after deps/fetch/overlay: build, KUnit, guest tests, lint and
# the patch series; a stage's failure does not hide the others' results.
# One kernel serves every stage: the test kernel, with KASAN and UBSAN;
# the soak stage is harness/soak.sh with its defaults (the uAPI fuzzer,
# fault injection at every site, two minutes of stress).
. "$(dirname "$0")/lib.sh"
resolve_tree
tree_lock

rm -f "$RESULTS"/{build,kunit,kunit-amdgpu,guest,igt,soak,lint,patches}
H=$REPO/harness
rc=0
if "$H/build.sh"; then
	record build 1 0
	stages="build kunit kunit-amdgpu guest igt soak lint patches"
	"$H/kunit.sh" || rc=1
	"$H/guest.sh" || rc=1
	"$H/soak.sh" || rc=1
	"$H/lint.sh" || rc=1
	if "$H/patches.sh" "$RESULTS/patches.out"; then
		record patches 1 0
	else
		record patches 0 1
	fi
else
	record build 0 1
	stages=build
fi
"$H/summary.sh" $stages || rc=1
exit $rc
