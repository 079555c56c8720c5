/* spec.c: reading, validating and resolving experiment specs (see spec.h, docs/spec.md).
 *
 * The validator walks the parsed tree object by object. Every getter either checks the
 * value present (type, range, name) or inserts the default, so after a successful walk
 * the tree is the resolved spec; objects are then put in the documented key order so
 * spec.json reads the same for everyone. The first problem found is reported with the
 * file, the JSON path, what was expected and, for names, the nearest valid one.
 */
#define _XOPEN_SOURCE 700   /* realpath */
#include "nnlab/spec.h"

#include <cJSON.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nnlab/figure.h"
#include "nnlab/io.h"
#include "nnlab/json.h"
#include "nnlab/names.h"

#define MAX_SETS 64

/* ---- validation context ---------------------------------------------------------- */

typedef struct nn_spec_v {
    nn_err *e;
    const char *file;
    char path[512];
    bool bare;                      /* an empty path is not printed ("--study: ...") */
    int n_sets;
    char set_path[MAX_SETS][256];   /* JSON path each override wrote */
    const char *set_text[MAX_SETS];
    const nn_study_table *studies;  /* what "studies" may name */
} V;

static size_t push(V *v, const char *seg)
{
    size_t mark = strlen(v->path);
    snprintf(v->path + mark, sizeof v->path - mark, "/%s", seg);
    return mark;
}

static size_t push_index(V *v, int i)
{
    char seg[16];
    snprintf(seg, sizeof seg, "%d", i);
    return push(v, seg);
}

static void pop(V *v, size_t mark) { v->path[mark] = '\0'; }

static bool has_prefix_path(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static int fail(V *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(V *v, const char *fmt, ...)
{
    char msg[1024], where[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *set = NULL;
    for (int i = 0; i < v->n_sets; i++)
        if (has_prefix_path(v->path, v->set_path[i]) || has_prefix_path(v->set_path[i], v->path))
            set = v->set_text[i];
    if (set)
        snprintf(where, sizeof where, "%.300s (with --set %.200s): %.500s", v->file, set,
                 v->path[0] ? v->path : "/");
    else if (v->bare && !v->path[0])
        snprintf(where, sizeof where, "%.300s", v->file);
    else
        snprintf(where, sizeof where, "%.300s: %.500s", v->file, v->path[0] ? v->path : "/");
    return nn_err_set(v->e, NN_ESPEC, where, "%s", msg);
}

static const char *type_of(const cJSON *j)
{
    if (cJSON_IsNull(j)) return "null";
    if (cJSON_IsBool(j)) return cJSON_IsTrue(j) ? "true" : "false";
    if (cJSON_IsNumber(j)) return "a number";
    if (cJSON_IsString(j)) return "a string";
    if (cJSON_IsArray(j)) return "an array";
    if (cJSON_IsObject(j)) return "an object";
    return "something else";
}

/* "got a string (\"abc\")" */
static void got(char *buf, size_t cap, const cJSON *j)
{
    char num[40];
    if (cJSON_IsString(j))
        snprintf(buf, cap, "got a string (\"%.40s\")", j->valuestring);
    else if (cJSON_IsNumber(j)) {
        nn_json_number(num, j->valuedouble, NN_JSON_SHORTEST);
        snprintf(buf, cap, "got %s", isfinite(j->valuedouble) ? num : "a non-finite number");
    } else
        snprintf(buf, cap, "got %s", type_of(j));
}

/* ---- getters: check the value present, or insert the default ----------------------- */

enum { REQUIRED = 1, NULLABLE = 2, EXCL_LO = 4, EXCL_HI = 8 };

static int unknown_keys(V *v, cJSON *obj, const char *const *keys, int n)
{
    for (cJSON *c = obj->child; c; c = c->next) {
        bool known = false;
        for (int i = 0; i < n && !known; i++)
            known = strcmp(c->string, keys[i]) == 0;
        if (!known) {
            size_t m = push(v, c->string);
            char list[600];
            nn_join(list, sizeof list, keys, n);
            const char *s = nn_suggest(c->string, keys, n);
            /* names other frameworks use for the same thing */
            static const char *const alias[][2] = {
                {"learning_rate", "lr"}, {"epochs", "max_epochs"}, {"n_epochs", "max_epochs"},
                {"batch_size", "batch"}, {"layers", "hidden"}, {"hidden_layers", "hidden"},
                {"hidden_sizes", "hidden"}, {"activation_function", "activation"},
                {"dataset", "generator"}, {"random_state", "seed"}, {"studies_list", "studies"}};
            for (size_t k = 0; k < sizeof alias / sizeof *alias && !s; k++)
                for (int i = 0; i < n; i++)
                    if (!strcmp(c->string, alias[k][0]) && !strcmp(keys[i], alias[k][1]))
                        s = keys[i];
            int rc = s ? fail(v, "unknown key \"%.60s\" (did you mean \"%s\"?; expected one of: %s)",
                              c->string, s, list)
                       : fail(v, "unknown key \"%.60s\" (expected one of: %s)", c->string, list);
            pop(v, m);
            return rc;
        }
    }
    return NN_OK;
}

static void reorder(cJSON *obj, const char *const *keys, int n)
{
    for (int i = 0; i < n; i++) {
        cJSON *c = cJSON_DetachItemFromObjectCaseSensitive(obj, keys[i]);
        if (c)
            cJSON_AddItemToObject(obj, keys[i], c);
    }
}

static int missing(V *v, const char *key, const char *what)
{
    size_t m = push(v, key);
    int rc = fail(v, "missing required key \"%s\" (%s)", key, what);
    pop(v, m);
    return rc;
}

static void range_text(char *buf, size_t cap, double lo, double hi, int flags, bool integer)
{
    const char *kind = integer ? "an integer" : "a number";
    char a[40], b[40];
    nn_json_number(a, lo, NN_JSON_SHORTEST);
    nn_json_number(b, hi, NN_JSON_SHORTEST);
    bool has_hi = isfinite(hi), has_lo = isfinite(lo);
    if (has_lo && has_hi && !(flags & (EXCL_LO | EXCL_HI)))
        snprintf(buf, cap, "%s from %s to %s", kind, a, b);
    else if (has_lo && has_hi)
        snprintf(buf, cap, "%s %s %s and %s %s", kind, flags & EXCL_LO ? ">" : ">=", a,
                 flags & EXCL_HI ? "<" : "<=", b);
    else if (has_lo)
        snprintf(buf, cap, "%s %s %s", kind, flags & EXCL_LO ? ">" : ">=", a);
    else if (has_hi)
        snprintf(buf, cap, "%s %s %s", kind, flags & EXCL_HI ? "<" : "<=", b);
    else
        snprintf(buf, cap, "%s", kind);
}

/* A number in [lo, hi] (bounds exclusive per flags); NaN out for an allowed null. */
static int get_num(V *v, cJSON *obj, const char *key, double def, double lo, double hi,
                   int flags, bool integer, double *out)
{
    cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    char want[128], g[128];
    range_text(want, sizeof want, lo, hi, flags, integer);
    if (!j) {
        if (flags & REQUIRED)
            return missing(v, key, want);
        if (isnan(def))
            cJSON_AddItemToObject(obj, key, cJSON_CreateNull());
        else
            cJSON_AddItemToObject(obj, key, cJSON_CreateNumber(def));
        *out = def;
        return NN_OK;
    }
    size_t m = push(v, key);
    int rc = NN_OK;
    if (cJSON_IsNull(j) && (flags & NULLABLE)) {
        *out = NAN;
    } else if (!cJSON_IsNumber(j) || !isfinite(j->valuedouble)) {
        got(g, sizeof g, j);
        rc = fail(v, "expected %s%s, %s", want, flags & NULLABLE ? " or null" : "", g);
    } else {
        double x = j->valuedouble;
        bool bad_int = integer && (x != floor(x) || fabs(x) > 9007199254740992.0);
        bool below = (flags & EXCL_LO) ? !(x > lo) : !(x >= lo);
        bool above = (flags & EXCL_HI) ? !(x < hi) : !(x <= hi);
        got(g, sizeof g, j);
        if (bad_int)
            rc = fail(v, "expected %s, %s", want, g);
        else if (below || above)
            rc = fail(v, "%s is out of range (expected %s)", g + 4, want);
        else
            *out = x;
    }
    pop(v, m);
    return rc;
}

static int get_bool(V *v, cJSON *obj, const char *key, int def, bool *out)
{
    cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!j) {
        cJSON_AddItemToObject(obj, key, cJSON_CreateBool(def));
        *out = def;
        return NN_OK;
    }
    if (!cJSON_IsBool(j)) {
        size_t m = push(v, key);
        char g[128];
        got(g, sizeof g, j);
        int rc = fail(v, "expected true or false, %s", g);
        pop(v, m);
        return rc;
    }
    *out = cJSON_IsTrue(j);
    return NN_OK;
}

/* One of names (the table of a concept: activations, losses, ...). def NULL = required. */
static int get_enum(V *v, cJSON *obj, const char *key, const char *def, const char *what,
                    const char *const *names, int n, int *out)
{
    cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    char list[600];
    nn_join(list, sizeof list, names, n);
    if (!j) {
        if (!def) {
            char w[700];
            snprintf(w, sizeof w, "one of: %s", list);
            return missing(v, key, w);
        }
        cJSON_AddItemToObject(obj, key, cJSON_CreateString(def));
        j = cJSON_GetObjectItemCaseSensitive(obj, key);
    }
    size_t m = push(v, key);
    int rc = NN_OK;
    if (!cJSON_IsString(j)) {
        char g[128];
        got(g, sizeof g, j);
        rc = fail(v, "expected %s name (one of: %s), %s", what, list, g);
    } else {
        *out = -1;
        for (int i = 0; i < n; i++)
            if (strcmp(j->valuestring, names[i]) == 0)
                *out = i;
        if (*out < 0) {
            const char *s = nn_suggest(j->valuestring, names, n);
            if (s)
                rc = fail(v, "unknown %s \"%.60s\" (expected one of: %s; did you mean \"%s\"?)",
                          what, j->valuestring, list, s);
            else
                rc = fail(v, "unknown %s \"%.60s\" (expected one of: %s)", what,
                          j->valuestring, list);
        }
    }
    pop(v, m);
    return rc;
}

/* Is s well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF)? */
static bool utf8_ok(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s++;
        int more;
        unsigned min;
        if (c < 0x80)
            continue;
        else if ((c & 0xE0) == 0xC0)
            more = 1, min = 0x80, c &= 0x1F;
        else if ((c & 0xF0) == 0xE0)
            more = 2, min = 0x800, c &= 0x0F;
        else if ((c & 0xF8) == 0xF0)
            more = 3, min = 0x10000, c &= 0x07;
        else
            return false;
        for (int i = 0; i < more; i++, s++) {
            if ((*s & 0xC0) != 0x80)
                return false;
            c = (c << 6) | (*s & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return false;
    }
    return true;
}

static int get_str(V *v, cJSON *obj, const char *key, const char *def, size_t maxlen,
                   const char **out)
{
    cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!j) {
        if (!def)
            return missing(v, key, "a string");
        cJSON_AddItemToObject(obj, key, cJSON_CreateString(def));
        j = cJSON_GetObjectItemCaseSensitive(obj, key);
    }
    size_t m = push(v, key);
    int rc = NN_OK;
    char g[128];
    if (!cJSON_IsString(j)) {
        got(g, sizeof g, j);
        rc = fail(v, "expected a string, %s", g);
    } else if (strlen(j->valuestring) > maxlen) {
        rc = fail(v, "string is %zu bytes long (at most %zu allowed)", strlen(j->valuestring),
                  maxlen);
    } else if (!utf8_ok((const unsigned char *)j->valuestring)) {
        rc = fail(v, "string is not valid UTF-8 (save the spec as UTF-8)");
    } else {
        for (const unsigned char *p = (const unsigned char *)j->valuestring; *p; p++)
            if (*p < 0x20 || *p == 0x7f) {
                rc = fail(v, "string contains a control character (byte 0x%02x)", *p);
                break;
            }
        *out = j->valuestring;
    }
    pop(v, m);
    return rc;
}

static int get_label(V *v, cJSON *obj, const char *key, const char *def, const char *what,
                     char *out)
{
    const char *s;
    int rc = get_str(v, obj, key, def, NN_LABEL_MAX, &s);
    if (rc)
        return rc;
    if (!nn_label_ok(s)) {
        size_t m = push(v, key);
        rc = fail(v, "%s \"%.64s\" is not a safe name (expected 1-64 of A-Z a-z 0-9 _ -, not "
                  "starting with -)", what, s);
        pop(v, m);
        return rc;
    }
    strcpy(out, s);
    return NN_OK;
}

static int expect_object(V *v, cJSON *j, const char *what)
{
    if (cJSON_IsObject(j))
        return NN_OK;
    char g[128];
    got(g, sizeof g, j);
    return fail(v, "expected %s (a JSON object), %s", what, g);
}

/* An object member that defaults to {} */
static cJSON *sub_object(cJSON *obj, const char *key)
{
    cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!j) {
        j = cJSON_CreateObject();
        cJSON_AddItemToObject(obj, key, j);
    }
    return j;
}

/* ---- the schema, section by section -------------------------------------------------- */

/* The names a spec may use are the modules' own tables (act.h, loss.h, ...). */
static const char *const output_names[] = {"sigmoid", "identity"};
#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* generator "points": x a list of numbers (one feature) or of equal-length lists, y a list
 * of numbers of the same length */
static int check_points(V *v, cJSON *d, nn_plan *p)
{
    cJSON *xs = cJSON_GetObjectItemCaseSensitive(d, "x"), *ys = cJSON_GetObjectItemCaseSensitive(d, "y");
    if (!xs)
        return missing(v, "x", "a list of inputs, e.g. [-0.5, 2] or [[0, 1], [1, 0]]");
    if (!ys)
        return missing(v, "y", "a list of targets, one per input, e.g. [-1, 1]");
    char g[128];
    int n = cJSON_IsArray(xs) ? cJSON_GetArraySize(xs) : -1;
    size_t m = push(v, "x");
    if (n < 1 || n > 100000) {
        got(g, sizeof g, xs);
        int rc = fail(v, "expected a list of 1 to 100000 inputs, %s", g);
        pop(v, m);
        return rc;
    }
    cJSON *first = cJSON_GetArrayItem(xs, 0);
    int dims = cJSON_IsArray(first) ? cJSON_GetArraySize(first) : 1;
    if (dims < 1 || dims > 1000) {
        int rc = fail(v, "an input has 1 to 1000 numbers, the first has %d", dims);
        pop(v, m);
        return rc;
    }
    p->points_x = malloc((size_t)n * (size_t)dims * sizeof *p->points_x);
    p->points_y = malloc((size_t)n * sizeof *p->points_y);
    if (!p->points_x || !p->points_y) {
        pop(v, m);
        return nn_err_set(v->e, NN_ENOMEM, "", "out of memory");
    }
    int i = 0;
    cJSON *xi;
    cJSON_ArrayForEach(xi, xs) {
        char idx[16];
        snprintf(idx, sizeof idx, "%d", i);
        size_t mi = push(v, idx);
        bool list = cJSON_IsArray(xi);
        int k = list ? cJSON_GetArraySize(xi) : 1;
        if (list != cJSON_IsArray(first) || k != dims) {
            got(g, sizeof g, xi);
            int rc = cJSON_IsArray(first)
                         ? fail(v, "expected a list of %d numbers like the first input, got %s",
                                dims, list ? "a list of a different length" : g + 4)
                         : fail(v, "expected a number like the first input, %s", g);
            pop(v, m);
            return rc;
        }
        for (int c = 0; c < k; c++) {
            cJSON *num = list ? cJSON_GetArrayItem(xi, c) : xi;
            if (!cJSON_IsNumber(num) || !isfinite(num->valuedouble)) {
                got(g, sizeof g, num);
                int rc = fail(v, "expected a finite number, %s", g);
                pop(v, m);
                return rc;
            }
            p->points_x[(size_t)i * (size_t)dims + (size_t)c] = num->valuedouble;
        }
        pop(v, mi);
        i++;
    }
    pop(v, m);
    m = push(v, "y");
    if (!cJSON_IsArray(ys) || cJSON_GetArraySize(ys) != n) {
        got(g, sizeof g, ys);
        int rc = cJSON_IsArray(ys) ? fail(v, "expected a list of %d numbers, one per input, got "
                                          "%d", n, cJSON_GetArraySize(ys))
                                   : fail(v, "expected a list of %d numbers, one per input, %s",
                                          n, g);
        pop(v, m);
        return rc;
    }
    i = 0;
    cJSON_ArrayForEach(xi, ys) {
        if (!cJSON_IsNumber(xi) || !isfinite(xi->valuedouble)) {
            char idx[16];
            snprintf(idx, sizeof idx, "%d", i);
            size_t mi = push(v, idx);
            got(g, sizeof g, xi);
            int rc = fail(v, "expected a finite number, %s", g);
            pop(v, mi);
            pop(v, m);
            return rc;
        }
        p->points_y[i++] = xi->valuedouble;
    }
    pop(v, m);
    p->n_points = (size_t)n;
    p->points_d = dims;
    return NN_OK;
}

static int check_data(V *v, cJSON *d, nn_plan *p, const char *dir)
{
    int rc;
    if ((rc = expect_object(v, d, "the data section")))
        return rc;
    int ng;
    const nn_generator *gens = nn_generators(&ng);
    const char *names[16];
    int nn = 0;
    for (int i = 0; i < ng && nn < 14; i++)
        names[nn++] = gens[i].name;
    const int CSV = nn, POINTS = nn + 1;
    names[nn++] = "csv";
    names[nn++] = "points";
    int gi;
    if ((rc = get_enum(v, d, "generator", NULL, "generator", names, nn, &gi)))
        return rc;
    const char *keys[8 + NN_GEN_MAX_PARAMS];
    int nk = 0;
    keys[nk++] = "generator";
    const char *norms[] = {"zscore", "none"};
    const char *norm_default = "zscore";
    if (gi == CSV) {
        keys[nk++] = "path";
        keys[nk++] = "target";
        keys[nk++] = "normalize";
        keys[nk++] = "test_fraction";
        keys[nk++] = "split_seed";
        if ((rc = unknown_keys(v, d, keys, nk)))
            return rc;
        const char *path, *target;
        if ((rc = get_str(v, d, "path", NULL, 4000, &path)))
            return rc;
        if ((rc = get_str(v, d, "target", "y", NN_LABEL_MAX, &target)))
            return rc;
        if (!*target) {
            size_t m = push(v, "target");
            rc = fail(v, "the target column name is empty");
            pop(v, m);
            return rc;
        }
        strcpy(p->target, target);
        /* resolve against the spec's folder, and keep that in the resolved spec */
        size_t need = strlen(dir) + strlen(path) + 2;
        p->csv_path = malloc(need);
        if (!p->csv_path)
            return nn_err_set(v->e, NN_ENOMEM, "", "out of memory");
        if (path[0] == '/' || !*dir || strcmp(dir, ".") == 0)
            snprintf(p->csv_path, need, "%s", path);
        else
            snprintf(p->csv_path, need, "%s/%s", dir, path);
        /* absolute in the resolved spec, so spec.json reruns from any folder */
        char *abs = realpath(p->csv_path, NULL);
        if (abs) {
            free(p->csv_path);
            p->csv_path = abs;
        }
        cJSON_ReplaceItemInObjectCaseSensitive(d, "path", cJSON_CreateString(p->csv_path));
        p->gen = NULL;
    } else if (gi == POINTS) {
        keys[nk++] = "x";
        keys[nk++] = "y";
        keys[nk++] = "normalize";
        keys[nk++] = "test_fraction";
        keys[nk++] = "split_seed";
        if ((rc = unknown_keys(v, d, keys, nk)) || (rc = check_points(v, d, p)))
            return rc;
        p->gen = NULL;
        norm_default = "none";
    } else {
        const nn_generator *g = &gens[gi];
        keys[nk++] = "seed";
        keys[nk++] = "normalize";
        keys[nk++] = "test_fraction";
        keys[nk++] = "split_seed";
        for (int i = 0; i < g->n_params; i++)
            keys[nk++] = g->params[i].name;
        if ((rc = unknown_keys(v, d, keys, nk)))
            return rc;
        double s;
        if ((rc = get_num(v, d, "seed", g->default_seed, 0, 4294967295.0, 0, true, &s)))
            return rc;
        p->data_seed = (uint32_t)s;
        for (int i = 0; i < g->n_params; i++) {
            const nn_gen_param *gp = &g->params[i];
            if (gp->kind == NN_GEN_BOOL) {
                bool b;
                if ((rc = get_bool(v, d, gp->name, gp->def != 0, &b)))
                    return rc;
                p->gen_params[i] = b;
            } else if ((rc = get_num(v, d, gp->name, gp->def, gp->min, gp->max, 0,
                                     gp->kind == NN_GEN_INT, &p->gen_params[i]))) {
                return rc;
            }
        }
        p->gen = g;
        if (g->raw)
            norm_default = "none";
    }
    int ni;
    if ((rc = get_enum(v, d, "normalize", norm_default, "normalisation", norms, 2, &ni)))
        return rc;
    p->zscore = ni == 0;
    double tf, ss;
    if ((rc = get_num(v, d, "test_fraction", 0, 0, 1, EXCL_HI, false, &tf)) ||
        (rc = get_num(v, d, "split_seed", 0, 0, 4294967295.0, 0, true, &ss)))
        return rc;
    p->test_fraction = tf;
    p->split_seed = (uint32_t)ss;
    reorder(d, keys, nk);
    return NN_OK;
}

static int check_train(V *v, cJSON *t, nn_plan *p)
{
    static const char *const keys[] = {"optimizer", "lr",         "beta1",      "beta2",
                                       "eps",       "loss",       "batch",      "shuffle",
                                       "max_epochs", "max_iter", "target_error", "precision"};
    int rc, k;
    if ((rc = expect_object(v, t, "the train section")) ||
        (rc = unknown_keys(v, t, keys, N_OF(keys))))
        return rc;
    nn_train_cfg *c = &p->train;
    /* "precision": float64 (numpy's arithmetic) or float32 (PyTorch's); written into the
     * resolved spec only when given, so the numpy notebooks' runs stay byte for byte */
    static const char *const precisions[] = {"float64", "float32"};
    c->float32 = false;
    if (cJSON_GetObjectItemCaseSensitive(t, "precision")) {
        if ((rc = get_enum(v, t, "precision", "float64", "precision", precisions, 2, &k)))
            return rc;
        c->float32 = k == 1;
    }
    if ((rc = get_enum(v, t, "optimizer", "sgd", "optimizer", nn_opt_names, NN_OPT_COUNT, &k)))
        return rc;
    c->opt.kind = (nn_opt_kind)k;
    if ((rc = get_num(v, t, "lr", 0.1, 0, 1e6, EXCL_LO, false, &c->opt.lr)))
        return rc;
    if (c->opt.kind == NN_OPT_ADAM || c->opt.kind == NN_OPT_ADAM_TF) {
        if ((rc = get_num(v, t, "beta1", 0.9, 0, 1, EXCL_HI, false, &c->opt.beta1)) ||
            (rc = get_num(v, t, "beta2", 0.999, 0, 1, EXCL_HI, false, &c->opt.beta2)) ||
            (rc = get_num(v, t, "eps", 1e-8, 0, 1, EXCL_LO, false, &c->opt.eps)))
            return rc;
    } else {
        static const char *const adam_only[] = {"beta1", "beta2", "eps"};
        for (int i = 0; i < 3; i++)
            if (cJSON_GetObjectItemCaseSensitive(t, adam_only[i])) {
                size_t m = push(v, adam_only[i]);
                rc = fail(v, "\"%s\" is an adam/adam_tf setting, but the optimizer is \"%s\"",
                          adam_only[i], nn_opt_names[c->opt.kind]);
                pop(v, m);
                return rc;
            }
    }
    if ((rc = get_enum(v, t, "loss", "l2", "loss", nn_loss_names, NN_LOSS_COUNT, &k)))
        return rc;
    c->loss = (nn_loss)k;
    cJSON *b = cJSON_GetObjectItemCaseSensitive(t, "batch");
    if (!b) {
        cJSON_AddItemToObject(t, "batch", cJSON_CreateString("full"));
        c->batch = 0;
    } else if (cJSON_IsString(b) && strcmp(b->valuestring, "full") == 0) {
        c->batch = 0;
    } else {
        double x;
        if (cJSON_IsString(b)) {
            size_t m = push(v, "batch");
            rc = fail(v, "expected \"full\" or a batch size (an integer >= 1), got a string "
                      "(\"%.40s\")", b->valuestring);
            pop(v, m);
            return rc;
        }
        if ((rc = get_num(v, t, "batch", 0, 1, 1e9, 0, true, &x)))
            return rc;
        c->batch = (size_t)x;
    }
    if ((rc = get_bool(v, t, "shuffle", true, &c->shuffle)))
        return rc;
    double x;
    if ((rc = get_num(v, t, "max_epochs", 1000, 1, 1e9, 0, true, &x)))
        return rc;
    c->max_epochs = (long)x;
    if ((rc = get_num(v, t, "max_iter", NAN, 1, 1e12, NULLABLE, true, &x)))
        return rc;
    c->max_iter = isnan(x) ? 0 : (long)x;
    if ((rc = get_num(v, t, "target_error", NAN, 0, 1, NULLABLE, false, &x)))
        return rc;
    c->target_error = isnan(x) ? -1.0 : x;
    reorder(t, keys, N_OF(keys));
    return NN_OK;
}

/* An error at key when obj has it: "what" says why it does not apply. */
static int not_here(V *v, cJSON *obj, const char *key, const char *what)
{
    if (!cJSON_GetObjectItemCaseSensitive(obj, key))
        return NN_OK;
    size_t m = push(v, key);
    int rc = fail(v, "%s", what);
    pop(v, m);
    return rc;
}

static int check_init(V *v, cJSON *in, nn_model_plan *mp)
{
    static const char *const keys[] = {"scheme",     "distribution", "gain", "redraw_tolerance",
                                       "redraw_max", "bias",         "scale", "balanced", "rng"};
    int rc, k;
    if ((rc = expect_object(v, in, "the init section")) ||
        (rc = unknown_keys(v, in, keys, N_OF(keys))))
        return rc;
    nn_init_cfg *c = &mp->init;
    /* "rng": whose stream draws the weights. Written into the resolved spec only when given,
     * so the runs of the numpy notebooks stay byte for byte what they were. */
    static const char *const rngs[] = {"numpy", "torch"};
    c->torch_rng = false;
    if (cJSON_GetObjectItemCaseSensitive(in, "rng")) {
        if ((rc = get_enum(v, in, "rng", "numpy", "random stream", rngs, 2, &k)))
            return rc;
        c->torch_rng = k == 1;
    }
    nn_act a = mp->arch.act;
    const char *def = a == NN_ACT_RELU || a == NN_ACT_LEAKY_RELU ? "he" : "xavier";
    if ((rc = get_enum(v, in, "scheme", def, "init scheme", nn_init_scheme_names, NN_INIT_COUNT, &k)))
        return rc;
    c->scheme = (nn_init_scheme)k;
    if (c->scheme == NN_INIT_SCALED) {
        static const char *const other[] = {"distribution", "gain", "redraw_tolerance",
                                            "redraw_max", "bias"};
        for (int i = 0; i < N_OF(other); i++)
            if ((rc = not_here(v, in, other[i], "the scaled scheme has only scale and balanced")))
                return rc;
        if (mp->arch.n_hidden != 1) {
            size_t m = push(v, "scheme");
            rc = fail(v, "the scaled scheme (notebook 003) is for one hidden layer, the model has "
                      "%d", mp->arch.n_hidden);
            pop(v, m);
            return rc;
        }
        c->dist = NN_DIST_NORMAL;
        c->gain = 1;
        c->redraw_tol = -1;
        c->redraw_max = 1;
        if ((rc = get_num(v, in, "scale", 1.0, 0, 1e6, EXCL_LO, false, &c->scale)) ||
            (rc = get_bool(v, in, "balanced", true, &c->balanced)))
            return rc;
        if (c->torch_rng && (mp->arch.output_bias || mp->arch.n_out != 1)) {
            size_t m = push(v, "rng");
            rc = fail(v, "notebook 003's Net, as torch draws it, has one output and no output "
                      "bias (set the model's output_bias to false)");
            pop(v, m);
            return rc;
        }
        reorder(in, keys, N_OF(keys));
        return NN_OK;
    }
    if ((rc = not_here(v, in, "scale", "scale belongs to the scaled scheme")) ||
        (rc = not_here(v, in, "balanced", "balanced belongs to the scaled scheme")))
        return rc;
    bool torch = c->scheme == NN_INIT_TORCH;
    if ((rc = get_enum(v, in, "distribution", torch ? "uniform" : "normal", "distribution",
                       nn_init_dist_names, NN_DIST_COUNT, &k)))
        return rc;
    c->dist = (nn_init_dist)k;
    if (torch && c->dist != NN_DIST_UNIFORM) {
        size_t m = push(v, "distribution");
        rc = fail(v, "the torch scheme draws uniform weights (set distribution to \"uniform\" "
                  "or drop it)");
        pop(v, m);
        return rc;
    }
    double x;
    if ((rc = get_num(v, in, "gain", 1.0, 0, 1e6, EXCL_LO, false, &c->gain)) ||
        (rc = get_num(v, in, "redraw_tolerance", NAN, 0, 1e6, NULLABLE | EXCL_LO, false, &x)))
        return rc;
    c->redraw_tol = isnan(x) ? -1.0 : x;
    if ((rc = get_num(v, in, "redraw_max", 1000000, 1, 1e9, 0, true, &x)))
        return rc;
    c->redraw_max = (long)x;
    if (c->torch_rng) {   /* torch's own inits, drawn once, as torch draws them */
        const char *why = !torch ? "the torch stream draws torch's inits: scheme \"torch\" "
                                   "(nn.Linear's default) or \"scaled\" (notebook 003's Net)"
                        : c->gain != 1 ? "nn.Linear's default init has no gain (drop it, or "
                                         "use the numpy stream)"
                        : c->redraw_tol >= 0 ? "torch draws once: the redraw rule is numpy's "
                                               "(drop redraw_tolerance)"
                        : NULL;
        if (why) {
            size_t m = push(v, "rng");
            rc = fail(v, "%s", why);
            pop(v, m);
            return rc;
        }
    }
    if (torch) {
        if ((rc = not_here(v, in, "bias", "the torch scheme draws its biases; a constant bias "
                           "applies to he and xavier only")))
            return rc;
        c->bias_value = 0;
    } else if ((rc = get_num(v, in, "bias", 0.1, -1e6, 1e6, 0, false, &c->bias_value))) {
        return rc;
    }
    reorder(in, keys, N_OF(keys));
    return NN_OK;
}

/* "seeds": a list of seeds, or "start:stop[:step]" (stop exclusive), made an explicit
 * list in the resolved spec. n_out = 0 when the key is absent. */
static int get_seeds(V *v, cJSON *obj, uint32_t *out, int *n_out)
{
    cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, "seeds");
    *n_out = 0;
    if (!j)
        return NN_OK;
    size_t m = push(v, "seeds");
    int rc = NN_OK, n = 0;
    if (cJSON_IsString(j)) {
        /* start:stop[:step], decimal, nothing else; stop excluded */
        unsigned long long f[3] = {0, 0, 1};
        int nf = 0;
        const char *q = j->valuestring;
        bool ok = true;
        while (ok && nf < 3) {
            if (*q < '0' || *q > '9') {
                ok = false;
                break;
            }
            char *end;
            errno = 0;
            f[nf++] = strtoull(q, &end, 10);
            ok = errno == 0 && f[nf - 1] <= 4294967296ULL;
            q = end;
            if (*q != ':')
                break;
            q++;
        }
        if (!ok || *q || nf < 2)
            rc = fail(v, "expected a list of seeds or \"start:stop[:step]\" (stop excluded), "
                      "got \"%.40s\"", j->valuestring);
        else if (f[1] <= f[0] || f[2] < 1)
            rc = fail(v, "\"%.40s\" is not a range of seeds from 0 to 4294967295 with a "
                      "positive step", j->valuestring);
        else if ((f[1] - f[0] - 1) / f[2] + 1 > NN_MAX_MODELS)
            rc = fail(v, "\"%.40s\" has more than %d seeds", j->valuestring, NN_MAX_MODELS);
        else
            for (unsigned long long k = 0, c = (f[1] - f[0] - 1) / f[2] + 1; k < c; k++)
                out[n++] = (uint32_t)(f[0] + k * f[2]);
    } else if (cJSON_IsArray(j) && cJSON_GetArraySize(j) >= 1) {
        if (cJSON_GetArraySize(j) > NN_MAX_MODELS)
            rc = fail(v, "%d seeds (at most %d)", cJSON_GetArraySize(j), NN_MAX_MODELS);
        int i = 0;
        for (cJSON *c = j->child; c && !rc; c = c->next, i++) {
            if (!cJSON_IsNumber(c) || c->valuedouble != floor(c->valuedouble) ||
                c->valuedouble < 0 || c->valuedouble > 4294967295.0) {
                size_t m2 = push_index(v, i);
                char g[128];
                got(g, sizeof g, c);
                rc = fail(v, "expected a seed (an integer from 0 to 4294967295), %s", g);
                pop(v, m2);
            } else {
                out[n++] = (uint32_t)c->valuedouble;
            }
        }
    } else {
        char g[128];
        got(g, sizeof g, j);
        rc = fail(v, "expected a non-empty list of seeds or \"start:stop[:step]\", %s", g);
    }
    for (int a = 0; a < n && !rc; a++)
        for (int b = a + 1; b < n && !rc; b++)
            if (out[a] == out[b])
                rc = fail(v, "seed %u is listed twice", out[a]);
    if (!rc && cJSON_IsString(j)) {        /* the resolved spec lists them */
        cJSON *list = cJSON_CreateArray();
        for (int i = 0; i < n; i++)
            cJSON_AddItemToArray(list, cJSON_CreateNumber(out[i]));
        cJSON_ReplaceItemInObjectCaseSensitive(obj, "seeds", list);
    }
    pop(v, m);
    *n_out = n;
    return rc;
}

/* One model of the spec into *mp; its replicate seeds (its own "seeds", or the top-level
 * ones when it names neither seed nor seeds) into seeds/n_seeds. */
static int check_model(V *v, cJSON *mj, nn_model_plan *mp, const nn_plan *p, double top_seed,
                       const uint32_t *top_seeds, int n_top, bool single, uint32_t *seeds,
                       int *n_seeds)
{
    static const char *const keys[] = {"label", "seed", "seeds", "hidden", "activation",
                                       "leaky_slope", "output", "bias", "output_bias", "init"};
    int rc, k;
    if ((rc = expect_object(v, mj, "a model")) || (rc = unknown_keys(v, mj, keys, N_OF(keys))))
        return rc;
    if ((rc = get_label(v, mj, "label", single ? "model" : NULL, "label", mp->label)))
        return rc;
    strcpy(mp->group, mp->label);
    if ((rc = get_seeds(v, mj, seeds, n_seeds)))
        return rc;
    bool own_seed = cJSON_GetObjectItemCaseSensitive(mj, "seed") != NULL;
    if (*n_seeds && own_seed) {
        size_t m = push(v, "seeds");
        rc = fail(v, "give either \"seed\" or \"seeds\" (replicates), not both");
        pop(v, m);
        return rc;
    }
    if (!*n_seeds && !own_seed && n_top) {   /* replicated over the top-level seeds */
        memcpy(seeds, top_seeds, (size_t)n_top * sizeof *seeds);
        *n_seeds = n_top;
    } else if (!*n_seeds) {
        double s;
        if ((rc = get_num(v, mj, "seed", top_seed, 0, 4294967295.0, 0, true, &s)))
            return rc;
        mp->seed = (uint32_t)s;
    }
    nn_arch *a = &mp->arch;
    memset(a, 0, sizeof *a);
    a->n_out = 1;
    cJSON *h = cJSON_GetObjectItemCaseSensitive(mj, "hidden");
    if (!h) {
        cJSON_AddItemToObject(mj, "hidden", cJSON_CreateArray());
    } else {
        size_t m = push(v, "hidden");
        if (!cJSON_IsArray(h)) {
            char g[128];
            got(g, sizeof g, h);
            rc = fail(v, "expected a list of hidden-layer widths such as [6, 3], %s", g);
        } else if (cJSON_GetArraySize(h) > NN_MAX_HIDDEN) {
            rc = fail(v, "%d hidden layers (at most %d)", cJSON_GetArraySize(h), NN_MAX_HIDDEN);
        } else {
            int i = 0;
            for (cJSON *c = h->child; c && !rc; c = c->next, i++) {
                size_t m2 = push_index(v, i);
                char g[128];
                got(g, sizeof g, c);
                if (!cJSON_IsNumber(c) || c->valuedouble != floor(c->valuedouble) ||
                    !isfinite(c->valuedouble))
                    rc = fail(v, "expected a layer width (an integer from 1 to %d), %s",
                              NN_MAX_WIDTH, g);
                else if (c->valuedouble < 1 || c->valuedouble > NN_MAX_WIDTH)
                    rc = fail(v, "width %s is out of range (expected an integer from 1 to %d "
                              "working units; the constant bias unit is not counted)",
                              g + 4, NN_MAX_WIDTH);
                else
                    a->hidden[i] = (int)c->valuedouble;
                pop(v, m2);
            }
            a->n_hidden = i;
        }
        pop(v, m);
        if (rc)
            return rc;
    }
    if ((rc = get_enum(v, mj, "activation", "relu", "activation", nn_act_names, NN_ACT_COUNT, &k)))
        return rc;
    a->act = (nn_act)k;
    if (a->act == NN_ACT_LEAKY_RELU) {
        if ((rc = get_num(v, mj, "leaky_slope", 0.01, 0, 1, EXCL_HI, false, &a->slope)))
            return rc;
    } else if (cJSON_GetObjectItemCaseSensitive(mj, "leaky_slope")) {
        size_t m = push(v, "leaky_slope");
        rc = fail(v, "\"leaky_slope\" applies to the leaky_relu activation only");
        pop(v, m);
        return rc;
    }
    int req = nn_loss_required_output(p->train.loss);
    const char *out_def = req == NN_ACT_IDENTITY ? "identity" : "sigmoid";
    if ((rc = get_enum(v, mj, "output", out_def, "output activation", output_names, 2, &k)))
        return rc;
    a->out_act = k == 0 ? NN_ACT_SIGMOID : NN_ACT_IDENTITY;
    if (req >= 0 && (int)a->out_act != req) {
        size_t m = push(v, "output");
        rc = fail(v, "loss \"%s\" needs a%s output (set output to \"%s\")",
                  nn_loss_names[p->train.loss], req == NN_ACT_SIGMOID ? " sigmoid" : "n identity",
                  req == NN_ACT_SIGMOID ? "sigmoid" : "identity");
        pop(v, m);
        return rc;
    }
    bool b;
    if ((rc = get_bool(v, mj, "bias", 1, &b)))
        return rc;
    a->bias = b;
    if ((rc = get_bool(v, mj, "output_bias", b, &b)))
        return rc;
    a->output_bias = b;
    cJSON *in = sub_object(mj, "init");
    size_t m = push(v, "init");
    rc = check_init(v, in, mp);
    pop(v, m);
    if (rc)
        return rc;
    reorder(mj, keys, N_OF(keys));
    return NN_OK;
}

/* A list of names from table (methods of ranking), defaulting to all of them. */
static int get_name_set(V *v, cJSON *obj, const char *key, const char *what,
                        const char *const *names, int n, bool *out)
{
    cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!j) {
        j = cJSON_CreateArray();
        for (int i = 0; i < n; i++)
            cJSON_AddItemToArray(j, cJSON_CreateString(names[i]));
        cJSON_AddItemToObject(obj, key, j);
    }
    size_t m = push(v, key);
    int rc = NN_OK, i = 0;
    for (int k = 0; k < n; k++)
        out[k] = false;
    if (!cJSON_IsArray(j) || !j->child) {
        char list[300];
        nn_join(list, sizeof list, names, n);
        rc = fail(v, "expected a non-empty list of %ss (from: %s)", what, list);
    }
    for (cJSON *c = cJSON_IsArray(j) ? j->child : NULL; c && !rc; c = c->next, i++) {
        size_t m2 = push_index(v, i);
        int k = cJSON_IsString(c) ? nn_name_index(names, n, c->valuestring) : -1;
        if (k < 0) {
            char list[300];
            nn_join(list, sizeof list, names, n);
            const char *sg = cJSON_IsString(c) ? nn_suggest(c->valuestring, names, n) : NULL;
            char g[128];
            got(g, sizeof g, c);
            rc = fail(v, "unknown %s, %s (expected one of: %s%s%s%s)", what, g, list,
                      sg ? "; did you mean \"" : "", sg ? sg : "", sg ? "\"?" : "");
        } else if (out[k]) {
            rc = fail(v, "%s \"%s\" is listed twice", what, names[k]);
        } else {
            out[k] = true;
        }
        pop(v, m2);
    }
    pop(v, m);
    return rc;
}

/* ---- studies: checked against the rows of the table the caller hands in ------------------ */

size_t nn_spec_push(nn_spec_v *v, const char *key) { return push(v, key); }
size_t nn_spec_push_index(nn_spec_v *v, int i) { return push_index(v, i); }
void nn_spec_pop(nn_spec_v *v, size_t mark) { pop(v, mark); }
void nn_spec_got(char *buf, size_t cap, const cJSON *j) { got(buf, cap, j); }

int nn_spec_fail(nn_spec_v *v, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return fail(v, "%s", msg);
}

static bool same_shape(const nn_arch *a, const nn_arch *b)
{
    if (a->n_hidden != b->n_hidden || a->act != b->act || a->out_act != b->out_act ||
        a->bias != b->bias || a->output_bias != b->output_bias ||
        (a->act == NN_ACT_LEAKY_RELU && a->slope != b->slope))
        return false;
    for (int l = 0; l < a->n_hidden; l++)
        if (a->hidden[l] != b->hidden[l])
            return false;
    return true;
}

/* What a study needs of the models, at the study's path. */
static int check_model_needs(V *v, const nn_study_spec *s, const nn_plan *p)
{
    for (int i = 0; i < p->n_models; i++) {
        int h = p->models[i].arch.n_hidden;
        if ((s->needs & NN_NEEDS_ONE_HIDDEN) && h != 1)
            return fail(v, "the %s study needs exactly one hidden layer, but model \"%s\" has %d",
                        s->name, p->models[i].label, h);
        if ((s->needs & NN_NEEDS_HIDDEN) && h < 1)
            return fail(v, "the %s study needs at least one hidden layer, but model \"%s\" has 0",
                        s->name, p->models[i].label);
    }
    if (s->needs & NN_NEEDS_SAME_SHAPE)
        for (int i = 1; i < p->n_models; i++)
            if (!same_shape(&p->models[0].arch, &p->models[i].arch))
                return fail(v, "the %s study compares nets of one architecture, but models \"%s\" "
                            "and \"%s\" differ (widths, biases, activations or leaky slopes)",
                            s->name, p->models[0].label, p->models[i].label);
    if ((s->needs & NN_NEEDS_PAIRS) && p->n_models < 2)
        return fail(v, "the %s study compares pairs of nets and needs at least two models (use "
                    "seeds for replicates)", s->name);
    return NN_OK;
}

/* The options of study row s in obj (its entry of "studies"), into opts. */
static int resolve_options(V *v, cJSON *obj, const nn_study_spec *s, void *opts)
{
    enum { MAX_KEYS = 64 };
    const char *keys[MAX_KEYS];
    int nk = 0, rc = NN_OK;
    keys[nk++] = "name";
    for (int i = 0; i < s->n_options && nk < MAX_KEYS; i++)
        keys[nk++] = s->options[i].key;
    if ((rc = unknown_keys(v, obj, keys, nk)))
        return rc;
    for (int i = 0; i < s->n_options && !rc; i++) {
        const nn_option *o = &s->options[i];
        void *field = (char *)opts + o->offset;
        double x;
        switch (o->kind) {
        case NN_OPTION_INT:
            if (!(rc = get_num(v, obj, o->key, o->def, o->lo, o->hi, 0, true, &x)))
                *(long *)field = (long)x;
            break;
        case NN_OPTION_NUM: {
            int f = (o->flags & NN_OPTION_EXCL_LO ? EXCL_LO : 0) |
                    (o->flags & NN_OPTION_EXCL_HI ? EXCL_HI : 0);
            rc = get_num(v, obj, o->key, o->def, o->lo, o->hi, f, false, (double *)field);
            break;
        }
        case NN_OPTION_BOOL:
            rc = get_bool(v, obj, o->key, o->def != 0, (bool *)field);
            break;
        case NN_OPTION_ENUM:
            rc = get_enum(v, obj, o->key, o->def_name, o->what, o->names, o->n_names, (int *)field);
            break;
        case NN_OPTION_NAMES:
            rc = get_name_set(v, obj, o->key, o->what, o->names, o->n_names, (bool *)field);
            break;
        case NN_OPTION_CUSTOM:
            rc = o->check(v, obj, o->key, field);
            break;
        }
    }
    if (!rc)
        reorder(obj, keys, nk);
    return rc;
}

/* One entry of "studies" (an object with "name"), at v's path, into sp. */
static int resolve_study(V *v, cJSON *obj, const nn_plan *p, nn_study_plan *sp)
{
    const nn_study_table *t = v->studies;
    int k, rc;
    static const char *const none[1] = {""};
    if ((rc = get_enum(v, obj, "name", NULL, "study", t ? t->names : none, t ? t->n : 0, &k)))
        return rc;
    const nn_study_spec *s = t->rows[k];
    sp->index = k;
    sp->spec = s;
    sp->options = calloc(1, s->options_size ? s->options_size : 1);
    if (!sp->options)
        return nn_err_set(v->e, NN_ENOMEM, "", "out of memory");
    if ((rc = resolve_options(v, obj, s, sp->options)) || (rc = check_model_needs(v, s, p)))
        return rc;
    return s->check ? s->check(v, sp->options, p) : NN_OK;
}

/* float32 training is PyTorch's loop of the notebooks it serves (train_f32.c): what it does
 * not compute is refused before anything runs, naming /train/precision. */
static int check_float32(V *v, const nn_plan *p)
{
    const nn_train_cfg *c = &p->train;
    const char *why = c->opt.kind != NN_OPT_SGD && c->opt.kind != NN_OPT_ADAM
                          ? "float32 training takes the sgd or adam optimizer"
                      : c->loss != NN_LOSS_MSE && c->loss != NN_LOSS_BCE
                          ? "float32 training takes the mse or bce loss (PyTorch's MSELoss, BCELoss)"
                      : c->batch != 0 ? "float32 training takes full batches (batch \"full\")"
                      : p->test_fraction > 0 ? "float32 training has no test set (test_fraction 0)"
                      : NULL;
    for (int i = 0; i < p->n_models && !why; i++) {
        nn_act a = p->models[i].arch.act;
        if (a != NN_ACT_IDENTITY && a != NN_ACT_RELU && a != NN_ACT_TANH && a != NN_ACT_SIGMOID)
            why = "float32 training takes identity, relu, tanh or sigmoid hidden units";
    }
    if (!why)
        return NN_OK;
    size_t mt = push(v, "train"), mp = push(v, "precision");
    int rc = fail(v, "%s", why);
    pop(v, mp);
    pop(v, mt);
    return rc;
}

static int check_studies(V *v, cJSON *root, nn_plan *p)
{
    const nn_study_table *t = v->studies;
    cJSON *s = cJSON_GetObjectItemCaseSensitive(root, "studies");
    if (!s) {
        s = cJSON_CreateArray();
        for (int i = 0; t && i < t->n_defaults; i++)
            cJSON_AddItemToArray(s, cJSON_CreateString(t->defaults[i]));
        cJSON_AddItemToObject(root, "studies", s);
    }
    size_t m = push(v, "studies");
    int rc = NN_OK;
    if (!cJSON_IsArray(s)) {
        char g[128];
        got(g, sizeof g, s);
        rc = fail(v, "expected a list of studies, each a name or an object with a \"name\" "
                  "(nnlab list studies shows them), %s", g);
        pop(v, m);
        return rc;
    }
    int n = cJSON_GetArraySize(s);
    p->studies = calloc((size_t)(n ? n : 1), sizeof *p->studies);
    if (!p->studies)
        return nn_err_set(v->e, NN_ENOMEM, "", "out of memory");
    int i = 0;
    for (cJSON *c = s->child; c && !rc; c = c->next, i++) {
        size_t m2 = push_index(v, i);
        cJSON *obj = c;
        if (cJSON_IsString(c)) {           /* "NAME" is {"name": "NAME"} */
            obj = cJSON_CreateObject();
            cJSON_AddItemToObject(obj, "name", cJSON_CreateString(c->valuestring));
            cJSON_ReplaceItemViaPointer(s, c, obj);
            c = obj;
        }
        nn_study_plan *sp = &p->studies[i];
        p->n_studies = i + 1;              /* freed with the plan, whatever happens */
        if (!(rc = expect_object(v, obj, "a study name or object"))) {
            cJSON *nm = cJSON_GetObjectItemCaseSensitive(obj, "name");
            for (int q = 0; q < i && !rc && cJSON_IsString(nm); q++)
                if (!strcmp(p->studies[q].spec->name, nm->valuestring)) {
                    size_t m3 = push(v, "name");
                    rc = fail(v, "study \"%s\" is listed twice", nm->valuestring);
                    pop(v, m3);
                }
        }
        if (!rc && !(rc = resolve_study(v, obj, p, sp)))
            p->needs |= sp->spec->needs;
        pop(v, m2);
    }
    pop(v, m);
    return rc;
}

int nn_spec_study(const nn_plan *p, const nn_study_table *t, const char *name,
                  nn_study_plan *sp, nn_err *e)
{
    memset(sp, 0, sizeof *sp);
    int k = nn_name_index(t->names, t->n, name);
    if (k < 0) {
        const char *s = nn_suggest(name, t->names, t->n);
        char list[600];
        nn_join(list, sizeof list, t->names, t->n);
        return nn_err_set(e, NN_EUSAGE, "--study", "unknown study \"%s\" (expected one of: "
                          "%s%s%s%s)", name, list, s ? "; did you mean \"" : "", s ? s : "",
                          s ? "\"?" : "");
    }
    for (int i = 0; i < p->n_studies; i++)      /* the spec's own options, when it lists it */
        if (p->studies[i].index == k) {
            size_t n = t->rows[k]->options_size ? t->rows[k]->options_size : 1;
            if (!(sp->options = malloc(n)))
                return nn_err_set(e, NN_ENOMEM, "", "out of memory");
            memcpy(sp->options, p->studies[i].options, n);
            sp->index = k;
            sp->spec = t->rows[k];
            return NN_OK;
        }
    char where[100];
    snprintf(where, sizeof where, "--study %.60s", name);
    V v = {.e = e, .file = where, .bare = true, .studies = t};
    cJSON *obj = cJSON_CreateObject();
    if (!obj || !cJSON_AddStringToObject(obj, "name", name)) {
        cJSON_Delete(obj);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    }
    int rc = resolve_study(&v, obj, p, sp);
    cJSON_Delete(obj);
    if (!rc) {               /* what the run recorded is what the study can read */
        const nn_record_plan *r = &p->record;
        unsigned nd = sp->spec->needs;
        if ((nd & NN_NEEDS_WEIGHTS_EVERY) && !(r->weights == NN_REC_EVERY && r->every == 1))
            rc = fail(&v, "the %s study reads the weights of every epoch, and the run recorded "
                      "%s (record.weights in its spec.json)", name,
                      r->weights == NN_REC_NONE ? "none" : "them on another schedule");
        else if ((nd & NN_NEEDS_WEIGHTS) && r->weights == NN_REC_NONE)
            rc = fail(&v, "the %s study reads the recorded weights, and the run recorded none "
                      "(record.weights in its spec.json)", name);
        else if ((nd & NN_NEEDS_RAW) && !r->raw)
            rc = fail(&v, "the %s study reads asgd's raw iterate, and the run did not record it "
                      "(record.raw in its spec.json)", name);
    }
    if (rc) {
        free(sp->options);
        sp->options = NULL;
        if (rc == NN_ESPEC)
            e->code = rc = NN_EUSAGE;
    }
    return rc;
}

/* "the a study reads" / "the a and b studies read" / "the a, b and c studies read": the
 * plan's studies with need. */
static void needing(const nn_plan *p, unsigned need, const char *verb, char *buf, size_t cap)
{
    int n = 0, k = 0;
    for (int s = 0; s < p->n_studies; s++)
        n += (p->studies[s].spec->needs & need) != 0;
    size_t len = (size_t)snprintf(buf, cap, "the ");
    for (int s = 0; s < p->n_studies && len < cap; s++)
        if (p->studies[s].spec->needs & need) {
            k++;
            len += (size_t)snprintf(buf + len, cap - len, "%s%s", k == 1 ? "" : k == n ? " and " : ", ",
                                    p->studies[s].spec->name);
        }
    if (len < cap)
        snprintf(buf + len, cap - len, n == 1 ? " study %ss" : " studies %s", verb);
}

static int check_record(V *v, cJSON *r, nn_plan *p)
{
    static const char *const keys[] = {"weights", "every", "growth", "raw"};
    static const char *const kinds[] = {"none", "every", "geometric"};
    int rc, k;
    if ((rc = expect_object(v, r, "the record section")) ||
        (rc = unknown_keys(v, r, keys, N_OF(keys))))
        return rc;
    bool every = p->needs & NN_NEEDS_WEIGHTS_EVERY, some = p->needs & NN_NEEDS_WEIGHTS,
         wants_raw = p->needs & NN_NEEDS_RAW;
    char who[600];
    if ((rc = get_enum(v, r, "weights", every || some ? "every" : "none", "recording schedule",
                       kinds, 3, &k)))
        return rc;
    p->record.weights = (nn_rec_kind)k;
    if ((some || every) && p->record.weights == NN_REC_NONE) {
        size_t m = push(v, "weights");
        if (every) {
            needing(p, NN_NEEDS_WEIGHTS_EVERY, "read", who, sizeof who);
            rc = fail(v, "%s the weights of every epoch (set weights to \"every\" with every 1, "
                      "or drop the setting)", who);
        } else {
            needing(p, NN_NEEDS_WEIGHTS, "read", who, sizeof who);
            rc = fail(v, "%s the recorded weights (set weights to \"every\" or \"geometric\", "
                      "or drop the setting)", who);
        }
        pop(v, m);
        return rc;
    }
    double x;
    if ((rc = get_num(v, r, "every", 1, 1, 1e9, 0, true, &x)))
        return rc;
    p->record.every = (long)x;
    if (every && (p->record.weights != NN_REC_EVERY || p->record.every != 1)) {
        size_t m = push(v, "weights");
        needing(p, NN_NEEDS_WEIGHTS_EVERY, "read", who, sizeof who);
        rc = fail(v, "%s the weights of every epoch (set weights to \"every\" with every 1, or "
                  "drop the setting)", who);
        pop(v, m);
        return rc;
    }
    if ((rc = get_num(v, r, "growth", 1.1, 1, 100, EXCL_LO, false, &p->record.growth)))
        return rc;
    bool raw;
    if ((rc = get_bool(v, r, "raw", wants_raw, &raw)))
        return rc;
    p->record.raw = raw;
    if (!raw && wants_raw) {
        size_t m = push(v, "raw");
        needing(p, NN_NEEDS_RAW, "read", who, sizeof who);
        rc = fail(v, "%s the raw iterate (set raw to true, or drop it)", who);
        pop(v, m);
        return rc;
    }
    if (raw && (p->train.opt.kind != NN_OPT_ASGD || p->record.weights == NN_REC_NONE)) {
        size_t m = push(v, "raw");
        if (p->train.opt.kind != NN_OPT_ASGD)
            rc = fail(v, "the raw iterate exists for the asgd optimizer only (the optimizer "
                      "is \"%s\")", nn_opt_names[p->train.opt.kind]);
        else
            rc = fail(v, "the raw iterate is recorded on the weights' schedule, which is "
                      "\"none\" (set weights to \"every\" or \"geometric\")");
        pop(v, m);
        return rc;
    }
    reorder(r, keys, N_OF(keys));
    return NN_OK;
}

/* figures: the formats every figure is drawn in, and a size multiplier */
static int check_figures(V *v, cJSON *f, nn_plan *p)
{
    static const char *const keys[] = {"format", "size"};
    int rc;
    if ((rc = expect_object(v, f, "the figures section")) ||
        (rc = unknown_keys(v, f, keys, N_OF(keys))))
        return rc;
    cJSON *fm = cJSON_GetObjectItemCaseSensitive(f, "format");
    size_t m = push(v, "format");
    p->fig_formats = 0;
    if (!fm) {
        p->fig_formats = NN_FIG_PNG;
    } else if (cJSON_IsString(fm)) {         /* "png,svg" as the command line writes it */
        nn_err fe;
        if (nn_fig_parse_formats(fm->valuestring, &p->fig_formats, &fe))
            rc = fail(v, "expected formats from png, svg, pdf (a list, or \"png,svg\"), got a "
                      "string (\"%.40s\")", fm->valuestring);
    } else if (cJSON_IsArray(fm) && fm->child) {
        int i = 0;
        for (cJSON *c = fm->child; c && !rc; c = c->next, i++) {
            int k = cJSON_IsString(c) ? nn_name_index(nn_fig_format_names, 3, c->valuestring) : -1;
            if (k < 0) {
                size_t m2 = push_index(v, i);
                char g[128];
                got(g, sizeof g, c);
                const char *sg = cJSON_IsString(c) ? nn_suggest(c->valuestring, nn_fig_format_names, 3)
                                                   : NULL;
                rc = fail(v, "unknown figure format, %s (expected one of: png, svg, pdf%s%s%s)", g,
                          sg ? "; did you mean \"" : "", sg ? sg : "", sg ? "\"?" : "");
                pop(v, m2);
            } else {
                p->fig_formats |= 1u << k;
            }
        }
    } else {
        char g[128];
        got(g, sizeof g, fm);
        rc = fail(v, "expected a list of figure formats from png, svg, pdf, such as [\"png\", "
                  "\"svg\"], %s", cJSON_IsArray(fm) ? "got an empty list" : g);
    }
    pop(v, m);
    if (rc)
        return rc;
    cJSON *list = cJSON_CreateArray();         /* the resolved spec lists them, in order */
    for (int k = 0; k < 3; k++)
        if (p->fig_formats & (1u << k))
            cJSON_AddItemToArray(list, cJSON_CreateString(nn_fig_format_names[k]));
    if (fm)
        cJSON_ReplaceItemInObjectCaseSensitive(f, "format", list);
    else
        cJSON_AddItemToObject(f, "format", list);
    if ((rc = get_num(v, f, "size", 1, 0.25, 8, 0, false, &p->fig_size)))
        return rc;
    reorder(f, keys, N_OF(keys));
    return NN_OK;
}

static int check_root(V *v, cJSON *root, nn_plan *p, const char *default_name, const char *dir)
{
    static const char *const keys[] = {"name", "description", "seed", "seeds", "data", "train",
                                       "model", "models", "studies", "record", "figures"};
    int rc;
    if ((rc = expect_object(v, root, "a spec")) || (rc = unknown_keys(v, root, keys, N_OF(keys))))
        return rc;
    if ((rc = get_label(v, root, "name", default_name, "name", p->name)))
        return rc;
    const char *desc;
    if ((rc = get_str(v, root, "description", "", 4000, &desc)))
        return rc;
    double top_seed;
    if ((rc = get_num(v, root, "seed", 0, 0, 4294967295.0, 0, true, &top_seed)))
        return rc;
    static uint32_t top_seeds[NN_MAX_MODELS];
    int n_top;
    if ((rc = get_seeds(v, root, top_seeds, &n_top)))
        return rc;
    cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "data");
    if (!d)
        return missing(v, "data", "an object naming a generator, e.g. {\"generator\": \"wedges\"}");
    size_t m = push(v, "data");
    rc = check_data(v, d, p, dir);
    pop(v, m);
    if (rc)
        return rc;
    cJSON *t = sub_object(root, "train");
    m = push(v, "train");
    rc = check_train(v, t, p);
    pop(v, m);
    if (rc)
        return rc;
    cJSON *one = cJSON_GetObjectItemCaseSensitive(root, "model");
    cJSON *many = cJSON_GetObjectItemCaseSensitive(root, "models");
    if (one && many) {
        m = push(v, "model");
        rc = fail(v, "give either \"model\" (one model) or \"models\" (a list), not both");
        pop(v, m);
        return rc;
    }
    if (!one && !many)
        return missing(v, "models", "a list of models, each with a label");
    if (many) {
        m = push(v, "models");
        if (!cJSON_IsArray(many) || cJSON_GetArraySize(many) < 1) {
            rc = fail(v, "expected a non-empty list of models");
        } else if (cJSON_GetArraySize(many) > NN_MAX_MODELS) {
            rc = fail(v, "%d models (at most %d in one run)", cJSON_GetArraySize(many),
                      NN_MAX_MODELS);
        }
        pop(v, m);
        if (rc)
            return rc;
    }
    p->models = calloc(NN_MAX_MODELS, sizeof *p->models);
    if (!p->models)
        return nn_err_set(v->e, NN_ENOMEM, "", "out of memory");
    int n = 0, i = 0;
    static uint32_t seeds[NN_MAX_MODELS];
    for (cJSON *c = many ? many->child : one; c; c = many ? c->next : NULL, i++) {
        size_t mk = push(v, many ? "models" : "model");
        size_t mi = many ? push_index(v, i) : strlen(v->path);
        nn_model_plan tmpl;
        int ns = 0;
        rc = check_model(v, c, &tmpl, p, top_seed, top_seeds, n_top, !many, seeds, &ns);
        int count = ns ? ns : 1;
        if (!rc && n + count > NN_MAX_MODELS)
            rc = fail(v, "more than %d models in one run, replicates included", NN_MAX_MODELS);
        for (int r = 0; r < count && !rc; r++) {
            nn_model_plan *mp = &p->models[n];
            *mp = tmpl;
            if (ns) {                    /* a replicate: "<label>-s<seed>" */
                mp->seed = seeds[r];
                int w = snprintf(mp->label, sizeof mp->label, "%s-s%u", tmpl.group, seeds[r]);
                if (w < 0 || w > NN_LABEL_MAX) {
                    size_t ml = push(v, "label");
                    rc = fail(v, "label \"%s\" is too long to take a \"-s<seed>\" suffix "
                              "(labels have at most %d characters)", tmpl.group, NN_LABEL_MAX);
                    pop(v, ml);
                }
            }
            for (int q = 0; q < n && !rc; q++)
                if (strcasecmp(p->models[q].label, mp->label) == 0) {
                    size_t ml = push(v, "label");
                    rc = fail(v, "label \"%s\" is used twice (labels name output folders "
                              "and must differ, also in case; replicates are "
                              "\"<label>-s<seed>\")", mp->label);
                    pop(v, ml);
                }
            n++;
        }
        pop(v, mi);
        pop(v, mk);
        if (rc)
            return rc;
    }
    p->n_models = n;
    if (p->train.float32 && (rc = check_float32(v, p)))
        return rc;
    if ((rc = check_studies(v, root, p)))
        return rc;
    cJSON *rec = sub_object(root, "record");
    m = push(v, "record");
    rc = check_record(v, rec, p);
    pop(v, m);
    if (rc)
        return rc;
    cJSON *fig = sub_object(root, "figures");
    m = push(v, "figures");
    rc = check_figures(v, fig, p);
    pop(v, m);
    if (rc)
        return rc;
    reorder(root, keys, N_OF(keys));
    p->description = cJSON_GetObjectItemCaseSensitive(root, "description")->valuestring;
    return NN_OK;
}

/* ---- parsing ------------------------------------------------------------------------ */

/* The JSON path an override writes, for error messages ("/models/1/seed"). */
static void set_json_path(const cJSON *root, const char *assignment, char *out, size_t cap)
{
    const char *eq = strchr(assignment, '=');
    size_t n = eq ? (size_t)(eq - assignment) : strlen(assignment), k = 0;
    const cJSON *cur = root;
    out[0] = '\0';
    const char *seg = assignment;
    while (seg < assignment + n && k + 2 < cap) {
        const char *dot = memchr(seg, '.', (size_t)(assignment + n - seg));
        size_t sl = dot ? (size_t)(dot - seg) : (size_t)(assignment + n - seg);
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)sl, seg);
        if (cJSON_IsArray(cur)) {
            int i = 0;
            const cJSON *hit = NULL;
            for (const cJSON *c = cur->child; c; c = c->next, i++) {
                const cJSON *l = cJSON_GetObjectItemCaseSensitive(c, "label");
                if (!cJSON_IsString(l))        /* as nn_spec_apply_set finds elements */
                    l = cJSON_GetObjectItemCaseSensitive(c, "name");
                if (!cJSON_IsString(l) && cJSON_IsString(c))
                    l = c;
                if (cJSON_IsString(l) && strcmp(l->valuestring, name) == 0) {
                    hit = c;
                    break;
                }
            }
            if (hit)
                snprintf(name, sizeof name, "%d", i);
            cur = hit;
        } else {
            cur = cur ? cJSON_GetObjectItemCaseSensitive(cur, name) : NULL;
        }
        k += (size_t)snprintf(out + k, cap - k, "/%s", name);
        seg += sl + 1;
        if (!dot)
            break;
    }
}

int nn_spec_load_text(nn_plan *p, const char *text, size_t len, const char *name,
                      const char *dir, const char *const *sets, int n_sets,
                      const nn_study_table *studies, nn_err *e)
{
    memset(p, 0, sizeof *p);
    V v = {.e = e, .file = name, .studies = studies};
    cJSON *root = nn_json_parse(text, len, name, "spec", e);
    if (!root)
        return e->code;
    p->resolved = root;
    int rc;
    if (n_sets > MAX_SETS)
        return nn_err_set(e, NN_EUSAGE, "--set", "at most %d --set options", MAX_SETS);
    for (int s = 0; s < n_sets; s++) {
        if ((rc = nn_spec_apply_set(root, sets[s], e)))
            return rc;
        if (!strncmp(sets[s], "seed=", 5)) {   /* the default seed: does any model use it? */
            cJSON *ms = cJSON_GetObjectItemCaseSensitive(root, "models"), *one =
                cJSON_GetObjectItemCaseSensitive(root, "model"), *c;
            bool used = cJSON_IsObject(one) && !cJSON_GetObjectItemCaseSensitive(one, "seed");
            for (c = cJSON_IsArray(ms) ? ms->child : NULL; c; c = c->next)
                used |= cJSON_IsObject(c) && !cJSON_GetObjectItemCaseSensitive(c, "seed");
            if (!used && (one || cJSON_GetArraySize(ms) > 0))
                snprintf(p->note, sizeof p->note, "--set %.40s changes no model: every model "
                         "names its own seed (set models.LABEL.seed instead)", sets[s]);
        }
        set_json_path(root, sets[s], v.set_path[s], sizeof v.set_path[s]);
        v.set_text[s] = sets[s];
        v.n_sets = s + 1;
    }
    char base[NN_LABEL_MAX + 1];
    {   /* default name: the file's base name without .json, made safe */
        const char *b = strrchr(name, '/');
        b = b ? b + 1 : name;
        size_t k = 0;
        for (; b[k] && k < NN_LABEL_MAX && strcmp(b + k, ".json") != 0; k++) {
            char c = b[k];
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '_' || c == '-';
            base[k] = ok ? c : '_';
        }
        base[k] = '\0';
        if (!nn_label_ok(base))
            strcpy(base, "run");
    }
    return check_root(&v, root, p, base, dir);
}

int nn_spec_load(nn_plan *p, const char *path, const char *const *sets, int n_sets,
                 const nn_study_table *studies, nn_err *e)
{
    memset(p, 0, sizeof *p);
    size_t n;
    char *buf = nn_read_file(path, NN_SPEC_MAX_BYTES, "spec", &n, e);
    if (!buf)
        return e ? e->code : NN_ESPEC;
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    else
        strcpy(dir, ".");
    if (!dir[0])
        strcpy(dir, "/");
    int rc = nn_spec_load_text(p, buf, n, path, dir, sets, n_sets, studies, e);
    free(buf);
    return rc;
}

void nn_plan_free(nn_plan *p)
{
    if (!p)
        return;
    free(p->csv_path);
    free(p->points_x);
    free(p->points_y);
    free(p->models);
    for (int s = 0; p->studies && s < p->n_studies; s++)
        free(p->studies[s].options);
    free(p->studies);
    cJSON_Delete(p->resolved);
    memset(p, 0, sizeof *p);
}

char *nn_plan_to_json(const nn_plan *p)
{
    return nn_json_print(p->resolved, NN_JSON_SHORTEST);
}

/* ---- overrides ---------------------------------------------------------------------- */

/* Is s exactly one JSON number (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?)? */
static bool json_number_ok(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0')
        s++;
    else if (*s >= '1' && *s <= '9')
        while (*s >= '0' && *s <= '9')
            s++;
    else
        return false;
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

cJSON *nn_set_value(const char *text)
{
    const char *vend = NULL;
    cJSON *val = cJSON_ParseWithOpts(text, &vend, 1);
    if (val && cJSON_IsNumber(val) && !json_number_ok(text)) {
        cJSON_Delete(val);                /* cJSON also reads 007, +1, .5: JSON does not */
        val = NULL;
    }
    if (!val)
        val = cJSON_CreateString(text);   /* not JSON: the value is the string itself */
    return val;
}

int nn_spec_apply_set(cJSON *root, const char *assignment, nn_err *e)
{
    char where[400];
    snprintf(where, sizeof where, "--set %.300s", assignment);
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return nn_err_set(e, NN_EUSAGE, where, "expected PATH=VALUE, such as train.lr=0.5");
    char path[512];
    if ((size_t)(eq - assignment) >= sizeof path)
        return nn_err_set(e, NN_EUSAGE, where, "path too long");
    memcpy(path, assignment, (size_t)(eq - assignment));
    path[eq - assignment] = '\0';
    cJSON *val = nn_set_value(eq + 1);
    if (!val)
        return nn_err_set(e, NN_ENOMEM, where, "out of memory");

    cJSON *cur = root;
    char *seg = path;
    for (;;) {
        char *dot = strchr(seg, '.');
        if (dot)
            *dot = '\0';
        if (!*seg) {
            cJSON_Delete(val);
            return nn_err_set(e, NN_EUSAGE, where, "empty step in the path (two dots?)");
        }
        cJSON *next = NULL, *parent = cur;
        bool in_array = cJSON_IsArray(cur);
        if (in_array) {
            /* a list of labelled objects (models) is addressed by label, a list of named ones
             * (studies: objects with a name, or the name alone) by name, other lists by index */
            const char *labels[NN_MAX_MODELS];
            int nl = 0, i = 0;
            bool by_label = false;
            for (cJSON *c = cur->child; c; c = c->next, i++) {
                cJSON *l = cJSON_GetObjectItemCaseSensitive(c, "label");
                by_label |= cJSON_IsString(l);
                if (!cJSON_IsString(l))
                    l = cJSON_GetObjectItemCaseSensitive(c, "name");
                if (!cJSON_IsString(l) && cJSON_IsString(c))
                    l = c;
                if (cJSON_IsString(l)) {
                    if (nl < NN_MAX_MODELS)
                        labels[nl++] = l->valuestring;
                    if (strcmp(l->valuestring, seg) == 0 && !next)
                        next = c;
                }
            }
            if (next && cJSON_IsString(next) && dot) {   /* "prune" is {"name": "prune"} */
                cJSON *obj = cJSON_CreateObject();
                if (!obj || !cJSON_AddStringToObject(obj, "name", next->valuestring)) {
                    cJSON_Delete(obj);
                    cJSON_Delete(val);
                    return nn_err_set(e, NN_ENOMEM, where, "out of memory");
                }
                cJSON_ReplaceItemViaPointer(cur, next, obj);
                next = obj;
            }
            if (!next && all_digits(seg) && strlen(seg) < 9)
                next = cJSON_GetArrayItem(cur, atoi(seg));
            if (!next) {
                char list[600];
                nn_join(list, sizeof list, labels, nl);
                const char *s = nn_suggest(seg, labels, nl);
                cJSON_Delete(val);
                if (nl)
                    return nn_err_set(e, NN_EUSAGE, where, "no element %s \"%s\" (%s: "
                                      "%s%s%s%s)", by_label ? "labelled" : "named", seg,
                                      by_label ? "labels" : "names", list,
                                      s ? "; did you mean \"" : "", s ? s : "", s ? "\"?" : "");
                return nn_err_set(e, NN_EUSAGE, where, "no element %s in that list", seg);
            }
        } else if (cJSON_IsObject(cur)) {
            next = cJSON_GetObjectItemCaseSensitive(cur, seg);
        } else {
            cJSON_Delete(val);
            return nn_err_set(e, NN_EUSAGE, where, "\"%s\" is inside %s, which has no members",
                              seg, type_of(cur));
        }
        if (!dot) {                             /* last step: replace or add */
            if (in_array)
                cJSON_ReplaceItemViaPointer(parent, next, val);
            else if (next)
                cJSON_ReplaceItemInObjectCaseSensitive(parent, seg, val);
            else
                cJSON_AddItemToObject(parent, seg, val);
            return NN_OK;
        }
        if (!next) {                            /* a missing intermediate object */
            next = cJSON_CreateObject();
            cJSON_AddItemToObject(parent, seg, next);
        }
        cur = next;
        seg = dot + 1;
    }
}

/* ---- data ---------------------------------------------------------------------------- */

const char *nn_plan_target(const nn_plan *p)
{
    return p->target[0] ? p->target : "y";
}

int nn_plan_make_data(const nn_plan *p, nn_data *d, nn_err *e)
{
    if (p->gen)
        return nn_data_generate(p->gen, p->data_seed, p->gen_params, d, e);
    if (p->points_x)
        return nn_data_from_points(p->points_x, p->points_y, p->n_points, p->points_d, d, e);
    return nn_data_load_csv(p->csv_path, p->target, d, e);
}

int nn_plan_check_data(nn_plan *p, const nn_data *d, const char *file, nn_err *e)
{
    V v = {.e = e, .file = file};
    int rc = NN_OK;
    for (int i = 0; i < p->n_models; i++)
        p->models[i].arch.n_in = d->d;
    if (d->n == 0) {
        strcpy(v.path, "/data");
        return fail(&v, "the data set has no points (the generator's filter kept none of its "
                    "draws; draw more or change the seed)");
    }
    if (p->train.batch > d->n) {
        strcpy(v.path, "/train/batch");
        return fail(&v, "batch size %zu is larger than the %zu training samples", p->train.batch,
                    d->n);
    }
    if (!d->classify) {
        if (p->train.loss == NN_LOSS_BCE || p->train.loss == NN_LOSS_BCE_LOGITS) {
            strcpy(v.path, "/train/loss");
            return fail(&v, "loss \"%s\" needs 0/1 targets, but the data's targets are not all "
                        "0 or 1 (use l2 or mse for regression)", nn_loss_names[p->train.loss]);
        }
        if (p->train.target_error >= 0) {
            strcpy(v.path, "/train/target_error");
            return fail(&v, "target_error needs 0/1 targets (an error rate), but the data's "
                        "targets are not all 0 or 1");
        }
    }
    for (int s = 0; s < p->n_studies; s++) {
        const nn_study_spec *st = p->studies[s].spec;
        unsigned nd = st->needs;
        int want = nd & NN_NEEDS_INPUT_1D ? 1 : nd & NN_NEEDS_INPUT_2D ? 2 : 0;
        bool regression = nd & NN_NEEDS_REGRESSION;
        if ((want && d->d != want) || (regression && d->classify)) {
            snprintf(v.path, sizeof v.path, "/studies/%d", s);
            return fail(&v, "the %s study %s and needs %s%s; the data has %d feature%s%s",
                        st->name, st->input_why ? st->input_why : "reads the data",
                        want == 1 ? "1 feature" : want == 2 ? "2 features" : "",
                        regression ? (want ? " and targets other than 0/1"
                                           : "targets other than 0/1") : "",
                        d->d, d->d == 1 ? "" : "s",
                        regression && d->classify ? " and 0/1 targets" : "");
        }
    }
    for (int i = 0; i < p->n_models && !rc; i++) {
        size_t np = nn_arch_n_params(&p->models[i].arch);
        if (np == 0) {
            snprintf(v.path, sizeof v.path, "/models/%d/hidden", i);
            rc = fail(&v, "model \"%s\" would have more than %d parameters", p->models[i].label,
                      NN_MAX_PARAMS);
        }
    }
    for (int s = 0; s < p->n_studies && !rc; s++) {
        const nn_study_spec *st = p->studies[s].spec;
        if (!st->check_data)
            continue;
        snprintf(v.path, sizeof v.path, "/studies/%d", s);
        rc = st->check_data(&v, p->studies[s].options, p, d);
    }
    if (rc)
        return rc;
    return rc;
}
