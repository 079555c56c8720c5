#!/bin/sh
# Run directories that were tampered with, and corner cases of the studies: nnlab analyze
# must fail with one line naming the file (never crash, hang or write outside the run),
# and small or odd runs must not fail their studies.
. tests/cli/lib.sh

base() { # out [--set ...]
    out=$1; shift
    "$NNLAB" run experiments/oscillation.json --out "$out" --quiet --no-plots \
        --set train.max_epochs=30 --set 'models.relu.hidden=[4,3]' "$@"
}

# ---- a seed range that would overflow is refused ---------------------------------------------
expect_exit 2 "$NNLAB" check experiments/init.json --set 'seeds=4294967295:4294967296:9223372036854775807'
expect_exit 2 "$NNLAB" check experiments/init.json --set 'seeds=0:10abc'

# ---- analyze on tampered runs -----------------------------------------------------------------
R="$tmp/r"
base "$R" || no "base run"
cp "$R/relu/model.json" "$tmp/model.json.bak"
sed 's/"activation": "relu"/"activation": "tanh"/' "$tmp/model.json.bak" > "$R/relu/model.json"
expect_exit 2 "$NNLAB" analyze "$R" --study oscillation   # summary.json knows its SHA-256
grep -q "relu/model.json: is not the file this run wrote" "$tmp/err" && ok || no "an edited model.json is named"
expect_eq "$(wc -l < "$tmp/err")" 1 "one line"
cp "$R/summary.json" "$tmp/summary.json.bak"                 # a run from before it did
sed 's/"model_sha256"/"old_model"/' "$tmp/summary.json.bak" > "$R/summary.json"
expect_exit 1 "$NNLAB" analyze "$R" --study oscillation
grep -q "does not have the architecture" "$tmp/err" && ok || no "an edited model.json in an old run is named"
cp "$tmp/summary.json.bak" "$R/summary.json"
cp "$tmp/model.json.bak" "$R/relu/model.json"
# a weights.csv that never ends, or holds NUL bytes, or empty fields
mv "$R/relu/weights.csv" "$tmp/weights.bak"
ln -s /dev/zero "$R/relu/weights.csv"
expect_exit 1 timeout $((10 * SCALE)) "$NNLAB" analyze "$R" --study oscillation
rm "$R/relu/weights.csv"
sed '3s/^\([^,]*\),[^,]*,/\1,,/' "$tmp/weights.bak" > "$R/relu/weights.csv"
expect_exit 1 "$NNLAB" analyze "$R" --study oscillation
grep -q "weights.csv:3" "$tmp/err" && ok || no "the bad row is named: $(cat "$tmp/err")"
cp "$tmp/weights.bak" "$R/relu/weights.csv"
# a link planted where analyze writes must not redirect the write
echo "precious" > "$tmp/victim"
ln -s "$tmp/victim" "$R/oscillation-relu-events.csv.part"
expect_exit 0 "$NNLAB" analyze "$R" --study oscillation
expect_eq "$(cat "$tmp/victim")" precious "analyze wrote through a planted link"
# an edited spec.json is refused unless --force
sed 's/"window": 25/"window": 5/' "$R/spec.json" > "$tmp/spec" && cp "$tmp/spec" "$R/spec.json"
expect_exit 2 "$NNLAB" analyze "$R"
grep -q "changed since the run" "$tmp/err" && ok || no "edited spec.json"
expect_exit 0 "$NNLAB" analyze "$R" --force

# ---- studies on odd runs ----------------------------------------------------------------------
expect_exit 0 base "$tmp/short" --set train.max_epochs=1
expect_eq "$("$J" "$tmp/short/summary.json" analyses.oscillation.relu.steps)" 0 "one epoch: no steps, no failure"
"$NNLAB" run experiments/prune.json --out "$tmp/reg" --quiet --no-plots --set train.max_epochs=20 \
    --set 'studies=[{"name":"prune","finetune_epochs":3}]' --set 'models.relu.hidden=[4,3]' \
    --set models.relu.output=identity --set train.target_error=null \
    && ok || no "prune on an identity output"
"$NNLAB" run experiments/init.json --out "$tmp/nohid" --quiet --no-plots --set 'models.relu-he.hidden=[]' \
    --set 'studies=[]' --set 'models.tanh-xavier.hidden=[]' || no "no-hidden run"
# a study the spec does not list is checked as the spec would be: refused, nothing written
cp "$tmp/nohid/summary.json" "$tmp/nohid-summary.json"
"$NNLAB" analyze "$tmp/nohid" --study prune --force 2>"$tmp/err"; rc=$?
expect_eq "$rc" 2 "analyze --study prune without hidden layers"
expect_eq "$(cat "$tmp/err")" 'nnlab: --study prune: the prune study needs at least one hidden layer, but model "tanh-xavier" has 0' "its message"
cmp -s "$tmp/nohid/summary.json" "$tmp/nohid-summary.json" && ok || no "summary.json untouched"
# a study failing keeps the models' results in summary.json
base "$tmp/keep" || no "keep run"
rm "$tmp/keep/relu/weights.csv"
expect_exit 1 "$NNLAB" analyze "$tmp/keep" --study oscillation
expect_eq "$("$J" "$tmp/keep/summary.json" models.0.label)" relu "summary.json survives a failed study"

# ---- SIGINT during a study that trains ------------------------------------------------------
"$NNLAB" run experiments/prune.json --out "$tmp/int" --quiet --no-plots --set 'studies=[{"name":"prune","finetune_epochs":100000}]' &
pid=$!
wait_for "$tmp/int/summary.json"   # written when training ends, before the studies
sleep 1
kill -INT $pid
wait $pid; rc=$?
expect_eq "$rc" 130 "SIGINT during prune ends the run"
expect_eq "$("$J" "$tmp/int/manifest.json" status)" interrupted "and says so"
expect_eq "$("$J" "$tmp/int/summary.json" models.0.label)" relu "with the models' results"

finish hostile
