#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# The soak (a stage of make check with its defaults; make soak prints a
# table): boot the test kernel (configs/x86_64-sanitizers.config: KASAN,
# UBSAN, fault injection, besides lockdep, DEBUG_VM and kmemleak; built
# by the caller) with five virtual GPUs as PCI functions behind an Intel
# IOMMU in strict mode, GPU TLB invalidations completing 1 ms late,
# 32 MiB of VRAM each (GPUs 0-1 and 2-3 peers), GPU 4 unable to fault. The guest runs the uAPI fuzzer, the
# fault-injection campaign and the stress program. Besides their own
# results, the boot fails on any KASAN, UBSAN, lockdep or warning report,
# on a kmemleak scan that is not clean and when KASAN was not on.
#
# Usage: soak.sh [--table]   --table: print the figures as a table (make soak)
# Environment: DURATION (seconds of stress, default 120), SEED (of the
# stress and the fuzzer, default from the clock), FI_DEPTH (the Nth calls
# of each fault-injection site that fail, 1 to FI_DEPTH, default 2),
# FUZZ_CALLS (ioctls of the fuzzer, default 12 per second of stress: the
# fuzzer checks its invariants around each call and does about 15 calls a
# second in this guest).
. "$(dirname "$0")/lib.sh"
resolve_tree
tree_lock

table=0
[ "${1:-}" = --table ] && table=1
duration=${DURATION:-120}
depth=${FI_DEPTH:-2}
seed=${SEED:-}
calls=${FUZZ_CALLS:-$((duration * 12))}

guest_programs
stress="/tests/vsvm-stress --seconds $duration${seed:+ --seed $seed}"
fuzz="/tests/vsvm-fuzz --calls $calls${seed:+ --seed $seed}"
inject="/tests/vsvm-faultinject --depth $depth"

log=$RESULTS/soak.log
pass=0 fail=0 skip=0
iommu_machine 5
msg "soak: booting the test kernel, 5 GPUs behind the IOMMU ($calls fuzzed ioctls, fault injection depth $depth, $duration s of stress)"
start=$(date +%s)
# A bounded boot: the fuzzer and the campaign take minutes, and a hang
# (README, "Reliability") must not hold the machine for long.
guest_boot "$log" $((duration * 2 + ${SOAK_TIMEOUT:-900})) \
	"kunit.enable=0 rdinit=/init $IOMMU_CMDLINE vsvm.tlb_delay_us=1000 vsvm.vram_mb=32 vsvm.topology=pairs vsvm.no_fault=0x10" \
	0 "" "$fuzz" "$inject" "$stress"
QEMU_EXTRA=()
took=$(( $(date +%s) - start ))
msg "soak: ran $took s, log in $log"
count "$log" vsvm-fuzz vsvm-faultinject vsvm-stress

# Nothing may skip here (a kernel without fail_function, GPUs missing):
# the stage would pass without having soaked anything.
if [ "$skip" != 0 ]; then
	echo "ERROR: $skip results skipped in the soak boot, see $log" >&2
	fail=$((fail + 1))
fi
# Every GPU really sits behind the translating IOMMU.
found=$(grep -c 'DMA through the IOMMU' "$log" || true)
if [ "$found" != 5 ]; then
	echo "ERROR: $found of 5 GPUs behind the IOMMU in $log" >&2
	fail=$((fail + 1))
fi
# The sanitizers must really have watched.
if grep -q 'KernelAddressSanitizer initialized' "$log"; then
	printf '  %-24s %3d passed, %3d failed, %3d skipped\n' kasan-on 1 0 0
	pass=$((pass + 1))
else
	echo "ERROR: KASAN did not initialise in $log" >&2
	fail=$((fail + 1))
fi
record soak "$pass" "$fail" "$skip"

if [ $table = 1 ]; then
	splats=$(grep -cE "$LOG_BAD" "$log" || true)
	leaks=$( (grep -oE 'kmemleak: [0-9]+ new suspected' "$log" || true) |
		awk '{s += $2} END {print s + 0}')
	soakv() { sed -n "s/^# SOAK $1 //p" "$log" | tail -n 1; }
	echo "---- soak ($(date -u +%Y-%m-%d), Linux $(kernel_version "$SRC"), KASAN+UBSAN, $took s boot) ----"
	printf '  %-34s %s\n' \
		"seed" "$(soakv seed)" \
		"stress seconds" "$(soakv seconds)" \
		"operations" "$(soakv ops)" \
		"migrations" "$(soakv migrations)" \
		"evictions" "$(soakv evictions)" \
		"invalidations" "$(soakv invalidations)" \
		"worker processes killed" "$(soakv kills)" \
		"GPU fds closed and reopened" "$(soakv reopens)" \
		"forks" "$(soakv forks)" \
		"bytes checked" "$(soakv bytes_checked)" \
		"no-fault GPU reads stalled > 10 s" "$(soakv nofault_stalls)" \
		"corrupted" "$(soakv corrupt)"
	sed -n 's/^# SOAK op \([^ ]*\) \(.*\)/  op \1\t\2/p' "$log" | expand -t 37
	sed -n 's/^# SOAK errno \([^ ]*\) \(.*\)/  errno \1 (tolerated)\t\2/p' "$log" | expand -t 37
	sed -n 's/^# \(fault injection: .*\)/  \1/p; s/^# \(fuzz: .*\)/  \1/p' "$log"
	# Errnos the fuzzer got ("... failed (EINVAL 11, EFAULT 2), ...") and
	# those the fault-injection workloads met ("errors seen: ENOMEM x1").
	sed -n '/^ok [0-9]* fuzz /s/.* failed (\([^)]*\)).*/\1/p' "$log" | tr ',' '\n' |
		awk '$1 ~ /^E/ {n[$1] += $2} END {for (e in n) printf "  fuzz errno %s\t%d\n", e, n[e]}' |
		sort | expand -t 37
	sed -n 's/.*errors seen: //p' "$log" | tr ',' '\n' | tr -d x |
		awk 'NF == 2 {n[$1] += $2} END {for (e in n) printf "  fault injection %s\t%d\n", e, n[e]}' |
		sort | expand -t 37
	printf '  %-34s %s\n' "splats (KASAN, UBSAN, lockdep, WARN)" "$splats" \
		"leaks (kmemleak)" "$leaks"
fi
[ "$fail" = 0 ]
