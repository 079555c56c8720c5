/* dataset.c: the data set itself, as the notebooks first draw it: notebook 001's "Training
 * Data 1/2/3", notebook 000's scatter of the disk in a ring, notebook 002's scatter of its
 * first two coordinates and its two 3-D views, notebook 004's plain plots of its binary and
 * regression data. Drawn from data.csv (and test.csv, whose points are hollow), in the data's
 * own units and column names:
 *   one feature     the targets against it (a line through the points for regression, as
 *                   notebook 004 draws it; the points by class for classification);
 *   two or more     the first two features as a scatter, units equal on both axes, points in
 *                   their class's colour (or, for regression, coloured by target);
 *   three or more   also the first three in 3-D, as the axes fall and with one scale on every
 *                   axis (notebook 002's two views).
 */
#include <cJSON.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "nnlab/data.h"
#include "nnlab/figure.h"
#include "nnlab/io.h"
#include "nnlab/study.h"

typedef struct dataset_opts {
    bool auto_range;       /* the 2-D window: around the data ... */
    double range[2];       /* ... or this, on both axes */
    long points;           /* at most this many points in the 2-D figure (0: all) */
    long points_3d;        /* ... and in the 3-D one */
} dataset_opts;

/* A file's rows, or -1 when it is not there. */
static long rows_of(const nn_study_ctx *c, const char *name)
{
    char path[4200];
    study_path(c, path, sizeof path, "%s", name);
    FILE *f = nn_fopen_read(path, "table", NULL);
    if (!f)
        return -1;
    long n = -1;       /* the header */
    int ch, last = '\n';
    while ((ch = getc(f)) != EOF) {
        n += ch == '\n';
        last = ch;
    }
    n += last != '\n';
    fclose(f);
    return n;
}

/* "every ::0::N-1 " when only the first N rows are drawn */
static void every(char *buf, size_t cap, long limit)
{
    if (limit > 0)
        snprintf(buf, cap, "every ::0::%ld ", limit - 1);
    else
        buf[0] = '\0';
}

static int run(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    const dataset_opts *o = sp->options;
    nn_data d;
    int rc = study_load_data(c, &d, e);
    if (rc)
        return rc;
    char names[4][64], t[400], sub[400];
    const char *x1 = nn_data_name(&d, 0, names[0], sizeof names[0]);
    const char *x2 = d.d > 1 ? nn_data_name(&d, 1, names[1], sizeof names[1]) : NULL;
    const char *x3 = d.d > 2 ? nn_data_name(&d, 2, names[2], sizeof names[2]) : NULL;
    const char *yn = nn_data_name(&d, d.d, names[3], sizeof names[3]);
    long n_test = rows_of(c, "test.csv");
    size_t ones = 0;
    for (size_t s = 0; s < d.n; s++)
        ones += d.y[s] >= 0.5;
    const int tcol = d.d + 1;              /* the target's column in data.csv */
    cJSON_AddNumberToObject(out, "points", (double)d.n);
    cJSON_AddNumberToObject(out, "features", d.d);
    if (n_test > 0)
        cJSON_AddNumberToObject(out, "test_points", (double)n_test);
    if (d.classify) {
        cJSON_AddNumberToObject(out, "class_1", (double)ones);
        cJSON_AddNumberToObject(out, "class_0", (double)(d.n - ones));
    }
    if (d.classify)
        snprintf(sub, sizeof sub, "%zu training points: %zu of class 1, %zu of class 0%s", d.n,
                 ones, d.n - ones, n_test > 0 ? "; the test points hollow" : "");
    else
        snprintf(sub, sizeof sub, "%zu training points%s", d.n,
                 n_test > 0 ? "; the test points hollow" : "");
    long lim = o->points > 0 && (size_t)o->points < d.n ? o->points : 0;
    if (lim) {
        size_t k = strlen(sub);
        snprintf(sub + k, sizeof sub - k, "; the first %ld drawn", lim);
    }
    char ev[64];
    every(ev, sizeof ev, lim);
    nn_gp g;
    if (d.d == 1) {
        if ((rc = study_figure_begin(c, &g, "dataset", "the data set: the targets against the "
                                     "feature", 760, 520, e)))
            goto done;
        snprintf(t, sizeof t, "%s: the data", c->plan->name);
        nn_gp_title(&g, t, sub);
        fputs("set xlabel ", g.f);
        nn_gp_str(&g, x1);
        fputs("\nset ylabel ", g.f);
        nn_gp_str(&g, yn);
        fputc('\n', g.f);
        if (d.classify)
            fprintf(g.f, "set yrange [-0.15:1.15]\nset ytics (0, 1)\n"
                         "plot 'data.csv' skip 1 %susing 1:($2 < 0.5 ? $2 : NaN) with points pt 7 "
                         "lc rgb CLASS0 title 'class 0', \\\n"
                         "     'data.csv' skip 1 %susing 1:($2 >= 0.5 ? $2 : NaN) with points pt 7 "
                         "lc rgb CLASS1 title 'class 1'%s\n", ev, ev,
                    n_test > 0 ? ", \\\n     'test.csv' skip 1 using 1:2 with points pt 6 lc rgb "
                                 "MUTED title 'test'" : "");
        else          /* notebook 004's plt.plot(x, y): a line through the points, in order of x */
            fprintf(g.f, "plot 'data.csv' skip 1 %susing 1:2 smooth unique with lines lt 1 "
                         "notitle, \\\n     'data.csv' skip 1 %susing 1:2 with points pt 7 ps 0.45*PS "
                         "lt 1 notitle%s\n", ev, ev,
                    n_test > 0 ? ", \\\n     'test.csv' skip 1 using 1:2 with points pt 6 ps 0.6*PS "
                                 "lc rgb MUTED title 'test'" : "");
        rc = study_figure_end(c, &g, out, e);
        goto done;
    }
    /* two features or more: the first two, units equal on both axes */
    double lo[2], hi[2];
    if (o->auto_range) {
        double mn[2] = {INFINITY, INFINITY}, mx[2] = {-INFINITY, -INFINITY};
        for (size_t s = 0; s < d.n; s++)
            for (int a = 0; a < 2; a++) {
                mn[a] = fmin(mn[a], d.x[s * (size_t)d.d + (size_t)a]);
                mx[a] = fmax(mx[a], d.x[s * (size_t)d.d + (size_t)a]);
            }
        /* halves first: a span of finite numbers can overflow a double */
        double half = 1.08 * fmax(0.5 * mx[0] - 0.5 * mn[0], 0.5 * mx[1] - 0.5 * mn[1]);
        half = half > 0 ? fmin(half, 0.25 * DBL_MAX) : 1;
        for (int a = 0; a < 2; a++) {
            double mid = 0.5 * mn[a] + 0.5 * mx[a];
            lo[a] = fmax(mid - half, -0.5 * DBL_MAX), hi[a] = fmin(mid + half, 0.5 * DBL_MAX);
        }
    } else {
        lo[0] = lo[1] = o->range[0];
        hi[0] = hi[1] = o->range[1];
    }
    if ((rc = study_figure_begin(c, &g, "dataset", "the data set: its first two features", 720,
                                 620, e)))
        goto done;
    snprintf(t, sizeof t, "%s: the data%s", c->plan->name, d.d > 2 ? " (its first two features)" : "");
    nn_gp_title(&g, t, sub);
    fprintf(g.f, "set size ratio -1\nset xrange [%.17g:%.17g]\nset yrange [%.17g:%.17g]\n"
                 "set xlabel ", lo[0], hi[0], lo[1], hi[1]);
    nn_gp_str(&g, x1);
    fputs("\nset ylabel ", g.f);
    nn_gp_str(&g, x2);
    fputc('\n', g.f);
    if (d.classify) {
        fprintf(g.f, "plot 'data.csv' skip 1 %susing 1:($%d < 0.5 ? $2 : NaN) with points pt 7 "
                     "ps 0.8*PS lc rgb CLASS0 title 'class 0', \\\n"
                     "     'data.csv' skip 1 %susing 1:($%d >= 0.5 ? $2 : NaN) with points pt 7 "
                     "ps 0.8*PS lc rgb CLASS1 title 'class 1'", ev, tcol, ev, tcol);
        if (n_test > 0)
            fprintf(g.f, ", \\\n     'test.csv' skip 1 using 1:($%d < 0.5 ? $2 : NaN) with points "
                         "pt 6 ps 0.8*PS lc rgb CLASS0 title 'class 0, test', \\\n"
                         "     'test.csv' skip 1 using 1:($%d >= 0.5 ? $2 : NaN) with points pt 6 "
                         "ps 0.8*PS lc rgb CLASS1 title 'class 1, test'", tcol, tcol);
        fputc('\n', g.f);
    } else {
        double ylo = INFINITY, yhi = -INFINITY;
        for (size_t s = 0; s < d.n; s++)
            ylo = fmin(ylo, d.y[s]), yhi = fmax(yhi, d.y[s]);
        double m = fmax(fabs(ylo), fabs(yhi));
        nn_gp_palette(&g, NN_CMAP_SIGNED, -(m > 0 ? m : 1), m > 0 ? m : 1, yn);
        fprintf(g.f, "plot 'data.csv' skip 1 %susing 1:2:%d with points pt 7 ps 0.8*PS lc palette "
                     "notitle\n", ev, tcol);
    }
    if ((rc = study_figure_end(c, &g, out, e)) || d.d < 3)
        goto done;
    /* the first three features in 3-D: as the axes fall, and on one scale */
    long lim3 = o->points_3d > 0 && (size_t)o->points_3d < d.n ? o->points_3d : 0;
    every(ev, sizeof ev, lim3);
    double span = 0;
    for (size_t s = 0; s < d.n; s++)
        for (int a = 0; a < 3; a++)
            span = fmax(span, fabs(d.x[s * (size_t)d.d + (size_t)a]));
    span = span > 0 ? span * 1.05 : 1;
    if ((rc = study_figure_begin(c, &g, "dataset-3d", "the data set's first three features in 3-D "
                                 "(notebook 002's two views)", 1300, 640, e)))
        goto done;
    snprintf(t, sizeof t, "%s: the first three features", c->plan->name);
    if (lim3) {
        size_t k = strlen(sub);
        snprintf(sub + k, sizeof sub - k, " (3-D: the first %ld)", lim3);
    }
    nn_gp_multiplot(&g, t);
    fputs("set ticslevel 0\nset border 4095 lw 0.5 lc rgb MUTED\nset key at screen 0.5, screen 0.04 "
          "center center horizontal maxrows 1 width 3\n", g.f);
    fputs("set xlabel ", g.f);
    nn_gp_str(&g, x1);
    fputs("\nset ylabel ", g.f);
    nn_gp_str(&g, x2);
    fputs("\nset zlabel ", g.f);
    nn_gp_str(&g, x3);
    fputs(" rotate parallel\n", g.f);
    for (int view = 0; view < 2; view++) {
        fprintf(g.f, "set origin %g, 0.06\nset size 0.5, 0.84\n", view * 0.5);
        if (view == 0)
            fputs("set title 'as the axes fall'\nset view 70, 30\n"
                  "set autoscale x; set autoscale y; set autoscale z\n", g.f);
        else
            fprintf(g.f, "set title 'one scale on every axis'\nset view 50, 60\n"
                         "set xrange [%.17g:%.17g]; set yrange [%.17g:%.17g]; set zrange "
                         "[%.17g:%.17g]\nset view equal xyz\nunset key\n", -span, span, -span,
                    span, -span, span);
        if (d.classify)
            fprintf(g.f, "splot 'data.csv' skip 1 %susing 1:2:($%d < 0.5 ? $3 : NaN) with points "
                         "pt 7 ps 0.5*PS lc rgb CLASS0 title 'class 0', \\\n"
                         "      'data.csv' skip 1 %susing 1:2:($%d >= 0.5 ? $3 : NaN) with points "
                         "pt 7 ps 0.5*PS lc rgb CLASS1 title 'class 1'\n", ev, tcol, ev, tcol);
        else
            fprintf(g.f, "splot 'data.csv' skip 1 %susing 1:2:3 with points pt 7 ps 0.5*PS lt 1 "
                         "notitle\n", ev);
    }
    fputs("unset multiplot\n", g.f);
    {
        cJSON *tmp = cJSON_CreateObject();
        rc = study_figure_end(c, &g, tmp, e);
        const cJSON *fg = cJSON_GetObjectItemCaseSensitive(tmp, "figure");
        if (!rc && cJSON_IsString(fg))
            cJSON_AddStringToObject(out, "figure_3d", fg->valuestring);
        cJSON_Delete(tmp);
    }
done:
    nn_data_free(&d);
    return rc;
}

/* range: "auto" or [low, high] for both axes */
static int check_range(nn_spec_v *v, cJSON *obj, const char *key, void *field)
{
    dataset_opts *o = (dataset_opts *)((char *)field - offsetof(dataset_opts, auto_range));
    cJSON *r = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!r) {
        r = cJSON_CreateString("auto");
        cJSON_AddItemToObject(obj, key, r);
    }
    o->auto_range = cJSON_IsString(r) && !strcmp(r->valuestring, "auto");
    if (o->auto_range)
        return NN_OK;
    bool ok = cJSON_IsArray(r) && cJSON_GetArraySize(r) == 2 && cJSON_IsNumber(r->child) &&
              cJSON_IsNumber(r->child->next);
    double lo = ok ? r->child->valuedouble : 0, hi = ok ? r->child->next->valuedouble : 0;
    double big = fmax(1.0, fmax(fabs(lo), fabs(hi)));
    if (!ok || !(fabs(lo) <= 1e6 && fabs(hi) <= 1e6) || !(hi - lo >= 1e-6 * big)) {
        size_t m = nn_spec_push(v, key);
        int rc = nn_spec_fail(v, "expected \"auto\" or [low, high] with -1e6 <= low < high <= "
                              "1e6 and high - low at least a millionth of their size, such as "
                              "[-5, 5]");
        nn_spec_pop(v, m);
        return rc;
    }
    o->range[0] = lo, o->range[1] = hi;
    return NN_OK;
}

static const nn_option options[] = {
    {.key = "range", .kind = NN_OPTION_CUSTOM, .offset = offsetof(dataset_opts, auto_range),
     .check = check_range, .def_doc = "\"auto\"",
     .values_doc = "`\"auto\"` or `[low, high]` within [-1e6, 1e6]",
     .doc = "the 2-D figure's window on both axes, in the data's units: auto is a square "
            "around the data with a margin (notebook 001 draws [-5, 5])"},
    {.key = "points", .kind = NN_OPTION_INT, .offset = offsetof(dataset_opts, points), .def = 0,
     .lo = 0, .hi = 1e9, .doc = "draw only the first this many training points (0: all; notebook "
                                "002 draws 100)"},
    {.key = "points_3d", .kind = NN_OPTION_INT, .offset = offsetof(dataset_opts, points_3d),
     .def = 0, .lo = 0, .hi = 1e9, .doc = "the same for the 3-D figure (0: all)"},
};

const nn_study nn_study_dataset = {
    .spec = {.name = "dataset", .summary = "the data set as the notebooks first draw it: the "
             "targets against one feature, or the first two features by class, and the first "
             "three in 3-D", .options = options, .n_options = sizeof options / sizeof *options,
             .options_size = sizeof(dataset_opts)},
    .figures = "`dataset.png`, and `dataset-3d.png` for three features or more",
    .run = run,
};
