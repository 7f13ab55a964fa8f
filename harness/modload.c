// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * modload: load kernel modules in the guest, then unload one, for the
 * amdgpu KUnit boot (harness/kunit.sh). The initramfs has no kmod, and
 * needs none: the harness lists the modules in dependency order.
 *
 *   modload [-u NAME] MODULE.ko...
 *
 * Loads every MODULE.ko in order with finit_module() (a module's KUnit
 * suites run while it loads, with kunit.enable=1), then removes NAME with
 * delete_module(). Exits 0 if every step succeeded, 1 otherwise, saying
 * which failed and why. It says so through the kernel log (/dev/kmsg, not
 * rate-limited with printk.devkmsg=on), so that its lines never cut a
 * line of the KUnit output on the console.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int kmsg = -1;

/* One line to the kernel log, or to stdout without /dev/kmsg. */
static void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (kmsg < 0 || write(kmsg, line, strlen(line)) < 0)
		fputs(line, stdout);
}

int main(int argc, char **argv)
{
	const char *unload = NULL;
	int i = 1, fd, bad = 0;

	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (argc > 2 && !strcmp(argv[1], "-u")) {
		unload = argv[2];
		i = 3;
	}
	for (; i < argc; i++) {
		fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0)) {
			say("modload: loading %s failed: %s\n", argv[i],
			    strerror(errno));
			return 1;
		}
		close(fd);
		say("modload: loaded %s\n", argv[i]);
	}
	if (unload) {
		if (syscall(SYS_delete_module, unload, O_NONBLOCK)) {
			say("modload: unloading %s failed: %s\n", unload,
			    strerror(errno));
			bad = 1;
		} else {
			say("modload: unloaded %s\n", unload);
		}
	}
	return bad;
}
