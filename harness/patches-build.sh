#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Build the test kernel at every patch of the series `make patches` writes,
# in order: does each patch build on the ones before it?
#
# The series comes from patches.sh (without its checks: a checkpatch
# complaint does not stop a build test). For each patch, the kernel files
# of the tree at that patch (base files with the series applied up to it,
# the project's files as they are there) replace those of the cached
# kernel tree, each written only when its content changes, and the kernel
# is built in the cached O= build directory with ccache, so a step rebuilds
# only what the patch touched. "Builds" means, with the test configuration
# (configs/x86_64-test.config and x86_64-amdgpu.config through
# olddefconfig, against the Kconfig files of that step, so options the step
# does not have yet are dropped):
#   - bzImage with W=1, as build.sh builds it: every built-in object, the
#     coordinator, vsvm and the KUnit suites once they exist, and the link;
#   - drivers/gpu/drm/drm_gpusvm.o and mm/huge_memory.o as single targets,
#     because before the coordinator's Kconfig nothing selects DRM_GPUSVM
#     and the prep patches would not be compiled at all;
#   - the modules of the test configuration (amdgpu.ko with its SVM
#     backend once the series has it), as build.sh builds them, and no
#     unresolved symbol at modpost.
#   - no compiler warning in a file the series changed up to that step
#     (as build.sh: DRM compiles with W=1).
#
# The whole run holds the tree lock (tree_lock in lib.sh), which every
# harness script that writes the cached tree takes: make check, make build
# or make overlay started meanwhile wait for it. At the end, or when
# stopped by a signal (Ctrl-C, or a TERM to the process group),
# the files it replaced are put back, `make overlay` runs again (so the
# tree is the working tree's, HEAD plus uncommitted work, as before) and
# the build configuration is restored; the next make build rebuilds what
# differs. Logs: $CACHE/patches-build/<tag>/NN.log.
#
# Usage: patches-build.sh   FROM=N TO=M build patches N..M only (1-based);
# the last line is "N passed, N failed". Slow (a kernel link per patch):
# not part of make check.
. "$(dirname "$0")/lib.sh"
resolve_tree

LOGS=$CACHE/patches-build/$TAG
work=$(mktemp -d)
restored=1
files=()

# install SRC DST: copy only when the content differs (fresh mtime, so
# kbuild sees the change).
install_if_changed() {
	cmp -s "$1" "$2" && return 0
	mkdir -p "$(dirname "$2")"
	cp "$1" "$2"
}

# Put back every file the steps replaced, re-apply the overlay, restore the
# build configuration.
restore() {
	local f
	[ $restored = 1 ] && return 0
	# A second signal must not stop the restore half way.
	trap '' INT TERM HUP
	msg "restoring $SRC"
	for f in "${files[@]}"; do
		if [ -e "$work/backup/$f" ]; then
			install_if_changed "$work/backup/$f" "$SRC/$f"
		else
			rm -f "$SRC/$f"
		fi
	done
	"$REPO/harness/overlay.sh" || msg "WARNING: make overlay failed: run it again"
	[ -e "$work/backup.config" ] && install_if_changed "$work/backup.config" "$BUILD/.config"
	restored=1
	return 0
}
trap 'restore; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

tree_lock

msg "writing the series"
PATCHES_NO_CHECK=1 SERIES_REPO=$work/series "$REPO/harness/patches.sh" "$work/out" \
	> "$work/patches.log" 2>&1 || { cat "$work/patches.log" >&2; die "make patches failed"; }
S=$work/series
mapfile -t K < <(git -C "$S" rev-list --reverse base..HEAD)
n=${#K[@]}
FROM=${FROM:-1}
TO=${TO:-$n}
[[ $FROM =~ ^[0-9]+$ && $TO =~ ^[0-9]+$ ]] && [ "$FROM" -ge 1 ] &&
	[ "$FROM" -le "$TO" ] && [ "$TO" -le "$n" ] ||
	die "FROM=$FROM TO=$TO: the series has patches 1..$n"

# Every file a step may write or remove: those of the base and of the
# steps, and the overlay files in the tree now (removed while a step does
# not have them).
mapfile -t files < <({
	for k in base "${K[@]:FROM-1:TO-FROM+1}"; do
		git -C "$S" ls-tree -r --name-only "$k"
	done
	cat "$STATE/overlay.list" 2>/dev/null || true
} | LC_ALL=C sort -u)
mkdir -p "$work/backup"
for f in "${files[@]}"; do
	if [ -e "$SRC/$f" ]; then
		mkdir -p "$(dirname "$work/backup/$f")"
		cp "$SRC/$f" "$work/backup/$f"
	fi
done
[ -e "$BUILD/.config" ] && cp "$BUILD/.config" "$work/backup.config"
restored=0

rm -rf "$LOGS"
mkdir -p "$LOGS"
pass=0
fail=0
for ((i = FROM; i <= TO; i++)); do
	k=${K[i-1]}
	subject=$(git -C "$S" log -1 --format=%s "$k")
	log=$LOGS/$(printf '%02d' "$i").log
	start=$(date +%s)

	rm -rf "$work/tree"
	mkdir "$work/tree"
	git -C "$S" archive "$k" | tar -x -C "$work/tree"
	for f in "${files[@]}"; do
		if [ -e "$work/tree/$f" ]; then
			install_if_changed "$work/tree/$f" "$SRC/$f"
		else
			rm -f "$SRC/$f"
		fi
	done

	ok=1
	cat "${FRAGMENTS[@]}" > "$BUILD/.config"
	{
		kmake -s olddefconfig &&
		kmake W=1 bzImage modules &&
		kmake W=1 drivers/gpu/drm/drm_gpusvm.o mm/huge_memory.o
	} > "$log" 2>&1 || ok=0
	grep -qE 'undefined!|ERROR: modpost' "$log" && ok=0

	# Warnings in the files the series changed so far fail the step; their
	# objects go, so that the next step compiles them again.
	ours='drm_svm_coord|drivers/gpu/drm/vsvm'
	for f in $(git -C "$S" diff --name-only base "$k" | grep -E '\.[ch]$' || true); do
		ours="$ours|$f"
	done
	if grep -E "($ours)[^ :]*:[0-9]+(:[0-9]+)?: warning:" "$log" > "$work/warnings"; then
		ok=0
		# A warning in a header names no object: || true, not set -e.
		{ grep -oE '(^|/)(drivers|mm|include|lib|kernel)/[^ :]*\.c:' \
			"$work/warnings" || true; } |
		sed -e 's|^/||' -e 's|:$||' | sort -u |
		while read -r c; do
			rm -f "$BUILD/${c%.c}.o"
		done
	fi

	if [ $ok = 1 ]; then
		pass=$((pass + 1))
		printf '%3d/%d PASS  %s (%d s)\n' "$i" "$n" "$subject" $(( $(date +%s) - start ))
	else
		fail=$((fail + 1))
		printf '%3d/%d FAIL  %s (%d s): %s\n' "$i" "$n" "$subject" $(( $(date +%s) - start )) "$log"
		{ grep -E 'error|Error' "$log"; cat "$work/warnings"; } | head -n 20 | sed 's/^/      /' || true
	fi
done

restore
echo "$pass passed, $fail failed"
[ $fail = 0 ]
