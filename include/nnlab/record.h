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
 * set and it is an nnlab run directory (or empty) that no live nnlab process is writing.
 * Writes nothing. */
int nn_rundir_check(const char *dir, bool force, nn_err *e);

/* The largest manifest.json read back (it keeps the whole command line). */
#define NN_MANIFEST_MAX_BYTES ((size_t)1 << 28)

/* The run's lock file, in the run directory: a live run or analyze holds it (flock), so no
 * other nnlab process replaces or rewrites the directory meanwhile. */
#define NN_RUN_LOCK_FILE ".nnlab.lock"

/* Create dir (and missing parents), or with force replace the old run there (in place: its
 * contents removed under its lock). lock (may be NULL: no lock, for a sweep's own folder)
 * receives the descriptor holding the run's lock, or -1 where locks do not work; the caller
 * keeps it while it writes and then passes it to nn_rundir_unlock. Refuses (NN_EUSAGE) a
 * directory a live nnlab process is writing, even with force. */
int nn_rundir_create(const char *dir, bool force, int *lock, nn_err *e);

/* Take an existing run directory's lock (analyze); NN_EUSAGE when a live process holds it. */
int nn_rundir_lock(const char *dir, int *lock, nn_err *e);
void nn_rundir_unlock(int lock);

/* Remove dir when it holds nothing but its lock file (a run that could not write even its
 * manifest), releasing the lock. */
void nn_rundir_discard(const char *dir, int lock);

/* Is a live process writing dir? 1: its lock is held; 0: its lock file exists and nobody
 * holds it (whatever its manifest says, the run is over); -1: cannot tell (no lock file, or
 * locks do not work there). Writes nothing. */
int nn_rundir_probe(const char *dir);

/* model.json: save the model (with its label), and load one back (label may be NULL). */
int nn_model_save(const nn_model *m, const char *label, const char *path, nn_err *e);
nn_model *nn_model_load(const char *path, char *label /* NN_LABEL_MAX + 1 or NULL */,
                        nn_err *e);
/* The model as JSON (caller frees with cJSON_Delete). */
cJSON *nn_model_to_json(const nn_model *m, const char *label);

#endif
