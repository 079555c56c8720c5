/* names.h: looking a name up in one of the tables the modules export (nn_act_names,
 * nn_loss_names, nn_opt_names, nn_init_scheme_names, nn_init_dist_names). Each table is
 * the single list of what a spec may name for that concept. */
#ifndef NNLAB_NAMES_H
#define NNLAB_NAMES_H

/* The index of name in names[0..n), or -1. */
int nn_name_index(const char *const *names, int n, const char *name);

#endif
