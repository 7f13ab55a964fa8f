#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Configure and build the test kernel, or with BENCH=1 the benchmark's
# kernel (x86_64, W=1, ccache, O= build dir). Fails when an option of the
# fragments is dropped by Kconfig, and when the compiler warns about any
# file of the project.
. "$(dirname "$0")/lib.sh"
resolve_tree
tree_lock

# Write the fragment as .config and let Kconfig complete it, as kunit.py
# does. kbuild tracks each symbol, so an unchanged result rebuilds nothing.
cat "${FRAGMENTS[@]}" > "$BUILD/.config"
kmake -s olddefconfig >/dev/null

# Every option requested must be in the final configuration as requested.
dropped=0
while read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$BUILD/.config" && continue ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }; sym=${sym%% *}
		! grep -q "^$sym=" "$BUILD/.config" && continue ;;
	*) continue ;;
	esac
	echo "ERROR: '$line' was dropped; .config has: $(grep -E "(^| )${line%%=*}[= ]" "$BUILD/.config" || echo nothing)" >&2
	dropped=1
done < <(cat "${FRAGMENTS[@]}" | awk '
	/^CONFIG_[A-Za-z0-9_]+=/ { sym = $0; sub(/=.*/, "", sym) }
	/^# CONFIG_[A-Za-z0-9_]+ is not set/ { sym = $2 }
	/^CONFIG_|^# CONFIG_/ { last[sym] = $0; order[++n] = sym; next }
	END { for (i = 1; i <= n; i++) if (!seen[order[i]]++) print last[order[i]] }')
[ $dropped = 0 ] || die "requested options missing from the final .config (unmet dependencies?)"

msg "building Linux $(kernel_version "$SRC") ($KERNEL_NAME) in $BUILD (-j$JOBS, W=1)"
start=$(date +%s)
if ! kmake W=1 bzImage modules > "$BUILD/build.log" 2>&1; then
	grep -E 'error|Error' "$BUILD/build.log" | head -n 40 >&2
	die "kernel build failed; full log in $BUILD/build.log"
fi
kmake -s headers > "$BUILD/headers.log" 2>&1 || die "make headers failed: $BUILD/headers.log"
msg "kernel built in $(( $(date +%s) - start )) s: $BUILD/arch/x86/boot/bzImage"

# A module that links against a symbol nobody exports loads nowhere.
if grep -E 'undefined!|ERROR: modpost' "$BUILD/build.log" >&2; then
	die "modpost found unresolved symbols"
fi

# Warnings in the project's files fail the build (DRM compiles with W=1),
# and so do new ones in the upstream files its patches change: those that
# the unpatched file already has are listed in harness/upstream-warnings
# ("file :: message :: evidence"), compared without line numbers.
pattern() {	# LIST: the .c and .h files of a list, as one regex
	grep -E '\.[ch]$' "$1" | sed 's/[.]/[.]/g' | paste -sd '|'
}
ours=$(pattern "$STATE/overlay.list")
if sed 's#/amdgpu/\.\./amdkfd/#/amdkfd/#' "$BUILD/build.log" |
	grep -E "(^|/)($ours):[0-9]+(:[0-9]+)?: warning:" >&2; then
	die "the compiler warns about files of the project"
fi
theirs=$(pattern "$STATE/patched.list")
new=0
while IFS= read -r w; do
	f=$(grep -oE "($theirs)$" <<< "${w%%:*}") m=${w#*: warning: }
	grep -qF "$f :: $m ::" "$REPO/harness/upstream-warnings" && continue
	echo "$w" >&2
	new=1
done < <([ -z "$theirs" ] || sed 's#/amdgpu/\.\./amdkfd/#/amdkfd/#' "$BUILD/build.log" |
	grep -E "(^|/)($theirs):[0-9]+(:[0-9]+)?: warning:" | sort -u)
[ $new = 0 ] || die "new compiler warnings in upstream files the patches change (harness/upstream-warnings)"
