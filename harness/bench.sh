#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# The benchmark in the guest: the coordinator against one drm_gpusvm per GPU.
#
# Usage: bench.sh demo|full [--replot]
#   demo  4 virtual GPUs, a short workload, the side-by-side table (make run)
#   full  8 virtual GPUs, N = 1, 2, 4, 8, five runs each, then the results
#         file and the plot (make bench)
# Two boots: the mapping suite on GPUs without VRAM, then the migration
# suite on GPUs with $BENCH_VRAM_MB MiB of VRAM each, all peers. With
# BENCH_IOMMU=1 both boots put the GPUs behind the IOMMU with the TLB delay
# of make check's IOMMU boots (the honest GPU model), results named
# bench-<mode>-iommu.
# Results: $RESULTS/bench-<mode>.{txt,csv}, the logs bench-<mode>.log and
# bench-<mode>-vram.log, and for full bench.png;
# OUT=<dir> copies them there as well. --replot remakes them from the last
# log without booting. Builds and boots the benchmark's kernel (BENCH=1: no
# sanitizer weighs on its timings).
export BENCH=1
. "$(dirname "$0")/lib.sh"
resolve_tree
tree_lock

mode=${1:-demo}
case $mode in
demo) gpus=4 limit=${GUEST_TIMEOUT:-900} ;;
full) gpus=8 limit=${GUEST_TIMEOUT:-3600} ;;
*) die "usage: bench.sh demo|full" ;;
esac

vram_mb=${BENCH_VRAM_MB:-64}
name=bench-$mode extra=quiet where=""
if [ "${BENCH_IOMMU:-0}" = 1 ]; then
	name=bench-$mode-iommu
	# Not quiet: vsvm says at KERN_INFO whether each GPU's DMA goes
	# through the IOMMU, which the logs are checked for below.
	extra="$IOMMU_CMDLINE vsvm.tlb_delay_us=1000"
	where=" behind the IOMMU, TLB delay 1 ms"
	iommu_machine "$gpus"
fi
log=$RESULTS/$name.log
logv=$RESULTS/$name-vram.log
if [ "${2:-}" = --replot ]; then
	[ -f "$log" ] && [ -f "$logv" ] || die "no $log and $logv to replot"
else
	"$REPO/harness/build.sh"
	guest_programs
	start=$(date +%s)
	# Echo the benchmark's own lines only: not the boot, the markers or the
	# results file.
	msg "bench: booting with $gpus virtual GPUs$where (TCG, 2 vCPUs), vsvm-bench --$mode"
	guest_boot "$log" "$limit" "kunit.enable=0 rdinit=/init vsvm.num_gpus=$gpus $extra" \
		1 '\|^@@ RUN|,\|^@@ EXIT|!d;/^@@/d' "/tests/vsvm-bench --$mode"
	msg "bench: booting with $gpus virtual GPUs$where with $vram_mb MiB of VRAM each, vsvm-bench --$mode"
	guest_boot "$logv" "$limit" \
		"kunit.enable=0 rdinit=/init vsvm.num_gpus=$gpus vsvm.vram_mb=$vram_mb vsvm.topology=all $extra" \
		1 '\|^@@ RUN|,\|^@@ EXIT|!d;/^@@/d' "/tests/vsvm-bench --$mode"
	msg "bench: ran $(( $(date +%s) - start )) s, logs in $log and $logv"
fi

for l in "$log" "$logv"; do
	status=$(sed -n 's|^@@ EXIT /tests/vsvm-bench ||p' "$l")
	if [ "${BENCH_IOMMU:-0}" = 1 ] && [ "$(grep -c 'DMA through the IOMMU' "$l")" != "$gpus" ]; then
		die "not every GPU of $l is behind the IOMMU"
	fi
	check_log "$l" || die "the guest log $l shows warnings or bugs"
	[ "$status" = 0 ] || die "vsvm-bench --$mode ended with status '${status:-none}' in $l"
done

# The benchmark's lines, without the kernel's (a boot that is not quiet
# interleaves "subsystem: message" lines; the benchmark writes none).
sed -n '\|^@@ RUN /tests/vsvm-bench$|,\|^@@ EXIT|{/^@@/d;p}' "$log" "$logv" |
	grep -vE '^[A-Za-z][A-Za-z0-9_.-]*( [^ ]+)?: ' > "$RESULTS/$name.txt"
csv=$RESULTS/$name.csv
{
	echo "phase,metric,unit,n,mode,median,min,max,runs,exact"
	sed -n 's/^@@CSV //p' "$log" "$logv"
} > "$csv"
files=("$RESULTS/$name.txt" "$csv")

if [ "$mode" = full ]; then
	dat=$GUEST/bench-dat
	mkdir -p "$dat"
	# series PHASE METRIC: one file per mode with "n median min max".
	series() {
		local m
		for m in coordinator baseline; do
			awk -F, -v p="$1" -v t="$2" -v m="$m" \
				'$1 == p && $2 == t && $5 == m { print $4, $6, $7, $8 }' \
				"$csv" > "$dat/$1-${2//[ \/]/_}-$m"
		done
	}
	series touch "hmm_range_fault calls"
	series touch "CPU time ms"
	series munmap "invalidation callbacks"
	series munmap "munmap wall time ms"
	series refault "pages re-faulted"
	series refault "CPU time ms"
	series touch4k "pages faulted by hmm"
	series touch4k "CPU time ms"
	series pingpong "migrations"
	series shared "migrations"
	series chain "migrations"
	series oversub "MiB through system memory"
	series copy "migration / memcpy rate"
	series touch4k "profile: hmm_range_fault"
	series touch4k "profile: the rest"
	# The scale phases at N = 8, against their span in GiB.
	for metric in "CPU us per range per GPU" "slab bytes per range per GPU"; do
		for m in coordinator baseline; do
			awk -F, -v t="$metric" -v m="$m" '
				$1 ~ /^scale/ && $2 == t && $4 == 8 && $5 == m {
					s = $1; sub(/^scale/, "", s)
					gib = s ~ /M$/ ? substr(s, 1, length(s) - 1) / 1024 : substr(s, 1, length(s) - 1)
					print gib, $6, $7, $8
				}' "$csv" > "$dat/scale-${metric//[ \/]/_}-$m"
		done
	done
	png=$RESULTS/${name/-full/}.png
	# plot TITLE PHASE METRIC [errors]: one panel, both modes.
	panel() {
		local c=$dat/$2-${3//[ \/]/_}-coordinator b=$dat/$2-${3//[ \/]/_}-baseline
		if [ ! -s "$c" ] || [ ! -s "$b" ]; then	# no profiler, say
			echo "set title \"$1: no data\""
			echo "plot 0 notitle"
			return
		fi
		echo "set title \"$1\""
		if [ "${4:-}" = errors ]; then
			echo "plot \"$c\" u 1:2:3:4 w yerrorlines lw 2 t \"coordinator\", \"$b\" u 1:2:3:4 w yerrorlines lw 2 t \"baseline\""
		else
			echo "plot \"$c\" u 1:2 w lp lw 2 t \"coordinator\", \"$b\" u 1:2 w lp lw 2 t \"baseline\""
		fi
	}
	{
		cat <<-EOF
		set terminal pngcairo size 2000,2250 font "sans,10" noenhanced
		set output "$png"
		set multiplot layout 5,4 title "drm_svm_coord vs one drm_gpusvm per GPU: vsvm in a TCG guest, Linux $(kernel_version "$SRC"), $(date -u +%Y-%m-%d)"
		set logscale x 2
		set xrange [0.8:10]
		set xtics (1, 2, 4, 8)
		set yrange [0:*]
		set xlabel "GPUs (N)"
		set key top left
		set grid
		EOF
		panel "first touch of 256 MiB: hmm_range_fault calls" touch "hmm_range_fault calls"
		panel "munmap of 256 MiB: MMU notifier callbacks" munmap "invalidation callbacks"
		panel "4 KiB munmap per 2 MiB of 64 MiB: pages faulted again" refault "pages re-faulted"
		panel "first touch of 256 MiB, 4 KiB pages: pages walked by hmm" touch4k "pages faulted by hmm"
		panel "first touch: CPU ms (median, min-max of 5)" touch "CPU time ms" errors
		panel "munmap of 256 MiB: wall ms (median, min-max of 5)" munmap "munmap wall time ms" errors
		panel "reading the rest after the 4 KiB munmaps: CPU ms" refault "CPU time ms" errors
		panel "first touch, 4 KiB pages: CPU ms (median, min-max of 5)" touch4k "CPU time ms" errors
		panel "2 GPUs write one 2 MiB range in turns, 1000 turns: migrations" pingpong "migrations"
		panel "N-1 GPUs read 16 MiB from GPU 0's VRAM: migrations" shared "migrations"
		panel "16 MiB written by GPU i, read by GPU i+1: migrations" chain "migrations"
		panel "1.5x VRAM written twice by GPU 0: MiB through system memory" oversub "MiB through system memory"
		panel "copy: migration rate / memcpy rate (median, min-max)" copy "migration / memcpy rate" errors
		panel "first touch, 4 KiB pages: ms in hmm_range_fault (profiled run)" touch4k "profile: hmm_range_fault"
		panel "first touch, 4 KiB pages: ms outside the profiled parts" touch4k "profile: the rest"
		echo 'set xrange [0.2:20]'
		echo 'set xtics (0.25, 1, 4, 16)'
		echo 'set xlabel "span of addresses, GiB (N = 8)"'
		panel "sparse span: CPU us per range per GPU (median, min-max)" scale "CPU us per range per GPU" errors
		panel "sparse span: slab bytes per range per GPU" scale "slab bytes per range per GPU" errors
		echo "unset multiplot"
	} | gnuplot || die "gnuplot failed"
	files+=("$png")
fi

if [ -n "${OUT:-}" ]; then
	mkdir -p "$OUT"
	cp "${files[@]}" "$OUT/"
fi
msg "bench: results in ${files[*]}"
