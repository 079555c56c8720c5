/* common.c: what the studies share (see common.h), and the dispatch of nn_study_run. */
#include "common.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nnlab/figure.h"
#include "nnlab/record.h"

void study_path(const nn_study_ctx *c, char *buf, size_t cap, const char *fmt, ...)
{
    char name[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    nn_path_join(buf, cap, c->dir, name);
}

/* Does a loaded model have the architecture the spec gives that label? */
static bool matches(const nn_model *m, const nn_arch *a)
{
    if ((a->n_in && m->arch.n_in != a->n_in) || m->arch.n_hidden != a->n_hidden ||
        m->arch.act != a->act || m->arch.out_act != a->out_act || m->arch.bias != a->bias ||
        m->arch.output_bias != a->output_bias || m->arch.n_out != a->n_out ||
        (a->act == NN_ACT_LEAKY_RELU && m->arch.slope != a->slope))
        return false;
    for (int l = 0; l < a->n_hidden; l++)
        if (m->arch.hidden[l] != a->hidden[l])
            return false;
    return true;
}

nn_model *study_load_model(const nn_study_ctx *c, const char *label, bool initial, nn_err *e)
{
    char path[4200];
    study_path(c, path, sizeof path, "%s/%s", label, initial ? "model-initial.json" : "model.json");
    nn_model *m = nn_model_load(path, NULL, e);
    if (!m)
        return NULL;
    for (int i = 0; i < c->n_models; i++)
        if (!strcmp(c->models[i]->label, label) && !matches(m, &c->models[i]->arch)) {
            nn_model_free(m);
            nn_err_set(e, NN_ERUN, path, "the model does not have the architecture spec.json "
                       "gives \"%s\" (was it edited, or copied from another run?)", label);
            return NULL;
        }
    return m;
}

int study_gnuplot(nn_study_ctx *c, const char *script, const char *png, cJSON *out, nn_err *e)
{
    bool missing = c->gnuplot_missing;
    if (!c->draw)
        return NN_OK;
    nn_err ge;
    if (missing || nn_gnuplot_run(c->dir, script, png, &missing, &ge) != NN_OK) {
        if (missing) {
            size_t k = strlen(c->undrawn), need = strlen(png) + strlen(script) + 6;
            static const char more[] = ", and more";
            if (k + need + sizeof more < sizeof c->undrawn)
                snprintf(c->undrawn + k, sizeof c->undrawn - k, "%s%s (%s)", k ? ", " : "", png,
                         script);
            else if (k < sizeof more || strcmp(c->undrawn + k - (sizeof more - 1), more))
                snprintf(c->undrawn + k, sizeof c->undrawn - k, "%s", more);
            c->gnuplot_missing = true;
            return NN_OK;
        }
        *e = ge;
        return ge.code;
    }
    cJSON_AddStringToObject(out, "figure", png);
    return NN_OK;
}

bool study_frame_row(long i, long n, long nf)
{
    if (n <= nf)
        return true;
    double x = (double)i * (double)(nf - 1) / (double)(n - 1);
    long j = (long)floor(x + 0.5);
    for (long q = j - 1; q <= j + 1; q++)
        if (q >= 0 && q < nf &&
            (long)floor((double)q * (double)(n - 1) / (double)(nf - 1) + 0.5) == i)
            return true;
    return false;
}

size_t study_working_weights(const nn_model *m, size_t *idx)
{
    size_t k = 0;
    for (int l = 0; l < m->L; l++) {
        size_t nw = (size_t)m->width[l + 1] * (size_t)m->width[l];
        for (size_t i = 0; i < nw; i++)
            idx[k++] = m->w_off[l] + i;
    }
    return k;
}

/* ---- weights.csv ------------------------------------------------------------------------- */

/* One line without its end; NULL at the end of the file or on a NUL byte (*bad set). */
static char *read_line(traj *t, bool *bad)
{
    ssize_t n = getline(&t->buf, &t->cap, t->f);
    *bad = false;
    if (n <= 0)
        return NULL;
    if (memchr(t->buf, '\0', (size_t)n)) {
        *bad = true;
        return NULL;
    }
    if (t->buf[n - 1] == '\n')
        t->buf[n - 1] = '\0';
    return t->buf;
}

int traj_open(traj *t, const nn_study_ctx *c, const char *label, bool raw, const nn_model *m,
              nn_err *e)
{
    memset(t, 0, sizeof *t);
    study_path(c, t->path, sizeof t->path, "%s/%s", label, raw ? "raw_weights.csv" : "weights.csv");
    struct stat st;
    if (stat(t->path, &st) != 0 || !S_ISREG(st.st_mode))
        return nn_err_set(e, NN_ERUN, t->path, "cannot read the recorded trajectory (the run must "
                          "record %s: %s in the spec)", raw ? "asgd's raw iterate" : "weights",
                          raw ? "record.raw" : "record.weights");
    t->f = fopen(t->path, "rb");
    if (!t->f)
        return nn_err_set(e, NN_ERUN, t->path, "cannot read the recorded trajectory: %s",
                          strerror(errno));
    t->n = m->n_params;
    bool bad;
    char *h = read_line(t, &bad);
    t->line = 1;
    char name[64];
    bool ok = h && !strncmp(h, "epoch", 5);
    char *p = h ? h + 5 : NULL;
    for (size_t i = 0; ok && i < m->n_params; i++) {
        nn_model_param_name(m, i, name, sizeof name);
        size_t k = strlen(name);
        ok = *p == ',' && !strncmp(p + 1, name, k) && (p[1 + k] == ',' || p[1 + k] == '\0');
        p += 1 + k;
    }
    if (!ok || *p) {
        char where[4300];
        snprintf(where, sizeof where, "%s:1", t->path);
        traj_close(t);
        return nn_err_set(e, NN_ERUN, where, "the header does not match the model's parameters");
    }
    return NN_OK;
}

int traj_next(traj *t, long *epoch, double *params, nn_err *e)
{
    bool bad;
    char *s = read_line(t, &bad);
    char where[4300];
    t->line++;
    snprintf(where, sizeof where, "%s:%ld", t->path, t->line);
    if (!s)
        return bad ? -nn_err_set(e, NN_ERUN, where, "NUL byte in the trajectory") : 0;
    char *end;
    errno = 0;
    *epoch = strtol(s, &end, 10);
    if (end == s || *s == '-' || errno)
        return -nn_err_set(e, NN_ERUN, where, "expected an epoch number at the start of the row");
    for (size_t i = 0; i < t->n; i++) {
        if (*end != ',')
            return -nn_err_set(e, NN_ERUN, where, "the row has %zu values, the header %zu", i, t->n);
        char *start = end + 1;
        params[i] = strtod(start, &end);
        if (end == start)
            return -nn_err_set(e, NN_ERUN, where, "value %zu is not a number", i + 1);
    }
    if (*end)
        return -nn_err_set(e, NN_ERUN, where, "the row has more values than the header");
    return 1;
}

void traj_close(traj *t)
{
    if (t->f)
        fclose(t->f);
    free(t->buf);
    memset(t, 0, sizeof *t);
}

/* ---- dispatch ------------------------------------------------------------------------------ */

void nn_study_defaults(nn_study_plan *sp, nn_study_kind k)
{
    memset(sp, 0, sizeof *sp);
    sp->kind = k;
    sp->range[0] = -5, sp->range[1] = 5;
    sp->resolution = 150;
    sp->points = 512;
    sp->window = 25;
    for (int m = 0; m < NN_RANK_COUNT; m++)
        sp->methods[m] = k == NN_STUDY_PRUNE || m < 3;
    sp->finetune_epochs = 100;
    sp->lottery = true;
    sp->align = 1;          /* notebook */
    sp->metric = 0;         /* mean-abs */
    sp->reorder = true;
    if (k == NN_STUDY_BARRIER || k == NN_STUDY_SEED_PAIRS)
        sp->points = 25;
    sp->layer = 1;
    sp->delay = k == NN_STUDY_ALIGNMENT ? 10 : 4;
    sp->max_frames = 1000;
    sp->plateau_rate = 1e-4;
    sp->plateau_steps = 500;
    sp->max_triples = 20;
    sp->threshold = 0.5;
}

int nn_study_run(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    switch (sp->kind) {
    case NN_STUDY_CURVES: return nn_study_curves(c, sp, out, e);
    case NN_STUDY_DECISION: return nn_study_decision(c, sp, out, e);
    case NN_STUDY_DISTRIBUTION: return nn_study_distribution(c, sp, out, e);
    case NN_STUDY_OSCILLATION: return nn_study_oscillation(c, sp, out, e);
    case NN_STUDY_NEURON_RANK: return nn_study_neuron_rank(c, sp, out, e);
    case NN_STUDY_PRUNE: return nn_study_prune(c, sp, out, e);
    case NN_STUDY_DISTANCE: return nn_study_distance(c, sp, out, e);
    case NN_STUDY_ITERATES: return nn_study_iterates(c, sp, out, e);
    case NN_STUDY_BARRIER: return nn_study_barrier(c, sp, out, e);
    case NN_STUDY_SEED_PAIRS: return nn_study_seed_pairs(c, sp, out, e);
    case NN_STUDY_MOVIE: return nn_study_movie(c, sp, out, e);
    case NN_STUDY_ALIGNMENT: return nn_study_alignment(c, sp, out, e);
    case NN_STUDY_UNIT_LINES: return nn_study_unit_lines(c, sp, out, e);
    case NN_STUDY_HIDDEN_3D: return nn_study_hidden_3d(c, sp, out, e);
    case NN_STUDY_FIT: return nn_study_fit(c, sp, out, e);
    default: return nn_err_set(e, NN_ERUN, "", "unknown study");
    }
}
