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

typedef enum {
    NN_STUDY_CURVES,
    NN_STUDY_DECISION,
    NN_STUDY_DISTRIBUTION,
    NN_STUDY_OSCILLATION,
    NN_STUDY_NEURON_RANK,
    NN_STUDY_PRUNE,
    NN_STUDY_DISTANCE,
    NN_STUDY_ITERATES,
    NN_STUDY_BARRIER,
    NN_STUDY_SEED_PAIRS,
    NN_STUDY_MOVIE,
    NN_STUDY_ALIGNMENT,
    NN_STUDY_UNIT_LINES,
    NN_STUDY_HIDDEN_3D,
    NN_STUDY_FIT,
    NN_STUDY_COUNT
} nn_study_kind;

/* Ways of ranking hidden neurons (neuron_rank, prune). The first three are notebook 000's. */
typedef enum {
    NN_RANK_MEAN,          /* mean |w| of the incoming working weights */
    NN_RANK_MEAN_PERCENT,  /* mean percentile of those |w| within the layer */
    NN_RANK_MAX,           /* largest incoming |w| */
    NN_RANK_RANDOM,        /* a seeded random order (prune's baseline) */
    NN_RANK_ABLATION,      /* the loss increase when the neuron is silenced (prune's baseline) */
    NN_RANK_COUNT
} nn_rank_method;
extern const char *const nn_rank_names[NN_RANK_COUNT];

#define NN_MAX_FRACTIONS 64
#define NN_MAX_SHOW 12

typedef struct nn_study_plan {
    nn_study_kind kind;
    double range[2];       /* decision: plotting window in original coordinates */
    int resolution;        /* decision: grid cells per side */
    bool grid_own_stats;   /* decision: normalise the grid with its own statistics, as
                              notebook 001 does (off: the training statistics) */
    int points;            /* distribution: points of each density curve */
    int window;            /* oscillation: epochs in the moving average of the layer plot */
    bool methods[NN_RANK_COUNT];   /* neuron_rank, prune: which rankings */
    int n_fractions;       /* prune: fractions of each hidden layer removed; 0 = auto */
    double fractions[NN_MAX_FRACTIONS];
    long finetune_epochs;  /* prune: epochs of fine-tuning after pruning */
    bool lottery;          /* prune: also retrain from the surviving initial weights */
    int align;             /* distance: nn_align (notebook or weight-matching) */
    int metric;            /* distance, iterates, seed_pairs: nn_metric */
    bool reorder;          /* iterates: align each raw iterate to the initial weights */
    uint32_t match_seed;   /* weight matching's visiting order */
    int layer;             /* movie: the weight layer shown, from 1 at the input side */
    bool rest_notebook;    /* movie: average the rest over all weights, zeros in (notebook 002) */
    int delay;             /* movie, alignment: GIF frame delay in 1/100 s */
    int max_frames;        /* movie, alignment: at most this many frames (evenly spaced rows) */
    int n_show;            /* alignment: frames of the still figure; 0 = auto */
    long show[NN_MAX_SHOW];
    double plateau_rate;   /* alignment: a plateau changes the loss by less than this per step */
    long plateau_steps;    /* alignment: ... for at least this many steps */
    int max_triples;       /* hidden_3d: at most this many 3-D scatter plots per model */
    double threshold;      /* fit: the binary activation is 1 above this */
} nn_study_plan;

/* What training records (record section). */
typedef enum { NN_REC_NONE, NN_REC_EVERY, NN_REC_GEOMETRIC } nn_rec_kind;
typedef struct nn_record_plan {
    nn_rec_kind weights;   /* weights.csv: no rows, every `every` epochs, or geometric */
    long every;
    double growth;         /* geometric: the next recorded epoch is at least growth x this */
    bool raw;              /* also raw_weights.csv (asgd's raw iterate) */
} nn_record_plan;

typedef struct nn_plan {
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
    nn_study_plan *studies;       /* owned */
    nn_record_plan record;
    cJSON *resolved;              /* owned: the spec with overrides and defaults */
    char note[256];               /* a warning worth one line on stderr, or "" */
} nn_plan;

/* Read and resolve the spec at path with n_sets "PATH=VALUE" overrides. On failure e
 * names the file and the place. The plan is zeroed first and must be freed with
 * nn_plan_free whatever the result. */
int nn_spec_load(nn_plan *p, const char *path, const char *const *sets, int n_sets,
                 nn_err *e);

/* The same from JSON text already in memory (name used in messages). */
int nn_spec_load_text(nn_plan *p, const char *text, size_t len, const char *name,
                      const char *dir, const char *const *sets, int n_sets, nn_err *e);

void nn_plan_free(nn_plan *p);

/* Cross-checks against the loaded data; sets every model's n_in. */
int nn_plan_check_data(nn_plan *p, const nn_data *d, const char *file, nn_err *e);

/* Make the data set the plan describes. */
int nn_plan_make_data(const nn_plan *p, nn_data *d, nn_err *e);

/* Apply one "PATH=VALUE" override to a parsed JSON tree. */
int nn_spec_apply_set(cJSON *root, const char *assignment, nn_err *e);

/* A --set VALUE as the spec receives it: JSON when it parses as JSON (strictly: 007, .5 and
 * +1 are strings), else the string itself. NULL only when memory runs out. */
cJSON *nn_set_value(const char *text);

/* The resolved spec as JSON text (caller frees): numbers in shortest round-trip form. */
char *nn_plan_to_json(const nn_plan *p);

extern const char *const nn_study_names[NN_STUDY_COUNT];
/* The study called name, or -1. */
int nn_study_parse(const char *name);
const char *nn_study_name(nn_study_kind k);


#endif
