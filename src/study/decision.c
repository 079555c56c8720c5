/* decision.c: decision regions over the input plane (notebook 001's top row).
 *
 * The grid is np.linspace(lo, hi, res) on each axis, in original coordinates, and is
 * transformed with the training statistics stored in the model, so the colours agree
 * with the predictions. grid_normalization "grid" reproduces notebook 001 instead: the
 * grid normalised with its own mean and standard deviation, which is why the notebook's
 * background disagrees with its points.
 *
 * The figure: a raster layer (decision-<label>.layer.png) colours the model's output on the
 * class map, bilinear between grid points; over it gnuplot draws the boundary, the training
 * points (filled when predicted right, hollow when wrong, in their class's colour), the
 * axes, a colour bar and the key. The boundary separates the grid points the model puts in
 * class 1 from the rest, by the same rule as its predictions (output >= 0.5; logit >= 0 for
 * bce_logits), traced by marching squares, each crossing found on its grid edge by bisection
 * with the model: a region where the output is exactly 0.5 (dead ReLUs) is one class, so it
 * has an edge, not speckle, and the edge is where the model puts it.
 * The window is the spec's range, or by default a square around the data with a margin.
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
#include "nnlab/record.h"
#include "nnlab/study.h"

typedef struct decision_opts {
    bool auto_range;       /* a square around the data */
    double range[2][2];    /* the window per axis in original coordinates, when set */
    long resolution;       /* grid points per side */
    int grid_norm;         /* 0: the training statistics; 1: the grid's own, as notebook 001 */
} decision_opts;

typedef struct grid {
    int res;
    double lo[2], hi[2];
    double *v;      /* (res, res): v[i * res + j] at x1 = t_i, x2 = t_j */
    unsigned char *cls;   /* (res, res): the class the model predicts there */
    double *tx, *ty;      /* (res, res): where the class changes on the edge from (i, j) to
                             (i + 1, j), and to (i, j + 1), as a fraction of it; NaN: none */
} grid;

static double lin(double lo, double hi, int i, int n)
{
    /* numpy's linspace: lo + i * step, the last point exactly hi */
    return i == n - 1 ? hi : lo + i * ((hi - lo) / (n - 1));
}

/* The window: the spec's, or a square around the data, 8% wider than its larger span. */
static void window(const decision_opts *o, const nn_data *pts, double lo[2], double hi[2])
{
    if (!o->auto_range) {
        for (int a = 0; a < 2; a++)
            lo[a] = o->range[a][0], hi[a] = o->range[a][1];
        return;
    }
    double mn[2] = {INFINITY, INFINITY}, mx[2] = {-INFINITY, -INFINITY};
    for (size_t s = 0; s < pts->n; s++)
        for (int a = 0; a < 2; a++) {
            mn[a] = fmin(mn[a], pts->x[2 * s + a]);
            mx[a] = fmax(mx[a], pts->x[2 * s + a]);
        }
    /* halves first: a span of finite numbers can overflow a double */
    double half = 1.08 * fmax(0.5 * mx[0] - 0.5 * mn[0], 0.5 * mx[1] - 0.5 * mn[1]);
    half = half > 0 ? fmin(half, 0.25 * DBL_MAX) : 1;
    for (int a = 0; a < 2; a++) {
        double mid = 0.5 * mn[a] + 0.5 * mx[a];
        lo[a] = fmax(mid - half, -0.5 * DBL_MAX);
        hi[a] = fmin(mid + half, 0.5 * DBL_MAX);
    }
}

/* The colour layer: P x P pixels over the window, bilinear between grid points. */
static int write_layer(const char *path, const grid *g, double vmin, double vmax, nn_err *e)
{
    enum { P = 480 };   /* gnuplot holds an image as about 90 bytes a pixel */
    nn_canvas *c = nn_canvas_create(P, P, (nn_rgb){255, 255, 255});
    if (!c)
        return nn_err_set(e, NN_ENOMEM, path, "out of memory for the figure");
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
            nn_rgb col = nn_cmap_color(NN_CMAP_CLASS, (v - vmin) / (vmax - vmin));
            /* lightened so the points (in the same colours) and the boundary stand out */
            col = (nn_rgb){(uint8_t)(col.r + (255 - col.r) * 0.5),
                           (uint8_t)(col.g + (255 - col.g) * 0.5),
                           (uint8_t)(col.b + (255 - col.b) * 0.5)};
            nn_canvas_set(c, x, y, col);
        }
    int rc = nn_canvas_write_png(c, path, e);
    nn_canvas_free(c);
    return rc;
}

/* Where the predicted class changes on every grid edge whose ends differ, found by bisection
 * with the model itself (the class rule of its predictions), so the boundary is where the
 * model puts it, not where a straight line between two grid values would: a region whose
 * output is exactly 0.5 (dead ReLUs) gives no slope to interpolate. 16 halvings: a
 * 65536th of a grid cell. */
static int find_crossings(const nn_model *gm, grid *g, bool logit, nn_err *e)
{
    const int n = g->res;
    size_t N = (size_t)n * (size_t)n, ne = 0;
    for (size_t k = 0; k < N; k++)
        g->tx[k] = g->ty[k] = NAN;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            ne += i + 1 < n && g->cls[i * n + j] != g->cls[(i + 1) * n + j];
            ne += j + 1 < n && g->cls[i * n + j] != g->cls[i * n + j + 1];
        }
    if (!ne)
        return NN_OK;
    double *lo = malloc(ne * sizeof *lo), *hi = malloc(ne * sizeof *hi);
    double *xy = malloc(2 * ne * sizeof *xy), *out = malloc(ne * sizeof *out);
    size_t *cell = malloc(ne * sizeof *cell);
    unsigned char *dir = malloc(ne);
    int rc = NN_OK;
    if (!lo || !hi || !xy || !out || !cell || !dir) {
        rc = nn_err_set(e, NN_ENOMEM, "", "out of memory for the decision boundary");
        goto done;
    }
    size_t q = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            for (int d = 0; d < 2; d++) {
                int i2 = i + (d == 0), j2 = j + (d == 1);
                if (i2 >= n || j2 >= n || g->cls[i * n + j] == g->cls[i2 * n + j2])
                    continue;
                cell[q] = (size_t)i * n + j, dir[q] = (unsigned char)d;
                lo[q] = 0, hi[q] = 1;     /* lo keeps (i, j)'s class, hi the other's */
                q++;
            }
    for (int it = 0; it < 16 && !rc; it++) {
        for (size_t k = 0; k < ne; k++) {
            int i = (int)(cell[k] / n), j = (int)(cell[k] % n);
            double t = 0.5 * (lo[k] + hi[k]);
            double x = lin(g->lo[0], g->hi[0], i, n), y = lin(g->lo[1], g->hi[1], j, n);
            if (dir[k] == 0)
                x += t * (lin(g->lo[0], g->hi[0], i + 1, n) - x);
            else
                y += t * (lin(g->lo[1], g->hi[1], j + 1, n) - y);
            xy[2 * k] = x, xy[2 * k + 1] = y;
        }
        if ((rc = nn_model_predict(gm, out, xy, ne, e)))
            break;
        for (size_t k = 0; k < ne; k++) {
            unsigned char c = logit ? out[k] >= 0 : out[k] >= 0.5;
            double t = 0.5 * (lo[k] + hi[k]);
            if (c == g->cls[cell[k]])
                lo[k] = t;
            else
                hi[k] = t;
        }
    }
    for (size_t k = 0; k < ne && !rc; k++)
        (dir[k] == 0 ? g->tx : g->ty)[cell[k]] = 0.5 * (lo[k] + hi[k]);
done:
    free(lo), free(hi), free(xy), free(out), free(cell), free(dir);
    return rc;
}

/* The boundary by marching squares over the grid's cells, as segments (blank lines apart),
 * in the data's coordinates. Returns the number of segments. */
static long write_boundary(FILE *f, const grid *g)
{
    const int n = g->res;
    long segs = 0;
    for (int i = 0; i + 1 < n; i++)
        for (int j = 0; j + 1 < n; j++) {
            /* corners counter-clockwise from (i, j): (i,j) (i+1,j) (i+1,j+1) (i,j+1) */
            int ci[4] = {i, i + 1, i + 1, i}, cj[4] = {j, j, j + 1, j + 1};
            int in[4], mask = 0;
            for (int k = 0; k < 4; k++) {
                in[k] = g->cls[ci[k] * n + cj[k]];
                mask |= in[k] << k;
            }
            if (mask == 0 || mask == 15)
                continue;
            /* the crossing on each edge whose ends differ */
            double px[4], py[4];
            int have[4] = {0, 0, 0, 0};
            for (int k = 0; k < 4; k++) {
                int a = k, b = (k + 1) % 4;
                if (in[a] == in[b])
                    continue;
                /* the crossing found on this grid edge, from its lower corner: computed the
                 * same way in both cells that share the edge, so their pieces join */
                int lo_i = ci[a] < ci[b] ? ci[a] : ci[b], lo_j = cj[a] < cj[b] ? cj[a] : cj[b];
                int hi_i = ci[a] > ci[b] ? ci[a] : ci[b], hi_j = cj[a] > cj[b] ? cj[a] : cj[b];
                double t = ci[a] != ci[b] ? g->tx[lo_i * n + lo_j] : g->ty[lo_i * n + lo_j];
                t = isnan(t) ? 0.5 : t;
                double xl = lin(g->lo[0], g->hi[0], lo_i, n), yl = lin(g->lo[1], g->hi[1], lo_j, n);
                double xh = lin(g->lo[0], g->hi[0], hi_i, n), yh = lin(g->lo[1], g->hi[1], hi_j, n);
                px[k] = xl + t * (xh - xl);
                py[k] = yl + t * (yh - yl);
                have[k] = 1;
            }
            int e[4], ne = 0;
            for (int k = 0; k < 4; k++)
                if (have[k])
                    e[ne++] = k;
            int pairs[2][2], np = 0;
            if (ne == 2) {
                pairs[np][0] = e[0], pairs[np++][1] = e[1];
            } else {            /* a saddle: the cell's centre decides which corners join */
                double centre = 0;
                for (int k = 0; k < 4; k++)
                    centre += g->v[ci[k] * n + cj[k]];
                bool c_in = centre / 4 >= 0.5;
                /* edges k and k+1 meet at corner k+1; join around the corners unlike the centre */
                if (c_in == (bool)in[0]) {
                    pairs[0][0] = 0, pairs[0][1] = 1;   /* around corner 1 */
                    pairs[1][0] = 2, pairs[1][1] = 3;   /* around corner 3 */
                } else {
                    pairs[0][0] = 1, pairs[0][1] = 2;   /* around corner 2 */
                    pairs[1][0] = 3, pairs[1][1] = 0;   /* around corner 0 */
                }
                np = 2;
            }
            for (int q = 0; q < np; q++) {
                int a = pairs[q][0], b = pairs[q][1];
                char x0[32], y0[32], x1[32], y1[32];
                x0[nn_csv_fmt(x0, px[a])] = '\0';
                y0[nn_csv_fmt(y0, py[a])] = '\0';
                x1[nn_csv_fmt(x1, px[b])] = '\0';
                y1[nn_csv_fmt(y1, py[b])] = '\0';
                fprintf(f, "%s,%s\n%s,%s\n\n", x0, y0, x1, y1);
                segs++;
            }
        }
    return segs;
}

/* The gnuplot script drawing the layer, the boundary, the points and the key. */
static int write_script(nn_study_ctx *c, const char *label, const grid *g, const nn_data *pts,
                        const char *title, const char *subtitle, double vmin, double vmax,
                        bool identity, long segs, cJSON *o, nn_err *e)
{
    char base[200], q[400], names[3][64];
    const char *xn = nn_data_name(pts, 0, names[0], sizeof names[0]);
    const char *yn = nn_data_name(pts, 1, names[1], sizeof names[1]);
    snprintf(base, sizeof base, "decision-%s", label);
    enum { W = 780, H = 610, TOP = 78, SIDE = 250, BOTTOM = 74, LEFT = 86 };
    nn_gp g_;
    nn_gp *gp = &g_;
    int rc = study_figure_begin(c, gp, base, "decision regions: the model's output over the "
                                "input plane, its 0.5 boundary, and the training points", W, H, e);
    if (rc)
        return rc;
    FILE *f = gp->f;
    /* the plot is square in screen units and the data's units are equal on both axes */
    double side = fmin(W - LEFT - SIDE, H - TOP - BOTTOM);
    double sx = g->hi[0] - g->lo[0], sy = g->hi[1] - g->lo[1];
    double pw = sx >= sy ? side : side * sx / sy, ph = sy >= sx ? side : side * sy / sx;
    fprintf(f, "set lmargin at screen %.4f; set rmargin at screen %.4f\n"
               "set bmargin at screen %.4f; set tmargin at screen %.4f\n",
            LEFT / (double)W, (LEFT + pw) / W, BOTTOM / (double)H, (BOTTOM + ph) / H);
    nn_gp_title(gp, title, subtitle);
    fprintf(f, "set xrange [%.17g:%.17g]\nset yrange [%.17g:%.17g]\n", g->lo[0], g->hi[0],
            g->lo[1], g->hi[1]);
    fputs("set xlabel ", f);
    nn_gp_str(gp, xn);
    fputs("\nset ylabel ", f);
    nn_gp_str(gp, yn);
    fputs("\nunset grid\nset border 15 lw 1 lc rgb INK\nset tics front\n", f);
    nn_gp_palette(gp, NN_CMAP_CLASS, vmin, vmax, identity ? "output" : "output (probability "
                                                                       "of class 1)");
    fprintf(f, "set colorbox vertical user origin screen %.4f, screen %.4f size screen %.4f, "
               "screen %.4f\n", (LEFT + pw + 30) / W, (BOTTOM + ph * 0.52) / H, 16.0 / W,
            ph * 0.48 / H);
    fprintf(f, "set key at screen %.4f, screen %.4f left top vertical Left reverse samplen 1.5\n",
            (LEFT + pw + 22) / W, (BOTTOM + ph * 0.46) / H);
    /* the layer's pixels are centred: origin is the centre of the bottom-left one */
    enum { P = 480 };   /* gnuplot holds an image as about 90 bytes a pixel */
    double dx = sx / P, dy = sy / P;
    /* smaller points where there are many, so they do not cover the map */
    fprintf(f, "PT = %s\n", pts->n > 1000 ? "0.6" : pts->n > 400 ? "0.8" : "1.0");
    snprintf(q, sizeof q, "%s.layer.png", base);
    fputs("plot ", f);
    nn_gp_str(gp, q);
    fprintf(f, " binary filetype=png dx=%.17g dy=%.17g origin=(%.17g,%.17g) with rgbimage "
               "notitle, \\\n", dx, dy, g->lo[0] + dx / 2, g->lo[1] + dy / 2);
    fputs("     '+' using (NaN):(NaN):(0.5) with points lc palette notitle, \\\n", f);
    if (segs) {
        snprintf(q, sizeof q, "%s-boundary.csv", base);
        fputs("     ", f);
        nn_gp_str(gp, q);
        fputs(" skip 1 using 1:2 with lines lw 1.5 lc rgb INK title 'boundary: output 0.5', "
              "\\\n", f);
    }
    snprintf(q, sizeof q, "%s-points.csv", base);
    /* columns: x1, x2, y, output, predicted, correct */
    static const char *const kinds[4][3] = {
        {"$3 >= 0.5 && $6 == 1", "CLASS1", "class 1, predicted right"},
        {"$3 >= 0.5 && $6 == 0", "CLASS1", "class 1, predicted wrong"},
        {"$3 < 0.5 && $6 == 1", "CLASS0", "class 0, predicted right"},
        {"$3 < 0.5 && $6 == 0", "CLASS0", "class 0, predicted wrong"},
    };
    for (int k = 0; k < 4; k++) {
        bool right = k % 2 == 0;
        const char *more = k < 3 ? ", \\" : "";
        fputs("     ", f);
        nn_gp_str(gp, q);
        /* right: a filled disk with a dark rim; wrong: a thick ring in the class's colour */
        if (right) {
            fprintf(f, " skip 1 using ((%s) ? $1 : NaN):2 with points pt 7 ps PT*PS lc rgb %s "
                       "title '%s', \\\n     ", kinds[k][0], kinds[k][1], kinds[k][2]);
            nn_gp_str(gp, q);
            fprintf(f, " skip 1 using ((%s) ? $1 : NaN):2 with points pt 6 ps PT*PS lw 0.6 "
                       "lc rgb INK notitle%s\n", kinds[k][0], more);
        } else {
            fprintf(f, " skip 1 using ((%s) ? $1 : NaN):2 with points pt 6 ps 1.05*PT*PS lw 2.2 "
                       "lc rgb %s title '%s'%s\n", kinds[k][0], kinds[k][1], kinds[k][2], more);
        }
    }
    return study_figure_end(c, gp, o, e);
}

static int one_model(nn_study_ctx *c, const decision_opts *sp, const char *label,
                     const nn_data *pts, cJSON *out, nn_err *e)
{
    char path[4200], name[200];
    nn_model *m = study_load_model(c, label, false, e);
    if (!m)
        return e->code;
    const int n = (int)sp->resolution;
    grid g = {.res = n};
    window(sp, pts, g.lo, g.hi);
    size_t N = (size_t)n * (size_t)n;
    double *xy = malloc(2 * N * sizeof *xy), *pout = malloc(pts->n * sizeof *pout);
    int *pred = malloc(pts->n * sizeof *pred);
    g.v = malloc(N * sizeof *g.v);
    g.cls = malloc(N);
    g.tx = malloc(N * sizeof *g.tx);
    g.ty = malloc(N * sizeof *g.ty);
    int rc = NN_OK;
    if (!xy || !g.v || !g.cls || !g.tx || !g.ty || !pout || !pred) {
        rc = nn_err_set(e, NN_ENOMEM, label, "out of memory for the decision grid");
        goto done;
    }
    /* itertools.product(x, x): x1 varies slowest */
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            xy[2 * ((size_t)i * n + j)] = lin(g.lo[0], g.hi[0], i, n);
            xy[2 * ((size_t)i * n + j) + 1] = lin(g.lo[1], g.hi[1], j, n);
        }
    nn_model *gm = m;
    if (sp->grid_norm) {        /* notebook 001's plotting grid */
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
    bool logit = c->plan->train.loss == NN_LOSS_BCE_LOGITS;
    for (size_t k = 0; k < N; k++)
        g.cls[k] = logit ? g.v[k] >= 0 : g.v[k] >= 0.5;
    if (!rc && c->draw)
        rc = find_crossings(gm, &g, logit, e);
    if (gm != m)
        nn_model_free(gm);
    if (rc || (rc = nn_model_predict(m, pout, pts->x, pts->n, e)))
        goto done;
    /* classes as training measures them */
    size_t wrong = 0, pos = 0;
    for (size_t s = 0; s < pts->n; s++) {
        pred[s] = logit ? pout[s] >= 0 : pout[s] >= 0.5;
        wrong += pred[s] != (pts->y[s] >= 0.5);
    }
    for (size_t k = 0; k < N; k++)
        pos += g.cls[k];
    if (logit)                       /* colour logits as probabilities */
        for (size_t k = 0; k < N; k++)
            g.v[k] = 1.0 / (1.0 + exp(-g.v[k]));
    char names[3][64];
    const char *xn = nn_data_name(pts, 0, names[0], sizeof names[0]);
    const char *yn = nn_data_name(pts, 1, names[1], sizeof names[1]);
    const char *tn = nn_data_name(pts, 2, names[2], sizeof names[2]);
    /* tables: the grid feeds only the figure, so it is written only when drawing */
    nn_file w;
    long segs = 0;
    if (c->draw) {
        snprintf(name, sizeof name, "decision-%s.csv", label);
        nn_path_join(path, sizeof path, c->dir, name);
        if ((rc = nn_file_open(&w, path, e)))
            goto done;
        fprintf(w.f, "%s,%s,output\n", xn, yn);
        for (size_t k = 0; k < N; k++) {
            fprintf(w.f, "%.17g,%.17g,", xy[2 * k], xy[2 * k + 1]);
            nn_csv_num(w.f, g.v[k]);
            fputc('\n', w.f);
        }
        if ((rc = nn_file_commit(&w, e)))
            goto done;
        snprintf(name, sizeof name, "decision-%s-boundary.csv", label);
        nn_path_join(path, sizeof path, c->dir, name);
        if ((rc = nn_file_open(&w, path, e)))
            goto done;
        fprintf(w.f, "%s,%s\n", xn, yn);
        segs = write_boundary(w.f, &g);
        if ((rc = nn_file_commit(&w, e)))
            goto done;
    }
    snprintf(name, sizeof name, "decision-%s-points.csv", label);
    nn_path_join(path, sizeof path, c->dir, name);
    if ((rc = nn_file_open(&w, path, e)))
        goto done;
    fprintf(w.f, "%s,%s,%s,output,predicted,correct\n", xn, yn, tn);
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
        bool identity = m->arch.out_act == NN_ACT_IDENTITY && !logit;
        if (identity) {
            double span = 0;     /* regression-style output: symmetric about 0.5 */
            for (size_t k = 0; k < N; k++)
                if (isfinite(g.v[k]))
                    span = fmax(span, fabs(g.v[k] - 0.5));
            vmin = 0.5 - (span > 0 ? span : 0.5);
            vmax = 0.5 + (span > 0 ? span : 0.5);
        }
        char title[300], sub[300], hid[200] = "";
        size_t k = 0;
        for (int l = 0; l < m->arch.n_hidden && k < sizeof hid - 12; l++)
            k += (size_t)snprintf(hid + k, sizeof hid - k, "%s%d", l ? ", " : "", m->arch.hidden[l]);
        snprintf(title, sizeof title, "%s: %s, hidden [%s]%s", label, nn_act_name(m->arch.act),
                 hid, m->arch.bias ? " with biases" : "");
        snprintf(sub, sizeof sub, "train error %.4f (%zu of %zu wrong)%s",
                 (double)wrong / (double)pts->n, wrong, pts->n,
                 sp->grid_norm ? "; grid on its own statistics (notebook 001)" : "");
        snprintf(name, sizeof name, "decision-%s.layer.png", label);
        nn_path_join(path, sizeof path, c->dir, name);
        if (!(rc = write_layer(path, &g, vmin, vmax, e)))
            rc = write_script(c, label, &g, pts, title, sub, vmin, vmax, identity, segs, o, e);
    }
done:
    free(xy);
    free(g.v);
    free(g.cls);
    free(g.tx);
    free(g.ty);
    free(pout);
    free(pred);
    nn_model_free(m);
    return rc;
}

static int run(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    nn_data pts;
    int rc = study_load_data(c, &pts, e);
    if (rc)
        return rc;
    if (pts.d != 2) {
        nn_data_free(&pts);
        return nn_err_set(e, NN_ESPEC, "data.csv", "the decision study needs 2 features, found %d",
                          pts.d);
    }
    for (int i = 0; i < c->n_models && !rc; i++)
        rc = one_model(c, sp->options, c->models[i]->label, &pts, out, e);
    nn_data_free(&pts);
    return rc;
}

/* A window [low, high] with sane numbers. */
static bool window_ok(const cJSON *r, double *lo, double *hi)
{
    if (!cJSON_IsArray(r) || cJSON_GetArraySize(r) != 2 || !cJSON_IsNumber(r->child) ||
        !cJSON_IsNumber(r->child->next))
        return false;
    *lo = r->child->valuedouble;
    *hi = r->child->next->valuedouble;
    double big = fmax(1.0, fmax(fabs(*lo), fabs(*hi)));
    return fabs(*lo) <= 1e6 && fabs(*hi) <= 1e6 && *hi - *lo >= 1e-6 * big;
}

/* range: "auto", [low, high] for both axes, or [[x1 low, x1 high], [x2 low, x2 high]] */
static int check_range(nn_spec_v *v, cJSON *obj, const char *key, void *field)
{
    decision_opts *o = (decision_opts *)((char *)field - offsetof(decision_opts, auto_range));
    cJSON *r = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!r) {
        r = cJSON_CreateString("auto");
        cJSON_AddItemToObject(obj, key, r);
    }
    size_t m = nn_spec_push(v, key);
    int rc = NN_OK;
    o->auto_range = cJSON_IsString(r) && !strcmp(r->valuestring, "auto");
    if (!o->auto_range) {
        bool ok;
        if (cJSON_IsArray(r) && cJSON_IsArray(r->child))
            ok = cJSON_GetArraySize(r) == 2 && window_ok(r->child, &o->range[0][0], &o->range[0][1]) &&
                 window_ok(r->child->next, &o->range[1][0], &o->range[1][1]);
        else if ((ok = window_ok(r, &o->range[0][0], &o->range[0][1])))
            o->range[1][0] = o->range[0][0], o->range[1][1] = o->range[0][1];
        if (!ok)
            rc = nn_spec_fail(v, "expected \"auto\", [low, high] for both axes or [[low, high], "
                              "[low, high]] per axis, with -1e6 <= low < high <= 1e6 and high - "
                              "low at least a millionth of their size, such as [-5, 5]");
    }
    nn_spec_pop(v, m);
    return rc;
}

static const char *const grid_norms[] = {"training", "grid"};

/* decision-<label>.csv: resolution^2 rows of x1,x2,output per model (and its layer). */
static double output_bytes(const void *options, const nn_plan *p, const nn_data *d)
{
    const decision_opts *o = options;
    double r = o->resolution;
    return (double)p->n_models * (r * r * 60.0 + (double)d->n * 60.0 + 1e6);
}

static const nn_option options[] = {
    {.key = "range", .kind = NN_OPTION_CUSTOM, .offset = offsetof(decision_opts, auto_range),
     .check = check_range, .def_doc = "\"auto\"",
     .values_doc = "`\"auto\"`, `[low, high]` or `[[low, high], [low, high]]`, within [-1e6, 1e6]",
     .doc = "the window, in the data's own units: auto is a square around the data with a "
            "margin; one pair serves both axes, two pairs one axis each"},
    {.key = "resolution", .kind = NN_OPTION_INT, .offset = offsetof(decision_opts, resolution),
     .def = 150, .lo = 10, .hi = 2000,
     .doc = "grid points per side (np.linspace(low, high, resolution))"},
    {.key = "grid_normalization", .kind = NN_OPTION_ENUM,
     .offset = offsetof(decision_opts, grid_norm), .names = grid_norms, .n_names = 2,
     .def_name = "training", .what = "grid normalisation",
     .doc = "how the grid is normalised before the model sees it: with the training data's "
            "statistics, or with its own as notebook 001 does (its background then disagrees "
            "with its predictions)"},
};

const nn_study nn_study_decision = {
    .spec = {.name = "decision", .summary = "each model's output over the input plane, with "
             "its 0.5 boundary and the training points (notebook 001)",
             .needs = NN_NEEDS_INPUT_2D, .input_why = "draws the input plane",
             .options = options, .n_options = sizeof options / sizeof *options,
             .options_size = sizeof(decision_opts), .output_bytes = output_bytes,
             .output_hint = "lower its resolution"},
    .figures = "`decision-<label>.png` (its colours in `decision-<label>.layer.png`); "
               "`decision-<label>-points.csv`, `decision-<label>.csv` (the grid), "
               "`decision-<label>-boundary.csv`",
    .run = run,
};
