/* figure.h: every picture nnlab draws, in one house style.
 *
 * gnuplot composes every figure: axes, text, keys, lines and points. A study writes a
 * gnuplot script through nn_gp_begin, which puts the house theme (one sans-serif typeface
 * and its sizes, line widths, the series palette, the class colours, the grid, keys outside
 * the data) and the output preamble at its top, so every figure looks the same and the
 * script alone redraws it in any of the formats: `gnuplot X.gp` (PNG), `gnuplot -e
 * "fmt='svg'" X.gp`, `gnuplot -e "fmt='pdf'" X.gp`, `gnuplot -e "scale=2" X.gp` (twice the
 * size, text and lines included). nn_gp_draw runs gnuplot on it once per format asked for,
 * never through a shell, and moves each figure into place only when gnuplot succeeded and
 * the file is whole.
 *
 * Raster content (a decision map's colours, a grid of cells, a weight movie's strips) is a
 * layer: an RGB canvas written with libpng and no text at all, which the script draws with
 * `with rgbimage` under its vector axes and labels (embedded as an image in SVG and PDF).
 * PNGs carry no time stamp, so the same picture gives the same bytes.
 *
 * Strings put into scripts go through nn_gp_quote (gnuplot can run shell commands).
 */
#ifndef NNLAB_FIGURE_H
#define NNLAB_FIGURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nnlab/err.h"
#include "nnlab/files.h"

/* ---- the house theme ------------------------------------------------------------------- */

#define NN_FIG_FONT "DejaVu Sans"

typedef struct nn_rgb {
    uint8_t r, g, b;
} nn_rgb;

/* Series colours, in order (matplotlib's tab10, which readers know): series i is colour
 * i % 10, and from the eleventh on a dash pattern tells it apart (nn_gp_series). A run's
 * models keep their colour (their index in the spec) in every figure of the run. */
#define NN_FIG_N_SERIES 10
extern const nn_rgb nn_fig_series[NN_FIG_N_SERIES];

/* The two classes of a classification, everywhere: 0 orange, 1 blue; and neutral ink. */
extern const nn_rgb nn_fig_class0, nn_fig_class1, nn_fig_ink, nn_fig_muted;

/* Colour maps, t in [0, 1] (clamped): class probability (0 class 0's orange, 0.5 white, 1
 * class 1's blue), signed values (0 negative purple, 0.5 white, 1 positive green), and a
 * sequential map for magnitudes and counts (0 white to 1 dark). nn_gp_palette writes the
 * same maps as gnuplot palettes, so a colour bar agrees with a layer. */
typedef enum { NN_CMAP_CLASS, NN_CMAP_SIGNED, NN_CMAP_SEQUENTIAL } nn_cmap;
nn_rgb nn_cmap_color(nn_cmap m, double t);

/* ---- raster layers (libpng) ---------------------------------------------------------- */

typedef struct nn_canvas {
    int w, h;
    uint8_t *px;   /* (h, w, 3), row 0 at the top */
} nn_canvas;

nn_canvas *nn_canvas_create(int w, int h, nn_rgb bg);
void nn_canvas_free(nn_canvas *c);
static inline void nn_canvas_set(nn_canvas *c, int x, int y, nn_rgb col)
{
    if (x >= 0 && y >= 0 && x < c->w && y < c->h) {
        uint8_t *p = c->px + 3 * ((size_t)y * (size_t)c->w + (size_t)x);
        p[0] = col.r, p[1] = col.g, p[2] = col.b;
    }
}
void nn_canvas_rect(nn_canvas *c, int x0, int y0, int x1, int y1, nn_rgb col); /* filled, inclusive */
/* Write a PNG (atomically). */
int nn_canvas_write_png(const nn_canvas *c, const char *path, nn_err *e);

/* ---- gnuplot scripts ------------------------------------------------------------------- */

enum { NN_FIG_PNG = 1, NN_FIG_SVG = 2, NN_FIG_PDF = 4 };
extern const char *const nn_fig_format_names[3];   /* "png", "svg", "pdf" */

/* How figures are drawn: the formats (NN_FIG_*; 0 is PNG), a size multiplier (0 is 1), and
 * the gnuplot program (NULL or "" is gnuplot on the PATH). */
typedef struct nn_fig_opts {
    unsigned formats;
    double size;
    const char *gnuplot;
} nn_fig_opts;

/* "png,svg" into *formats; NN_EUSAGE naming the bad word otherwise. */
int nn_fig_parse_formats(const char *text, unsigned *formats, nn_err *e);

/* A script being written. */
typedef struct nn_gp {
    FILE *f;                 /* the script: add commands with fprintf or nn_gp_* */
    nn_file w;
    char base[256];          /* the figure's name without extension */
    bool animation;
    int width, height;       /* pixels at size 1 */
    /* nn_gp_panel's spacing in pixels: room left of each panel (tick labels, a y label),
     * right of it (a y2 axis needs more), and between rows (x labels and a title) */
    int pad_left, pad_right, gap_rows;
} nn_gp;

/* Start dir/<base>.gp for the figure <base>.png (and .svg, .pdf) of w x h pixels at size 1:
 * what says in a comment what it shows; then the theme and the output preamble. */
int nn_gp_begin(nn_gp *g, const char *dir, const char *base, const char *what, int w, int h,
                const nn_fig_opts *o, nn_err *e);
/* The same for an animated GIF, <base>.gif, each frame delay hundredths of a second; its
 * script is <base>-gif.gp, so a still <base>.png may stand beside it. */
int nn_gp_begin_gif(nn_gp *g, const char *dir, const char *base, const char *what, int w,
                    int h, int delay, const nn_fig_opts *o, nn_err *e);
/* Finish the script (written atomically). */
int nn_gp_end(nn_gp *g, nn_err *e);
/* Drop an unfinished script. */
void nn_gp_abort(nn_gp *g);

/* s as a gnuplot string, written to the script / into buf (see nn_gp_quote). */
void nn_gp_str(nn_gp *g, const char *s);
/* `set title 'title'` with a smaller second line, the subtitle (may be NULL). */
void nn_gp_title(nn_gp *g, const char *title, const char *subtitle);
/* The line style of series i ("lc rgb '#1f77b4' dt 1"), for plot commands; its colour alone
 * ("lc rgb '#1f77b4'"), for a line of the series with a dash pattern of its own. */
void nn_gp_series(char *buf, size_t cap, int i);
void nn_gp_series_color(char *buf, size_t cap, int i);
/* `set palette defined (...)` for map m over [lo, hi], and its colour bar's label (may be
 * NULL). nn_gp_palette_part uses only the part [t0, t1] of the map. */
void nn_gp_palette(nn_gp *g, nn_cmap m, double lo, double hi, const char *label);
void nn_gp_palette_part(nn_gp *g, nn_cmap m, double t0, double t1, double lo, double hi,
                        const char *label);
/* `set multiplot` titled title (may be NULL); lay the panels out with nn_gp_panel. */
void nn_gp_multiplot(nn_gp *g, const char *title);
/* A strip strip_px tall across the bottom of the figure holding only a key of at most rows
 * rows, off every panel: call after the panels. It leaves a plot command open: write its entries, each
 * ", keyentry with ... title '...'" in the panels' styles, then a newline. */
void nn_gp_key_strip(nn_gp *g, int strip_px, int rows);

/* Panels that line up: panel (row, col) of a rows x cols grid, its margins set at screen
 * positions so every panel has the same size whatever its labels; top_px for the figure's
 * title, key_px on the right for a key (nn_gp_key_right), bottom_px below the last row (axis
 * labels; more for a key below). Call before each panel's plot, inside `set multiplot`. */
void nn_gp_panel(nn_gp *g, int row, int col, int rows, int cols, int top_px, int key_px,
                 int bottom_px);
/* The next plot's key in the key_px column on the right, from its top. */
void nn_gp_key_right(nn_gp *g, int key_px, int top_px);

/* s as a gnuplot single-quoted string, which gnuplot never expands (no backquotes, no
 * macros): control characters dropped (a newline would end the command), a ' becomes a
 * typographic apostrophe, truncated to fit cap. Not for file names: a name starting with
 * < or | is a command even quoted, so file names in scripts are nnlab's own. */
void nn_gp_quote(char *buf, size_t cap, const char *s);

/* Draw <base>.gp in dir once per format of o, each into <base>.<fmt> (an animation's
 * <base>-gif.gp into <base>.gif). Returns NN_OK, or NN_ERUN with e saying why; when gnuplot cannot be found,
 * *missing is set (and nothing is drawn). drawn receives the first figure's file name. */
int nn_gp_draw(const char *dir, const char *base, bool animation, const nn_fig_opts *o,
               bool *missing, char *drawn, size_t cap, nn_err *e);

#endif
