// SPDX-License-Identifier: GPL-2.0-only OR MIT
/*
 * /init of the test guest: mount the pseudo file systems, run every program
 * listed in /tests/list (one per line, with arguments) and power off.
 *
 * Each program's output goes to the console between two marker lines that
 * the host parses:
 *   @@ RUN <name>
 *   @@ EXIT <name> <status>      (status: exit code, or "signal N")
 * and the last line is "@@ DONE". A program that does not finish within
 * its time limit is killed and reported as "signal 9".
 *
 * With kmemleak, the objects suspected before the first program (the
 * boot's own) are cleared, and a scan after the last one prints every new
 * suspect after a "kmemleak: N new suspected memory leaks" line, which the
 * host's log check rejects.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 32
#define TEST_TIMEOUT_S 900

static void mount_fs(const char *src, const char *dst, const char *type)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, NULL) && errno != EBUSY)
		printf("init: mount %s on %s: %s\n", type, dst, strerror(errno));
}

#define KMEMLEAK "/sys/kernel/debug/kmemleak"
/* kmemleak reports no object younger than this (jiffies_min_age). */
#define KMEMLEAK_MIN_AGE_S 5

static int kmemleak_cmd(const char *cmd)
{
	FILE *f = fopen(KMEMLEAK, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fputs(cmd, f) < 0)
		err = -EIO;
	if (fclose(f))
		err = -errno;
	return err;
}

/* Forget what the boot leaked: only the tests' leaks count. */
static void kmemleak_start(void)
{
	int err;

	if (access(KMEMLEAK, F_OK))
		return;
	err = kmemleak_cmd("scan") ?: kmemleak_cmd("clear");
	if (err)
		printf("init: kmemleak scan/clear: %s\n", strerror(-err));
}

/* Scan once the last objects are old enough, and print every suspect. */
static void kmemleak_report(void)
{
	char line[512];
	unsigned int n = 0;
	FILE *f;
	int err;

	if (access(KMEMLEAK, F_OK))
		return;
	sleep(KMEMLEAK_MIN_AGE_S + 1);
	err = kmemleak_cmd("scan");
	f = err ? NULL : fopen(KMEMLEAK, "r");
	if (!f) {
		/* The host counts a missing verdict as a failure. */
		printf("init: kmemleak scan: %s\n", strerror(err ? -err : errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		n += !strncmp(line, "unreferenced object", 19);
	if (n) {
		printf("kmemleak: %u new suspected memory leaks\n", n);
		rewind(f);
		while (fgets(line, sizeof(line), f))
			fputs(line, stdout);
	} else {
		printf("@@ KMEMLEAK no leak\n");
	}
	fclose(f);
}

static int split_args(char *line, char **argv)
{
	int argc = 0;
	char *tok, *save = NULL;

	for (tok = strtok_r(line, " \t\n", &save); tok && argc < MAX_ARGS - 1;
	     tok = strtok_r(NULL, " \t\n", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return argc;
}

static void run_one(char **argv)
{
	time_t deadline = time(NULL) + TEST_TIMEOUT_S;
	int status = 0;
	pid_t pid, w;

	printf("@@ RUN %s\n", argv[0]);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		chdir("/tests");
		execv(argv[0], argv);
		printf("init: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0) {
		printf("@@ EXIT %s fork-failed\n", argv[0]);
		return;
	}
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (time(NULL) > deadline) {
			printf("init: %s timed out after %d s\n", argv[0],
			       TEST_TIMEOUT_S);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		usleep(20000);
	}
	fflush(stdout);
	if (WIFEXITED(status))
		printf("@@ EXIT %s %d\n", argv[0], WEXITSTATUS(status));
	else
		printf("@@ EXIT %s signal %d\n", argv[0], WTERMSIG(status));
	fflush(stdout);
}

int main(void)
{
	char line[1024], *argv[MAX_ARGS];
	FILE *list;

	mount_fs("proc", "/proc", "proc");
	mount_fs("sysfs", "/sys", "sysfs");
	mount_fs("devtmpfs", "/dev", "devtmpfs");
	mount_fs("debugfs", "/sys/kernel/debug", "debugfs");
	mount_fs("tracefs", "/sys/kernel/tracing", "tracefs");
	mount_fs("tmpfs", "/tmp", "tmpfs");
	setvbuf(stdout, NULL, _IOLBF, 0);

	kmemleak_start();
	list = fopen("/tests/list", "r");
	if (!list) {
		printf("init: no /tests/list: %s\n", strerror(errno));
	} else {
		while (fgets(line, sizeof(line), list)) {
			if (line[0] == '#' || split_args(line, argv) == 0)
				continue;
			run_one(argv);
		}
		fclose(list);
	}
	kmemleak_report();
	printf("@@ DONE\n");
	fflush(stdout);
	sync();
	reboot(RB_AUTOBOOT);
	return 0;
}
