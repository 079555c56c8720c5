/* record.h: the run directory and what goes into it.
 *
 * A run directory is created atomically (mkdir fails if it exists), never reused
 * without `force`, and only ever replaced when it holds an nnlab run (a manifest.json).
 * Every file is written through files.h (under a temporary name, renamed into place
 * when complete), so a file under its final name is never half-written.
 * model.json is the saved network (docs/outputs.md); nn_model_load reads it back.
 */
#ifndef NNLAB_RECORD_H
#define NNLAB_RECORD_H

#include <stdbool.h>
#include <stdio.h>

#include "nnlab/err.h"
#include "nnlab/files.h"
#include "nnlab/model.h"

typedef struct cJSON cJSON;

/* dir without trailing slashes into out; refuses "", "/", "." and ".." as run directories
 * and paths of 3000 bytes or more. */
int nn_rundir_normalize(char *out, size_t cap, const char *dir, nn_err *e);

/* Check that dir may be used as a new run directory: it does not exist, or force is
 * set and it is an nnlab run directory (or empty). Writes nothing. */
int nn_rundir_check(const char *dir, bool force, nn_err *e);

/* Create dir (and missing parents), first removing an old run there when force is set
 * (nn_rundir_check must have passed). */
int nn_rundir_create(const char *dir, bool force, nn_err *e);

/* model.json: save the model (with its label), and load one back (label may be NULL). */
int nn_model_save(const nn_model *m, const char *label, const char *path, nn_err *e);
nn_model *nn_model_load(const char *path, char *label /* NN_LABEL_MAX + 1 or NULL */,
                        nn_err *e);
/* The model as JSON (caller frees with cJSON_Delete). */
cJSON *nn_model_to_json(const nn_model *m, const char *label);

#endif
