/* files.h: paths, files written atomically, and numbers as CSV text.
 *
 * Every file nnlab writes goes through nn_file: data goes to "<path>.part" beside the final
 * name (opened O_EXCL | O_NOFOLLOW, so a link planted there is never followed) and is
 * renamed into place by nn_file_commit only when every write succeeded; a file under its
 * final name is never half-written.
 */
#ifndef NNLAB_FILES_H
#define NNLAB_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "nnlab/err.h"

/* Does path exist (as anything)? */
bool nn_path_exists(const char *path);

/* Make a new sub-folder of a run directory (an existing one is an error). */
int nn_mkdir(const char *path, nn_err *e);

/* A file being written: data goes to tmp, and nn_file_commit renames it to final. */
typedef struct nn_file {
    FILE *f;
    char final[4096];
    char tmp[4096];
} nn_file;

int nn_file_open(nn_file *w, const char *path, nn_err *e);
/* Flush, close and rename into place; NN_EIO (with the cause) if any write failed. */
int nn_file_commit(nn_file *w, nn_err *e);
/* Close and delete the temporary file (safe on an unopened or committed file). */
void nn_file_abort(nn_file *w);

/* Write a whole text file atomically. */
int nn_write_text(const char *path, const char *text, nn_err *e);

/* A CSV number: 17 significant digits; nan, inf, -inf for the others (never -nan). */
void nn_csv_num(FILE *f, double v);
/* A CSV text field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
void nn_csv_str(FILE *f, const char *s);
/* The same text into out (at least 32 bytes); returns its length. */
int nn_csv_fmt(char *out, double v);

/* Join dir and name into buf ("dir/name"). */
void nn_path_join(char *buf, size_t cap, const char *dir, const char *name);

#endif
