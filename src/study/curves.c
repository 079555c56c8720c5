/* curves.c: every model's training curves, drawn from its metrics.csv: the loss it
 * optimises (notebook 002's "cost decay per iteration"), the train error (notebook 001's
 * bottom row) and the mean squared error, by epoch; the test set's, where the run holds one
 * out, dashed beside the training set's solid line. A model keeps its colour (its place in
 * the spec) in every figure of the run. The script stays in the run directory so anyone can
 * restyle and redraw it. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "nnlab/figure.h"
#include "nnlab/io.h"
#include "nnlab/record.h"
#include "nnlab/study.h"

typedef struct curves_opts {
    int loss_scale;        /* 0 linear, 1 log */
} curves_opts;

/* A model's metrics.csv, open for reading, or NULL. */
static FILE *open_metrics(const char *dir, const char *label)
{
    char path[4200], name[200];
    snprintf(name, sizeof name, "%s/metrics.csv", label);
    nn_path_join(path, sizeof path, dir, name);
    return nn_fopen_read(path, "metrics", NULL);
}

/* What the first model's metrics.csv holds: error values (a classification), the test
 * split's columns. */
static void columns(const char *dir, const char *label, bool *error, bool *test)
{
    char line[512];
    *error = *test = false;
    FILE *f = open_metrics(dir, label);
    if (!f)
        return;
    if (fgets(line, sizeof line, f)) {
        *test = strstr(line, ",test_loss") != NULL;
        if (fgets(line, sizeof line, f)) {
            /* the fourth field, error, is empty for regression */
            const char *p = line;
            for (int k = 0; k < 3 && p; k++)
                p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
            *error = p && *p != ',' && *p != '\n' && *p != '\r' && *p;
        }
    }
    fclose(f);
}

/* Rows of a model's metrics.csv (its lines). */
static long count_rows(const char *dir, const char *label)
{
    char buf[65536];
    FILE *f = open_metrics(dir, label);
    if (!f)
        return 0;
    long n = 0;
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + got - p))); p++)
            n++;
    fclose(f);
    return n;
}

/* A line in a figure a few hundred pixels wide needs no more points than this; gnuplot
 * holds every point it plots, so 100000 epochs in four lines cost it 75 MB. */
#define MAX_POINTS 5000

/* One panel: a line per model from column col, and from test_col (when > 0) dashed; titles
 * only when this panel's key is shown. */
static void plot_panel(FILE *f, const nn_study_ctx *c, int col, int test_col, long stride,
                       bool titles)
{
    char q[300], file[200], style[80], color[60], every[40] = "";
    if (stride > 1)
        snprintf(every, sizeof every, "every %ld ", stride);
    fputs("plot ", f);
    for (int i = 0; i < c->n_models; i++) {
        snprintf(file, sizeof file, "%s/metrics.csv", c->models[i]->label);
        nn_gp_quote(q, sizeof q, file);
        nn_gp_series(style, sizeof style, i);
        nn_gp_series_color(color, sizeof color, i);
        fprintf(f, "%s%s skip 1 %susing 1:%d with lines lw 2 %s ", i ? ", \\\n     " : "", q, every,
                col, style);
        if (titles) {
            nn_gp_quote(q, sizeof q, c->models[i]->label);
            fprintf(f, "title %s", q);
        } else {
            fputs("notitle", f);
        }
        if (test_col > 0) {
            nn_gp_quote(q, sizeof q, file);
            fprintf(f, ", \\\n     %s skip 1 %susing 1:%d with lines lw 1.5 %s dt (6,4) notitle", q,
                    every, test_col, color);
        }
    }
    if (titles && test_col > 0)      /* what solid and dashed mean, in the key */
        fputs(", \\\n     keyentry with lines lw 2 lc rgb INK title 'training set', "
              "keyentry with lines lw 1.5 dt (6,4) lc rgb INK title 'test set'", f);
    fputs("\n", f);
}

static const char *loss_words(nn_loss l)
{
    switch (l) {
    case NN_LOSS_L2: return "loss: l2 (half the mse)";
    case NN_LOSS_MSE: return "loss: mse";
    case NN_LOSS_BCE: return "loss: binary cross-entropy";
    default: return "loss: cross-entropy of the logit";
    }
}

static int run(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    const curves_opts *o = sp->options;
    if (c->n_models == 0)
        return NN_OK;
    /* every model's table whole, or no figure: a line silently missing misleads */
    for (int i = 0; i < c->n_models; i++) {
        int rc = study_check_metrics(c, i, e);
        if (rc)
            return rc;
    }
    bool err, test;
    columns(c->dir, c->models[0]->label, &err, &test);
    long rows = 0;
    for (int i = 0; i < c->n_models; i++) {
        long r = count_rows(c->dir, c->models[i]->label);
        rows = r > rows ? r : rows;
    }
    long stride = (rows + MAX_POINTS - 1) / MAX_POINTS;
    nn_loss loss = c->plan->train.loss;
    bool mse_panel = loss != NN_LOSS_MSE;        /* the mse loss is its own panel */
    int panels = 1 + err + mse_panel;
    int longest = 0;
    for (int i = 0; i < c->n_models; i++) {
        int n = (int)strlen(c->models[i]->label);
        longest = n > longest ? n : longest;
    }
    int key_px = 60 + 8 * (longest > 11 ? longest : 11);
    nn_gp g;
    int rc = study_figure_begin(c, &g, "curves", "training curves of every model, from each "
                                "<label>/metrics.csv", 380 * panels + key_px + 40, 430, e);
    if (rc)
        return rc;
    FILE *f = g.f;
    if (stride > 1)
        fprintf(f, "# every %ld: one row in %ld is drawn (at most %d points a line); the tables "
                "hold every epoch\n", stride, stride, MAX_POINTS);
    char xlabel[200], title[300];
    size_t B = c->plan->train.batch;
    if (B == 0)
        snprintf(xlabel, sizeof xlabel, "epoch (one full-batch step each)");
    else
        snprintf(xlabel, sizeof xlabel, "epoch (steps of %zu samples)", B);
    fputs("set xlabel ", f);
    nn_gp_str(&g, xlabel);
    fputs("\nset autoscale xfix\n", f);
    if (rows > 20000)   /* 100000-wide tic labels run into each other: 20k, 40k, ... */
        fputs("set format x '%.0s%c'\n", f);
    if (rows > 2) {     /* at most about five labels on a panel's axis */
        double raw = (double)(rows - 1) / 4, p = pow(10, floor(log10(raw))), m = raw / p;
        double step = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
        fprintf(f, "set xtics %.17g\n", step < 1 ? 1 : step);
    }
    snprintf(title, sizeof title, "%s: training curves%s", c->plan->name,
             test ? " (test set dashed)" : "");
    fputs("set multiplot title ", f);
    nn_gp_str(&g, title);
    fputs(" font sprintf(',%g', FS * 1.2)\n", f);
    int k = 0;
    /* the loss each model optimises */
    nn_gp_panel(&g, 0, k++, 1, panels, 70, key_px, 62);
    nn_gp_key_right(&g, key_px, 70);
    fputs("set title ", f);
    nn_gp_str(&g, loss_words(loss));
    fputs("\nset ylabel 'loss'\n", f);
    if (o->loss_scale == 1)
        fputs("set logscale y\nset format y '%.0e'\n", f);
    plot_panel(f, c, 2, test ? 6 : 0, stride, true);
    fputs("unset key\nunset logscale y\nset format y '%g'\n", f);
    if (err) {
        nn_gp_panel(&g, 0, k++, 1, panels, 70, key_px, 62);
        fputs("set title 'train error'\nset ylabel 'misclassification rate'\nset yrange [0:*]\n", f);
        plot_panel(f, c, 4, test ? 5 : 0, stride, false);
        fputs("set autoscale y\n", f);
    }
    if (mse_panel) {
        nn_gp_panel(&g, 0, k++, 1, panels, 70, key_px, 62);
        fputs("set title 'mean squared error'\nset ylabel 'mse'\nset yrange [0:*]\n", f);
        plot_panel(f, c, 3, test ? 7 : 0, stride, false);
    }
    fputs("unset multiplot\n", f);
    return study_figure_end(c, &g, out, e);
}

static const char *const scales[] = {"linear", "log"};

static const nn_option options[] = {
    {.key = "loss_scale", .kind = NN_OPTION_ENUM, .offset = offsetof(curves_opts, loss_scale),
     .names = scales, .n_names = 2, .def_name = "linear", .what = "axis scale",
     .doc = "the loss panel's y axis: linear, as the notebooks draw it, or log"},
};

const nn_study nn_study_curves = {
    .spec = {.name = "curves", .summary = "each model's training curves: the loss it "
             "optimises, the train error and the mean squared error by epoch, the test set's "
             "dashed", .options = options, .n_options = 1, .options_size = sizeof(curves_opts)},
    .figures = "`curves.png`, from each `<label>/metrics.csv`",
    .run = run,
};
