#!/usr/bin/env python3
"""The training loops of notebooks 003 and 004 in PyTorch, timed (tests/bench/nb5_vs_torch.sh).

    /usr/bin/python3 tests/bench/nb5_torch.py alignment|circles [--dtype float32|float64]
        [--threads N] [--repeat K] [--width W]

alignment  notebook 003: Net(1, 60, 1, init_scale=1e-6, balanced) with torch.optim.SGD(lr=0.001)
           and MSELoss, 20000 full-batch steps on x = (-0.5, 2), y = (-1, 1), the loss kept
           every step as the notebook does (its frames are not drawn here).
circles    notebook 004: ClassifierNet(2, 1, 1 hidden layer of W (3) sigmoid units, sigmoid
           output), train_model(lr=1e-3, N_epochs=10000, BCELoss, shuffle=False) on
           generate_binary_data(seed=100), printing nothing.
Prints one JSON line per repeat: {"seconds": training loop time}. Written for nnlab's
benchmark from the notebooks' descriptions; the notebooks' float32 is the default.
"""
import argparse
import json
import time

import numpy as np
import torch


def alignment(dtype):
    x = torch.tensor([[-0.5], [2.0]], dtype=dtype)
    y = torch.tensor([[-1.0], [1.0]], dtype=dtype)
    hidden = torch.nn.Linear(1, 60).to(dtype)
    predict = torch.nn.Linear(60, 1, bias=False).to(dtype)
    std = 1e-6 / np.sqrt(60 * 1)
    torch.nn.init.normal_(hidden.weight.data, std=std)
    torch.nn.init.normal_(hidden.bias.data, std=std)
    norms = (hidden.weight.data.norm(dim=1).square() + hidden.bias.data.square()).sqrt()
    predict.weight.data = (2 * torch.bernoulli(0.5 * torch.ones_like(predict.weight.data)) - 1) * norms
    net = torch.nn.Sequential(hidden, torch.nn.ReLU(), predict)
    opt = torch.optim.SGD(net.parameters(), lr=0.001)
    loss_func = torch.nn.MSELoss(reduction='mean')
    losses = []
    t = time.perf_counter()
    for _ in range(20000):
        loss = loss_func(net(x), y)
        losses.append(loss.data.numpy())
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.perf_counter() - t, float(losses[-1])


def circles(dtype, width=3):
    np.random.seed(100)
    f, t = [], []
    for _ in range(1000):
        r = np.random.uniform(); th = np.random.uniform(0, 2 * np.pi)
        f.append([r * np.cos(th), r * np.sin(th)]); t.append(0)
        r = 3 + np.random.uniform(); th = np.random.uniform(0, 2 * np.pi)
        f.append([r * np.cos(th), r * np.sin(th)]); t.append(1)
    features = torch.tensor(np.array(f), dtype=dtype)
    target = torch.tensor(np.array(t), dtype=dtype).reshape(-1, 1)
    net = torch.nn.Sequential(torch.nn.Linear(2, width), torch.nn.Sigmoid(), torch.nn.Linear(width, 1),
                              torch.nn.Sigmoid()).to(dtype)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    crit = torch.nn.BCELoss()
    t0 = time.perf_counter()
    for _ in range(10000):
        out = net(features)
        loss = crit(out, target)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.perf_counter() - t0, float(loss)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('example', choices=['alignment', 'circles'])
    ap.add_argument('--dtype', default='float32', choices=['float32', 'float64'])
    ap.add_argument('--threads', type=int, default=0)
    ap.add_argument('--repeat', type=int, default=1)
    ap.add_argument('--width', type=int, default=3)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    dtype = getattr(torch, a.dtype)
    for _ in range(a.repeat):
        sec, loss = alignment(dtype) if a.example == 'alignment' else circles(dtype, a.width)
        print(json.dumps({'seconds': sec, 'final_loss': loss}))


if __name__ == '__main__':
    main()
