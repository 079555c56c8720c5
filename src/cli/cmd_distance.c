/* cmd_distance.c: `nnlab distance A B`, the distance between two saved nets. */
#include <cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "nnlab/distance.h"
#include "nnlab/json.h"
#include "nnlab/names.h"
#include "nnlab/record.h"
#include "nnlab/spec.h"

/* A model file, which must be a regular file (a FIFO or device would be read forever). */
static nn_model *load_file(const char *path, char *label, nn_err *e)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        nn_err_set(e, NN_EUSAGE, path, "not a regular file: give a model.json, a model's "
                   "folder or a run directory");
        return NULL;
    }
    return nn_model_load(path, label, e);
}

/* A model file, a model's folder (holding model.json), or a run directory with one model. */
static nn_model *load_any(const char *path, char *label, char *resolved, size_t cap, nn_err *e)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        nn_err_set(e, NN_EUSAGE, path, "no such file or directory");
        return NULL;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(resolved, cap, "%s", path);
        return load_file(path, label, e);
    }
    nn_path_join(resolved, cap, path, "model.json");
    if (nn_path_exists(resolved))
        return load_file(resolved, label, e);
    /* a run directory: its model folders hold model.json */
    DIR *d = opendir(path);
    char found[NN_LABEL_MAX + 1] = "", list[600] = "";
    int n = 0;
    struct dirent *ent;
    while (d && (ent = readdir(d))) {
        char sub[4200];
        snprintf(sub, sizeof sub, "%s/%s/model.json", path, ent->d_name);
        if (ent->d_name[0] != '.' && nn_label_ok(ent->d_name) && nn_path_exists(sub)) {
            if (!n++)
                snprintf(found, sizeof found, "%.64s", ent->d_name);
            size_t k = strlen(list);
            snprintf(list + k, sizeof list - k, "%s%s", k ? ", " : "", ent->d_name);
        }
    }
    if (d)
        closedir(d);
    if (n == 0) {
        nn_err_set(e, NN_EUSAGE, path, "no model.json here, nor in a model folder of it");
        return NULL;
    }
    if (n > 1) {
        nn_err_set(e, NN_EUSAGE, path, "the run has %d models (%s): name one, as %s/LABEL", n,
                   list, path);
        return NULL;
    }
    snprintf(resolved, cap, "%s/%s/model.json", path, found);
    return load_file(resolved, label, e);
}

int cmd_distance(int argc, char **argv)
{
    const char *pa = NULL, *pb = NULL;
    int method = NN_ALIGN_NOTEBOOK, metric = NN_METRIC_MEAN_ABS;
    unsigned long seed = 0;
    const char *seen[3] = {NULL};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] == '-' && arg[1] == '-') {
            const char *eq = strchr(arg, '=');
            char opt[32];
            snprintf(opt, sizeof opt, "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
            static const char *const opts[] = {"--method", "--metric", "--seed"};
            const char *val = NULL;
            int o = nn_name_index(opts, 3, opt);
            if (o >= 0 && (cli_value("distance", opt, eq ? eq + 1 : NULL, argc, argv, &i, &val) ||
                           cli_once("distance", opt, &seen[o], val)))
                return 2;
            if (!strcmp(opt, "--method")) {
                static const char *const m[] = {"notebook", "weight-matching"};
                int k = val ? nn_name_index(m, 2, val) : -1;
                if (k < 0)
                    return cli_usage("distance", "--method expects notebook or weight-matching");
                method = k + 1;
            } else if (!strcmp(opt, "--metric")) {
                int k = val ? nn_name_index(nn_metric_names, NN_METRIC_COUNT, val) : -1;
                if (k < 0)
                    return cli_usage("distance", "--metric expects mean-abs or l2");
                metric = k;
            } else if (!strcmp(opt, "--seed")) {
                if (cli_parse_uint("distance", "--seed", val, 0, 4294967295ul, &seed))
                    return 2;
            } else {
                const char *s = nn_suggest(opt, opts, 3);
                return cli_usage("distance", "unknown option \"%s\"%s%s%s (see nnlab distance --help)",
                                 opt, s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
            }
        } else if (!pa) {
            pa = arg;
        } else if (!pb) {
            pb = arg;
        } else {
            return cli_usage("distance", "two nets at a time (usage: nnlab distance A B)");
        }
    }
    if (!pb)
        return cli_usage("distance", "expected two nets (usage: nnlab distance A B [--method "
                         "notebook|weight-matching] [--metric mean-abs|l2])");
    nn_err e = {0};
    char la[NN_LABEL_MAX + 1], lb[NN_LABEL_MAX + 1], ra[4200], rb[4200];
    nn_model *a = load_any(pa, la, ra, sizeof ra, &e);
    nn_model *b = a ? load_any(pb, lb, rb, sizeof rb, &e) : NULL;
    if (!a || !b) {
        nn_model_free(a);
        return cli_fail(&e);
    }
    nn_alignment al;
    if (nn_align_models(a, b, (nn_align)method, (nn_metric)metric, (uint32_t)seed, &al, &e)) {
        nn_err_where(&e, "%s and %s", ra, rb);
        nn_model_free(a), nn_model_free(b);
        return cli_fail(&e);
    }
    double dist = nn_model_distance(a, al.aligned, (nn_metric)metric);
    double unaligned = nn_model_distance(a, b, (nn_metric)metric);
    bool wm = method == NN_ALIGN_WEIGHT_MATCHING;
    if (!isfinite(dist) || !isfinite(unaligned) ||
        (wm && (!isfinite(al.objective[0]) || !isfinite(al.objective[1])))) {
        nn_err_set(&e, NN_ERUN, "", "weights too large: the %s overflows (not finite)",
                   isfinite(dist) && isfinite(unaligned) ? "weight-matching objective"
                                                         : "distance");
        nn_err_where(&e, "%s and %s", ra, rb);
        nn_model_free(al.aligned), nn_model_free(a), nn_model_free(b);
        return cli_fail(&e);
    }
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "a", ra);
    cJSON_AddStringToObject(j, "b", rb);
    cJSON_AddStringToObject(j, "method", nn_align_names[method]);
    cJSON_AddStringToObject(j, "metric", nn_metric_names[metric]);
    cJSON_AddNumberToObject(j, "distance", dist);
    cJSON_AddNumberToObject(j, "unaligned", unaligned);
    cJSON_AddBoolToObject(j, "reorder_needed", al.reorder_needed);
    if (wm) {
        cJSON_AddNumberToObject(j, "passes", al.passes);
        cJSON_AddBoolToObject(j, "converged", !al.capped);
        cJSON_AddNumberToObject(j, "objective_before", al.objective[0]);
        cJSON_AddNumberToObject(j, "objective_after", al.objective[1]);
    }
    char *text = nn_json_print(j, NN_JSON_DIGITS17);
    if (text)
        fputs(text, stdout);
    free(text);
    cJSON_Delete(j);
    nn_model_free(al.aligned);
    nn_model_free(a);
    nn_model_free(b);
    return 0;
}
