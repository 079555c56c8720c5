/* grid.c: the cell grids of the oscillation and neuron_rank studies (see common.h). One
 * cell per row and step, output side at the top, layers separated by a gap and a thin line,
 * drawn with libpng so thousands of steps stay crisp. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

static const nn_rgb INK = {25, 25, 25}, GREY = {110, 110, 110}, RULE = {170, 170, 170};
static const nn_rgb WHITE = {255, 255, 255};

int draw_cellgrid(const char *path, const cellgrid *g, nn_err *e)
{
    enum { LEFT = 150, TOP = 74, BOTTOM = 70, LEGEND = 300, GAP = 5, MAXCOLS = 2400 };
    long bins = g->cols < MAXCOLS ? g->cols : MAXCOLS;
    int cw = bins ? (int)(1600 / bins) : 1;
    cw = cw < 1 ? 1 : cw > 8 ? 8 : cw;
    int ch = g->rows ? 900 / g->rows : 1;
    ch = ch < 1 ? 1 : ch > 12 ? 12 : ch;
    /* pixel rows per layer: one per row (ch pixels tall), or binned when rows are many */
    int px[NN_MAX_HIDDEN + 1], plot_h = (g->n_groups - 1) * GAP;
    bool binned = g->rows > 900;
    for (int l = 0; l < g->n_groups; l++) {
        px[l] = binned ? (int)((long)g->group_rows[l] * 900 / g->rows) : g->group_rows[l];
        px[l] = px[l] < 1 ? 1 : px[l];
        plot_h += binned ? px[l] : px[l] * ch;
    }
    if (binned)
        ch = 1;
    int plot_w = (int)bins * cw;
    int W = LEFT + plot_w + LEGEND, H = TOP + plot_h + BOTTOM;
    int tw = LEFT + 20 + nn_text_width(g->title, 2);
    if (g->subtitle && LEFT + 20 + nn_text_width(g->subtitle, 2) > tw)
        tw = LEFT + 20 + nn_text_width(g->subtitle, 2);
    W = W < 700 ? 700 : W;
    W = W < tw ? tw : W;
    nn_canvas *c = nn_canvas_create(W, H, WHITE);
    if (!c)
        return nn_err_set(e, NN_ENOMEM, path, "out of memory for the figure");
    nn_canvas_text(c, LEFT, 14, g->title, 2, INK);
    if (g->subtitle)
        nn_canvas_text(c, LEFT, 40, g->subtitle, 2, GREY);
    /* rows: layer by layer from the bottom (input side) up */
    int y_bottom = TOP + plot_h, row0 = 0;
    for (int l = 0; l < g->n_groups; l++) {
        int n = g->group_rows[l], p = px[l];
        for (int q = 0; q < p; q++) {
            int r0 = row0 + (int)((long)q * n / p), r1 = row0 + (int)((long)(q + 1) * n / p);
            if (r1 <= r0)
                r1 = r0 + 1;
            int y1 = y_bottom - q * ch - 1, y0 = y1 - ch + 1;
            for (long b = 0; b < bins; b++) {
                long c0 = b * g->cols / bins, c1 = (b + 1) * g->cols / bins;
                nn_rgb col = g->color(g->ctx, r0, r1, c0, c1);
                int x0 = LEFT + (int)b * cw;
                nn_canvas_rect(c, x0, y0, x0 + cw - 1, y1, col);
            }
        }
        char name[64];
        snprintf(name, sizeof name, "layer %d", l + 1);
        int ymid = y_bottom - p * ch / 2 - 7;
        nn_canvas_text(c, LEFT - 12 - nn_text_width(name, 2), ymid, name, 2, INK);
        if (l == 0 || l == g->n_groups - 1) {
            const char *side = l == 0 ? "input side" : "output side";
            nn_canvas_text(c, LEFT - 12 - nn_text_width(side, 1), ymid + 18, side, 1, GREY);
        }
        y_bottom -= p * ch;
        if (l + 1 < g->n_groups) {          /* the gap, with a thin rule in its middle */
            nn_canvas_rect(c, LEFT, y_bottom - GAP / 2 - 1, LEFT + plot_w - 1, y_bottom - GAP / 2 - 1, RULE);
            y_bottom -= GAP;
        }
        row0 += n;
    }
    nn_canvas_frame(c, LEFT - 1, TOP - 1, LEFT + plot_w, TOP + plot_h, INK);
    /* epochs along the bottom: about six ticks at round numbers */
    if (g->cols > 0) {
        long first = g->col_epoch[0], last = g->col_epoch[g->cols - 1];
        double span = (double)(last - first), raw = span / 6, p = raw > 0 ? pow(10, floor(log10(raw))) : 1;
        double f = raw / p;
        long step = (long)((f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p);
        if (step < 1)
            step = 1;
        char buf[32];
        for (long ep = (first + step - 1) / step * step; ep <= last; ep += step) {
            /* the column whose epoch this is (epochs increase with the column) */
            long lo = 0, hi = g->cols - 1;
            while (lo < hi) {
                long mid = (lo + hi) / 2;
                if (g->col_epoch[mid] < ep)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            int x = LEFT + (int)((double)lo * (double)bins / (double)g->cols * cw) + cw / 2;
            nn_canvas_rect(c, x, TOP + plot_h, x, TOP + plot_h + 5, INK);
            snprintf(buf, sizeof buf, "%ld", ep);
            nn_canvas_text(c, x - nn_text_width(buf, 2) / 2, TOP + plot_h + 10, buf, 2, INK);
        }
        nn_canvas_text(c, LEFT + plot_w / 2 - nn_text_width("epoch", 2) / 2, TOP + plot_h + 36,
                       "epoch", 2, INK);
    }
    /* legend on the right */
    int lx = LEFT + plot_w + 24, ly = TOP;
    for (int k = 0; k < g->n_legend; k++, ly += 24) {
        nn_canvas_rect(c, lx, ly, lx + 13, ly + 13, g->legend_col[k]);
        nn_canvas_frame(c, lx, ly, lx + 13, ly + 13, RULE);
        nn_canvas_text(c, lx + 22, ly, g->legend[k], 2, INK);
    }
    if (g->colorbar) {
        ly += 10;
        nn_canvas_text(c, lx, ly, g->bar_label, 2, INK);
        ly += 22;
        for (int i = 0; i < 150; i++)
            nn_canvas_rect(c, lx, ly + i, lx + 18, ly + i, g->bar(1.0 - i / 149.0));
        nn_canvas_frame(c, lx - 1, ly - 1, lx + 19, ly + 150, INK);
        nn_canvas_text(c, lx + 26, ly - 3, g->bar_hi, 2, INK);
        nn_canvas_text(c, lx + 26, ly + 140, g->bar_lo, 2, INK);
    }
    int rc = nn_canvas_write_png(c, path, e);
    nn_canvas_free(c);
    return rc;
}
