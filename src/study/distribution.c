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

static int script(nn_study_ctx *c, const char *group, size_t reps, size_t nw, size_t nb,
                  double bias0, double p, nn_err *e)
{
    char path[4200], q[300], title[300];
    study_path(c, path, sizeof path, "distribution-%s.gp", group);
    nn_file w;
    int rc = nn_file_open(&w, path, e);
    if (rc)
        return rc;
    FILE *f = w.f;
    fprintf(f, "# nnlab: weight distributions before and after training (notebook 000),\n"
               "# Gaussian KDE with Scott's bandwidth. Redraw here with: gnuplot "
               "distribution-%s.gp\n", group);
    fprintf(f, "if (!exists(\"outfile\")) outfile = 'distribution-%s.png'\n", group);
    fputs("set terminal pngcairo size 1100,460 noenhanced font 'sans,10'\nset output outfile\n"
          "set datafile separator ','\nset grid\nset key top right\nset ylabel 'density'\n", f);
    snprintf(title, sizeof title, "%s: %zu replicates, %zu working weights, Kruskal-Wallis p = %.4f",
             group, reps, nw, p);
    nn_gp_quote(q, sizeof q, title);
    fprintf(f, "set multiplot layout 1,2 title %s\n", q);
    snprintf(title, sizeof title, "distribution-%s-weights.csv", group);
    nn_gp_quote(q, sizeof q, title);
    fprintf(f, "set title 'working weights: initial and final'\nset xlabel 'weight'\n"
               "plot %s using 1:2 skip 1 with lines lw 2 title 'initial', \\\n"
               "     %s using 1:3 skip 1 with lines lw 2 title 'final'\n", q, q);
    snprintf(title, sizeof title, "distribution-%s-biases.csv", group);
    nn_gp_quote(q, sizeof q, title);
    if (nb && isfinite(bias0))      /* where every bias started */
        fprintf(f, "set arrow from %.17g, graph 0 to %.17g, graph 1 nohead dt 2 lc rgb 'gray40'\n"
                   "set label 'all biases start at %g' at %.17g, graph 0.55 offset 1,0 "
                   "textcolor rgb 'gray40'\n", bias0, bias0, bias0, bias0);
    if (nb)
        fprintf(f, "set title 'final biases'\nset xlabel 'bias'\n"
                   "plot %s using 1:2 skip 1 with lines lw 2 title 'final biases'\n", q);
    else
        fputs("set title 'no biases'\nunset key\nplot [0:1][0:1] NaN notitle\n", f);
    fputs("unset multiplot\n", f);
    return nn_file_commit(&w, e);
}

static int one_group(nn_study_ctx *c, const nn_study_plan *sp, const char *group, cJSON *out,
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
    rc = density_csv(path, wn, groups, ns, 2, sp->points, e);
    if (!rc && p.n_b) {
        study_path(c, path, sizeof path, "distribution-%s-biases.csv", group);
        rc = density_csv(path, bn, bx, bnn, 1, sp->points, e);
    }
    if (!rc)
        rc = script(c, group, reps, p.n_w, p.n_b, p.bias0, pv, e);
    if (!rc) {
        char gp[200], png[200];
        snprintf(gp, sizeof gp, "distribution-%s.gp", group);
        snprintf(png, sizeof png, "distribution-%s.png", group);
        rc = study_gnuplot(c, gp, png, out, e);
    }
    pool_free(&p);
    return rc;
}

int nn_study_distribution(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
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
        int rc = one_group(c, sp, groups[g], o, e);
        if (rc)
            return rc;
    }
    return NN_OK;
}
