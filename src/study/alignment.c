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
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nnlab/data.h"
#include "nnlab/figure.h"
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
static int loss_profile(nn_study_ctx *c, const nn_study_plan *sp, const char *label, cJSON *res,
                        nn_err *e)
{
    char path[4200];
    study_path(c, path, sizeof path, "%s/metrics.csv", label);
    FILE *f = fopen(path, "r");
    if (!f)
        return nn_err_set(e, NN_ERUN, path, "cannot read it (was the run interrupted?)");
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
static int write_frames(nn_study_ctx *c, const nn_study_plan *sp, const char *label, nn_model *m,
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
static void frame_setup(FILE *f, double x0, double x1, double y0, double y1, double amax)
{
    fprintf(f, "set datafile separator ','\nset xrange [%.17g:%.17g]\nset yrange [%.17g:%.17g]\n"
               "set y2range [%.17g:%.17g]\nset ytics nomirror tc rgb '#2ca02c'\n"
               "set y2tics tc rgb '#1f77b4'\nset ylabel 'h(x)' tc rgb '#2ca02c'\n"
               "set y2label 'output weight a_j (s_j |w_j|)' tc rgb '#1f77b4'\n"
               "set xlabel 'x (green), kink -b_j/w_j (blue)'\nset grid\n"
               "set arrow 1 from graph 0, second 0 to graph 1, second 0 nohead dt 2 lc rgb '#1f77b4'\n",
            x0, x1, y0, y1, -1.1 * amax, 1.1 * amax);
}

static void frame_plot(FILE *f, const char *label, const char *fidx, long h, const char *title)
{
    fprintf(f, "set title %s\n"
               "plot 'alignment-%s-function.csv' skip 1 every ::(%s*%d)::(%s*%d+%d) using 3:4 "
               "with lines lw 2 lc rgb '#2ca02c' notitle, \\\n"
               "     'data.csv' skip 1 using 1:2 with points pt 7 ps 1.5 lc rgb '#2ca02c' notitle, \\\n"
               "     'alignment-%s-neurons.csv' skip 1 every ::(%s*%ld)::(%s*%ld+%ld) using 4:5 "
               "axes x1y2 with points pt 3 ps 1.5 lc rgb '#1f77b4' notitle\n",
            title, label, fidx, GRID, fidx, GRID, GRID - 1, label, fidx, h, fidx, h, h - 1);
}

static int write_scripts(nn_study_ctx *c, const nn_study_plan *sp, const char *label, long h,
                         const frames *fr, double x0, double x1, double y0, double y1,
                         const cJSON *res, nn_err *e)
{
    char path[4200], q[300], t[400];
    nn_file w;
    int rc;
    double amax = fr->a_max > 0 ? fr->a_max : 1;
    /* animation */
    study_path(c, path, sizeof path, "alignment-%s-gif.gp", label);
    if ((rc = nn_file_open(&w, path, e)))
        return rc;
    fprintf(w.f, "# nnlab: notebook 003's alignment animation for %s.\n"
                 "# Redraw from this folder with: gnuplot alignment-%s-gif.gp\n"
                 "if (!exists(\"outfile\")) outfile = 'alignment-%s.gif'\n"
                 "set terminal gif animate delay %d loop 0 size 800,500 noenhanced font 'sans,10'\n"
                 "set output outfile\n",
            label, label, label, sp->delay);
    frame_setup(w.f, x0, x1, y0, y1, amax);
    fprintf(w.f, "array epoch[%ld] = [", fr->n_frames);
    for (long i = 0; i < fr->n_frames; i++)
        fprintf(w.f, "%s%ld", i ? "," : "", fr->epoch[i]);
    fprintf(w.f, "]\ndo for [f=0:%ld] {\n", fr->n_frames - 1);
    nn_gp_quote(q, sizeof q, label);
    snprintf(t, sizeof t, "sprintf('%%s: iteration %%d, frame %%d', %s, epoch[f+1], f)", q);
    frame_plot(w.f, label, "f", h, t);
    fputs("}\n", w.f);
    if ((rc = nn_file_commit(&w, e)))
        return rc;
    /* still: chosen frames */
    long pick[NN_MAX_SHOW];
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
        long want[NN_MAX_SHOW];
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
    study_path(c, path, sizeof path, "alignment-%s.gp", label);
    if ((rc = nn_file_open(&w, path, e)))
        return rc;
    int cols = np < 3 ? np : 3, rows = (np + 2) / 3;
    fprintf(w.f, "# nnlab: chosen frames of alignment-%s.gif.\n"
                 "# Redraw from this folder with: gnuplot alignment-%s.gp\n"
                 "if (!exists(\"outfile\")) outfile = 'alignment-%s.png'\n"
                 "set terminal pngcairo size %d,%d noenhanced font 'sans,9'\n"
                 "set output outfile\n",
            label, label, label, 480 * cols, 360 * rows);
    frame_setup(w.f, x0, x1, y0, y1, amax);
    snprintf(t, sizeof t, "%s: neuron alignment", label);
    nn_gp_quote(q, sizeof q, t);
    fprintf(w.f, "set multiplot layout %d,%d title %s\n", rows, cols, q);
    for (int k = 0; k < np; k++) {
        char fi[32];
        snprintf(fi, sizeof fi, "%ld", pick[k]);
        snprintf(t, sizeof t, "'iteration %ld, frame %ld'", fr->epoch[pick[k]], pick[k]);
        frame_plot(w.f, label, fi, h, t);
    }
    fputs("unset multiplot\n", w.f);
    if ((rc = nn_file_commit(&w, e)))
        return rc;
    /* loss profile */
    study_path(c, path, sizeof path, "alignment-%s-loss.gp", label);
    if ((rc = nn_file_open(&w, path, e)))
        return rc;
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
    snprintf(t, sizeof t, "%s: loss profile%s%s; final %.3g", label, *sub ? "\\n" : "", sub,
             cJSON_IsNumber(fl) ? fl->valuedouble : NAN);
    fprintf(w.f, "# nnlab: the loss against epoch on a log scale (notebook 003's loss profile).\n"
                 "# Redraw from this folder with: gnuplot alignment-%s-loss.gp\n"
                 "if (!exists(\"outfile\")) outfile = 'alignment-%s-loss.png'\n"
                 "set terminal pngcairo size 800,440 noenhanced font 'sans,10'\n"
                 "set output outfile\nset datafile separator ','\nset grid\nset logscale y\n"
                 "set format y '%%.0e'\nset xlabel 'epoch'\nset ylabel 'loss'\n"
                 "set title \"%s\"\n"
                 "plot '%s/metrics.csv' skip 1 using 1:($2 > 0 ? $2 : NaN) with lines lw 3 notitle\n",
            label, label, t, label);
    return nn_file_commit(&w, e);
}

int nn_study_alignment(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e)
{
    char path[4200];
    nn_data d;
    study_path(c, path, sizeof path, "data.csv");
    int rc = nn_data_load_csv(path, "y", &d, e);
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
            rc = write_scripts(c, sp, label, m->width[1], &fr, x0 - 1, x1 + 1, y0 - 2.6, y1 + 1,
                               res, e);
        }
        cJSON *figs = rc ? NULL : cJSON_AddArrayToObject(res, "figures");
        static const char *const kinds[3][2] = {{"alignment-%s-gif.gp", "alignment-%s.gif"},
                                                {"alignment-%s.gp", "alignment-%s.png"},
                                                {"alignment-%s-loss.gp", "alignment-%s-loss.png"}};
        for (int f = 0; f < 3 && !rc; f++) {
            char script[300], name[300];
            snprintf(script, sizeof script, kinds[f][0], label);
            snprintf(name, sizeof name, kinds[f][1], label);
            cJSON *tmp = cJSON_CreateObject();
            rc = study_gnuplot(c, script, name, tmp, e);
            if (!rc && cJSON_GetObjectItemCaseSensitive(tmp, "figure"))
                cJSON_AddItemToArray(figs, cJSON_CreateString(name));
            cJSON_Delete(tmp);
        }
        free(fr.epoch);
        nn_model_free(m0);
        nn_model_free(m);
    }
    nn_data_free(&d);
    return rc;
}
