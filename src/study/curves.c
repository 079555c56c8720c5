/* curves.c: train error and mse against epoch for every model (notebook 001's bottom
 * row), drawn by gnuplot from each model's metrics.csv. The script stays in the run
 * directory so anyone can restyle and redraw it with `gnuplot curves.gp`. */
#include <cJSON.h>
#include <stdio.h>
#include <string.h>

#include "nnlab/figure.h"
#include "nnlab/record.h"
#include "nnlab/study.h"
#include "common.h"

/* A model's metrics.csv, open for reading, or NULL. */
static FILE *open_metrics(const char *dir, const char *label)
{
    char path[4200], name[200];
    snprintf(name, sizeof name, "%s/metrics.csv", label);
    nn_path_join(path, sizeof path, dir, name);
    return fopen(path, "rb");
}

/* Does the first model's metrics.csv carry error values (classification)? */
static bool has_error_column(const char *dir, const char *label)
{
    char line[512];
    FILE *f = open_metrics(dir, label);
    if (!f)
        return false;
    bool yes = false;
    if (fgets(line, sizeof line, f) && fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        yes = n > 0 && line[n - 1] != ',';
    }
    fclose(f);
    return yes;
}

/* Does the first model's metrics.csv have a test_error column (a train/test split)? */
static bool has_test_column(const char *dir, const char *label)
{
    char line[512];
    FILE *f = open_metrics(dir, label);
    if (!f)
        return false;
    bool yes = fgets(line, sizeof line, f) && strstr(line, ",test_error");
    fclose(f);
    return yes;
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

/* One line per model from column col (every stride-th row); with test_col > 0 also a
 * dashed one from it. */
static void plot_cmd(FILE *f, const nn_study_ctx *c, int col, int test_col, long stride)
{
    char q[300], file[200], t[200], every[40] = "";
    if (stride > 1)
        snprintf(every, sizeof every, "every %ld ", stride);
    fputs("plot ", f);
    for (int i = 0; i < c->n_models; i++) {
        snprintf(file, sizeof file, "%s/metrics.csv", c->models[i]->label);
        nn_gp_quote(q, sizeof q, file);
        fprintf(f, "%s%s skip 1 %susing 1:%d with lines lw 2 lc %d ", i ? ", \\\n     " : "",
                q, every, col, i + 1);
        nn_gp_quote(q, sizeof q, c->models[i]->label);
        fprintf(f, "title %s", q);
        if (test_col > 0) {
            nn_gp_quote(q, sizeof q, file);
            fprintf(f, ", \\\n     %s skip 1 %susing 1:%d with lines lw 2 dt 2 lc %d ", q, every,
                    test_col, i + 1);
            snprintf(t, sizeof t, "%s (test)", c->models[i]->label);
            nn_gp_quote(q, sizeof q, t);
            fprintf(f, "title %s", q);
        }
    }
    fputs("\n", f);
}

int nn_study_curves(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    (void)sp;
    char path[4200], title[300], q[400];
    nn_path_join(path, sizeof path, c->dir, "curves.gp");
    nn_file w;
    int rc = nn_file_open(&w, path, e);
    if (rc)
        return rc;
    bool err = c->n_models > 0 && has_error_column(c->dir, c->models[0]->label);
    bool test = err && has_test_column(c->dir, c->models[0]->label);
    long rows = 0;
    for (int i = 0; i < c->n_models; i++) {
        long r = count_rows(c->dir, c->models[i]->label);
        rows = r > rows ? r : rows;
    }
    long stride = (rows + MAX_POINTS - 1) / MAX_POINTS;
    FILE *f = w.f;
    fputs("# nnlab: train error and mse against epoch, one line per model.\n"
          "# Redraw from this folder with: gnuplot curves.gp\n"
          "if (!exists(\"outfile\")) outfile = 'curves.png'\n", f);
    if (stride > 1)
        fprintf(f, "# every %ld: one row in %ld is drawn (at most %d points a line); the tables "
                "hold every epoch\n", stride, stride, MAX_POINTS);
    fprintf(f, "set terminal pngcairo size %d,460 noenhanced font 'sans,10'\n",
            err ? 1100 : 620);
    fputs("set output outfile\nset datafile separator ','\nset grid\nset key top right\n"
          "set xlabel 'epoch'\n", f);
    if (rows > 20000)   /* 100000-wide tic labels run into each other: 20k, 40k, ... */
        fputs("set format x '%.0s%c'\n", f);
    snprintf(title, sizeof title, "%s: training curves", c->plan->name);
    nn_gp_quote(q, sizeof q, title);
    fprintf(f, "set multiplot layout 1,%d title %s\n", err ? 2 : 1, q);
    if (err) {
        fputs(test ? "set title 'train error (test error dashed)'\n" : "set title 'train error'\n", f);
        fputs("set ylabel 'misclassification rate'\n", f);
        plot_cmd(f, c, 4, test ? 5 : 0, stride);
    }
    fputs("set title 'mean squared error'\nset ylabel 'mse'\n", f);
    plot_cmd(f, c, 3, 0, stride);
    fputs("unset multiplot\n", f);
    if ((rc = nn_file_commit(&w, e)))
        return rc;
    cJSON_AddStringToObject(out, "script", "curves.gp");
    return study_gnuplot(c, "curves.gp", "curves.png", out, e);
}
