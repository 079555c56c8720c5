/* spec.h: experiment specs: parse, override, validate, resolve, plan.
 *
 * A spec is JSON (docs/spec.md). nn_spec_load reads it, applies --set overrides (the one
 * override mechanism: dotted paths, models addressed by label, values parsed as JSON
 * when they parse), walks every key (unknown keys are errors with a suggestion, wrong
 * types and out-of-range values are errors naming their JSON path), fills in every
 * default, and returns a plan plus the resolved spec as JSON. Nothing is allocated for
 * training and nothing is written here. Checks that need the data (batch size against
 * the number of samples, a loss against the kind of targets) are in nn_plan_check_data.
 */
#ifndef NNLAB_SPEC_H
#define NNLAB_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#include "nnlab/data.h"
#include "nnlab/err.h"
#include "nnlab/init.h"
#include "nnlab/model.h"
#include "nnlab/names.h"
#include "nnlab/train.h"

#define NN_SPEC_MAX_BYTES (16u << 20)
#define NN_MAX_MODELS 256

typedef struct cJSON cJSON;

typedef struct nn_model_plan {
    char label[NN_LABEL_MAX + 1];     /* "<group>-s<seed>" for a replicate */
    char group[NN_LABEL_MAX + 1];     /* the label the spec gives; replicates share it */
    uint32_t seed;
    nn_arch arch;          /* arch.n_in is set from the data */
    nn_init_cfg init;
} nn_model_plan;

/* ---- studies, as the spec reader sees them ------------------------------------------------
 *
 * spec names no study. The study registry (study.h, above spec) describes each study by a
 * row of this shape and hands the table to nn_spec_load: its name, what it needs of the run,
 * and its options with their kinds, defaults and ranges. The reader checks a study's entry
 * against its row (an unknown key gets a suggestion from that study's own options), fills in
 * every default, and stores the options in a struct the study defines (each option's offset
 * gives its place there). */

/* What a study needs of the run; checked before anything is written. */
enum nn_needs {
    NN_NEEDS_WEIGHTS_EVERY = 1 << 0,    /* weights.csv with a row for every epoch */
    NN_NEEDS_WEIGHTS       = 1 << 1,    /* weights.csv on any schedule */
    NN_NEEDS_RAW           = 1 << 2,    /* raw_weights.csv: asgd's raw iterate */
    NN_NEEDS_HIDDEN        = 1 << 3,    /* at least one hidden layer in every model */
    NN_NEEDS_ONE_HIDDEN    = 1 << 4,    /* exactly one hidden layer in every model */
    NN_NEEDS_SAME_SHAPE    = 1 << 5,    /* every model of one architecture */
    NN_NEEDS_PAIRS         = 1 << 6,    /* at least two models */
    NN_NEEDS_INPUT_1D      = 1 << 7,    /* data with one feature */
    NN_NEEDS_INPUT_2D      = 1 << 8,    /* data with two features */
    NN_NEEDS_REGRESSION    = 1 << 9,    /* targets other than 0/1 */
};

typedef enum {
    NN_OPTION_INT,       /* an integer in [lo, hi], stored as a long */
    NN_OPTION_NUM,       /* a number in [lo, hi] (bounds excluded per flags), a double */
    NN_OPTION_BOOL,      /* true or false (def nonzero: true), a bool */
    NN_OPTION_ENUM,      /* one of names, stored as an int index (default def_name) */
    NN_OPTION_NAMES,     /* a non-empty list of distinct names, a bool per name (default all) */
    NN_OPTION_CUSTOM,    /* checked, resolved and stored by check */
} nn_option_kind;

enum { NN_OPTION_EXCL_LO = 1, NN_OPTION_EXCL_HI = 2 };

/* The reader's place in a spec: the file, the JSON path, the --set overrides in force. */
typedef struct nn_spec_v nn_spec_v;

typedef struct nn_option {
    const char *key;
    nn_option_kind kind;
    size_t offset;               /* of the value in the study's options struct */
    double def, lo, hi;          /* INT, NUM, BOOL */
    int flags;                   /* NUM: NN_OPTION_EXCL_* */
    const char *const *names;    /* ENUM, NAMES */
    int n_names;
    const char *def_name;        /* ENUM: the default */
    const char *what;            /* ENUM, NAMES: the concept, for messages ("ranking method") */
    /* CUSTOM: check obj's value at key (absent: insert the default) and store it at field */
    int (*check)(nn_spec_v *v, cJSON *obj, const char *key, void *field);
    const char *def_doc;         /* CUSTOM: the default as the docs show it */
    const char *values_doc;      /* CUSTOM: the values it takes, as the docs show them */
    const char *doc;             /* one line for `nnlab list` and docs/spec.md */
} nn_option;

typedef struct nn_plan nn_plan;

typedef struct nn_study_spec {
    const char *name;
    const char *summary;         /* one line */
    unsigned needs;              /* enum nn_needs */
    const char *input_why;       /* with NN_NEEDS_INPUT_*: what it draws ("draws the input plane") */
    const nn_option *options;
    int n_options;
    size_t options_size;         /* of the study's options struct */
    /* Cross-checks of the resolved options against the plan, at the study's path (NULL:
     * none). */
    int (*check)(nn_spec_v *v, const void *options, const nn_plan *p);
    /* What the study needs of the data and the sizes it implies (the models' inputs are the
     * data's by now), checked with the data before anything is written, so `nnlab check` and
     * a run refuse together what the study could not do after training (NULL: nothing). */
    int (*check_data)(nn_spec_v *v, const void *options, const nn_plan *p, const nn_data *d);
    /* About the most bytes its tables and figures take for this plan and data, for the run's
     * output size guard (NULL: a few hundred KiB at most, not counted). */
    double (*output_bytes)(const void *options, const nn_plan *p, const nn_data *d);
    const char *output_hint;     /* with output_bytes: how to write less ("lower its resolution") */
    /* how many figures it draws (NULL: one per model and one more), for the same estimate */
    double (*figure_count)(const void *options, const nn_plan *p);
} nn_study_spec;

/* The studies a spec may name, and the list a spec without "studies" gets. */
typedef struct nn_study_table {
    const nn_study_spec *const *rows;
    int n;
    const char *const *names;    /* rows[i]->name, for lists and suggestions */
    const char *const *defaults;
    int n_defaults;
} nn_study_table;

/* One study of a plan: its row in the table and its resolved options. */
typedef struct nn_study_plan {
    int index;                   /* in the table */
    const nn_study_spec *spec;
    void *options;               /* owned: spec->options_size bytes */
} nn_study_plan;

/* The reader's helpers, for studies' CUSTOM options and checks: step into and out of a key
 * or an index of the JSON path (push returns the mark pop takes), fail with a message at the
 * current path (returns NN_ESPEC), and describe a value ("got a string (\"abc\")"). */
size_t nn_spec_push(nn_spec_v *v, const char *key);
size_t nn_spec_push_index(nn_spec_v *v, int i);
void nn_spec_pop(nn_spec_v *v, size_t mark);
int nn_spec_fail(nn_spec_v *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nn_spec_got(char *buf, size_t cap, const cJSON *j);

/* What training records (record section). */
typedef enum { NN_REC_NONE, NN_REC_EVERY, NN_REC_GEOMETRIC } nn_rec_kind;
typedef struct nn_record_plan {
    nn_rec_kind weights;   /* weights.csv: no rows, every `every` epochs, or geometric */
    long every;
    double growth;         /* geometric: the next recorded epoch is at least growth x this */
    bool raw;              /* also raw_weights.csv (asgd's raw iterate) */
} nn_record_plan;

struct nn_plan {
    char name[NN_LABEL_MAX + 1];
    const char *description;      /* points into resolved */
    /* data */
    const nn_generator *gen;      /* NULL for csv */
    uint32_t data_seed;
    double gen_params[NN_GEN_MAX_PARAMS];
    char *csv_path;               /* owned, resolved against the spec's folder */
    char target[NN_LABEL_MAX + 1];
    double *points_x, *points_y;  /* owned: generator "points", (n_points, points_d) */
    size_t n_points;
    int points_d;
    bool zscore;
    double test_fraction;         /* held out for testing: 0 = no split */
    uint32_t split_seed;
    /* training */
    nn_train_cfg train;
    int n_models;
    nn_model_plan *models;        /* owned */
    int n_studies;
    nn_study_plan *studies;       /* owned, with their options */
    unsigned needs;               /* what the studies need, together (enum nn_needs) */
    nn_record_plan record;
    unsigned fig_formats;         /* figures: NN_FIG_PNG | NN_FIG_SVG | NN_FIG_PDF (figure.h) */
    double fig_size;              /* figures: a multiplier of every figure's size */
    cJSON *resolved;              /* owned: the spec with overrides and defaults */
    char note[256];               /* a warning worth one line on stderr, or "" */
};

/* Read and resolve the spec at path with n_sets "PATH=VALUE" overrides. On failure e
 * names the file and the place. The plan is zeroed first and must be freed with
 * nn_plan_free whatever the result. */
int nn_spec_load(nn_plan *p, const char *path, const char *const *sets, int n_sets,
                 const nn_study_table *studies, nn_err *e);

/* The same from JSON text already in memory (name used in messages). */
int nn_spec_load_text(nn_plan *p, const char *text, size_t len, const char *name,
                      const char *dir, const char *const *sets, int n_sets,
                      const nn_study_table *studies, nn_err *e);

void nn_plan_free(nn_plan *p);

/* Cross-checks against the loaded data; sets every model's n_in. */
int nn_plan_check_data(nn_plan *p, const nn_data *d, const char *file, nn_err *e);

/* The target column's name in the data (a CSV's data.target, else "y"); a run's data.csv
 * keeps it. */
const char *nn_plan_target(const nn_plan *p);

/* Make the data set the plan describes. */
int nn_plan_make_data(const nn_plan *p, nn_data *d, nn_err *e);

/* Apply one "PATH=VALUE" override to a parsed JSON tree. */
int nn_spec_apply_set(cJSON *root, const char *assignment, nn_err *e);

/* A --set VALUE as the spec receives it: JSON when it parses as JSON (strictly: 007, .5 and
 * +1 are strings), else the string itself. NULL only when memory runs out. */
cJSON *nn_set_value(const char *text);

/* The resolved spec as JSON text (caller frees): numbers in shortest round-trip form. */
char *nn_plan_to_json(const nn_plan *p);

/* Resolve one study for the plan as if the spec listed {"name": name} (its defaults; the
 * needs checked): for `nnlab analyze --study` on a study the spec does not list. sp's
 * options are the caller's to free. Errors name "--study". */
int nn_spec_study(const nn_plan *p, const nn_study_table *t, const char *name,
                  nn_study_plan *sp, nn_err *e);


#endif
