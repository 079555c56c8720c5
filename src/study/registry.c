/* registry.c: every study, one row each (see study.h). A study is one file defining its
 * nn_study (name, summary, needs, options, figures, run); adding one is a line here. */
#include "nnlab/study.h"

#include <pthread.h>

extern const nn_study nn_study_dataset, nn_study_curves, nn_study_decision, nn_study_distribution,
    nn_study_oscillation, nn_study_neuron_rank, nn_study_prune, nn_study_distance,
    nn_study_iterates, nn_study_barrier, nn_study_seed_pairs, nn_study_movie,
    nn_study_alignment, nn_study_unit_lines, nn_study_hidden_3d, nn_study_fit;

const nn_study *const nn_studies[] = {
    &nn_study_dataset,     &nn_study_curves,      &nn_study_decision,  &nn_study_distribution, &nn_study_oscillation,
    &nn_study_neuron_rank, &nn_study_prune,     &nn_study_distance,     &nn_study_iterates,
    &nn_study_barrier,     &nn_study_seed_pairs, &nn_study_movie,       &nn_study_alignment,
    &nn_study_unit_lines,  &nn_study_hidden_3d, &nn_study_fit,
};
#define N_STUDIES ((int)(sizeof nn_studies / sizeof *nn_studies))
const int nn_n_studies = N_STUDIES;

/* A spec without "studies" draws the training curves. */
static const char *const defaults[] = {"curves"};

static const nn_study_spec *rows[N_STUDIES];
static const char *names[N_STUDIES];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void fill(void)
{
    for (int i = 0; i < N_STUDIES; i++) {
        rows[i] = &nn_studies[i]->spec;
        names[i] = nn_studies[i]->spec.name;
    }
}

const nn_study_table *nn_study_table_get(void)
{
    static const nn_study_table t = {rows, N_STUDIES, names, defaults, 1};
    pthread_once(&once, fill);
    return &t;
}

int nn_study_run(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    if (sp->index < 0 || sp->index >= N_STUDIES || &nn_studies[sp->index]->spec != sp->spec)
        return nn_err_set(e, NN_ERUN, "", "unknown study");
    return nn_studies[sp->index]->run(c, sp, out, e);
}
