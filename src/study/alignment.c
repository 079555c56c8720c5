/* alignment.c: notebook 003's neuron alignment (see study.h).
 *
 * For a net with one input and one hidden layer: at every recorded epoch (at most
 * max_frames of them, evenly spaced), the network function on 100 points from
 * min(x) - 1 to max(x) + 1 (alignment-<label>-function.csv) and, per hidden neuron j,
 * its kink -b_j / w_j in input coordinates against its output weight a_j, the notebook's
 * s_j |w_j| under the balanced initialisation (alignment-<label>-neurons.csv). gnuplot
 * draws them as an animated GIF and as a still of chosen frames, on twin axes as the
 * notebook does. The loss profile (log scale) comes from metrics.csv, and with it the
 * plateaus: runs of at least plateau_steps epochs over which the loss changes by less
 * than plateau_rate of itself per epoch. At the end, a neuron has grown when its output
 * weight is over ten times its initial one and at least 1% of the largest; the summary
 * counts on how many data points each grown neuron is active (w x + b > 0).
 */
#include <cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/data.h"
#include "nnlab/figure.h"
#include "nnlab/io.h"
#include "nnlab/record.h"
#include "nnlab/study.h"
#include "common.h"

#define GRID 100

typedef struct frames {
    long n_rows, n_frames;
    long *epoch;            /* (n_frames) */
    double a_max;           /* largest |output weight| over the frames */
} frames;

/* x of input coordinates where neuron j's pre-activation crosses zero */
static double kink(const nn_model *m, const double *p, size_t j)
{
    double w = p[m->w_off[0] + j], b = m->has_bias[0] ? p[m->b_off[0] + j] : 0.0;
    double z = -b / w;   /* in normalised coordinates */
    return m->normalized ? m->norm_mean[0] + m->norm_std[0] * z : z;
}

/* Plateaus and landmarks of the loss column of <label>/metrics.csv. */
#define MAX_SHOW 12

typedef struct alignment_opts {
    int n_show;            /* frames of the still figure; 0: auto */
    long show[MAX_SHOW];
    long delay;            /* GIF frame delay in 1/100 s */
    long max_frames;
    double plateau_rate;   /* a plateau changes the loss by less than this per step ... */
    long plateau_steps;    /* ... for at least this many steps */
    int loss_scale;        /* the loss figure's axis: 0 linear (the notebook's), 1 log */
} alignment_opts;

static int loss_profile(nn_study_ctx *c, const alignment_opts *sp, const char *label, cJSON *res,
                        nn_err *e)
{
    char path[4200];
    study_path(c, path, sizeof path, "%s/metrics.csv", label);
    FILE *f = nn_fopen_read(path, "metrics", e);
    if (!f && errno == ENOENT)
        return nn_err_set(e, NN_ERUN, path, "cannot read it (was the run interrupted?)");
    if (!f)
        return nn_err_recode(e, NN_ERUN);
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0, epoch, prev_epoch = -1, run_start = -1, below = -1, milli = -1;
    double loss, prev = NAN, run_loss = NAN, first = NAN;
    cJSON *pl = cJSON_AddArrayToObject(res, "plateaus");
    int rc = NN_OK;
    while (getline(&line, &cap, f) > 0) {
        if (lineno++ == 0)
            continue;
        char *end;
        epoch = strtol(line, &end, 10);
        if (*end != ',') {
            rc = nn_err_set(e, NN_ERUN, path, "line %ld is not an epoch and a loss", lineno);
            break;
        }
        loss = strtod(end + 1, &end);
        if (isnan(first))
            first = loss;
        if (below < 0 && loss < 1e-8)
            below = epoch;
        if (milli < 0 && isfinite(first) && loss < 1e-3 * first)
            milli = epoch;
        bool flat = isfinite(prev) && prev > 0 && fabs(loss - prev) <= sp->plateau_rate * prev;
        if (flat && run_start < 0) {
            run_start = prev_epoch;
            run_loss = prev;
        }
        if (!flat && run_start >= 0) {
            if (prev_epoch - run_start >= sp->plateau_steps) {
                cJSON *o = cJSON_CreateObject();
                cJSON_AddNumberToObject(o, "start", (double)run_start);
                cJSON_AddNumberToObject(o, "end", (double)prev_epoch);
                cJSON_AddNumberToObject(o, "loss_start", run_loss);
                cJSON_AddNumberToObject(o, "loss_end", prev);
                cJSON_AddItemToArray(pl, o);
            }
            run_start = -1;
        }
        prev = loss;
        prev_epoch = epoch;
    }
    if (!rc && run_start >= 0 && prev_epoch - run_start >= sp->plateau_steps) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "start", (double)run_start);
        cJSON_AddNumberToObject(o, "end", (double)prev_epoch);
        cJSON_AddNumberToObject(o, "loss_start", run_loss);
        cJSON_AddNumberToObject(o, "loss_end", prev);
        cJSON_AddItemToArray(pl, o);
    }
    free(line);
    fclose(f);
    if (rc)
        return rc;
    cJSON_AddItemToObject(res, "initial_loss", isfinite(first) ? cJSON_CreateNumber(first) : cJSON_CreateNull());
    cJSON_AddItemToObject(res, "final_loss", isfinite(prev) ? cJSON_CreateNumber(prev) : cJSON_CreateNull());
    cJSON_AddItemToObject(res, "final_epoch", cJSON_CreateNumber((double)prev_epoch));
    cJSON_AddItemToObject(res, "first_epoch_below_1e-8",
                          below >= 0 ? cJSON_CreateNumber((double)below) : cJSON_CreateNull());
    cJSON_AddItemToObject(res, "first_epoch_below_1e-3_of_initial",
                          milli >= 0 ? cJSON_CreateNumber((double)milli) : cJSON_CreateNull());
    return NN_OK;
}

/* Which grown neurons are active on how many data points. */
static void activity(const nn_model *init, const nn_model *fin, const nn_data *d, cJSON *res)
{
    size_t h = (size_t)fin->width[1];
    const double *a0 = nn_model_W(init, 1), *a = nn_model_W(fin, 1);
    double amax = 0;
    for (size_t j = 0; j < h; j++)
        amax = fmax(amax, fabs(a[j]));
    long *hist = calloc(d->n + 1, sizeof *hist);
    long grown = 0;
    for (size_t j = 0; j < h && hist; j++) {
        if (!(fabs(a[j]) > 10 * fabs(a0[j]) && fabs(a[j]) >= 0.01 * amax))
            continue;
        grown++;
        size_t on = 0;
        for (size_t s = 0; s < d->n; s++) {
            double x = fin->normalized ? (d->x[s] - fin->norm_mean[0]) / fin->norm_std[0] : d->x[s];
            double z = nn_model_W(fin, 0)[j] * x + (fin->has_bias[0] ? nn_model_b(fin, 0)[j] : 0.0);
            on += z > 0;
        }
        hist[on]++;
    }
    cJSON_AddNumberToObject(res, "neurons", (double)h);
    cJSON_AddNumberToObject(res, "neurons_grown", (double)grown);
    if (hist) {
        cJSON *o = cJSON_AddObjectToObject(res, "grown_active_on");
        for (size_t k = 0; k <= d->n; k++)
            if (hist[k]) {
                char key[32];
                snprintf(key, sizeof key, "%zu", k);
                cJSON_AddNumberToObject(o, key, (double)hist[k]);
            }
        cJSON_AddNumberToObject(res, "grown_active_on_exactly_one", (double)(d->n >= 1 ? hist[1] : 0));
    }
    free(hist);
}

/* The frames' tables: the function on the grid and every neuron, per chosen row. */
static int write_frames(nn_study_ctx *c, const alignment_opts *sp, const char *label, nn_model *m,
                        const nn_data *d, double x0, double x1, frames *fr, nn_err *e)
{
    traj t;
    int rc = traj_open(&t, c, label, false, m, e);
    if (rc)
        return rc;
    long n = 0, epoch;
    double *p = malloc(m->n_params * sizeof *p);
    if (!p) {
        traj_close(&t);
        return nn_err_set(e, NN_ENOMEM, "", "out of memory");
    }
    while ((rc = traj_next(&t, &epoch, p, e)) > 0)
        n++;
    traj_close(&t);
    if (rc < 0 || (rc = traj_open(&t, c, label, false, m, e))) {
        free(p);
        return rc;
    }
    fr->n_rows = n;
    fr->n_frames = n < sp->max_frames ? n : sp->max_frames;
    fr->epoch = calloc((size_t)fr->n_frames + 1, sizeof *fr->epoch);
    double gx[GRID], gy[GRID];
    for (int g = 0; g < GRID; g++)   /* np.linspace(x0, x1, 100) */
        gx[g] = g == GRID - 1 ? x1 : x0 + (double)g * ((x1 - x0) / (GRID - 1));
    char path[4200], path2[4200];
    nn_file fw = {0}, nw = {0};
    study_path(c, path, sizeof path, "alignment-%s-function.csv", label);
    study_path(c, path2, sizeof path2, "alignment-%s-neurons.csv", label);
    if (!fr->epoch)
        rc = nn_err_set(e, NN_ENOMEM, "", "out of memory");
    if (!rc && !(rc = nn_file_open(&fw, path, e)))
        rc = nn_file_open(&nw, path2, e);
    if (!rc) {
        fputs("frame,epoch,x,output\n", fw.f);
        fputs("frame,epoch,neuron,kink,output_weight\n", nw.f);
    }
    long i = 0, frame = 0;
    size_t h = (size_t)m->width[1];
    (void)d;
    int got = 0;
    while (!rc && (got = traj_next(&t, &epoch, p, e)) > 0) {
        if (!study_frame_row(i++, n, fr->n_frames) || frame >= fr->n_frames)
            continue;
        memcpy(m->params, p, m->n_params * sizeof *p);
        if ((rc = nn_model_predict(m, gy, gx, GRID, e)))
            break;
        for (int g = 0; g < GRID; g++) {
            fprintf(fw.f, "%ld,%ld,", frame, epoch);
            nn_csv_num(fw.f, gx[g]);
            fputc(',', fw.f);
            nn_csv_num(fw.f, gy[g]);
            fputc('\n', fw.f);
        }
        for (size_t j = 0; j < h; j++) {
            double a = p[m->w_off[1] + j];
            fprintf(nw.f, "%ld,%ld,%zu,", frame, epoch, j);
            nn_csv_num(nw.f, kink(m, p, j));
            fputc(',', nw.f);
            nn_csv_num(nw.f, a);
            fputc('\n', nw.f);
            if (isfinite(a))
                fr->a_max = fmax(fr->a_max, fabs(a));
        }
        fr->epoch[frame++] = epoch;
    }
    traj_close(&t);
    free(p);
    if (!rc && got < 0)
        rc = e->code;
    if (rc) {
        nn_file_abort(&fw);
        nn_file_abort(&nw);
        return rc;
    }
    fr->n_frames = frame;
    if ((rc = nn_file_commit(&fw, e)) || (rc = nn_file_commit(&nw, e))) {
        nn_file_abort(&nw);
        return rc;
    }
    return NN_OK;
}

/* The axes every frame shares; the data points drawn in each. */
/* The axes every frame shares: the function on the left axis (series 3, green), the
 * neurons on the right (series 1, blue), each axis in its series' colour. */
static void frame_setup(FILE *f, double x0, double x1, double y0, double y1, double amax)
{
    fprintf(f, "set xrange [%.17g:%.17g]\nset yrange [%.17g:%.17g]\n"
               "set y2range [%.17g:%.17g]\nset border 11\nset ytics nomirror tc lt 3\n"
               "set y2tics nomirror out scale 0.5 tc lt 1\nset ylabel 'h(x)' tc lt 3\n"
               "set y2label 'output weight a_j (s_j |w_j|)' tc lt 1\n"
               "set xlabel 'x (the function), kink -b_j/w_j (the neurons)'\n"
               "set arrow 1 from graph 0, second 0 to graph 1, second 0 nohead dt 2 lt 1 lw 1\n",
            x0, x1, y0, y1, -1.1 * amax, 1.1 * amax);
}

static void frame_plot(FILE *f, const char *label, const char *fidx, long h, const char *title,
                       bool key)
{
    fprintf(f, "set title %s\n"
               "plot 'alignment-%s-function.csv' skip 1 every ::(%s*%d)::(%s*%d+%d) using 3:4 "
               "with lines lt 3 %s, \\\n"
               "     'data.csv' skip 1 using 1:2 with points pt 7 ps 1.3*PS lt 3 %s, \\\n"
               "     'alignment-%s-neurons.csv' skip 1 every ::(%s*%ld)::(%s*%ld+%ld) using 4:5 "
               "axes x1y2 with points pt 3 ps 1.4*PS lt 1 %s\n",
            title, label, fidx, GRID, fidx, GRID, GRID - 1, key ? "title 'h(x)'" : "notitle",
            key ? "title 'data'" : "notitle", label, fidx, h, fidx, h, h - 1,
            key ? "title 'neuron: its kink, its output weight'" : "notitle");
}

/* figure g finished and drawn; its name into figs when drawn */
static int finish(nn_study_ctx *c, nn_gp *g, cJSON *figs, nn_err *e)
{
    cJSON *tmp = cJSON_CreateObject();
    int rc = study_figure_end(c, g, tmp, e);
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(tmp, "figure");
    if (!rc && figs && cJSON_IsString(f))
        cJSON_AddItemToArray(figs, cJSON_CreateString(f->valuestring));
    cJSON_Delete(tmp);
    return rc;
}

static int write_scripts(nn_study_ctx *c, const alignment_opts *sp, const char *label, long h,
                         const frames *fr, double x0, double x1, double y0, double y1,
                         const cJSON *res, cJSON *figs, nn_err *e)
{
    char q[300], t[400], base[200];
    nn_gp g;
    int rc;
    double amax = fr->a_max > 0 ? fr->a_max : 1;
    /* animation */
    snprintf(base, sizeof base, "alignment-%s", label);
    if ((rc = study_animation_begin(c, &g, base, "notebook 003's alignment animation", 860, 520,
                                    (int)sp->delay, e)))
        return rc;
    FILE *f = g.f;
    fputs("set key at screen 0.5, screen 0.015 center bottom horizontal maxrows 1\n"
          "set bmargin 6\n", f);
    frame_setup(f, x0, x1, y0, y1, amax);
    fprintf(f, "array epoch[%ld] = [", fr->n_frames);
    for (long i = 0; i < fr->n_frames; i++)
        fprintf(f, "%s%ld", i ? "," : "", fr->epoch[i]);
    fprintf(f, "]\ndo for [f=0:%ld] {\n", fr->n_frames - 1);
    nn_gp_quote(q, sizeof q, label);
    snprintf(t, sizeof t, "sprintf('%%s: epoch %%d (frame %%d)', %s, epoch[f+1], f)", q);
    frame_plot(f, label, "f", h, t, true);
    fputs("}\n", f);
    if ((rc = finish(c, &g, figs, e)))
        return rc;
    /* still: chosen frames */
    long pick[MAX_SHOW];
    int np = 0;
    if (sp->n_show) {
        for (int k = 0; k < sp->n_show; k++) {   /* the recorded frame nearest each epoch */
            long best = 0;
            for (long i = 1; i < fr->n_frames; i++)
                if (labs(fr->epoch[i] - sp->show[k]) < labs(fr->epoch[best] - sp->show[k]))
                    best = i;
            pick[np++] = best;
        }
    } else {
        /* the start, the middle of the first plateau, the end of each plateau (three at
         * most), the first epoch a thousand times below the initial loss, the end */
        long want[MAX_SHOW];
        int nw = 0;
        want[nw++] = fr->epoch[0];
        const cJSON *pls = cJSON_GetObjectItemCaseSensitive(res, "plateaus"), *o;
        int k = 0;
        cJSON_ArrayForEach(o, pls) {
            long s0 = (long)cJSON_GetObjectItem(o, "start")->valuedouble;
            long s1 = (long)cJSON_GetObjectItem(o, "end")->valuedouble;
            if (k == 0)
                want[nw++] = (s0 + s1) / 2;
            if (k++ < 3)
                want[nw++] = s1;
        }
        const cJSON *th = cJSON_GetObjectItemCaseSensitive(res, "first_epoch_below_1e-3_of_initial");
        if (cJSON_IsNumber(th))
            want[nw++] = (long)th->valuedouble;
        want[nw++] = fr->epoch[fr->n_frames - 1];
        for (int wi = 0; wi < nw; wi++) {   /* the nearest recorded frames, in order, once each */
            long best = 0;
            for (long i = 1; i < fr->n_frames; i++)
                if (labs(fr->epoch[i] - want[wi]) < labs(fr->epoch[best] - want[wi]))
                    best = i;
            if (np == 0 || best > pick[np - 1])
                pick[np++] = best;
        }
    }
    int cols = np < 3 ? np : 3, rows = (np + 2) / 3;
    enum { TOP = 84, BOTTOM = 128, STRIP = 52 };
    if ((rc = study_figure_begin(c, &g, base, "chosen frames of the alignment animation",
                                 560 * cols, 300 * rows + 104 * (rows - 1) + TOP + BOTTOM, e)))
        return rc;
    g.pad_right = 96;         /* the output weights' axis on the right */
    f = g.f;
    frame_setup(f, x0, x1, y0, y1, amax);
    fputs("set y2tics\n", f);
    snprintf(t, sizeof t, "%s: neuron alignment", label);
    nn_gp_multiplot(&g, t);
    for (int k = 0; k < np; k++) {
        char fi[32];
        snprintf(fi, sizeof fi, "%ld", pick[k]);
        snprintf(t, sizeof t, "'epoch %ld (frame %ld)'", fr->epoch[pick[k]], pick[k]);
        nn_gp_panel(&g, k / cols, k % cols, rows, cols, TOP, 0, BOTTOM);
        frame_plot(f, label, fi, h, t, false);
    }
    nn_gp_key_strip(&g, STRIP, 1);
    fputs(", keyentry with lines lt 3 title 'h(x), the net''s function', "
          "keyentry with points pt 7 ps 1.3*PS lt 3 title 'data', "
          "keyentry with points pt 3 ps 1.4*PS lt 1 title 'neuron j: its kink -b_j/w_j against "
          "its output weight a_j'\n", f);
    fputs("unset multiplot\n", f);
    if ((rc = finish(c, &g, figs, e)))
        return rc;
    /* loss profile */
    const cJSON *pl = cJSON_GetObjectItemCaseSensitive(res, "plateaus"), *o;
    char sub[300] = "";
    size_t len = 0;
    cJSON_ArrayForEach(o, pl) {
        len += (size_t)snprintf(sub + len, sizeof sub - len, "%s%.3g (epochs %g-%g)", len ? ", " : "plateaus at ",
                        cJSON_GetObjectItem(o, "loss_start")->valuedouble,
                        cJSON_GetObjectItem(o, "start")->valuedouble,
                        cJSON_GetObjectItem(o, "end")->valuedouble);
        if (len >= sizeof sub)
            break;
    }
    const cJSON *fl = cJSON_GetObjectItemCaseSensitive(res, "final_loss");
    snprintf(t, sizeof t, "%s: loss profile; final %.3g", label,
             cJSON_IsNumber(fl) ? fl->valuedouble : NAN);
    snprintf(base, sizeof base, "alignment-%s-loss", label);
    if ((rc = study_figure_begin(c, &g, base, sp->loss_scale ? "the loss against epoch on a log "
                                 "scale" : "the loss against epoch (notebook 003's loss profile)",
                                 820, 440, e)))
        return rc;
    f = g.f;
    nn_gp_title(&g, t, sub);
    if (sp->loss_scale)
        fputs("set logscale y\nset format y '%.0e'\n", f);
    else
        fputs("set yrange [0:*]\n", f);
    fprintf(f, "set xlabel 'epoch (one full-batch step each)'\nset ylabel 'loss'\n"
               "plot '%s/metrics.csv' skip 1 using 1:($2 > 0 ? $2 : NaN) with lines lt 1 lw 2.5 "
               "notitle\n", label);
    return finish(c, &g, figs, e);
}

static int run(nn_study_ctx *c, const nn_study_plan *plan, cJSON *out, nn_err *e)
{
    const alignment_opts *sp = plan->options;
    char path[4200];
    nn_data d;
    study_path(c, path, sizeof path, "data.csv");
    int rc = nn_data_load_csv(path, nn_plan_target(c->plan), &d, e);
    if (rc)
        return rc;
    if (d.d != 1) {
        nn_data_free(&d);
        return nn_err_set(e, NN_ERUN, path, "the alignment study needs one input, the data has %d",
                          d.d);
    }
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (size_t s = 0; s < d.n; s++) {
        x0 = fmin(x0, d.x[s]), x1 = fmax(x1, d.x[s]);
        y0 = fmin(y0, d.y[s]), y1 = fmax(y1, d.y[s]);
    }
    for (int i = 0; i < c->n_models && !rc; i++) {
        const char *label = c->models[i]->label;
        nn_model *m = study_load_model(c, label, false, e), *m0 = NULL;
        if (!m || !(m0 = study_load_model(c, label, true, e))) {
            nn_model_free(m);
            rc = e->code;
            break;
        }
        cJSON *res = cJSON_AddObjectToObject(out, label);
        activity(m0, m, &d, res);
        frames fr = {0};
        if (!(rc = loss_profile(c, sp, label, res, e)) &&
            !(rc = write_frames(c, sp, label, m, &d, x0 - 1, x1 + 1, &fr, e))) {
            cJSON_AddNumberToObject(res, "frames", (double)fr.n_frames);
            cJSON *figs = cJSON_AddArrayToObject(res, "figures");
            rc = write_scripts(c, sp, label, m->width[1], &fr, x0 - 1, x1 + 1, y0 - 2.6, y1 + 1,
                               res, figs, e);
        }
        free(fr.epoch);
        nn_model_free(m0);
        nn_model_free(m);
    }
    nn_data_free(&d);
    return rc;
}

/* show: "auto" or a list of epochs */
static int check_show(nn_spec_v *v, cJSON *obj, const char *key, void *field)
{
    alignment_opts *o = (alignment_opts *)((char *)field - offsetof(alignment_opts, n_show));
    cJSON *show = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!show) {
        cJSON_AddItemToObject(obj, key, cJSON_CreateString("auto"));
        return NN_OK;
    }
    if (cJSON_IsString(show) && !strcmp(show->valuestring, "auto"))
        return NN_OK;
    size_t m = nn_spec_push(v, key);
    int n = cJSON_IsArray(show) ? cJSON_GetArraySize(show) : -1, rc = NN_OK;
    if (n < 1 || n > MAX_SHOW) {
        char g[128];
        nn_spec_got(g, sizeof g, show);
        rc = nn_spec_fail(v, "expected \"auto\" or a list of 1 to %d epochs, %s", MAX_SHOW, g);
    }
    for (int i = 0; i < n && !rc; i++) {
        cJSON *ep = cJSON_GetArrayItem(show, i);
        if (!cJSON_IsNumber(ep) || ep->valuedouble < 0 || ep->valuedouble > 1e12 ||
            ep->valuedouble != floor(ep->valuedouble)) {
            size_t m2 = nn_spec_push_index(v, i);
            char g[128];
            nn_spec_got(g, sizeof g, ep);
            rc = nn_spec_fail(v, "expected an epoch (an integer >= 0), %s", g);
            nn_spec_pop(v, m2);
        } else {
            o->show[i] = (long)ep->valuedouble;
        }
    }
    if (!rc)
        o->n_show = n;
    nn_spec_pop(v, m);
    return rc;
}

static int check_alignment(nn_spec_v *v, const void *options, const nn_plan *p)
{
    (void)options;
    for (int i = 0; i < p->n_models; i++)
        if (p->models[i].arch.out_act != NN_ACT_IDENTITY)
            return nn_spec_fail(v, "the alignment study reads output weights as signed heights "
                                "and needs an identity output, but model \"%s\" has %s",
                                p->models[i].label, nn_act_names[p->models[i].arch.out_act]);
    return NN_OK;
}

static const char *const loss_scales[] = {"linear", "log"};

/* Per frame: the function at GRID points, a row per hidden neuron, a GIF frame. */
static double output_bytes(const void *options, const nn_plan *p, const nn_data *d)
{
    (void)d;
    const alignment_opts *o = options;
    double nf = fmin((double)o->max_frames, (double)p->train.max_epochs + 1), total = 0;
    for (int i = 0; i < p->n_models; i++) {
        double h = p->models[i].arch.n_hidden ? p->models[i].arch.hidden[0] : 0;
        total += nf * (GRID * 48.0 + h * 70.0 + 20000.0) + 1e6;
    }
    return total;
}

static const nn_option options[] = {
    {.key = "show", .kind = NN_OPTION_CUSTOM, .offset = offsetof(alignment_opts, n_show),
     .check = check_show, .def_doc = "\"auto\"",
     .values_doc = "`\"auto\"` or a list of up to 12 epochs",
     .doc = "the epochs of the still figure (the recorded ones nearest); auto: the start, the "
            "middle of the first plateau, each plateau's end, the first epoch 1000 times below "
            "the initial loss, the end"},
    {.key = "delay", .kind = NN_OPTION_INT, .offset = offsetof(alignment_opts, delay),
     .def = 10, .lo = 1, .hi = 1000, .doc = "the animation's frame delay in 1/100 s (the notebook saves at 10 frames a second)"},
    {.key = "max_frames", .kind = NN_OPTION_INT, .offset = offsetof(alignment_opts, max_frames),
     .def = 1000, .lo = 2, .hi = 10000, .doc = "at most this many frames, evenly spaced over "
                                               "the recorded epochs"},
    {.key = "plateau_rate", .kind = NN_OPTION_NUM,
     .offset = offsetof(alignment_opts, plateau_rate), .def = 1e-4, .lo = 0, .hi = 1,
     .flags = NN_OPTION_EXCL_LO, .doc = "a plateau is a run of at least plateau_steps epochs "
                                        "over which the loss changes by at most plateau_rate "
                                        "of itself per epoch"},
    {.key = "plateau_steps", .kind = NN_OPTION_INT,
     .offset = offsetof(alignment_opts, plateau_steps), .def = 500, .lo = 2, .hi = 1e9,
     .doc = "see plateau_rate"},
    {.key = "loss_scale", .kind = NN_OPTION_ENUM, .offset = offsetof(alignment_opts, loss_scale),
     .names = loss_scales, .n_names = 2, .def_name = "linear", .what = "axis scale",
     .doc = "the loss figure's y axis: linear, as the notebook draws it (its plateaus near 1 "
            "and 0.5 show as steps), or log (the approach to zero shows)"},
};

const nn_study nn_study_alignment = {
    .spec = {.name = "alignment", .summary = "the function and each neuron's kink against its "
             "output weight over training, the loss and its plateaus (notebook 003)",
             .needs = NN_NEEDS_ONE_HIDDEN | NN_NEEDS_WEIGHTS | NN_NEEDS_INPUT_1D,
             .input_why = "draws kinks on the input line", .options = options,
             .n_options = sizeof options / sizeof *options,
             .options_size = sizeof(alignment_opts), .output_bytes = output_bytes,
             .output_hint = "lower its max_frames", .check = check_alignment},
    .figures = "`alignment-<label>.gif` (animated), `alignment-<label>.png` (chosen epochs), "
               "`alignment-<label>-loss.png`; their CSVs",
    .run = run,
};
