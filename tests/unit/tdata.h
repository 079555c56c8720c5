/* tdata.h: reading the JSON reference vectors under tests/data/ in unit tests. */
#ifndef NNLAB_TDATA_H
#define NNLAB_TDATA_H

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>

/* Parse tests/data/<name>; the tests run from the project root. Exits on failure:
 * a test without its reference data cannot pass. */
static inline cJSON *tdata_load(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "tests/data/%s", name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s (run from the project root)\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(1);
    }
    buf[n] = '\0';
    fclose(f);
    cJSON *j = cJSON_Parse(buf);
    free(buf);
    if (!j) {
        fprintf(stderr, "%s: not JSON\n", path);
        exit(1);
    }
    return j;
}

static inline double tdata_num(const cJSON *arr, int i)
{
    return cJSON_GetArrayItem(arr, i)->valuedouble;
}

#endif
