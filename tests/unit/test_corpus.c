/* test_corpus.c: the fuzzing corpus (tests/fuzz/corpus, kept by make fuzz-merge) replayed
 * through the same entry points as the libFuzzer targets, each input in a buffer of exactly
 * its size, so `make check` (and under SANITIZE=1, with AddressSanitizer watching for reads
 * past the end) keeps every input the fuzzer found interesting from crashing again. Plus
 * the crashes the fuzzer found, as named regression inputs with the error they must give. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LLVMFuzzerTestOneInput fuzz_spec_one
#include "../fuzz/fuzz_spec.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_files_one
#include "../fuzz/fuzz_files.c"
#undef LLVMFuzzerTestOneInput

#include "t.h"

/* Every file in dir through fn; the number replayed. */
static int replay(const char *dir, int (*fn)(const uint8_t *, size_t))
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *ent;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, ent->d_name);
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        rewind(f);
        uint8_t *buf = malloc(size > 0 ? (size_t)size : 1);
        if (buf && fread(buf, 1, (size_t)size, f) == (size_t)size) {
            fn(buf, (size_t)size);
            n++;
        }
        free(buf);
        fclose(f);
    }
    closedir(d);
    return n;
}

/* A spec given as exactly len bytes (no NUL after them): the error it gives. */
static int spec_error(const char *text, nn_err *e)
{
    size_t len = strlen(text);
    char *buf = malloc(len);
    memcpy(buf, text, len);
    nn_plan p;
    int rc = nn_spec_load_text(&p, buf, len, "x.json", ".", NULL, 0, nn_study_table_get(), e);
    nn_plan_free(&p);
    free(buf);
    return rc;
}

int main(void)
{
    int ns = replay("tests/fuzz/corpus/spec", fuzz_spec_one);
    int nf = replay("tests/fuzz/corpus/files", fuzz_files_one);
    T_CHECK(ns >= 500, "only %d spec inputs replayed (run from the project root)", ns);
    T_CHECK(nf >= 100, "only %d file inputs replayed", nf);

    /* the first crash make fuzz found: a spec ending in a bare word shorter than "NaN" made
     * the syntax hint compare bytes past the end of the text */
    nn_err e;
    static const char *const ends[] = {"{\"a\": N", "{\"a\": Na", "{\"a\": n", "{\"a\": i",
                                       "{\"a\": In", "{\"a\": t"};
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        T_CHECK(spec_error(ends[i], &e) == NN_ESPEC, "%s accepted", ends[i]);
        T_CHECK(strstr(e.msg, "invalid JSON") != NULL, "%s: %s", ends[i], e.msg);
    }
    T_CHECK(spec_error("{\"a\": NaN", &e) == NN_ESPEC && strstr(e.msg, "NaN and Infinity"),
            "NaN: %s", e.msg);
    return T_DONE("test_corpus");
}
