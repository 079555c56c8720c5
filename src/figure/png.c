/* png.c: the RGB canvas, its font and the PNG writer (see figure.h).
 *
 * The font is nnlab's own 5x7 design for printable ASCII, one glyph per line below,
 * rows top to bottom separated by '|', '#' for ink. Disks are anti-aliased by the exact
 * distance from each pixel centre to the circle, with a one-pixel ramp.
 */
#include <math.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/figure.h"
#include "nnlab/record.h"

static const char *const glyphs[95] = {
    ".....|.....|.....|.....|.....|.....|.....", /*   */
    "..#..|..#..|..#..|..#..|..#..|.....|..#..", /* ! */
    ".#.#.|.#.#.|.....|.....|.....|.....|.....", /* " */
    ".#.#.|.#.#.|#####|.#.#.|#####|.#.#.|.#.#.", /* # */
    "..#..|.####|#.#..|.###.|..#.#|####.|..#..", /* $ */
    "##...|##..#|...#.|..#..|.#...|#..##|...##", /* % */
    ".##..|#..#.|#.#..|.#...|#.#.#|#..#.|.##.#", /* & */
    "..#..|..#..|.....|.....|.....|.....|.....", /* ' */
    "...#.|..#..|.#...|.#...|.#...|..#..|...#.", /* ( */
    ".#...|..#..|...#.|...#.|...#.|..#..|.#...", /* ) */
    ".....|..#..|#.#.#|.###.|#.#.#|..#..|.....", /* * */
    ".....|..#..|..#..|#####|..#..|..#..|.....", /* + */
    ".....|.....|.....|.....|.##..|..#..|.#...", /* , */
    ".....|.....|.....|#####|.....|.....|.....", /* - */
    ".....|.....|.....|.....|.....|.##..|.##..", /* . */
    ".....|....#|...#.|..#..|.#...|#....|.....", /* / */
    ".###.|#...#|#..##|#.#.#|##..#|#...#|.###.", /* 0 */
    "..#..|.##..|..#..|..#..|..#..|..#..|.###.", /* 1 */
    ".###.|#...#|....#|...#.|..#..|.#...|#####", /* 2 */
    "#####|...#.|..#..|...#.|....#|#...#|.###.", /* 3 */
    "...#.|..##.|.#.#.|#..#.|#####|...#.|...#.", /* 4 */
    "#####|#....|####.|....#|....#|#...#|.###.", /* 5 */
    "..##.|.#...|#....|####.|#...#|#...#|.###.", /* 6 */
    "#####|....#|...#.|..#..|.#...|.#...|.#...", /* 7 */
    ".###.|#...#|#...#|.###.|#...#|#...#|.###.", /* 8 */
    ".###.|#...#|#...#|.####|....#|...#.|.##..", /* 9 */
    ".....|.##..|.##..|.....|.##..|.##..|.....", /* : */
    ".....|.##..|.##..|.....|.##..|..#..|.#...", /* ; */
    "...#.|..#..|.#...|#....|.#...|..#..|...#.", /* < */
    ".....|.....|#####|.....|#####|.....|.....", /* = */
    ".#...|..#..|...#.|....#|...#.|..#..|.#...", /* > */
    ".###.|#...#|....#|...#.|..#..|.....|..#..", /* ? */
    ".###.|#...#|....#|.##.#|#.#.#|#.#.#|.###.", /* @ */
    ".###.|#...#|#...#|#####|#...#|#...#|#...#", /* A */
    "####.|#...#|#...#|####.|#...#|#...#|####.", /* B */
    ".###.|#...#|#....|#....|#....|#...#|.###.", /* C */
    "###..|#..#.|#...#|#...#|#...#|#..#.|###..", /* D */
    "#####|#....|#....|####.|#....|#....|#####", /* E */
    "#####|#....|#....|####.|#....|#....|#....", /* F */
    ".###.|#...#|#....|#.###|#...#|#...#|.####", /* G */
    "#...#|#...#|#...#|#####|#...#|#...#|#...#", /* H */
    ".###.|..#..|..#..|..#..|..#..|..#..|.###.", /* I */
    "..###|...#.|...#.|...#.|...#.|#..#.|.##..", /* J */
    "#...#|#..#.|#.#..|##...|#.#..|#..#.|#...#", /* K */
    "#....|#....|#....|#....|#....|#....|#####", /* L */
    "#...#|##.##|#.#.#|#.#.#|#...#|#...#|#...#", /* M */
    "#...#|#...#|##..#|#.#.#|#..##|#...#|#...#", /* N */
    ".###.|#...#|#...#|#...#|#...#|#...#|.###.", /* O */
    "####.|#...#|#...#|####.|#....|#....|#....", /* P */
    ".###.|#...#|#...#|#...#|#.#.#|#..#.|.##.#", /* Q */
    "####.|#...#|#...#|####.|#.#..|#..#.|#...#", /* R */
    ".####|#....|#....|.###.|....#|....#|####.", /* S */
    "#####|..#..|..#..|..#..|..#..|..#..|..#..", /* T */
    "#...#|#...#|#...#|#...#|#...#|#...#|.###.", /* U */
    "#...#|#...#|#...#|#...#|#...#|.#.#.|..#..", /* V */
    "#...#|#...#|#...#|#.#.#|#.#.#|#.#.#|.#.#.", /* W */
    "#...#|#...#|.#.#.|..#..|.#.#.|#...#|#...#", /* X */
    "#...#|#...#|.#.#.|..#..|..#..|..#..|..#..", /* Y */
    "#####|....#|...#.|..#..|.#...|#....|#####", /* Z */
    ".###.|.#...|.#...|.#...|.#...|.#...|.###.", /* [ */
    ".....|#....|.#...|..#..|...#.|....#|.....", /* \ */
    ".###.|...#.|...#.|...#.|...#.|...#.|.###.", /* ] */
    "..#..|.#.#.|#...#|.....|.....|.....|.....", /* ^ */
    ".....|.....|.....|.....|.....|.....|#####", /* _ */
    ".#...|..#..|.....|.....|.....|.....|.....", /* ` */
    ".....|.....|.###.|....#|.####|#...#|.####", /* a */
    "#....|#....|#.##.|##..#|#...#|#...#|####.", /* b */
    ".....|.....|.###.|#....|#....|#...#|.###.", /* c */
    "....#|....#|.##.#|#..##|#...#|#...#|.####", /* d */
    ".....|.....|.###.|#...#|#####|#....|.###.", /* e */
    "..##.|.#..#|.#...|###..|.#...|.#...|.#...", /* f */
    ".....|.####|#...#|#...#|.####|....#|.###.", /* g */
    "#....|#....|#.##.|##..#|#...#|#...#|#...#", /* h */
    "..#..|.....|.##..|..#..|..#..|..#..|.###.", /* i */
    "...#.|.....|..##.|...#.|...#.|#..#.|.##..", /* j */
    "#....|#....|#..#.|#.#..|##...|#.#..|#..#.", /* k */
    ".##..|..#..|..#..|..#..|..#..|..#..|.###.", /* l */
    ".....|.....|##.#.|#.#.#|#.#.#|#...#|#...#", /* m */
    ".....|.....|#.##.|##..#|#...#|#...#|#...#", /* n */
    ".....|.....|.###.|#...#|#...#|#...#|.###.", /* o */
    ".....|.....|####.|#...#|####.|#....|#....", /* p */
    ".....|.....|.##.#|#..##|.####|....#|....#", /* q */
    ".....|.....|#.##.|##..#|#....|#....|#....", /* r */
    ".....|.....|.###.|#....|.###.|....#|####.", /* s */
    ".#...|.#...|###..|.#...|.#...|.#..#|..##.", /* t */
    ".....|.....|#...#|#...#|#...#|#..##|.##.#", /* u */
    ".....|.....|#...#|#...#|#...#|.#.#.|..#..", /* v */
    ".....|.....|#...#|#...#|#.#.#|#.#.#|.#.#.", /* w */
    ".....|.....|#...#|.#.#.|..#..|.#.#.|#...#", /* x */
    ".....|.....|#...#|#...#|.####|....#|.###.", /* y */
    ".....|.....|#####|...#.|..#..|.#...|#####", /* z */
    "...#.|..#..|..#..|.#...|..#..|..#..|...#.", /* { */
    "..#..|..#..|..#..|..#..|..#..|..#..|..#..", /* | */
    ".#...|..#..|..#..|...#.|..#..|..#..|.#...", /* } */
    ".....|.....|.#...|#.#.#|...#.|.....|.....", /* ~ */
};

nn_canvas *nn_canvas_create(int w, int h, nn_rgb bg)
{
    nn_canvas *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    c->w = w;
    c->h = h;
    c->px = malloc((size_t)w * (size_t)h * 3);
    if (!c->px) {
        free(c);
        return NULL;
    }
    for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
        c->px[3 * i] = bg.r;
        c->px[3 * i + 1] = bg.g;
        c->px[3 * i + 2] = bg.b;
    }
    return c;
}

void nn_canvas_free(nn_canvas *c)
{
    if (c) {
        free(c->px);
        free(c);
    }
}

void nn_canvas_blend(nn_canvas *c, int x, int y, nn_rgb col, double a)
{
    if (x < 0 || y < 0 || x >= c->w || y >= c->h || a <= 0)
        return;
    if (a > 1)
        a = 1;
    uint8_t *p = c->px + 3 * ((size_t)y * (size_t)c->w + (size_t)x);
    p[0] = (uint8_t)lround(p[0] + (col.r - p[0]) * a);
    p[1] = (uint8_t)lround(p[1] + (col.g - p[1]) * a);
    p[2] = (uint8_t)lround(p[2] + (col.b - p[2]) * a);
}

void nn_canvas_rect(nn_canvas *c, int x0, int y0, int x1, int y1, nn_rgb col)
{
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
            nn_canvas_set(c, x, y, col);
}

void nn_canvas_frame(nn_canvas *c, int x0, int y0, int x1, int y1, nn_rgb col)
{
    for (int x = x0; x <= x1; x++) {
        nn_canvas_set(c, x, y0, col);
        nn_canvas_set(c, x, y1, col);
    }
    for (int y = y0; y <= y1; y++) {
        nn_canvas_set(c, x0, y, col);
        nn_canvas_set(c, x1, y, col);
    }
}

static double clamp01(double t) { return t < 0 ? 0 : t > 1 ? 1 : t; }

void nn_canvas_disk(nn_canvas *c, double cx, double cy, double r, bool filled, nn_rgb fill,
                    double edge_w, nn_rgb edge)
{
    int x0 = (int)floor(cx - r - 2), x1 = (int)ceil(cx + r + 2);
    int y0 = (int)floor(cy - r - 2), y1 = (int)ceil(cy + r + 2);
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++) {
            double d = hypot(x + 0.5 - cx, y + 0.5 - cy);
            double outside = clamp01(d - r + 0.5);          /* 1 when fully outside */
            double cover = 1 - outside;
            if (cover <= 0)
                continue;
            double inner = clamp01(r - edge_w - d + 0.5);   /* 1 when inside the ring */
            if (filled && inner > 0)
                nn_canvas_blend(c, x, y, fill, inner * cover);
            double ring = cover * (1 - inner);
            if (edge_w > 0 && ring > 0)
                nn_canvas_blend(c, x, y, edge, ring);
        }
}

void nn_canvas_text(nn_canvas *c, int x, int y, const char *s, int scale, nn_rgb col)
{
    for (; *s; s++, x += 6 * scale) {
        unsigned char ch = (unsigned char)*s;
        const char *g = glyphs[(ch >= 32 && ch < 127 ? ch : '?') - 32];
        for (int row = 0; row < 7; row++)
            for (int k = 0; k < 5; k++)
                if (g[row * 6 + k] == '#')
                    nn_canvas_rect(c, x + k * scale, y + row * scale, x + (k + 1) * scale - 1,
                                   y + (row + 1) * scale - 1, col);
    }
}

int nn_text_width(const char *s, int scale)
{
    size_t n = strlen(s);
    return n ? (int)n * 6 * scale - scale : 0;
}

nn_rgb nn_colormap_diverging(double t)
{
    /* anchors chosen for nnlab: warm red, orange, near white, light blue, deep blue */
    static const double at[5] = {0, 0.25, 0.5, 0.75, 1};
    static const nn_rgb col[5] = {{178, 34, 34}, {236, 140, 84}, {246, 244, 236},
                                  {116, 166, 214}, {36, 82, 166}};
    t = isnan(t) ? 0.5 : clamp01(t);
    int i = t >= 0.75 ? 3 : t >= 0.5 ? 2 : t >= 0.25 ? 1 : 0;
    double u = (t - at[i]) / (at[i + 1] - at[i]);
    nn_rgb a = col[i], b = col[i + 1];
    return (nn_rgb){(uint8_t)lround(a.r + (b.r - a.r) * u), (uint8_t)lround(a.g + (b.g - a.g) * u),
                    (uint8_t)lround(a.b + (b.b - a.b) * u)};
}

int nn_canvas_write_png(const nn_canvas *c, const char *path, nn_err *e)
{
    nn_file w;
    int rc = nn_file_open(&w, path, e);
    if (rc)
        return rc;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep *rows = malloc((size_t)c->h * sizeof *rows);
    if (!png || !info || !rows) {
        png_destroy_write_struct(&png, &info);
        free(rows);
        nn_file_abort(&w);
        return nn_err_set(e, NN_ENOMEM, path, "out of memory writing PNG");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(rows);
        nn_file_abort(&w);
        return nn_err_set(e, NN_EIO, path, "libpng could not write the image");
    }
    png_init_io(png, w.f);
    png_set_IHDR(png, info, (png_uint_32)c->w, (png_uint_32)c->h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < c->h; y++)
        rows[y] = c->px + 3 * (size_t)y * (size_t)c->w;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    return nn_file_commit(&w, e);
}
