/* distribution.c: notebook 000's "coefficient distribution changes".
 *
 * For each group of replicates (the models a spec's `seeds` made from one model), pool the
 * working weights (no biases) of every replicate's initial and final model, input side
 * first and replicate by replicate in the order the seeds are listed, as the notebook
 * concatenates
 * get_weights() over its ten nets, and the final biases. Report np.mean and np.std changes
 * (numpy's summation order, population std), the Kruskal-Wallis H and p of initial against
 * final weights, and draw the densities (Gaussian KDE, Scott's bandwidth) with gnuplot.
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "nnlab/figure.h"
#include "nnlab/mat.h"
#include "nnlab/record.h"

typedef struct pool {
    double *initial, *final, *bias;
    size_t n_w, n_b;
    double bias0;          /* the biases' common initial value, or NAN if they differ */
    bool any_bias;
} pool;

static void pool_free(pool *p)
{
    free(p->initial), free(p->final), free(p->bias);
    memset(p, 0, sizeof *p);
}

/* Add one replicate's weights to the pool. */
static int pool_add(pool *p, const nn_model *init, const nn_model *fin, nn_err *e)
{
    size_t nw = 0, nb = 0;
    for (int l = 0; l < fin->L; l++) {
        nw += (size_t)fin->width[l + 1] * (size_t)fin->width[l];
        nb += fin->has_bias[l] ? (size_t)fin->width[l + 1] : 0;
    }
    double *a = realloc(p->initial, (p->n_w + nw) * sizeof *a);
    if (a)
        p->initial = a;
    double *b = realloc(p->final, (p->n_w + nw) * sizeof *b);
    if (b)
        p->final = b;
    double *c = realloc(p->bias, (p->n_b + nb + 1) * sizeof *c);
    if (c)
        p->bias = c;
    if (!a || !b || !c)
        return nn_err_set(e, NN_ENOMEM, "", "out of memory pooling weights");
    for (int l = 0; l < fin->L; l++) {
        size_t k = (size_t)fin->width[l + 1] * (size_t)fin->width[l];
        memcpy(p->initial + p->n_w, nn_model_W(init, l), k * sizeof(double));
        memcpy(p->final + p->n_w, nn_model_W(fin, l), k * sizeof(double));
        p->n_w += k;
        if (fin->has_bias[l]) {
            memcpy(p->bias + p->n_b, nn_model_b(fin, l), (size_t)fin->width[l + 1] * sizeof(double));
            p->n_b += (size_t)fin->width[l + 1];
            const double *b0 = nn_model_b(init, l);
            for (int i = 0; i < fin->width[l + 1]; i++) {
                if (!p->any_bias)
                    p->bias0 = b0[i], p->any_bias = true;
                else if (b0[i] != p->bias0)
                    p->bias0 = NAN;
            }
        }
    }
    return NN_OK;
}

/* Density curves over [min - 3 bw, max + 3 bw] of each sample in xs (n_s samples sharing
 * one grid), written as CSV columns x, then one per sample. */
static int density_csv(const char *path, const char *const *names, const double *const *xs,
                       const size_t *ns, int n_s, int points, nn_err *e)
{
    double lo = INFINITY, hi = -INFINITY, bw = 0;
    for (int s = 0; s < n_s; s++)
        for (size_t i = 0; i < ns[s]; i++) {
            lo = fmin(lo, xs[s][i]);
            hi = fmax(hi, xs[s][i]);
        }
    double *grid = malloc((size_t)points * sizeof *grid);
    double *dens = malloc((size_t)points * (size_t)n_s * sizeof *dens);
    if (!grid || !dens) {
        free(grid), free(dens);
        return nn_err_set(e, NN_ENOMEM, path, "out of memory");
    }
    /* the widest kernel sets the margins */
    for (int s = 0; s < n_s; s++) {
        double tmp;
        bw = fmax(bw, nn_kde_scott(xs[s], ns[s], &lo, 1, &tmp));
    }
    double a = lo - 3 * bw, b = hi + 3 * bw;
    for (int j = 0; j < points; j++)
        grid[j] = a + (b - a) * j / (points - 1);
    for (int s = 0; s < n_s; s++)
        nn_kde_scott(xs[s], ns[s], grid, (size_t)points, dens + (size_t)s * (size_t)points);
    nn_file w;
    int rc = nn_file_open(&w, path, e);
    if (!rc) {
        fputs("x", w.f);
        for (int s = 0; s < n_s; s++)
            fprintf(w.f, ",%s", names[s]);
        fputc('\n', w.f);
        for (int j = 0; j < points; j++) {
            fprintf(w.f, "%.17g", grid[j]);
            for (int s = 0; s < n_s; s++)
                fprintf(w.f, ",%.17g", dens[(size_t)s * (size_t)points + (size_t)j]);
            fputc('\n', w.f);
        }
        rc = nn_file_commit(&w, e);
    }
    free(grid), free(dens);
    return rc;
}

/* The figure: the pooled weights' densities before and after training, and the final
 * biases' with a line where they all started; initial in the first series colour, final in
 * the second, one key for both panels. */
static int script(nn_study_ctx *c, const char *group, size_t reps, size_t nw, size_t nb,
                  double bias0, double p, cJSON *out, nn_err *e)
{
    char q[300], title[300], base[200];
    snprintf(base, sizeof base, "distribution-%s", group);
    enum { KEY = 230, TOP = 78, BOTTOM = 62 };
    nn_gp g;
    int rc = study_figure_begin(c, &g, base, "weight distributions before and after training "
                                "(notebook 000), Gaussian KDE with Scott's bandwidth",
                                2 * 430 + KEY, 440, e);
    if (rc)
        return rc;
    FILE *f = g.f;
    fputs("set ylabel 'density'\nset yrange [0:*]\n", f);
    snprintf(title, sizeof title, "%s: %zu replicates, %zu working weights, Kruskal-Wallis p = %.4f",
             group, reps, nw, p);
    fputs("set multiplot title ", f);
    nn_gp_str(&g, title);
    fputs(" font sprintf(',%g', FS * 1.2)\n", f);
    snprintf(title, sizeof title, "distribution-%s-weights.csv", group);
    nn_gp_quote(q, sizeof q, title);
    nn_gp_panel(&g, 0, 0, 1, 2, TOP, KEY, BOTTOM);
    nn_gp_key_right(&g, KEY, TOP);
    fprintf(f, "set title 'working weights'\nset xlabel 'weight'\n"
               "plot %s using 1:2 skip 1 with lines lt 1 title 'initial', \\\n"
               "     %s using 1:3 skip 1 with lines lt 2 title 'final'", q, q);
    if (nb && isfinite(bias0))       /* the bias line's key entry, with the others */
        fprintf(f, ", \\\n     keyentry with lines lt 1 dt (6,4) title 'initial biases (all "
                   "%g)'", bias0);
    fputs("\nunset key\n", f);
    snprintf(title, sizeof title, "distribution-%s-biases.csv", group);
    nn_gp_quote(q, sizeof q, title);
    nn_gp_panel(&g, 0, 1, 1, 2, TOP, KEY, BOTTOM);
    if (nb && isfinite(bias0))      /* where every bias started */
        fprintf(f, "set arrow from %.17g, graph 0 to %.17g, graph 1 nohead lt 1 dt (6,4) "
                   "back\n", bias0, bias0);
    if (nb)
        fprintf(f, "set title 'biases'\nset xlabel 'bias'\n"
                   "plot %s using 1:2 skip 1 with lines lt 2 notitle\n", q);
    else
        fputs("set title 'no biases'\nplot [0:1][0:1] NaN notitle\n", f);
    fputs("unset multiplot\n", f);
    return study_figure_end(c, &g, out, e);
}

typedef struct distribution_opts {
    long points;           /* points of each density curve */
} distribution_opts;

static int one_group(nn_study_ctx *c, const distribution_opts *sp, const char *group, cJSON *out,
                     nn_err *e)
{
    pool p = {.bias0 = NAN};
    size_t reps = 0;
    int rc = NN_OK;
    for (int i = 0; i < c->n_models && !rc; i++) {
        if (strcmp(c->models[i]->group, group))
            continue;
        nn_model *init = study_load_model(c, c->models[i]->label, true, e);
        nn_model *fin = init ? study_load_model(c, c->models[i]->label, false, e) : NULL;
        if (!init || !fin)
            rc = e->code;
        else if (init->n_params != fin->n_params)
            rc = nn_err_set(e, NN_ERUN, c->models[i]->label, "initial and final models differ in shape");
        else
            rc = pool_add(&p, init, fin, e);
        nn_model_free(init);
        nn_model_free(fin);
        reps++;
    }
    if (rc) {
        pool_free(&p);
        return rc;
    }
    double mean_change = nn_mean_numpy(p.final, p.n_w) - nn_mean_numpy(p.initial, p.n_w);
    double std_change = nn_std_numpy(p.final, p.n_w) - nn_std_numpy(p.initial, p.n_w);
    double H = NAN, pv = NAN;
    const double *groups[2] = {p.initial, p.final};
    size_t ns[2] = {p.n_w, p.n_w};
    if (nn_kruskal_wallis(groups, ns, 2, &H, &pv, e) != NN_OK)
        H = pv = NAN;                  /* every weight equal: no test; reported as null */
    cJSON_AddNumberToObject(out, "replicates", (double)reps);
    cJSON_AddNumberToObject(out, "weights", (double)p.n_w);
    cJSON_AddNumberToObject(out, "biases", (double)p.n_b);
    cJSON_AddNumberToObject(out, "mean_initial", nn_mean_numpy(p.initial, p.n_w));
    cJSON_AddNumberToObject(out, "mean_final", nn_mean_numpy(p.final, p.n_w));
    cJSON_AddNumberToObject(out, "std_initial", nn_std_numpy(p.initial, p.n_w));
    cJSON_AddNumberToObject(out, "std_final", nn_std_numpy(p.final, p.n_w));
    cJSON_AddNumberToObject(out, "mean_change", mean_change);
    cJSON_AddNumberToObject(out, "std_change", std_change);
    cJSON_AddItemToObject(out, "kw_h", isfinite(H) ? cJSON_CreateNumber(H) : cJSON_CreateNull());
    cJSON_AddItemToObject(out, "kw_p", isfinite(pv) ? cJSON_CreateNumber(pv) : cJSON_CreateNull());
    if (p.n_b) {
        cJSON_AddNumberToObject(out, "bias_mean_final", nn_mean_numpy(p.bias, p.n_b));
        cJSON_AddNumberToObject(out, "bias_std_final", nn_std_numpy(p.bias, p.n_b));
    }
    char path[4200];
    const char *wn[2] = {"initial", "final"}, *bn[1] = {"final"};
    const double *bx[1] = {p.bias};
    size_t bnn[1] = {p.n_b};
    study_path(c, path, sizeof path, "distribution-%s-weights.csv", group);
    rc = density_csv(path, wn, groups, ns, 2, (int)sp->points, e);
    if (!rc && p.n_b) {
        study_path(c, path, sizeof path, "distribution-%s-biases.csv", group);
        rc = density_csv(path, bn, bx, bnn, 1, (int)sp->points, e);
    }
    if (!rc)
        rc = script(c, group, reps, p.n_w, p.n_b, p.bias0, pv, out, e);
    pool_free(&p);
    return rc;
}

static int run(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    const char *groups[NN_MAX_MODELS];
    int ng = 0;
    for (int i = 0; i < c->n_models; i++) {
        bool seen = false;
        for (int g = 0; g < ng; g++)
            seen |= !strcmp(groups[g], c->models[i]->group);
        if (!seen)
            groups[ng++] = c->models[i]->group;
    }
    /* one group: its figures at the top of analyses.distribution; several: one object each */
    for (int g = 0; g < ng; g++) {
        cJSON *o = ng == 1 ? out : cJSON_AddObjectToObject(out, groups[g]);
        int rc = one_group(c, sp->options, groups[g], o, e);
        if (rc)
            return rc;
    }
    return NN_OK;
}

static const nn_option options[] = {
    {.key = "points", .kind = NN_OPTION_INT, .offset = offsetof(distribution_opts, points),
     .def = 512, .lo = 16, .hi = 100000, .doc = "points of each density curve"},
};

const nn_study nn_study_distribution = {
    .spec = {.name = "distribution", .summary = "the working weights of each group of "
             "replicates pooled before and after training: densities, the change in mean and "
             "standard deviation, Kruskal-Wallis (notebook 000)",
             .options = options, .n_options = 1, .options_size = sizeof(distribution_opts)},
    .figures = "`distribution-<group>.png`; `distribution-<group>-weights.csv`, `-biases.csv`",
    .run = run,
};
