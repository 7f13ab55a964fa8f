#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Userspace tests in the guest: build the static test programs and /init,
# pack them into an initramfs, boot the test kernel with kunit.enable=0 and
# count the kselftest results of every program.
#
# Usage: guest.sh [--verbose]   (--verbose echoes the guest console)
. "$(dirname "$0")/lib.sh"
resolve_tree
tree_lock

verbose=0
[ "${1:-}" = --verbose ] && verbose=1

# Every program in the image. The first boot runs them all but
# vsvm-migrate, vsvm-stress and vsvm-faultinject (the soak's, with the
# fuzzer at length: harness/soak.sh), with eight GPUs without VRAM (GPU 7
# cannot fault) and the benchmark's check of the count relations; the
# second boot runs vsvm-migrate and vsvm-cow again with five GPUs with
# VRAM, two pairs of peers and GPU 4, alone, unable to fault. The IOMMU
# boots run the benchmark's check again: its mapping suite on eight GPUs
# without VRAM, its migration suite on the five with VRAM.
guest_programs
progs=() list=()
for p in "${GUEST_PROGS[@]}"; do
	case $p in
	vsvm-migrate|vsvm-stress|vsvm-faultinject) continue ;;
	vsvm-bench) list+=("/tests/$p --check") ;;
	vsvm-fuzz) list+=("/tests/$p --calls 1000") ;;
	# Upstream's THP migration benchmark has a fixed 120 s limit that
	# TCG with KASAN reaches. Killed there, it exposed a use of a freed
	# anon_vma in the next test's eviction (patches/0023, and
	# hmm-evict-exit, which runs that race on purpose).
	hmm-tests) list+=("/tests/$p -T benchmark_thp_migration") ;;
	*) list+=("/tests/$p") ;;
	esac
	progs+=("$p")
done

# IGT GPU Tools runs first in the first boot, before any test of ours has
# touched the GPUs (harness/igt.sh stages it, tests/igt/ says what runs
# and what is expected); its results are the igt stage. Not fetched or not
# staged is a failure of that stage alone.
rm -f "$RESULTS/igt"
igt=
if igt=$("$REPO/harness/igt.sh" | tail -n 1) && [ -f "$igt" ]; then
	list=(/tests/igt "${list[@]}")
else
	igt=
fi

pass=0 fail=0 skip=0
cmdline="kunit.enable=0 rdinit=/init vsvm.num_gpus=8 vsvm.no_fault=0x80"
log=$RESULTS/guest.log
msg "guest: booting with ${#progs[@]} test programs${igt:+ and IGT} (TCG, 2 vCPUs)"
start=$(date +%s)
GUEST_CPIO_EXTRA=$igt guest_boot "$log" "${GUEST_TIMEOUT:-1800}" "$cmdline" "$verbose" "" \
	"${list[@]}"
msg "guest: ran $(( $(date +%s) - start )) s, log in $log"
count "$log" "${progs[@]}"
igt_rc=1
if [ -n "$igt" ]; then
	python3 "$REPO/harness/igt-count.py" "$log" "$REPO/tests/igt/tests.txt" \
		"$REPO/tests/igt" > "$RESULTS/igt.counts" && igt_rc=0
	sed '$d' "$RESULTS/igt.counts"
	if [[ $(tail -n 1 "$RESULTS/igt.counts") =~ ^igt:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed,\ ([0-9]+)\ skipped$ ]]; then
		p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} s=${BASH_REMATCH[3]}
	else
		p=0 f=1 s=0 igt_rc=1
		echo "  igt: harness/igt-count.py did not finish (above)" >&2
	fi
	printf '  %-24s %3d passed, %3d failed, %3d skipped\n' igt "$p" "$f" "$s"
	record igt "$p" "$f" "$s"
else
	echo "  igt: IGT GPU Tools not staged (harness/igt.sh failed)" >&2
	record igt 0 1 0
fi

cmdline="kunit.enable=0 rdinit=/init vsvm.num_gpus=5 vsvm.vram_mb=32 vsvm.topology=pairs vsvm.no_fault=0x10"
log=$RESULTS/guest-vram.log
msg "guest: booting with VRAM for vsvm-migrate and vsvm-cow (TCG, 2 vCPUs)"
start=$(date +%s)
guest_boot "$log" "${GUEST_TIMEOUT:-1800}" "$cmdline" "$verbose" "" \
	/tests/vsvm-migrate /tests/vsvm-cow
msg "guest: ran $(( $(date +%s) - start )) s, log in $log"
count "$log" vsvm-migrate vsvm-cow

# The same programs on GPUs that fail the way hardware fails: PCI
# functions behind an Intel IOMMU in strict mode (every DMA unmap tears the
# IOVA down at once), with GPU TLB invalidations that complete 1 ms after
# they are issued (see vsvm_pt.c). A GPU reaching a page through a stale
# translation after the coordinator DMA-unmapped it is an IOMMU fault,
# which vsvm logs and the log check fails on.
iommu_boot() {	# NAME NGPUS CMDLINE PROGRAM...
	local name=$1 n=$2 cmd=$3 log=$RESULTS/guest-$1.log found
	shift 3
	iommu_machine "$n"
	msg "guest: booting $n GPUs behind the IOMMU, TLB delay on ($name: $*)"
	start=$(date +%s)
	guest_boot "$log" "${GUEST_TIMEOUT:-1800}" \
		"kunit.enable=0 rdinit=/init $IOMMU_CMDLINE vsvm.tlb_delay_us=1000 $cmd" \
		"$verbose" "" "${@/#//tests/}"
	QEMU_EXTRA=()
	msg "guest: ran $(( $(date +%s) - start )) s, log in $log"
	# Every GPU must really sit behind the translating IOMMU.
	found=$(grep -c 'DMA through the IOMMU' "$log" || true)
	if [ "$found" != "$n" ]; then
		echo "ERROR: $found of $n GPUs behind the IOMMU in $log" >&2
		grep -E 'DMAR|IOMMU|vsvm' "$log" | head -n 20 >&2 || true
		fail=$((fail + 1))
	fi
	count "$log" "${@%% *}"
}
# vsvm-stress runs here on eight GPUs without VRAM, only GPUs that fault;
# the soak (harness/soak.sh, a stage of make check) runs it on five GPUs
# with VRAM and huge pages, GPU 4 unable to fault, with every thread.
iommu_boot iommu 8 "vsvm.no_fault=0x80" vsvm-tests vsvm-cow \
	"vsvm-stress --without=nofault" "vsvm-bench --check"
iommu_boot iommu-vram 5 "vsvm.vram_mb=32 vsvm.topology=pairs vsvm.no_fault=0x10" \
	vsvm-migrate "vsvm-bench --check"

record guest "$pass" "$fail" "$skip"
[ "$fail" = 0 ] && [ "$igt_rc" = 0 ]
