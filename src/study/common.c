/* common.c: what the studies share (see common.h). */
#include "common.h"

#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nnlab/act.h"
#include "nnlab/data.h"
#include "nnlab/figure.h"
#include "nnlab/fmt.h"
#include "nnlab/io.h"
#include "nnlab/record.h"

void study_path(const nn_study_ctx *c, char *buf, size_t cap, const char *fmt, ...)
{
    char name[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    nn_path_join(buf, cap, c->dir, name);
}

/* Does a loaded model have the architecture the spec gives that label? */
static bool matches(const nn_model *m, const nn_arch *a)
{
    if ((a->n_in && m->arch.n_in != a->n_in) || m->arch.n_hidden != a->n_hidden ||
        m->arch.act != a->act || m->arch.out_act != a->out_act || m->arch.bias != a->bias ||
        m->arch.output_bias != a->output_bias || m->arch.n_out != a->n_out ||
        (a->act == NN_ACT_LEAKY_RELU && m->arch.slope != a->slope))
        return false;
    for (int l = 0; l < a->n_hidden; l++)
        if (m->arch.hidden[l] != a->hidden[l])
            return false;
    return true;
}

nn_model *study_load_model(const nn_study_ctx *c, const char *label, bool initial, nn_err *e)
{
    char path[4200];
    study_path(c, path, sizeof path, "%s/%s", label, initial ? "model-initial.json" : "model.json");
    char lab[NN_LABEL_MAX + 1];
    nn_model *m = nn_model_load(path, lab, e);
    if (!m)
        return NULL;
    /* the file must be this model's: a replicate's copied in has another label, and a model
     * without the normalisation its spec fits would be fed the wrong inputs */
    if (strcmp(lab, label)) {
        nn_model_free(m);
        nn_err_set(e, NN_ERUN, path, "the model file is labelled \"%s\", not \"%s\" (copied "
                   "from another model?)", lab, label);
        return NULL;
    }
    if (m->normalized != c->plan->zscore) {
        bool has = m->normalized;
        nn_model_free(m);
        nn_err_set(e, NN_ERUN, path, "the model file %s, but spec.json %s (was it edited, or "
                   "copied from another run?)", has ? "has an input normalization"
                   : "has no input normalization", c->plan->zscore ? "z-scores the inputs"
                   : "normalizes none");
        return NULL;
    }
    for (int i = 0; i < c->n_models; i++)
        if (!strcmp(c->models[i]->label, label) && !matches(m, &c->models[i]->arch)) {
            nn_model_free(m);
            nn_err_set(e, NN_ERUN, path, "the model does not have the architecture spec.json "
                       "gives \"%s\" (was it edited, or copied from another run?)", label);
            return NULL;
        }
    return m;
}

int study_figure_begin(const nn_study_ctx *c, nn_gp *g, const char *base, const char *what,
                       int w, int h, nn_err *e)
{
    return nn_gp_begin(g, c->dir, base, what, w, h, &c->fig, e);
}

int study_animation_begin(const nn_study_ctx *c, nn_gp *g, const char *base, const char *what,
                          int w, int h, int delay, nn_err *e)
{
    return nn_gp_begin_gif(g, c->dir, base, what, w, h, delay, &c->fig, e);
}

/* "png (script)" into c->undrawn, or ", and more" when it is full */
static void note_undrawn(nn_study_ctx *c, const char *figure, const char *script)
{
    size_t k = strlen(c->undrawn), need = strlen(figure) + strlen(script) + 6;
    static const char more[] = ", and more";
    if (k + need + sizeof more < sizeof c->undrawn)
        snprintf(c->undrawn + k, sizeof c->undrawn - k, "%s%s (%s)", k ? ", " : "", figure, script);
    else if (k < sizeof more || strcmp(c->undrawn + k - (sizeof more - 1), more))
        snprintf(c->undrawn + k, sizeof c->undrawn - k, "%s", more);
}

int study_figure_end(nn_study_ctx *c, nn_gp *g, cJSON *out, nn_err *e)
{
    char base[256], script[300], drawn[300];
    bool anim = g->animation;
    snprintf(base, sizeof base, "%s", g->base);
    snprintf(script, sizeof script, "%s%s.gp", base, anim ? "-gif" : "");
    int rc = nn_gp_end(g, e);
    if (rc)
        return rc;
    if (out && !cJSON_GetObjectItemCaseSensitive(out, "script"))
        cJSON_AddStringToObject(out, "script", script);
    if (!c->draw)
        return NN_OK;
    /* the first format asked for names an undrawn figure */
    unsigned fm = c->fig.formats ? c->fig.formats : NN_FIG_PNG;
    const char *ext = anim ? "gif" : fm & NN_FIG_PNG ? "png" : fm & NN_FIG_SVG ? "svg" : "pdf";
    if (c->gnuplot_missing) {
        snprintf(drawn, sizeof drawn, "%s.%s", base, ext);
        note_undrawn(c, drawn, script);
        return NN_OK;
    }
    bool missing = false;
    nn_err ge;
    rc = nn_gp_draw(c->dir, base, anim, &c->fig, &missing, drawn, sizeof drawn, &ge);
    if (rc && missing) {
        c->gnuplot_missing = true;
        snprintf(drawn, sizeof drawn, "%s.%s", base, ext);
        note_undrawn(c, drawn, script);
        return NN_OK;
    }
    if (rc) {
        *e = ge;
        return ge.code;
    }
    if (out && !cJSON_GetObjectItemCaseSensitive(out, "figure"))
        cJSON_AddStringToObject(out, "figure", drawn);
    return NN_OK;
}

int study_load_data(nn_study_ctx *c, nn_data *d, nn_err *e)
{
    char path[4200];
    study_path(c, path, sizeof path, "data.csv");
    return nn_data_load_csv(path, nn_plan_target(c->plan), d, e);
}

/* The first hidden layer's activations for every point: (n, width[1]) row-major. */
double *study_first_layer(const nn_model *m, const nn_data *d, nn_err *e)
{
    size_t h = (size_t)m->width[1], n_in = (size_t)m->width[0];
    double *z = malloc(d->n * h * sizeof *z), *a = malloc(d->n * h * sizeof *a);
    if (!z || !a) {
        free(z);
        free(a);
        nn_err_set(e, NN_ENOMEM, "", "out of memory");
        return NULL;
    }
    const double *W = nn_model_W(m, 0), *b = nn_model_b(m, 0);
    for (size_t s = 0; s < d->n; s++)
        for (size_t j = 0; j < h; j++) {
            double acc = 0.0;
            for (size_t k = 0; k < n_in; k++) {
                double x = d->x[s * n_in + k];
                if (m->normalized)
                    x = (x - m->norm_mean[k]) / m->norm_std[k];
                acc += W[j * n_in + k] * x;
            }
            z[s * h + j] = b ? acc + b[j] : acc;
        }
    nn_act_forward(m->L > 1 ? m->arch.act : m->arch.out_act, m->arch.slope, a, z, d->n * h);
    free(z);
    return a;
}


bool study_frame_row(long i, long n, long nf)
{
    if (n <= nf)
        return true;
    double x = (double)i * (double)(nf - 1) / (double)(n - 1);
    long j = (long)floor(x + 0.5);
    for (long q = j - 1; q <= j + 1; q++)
        if (q >= 0 && q < nf &&
            (long)floor((double)q * (double)(n - 1) / (double)(nf - 1) + 0.5) == i)
            return true;
    return false;
}

size_t study_working_weights(const nn_model *m, size_t *idx)
{
    size_t k = 0;
    for (int l = 0; l < m->L; l++) {
        size_t nw = (size_t)m->width[l + 1] * (size_t)m->width[l];
        for (size_t i = 0; i < nw; i++)
            idx[k++] = m->w_off[l] + i;
    }
    return k;
}

/* ---- metrics.csv ------------------------------------------------------------------------- */

int study_check_metrics(const nn_study_ctx *c, int i, nn_err *e)
{
    char path[4200], where[4300], line[512];
    study_path(c, path, sizeof path, "%s/metrics.csv", c->models[i]->label);
    FILE *f = nn_fopen_read(path, "metrics", e);
    if (!f)
        return nn_err_recode(e, NN_ERUN);
    int rc = NN_OK;
    long lineno = 0, prev = -1;
    int fields = 0;
    const char *why = NULL;
    while (!why && fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        if (line[n - 1] != '\n') {
            why = n + 1 >= sizeof line ? "the line is longer than any row of metrics.csv"
                  : feof(f) ? "the last row is cut short (no line end: an interrupted write?)"
                            : "NUL byte in the table";
            break;
        }
        int k = 1;
        for (const char *p = line; (p = strchr(p, ',')); p++)
            k++;
        if (lineno == 1) {
            fields = k;
            if (strncmp(line, "epoch,loss,mse,error", 20) || (k != 4 && k != 7))
                why = "expected the header epoch,loss,mse,error (and the test set's columns)";
            continue;
        }
        char *end;
        long ep = line[0] >= '0' && line[0] <= '9' ? strtol(line, &end, 10) : -1;
        if (k != fields)
            why = "the row does not have the header's fields";
        else if (ep != prev + 1 || *end != ',')
            why = "expected the next epoch at the start of the row";
        prev = ep;
    }
    if (!why && ferror(f))
        why = "cannot read it";
    fclose(f);
    if (why) {
        snprintf(where, sizeof where, "%s:%ld", path, lineno);
        return nn_err_set(e, NN_ERUN, where, "%s", why);
    }
    if (lineno < 2)
        return nn_err_set(e, NN_ERUN, path, "%s", lineno ? "no rows (was the run interrupted?)"
                                                         : "empty (was the run interrupted?)");
    if (prev != c->epochs_run[i])
        rc = nn_err_set(e, NN_ERUN, path, "ends at epoch %ld, but summary.json says the model ran "
                        "%ld epochs (a cut-short or replaced table?)", prev, c->epochs_run[i]);
    return rc;
}

/* ---- weights.csv ------------------------------------------------------------------------- */

/* One line without its end; NULL at the end of the file, or with *bad set on a NUL byte, a
 * line longer than any row of this model can be, or a last line cut short (no line end). */
static char *read_line(traj *t, const char **bad)
{
    *bad = NULL;
    if (!fgets(t->buf, (int)t->cap, t->f)) {
        if (ferror(t->f))
            *bad = "cannot read it";
        return NULL;
    }
    size_t n = strlen(t->buf);
    if (n + 1 < t->cap && !feof(t->f) && t->buf[n - 1] != '\n')
        *bad = "NUL byte in the trajectory";
    else if (t->buf[n - 1] != '\n')
        *bad = n + 1 >= t->cap ? "the row is longer than any row of this model"
                               : "the last row is cut short (no line end: an interrupted write?)";
    if (*bad)
        return NULL;
    t->buf[n - 1] = '\0';
    return t->buf;
}

int traj_open(traj *t, const nn_study_ctx *c, const char *label, bool raw, const nn_model *m,
              nn_err *e)
{
    memset(t, 0, sizeof *t);
    study_path(c, t->path, sizeof t->path, "%s/%s", label, raw ? "raw_weights.csv" : "weights.csv");
    t->f = nn_fopen_read(t->path, "recorded trajectory", e);
    if (!t->f && errno == ENOENT)
        return nn_err_set(e, NN_ERUN, t->path, "cannot read the recorded trajectory (the run must "
                          "record %s: %s in the spec)", raw ? "asgd's raw iterate" : "weights",
                          raw ? "record.raw" : "record.weights");
    if (!t->f)
        return nn_err_recode(e, NN_ERUN);
    t->n = m->n_params;
    t->prev_epoch = -1;
    /* an epoch and n numbers of at most 24 characters, each after a comma */
    t->cap = 32 + 26 * (m->n_params + 1);
    t->buf = malloc(t->cap);
    t->last = malloc(m->n_params * sizeof *t->last);
    if (!t->buf || !t->last) {
        traj_close(t);
        return nn_err_set(e, NN_ENOMEM, t->path, "out of memory");
    }
    /* the rows must be this model's: its first the initial weights, its last (unless raw or
     * not finite) the final ones, exactly; another replicate's file differs in both */
    nn_err le;
    t->initial = study_load_model(c, label, true, &le);
    t->final = raw ? NULL : study_load_model(c, label, false, &le);
    if (!t->initial || (!raw && !t->final)) {
        traj_close(t);
        *e = le;
        return nn_err_recode(e, NN_ERUN);
    }
    const char *bad;
    char *h = read_line(t, &bad);
    t->line = 1;
    char name[64];
    bool ok = h && !strncmp(h, "epoch", 5);
    char *p = h ? h + 5 : NULL;
    for (size_t i = 0; ok && i < m->n_params; i++) {
        nn_model_param_name(m, i, name, sizeof name);
        size_t k = strlen(name);
        ok = *p == ',' && !strncmp(p + 1, name, k) && (p[1 + k] == ',' || p[1 + k] == '\0');
        p += 1 + k;
    }
    if (!ok || *p) {
        char where[4300];
        snprintf(where, sizeof where, "%s:1", t->path);
        traj_close(t);
        return nn_err_set(e, NN_ERUN, where, "the header does not match the model's parameters");
    }
    return NN_OK;
}

static bool same_params(const double *a, const nn_model *m)
{
    for (size_t i = 0; i < m->n_params; i++)
        if (a[i] != m->params[i])
            return false;
    return true;
}

int traj_next(traj *t, long *epoch, double *params, nn_err *e)
{
    const char *bad = NULL;
    char *s = t->at_end ? NULL : read_line(t, &bad);
    char where[4300];
    t->line++;
    snprintf(where, sizeof where, "%s:%ld", t->path, t->line);
    if (!s) {
        if (bad)
            return -nn_err_set(e, NN_ERUN, where, "%s", bad);
        if (t->line == 2)
            return -nn_err_set(e, NN_ERUN, t->path, "no rows (the run recorded nothing?)");
        if (t->final && !t->nonfinite && !same_params(t->last, t->final)) {
            snprintf(where, sizeof where, "%s:%ld", t->path, t->line - 1);
            return -nn_err_set(e, NN_ERUN, where, "the last row is not the final weights in "
                               "model.json (copied from another model or run?)");
        }
        return 0;
    }
    char *end = s;
    while (*end >= '0' && *end <= '9')
        end++;
    errno = 0;
    *epoch = end > s && end - s < 19 ? strtol(s, NULL, 10) : -1;
    if (*epoch < 0 || *epoch <= t->prev_epoch)
        return -nn_err_set(e, NN_ERUN, where, "expected an epoch number after the last row's at "
                           "the start of the row");
    t->prev_epoch = *epoch;
    bool finite = true;
    for (size_t i = 0; i < t->n; i++) {
        if (*end != ',')
            return -nn_err_set(e, NN_ERUN, where, "the row has %zu values, the header %zu", i, t->n);
        char *start = end + 1;
        end = start + strcspn(start, ",");
        if (!nn_parse_num(start, (size_t)(end - start), &params[i], true))
            return -nn_err_set(e, NN_ERUN, where, "value %zu is not a number as nnlab writes "
                               "them (\"%.30s\")", i + 1, start);
        finite &= isfinite(params[i]) != 0;
    }
    if (*end)
        return -nn_err_set(e, NN_ERUN, where, "the row has more values than the header");
    if (t->line == 2 && (*epoch != 0 || !same_params(params, t->initial)))
        return -nn_err_set(e, NN_ERUN, where, "the first row is not epoch 0 with the initial "
                           "weights in model-initial.json (copied from another model or run?)");
    if (!finite) {
        /* only the last row may (a diverged run's): look ahead now, since a study may stop
         * reading here */
        t->nonfinite = t->line;
        const char *bad2;
        if (read_line(t, &bad2) || bad2)
            return -nn_err_set(e, NN_ERUN, where, "holds nan or inf, but is not the last row "
                               "(only a diverged run's last row may)");
        t->at_end = true;
    }
    memcpy(t->last, params, t->n * sizeof *params);
    return 1;
}

void traj_close(traj *t)
{
    if (t->f)
        fclose(t->f);
    free(t->buf);
    free(t->last);
    nn_model_free(t->initial);
    nn_model_free(t->final);
    memset(t, 0, sizeof *t);
}

double nn_study_figure_bytes(const nn_plan *p)
{
    double s = p->fig_size > 0 ? p->fig_size : 1;
    unsigned f = p->fig_formats ? p->fig_formats : NN_FIG_PNG;
    /* measured: init.json's figures at size 1 are at most 136 KB as PNG, 82 KB as SVG, 30 KB
     * as PDF; a PNG grows about as its side (2.4 MB for four at size 8), vectors not at all */
    return ((f & NN_FIG_PNG) ? 160e3 * s : 0) + ((f & NN_FIG_SVG) ? 160e3 : 0) +
           ((f & NN_FIG_PDF) ? 80e3 : 0);
}

double nn_study_png_bytes(const nn_plan *p)
{
    return 160e3 * (p->fig_size > 0 ? p->fig_size : 1);
}
