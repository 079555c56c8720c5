/* temporary: studies being written */
#include "nnlab/study.h"
int nn_study_prune(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e) { (void)c, (void)sp, (void)out; return nn_err_set(e, NN_ERUN, "", "prune: not yet"); }
