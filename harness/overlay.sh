#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Apply the project to the kernel tree: the patches of patches/series, then
# the overlay files at their kernel paths. Idempotent and incremental: a file
# is written only when its content changes, so kbuild rebuilds only what the
# change touched; files that left the project are restored or removed.
. "$(dirname "$0")/lib.sh"
resolve_tree
tree_lock

overlay_files() {
	(cd "$REPO" && find drivers include Documentation tests/kunit \
		-type f ! -name '*~' ! -name '.*.swp' 2>/dev/null | LC_ALL=C sort)
}

series() {
	series_names < "$REPO/patches/series"
}

patched_files() {
	local p
	for p in $(series); do
		sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$REPO/patches/$p"
	done | LC_ALL=C sort -u
}

# install SRC DST: copy only when the content differs.
install_if_changed() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2"
		echo "  updated $3"
	fi
}

# --- patches -----------------------------------------------------------------
patched=$(patched_files)
mkdir -p "$STATE/orig"
touch "$STATE/patched.list"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for f in $patched; do
	if [ ! -e "$STATE/orig/$f" ] && [ ! -e "$STATE/orig/$f.absent" ]; then
		grep -qxF "$f" "$STATE/patched.list" &&
			die "original of $f lost; remove $STATE and restore $SRC/$f"
		mkdir -p "$(dirname "$STATE/orig/$f")"
		if [ -e "$SRC/$f" ]; then
			cp -p "$SRC/$f" "$STATE/orig/$f"
		else
			touch "$STATE/orig/$f.absent"
		fi
	fi
	if [ -e "$STATE/orig/$f" ]; then
		mkdir -p "$(dirname "$tmp/$f")"
		cp "$STATE/orig/$f" "$tmp/$f"
	fi
done

for p in $(series); do
	patch -d "$tmp" -p1 --batch --forward --quiet --no-backup-if-mismatch \
		< "$REPO/patches/$p" || die "patch $p does not apply to $SRC"
done

for f in $patched; do
	install_if_changed "$tmp/$f" "$SRC/$f" "$f (patched)"
done

# Files patched before but no longer: back to their original.
for f in $(cat "$STATE/patched.list"); do
	grep -qxF "$f" <<< "$patched" && continue
	if [ -e "$STATE/orig/$f.absent" ]; then
		rm -f "$SRC/$f" "$STATE/orig/$f.absent"
	else
		install_if_changed "$STATE/orig/$f" "$SRC/$f" "$f (restored)"
		rm -f "$STATE/orig/$f"
	fi
done
echo "$patched" > "$STATE/patched.list"

# --- overlay files -------------------------------------------------------------
touch "$STATE/overlay.list"
: > "$tmp/overlay.list"
for r in $(overlay_files); do
	k=$(kernel_path "$r")
	if [ -e "$SRC/$k" ] && ! grep -qxF "$k" "$STATE/overlay.list"; then
		die "$r would overwrite $k of the base tree: change it with a patch in patches/"
	fi
	install_if_changed "$REPO/$r" "$SRC/$k" "$k"
	echo "$k" >> "$tmp/overlay.list"
done
for k in $(cat "$STATE/overlay.list"); do
	grep -qxF "$k" "$tmp/overlay.list" && continue
	rm -f "$SRC/$k"
	echo "  removed $k"
done
cp "$tmp/overlay.list" "$STATE/overlay.list"
msg "overlay applied to $SRC ($(wc -l < "$STATE/overlay.list") files, $(series | wc -l) patches)"
