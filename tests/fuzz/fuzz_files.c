/* fuzz_files: libFuzzer over the readers of files a run directory holds (make fuzz): the
 * first byte picks the reader (even: a CSV data file, odd: a model.json), the rest is the
 * file. The bytes go through a memfd, so the readers' own file handling runs too. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nnlab/data.h"
#include "nnlab/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int fd = memfd_create("fuzz", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    nn_err e;
    if (data[0] % 2 == 0) {
        nn_data d;
        if (nn_data_load_csv(path, "y", &d, &e) == NN_OK)
            nn_data_free(&d);
    } else {
        char label[128];
        nn_model *m = nn_model_load(path, label, &e);
        nn_model_free(m);
    }
    close(fd);
    return 0;
}
