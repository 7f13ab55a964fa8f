#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# make igt: IGT alone in the first guest boot's machine (eight GPUs, GPU 7
# unable to fault), on the test kernel as built; counted as the igt stage
# of make check counts it.
#
# Usage: igt-boot.sh [--verbose] [TEST...]
#   TEST is an igt_runner test name, igt@binary or igt@binary@subtest;
#   without any, the list tests/igt/tests.txt.
. "$(dirname "$0")/lib.sh"
resolve_tree
tree_lock

verbose=0
[ "${1:-}" = --verbose ] && { verbose=1; shift; }
list=$REPO/tests/igt/tests.txt
if [ $# -gt 0 ]; then
	mkdir -p "$GUEST"
	list=$GUEST/igt-tests.txt
	printf '%s\n' "$@" > "$list"
fi
[ -f "$BUILD/arch/x86/boot/bzImage" ] || die "no test kernel yet: run make build first"
guest_programs
igt=$(IGT_LIST=$list "$REPO/harness/igt.sh" | tail -n 1) || exit 1
log=$RESULTS/igt-alone.log
msg "igt: booting with IGT alone (TCG, 2 vCPUs)"
GUEST_CPIO_EXTRA=$igt guest_boot "$log" "${GUEST_TIMEOUT:-1800}" \
	"kunit.enable=0 rdinit=/init vsvm.num_gpus=8 vsvm.no_fault=0x80" "$verbose" "" /tests/igt
msg "igt: log in $log"
rc=0
python3 "$REPO/harness/igt-count.py" "$log" "$list" "$REPO/tests/igt" || rc=1
check_log "$log" || rc=1
exit $rc
