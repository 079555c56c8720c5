/* figure.h: pictures: an RGB canvas written with libpng, and gnuplot for line plots.
 *
 * The canvas draws what the studies need and no more: filled rectangles, single-pixel
 * lines, anti-aliased disks and rings, text in a built-in 5x7 font (printable ASCII,
 * scaled by whole pixels), and a diverging colour map. PNGs carry no time stamp, so the
 * same picture gives the same bytes. gnuplot runs as a child process on a script file,
 * never through a shell; strings put into scripts go through nn_gp_quote.
 */
#ifndef NNLAB_FIGURE_H
#define NNLAB_FIGURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nnlab/err.h"

typedef struct nn_rgb {
    uint8_t r, g, b;
} nn_rgb;

typedef struct nn_canvas {
    int w, h;
    uint8_t *px;   /* (h, w, 3) */
} nn_canvas;

nn_canvas *nn_canvas_create(int w, int h, nn_rgb bg);
void nn_canvas_free(nn_canvas *c);
void nn_canvas_blend(nn_canvas *c, int x, int y, nn_rgb col, double alpha);
static inline void nn_canvas_set(nn_canvas *c, int x, int y, nn_rgb col)
{
    if (x >= 0 && y >= 0 && x < c->w && y < c->h) {
        uint8_t *p = c->px + 3 * ((size_t)y * (size_t)c->w + (size_t)x);
        p[0] = col.r, p[1] = col.g, p[2] = col.b;
    }
}
void nn_canvas_rect(nn_canvas *c, int x0, int y0, int x1, int y1, nn_rgb col); /* filled, inclusive */
void nn_canvas_frame(nn_canvas *c, int x0, int y0, int x1, int y1, nn_rgb col); /* outline */
/* A disk of radius r at (cx, cy), filled with fill (when filled) and edged by a ring of
 * width edge_w in edge, anti-aliased. */
void nn_canvas_disk(nn_canvas *c, double cx, double cy, double r, bool filled, nn_rgb fill,
                    double edge_w, nn_rgb edge);
/* Text with its top-left corner at (x, y); scale multiplies the 5x7 glyphs. */
void nn_canvas_text(nn_canvas *c, int x, int y, const char *s, int scale, nn_rgb col);
int nn_text_width(const char *s, int scale);
#define NN_FONT_H 7
/* Write a PNG (atomically). */
int nn_canvas_write_png(const nn_canvas *c, const char *path, nn_err *e);

/* Diverging colour map: 0 warm red, 0.5 near white, 1 blue; t is clamped to [0, 1]. */
nn_rgb nn_colormap_diverging(double t);

/* gnuplot: run `gnuplot -e "outfile='<png>.part'" <script>` in dir and move the PNG into
 * place. Returns NN_OK, or NN_ERUN with e saying why (gnuplot missing: e->code is
 * NN_ERUN and *missing is set). The program is $NNLAB_GNUPLOT when set, else gnuplot. */
int nn_gnuplot_run(const char *dir, const char *script, const char *png, bool *missing,
                   nn_err *e);

/* s as a gnuplot single-quoted string, which gnuplot never expands (no backquotes, no
 * macros): control characters dropped (a newline would end the command), a ' becomes a
 * typographic apostrophe, truncated to fit cap. Not for file names: a name starting with
 * < or | is a command even quoted, so file names in scripts are nnlab's own. */
void nn_gp_quote(char *buf, size_t cap, const char *s);

#endif
