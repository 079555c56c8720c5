#!/bin/sh
# nnlab against PyTorch on notebooks 003 and 004's training loops, side by side in one
# session:  sh tests/bench/nb5_vs_torch.sh
# nnlab: training time (manifest train_seconds) and wall time of `run --no-plots`, median of
# 5, for experiments/alignment.json and for experiments/circles.json's 3-unit model alone.
# PyTorch: tests/bench/nb5_torch.py (the same loops, in the notebooks' float32 and in
# float64, nnlab's precision), median of 3. Needs Debian's python3-torch for the PyTorch
# columns. Timings, not tests: never part of `make check`.
NNLAB=${NNLAB:-./nnlab}
PY=/usr/bin/python3
J=${TESTBIN:-build/release/tests}/jget
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
have_torch=0; $PY -c 'import torch' 2>/dev/null && have_torch=1
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
now() { date +%s.%N; }
W3='models=[{"label":"sigmoid-w3","hidden":[3],"activation":"sigmoid","init":{"scheme":"torch"}}]'
printf '%-10s %11s %11s %12s %12s %10s %10s\n' example "nnlab wall" "nnlab train" "torch f32" "torch f64" "x f32" "x f64"
for ex in alignment circles; do
    : > "$tmp/wall"; : > "$tmp/train"
    for r in 1 2 3 4 5; do
        rm -rf "$tmp/run"
        t0=$(now)
        if [ $ex = circles ]; then
            "$NNLAB" run experiments/circles.json --out "$tmp/run" --quiet --no-plots --set "$W3" --set 'studies=[]'
        else
            "$NNLAB" run experiments/alignment.json --out "$tmp/run" --quiet --no-plots
        fi
        t1=$(now)
        echo "$t1 - $t0" | bc -l >> "$tmp/wall"
        "$J" "$tmp/run/manifest.json" train_seconds | tr -d '{}' | cut -d: -f2 >> "$tmp/train"
    done
    wall=$(median < "$tmp/wall"); train=$(median < "$tmp/train")
    t32=-; t64=-; r32=-; r64=-
    if [ $have_torch = 1 ]; then
        t32=$($PY tests/bench/nb5_torch.py $ex --repeat 3 --dtype float32 | $PY -c 'import json,sys; v=sorted(json.loads(l)["seconds"] for l in sys.stdin); print(v[1])')
        t64=$($PY tests/bench/nb5_torch.py $ex --repeat 3 --dtype float64 | $PY -c 'import json,sys; v=sorted(json.loads(l)["seconds"] for l in sys.stdin); print(v[1])')
        r32=$(echo "$t32 / $train" | bc -l | xargs printf '%.1f'); r64=$(echo "$t64 / $train" | bc -l | xargs printf '%.1f')
        t32=$(printf '%.3fs' "$t32"); t64=$(printf '%.3fs' "$t64")
    fi
    printf '%-10s %10.3fs %10.3fs %12s %12s %10s %10s\n' $ex "$wall" "$train" "$t32" "$t64" "$r32" "$r64"
done
echo "ratios: PyTorch's training loop over nnlab's training time (train_seconds)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), torch $($PY -c 'import torch; print(torch.__version__)' 2>/dev/null || echo absent)"
