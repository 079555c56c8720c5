/* page.c: the pages. One run: what it is, how to make it again, its models, every figure
 * with a caption, every file. A sweep or several runs: a sortable table of what differs and
 * what came of it, histograms, seed bands; two runs: the difference of their specs too.
 *
 * The page's own figures (bands, histograms) are drawn by gnuplot in a temporary folder,
 * embedded, and the folder removed: the page is the product (`collect --curves` and
 * `collect --plot` leave those figures as files).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nnlab/files.h"
#include "nnlab/io.h"
#include "nnlab/record.h"
#include "nnlab/report.h"
#include "nnlab/sha256.h"
#include "rep.h"

#define IMAGE_MAX ((size_t)32 << 20)   /* a figure larger than this is linked, not embedded */
#define PAGE_ROWS 100                  /* a table's rows per page (the script pages them) */
#define MAX_DIFF_ROWS 300

static const char CSS[] =
    ":root{--ink:#1f2328;--muted:#656d76;--line:#d0d7de;--bg:#ffffff;--soft:#f6f8fa;"
    "--ok:#1a7f37;--warn:#b35900;--bad:#cf222e;--live:#0969da}\n"
    "body{font-family:'DejaVu Sans',Verdana,system-ui,sans-serif;color:var(--ink);"
    "background:var(--bg);margin:0 auto;max-width:1180px;padding:24px 28px 60px;"
    "font-size:15px;line-height:1.45}\n"
    "h1{font-size:26px;margin:0 0 6px}h2{font-size:19px;margin:34px 0 10px;"
    "border-bottom:1px solid var(--line);padding-bottom:4px}\n"
    ".desc{color:var(--muted);max-width:900px;white-space:pre-wrap;overflow-wrap:anywhere}\n"
    ".meta{color:var(--muted);font-size:13px}\n"
    ".badge{display:inline-block;padding:1px 9px;border-radius:10px;font-size:13px;"
    "font-weight:bold;color:#fff}\n"
    ".ok{background:var(--ok)}.warn{background:var(--warn)}.bad{background:var(--bad)}"
    ".live{background:var(--live)}.none{background:var(--muted)}\n"
    ".notice{border-left:4px solid var(--warn);background:#fff8f0;padding:8px 12px;"
    "margin:12px 0;overflow-wrap:anywhere}\n"
    "code,pre{font-family:'DejaVu Sans Mono',monospace;font-size:13px}\n"
    "pre{background:var(--soft);padding:10px 12px;overflow:auto;max-height:480px;"
    "border:1px solid var(--line)}\n"
    ".cmd{background:var(--soft);padding:8px 12px;border:1px solid var(--line);"
    "overflow-wrap:anywhere}\n"
    "table{border-collapse:collapse;font-size:13.5px;margin:6px 0}\n"
    "th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;"
    "vertical-align:top;overflow-wrap:anywhere;max-width:360px}\n"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "tbody tr:nth-child(even){background:var(--soft)}\n"
    "table.sortable th{cursor:pointer;user-select:none;white-space:nowrap}\n"
    "table.sortable th:after{content:' \\2195';color:var(--line)}\n"
    "table.sortable th[aria-sort=ascending]:after{content:' \\2191';color:var(--ink)}\n"
    "table.sortable th[aria-sort=descending]:after{content:' \\2193';color:var(--ink)}\n"
    "figure{margin:18px 0 26px}figure img{max-width:100%;height:auto;"
    "border:1px solid var(--line)}\n"
    "figcaption{color:var(--muted);font-size:13.5px;margin-top:4px;overflow-wrap:anywhere}\n"
    ".pager{margin:6px 0}.pager button{margin-right:6px}\n"
    "ul.files{columns:3;font-size:13.5px}ul.files li{overflow-wrap:anywhere}\n"
    "footer{margin-top:40px;color:var(--muted);font-size:12px}\n";

/* Sorting (click a header; numbers as numbers, blanks last) and paging of long tables. */
static const char JS[] =
    "(function(){\n"
    "function key(td){var v=td.getAttribute('data-v');if(v===null)v=td.textContent;"
    "var x=parseFloat(v);return {n:v!==''&&isFinite(x)&&/^\\s*[-+0-9.]/.test(v),x:x,s:v};}\n"
    "function cmp(a,b){if(a.n&&b.n)return a.x-b.x;if(a.n!==b.n)return a.n?-1:1;"
    "return a.s<b.s?-1:a.s>b.s?1:0;}\n"
    "function page(t,p){var rows=t.tBodies[0].rows,per=" "100" ",n=Math.max(1,Math.ceil(rows.length/per));"
    "p=Math.min(Math.max(p,0),n-1);t.setAttribute('data-page',p);"
    "for(var i=0;i<rows.length;i++)rows[i].hidden=Math.floor(i/per)!==p;"
    "var g=document.getElementById(t.id+'-pager');if(g){g.querySelector('span').textContent="
    "'rows '+(p*per+1)+'-'+Math.min(rows.length,(p+1)*per)+' of '+rows.length;}}\n"
    "document.querySelectorAll('table.sortable').forEach(function(t){\n"
    "t.querySelectorAll('thead th').forEach(function(th,c){th.addEventListener('click',function(){"
    "var asc=th.getAttribute('aria-sort')!=='ascending';"
    "t.querySelectorAll('thead th').forEach(function(o){o.removeAttribute('aria-sort');});"
    "th.setAttribute('aria-sort',asc?'ascending':'descending');"
    "var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);"
    "rows.forEach(function(r,i){r._i=i;});"
    "rows.sort(function(x,y){var a=key(x.cells[c]),b=key(y.cells[c]);"
    "if(a.s===''||b.s==='')return (a.s==='')-(b.s==='')||x._i-y._i;"   /* blanks last, both ways */
    "var d=cmp(a,b);if(!asc)d=-d;return d||x._i-y._i;});"
    "rows.forEach(function(r){b.appendChild(r);});page(t,0);});});\n"
    "var g=document.getElementById(t.id+'-pager');if(g){"
    "g.querySelector('.prev').addEventListener('click',function(){page(t,+t.getAttribute('data-page')-1);});"
    "g.querySelector('.next').addEventListener('click',function(){page(t,+t.getAttribute('data-page')+1);});"
    "page(t,0);}\n"
    "});})();\n";

/* ---- small pieces ------------------------------------------------------------------------ */

static const char *jstr(const cJSON *j, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void csp_hash(char *out, size_t cap, const char *text)
{
    char hex[65];
    unsigned char raw[32];
    nn_sha256_hex(text, strlen(text), hex);
    for (int i = 0; i < 32; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        raw[i] = (unsigned char)v;
    }
    rb b = {0};
    rb_b64(&b, raw, 32);
    snprintf(out, cap, "sha256-%s", b.p ? b.p : "");
    rb_free(&b);
}

static void head(rb *b, const char *title)
{
    char hs[80], hj[80];
    csp_hash(hs, sizeof hs, CSS);
    csp_hash(hj, sizeof hj, JS);
    rb_add(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    rb_printf(b, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                 "img-src data:; style-src '%s'; script-src '%s'; base-uri 'none'; "
                 "form-action 'none'\">\n", hs, hj);
    rb_add(b, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<meta name=\"generator\" content=\"nnlab report\">\n<title>");
    rb_esc(b, title);
    rb_add(b, "</title>\n<style>");
    rb_add(b, CSS);
    rb_add(b, "</style>\n</head>\n<body>\n");
}

static void tail(rb *b)
{
    rb_add(b, "<footer>Written by nnlab report: one self-contained file (figures embedded, no "
              "requests); links to a run's files work while the page stays beside them.</footer>\n"
              "<script>");
    rb_add(b, JS);
    rb_add(b, "</script>\n</body>\n</html>\n");
}

static void badge(rb *b, const char *status)
{
    rb_printf(b, "<span class=\"badge %s\">", rep_status_class(status));
    rb_esc(b, status);
    rb_add(b, "</span>");
}

/* a word as the shell reads it back: bare when safe, else single-quoted */
static void shell_word(rb *b, const char *s)
{
    bool bare = *s != '\0';
    for (const char *p = s; *p && bare; p++)
        bare = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%", *p);
    if (bare) {
        rb_esc(b, s);
        return;
    }
    rb_add(b, "&#39;");
    for (const char *p = s; *p;) {   /* runs between quotes whole: UTF-8 stays whole */
        size_t n = strcspn(p, "'");
        rb_escn(b, p, n);
        p += n;
        if (*p == '\'') {
            rb_add(b, "&#39;\\&#39;&#39;");
            p++;
        }
    }
    rb_add(b, "&#39;");
}

/* an image file embedded as data; false when it cannot be */
static bool embed(rb *b, const char *path, const char *alt)
{
    const char *dot = strrchr(path, '.');
    const char *mime = !dot ? NULL : !strcmp(dot, ".png") ? "image/png" :
                       !strcmp(dot, ".svg") ? "image/svg+xml" : !strcmp(dot, ".gif") ? "image/gif" : NULL;
    if (!mime)
        return false;
    /* a page is mailed: it embeds the run's own images, never what a link leads to, and
     * only a file that is the image its name says */
    struct stat st;
    if (lstat(path, &st) || !S_ISREG(st.st_mode))
        return false;
    size_t len;
    nn_err e;
    char *data = nn_read_file(path, IMAGE_MAX, "figure", &len, &e);
    if (!data)
        return false;
    bool image = !strcmp(dot, ".png") ? len > 8 && !memcmp(data, "\x89PNG\r\n\x1a\n", 8)
               : !strcmp(dot, ".gif") ? len > 6 && (!memcmp(data, "GIF87a", 6) || !memcmp(data, "GIF89a", 6))
               : (strstr(data, "<svg") != NULL && strlen(data) == len);
    if (!image) {
        free(data);
        return false;
    }
    rb_printf(b, "<img alt=\"");
    rb_esc(b, alt);
    rb_printf(b, "\" src=\"data:%s;base64,", mime);
    rb_b64(b, (const unsigned char *)data, len);
    rb_add(b, "\">");
    free(data);
    return true;
}

/* the caption a script gives its figure: its first line, "# nnlab: what it shows" */
static void caption_of(const char *script, char *out, size_t cap)
{
    out[0] = '\0';
    FILE *f = nn_fopen_read(script, "script", NULL);
    if (!f)
        return;
    char line[1024];
    if (fgets(line, sizeof line, f) && !strncmp(line, "# nnlab: ", 9)) {
        line[strcspn(line, "\r\n")] = '\0';
        snprintf(out, cap, "%s", line + 9);
    }
    fclose(f);
}

/* ---- temporary folder for the page's own figures -------------------------------------------- */

static bool tmp_make(char *dir, size_t cap)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, cap, "%s/nnlab-report-XXXXXX", t && *t && strlen(t) < 3000 ? t : "/tmp");
    return mkdtemp(dir) != NULL;
}

static void tmp_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        char path[4400];
        while ((de = readdir(d)))
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
                nn_path_join(path, sizeof path, dir, de->d_name);
                unlink(path);
            }
        closedir(d);
    }
    rmdir(dir);
}

typedef struct pagefig {
    char tmp[4200];
    bool have_tmp, missing;
    nn_fig_opts fig;
    const nn_report_opts *o;
    char note[600];
} pagefig;

static void figure_block(rb *b, pagefig *pf, const char *base, const char *caption)
{
    char path[4400], file[300];
    snprintf(file, sizeof file, "%s.png", base);
    nn_path_join(path, sizeof path, pf->tmp, file);
    rb_add(b, "<figure>");
    if (!embed(b, path, caption))
        rb_add(b, "<p class=\"notice\">This figure could not be embedded.</p>");
    rb_add(b, "<figcaption>");
    rb_esc(b, caption);
    rb_add(b, "</figcaption></figure>\n");
}

/* Why a page's own figure failed: gnuplot's last line in the temporary folder (removed with
 * it, so the page keeps what it said), else the error. */
static void figure_failed(rb *b, const pagefig *pf, const char *what, const nn_err *e)
{
    char path[4400], line[600] = "", last[600] = "";
    nn_path_join(path, sizeof path, pf->tmp, "gnuplot.log");
    FILE *f = nn_fopen_read(path, "log", NULL);
    while (f && fgets(line, sizeof line, f))
        if (line[strspn(line, " \t\r\n")])
            snprintf(last, sizeof last, "%s", line);
    if (f)
        fclose(f);
    last[strcspn(last, "\r\n")] = '\0';
    rb_add(b, "<p class=\"notice\">");
    rb_esc(b, what);
    rb_add(b, " could not be drawn: ");
    rb_esc(b, last[0] ? "gnuplot said: " : e->msg);
    rb_esc(b, last);
    rb_add(b, "</p>\n");
}

static bool page_figures(pagefig *pf)
{
    if (pf->o && (pf->o->no_figures || (pf->o->stop && *pf->o->stop)))
        return false;
    if (!pf->have_tmp)
        pf->have_tmp = tmp_make(pf->tmp, sizeof pf->tmp);
    return pf->have_tmp;
}

/* The seed bands of groups g, drawn and embedded with a caption. */
static void bands_section(rb *b, pagefig *pf, const rgroups *g, const char *title,
                          const char *caption)
{
    if (!g->n_m)
        return;
    bool pooled = false;
    for (int i = 0; i < g->n_m && !pooled; i++)
        for (int k = i + 1; k < g->n_m && !pooled; k++)
            pooled = g->m[i].group == g->m[k].group;
    rb_add(b, pooled ? "<h2 id=\"bands\">Seed bands</h2>\n" : "<h2 id=\"bands\">Training curves</h2>\n");
    if (!page_figures(pf)) {
        rb_add(b, pf->o && pf->o->stop && *pf->o->stop
                      ? "<p class=\"meta\">Not drawn: the run was interrupted.</p>\n"
                      : "<p class=\"meta\">Not drawn (figures are off: --no-plots; "
                        "<code>nnlab report DIR</code> draws them).</p>\n");
        return;
    }
    bool drawn, missing;
    char note[300];
    nn_err e = {0};
    int rc = rep_bands(g, pf->tmp, "bands", title, &pf->fig, &drawn, &missing, note, sizeof note, &e);
    if (missing)
        pf->missing = true;
    if (rc)
        figure_failed(b, pf, "The seed bands", &e);
    else if (drawn)
        figure_block(b, pf, "bands", caption);
    else
        rb_add(b, "<p class=\"notice\">The seed bands were not drawn: gnuplot is not installed "
                  "(<code>nnlab collect DIR --curves</code> writes them as a table).</p>\n");
    if (note[0]) {
        rb_add(b, "<p class=\"meta\">");
        rb_esc(b, note);
        rb_add(b, "</p>\n");
    }
}

static void histogram_section(rb *b, pagefig *pf, rrun *const *runs, int n, const char *title)
{
    int models = 0;
    for (int i = 0; i < n; i++)
        models += runs[i]->n_models;
    if (models < 2 || !page_figures(pf))
        return;
    rb_add(b, "<h2 id=\"histograms\">What the models ended with</h2>\n");
    bool drawn, missing;
    nn_err e = {0};
    char note[300];
    int rc = rep_histograms(runs, n, pf->tmp, "histograms", title, &pf->fig, &drawn, &missing,
                            note, sizeof note, &e);
    if (missing)
        pf->missing = true;
    if (rc) {
        figure_failed(b, pf, "The histograms", &e);
    } else if (drawn) {
        figure_block(b, pf, "histograms", "Histograms over every model of every run shown here, "
                     "by model: the epoch it converged at (runs that never converged are "
                     "counted in the title), its final loss and its final error (20 bins).");
        if (note[0]) {
            rb_add(b, "<p class=\"meta\">");
            rb_esc(b, note);
            rb_add(b, "</p>\n");
        }
    } else if (missing) {
        rb_add(b, "<p class=\"notice\">The histograms were not drawn: gnuplot is not "
                  "installed.</p>\n");
    }
}

/* ---- a model's numbers ----------------------------------------------------------------------- */

static void num_cell(rb *b, const cJSON *j, const char *path)
{
    double v = rep_num(j, path);
    if (isnan(v)) {
        rb_add(b, "<td class=\"n\" data-v=\"\"></td>");
        return;
    }
    rb_printf(b, "<td class=\"n\" data-v=\"%.17g\">", v);
    rb_num(b, v);
    rb_add(b, "</td>");
}

static bool any_test(rrun *const *runs, int n)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < runs[i]->n_models; k++)
            if (!isnan(rep_num(runs[i]->models[k].j, "final.test_error")))
                return true;
    return false;
}

static void model_heads(rb *b, bool test)
{
    rb_add(b, "<th>model</th><th>seed</th><th>status</th><th>epochs</th><th>converged at</th>"
              "<th>final loss</th><th>error</th>");
    if (test)
        rb_add(b, "<th>test error</th>");
}

static void model_cells(rb *b, const rmodel *m, bool test)
{
    rb_add(b, "<td>");
    rb_esc(b, m->label);
    rb_add(b, "</td>");
    num_cell(b, m->j, "seed");
    const char *st = jstr(m->j, "status");
    rb_add(b, "<td>");
    if (st)
        badge(b, st);
    rb_add(b, "</td>");
    num_cell(b, m->j, "epochs_run");
    num_cell(b, m->j, "converged_epoch");
    num_cell(b, m->j, "final.loss");
    num_cell(b, m->j, "final.error");
    if (test)
        num_cell(b, m->j, "final.test_error");
}

static void status_line(rb *b, const rrun *r)
{
    static const struct { const char *status, *says; } words[] = {
        {"complete", "Every model trained and every study ran."},
        {"diverged", "At least one model diverged; the others trained and the studies ran."},
        {"interrupted", "The run was interrupted: models not yet trained are missing, and studies not yet run were skipped."},
        {"failed", "The run failed (a write, a study or a figure): what it finished is shown."},
        {"running", "The run is still being written: this page shows what exists now."},
        {"killed", "The run was killed (its manifest still says running, and no process holds it): what it finished is shown."},
        {"unreadable", "The run's manifest cannot be read."},
        {"missing", "There is no run folder here."},
    };
    rb_add(b, "<p>");
    badge(b, r->status);
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (!strcmp(words[i].status, r->status)) {
            rb_add(b, " ");
            rb_add(b, words[i].says);
        }
    rb_add(b, "</p>\n");
    if (r->why[0]) {
        rb_add(b, "<p class=\"notice\">");
        rb_esc(b, r->why);
        rb_add(b, "</p>\n");
    }
}

/* ---- one run --------------------------------------------------------------------------------- */

/* A list of names (scripts, files), growing. */
typedef struct names {
    char **v;
    int n, cap;
} names;

static void names_add(names *l, const char *s)
{
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 64;
        char **p = realloc(l->v, (size_t)cap * sizeof *p);
        if (!p)
            return;
        l->v = p, l->cap = cap;
    }
    if ((l->v[l->n] = strdup(s)))
        l->n++;
}

static bool names_has(const names *l, const char *s)
{
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->v[i], s))
            return true;
    return false;
}

static void names_free(names *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the scripts named in summary.json's analyses, in order (one folder's names only) */
static void scripts_in(const cJSON *j, names *out)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, j) {
        if (c->string && !strcmp(c->string, "script") && cJSON_IsString(c)) {
            const char *v = c->valuestring;
            if (!strchr(v, '/') && v[0] != '.' && strlen(v) < 250 && !names_has(out, v))
                names_add(out, v);
        } else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
            scripts_in(c, out);
        }
    }
}

/* the names in dir ending with one of exts (NULL-terminated), regular files only, sorted */
static void list_files(const char *dir, const char *const *exts, names *out)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    int from = out->n;
    while ((de = readdir(d))) {
        const char *nm = de->d_name, *dot = strrchr(nm, '.');
        if (nm[0] == '.' || !dot || strlen(nm) >= 250)
            continue;
        for (int k = 0; exts[k]; k++)
            if (!strcmp(dot, exts[k])) {
                names_add(out, nm);
                break;
            }
    }
    closedir(d);
    if (out->n - from > 1)
        qsort(out->v + from, (size_t)(out->n - from), sizeof *out->v, by_str);
}

/* a link: the run's folder as the page reaches it, then name */
static void link_to(rb *b, const char *link, const char *name)
{
    rb rel = {0};
    rb_printf(&rel, "%s%s%s", link, *link ? "/" : "", name);
    rb_href(b, rel.p ? rel.p : "");
    rb_free(&rel);
}

static void run_figures(rb *b, const rrun *r, const char *link)
{
    names fs = {0};
    /* curves and the data first, then the studies' figures in the order summary.json has,
     * then any other script in the folder */
    names_add(&fs, "curves.gp");
    names_add(&fs, "dataset.gp");
    if (r->summary)
        scripts_in(cJSON_GetObjectItemCaseSensitive(r->summary, "analyses"), &fs);
    static const char *const gp[] = {".gp", NULL};
    names more = {0};
    list_files(r->dir, gp, &more);
    for (int i = 0; i < more.n; i++)
        if (!names_has(&fs, more.v[i]))
            names_add(&fs, more.v[i]);
    names_free(&more);
    int shown = 0;
    for (int i = 0; i < fs.n; i++) {
        char script[4400], base[300], path[4400], caption[1100], file[320];
        nn_path_join(script, sizeof script, r->dir, fs.v[i]);
        struct stat st;
        if (stat(script, &st) || !S_ISREG(st.st_mode))
            continue;
        snprintf(base, sizeof base, "%.*s", (int)(strlen(fs.v[i]) - 3), fs.v[i]);
        bool gif = strlen(base) > 4 && !strcmp(base + strlen(base) - 4, "-gif");
        if (gif)
            base[strlen(base) - 4] = '\0';
        static const char *const pref[] = {".png", ".svg", ".gif", ".pdf"};
        const char *found = NULL;
        for (int k = gif ? 2 : 0; k < (gif ? 3 : 4) && !found; k++) {
            snprintf(file, sizeof file, "%s%s", base, pref[k]);
            nn_path_join(path, sizeof path, r->dir, file);
            if (!lstat(path, &st) && S_ISREG(st.st_mode))
                found = pref[k];
        }
        caption_of(script, caption, sizeof caption);
        if (!shown++)
            rb_add(b, "<h2 id=\"figures\">Figures</h2>\n");
        rb_add(b, "<figure>");
        if (!found || !strcmp(found, ".pdf") || !embed(b, path, caption[0] ? caption : base)) {
            rb_add(b, "<p class=\"notice\">");
            rb_esc(b, base);
            if (found) {
                rb_add(b, ": this figure is not embedded (a PDF, too large, or not an image): <a href=\"");
                link_to(b, link, file);
                rb_add(b, "\">");
                rb_esc(b, file);
                rb_add(b, "</a>");
            } else {
                rb_add(b, ": not drawn (gnuplot was missing, or the run stopped first); its "
                          "script is linked below.");
            }
            rb_add(b, "</p>");
        }
        rb_add(b, "<figcaption><b>");
        rb_esc(b, found ? file : fs.v[i]);
        rb_add(b, "</b>: ");
        rb_esc(b, caption[0] ? caption : "(its script gives no caption)");
        rb_add(b, " <a href=\"");
        link_to(b, link, fs.v[i]);
        rb_add(b, "\">script</a></figcaption></figure>\n");
    }
    names_free(&fs);
}

static void file_links(rb *b, const rrun *r, const char *link)
{
    static const char *const exts[] = {".csv", ".json", ".gp", ".log", ".pdf", NULL};
    rb_add(b, "<h2 id=\"files\">Files</h2>\n<ul class=\"files\">\n");
    names fs = {0};
    list_files(r->dir, exts, &fs);
    for (int k = 0; k < r->n_models; k++) {
        char sub[4400];
        nn_path_join(sub, sizeof sub, r->dir, r->models[k].label);
        names in = {0};
        list_files(sub, exts, &in);
        for (int i = 0; i < in.n; i++) {
            rb name = {0};
            rb_printf(&name, "%s/%s", r->models[k].label, in.v[i]);
            if (name.p)
                names_add(&fs, name.p);
            rb_free(&name);
        }
        names_free(&in);
    }
    for (int i = 0; i < fs.n; i++) {
        rb_add(b, "<li><a href=\"");
        link_to(b, link, fs.v[i]);
        rb_add(b, "\">");
        rb_esc(b, fs.v[i]);
        rb_add(b, "</a></li>\n");
    }
    rb_add(b, "</ul>\n");
    names_free(&fs);
}

static void metrics_path(char *buf, size_t cap, const rrun *r, const rmodel *m)
{
    char sub[4400];
    nn_path_join(sub, sizeof sub, r->dir, m->label);
    nn_path_join(buf, cap, sub, "metrics.csv");
}

static void run_page(rb *b, rrun *r, const char *link, pagefig *pf)
{
    const char *name = r->spec ? jstr(r->spec, "name") : NULL;
    const char *desc = r->spec ? jstr(r->spec, "description") : NULL;
    char title[400];
    snprintf(title, sizeof title, "%.300s: nnlab run", name ? name : r->name);
    head(b, title);
    rb_add(b, "<header><h1>");
    rb_esc(b, name ? name : r->name);
    rb_add(b, "</h1>\n");
    if (desc) {
        rb_add(b, "<p class=\"desc\">");
        rb_esc(b, desc);
        rb_add(b, "</p>\n");
    }
    status_line(b, r);
    rb_add(b, "</header>\n<h2 id=\"reproduce\">Reproduce</h2>\n");
    const char *ver = r->manifest ? jstr(r->manifest, "nnlab_version") : NULL;
    const char *sha = r->manifest ? jstr(r->manifest, "spec_sha256") : NULL;
    rb_add(b, "<p>From this folder, with nnlab ");
    rb_esc(b, ver ? ver : "(version unknown)");
    rb_add(b, " (<code>spec.json</code> is the resolved spec, every default and <code>--set</code> "
              "written out; the same spec and seed give the same files):</p>\n"
              "<p class=\"cmd\"><code>nnlab run spec.json --out again</code></p>\n");
    if (sha) {
        rb_add(b, "<p class=\"meta\">spec.json SHA-256 ");
        rb_esc(b, sha);
        rb_add(b, "</p>\n");
    }
    if (r->spec) {
        char *text = cJSON_Print(r->spec);
        if (text) {
            rb_add(b, "<details><summary>The resolved spec</summary>\n<pre>");
            rb_esc(b, text);
            rb_add(b, "</pre></details>\n");
            free(text);
        }
    }
    if (r->n_models) {
        bool test = any_test(&r, 1);
        rb_add(b, "<h2 id=\"models\">Models</h2>\n<table class=\"sortable\" id=\"models-table\">"
                  "<thead><tr>");
        model_heads(b, test);
        rb_add(b, "</tr></thead>\n<tbody>\n");
        for (int i = 0; i < r->n_models; i++) {
            rb_add(b, "<tr>");
            model_cells(b, &r->models[i], test);
            rb_add(b, "</tr>\n");
        }
        rb_add(b, "</tbody></table>\n<p class=\"meta\">epochs: the epochs it trained; converged "
                  "at: the epoch its train error reached the target (blank: never); click a "
                  "heading to sort.</p>\n");
    } else {
        rb_add(b, "<h2 id=\"models\">Models</h2>\n<p>No model finished training.</p>\n");
    }
    /* replicates pooled, when the run has any */
    rgroups g = {0};
    bool pooled = false;
    for (int i = 0; i < r->n_models; i++) {
        char path[4400];
        metrics_path(path, sizeof path, r, &r->models[i]);
        int gi = rep_group(&g, r->models[i].group);
        rep_member(&g, gi, path);
        pooled = pooled || strcmp(r->models[i].group, r->models[i].label);
    }
    if (pooled)
        bands_section(b, pf, &g, "training curves pooled over replicates",
                      "Each model's replicates (its seeds) pooled: at every epoch the median "
                      "(line), the interquartile range (dark band) and the minimum to maximum "
                      "(light band); a replicate that stopped early keeps its last value.");
    rep_groups_free(&g);
    run_figures(b, r, link);
    file_links(b, r, link);
    tail(b);
}

/* ---- several runs: a sweep's points, or runs named side by side ------------------------------ */

typedef struct kv {
    char *path, *value;
} kv;

typedef struct flat {
    kv *v;
    int n, cap;
} flat;

static void flat_add(flat *f, const char *path, const char *value)
{
    if (f->n == f->cap) {
        int cap = f->cap ? 2 * f->cap : 64;
        kv *p = realloc(f->v, (size_t)cap * sizeof *p);
        if (!p)
            return;
        f->v = p, f->cap = cap;
    }
    f->v[f->n].path = strdup(path);
    f->v[f->n].value = strdup(value);
    if (f->v[f->n].path && f->v[f->n].value)
        f->n++;
}

/* the spec as path = value: objects by key, lists of objects by position, other lists whole */
static void flatten(flat *f, const cJSON *j, char *path, size_t len, size_t cap)
{
    bool objects = cJSON_IsArray(j) && cJSON_IsObject(j->child);
    if (cJSON_IsObject(j) || objects) {
        const cJSON *c;
        int i = 0;
        cJSON_ArrayForEach(c, j) {
            int w = objects ? snprintf(path + len, cap - len, "%s%d", len ? "." : "", i++)
                            : snprintf(path + len, cap - len, "%s%s", len ? "." : "", c->string);
            if (w > 0 && (size_t)w < cap - len)
                flatten(f, c, path, len + (size_t)w, cap);
            path[len] = '\0';
        }
        return;
    }
    if (cJSON_IsString(j)) {
        flat_add(f, path, j->valuestring);
        return;
    }
    char *text = cJSON_PrintUnformatted(j);
    if (text)
        flat_add(f, path, text);
    free(text);
}

static void flat_free(flat *f)
{
    for (int i = 0; i < f->n; i++)
        free(f->v[i].path), free(f->v[i].value);
    free(f->v);
    memset(f, 0, sizeof *f);
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const kv *)a)->path, ((const kv *)b)->path);
}

/* a flattened spec sorted by path, for flat_get */
static void flat_sort(flat *f)
{
    if (f->n > 1)
        qsort(f->v, (size_t)f->n, sizeof *f->v, by_path);
}

static const char *flat_get(const flat *f, const char *path)
{
    kv key = {.path = (char *)path};
    const kv *hit = f->n ? bsearch(&key, f->v, (size_t)f->n, sizeof *f->v, by_path) : NULL;
    return hit ? hit->value : NULL;
}

static int by_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the paths whose values differ between the runs (present in one and not another counts),
 * in path order: every path once (sorted, duplicates dropped), then each run's value by
 * binary search, so many runs cost n log n, not n^2 */
static int differing(flat *fl, int n, char ***out)
{
    size_t total = 0;
    for (int r = 0; r < n; r++)
        total += (size_t)fl[r].n;
    char **all = malloc((total ? total : 1) * sizeof *all);
    *out = NULL;
    if (!all)
        return 0;
    size_t k = 0;
    for (int r = 0; r < n; r++)
        for (int i = 0; i < fl[r].n; i++)
            all[k++] = fl[r].v[i].path;
    qsort(all, k, sizeof *all, by_cstr);
    int d = 0;
    for (size_t i = 0; i < k; i++) {
        if (i && !strcmp(all[i], all[i - 1]))
            continue;
        const char *first = flat_get(&fl[0], all[i]);
        bool differs = !first;
        for (int r = 1; r < n && !differs; r++) {
            const char *v = flat_get(&fl[r], all[i]);
            differs = !v || strcmp(v, first);
        }
        if (differs)
            all[d++] = all[i];
    }
    *out = all;
    return d;
}

/* "path=value" of a sweep point's sets: the value of path, or NULL */
static const char *set_value(const cJSON *sets, const char *path)
{
    const cJSON *s;
    size_t n = strlen(path);
    cJSON_ArrayForEach(s, sets)
        if (cJSON_IsString(s) && !strncmp(s->valuestring, path, n) && s->valuestring[n] == '=')
            return s->valuestring + n + 1;
    return NULL;
}

typedef struct many {
    rrun **runs;        /* every run shown (sweep points, runs named) */
    int n;
    const char **label; /* a run's name in the table and the bands ("run" or "sweep/point") */
    char **cols;        /* the settings that differ */
    int n_cols;
    flat *fl;           /* each run's flattened spec (runs named) */
    bool sweep;         /* one sweep: cols are its axes, values from the points' sets */
    const char *sweep_dir;
} many;

static const char *setting(const many *m, int r, int c)
{
    const char *v = m->sweep ? set_value(m->runs[r]->sets, m->cols[c]) : flat_get(&m->fl[r], m->cols[c]);
    return v;
}

static void runs_table(rb *b, const many *m, const char *link_base)
{
    bool test = any_test(m->runs, m->n);
    int rows = 0;
    for (int r = 0; r < m->n; r++)
        rows += m->runs[r]->n_models ? m->runs[r]->n_models : 1;
    rb_add(b, "<h2 id=\"runs\">");
    rb_add(b, m->sweep ? "Points" : "Runs");
    rb_printf(b, "</h2>\n<p class=\"meta\">%d %s, %d rows (one per model); ", m->n,
              m->sweep ? "points" : "runs", rows);
    if (m->n_cols)
        rb_add(b, "the settings shown are those that differ; ");
    rb_add(b, "click a heading to sort.</p>\n");
    if (rows > PAGE_ROWS)
        rb_add(b, "<div class=\"pager\" id=\"runs-table-pager\"><button class=\"prev\">previous"
                  "</button><button class=\"next\">next</button><span></span></div>\n");
    rb_add(b, "<table class=\"sortable\" id=\"runs-table\"><thead><tr><th>");
    rb_add(b, m->sweep ? "point" : "run");
    rb_add(b, "</th>");
    for (int c = 0; c < m->n_cols; c++) {
        rb_add(b, "<th>");
        rb_esc(b, m->cols[c]);
        rb_add(b, "</th>");
    }
    rb_add(b, "<th>run status</th>");
    model_heads(b, test);
    rb_add(b, "</tr></thead>\n<tbody>\n");
    char rel[4400], href[4500];
    for (int r = 0; r < m->n; r++) {
        rrun *run = m->runs[r];
        int k = run->n_models ? run->n_models : 1;
        rep_relpath(rel, sizeof rel, link_base, run->dir);
        for (int i = 0; i < k; i++) {
            rb_add(b, "<tr><td");
            if (m->sweep)
                rb_printf(b, " data-v=\"%d\"", run->point);
            rb_add(b, ">");
            if (run->point_ok) {
                rb_add(b, "<a href=\"");
                snprintf(href, sizeof href, "%s%sindex.html", rel, *rel ? "/" : "");
                rb_href(b, href);
                rb_add(b, "\">");
            }
            rb_esc(b, m->label[r]);
            rb_add(b, run->point_ok ? "</a></td>" : "</td>");
            for (int c = 0; c < m->n_cols; c++) {
                const char *v = setting(m, r, c);
                rb_add(b, "<td>");
                rb_esc(b, v ? v : "");
                rb_add(b, "</td>");
            }
            rb_add(b, "<td>");
            badge(b, run->status);
            if (m->sweep && run->point_ok) {   /* the point's log, in the sweep's logs folder */
                char log[4400], swrel[4400];
                const char *slash = strrchr(run->dir, '/');
                snprintf(log, sizeof log, "logs/%s.log", slash ? slash + 1 : run->dir);
                rep_relpath(swrel, sizeof swrel, link_base, m->sweep_dir);
                rb_add(b, " <a href=\"");
                link_to(b, swrel, log);
                rb_add(b, "\">log</a>");
            }
            if (run->why[0] && i == 0) {
                rb_add(b, "<br><span class=\"meta\">");
                rb_esc(b, run->why);
                rb_add(b, "</span>");
            }
            rb_add(b, "</td>");
            if (run->n_models)
                model_cells(b, &run->models[i], test);
            else
                for (int c = 0; c < 7 + test; c++)
                    rb_add(b, "<td data-v=\"\"></td>");
            rb_add(b, "</tr>\n");
        }
    }
    rb_add(b, "</tbody></table>\n");
}

/* the difference of the runs' resolved specs, path by path */
static void spec_diff(rb *b, const many *m, char **paths, int n)
{
    rb_add(b, "<h2 id=\"diff\">How their specs differ</h2>\n");
    if (!n) {
        rb_add(b, "<p>Their resolved specs are the same.</p>\n");
        return;
    }
    rb_add(b, "<table class=\"sortable\" id=\"diff-table\"><thead><tr><th>setting</th>");
    for (int r = 0; r < m->n; r++) {
        rb_add(b, "<th>");
        rb_esc(b, m->label[r]);
        rb_add(b, "</th>");
    }
    rb_add(b, "</tr></thead>\n<tbody>\n");
    for (int i = 0; i < n && i < MAX_DIFF_ROWS; i++) {
        rb_add(b, "<tr><td><code>");
        rb_esc(b, paths[i]);
        rb_add(b, "</code></td>");
        for (int r = 0; r < m->n; r++) {
            const char *v = flat_get(&m->fl[r], paths[i]);
            rb_add(b, "<td>");
            if (v)
                rb_esc(b, v);
            else
                rb_add(b, "<span class=\"meta\">(absent)</span>");
            rb_add(b, "</td>");
        }
        rb_add(b, "</tr>\n");
    }
    rb_add(b, "</tbody></table>\n");
    if (n > MAX_DIFF_ROWS)
        rb_printf(b, "<p class=\"meta\">%d more settings differ.</p>\n", n - MAX_DIFF_ROWS);
}

static void status_counts(rb *b, rrun *const *runs, int n)
{
    const char *seen[16];
    int count[16], k = 0;
    for (int i = 0; i < n; i++) {
        int j = 0;
        while (j < k && strcmp(seen[j], runs[i]->status))
            j++;
        if (j == k && k < 16)
            seen[k] = runs[i]->status, count[k++] = 0;
        if (j < k)
            count[j]++;
    }
    rb_add(b, "<p>");
    for (int j = 0; j < k; j++) {
        rb_printf(b, "%s%d ", j ? " &nbsp; " : "", count[j]);
        badge(b, seen[j]);
    }
    rb_add(b, "</p>\n");
}

static void many_page(rb *b, many *m, const rsweep *sw, const char *link_base, pagefig *pf)
{
    const rrun *any = NULL;
    for (int r = 0; r < m->n && !any; r++)
        if (m->runs[r]->spec)
            any = m->runs[r];
    const char *name = any ? jstr(any->spec, "name") : NULL;
    char title[400];
    if (sw)
        snprintf(title, sizeof title, "%.300s: nnlab sweep of %d points", name ? name : "sweep", m->n);
    else
        snprintf(title, sizeof title, "nnlab: %d runs side by side", m->n);
    head(b, title);
    rb_add(b, "<header><h1>");
    rb_esc(b, title);
    rb_add(b, "</h1>\n");
    const char *desc = any ? jstr(any->spec, "description") : NULL;
    if (sw && desc) {
        rb_add(b, "<p class=\"desc\">");
        rb_esc(b, desc);
        rb_add(b, "</p>\n");
    }
    status_counts(b, m->runs, m->n);
    rb_add(b, "</header>\n");
    if (sw) {
        /* from the sweep's folder, a new sweep beside it: the same points give the same
         * files (the spec's path relative to the folder, so the page holds no path of the
         * machine) */
        const char *spec = jstr(sw->j, "spec");
        char rel[4400] = "SPEC";
        if (spec && spec[0] == '/')
            rep_relpath(rel, sizeof rel, sw->dir, spec);
        rb_add(b, "<h2 id=\"reproduce\">Reproduce</h2>\n<p>From this folder (a new sweep in "
                  "<code>again/</code>; the same spec and seeds give the same files):</p>\n"
                  "<p class=\"cmd\"><code>nnlab sweep ");
        shell_word(b, rel);
        const cJSON *s;
        cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(sw->j, "sets"))   /* fixed ones too */
            if (cJSON_IsString(s)) {
                rb_add(b, " --set ");
                shell_word(b, s->valuestring);
            }
        rb_add(b, " --out again</code></p>\n");
        const char *ver = jstr(sw->j, "nnlab_version");
        rb_add(b, "<p class=\"meta\">nnlab ");
        rb_esc(b, ver ? ver : "(version unknown)");
        rb_add(b, "; each point's page has its resolved spec; <a href=\"");
        char link[4400];
        rep_relpath(link, sizeof link, link_base, sw->dir);
        link_to(b, link, "sweep.json");
        rb_add(b, "\">sweep.json</a> lists the points.</p>\n");
    }
    /* bands: a group per model and setting, pooled over every seed */
    rgroups g = {0}, models = {0}, settings = {0};   /* colour: the model; dash: the setting */
    for (int r = 0; r < m->n; r++) {
        rrun *run = m->runs[r];
        rb set = {0};
        for (int c = 0; c < m->n_cols && sw; c++)
            if (!rep_seed_path(m->cols[c])) {
                const char *v = setting(m, r, c);
                rb_printf(&set, ", %s=%s", m->cols[c], v ? v : "");
            }
        int dash = sw ? rep_group(&settings, set.p ? set.p : "") : r;
        for (int i = 0; i < run->n_models; i++) {
            rb name_b = {0};
            if (!sw)
                rb_add(&name_b, m->label[r]), rb_add(&name_b, ": ");
            rb_add(&name_b, run->models[i].group);
            if (set.p)
                rb_add(&name_b, set.p);
            char path[4400];
            metrics_path(path, sizeof path, run, &run->models[i]);
            if (name_b.p)
                rep_member(&g, rep_group_styled(&g, name_b.p, rep_group(&models, run->models[i].group),
                                                dash), path);
            rb_free(&name_b);
        }
        rb_free(&set);
    }
    rep_groups_free(&models);
    rep_groups_free(&settings);
    bands_section(b, pf, &g, sw ? "training curves pooled over seeds" : "training curves",
                  sw ? "Each model's training curves pooled over the sweep's seeds (and its "
                       "replicates), per value of the other settings: at every epoch the median "
                       "(line), the interquartile range (dark band) and the minimum to maximum "
                       "(light band); a run that stopped early keeps its last value."
                     : "Each run's models' training curves overlaid (a model with replicates: "
                       "their median, interquartile band and min-max band).");
    rep_groups_free(&g);
    histogram_section(b, pf, m->runs, m->n, sw ? "what the points' models ended with"
                                               : "what the runs' models ended with");
    runs_table(b, m, link_base);
    if (!sw && m->n >= 2) {
        char **paths = NULL;
        int n = differing(m->fl, m->n, &paths);
        spec_diff(b, m, paths, n);
        free(paths);
    }
    tail(b);
}

/* ---- writing a page ------------------------------------------------------------------------ */

bool nn_report_is_page(const char *path)
{
    int fd = nn_open_read(path, "page", NULL, NULL);
    if (fd < 0)
        return false;
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return strstr(buf, "<meta name=\"generator\" content=\"nnlab report\">") != NULL;
}

static void folder_of(char *out, size_t cap, const char *file)
{
    snprintf(out, cap, "%s", file);
    char *slash = strrchr(out, '/');
    if (!slash)
        snprintf(out, cap, ".");
    else if (slash == out)
        out[1] = '\0';
    else
        *slash = '\0';
}

int nn_report_write(const char *const *dirs, int n, const char *out, const nn_report_opts *o,
                    char *note, size_t cap, nn_err *e)
{
    if (note && cap)
        note[0] = '\0';
    char page[4400], page_dir[4400];
    if (out)
        snprintf(page, sizeof page, "%s", out);
    else
        nn_path_join(page, sizeof page, dirs[0], "index.html");
    folder_of(page_dir, sizeof page_dir, page);
    pagefig pf = {.o = o};
    pf.fig = (nn_fig_opts){NN_FIG_PNG, 1, o ? o->gnuplot : NULL};
    rb b = {0};
    int rc = NN_OK;
    rsweep *sweeps = calloc((size_t)n, sizeof *sweeps);
    rrun *solo = calloc((size_t)n, sizeof *solo);
    many m = {0};
    if (!sweeps || !solo) {
        rc = nn_err_set(e, NN_ENOMEM, page, "out of memory");
        goto out;
    }
    bool one_sweep = n == 1 && rep_is_sweep(dirs[0]);
    int total = 0;
    for (int i = 0; i < n; i++) {
        if (rep_is_sweep(dirs[i])) {
            if ((rc = rep_sweep_load(&sweeps[i], dirs[i], e)))
                goto out;
            total += sweeps[i].n;
        } else {
            rep_run_load(&solo[i], dirs[i], n == 1 ? (o ? o->status : NULL) : NULL);
            total++;
        }
    }
    if (n == 1 && !one_sweep) {
        char link[4400];
        rep_relpath(link, sizeof link, page_dir, dirs[0]);
        run_page(&b, &solo[0], link, &pf);
    } else {
        m.runs = calloc((size_t)total + 1, sizeof *m.runs);
        m.label = calloc((size_t)total + 1, sizeof *m.label);
        m.fl = calloc((size_t)total + 1, sizeof *m.fl);
        char **labels = calloc((size_t)total + 1, sizeof *labels);
        if (!m.runs || !m.label || !m.fl || !labels) {
            free(labels);
            rc = nn_err_set(e, NN_ENOMEM, page, "out of memory");
            goto out;
        }
        for (int i = 0; i < n; i++) {
            if (sweeps[i].dir) {
                for (int k = 0; k < sweeps[i].n; k++) {
                    rrun *r = &sweeps[i].points[k];
                    m.runs[m.n] = r;
                    if (one_sweep) {
                        m.label[m.n] = r->name;
                    } else {   /* the point's folder as the page reaches it: unique */
                        char rel[4400];
                        rep_relpath(rel, sizeof rel, page_dir, r->dir);
                        labels[m.n] = strdup(*rel ? rel : ".");
                        m.label[m.n] = labels[m.n] ? labels[m.n] : r->name;
                    }
                    m.n++;
                }
            } else {   /* the run's folder as the page reaches it: two runs never share a name */
                char rel[4400];
                rep_relpath(rel, sizeof rel, page_dir, dirs[i]);
                labels[m.n] = strdup(*rel ? rel : ".");
                m.runs[m.n] = &solo[i];
                m.label[m.n] = labels[m.n] ? labels[m.n] : solo[i].name;
                m.n++;
            }
        }
        for (int r = 0; r < m.n; r++) {
            char path[200] = "";
            if (m.runs[r]->spec)
                flatten(&m.fl[r], m.runs[r]->spec, path, 0, sizeof path);
            flat_sort(&m.fl[r]);
        }
        if (one_sweep) {   /* the axes with more than one value */
            const cJSON *ax, *axes = cJSON_GetObjectItemCaseSensitive(sweeps[0].j, "axes");
            m.cols = calloc((size_t)cJSON_GetArraySize(axes) + 1, sizeof *m.cols);
            const cJSON *list = m.cols ? axes : NULL;
            cJSON_ArrayForEach(ax, list) {
                const char *p = jstr(ax, "path");
                if (p && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(ax, "values")) > 1)
                    m.cols[m.n_cols++] = (char *)p;
            }
            m.sweep = true;
            m.sweep_dir = sweeps[0].dir;
        } else {
            m.n_cols = differing(m.fl, m.n, &m.cols);
            if (m.n_cols > 12)   /* the table shows a dozen; the diff below lists them all */
                m.n_cols = 12;
        }
        many_page(&b, &m, one_sweep ? &sweeps[0] : NULL, page_dir, &pf);
        for (int r = 0; r < m.n; r++)
            free(labels[r]);
        free(labels);
    }
    if (b.failed) {
        rc = nn_err_set(e, NN_ENOMEM, page, "out of memory");
        goto out;
    }
    nn_file w;
    if ((rc = nn_file_open(&w, page, e)))
        goto out;
    fwrite(b.p, 1, b.len, w.f);
    rc = nn_file_commit(&w, e);
    if (!rc && pf.missing && note && cap)
        snprintf(note, cap, "the page's seed bands and histograms were not drawn: gnuplot is "
                 "not installed");
out:
    if (pf.have_tmp)
        tmp_remove(pf.tmp);
    for (int r = 0; m.fl && r < m.n; r++)
        flat_free(&m.fl[r]);
    free(m.fl);
    free(m.runs);
    free(m.label);
    free(m.cols);
    for (int i = 0; i < n && sweeps && solo; i++) {
        if (sweeps[i].dir)
            rep_sweep_free(&sweeps[i]);
        rep_run_free(&solo[i]);
    }
    free(sweeps);
    free(solo);
    rb_free(&b);
    return rc;
}

/* ---- collect --curves ---------------------------------------------------------------------- */

int nn_report_curves(const char *const *dirs, int n, const char *outdir, const char *base,
                     const char *gnuplot, bool *missing, char *note, size_t cap, nn_err *e)
{
    rgroups g = {0}, models = {0}, settings = {0};   /* colour: the model; dash: the setting */
    int rc = NN_OK;
    for (int i = 0; i < n && !rc; i++) {
        rsweep sw = {0};
        rrun one;
        rrun *runs = &one;
        int k = 1;
        bool is_sweep = rep_is_sweep(dirs[i]);
        if (is_sweep) {
            if ((rc = rep_sweep_load(&sw, dirs[i], e)))
                break;
            runs = sw.points, k = sw.n;
        } else {
            rep_run_load(&one, dirs[i], NULL);
        }
        for (int r = 0; r < k; r++)
            for (int q = 0; q < runs[r].n_models; q++) {
                rb name = {0}, set = {0};
                if (n > 1)   /* the folder as named: two never share it */
                    rb_printf(&set, "%s: ", dirs[i]);
                const cJSON *s;
                cJSON_ArrayForEach(s, runs[r].sets) {
                    const char *eq = cJSON_IsString(s) ? strchr(s->valuestring, '=') : NULL;
                    char path[300];
                    if (!eq)
                        continue;
                    snprintf(path, sizeof path, "%.*s", (int)(eq - s->valuestring), s->valuestring);
                    if (!rep_seed_path(path))
                        rb_printf(&set, ", %s", s->valuestring);
                }
                if (n > 1)
                    rb_printf(&name, "%s: ", dirs[i]);
                rb_add(&name, runs[r].models[q].group);
                if (set.p && n <= 1)
                    rb_add(&name, set.p);
                else if (set.p && strchr(set.p, ','))
                    rb_add(&name, strchr(set.p, ','));
                char mp[4400];
                metrics_path(mp, sizeof mp, &runs[r], &runs[r].models[q]);
                if (name.p)
                    rep_member(&g, rep_group_styled(&g, name.p, rep_group(&models, runs[r].models[q].group),
                                                    rep_group(&settings, set.p ? set.p : "")), mp);
                rb_free(&name);
                rb_free(&set);
            }
        if (is_sweep)
            rep_sweep_free(&sw);
        else
            rep_run_free(&one);
    }
    if (!rc) {
        nn_fig_opts fig = {NN_FIG_PNG, 1, gnuplot};
        bool drawn;
        rc = rep_bands(&g, outdir, base, "training curves pooled over seeds", &fig, &drawn,
                       missing, note, cap, e);
        if (!rc && !g.n_m && note && cap)
            snprintf(note, cap, "no model's metrics.csv found");
    }
    rep_groups_free(&g);
    rep_groups_free(&models);
    rep_groups_free(&settings);
    return rc;
}
