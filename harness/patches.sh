#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Write the project as a git format-patch series against the base tree, in
# the order patches/series.plan gives: the prep patches to drm_gpusvm and mm
# first, then the coordinator in feature order, fix-up commits folded into
# the patch they fix, big commits split by path. The repository's history
# is not rewritten; the plan says how to read it.
#
# 1. The plan. Each "patch" line is one output patch: a list of commits
#    whose diffs (optionally limited to pathspecs) are applied in order, and
#    where its message comes from (the first commit's, or a file in
#    patches/series.msg/); a fold may also be a diff of patches/series.fix/,
#    a change only the series has (see the plan's header). Every commit
#    that changes kernel files must be placed, and the plan must end at
#    HEAD's kernel files (see 2.), so each new commit has to be given its
#    place. Commits that change only the series' metadata (patches/series,
#    patches/cover-letter, the plan, patches/series.msg/ and .fix/) make
#    no patch and need no place. Commits are checked against
#    `git rev-list HEAD -- drivers include Documentation tests/kunit
#    patches` with the metadata excluded: a commit that adds itself to the
#    plan could not be named in it.
# 2. The states. In a scratch clone sharing the repository's objects, from
#    an empty tree, each entry applies `git diff C^ C` of its commits with
#    `git apply -3`, so a fix-up moved next to the commit it fixes applies
#    by a 3-way merge where its context moved; a conflict stops the run
#    with the commit to place elsewhere. The metadata above is left out.
#    The state after the last entry must equal HEAD's kernel paths.
# 3. The kernel trees. For each state: the pristine base files, the
#    upstream patches of patches/ that the state has, in the order of
#    HEAD's patches/series, then the overlay files of the state at their
#    kernel paths (kernel_path); committed one on top of the other, so the
#    series is bisectable. An entry that changes nothing is an error.
# 4. The checks: git am onto pristine copies of the base files reproduces
#    the tree of HEAD exactly, and checkpatch --strict accepts every patch.
#    A table gives each patch's size and sources; patches over 800 changed
#    lines get a warning, not a failure.
#
# Only committed kernel files are exported. The plan, the message files and
# the cover letter are read from the working tree, so a new place for a
# commit can be tried before it is committed.
#
# Usage: patches.sh [OUTDIR]    (default: $REPO/out/patches)
# PATCHES_NO_CHECK=1 skips step 4 and SERIES_REPO=DIR keeps the git
# repository of the kernel trees (tag "base", one commit per patch) in DIR:
# patches-build.sh uses both.
. "$(dirname "$0")/lib.sh"
resolve_tree

OUT=${1:-$REPO/out/patches}
PLAN=$REPO/patches/series.plan
MSGS=$REPO/patches/series.msg
FIXES=$REPO/patches/series.fix
MAX_LINES=800
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
KPATHS=(drivers include Documentation tests/kunit patches)
OVERLAY=(drivers include Documentation tests/kunit)
META=(':(exclude)patches/series' ':(exclude)patches/cover-letter'
      ':(exclude)patches/series.plan' ':(exclude)patches/series.msg'
      ':(exclude)patches/series.fix')
EMPTY_TREE=$(git -C "$REPO" hash-object -t tree /dev/null)
[ -f "$PLAN" ] || die "no plan: $PLAN"

rgit() { git -C "$REPO" "$@"; }

# --- 1. the plan -------------------------------------------------------------
# Entry i: E_LINE (line of the plan), E_COMMITS (what it applies, in order:
# "-fix:NAME" take-backs, the commit, its folds as full hashes or
# "+fix:NAME"), E_NAMES (as written), E_PATHS (pathspecs, one a line),
# E_MSG, E_ABOUT (its line in the cover letter), E_SECTION (heading before
# it).
E_LINE=() E_COMMITS=() E_NAMES=() E_PATHS=() E_MSG=() E_ABOUT=() E_SECTION=()
declare -A placed=() split=()
section=

resolve() {	# LINE TOKEN: the full hash of a commit
	rgit rev-parse -q --verify "$2^{commit}" 2>/dev/null ||
		die "series.plan:$1: '$2' is not a commit"
}

under_kpaths() {
	local k
	for k in "${KPATHS[@]}"; do
		case "$1" in "$k"|"$k"/*) return 0 ;; esac
	done
	return 1
}

ln=0
while IFS= read -r line || [ -n "$line" ]; do
	ln=$((ln + 1))
	line=${line%%#*}
	about=
	if [[ $line == *"|"* ]]; then
		about=$(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' <<< "${line#*|}")
		line=${line%%|*}
	fi
	read -ra tok <<< "$line"
	[ ${#tok[@]} -gt 0 ] || continue
	case ${tok[0]} in
	section)
		section=$(sed -e 's/^[[:space:]]*section[[:space:]]*//' -e 's/[[:space:]]*$//' <<< "$line")
		continue ;;
	patch) ;;
	*) die "series.plan:$ln: unknown keyword '${tok[0]}' (patch or section)" ;;
	esac
	[ ${#tok[@]} -ge 2 ] && [[ ${tok[1]} != [+-]* && ${tok[1]} != msg=* ]] ||
		die "series.plan:$ln: 'patch' needs a commit first"
	commits=$(resolve "$ln" "${tok[1]}")
	names=${tok[1]} paths='' msgname='' undo=''
	i=2
	while [ $i -lt ${#tok[@]} ]; do
		t=${tok[$i]}
		case $t in
		[+-]fix=?*)
			[ -f "$FIXES/${t#?fix=}.diff" ] ||
				die "series.plan:$ln: no patches/series.fix/${t#?fix=}.diff"
			if [[ $t == +* ]]; then
				commits+=" +fix:${t#+fix=}"
			else
				undo+="-fix:${t#-fix=} "
			fi
			names+=" $t" ;;
		+?*)	commits+=" $(resolve "$ln" "${t#+}")"; names+=" $t" ;;
		msg=?*)	msgname=${t#msg=}
			[ -f "$MSGS/$msgname" ] ||
				die "series.plan:$ln: no message file patches/series.msg/$msgname"
			grep -q '^Signed-off-by: ' "$MSGS/$msgname" ||
				die "series.plan:$ln: patches/series.msg/$msgname has no Signed-off-by: line" ;;
		--)	i=$((i + 1))
			while [ $i -lt ${#tok[@]} ]; do
				under_kpaths "${tok[$i]}" ||
					die "series.plan:$ln: pathspec '${tok[$i]}' is not under ${KPATHS[*]}"
				paths+="${tok[$i]}"$'\n'
				i=$((i + 1))
			done
			[ -n "$paths" ] || die "series.plan:$ln: no pathspec after --"
			break ;;
		*)	die "series.plan:$ln: what is '$t'? (+FOLD, msg=NAME or -- PATHSPEC...)" ;;
		esac
		i=$((i + 1))
	done
	for c in $commits; do
		[[ $c != [+-]fix:* ]] || continue
		placed[$c]=$(( ${placed[$c]:-0} + 1 ))
		[ -n "$paths" ] || split[$c]=whole
	done
	E_LINE+=("$ln") E_COMMITS+=("$undo$commits") E_NAMES+=("$names")
	E_PATHS+=("$paths") E_MSG+=("$msgname") E_ABOUT+=("$about")
	E_SECTION+=("$section")
	section=
done < "$PLAN"
N=${#E_LINE[@]}
[ "$N" -gt 0 ] || die "series.plan has no patch"

# Every commit that changes kernel files is placed, and nothing else is.
declare -A kernel=()
unplanned=
for c in $(rgit rev-list --reverse HEAD -- "${KPATHS[@]}" "${META[@]}"); do
	kernel[$c]=1
	[ -n "${placed[$c]:-}" ] || unplanned+="  $(rgit log -1 --format='%h %s' "$c")"$'\n'
done
[ -z "$unplanned" ] || die "commits not in patches/series.plan (add each to it: a new 'patch' line, or '+HASH' on the line of the patch it fixes):
$unplanned"
for c in "${!placed[@]}"; do
	[ -n "${kernel[$c]:-}" ] ||
		die "series.plan names $(rgit log -1 --format='%h (%s)' "$c"), which is not a commit of HEAD that changes kernel files"
	[ "${placed[$c]}" = 1 ] || [ -z "${split[$c]:-}" ] ||
		die "series.plan names $(rgit log -1 --format=%h "$c") more than once; only lines that each give pathspecs may share a commit"
done

# --- 2. the states -----------------------------------------------------------
git clone -q --shared --no-checkout "$REPO" "$work/plan"
P=$work/plan
git -C "$P" symbolic-ref HEAD refs/heads/series-plan
pgit() { git -C "$P" -c user.name=plan -c user.email=plan@localhost "$@"; }

commit_diff() {	# COMMIT PATHSPEC...: its diff, metadata left out
	local parent
	parent=$(rgit rev-parse -q --verify "$1^" 2>/dev/null) || parent=$EMPTY_TREE
	rgit diff --no-color --no-ext-diff --no-textconv --no-renames \
		--full-index --binary "$parent" "$1" -- "${@:2}" "${META[@]}"
}

PSTATE=()
for ((e = 0; e < N; e++)); do
	mapfile -t ps < <(printf '%s' "${E_PATHS[$e]}")
	[ ${#ps[@]} -gt 0 ] || ps=("${KPATHS[@]}")
	for c in ${E_COMMITS[$e]}; do
		how=--3way
		if [[ $c == [+-]fix:* ]]; then
			what="patches/series.fix/${c#?fix:}.diff"
			cp "$FIXES/${c#?fix:}.diff" "$work/diff"
			[[ $c == +* ]] || { how=--reverse; what="$what, reversed,"; }
		else
			what=$(rgit log -1 --format='%h (%s)' "$c")
			commit_diff "$c" "${ps[@]}" > "$work/diff"
		fi
		[ -s "$work/diff" ] || continue
		if ! pgit apply --index $how --whitespace=nowarn "$work/diff" > "$work/apply.log" 2>&1; then
			cat "$work/apply.log" >&2
			conflicts=$(pgit diff --name-only --diff-filter=U | tr '\n' ' ')
			die "series.plan:${E_LINE[$e]}: $what does not apply after the patches before it (${conflicts:+conflicts in: }${conflicts:-see git apply above}).
Fold it into a later line, or give it a line of its own after the commit it conflicts with."
		fi
	done
	pgit commit -q --allow-empty --no-verify -m "plan entry $((e + 1))"
	PSTATE+=("$(pgit rev-parse HEAD)")
done

head=$(rgit rev-parse HEAD)
if ! pgit diff --quiet "$head" "${PSTATE[N-1]}" -- "${KPATHS[@]}" "${META[@]}"; then
	pgit diff --stat "${PSTATE[N-1]}" "$head" -- "${KPATHS[@]}" "${META[@]}" >&2
	pgit diff "${PSTATE[N-1]}" "$head" -- "${KPATHS[@]}" "${META[@]}" | head -n 40 >&2 || true
	die "the plan does not end at HEAD's kernel files (above: what the last patch lacks to get there); is a commit split by path missing a part?"
fi

# --- 3. the kernel trees -------------------------------------------------------
# Upstream patches apply in HEAD's patches/series order; one a state has
# that HEAD no longer lists comes after them, by name.
order=$(rgit show HEAD:patches/series | series_names)
state_patches() {	# STATE_COMMIT: its upstream patches, in applying order
	local have p
	have=$(pgit ls-tree -r --name-only "$1" -- patches | sed -n 's|^patches/\(.*\.patch\)$|\1|p')
	for p in $order; do grep -qxF "$p" <<< "$have" && echo "$p"; done
	for p in $have; do grep -qxF "$p" <<< "$order" || echo "$p"; done
	return 0
}

# Base: the original of every file that any state's patches touch.
touched=$(for s in "${PSTATE[@]}"; do
	pgit ls-tree -r "$s" -- patches | awk -F '\t' '$2 ~ /\.patch$/ { split($1, a, " "); print a[3] }'
done | LC_ALL=C sort -u | while read -r blob; do
	pgit cat-file blob "$blob" | sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p'
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
T=$work/series
make_base "$T"
base=$(git -C "$T" rev-parse HEAD)
git -C "$T" tag base

SERIES=()
for ((e = 0; e < N; e++)); do
	s=${PSTATE[$e]}
	where="series.plan:${E_LINE[$e]} (${E_NAMES[$e]})"
	git -C "$T" rm -rq --cached . > /dev/null 2>&1 || true
	git -C "$T" clean -fdxq
	git -C "$T" checkout -q base -- . 2>/dev/null || true
	for p in $(state_patches "$s"); do
		grep -qxF "$p" <<< "$order" ||
			msg "$where: patches/$p is not in HEAD's patches/series; applied after those that are"
		pgit show "$s:patches/$p" |
			patch -d "$T" -p1 --batch --forward --quiet --no-backup-if-mismatch ||
			die "$where: patches/$p does not apply to the base with the patches before it"
	done
	rm -rf "$work/ov"; mkdir "$work/ov"
	pgit archive "$s" | tar -x -C "$work/ov"
	(cd "$work/ov" && find "${OVERLAY[@]}" -type f 2>/dev/null || true) |
	while read -r r; do
		k=$(kernel_path "$r")
		mkdir -p "$(dirname "$T/$k")"
		mv "$work/ov/$r" "$T/$k"
	done
	git -C "$T" add -A
	git -C "$T" diff --cached --quiet &&
		die "$where changes nothing in the kernel tree"
	for first in ${E_COMMITS[$e]}; do [[ $first == [+-]fix:* ]] || break; done
	if [ -n "${E_MSG[$e]}" ]; then
		cp "$MSGS/${E_MSG[$e]}" "$work/msg"
	else
		rgit log -1 --format='%B' "$first" > "$work/msg"
	fi
	GIT_AUTHOR_NAME=$(rgit log -1 --format=%an "$first") \
	GIT_AUTHOR_EMAIL=$(rgit log -1 --format=%ae "$first") \
	GIT_AUTHOR_DATE=$(rgit log -1 --format=%aD "$first") \
	git -C "$T" -c user.name=drm_svm_coord -c user.email=drm_svm_coord@localhost \
		commit -q --cleanup=whitespace -F "$work/msg"
	SERIES+=("$(git -C "$T" rev-parse HEAD)")
done

rm -rf "$OUT"
mkdir -p "$OUT"
git -C "$T" format-patch -q --cover-letter --zero-commit --no-signature \
	-o "$OUT" "$base..HEAD"
PATCHES=()
for p in "$OUT"/[0-9]*.patch; do
	[ "$p" = "$OUT/0000-cover-letter.patch" ] || PATCHES+=("$p")
done
[ ${#PATCHES[@]} = "$N" ] || die "format-patch wrote ${#PATCHES[@]} patches for $N plan entries"

# Sizes: lines changed (insertions + deletions) in the kernel tree.
LINES=()
for k in "${SERIES[@]}"; do
	LINES+=("$(git -C "$T" diff --numstat "$k^" "$k" | awk '{ n += $1 + $2 } END { print n + 0 }')")
done

# Cover letter: subject and blurb from patches/cover-letter, then the list
# of the patches by section, each with what it adds.
cover=$OUT/0000-cover-letter.patch
subject=$(head -n 1 "$REPO/patches/cover-letter")
# As a sed replacement: \, & and the | delimiter stand for themselves.
subject=$(printf '%s' "$subject" | sed -e 's/[\\&|]/\\&/g')
{
	tail -n +3 "$REPO/patches/cover-letter"
	echo
	echo "The patches:"
	for ((e = 0; e < N; e++)); do
		if [ -n "${E_SECTION[$e]}" ]; then
			echo
			echo "${E_SECTION[$e]}:"
		fi
		printf '%3d. %s\n' $((e + 1)) "$(git -C "$T" log -1 --format=%s "${SERIES[$e]}")"
		[ -z "${E_ABOUT[$e]}" ] || printf '     %s\n' "${E_ABOUT[$e]}"
	done
} > "$work/blurb"
sed -i -e "s|\*\*\* SUBJECT HERE \*\*\*|$subject|" \
	-e "/\*\*\* BLURB HERE \*\*\*/{r $work/blurb
d}" "$cover"

if [ -n "${SERIES_REPO:-}" ]; then
	rm -rf "$SERIES_REPO"
	git clone -q "$T" "$SERIES_REPO"
	git -C "$SERIES_REPO" tag -f base "$base" > /dev/null
fi

table() {
	local e over=0
	printf '%4s %6s  %s\n' '#' lines 'subject  [plan: commits -- paths]'
	for ((e = 0; e < N; e++)); do
		printf '%4d %6d%s %s  [%s%s]\n' $((e + 1)) "${LINES[$e]}" \
			"$([ "${LINES[$e]}" -gt $MAX_LINES ] && echo '!' || echo ' ')" \
			"$(git -C "$T" log -1 --format=%s "${SERIES[$e]}")" "${E_NAMES[$e]}" \
			"$([ -z "${E_PATHS[$e]}" ] || printf ' -- %s' "$(tr '\n' ' ' <<< "${E_PATHS[$e]}" | sed 's/ *$//')")"
		[ "${LINES[$e]}" -le $MAX_LINES ] || over=$((over + 1))
	done
	[ $over = 0 ] ||
		msg "WARNING: $over of $N patches (!) change more than $MAX_LINES lines"
}

if [ "${PATCHES_NO_CHECK:-0}" = 1 ]; then
	table
	msg "wrote $N patches and a cover letter to $OUT (not checked)"
	exit 0
fi

# --- 4. the checks ---------------------------------------------------------------
failed=
# git am onto pristine base files reproduces the tree of HEAD.
make_base "$work/check"
if ! git -C "$work/check" -c user.name=check -c user.email=check@localhost \
	am -q "${PATCHES[@]}" 2> "$work/am.log"; then
	cat "$work/am.log" >&2
	failed+="the series does not apply with git am; "
elif ! diff -r -x .git "$T" "$work/check" > "$work/diff"; then
	head -n 20 "$work/diff" >&2
	failed+="git am of the series does not reproduce the project's tree; "
fi
# What a maintainer runs first, one patch per CPU. FILE_PATH_CHANGES is
# left out: the MAINTAINERS entry of the series covers the files the
# patches add; so is UNKNOWN_COMMIT_ID: the base has no git history to look
# a Fixes: tag's commit up in (see lint.sh).
mkdir "$work/cp"
printf '%s\n' "${PATCHES[@]}" | (cd "$SRC" && xargs -P "$JOBS" -I{} sh -c \
	'perl scripts/checkpatch.pl --strict --quiet --show-types --ignore FILE_PATH_CHANGES,UNKNOWN_COMMIT_ID "$1" > "$2/$(basename "$1").log" 2>&1; true' \
	sh {} "$work/cp")
for p in "${PATCHES[@]}"; do
	[ -s "$work/cp/${p##*/}.log" ] || continue
	echo "== ${p##*/}"
	cat "$work/cp/${p##*/}.log"
done > "$work/checkpatch.log"
if [ -s "$work/checkpatch.log" ]; then
	head -n 40 "$work/checkpatch.log" >&2
	failed+="checkpatch --strict complains about $(grep -c '^== ' "$work/checkpatch.log") patches of the series; "
fi

table
[ -z "$failed" ] || die "${failed%; }"
msg "wrote $N patches and a cover letter to $OUT (git am onto the base: ok, checkpatch --strict: ok)"
