/* rep.h: what the report's files share (src/report only; the interface is nnlab/report.h).
 *
 * html.c   a growing text buffer, HTML escaping, base64, link paths
 * runs.c   run and sweep directories read for a page (never trusted: damaged files said so)
 * bands.c  seed bands: curves pooled over replicates, their CSV and figure; histograms
 * page.c   the pages: one run, one sweep, several runs
 */
#ifndef NNLAB_REP_H
#define NNLAB_REP_H

#include <cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nnlab/err.h"
#include "nnlab/figure.h"
#include "nnlab/json.h"

/* ---- html.c ---------------------------------------------------------------------------- */

/* the text being written: util's growing string (p, len; failed when memory ran out) */
typedef nn_buf rb;
#define rb_addn nn_buf_putn
#define rb_add nn_buf_puts
#define rb_printf nn_buf_printf
/* s as HTML text or a double-quoted attribute's value: & < > " ' escaped, invalid UTF-8 as
 * U+FFFD, control characters but tab and newline dropped. */
void rb_esc(rb *b, const char *s);
void rb_escn(rb *b, const char *s, size_t n);
/* a number as text: up to 6 significant digits; "" for NULL JSON */
void rb_num(rb *b, double v);
/* base64 of data (RFC 4648, padded) */
void rb_b64(rb *b, const unsigned char *data, size_t n);
/* a path for an href: every byte outside [A-Za-z0-9._~/-] percent-encoded (so no quote,
 * angle bracket or scheme survives), and "./" in front of a path that does not start
 * with a letter, digit or dot */
void rb_href(rb *b, const char *path);
void rb_free(rb *b);

/* The path to reach `to` from the folder `from_dir` (both as given, made absolute from the
 * working directory), into buf; "" when `to` is `from_dir`. */
void rep_relpath(char *buf, size_t cap, const char *from_dir, const char *to);

/* ---- runs.c ---------------------------------------------------------------------------- */

typedef struct rmodel {
    const char *label;      /* summary.json's label (borrowed) */
    char group[80];         /* the spec model it replicates ("relu" for "relu-s3"), or label */
    const cJSON *j;         /* its summary entry */
} rmodel;

typedef struct rrun {
    char *dir;              /* as given or joined onto a sweep's folder */
    char *name;             /* for people: the folder's last part, or the point's folder */
    cJSON *manifest, *spec, *summary;   /* NULL when absent or unreadable */
    char status[40];        /* the manifest's, or "running", "killed", "unreadable", "missing" */
    char why[600];          /* what could not be read, for the page ("" when all was) */
    const cJSON *sets;      /* a sweep point's "path=value" list (borrowed), or NULL */
    int point;              /* a sweep point's index, or -1 */
    bool point_ok;          /* its folder is a name nnlab can link (a run's, or a point's) */
    rmodel *models;
    int n_models;
} rrun;

/* Read a run directory (what can be read of it: a page is also for a damaged run);
 * status_override, when not NULL, replaces the manifest's (the run writing its own page). */
void rep_run_load(rrun *r, const char *dir, const char *status_override);
void rep_run_free(rrun *r);

typedef struct rsweep {
    char *dir;
    cJSON *j;               /* sweep.json */
    rrun *points;
    int n;
    char why[600];
} rsweep;

/* Is dir a sweep's folder (it has a sweep.json)? */
bool rep_is_sweep(const char *dir);
int rep_sweep_load(rsweep *s, const char *dir, nn_err *e);
void rep_sweep_free(rsweep *s);

/* a status as a word for a badge class: ok, warn, bad, live, none */
const char *rep_status_class(const char *status);
/* a finite number at key path "a.b" of j, or NAN */
double rep_num(const cJSON *j, const char *path);
/* Is this --set path a seed (its last part "seed" or "seeds")? */
bool rep_seed_path(const char *path);

/* ---- bands.c --------------------------------------------------------------------------- */

/* One curve to pool: a model's metrics.csv in the group it belongs to. */
typedef struct rmember {
    char *path;             /* .../metrics.csv */
    int group;
} rmember;

typedef struct rgroups {
    char **names;           /* group i's name for people ("relu-he", "relu-he, lr=0.1") */
    int *style;             /* group i's colour (its model, the same in every figure) * 1000
                               + its dash pattern (its run or setting) */
    int n, cap;
    rmember *m;
    int n_m, cap_m;
    bool oom;
} rgroups;

int rep_group(rgroups *g, const char *name);             /* its index, added when new */
/* the same, drawn in colour `color` and dash pattern `dash` (0 solid) */
int rep_group_styled(rgroups *g, const char *name, int color, int dash);
void rep_member(rgroups *g, int group, const char *path);
void rep_groups_free(rgroups *g);

/* Pool each group's curves: write base.csv into dir (epoch rows, per metric min, q25,
 * median, q75, max, and n), and base.gp drawing them; then draw it (fig's formats).
 * title names the figure. *drawn is set when the figure exists; *missing when gnuplot is
 * not there. Returns NN_OK, or an error (a curve could not be read). */
int rep_bands(const rgroups *g, const char *dir, const char *base, const char *title,
              const nn_fig_opts *fig, bool *drawn, bool *missing, char *note, size_t cap,
              nn_err *e);

/* Histograms of the models' summary values (converged epoch, final loss, error, ...) by
 * group, one panel per value: base.csv, base.gp, drawn. */
int rep_histograms(rrun *const *runs, int n_runs, const char *dir, const char *base,
                   const char *title, const nn_fig_opts *fig, bool *drawn, bool *missing,
                   char *note, size_t cap, nn_err *e);

#endif
