#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Configure and build the one test kernel (x86_64, W=1, ccache, O= build dir).
# Fails when an option of the fragment is dropped by Kconfig, and when the
# compiler warns about any file of the project.
. "$(dirname "$0")/lib.sh"
resolve_tree
tree_lock

# Write the fragment as .config and let Kconfig complete it, as kunit.py
# does. kbuild tracks each symbol, so an unchanged result rebuilds nothing.
cp "$FRAGMENT" "$BUILD/.config"
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
done < "$FRAGMENT"
[ $dropped = 0 ] || die "requested options missing from the final .config (unmet dependencies?)"

msg "building Linux $(kernel_version "$SRC") in $BUILD (-j$JOBS, W=1)"
start=$(date +%s)
if ! kmake W=1 bzImage > "$BUILD/build.log" 2>&1; then
	grep -E 'error|Error' "$BUILD/build.log" | head -n 40 >&2
	die "kernel build failed; full log in $BUILD/build.log"
fi
kmake -s headers > "$BUILD/headers.log" 2>&1 || die "make headers failed: $BUILD/headers.log"
msg "kernel built in $(( $(date +%s) - start )) s: $BUILD/arch/x86/boot/bzImage"

# Warnings in the project's files, and in the upstream files its patches
# change, fail the build (DRM compiles with W=1).
ours='drm_svm_coord|drivers/gpu/drm/vsvm'
for f in $(grep -E '\.[ch]$' "$STATE/patched.list" || true); do
	ours="$ours|$f"
done
if grep -E "($ours)[^ :]*:[0-9]+(:[0-9]+)?: warning:" "$BUILD/build.log" >&2; then
	die "the compiler warns about files of the project"
fi
