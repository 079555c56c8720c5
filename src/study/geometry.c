#include "nnlab/study.h"
int nn_study_unit_lines(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e) { (void)c; (void)sp; (void)out; return nn_err_set(e, NN_ERUN, "", "todo"); }
int nn_study_hidden_3d(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e) { (void)c; (void)sp; (void)out; return nn_err_set(e, NN_ERUN, "", "todo"); }
int nn_study_fit(nn_study_ctx *c, const nn_study_plan *sp, cJSON *out, nn_err *e) { (void)c; (void)sp; (void)out; return nn_err_set(e, NN_ERUN, "", "todo"); }
