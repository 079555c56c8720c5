/* describe.c: a study's row as words, for `nnlab list studies` and docs/spec.md (see
 * study.h). The docs' studies section is this text; a test keeps the two the same. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nnlab/json.h"
#include "nnlab/study.h"

static void number(char *buf, double x)
{
    if (x >= 4294967295.0)
        snprintf(buf, 32, "2^32 - 1");
    else
        nn_json_number(buf, x, NN_JSON_SHORTEST);
}

/* The values an option takes ("an integer from 10 to 2000"). */
static void values(char *buf, size_t cap, const nn_option *o, bool md)
{
    char a[40], b[40], list[400] = "";
    const char *q = md ? "`" : "\"";
    switch (o->kind) {
    case NN_OPTION_INT:
    case NN_OPTION_NUM:
        number(a, o->lo);
        number(b, o->hi);
        if (o->flags & (NN_OPTION_EXCL_LO | NN_OPTION_EXCL_HI))
            snprintf(buf, cap, "a number in %s%s, %s%s", o->flags & NN_OPTION_EXCL_LO ? "(" : "[",
                     a, b, o->flags & NN_OPTION_EXCL_HI ? ")" : "]");
        else
            snprintf(buf, cap, "%s from %s to %s", o->kind == NN_OPTION_INT ? "an integer"
                                                                             : "a number", a, b);
        return;
    case NN_OPTION_BOOL:
        snprintf(buf, cap, "true or false");
        return;
    case NN_OPTION_ENUM:
    case NN_OPTION_NAMES:
        for (int i = 0; i < o->n_names; i++) {
            size_t k = strlen(list);
            snprintf(list + k, sizeof list - k, "%s%s%s%s", i ? ", " : "", q, o->names[i], q);
        }
        snprintf(buf, cap, "%s%s", o->kind == NN_OPTION_NAMES ? "a list from " : "", list);
        return;
    case NN_OPTION_CUSTOM: {
        size_t k = 0;
        for (const char *c = o->values_doc ? o->values_doc : ""; *c && k + 1 < cap; c++)
            if (md || *c != '`')
                buf[k++] = *c;
        buf[k] = '\0';
        return;
    }
    }
}

static void default_text(char *buf, size_t cap, const nn_option *o)
{
    char a[40];
    switch (o->kind) {
    case NN_OPTION_INT:
    case NN_OPTION_NUM:
        number(a, o->def);
        snprintf(buf, cap, "%s", a);
        return;
    case NN_OPTION_BOOL:
        snprintf(buf, cap, "%s", o->def ? "true" : "false");
        return;
    case NN_OPTION_ENUM:
        snprintf(buf, cap, "\"%s\"", o->def_name);
        return;
    case NN_OPTION_NAMES:
        snprintf(buf, cap, "%s", o->n_names == 2 ? "both" : o->n_names == 3 ? "all three"
                                 : o->n_names == 5 ? "all five" : "all");
        return;
    case NN_OPTION_CUSTOM:
        snprintf(buf, cap, "%s", o->def_doc ? o->def_doc : "");
        return;
    }
}

/* What the needs say, in words ("every epoch of weights.csv; exactly one hidden layer"). */
static void needs_text(char *buf, size_t cap, unsigned n)
{
    static const struct { unsigned bit; const char *text; } words[] = {
        {NN_NEEDS_WEIGHTS_EVERY, "the weights of every epoch (record.weights \"every\")"},
        {NN_NEEDS_WEIGHTS, "recorded weights (record.weights \"every\" or \"geometric\")"},
        {NN_NEEDS_RAW, "asgd's raw iterate (record.raw)"},
        {NN_NEEDS_HIDDEN, "at least one hidden layer"},
        {NN_NEEDS_ONE_HIDDEN, "exactly one hidden layer"},
        {NN_NEEDS_SAME_SHAPE, "every model of one architecture"},
        {NN_NEEDS_PAIRS, "at least two models"},
        {NN_NEEDS_INPUT_1D, "1 input feature"},
        {NN_NEEDS_INPUT_2D, "2 input features"},
        {NN_NEEDS_REGRESSION, "targets other than 0/1"},
    };
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof words / sizeof *words && k < cap; i++)
        if (n & words[i].bit)
            k += (size_t)snprintf(buf + k, cap - k, "%s%s", k ? "; " : "", words[i].text);
}

void nn_study_describe(nn_buf *b, const nn_study *s, bool md)
{
    const nn_study_spec *sp = &s->spec;
    char need[600], val[500], def[200];
    needs_text(need, sizeof need, sp->needs);
    if (md) {
        nn_buf_printf(b, "### `%s`\n\n%c%s.", sp->name, sp->summary[0] >= 'a' &&
                      sp->summary[0] <= 'z' ? sp->summary[0] - 'a' + 'A' : sp->summary[0],
                      sp->summary + 1);
        if (need[0])
            nn_buf_printf(b, " Needs %s.", need);
        nn_buf_printf(b, " Writes %s.\n", s->figures);
        if (sp->n_options) {
            nn_buf_puts(b, "\n| option | values | default | meaning |\n| --- | --- | --- | --- |\n");
            for (int i = 0; i < sp->n_options; i++) {
                const nn_option *o = &sp->options[i];
                values(val, sizeof val, o, true);
                default_text(def, sizeof def, o);
                bool code = o->kind != NN_OPTION_NAMES;
                nn_buf_printf(b, "| `%s` | %s | %s%s%s | ", o->key, val, code ? "`" : "", def,
                              code ? "`" : "");
                for (const char *c = o->doc; *c; c++)    /* a | would end the cell */
                    nn_buf_puts(b, *c == '|' ? "\\|" : (char[2]){*c, 0});
                nn_buf_puts(b, " |\n");
            }
        }
        return;
    }
    nn_buf_printf(b, "  %-13s %s\n", sp->name, sp->summary);
    if (need[0])
        nn_buf_printf(b, "  %-13s   needs %s\n", "", need);
    for (int i = 0; i < sp->n_options; i++) {
        const nn_option *o = &sp->options[i];
        values(val, sizeof val, o, false);
        default_text(def, sizeof def, o);
        nn_buf_printf(b, "  %-13s   %s = %s (%s): %s\n", "", o->key, def, val, o->doc);
    }
}
