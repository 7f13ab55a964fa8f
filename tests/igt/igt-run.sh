#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only OR MIT
# In the guest (harness/guest.sh's first boot): igt_runner over the tests
# /igt/tests.txt lists, then its results.json, compressed, between two
# marker lines of the console for the host (harness/igt-count.py), in
# hex: base64 could spell a word the host's log check looks for.
out=/tmp/igt-results
bb=/usr/bin/busybox	# no applet links: each command through busybox
export PATH=/usr/bin:/bin

# The first access to debugfs's tracing directory prints a one-time
# notice ("Automounting of tracing to debugfs is deprecated") that
# igt_runner would judge as a warning of the test running then.
$bb ls /sys/kernel/debug/tracing > /dev/null 2>&1

# The tests vsvm-skips.txt names are not run, as in DRM CI.
set -- --test-list /igt/tests.txt --abort-on-monitored-error=taint,lockdep
[ -s /igt/skips.txt ] && set -- "$@" --blacklist /igt/skips.txt
/usr/bin/igt_runner "$@" /usr/libexec/igt-gpu-tools "$out"
rc=$?
echo "igt: igt_runner exited with $rc"
if [ -f "$out/results.json" ]; then
	echo "@@ IGT-RESULTS-BEGIN"
	$bb gzip -9c "$out/results.json" | $bb od -An -v -tx1
	echo "@@ IGT-RESULTS-END"
else
	echo "igt: no $out/results.json"
fi
exit $rc
