/* prune.c: pruning hidden neurons by rank, the step notebook 000's author announced next.
 *
 * For each ranking method (notebook 000's mean, mean-percent and max on the final
 * weights; a random order; and ablation, the loss increase when the neuron's output is
 * silenced), and each fraction f, remove the round(f * width) lowest-ranked neurons of
 * every hidden layer (at least one stays) and measure train error and loss
 *   immediately     the pruned net as it is,
 *   fine-tuned      after exactly finetune_epochs more epochs with the spec's training
 *                   settings,
 *   lottery         the pruned architecture retrained from the surviving weights' initial
 *                   values (Frankle & Carbin 2019), with the spec's training settings.
 * Random orders and the training streams are numpy streams seeded with the model's seed,
 * so the study is reproducible. Fraction 0 is the unpruned net, measured once.
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "nnlab/data.h"
#include "nnlab/optim.h"
#include "nnlab/record.h"
#include "nnlab/train.h"

#define MAX_FRACTIONS 64

typedef struct prune_opts {
    bool methods[NN_RANK_COUNT];
    int n_fractions;               /* 0: auto */
    double fractions[MAX_FRACTIONS];
    long finetune_epochs;
    bool lottery;
} prune_opts;

enum { IMMEDIATE, FINETUNED, LOTTERY, PHASES };
static const char *const phase_names[PHASES] = {"immediate", "finetuned", "lottery"};

/* The model without the hidden neurons whose keep[] is false (keep holds one flag per
 * hidden neuron, layer after layer). */
static nn_model *prune_model(const nn_model *m, const bool *keep, nn_err *e)
{
    nn_arch a = m->arch;
    int H = m->L - 1, off = 0;
    for (int h = 0; h < H; h++) {
        int n = 0;
        for (int i = 0; i < m->width[h + 1]; i++)
            n += keep[off + i];
        a.hidden[h] = n;
        off += m->width[h + 1];
    }
    nn_model *p = nn_model_create(&a, e);
    if (!p)
        return NULL;
    if (m->normalized && nn_model_set_norm(p, m->norm_mean, m->norm_std, e)) {
        nn_model_free(p);
        return NULL;
    }
    /* offsets of each hidden layer's flags */
    int start[NN_MAX_HIDDEN + 2] = {0};
    for (int h = 1; h <= H; h++)
        start[h] = start[h - 1] + m->width[h];
    for (int l = 0; l < m->L; l++) {
        const double *W = nn_model_W(m, l), *b = nn_model_b(m, l);
        double *PW = nn_model_W(p, l), *pb = nn_model_b(p, l);
        bool rows_hidden = l < H, cols_hidden = l > 0;
        int r2 = 0;
        for (int r = 0; r < m->width[l + 1]; r++) {
            if (rows_hidden && !keep[start[l] + r])
                continue;
            int c2 = 0;
            for (int c = 0; c < m->width[l]; c++) {
                if (cols_hidden && !keep[start[l - 1] + c])
                    continue;
                PW[(size_t)r2 * (size_t)p->width[l] + (size_t)c2++] = W[(size_t)r * (size_t)m->width[l] + (size_t)c];
            }
            if (pb)
                pb[r2] = b[r];
            r2++;
        }
    }
    return p;
}

typedef struct setting {
    nn_trainset ts;
    nn_data raw;
    double *X;
    nn_loss loss;
    nn_train_cfg cfg;
    uint32_t seed;
    volatile const int *stop;
} setting;

/* Train p with the spec's settings for at most epochs epochs; with as_spec, stop as the
 * original training did (target_error, max_iter); fine-tuning runs all its epochs. */
static int train_copy(const setting *s, nn_model *p, long epochs, bool as_spec,
                      nn_epoch_stats *st, long *epochs_run, int *status, nn_err *e)
{
    nn_train_cfg cfg = s->cfg;
    cfg.max_epochs = epochs;
    if (!as_spec) {
        cfg.target_error = -1;
        cfg.max_iter = 0;
    }
    nn_rng r;
    nn_rng_seed(&r, s->seed);
    nn_optim *o = nn_optim_create(&cfg.opt, p->params, p->n_params, e);
    if (!o)
        return e->code;
    nn_train_result res;
    nn_train_hooks h = {NULL, NULL, s->stop};
    int rc = nn_train(p, o, &r, &cfg, &s->ts, &h, &res, e);
    nn_optim_free(o);
    if (!rc) {
        *st = res.final;
        *epochs_run = res.epochs_run;
        *status = res.status;
        if (res.status == NN_TRAIN_INTERRUPTED)
            rc = nn_err_set(e, NN_EINTR, "", "interrupted");
    }
    return rc;
}

/* Ranks (0 = least important) of every hidden neuron, layer after layer. */
static int rank_all(const setting *s, const nn_model *m, nn_rank_method method, int *rank,
                    nn_err *e)
{
    int H = m->L - 1, off = 0, rc = NN_OK;
    if (method == NN_RANK_RANDOM) {
        nn_rng r;
        nn_rng_seed(&r, s->seed);
        for (int h = 0; h < H; h++) {
            size_t n = (size_t)m->width[h + 1];
            size_t *pp = malloc(n * sizeof *pp);
            if (!pp)
                return nn_err_set(e, NN_ENOMEM, "", "out of memory");
            nn_rng_permutation(&r, pp, n);
            for (size_t i = 0; i < n; i++)
                rank[off + (int)pp[i]] = (int)i;
            free(pp);
            off += m->width[h + 1];
        }
        return NN_OK;
    }
    if (method == NN_RANK_ABLATION) {
        /* score: the loss increase when the neuron's output never arrives; the smallest
         * (possibly negative: removing it helps) ranks lowest, ties to the lower index */
        nn_epoch_stats base, st;
        if ((rc = nn_evaluate(m, s->loss, &s->ts, &base, e)))
            return rc;
        nn_model *c = nn_model_clone(m);
        size_t wmax = 0;
        for (int l = 0; l <= m->L; l++)
            wmax = (size_t)m->width[l] > wmax ? (size_t)m->width[l] : wmax;
        double *keep = malloc(wmax * sizeof *keep), *score = malloc(wmax * sizeof *score);
        if (!c || !keep || !score) {
            nn_model_free(c), free(keep), free(score);
            return nn_err_set(e, NN_ENOMEM, "", "out of memory");
        }
        for (int h = 0; h < H && !rc; h++) {
            int n = m->width[h + 1], next = m->width[h + 2];
            double *W = nn_model_W(c, h + 1);
            for (int i = 0; i < n && !rc; i++) {
                for (int j = 0; j < next; j++) {
                    keep[j] = W[(size_t)j * (size_t)n + (size_t)i];
                    W[(size_t)j * (size_t)n + (size_t)i] = 0;
                }
                rc = nn_evaluate(c, s->loss, &s->ts, &st, e);
                for (int j = 0; j < next; j++)
                    W[(size_t)j * (size_t)n + (size_t)i] = keep[j];
                score[i] = st.loss - base.loss;
            }
            /* a total order even where a score is nan (last, as if largest): the ranks are
             * always a permutation, so a fraction below 1 never removes a whole layer */
            for (int i = 0; i < n && !rc; i++) {
                int below = 0;
                for (int q = 0; q < n; q++)
                    below += isnan(score[i]) ? !isnan(score[q]) || q < i
                             : !isnan(score[q]) && (score[q] < score[i] ||
                                                    (score[q] == score[i] && q < i));
                rank[off + i] = below;
            }
            off += n;
        }
        nn_model_free(c), free(keep), free(score);
        return rc;
    }
    for (int h = 0; h < H && !rc; h++) {
        rc = nn_rank_rows(nn_model_W(m, h), (size_t)m->width[h + 1], (size_t)m->width[h], method,
                          rank + off, e);
        off += m->width[h + 1];
    }
    return rc;
}

/* One row of results per (method, fraction): the three phases' stats. */
typedef struct result {
    nn_epoch_stats st[PHASES];
    long epochs[PHASES];
    int status[PHASES];     /* enum nn_train_status of the phases that train */
    int removed;
} result;

static int measure(const setting *s, const prune_opts *sp, const nn_model *fin,
                   const nn_model *init, const bool *keep, result *res, nn_err *e)
{
    nn_model *p = prune_model(fin, keep, e);
    if (!p)
        return e->code;
    int rc = nn_evaluate(p, s->loss, &s->ts, &res->st[IMMEDIATE], e);
    res->epochs[IMMEDIATE] = 0;
    if (!rc && sp->finetune_epochs > 0)
        rc = train_copy(s, p, sp->finetune_epochs, false, &res->st[FINETUNED],
                        &res->epochs[FINETUNED], &res->status[FINETUNED], e);
    else if (!rc)
        res->st[FINETUNED] = res->st[IMMEDIATE], res->epochs[FINETUNED] = 0;
    nn_model_free(p);
    if (rc || !sp->lottery) {
        res->st[LOTTERY].error = res->st[LOTTERY].loss = NAN;
        return rc;
    }
    nn_model *q = prune_model(init, keep, e);
    if (!q)
        return e->code;
    rc = train_copy(s, q, s->cfg.max_epochs, true, &res->st[LOTTERY], &res->epochs[LOTTERY],
                    &res->status[LOTTERY], e);
    nn_model_free(q);
    return rc;
}

/* The plotted quantity: the train error, or the loss when there is no error (regression). */
static double plotted(const result *r, int ph, bool classify)
{
    return classify ? r->st[ph].error : r->st[ph].loss;
}

static int write_tables(nn_study_ctx *c, const prune_opts *sp, const char *label,
                        const double *fr, int nf, const result *res, bool classify, nn_err *e)
{
    char path[4200];
    nn_file w;
    study_path(c, path, sizeof path, "prune-%s.csv", label);
    int rc = nn_file_open(&w, path, e);
    if (rc)
        return rc;
    fputs("method,fraction,removed,phase,error,loss,epochs,status\n", w.f);
    for (int k = 0; k < NN_RANK_COUNT; k++)
        for (int j = 0; sp->methods[k] && j < nf; j++)
            for (int ph = 0; ph < PHASES; ph++) {
                const result *r = &res[k * nf + j];
                if (ph == LOTTERY && !sp->lottery)
                    continue;
                fprintf(w.f, "%s,%.17g,%d,%s,", nn_rank_names[k], fr[j], r->removed, phase_names[ph]);
                nn_csv_num(w.f, r->st[ph].error);
                fputc(',', w.f);
                nn_csv_num(w.f, r->st[ph].loss);
                fprintf(w.f, ",%ld,%s\n", r->epochs[ph],
                        r->status[ph] == NN_TRAIN_DIVERGED ? "diverged" : "complete");
            }
    if ((rc = nn_file_commit(&w, e)))
        return rc;
    /* the plot's table: one column per phase and method */
    study_path(c, path, sizeof path, "prune-%s-error.csv", label);
    if ((rc = nn_file_open(&w, path, e)))
        return rc;
    fputs("fraction", w.f);
    for (int ph = 0; ph < PHASES; ph++)
        for (int k = 0; k < NN_RANK_COUNT; k++)
            if (sp->methods[k])
                fprintf(w.f, ",%s_%s", phase_names[ph], nn_rank_names[k]);
    fputc('\n', w.f);
    for (int j = 0; j < nf; j++) {
        fprintf(w.f, "%.17g", fr[j]);
        for (int ph = 0; ph < PHASES; ph++)
            for (int k = 0; k < NN_RANK_COUNT; k++)
                if (sp->methods[k]) {
                    fputc(',', w.f);
                    nn_csv_num(w.f, plotted(&res[k * nf + j], ph, classify));
                }
        fputc('\n', w.f);
    }
    return nn_file_commit(&w, e);
}

/* One panel per phase, one line per ranking method (its colour the same in every panel),
 * every panel on the same y range so the phases compare at a glance; one key. */
static int write_plot(nn_study_ctx *c, const prune_opts *sp, const char *label, cJSON *out,
                      bool classify, nn_err *e)
{
    char q[300], file[200], title[300], base[200];
    int nm = 0;
    for (int k = 0; k < NN_RANK_COUNT; k++)
        nm += sp->methods[k];
    int panels = sp->lottery ? 3 : 2;
    enum { KEY = 170, TOP = 78, BOTTOM = 62 };
    snprintf(base, sizeof base, "prune-%s", label);
    nn_gp g;
    int rc = study_figure_begin(c, &g, base, "train error against the fraction of each hidden "
                                "layer pruned, one line per ranking method",
                                panels * 400 + KEY, 440, e);
    if (rc)
        return rc;
    FILE *f = g.f;
    snprintf(file, sizeof file, "prune-%s-error.csv", label);
    nn_gp_quote(q, sizeof q, file);
    /* the panels share the largest value of every column drawn */
    fprintf(f, "set xlabel 'fraction of each hidden layer pruned'\nset ylabel '%s'\n"
               "ymax = 0\ndo for [col = 2:%d] {\n"
               "    stats %s using col nooutput\n"
               "    ymax = STATS_max > ymax ? STATS_max : ymax\n}\n"
               "set yrange [0:(ymax > 0 ? ymax * 1.05 : 1)]\n",
            classify ? "train error" : "training loss", 1 + panels * nm, q);
    snprintf(title, sizeof title, "%s: pruning hidden neurons by rank", label);
    fputs("set multiplot title ", f);
    nn_gp_str(&g, title);
    fputs(" font sprintf(',%g', FS * 1.2)\n", f);
    static const char *const heads[PHASES] = {"immediately", "after fine-tuning",
                                              "retrained from the initial weights"};
    for (int ph = 0; ph < panels; ph++) {
        nn_gp_panel(&g, 0, ph, 1, panels, TOP, KEY, BOTTOM);
        if (ph == 0)
            nn_gp_key_right(&g, KEY, TOP);
        fprintf(f, "set title '%s'\nplot ", heads[ph]);
        int col = 2 + ph * nm, first = 1;
        for (int k = 0; k < NN_RANK_COUNT; k++) {
            if (!sp->methods[k])
                continue;
            fprintf(f, "%s%s using 1:%d skip 1 with linespoints lt %d pt 7 ps 0.6*PS title '%s'",
                    first ? "" : ", \\\n     ", q, col++, k + 1, nn_rank_names[k]);
            first = 0;
        }
        fputs(ph == 0 ? "\nunset key\n" : "\n", f);
    }
    fputs("unset multiplot\n", f);
    return study_figure_end(c, &g, out, e);
}

static int one_model(nn_study_ctx *c, const prune_opts *sp, const nn_model_plan *mp,
                     const setting *base, cJSON *out, nn_err *e)
{
    const char *label = mp->label;
    setting s = *base;
    s.seed = mp->seed;
    nn_model *fin = study_load_model(c, label, false, e);
    nn_model *init = fin ? study_load_model(c, label, true, e) : NULL;
    if (!fin || !init) {
        nn_model_free(fin);
        return e->code;
    }
    int H = fin->L - 1, total = 0, wmax = 0;
    for (int h = 0; h < H; h++) {
        total += fin->width[h + 1];
        wmax = fin->width[h + 1] > wmax ? fin->width[h + 1] : wmax;
    }
    double fr[MAX_FRACTIONS];
    int nf = sp->n_fractions;
    nn_epoch_stats ev;
    int rc0 = H ? nn_evaluate(fin, s.loss, &s.ts, &ev, e) : NN_OK;
    if (rc0) {
        nn_model_free(fin);
        nn_model_free(init);
        return rc0;
    }
    if (H == 0 || !isfinite(ev.loss)) {   /* nothing to rank: every score would be nan */
        cJSON *mo = cJSON_AddObjectToObject(out, label);
        cJSON_AddStringToObject(mo, "note", H == 0 ? "no hidden layer to prune"
                                : "not pruned: the trained model's loss is not finite "
                                  "(diverged?), so no removal can be scored");
        nn_model_free(fin);
        nn_model_free(init);
        return NN_OK;
    }
    if (nf == 0) {   /* auto: 0, 1, ..., w-1 neurons of the widest layer, at most 64 of them */
        nf = wmax < MAX_FRACTIONS ? wmax : MAX_FRACTIONS;
        for (int j = 0; j < nf; j++)
            fr[j] = wmax <= MAX_FRACTIONS ? (double)j / wmax
                                             : (double)lround((double)j * (wmax - 1) / (nf - 1)) / wmax;
    } else {
        memcpy(fr, sp->fractions, (size_t)nf * sizeof *fr);
    }
    result *res = calloc((size_t)NN_RANK_COUNT * (size_t)nf, sizeof *res);
    int *rank = malloc((size_t)total * sizeof *rank);
    bool *keep = malloc((size_t)total * sizeof *keep);
    int rc = NN_OK;
    result unpruned;
    bool have_unpruned = false;
    if (!res || !rank || !keep) {
        rc = nn_err_set(e, NN_ENOMEM, label, "out of memory");
        goto done;
    }
    for (int k = 0; k < NN_RANK_COUNT && !rc; k++) {
        if (!sp->methods[k])
            continue;
        if ((rc = rank_all(&s, fin, (nn_rank_method)k, rank, e)))
            break;
        for (int j = 0; j < nf && !rc; j++) {
            int off = 0, removed = 0;
            for (int h = 0; h < H; h++) {
                int n = fin->width[h + 1], drop = (int)lround(fr[j] * n);
                drop = drop > n - 1 ? n - 1 : drop;
                for (int i = 0; i < n; i++)
                    keep[off + i] = rank[off + i] >= drop;
                removed += drop;
                off += n;
            }
            result *r = &res[k * nf + j];
            if (removed == 0 && have_unpruned) {
                *r = unpruned;
                continue;
            }
            rc = measure(&s, sp, fin, init, keep, r, e);
            r->removed = removed;
            if (removed == 0) {
                unpruned = *r;
                have_unpruned = true;
            }
        }
    }
    if (!rc)
        rc = write_tables(c, sp, label, fr, nf, res, s.ts.classify, e);
    cJSON *mo = cJSON_AddObjectToObject(out, label);
    if (!rc) {
        cJSON_AddItemToObject(mo, "fractions", cJSON_CreateDoubleArray(fr, nf));
        for (int k = 0; k < NN_RANK_COUNT; k++) {
            if (!sp->methods[k])
                continue;
            cJSON *ko = cJSON_AddObjectToObject(mo, nn_rank_names[k]);
            for (int ph = 0; ph < PHASES; ph++) {
                if (ph == LOTTERY && !sp->lottery)
                    continue;
                cJSON *arr = cJSON_AddArrayToObject(ko, phase_names[ph]);
                for (int j = 0; j < nf; j++) {
                    double v = res[k * nf + j].st[ph].error;
                    cJSON_AddItemToArray(arr, isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull());
                }
            }
        }
        rc = write_plot(c, sp, label, mo, s.ts.classify, e);
    }
done:
    free(res), free(rank), free(keep);
    nn_model_free(fin);
    nn_model_free(init);
    return rc;
}

static int run(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    setting s = {0};
    s.stop = c->stop;
    char path[4200];
    nn_path_join(path, sizeof path, c->dir, "data.csv");
    int rc = nn_data_load_csv(path, nn_plan_target(c->plan), &s.raw, e);
    if (rc)
        return rc;
    s.loss = c->plan->train.loss;
    s.cfg = c->plan->train;
    for (int i = 0; i < c->n_models && !rc; i++) {
        /* inputs are normalised with each model's own statistics */
        nn_model *m = study_load_model(c, c->models[i]->label, false, e);
        if (!m) {
            rc = e->code;
            break;
        }
        s.X = nn_data_feature_major(&s.raw, m->normalized ? m->norm_mean : NULL,
                                    m->normalized ? m->norm_std : NULL);
        nn_model_free(m);
        if (!s.X) {
            rc = nn_err_set(e, NN_ENOMEM, "", "out of memory");
            break;
        }
        s.ts = (nn_trainset){s.raw.n, s.raw.d, s.X, s.raw.y, s.raw.classify, NULL};
        rc = one_model(c, sp->options, c->models[i], &s, out, e);
        free(s.X);
        s.X = NULL;
    }
    nn_data_free(&s.raw);
    return rc;
}

/* fractions: "auto" or a list of fractions in [0, 1) */
static int check_fractions(nn_spec_v *v, cJSON *obj, const char *key, void *field)
{
    prune_opts *o = (prune_opts *)((char *)field - offsetof(prune_opts, n_fractions));
    cJSON *f = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!f) {
        f = cJSON_CreateString("auto");
        cJSON_AddItemToObject(obj, key, f);
    }
    size_t m = nn_spec_push(v, key);
    int rc = NN_OK;
    if (cJSON_IsString(f) && !strcmp(f->valuestring, "auto")) {
        o->n_fractions = 0;
    } else if (!cJSON_IsArray(f) || !f->child || cJSON_GetArraySize(f) > MAX_FRACTIONS) {
        rc = nn_spec_fail(v, "expected \"auto\" (remove 0, 1, ... width-1 neurons per layer) or "
                          "a list of at most %d fractions in [0, 1)", MAX_FRACTIONS);
    } else {
        int i = 0;
        for (cJSON *c = f->child; c && !rc; c = c->next, i++) {
            if (!cJSON_IsNumber(c) || !(c->valuedouble >= 0 && c->valuedouble < 1)) {
                size_t m2 = nn_spec_push_index(v, i);
                rc = nn_spec_fail(v, "expected a fraction of each hidden layer in [0, 1)");
                nn_spec_pop(v, m2);
            } else if (i > 0 && !(c->valuedouble > o->fractions[i - 1])) {
                size_t m2 = nn_spec_push_index(v, i);    /* the figure's lines run left to right */
                rc = nn_spec_fail(v, "fractions must increase, and %g does not follow %g",
                                  c->valuedouble, o->fractions[i - 1]);
                nn_spec_pop(v, m2);
            } else {
                o->fractions[i] = c->valuedouble;
            }
        }
        o->n_fractions = i;
    }
    nn_spec_pop(v, m);
    return rc;
}

static const nn_option options[] = {
    {.key = "methods", .kind = NN_OPTION_NAMES, .offset = offsetof(prune_opts, methods),
     .names = nn_rank_names, .n_names = NN_RANK_COUNT, .what = "ranking method",
     .doc = "the orders of removal: notebook 000's mean, mean-percent and max, a seeded random "
            "order, and ablation (the loss increase when a neuron is silenced)"},
    {.key = "fractions", .kind = NN_OPTION_CUSTOM, .offset = offsetof(prune_opts, n_fractions),
     .check = check_fractions, .def_doc = "\"auto\"",
     .values_doc = "`\"auto\"` or an increasing list of up to 64 numbers in [0, 1)",
     .doc = "fractions of every hidden layer to remove; auto is 0, 1/w, ..., (w-1)/w for the "
            "widest layer's width w (64 of them spread over that range when w > 64)"},
    {.key = "finetune_epochs", .kind = NN_OPTION_INT,
     .offset = offsetof(prune_opts, finetune_epochs), .def = 100, .lo = 0, .hi = 1e7,
     .doc = "epochs of fine-tuning after pruning, with the spec's settings (0: none)"},
    {.key = "lottery", .kind = NN_OPTION_BOOL, .offset = offsetof(prune_opts, lottery),
     .def = 1, .doc = "also retrain the pruned net from its surviving initial weights "
                      "(Frankle & Carbin 2019)"},
};

const nn_study nn_study_prune = {
    .spec = {.name = "prune", .summary = "hidden neurons removed in rank order: error "
             "immediately, after fine-tuning, and retrained from the initial weights",
             .needs = NN_NEEDS_HIDDEN, .options = options,
             .n_options = sizeof options / sizeof *options, .options_size = sizeof(prune_opts)},
    .figures = "`prune-<label>.png`; `prune-<label>.csv`",
    .run = run,
};
