# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Common settings of the drm_svm_coord harness. Sourced, never run.
#
# Layout of the cache (default ~/.cache/drm-svm-coord, override with CACHE=):
#   apt/                 private apt state used to fetch the base package
#   src/linux-<ver>/     unpacked base tree (the overlay is applied in place)
#   state/<tag>/         originals of patched files, overlay manifest
#   build/<tag>/         O= build directory of the test kernel
#   build/<tag>-bench/   the same for the benchmark's kernel (BENCH=1)
#   guest/<tag>[-bench]/ initramfs and static guest programs
#   results/<tag>/       one file per stage: "pass fail skip"
#   igt/<version>/       IGT GPU Tools: its packages and the staged guest files
#   ccache/              compiler cache
# <tag> is "debian-<version>" or "kdir-<hash of KDIR>".

set -euo pipefail

# The harness runs Debian's tools (installed by deps.sh): prefer them to
# other installs on PATH, such as a pyenv python3 without python3-ply.
export PATH=/usr/bin:/bin:$PATH

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/drm-svm-coord}
JOBS=${JOBS:-$(nproc)}
BASE_PKG=${BASE_PKG:-linux-source-7.3}
BASE_SUITE=${BASE_SUITE:-trixie-backports}
BASE_MIRROR=${BASE_MIRROR:-http://deb.debian.org/debian}
# The kernel a harness run builds and boots: the test kernel (amdgpu,
# KASAN, UBSAN, fault injection, sockets for IGT: make check, make soak),
# or with BENCH=1 the benchmark's kernel (make run, make bench: no amdgpu,
# no sanitizer, no lock debugging or kmemleak to weigh on the timings, the
# ftrace function profiler) in directories of its own. Its .config starts
# as its fragments one after the other (build.sh); a symbol set twice takes
# the later fragment's value.
if [ -n "${BENCH:-}" ]; then
	FRAGMENTS=("$REPO/configs/x86_64-test.config" "$REPO/configs/x86_64-bench.config")
	FLAVOUR=-bench
	KERNEL_NAME="benchmark's kernel"
else
	FRAGMENTS=("$REPO/configs/x86_64-test.config" "$REPO/configs/x86_64-amdgpu.config"
		   "$REPO/configs/x86_64-sanitizers.config" "$REPO/configs/x86_64-igt.config")
	FLAVOUR=
	KERNEL_NAME="test kernel"
fi
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}

msg() { printf '>>> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# private_apt DIR SUITE: apt state of its own in DIR for Debian's SUITE of
# $BASE_MIRROR (the host's apt configuration is not touched); sets APTOPT,
# the options every apt-get and apt-cache call then takes.
private_apt() {
	mkdir -p "$1/lists/partial" "$1/archives/partial"
	cat > "$1/sources.list" <<EOF
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $BASE_MIRROR $2 main
EOF
	APTOPT=(-o Dir::Etc::SourceList="$1/sources.list"
		-o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$1/lists"
		-o Dir::Cache="$1"
		-o Dir::State::status=/dev/null
		-o Debug::NoLocking=1
		-o APT::Sandbox::User=root)
}

# Resolve the kernel source tree and the tag naming the per-tree directories.
# The Debian base is fetched by fetch-base.sh, which writes src/CURRENT.
resolve_tree() {
	if [ -n "${KDIR:-}" ]; then
		[ -f "$KDIR/Makefile" ] && [ -d "$KDIR/drivers/gpu/drm" ] ||
			die "KDIR=$KDIR is not a kernel source tree"
		SRC=$(cd "$KDIR" && pwd)
		TAG=kdir-$(printf '%s' "$SRC" | sha1sum | cut -c1-12)
	else
		[ -f "$CACHE/src/CURRENT" ] ||
			die "base tree not fetched yet: run 'make fetch' (or make check)"
		SRC=$CACHE/src/$(cat "$CACHE/src/CURRENT")
		TAG=debian-$(kernel_version "$SRC")
	fi
	STATE=$CACHE/state/$TAG
	BUILD=$CACHE/build/$TAG$FLAVOUR
	GUEST=$CACHE/guest/$TAG$FLAVOUR
	RESULTS=$CACHE/results/$TAG
	mkdir -p "$STATE" "$BUILD" "$GUEST" "$RESULTS"
}

# tree_lock: one harness run at a time writes a cached tree (its sources,
# .config and build directory). The scripts a run starts inherit the lock.
tree_lock() {
	[ "${DRM_SVM_COORD_TREE_LOCK:-}" = "$STATE" ] && return 0
	# A descriptor bash picks (10 or above): a fixed one could be one that
	# make handed down for its jobserver.
	exec {TREE_LOCK_FD}>> "$STATE/tree.lock"
	if ! flock -n "$TREE_LOCK_FD"; then
		msg "waiting for another harness run on $SRC ($STATE/tree.lock)"
		flock "$TREE_LOCK_FD"
	fi
	export DRM_SVM_COORD_TREE_LOCK=$STATE
}

# The overlay: repo path -> kernel path. KUnit suites live in tests/kunit/
# and are built from drivers/gpu/drm/drm_svm_coord/tests/, amdgpu's
# (amdgpu_*) from drivers/gpu/drm/amd/amdgpu/tests/.
kernel_path() {
	case "$1" in
	tests/kunit/amdgpu_*) echo "drivers/gpu/drm/amd/amdgpu/tests/${1#tests/kunit/}" ;;
	tests/kunit/*) echo "drivers/gpu/drm/drm_svm_coord/tests/${1#tests/kunit/}" ;;
	*) echo "$1" ;;
	esac
}

# series_names < SERIES: the patch names of a series file, in order.
series_names() {
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d'
}

kernel_version() {
	make -s -C "$1" kernelversion 2>/dev/null | tail -n 1
}

kmake() {
	make -C "$SRC" O="$BUILD" ARCH=x86_64 -j"$JOBS" \
		CC="ccache gcc" HOSTCC="ccache gcc" "$@"
}

# record STAGE PASS FAIL [SKIP]: the counts a stage contributes to the total.
record() {
	printf '%s %s %s\n' "$2" "$3" "${4:-0}" > "$RESULTS/$1"
}

# Patterns that make a guest log fail: kernel warnings, bugs, lockdep, oopses.
LOG_BAD='WARNING:|BUG:|Oops|Kernel panic|general protection fault|possible circular locking|possible recursive locking|inconsistent lock state|DEBUG_LOCKS_WARN_ON|UBSAN:|Call Trace:|kmemleak:.*new suspected|IOMMU fault: DMA address'
# Crashes only: for boots whose tests trigger warnings on purpose.
LOG_CRASH='BUG:|Oops|Kernel panic|general protection fault'

# run_qemu LOG TIMEOUT CMDLINE [INITRD]: boot the test kernel (2 vCPUs).
# TCG by default: KVM guests hang silently on the project's machines;
# GUEST_ACCEL=kvm opts in where KVM works.
# Extra QEMU arguments of the next boots (machine, devices), e.g. the IOMMU
# boot's: see iommu_machine.
QEMU_EXTRA=()

# iommu_machine N: QEMU_EXTRA for a q35 machine whose Intel IOMMU translates
# the DMA of N edu PCI functions, one virtual GPU each (vsvm.pci=1); the
# kernel command line adds IOMMU_CMDLINE.
IOMMU_CMDLINE="intel_iommu=on iommu.strict=1 vsvm.pci=1"
iommu_machine() {
	local i
	QEMU_EXTRA=(-machine q35 -device intel-iommu,intremap=off)
	for ((i = 0; i < $1; i++)); do QEMU_EXTRA+=(-device edu); done
}

run_qemu() {
	local log=$1 limit=$2 cmdline=$3 initrd=${4:-} rc=0
	local args=(-nodefaults -nographic -no-reboot -serial stdio
		-accel "${GUEST_ACCEL:-tcg}" -smp 2 -m "${GUEST_MEM:-2048}"
		-kernel "$BUILD/arch/x86/boot/bzImage"
		-append "console=ttyS0 panic=-1 $cmdline")
	[ -f /usr/share/qemu/qboot.rom ] && args+=(-bios qboot.rom)
	[ -n "$initrd" ] && args+=(-initrd "$initrd")
	args+=("${QEMU_EXTRA[@]}")
	timeout -k 10 "$limit" qemu-system-x86_64 "${args[@]}" \
		< /dev/null > "$log" 2>&1 || rc=$?
	sed -i 's/\r$//' "$log"
	[ $rc = 124 ] && echo "ERROR: guest timed out after $limit s" >> "$log"
	return $rc
}

# check_log LOG [PATTERN]: fail (and show the lines) when the kernel log has
# a splat (default pattern: LOG_BAD).
check_log() {
	if grep -nE "${2:-$LOG_BAD}" "$1" > "$1.bad"; then
		echo "ERROR: the guest log $1 shows warnings or bugs:" >&2
		head -n 20 "$1.bad" >&2
		return 1
	fi
}

# build_guest_program OUT SOURCES... [-- EXTRA FLAGS]: a static guest
# program, rebuilt when the kernel's uAPI headers are newer or when the
# content of its sources, the headers they include or its flags changed.
# By content: checkouts sharing the cache differ in content, not in age.
build_guest_program() {
	local out=$1; shift
	local srcs=() extra=() sum
	while [ $# -gt 0 ] && [ "$1" != -- ]; do srcs+=("$1"); shift; done
	[ $# -gt 0 ] && { shift; extra=("$@"); }
	sum=$( {
		printf '%s\n' "${extra[@]}"
		gcc -MM -isystem "$BUILD/usr/include" "${extra[@]}" "${srcs[@]}" |
			tr ' \\' '\n\n' | grep -v -e ':$' -e '^$' | sort -u |
			xargs cat
	} | sha256sum) || die "cannot find the sources of $out"
	if [ -e "$out" ] && [ ! "$BUILD/usr/include" -nt "$out" ] &&
	   [ "$(cat "$out.sum" 2>/dev/null)" = "$sum" ]; then
		return
	fi
	gcc -static -O2 -Wall -isystem "$BUILD/usr/include" "${extra[@]}" \
		-o "$out" "${srcs[@]}" -lpthread -lrt -lm ||
		die "cannot build $out"
	echo "$sum" > "$out.sum"
}

# guest_programs: build /init, modload, the kernel's HMM selftests, every
# tests/guest/*.c and the benchmark into $GUEST/root; their names go to the
# array GUEST_PROGS.
guest_programs() {
	local root=$GUEST/root selftests=$SRC/tools/testing/selftests c p
	mkdir -p "$root"
	build_guest_program "$root/init" "$REPO/harness/guest-init.c"
	build_guest_program "$root/modload" "$REPO/harness/modload.c"
	build_guest_program "$root/hmm-tests" "$selftests/mm/hmm-tests.c" \
		"$selftests/mm/vm_util.c" "$selftests/mm/hugepage_settings.c" \
		-- -I "$SRC" -I "$selftests" -isystem "$SRC/tools/include/uapi" \
		-U_FORTIFY_SOURCE -Wno-unused-result
	GUEST_PROGS=(hmm-tests)
	for c in "$REPO"/tests/guest/*.c "$REPO"/tests/bench/*.c; do
		[ -e "$c" ] || continue
		p=$(basename "$c" .c)
		build_guest_program "$root/$p" "$c" -- -I "$selftests" -I "$REPO/tests/guest"
		GUEST_PROGS+=("$p")
	done
}

# Files the next boots also pack, under /modules/ (see guest_modules), with
# /tests/modload to load them.
GUEST_FILES=()

# guest_modules NAME: the modules of the build that module NAME needs, and
# NAME, stripped of debug information into $GUEST/modules, in an order
# that loads (dependencies first, from each module's .modinfo); printed as
# paths on the host, one a line. The guest has no kmod and needs none.
guest_modules() {
	local dir=$GUEST/modules
	mkdir -p "$dir"
	python3 - "$BUILD" "$1" <<'PY' | while read -r ko; do
import os, subprocess, sys
build, want = sys.argv[1:3]
norm = lambda n: n.replace('-', '_')
path = {}
for line in open(os.path.join(build, 'modules.order')):
    ko = os.path.join(build, line.strip()[:-2] + '.ko')
    path[norm(os.path.basename(ko)[:-3])] = ko
def depends(ko):
    info = subprocess.run(['objcopy', '-O', 'binary', '-j', '.modinfo', ko, '/dev/stdout'],
                          check=True, capture_output=True).stdout
    for f in info.split(b'\0'):
        if f.startswith(b'depends='):
            return [norm(d) for d in f[8:].decode().split(',') if d]
    return []
order = []
def visit(name):
    if name in order:
        return
    if name not in path:
        sys.exit(f'guest_modules: no module {name} in the build')
    for d in depends(path[name]):
        visit(d)
    order.append(name)
visit(norm(want))
for name in order:
    print(path[name])
PY
		objcopy --strip-debug "$ko" "$dir/${ko##*/}" || exit 1
		echo "$dir/${ko##*/}"
	done
}

# guest_boot LOG TIMEOUT CMDLINE VERBOSE FILTER LINE...: pack every guest
# program and a list of the command LINEs /init runs into an initramfs and
# boot it. VERBOSE=1 echoes the console through the sed script FILTER.
# GUEST_CPIO_EXTRA names a gen_init_cpio list of more files (IGT's).
guest_boot() {
	local log=$1 limit=$2 cmdline=$3 verbose=$4 filter=$5 root=$GUEST/root p
	shift 5
	printf '%s\n' "$@" > "$root/list"
	{
		echo "dir /dev 0755 0 0"
		echo "nod /dev/console 0600 0 0 c 5 1"
		for p in /proc /sys /tmp /tests; do echo "dir $p 0755 0 0"; done
		echo "file /init $root/init 0755 0 0"
		echo "file /tests/list $root/list 0644 0 0"
		for p in "$root"/*; do
			case ${p##*/} in init|list|modload|*.sum) continue ;; esac
			echo "file /tests/${p##*/} $p 0755 0 0"
		done
		[ ${#GUEST_FILES[@]} = 0 ] || echo "dir /modules 0755 0 0"
		for p in "${GUEST_FILES[@]}"; do
			echo "file /modules/${p##*/} $p 0644 0 0"
		done
		[ ${#GUEST_FILES[@]} = 0 ] ||
			echo "file /tests/modload $root/modload 0755 0 0"
		[ -z "${GUEST_CPIO_EXTRA:-}" ] || cat "$GUEST_CPIO_EXTRA"
	} > "$GUEST/initramfs.list"
	"$BUILD/usr/gen_init_cpio" "$GUEST/initramfs.list" > "$GUEST/initramfs.cpio" ||
		die "gen_init_cpio failed"
	rm -f "$log"
	if [ "$verbose" = 1 ]; then
		( run_qemu "$log" "$limit" "$cmdline" "$GUEST/initramfs.cpio" || true ) &
		local qpid=$!
		while [ ! -e "$log" ]; do sleep 0.2; done
		tail -n +1 -f --pid=$qpid "$log" | sed -u -e "$filter"
		wait $qpid
	else
		run_qemu "$log" "$limit" "$cmdline" "$GUEST/initramfs.cpio" || true
	fi
}

# count LOG PROGRAM...: add the kselftest results of each PROGRAM in a
# boot's log to the caller's pass, fail and skip; a program that crashed,
# a boot that stopped early, a splat (check_log) and, with kmemleak, a scan
# that was not clean count as failures.
count() {
	local log=$1 p block status totals tp tf ts te
	shift
	for p in "$@"; do
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
	# /init's kmemleak scan after the last program (see guest-init.c).
	if grep -q '^CONFIG_DEBUG_KMEMLEAK=y' "$BUILD/.config"; then
		if grep -q '^@@ KMEMLEAK no leak' "$log"; then
			printf '  %-24s %3d passed, %3d failed, %3d skipped\n' kmemleak 1 0 0
			pass=$((pass + 1))
		else
			echo "ERROR: no clean kmemleak scan at the end of $log" >&2
			grep -A20 '^kmemleak:' "$log" | head -n 40 >&2 || true
			printf '  %-24s %3d passed, %3d failed, %3d skipped\n' kmemleak 0 1 0
			fail=$((fail + 1))
		fi
	fi
}
