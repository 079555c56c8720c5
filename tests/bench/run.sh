#!/bin/sh
# Every benchmark, side by side in one session (make bench). Timings, not tests.
NNLAB=${NNLAB:-./nnlab}
export NNLAB
echo "== the table: nnlab beside numpy and PyTorch on the notebooks' work (tests/bench/bench.py)"
/usr/bin/python3 tests/bench/bench.py --csv build/bench.csv
echo "== notebook 001: every example against the notebook's numpy code (sh tests/bench/init_vs_numpy.sh)"
sh tests/bench/init_vs_numpy.sh --quick
echo "== notebook 000: aligning two width-512 nets (sh tests/bench/align_512.sh)"
sh tests/bench/align_512.sh
echo "== notebooks 003 and 004: nnlab against PyTorch (sh tests/bench/nb5_vs_torch.sh)"
sh tests/bench/nb5_vs_torch.sh
echo "== scaling: time per epoch against width and samples, alignment against width (tests/bench/scaling.py)"
/usr/bin/python3 tests/bench/scaling.py --out build/bench
