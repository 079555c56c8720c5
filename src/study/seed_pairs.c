/* seed_pairs.c: every pair of replicates, where notebook 000's author said a future post
 * would go: are differently initialised nets in different minima once permutations are
 * accounted for? For every pair of models (A the earlier in the spec, B aligned to it;
 * pairs.h): the distance at initialisation and after training, unaligned, with the
 * notebook's alignment and with weight matching, and the loss barrier between the trained
 * nets as trained and after weight matching.
 *
 * The figure is four seed x seed matrices, one cell per pair (A's seed the column, B's the
 * row, the lower triangle): the distance after training as trained and after weight
 * matching, sharing a colour range, and the loss barrier likewise; each cell's value
 * printed while ten or so seeds leave room for it. seed-pairs-matrix.csv holds the pairs'
 * values in square form (every ordered pair, a pair's values under both orders, 0 on the
 * diagonal), the table the matrices are drawn from.
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pairs.h"

typedef struct seed_pairs_opts {
    int metric;            /* nn_metric */
    long points;           /* values of t along each segment */
    long match_seed;       /* weight matching's visiting order */
} seed_pairs_opts;

/* The values of a pair, in the column order of both tables. */
enum {
    INITIAL_UNALIGNED, INITIAL_NOTEBOOK, INITIAL_WM, FINAL_UNALIGNED, FINAL_NOTEBOOK, FINAL_WM,
    BARRIER_NONE, BARRIER_WM, NVALUES
};
static const char *const keys[NVALUES] = {
    "initial_unaligned", "initial_notebook", "initial_weight_matching", "final_unaligned",
    "final_notebook", "final_weight_matching", "barrier_none", "barrier_weight_matching"};

/* seed-pairs-matrix.csv: i,j,a,b and the values; value v is column MCOL0 + v. */
enum { MCOL0 = 5 };

static int write_matrix(nn_study_ctx *c, int n, const double *vals, nn_err *e)
{
    char path[4200];
    nn_file w;
    study_path(c, path, sizeof path, "seed-pairs-matrix.csv");
    int rc = nn_file_open(&w, path, e);
    if (rc)
        return rc;
    fputs("i,j,a,b", w.f);
    for (int k = 0; k < NVALUES; k++)
        fprintf(w.f, ",%s", keys[k]);
    fputc('\n', w.f);
    /* b (the row) outer, a (the column) inner: the scan order gnuplot's images read */
    for (int j = 0; j < n; j++)
        for (int i = 0; i < n; i++) {
            fprintf(w.f, "%d,%d,%s,%s", i, j, c->models[i]->label, c->models[j]->label);
            int lo = i < j ? i : j, hi = i < j ? j : i;
            const double *v = vals + ((size_t)lo * (size_t)n + (size_t)hi) * NVALUES;
            for (int k = 0; k < NVALUES; k++) {
                fputc(',', w.f);
                nn_csv_num(w.f, i == j ? 0.0 : v[k]);
            }
            fputc('\n', w.f);
        }
    return nn_file_commit(&w, e);
}

/* Do all models share one label in the spec (replicates of one model)? Then the matrices
 * are labelled by seed, else by label. */
static bool one_group(const nn_study_ctx *c)
{
    for (int i = 1; i < c->n_models; i++)
        if (strcmp(c->models[i]->group, c->models[0]->group))
            return false;
    return true;
}

/* Largest finite value of the quantities ks over the pairs; whether any pair's is finite. */
static double max_finite(const double *vals, int n, const int *ks, int nk, bool *any)
{
    double m = 0;
    *any = false;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            for (int q = 0; q < nk; q++) {
                double v = vals[((size_t)i * (size_t)n + (size_t)j) * NVALUES + (size_t)ks[q]];
                if (isfinite(v)) {
                    m = *any ? fmax(m, v) : v;
                    *any = true;
                }
            }
    return m;
}

static bool any_nonfinite(const double *vals, int n, int k)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (!isfinite(vals[((size_t)i * (size_t)n + (size_t)j) * NVALUES + (size_t)k]))
                return true;
    return false;
}

/* How the values of a colour range [0, hi] are printed: three digits of the largest, as
 * decimals from 0.001 to 9999 and in exponent form outside (weights blown up to 1e40). */
static void value_format(char *fmt, size_t cap, double hi)
{
    if (hi >= 0.001 && hi < 9999.5) {
        int dec = (int)(2 - floor(log10(hi)));
        snprintf(fmt, cap, "%%.%df", dec < 0 ? 0 : dec);
    } else {
        snprintf(fmt, cap, "%%.2e");
    }
}

/* v printed with fmt, or n/a. */
static void num(char *buf, size_t cap, const char *fmt, double v)
{
    if (isfinite(v))
        snprintf(buf, cap, fmt, v);
    else
        snprintf(buf, cap, "n/a");
}

/* The figure's rows: a quantity as trained and after weight matching, one colour range. */
typedef struct matrow {
    const char *name;           /* in not_plotted notes */
    const char *bar;            /* the colour bar's label */
    int k[2];                   /* the two quantities */
    const char *head[2];        /* the panels' titles */
} matrow;

static int figure(nn_study_ctx *c, const seed_pairs_opts *sp, int n, int np,
                  const double *vals, const double *mean, cJSON *out, nn_err *e)
{
    nn_metric metric = (nn_metric)sp->metric;
    const matrow rows[2] = {
        {"distance between the trained nets",
         metric == NN_METRIC_L2 ? "distance (Euclidean)" : "distance (mean |a − b|)",
         {FINAL_UNALIGNED, FINAL_WM},
         {"distance, B as trained", "distance, B weight-matched to A"}},
        {"loss barrier between the trained nets",
         "loss barrier",
         {BARRIER_NONE, BARRIER_WM},
         {"loss barrier, B as trained", "loss barrier, B weight-matched to A"}},
    };
    bool draw[2];
    double hi[2];
    int nr = 0;
    for (int r = 0; r < 2; r++) {
        hi[r] = max_finite(vals, n, rows[r].k, 2, &draw[r]);
        if (!(hi[r] > 0))
            hi[r] = 1;
        if (draw[r])
            nr++;
        else
            pair_not_plotted(out, "%s%s: no finite value, panel not drawn", rows[r].name, "");
    }
    if (nr == 0)
        return NN_OK;
    /* each pair a cell of (n - 1) x (n - 1); the panels square, the cells' values printed
     * when there are few enough of them to read */
    enum { P = 380, RIGHT = 170, TOP = 132 };
    bool numbers = n <= 13, seeds = one_group(c);
    /* labels instead of seeds: room for them left of the rows and under the slanted columns */
    int longest = 0;
    for (int i = 0; i < n && !seeds; i++) {
        int len = (int)strlen(c->models[i]->label);
        longest = len > longest ? len : longest;
    }
    const int LEFT = 80 + 7 * longest, BOTTOM = 62 + 6 * longest, GAP = 118 + 6 * longest;
    nn_gp g;
    int rc = study_figure_begin(c, &g, "seed-pairs", "every pair of replicates: are the minima "
                                "different once hidden units are aligned? One cell per pair.",
                                2 * (LEFT + P + RIGHT), TOP + nr * P + (nr - 1) * GAP + BOTTOM, e);
    if (rc)
        return rc;
    g.pad_left = LEFT, g.pad_right = RIGHT, g.gap_rows = GAP;
    FILE *f = g.f;
    char text[400], t2[300];
    snprintf(text, sizeof text, "%s: %d pairs of %d %s", seeds ? c->models[0]->group : c->plan->name,
             np, n, seeds ? "seeds" : "models");
    snprintf(t2, sizeof t2, "one cell per pair of trained nets, A the column and B the row; "
             "weight matching permutes B's hidden units to match A's");
    fputs("set multiplot title ", f);
    nn_gp_str(&g, text);
    fputs(".\"\\n\".", f);
    nn_gp_str(&g, t2);
    fputs(" font sprintf(',%g', FS * 1.05)\n", f);
    /* the lower triangle: columns 0 .. n-2, rows 1 .. n-1 from the top */
    fprintf(f, "unset grid\nset xrange [-0.5:%g]\nset yrange [%g:0.5]\n"
               "set tics scale 0\nset xlabel '%s'\nset ylabel '%s'\n",
            n - 1.5, n - 0.5, seeds ? "seed of A" : "net A", seeds ? "seed of B" : "net B");
    int every = (n - 1 + 19) / 20;
    fputs("set xtics (", f);
    for (int i = 0, first = 1; i < n - 1; i++) {
        if (i % every)
            continue;
        if (seeds)
            fprintf(f, "%s'%u' %d", first ? "" : ", ", c->models[i]->seed, i);
        else {
            fputs(first ? "" : ", ", f);
            nn_gp_str(&g, c->models[i]->label);
            fprintf(f, " %d", i);
        }
        first = 0;
    }
    fputs(")\nset ytics (", f);
    for (int j = 1, first = 1; j < n; j++) {
        if ((j - 1) % every)
            continue;
        if (seeds)
            fprintf(f, "%s'%u' %d", first ? "" : ", ", c->models[j]->seed, j);
        else {
            fputs(first ? "" : ", ", f);
            nn_gp_str(&g, c->models[j]->label);
            fprintf(f, " %d", j);
        }
        first = 0;
    }
    fputs(")\n", f);
    if (!seeds)
        fputs("set xtics rotate by 45 right\n", f);
    if (n <= 40)    /* white rules between the cells (over the empty triangle, unseen) */
        fprintf(f, "do for [k = 1:%d] {\n"
                   "    set arrow from k - 0.5, graph 0 to k - 0.5, graph 1 nohead front lw 1.5 "
                   "lc rgb '#ffffff'\n"
                   "    set arrow from graph 0, first k + 0.5 to graph 1, first k + 0.5 nohead "
                   "front lw 1.5 lc rgb '#ffffff'\n}\n", n - 2);
    fputs("# a value that is not a number is a grey cell (n/a)\n"
          "nonfinite(s) = (s eq 'nan' || s eq 'inf' || s eq '-inf')\n"
          "cell(k) = ($1 < $2 && !nonfinite(strcol(k))) ? column(k) : NaN\n", f);
    for (int r = 0, row = 0; r < 2; r++) {
        if (!draw[r])
            continue;
        char fmt[16];
        value_format(fmt, sizeof fmt, hi[r]);
        for (int q = 0; q < 2; q++) {
            int k = rows[r].k[q], col = MCOL0 + k;
            nn_gp_panel(&g, row, q, nr, 2, TOP, 0, BOTTOM);
            char m0[40], m1[40];
            num(m0, sizeof m0, fmt, mean[k]);
            num(m1, sizeof m1, fmt, mean[k == FINAL_WM ? INITIAL_WM : INITIAL_UNALIGNED]);
            if (r == 0)
                snprintf(t2, sizeof t2, "mean %s (at initialisation %s)", m0, m1);
            else
                snprintf(t2, sizeof t2, "max loss on the line − mean of its ends; mean %s", m0);
            if (any_nonfinite(vals, n, k))
                snprintf(t2 + strlen(t2), sizeof t2 - strlen(t2), "; grey: inf or nan");
            nn_gp_title(&g, rows[r].head[q], t2);
            nn_gp_palette(&g, NN_CMAP_SEQUENTIAL, 0, hi[r], rows[r].bar);
            fputs("set colorbox vertical default\n", f);
            fprintf(f, "plot 'seed-pairs-matrix.csv' skip 1 using 1:2:(cell(%d)) with image pixels "
                       "notitle, \\\n     '' skip 1 using (($1 < $2 && nonfinite(strcol(%d))) ? $1 "
                       ": NaN):2:(0.5):(0.5) with boxxyerror fs solid fc rgb '#d9d9d9' notitle",
                    col, col);
            if (numbers)
                fprintf(f, ", \\\n     '' skip 1 using 1:2:(($1 < $2) ? (nonfinite(strcol(%d)) ? "
                           "'n/a' : sprintf('%s', column(%d))) : ''):((nonfinite(strcol(%d)) "
                           "|| column(%d) < %.17g) ? 0x262626 : 0xffffff) with labels "
                           "font sprintf(',%%g', FS * 0.82) tc rgb variable notitle",
                        col, fmt, col, col, col, 0.6 * hi[r]);
            fputc('\n', f);
        }
        row++;
    }
    fputs("unset multiplot\n", f);
    return study_figure_end(c, &g, out, e);
}

static int run(nn_study_ctx *c, const nn_study_plan *plan, cJSON *out, nn_err *e)
{
    const seed_pairs_opts *sp = plan->options;
    int n = c->n_models, rc = NN_OK;
    if (n < 2)
        return NN_OK;
    nn_model **init = calloc((size_t)n, sizeof *init), **fin = calloc((size_t)n, sizeof *fin);
    double *vals = malloc((size_t)n * (size_t)n * NVALUES * sizeof *vals);
    pair_path *pr = calloc(2, sizeof *pr);
    pair_evalset s = {0};
    bool have_set = false;
    nn_file w = {0};
    char path[4200];
    if (!init || !fin || !vals || !pr) {
        rc = nn_err_set(e, NN_ENOMEM, "", "out of memory");
        goto done;
    }
    for (int i = 0; i < n && !rc; i++) {
        init[i] = study_load_model(c, c->models[i]->label, true, e);
        fin[i] = init[i] ? study_load_model(c, c->models[i]->label, false, e) : NULL;
        if (!init[i] || !fin[i])
            rc = e->code;
    }
    if (rc || (rc = pair_evalset_open(c, fin[0], &s, e)))
        goto done;
    have_set = true;
    study_path(c, path, sizeof path, "seed-pairs.csv");
    if ((rc = nn_file_open(&w, path, e)))
        goto done;
    fputs("pair,a,b", w.f);
    for (int k = 0; k < NVALUES; k++)
        fprintf(w.f, ",%s", keys[k]);
    fputc('\n', w.f);
    double sums[NVALUES] = {0}, mean[NVALUES];
    int np = 0, finite[NVALUES] = {0}, capped = 0;
    nn_metric metric = (nn_metric)sp->metric;
    uint32_t seed = (uint32_t)sp->match_seed;
    int points = (int)sp->points;
    for (int i = 0; i < n && !rc; i++)
        for (int j = i + 1; j < n && !rc; j++) {
            pairdist a0, a1, b0, b1;
            nn_alignment al;
            if ((rc = pair_measure(init[i], init[j], NN_ALIGN_NOTEBOOK, metric, 0, &a0, e)) ||
                (rc = pair_measure(init[i], init[j], NN_ALIGN_WEIGHT_MATCHING, metric, seed, &a1, e)) ||
                (rc = pair_measure(fin[i], fin[j], NN_ALIGN_NOTEBOOK, metric, 0, &b0, e)) ||
                (rc = pair_measure(fin[i], fin[j], NN_ALIGN_WEIGHT_MATCHING, metric, seed, &b1, e)) ||
                (rc = pair_segment(&s, fin[i], fin[j], points, &pr[0], e)) ||
                (rc = nn_align_models(fin[i], fin[j], NN_ALIGN_WEIGHT_MATCHING, metric, seed, &al, e))) {
                nn_err_where(e, "%s and %s", c->models[i]->label, c->models[j]->label);
                break;
            }
            capped += a1.capped + b1.capped;
            rc = pair_segment(&s, fin[i], al.aligned, points, &pr[1], e);
            nn_model_free(al.aligned);
            if (rc)
                break;
            double *row = vals + ((size_t)i * (size_t)n + (size_t)j) * NVALUES;
            const double v[NVALUES] = {a0.unaligned, a0.aligned, a1.aligned, b0.unaligned,
                                       b0.aligned, b1.aligned, pr[0].barrier, pr[1].barrier};
            memcpy(row, v, sizeof v);
            fprintf(w.f, "%d,%s,%s", np + 1, c->models[i]->label, c->models[j]->label);
            for (int k = 0; k < NVALUES; k++) {
                fputc(',', w.f);
                nn_csv_num(w.f, v[k]);
                if (isfinite(v[k])) {
                    sums[k] += v[k];
                    finite[k]++;
                }
            }
            fputc('\n', w.f);
            np++;
        }
    if (rc || (rc = nn_file_commit(&w, e)) || (rc = write_matrix(c, n, vals, e)))
        goto done;
    cJSON_AddNumberToObject(out, "pairs", np);
    cJSON_AddStringToObject(out, "metric", nn_metric_names[metric]);
    /* means over the pairs where the value is finite; how many were not, per column */
    cJSON *means = cJSON_AddObjectToObject(out, "mean");
    cJSON *skipped = cJSON_AddObjectToObject(out, "pairs_nonfinite");
    for (int k = 0; k < NVALUES; k++) {
        mean[k] = finite[k] ? sums[k] / finite[k] : NAN;
        pair_json_num(means, keys[k], mean[k]);
        cJSON_AddNumberToObject(skipped, keys[k], np - finite[k]);
    }
    cJSON_AddNumberToObject(out, "weight_matching_capped", capped);
    rc = figure(c, sp, n, np, vals, mean, out, e);
done:
    nn_file_abort(&w);
    if (have_set)
        pair_evalset_close(&s);
    for (int i = 0; init && fin && i < n; i++) {
        nn_model_free(init[i]);
        nn_model_free(fin[i]);
    }
    free(init), free(fin), free(vals), free(pr);
    return rc;
}

static const nn_option options[] = {
    {.key = "metric", .kind = NN_OPTION_ENUM, .offset = offsetof(seed_pairs_opts, metric),
     .names = nn_metric_names, .n_names = NN_METRIC_COUNT, .def_name = "mean-abs",
     .what = "distance metric", .doc = "notebook 000's mean |a - b| or the Euclidean distance"},
    {.key = "points", .kind = NN_OPTION_INT, .offset = offsetof(seed_pairs_opts, points),
     .def = 25, .lo = 3, .hi = PAIR_MAX_POINTS,
     .doc = "values of t in [0, 1] along the segment between two nets"},
    {.key = "match_seed", .kind = NN_OPTION_INT, .offset = offsetof(seed_pairs_opts, match_seed),
     .def = 0, .lo = 0, .hi = 4294967295.0, .doc = "the seed of weight matching's visiting order"},
};

const nn_study nn_study_seed_pairs = {
    .spec = {.name = "seed_pairs", .summary = "every pair of replicates: distances at "
             "initialisation and after training, and loss barriers, as trained and aligned",
             .needs = NN_NEEDS_SAME_SHAPE | NN_NEEDS_PAIRS, .options = options,
             .n_options = sizeof options / sizeof *options,
             .options_size = sizeof(seed_pairs_opts), .check_data = pair_check_widths},
    .figures = "`seed-pairs.png` (seed x seed matrices); `seed-pairs.csv`, `seed-pairs-matrix.csv`",
    .run = run,
};
