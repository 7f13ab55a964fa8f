#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Sum the results of every stage that ran: one line per stage, then the
# closing line "N passed, N failed[, N skipped]". Exit 1 on any failure.
# Usage: summary.sh STAGE...   (a stage without results counts as a failure)
. "$(dirname "$0")/lib.sh"
resolve_tree

P=0 F=0 S=0
echo "---- results ($TAG) ----"
for st in "$@"; do
	if [ -f "$RESULTS/$st" ]; then
		read -r p f s < "$RESULTS/$st"
	else
		p=0 f=1 s=0
		echo "  $st: did not run to completion" >&2
	fi
	printf '  %-12s %5d passed, %3d failed, %3d skipped\n' "$st" "$p" "$f" "$s"
	P=$((P + p)) F=$((F + f)) S=$((S + s))
done
if [ "$S" -gt 0 ]; then
	echo "$P passed, $F failed, $S skipped"
else
	echo "$P passed, $F failed"
fi
[ "$F" = 0 ]
