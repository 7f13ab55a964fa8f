#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Install the Debian packages the harness needs; skip those present.
. "$(dirname "$0")/lib.sh"

PKGS=(build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils
      python3 perl git ccache sparse dpkg-dev qemu-system-x86 qemu-system-data
      gnuplot-nox)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
msg "installing: ${missing[*]}"
$SUDO apt-get -qq update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get -qq install -y --no-install-recommends \
	"${missing[@]}" > /dev/null
