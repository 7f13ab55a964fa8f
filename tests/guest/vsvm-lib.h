/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * Copyright © 2026 The drm_svm_coord authors
 *
 * Helpers of the programs that drive the virtual GPUs (vsvm) from the
 * guest: the guest tests and the benchmark.
 */
#ifndef VSVM_LIB_H
#define VSVM_LIB_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/vsvm_drm.h>

#define SZ_2M		(2ul << 20)
#define PAGE		4096ul

/* Render node of virtual GPU @gpu, opened, or -1. */
static inline int open_gpu(unsigned int gpu)
{
	char path[64], name[16];
	int i, fd;

	for (i = 128; i < 192; i++) {
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
		struct drm_vsvm_info info;

		snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (!ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vsvm") &&
		    !ioctl(fd, DRM_IOCTL_VSVM_INFO, &info) && info.gpu == gpu)
			return fd;
		close(fd);
	}
	return -1;
}

static inline int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static inline int gpu_access(int fd, uint32_t op, void *addr, size_t size,
			     void *data, uint32_t value)
{
	struct drm_vsvm_access a = {
		.addr = (uintptr_t)addr, .size = size,
		.data = (uintptr_t)data, .op = op, .value = value,
	};

	return xioctl(fd, DRM_IOCTL_VSVM_ACCESS, &a);
}

/*
 * gpu_access(), tried again while it answers EBUSY (invalidations kept
 * racing for the fault's budget of a second), @tries times in all; adds
 * the retries to *@busy.
 */
static inline int gpu_access_busy(int fd, uint32_t op, void *addr, size_t size,
				  void *data, uint32_t value, unsigned int tries,
				  unsigned int *busy)
{
	int err;

	while ((err = gpu_access(fd, op, addr, size, data, value)) == -EBUSY &&
	       --tries)
		++*busy;
	return err;
}

static inline int vsvm_attach(int fd, uint32_t flags)
{
	struct drm_vsvm_attach a = { .flags = flags };

	return xioctl(fd, DRM_IOCTL_VSVM_ATTACH, &a);
}

/* Set one attribute over [@addr, @addr + @size): 0 or -errno. */
static inline int set_attr(int fd, void *addr, size_t size, uint32_t type,
			   uint32_t value)
{
	struct drm_vsvm_attr attr = { .type = type, .value = value };
	struct drm_vsvm_attrs a = {
		.start = (uintptr_t)addr, .size = size,
		.attrs = (uintptr_t)&attr, .nattrs = 1,
	};

	return xioctl(fd, DRM_IOCTL_VSVM_SET_ATTR, &a);
}

/*
 * Check @fd's entries over [@addr, @addr + @size) against the CPU's page
 * table and the coordinator's ranges (DRM_IOCTL_VSVM_PT_VERIFY). Returns
 * 0 or -errno; the counts are in @v.
 */
static inline int pt_verify(int fd, void *addr, size_t size,
			    struct drm_vsvm_pt_verify *v)
{
	memset(v, 0, sizeof(*v));
	v->addr = (uintptr_t)addr;
	v->npages = size / PAGE;
	return xioctl(fd, DRM_IOCTL_VSVM_PT_VERIFY, v);
}

/* Every entry is safe: see DRM_IOCTL_VSVM_PT_VERIFY. */
static inline int pt_safe(const struct drm_vsvm_pt_verify *v)
{
	return !v->uncovered && !v->stale && !v->excess_write;
}

/* Write @v to the file at @path (a module parameter, tracefs): 0 or -errno. */
static inline int write_str(const char *path, const char *v)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -errno;
	err = fputs(v, f) < 0 ? -EIO : 0;
	if (fclose(f))
		err = -errno;
	return err;
}

/* @size anonymous bytes at an @align boundary (a power of two). */
static inline char *alloc_aligned_to(size_t size, size_t align)
{
	char *p = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)p + align - 1) & ~(align - 1));
	if (a > p)
		munmap(p, a - p);
	munmap(a + size, p + size + align - (a + size));
	return a;
}

/* @size anonymous bytes at a 2 MiB boundary. */
static inline char *alloc_aligned(size_t size)
{
	return alloc_aligned_to(size, SZ_2M);
}

/* kB of huge pages in the mapping of this process that holds @addr. */
static inline long anon_huge_kb(void *addr)
{
	unsigned long lo, hi, at = (uintptr_t)addr;
	char line[256];
	long kb = -1;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = lo <= at && at < hi;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

#endif /* VSVM_LIB_H */
