#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Write the project as a git format-patch series against the base tree.
#
# Every commit of this repository that changes kernel files (the overlay
# directories or patches/) becomes one patch with the commit's message: the
# kernel tree as it is at that commit (series applied, overlay copied) is
# committed on top of the previous one, so the series is bisectable and
# reads like the project's history. Only committed work is exported.
# Then the series is checked: git am onto pristine copies of the base files
# must reproduce the tree of HEAD exactly, and checkpatch --strict must
# accept every patch.
#
# Usage: patches.sh [OUTDIR]    (default: $REPO/out/patches)
. "$(dirname "$0")/lib.sh"
resolve_tree

OUT=${1:-$REPO/out/patches}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
KPATHS=(drivers include Documentation tests/kunit patches)

commits=$(git -C "$REPO" rev-list --reverse HEAD -- "${KPATHS[@]}")
[ -n "$commits" ] || die "no commit touches kernel files yet"

# Base: the original of every file that any version of the series patches.
touched=$(for c in $commits; do
	git -C "$REPO" show "$c:patches/series" 2>/dev/null | series_names |
	while read -r p; do
		git -C "$REPO" show "$c:patches/$p" | sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p'
	done
done | LC_ALL=C sort -u)

make_base() {	# DIR: a git repo holding the pristine base files
	mkdir -p "$1"
	git -C "$1" init -q
	for f in $touched; do
		if grep -qxF "$f" "$STATE/patched.list" 2>/dev/null; then
			[ -e "$STATE/orig/$f" ] || continue
			mkdir -p "$(dirname "$1/$f")"; cp "$STATE/orig/$f" "$1/$f"
		elif [ -e "$SRC/$f" ]; then
			mkdir -p "$(dirname "$1/$f")"; cp "$SRC/$f" "$1/$f"
		fi
	done
	git -C "$1" add -A
	git -C "$1" -c user.name=base -c user.email=base@localhost \
		commit -q --allow-empty -m "base: $(cat "$SRC/.drm-svm-coord-base" 2>/dev/null || kernel_version "$SRC")"
}

make_base "$work/series"
base=$(git -C "$work/series" rev-parse HEAD)
git -C "$work/series" tag base

for c in $commits; do
	t=$work/series
	# Tree state at commit c: base files, series of c, overlay of c.
	git -C "$t" rm -rq --cached . > /dev/null 2>&1 || true
	git -C "$t" clean -fdxq
	git -C "$t" checkout -q base -- . 2>/dev/null || true
	git -C "$REPO" show "$c:patches/series" 2>/dev/null | series_names |
	while read -r p; do
		git -C "$REPO" show "$c:patches/$p" |
			patch -d "$t" -p1 --batch --forward --quiet --no-backup-if-mismatch ||
			die "$p of commit $c does not apply to the base"
	done
	git -C "$REPO" ls-tree -r --name-only "$c" -- drivers include Documentation tests/kunit |
	while read -r r; do
		k=$(kernel_path "$r")
		mkdir -p "$(dirname "$t/$k")"
		git -C "$REPO" show "$c:$r" > "$t/$k"
	done
	git -C "$t" add -A
	git -C "$t" diff --cached --quiet && continue
	git -C "$REPO" log -1 --format='%B' "$c" > "$work/msg"
	GIT_AUTHOR_NAME=$(git -C "$REPO" log -1 --format=%an "$c") \
	GIT_AUTHOR_EMAIL=$(git -C "$REPO" log -1 --format=%ae "$c") \
	GIT_AUTHOR_DATE=$(git -C "$REPO" log -1 --format=%aD "$c") \
	git -C "$t" -c user.name=drm_svm_coord -c user.email=drm_svm_coord@localhost \
		commit -q -F "$work/msg"
done

rm -rf "$OUT"
mkdir -p "$OUT"
git -C "$work/series" format-patch -q --cover-letter --zero-commit --no-signature \
	-o "$OUT" "$base..HEAD"
n=$(git -C "$work/series" rev-list --count "$base..HEAD")

# Cover letter: subject and blurb from patches/cover-letter.
cover=$(ls "$OUT"/0000-cover-letter.patch)
subject=$(head -n 1 "$REPO/patches/cover-letter")
tail -n +3 "$REPO/patches/cover-letter" > "$work/blurb"
sed -i -e "s|\*\*\* SUBJECT HERE \*\*\*|$subject|" \
	-e "/\*\*\* BLURB HERE \*\*\*/{r $work/blurb
d}" "$cover"

# Check: git am onto pristine base files reproduces the tree of HEAD.
make_base "$work/check"
git -C "$work/check" -c user.name=check -c user.email=check@localhost \
	am -q $(ls "$OUT"/[0-9]*.patch | grep -v /0000-cover-letter.patch) \
	2> "$work/am.log" || { cat "$work/am.log" >&2; die "the series does not apply with git am"; }
if ! diff -r -x .git "$work/series" "$work/check" > "$work/diff"; then
	head -n 20 "$work/diff" >&2
	die "git am of the series does not reproduce the project's tree"
fi
# What a maintainer runs first. FILE_PATH_CHANGES is left out: the
# MAINTAINERS entry of the series covers the files the patches add.
for p in $(ls "$OUT"/[0-9]*.patch | grep -v /0000-cover-letter.patch); do
	(cd "$SRC" && perl scripts/checkpatch.pl --strict --quiet --show-types \
		--ignore FILE_PATH_CHANGES "$p") >> "$work/checkpatch.log" 2>&1 || true
done
if [ -s "$work/checkpatch.log" ]; then
	head -n 40 "$work/checkpatch.log" >&2
	die "checkpatch --strict complains about the series"
fi
msg "wrote $n patches and a cover letter to $OUT (git am onto the base: ok, checkpatch --strict: ok)"
