/* cmd_collect.c: `nnlab collect`, one table from many run directories (docs/sweep.md).
 *
 * Rows are models of runs, in the order the directories are named (a sweep's in point
 * order, a folder's runs by name). Columns are the union over the rows, in the order they
 * are first met: run, the swept values (set.<path>), status, model, seed, the summary's
 * converged, converged_epoch, epochs_run, iterations, every final metric, then every
 * scalar under analyses (nested keys and list positions joined by dots; lists of more
 * than 64 items are left out). --summary reduces each numeric column per group (model
 * and the swept values that are not seeds): count, missing, mean, median, quartiles
 * (numpy's linear interpolation), min and max.
 */
#include <cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "nnlab/figure.h"
#include "nnlab/io.h"
#include "nnlab/json.h"
#include "nnlab/record.h"
#include "nnlab/spec.h"

typedef struct table {
    cJSON *rows;           /* array of objects */
    char **cols;
    int n_cols, cap_cols;
} table;

static int add_col(table *t, const char *name)
{
    for (int i = 0; i < t->n_cols; i++)
        if (!strcmp(t->cols[i], name))
            return 0;
    if (t->n_cols == t->cap_cols) {
        int cap = t->cap_cols ? 2 * t->cap_cols : 64;
        char **c = realloc(t->cols, (size_t)cap * sizeof *c);
        if (!c)
            return -1;
        t->cols = c;
        t->cap_cols = cap;
    }
    return (t->cols[t->n_cols++] = strdup(name)) ? 0 : -1;
}

static void put(table *t, cJSON *row, const char *key, cJSON *v)
{
    if (cJSON_GetObjectItemCaseSensitive(row, key)) {
        cJSON_Delete(v);
        return;
    }
    cJSON_AddItemToObject(row, key, v);
    add_col(t, key);
}

static cJSON *read_json(const char *dir, const char *name)
{
    char path[8400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t n;
    nn_err e;
    char *text = nn_read_file(path, (size_t)1 << 28, "file", &n, &e);
    if (!text)
        return NULL;
    cJSON *j = cJSON_ParseWithLength(text, n);
    free(text);
    return j;
}

/* A swept value as the run received it (nn_set_value: "0x10" and "007" stay strings); a
 * list or object is its JSON text. */
static cJSON *typed(const char *s)
{
    cJSON *v = nn_set_value(s);
    if (v && (cJSON_IsArray(v) || cJSON_IsObject(v))) {
        cJSON_Delete(v);
        v = cJSON_CreateString(s);
    }
    return v;
}

/* Scalars under j as prefix.key.key...; under a study, an entry named after a model of the
 * run belongs to that model's row only and loses its label (analyses.decision.error). */
static void flatten(table *t, cJSON *row, const char *prefix, const cJSON *j, int depth,
                    const cJSON *models, const char *model)
{
    char key[1024];
    if (cJSON_IsObject(j)) {
        const cJSON *c, *m;
        cJSON_ArrayForEach(c, j) {
            bool is_label = false;
            cJSON_ArrayForEach(m, models) {
                const cJSON *l = cJSON_GetObjectItemCaseSensitive(m, "label");
                is_label |= depth == 2 && cJSON_IsString(l) && !strcmp(l->valuestring, c->string);
            }
            if (is_label && (!model || strcmp(model, c->string)))
                continue;
            if (is_label)
                snprintf(key, sizeof key, "%s", prefix);
            else
                snprintf(key, sizeof key, "%s.%s", prefix, c->string);
            flatten(t, row, key, c, depth + 1, models, model);
        }
    } else if (cJSON_IsArray(j)) {
        if (cJSON_GetArraySize(j) > 64)
            return;
        int i = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, j) {
            snprintf(key, sizeof key, "%s.%d", prefix, i++);
            flatten(t, row, key, c, depth + 1, models, model);
        }
    } else {
        put(t, row, prefix, cJSON_Duplicate(j, 1));
    }
}

/* The rows of one run directory; sets is an array of "path=value" or NULL. */
static void add_run(table *t, const char *dir, const cJSON *sets, const char *fallback)
{
    cJSON *man = read_json(dir, "manifest.json"), *sum = read_json(dir, "summary.json");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(man, "status");
    const cJSON *models = cJSON_GetObjectItemCaseSensitive(sum, "models");
    /* the status the rows carry: the run's own word, unless its files say otherwise */
    struct stat sb;
    bool here = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
    const char *status = cJSON_IsString(st) ? st->valuestring : man ? "unknown"
                                                                    : fallback ? fallback : "missing";
    bool finished = !strcmp(status, "complete") || !strcmp(status, "diverged") ||
                    !strcmp(status, "interrupted");
    if (!here && (!fallback || finished)) {
        status = "missing";
        fprintf(stderr, "nnlab: collect: %s: missing (its rows have no values)\n", dir);
    } else if (here && finished && !cJSON_IsArray(models)) {
        status = "incomplete";
        fprintf(stderr, "nnlab: collect: %s: says %s but its summary.json is %s\n", dir,
                cJSON_IsString(st) ? st->valuestring : fallback, sum ? "not nnlab's" : "missing or unreadable");
    }
    int n = cJSON_IsArray(models) ? cJSON_GetArraySize(models) : 0;
    for (int m = 0; m < (n ? n : 1); m++) {
        cJSON *row = cJSON_CreateObject();
        put(t, row, "run", cJSON_CreateString(dir));
        const cJSON *s;
        cJSON_ArrayForEach(s, sets) {
            const char *eq = cJSON_IsString(s) ? strchr(s->valuestring, '=') : NULL;
            if (!eq)
                continue;
            char key[600];
            snprintf(key, sizeof key, "set.%.*s", (int)(eq - s->valuestring), s->valuestring);
            put(t, row, key, typed(eq + 1));
        }
        put(t, row, "status", cJSON_CreateString(status));
        const cJSON *mj = n ? cJSON_GetArrayItem(models, m) : NULL;
        static const char *const keys[] = {"label", "seed", "converged", "converged_epoch",
                                           "epochs_run", "iterations"};
        for (int k = 0; k < 6; k++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(mj, keys[k]);
            put(t, row, k ? keys[k] : "model", v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
        }
        const cJSON *fin = cJSON_GetObjectItemCaseSensitive(mj, "final"), *f;
        cJSON_ArrayForEach(f, fin)
            put(t, row, f->string, cJSON_Duplicate(f, 1));
        const cJSON *lab = cJSON_GetObjectItemCaseSensitive(mj, "label");
        flatten(t, row, "analyses", cJSON_GetObjectItemCaseSensitive(sum, "analyses"), 1, models,
                cJSON_IsString(lab) ? lab->valuestring : NULL);
        cJSON_AddItemToArray(t->rows, row);
    }
    cJSON_Delete(man);
    cJSON_Delete(sum);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A sweep, a run, or a folder of runs. */
static int add_dir(table *t, const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "nnlab: %s: not a directory\n", dir);
        return 2;
    }
    char path[8400];
    cJSON *sw = read_json(dir, "sweep.json");
    if (sw) {
        const cJSON *p;
        cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(sw, "points")) {
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(p, "dir");
            if (!cJSON_IsString(d) || strchr(d->valuestring, '/') || d->valuestring[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, d->valuestring);
            const cJSON *ps = cJSON_GetObjectItemCaseSensitive(p, "status");
            add_run(t, path, cJSON_GetObjectItemCaseSensitive(p, "sets"),
                    cJSON_IsString(ps) ? ps->valuestring : NULL);
        }
        cJSON_Delete(sw);
        return 0;
    }
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    if (nn_path_exists(path)) {
        add_run(t, dir, NULL, NULL);
        return 0;
    }
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s/manifest.json", dir, de->d_name);
        if (!nn_path_exists(path))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        names[n++] = strdup(de->d_name);
    }
    if (d)
        closedir(d);
    if (n == 0) {
        free(names);
        fprintf(stderr, "nnlab: %s: holds no nnlab run (no sweep.json or manifest.json)\n", dir);
        return 2;
    }
    qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        add_run(t, path, NULL, NULL);
        free(names[i]);
    }
    free(names);
    return 0;
}

/* ---- output ------------------------------------------------------------------------------ */

static void csv_field(FILE *f, const cJSON *v)
{
    if (!v || cJSON_IsNull(v))
        return;
    if (cJSON_IsNumber(v)) {
        nn_csv_num(f, v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        fputs(cJSON_IsTrue(v) ? "true" : "false", f);
    } else if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        if (strpbrk(s, ",\"\n\r")) {
            fputc('"', f);
            for (; *s; s++) {
                if (*s == '"')
                    fputc('"', f);
                fputc(*s, f);
            }
            fputc('"', f);
        } else {
            fputs(s, f);
        }
    }
}

static void write_csv(FILE *f, const table *t)
{
    for (int c = 0; c < t->n_cols; c++)
        fprintf(f, "%s%s", c ? "," : "", t->cols[c]);
    fputc('\n', f);
    const cJSON *r;
    cJSON_ArrayForEach(r, t->rows) {
        for (int c = 0; c < t->n_cols; c++) {
            if (c)
                fputc(',', f);
            csv_field(f, cJSON_GetObjectItemCaseSensitive(r, t->cols[c]));
        }
        fputc('\n', f);
    }
}

static bool seed_axis(const char *col)
{
    if (strncmp(col, "set.", 4))
        return false;
    const char *last = strrchr(col, '.');
    return !strcmp(last + 1, "seed") || !strcmp(last + 1, "seeds");
}

static bool is_group_col(const char *col) { return !strncmp(col, "set.", 4) && !seed_axis(col); }

static bool numeric(const cJSON *v, double *x)
{
    if (cJSON_IsNumber(v))
        return *x = v->valuedouble, isfinite(*x);
    if (cJSON_IsBool(v))
        return *x = cJSON_IsTrue(v), true;
    return false;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(const double *s, size_t n, double q)
{
    double pos = q * (double)(n - 1);
    size_t lo = (size_t)floor(pos), hi = lo + 1 < n ? lo + 1 : lo;
    return s[lo] + (s[hi] - s[lo]) * (pos - (double)lo);
}

/* The group key of a row: its model and non-seed swept values. */
static void group_key(const table *t, const cJSON *r, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int c = 0; c < t->n_cols && len < cap; c++)
        if (is_group_col(t->cols[c]) || !strcmp(t->cols[c], "model")) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, t->cols[c]);
            char *s = v ? cJSON_PrintUnformatted(v) : NULL;
            len += (size_t)snprintf(buf + len, cap - len, "%s\x1f", s ? s : "");
            free(s);
        }
}

typedef struct keyed {
    char *key;
    int row;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->row > y->row) - (x->row < y->row);
}

static void write_summary(FILE *f, const table *t)
{
    for (int c = 0; c < t->n_cols; c++)
        if (is_group_col(t->cols[c]))
            fprintf(f, "%s,", t->cols[c]);
    fputs("model,column,count,missing,mean,median,q1,q3,min,max\n", f);
    /* each row's group once, then the groups' rows together (sorted by key, rows in order
     * within a group): n log n, not a pass over all rows per group and column */
    int n_rows = cJSON_GetArraySize(t->rows);
    const cJSON **rows = malloc(((size_t)n_rows + 1) * sizeof *rows);
    keyed *ks = malloc(((size_t)n_rows + 1) * sizeof *ks);
    int *first = malloc(((size_t)n_rows + 1) * sizeof *first);   /* per sorted run: its first row */
    int *order = malloc(((size_t)n_rows + 1) * sizeof *order);   /* row -> position in ks */
    double *vals = malloc(((size_t)n_rows + 1) * sizeof *vals);
    bool *numeric_col = calloc((size_t)t->n_cols + 1, sizeof *numeric_col);
    char key[4096];
    int ok = rows && ks && first && order && vals && numeric_col, n_keys = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, t->rows) {
        if (!ok)
            break;
        rows[n_keys] = r;
        group_key(t, r, key, sizeof key);
        ks[n_keys].row = n_keys;
        if (!(ks[n_keys].key = strdup(key)))
            ok = 0;
        n_keys++;
        for (int c = 0; c < t->n_cols; c++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, t->cols[c]);
            numeric_col[c] |= cJSON_IsNumber(v) || cJSON_IsBool(v);
        }
    }
    if (ok) {
        qsort(ks, (size_t)n_keys, sizeof *ks, by_key);
        for (int p = 0; p < n_keys; p++) {
            first[p] = p > 0 && !strcmp(ks[p].key, ks[p - 1].key) ? first[p - 1] : p;
            order[ks[p].row] = p;
        }
    }
    /* groups in the order of their first rows */
    for (int i = 0; ok && i < n_rows; i++) {
        int p0 = order[i];
        if (first[p0] != p0)
            continue;              /* not the first row of its group */
        int p1 = p0;
        while (p1 < n_keys && first[p1] == p0)
            p1++;
        const cJSON *r0 = rows[i];
        for (int c = 0; c < t->n_cols; c++) {
            const char *col = t->cols[c];
            if (!strncmp(col, "set.", 4) || !strcmp(col, "run") || !strcmp(col, "status") ||
                !strcmp(col, "model") || !strcmp(col, "seed") || !numeric_col[c])
                continue;
            size_t n = 0, missing = 0;
            for (int p = p0; p < p1; p++) {
                double x;
                if (numeric(cJSON_GetObjectItemCaseSensitive(rows[ks[p].row], col), &x))
                    vals[n++] = x;
                else
                    missing++;
            }
            for (int g = 0; g < t->n_cols; g++)
                if (is_group_col(t->cols[g])) {
                    csv_field(f, cJSON_GetObjectItemCaseSensitive(r0, t->cols[g]));
                    fputc(',', f);
                }
            csv_field(f, cJSON_GetObjectItemCaseSensitive(r0, "model"));
            fprintf(f, ",%s,%zu,%zu", col, n, missing);
            if (n) {
                qsort(vals, n, sizeof *vals, cmp_double);
                double sum = 0;
                for (size_t q = 0; q < n; q++)
                    sum += vals[q];
                double st[6] = {sum / (double)n, quantile(vals, n, 0.5), quantile(vals, n, 0.25),
                                quantile(vals, n, 0.75), vals[0], vals[n - 1]};
                for (int q = 0; q < 6; q++) {
                    fputc(',', f);
                    nn_csv_num(f, st[q]);
                }
            } else {
                fputs(",,,,,,", f);
            }
            fputc('\n', f);
        }
    }
    if (!ok)
        fputs("nnlab: collect: out of memory\n", stderr);
    for (int k = 0; ks && k < n_keys; k++)
        free(ks[k].key);
    free(rows);
    free(ks);
    free(first);
    free(order);
    free(vals);
    free(numeric_col);
}

/* collect-<col>.csv/.gp/.png in dir: a histogram of col per group. */
static int plot(const table *t, const char *col, const char *dir)
{
    char path[8400], name[600];
    bool known = false;
    for (int c = 0; c < t->n_cols; c++)
        known |= !strcmp(t->cols[c], col);
    if (!known) {
        fprintf(stderr, "nnlab: collect: --plot %s: no such column (nnlab collect prints them in "
                "its header)\n", col);
        return 2;
    }
    /* file names from the column's name, made safe: a summary key may hold any character */
    char safe[256];
    size_t sk = 0;
    for (const char *c = col; *c && sk + 1 < sizeof safe; c++) {
        bool ok = (isalnum((unsigned char)*c) || *c == '_' || *c == '-' || *c == '.') &&
                  !(sk == 0 && *c == '.');
        safe[sk++] = ok ? *c : '_';
    }
    safe[sk] = '\0';
    snprintf(name, sizeof name, "collect-%s.csv", safe);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    nn_err e = {0};
    nn_file w;
    if (nn_file_open(&w, path, &e))
        return cli_fail(&e);
    fputs("group,value\n", w.f);
    /* groups in order of appearance; the title says how many rows have a value */
    char groups[32][256];
    size_t have[32] = {0}, total[32] = {0};
    int ng = 0;
    size_t all = 0, dropped = 0;
    double lo = INFINITY, hi = -INFINITY;
    struct { int k; double x; } *vals = malloc(((size_t)cJSON_GetArraySize(t->rows) + 1) *
                                               sizeof *vals);
    size_t n_vals = 0;
    if (!vals) {
        nn_file_abort(&w);
        nn_err_set(&e, NN_ENOMEM, "collect", "out of memory");
        return cli_fail(&e);
    }
    const cJSON *r;
    cJSON_ArrayForEach(r, t->rows) {
        char g[256] = "";
        size_t len = 0;
        for (int c = 0; c < t->n_cols; c++)
            if (is_group_col(t->cols[c]) || !strcmp(t->cols[c], "model")) {
                const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, t->cols[c]);
                /* a string as it is (no JSON escapes), anything else as JSON */
                char *s = v && !cJSON_IsString(v) ? cJSON_PrintUnformatted(v) : NULL;
                const char *val = cJSON_IsString(v) ? v->valuestring : s ? s : "";
                bool model = !strcmp(t->cols[c], "model");
                len += (size_t)snprintf(g + len, sizeof g - len, "%s%s%s%s", len ? " " : "",
                                        model ? "" : t->cols[c] + 4, model ? "" : "=", val);
                free(s);
                if (len >= sizeof g)
                    break;
            }
        for (char *p = g; *p; p++)
            if (*p == ',' || *p == '"' || *p == '\'')
                *p = ' ';
        int k = 0;
        while (k < ng && strcmp(groups[k], g))
            k++;
        if (k == ng && ng < 32)
            snprintf(groups[ng++], sizeof groups[0], "%s", g);
        all++;
        if (k >= 32) {
            dropped++;
            continue;
        }
        total[k]++;
        double x;
        if (numeric(cJSON_GetObjectItemCaseSensitive(r, col), &x)) {
            fprintf(w.f, "%s,", g);
            nn_csv_num(w.f, x);
            fputc('\n', w.f);
            have[k]++;
            lo = fmin(lo, x), hi = fmax(hi, x);
            if (isfinite(x))
                vals[n_vals].k = k, vals[n_vals++].x = x;
        }
    }
    if (nn_file_commit(&w, &e)) {
        free(vals);
        return cli_fail(&e);
    }
    if (!(lo <= hi))          /* no number in the column: an empty histogram on [0, 1] */
        lo = 0, hi = 1;
    double width = hi > lo ? hi / 20 - lo / 20 : 1;   /* (hi - lo) / 20 can overflow */
    if (hi == lo) {           /* one value: its bar in the middle, a tenth of it wide */
        width = fabs(lo) > 0 && isfinite(fabs(lo) / 10 * 10.5) ? fabs(lo) / 10 : 1;
        lo -= 10.5 * width;
    }
    if (dropped)
        fprintf(stderr, "nnlab: collect: --plot %s: more than 32 groups; the first 32 are drawn, "
                "%zu rows of the others are left out\n", col, dropped);
    /* the counts, binned here rather than by gnuplot's smooth frequency, which counts each run
     * of consecutive rows apart (groups interleave in a sweep); the last bin holds hi */
    enum { BINS = 20 };
    long (*counts)[BINS] = calloc(32, sizeof *counts), most = 0;
    if (!counts) {
        nn_err_set(&e, NN_ENOMEM, "collect", "out of memory");
        return cli_fail(&e);
    }
    for (size_t i = 0; i < n_vals; i++) {
        double b = floor((vals[i].x - lo) / width);
        int bi = b < 0 ? 0 : b >= BINS ? BINS - 1 : (int)b;
        if (++counts[vals[i].k][bi] > most)
            most = counts[vals[i].k][bi];
    }
    free(vals);
    char base[300], q[600], tt[1200];
    snprintf(base, sizeof base, "collect-%s", safe);
    nn_gp g;
    snprintf(tt, sizeof tt, "a histogram of a summary column per group, from %s", name);
    nn_fig_opts fo = {0};
    fo.gnuplot = getenv("NNLAB_GNUPLOT");
    if (nn_gp_begin(&g, dir, base, tt, 820, 480, &fo, &e)) {
        free(counts);
        return cli_fail(&e);
    }
    snprintf(tt, sizeof tt, "%s over %zu rows (a row is a model of a run)", col, all - dropped);
    nn_gp_title(&g, tt, NULL);
    fputs("set xlabel ", g.f);
    nn_gp_str(&g, col);
    fprintf(g.f, "\nset ylabel 'models'\nset yrange [0:*]\nset offsets 0, 0, graph 0.08, 0\n"
                 "set key below center horizontal maxrows 4\n"
                 "set ytics %ld\nset mytics 1\n"
                 "set style fill transparent solid 0.55 border\nset boxwidth %.17g\n",
            most <= 10 ? 1 : most <= 20 ? 2 : most <= 50 ? 5 : most <= 100 ? 10
                         : (long)pow(10, floor(log10((double)most / 5))),
            width);
    /* each group's bins, written here: bin centre, count (the values are in the CSV) */
    bool drawn[32] = {false};
    for (int k = 0; k < ng; k++) {
        for (int b = 0; b < BINS; b++)
            drawn[k] |= counts[k][b] > 0;
        if (!drawn[k])
            continue;
        fprintf(g.f, "$bins%d << EOD\n", k);
        for (int b = 0; b < BINS; b++)
            if (counts[k][b])
                fprintf(g.f, "%.17g,%ld\n", lo + width * (b + 0.5), counts[k][b]);
        fputs("EOD\n", g.f);
    }
    free(counts);
    double x0 = lo, x1 = lo + BINS * width;
    double step = pow(10, floor(log10((x1 - x0) / 8)));  /* widen to round tics, as autoscale */
    step *= (x1 - x0) / step > 40 ? 5 : (x1 - x0) / step > 16 ? 2 : 1;
    if (isfinite(step) && step > 0 && isfinite(floor(x0 / step) * step) &&
        isfinite(ceil(x1 / step) * step)) {
        x0 = floor(x0 / step) * step;
        x1 = ceil(x1 / step) * step;
    }
    /* the line y = 0 over the axis draws nothing new, and keeps a plot of keyentry items alone
     * from tripping gnuplot 5.4 (a column with no number) */
    fprintf(g.f, "set xrange [%.17g:%.17g]\nplot 0 with lines lc rgb INK lw 1 notitle", x0, x1);
    for (int k = 0; k < ng; k++) {
        snprintf(tt, sizeof tt, "%s (%zu of %zu have a value)", groups[k], have[k], total[k]);
        nn_gp_quote(q, sizeof q, tt);
        char style[80];
        nn_gp_series(style, sizeof style, k);
        if (!drawn[k])
            fprintf(g.f, ", \\\n     keyentry with boxes %s title %s", style, q);
        else
            fprintf(g.f, ", \\\n     $bins%d using 1:2 with boxes %s title %s", k, style, q);
    }
    fputc('\n', g.f);
    if (nn_gp_end(&g, &e))
        return cli_fail(&e);
    bool missing = false;
    char drawn_name[600];
    if (nn_gp_draw(dir, base, false, &fo, &missing, drawn_name, sizeof drawn_name, &e)) {
        if (missing) {
            fprintf(stderr, "nnlab: gnuplot not found, so %s/%s.png was not drawn; its script is "
                    "%s/%s.gp (apt-get install gnuplot-nox)\n", dir, base, dir, base);
            return 0;
        }
        return cli_fail(&e);
    }
    return 0;
}

int cmd_collect(int argc, char **argv)
{
    const char *dirs[256], *fmt = "csv", *col = NULL, *out = NULL;
    int n_dirs = 0;
    bool summary = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--format") ? &fmt : !strcmp(a, "--plot") ? &col
                            : !strcmp(a, "--out") ? &out : NULL;
        if (slot) {
            if (i + 1 >= argc)
                return cli_usage("collect", "%s needs a value", a);
            *slot = argv[++i];
        } else if (!strncmp(a, "--format=", 9)) {
            fmt = a + 9;
        } else if (!strncmp(a, "--plot=", 7)) {
            col = a + 7;
        } else if (!strncmp(a, "--out=", 6)) {
            out = a + 6;
        } else if (!strcmp(a, "--summary")) {
            summary = true;
        } else if (a[0] == '-') {
            static const char *const known[] = {"--format", "--summary", "--plot", "--out"};
            const char *s = nn_suggest(a, known, 4);
            return cli_usage("collect", "unknown option \"%s\"%s%s%s (see nnlab collect --help)", a,
                             s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
        } else if (n_dirs < 256) {
            dirs[n_dirs++] = a;
        } else {
            return cli_usage("collect", "at most 256 directories");
        }
    }
    if (strcmp(fmt, "csv") && strcmp(fmt, "json"))
        return cli_usage("collect", "--format expects csv or json, got \"%s\"", fmt);
    if (!n_dirs)
        return cli_usage("collect", "missing DIR (usage: nnlab collect DIR... [--summary])");
    table t = {.rows = cJSON_CreateArray()};
    int rc = 0;
    for (int i = 0; i < n_dirs && !rc; i++)
        rc = add_dir(&t, dirs[i]);
    FILE *f = stdout;
    nn_file w = {0};
    nn_err e = {0};
    if (!rc && out) {
        if (nn_file_open(&w, out, &e))
            rc = cli_fail(&e);
        f = w.f;
    }
    if (!rc) {
        if (summary && !strcmp(fmt, "csv")) {
            write_summary(f, &t);
        } else if (summary) {
            fprintf(stderr, "nnlab: collect: --summary prints CSV; drop --format json\n");
            rc = 2;
        } else if (!strcmp(fmt, "json")) {
            char *text = nn_json_print(t.rows, NN_JSON_DIGITS17);
            if (text)
                fputs(text, f);
            free(text);
        } else {
            write_csv(f, &t);
        }
    }
    if (!rc && out && nn_file_commit(&w, &e))
        rc = cli_fail(&e);
    else if (rc && out)
        nn_file_abort(&w);
    if (!rc && !out && (fflush(stdout) != 0 || ferror(stdout))) {
        fprintf(stderr, "nnlab: collect: cannot write to stdout\n");
        rc = 1;
    }
    if (!rc && col)
        rc = plot(&t, col, dirs[0]);
    cJSON_Delete(t.rows);
    for (int c = 0; c < t.n_cols; c++)
        free(t.cols[c]);
    free(t.cols);
    return rc;
}
