/* io.h: opening and reading files nnlab did not write itself (specs, data, model files, the
 * files of a run directory a user may have damaged).
 *
 * Every read goes through here: a FIFO, a device or a directory under a file's name is
 * refused at once (opened without blocking, then checked to be a regular file), never read
 * forever or waited on. On failure e is filled (NN_ESPEC naming path and what: "spec",
 * "data file", "model", ...; NN_ENOMEM when memory runs out) and errno says why: ENOENT
 * (no such file), EACCES, EISDIR or ENODEV (not a regular file), EFBIG (over max). */
#ifndef NNLAB_IO_H
#define NNLAB_IO_H

#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

#include "nnlab/err.h"

/* A descriptor open for reading on a regular file (st, when not NULL, its status), or -1. */
int nn_open_read(const char *path, const char *what, struct stat *st, nn_err *e);

/* The same as a stdio stream, or NULL. */
FILE *nn_fopen_read(const char *path, const char *what, nn_err *e);

/* The whole file, NUL-terminated (*len excludes the NUL), at most max bytes; or NULL. The
 * caller frees it. */
char *nn_read_file(const char *path, size_t max, const char *what, size_t *len, nn_err *e);

#endif
