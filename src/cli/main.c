/* main.c: nnlab's command table and dispatch (git's cmd_struct idea), and the helpers
 * every command shares: error lines, exit codes, option parsing. */
#define _GNU_SOURCE
#include <ctype.h>
#include <sched.h>
#include <unistd.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "nnlab/figure.h"
#include "nnlab/spec.h"

const cmd nn_commands[] = {
    {"run", cmd_run, "train the models of a spec and write a run directory",
     "usage: nnlab run SPEC.json [--out DIR] [--set PATH=VALUE]... [--force] [--quiet] [--no-plots]\n"
     "                 [--format png,svg,pdf] [--size S] [--max-output SIZE] [--threads N]\n"
     "                 [--no-report]\n"
     "\n"
     "Trains every model the spec describes, runs its studies and writes a run directory:\n"
     "spec.json, manifest.json, summary.json, data.csv, <label>/metrics.csv,\n"
     "<label>/model.json and the figures with the tables they were drawn from. On stderr:\n"
     "a progress line while models train (only on a terminal), then one line per model\n"
     "(status, epochs run, final loss and error, when it converged) and where the run is.\n"
     "\n"
     "  --out DIR          run directory (default: runs/<spec name>)\n"
     "  --set PATH=VALUE   override a spec value: train.lr=0.5, models.relu.seed=7,\n"
     "                     seed=3 (the default seed of every model); VALUE is JSON when it\n"
     "                     parses (--set models.relu.hidden=[8,8,4]), else a string\n"
     "  --force            replace an existing run directory (only an nnlab run)\n"
     "  --quiet            print nothing but errors\n"
     "  --no-plots         draw no figures: tables, summaries and most gnuplot scripts only\n"
     "  --no-report        write no index.html (the run's page; nnlab report DIR writes one)\n"
     "  --format LIST      draw every figure in these formats: png, svg, pdf (default png;\n"
     "                     the spec's figures.format)\n"
     "  --size S           every figure S times its default size, text and lines too\n"
     "                     (default 1; the spec's figures.size)\n"
     "  --max-output SIZE  refuse a run estimated to write more than SIZE (default 2G;\n"
     "                     500M, 8G, none)\n"
     "  --threads N        train up to N models at once (default: the number of cores);\n"
     "                     the files are the same bytes whatever N\n"
     "\n"
     "Exit status: 0 complete; 1 the run failed, diverged or could not write; 2 bad usage\n"
     "or a bad spec (nothing is written); 130/143 interrupted by SIGINT/SIGTERM.\n"},
    {"check", cmd_check, "validate a spec and print it resolved, running nothing",
     "usage: nnlab check SPEC.json [--set PATH=VALUE]... [--max-output SIZE] [--no-plots]\n"
     "                   [--no-report]\n"
     "\n"
     "Reads the spec, applies the overrides, checks every key and the data it names and\n"
     "the size the run would write (as nnlab run does, with the same --no-plots and\n"
     "--no-report), and prints the resolved spec\n"
     "(every default filled in) on stdout. Writes nothing.\n"
     "Exit status 0 when the spec is good, 2 when it is not.\n"},
    {"analyze", cmd_analyze, "run a finished run's studies again from what it recorded",
     "usage: nnlab analyze RUN_DIR [--study NAME] [--format png,svg,pdf] [--size S] [--quiet]\n"
     "                     [--no-plots] [--no-report] [--force]\n"
     "\n"
     "Recomputes the studies of a run directory from its recorded tables (model files,\n"
     "metrics.csv, weights.csv, data.csv), without training: every study its spec.json lists,\n"
     "or only --study NAME (with the spec's options for it, or the defaults). Rewrites the\n"
     "studies' tables and figures and their part of summary.json.\n"
     "\n"
     "  --study NAME   any study: `nnlab list` names them all\n"
     "  --format LIST  draw the figures in these formats: png, svg, pdf (default: the\n"
     "                 spec's figures.format)\n"
     "  --size S       figures S times their default size (default: the spec's)\n"
     "  --no-plots     tables only\n"
     "  --no-report    leave index.html as it was (else rewritten with the new figures)\n"
     "  --quiet        print nothing but errors\n"
     "  --force        analyse a run whose manifest still says running (it was killed),\n"
     "                 or whose spec.json changed since it ran\n"
     "\n"
     "Exit status: 0 done; 1 a study failed; 2 bad usage or not a finished nnlab run.\n"},
    {"distance", cmd_distance, "the distance between two saved nets, up to hidden-unit order",
     "usage: nnlab distance A B [--method notebook|weight-matching] [--metric mean-abs|l2]\n"
     "                          [--seed N]\n"
     "\n"
     "A and B are model.json files, model folders of a run, or run directories with one\n"
     "model. B's hidden units are reordered to match A's (the function B computes does not\n"
     "change), then the distance is taken. Prints JSON on stdout: distance, unaligned (with\n"
     "no reordering), reorder_needed, and for weight matching its passes and objective.\n"
     "\n"
     "  --method notebook         notebook 000's layer-by-layer alignment (default)\n"
     "  --method weight-matching  Git Re-Basin's weight matching\n"
     "  --metric mean-abs         notebook 000's mean |a - b| (default)\n"
     "  --metric l2               Euclidean distance\n"
     "  --seed N                  weight matching's visiting order (default 0)\n"},
    {"sweep", cmd_sweep, "run a spec over ranges or lists of --set values",
     "usage: nnlab sweep SPEC.json --set PATH=LIST... [--out DIR] [--jobs N] [--dry-run]\n"
     "                   [--keep-going | --fail-fast] [--point K] [--emit slurm|parallel]\n"
     "                   [--throttle N] [--quiet] [--no-plots] [--no-report] [--max-output SIZE]\n"
     "\n"
     "Runs SPEC once per point of the Cartesian product of the swept overrides: a --set\n"
     "whose value is a range start:stop[:step] (stop excluded: seed=0:100) or a list\n"
     "(train.lr=0.1,0.25,1); other --set values apply to every point. The first swept\n"
     "--set varies slowest. Point K is exactly `nnlab run SPEC --set ...` with its values,\n"
     "in DIR/PATH=VALUE,... (e.g. DIR/seed=7,train.lr=0.25); DIR/sweep.json lists the\n"
     "points. Running the same command again skips complete points and reruns failed or\n"
     "interrupted ones.\n"
     "\n"
     "  --out DIR        the sweep directory (default: runs/<spec name>-sweep)\n"
     "  --jobs N         points at once (default: the number of cores)\n"
     "  --dry-run        print the points and run nothing\n"
     "  --keep-going     run every point even when some fail (default)\n"
     "  --fail-fast      stop at the first failing point (running ones are interrupted)\n"
     "  --point K        run point K only (0, 1, ...): for Slurm array tasks and GNU parallel\n"
     "  --emit slurm     write DIR/sweep.sbatch, a job array over the points\n"
     "  --emit parallel  write DIR/points.txt and DIR/parallel.sh for GNU parallel\n"
     "  --throttle N     at most N array tasks at once (Slurm's %N; default 10)\n"
     "  --quiet          print nothing but errors\n"
     "  --no-plots       tables only, in every point\n"
     "  --no-report      write no index.html, the sweep's nor its points'\n"
     "  --max-output SIZE  refuse a point, or the whole sweep, estimated to write more\n"
     "                   than SIZE (default 2G; 500M, 8G, none)\n"
     "\n"
     "A --set value that is JSON (a list, an object or a quoted string) is never swept:\n"
     "--set 'models.relu.hidden=[8,8,4]'. Exit status: 0 every point complete (or\n"
     "diverged); 1 some failed, were interrupted, run elsewhere or could not be read;\n"
     "2 bad usage or a bad spec for some point (nothing is written); 130/143 interrupted.\n"},
    {"collect", cmd_collect, "gather the results of many runs into one table",
     "usage: nnlab collect DIR... [--format csv|json] [--summary] [--plot COLUMN] [--curves]\n"
     "                     [--out FILE]\n"
     "\n"
     "DIR is a sweep directory, a run directory, or a folder of run directories. Prints one\n"
     "row per model of every run: the swept values, status, seed, converged,\n"
     "converged_epoch, epochs_run, the final metrics and every number under analyses.\n"
     "\n"
     "  --format csv|json  the table's format (default csv)\n"
     "  --summary          per column: count, missing, mean, median, quartiles, min, max,\n"
     "                     grouped by model and by the swept values other than seeds\n"
     "  --plot COLUMN      also draw a histogram of COLUMN per group (gnuplot) into the\n"
     "                     first DIR: collect-COLUMN.png with its .csv and .gp\n"
     "  --curves           also pool the training curves over seeds (median, quartiles,\n"
     "                     min, max per epoch, per model and setting) into the first DIR:\n"
     "                     collect-curves.csv and collect-curves.png with its .gp\n"
     "  --out FILE         write the table to FILE instead of stdout\n"},
    {"report", cmd_report, "write the page of a run, a sweep, or several runs side by side",
     "usage: nnlab report DIR... [--out FILE.html] [--no-plots] [--quiet]\n"
     "\n"
     "Writes one self-contained HTML page (figures embedded, no requests; open it from the\n"
     "disk, mail it, archive it). One run: its status, how to reproduce it, its models and\n"
     "every figure, links to its files. A sweep: a sortable table of its points (only the\n"
     "settings that differ), histograms of what the models ended with, the training\n"
     "curves pooled over seeds (median, interquartile band, min-max band). Several runs:\n"
     "the same side by side, their curves overlaid and the difference of their specs.\n"
     "Also for an interrupted, failed or damaged run, saying so. run and sweep write\n"
     "DIR/index.html themselves (--no-report to skip).\n"
     "\n"
     "  --out FILE.html  where (default: DIR/index.html for one DIR, else report.html);\n"
     "                   replaces only a page nnlab wrote\n"
     "  --no-plots       draw none of the page's own figures (the runs' are still shown)\n"
     "  --quiet          print nothing but errors\n"},
    {"list", cmd_list, "list datasets, activations, inits, optimizers, losses, studies",
     "usage: nnlab list [datasets|activations|inits|optimizers|losses|studies]\n"
     "\n"
     "Prints what a spec may name, with each generator's parameters and defaults.\n"},
    {"data", cmd_data, "print a generated data set as CSV",
     "usage: nnlab data GENERATOR [--seed N] [--set PARAM=VALUE]...\n"
     "\n"
     "Prints x1,x2,y for every point GENERATOR makes (original coordinates, 17 digits).\n"
     "  --seed N           the data stream's seed (default: the notebook's)\n"
     "  --set PARAM=VALUE  a generator parameter (see nnlab list datasets)\n"},
    {"help", cmd_help, "show help for a command", "usage: nnlab help [COMMAND]\n"},
};
const int nn_n_commands = (int)(sizeof nn_commands / sizeof nn_commands[0]);

static void usage_all(FILE *f)
{
    fputs("usage: nnlab COMMAND [ARGS]    (nnlab COMMAND --help for more)\n\n"
          "nnlab trains small neural networks exactly as the notebooks it re-implements do,\n"
          "and writes everything that moves to a run directory.\n\ncommands:\n", f);
    for (int i = 0; i < nn_n_commands; i++)
        fprintf(f, "  %-7s %s\n", nn_commands[i].name, nn_commands[i].summary);
    fputs("\nnnlab --version prints the version.\n", f);
}

int cli_fail(const nn_err *e)
{
    char where[sizeof e->where], msg[sizeof e->msg];   /* nothing said to the terminal */
    snprintf(where, sizeof where, "%s", e->where);
    snprintf(msg, sizeof msg, "%s", e->msg);
    for (char *c = where; *c; c++)
        *c = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
    for (char *c = msg; *c; c++)
        *c = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
    if (where[0])
        fprintf(stderr, "nnlab: %s: %s\n", where, msg);
    else
        fprintf(stderr, "nnlab: %s\n", msg);
    switch (e->code) {
    case NN_EUSAGE:
    case NN_ESPEC:
        return 2;
    case NN_OK:
        return 0;
    default:
        return 1;
    }
}

int cli_usage(const char *command, const char *fmt, ...)
{
    char buf[8192];   /* one line, whatever the user typed: control characters shown as ? */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (char *c = buf; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    fprintf(stderr, "nnlab: %s: %s\n", command, buf);
    return 2;
}

int cli_help_for(const char *name)
{
    for (int i = 0; i < nn_n_commands; i++)
        if (strcmp(nn_commands[i].name, name) == 0) {
            fputs(nn_commands[i].usage, stdout);
            return 0;
        }
    return -1;
}

int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        usage_all(stdout);
        return 0;
    }
    if (cli_help_for(argv[1]) == 0)
        return 0;
    const char *names[16];
    for (int i = 0; i < nn_n_commands; i++)
        names[i] = nn_commands[i].name;
    const char *s = nn_suggest(argv[1], names, nn_n_commands);
    return cli_usage("help", "unknown command \"%s\"%s%s%s", argv[1], s ? " (did you mean \"" : "",
                     s ? s : "", s ? "\"?)" : "");
}

int cli_cores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

int cli_parse_size(const char *command, const char *s, double *bytes)
{
    if (!strcmp(s, "none")) {
        *bytes = INFINITY;
        return 0;
    }
    char *end;
    errno = 0;
    /* decimal digits and one point: strtod alone also takes 0x10, 1e3, inf and " 5" */
    size_t digits = strspn(s, "0123456789.");
    const char *dot = strchr(s, '.');
    bool decimal = digits > 0 && (!dot || (dot < s + digits && !strchr(dot + 1, '.'))) &&
                   isdigit((unsigned char)s[0]);
    double v = decimal ? strtod(s, &end) : 0;
    if (!decimal)
        end = (char *)s;
    else if (end > s + digits)
        end = (char *)s + digits;      /* "1e3": the exponent is not a unit */
    double unit = 1;
    const char *units = "KMGT";
    const char *u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
    if (u) {
        for (const char *k = units; k <= u; k++)
            unit *= 1024;
        end++;
        if (!strcmp(end, "iB") || !strcmp(end, "B"))
            end += strlen(end);
    } else if (!strcmp(end, "B")) {
        end++;
    }
    /* whole bytes: a fraction of a byte (1.5) is no size; 1.5K is 1536 */
    if (end == s || *end || errno || !(floor(v * unit) >= 1) || !isfinite(v * unit) ||
        (!u && v != floor(v)))
        return cli_usage(command, "--max-output expects a size such as 500M, 4G or 2147483648 "
                         "(whole bytes), or none; got \"%s\"", s);
    *bytes = floor(v * unit);
    return 0;
}

int cli_value(const char *command, const char *opt, const char *inline_val, int argc,
              char **argv, int *i, const char **val)
{
    if (inline_val) {
        *val = inline_val;
        return 0;
    }
    if (*i + 1 >= argc)
        return cli_usage(command, "%s needs a value", opt);
    const char *next = argv[*i + 1];
    if ((next[0] == '-' && next[1] == '-' && next[2]) || !strcmp(next, "-h"))
        return cli_usage(command, "%s needs a value, got the option \"%s\" (write %s=%s if that "
                         "is the value)", opt, next, opt, next);
    *val = argv[++*i];
    return 0;
}

int cli_once(const char *command, const char *opt, const char **slot, const char *val)
{
    if (*slot)
        return cli_usage(command, "%s given twice (\"%s\" and \"%s\"): give it once", opt,
                         *slot, val);
    *slot = val;
    return 0;
}

int cli_parse_uint(const char *command, const char *opt, const char *s, unsigned long lo,
                   unsigned long max, unsigned long *out)
{
    errno = 0;
    char *end;
    unsigned long v = *s && strspn(s, "0123456789") == strlen(s) ? strtoul(s, &end, 10) : 0;
    if (!*s || strspn(s, "0123456789") != strlen(s) || errno || v < lo || v > max)
        return cli_usage(command, "%s expects an integer from %lu to %lu, got \"%s\"", opt, lo,
                         max, s);
    *out = v;
    return 0;
}

/* The options that take a value, in every command: the word after one is its value. */
static bool takes_value(const char *a)
{
    static const char *const v[] = {"--set", "--out", "--format", "--size", "--max-output",
                                    "--threads", "--seed", "--jobs", "--throttle", "--point",
                                    "--emit", "--study", "--plot", "--metric", "--method"};
    for (size_t k = 0; k < sizeof v / sizeof *v; k++)
        if (!strcmp(a, v[k]))
            return true;
    return false;
}

bool cli_wants_help(int argc, char **argv)
{
    for (int k = 1; k < argc; k++) {
        if (!strcmp(argv[k], "--"))
            return false;
        if ((!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) && !takes_value(argv[k - 1]))
            return true;
    }
    return false;
}

/* Does s look like the spec a command names, rather than a --set value? */
static bool spec_like(const char *s)
{
    size_t n = strlen(s);
    struct stat st;
    return !strcmp(s, "-") || (n > 5 && !strcmp(s + n - 5, ".json")) ||
           (stat(s, &st) == 0 && S_ISREG(st.st_mode));
}

/* `--set PATH VALUE`, `--set PATH = VALUE`, `--set PATH =VALUE` and `--set PATH= VALUE`: a
 * space where none belongs. Left alone, VALUE would be taken for a second spec ("one spec
 * at a time") or PATH reported without its value. Say how to write it and return 2; 0 when
 * the --set at argv[i] (value val) is not such a case. The word after is read as the value
 * only when it cannot be the spec itself (no spec yet and it names a .json or a file). */
int cli_parse_fig_size(const char *command, const char *s, double *size)
{
    char *end;
    bool decimal = *s && strspn(s, "0123456789.eE+-") == strlen(s);   /* no hex, inf, nan */
    *size = decimal ? strtod(s, &end) : 0;
    if (!decimal || *end || !(*size >= 0.25 && *size <= 8))
        return cli_usage(command, "--size expects a number from 0.25 to 8 (a multiplier of every "
                         "figure's size), got \"%s\"", s);
    return 0;
}

int cli_set_split(const char *val, int i, int argc, char **argv, bool have_spec)
{
    const char *eq = strchr(val, '=');
    if ((eq && eq[1]) || i + 1 >= argc || val[0] == '=')
        return 0;
    const char *next = argv[i + 1], *value = NULL;
    if (!eq && !strcmp(next, "="))
        value = i + 2 < argc ? argv[i + 2] : NULL;
    else if (!eq && next[0] == '=')
        value = next + 1;
    else if (!(next[0] == '-' && next[1] == '-') && (have_spec || !spec_like(next)))
        value = next;
    if (!value || !*value)
        return 0;
    char fixed[600];
    snprintf(fixed, sizeof fixed, "%.*s=%s", (int)(eq ? (size_t)(eq - val) : strlen(val)), val, value);
    bool plain = true;                   /* quote what a shell would split or expand */
    for (const char *c = fixed; *c; c++)
        plain &= isalnum((unsigned char)*c) || strchr("._-=,:/+@%[]", *c) != NULL;
    if (plain) {
        fprintf(stderr, "nnlab: --set %s: expected PATH=VALUE (did you mean --set %s?)\n", val,
                fixed);
    } else {
        fprintf(stderr, "nnlab: --set %s: expected PATH=VALUE (did you mean --set '", val);
        for (const char *c = fixed; *c; c++)
            fputs(*c == '\'' ? "'\\''" : (char[2]){*c, 0}, stderr);
        fputs("'?)\n", stderr);
    }
    return 2;
}

int parse_spec_args(int argc, char **argv, spec_args *a, const char *const *allowed, int n)
{
    memset(a, 0, sizeof *a);
    const char *seen[5] = {NULL};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (a->spec)
                return cli_usage(argv[0], "one spec at a time (got \"%s\" and \"%s\")", a->spec, arg);
            a->spec = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            if (i + 1 < argc && !a->spec)
                a->spec = argv[++i];
            continue;
        }
        char opt[64];
        const char *val = NULL, *eq = strchr(arg, '=');
        snprintf(opt, sizeof opt, "%.*s", eq ? (int)(eq - arg) : (int)strlen(arg), arg);
        if (eq)
            val = eq + 1;
        bool ok = false;
        for (int k = 0; k < n; k++)
            ok |= strcmp(opt, allowed[k]) == 0;
        if (!ok) {
            const char *s = nn_suggest(opt, allowed, n);
            return cli_usage(argv[0], "unknown option \"%s\"%s%s%s (see nnlab %s --help)", opt,
                             s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "", argv[0]);
        }
        bool takes = !strcmp(opt, "--set") || !strcmp(opt, "--out") ||
                     !strcmp(opt, "--max-output") || !strcmp(opt, "--threads") ||
                     !strcmp(opt, "--format") || !strcmp(opt, "--size");
        if (takes && !val) {
            if (cli_value(argv[0], opt, NULL, argc, argv, &i, &val))
                return 2;
        } else if (!takes && val) {
            return cli_usage(argv[0], "%s takes no value", opt);
        }
        /* a single-valued option given twice is a mistake, not "the last one wins" */
        static const char *const single[] = {"--out", "--max-output", "--threads", "--format",
                                             "--size"};
        for (size_t k = 0; k < sizeof single / sizeof *single; k++)
            if (!strcmp(opt, single[k]) && cli_once(argv[0], opt, &seen[k], val))
                return 2;
        if (!strcmp(opt, "--set")) {
            if (cli_set_split(val, i, argc, argv, a->spec != NULL))
                return 2;
            if (a->n_sets >= 64)
                return cli_usage(argv[0], "at most 64 --set options");
            a->sets[a->n_sets++] = val;
        } else if (!strcmp(opt, "--out")) {
            if (!*val)
                return cli_usage(argv[0], "--out needs a directory");
            a->out = val;
        } else if (!strcmp(opt, "--threads")) {
            unsigned long v;
            if (cli_parse_uint(argv[0], "--threads", val, 1, 64, &v))
                return 2;
            a->threads = (int)v;
        } else if (!strcmp(opt, "--max-output")) {
            int rc = cli_parse_size(argv[0], val, &a->max_output);
            if (rc)
                return rc;
        } else if (!strcmp(opt, "--format") || !strcmp(opt, "--size")) {
            /* the spec's figures section, overridden like any other value */
            bool fmt = !strcmp(opt, "--format");
            unsigned formats;
            nn_err fe;
            double size = 0;
            if (fmt && nn_fig_parse_formats(val, &formats, &fe))
                return cli_usage(argv[0], "%s", fe.msg);
            if (!fmt && cli_parse_fig_size(argv[0], val, &size))
                return 2;
            if (a->n_sets >= 64)
                return cli_usage(argv[0], "at most 64 --set options");
            char *buf = a->fig_sets[fmt ? 0 : 1];
            if (fmt)
                snprintf(buf, sizeof a->fig_sets[0], "figures.format=\"%s\"", val);
            else            /* as JSON reads it: .5 and +2 are numbers here, not strings */
                snprintf(buf, sizeof a->fig_sets[0], "figures.size=%.17g", size);
            a->sets[a->n_sets++] = buf;
        } else if (!strcmp(opt, "--force")) {
            a->force = true;
        } else if (!strcmp(opt, "--quiet")) {
            a->quiet = true;
        } else if (!strcmp(opt, "--no-plots")) {
            a->no_plots = true;
        } else if (!strcmp(opt, "--no-report")) {
            a->no_report = true;
        }
    }
    if (!a->spec)
        return cli_usage(argv[0], "missing SPEC.json (usage: nnlab %s SPEC.json ...)", argv[0]);
    return 0;
}

/* What a command printed must have reached stdout whole: `nnlab check x > /dev/full` or a
 * closed pipe is an error, not a silent success (as in coreutils' close_stdout). */
static int finish(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        int err = errno;
        if (rc)
            return rc;   /* the command has said what went wrong */
        fprintf(stderr, "nnlab: standard output: write failed: %s\n", strerror(err));
        return 1;
    }
    return rc;
}

static int dispatch(int argc, char **argv);

int main(int argc, char **argv)
{
    /* a file-size limit (ulimit -f) makes a write fail with EFBIG, reported like a full disk
     * and ending the run as "failed", instead of a SIGXFSZ that kills nnlab mid-write (exit
     * 153, the manifest left "running", .part files behind) */
    signal(SIGXFSZ, SIG_IGN);
    return finish(dispatch(argc, argv));
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage_all(stderr);
        return 2;
    }
    const char *c = argv[1];
    if (!strcmp(c, "--help") || !strcmp(c, "-h")) {
        usage_all(stdout);
        return 0;
    }
    if (!strcmp(c, "--version")) {
        printf("nnlab %s\n", NNLAB_VERSION);
        return 0;
    }
    for (int i = 0; i < nn_n_commands; i++)
        if (!strcmp(c, nn_commands[i].name)) {
            if (cli_wants_help(argc - 1, argv + 1))
                return cli_help_for(c);
            return nn_commands[i].fn(argc - 1, argv + 1);
        }
    const char *names[16];
    for (int i = 0; i < nn_n_commands; i++)
        names[i] = nn_commands[i].name;
    const char *s = nn_suggest(c, names, nn_n_commands);
    fprintf(stderr, "nnlab: unknown command \"%s\"%s%s%s (see nnlab --help)\n", c,
            s ? " (did you mean \"" : "", s ? s : "", s ? "\"?)" : "");
    return 2;
}
