/* jget: print the value at a JSON path, for the shell tests (no python needed).
 * usage: jget FILE PATH   where PATH is like models.1.converged_epoch or
 * models[label=relu-he].converged_epoch; strings print bare, null prints "null",
 * numbers with %.17g. Exit 1 when the path is absent. Not a test itself. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    FILE *f = strcmp(argv[1], "-") ? fopen(argv[1], "rb") : stdin;
    if (!f)
        return 1;
    static char buf[1 << 24];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    cJSON *root = cJSON_Parse(buf), *j = root;
    if (f != stdin)
        fclose(f);
    char path[1024];
    snprintf(path, sizeof path, "%s", argv[2]);
    for (char *seg = strtok(path, "."); seg && j; seg = strtok(NULL, ".")) {
        char *br = strchr(seg, '[');
        if (br) {                       /* name[key=value] */
            *br = 0;
            char *key = br + 1, *eq = strchr(key, '='), *val = eq + 1;
            *eq = 0;
            val[strlen(val) - 1] = 0;
            cJSON *arr = cJSON_GetObjectItem(j, seg), *c, *hit = NULL;
            cJSON_ArrayForEach(c, arr) {
                cJSON *k = cJSON_GetObjectItem(c, key);
                if (cJSON_IsString(k) && !strcmp(k->valuestring, val))
                    hit = c;
            }
            j = hit;
        } else if (cJSON_IsArray(j)) {
            j = cJSON_GetArrayItem(j, atoi(seg));
        } else {
            j = cJSON_GetObjectItem(j, seg);
        }
    }
    if (!j) {
        cJSON_Delete(root);
        return 1;
    }
    if (cJSON_IsString(j))
        puts(j->valuestring);
    else if (cJSON_IsNumber(j))
        printf("%.17g\n", j->valuedouble);
    else if (cJSON_IsNull(j))
        puts("null");
    else if (cJSON_IsBool(j))
        puts(cJSON_IsTrue(j) ? "true" : "false");
    else {
        char *t = cJSON_PrintUnformatted(j);
        puts(t);
        free(t);
    }
    cJSON_Delete(root);
    return 0;
}
