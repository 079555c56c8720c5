/* names.h: the names a user may write, and what to say when one is wrong.
 *
 * Each module exports the single table of what a spec may name for its concept
 * (nn_act_names, nn_loss_names, nn_opt_names, nn_init_scheme_names, ...); these helpers
 * look names up, list them, and find the one a misspelling most likely meant. Labels
 * (models' and runs' names) are checked here too: they name folders and --set paths.
 */
#ifndef NNLAB_NAMES_H
#define NNLAB_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define NN_LABEL_MAX 64

/* The index of name in names[0..n), or -1. */
int nn_name_index(const char *const *names, int n, const char *name);

/* The candidate nearest to word (edit distance), or NULL if none is plausibly meant. */
const char *nn_suggest(const char *word, const char *const *candidates, int n);

/* "a, b, c" into buf. */
void nn_join(char *buf, size_t cap, const char *const *items, int n);

/* A label or name: 1-64 of [A-Za-z0-9_-], not starting with '-'. No dot: labels name
 * folders beside files that all have one, and dots separate the steps of --set paths. */
bool nn_label_ok(const char *s);

/* The length of the valid UTF-8 character at s (1-4), or 0 when s does not start one
 * (a stray byte, an overlong form, a surrogate): what nnlab writes is valid UTF-8. */
size_t nn_utf8_char(const unsigned char *s);

#endif
