#!/usr/bin/env python3
"""Derive tests/data/numpy-reference.json from numpy (run by hand, not by `make check`).

    /usr/bin/python3 tests/data/make_reference.py > tests/data/numpy-reference.json

Needs Debian's python3-numpy (1.24). Everything here is computed by numpy itself or by
tests/bench/nb001_numpy.py, the faithful numpy re-implementation of notebook 001's
training code, so the C tests can compare nnlab against numpy without numpy installed:
  sums   np.sum / np.mean / np.std of arrays the C test rebuilds exactly (integer
         formulas divided by 37, all exact in doubles), for numpy's summation order;
  init   each notebook net's initial weights (nnlab's parameter order), how many draws
         the redraw rule took per layer, and the next random_sample() after init;
  train  parameters after a few epochs of notebook 001 Example 1 (full batch) and of a
         minibatch variant (batch 50, leftovers dropped), with mse and error per epoch;
  stats  scipy.stats.mstats.kruskalwallis, scipy.stats.chi2.sf and scipy.stats.gaussian_kde
         on small samples the C test rebuilds exactly (needs Debian's python3-scipy).
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'bench'))
import nb001_numpy as nb  # noqa: E402


def arr(n, k):
    i = np.arange(n)
    return (((i * 7919 + k * 104729) % 1000) - 500) * (1 + i % 3) / 37.0


def flat_params(net):
    """nnlab's order: per layer W (working rows x working cols) then the bias column."""
    out = []
    for l, w in enumerate(net.w):
        rows = w.shape[0] - (1 if net.has_const[l + 1] else 0)
        cols = w.shape[1] - (1 if net.has_const[l] else 0)
        out += list(w[:rows, :cols].ravel())
        if net.has_const[l]:
            out += list(w[:rows, -1])
    return [float(v) for v in out]


def main():
    ref = {'about': __doc__.strip().splitlines()[0], 'numpy': np.__version__}
    ref['sums'] = []
    for n in [1, 5, 7, 8, 9, 16, 100, 127, 128, 129, 130, 1000, 8192, 8193, 20000]:
        a = arr(n, n % 7)
        ref['sums'].append({'n': n, 'k': n % 7, 'sum': float(np.sum(a)), 'mean': float(np.mean(a)),
                            'std': float(np.std(a))})
    ref['init'] = []
    cases = [('tanh', [6, 3], 'xavier', 3, False, 0.1), ('relu', [6, 3], 'he', 3, False, 0.1),
             ('tanh', [12, 6], 'xavier', 10, True, 1.0), ('relu', [6, 3], 'he', 10, True, 1.0),
             ('relu', [10, 10, 10, 10, 5], 'he', 3, False, 0.1)]
    for act, hidden, scheme, seed, bias, bv in cases:
        net = nb.Net(hidden, act, scheme, seed, bias, bv)
        ref['init'].append({'activation': act, 'notebook_hidden': hidden, 'scheme': scheme,
                            'seed': seed, 'bias': bias, 'bias_value': bv, 'draws': net.draws,
                            'params': flat_params(net), 'next_random': float(np.random.random_sample())})
    ref['train'] = []
    x, y = nb.wedges()
    xn = nb.zscore(x)
    for act, scheme, batch, epochs in [('relu', 'he', None, 5), ('tanh', 'xavier', None, 5),
                                       ('relu', 'he', 50, 3), ('tanh', 'xavier', 50, 3)]:
        net = nb.Net([6, 3], act, scheme, 3, False)
        b = batch or len(y)
        _, _, saved = net.fit(xn, y, 0.25, -1.0, epochs, b)
        ref['train'].append({'activation': act, 'batch': batch or 'full', 'epochs': epochs,
                             'mse': [float(s['mse']) for s in saved],
                             'error': [float(s['error']) for s in saved],
                             'params': flat_params(net)})
    from scipy import stats
    from scipy.stats import mstats
    ref['stats'] = {'kw': [], 'chi2': [], 'kde': []}
    samples = [
        [[1, 3, 5, 7, 9], [2, 4, 6, 8, 10]],
        [[1, 1, 1], [2, 2, 2], [2, 2]],
        [list(arr(40, 1) / 10), list(arr(55, 2) / 10)],
        [[0.5, 1.5, 1.5, 2.0, 3.25], [1.5, 2.0, 2.0, 4.0], [0.25, 3.25, 5.0, 5.0, 5.0, 6.0]],
    ]
    for groups in samples:
        h, pv = mstats.kruskalwallis(*[np.array(g, dtype=float) for g in groups])
        ref['stats']['kw'].append({'groups': [[float(v) for v in g] for g in groups],
                                   'H': float(h), 'p': float(pv)})
    for x, df in [(0.2727272727272734, 1), (7.0, 2), (3.841458820694124, 1), (7.814727903251178, 3),
                  (2.0, 4), (0.01, 5), (25.0, 3), (60.0, 7), (1e-8, 1), (120.0, 1)]:
        ref['stats']['chi2'].append({'x': x, 'df': df, 'sf': float(stats.chi2.sf(x, df))})
    data = arr(300, 3) / 20
    xs = np.linspace(-3, 3, 17)
    ref['stats']['kde'] = {'n': 300, 'k': 3, 'scale': 20, 'x': list(xs),
                           'density': [float(v) for v in stats.gaussian_kde(data)(xs)]}
    json.dump(ref, sys.stdout, indent=1)
    print()


if __name__ == '__main__':
    main()
