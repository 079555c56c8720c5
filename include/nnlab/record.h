/* record.h: the run directory and what goes into it.
 *
 * A run directory is created atomically (mkdir fails if it exists), never reused
 * without `force`, and only ever replaced when it holds an nnlab run (a manifest.json).
 * Every file is written under a temporary name in the same folder and renamed into
 * place when complete, so a file under its final name is never half-written.
 * model.json is the saved network (docs/outputs.md); nn_model_load reads it back.
 */
#ifndef NNLAB_RECORD_H
#define NNLAB_RECORD_H

#include <stdbool.h>
#include <stdio.h>

#include "nnlab/err.h"
#include "nnlab/model.h"

typedef struct cJSON cJSON;

/* Does path exist (as anything)? */
bool nn_path_exists(const char *path);

/* dir without trailing slashes into out; refuses "", "/", "." and ".." as run directories
 * and paths of 3000 bytes or more. */
int nn_rundir_normalize(char *out, size_t cap, const char *dir, nn_err *e);

/* Check that dir may be used as a new run directory: it does not exist, or force is
 * set and it is an nnlab run directory (or empty). Writes nothing. */
int nn_rundir_check(const char *dir, bool force, nn_err *e);

/* Create dir (and missing parents), first removing an old run there when force is set
 * (nn_rundir_check must have passed). */
int nn_rundir_create(const char *dir, bool force, nn_err *e);

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
/* The same text into out (at least 32 bytes); returns its length. */
int nn_csv_fmt(char *out, double v);

/* Join dir and name into buf ("dir/name"). */
void nn_path_join(char *buf, size_t cap, const char *dir, const char *name);

/* model.json: save the model (with its label), and load one back (label may be NULL). */
int nn_model_save(const nn_model *m, const char *label, const char *path, nn_err *e);
nn_model *nn_model_load(const char *path, char *label /* NN_LABEL_MAX + 1 or NULL */,
                        nn_err *e);
/* The model as JSON (caller frees with cJSON_Delete). */
cJSON *nn_model_to_json(const nn_model *m, const char *label);

#endif
