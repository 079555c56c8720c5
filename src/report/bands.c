/* bands.c: training curves pooled over replicates (seed bands), and histograms of what the
 * models ended with.
 *
 * A group is the curves of one model under one setting, over seeds: a run's replicates
 * ("seeds"), a sweep's seed axis, or both. At each epoch a group's band is the median of
 * its members, their interquartile range and their minimum and maximum (quartiles by
 * linear interpolation, numpy's default). A member that stopped early (it converged, or
 * reached max_epochs) keeps its last value; values that are not finite (a diverged run's
 * last row) are left out, and n says how many members made each row. Runs longer than
 * MAX_SAMPLES epochs are pooled at every k-th epoch (and the last), so memory and the
 * figure stay bounded however long the runs.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/files.h"
#include "nnlab/io.h"
#include "rep.h"

#define MAX_SAMPLES 2000
#define MAX_COLS 8
#define MAX_DRAWN 20        /* groups drawn in one figure (the CSV holds all) */
#define NAME_MAX_LEN 64     /* a metrics.csv column's name, at most */
#define KEY_CHARS 44        /* a key entry, at most (longer ones lose their middle) */
#define LINE_MAX_BYTES 4096

int rep_group(rgroups *g, const char *raw)
{
    return rep_group_styled(g, raw, -1, 0);
}

int rep_group_styled(rgroups *g, const char *raw, int color, int dash)
{
    char name[400];   /* a name is one line of a CSV: control characters become spaces */
    snprintf(name, sizeof name, "%s", raw);
    for (char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    for (int i = 0; i < g->n; i++)
        if (!strcmp(g->names[i], name))
            return i;
    if (g->n == g->cap) {
        int cap = g->cap ? 2 * g->cap : 16;
        char **p = realloc(g->names, (size_t)cap * sizeof *p);
        int *st = p ? realloc(g->style, (size_t)cap * sizeof *st) : NULL;
        if (p)
            g->names = p;
        if (!p || !st) {
            g->oom = true;
            return -1;
        }
        g->style = st, g->cap = cap;
    }
    if (!(g->names[g->n] = strdup(name))) {
        g->oom = true;
        return -1;
    }
    g->style[g->n] = (color < 0 ? g->n : color) * 1000 + (dash < 0 ? 0 : dash % 1000);
    return g->n++;
}

void rep_member(rgroups *g, int group, const char *path)
{
    if (group < 0)
        return;
    if (g->n_m == g->cap_m) {
        int cap = g->cap_m ? 2 * g->cap_m : 64;
        rmember *p = realloc(g->m, (size_t)cap * sizeof *p);
        if (!p) {
            g->oom = true;
            return;
        }
        g->m = p, g->cap_m = cap;
    }
    if (!(g->m[g->n_m].path = strdup(path))) {
        g->oom = true;
        return;
    }
    g->m[g->n_m++].group = group;
}

void rep_groups_free(rgroups *g)
{
    for (int i = 0; i < g->n; i++)
        free(g->names[i]);
    for (int i = 0; i < g->n_m; i++)
        free(g->m[i].path);
    free(g->names);
    free(g->style);
    free(g->m);
    memset(g, 0, sizeof *g);
}

/* ---- one member's curve ------------------------------------------------------------------ */

/* the header's columns (after epoch) into names; their count, or -1 */
static int header(FILE *f, char names[MAX_COLS][NAME_MAX_LEN])
{
    char line[LINE_MAX_BYTES];
    if (!fgets(line, sizeof line, f) || strncmp(line, "epoch,", 6))
        return -1;
    line[strcspn(line, "\r\n")] = '\0';
    int n = 0;
    for (char *save = NULL, *t = strtok_r(line + 6, ",", &save); t && n < MAX_COLS;
         t = strtok_r(NULL, ",", &save))
        snprintf(names[n++], NAME_MAX_LEN, "%s", t);
    return n;
}

/* the last epoch in a metrics.csv (its rows count from epoch 0), or -1 */
static long last_epoch(const char *path)
{
    FILE *f = nn_fopen_read(path, "metrics", NULL);
    if (!f)
        return -1;
    char line[LINE_MAX_BYTES];
    long last = -1;
    bool first = true;
    while (fgets(line, sizeof line, f)) {
        if (first) {
            first = false;
            continue;
        }
        char *end;
        double ep = strtod(line, &end);
        if (end != line && *end == ',' && ep >= 0 && ep < 1e12 && ep == floor(ep))
            last = (long)ep > last ? (long)ep : last;
    }
    fclose(f);
    return last;
}

/* Read a member: for each sample k (epoch k*stride, the last sample epoch E) and column c of
 * the group's (map[i] = the group's column of the file's i-th), v[(c * S) + k]. Values past
 * the member's last epoch carry its last row. Returns false when the file cannot be read. */
static bool read_member(const char *path, char gnames[MAX_COLS][NAME_MAX_LEN], int gcols, long stride,
                        long E, int S, double *v)
{
    for (int i = 0; i < gcols * S; i++)
        v[i] = NAN;
    FILE *f = nn_fopen_read(path, "metrics", NULL);
    if (!f)
        return false;
    char names[MAX_COLS][NAME_MAX_LEN];
    int nc = header(f, names);
    if (nc < 0) {
        fclose(f);
        return false;
    }
    int map[MAX_COLS];
    for (int i = 0; i < nc; i++) {
        map[i] = -1;
        for (int c = 0; c < gcols; c++)
            if (!strcmp(names[i], gnames[c]))
                map[i] = c;
    }
    char line[LINE_MAX_BYTES];
    double last[MAX_COLS];
    for (int c = 0; c < MAX_COLS; c++)
        last[c] = NAN;
    long last_ep = -1;
    while (fgets(line, sizeof line, f)) {
        char *p = line, *end;
        double ep = strtod(p, &end);
        if (end == p || *end != ',' || !(ep >= 0 && ep <= (double)E) || ep != floor(ep))
            continue;
        long e = (long)ep;
        double row[MAX_COLS];
        for (int i = 0; i < MAX_COLS; i++)   /* a short row's missing values are missing */
            row[i] = NAN;
        p = end;
        for (int i = 0; i < nc; i++) {
            if (*p != ',')
                break;
            row[i] = strtod(p + 1, &end);
            if (end == p + 1)
                row[i] = NAN;
            p = end + strcspn(end, ",\r\n");
        }
        for (int i = 0; i < nc; i++)
            if (map[i] >= 0)
                last[map[i]] = row[i];
        last_ep = e;
        int k = e == E ? S - 1 : (e % stride == 0 ? (int)(e / stride) : -1);
        if (k >= 0 && k < S)
            for (int i = 0; i < nc; i++)
                if (map[i] >= 0)
                    v[map[i] * S + k] = row[i];
    }
    fclose(f);
    if (last_ep < 0)
        return false;
    for (int k = 0; k < S; k++) {   /* stopped early: its last value stands */
        long ek = k == S - 1 ? E : (long)k * stride;
        if (ek > last_ep)
            for (int c = 0; c < gcols; c++)
                v[c * S + k] = last[c];
    }
    return true;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy's linear quantile of sorted s[0..n) */
static double quantile(const double *s, int n, double q)
{
    double pos = q * (n - 1);
    int lo = (int)floor(pos);
    int hi = lo + 1 < n ? lo + 1 : lo;
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}


/* ---- the bands --------------------------------------------------------------------------- */

int rep_bands(const rgroups *g, const char *dir, const char *base, const char *title,
              const nn_fig_opts *fig, bool *drawn, bool *missing, char *note, size_t cap,
              nn_err *e)
{
    *drawn = *missing = false;
    if (note && cap)
        note[0] = '\0';
    if (g->oom)
        return nn_err_set(e, NN_ENOMEM, dir, "out of memory");
    /* the columns: the first readable member's header (every run of a spec has the same) */
    char gnames[MAX_COLS][NAME_MAX_LEN];
    int gcols = -1;
    for (int i = 0; i < g->n_m && gcols < 0; i++) {
        FILE *f = nn_fopen_read(g->m[i].path, "metrics", NULL);
        if (f) {
            gcols = header(f, gnames);
            fclose(f);
        }
    }
    if (gcols <= 0) {
        if (note && cap)
            snprintf(note, cap, "no metrics.csv could be read");
        return NN_OK;
    }
    char path[4400], file[300];
    snprintf(file, sizeof file, "%s.csv", base);
    nn_path_join(path, sizeof path, dir, file);
    nn_file w;
    int rc = nn_file_open(&w, path, e);
    if (rc)
        return rc;
    fputs("epoch", w.f);
    static const char *const stat[6] = {"n", "min", "q25", "median", "q75", "max"};
    for (int c = 0; c < gcols; c++)
        for (int k = 0; k < 6; k++) {   /* a column's name may hold anything: quoted */
            char name[NAME_MAX_LEN + 16];
            snprintf(name, sizeof name, "%.63s_%s", gnames[c], stat[k]);
            fputc(',', w.f);
            nn_csv_str(w.f, name);
        }
    fputs(",group\n", w.f);
    long *first = calloc((size_t)g->n + 1, sizeof *first), row = 0;
    int *members = calloc((size_t)g->n + 1, sizeof *members), unread = 0;
    double *v = NULL, *s = NULL;
    if (!first || !members)
        goto oom;
    for (int gi = 0; gi < g->n; gi++) {
        first[gi] = row;
        long E = -1;
        int n = 0;
        for (int i = 0; i < g->n_m; i++)
            if (g->m[i].group == gi) {
                long le = last_epoch(g->m[i].path);
                E = le > E ? le : E;
                n++;
            }
        if (E < 0 || !n)
            continue;
        long stride = (E + MAX_SAMPLES - 1) / MAX_SAMPLES;
        stride = stride < 1 ? 1 : stride;
        int S = (int)(E / stride) + 1 + (E % stride != 0);
        free(v), free(s);
        v = malloc((size_t)n * (size_t)gcols * (size_t)S * sizeof *v);
        s = malloc((size_t)n * sizeof *s);
        if (!v || !s)
            goto oom;
        int got = 0;
        for (int i = 0; i < g->n_m; i++)
            if (g->m[i].group == gi) {
                if (read_member(g->m[i].path, gnames, gcols, stride, E, S,
                                v + (size_t)got * (size_t)gcols * (size_t)S))
                    got++;
                else
                    unread++;
            }
        members[gi] = got;
        for (int k = 0; k < S && got; k++) {
            fprintf(w.f, "%ld", k == S - 1 ? E : (long)k * stride);
            for (int c = 0; c < gcols; c++) {
                int m = 0;
                for (int i = 0; i < got; i++) {
                    double x = v[(size_t)i * (size_t)gcols * (size_t)S + (size_t)c * (size_t)S + (size_t)k];
                    if (isfinite(x))
                        s[m++] = x;
                }
                qsort(s, (size_t)m, sizeof *s, cmp_double);
                fprintf(w.f, ",%d", m);
                static const double qs[5] = {0, 0.25, 0.5, 0.75, 1};
                for (int q = 0; q < 5; q++) {
                    fputc(',', w.f);
                    if (m)
                        nn_csv_num(w.f, quantile(s, m, qs[q]));
                    else
                        fputs("nan", w.f);
                }
            }
            fputc(',', w.f);
            nn_csv_str(w.f, g->names[gi]);
            fputc('\n', w.f);
            row++;
        }
    }
    first[g->n] = row;
    free(v), free(s);
    v = s = NULL;
    if ((rc = nn_file_commit(&w, e)))
        goto out;
    if (unread && note && cap)
        snprintf(note, cap, "%d metrics.csv could not be read and are left out", unread);
    if (!fig || row == 0)
        goto out;

    /* the figure: a panel per metric worth drawing (loss, error, test error), a group per colour */
    int panel_col[MAX_COLS], panels = 0;
    for (int c = 0; c < gcols && panels < 3; c++)
        if (!strcmp(gnames[c], "loss") || !strcmp(gnames[c], "error") ||
            !strcmp(gnames[c], "test_error"))
            panel_col[panels++] = c;
    if (!panels)
        goto out;
    int shown = g->n < MAX_DRAWN ? g->n : MAX_DRAWN, longest = 12, entries = 0;
    bool pooled = false;   /* any band at all (else: curves, and no band in the key) */
    bool dashed = false;   /* several settings of one model */
    for (int gi = 0; gi < g->n; gi++) {
        pooled = pooled || members[gi] > 1;
        dashed = dashed || g->style[gi] % 1000;
    }
    /* bands of one colour overlap past telling apart: pooled over several settings, each
     * group has a colour of its own (and keeps its dash) */
    bool own_colour = pooled && dashed;
    char (*label)[KEY_CHARS * 3 + 40] = calloc((size_t)shown + 1, sizeof *label);
    if (!label)
        goto oom;
    for (int gi = 0; gi < shown; gi++) {   /* "<name> (20 runs)", its middle elided when long */
        char runs[32] = "";
        if (members[gi] > 1)
            snprintf(runs, sizeof runs, " (%d runs)", members[gi]);
        const char *nm = g->names[gi];
        size_t n = strlen(nm), room = KEY_CHARS - strlen(runs);
        if (n > room)   /* keep the model (the start) and the setting's value (the end) */
            snprintf(label[gi], sizeof label[gi], "%.*s\xe2\x80\xa6%s%s", (int)(room / 2 - 1), nm,
                     nm + n - (room - room / 2), runs);
        else
            snprintf(label[gi], sizeof label[gi], "%s%s", nm, runs);
        int l = (int)(n > room ? room : n) + (int)strlen(runs);
        longest = l > longest ? l : longest;
        entries += first[gi + 1] > first[gi];
    }
    entries += pooled ? 3 : 0;
    int key_px = 80 + 8 * longest;
    int height = 130 + 21 * entries > 420 ? 130 + 21 * entries : 420;   /* the key fits */
    nn_gp gp;
    if ((rc = nn_gp_begin(&gp, dir, base, pooled ? "seed bands: each group's median curve, its "
                          "interquartile band and its min-max band, from the pooled metrics.csv"
                          : "training curves, from each model's metrics.csv",
                          360 * panels + key_px + 40, height, fig, e))) {
        free(label);
        goto out;
    }
    FILE *f = gp.f;
    if (g->n > shown)
        fprintf(f, "# the first %d of %d groups are drawn; %s.csv holds every one\n", shown,
                g->n, base);
    fputs("set datafile separator ','\nset xlabel 'epoch'\nset autoscale xfix\n", f);
    fputs("set multiplot title ", f);
    nn_gp_str(&gp, title);
    fputs(" font sprintf(',%g', FS * 1.2)\n", f);
    char q[400], color[64];
    snprintf(file, sizeof file, "%s.csv", base);
    for (int p = 0; p < panels; p++) {
        int c = panel_col[p], col0 = 2 + 6 * c;   /* n at col0, then min q25 median q75 max */
        nn_gp_panel(&gp, 0, p, 1, panels, 70, key_px, 62);
        if (p == 0)
            nn_gp_key_right(&gp, key_px, 70);
        else
            fputs("unset key\n", f);
        bool loss = !strcmp(gnames[c], "loss");
        fprintf(f, "set title '%s'\nset ylabel '%s'\n",
                loss ? "training loss" : !strcmp(gnames[c], "error") ? "train error" : "test error",
                loss ? "loss" : "misclassification rate");
        fputs(loss ? "set logscale y\nset format y '%.0e'\nset yrange [*:*]\n"
                   : "unset logscale y\nset format y '%g'\nset yrange [0:*]\n", f);
        fputs("plot ", f);
        bool any = false;
        /* every group's bands first, then every median over them: a median keeps its colour */
        for (int pass = 0; pass < 2; pass++)
            for (int gi = 0; gi < shown; gi++) {
                if (first[gi + 1] == first[gi] || (pass == 0 && members[gi] < 2))
                    continue;
                if (any)
                    fputs(", \\\n     ", f);
                any = true;
                nn_gp_quote(q, sizeof q, file);
                int ci = own_colour ? gi : g->style[gi] / 1000, dash = g->style[gi] % 1000;
                nn_gp_series_color(color, sizeof color, ci);
                long a = first[gi], b = first[gi + 1] - 1;
                if (pass == 0) {
                    fprintf(f, "%s skip 1 every ::%ld::%ld using 1:%d:%d with filledcurves %s "
                               "fs transparent solid 0.10 noborder notitle, \\\n     ", q, a, b,
                            col0 + 1, col0 + 5, color);
                    fprintf(f, "%s skip 1 every ::%ld::%ld using 1:%d:%d with filledcurves %s "
                               "fs transparent solid 0.25 noborder notitle", q, a, b, col0 + 2,
                            col0 + 4, color);
                    continue;
                }
                char style[120];
                if (dash)   /* a run or setting of its own: the model's colour, dashed */
                    snprintf(style, sizeof style, "%s dt %d", color, 1 + dash % 4);
                else
                    nn_gp_series(style, sizeof style, ci);
                fprintf(f, "%s skip 1 every ::%ld::%ld using 1:%d with lines lw 2 %s ", q, a, b,
                        col0 + 3, style);
                if (p == 0) {
                    nn_gp_quote(q, sizeof q, label[gi]);
                    fprintf(f, "title %s", q);
                } else {
                    fputs("notitle", f);
                }
            }
        if (p == 0 && pooled)
            fputs(", \\\n     keyentry with lines lw 2 lc rgb INK title 'median', "
                  "keyentry with filledcurves fs transparent solid 0.35 noborder lc rgb INK "
                  "title 'interquartile', keyentry with filledcurves fs transparent solid 0.12 "
                  "noborder lc rgb INK title 'min to max'", f);
        fputs("\n", f);
    }
    fputs("unset multiplot\n", f);
    free(label);
    if ((rc = nn_gp_end(&gp, e)))
        goto out;
    rc = nn_gp_draw(dir, base, false, fig, missing, NULL, 0, e);
    *drawn = !rc && !*missing;
    if (*drawn && g->n > shown && note && cap && !note[0])
        snprintf(note, cap, "the figure draws the first %d of %d groups; the table (nnlab "
                 "collect DIR --curves) holds every one", shown, g->n);
    goto out;
oom:
    nn_file_abort(&w);
    rc = nn_err_set(e, NN_ENOMEM, dir, "out of memory");
out:
    free(v), free(s);
    free(first), free(members);
    return rc;
}

/* ---- histograms -------------------------------------------------------------------------- */

typedef struct hmetric {
    const char *path, *title;
    bool log;                  /* binned as log10 */
} hmetric;

#define BINS 20

/* BINS bins over [lo, hi]; all values equal: the value in the middle bin of a span around it */
static void bins_of(double lo, double hi, double *start, double *width)
{
    if (hi > lo) {
        *start = lo, *width = (hi - lo) / BINS;
        return;
    }
    double span = lo != 0 ? fabs(lo) * 0.2 : 1;
    *width = span / BINS;
    *start = lo - span / 2 - *width / 2;
}

int rep_histograms(rrun *const *runs, int n_runs, const char *dir, const char *base,
                   const char *title, const nn_fig_opts *fig, bool *drawn, bool *missing,
                   char *note, size_t cap, nn_err *e)
{
    *drawn = *missing = false;
    if (note && cap)
        note[0] = '\0';
    hmetric ms[4] = {{"converged_epoch", "converged epoch", false},
                     {"final.loss", "final loss", false},
                     {"final.error", "final train error", false},
                     {"final.test_error", "final test error", false}};
    /* groups: the models by the spec model they replicate */
    rgroups g = {0};
    for (int r = 0; r < n_runs; r++)
        for (int i = 0; i < runs[r]->n_models; i++)
            rep_group(&g, runs[r]->models[i].group);
    int G = g.n < MAX_DRAWN ? g.n : MAX_DRAWN;
    if (g.n > G && note && cap)
        snprintf(note, cap, "the histograms count the models of the first %d of %d spec models; "
                 "nnlab collect --plot draws every one", G, g.n);
    if (g.oom || !G) {
        rep_groups_free(&g);
        return g.oom ? nn_err_set(e, NN_ENOMEM, dir, "out of memory") : NN_OK;
    }
    double lo[4], hi[4];
    int finite[4] = {0}, never[4] = {0};
    for (int k = 0; k < 4; k++) {
        lo[k] = INFINITY, hi[k] = -INFINITY;
        bool pos = true;
        for (int r = 0; r < n_runs; r++)
            for (int i = 0; i < runs[r]->n_models; i++) {
                double x = rep_num(runs[r]->models[i].j, ms[k].path);
                if (isnan(x)) {
                    never[k]++;
                    continue;
                }
                finite[k]++;
                pos = pos && x > 0;
                lo[k] = x < lo[k] ? x : lo[k];
                hi[k] = x > hi[k] ? x : hi[k];
            }
        if (k == 1 && finite[k] && pos && hi[k] > 100 * lo[k]) {   /* losses span decades */
            ms[k].log = true;
            lo[k] = log10(lo[k]), hi[k] = log10(hi[k]);
        }
    }
    int panel[4], panels = 0, most[4] = {0};
    for (int k = 0; k < 4; k++)
        if (finite[k])
            panel[panels++] = k;
    if (!panels) {
        rep_groups_free(&g);
        return NN_OK;
    }
    char path[4400], file[300];
    snprintf(file, sizeof file, "%s.csv", base);
    nn_path_join(path, sizeof path, dir, file);
    nn_file w;
    int rc = nn_file_open(&w, path, e);
    if (rc) {
        rep_groups_free(&g);
        return rc;
    }
    fputs("value,bin_low,bin_high", w.f);
    for (int gi = 0; gi < G; gi++) {
        fputc(',', w.f);
        nn_csv_str(w.f, g.names[gi]);
    }
    fputc('\n', w.f);
    for (int p = 0; p < panels; p++) {
        int k = panel[p];
        double width, start;
        bins_of(lo[k], hi[k], &start, &width);
        int counts[BINS][MAX_DRAWN] = {{0}};
        most[p] = 0;
        for (int r = 0; r < n_runs; r++)
            for (int i = 0; i < runs[r]->n_models; i++) {
                double x = rep_num(runs[r]->models[i].j, ms[k].path);
                int gi = rep_group(&g, runs[r]->models[i].group);
                if (isnan(x) || gi >= G || gi < 0)
                    continue;
                if (ms[k].log)
                    x = log10(x);
                int b = (int)floor((x - start) / width);
                b = b < 0 ? 0 : b >= BINS ? BINS - 1 : b;   /* the last bin closed, as numpy's */
                counts[b][gi]++;
                most[p] = counts[b][gi] > most[p] ? counts[b][gi] : most[p];
            }
        for (int b = 0; b < BINS; b++) {
            fprintf(w.f, "%s%s,", ms[k].log ? "log10 " : "", ms[k].path);
            nn_csv_num(w.f, start + b * width);
            fputc(',', w.f);
            nn_csv_num(w.f, start + (b + 1) * width);
            for (int gi = 0; gi < G; gi++)
                fprintf(w.f, ",%d", counts[b][gi]);
            fputc('\n', w.f);
        }
    }
    if ((rc = nn_file_commit(&w, e)) || !fig) {
        rep_groups_free(&g);
        return rc;
    }
    int cols = panels < 2 ? panels : 2, rows = (panels + 1) / 2;
    nn_gp gp;
    if ((rc = nn_gp_begin(&gp, dir, base, "histograms of what each model ended with, by model",
                          420 * cols + 40, 330 * rows + 90 + 30 * ((G + 3) / 4), fig, e))) {
        rep_groups_free(&g);
        return rc;
    }
    FILE *f = gp.f;
    char q[400], style[80];
    fputs("set datafile separator ','\nset style fill solid 0.75 noborder\nset ylabel 'models'\n"
          "set yrange [0:*]\nset multiplot title ", f);
    nn_gp_str(&gp, title);
    fputs(" font sprintf(',%g', FS * 1.2)\nunset key\n", f);
    nn_gp_quote(q, sizeof q, file);
    for (int p = 0; p < panels; p++) {
        int k = panel[p];
        nn_gp_panel(&gp, p / 2, p % 2, rows, cols, 80, 0, 60 + 30 * ((G + 3) / 4));
        char t[200];
        if (never[k] && k == 0)
            snprintf(t, sizeof t, "%s (%d of %d never converged)", ms[k].title, never[k],
                     never[k] + finite[k]);
        else
            snprintf(t, sizeof t, "%s", ms[k].title);
        fputs("set title ", f);
        nn_gp_str(&gp, t);
        fprintf(f, "\nset xlabel '%s%s'\n", ms[k].log ? "log10 " : "", ms[k].title);
        double width, start;
        bins_of(lo[k], hi[k], &start, &width);
        fprintf(f, "set xrange [%.17g:%.17g]\nset boxwidth %.17g absolute\n", start,
                start + BINS * width, width / G * 0.9);
        /* about five labels on the x axis, whole models on the y axis */
        double raw = BINS * width / 5, pw = pow(10, floor(log10(raw))), mant = raw / pw;
        fprintf(f, "set xtics %.17g\n", (mant <= 1 ? 1 : mant <= 2 ? 2 : mant <= 5 ? 5 : 10) * pw);
        fprintf(f, "set ytics %s\nplot ", most[p] <= 6 ? "1" : "autofreq");
        for (int gi = 0; gi < G; gi++) {
            nn_gp_series(style, sizeof style, gi);
            double off = (gi + 0.5) * width / G;
            fprintf(f, "%s%s skip 1 every ::%d::%d using ($2 + %.17g):%d with boxes %s notitle",
                    gi ? ", \\\n     " : "", q, p * BINS, p * BINS + BINS - 1, off, 4 + gi, style);
        }
        fputs("\n", f);
    }
    nn_gp_key_strip(&gp, 30 * ((G + 3) / 4) + 10, (G + 3) / 4);
    for (int gi = 0; gi < G; gi++) {
        nn_gp_series(style, sizeof style, gi);
        nn_gp_quote(q, sizeof q, g.names[gi]);
        fprintf(f, ", keyentry with boxes fs solid 0.75 noborder %s title %s", style, q);
    }
    fputs("\nunset multiplot\n", f);
    rep_groups_free(&g);
    if ((rc = nn_gp_end(&gp, e)))
        return rc;
    rc = nn_gp_draw(dir, base, false, fig, missing, NULL, 0, e);
    *drawn = !rc && !*missing;
    return rc;
}
