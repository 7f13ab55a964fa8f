#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# KUnit in the guest, in two boots of the test kernel (kunit.enable=1):
#  - the project's suites alone (kunit.filter_glob=drm_svm_coord*): every
#    suite of tests/kunit must run and pass, and the log must be free of
#    any warning, bug or lockdep report;
#  - the upstream DRM suites: judged by their KUnit results; their log may
#    show the warnings those tests provoke on purpose (and one of them
#    turns lockdep off, the reason for the separate boots), but no crash.
# Results are counted with the kernel's own KTAP parser (kunit-count.py).
. "$(dirname "$0")/lib.sh"
resolve_tree
tree_lock

mapfile -t suites < <(sed -n 's/^[[:space:]]*\.name = "\([a-z0-9_]*\)",.*/\1/p' "$REPO"/tests/kunit/*.c)
for s in "${suites[@]}"; do
	[[ $s == drm_svm_coord* ]] || die "KUnit suite '$s' must be named drm_svm_coord*"
done

pass=0 fail=0 skip=0
boot() {	# NAME SCOPE LOG_PATTERN CMDLINE
	local name=$1 scope=$2 pattern=$3 log=$RESULTS/kunit-$1.log start
	local p f s e
	msg "KUnit ($name): booting the test kernel (TCG, 2 vCPUs)"
	start=$(date +%s)
	run_qemu "$log" "${KUNIT_TIMEOUT:-1200}" "kunit.enable=1 kunit_shutdown=reboot $4" || true
	read -r p f s e < <(python3 "$REPO/harness/kunit-count.py" "$SRC" "$log" \
		"$REPO/harness/kunit-known-failures" "$scope" "${suites[@]}" |
		tee "$log.counts" | tail -n 1)
	grep -E '^(FAIL|KNOWN) ' "$log.counts" >&2 || true
	if [ $((p + f + s)) = 0 ]; then
		echo "ERROR: no KUnit results in $log" >&2
		tail -n 20 "$log" >&2
		f=1
	fi
	if ! check_log "$log" "$pattern"; then
		f=$((f + 1))
	fi
	printf '  KUnit %-9s %5d passed, %3d failed, %3d skipped (%d s, %d warnings in log)\n' \
		"$name" "$p" "$f" "$s" "$(( $(date +%s) - start ))" "$(grep -c 'WARNING:' "$log" || true)"
	pass=$((pass + p)) fail=$((fail + f + e)) skip=$((skip + s))
}

boot project project "$LOG_BAD" "kunit.filter_glob=drm_svm_coord*"
# Each project suite must have run, not silently vanished.
for s in "${suites[@]}"; do
	if ! grep -qE "^(not )?ok [0-9]+ $s\$" "$RESULTS/kunit-project.log"; then
		echo "ERROR: project KUnit suite '$s' did not run" >&2
		fail=$((fail + 1))
	fi
done
boot upstream upstream "$LOG_CRASH" ""

record kunit "$pass" "$fail" "$skip"
[ "$fail" = 0 ]
