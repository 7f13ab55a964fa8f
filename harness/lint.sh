#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Static checks of the project's own files, on the tree the overlay was
# applied to: checkpatch --strict (sources and patches), kernel-doc -Wall,
# and sparse (C=2) over the project's objects when the kernel is built.
# Each check counts as one test in the summary.
. "$(dirname "$0")/lib.sh"
resolve_tree
tree_lock

pass=0 fail=0 skip=0
out=$RESULTS/lint-logs
mkdir -p "$out"

result() {	# NAME LOGFILE: a check passes when its log is empty
	if [ -s "$2" ]; then
		echo "  FAIL  $1" >&2
		head -n 40 "$2" >&2
		fail=$((fail + 1))
	else
		echo "  ok    $1"
		pass=$((pass + 1))
	fi
}

# Project files at their kernel paths (the in-tree copies).
mapfile -t kfiles < <(grep -E '\.(c|h)$|/Kconfig$|/Makefile$' "$STATE/overlay.list")
mapfile -t cfiles < <(grep -E '\.(c|h)$' "$STATE/overlay.list")
mapfile -t hostc < <(cd "$REPO" && ls harness/*.c tests/guest/*.c tests/guest/*.h tests/bench/*.c 2>/dev/null)

cd "$SRC"
: > "$out/checkpatch.log"
for f in "${kfiles[@]}"; do
	perl scripts/checkpatch.pl --strict --quiet --no-summary --show-types \
		-f "$f" >> "$out/checkpatch.log" 2>&1 || true
done
for f in "${hostc[@]}"; do
	perl scripts/checkpatch.pl --strict --quiet --no-summary --show-types \
		--no-tree -f "$REPO/$f" >> "$out/checkpatch.log" 2>&1 || true
done
# The base is a source package without git history: checkpatch cannot look
# up the commit a Fixes: tag names and calls every one unknown. The ids in
# patches/ were looked up by hand (README, "The base tree").
mapfile -t patches < <(series_names < "$REPO/patches/series")
for p in "${patches[@]}"; do
	perl scripts/checkpatch.pl --strict --quiet --no-summary --show-types \
		--ignore UNKNOWN_COMMIT_ID \
		"$REPO/patches/$p" >> "$out/checkpatch.log" 2>&1 || true
done
result "checkpatch --strict (${#kfiles[@]} files, ${#patches[@]} patches, ${#hostc[@]} guest files)" "$out/checkpatch.log"

# Project files and the upstream C files and headers its patches change;
# of the latter, only the warnings the original file does not have (the
# line numbers left out of the comparison).
mapfile -t kdocfiles < <(grep -hE '\.(c|h)$' "$STATE/overlay.list" "$STATE/patched.list")
: > "$out/kernel-doc.log"
for f in "${kdocfiles[@]}"; do
	if grep -qxF "$f" "$STATE/patched.list" && [ -e "$STATE/orig/$f" ]; then
		scripts/kernel-doc -Wall -none "$STATE/orig/$f" 2>&1 |
			sed -E 's|^(Warning: )?[^ ]*:[0-9]+ ||' | sort -u > "$out/kdoc.orig"
		scripts/kernel-doc -Wall -none "$f" 2>&1 |
			while IFS= read -r l; do
				k=$(sed -E 's|^(Warning: )?[^ ]*:[0-9]+ ||' <<< "$l")
				grep -qxF -- "$k" "$out/kdoc.orig" || echo "$l"
			done >> "$out/kernel-doc.log"
	else
		scripts/kernel-doc -Wall -none "$f" >> "$out/kernel-doc.log" 2>&1 || true
	fi
done
rm -f "$out/kdoc.orig"
result "kernel-doc -Wall (${#kdocfiles[@]} files; upstream files: new warnings)" "$out/kernel-doc.log"

# Every exported function is documented, and every kernel-doc directive of
# the project's documentation names a file and DOC section that exist.
: > "$out/doc-coverage.log"
for f in "${cfiles[@]}"; do
	for sym in $(sed -n 's/^EXPORT_SYMBOL\(_GPL\)\{0,1\}(\([a-z0-9_]*\));/\2/p' "$f"); do
		grep -q "^ \* $sym() - " "$f" ||
			echo "$f: exported $sym() has no kernel-doc" >> "$out/doc-coverage.log"
	done
done
for rst in $(grep -E '\.rst$' "$STATE/overlay.list"); do
	awk '/^\.\. kernel-doc::/ { file = $3; next }
	     /^   :doc:/ { sub(/^   :doc: */, ""); print file "\t" $0 }
	     /^   :(export|internal):/ { print file "\t" }' "$rst" |
	while IFS=$'\t' read -r file doc; do
		if [ ! -f "$file" ]; then
			echo "$rst: kernel-doc of missing $file" >> "$out/doc-coverage.log"
		elif [ -n "$doc" ] && ! grep -q "DOC: $doc\$" "$file"; then
			echo "$rst: $file has no 'DOC: $doc'" >> "$out/doc-coverage.log"
		fi
	done
done
result "kernel-doc coverage (exports documented, rst directives resolve)" "$out/doc-coverage.log"

# kbuild prints one "CHECK" line per file sparse checked. A caller's
# "make -s" would reach it through MAKEFLAGS and silence them: clear it.
sparse_make() {
	MAKEFLAGS= kmake W=1 C=2 CHECK="$sparse" "$@"
}

if [ -f "$BUILD/vmlinux" ]; then
	sparse=$("$REPO/harness/sparse.sh")
	# The project's C files outside amdgpu, checked by directory; in
	# amdgpu's, which holds several hundred upstream files, the project's
	# objects; and the upstream C files the patches change. KFD's files
	# are objects of amdgpu's Makefile (amdgpu/../amdkfd/).
	mapfile -t dfiles < <(printf '%s\n' "${cfiles[@]}" | grep -E '\.c$' |
		grep -v '^drivers/gpu/drm/amd/' || true)
	mapfile -t dirs < <(printf '%s\n' "${dfiles[@]}" | grep . | xargs -r -n1 dirname | sort -u)
	mapfile -t objs < <(printf '%s\n' "${cfiles[@]}" | grep -E '^drivers/gpu/drm/amd/.*\.c$' || true)
	mapfile -t patched < <(grep -E '\.c$' "$STATE/patched.list" || true)
	targets=()
	for f in "${objs[@]}" "${patched[@]}"; do
		o=${f%.c}.o
		[[ $f == drivers/gpu/drm/amd/amdkfd/* ]] &&
			o=drivers/gpu/drm/amd/amdgpu/../amdkfd/${o##*/}
		targets+=("$o")
	done
	: > "$out/sparse.log"
	: > "$out/sparse.raw"
	# sparse_pass TARGET...: one run of kbuild for all of them (each run
	# costs seconds before its first check), its output added to
	# sparse.raw; a failed build goes to the log whole.
	sparse_pass() {
		[ $# -gt 0 ] || return 0
		if ! sparse_make "$@" > "$out/sparse.pass" 2>&1; then
			cat "$out/sparse.pass" >> "$out/sparse.log"
		fi
		sed 's#/amdgpu/\.\./amdkfd/#/amdkfd/#' "$out/sparse.pass" >> "$out/sparse.raw"
	}
	sparse_pass "${dirs[@]/%//}"
	sparse_pass "${targets[@]}"
	rm -f "$out/sparse.pass"
	# C=2 checks every file it builds: no CHECK line, no check.
	for f in "${dfiles[@]}" "${objs[@]}" "${patched[@]}"; do
		grep -qxF "  CHECK   $f" "$out/sparse.raw" ||
			echo "sparse did not check $f" >> "$out/sparse.log"
	done
	# The project's files and headers: every warning, once (a header's
	# comes with each file that includes it).
	ours=$(printf '%s\n' "${cfiles[@]}" | grep . | sed 's/[.]/[.]/g' | paste -sd '|')
	if [ -n "$ours" ]; then
		grep -E "($ours):[0-9]+:[0-9]+: (warning|error):" "$out/sparse.raw" |
			sort -u >> "$out/sparse.log" || true
	fi
	# The upstream files the patches change: only the warnings that the
	# unpatched file does not have (harness/upstream-warnings).
	for f in "${patched[@]}"; do
		grep -E "$f:[0-9]+:[0-9]+: (warning|error):" "$out/sparse.raw" |
			sort -u | while IFS= read -r w; do
				m=${w#*: warning: }
				m=${m#*: error: }
				grep -qF "$f :: $m ::" \
					"$REPO/harness/upstream-warnings" || echo "$w"
			done >> "$out/sparse.log" || true
	done
	result "sparse C=2 (${#dfiles[@]} files in ${#dirs[@]} directories, ${#objs[@]} amdgpu objects, ${#patched[@]} patched upstream files; $sparse)" "$out/sparse.log"
else
	echo "  skip  sparse: kernel not built yet (run make check)"
	skip=$((skip + 1))
fi

record lint "$pass" "$fail" "$skip"
[ "$fail" = 0 ]
