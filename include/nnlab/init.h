/* init.h: drawing a model's initial parameters from a random stream.
 *
 * Layers are drawn in order, input side first, each W row-major, from the stream the
 * caller passes (seeded with the model's seed; training then continues that stream,
 * as the notebooks do). Schemes, fan-in and fan-out counting working units only:
 *   he       std = gain * sqrt(2 / fan_in)                  (He et al. 2015)
 *   xavier   std = gain * sqrt(2 / (fan_in + fan_out))       (Glorot & Bengio 2010)
 *   torch    W and b ~ U(-gain/sqrt(fan_in), gain/sqrt(fan_in)) (PyTorch nn.Linear)
 *   scaled   notebook 003, one hidden layer of m units on d inputs: hidden W then b ~
 *            N(0, scale^2 / (m d)); balanced: each output weight is a random sign
 *            (+1 where random_sample() < 0.5) times sqrt(|w_j|^2 + b_j^2), the norm of
 *            its neuron's incoming parameters, computed as PyTorch does; otherwise
 *            N(0, scale^2 / m); an output bias ~ N(0, scale^2 / m), drawn last
 * he and xavier draw N(0, std) or, with the uniform distribution, U(-sqrt(3) std,
 * sqrt(3) std); their biases start at a constant (0.1 in notebooks 000/001).
 * The notebooks' redraw rule (redraw_tolerance, 0.05 there): draw the whole W, and
 * draw it again while |np.std(W) - std| > tol or |np.mean(W)| > tol, with numpy's own
 * summation order so the stream is consumed exactly as numpy consumes it.
 */
#ifndef NNLAB_INIT_H
#define NNLAB_INIT_H

#include <stdbool.h>

#include "nnlab/err.h"
#include "nnlab/model.h"
#include "nnlab/rng.h"

typedef enum { NN_INIT_HE, NN_INIT_XAVIER, NN_INIT_TORCH, NN_INIT_SCALED, NN_INIT_COUNT } nn_init_scheme;
typedef enum { NN_DIST_NORMAL, NN_DIST_UNIFORM, NN_DIST_COUNT } nn_init_dist;

typedef struct nn_init_cfg {
    nn_init_scheme scheme;
    nn_init_dist dist;
    double gain;              /* 1 by default */
    double redraw_tol;        /* < 0: no redraw rule */
    long redraw_max;          /* give up after this many draws of one layer */
    double bias_value;        /* he/xavier: every bias starts here */
    double scale;             /* scaled: the init scale */
    bool balanced;            /* scaled: output weights = sign x the neuron's norm */
    bool torch_rng;           /* draw as PyTorch does after manual_seed(seed) (torch_rng.h):
                                 the torch and scaled schemes, weights float32 values */
} nn_init_cfg;

extern const char *const nn_init_scheme_names[NN_INIT_COUNT];
extern const char *const nn_init_dist_names[NN_DIST_COUNT];
const char *nn_init_scheme_name(nn_init_scheme s);
int nn_init_scheme_parse(const char *name);
const char *nn_init_dist_name(nn_init_dist d);
int nn_init_dist_parse(const char *name);

/* Fill m->params. draws, when not NULL, receives per layer the number of times W was
 * drawn (1 without the redraw rule). Fails (NN_ESPEC) when the redraw rule accepts no
 * draw of some layer within redraw_max. */
int nn_init_model(nn_model *m, const nn_init_cfg *c, nn_rng *r, long *draws, nn_err *e);

/* The standard deviation scheme s asks of layer l's weights. */
double nn_init_std(const nn_model *m, const nn_init_cfg *c, int l);

#endif
