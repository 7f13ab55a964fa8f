// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * DRM_IOCTL_AMDGPU_GEM_SVM from userspace: the errno of every bad input the
 * uAPI header documents, checked in its order, and the round trips of
 * ATTACH, INFO, SET_ATTR and GET_ATTR on a compute VM that KFD acquired.
 *
 * Needs an amdgpu render node; every test skips without one, which is the
 * case in the project's guest (no AMD GPU): there, building this program
 * proves that the patched uAPI header is usable from userspace, and
 * nothing more. No result of it has ever come from an AMD GPU.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm/amdgpu_drm.h>
#include <drm/drm.h>
#include <linux/kfd_ioctl.h>

#include "kselftest_harness.h"

#define PAGE		4096ul
#define BUF_SIZE	(4ul << 20)

static int svm_ioctl(int fd, struct drm_amdgpu_gem_svm *args)
{
	return ioctl(fd, DRM_IOCTL_AMDGPU_GEM_SVM, args) ? -errno : 0;
}

/* The first amdgpu render node, opened, or -1. */
static int open_amdgpu(void)
{
	char path[64], name[16];
	int i, fd;

	for (i = 128; i < 192; i++) {
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };

		snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (!ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "amdgpu"))
			return fd;
		close(fd);
	}
	return -1;
}

/* KFD's gpu_id of the device behind render node @fd, or 0. */
static __u32 kfd_gpu_id(int fd)
{
	const char *top = "/sys/class/kfd/kfd/topology/nodes";
	char path[320], line[128];
	struct dirent *de;
	__u32 id = 0;
	struct stat st;
	DIR *dir;

	if (fstat(fd, &st))
		return 0;
	dir = opendir(top);
	if (!dir)
		return 0;
	while (!id && (de = readdir(dir))) {
		unsigned int minor = ~0u;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/properties", top, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			sscanf(line, "drm_render_minor %u", &minor);
		fclose(f);
		if (minor != minor(st.st_rdev))
			continue;
		snprintf(path, sizeof(path), "%s/%s/gpu_id", top, de->d_name);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%u", &id) != 1)
				id = 0;
			fclose(f);
		}
	}
	closedir(dir);
	return id;
}

/* Make the VM of render node @fd a compute VM, as ROCr does: 0 or -errno. */
static int kfd_acquire_vm(int kfd, int fd)
{
	struct kfd_ioctl_acquire_vm_args args = {
		.drm_fd = fd,
		.gpu_id = kfd_gpu_id(fd),
	};

	if (!args.gpu_id)
		return -ENODEV;
	return ioctl(kfd, AMDKFD_IOC_ACQUIRE_VM, &args) ? -errno : 0;
}

FIXTURE(uapi) {
	int fd;
	int kfd;
	__u8 *buf;
	__u64 start;
};

FIXTURE_SETUP(uapi)
{
	self->kfd = -1;
	self->fd = open_amdgpu();
	if (self->fd < 0)
		SKIP(return, "no amdgpu render node (no AMD GPU here)");
	self->buf = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	memset(self->buf, 0x5a, BUF_SIZE);
	self->start = (uintptr_t)self->buf;
}

FIXTURE_TEARDOWN(uapi)
{
	if (self->fd >= 0) {
		munmap(self->buf, BUF_SIZE);
		close(self->fd);
	}
	if (self->kfd >= 0)
		close(self->kfd);
}

/*
 * Attach render node @fd after KFD (opened into @kfd) acquired its VM:
 * 0 or -errno, -ENOENT or -ENODEV where KFD cannot.
 */
static int attach(int fd, int *kfd, struct drm_amdgpu_gem_svm *out)
{
	int err;

	*kfd = open("/dev/kfd", O_RDWR | O_CLOEXEC);
	if (*kfd < 0)
		return -ENOENT;
	err = kfd_acquire_vm(*kfd, fd);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	out->op = AMDGPU_SVM_OP_ATTACH;
	return svm_ioctl(fd, out);
}

/* The envelope, on a file that never attached. */
TEST_F(uapi, envelope_errnos)
{
	struct drm_amdgpu_svm_attr attr = { AMDGPU_SVM_ATTR_ACCESS, 0 };
	struct {
		const char *what;
		struct drm_amdgpu_gem_svm args;
		int err;
	} rows[] = {
		{ "unknown op", { .op = 4 }, -EINVAL },
		{ "flags set", { .op = AMDGPU_SVM_OP_INFO, .flags = 1 }, -EINVAL },
		{ "pad set", { .op = AMDGPU_SVM_OP_INFO, .pad = 1 }, -EINVAL },
		{ "INFO with start", { .op = AMDGPU_SVM_OP_INFO, .start = PAGE }, -EINVAL },
		{ "ATTACH with nattrs", { .op = AMDGPU_SVM_OP_ATTACH, .nattrs = 1 }, -EINVAL },
		{ "SET without attributes", { .op = AMDGPU_SVM_OP_SET_ATTR,
		  .start = self->start, .size = PAGE }, -EINVAL },
		{ "SET with 65 attributes", { .op = AMDGPU_SVM_OP_SET_ATTR,
		  .start = self->start, .size = PAGE, .nattrs = 65,
		  .attrs = (uintptr_t)&attr }, -EINVAL },
		{ "SET unaligned", { .op = AMDGPU_SVM_OP_SET_ATTR,
		  .start = self->start + 1, .size = PAGE, .nattrs = 1,
		  .attrs = (uintptr_t)&attr }, -EINVAL },
		{ "SET empty", { .op = AMDGPU_SVM_OP_SET_ATTR,
		  .start = self->start, .nattrs = 1,
		  .attrs = (uintptr_t)&attr }, -EINVAL },
		{ "SET overflowing", { .op = AMDGPU_SVM_OP_SET_ATTR,
		  .start = self->start, .size = -PAGE, .nattrs = 1,
		  .attrs = (uintptr_t)&attr }, -EINVAL },
		{ "SET below 64 KiB", { .op = AMDGPU_SVM_OP_SET_ATTR,
		  .start = 0, .size = PAGE, .nattrs = 1,
		  .attrs = (uintptr_t)&attr }, -EINVAL },
		{ "INFO not attached", { .op = AMDGPU_SVM_OP_INFO }, -ENODEV },
		{ "SET not attached", { .op = AMDGPU_SVM_OP_SET_ATTR,
		  .start = self->start, .size = PAGE, .nattrs = 1,
		  .attrs = (uintptr_t)&attr }, -ENODEV },
		{ "ATTACH without a compute VM", { .op = AMDGPU_SVM_OP_ATTACH },
		  -EOPNOTSUPP },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		int err = svm_ioctl(self->fd, &rows[i].args);

		EXPECT_EQ(rows[i].err, err)
			TH_LOG("%s: got %d, want %d", rows[i].what, err, rows[i].err);
	}
}

TEST_F(uapi, attach_info_attrs)
{
	struct drm_amdgpu_gem_svm a, info = { .op = AMDGPU_SVM_OP_INFO };
	struct drm_amdgpu_svm_attr attrs[2];
	struct drm_amdgpu_gem_svm set = {
		.op = AMDGPU_SVM_OP_SET_ATTR, .start = self->start,
		.size = BUF_SIZE, .attrs = (uintptr_t)attrs, .nattrs = 2,
	};
	struct drm_amdgpu_gem_svm get = set;
	int err, status;
	pid_t pid;

	err = attach(self->fd, &self->kfd, &a);
	if (err == -ENOENT || err == -ENODEV)
		SKIP(return, "KFD cannot acquire this GPU's VM: %s", strerror(-err));
	ASSERT_EQ(0, err);

	/* Attached once per file, INFO says what ATTACH said. */
	a.op = AMDGPU_SVM_OP_ATTACH;
	ASSERT_EQ(-EBUSY, svm_ioctl(self->fd, &a));
	ASSERT_EQ(0, svm_ioctl(self->fd, &info));
	ASSERT_EQ(a.index, info.index);
	ASSERT_EQ(a.caps, info.caps);

	/* Set access and GPU_RO, read them back. */
	attrs[0] = (struct drm_amdgpu_svm_attr){ AMDGPU_SVM_ATTR_ACCESS, info.index };
	attrs[1] = (struct drm_amdgpu_svm_attr){ AMDGPU_SVM_ATTR_SET_FLAGS,
						 AMDGPU_SVM_FLAG_GPU_RO };
	ASSERT_EQ(0, svm_ioctl(self->fd, &set));
	get = set;
	get.op = AMDGPU_SVM_OP_GET_ATTR;
	attrs[0] = (struct drm_amdgpu_svm_attr){ AMDGPU_SVM_ATTR_ACCESS, info.index };
	attrs[1] = (struct drm_amdgpu_svm_attr){ AMDGPU_SVM_ATTR_SET_FLAGS, 0 };
	ASSERT_EQ(0, svm_ioctl(self->fd, &get));
	EXPECT_EQ(AMDGPU_SVM_ATTR_ACCESS, attrs[0].type);
	EXPECT_EQ(info.index, attrs[0].value);
	EXPECT_TRUE(attrs[1].value & AMDGPU_SVM_FLAG_GPU_RO);

	/* A bad attribute changes nothing. */
	attrs[0] = (struct drm_amdgpu_svm_attr){ AMDGPU_SVM_ATTR_GRANULARITY,
						 AMDGPU_SVM_GRANULARITY_MAX + 1 };
	attrs[1] = (struct drm_amdgpu_svm_attr){ AMDGPU_SVM_ATTR_CLR_FLAGS,
						 AMDGPU_SVM_FLAG_GPU_RO };
	ASSERT_EQ(-EINVAL, svm_ioctl(self->fd, &set));
	attrs[0] = (struct drm_amdgpu_svm_attr){ AMDGPU_SVM_ATTR_SET_FLAGS, 0 };
	get.nattrs = 1;
	ASSERT_EQ(0, svm_ioctl(self->fd, &get));
	EXPECT_TRUE(attrs[0].value & AMDGPU_SVM_FLAG_GPU_RO);

	/* Unreadable attributes, a GPU index nobody has. */
	set.attrs = 8;
	ASSERT_EQ(-EFAULT, svm_ioctl(self->fd, &set));
	set.attrs = (uintptr_t)attrs;
	set.nattrs = 1;
	attrs[0] = (struct drm_amdgpu_svm_attr){ AMDGPU_SVM_ATTR_ACCESS, 63 };
	ASSERT_EQ(info.index == 63 ? 0 : -ENODEV, svm_ioctl(self->fd, &set));

	/* The file belongs to the process that attached. */
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(svm_ioctl(self->fd, &info) == -EPERM ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("INFO from a child must fail with EPERM");
}

/* A file passed to another process names its first owner's VM. */
TEST_F(uapi, attach_from_another_process)
{
	struct drm_amdgpu_gem_svm a = { .op = AMDGPU_SVM_OP_ATTACH };
	int err, status;
	pid_t pid;

	self->kfd = open("/dev/kfd", O_RDWR | O_CLOEXEC);
	if (self->kfd < 0)
		SKIP(return, "no /dev/kfd");
	err = kfd_acquire_vm(self->kfd, self->fd);
	if (err == -ENODEV)
		SKIP(return, "KFD cannot acquire this GPU's VM");
	ASSERT_EQ(0, err);

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(svm_ioctl(self->fd, &a) == -EPERM ? 0 : 1);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("ATTACH of the parent's VM from a child must fail with EPERM");
	memset(&a, 0, sizeof(a));
	a.op = AMDGPU_SVM_OP_ATTACH;
	EXPECT_EQ(0, svm_ioctl(self->fd, &a));
}

TEST_F(uapi, one_file_per_device)
{
	struct drm_amdgpu_gem_svm a;
	int err, fd2;

	err = attach(self->fd, &self->kfd, &a);
	if (err == -ENOENT || err == -ENODEV)
		SKIP(return, "KFD cannot acquire this GPU's VM: %s", strerror(-err));
	ASSERT_EQ(0, err);
	fd2 = open_amdgpu();
	ASSERT_GE(fd2, 0);
	memset(&a, 0, sizeof(a));
	a.op = AMDGPU_SVM_OP_ATTACH;
	EXPECT_EQ(-EEXIST, svm_ioctl(fd2, &a));
	close(fd2);
}

TEST_HARNESS_MAIN
