/* decision.c: decision regions over the input plane (notebook 001's top row).
 *
 * The grid is np.linspace(lo, hi, res) on each axis, in original coordinates, and is
 * transformed with the training statistics stored in the model, so the colours agree
 * with the predictions. grid_normalization "grid" reproduces notebook 001 instead: the
 * grid normalised with its own mean and standard deviation, which is why the notebook's
 * background disagrees with its points. The picture: background coloured by the raw
 * output on a diverging map (bilinear between grid points, the 0.5 level drawn as a
 * thin line), training points filled when predicted right and hollow when wrong, in
 * their class colour, a colour bar, axes and a legend.
 */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/data.h"
#include "nnlab/figure.h"
#include "nnlab/record.h"
#include "nnlab/study.h"
#include "common.h"

static const nn_rgb INK = {25, 25, 25}, GREY = {110, 110, 110}, WHITE = {255, 255, 255};
static const nn_rgb CLASS1 = {31, 86, 190}, CLASS0 = {232, 118, 24};

typedef struct grid {
    int res;
    double lo, hi;
    double *v;      /* (res, res): v[i * res + j] at x1 = t_i, x2 = t_j */
} grid;

static double lin(double lo, double hi, int i, int n)
{
    /* numpy's linspace: lo + i * step, the last point exactly hi */
    return i == n - 1 ? hi : lo + i * ((hi - lo) / (n - 1));
}

/* Nice tick step for a span: 1, 2 or 5 times a power of ten, about five ticks. */
static double tick_step(double span)
{
    double raw = span / 5, p = pow(10, floor(log10(raw))), f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

static void draw_axes(nn_canvas *c, int px, int py, int P, double lo, double hi)
{
    nn_canvas_frame(c, px - 1, py - 1, px + P, py + P, INK);
    double step = tick_step(hi - lo);
    char buf[32];
    long k0 = (long)ceil(lo / step - 1e-9), k1 = (long)floor(hi / step + 1e-9);
    for (long k = k0; k <= k1 && k - k0 <= 20; k++) {
        double tt = k == 0 ? 0.0 : (double)k * step;
        int off = (int)lround((tt - lo) / (hi - lo) * P);
        snprintf(buf, sizeof buf, "%g", tt);
        int w = nn_text_width(buf, 2);
        nn_canvas_rect(c, px + off, py + P, px + off, py + P + 5, INK);     /* x tick */
        nn_canvas_text(c, px + off - w / 2, py + P + 10, buf, 2, INK);
        nn_canvas_rect(c, px - 6, py + P - off, px - 1, py + P - off, INK); /* y tick */
        nn_canvas_text(c, px - 10 - w, py + P - off - 7, buf, 2, INK);
    }
    nn_canvas_text(c, px + P / 2 - nn_text_width("x1", 2) / 2, py + P + 34, "x1", 2, INK);
    nn_canvas_text(c, px - 70, py + P / 2 - 7, "x2", 2, INK);
}

static int draw(const char *path, const char *title, const char *subtitle, const grid *g,
                const nn_data *pts, const double *out, const int *pred, double vmin,
                double vmax, nn_err *e)
{
    enum { W = 860, H = 650, PX = 90, PY = 72, P = 500 };
    nn_canvas *c = nn_canvas_create(W, H, WHITE);
    if (!c)
        return nn_err_set(e, NN_ENOMEM, path, "out of memory for the figure");
    nn_canvas_text(c, PX, 14, title, 2, INK);
    nn_canvas_text(c, PX, 40, subtitle, 2, GREY);
    /* background: bilinear between grid values, then the 0.5 level */
    double *val = malloc((size_t)P * P * sizeof *val);
    if (!val) {
        nn_canvas_free(c);
        return nn_err_set(e, NN_ENOMEM, path, "out of memory for the figure");
    }
    const int n = g->res;
    for (int y = 0; y < P; y++)
        for (int x = 0; x < P; x++) {
            double fx = (x + 0.5) / P * (n - 1), fy = (P - 1 - y + 0.5) / P * (n - 1);
            int i = (int)fx, j = (int)fy;
            i = i > n - 2 ? n - 2 : i;
            j = j > n - 2 ? n - 2 : j;
            double u = fx - i, w = fy - j;
            double v = (1 - u) * (1 - w) * g->v[i * n + j] + u * (1 - w) * g->v[(i + 1) * n + j] +
                       (1 - u) * w * g->v[i * n + j + 1] + u * w * g->v[(i + 1) * n + j + 1];
            val[y * P + x] = v;
            nn_rgb col = nn_colormap_diverging((v - vmin) / (vmax - vmin));
            /* lighten the background so the points stand out */
            col = (nn_rgb){(uint8_t)(col.r + (255 - col.r) * 0.35),
                           (uint8_t)(col.g + (255 - col.g) * 0.35),
                           (uint8_t)(col.b + (255 - col.b) * 0.35)};
            nn_canvas_set(c, PX + x, PY + y, col);
        }
    double mid = 0.5;
    for (int y = 0; y < P; y++)
        for (int x = 0; x < P; x++) {
            bool a = val[y * P + x] >= mid;
            bool right = x + 1 < P && (val[y * P + x + 1] >= mid) != a;
            bool down = y + 1 < P && (val[(y + 1) * P + x] >= mid) != a;
            if (right || down)
                nn_canvas_blend(c, PX + x, PY + y, INK, 0.55);
        }
    free(val);
    /* points: the wrong ones last so they are seen */
    for (int pass = 0; pass < 2; pass++)
        for (size_t s = 0; s < pts->n; s++) {
            int cls = pts->y[s] >= 0.5, ok = pred[s] == cls;
            if (ok != (pass == 0))
                continue;
            double x = pts->x[2 * s], y = pts->x[2 * s + 1];
            if (x < g->lo || x > g->hi || y < g->lo || y > g->hi)
                continue;
            double cx = PX + (x - g->lo) / (g->hi - g->lo) * P;
            double cy = PY + P - (y - g->lo) / (g->hi - g->lo) * P;
            nn_rgb col = cls ? CLASS1 : CLASS0;
            if (ok)
                nn_canvas_disk(c, cx, cy, 5.5, true, col, 1.2, INK);
            else
                nn_canvas_disk(c, cx, cy, 5.5, false, col, 2.4, col);
        }
    (void)out;
    draw_axes(c, PX, PY, P, g->lo, g->hi);
    /* colour bar */
    const int BX = PX + P + 40, BW = 22, BH = 260;
    for (int y = 0; y < BH; y++)
        nn_canvas_rect(c, BX, PY + y, BX + BW - 1, PY + y,
                       nn_colormap_diverging(1.0 - (y + 0.5) / BH));
    nn_canvas_frame(c, BX - 1, PY - 1, BX + BW, PY + BH, INK);
    char buf[64];
    for (int k = 0; k <= 4; k++) {
        double v = vmin + (vmax - vmin) * k / 4.0;
        int y = PY + BH - (int)lround(BH * k / 4.0);
        snprintf(buf, sizeof buf, "%.3g", v);
        nn_canvas_rect(c, BX + BW, y, BX + BW + 4, y, INK);
        nn_canvas_text(c, BX + BW + 8, y - 7, buf, 2, INK);
    }
    nn_canvas_text(c, BX - 4, PY + BH + 10, "output", 2, INK);
    /* legend */
    const char *names[4] = {"class 1, right", "class 1, wrong", "class 0, right",
                            "class 0, wrong"};
    int ly = PY + BH + 50;
    for (int k = 0; k < 4; k++, ly += 26) {
        nn_rgb col = k < 2 ? CLASS1 : CLASS0;
        if (k % 2 == 0)
            nn_canvas_disk(c, BX + 6, ly + 7, 5.5, true, col, 1.2, INK);
        else
            nn_canvas_disk(c, BX + 6, ly + 7, 5.5, false, col, 2.4, col);
        nn_canvas_text(c, BX + 20, ly, names[k], 2, INK);
    }
    int rc = nn_canvas_write_png(c, path, e);
    nn_canvas_free(c);
    return rc;
}

static int one_model(nn_study_ctx *c, const nn_study_plan *sp, const char *label,
                     const nn_data *pts, cJSON *out, nn_err *e)
{
    char path[4200], name[200];
    nn_model *m = study_load_model(c, label, false, e);
    if (!m)
        return e->code;
    const int n = sp->resolution;
    grid g = {n, sp->range[0], sp->range[1], NULL};
    size_t N = (size_t)n * (size_t)n;
    double *xy = malloc(2 * N * sizeof *xy), *pout = malloc(pts->n * sizeof *pout);
    int *pred = malloc(pts->n * sizeof *pred);
    g.v = malloc(N * sizeof *g.v);
    int rc = NN_OK;
    if (!xy || !g.v || !pout || !pred) {
        rc = nn_err_set(e, NN_ENOMEM, label, "out of memory for the decision grid");
        goto done;
    }
    /* itertools.product(x, x): x1 varies slowest */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            xy[2 * ((size_t)i * n + j)] = lin(g.lo, g.hi, i, n);
            xy[2 * ((size_t)i * n + j) + 1] = lin(g.lo, g.hi, j, n);
        }
    nn_model *gm = m;
    if (sp->grid_own_stats) {        /* notebook 001's plotting grid */
        nn_data gd = {.n = N, .d = 2, .x = xy};
        double mean[2], sd[2];
        gm = nn_model_clone(m);
        if (!gm || (rc = nn_data_zscore_fit(&gd, mean, sd, e)) ||
            (rc = nn_model_set_norm(gm, mean, sd, e))) {
            rc = rc ? rc : nn_err_set(e, NN_ENOMEM, label, "out of memory");
            if (gm != m)
                nn_model_free(gm);
            goto done;
        }
    }
    rc = nn_model_predict(gm, g.v, xy, N, e);
    if (gm != m)
        nn_model_free(gm);
    if (rc || (rc = nn_model_predict(m, pout, pts->x, pts->n, e)))
        goto done;
    /* classes as training measures them */
    size_t wrong = 0, pos = 0;
    bool logit = c->plan->train.loss == NN_LOSS_BCE_LOGITS;
    for (size_t s = 0; s < pts->n; s++) {
        pred[s] = logit ? pout[s] >= 0 : pout[s] >= 0.5;
        wrong += pred[s] != (pts->y[s] >= 0.5);
    }
    for (size_t k = 0; k < N; k++)
        pos += logit ? g.v[k] >= 0 : g.v[k] >= 0.5;
    if (logit)                       /* colour logits as probabilities */
        for (size_t k = 0; k < N; k++)
            g.v[k] = 1.0 / (1.0 + exp(-g.v[k]));
    /* tables: the grid feeds only the figure, so it is written only when drawing */
    nn_file w;
    if (c->draw) {
        snprintf(name, sizeof name, "decision-%s.csv", label);
        nn_path_join(path, sizeof path, c->dir, name);
        if ((rc = nn_file_open(&w, path, e)))
            goto done;
        fputs("x1,x2,output\n", w.f);
        for (size_t k = 0; k < N; k++) {
            fprintf(w.f, "%.17g,%.17g,", xy[2 * k], xy[2 * k + 1]);
            nn_csv_num(w.f, g.v[k]);
            fputc('\n', w.f);
        }
        if ((rc = nn_file_commit(&w, e)))
            goto done;
    }
    snprintf(name, sizeof name, "decision-%s-points.csv", label);
    nn_path_join(path, sizeof path, c->dir, name);
    if ((rc = nn_file_open(&w, path, e)))
        goto done;
    fputs("x1,x2,y,output,predicted,correct\n", w.f);
    for (size_t s = 0; s < pts->n; s++) {
        fprintf(w.f, "%.17g,%.17g,%.17g,", pts->x[2 * s], pts->x[2 * s + 1], pts->y[s]);
        nn_csv_num(w.f, pout[s]);
        fprintf(w.f, ",%d,%d\n", pred[s], pred[s] == (pts->y[s] >= 0.5));
    }
    if ((rc = nn_file_commit(&w, e)))
        goto done;
    cJSON *o = cJSON_AddObjectToObject(out, label);
    cJSON_AddNumberToObject(o, "error", (double)wrong / (double)pts->n);
    cJSON_AddNumberToObject(o, "wrong", (double)wrong);
    cJSON_AddNumberToObject(o, "positive_fraction", (double)pos / (double)N);
    if (c->draw) {
        double vmin = 0, vmax = 1;
        if (m->arch.out_act == NN_ACT_IDENTITY && !logit) {
            double span = 0;     /* regression-style output: symmetric about 0.5 */
            for (size_t k = 0; k < N; k++)
                span = fmax(span, fabs(g.v[k] - 0.5));
            vmin = 0.5 - (span > 0 ? span : 0.5);
            vmax = 0.5 + (span > 0 ? span : 0.5);
        }
        char title[300], sub[300], hid[200] = "";
        size_t k = 0;
        for (int l = 0; l < m->arch.n_hidden && k < sizeof hid - 12; l++)
            k += (size_t)snprintf(hid + k, sizeof hid - k, "%s%d", l ? ", " : "", m->arch.hidden[l]);
        snprintf(title, sizeof title, "%s: %s, hidden [%s]%s", label, nn_act_name(m->arch.act),
                 hid, m->arch.bias ? " + bias" : "");
        snprintf(sub, sizeof sub, "train error %.4f (%zu of %zu wrong)%s",
                 (double)wrong / (double)pts->n, wrong, pts->n,
                 sp->grid_own_stats ? "; grid on its own stats" : "");
        snprintf(name, sizeof name, "decision-%s.png", label);
        nn_path_join(path, sizeof path, c->dir, name);
        rc = draw(path, title, sub, &g, pts, pout, pred, vmin, vmax, e);
    }
done:
    free(xy);
    free(g.v);
    free(pout);
    free(pred);
    nn_model_free(m);
    return rc;
}

int nn_study_decision(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    char path[4200];
    nn_path_join(path, sizeof path, c->dir, "data.csv");
    nn_data pts;
    int rc = nn_data_load_csv(path, "y", &pts, e);
    if (rc)
        return rc;
    if (pts.d != 2) {
        nn_data_free(&pts);
        return nn_err_set(e, NN_ESPEC, path, "the decision study needs 2 features, found %d",
                          pts.d);
    }
    for (int i = 0; i < c->n_models && !rc; i++)
        rc = one_model(c, sp, c->models[i]->label, &pts, out, e);
    nn_data_free(&pts);
    return rc;
}
