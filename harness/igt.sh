#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# Fetch IGT GPU Tools for the guest: Debian's newest igt-gpu-tools and
# igt-gpu-tools-tests (from sid, the only suite that has them; pin with
# IGT_VERSION=), the shared libraries their programs need and a static
# busybox for /bin/sh. Only igt_runner, the tests tests/igt/tests.txt
# names and their ELF closure are staged (with tests/igt/vsvm-skips.txt
# as igt_runner's blacklist), in $CACHE/igt/<version>/root,
# with a gen_init_cpio list of them ($CACHE/igt/<version>/cpio.list) that
# harness/guest.sh packs into the first boot's initramfs. As fetch-base.sh,
# private apt state: the host's apt configuration is not touched. Offline
# when warm; FETCH_UPDATE=1 asks the mirror for the newest upload.
#
# Prints the version on every run; the last line of stdout is the list's
# path, for the caller.
. "$(dirname "$0")/lib.sh"

IGT_SUITE=${IGT_SUITE:-sid}
IGT_DIR=$CACHE/igt
APT=$IGT_DIR/apt
LIST=${IGT_LIST:-$REPO/tests/igt/tests.txt}	# make igt: a list of one's own
SKIPS=$REPO/tests/igt/vsvm-skips.txt
RUN=$REPO/tests/igt/igt-run.sh
MAIN=(igt-gpu-tools igt-gpu-tools-tests)

[ -f "$LIST" ] || die "no IGT test list $LIST"
private_apt "$APT" "$IGT_SUITE"

# The staged root depends on the packages, the list, the skips, the runner
# script and this script. It holds copies of them, no path into the
# checkout that staged it: another clone takes the same staged root.
stamp() {
	cat "$LIST" "$RUN" "$0" "$1"/debs/*.deb.sha256 | sha256sum | cut -c1-16
	[ ! -f "$SKIPS" ] || sha256sum < "$SKIPS"
}

version=${IGT_VERSION:-}
[ -z "$version" ] && [ -f "$IGT_DIR/CURRENT" ] && version=$(cat "$IGT_DIR/CURRENT")
if [ -z "$version" ] || [ "${FETCH_UPDATE:-0}" = 1 ] ||
   [ ! -f "$IGT_DIR/$version/debs/COMPLETE" ]; then
	msg "igt: updating private package lists for $IGT_SUITE"
	apt-get -qq "${APTOPT[@]}" update || die "igt: cannot reach $BASE_MIRROR ($IGT_SUITE)"
	newest=$({ apt-cache "${APTOPT[@]}" show igt-gpu-tools 2>/dev/null || true; } |
		 sed -n 's/^Version: //p' | sort -V | tail -n 1)
	[ -n "$newest" ] || die "igt: igt-gpu-tools not found in $IGT_SUITE"
	version=${IGT_VERSION:-$newest}
fi
V=$IGT_DIR/$version

if [ ! -f "$V/debs/COMPLETE" ]; then
	# The programs' ELF closure is in the dependency closure's packages
	# built for amd64; those for all architectures (fonts, python
	# modules, data) hold no ELF object and stay behind.
	deps=$({ apt-cache "${APTOPT[@]}" depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances \
		"${MAIN[@]/%/=$version}" 2>/dev/null || true; } | { grep -v '^[ <]' || true; } |
		sort -u)
	echo "$deps" | grep -qxF igt-gpu-tools-tests ||
		die "igt: igt-gpu-tools $version not found in $IGT_SUITE"
	# shellcheck disable=SC2086
	deps=$({ apt-cache "${APTOPT[@]}" show $deps 2>/dev/null || true; } |
	       awk '/^Package:/ { p = $2 } /^Architecture:/ && $2 != "all" { print p }' |
	       { grep -vxF -e igt-gpu-tools -e igt-gpu-tools-tests || true; } | sort -u)
	rm -rf "$V/debs"
	mkdir -p "$V/debs"
	msg "igt: downloading igt-gpu-tools $version, busybox-static and $(echo "$deps" | wc -w) packages they depend on"
	# shellcheck disable=SC2086
	(cd "$V/debs" && apt-get -qq "${APTOPT[@]}" download \
		"${MAIN[@]/%/=$version}" busybox-static $deps) ||
		die "igt: download failed"
	for d in "$V"/debs/*.deb; do sha256sum < "$d" > "$d.sha256"; done
	touch "$V/debs/COMPLETE"
fi
# A pinned version is used, not remembered: the next run without a pin
# takes the version cached before (or the newest with FETCH_UPDATE=1).
[ -n "${IGT_VERSION:-}" ] || echo "$version" > "$IGT_DIR/CURRENT"

want=$(stamp "$V")
if [ "$(cat "$V/root.stamp" 2>/dev/null)" != "$want" ]; then
	msg "igt: staging igt_runner, the listed tests and their libraries"
	# Half a staging is never taken for a whole one.
	rm -f "$V/root.stamp" "$V/cpio.list"
	tmp=$(mktemp -d "$IGT_DIR/.unpack.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	for d in "$V"/debs/*.deb; do dpkg-deb -x "$d" "$tmp/all" || die "igt: cannot unpack $d"; done
	rm -rf "$V/root"
	mkdir -p "$V/root"
	python3 - "$tmp/all" "$V/root" "$LIST" "$RUN" "$SKIPS" <<'PY' > "$tmp/cpio.list"
import os, re, shutil, subprocess, sys
src, dst, listfile, runner, skips = sys.argv[1:6]
TESTS = 'usr/libexec/igt-gpu-tools'
LIBDIRS = ['usr/lib/x86_64-linux-gnu', 'lib/x86_64-linux-gnu', 'usr/lib', 'lib']

def die(m):
    sys.exit(f'ERROR: igt: {m}')

def dynamic(path):
    out = subprocess.run(['readelf', '-dlW', path], capture_output=True, text=True).stdout
    interp = re.findall(r'\[Requesting program interpreter: (.*)\]', out)
    return interp, re.findall(r'\(NEEDED\)\s+Shared library: \[(.*)\]', out)

binaries = {}
for line in open(listfile):
    line = line.split('#')[0].strip()
    if not line:
        continue
    m = re.fullmatch(r'igt@([A-Za-z0-9_]+)(@.*)?', line)
    if not m:
        die(f'{listfile}: not an IGT test name: {line}')
    binaries[f'{TESTS}/{m.group(1)}'] = 0o755
binaries['usr/bin/igt_runner'] = 0o755
binaries['usr/bin/busybox'] = 0o755

# igt_runner reads the list of every test of the test root.
files, todo = {}, list(binaries) + [f'{TESTS}/test-list.txt']
interp_seen = set()
while todo:
    rel = todo.pop()
    if rel in files:
        continue
    path = os.path.join(src, rel)
    if not os.path.exists(path):	# merged /usr: /lib64 is /usr/lib64
        path = os.path.join(src, 'usr', rel)
    if not os.path.exists(path):
        die(f'{rel} is in none of the packages')
    files[rel] = os.path.realpath(path)
    if not files[rel].startswith(os.path.realpath(src) + '/'):
        die(f'{rel} links out of the packages, to {files[rel]}')
    interp, needed = dynamic(path)
    for i in interp:
        interp_seen.add(i.lstrip('/'))
        todo.append(i.lstrip('/'))
    for lib in needed:
        for d in LIBDIRS:
            if os.path.exists(os.path.join(src, d, lib)):
                todo.append(f'{d}/{lib}')
                break
        else:
            die(f'{lib}, needed by {rel}, is in none of the packages')

dirs = set()
for rel, real in sorted(files.items()):
    out = os.path.join(dst, rel)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    shutil.copyfile(real, out)
    os.chmod(out, 0o755 if rel in binaries or rel in interp_seen else 0o644)
    parts = rel.split('/')[:-1]
    for i in range(1, len(parts) + 1):
        dirs.add('/' + '/'.join(parts[:i]))
for d in sorted(dirs):
    print(f'dir {d} 0755 0 0')
for rel in sorted(files):
    mode = os.stat(os.path.join(dst, rel)).st_mode & 0o777
    print(f'file /{rel} {os.path.join(dst, rel)} {mode:o} 0 0')
print('dir /bin 0755 0 0')
print('slink /bin/sh /usr/bin/busybox 0777 0 0')
# igt_runner's blacklist: the regular expressions of vsvm-skips.txt,
# anchored (igt_runner searches, harness/igt-count.py matches whole names).
with open(os.path.join(dst, 'skips.txt'), 'w') as out:
    for line in open(skips) if os.path.exists(skips) else []:
        line = line.strip()
        if line and not line.startswith('#'):
            out.write(f'^igt@(?:{line})$\n')
# The list without its comments, for igt_runner.
with open(os.path.join(dst, 'tests.txt'), 'w') as out:
    for line in open(listfile):
        line = line.split('#')[0].strip()
        if line:
            out.write(line + '\n')
print('dir /igt 0755 0 0')
print(f'file /igt/tests.txt {os.path.join(dst, "tests.txt")} 0644 0 0')
print(f'file /igt/skips.txt {os.path.join(dst, "skips.txt")} 0644 0 0')
shutil.copyfile(runner, os.path.join(dst, 'igt-run.sh'))
print(f'file /tests/igt {os.path.join(dst, "igt-run.sh")} 0755 0 0')
n = sum(1 for r in files if r.startswith(TESTS) and r in binaries)
size = sum(os.path.getsize(os.path.join(dst, r)) for r in files)
print(f'igt: {n} tests, {len(files) - n} other files, {size >> 20} MiB', file=sys.stderr)
PY
	mv "$tmp/cpio.list" "$V/cpio.list"
	echo "$want" > "$V/root.stamp"
fi
msg "igt: igt-gpu-tools $version ($IGT_SUITE) staged in $V/root"
echo "$V/cpio.list"
