/* grid.c: the cell grids of the oscillation and neuron_rank studies (see common.h). One cell
 * per row and step, output side at the top, layers apart: the cells are a raster layer (one
 * pixel per cell, or per bin of cells), drawn by gnuplot under its axes, so thousands of
 * steps stay crisp and every letter is in the house typeface. */
#include <cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* gnuplot holds an image as about 90 bytes a pixel: the layer stays under 1000 x 500 pixels
 * (about 45 MB in gnuplot), cells binned past that, blocks of pixels below it */
enum { MAXCOLS = 1000, MAXROWS = 500, GAP = 1 };

int draw_cellgrid(nn_study_ctx *c, const char *base, const cellgrid *g, cJSON *out, nn_err *e)
{
    long bins = g->cols < MAXCOLS ? g->cols : MAXCOLS;
    if (bins < 1)
        bins = 1;
    /* pixel rows per layer: one per row, or binned when rows are many; a gap of GAP
     * layer-heights' worth of blank rows between layers, scaled to the image */
    int px[NN_MAX_HIDDEN + 2], H = 0;
    bool binned = g->rows > MAXROWS;
    for (int l = 0; l < g->n_groups; l++) {
        px[l] = binned ? (int)((long)g->group_rows[l] * MAXROWS / g->rows) : g->group_rows[l];
        px[l] = px[l] < 1 ? 1 : px[l];
        H += px[l];
    }
    int gap = H / 60 > 1 ? H / 60 : 1;
    H += (g->n_groups - 1) * gap;
    nn_canvas *cv = nn_canvas_create((int)bins, H, (nn_rgb){255, 255, 255});
    if (!cv)
        return nn_err_set(e, NN_ENOMEM, base, "out of memory for the figure");
    /* layer by layer from the bottom (input side) up; image row 0 is the top */
    int y_bottom = H, row0 = 0;
    double centre[NN_MAX_HIDDEN + 2], top[NN_MAX_HIDDEN + 2];
    for (int l = 0; l < g->n_groups; l++) {
        int n = g->group_rows[l], p = px[l];
        for (int q = 0; q < p; q++) {
            int r0 = row0 + (int)((long)q * n / p), r1 = row0 + (int)((long)(q + 1) * n / p);
            if (r1 <= r0)
                r1 = r0 + 1;
            int y = y_bottom - 1 - q;
            for (long b = 0; b < bins; b++) {
                long c0 = b * g->cols / bins, c1 = (b + 1) * g->cols / bins;
                if (c1 <= c0)
                    c1 = c0 + 1;
                nn_canvas_set(cv, (int)b, y, g->color(g->ctx, r0, r1, c0, c1));
            }
        }
        /* in plot units, y runs up from 0 at the bottom pixel row's bottom edge */
        centre[l] = (H - y_bottom) + p / 2.0;
        top[l] = (H - y_bottom) + p;
        y_bottom -= p + gap;
        row0 += n;
    }
    /* each cell a block of pixels: a viewer scaling a one-pixel-a-cell image up blurs it
     * (rsvg, PDF viewers), one scaling blocks up keeps the cells sharp */
    int fx = (int)(MAXCOLS / bins) > 1 ? (int)(MAXCOLS / bins) : 1, fy = 600 / H > 1 ? 600 / H : 1;
    fx = fx > 8 ? 8 : fx;
    fy = fy > 8 ? 8 : fy;
    nn_canvas *big = fx * fy > 1 ? nn_canvas_create((int)bins * fx, H * fy, (nn_rgb){255, 255, 255})
                                 : cv;
    if (!big) {
        nn_canvas_free(cv);
        return nn_err_set(e, NN_ENOMEM, base, "out of memory for the figure");
    }
    if (big != cv) {
        for (int y = 0; y < big->h; y++)
            for (int x = 0; x < big->w; x++)
                memcpy(big->px + 3 * ((size_t)y * (size_t)big->w + (size_t)x),
                       cv->px + 3 * ((size_t)(y / fy) * (size_t)cv->w + (size_t)(x / fx)), 3);
        nn_canvas_free(cv);
    }
    char path[4400], name[300];
    snprintf(name, sizeof name, "%s.layer.png", base);
    nn_path_join(path, sizeof path, c->dir, name);
    int rc = nn_canvas_write_png(big, path, e);
    nn_canvas_free(big);
    if (rc)
        return rc;
    /* the figure: the plot area 1000 pixels wide and 2 pixels a row (300 to 700), layer
     * names on the left, key and colour bar on the right */
    enum { LEFT = 240, PLOT_W = 1000, KEY = 230, TOP = 86, BOTTOM = 68 };
    int plot_h = 2 * H < 300 ? 300 : 2 * H > 700 ? 700 : 2 * H;
    int W = LEFT + PLOT_W + KEY, Hf = plot_h + TOP + BOTTOM;
    nn_gp gp;
    if ((rc = study_figure_begin(c, &gp, base, g->what, W, Hf, e)))
        return rc;
    FILE *f = gp.f;
    fprintf(f, "set lmargin at screen %.4f; set rmargin at screen %.4f\n"
               "set tmargin at screen %.4f; set bmargin at screen %.4f\n",
            (double)LEFT / W, (double)(LEFT + PLOT_W) / W, (double)(Hf - TOP) / Hf,
            (double)BOTTOM / Hf);
    char sub[600];
    if (g->cols > bins)       /* say what a column is when it holds several epochs */
        snprintf(sub, sizeof sub, "%s%sa column holds %.3g epochs%s%s",
                 g->subtitle ? g->subtitle : "", g->subtitle ? "; " : "",
                 (double)g->cols / (double)bins, g->bin_note ? ", " : "",
                 g->bin_note ? g->bin_note : "");
    else
        snprintf(sub, sizeof sub, "%s", g->subtitle ? g->subtitle : "");
    nn_gp_title(&gp, g->title, sub);
    long first = g->cols ? g->col_epoch[0] : 0, last = g->cols ? g->col_epoch[g->cols - 1] : 1;
    double x0 = (double)first - 0.5, x1 = (double)last + 0.5;
    fprintf(f, "set xrange [%.17g:%.17g]\nset yrange [0:%d]\n", x0, x1, H);
    fputs("set xlabel 'epoch'\nunset grid\nset border 15 lw 1 lc rgb INK\nset tics front\n"
          "set ytics scale 0\nunset mytics\nset ytics (", f);
    for (int l = 0; l < g->n_groups; l++) {
        char t[80];
        snprintf(t, sizeof t, "%s %d%s", g->group_word, l + 1,
                 l == 0 ? " (input side)" : l == g->n_groups - 1 ? " (output side)" : "");
        if (g->n_groups == 1)
            snprintf(t, sizeof t, "%s", g->row_word);
        fprintf(f, "%s", l ? ", " : "");
        nn_gp_str(&gp, t);
        fprintf(f, " %.6g", centre[l]);
    }
    fputs(")\n", f);
    for (int l = 0; l + 1 < g->n_groups; l++)     /* a thin rule in each gap */
        fprintf(f, "set arrow from graph 0, first %.6g to graph 1, first %.6g nohead lw 0.8 "
                   "lc rgb MUTED front\n", top[l] + gap / 2.0, top[l] + gap / 2.0);
    fputs("set ylabel ", f);
    nn_gp_str(&gp, g->row_word);
    fputs("\n", f);
    fprintf(f, "set key at screen %.4f, screen %.4f left top vertical Left reverse "
               "samplen 1.5\nset style fill solid 1.0 border lc rgb MUTED\n",
            (LEFT + PLOT_W + 24.0) / W, (double)(Hf - TOP) / Hf);
    if (g->colorbar) {
        nn_gp_palette_part(&gp, g->bar_map, g->bar_t0, 1, g->bar_lo, g->bar_hi, g->bar_label);
        if (g->bar_log) {        /* powers of two, written as fractions below 1 */
            fputs("set logscale cb 2\nset cbtics (", f);
            for (double v = g->bar_lo; v <= g->bar_hi * 1.0001; v *= 2)
                fprintf(f, "%s'%s%g' %.17g", v > g->bar_lo ? ", " : "", v < 1 ? "1/" : "",
                        v < 1 ? 1 / v : v, v);
            fputs(")\n", f);
        }
        fprintf(f, "set colorbox vertical user origin screen %.4f, screen %.4f size screen %.4f, "
                   "screen %.4f\n", (LEFT + PLOT_W + 30.0) / W, (double)BOTTOM / Hf, 18.0 / W,
                (plot_h * 0.6) / Hf);
    } else {
        fputs("unset colorbox\n", f);
    }
    snprintf(name, sizeof name, "%s.layer.png", base);
    double dx = (x1 - x0) / (double)(bins * fx), dy = 1.0 / fy;
    fputs("plot ", f);
    nn_gp_str(&gp, name);
    fprintf(f, " binary filetype=png dx=%.17g dy=%.17g origin=(%.17g,%.17g) with rgbimage notitle",
            dx, dy, x0 + dx / 2, dy / 2);
    for (int k = 0; k < g->n_legend; k++) {
        nn_rgb col = g->legend_col[k];
        fprintf(f, ", \\\n     keyentry with boxes fc rgb '#%02x%02x%02x' title ", col.r, col.g,
                col.b);
        nn_gp_str(&gp, g->legend[k]);
    }
    if (g->colorbar)
        fprintf(f, ", \\\n     '+' using (NaN):(NaN):(%.17g) with points lc palette notitle",
                g->bar_lo);
    fputc('\n', f);
    return study_figure_end(c, &gp, out, e);
}
