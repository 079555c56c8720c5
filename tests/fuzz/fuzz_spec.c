/* fuzz_spec: libFuzzer over the spec loader (make fuzz). The input is a spec's bytes; the
 * first line, when it starts with "--set ", is an override applied before validation, so
 * the fuzzer also reaches the --set parser. Any crash, leak or sanitizer report is a bug;
 * a rejected spec is fine. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/spec.h"
#include "nnlab/study.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    char set[512];
    const char *sets[1];
    int n_sets = 0;
    if (size > 6 && !memcmp(text, "--set ", 6)) {
        const char *nl = memchr(text, '\n', size);
        size_t len = nl ? (size_t)(nl - text) - 6 : size - 6;
        if (len < sizeof set) {
            memcpy(set, text + 6, len);
            set[len] = '\0';
            if (!memchr(set, '\0', len)) {
                sets[0] = set;
                n_sets = 1;
            }
        }
        size_t skip = nl ? (size_t)(nl - text) + 1 : size;
        text += skip;
        size -= skip;
    }
    nn_plan p;
    nn_err e;
    if (nn_spec_load_text(&p, text, size, "fuzz.json", "/nonexistent-dir", sets, n_sets,
                          nn_study_table_get(), &e) == NN_OK) {
        char *json = nn_plan_to_json(&p);
        free(json);
    }
    nn_plan_free(&p);
    return 0;
}
