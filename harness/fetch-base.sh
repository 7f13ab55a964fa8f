#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Fetch and unpack the pinned base kernel (Debian's linux-source-7.3 from
# trixie-backports) into the cache. The host's apt configuration is not
# touched: a private sources list and private state/cache directories are used.
# Idempotent: does nothing when the newest version is already unpacked.
. "$(dirname "$0")/lib.sh"

if [ -n "${KDIR:-}" ]; then
	msg "KDIR=$KDIR: using the developer's tree, nothing to fetch"
	exit 0
fi

APT=$CACHE/apt
mkdir -p "$CACHE/src"
private_apt "$APT" "$BASE_SUITE"

# A warm cache works offline; only ask the mirror when nothing is unpacked
# yet or when FETCH_UPDATE=1 asks for the newest upload.
if [ -f "$CACHE/src/CURRENT" ] && [ "${FETCH_UPDATE:-0}" != 1 ] &&
   [ -f "$CACHE/src/$(cat "$CACHE/src/CURRENT")/.drm-svm-coord-base" ]; then
	dir=$(cat "$CACHE/src/CURRENT")
	msg "base: $(cat "$CACHE/src/$dir/.drm-svm-coord-base") (cached in $CACHE/src/$dir)"
	exit 0
fi

msg "updating private package lists for $BASE_SUITE"
apt-get -qq "${APTOPT[@]}" update
version=${BASE_VERSION:-$(apt-cache "${APTOPT[@]}" show "$BASE_PKG" |
	sed -n 's/^Version: //p' | sort -V | tail -n 1)}
[ -n "$version" ] || die "$BASE_PKG not found in $BASE_SUITE"

deb=$APT/archives/${BASE_PKG}_${version//:/%3a}_all.deb
if [ ! -s "$deb" ]; then
	msg "downloading $BASE_PKG $version"
	(cd "$APT/archives" && apt-get -qq "${APTOPT[@]}" download "$BASE_PKG=$version")
fi

upstream=${version%%-*}
dir=linux-$upstream
if [ ! -f "$CACHE/src/$dir/.drm-svm-coord-base" ]; then
	msg "unpacking $BASE_PKG $version into $CACHE/src/$dir"
	tmp=$(mktemp -d "$CACHE/src/.unpack.XXXXXX")
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards '*.tar.xz'
	tar -xJf "$tmp"/usr/src/"$BASE_PKG".tar.xz -C "$tmp"
	rm -rf "$CACHE/src/$dir"
	mv "$tmp/$BASE_PKG" "$CACHE/src/$dir"
	rm -rf "$tmp"
	echo "$BASE_PKG $version" > "$CACHE/src/$dir/.drm-svm-coord-base"
	# The deb is no longer needed once unpacked: keep the cache small.
	rm -f "$deb"
fi
echo "$dir" > "$CACHE/src/CURRENT"
msg "base: $BASE_PKG $version (Linux $(kernel_version "$CACHE/src/$dir")) in $CACHE/src/$dir"
