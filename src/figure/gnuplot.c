/* gnuplot.c: gnuplot scripts in the house style, and running gnuplot on them without a
 * shell (see figure.h). */
#define _GNU_SOURCE   /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nnlab/figure.h"
#include "nnlab/io.h"
#include "nnlab/names.h"

const char *const nn_fig_format_names[3] = {"png", "svg", "pdf"};

/* ---- the theme ------------------------------------------------------------------------------ */

/* matplotlib's tab10 */
const nn_rgb nn_fig_series[NN_FIG_N_SERIES] = {
    {0x1f, 0x77, 0xb4}, {0xff, 0x7f, 0x0e}, {0x2c, 0xa0, 0x2c}, {0xd6, 0x27, 0x28},
    {0x94, 0x67, 0xbd}, {0x8c, 0x56, 0x4b}, {0xe3, 0x77, 0xc2}, {0x7f, 0x7f, 0x7f},
    {0xbc, 0xbd, 0x22}, {0x17, 0xbe, 0xcf},
};
const nn_rgb nn_fig_class0 = {0xe0, 0x7b, 0x20}, nn_fig_class1 = {0x1f, 0x5f, 0xb4};
const nn_rgb nn_fig_ink = {0x26, 0x26, 0x26}, nn_fig_muted = {0x80, 0x80, 0x80};

/* Dash patterns past the tenth series: solid, dashed, dotted, dash-dot. */
static const char *const dashes[] = {"1", "(8,4)", "(2,3)", "(8,3,2,3)"};

typedef struct stop {
    double t;
    nn_rgb c;
} stop;

static const stop class_map[] = {
    {0.0, {0xc4, 0x5a, 0x0a}}, {0.25, {0xf0, 0xa8, 0x6a}}, {0.5, {0xf7, 0xf7, 0xf7}},
    {0.75, {0x8e, 0xb3, 0xdc}}, {1.0, {0x17, 0x4a, 0x8f}},
};
static const stop signed_map[] = {   /* PRGn */
    {0.0, {0x76, 0x2a, 0x83}}, {0.25, {0xc2, 0xa5, 0xcf}}, {0.5, {0xf7, 0xf7, 0xf7}},
    {0.75, {0xa6, 0xdb, 0xa0}}, {1.0, {0x1b, 0x78, 0x37}},
};
static const stop seq_map[] = {
    {0.0, {0xff, 0xff, 0xff}}, {0.35, {0xc6, 0xdb, 0xef}}, {0.7, {0x42, 0x92, 0xc6}},
    {1.0, {0x08, 0x30, 0x6b}},
};

static const stop *map_stops(nn_cmap m, int *n)
{
    switch (m) {
    case NN_CMAP_SIGNED: *n = 5; return signed_map;
    case NN_CMAP_SEQUENTIAL: *n = 4; return seq_map;
    default: *n = 5; return class_map;
    }
}

nn_rgb nn_cmap_color(nn_cmap m, double t)
{
    int n;
    const stop *s = map_stops(m, &n);
    if (!(t > 0))
        t = 0;        /* and NaN */
    if (t > 1)
        t = 1;
    int i = 0;
    while (i < n - 2 && t > s[i + 1].t)
        i++;
    double f = (t - s[i].t) / (s[i + 1].t - s[i].t);
    nn_rgb a = s[i].c, b = s[i + 1].c;
    return (nn_rgb){(uint8_t)lround(a.r + f * (b.r - a.r)), (uint8_t)lround(a.g + f * (b.g - a.g)),
                    (uint8_t)lround(a.b + f * (b.b - a.b))};
}

int nn_fig_parse_formats(const char *text, unsigned *formats, nn_err *e)
{
    *formats = 0;
    const char *p = text;
    for (;;) {
        size_t n = strcspn(p, ",");
        int k = -1;
        for (int i = 0; i < 3; i++)
            if (n == 3 && !strncmp(p, nn_fig_format_names[i], 3))
                k = i;
        if (k < 0)
            return nn_err_set(e, NN_EUSAGE, "--format", "unknown figure format \"%.*s\" (expected "
                              "a comma-separated list of png, svg, pdf)", (int)(n < 40 ? n : 40), p);
        *formats |= 1u << k;
        if (!p[n])
            return NN_OK;
        p += n + 1;
    }
}

/* ---- scripts ------------------------------------------------------------------------------- */

void nn_gp_quote(char *buf, size_t cap, const char *s)
{
    size_t k = 0;
    if (cap < 3) {
        if (cap)
            buf[0] = '\0';
        return;
    }
    buf[k++] = '\'';
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = nn_utf8_char(p);
        if (n == 0) {                        /* not UTF-8 (a Latin-1 header): a '?' */
            if (k + 2 >= cap)
                break;
            buf[k++] = '?';
            p++;
            continue;
        }
        if (n == 1 && (*p < 0x20 || *p == 0x7f)) {
            p++;                             /* a newline would end the command */
            continue;
        }
        if (*p == '\'') {
            /* gnuplot 5.4 reads '' as a quote inside '...' but not at the start or twice
             * in a row; a typographic apostrophe (U+2019) always reads */
            if (k + 5 >= cap)
                break;
            buf[k++] = (char)0xe2;
            buf[k++] = (char)0x80;
            buf[k++] = (char)0x99;
            p++;
            continue;
        }
        if (*p == '>' && k >= 3 && buf[k - 1] == ']' && buf[k - 2] == ']') {
            if (k + 3 >= cap)                /* "]]>" would end an SVG's CDATA: "]] >" */
                break;
            buf[k++] = ' ';
        }
        if (k + n + 1 >= cap)                /* whole characters only */
            break;
        memcpy(buf + k, p, n);
        k += n;
        p += n;
    }
    buf[k++] = '\'';
    buf[k] = '\0';
}

void nn_gp_str(nn_gp *g, const char *s)
{
    char q[1200];
    nn_gp_quote(q, sizeof q, s);
    fputs(q, g->f);
}

void nn_gp_series(char *buf, size_t cap, int i)
{
    nn_rgb c = nn_fig_series[i % NN_FIG_N_SERIES];
    snprintf(buf, cap, "lc rgb '#%02x%02x%02x' dt %s", c.r, c.g, c.b,
             dashes[(i / NN_FIG_N_SERIES) % 4]);
}

void nn_gp_series_color(char *buf, size_t cap, int i)
{
    nn_rgb c = nn_fig_series[i % NN_FIG_N_SERIES];
    snprintf(buf, cap, "lc rgb '#%02x%02x%02x'", c.r, c.g, c.b);
}

static void hex(char *buf, nn_rgb c) { snprintf(buf, 8, "#%02x%02x%02x", c.r, c.g, c.b); }

/* The theme, after the terminal: everything a figure's look depends on, in one block the
 * user can edit. */
static void theme(FILE *f)
{
    char c0[8], c1[8], ink[8], muted[8];
    hex(c0, nn_fig_class0);
    hex(c1, nn_fig_class1);
    hex(ink, nn_fig_ink);
    hex(muted, nn_fig_muted);
    fprintf(f,
            "# ---- nnlab's house theme ---------------------------------------------------\n"
            "set encoding utf8\n"
            "set datafile separator ','\n"
            "set border 3 lw 1 lc rgb '%s'\n"
            "set tics nomirror out scale 0.5 textcolor rgb '%s'\n"
            "set grid back lw 1 lc rgb '#e6e6e6' dt 1\n"
            "set key outside right top vertical Left reverse noautotitle samplen 2.5 spacing 1.15 "
            "nobox textcolor rgb '%s'\n"
            "set title font sprintf(',%%g', FS * 1.1) textcolor rgb '%s'\n"
            "set xlabel textcolor rgb '%s'\nset ylabel textcolor rgb '%s'\n"
            "set style fill solid 1.0 noborder\n"
            "set pointsize 0.8 * PS\n",
            ink, ink, ink, ink, ink, ink);
    fputs("# series colours: lt 1 ... 10 (matplotlib's tab10); classes, ink, muted\n", f);
    for (int i = 0; i < NN_FIG_N_SERIES; i++) {
        nn_rgb c = nn_fig_series[i];
        fprintf(f, "set linetype %d lc rgb '#%02x%02x%02x' lw 2 dt 1 pt 7\n", i + 1, c.r, c.g, c.b);
    }
    fprintf(f, "set linetype cycle %d\n", NN_FIG_N_SERIES);
    fprintf(f, "CLASS0 = '%s'; CLASS1 = '%s'; INK = '%s'; MUTED = '%s'\n", c0, c1, ink, muted);
    fputs("# ----------------------------------------------------------------------------\n", f);
}

/* An animation's script is <base>-gif.gp, so a still of the same name can stand beside it. */
static void script_name(char *buf, size_t cap, const char *base, bool animation)
{
    snprintf(buf, cap, "%s%s.gp", base, animation ? "-gif" : "");
}

static int begin(nn_gp *g, const char *dir, const char *base, const char *what, bool animation,
                 nn_err *e)
{
    memset(g, 0, sizeof *g);
    snprintf(g->base, sizeof g->base, "%s", base);
    g->animation = animation;
    char name[300], path[4400];
    script_name(name, sizeof name, base, animation);
    nn_path_join(path, sizeof path, dir, name);
    int rc = nn_file_open(&g->w, path, e);
    if (rc)
        return rc;
    g->f = g->w.f;
    /* one comment line, never a command: no control character ends it early, and no
     * trailing backslash continues it onto the next line */
    char line[600];
    size_t n = 0;
    for (const char *c = what; *c && n + 1 < sizeof line; c++)
        line[n++] = (unsigned char)*c < 0x20 || *c == 0x7f ? ' ' : *c;
    while (n && (line[n - 1] == '\\' || line[n - 1] == ' '))
        n--;
    fprintf(g->f, "# nnlab: %.*s\n", (int)n, line);
    return NN_OK;
}

int nn_gp_begin(nn_gp *g, const char *dir, const char *base, const char *what, int w, int h,
                const nn_fig_opts *o, nn_err *e)
{
    int rc = begin(g, dir, base, what, false, e);
    if (rc)
        return rc;
    double size = o && o->size > 0 ? o->size : 1;
    FILE *f = g->f;
    fprintf(f,
            "# Redraw from this folder: gnuplot %s.gp; or in another format or size, e.g.\n"
            "#   gnuplot -e \"fmt='svg'\" %s.gp    (fmt: png, svg, pdf; scale: a size multiplier)\n"
            "if (!exists(\"fmt\")) fmt = 'png'\n"
            "if (!exists(\"scale\")) scale = %.6g\n"
            "if (!exists(\"outfile\")) outfile = '%s.'.fmt\n"
            "W = %d * scale; H = %d * scale; FS = 11 * scale; PS = 1\n"
            "# the same look in every format: svg and pdf measure text, lines and points in other\n"
            "# units (PS scales every point size)\n"
            "if (fmt eq 'svg') {\n"
            "    PS = 0.68\n"
            "    set terminal svg size W,H font sprintf('" NN_FIG_FONT ",%%g', FS) fontscale 1.336 "
            "linewidth scale "
            "noenhanced background '#ffffff'\n"
            "} else { if (fmt eq 'pdf') {\n"
            "    FS = FS * 1.516; PS = 0.76\n"
            "    set terminal pdfcairo size W/96.0,H/96.0 font sprintf('" NN_FIG_FONT ",%%g', FS) "
            "linewidth scale * 1.5 noenhanced background '#ffffff'\n"
            "} else {\n"
            "    set terminal pngcairo size W,H font sprintf('" NN_FIG_FONT ",%%g', FS) linewidth scale "
            "noenhanced background '#ffffff'\n"
            "}}\n"
            "set output outfile\n",
            base, base, size, base, w, h);
    theme(f);
    g->width = w;
    g->height = h;
    g->pad_left = 86, g->pad_right = 22, g->gap_rows = 104;
    return NN_OK;
}

int nn_gp_begin_gif(nn_gp *g, const char *dir, const char *base, const char *what, int w,
                    int h, int delay, const nn_fig_opts *o, nn_err *e)
{
    int rc = begin(g, dir, base, what, true, e);
    if (rc)
        return rc;
    double size = o && o->size > 0 ? o->size : 1;
    fprintf(g->f,
            "# Redraw from this folder: gnuplot %s-gif.gp (an animated GIF, one frame per plot)\n"
            "if (!exists(\"scale\")) scale = %.6g\n"
            "if (!exists(\"outfile\")) outfile = '%s.gif'\n"
            "W = %d * scale; H = %d * scale; FS = 11 * scale; PS = 1\n"
            "# (the gif terminal takes no expression for its font: eval spells it out)\n"
            "eval sprintf(\"set terminal gif animate delay %d loop 0 size %%d,%%d font "
            "'" NN_FIG_FONT ",%%g' noenhanced background '#ffffff'\", W, H, FS)\n"
            "set output outfile\n",
            base, size, base, w, h, delay);
    theme(g->f);
    g->width = w;
    g->height = h;
    g->pad_left = 86, g->pad_right = 22, g->gap_rows = 104;
    return NN_OK;
}

int nn_gp_end(nn_gp *g, nn_err *e)
{
    g->f = NULL;
    return nn_file_commit(&g->w, e);
}

void nn_gp_abort(nn_gp *g)
{
    g->f = NULL;
    nn_file_abort(&g->w);
}

void nn_gp_title(nn_gp *g, const char *title, const char *subtitle)
{
    /* the quote drops control characters, so the line break is put back as gnuplot's own */
    char q[1300];
    nn_gp_quote(q, sizeof q, title);
    if (subtitle && *subtitle) {
        char q2[1300];
        nn_gp_quote(q2, sizeof q2, subtitle);
        fprintf(g->f, "set title %s.\"\\n\".%s\n", q, q2);
    } else {
        fprintf(g->f, "set title %s\n", q);
    }
}

void nn_gp_palette_part(nn_gp *g, nn_cmap m, double t0, double t1, double lo, double hi,
                        const char *label)
{
    /* 41 samples: every stop of the maps falls on one, so gnuplot's linear interpolation
     * between them is the map itself */
    fputs("set palette defined (", g->f);
    for (int i = 0; i <= 40; i++) {
        nn_rgb c = nn_cmap_color(m, t0 + (t1 - t0) * i / 40.0);
        fprintf(g->f, "%s%g '#%02x%02x%02x'", i ? ", " : "", i / 40.0, c.r, c.g, c.b);
    }
    fprintf(g->f, ")\nset cbrange [%.17g:%.17g]\nset cbtics nomirror out scale 0.5\n", lo, hi);
    if (label) {
        fputs("set cblabel ", g->f);
        nn_gp_str(g, label);
        fputc('\n', g->f);
    }
}

void nn_gp_palette(nn_gp *g, nn_cmap m, double lo, double hi, const char *label)
{
    nn_gp_palette_part(g, m, 0, 1, lo, hi, label);
}

void nn_gp_multiplot(nn_gp *g, const char *title)
{
    fputs("set multiplot", g->f);
    if (title) {
        fputs(" title ", g->f);
        nn_gp_str(g, title);
        fputs(" font sprintf(',%g', FS * 1.2)", g->f);
    }
    fputc('\n', g->f);
}

void nn_gp_key_strip(nn_gp *g, int strip_px, int rows)
{
    fprintf(g->f, "# the key, in a strip of its own below the panels\n"
                  "unset title; unset border; unset tics; unset xlabel; unset ylabel; unset x2tics; "
                  "unset y2tics; unset y2label; unset grid; unset arrow; unset label; "
                  "unset colorbox; unset logscale\n"
                  "set lmargin at screen 0.02; set rmargin at screen 0.98\n"
                  "set bmargin at screen 0; set tmargin at screen %.4f\n"
                  "set xrange [0:1]; set yrange [0:1]\n"
                  "set key center center horizontal maxrows %d Left reverse samplen 2.5 width 3\n"
                  "# a constant outside the range draws nothing (a key of keyentry items alone "
                  "trips gnuplot 5.4)\n"
                  "plot 2 with lines lc rgb '#ffffff' notitle",
            strip_px / (double)g->height, rows);
}

void nn_gp_panel(nn_gp *g, int row, int col, int rows, int cols, int top_px, int key_px,
                 int bottom_px)
{
    const double left_px = g->pad_left, right_px = g->pad_right, gap_px = g->gap_rows;
    double W = g->width, H = g->height;
    double pw = (W - key_px - cols * (left_px + right_px)) / cols;
    double ph = (H - top_px - bottom_px - (rows - 1) * gap_px) / rows;
    double x0 = col * (left_px + pw + right_px) + left_px;
    double y1 = H - top_px - row * (ph + gap_px);
    fprintf(g->f, "set lmargin at screen %.4f; set rmargin at screen %.4f\n"
                  "set tmargin at screen %.4f; set bmargin at screen %.4f\n",
            x0 / W, (x0 + pw) / W, y1 / H, (y1 - ph) / H);
}

void nn_gp_key_right(nn_gp *g, int key_px, int top_px)
{
    fprintf(g->f, "set key at screen %.4f, screen %.4f left top vertical Left reverse\n",
            (g->width - key_px + 12.0) / g->width, (g->height - top_px) / (double)g->height);
}

/* ---- running gnuplot ----------------------------------------------------------------------- */

/* Does the file look whole? A PNG ends with its IEND chunk, a PDF with %%EOF, an SVG with
 * </svg>, a GIF with its trailer byte. gnuplot can exit 0 after failing to write. */
static bool whole(const char *path, const char *fmt)
{
    FILE *f = nn_fopen_read(path, "figure", NULL);
    if (!f)
        return false;
    unsigned char tail[64];
    bool ok = false;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        long k = n < (long)sizeof tail ? n : (long)sizeof tail;
        if (n > 8 && fseek(f, n - k, SEEK_SET) == 0 && fread(tail, 1, (size_t)k, f) == (size_t)k) {
            if (!strcmp(fmt, "png"))
                ok = k >= 8 && !memcmp(tail + k - 8, "IEND\xae\x42\x60\x82", 8);
            else if (!strcmp(fmt, "gif"))
                ok = tail[k - 1] == 0x3b;
            else {
                const char *want = !strcmp(fmt, "pdf") ? "%%EOF" : "</svg>";
                size_t wl = strlen(want);
                for (long i = 0; i + (long)wl <= k && !ok; i++)
                    ok = !memcmp(tail + i, want, wl);
            }
        }
    }
    fclose(f);
    return ok;
}

/* cairo stamps a PDF with the time it was drawn, /CreationDate (D:YYYYMMDDHHmmSS...): the
 * same figure must be the same bytes, so the stamp becomes 1970-01-01 00:00:00, in place
 * (same length: the cross-reference table's offsets stay right). gnuplot runs with TZ=UTC, so
 * what follows the digits is always Z. */
static int fix_pdf_date(const char *path)
{
    FILE *f = fopen(path, "r+b");
    if (!f)
        return -1;
    static const char key[] = "/CreationDate (D:";
    enum { K = sizeof key - 1, TAIL = K + 14 };
    char buf[8192];
    long base = 0;
    size_t keep = 0, n;
    while ((n = fread(buf + keep, 1, sizeof buf - keep, f)) > 0) {
        size_t len = keep + n;
        for (size_t i = 0; i + TAIL <= len; i++)
            if (!memcmp(buf + i, key, K)) {
                int rc = fseek(f, base + (long)(i + K), SEEK_SET) != 0 ||
                         fwrite("19700101000000", 1, 14, f) != 14;
                return fclose(f) != 0 || rc ? -1 : 0;
            }
        keep = len < TAIL ? len : TAIL;     /* a key that straddles two reads */
        memmove(buf, buf + len - keep, keep);
        base += (long)(len - keep);
    }
    fclose(f);
    return 0;
}

static int run_one(const char *dir, const char *script, const char *fmt, const char *out,
                   const char *prog, bool *missing, nn_err *e)
{
    char part[400], q[500], def[800], full_part[4600], full_out[4600];
    snprintf(part, sizeof part, "%s.part", out);
    nn_gp_quote(q, sizeof q, part);
    if (fmt)
        snprintf(def, sizeof def, "fmt='%s'; outfile=%s", fmt, q);
    else
        snprintf(def, sizeof def, "outfile=%s", q);
    nn_path_join(full_part, sizeof full_part, dir, part);
    nn_path_join(full_out, sizeof full_out, dir, out);
    fflush(NULL);
    /* the child reports a failed exec (its errno) through a pipe closed by a successful one:
     * only "no such program" is gnuplot missing; a gnuplot that starts and exits 127 (its
     * libraries cannot load, under ulimit -v say) is a gnuplot that failed */
    int pfd[2];
    if (pipe2(pfd, O_CLOEXEC) != 0)
        return nn_err_set(e, NN_ERUN, script, "cannot start gnuplot: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        close(pfd[0]);
        close(pfd[1]);
        return nn_err_set(e, NN_ERUN, script, "cannot start gnuplot: %s", strerror(err));
    }
    if (pid == 0) {
        int why = 0;
        close(pfd[0]);
        if (chdir(dir) != 0)
            why = errno;
        /* the log is a regular file or nothing: a FIFO planted there must not block */
        int fd = why ? -1 : open("gnuplot.log", O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW |
                                 O_NONBLOCK, 0666);
        struct stat ls;
        if (!why && (fd < 0 || fstat(fd, &ls) != 0 || !S_ISREG(ls.st_mode)))
            why = EEXIST;
        int nul = open("/dev/null", O_RDONLY);
        if (!why) {
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
            dup2(fd, 1);
            dup2(fd, 2);
            if (nul >= 0)
                dup2(nul, 0);
            setenv("TZ", "UTC", 1);        /* what a PDF's date stamp ends with (fix_pdf_date) */
            execlp(prog, prog, "-e", def, script, (char *)NULL);
            why = errno;
        }
        ssize_t wr = write(pfd[1], &why, sizeof why);
        (void)wr;
        _exit(127);
    }
    close(pfd[1]);
    int why = 0;
    ssize_t got;
    while ((got = read(pfd[0], &why, sizeof why)) < 0 && errno == EINTR)
        ;
    close(pfd[0]);
    if (got != (ssize_t)sizeof why)
        why = 0;                           /* the pipe closed on exec: gnuplot started */
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return nn_err_set(e, NN_ERUN, script, "lost track of gnuplot: %s", strerror(errno));
    if (why) {
        unlink(full_part);
        if (why == ENOENT) {
            *missing = true;
            return nn_err_set(e, NN_ERUN, prog, "gnuplot not found");
        }
        if (why == EEXIST)
            return nn_err_set(e, NN_EIO, script, "cannot write gnuplot.log beside the script "
                              "(is it something other than a file?)");
        return nn_err_set(e, NN_ERUN, prog, "cannot run gnuplot: %s", strerror(why));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        unlink(full_part);
        return nn_err_set(e, NN_ERUN, prog, "gnuplot could not start (exit 127: a library it "
                          "needs did not load? its messages are in gnuplot.log beside %s)",
                          script);
    }
    if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGINT || WTERMSIG(status) == SIGTERM)) {
        unlink(full_part);                 /* Ctrl-C reached gnuplot too: an interruption */
        return nn_err_set(e, NN_EINTR, script, "interrupted while gnuplot was drawing");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        unlink(full_part);
        char log[4600];
        struct stat st;
        nn_path_join(log, sizeof log, dir, "gnuplot.log");
        if (stat(log, &st) == 0 && st.st_size == 0) {    /* it said nothing: it could not write */
            unlink(log);
            return nn_err_set(e, NN_EIO, out, "gnuplot could not write the figure (a full "
                              "disk?)");
        }
        return nn_err_set(e, NN_ERUN, script, "gnuplot failed (its messages are in gnuplot.log "
                          "beside the script)");
    }
    if (!whole(full_part, fmt ? fmt : "gif")) {
        unlink(full_part);
        return nn_err_set(e, NN_EIO, out, "gnuplot wrote no complete figure (a full disk?)");
    }
    if (fmt && !strcmp(fmt, "pdf") && fix_pdf_date(full_part) != 0) {
        int err = errno;
        unlink(full_part);
        return nn_err_set(e, NN_EIO, out, "cannot write the figure: %s", strerror(err));
    }
    if (rename(full_part, full_out) != 0) {
        int err = errno;
        unlink(full_part);
        return nn_err_set(e, NN_EIO, out, "cannot move the figure into place: %s", strerror(err));
    }
    return NN_OK;
}

int nn_gp_draw(const char *dir, const char *base, bool animation, const nn_fig_opts *o,
               bool *missing, char *drawn, size_t cap, nn_err *e)
{
    const char *prog = o && o->gnuplot && *o->gnuplot ? o->gnuplot : "gnuplot";
    unsigned formats = o && o->formats ? o->formats : NN_FIG_PNG;
    char script[300], out[300], log[4400];
    script_name(script, sizeof script, base, animation);
    nn_path_join(log, sizeof log, dir, "gnuplot.log");
    *missing = false;
    if (drawn && cap)
        drawn[0] = '\0';
    for (int k = 0; k < 3; k++) {
        if (animation ? k > 0 : !(formats & (1u << k)))
            continue;
        const char *fmt = animation ? NULL : nn_fig_format_names[k];
        snprintf(out, sizeof out, "%s.%s", base, fmt ? fmt : "gif");
        int rc = run_one(dir, script, fmt, out, prog, missing, e);
        if (rc)
            return rc;
        if (drawn && cap && !drawn[0])
            snprintf(drawn, cap, "%s", out);
    }
    /* a clean run leaves no log behind: the gif terminal's "N frames in animation sequence"
     * is news of success, not a message */
    FILE *lf = nn_fopen_read(log, "log", NULL);
    bool news = true;
    if (lf) {
        char line[512];
        while (news && fgets(line, sizeof line, lf)) {
            int frames, used = 0;
            news = line[strspn(line, " \r\n")] == '\0' ||
                   (sscanf(line, "%d frames in animation sequence%n", &frames, &used) == 1 && used > 0);
        }
        fclose(lf);
        if (news)
            unlink(log);
    }
    return NN_OK;
}
