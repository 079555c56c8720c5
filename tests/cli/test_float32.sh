#!/bin/sh
# train.precision "float32": PyTorch's float32 training loop (src/core/train_f32.c). From
# torch's initial weights (init.rng "torch") notebook 004's circles nets give torch's own
# losses: the values below were printed by torch 1.13.0a0 (Debian's python3-torch, one
# thread) running the notebook's loop from torch.manual_seed(0) on the same data
# (tests/bench/torch_crosscheck.py's torch_circles(0, w, ...) at epochs 0, 1, 10, 2000). Runs
# are the same bytes across threads, vector paths and kernels; what float32 training does not
# compute is refused before anything runs; a spec without the key resolves as before.
. tests/cli/lib.sh
S=experiments/circles.json
TORCH="--set train.precision=float32 --set models.sigmoid-w1.init.rng=torch --set models.sigmoid-w2.init.rng=torch --set models.sigmoid-w3.init.rng=torch --set models.sigmoid-w5.init.rng=torch"
expect_exit 0 "$NNLAB" run $S $TORCH --set train.max_epochs=10 --out "$tmp/c" --quiet --no-plots --no-report --threads 1
# near A B: within two float ulps (|A - B| <= 2.4e-7 |B|): torch sums its matrix products and
# its mean in another order; float64 arithmetic from the same weights misses by more
near() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 2.4e-7 * (b < 0 ? -b : b)) }'; }
for row in "1 0 0.7523820996284485" "1 1 0.7521033883094788" "1 10 0.7496296763420105" \
           "2 0 0.7053921222686768" "2 1 0.7052413821220398" "2 10 0.703937292098999" \
           "3 0 0.7406047582626343" "3 1 0.7402046918869019" "3 10 0.7366892099380493" \
           "5 0 0.6977704763412476" "5 1 0.6976447105407715" "5 10 0.696625292301178"; do
    set -- $row
    got=$(awk -F, -v e="$2" 'NR > 1 && $1 == e { print $2 }' "$tmp/c/sigmoid-w$1/metrics.csv")
    near "$got" "$3" && ok || no "width $1 epoch $2: loss $got, torch $3"
done
# 2000 epochs on, float32 still gives torch's losses to a float's ulp or two, where float64
# from the same weights is 2.5e-6 to 2.8e-6 of the loss away (it fails this check)
expect_exit 0 "$NNLAB" run $S $TORCH --set train.max_epochs=2000 --out "$tmp/c2k" --quiet --no-plots --no-report
for row in "3 0.38812553882598877" "5 0.16216705739498138"; do
    set -- $row
    got=$(awk -F, 'NR > 1 && $1 == 2000 { print $2 }' "$tmp/c2k/sigmoid-w$1/metrics.csv")
    near "$got" "$2" && ok || no "width $1 epoch 2000: loss $got, torch $2"
done
# the same bytes with two threads, without AVX-512, and on the reference kernels
for mode in "--threads 2" "NNLAB_NO_AVX512=1" "NNLAB_KERNELS=reference"; do
    case $mode in --*) env= args=$mode ;; *) env=$mode args="--threads 1" ;; esac
    rm -rf "$tmp/d"
    env $env "$NNLAB" run $S $TORCH --set train.max_epochs=10 --out "$tmp/d" --quiet --no-plots --no-report $args || no "run $mode"
    d=0
    for f in $(cd "$tmp/c" && find . -type f ! -name manifest.json ! -name .nnlab.lock); do
        cmp -s "$tmp/c/$f" "$tmp/d/$f" || d=$((d + 1))
    done
    expect_eq "$d" 0 "files that differ with $mode"
done
# what float32 training does not compute is refused, naming the place
for bad in "train.optimizer=asgd" "train.loss=l2" "train.batch=100" "data.test_fraction=0.2"; do
    expect_exit 2 "$NNLAB" check $S $TORCH --set "$bad"
    grep -q "/train/precision: float32 training takes\|/train/precision: float32 training has" "$tmp/err" && ok || no "$bad: $(cat "$tmp/err")"
done
expect_exit 2 "$NNLAB" check $S --set train.precision=float16
grep -q 'unknown precision "float16"' "$tmp/err" && ok || no "float16: $(cat "$tmp/err")"
"$NNLAB" check $S > "$tmp/r.json" || no "check"
grep -q '"precision"' "$tmp/r.json" && no "the resolved spec names precision unasked" || ok
finish test_float32
