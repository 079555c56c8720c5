/* io.c: reading whole files (see io.h). */
#include "nnlab/io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *nn_read_file(const char *path, size_t max, const char *what, size_t *len, nn_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        nn_err_set(e, NN_ESPEC, path, "cannot open %s: %s", what, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || n > max)
            break;
        char *nb = realloc(buf, 2 * cap + 1);
        if (!nb)
            free(buf);
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf) {
        nn_err_set(e, NN_ENOMEM, path, "out of memory reading the %s", what);
        return NULL;
    }
    if (bad || n > max) {
        free(buf);
        if (bad)
            nn_err_set(e, NN_ESPEC, path, "cannot read %s (is it a directory?)", what);
        else
            nn_err_set(e, NN_ESPEC, path, "%s is larger than %zu MiB", what, max >> 20);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}
