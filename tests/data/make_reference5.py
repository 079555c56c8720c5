#!/usr/bin/env python3
"""Derive tests/data/nb002-004-reference.json (run by hand, not by `make check`).

    NPY_DISABLE_CPU_FEATURES="AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL AVX512F AVX512CD" \
        /usr/bin/python3 tests/data/make_reference5.py > tests/data/nb002-004-reference.json

Needs Debian's python3-numpy (1.24) and python3-sklearn. With AVX-512 disabled numpy's
sin, cos and exp are the C library's (correctly rounded, as on any machine without
AVX-512 and in the notebooks' own numpy); with it, numpy 1.24 uses SVML, which is off by
one unit in the last place for about half of the points (see docs/notebooks.md).
  circles     notebook 004's generate_binary_data(N_examples=1000, seed=100)
  regression  notebook 004's generate_regression_data() and its flipped targets
  halfspace   notebook 002's data (seed 0 and 7; the straight boundary, and the curved
              one with c = 0.05): the first rows and the label counts
  splits      sklearn's StratifiedShuffleSplit / ShuffleSplit indices
"""
import json
import math

import numpy as np
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit


def circles(n=1000, seed=100):
    np.random.seed(seed)
    f, t = [], []
    for _ in range(n):
        r = np.random.uniform()
        th = np.random.uniform(0, 2 * np.pi)
        f.append([r * np.cos(th), r * np.sin(th)])
        t.append(0)
        r = 3 + np.random.uniform()
        th = np.random.uniform(0, 2 * np.pi)
        f.append([r * np.cos(th), r * np.sin(th)])
        t.append(1)
    return np.array(f), np.array(t)


def halfspace(seed, n=1000, extra=13, curvature=0.0):
    np.random.seed(seed)
    X = 10 * np.random.randn(2, n)
    X = np.concatenate((X, np.zeros([extra, n])), axis=0)
    X[2:, :] = .01 * np.random.randn(extra, n)
    Y = np.array(X[0, :] >= curvature * X[1, :] ** 2, np.int32)
    return X, Y


def split_ref(y, test_size, seed, stratified=True):
    cls = StratifiedShuffleSplit if stratified else ShuffleSplit
    sp = cls(n_splits=1, test_size=test_size, random_state=seed)
    tr, te = next(sp.split(np.zeros(len(y)), y))
    return {'y': [int(v) for v in y], 'test_size': test_size, 'seed': seed,
            'stratified': stratified, 'train': [int(i) for i in tr], 'test': [int(i) for i in te]}


def main():
    assert math.cos(1.234) == np.cos(1.234), 'run with AVX-512 disabled (see the docstring)'
    out = {}
    f, t = circles()
    out['circles'] = {'x1': f[:, 0].tolist(), 'x2': f[:, 1].tolist(), 'y': t.tolist()}
    x = np.arange(-10, 10, 0.1)
    y = np.sin(3 * x) * np.exp(-x / 8.)
    out['regression'] = {'x': x.tolist(), 'y': y.tolist(), 'y_flipped': y[::-1].tolist()}
    hs = []
    for seed, c in [(0, 0.0), (7, 0.0), (0, 0.05)]:
        X, Y = halfspace(seed, curvature=c)
        hs.append({'seed': seed, 'curvature': c, 'first_rows': X[:, :3].T.tolist(),
                   'last_row': X[:, -1].tolist(), 'positives': int(Y.sum())})
    out['halfspace'] = hs
    _, Y0 = halfspace(0)
    rs = np.random.RandomState(5)
    small = (rs.uniform(size=37) < 0.3).astype(int)
    out['splits'] = [split_ref(Y0, 0.2, 0), split_ref(Y0, 0.2, 42), split_ref(small, 0.3, 1),
                     split_ref(small, 0.25, 9), split_ref([0, 1] * 5, 0.5, 3),
                     split_ref(list(range(50)), 0.2, 4, stratified=False)]
    json.dump(out, __import__('sys').stdout, separators=(',', ':'))
    print()


if __name__ == '__main__':
    main()
