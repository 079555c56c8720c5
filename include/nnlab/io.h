/* io.h: reading a whole file into memory, with a size cap, for the spec, CSV and model
 * readers. The caller owns the returned buffer (NUL-terminated; *len excludes the NUL). */
#ifndef NNLAB_IO_H
#define NNLAB_IO_H

#include <stddef.h>

#include "nnlab/err.h"

/* NULL with e filled (NN_ESPEC naming path and what: "spec", "data file", "model") when the
 * file cannot be opened or read, or is larger than max bytes; NN_ENOMEM when memory runs
 * out. */
char *nn_read_file(const char *path, size_t max, const char *what, size_t *len, nn_err *e);

#endif
