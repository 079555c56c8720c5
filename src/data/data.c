/* data.c: CSV data sets, normalisation (see data.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/data.h"
#include "nnlab/fmt.h"
#include "nnlab/io.h"
#include "nnlab/mat.h"
#include "nnlab/model.h"

void nn_data_free(nn_data *d)
{
    if (!d)
        return;
    free(d->x);
    free(d->y);
    if (d->names)
        for (int k = 0; k <= d->d; k++)
            free(d->names[k]);
    free(d->names);
    d->names = NULL;
    d->x = d->y = NULL;
    d->n = 0;
}

const char *nn_data_name(const nn_data *d, int k, char *buf, size_t cap)
{
    if (d->names && k >= 0 && k <= d->d)
        return d->names[k];
    if (k == d->d)
        snprintf(buf, cap, "y");
    else
        snprintf(buf, cap, "x%d", k + 1);
    return buf;
}

int nn_data_copy_names(nn_data *dst, const nn_data *src, nn_err *e)
{
    if (!src->names)
        return NN_OK;
    dst->names = calloc((size_t)src->d + 1, sizeof *dst->names);
    for (int k = 0; dst->names && k <= src->d; k++)
        if (!(dst->names[k] = strdup(src->names[k]))) {
            for (int q = 0; q < k; q++)
                free(dst->names[q]);
            free(dst->names);
            dst->names = NULL;
        }
    return dst->names ? NN_OK : nn_err_set(e, NN_ENOMEM, "", "out of memory");
}

int nn_data_write_csv(FILE *f, const nn_data *d, nn_err *e)
{
    char buf0[32];
    for (int k = 0; k <= d->d; k++)
        fprintf(f, "%s%c", nn_data_name(d, k, buf0, sizeof buf0), k < d->d ? ',' : '\n');
    for (size_t s = 0; s < d->n; s++) {
        char buf[32];
        for (int k = 0; k < d->d; k++) {
            int len = nn_fmt17(buf, d->x[s * (size_t)d->d + (size_t)k]);
            buf[len] = ',';
            fwrite(buf, 1, (size_t)len + 1, f);
        }
        int len = nn_fmt17(buf, d->y[s]);
        buf[len] = '\n';
        fwrite(buf, 1, (size_t)len + 1, f);
    }
    if (ferror(f))
        return nn_err_set(e, NN_EIO, "", "write failed: %s", strerror(errno));
    return NN_OK;
}

int nn_data_zscore_fit(const nn_data *d, double *mean, double *std, nn_err *e)
{
    if (d->n < 2)
        return nn_err_set(e, NN_ESPEC, "", "z-score normalisation needs at least 2 samples, "
                          "the data has %zu", d->n);
    double *col = malloc(d->n * sizeof *col);
    if (!col)
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    for (int k = 0; k < d->d; k++) {
        for (size_t s = 0; s < d->n; s++)
            col[s] = d->x[s * (size_t)d->d + (size_t)k];
        /* pandas' df.mean() is numpy's pairwise sum / n; its df.std() is delegated to
         * bottleneck (installed alongside pandas in the notebooks' environment), a
         * two-pass loop of plain sequential sums. Both, exactly, reproduce the z-scores
         * of notebooks 000/001 bit for bit (tests/unit/test_data.c). */
        double m = nn_sum_numpy(col, d->n) / (double)d->n;
        double acc = 0.0;
        for (size_t s = 0; s < d->n; s++)
            acc += col[s];
        double bm = acc / (double)d->n;
        acc = 0.0;
        for (size_t s = 0; s < d->n; s++) {
            double t = col[s] - bm;
            acc += t * t;
        }
        double sd = sqrt(acc / (double)(d->n - 1));
        if (!isfinite(sd) || !isfinite(m)) {
            /* the sums overflow (values near 1e200 and beyond), though every value is finite:
             * the same statistics over values scaled into range, then scaled back */
            double big = 0;
            for (size_t s = 0; s < d->n; s++)
                big = fmax(big, fabs(col[s]));
            for (size_t s = 0; s < d->n; s++)
                col[s] /= big;
            double ms = nn_sum_numpy(col, d->n) / (double)d->n;
            acc = 0.0;
            for (size_t s = 0; s < d->n; s++) {
                double t = col[s] - ms;
                acc += t * t;
            }
            m = ms * big;
            sd = sqrt(acc / (double)(d->n - 1)) * big;
        }
        if (!(sd > 0) || !isfinite(sd) || !isfinite(m)) {
            char nb[32];
            free(col);
            if (sd == 0)
                return nn_err_set(e, NN_ESPEC, "", "feature %d (%s) is constant, so it cannot be "
                                  "z-scored (set data.normalize to \"none\", or drop it)", k + 1,
                                  nn_data_name(d, k, nb, sizeof nb));
            return nn_err_set(e, NN_ESPEC, "", "feature %d (%s): its mean or standard deviation "
                              "is beyond the range of doubles, so it cannot be z-scored (rescale "
                              "it, or set data.normalize to \"none\")", k + 1,
                              nn_data_name(d, k, nb, sizeof nb));
        }
        mean[k] = m;
        std[k] = sd;
    }
    free(col);
    return NN_OK;
}

double *nn_data_feature_major(const nn_data *d, const double *mean, const double *std)
{
    double *X = malloc(d->n * (size_t)d->d * sizeof *X);
    if (!X)
        return NULL;
    for (int k = 0; k < d->d; k++)
        for (size_t s = 0; s < d->n; s++) {
            double v = d->x[s * (size_t)d->d + (size_t)k];
            X[(size_t)k * d->n + s] = mean ? (v - mean[k]) / std[k] : v;
        }
    return X;
}

/* ---- CSV ------------------------------------------------------------------------------ */

#define CSV_MAX_BYTES ((size_t)1 << 30)

/* Split one line (already without its end) at commas into fields, in place. */
static int split(char *line, char **fields, int cap)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n < cap)
            fields[n] = p;
        n++;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t k = strlen(s);
    while (k && (s[k - 1] == ' ' || s[k - 1] == '\t'))
        s[--k] = '\0';
    return s;
}

int nn_data_load_csv(const char *path, const char *target, nn_data *out, nn_err *e)
{
    memset(out, 0, sizeof *out);
    size_t len;
    char *buf = nn_read_file(path, CSV_MAX_BYTES, "data file", &len, e);
    if (!buf)
        return e ? e->code : NN_ESPEC;
    char where[600];
    int rc = NN_OK;
    char **fields = NULL;
    if (memchr(buf, '\0', len)) {
        rc = nn_err_set(e, NN_ESPEC, path, "data file contains a NUL byte: not a text CSV file");
        goto done;
    }
    char *p = buf;
    if (len >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        p += 3;                                  /* a UTF-8 byte order mark */
    /* count lines for the allocation */
    size_t lines = 1;
    for (char *q = p; *q; q++)
        lines += *q == '\n';
    int maxf = NN_MAX_WIDTH + 1;
    fields = malloc((size_t)maxf * sizeof *fields);
    if (!fields) {
        rc = nn_err_set(e, NN_ENOMEM, path, "out of memory");
        goto done;
    }
    /* header */
    char *nl = strchr(p, '\n');
    if (nl)
        *nl = '\0';
    size_t hl = strlen(p);
    if (hl && p[hl - 1] == '\r')
        p[hl - 1] = '\0';
    if (!*trim(p)) {
        rc = nn_err_set(e, NN_ESPEC, path, "data file is empty (expected a header row such as "
                        "\"x1,x2,y\")");
        goto done;
    }
    int ncol = split(p, fields, maxf);
    if (ncol > maxf || ncol < 2) {
        rc = nn_err_set(e, NN_ESPEC, path, "header has %d columns (expected 2 to %d: features "
                        "and a target)", ncol, maxf);
        goto done;
    }
    int tcol = -1;
    for (int c = 0; c < ncol; c++) {
        char *name = trim(fields[c]);
        fields[c] = name;
        if (!*name) {
            snprintf(where, sizeof where, "%s:1", path);
            rc = nn_err_set(e, NN_ESPEC, where, "header column %d has no name", c + 1);
            goto done;
        }
        for (int q = 0; q < c; q++)
            if (strcmp(fields[q], name) == 0) {
                snprintf(where, sizeof where, "%s:1", path);
                rc = nn_err_set(e, NN_ESPEC, where, "column \"%.40s\" appears twice in the "
                                "header", name);
                goto done;
            }
        if (strcmp(name, target) == 0)
            tcol = c;
    }
    if (tcol < 0) {
        rc = nn_err_set(e, NN_ESPEC, path, "no column named \"%s\" in the header (set "
                        "data.target to the name of the target column)", target);
        goto done;
    }
    out->d = ncol - 1;
    out->names = calloc((size_t)ncol, sizeof *out->names);
    for (int c = 0, k = 0; out->names && c < ncol; c++)      /* features, then the target */
        if (!(out->names[c == tcol ? out->d : k++] = strdup(fields[c]))) {
            rc = nn_err_set(e, NN_ENOMEM, path, "out of memory");
            goto done;
        }
    if (!out->names) {
        rc = nn_err_set(e, NN_ENOMEM, path, "out of memory");
        goto done;
    }
    out->x = malloc(lines * (size_t)out->d * sizeof *out->x);
    out->y = malloc(lines * sizeof *out->y);
    if (!out->x || !out->y) {
        rc = nn_err_set(e, NN_ENOMEM, path, "out of memory");
        goto done;
    }
    out->classify = true;
    size_t lineno = 1;
    char *q = nl ? nl + 1 : NULL;
    bool blank_seen = false;
    size_t blank_line = 0;
    while (q && *q) {
        lineno++;
        nl = strchr(q, '\n');
        if (nl)
            *nl = '\0';
        size_t ll = strlen(q);
        if (ll && q[ll - 1] == '\r')
            q[--ll] = '\0';
        char *line = q;
        q = nl ? nl + 1 : NULL;
        if (!*trim(line)) {
            if (!blank_seen)
                blank_line = lineno;
            blank_seen = true;
            continue;
        }
        if (blank_seen) {
            snprintf(where, sizeof where, "%s:%zu", path, blank_line);
            rc = nn_err_set(e, NN_ESPEC, where, "blank line inside the data");
            goto done;
        }
        int nf = split(line, fields, maxf);
        if (nf != ncol) {
            snprintf(where, sizeof where, "%s:%zu", path, lineno);
            rc = nn_err_set(e, NN_ESPEC, where, "row has %d fields, the header has %d", nf, ncol);
            goto done;
        }
        int k = 0;
        for (int c = 0; c < ncol; c++) {
            char *f = trim(fields[c]);
            double v;
            if (!nn_parse_num(f, strlen(f), &v, false)) {    /* no hex, inf, nan, 1e400 */
                snprintf(where, sizeof where, "%s:%zu:%ld", path, lineno,
                         (long)(fields[c] - line) + 1);
                rc = nn_err_set(e, NN_ESPEC, where, "expected a finite decimal number within "
                                "the range of doubles, got \"%.40s\"", f);
                goto done;
            }
            if (c == tcol) {
                out->y[out->n] = v;
                if (v != 0.0 && v != 1.0)
                    out->classify = false;
            } else {
                out->x[out->n * (size_t)out->d + (size_t)k++] = v;
            }
        }
        out->n++;
    }
    if (out->n == 0)
        rc = nn_err_set(e, NN_ESPEC, path, "data file has a header but no rows");
done:
    free(fields);
    free(buf);
    if (rc)
        nn_data_free(out);
    return rc;
}

int nn_data_from_points(const double *x, const double *y, size_t n, int d, nn_data *out,
                        nn_err *e)
{
    memset(out, 0, sizeof *out);
    out->x = malloc(n * (size_t)d * sizeof *out->x);
    out->y = malloc(n * sizeof *out->y);
    if (!out->x || !out->y) {
        nn_data_free(out);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    }
    memcpy(out->x, x, n * (size_t)d * sizeof *out->x);
    memcpy(out->y, y, n * sizeof *out->y);
    out->n = n;
    out->d = d;
    out->classify = true;
    for (size_t i = 0; i < n; i++)
        if (y[i] != 0.0 && y[i] != 1.0)
            out->classify = false;
    return NN_OK;
}
