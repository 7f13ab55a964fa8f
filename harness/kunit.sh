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

suite_names() {	# FILE...: the suites the files register
	sed -n 's/^[[:space:]]*\.name = "\([a-z0-9_]*\)",.*/\1/p' "$@"
}
core=() amd=()
for f in "$REPO"/tests/kunit/*.c; do
	case ${f##*/} in amdgpu_*) amd+=("$f") ;; *) core+=("$f") ;; esac
done
[ ${#core[@]} -gt 0 ] && [ ${#amd[@]} -gt 0 ] || die "no KUnit suites in tests/kunit"
mapfile -t suites < <(suite_names "${core[@]}")
for s in "${suites[@]}"; do
	[[ $s == drm_svm_coord* ]] || die "KUnit suite '$s' must be named drm_svm_coord*"
done
mapfile -t amd_suites < <(suite_names "${amd[@]}")
[ ${#amd_suites[@]} = ${#amd[@]} ] ||
	die "tests/kunit/amdgpu_*: ${#amd[@]} files but ${#amd_suites[@]} suites found"
for s in "${amd_suites[@]}"; do
	[[ $s == amdgpu_svm* ]] || die "KUnit suite '$s' in tests/kunit/amdgpu_* must be named amdgpu_svm*"
done

pass=0 fail=0 skip=0
boot() {	# NAME SCOPE LOG_PATTERN CMDLINE
	local name=$1 scope=$2 pattern=$3 log=$RESULTS/kunit-$1.log start
	msg "KUnit ($name): booting the test kernel (TCG, 2 vCPUs)"
	start=$(date +%s)
	run_qemu "$log" "${KUNIT_TIMEOUT:-1200}" "kunit.enable=1 kunit_shutdown=reboot $4" || true
	judge "$name" "$scope" "$pattern" "$log" "$log" "${suites[@]}"
}

judge() {	# NAME SCOPE LOG_PATTERN LOG KTAP_LOG SUITE...: count a boot's results
	local name=$1 scope=$2 pattern=$3 log=$4 ktap=$5 p f s e
	shift 5
	read -r p f s e < <(python3 "$REPO/harness/kunit-count.py" "$SRC" "$ktap" \
		"$REPO/harness/kunit-known-failures" "$scope" "$@" |
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

# amdgpu's suites run inside amdgpu.ko, which loads (and unloads) in a
# guest without an AMD GPU: an initramfs with the module and the ones it
# needs, loaded by /tests/modload with kunit.enable=1 (a module's suites
# run while it loads); then /init's kmemleak scan. Only the module's KTAP
# document is counted: the built-in executor prints an empty plan first.
amdgpu_boot() {
	local log=$RESULTS/kunit-amdgpu.log start s
	msg "KUnit (amdgpu): loading amdgpu.ko in the guest (TCG, 2 vCPUs)"
	start=$(date +%s)
	guest_programs
	mapfile -t GUEST_FILES < <(guest_modules amdgpu)
	[ ${#GUEST_FILES[@]} -gt 0 ] && [[ ${GUEST_FILES[-1]} == */amdgpu.ko ]] ||
		die "amdgpu.ko or a module it needs is not in the build"
	guest_boot "$log" "${KUNIT_TIMEOUT:-1200}" \
		"kunit.enable=1 kunit.filter_glob=amdgpu_svm* rdinit=/init printk.devkmsg=on" 0 "" \
		"/tests/modload -u amdgpu ${GUEST_FILES[*]/#*\///modules/}"
	GUEST_FILES=()
	sed -n '\|^@@ RUN /tests/modload|,$p' "$log" > "$log.ktap"
	judge amdgpu project "$LOG_BAD" "$log" "$log.ktap" "${amd_suites[@]}"
	# Each suite's cases, for the stage table.
	awk '/^SUITE / { printf "    %-22s %5d passed, %3d failed, %3d skipped\n", $2, $3, $4, $5 }' \
		"$log.counts"
	for s in "${amd_suites[@]}"; do
		if ! grep -qE "^(not )?ok [0-9]+ $s\$" "$log.ktap"; then
			echo "ERROR: amdgpu KUnit suite '$s' did not run" >&2
			fail=$((fail + 1))
		fi
	done
	if ! grep -q '^modload: unloaded amdgpu' "$log" ||
	   ! grep -q '^@@ EXIT /tests/modload 0$' "$log"; then
		echo "ERROR: amdgpu.ko did not load and unload cleanly:" >&2
		grep -E '^modload:|^@@ EXIT' "$log" >&2 || tail -n 20 "$log" >&2
		fail=$((fail + 1))
	fi
	if ! grep -q '^@@ KMEMLEAK no leak' "$log"; then
		echo "ERROR: no clean kmemleak scan after unloading amdgpu.ko ($log)" >&2
		fail=$((fail + 1))
	fi
	msg "KUnit (amdgpu): $(( $(date +%s) - start )) s, log in $log"
}
record kunit "$pass" "$fail" "$skip"
kunit_fail=$fail

# A stage of its own: the amdgpu backend's suites.
pass=0 fail=0 skip=0
amdgpu_boot
record kunit-amdgpu "$pass" "$fail" "$skip"
[ "$kunit_fail" = 0 ] && [ "$fail" = 0 ]
