/* cli.h: what the commands share. Only src/cli knows about argv, stderr and exit codes. */
#ifndef NNLAB_CLI_H
#define NNLAB_CLI_H

#include <stdbool.h>

#include "nnlab/err.h"

#define NNLAB_VERSION "0.1.0"

typedef struct cmd {
    const char *name;
    int (*fn)(int argc, char **argv);   /* argv[0] is the command name */
    const char *summary;
    const char *usage;                   /* full help text */
} cmd;

extern const cmd nn_commands[];
extern const int nn_n_commands;

int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_data(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_distance(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_collect(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Print "nnlab: where: msg" and return the exit status for e->code. */
int cli_fail(const nn_err *e);
/* Print "nnlab: <command>: msg" for a usage problem and return 2. */
int cli_usage(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a command's help to stdout and return 0. */
int cli_help_for(const char *name);

/* Options shared by run and check. */
typedef struct spec_args {
    const char *spec;
    const char *out;
    const char *sets[64];
    int n_sets;
    bool force, quiet, no_plots, no_report;
    double max_output;   /* --max-output in bytes: 0 = the default, INFINITY = none */
    int threads;         /* --threads: 0 = the default (the number of cores) */
    char fig_sets[2][600];   /* --format and --size, as the overrides figures.format=, .size= */
} spec_args;

/* The cores this process may use (its CPU affinity), at least 1. */
int cli_cores(void);

/* Parse a --max-output value: bytes with an optional K, M, G or T (powers of 1024, "B" or
 * "iB" may follow), or "none". Returns 0, or prints the usage error and returns 2. */
int cli_parse_size(const char *command, const char *s, double *bytes);

/* `--set PATH VALUE` (a space, or " = ", where PATH=VALUE belongs): say so on stderr, with
 * the fixed argument, and return 2; else 0. val is argv[i], the --set's value. */
int cli_set_split(const char *val, int i, int argc, char **argv, bool have_spec);

/* Parse a --size value: a decimal number from 0.25 to 8. Returns 0, or prints the usage error
 * and returns 2. */
int cli_parse_fig_size(const char *command, const char *s, double *size);

/* The value of the option opt at argv[*i]: inline (after "=" in the same word, may be NULL)
 * or the next word, which may not be another option ("--out --help" is an --out without a
 * value, not a request for help). *i moves past a value taken from the next word. Returns 0,
 * or prints the usage error and returns 2. */
int cli_value(const char *command, const char *opt, const char *inline_val, int argc,
              char **argv, int *i, const char **val);

/* A single-valued option given again: "--out given twice (\"a\" and \"b\")", 2; 0 the
 * first time (*slot is NULL), when *slot becomes val. */
int cli_once(const char *command, const char *opt, const char **slot, const char *val);

/* A whole number from 0 to max, in decimal digits only (no sign, spaces, hex or exponent):
 * 0, or prints "OPT expects an integer from LO to MAX, got ..." and returns 2. */
int cli_parse_uint(const char *command, const char *opt, const char *s, unsigned long lo,
                   unsigned long max, unsigned long *out);

/* Does a command's argv ask for its help (--help or -h where an option may stand)? */
bool cli_wants_help(int argc, char **argv);

/* Parse argv for run/check; allowed lists the long options this command accepts. */
int parse_spec_args(int argc, char **argv, spec_args *a, const char *const *allowed, int n);

#endif
