#!/bin/sh
# What nnlab says on the terminal (issue 13, part D): a run ends with one line per model
# and one saying where the run is, read back from summary.json; --quiet silences it;
# stdout stays empty; analyze says which studies it wrote and where; the progress line on a
# terminal (a pty from util-linux `script`) shows a sane speed and ETA while several
# models train at once; `--set PATH VALUE` gets a hint. Runs from the project root with
# $NNLAB and $TESTBIN (for jget).
. tests/cli/lib.sh

# the number as the run's lines show it (%.4g), from summary.json
g4() { awk -v v="$1" 'BEGIN { printf "%.4g", v }'; }

# ---- a complete run: notebook 001's outcome without opening summary.json ------------------
R="$tmp/init"
expect_exit 0 "$NNLAB" run experiments/init.json --out "$R" --no-plots
[ ! -s "$tmp/out" ] && ok || no "run printed on stdout: $(cat "$tmp/out")"
cp "$tmp/err" "$tmp/init.err"
expect_eq "$(wc -l < "$tmp/init.err" | tr -d ' ')" 3 "two model lines and where the run is: $(cat "$tmp/init.err")"
relu=$(grep '^nnlab: relu-he ' "$tmp/init.err")
tanh=$(grep '^nnlab: tanh-xavier ' "$tmp/init.err")
case $relu in *"complete"*"1183 epochs"*"converged during epoch 1183") ok ;;
    *) no "the ReLU net's line: '$relu'" ;; esac
case $tanh in *"complete"*"2000 epochs"*"did not converge") ok ;;
    *) no "the tanh net's line: '$tanh'" ;; esac
for m in relu-he tanh-xavier; do
    line=$(grep "^nnlab: $m " "$tmp/init.err")
    loss=$(g4 "$("$J" "$R/summary.json" "models[label=$m].final.loss")")
    err=$(g4 "$("$J" "$R/summary.json" "models[label=$m].final.error")")
    case $line in *"loss $loss "*"error $err "*) ok ;;
        *) no "$m: loss $loss and error $err from summary.json not in '$line'" ;; esac
done
expect_eq "$(tail -1 "$tmp/init.err" | sed 's/ in [0-9.]* s;/ in T s;/')" "nnlab: complete in T s; the run is in $R" \
    "the last line says where the run is"
grep -q "$(printf '\r')" "$tmp/init.err" && no "a progress line when stderr is not a terminal" || ok

expect_exit 0 "$NNLAB" run experiments/init.json --out "$tmp/q" --no-plots --quiet
[ ! -s "$tmp/err" ] && ok || no "--quiet printed: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] && ok || no "--quiet run printed on stdout"

# ---- a diverged run: still one line per model, and where it is ---------------------------
expect_exit 1 "$NNLAB" run tests/cli/diverge.json --out "$tmp/v" --no-plots
ep=$("$J" "$tmp/v/summary.json" 'models[label=linear].diverged_epoch')
grep -q "^nnlab: linear  *diverged  *$ep epochs .*diverged during epoch $ep\$" "$tmp/err" && ok \
    || no "the diverged model's line: $(cat "$tmp/err")"
grep -q "^nnlab: relu  *complete  *200 epochs " "$tmp/err" && ok || no "the other model's line: $(cat "$tmp/err")"
expect_eq "$(tail -1 "$tmp/err" | sed 's/ in [0-9.]* s;/ in T s;/')" "nnlab: diverged in T s; the run is in $tmp/v" \
    "a diverged run says where it is"

# ---- an interrupted run: what exists, and where ------------------------------------------
LONG="--set train.max_epochs=2000000 --set train.target_error=null --max-output none"
"$NNLAB" run experiments/init.json --out "$tmp/i" --no-plots $LONG 2>"$tmp/i.err" &
pid=$!
wait_for "$tmp/i/relu-he/metrics.csv.part"
sleep 0.3
kill -INT $pid
wait $pid; rc=$?
expect_eq "$rc" 130 "exit after SIGINT"
for m in relu-he tanh-xavier; do
    run=$("$J" "$tmp/i/summary.json" "models[label=$m].epochs_run")
    grep -q "^nnlab: $m  *interrupted  *$run epochs " "$tmp/i.err" && ok \
        || no "$m interrupted after $run epochs: $(cat "$tmp/i.err")"
done
tail -1 "$tmp/i.err" | grep -q "^nnlab: interrupted after [0-9.]* s; what it wrote is in $tmp/i\$" && ok \
    || no "an interrupted run says where it is: $(tail -1 "$tmp/i.err")"

# ---- analyze says what it wrote ----------------------------------------------------------
expect_exit 0 "$NNLAB" analyze "$R" --no-plots
expect_eq "$(sed 's/ in [0-9.]* s:/ in T s:/' "$tmp/err")" \
    "nnlab: analysed dataset, decision, curves in T s: tables (no figures) in $R, the results under \"analyses\" in $R/summary.json" \
    "analyze names its studies and where they are"
[ ! -s "$tmp/out" ] && ok || no "analyze printed on stdout"
expect_exit 0 "$NNLAB" analyze "$R" --no-plots --study curves
grep -q "^nnlab: analysed curves in " "$tmp/err" && ok || no "analyze --study names that study: $(cat "$tmp/err")"
expect_exit 0 "$NNLAB" analyze "$R" --no-plots --quiet
[ ! -s "$tmp/err" ] && ok || no "analyze --quiet printed: $(cat "$tmp/err")"

# ---- --set with a space where '=' belongs: a hint, exit 2, nothing written ----------------
for form in "train.lr 0.5" "train.lr = 0.5" "train.lr =0.5"; do
    # shellcheck disable=SC2086
    expect_exit 2 "$NNLAB" run experiments/init.json --out "$tmp/set" --set $form
    expect_eq "$(cat "$tmp/err")" "nnlab: --set train.lr: expected PATH=VALUE (did you mean --set train.lr=0.5?)" \
        "--set $form"
    [ ! -e "$tmp/set" ] && ok || no "--set $form wrote $tmp/set"
done
expect_exit 2 "$NNLAB" check --set description "a b" experiments/init.json
expect_eq "$(cat "$tmp/err")" "nnlab: --set description: expected PATH=VALUE (did you mean --set 'description=a b'?)" \
    "a suggestion a shell would split is quoted"
[ ! -s "$tmp/out" ] && ok || no "check printed a spec after a bad --set"
# the word after is the spec itself: not taken for the value
expect_exit 2 "$NNLAB" check --set seed experiments/init.json
expect_eq "$(cat "$tmp/err")" "nnlab: --set seed: expected PATH=VALUE, such as train.lr=0.5" "--set PATH SPEC"

# ---- the progress line on a terminal, two models on two threads --------------------------
if command -v script > /dev/null && script -qec true /dev/null > /dev/null 2>&1; then
    P="$tmp/p"
    # long enough for a few redraws (every 0.1 s) on a fast machine: about 2 s on two cores
    EPOCHS=$((400000 / SCALE))
    script -qec "'$NNLAB' run experiments/init.json --out '$P' --no-plots --threads 2 \
        --set train.max_epochs=$EPOCHS --set train.target_error=null" /dev/null > "$tmp/tty" 2>&1
    tr '\r' '\n' < "$tmp/tty" | grep 'epochs/s' > "$tmp/lines"
    lines=$(wc -l < "$tmp/lines" | tr -d ' ')
    [ "$lines" -ge 3 ] && ok || no "progress lines on a terminal: $lines"
    # the run's real speed: every epoch of both models over the training time
    wall=$("$J" "$P/manifest.json" train_wall_seconds)
    real=$(awk -v w="$wall" -v n=$((2 * EPOCHS)) 'BEGIN { printf "%.0f", n / w }')
    # speeds shown: never far above the real one (the bug: 210314347 epochs/s)
    sed -n 's/.*  \([0-9][0-9]*\) epochs\/s.*/\1/p' "$tmp/lines" > "$tmp/rates"
    max=$(sort -n "$tmp/rates" | tail -1)
    [ -n "$max" ] && [ "$max" -le $((real * 3)) ] && [ "$max" -gt 0 ] && ok \
        || no "progress speed $max epochs/s against a real $real epochs/s"
    # the ETA early on: most of the run is still ahead (the bug: ETA 0s throughout)
    awk -v w="$wall" '
        / epochs\/s/ && !/ 0 epochs\/s/ {
            s = $0; sub(/.*ETA /, "", s); t = 0
            if (s ~ /m/) { split(s, a, "m"); t = a[1] * 60; s = a[2] }
            sub(/s.*/, "", s); t += s
            n++; if (n == 2) { print t; exit }
        }' "$tmp/lines" > "$tmp/eta"
    eta=$(cat "$tmp/eta")
    awk -v e="$eta" -v w="$wall" 'BEGIN { exit !(e != "" && e >= 0.3 * w && e <= 3 * w + 2) }' && ok \
        || no "an early ETA of ${eta:-nothing} s for a run of $wall s"
    # each model counts its own epochs: the epoch shown never runs past max_epochs and the
    # total across models never goes backwards
    awk '{ for (i = 1; i <= NF; i++) if ($i == "models:") { split($(i + 1), a, "/"); if (a[1] + 0 < last) bad = 1; last = a[1] + 0 } }
         END { exit bad }' "$tmp/lines" && ok || no "the total of epochs went backwards"
    # --quiet on a terminal: nothing at all
    script -qec "'$NNLAB' run experiments/init.json --out '$tmp/pq' --no-plots --quiet" /dev/null > "$tmp/tty" 2>&1
    [ ! -s "$tmp/tty" ] && ok || no "--quiet on a terminal printed: $(tr '\r' '\n' < "$tmp/tty" | head -3)"
else
    echo "test_terminal: note: no util-linux script(1), so the progress line was not tested" >&2
fi

# the same hint from sweep and data, whose --set take the same PATH=VALUE
"$NNLAB" sweep experiments/init.json --set seed 0:3 --dry-run >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_eq "$rc $(cat "$tmp/err")" "2 nnlab: --set seed: expected PATH=VALUE (did you mean --set seed=0:3?)" "sweep --set PATH VALUE"
"$NNLAB" data wedges --set n 100 >"$tmp/out" 2>"$tmp/err"; rc=$?
expect_eq "$rc $(cat "$tmp/err")" "2 nnlab: --set n: expected PATH=VALUE (did you mean --set n=100?)" "data --set PARAM VALUE"
[ ! -s "$tmp/out" ] && ok || no "data printed a data set after a usage error"

finish test_terminal
