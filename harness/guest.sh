#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Userspace tests in the guest: build the static test programs and /init,
# pack them into an initramfs, boot the test kernel with kunit.enable=0 and
# count the kselftest results of every program.
#
# Usage: guest.sh [--verbose]   (--verbose echoes the guest console)
. "$(dirname "$0")/lib.sh"
resolve_tree

verbose=0
[ "${1:-}" = --verbose ] && verbose=1

root=$GUEST/root
mkdir -p "$root"
CFLAGS_GUEST=(-static -O2 -Wall -isystem "$BUILD/usr/include")
SELFTESTS=$SRC/tools/testing/selftests

# build OUT SOURCES... [-- EXTRA FLAGS]: rebuild when a source is newer.
build() {
	local out=$1; shift
	local srcs=() extra=() s
	while [ $# -gt 0 ] && [ "$1" != -- ]; do srcs+=("$1"); shift; done
	[ $# -gt 0 ] && { shift; extra=("$@"); }
	for s in "${srcs[@]}" "$BUILD/usr/include"; do
		if [ ! -e "$out" ] || [ "$s" -nt "$out" ]; then
			gcc "${CFLAGS_GUEST[@]}" "${extra[@]}" -o "$out" "${srcs[@]}" \
				-lpthread -lrt -lm || die "cannot build $out"
			return
		fi
	done
}

build "$root/init" "$REPO/harness/guest-init.c"

# The kernel's own HMM selftests, against lib/test_hmm.
mm=$SELFTESTS/mm
build "$root/hmm-tests" "$mm/hmm-tests.c" "$mm/vm_util.c" "$mm/hugepage_settings.c" \
	-- -I "$SRC" -I "$SELFTESTS" -isystem "$SRC/tools/include/uapi" \
	-U_FORTIFY_SOURCE -Wno-unused-result

# The project's own guest tests: each tests/guest/*.c is one program.
progs=(hmm-tests)
for c in "$REPO"/tests/guest/*.c; do
	[ -e "$c" ] || continue
	p=$(basename "$c" .c)
	build "$root/$p" "$c" -- -I "$SELFTESTS" -I "$REPO/tests/guest"
	progs+=("$p")
done
printf '/tests/%s\n' "${progs[@]}" > "$root/list"

# Initramfs: the kernel's gen_init_cpio needs no root for /dev/console.
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in /proc /sys /tmp /tests; do echo "dir $d 0755 0 0"; done
	echo "file /init $root/init 0755 0 0"
	echo "file /tests/list $root/list 0644 0 0"
	for p in "${progs[@]}"; do echo "file /tests/$p $root/$p 0755 0 0"; done
} > "$GUEST/initramfs.list"
"$BUILD/usr/gen_init_cpio" "$GUEST/initramfs.list" > "$GUEST/initramfs.cpio" ||
	die "gen_init_cpio failed"

# Eight virtual GPUs; GPU 7 cannot fault.
cmdline="kunit.enable=0 rdinit=/init vsvm.num_gpus=8 vsvm.no_fault=0x80"
log=$RESULTS/guest.log
msg "guest: booting with ${#progs[@]} test programs (TCG, 2 vCPUs)"
start=$(date +%s)
if [ $verbose = 1 ]; then
	( run_qemu "$log" "${GUEST_TIMEOUT:-1800}" "$cmdline" \
		"$GUEST/initramfs.cpio" || true ) &
	qpid=$!
	while [ ! -e "$log" ]; do sleep 0.2; done
	tail -n +1 -f --pid=$qpid "$log"
	wait $qpid
else
	run_qemu "$log" "${GUEST_TIMEOUT:-1800}" "$cmdline" \
		"$GUEST/initramfs.cpio" || true
fi
msg "guest: ran $(( $(date +%s) - start )) s, log in $log"

# Per program: kselftest "# Totals:" line, or its exit status alone.
pass=0 fail=0 skip=0
for p in "${progs[@]}"; do
	block=$(sed -n "\|^@@ RUN /tests/$p\$|,\|^@@ EXIT /tests/$p |p" "$log")
	status=$(echo "$block" | sed -n "s|^@@ EXIT /tests/$p ||p")
	totals=$(echo "$block" | grep -E '^# Totals: pass:' | tail -n 1 || true)
	if [ -n "$totals" ]; then
		read -r tp tf ts te < <(echo "$totals" | sed -E \
			's/^# Totals: pass:([0-9]+) fail:([0-9]+) .*skip:([0-9]+) error:([0-9]+).*/\1 \2 \3 \4/')
		tf=$((tf + te))
	else
		tp=0 tf=0 ts=0
		[ "$status" = 0 ] && tp=1
	fi
	if [ "$status" != 0 ] && [ "$tf" = 0 ]; then
		echo "ERROR: $p ended with status '${status:-none}' (crashed or never finished)" >&2
		tf=1
	fi
	printf '  %-24s %3d passed, %3d failed, %3d skipped\n' "$p" "$tp" "$tf" "$ts"
	echo "$block" | grep -E '^(not ok|# FAIL|#  *FAIL)' | head -n 20 >&2 || true
	pass=$((pass + tp)) fail=$((fail + tf)) skip=$((skip + ts))
done
if ! grep -q '^@@ DONE' "$log"; then
	echo "ERROR: the guest did not reach the end of its test list" >&2
	tail -n 30 "$log" >&2
	fail=$((fail + 1))
fi
if ! check_log "$log"; then
	fail=$((fail + 1))
fi
record guest "$pass" "$fail" "$skip"
[ "$fail" = 0 ]
