/* modelio.c: model.json, the saved network (format in docs/outputs.md).
 *
 * Loading validates everything before allocating the model: the format tag, every
 * size against the limits in model.h, every weight a finite number, every matrix the
 * shape the architecture implies. */
#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/io.h"
#include "nnlab/json.h"
#include "nnlab/record.h"
#include "nnlab/spec.h"

cJSON *nn_model_to_json(const nn_model *m, const char *label)
{
    const nn_arch *a = &m->arch;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "format", "nnlab-model");
    cJSON_AddNumberToObject(j, "version", 1);
    if (label)
        cJSON_AddStringToObject(j, "label", label);
    cJSON_AddNumberToObject(j, "inputs", a->n_in);
    cJSON *h = cJSON_AddArrayToObject(j, "hidden");
    for (int l = 0; l < a->n_hidden; l++)
        cJSON_AddItemToArray(h, cJSON_CreateNumber(a->hidden[l]));
    cJSON_AddNumberToObject(j, "outputs", a->n_out);
    cJSON_AddStringToObject(j, "activation", nn_act_name(a->act));
    if (a->act == NN_ACT_LEAKY_RELU)
        cJSON_AddNumberToObject(j, "leaky_slope", a->slope);
    cJSON_AddStringToObject(j, "output", nn_act_name(a->out_act));
    cJSON_AddBoolToObject(j, "bias", a->bias);
    cJSON_AddBoolToObject(j, "output_bias", a->output_bias);
    if (m->normalized) {
        cJSON *n = cJSON_AddObjectToObject(j, "normalization");
        cJSON_AddItemToObject(n, "mean", cJSON_CreateDoubleArray(m->norm_mean, a->n_in));
        cJSON_AddItemToObject(n, "std", cJSON_CreateDoubleArray(m->norm_std, a->n_in));
    } else {
        cJSON_AddNullToObject(j, "normalization");
    }
    cJSON *layers = cJSON_AddArrayToObject(j, "layers");
    for (int l = 0; l < m->L; l++) {
        cJSON *lj = cJSON_CreateObject();
        cJSON *w = cJSON_AddArrayToObject(lj, "weights");
        const double *W = nn_model_W(m, l);
        for (int r = 0; r < m->width[l + 1]; r++)
            cJSON_AddItemToArray(w, cJSON_CreateDoubleArray(W + (size_t)r * (size_t)m->width[l],
                                                            m->width[l]));
        if (m->has_bias[l])
            cJSON_AddItemToObject(lj, "bias", cJSON_CreateDoubleArray(nn_model_b(m, l),
                                                                      m->width[l + 1]));
        cJSON_AddItemToArray(layers, lj);
    }
    return j;
}

int nn_model_save(const nn_model *m, const char *label, const char *path, nn_err *e)
{
    cJSON *j = nn_model_to_json(m, label);
    char *text = j ? nn_json_print(j, NN_JSON_DIGITS17) : NULL;
    cJSON_Delete(j);
    if (!text)
        return nn_err_set(e, NN_ENOMEM, path, "out of memory");
    int rc = nn_write_text(path, text, e);
    free(text);
    return rc;
}

/* ---- loading --------------------------------------------------------------------------- */

static int bad(nn_err *e, const char *file, const char *path, const char *msg)
{
    char where[600];
    snprintf(where, sizeof where, "%s: %s", file, path);
    return nn_err_set(e, NN_ESPEC, where, "%s", msg);
}

static int int_field(const cJSON *j, const char *key, int lo, int hi, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < lo ||
        v->valuedouble > hi)
        return -1;
    *out = (int)v->valuedouble;
    return 0;
}

static int read_vector(const cJSON *arr, double *out, int n)
{
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) != n)
        return -1;
    int i = 0;
    for (const cJSON *c = arr->child; c; c = c->next, i++) {
        if (!cJSON_IsNumber(c) || !isfinite(c->valuedouble))
            return -1;
        out[i] = c->valuedouble;
    }
    return 0;
}

nn_model *nn_model_load(const char *path, char *label, nn_err *e)
{
    size_t n;
    char *buf = nn_read_file(path, (size_t)1 << 30, "model", &n, e);
    if (!buf)
        return NULL;
    cJSON *j = nn_json_parse(buf, n, path, "model file", e);
    if (!j) {
        free(buf);
        return NULL;
    }
    free(buf);
    nn_model *m = NULL;
    nn_arch a = {0};
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(j, "format");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(j, "version");
    const cJSON *hid = cJSON_GetObjectItemCaseSensitive(j, "hidden");
    const cJSON *act = cJSON_GetObjectItemCaseSensitive(j, "activation");
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(j, "output");
    const cJSON *bias = cJSON_GetObjectItemCaseSensitive(j, "bias");
    const cJSON *obias = cJSON_GetObjectItemCaseSensitive(j, "output_bias");
    const cJSON *lab = cJSON_GetObjectItemCaseSensitive(j, "label");
    if (!cJSON_IsObject(j) || !cJSON_IsString(fmt) || strcmp(fmt->valuestring, "nnlab-model") ||
        !cJSON_IsNumber(ver) || ver->valuedouble != 1) {
        bad(e, path, "/format", "not an nnlab model file (expected \"format\": \"nnlab-model\" "
            "and \"version\": 1)");
        goto done;
    }
    static const char *const keys[] = {"format", "version", "label", "inputs", "hidden",
                                       "outputs", "activation", "leaky_slope", "output", "bias",
                                       "output_bias", "normalization", "layers"};
    for (const cJSON *c = j->child; c; c = c->next) {
        bool known = false;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            known |= !strcmp(c->string, keys[k]);
        if (!known) {
            char where[300];
            snprintf(where, sizeof where, "/%.200s", c->string);
            bad(e, path, where, "unknown key in a model file");
            goto done;
        }
    }
    if (int_field(j, "inputs", 1, NN_MAX_WIDTH, &a.n_in) ||
        int_field(j, "outputs", 1, 1, &a.n_out)) {
        bad(e, path, "/inputs", "expected \"inputs\" (an integer from 1 to 100000) and "
            "\"outputs\": 1");
        goto done;
    }
    if (!cJSON_IsArray(hid) || cJSON_GetArraySize(hid) > NN_MAX_HIDDEN) {
        bad(e, path, "/hidden", "expected a list of at most 64 hidden widths");
        goto done;
    }
    for (const cJSON *c = hid->child; c; c = c->next) {
        if (!cJSON_IsNumber(c) || c->valuedouble != floor(c->valuedouble) || c->valuedouble < 1 ||
            c->valuedouble > NN_MAX_WIDTH) {
            bad(e, path, "/hidden", "hidden widths must be integers from 1 to 100000");
            goto done;
        }
        a.hidden[a.n_hidden++] = (int)c->valuedouble;
    }
    int ai = cJSON_IsString(act) ? nn_act_parse(act->valuestring) : -1;
    int oi = cJSON_IsString(out) ? nn_act_parse(out->valuestring) : -1;
    if (ai < 0 || (oi != NN_ACT_SIGMOID && oi != NN_ACT_IDENTITY)) {
        bad(e, path, "/activation", "unknown activation or output (output must be sigmoid or "
            "identity)");
        goto done;
    }
    a.act = (nn_act)ai;
    a.out_act = (nn_act)oi;
    if (a.act == NN_ACT_LEAKY_RELU) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(j, "leaky_slope");
        if (!cJSON_IsNumber(s) || !(s->valuedouble >= 0 && s->valuedouble < 1)) {
            bad(e, path, "/leaky_slope", "expected a number in [0, 1)");
            goto done;
        }
        a.slope = s->valuedouble;
    }
    if (!cJSON_IsBool(bias) || !cJSON_IsBool(obias)) {
        bad(e, path, "/bias", "expected \"bias\" and \"output_bias\" as true or false");
        goto done;
    }
    a.bias = cJSON_IsTrue(bias);
    a.output_bias = cJSON_IsTrue(obias);
    if (lab && (!cJSON_IsString(lab) || !nn_label_ok(lab->valuestring))) {
        bad(e, path, "/label", "label must be 1-64 of A-Z a-z 0-9 _ -");
        goto done;
    }
    if (nn_arch_n_params(&a) == 0) {
        bad(e, path, "/hidden", "architecture too large");
        goto done;
    }
    m = nn_model_create(&a, e);
    if (!m)
        goto done;
    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(j, "layers");
    if (!cJSON_IsArray(layers) || cJSON_GetArraySize(layers) != m->L) {
        bad(e, path, "/layers", "expected one entry per weight layer (hidden layers + 1)");
        goto fail;
    }
    int l = 0;
    for (const cJSON *lj = layers->child; lj; lj = lj->next, l++) {
        char where[64];
        snprintf(where, sizeof where, "/layers/%d", l);
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(lj, "weights");
        if (!cJSON_IsArray(w) || cJSON_GetArraySize(w) != m->width[l + 1]) {
            bad(e, path, where, "weights must have one row per receiving unit");
            goto fail;
        }
        int r = 0;
        for (const cJSON *row = w->child; row; row = row->next, r++)
            if (read_vector(row, nn_model_W(m, l) + (size_t)r * (size_t)m->width[l],
                            m->width[l])) {
                bad(e, path, where, "each weight row needs one finite number per sending unit");
                goto fail;
            }
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(lj, "bias");
        if (m->has_bias[l] ? read_vector(b, nn_model_b(m, l), m->width[l + 1]) != 0 : b != NULL) {
            bad(e, path, where, m->has_bias[l] ? "bias must list one finite number per unit"
                                               : "this layer has no bias (bias/output_bias off)");
            goto fail;
        }
    }
    const cJSON *norm = cJSON_GetObjectItemCaseSensitive(j, "normalization");
    if (norm && !cJSON_IsNull(norm)) {
        double *mean = malloc((size_t)a.n_in * sizeof *mean), *sd = malloc((size_t)a.n_in * sizeof *sd);
        int okn = mean && sd && !read_vector(cJSON_GetObjectItemCaseSensitive(norm, "mean"), mean, a.n_in) &&
                  !read_vector(cJSON_GetObjectItemCaseSensitive(norm, "std"), sd, a.n_in);
        for (int k = 0; okn && k < a.n_in; k++)
            okn = sd[k] > 0;
        int set = okn ? nn_model_set_norm(m, mean, sd, e) : NN_OK;
        free(mean);
        free(sd);
        if (set)
            goto fail;
        if (!okn) {
            bad(e, path, "/normalization", "expected {\"mean\": [...], \"std\": [...]} with one "
                "number per input, every std > 0");
            goto fail;
        }
    }
    if (label)
        snprintf(label, NN_LABEL_MAX + 1, "%s", lab ? lab->valuestring : "");
    goto done;
fail:
    nn_model_free(m);
    m = NULL;
done:
    cJSON_Delete(j);
    return m;
}
