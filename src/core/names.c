/* names.c: name lookup shared by the modules' tables (see names.h). */
#include "nnlab/names.h"

#include <string.h>

int nn_name_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}
