/* png.c: raster layers: an RGB canvas and its PNG writer (see figure.h). A layer holds
 * colours only; every letter of a figure is gnuplot's, in the house typeface. */
#include <math.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/figure.h"

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

void nn_canvas_rect(nn_canvas *c, int x0, int y0, int x1, int y1, nn_rgb col)
{
    for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
            nn_canvas_set(c, x, y, col);
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
