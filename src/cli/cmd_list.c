/* cmd_list.c: `nnlab list` and `nnlab data`. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nnlab/data.h"
#include "nnlab/init.h"
#include "nnlab/loss.h"
#include "nnlab/optim.h"
#include "nnlab/json.h"
#include "nnlab/spec.h"
#include "nnlab/study.h"

static void list_generators(void)
{
    int n;
    const nn_generator *g = nn_generators(&n);
    puts("datasets (data.generator; data.seed defaults to the notebook's):");
    for (int i = 0; i < n; i++) {
        printf("  %-10s %s; seed %u\n", g[i].name, g[i].summary, g[i].default_seed);
        for (int k = 0; k < g[i].n_params; k++) {
            const nn_gen_param *gp = &g[i].params[k];
            if (gp->kind == NN_GEN_BOOL)
                printf("  %-10s   %s = %s: %s\n", "", gp->name, gp->def ? "true" : "false", gp->doc);
            else
                printf("  %-10s   %s = %g: %s\n", "", gp->name, gp->def, gp->doc);
        }
    }
    printf("  %-10s a CSV file with a header row (data.path; data.target names the target "
           "column, default \"y\")\n", "csv");
    printf("  %-10s points listed in the spec (data.x: numbers or lists, data.y: targets)\n",
           "points");
    printf("  any of them: data.test_fraction holds out a seeded (stratified) test set\n");
}

static void list_names(const char *title, const char *(*name)(int), int n)
{
    printf("%s:", title);
    for (int i = 0; i < n; i++)
        printf(" %s", name(i));
    putchar('\n');
}

static const char *act_name(int i) { return nn_act_name((nn_act)i); }
static const char *init_name(int i) { return nn_init_scheme_name((nn_init_scheme)i); }
static const char *opt_name(int i) { return nn_opt_name((nn_opt_kind)i); }
static const char *loss_name(int i) { return nn_loss_name((nn_loss)i); }

/* The registry's rows, with their needs and options; as docs/spec.md's section with md. */
static void list_studies(bool md)
{
    nn_buf b = {0};
    if (!md)
        nn_buf_puts(&b, "studies (studies[]: a name, or an object with \"name\" and options; "
                        "nnlab analyze RUN --study NAME):\n");
    for (int i = 0; i < nn_n_studies; i++) {
        if (md && i)
            nn_buf_puts(&b, "\n");
        nn_study_describe(&b, nn_studies[i], md);
    }
    if (b.p)
        fputs(b.p, stdout);
    free(b.p);
}

int cmd_list(int argc, char **argv)
{
    static const char *const what[] = {"datasets", "activations", "inits", "optimizers",
                                       "losses", "studies"};
    const char *w = argc > 1 ? argv[1] : NULL;
    bool md = argc == 3 && w && !strcmp(w, "studies") && !strcmp(argv[2], "--markdown");
    if (argc > 2 && !md)
        return cli_usage("list", "one thing at a time (usage: nnlab list [WHAT], or nnlab list "
                         "studies --markdown for docs/spec.md's section)");
    int k = -1;
    if (w) {
        for (int i = 0; i < 6; i++)
            if (!strcmp(w, what[i]))
                k = i;
        if (!strcmp(w, "generators"))
            k = 0;
        if (k < 0) {
            char list[200];
            nn_join(list, sizeof list, what, 6);
            const char *s = nn_suggest(w, what, 6);
            return cli_usage("list", "unknown list \"%s\" (expected one of: %s%s%s%s)", w, list,
                             s ? "; did you mean \"" : "", s ? s : "", s ? "\"?" : "");
        }
    }
    if (k < 0 || k == 0)
        list_generators();
    if (k < 0 || k == 1)
        list_names("activations (models[].activation; output: sigmoid or identity)", act_name,
                   NN_ACT_COUNT);
    if (k < 0 || k == 2)
        list_names("inits (models[].init.scheme; distribution normal or uniform)", init_name,
                   NN_INIT_COUNT);
    if (k < 0 || k == 3)
        list_names("optimizers (train.optimizer)", opt_name, NN_OPT_COUNT);
    if (k < 0 || k == 4)
        list_names("losses (train.loss)", loss_name, NN_LOSS_COUNT);
    if (k < 0 || k == 5)
        list_studies(md);
    return 0;
}

int cmd_data(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage("data", "missing GENERATOR (see nnlab list datasets)");
    const nn_generator *g = nn_generator_find(argv[1]);
    if (!g) {
        int n;
        const nn_generator *all = nn_generators(&n);
        const char *names[16];
        for (int i = 0; i < n && i < 16; i++)
            names[i] = all[i].name;
        char list[300];
        nn_join(list, sizeof list, names, n);
        const char *s = nn_suggest(argv[1], names, n);
        return cli_usage("data", "unknown generator \"%s\" (expected one of: %s%s%s%s)", argv[1],
                         list, s ? "; did you mean \"" : "", s ? s : "", s ? "\"?" : "");
    }
    double p[NN_GEN_MAX_PARAMS];
    for (int k = 0; k < g->n_params; k++)
        p[k] = g->params[k].def;
    unsigned long seed = g->default_seed;
    const char *seen_seed = NULL;
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i], *val = NULL;
        bool is_seed = !strncmp(arg, "--seed", 6) && (arg[6] == '\0' || arg[6] == '=');
        bool is_set = !strncmp(arg, "--set", 5) && (arg[5] == '\0' || arg[5] == '=');
        if (!is_seed && !is_set)
            return cli_usage("data", "unknown argument \"%s\" (usage: nnlab data GENERATOR "
                             "[--seed N] [--set PARAM=VALUE]...)", arg);
        const char *eq = strchr(arg, '=');
        if (cli_value("data", is_seed ? "--seed" : "--set", eq ? eq + 1 : NULL, argc, argv, &i,
                      &val) ||
            (is_seed && cli_once("data", "--seed", &seen_seed, val)))
            return 2;
        if (is_set && cli_set_split(val, i, argc, argv, true))
            return 2;
        char *end;
        if (is_seed) {
            if (cli_parse_uint("data", "--seed", val, 0, 4294967295ul, &seed))
                return 2;
            continue;
        }
        const char *peq = strchr(val, '=');
        char key[64];
        snprintf(key, sizeof key, "%.*s", peq ? (int)(peq - val) : (int)strlen(val), val);
        int k = -1;
        const char *names[NN_GEN_MAX_PARAMS];
        for (int q = 0; q < g->n_params; q++) {
            names[q] = g->params[q].name;
            if (!strcmp(key, names[q]))
                k = q;
        }
        if (k < 0 || !peq) {
            char list[300];
            nn_join(list, sizeof list, names, g->n_params);
            return cli_usage("data", "--set %s: expected PARAM=VALUE with PARAM one of: %s", val,
                             list);
        }
        const nn_gen_param *gp = &g->params[k];
        const char *text = peq + 1;
        double v;
        if (gp->kind == NN_GEN_BOOL) {
            if (strcmp(text, "true") && strcmp(text, "false"))
                return cli_usage("data", "--set %s: expected true or false", val);
            v = !strcmp(text, "true");
        } else {
            v = strtod(text, &end);
            bool whole = gp->kind != NN_GEN_INT || v == floor(v);
            if (!*text || *end || !isfinite(v) || !whole || v < gp->min || v > gp->max)
                return cli_usage("data", "--set %s: expected %s from %g to %g", val,
                                 gp->kind == NN_GEN_INT ? "an integer" : "a number", gp->min,
                                 gp->max);
        }
        p[k] = v;
    }
    nn_data d;
    nn_err e = {0};
    if (nn_data_generate(g, (uint32_t)seed, p, &d, &e)) {
        if (!e.where[0])
            nn_err_where(&e, "data %s", g->name);
        return cli_fail(&e);
    }
    int rc = nn_data_write_csv(stdout, &d, &e);
    nn_data_free(&d);
    if (rc || fflush(stdout) != 0) {
        if (!rc)
            nn_err_set(&e, NN_EIO, "standard output", "write failed: %s", strerror(errno));
        nn_err_where(&e, "standard output");
        return cli_fail(&e);
    }
    return 0;
}
