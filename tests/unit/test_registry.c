/* test_registry.c: the study registry. Every row is whole (a safe unique name, a summary,
 * what it writes, a run function, options each documented, with a default inside their
 * range and a place inside the options struct); every study resolves from {"name": ...}
 * alone in a spec that meets its needs, and analyze's nn_spec_study gives the same options;
 * a misspelt option gets a suggestion from that study's own options, and the list of them;
 * an option outside its range names the study's path. docs/spec.md's section is checked
 * against the rows by tests/cli/test_registry.sh. */
#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/study.h"
#include "t.h"

/* A spec meeting study s's needs, with the entry text in its "studies" list. */
static void spec_for(char *buf, size_t cap, const nn_study_spec *s, const char *entry)
{
    unsigned n = s->needs;
    bool one_d = n & (NN_NEEDS_INPUT_1D | NN_NEEDS_REGRESSION);
    const char *data = one_d ? "{\"generator\": \"points\", \"x\": [0, 0.5, 1, 1.5, 2, 2.5], "
                               "\"y\": [0.3, -1, 0.2, 2, 0.7, -0.4]}"
                             : "{\"generator\": \"wedges\"}";
    snprintf(buf, cap,
             "{\"name\": \"t\", \"data\": %s,"
             " \"train\": {\"optimizer\": \"%s\", \"loss\": \"%s\", \"max_epochs\": 3},"
             " \"models\": [{\"label\": \"m\", \"seeds\": \"0:%d\", \"hidden\": [3],"
             " \"output\": \"%s\"}],"
             " \"record\": {\"weights\": \"%s\", \"raw\": %s},"
             " \"studies\": [%s]}",
             data, n & NN_NEEDS_RAW ? "asgd" : "sgd", one_d ? "mse" : "l2",
             n & NN_NEEDS_PAIRS ? 3 : 1, one_d ? "identity" : "sigmoid",
             n & (NN_NEEDS_WEIGHTS | NN_NEEDS_WEIGHTS_EVERY) ? "every" : "none",
             n & NN_NEEDS_RAW ? "true" : "false", entry);
}

static int load(nn_plan *p, const char *text, nn_err *e)
{
    return nn_spec_load_text(p, text, strlen(text), "t.json", ".", NULL, 0, nn_study_table_get(),
                             e);
}

/* key with its last two letters swapped (or a letter dropped when too short) */
static void misspell(char *out, size_t cap, const char *key)
{
    size_t n = strlen(key);
    snprintf(out, cap, "%s", key);
    if (n >= 4) {
        char c = out[n - 1];
        out[n - 1] = out[n - 2];
        out[n - 2] = c;
        if (!strcmp(out, key))              /* "ss": drop one instead */
            out[n - 1] = '\0';
    } else {
        out[n - 1] = '\0';
    }
}

static void check_row(const nn_study *st, const char *const *all, int n_all)
{
    const nn_study_spec *s = &st->spec;
    T_CHECK(s->name && nn_label_ok(s->name), "a study's name: %s", s->name ? s->name : "(null)");
    int same = 0;
    for (int i = 0; i < n_all; i++)
        same += !strcmp(all[i], s->name);
    T_CHECK(same == 1, "%s is listed %d times", s->name, same);
    T_CHECK(s->summary && strlen(s->summary) > 20, "%s: a one-line summary", s->name);
    T_CHECK(s->summary && !strchr(s->summary, '\n'), "%s: the summary is one line", s->name);
    T_CHECK(st->figures && *st->figures, "%s: says what it writes", s->name);
    T_CHECK(st->run != NULL, "%s: has a run function", s->name);
    T_CHECK((s->n_options == 0) == (s->options == NULL || s->n_options == 0), "%s", s->name);
    T_CHECK(!s->n_options || s->options_size > 0, "%s: an options struct", s->name);
    T_CHECK(!(s->needs & (NN_NEEDS_INPUT_1D | NN_NEEDS_INPUT_2D)) || s->input_why,
            "%s: says why it needs its inputs", s->name);
    for (int i = 0; i < s->n_options; i++) {
        const nn_option *o = &s->options[i];
        T_CHECK(o->key && nn_label_ok(o->key) && strcmp(o->key, "name"), "%s: option %d's key",
                s->name, i);
        for (int j = 0; j < i; j++)
            T_CHECK(strcmp(o->key, s->options[j].key), "%s: option %s twice", s->name, o->key);
        T_CHECK(o->doc && strlen(o->doc) > 10, "%s.%s: documented", s->name, o->key);
        size_t size = o->kind == NN_OPTION_INT ? sizeof(long)
                      : o->kind == NN_OPTION_NUM ? sizeof(double)
                      : o->kind == NN_OPTION_BOOL ? sizeof(bool)
                      : o->kind == NN_OPTION_ENUM ? sizeof(int)
                      : o->kind == NN_OPTION_NAMES ? (size_t)o->n_names * sizeof(bool) : 1;
        T_CHECK(o->offset + size <= s->options_size, "%s.%s: inside the options struct",
                s->name, o->key);
        if (o->kind == NN_OPTION_INT || o->kind == NN_OPTION_NUM)
            T_CHECK(o->lo <= o->def && o->def <= o->hi, "%s.%s: default %g outside [%g, %g]",
                    s->name, o->key, o->def, o->lo, o->hi);
        if (o->kind == NN_OPTION_ENUM)
            T_CHECK(o->def_name && nn_name_index(o->names, o->n_names, o->def_name) >= 0,
                    "%s.%s: default among the names", s->name, o->key);
        if (o->kind == NN_OPTION_ENUM || o->kind == NN_OPTION_NAMES)
            T_CHECK(o->names && o->n_names > 0 && o->what, "%s.%s: names", s->name, o->key);
        if (o->kind == NN_OPTION_CUSTOM)
            T_CHECK(o->check && o->def_doc && o->values_doc, "%s.%s: check and docs", s->name,
                    o->key);
    }
}

/* The study resolves from its name alone; nn_spec_study agrees; a misspelt option and an
 * out-of-range one get the messages they should. */
static void check_resolve(int k)
{
    const nn_study_spec *s = &nn_studies[k]->spec;
    char text[4000], entry[300], msg[600];
    nn_plan p;
    nn_err e = {0};
    snprintf(entry, sizeof entry, "\"%s\"", s->name);
    spec_for(text, sizeof text, s, entry);
    int rc = load(&p, text, &e);
    T_CHECK(rc == NN_OK, "%s resolves from its name: %s %s", s->name, e.where, e.msg);
    if (rc == NN_OK) {
        T_CHECK(p.n_studies == 1 && p.studies[0].index == k && p.studies[0].spec == s, "%s",
                s->name);
        T_CHECK((p.needs & s->needs) == s->needs, "%s: the plan's needs", s->name);
        /* every option is in the resolved spec, in the row's order, after "name" */
        cJSON *obj = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(p.resolved, "studies"), 0);
        cJSON *c = obj ? obj->child : NULL;
        T_CHECK(c && !strcmp(c->string, "name"), "%s: name first", s->name);
        for (int i = 0; i < s->n_options && c; i++) {
            c = c->next;
            T_CHECK(c && !strcmp(c->string, s->options[i].key), "%s: option %s resolved in order",
                    s->name, s->options[i].key);
        }
        nn_study_plan one;
        nn_err e2 = {0};
        T_CHECK(nn_spec_study(&p, nn_study_table_get(), s->name, &one, &e2) == NN_OK, "%s: %s",
                s->name, e2.msg);
        T_CHECK(one.index == k && !memcmp(one.options, p.studies[0].options,
                                          s->options_size ? s->options_size : 1),
                "%s: nn_spec_study gives the spec's options", s->name);
        free(one.options);
    }
    nn_plan_free(&p);
    if (!s->n_options)
        return;
    /* a misspelt option: a suggestion from this study's own list */
    char bad[80], list[500] = "name";
    misspell(bad, sizeof bad, s->options[0].key);
    for (int i = 0; i < s->n_options; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), ", %s", s->options[i].key);
    snprintf(entry, sizeof entry, "{\"name\": \"%s\", \"%s\": 1}", s->name, bad);
    spec_for(text, sizeof text, s, entry);
    rc = load(&p, text, &e);
    snprintf(msg, sizeof msg, "unknown key \"%s\" (did you mean \"%s\"?; expected one of: %s)", bad,
             s->options[0].key, list);
    T_CHECK(rc == NN_ESPEC && !strcmp(e.msg, msg), "%s: got \"%s\", want \"%s\"", s->name, e.msg,
            msg);
    snprintf(msg, sizeof msg, "t.json: /studies/0/%s", bad);
    T_CHECK(!strcmp(e.where, msg), "%s: at %s", s->name, e.where);
    nn_plan_free(&p);
    /* a number out of range: the study's path and the option's range */
    for (int i = 0; i < s->n_options; i++) {
        const nn_option *o = &s->options[i];
        if (o->kind != NN_OPTION_INT)
            continue;
        snprintf(entry, sizeof entry, "{\"name\": \"%s\", \"%s\": %.17g}", s->name, o->key,
                 o->hi + 1);
        spec_for(text, sizeof text, s, entry);
        rc = load(&p, text, &e);
        snprintf(msg, sizeof msg, "t.json: /studies/0/%s", o->key);
        T_CHECK(rc == NN_ESPEC && !strcmp(e.where, msg) && strstr(e.msg, "out of range"),
                "%s.%s = hi + 1: %s %s", s->name, o->key, e.where, e.msg);
        nn_plan_free(&p);
    }
}

int main(void)
{
    const nn_study_table *t = nn_study_table_get();
    T_CHECK(t->n == nn_n_studies && t->n >= 15, "%d studies", t->n);
    for (int i = 0; i < t->n; i++) {
        T_CHECK(t->rows[i] == &nn_studies[i]->spec && t->names[i] == t->rows[i]->name, "row %d",
                i);
        check_row(nn_studies[i], t->names, t->n);
        check_resolve(i);
    }
    for (int i = 0; i < t->n_defaults; i++)
        T_CHECK(nn_name_index(t->names, t->n, t->defaults[i]) >= 0, "default %s",
                t->defaults[i]);
    /* an unknown study: the registry's names and a suggestion */
    nn_plan p;
    nn_err e = {0};
    const char *text = "{\"data\": {\"generator\": \"wedges\"}, \"model\": {}, "
                       "\"studies\": [\"decison\"]}";
    T_CHECK(load(&p, text, &e) == NN_ESPEC && strstr(e.msg, "did you mean \"decision\"?"), "%s",
            e.msg);
    nn_plan_free(&p);
    /* no table: no study may be named, and none is added by default */
    T_CHECK(nn_spec_load_text(&p, text, strlen(text), "t.json", ".", NULL, 0, NULL, &e) ==
                NN_ESPEC, "a study without a table");
    nn_plan_free(&p);
    text = "{\"data\": {\"generator\": \"wedges\"}, \"model\": {}}";
    T_CHECK(nn_spec_load_text(&p, text, strlen(text), "t.json", ".", NULL, 0, NULL, &e) == NN_OK &&
                p.n_studies == 0, "no table, no default studies");
    nn_plan_free(&p);
    /* analyze --study with a name that is not a study */
    T_CHECK(load(&p, text, &e) == NN_OK, "plain spec");
    nn_study_plan one;
    T_CHECK(nn_spec_study(&p, t, "curvs", &one, &e) == NN_EUSAGE &&
                strstr(e.msg, "did you mean \"curves\"?") && !strcmp(e.where, "--study"),
            "%s: %s", e.where, e.msg);
    nn_plan_free(&p);
    return T_DONE("test_registry");
}
