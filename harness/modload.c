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
 * which failed and why.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *unload = NULL;
	int i = 1, fd, bad = 0;

	if (argc > 2 && !strcmp(argv[1], "-u")) {
		unload = argv[2];
		i = 3;
	}
	for (; i < argc; i++) {
		fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0 || syscall(SYS_finit_module, fd, "", 0)) {
			printf("modload: loading %s failed: %s\n", argv[i],
			       strerror(errno));
			return 1;
		}
		close(fd);
		printf("modload: loaded %s\n", argv[i]);
	}
	if (unload) {
		if (syscall(SYS_delete_module, unload, O_NONBLOCK)) {
			printf("modload: unloading %s failed: %s\n", unload,
			       strerror(errno));
			bad = 1;
		} else {
			printf("modload: unloaded %s\n", unload);
		}
	}
	return bad;
}
