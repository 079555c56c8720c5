#!/bin/sh
# init.rng "torch": a run's initial weights are what torch 1.13 draws after manual_seed(seed),
# value for value, through the whole command (spec, run, model-initial.json): nn.Linear's
# default init (cases 5-7 of tests/data/torch-rng-vectors.json, Linear(2,3) then Linear(3,1))
# and notebook 003's Net(1, 60, 1, 1e-6) (cases 26-27). The numpy stream stays the default and
# the resolved spec of a spec that does not name the key is unchanged. Combinations torch
# does not draw are refused before anything is written.
. tests/cli/lib.sh
V=tests/data/torch-rng-vectors.json
# same MODEL CASE LAYER KIND N: the N values of model-initial.json's layer (weights row by
# row, or bias) equal case CASE's tensor (2*LAYER for weights, 2*LAYER+1 for the bias)
same() {
    m=$1 c=$2 l=$3 kind=$4 n=$5 bad=0 i=0
    t=$((2 * l)); [ "$kind" = bias ] && t=$((t + 1))
    [ "$6" ] && t=$6
    cols=$("$J" "$m" "layers.$l.weights.0" | tr -cd ',' | wc -c); cols=$((cols + 1))
    while [ $i -lt $n ]; do
        if [ "$kind" = bias ]; then got=$("$J" "$m" "layers.$l.bias.$i")
        else got=$("$J" "$m" "layers.$l.weights.$((i / cols)).$((i % cols))"); fi
        want=$("$J" "$V" "cases.$c.tensors.$t.values.$i")
        [ "$got" = "$want" ] || { bad=$((bad + 1)); [ $bad -le 3 ] && echo "$m layer $l $kind [$i]: $got, torch $want" >&2; }
        i=$((i + 1))
    done
    [ $bad -eq 0 ] && ok || no "$bad of $n values differ from torch's (case $c)"
}
cat > "$tmp/lin.json" <<'J'
{"name": "lin", "data": {"generator": "circles", "seed": 100},
 "train": {"optimizer": "adam", "lr": 1e-3, "loss": "bce", "batch": "full", "shuffle": false, "max_epochs": 1},
 "model": {"label": "m", "hidden": [3], "activation": "sigmoid", "init": {"scheme": "torch", "rng": "torch"}},
 "studies": []}
J
k=5
for seed in 0 1 42; do
    expect_exit 0 "$NNLAB" run "$tmp/lin.json" --set seed=$seed --out "$tmp/lin$seed" --quiet --no-report
    expect_eq "$("$J" "$V" "cases.$k.what")" "manual_seed($seed); Linear(2,3); Linear(3,1): weight, bias, weight, bias" "case $k"
    M="$tmp/lin$seed/m/model-initial.json"
    same "$M" $k 0 weights 6; same "$M" $k 0 bias 3; same "$M" $k 1 weights 3; same "$M" $k 1 bias 1
    k=$((k + 1))
done
for seed in 0 1; do
    c=$((26 + seed))
    expect_exit 0 "$NNLAB" run experiments/alignment.json --set model.init.rng=torch --set seed=$seed \
        --set train.max_epochs=1 --out "$tmp/al$seed" --quiet --no-report
    M="$tmp/al$seed/relu/model-initial.json"
    same "$M" $c 0 weights 60 0; same "$M" $c 0 bias 60 1; same "$M" $c 1 weights 60 2
done
# the numpy stream is the default, and a spec that does not name rng resolves as before
"$NNLAB" check experiments/alignment.json > "$tmp/resolved.json" 2>"$tmp/err" || no "check: $(cat "$tmp/err")"
grep -q '"rng"' "$tmp/resolved.json" && no "the resolved spec names rng unasked" || ok
"$NNLAB" check experiments/alignment.json --set model.init.rng=torch > "$tmp/resolved.json"
grep -q '"rng": "torch"' "$tmp/resolved.json" && ok || no "the resolved spec drops rng torch"
# what torch does not draw is refused, naming the place
expect_exit 2 "$NNLAB" check "$tmp/lin.json" --set model.init.scheme=he
grep -q '/model/init/rng: the torch stream draws torch' "$tmp/err" && ok || no "he from torch: $(cat "$tmp/err")"
expect_exit 2 "$NNLAB" check "$tmp/lin.json" --set model.init.gain=2
expect_exit 2 "$NNLAB" check "$tmp/lin.json" --set model.init.redraw_tolerance=0.1
expect_exit 2 "$NNLAB" check "$tmp/lin.json" --set model.init.rng=pytorch
grep -q 'did you mean "torch"' "$tmp/err" && ok || no "rng pytorch: $(cat "$tmp/err")"
expect_exit 2 "$NNLAB" check experiments/alignment.json --set model.init.rng=torch --set model.output_bias=true
finish test_torch_init
