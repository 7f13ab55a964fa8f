#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Print the path of a sparse that the base tree accepts. Linux 7.3 headers
# need __typeof_unqual__, which bookworm's sparse 0.6.4 lacks: when the
# installed sparse fails the kernel's own scripts/checker-valid.sh, build the
# newer sparse of Debian's archive (source package from sid, fetched with a
# private apt source list like the base tree) into the cache, once.
. "$(dirname "$0")/lib.sh"
resolve_tree

SPARSE_SRC_VERSION=${SPARSE_SRC_VERSION:-0.6.5~rc1-2}
FLAGS=(--arch=x86_64 -mlittle-endian -m64)

valid() {
	[ "$(sh "$SRC/scripts/checker-valid.sh" "$1" "${FLAGS[@]}" 2>/dev/null)" = 1 ]
}

if command -v sparse > /dev/null && valid sparse; then
	command -v sparse
	exit 0
fi

dir=$CACHE/tools/sparse-$SPARSE_SRC_VERSION
if [ ! -x "$dir/sparse" ] || ! valid "$dir/sparse"; then
	msg "installed sparse cannot check Linux $(kernel_version "$SRC"); building sparse $SPARSE_SRC_VERSION from Debian's archive"
	APT=$CACHE/tools/apt
	mkdir -p "$APT/lists/partial" "$APT/archives/partial"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $BASE_MIRROR sid main" \
		> "$APT/sources.list"
	APTOPT=(-o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT"
		-o Dir::State::status=/dev/null -o Debug::NoLocking=1
		-o APT::Sandbox::User=root)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	apt-get -qq "${APTOPT[@]}" update
	(cd "$tmp" && apt-get -qq "${APTOPT[@]}" source --download-only "sparse=$SPARSE_SRC_VERSION" &&
	 dpkg-source -x ./*.dsc src > "$tmp/log" 2>&1) ||
		{ cat "$tmp/log" >&2; die "cannot fetch the sparse source package"; }
	# (apt checked the source files against the signed Sources index.)
	make -s -C "$tmp/src" -j"$JOBS" CC=gcc HAVE_GTK=no HAVE_LIBXML=no \
		HAVE_SQLITE=no HAVE_LLVM=no sparse > "$tmp/log" 2>&1 ||
		{ cat "$tmp/log" >&2; die "cannot build sparse"; }
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$tmp/src/sparse" "$dir/sparse"
	valid "$dir/sparse" || die "sparse $SPARSE_SRC_VERSION fails scripts/checker-valid.sh"
fi
echo "$dir/sparse"
