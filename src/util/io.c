/* io.c: opening and reading files that may be hostile (see io.h). */
#define _GNU_SOURCE
#include "nnlab/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *kind(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
           : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "something else";
}

int nn_open_read(const char *path, const char *what, struct stat *st, nn_err *e)
{
    /* O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int err = errno;
        nn_err_set(e, NN_ESPEC, path,
                   "cannot open %s: %s", what, strerror(err));
        errno = err;
        return -1;
    }
    struct stat s;
    if (fstat(fd, &s) != 0) {
        int err = errno;
        close(fd);
        nn_err_set(e, NN_ESPEC, path, "cannot read %s: %s", what, strerror(err));
        errno = err;
        return -1;
    }
    if (!S_ISREG(s.st_mode)) {
        close(fd);
        nn_err_set(e, NN_ESPEC, path, "cannot read %s: it is %s, not a regular file", what,
                   kind(s.st_mode));
        errno = S_ISDIR(s.st_mode) ? EISDIR : ENODEV;
        return -1;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    if (st)
        *st = s;
    return fd;
}

FILE *nn_fopen_read(const char *path, const char *what, nn_err *e)
{
    int fd = nn_open_read(path, what, NULL, e);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        int err = errno;
        close(fd);
        nn_err_set(e, NN_ENOMEM, path, "cannot read %s: %s", what, strerror(err));
        errno = err;
    }
    return f;
}

char *nn_read_file(const char *path, size_t max, const char *what, size_t *len, nn_err *e)
{
    struct stat st;
    int fd = nn_open_read(path, what, &st, e);
    if (fd < 0)
        return NULL;
    if ((unsigned long long)st.st_size > max) {
        close(fd);
        nn_err_set(e, NN_ESPEC, path, "%s is larger than %zu MiB (%lld bytes)", what,
                   max >> 20, (long long)st.st_size);
        errno = EFBIG;
        return NULL;
    }
    /* the size is a hint (the file may grow while read): read to the end, up to max */
    size_t cap = (size_t)st.st_size + 1 < (1u << 16) ? 1u << 16 : (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap + 1);
    int err = 0;
    while (buf) {
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            err = errno;
            break;
        }
        if (got == 0)
            break;
        n += (size_t)got;
        if (n > max)
            break;
        if (n == cap) {
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb)
                free(buf);
            buf = nb;
            cap *= 2;
        }
    }
    close(fd);
    if (!buf) {
        nn_err_set(e, NN_ENOMEM, path, "out of memory reading the %s", what);
        errno = ENOMEM;
        return NULL;
    }
    if (err || n > max) {
        free(buf);
        if (err)
            nn_err_set(e, NN_ESPEC, path, "cannot read %s: %s", what, strerror(err));
        else
            nn_err_set(e, NN_ESPEC, path, "%s is larger than %zu MiB", what, max >> 20);
        errno = err ? err : EFBIG;
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
