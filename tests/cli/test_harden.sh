#!/bin/sh
# What a careless or hostile user tries from outside (issue 14, docs/failures.md): a run
# directory taken from the live process writing it, FIFOs and devices where files belong,
# damaged run directories (a model list, metrics, trajectories and model files that are not
# what the run wrote), a gnuplot that cannot start or writes half a figure, studies that
# can only fail after training, outputs the size guard did not count, and command lines
# with an option where a value belongs. Every case here failed before issue 14.
. tests/cli/lib.sh
ROOT=$(pwd)
case $NNLAB in /*) ;; *) NNLAB=$ROOT/$NNLAB ;; esac
S=experiments/init.json
QUICK="--set train.max_epochs=20 --quiet"
# a hang is a failure, not a stuck suite
T="timeout -k 5 $((20 * SCALE))"   # -k: the old binary swallowed SIGTERM while blocked

# ---- 1. a run directory a live process writes is never taken from it --------------------
"$NNLAB" run $S --out "$tmp/live" $QUICK --no-plots || no "first run"
"$NNLAB" run $S --out "$tmp/live" --force --quiet --no-plots \
    --set train.max_epochs=3000000 --set train.target_error=null &
pid=$!
wait_for "$tmp/live/manifest.json"
n=0; while ! grep -q '"running"' "$tmp/live/manifest.json" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
expect_exit 2 "$NNLAB" run $S --out "$tmp/live" --force $QUICK
grep -q "a live nnlab process is writing this run directory (pid $pid" "$tmp/err" && ok \
    || no "--force over a live run: $(cat "$tmp/err")"
expect_exit 2 "$NNLAB" analyze "$tmp/live" --force --quiet
grep -q "a live nnlab process is writing" "$tmp/err" && ok || no "analyze --force of a live run: $(cat "$tmp/err")"
kill -TERM $pid; wait $pid
expect_eq "$("$J" "$tmp/live/manifest.json" status)" interrupted "the live run kept its own directory"
expect_eq "$("$J" "$tmp/live/manifest.json" pid)" "$pid" "its manifest is its own"
# two --force runs started together: one takes the directory, the other is refused
"$NNLAB" run $S --out "$tmp/live" --force --quiet --no-plots --set train.max_epochs=200000 \
    --set train.target_error=null 2>"$tmp/e1" & p1=$!
"$NNLAB" run $S --out "$tmp/live" --force --quiet --no-plots --set train.max_epochs=200000 \
    --set train.target_error=null 2>"$tmp/e2" & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
[ $((r1 == 2)) -ne $((r2 == 2)) ] && ok || no "two --force runs together: exits $r1 and $r2 ($(cat "$tmp/e1" "$tmp/e2"))"
expect_eq "$("$J" "$tmp/live/manifest.json" status)" complete "the winner's run is whole"
# a run killed outright holds no lock: it is over, whatever its manifest says
"$NNLAB" run $S --out "$tmp/killed" --quiet --no-plots --set train.max_epochs=3000000 \
    --set train.target_error=null &
pid=$!
wait_for "$tmp/killed/manifest.json"; sleep 0.3
kill -KILL $pid; wait $pid 2>/dev/null
expect_exit 2 "$NNLAB" analyze "$tmp/killed"
grep -q 'no nnlab process is writing it: the run was killed' "$tmp/err" && ok || no "a killed run: $(cat "$tmp/err")"
expect_exit 0 "$NNLAB" run $S --out "$tmp/killed" --force $QUICK --no-plots

# ---- 3, 14. gnuplot: half a figure, a gnuplot that cannot start, a FIFO for its log -------
cat > "$tmp/gp-half" <<'EOF'
#!/bin/sh
# gnuplot on a full disk: exits 0 after writing half a figure
out=$(printf '%s' "$2" | sed -n "s/.*outfile='\([^']*\)'.*/\1/p")
printf '\211PNG\r\n\032\n' > "$out"
exit 0
EOF
printf '#!/bin/sh\nexit 127\n' > "$tmp/gp-127"
chmod +x "$tmp/gp-half" "$tmp/gp-127"
NNLAB_GNUPLOT="$tmp/gp-half" expect_exit 1 "$NNLAB" run $S --out "$tmp/half" $QUICK
[ -z "$(find "$tmp/half" -name '*.png' -size -100c)" ] && ok || no "a truncated PNG under its final name"
[ -z "$(find "$tmp/half" -name '*.part')" ] && ok || no "a .part left by a half figure"
grep -q "gnuplot wrote no complete figure" "$tmp/err" && ok || no "half a figure: $(cat "$tmp/err")"
expect_eq "$("$J" "$tmp/half/manifest.json" status)" failed "a run whose figures failed is not complete"
NNLAB_GNUPLOT="$tmp/gp-127" expect_exit 1 "$NNLAB" run $S --out "$tmp/g127" $QUICK
grep -q "gnuplot could not start (exit 127" "$tmp/err" && ok || no "exit 127 is not 'not found': $(cat "$tmp/err")"
expect_eq "$("$J" "$tmp/g127/manifest.json" status)" failed "a gnuplot that cannot start fails the run"
NNLAB_GNUPLOT="$tmp/no-such-gnuplot" expect_exit 0 "$NNLAB" run $S --out "$tmp/g404" --set train.max_epochs=20
grep -q "gnuplot not found" "$tmp/err" && ok || no "a missing gnuplot is still 'not found': $(cat "$tmp/err")"
if command -v "${NNLAB_GNUPLOT:-gnuplot}" >/dev/null 2>&1; then
    "$NNLAB" run $S --out "$tmp/glog" $QUICK --no-plots || no "run for a FIFO log"
    mkfifo "$tmp/glog/gnuplot.log"
    $T "$NNLAB" analyze "$tmp/glog" --study curves --quiet 2>"$tmp/err"; rc=$?
    expect_eq "$rc" 1 "a FIFO at gnuplot.log: exit (not a hang): $(cat "$tmp/err")"
fi

# ---- 7, 8. FIFOs and devices where a run's files belong: refused at once ---------------
"$NNLAB" run $S --out "$tmp/f0" $QUICK --no-plots --set record.weights=every \
    --set 'studies=["curves","oscillation"]' || no "run for FIFOs"
for f in manifest.json spec.json summary.json data.csv tanh-xavier/model.json \
         tanh-xavier/model-initial.json tanh-xavier/metrics.csv tanh-xavier/weights.csv; do
    rm -rf "$tmp/f1"; cp -r "$tmp/f0" "$tmp/f1"
    rm "$tmp/f1/$f"; mkfifo "$tmp/f1/$f"
    $T "$NNLAB" analyze "$tmp/f1" --no-plots --quiet 2>"$tmp/err"; rc=$?
    [ "$rc" = 1 ] || [ "$rc" = 2 ] && ok || no "a FIFO at $f: exit $rc (124 is a hang)"
    grep -q "$f: .*FIFO" "$tmp/err" && ok || no "a FIFO at $f is named: $(cat "$tmp/err")"
done
# SIGTERM is not swallowed: analyze of a long oscillation ends with 143 at once
rm -rf "$tmp/f1"; cp -r "$tmp/f0" "$tmp/f1"
rm "$tmp/f1/tanh-xavier/metrics.csv"; ln -s /dev/zero "$tmp/f1/tanh-xavier/metrics.csv"
$T "$NNLAB" analyze "$tmp/f1" --study curves --no-plots --quiet 2>"$tmp/err"; rc=$?
expect_eq "$rc" 1 "metrics.csv linked to /dev/zero: exit (124 is a spin)"
grep -q "metrics.csv: .*character device" "$tmp/err" && ok || no "/dev/zero named: $(cat "$tmp/err")"
# a spec or data file that is a FIFO
mkfifo "$tmp/spec.json"
$T "$NNLAB" check "$tmp/spec.json" >/dev/null 2>"$tmp/err"; expect_eq $? 2 "a FIFO spec"
printf '{"data": {"generator": "csv", "path": "fifo.csv"}}' > "$tmp/csvspec.json"
mkfifo "$tmp/fifo.csv"
$T "$NNLAB" check "$tmp/csvspec.json" >/dev/null 2>"$tmp/err"; expect_eq $? 2 "a FIFO data file"

# ---- 10. prune on a net whose loss is not finite, or whose ablation scores are nan --------
printf 'a,b,y\n1e308,1,1\n-1e308,2,0\n3,1e308,1\n4,-1e308,0\n1,1,1\n2,2,0\n' > "$tmp/huge.csv"
cat > "$tmp/prune.json" <<'EOF'
{"data": {"generator": "csv", "path": "huge.csv", "normalize": "none"},
 "train": {"max_epochs": 5},
 "model": {"hidden": [4], "activation": "relu"},
 "studies": ["prune", "curves"]}
EOF
"$NNLAB" run "$tmp/prune.json" --out "$tmp/pr" --quiet --no-plots 2>"$tmp/err"
grep -q "invalid architecture" "$tmp/err" && no "prune removed every unit: $(cat "$tmp/err")" || ok
"$J" "$tmp/pr/summary.json" analyses.prune >/dev/null 2>&1 && ok || no "prune recorded nothing"
"$J" "$tmp/pr/summary.json" analyses.curves >/dev/null 2>&1 && ok || no "the studies after prune were skipped"

# ---- 11. nnlab check refuses what the run could only fail on after training ------------
cat > "$tmp/fit3.json" <<'EOF'
{"data": {"generator": "points", "x": [0, 1, 2], "y": [0.5, 1.5, 2.5]},
 "train": {"max_epochs": 3}, "model": {"hidden": [3]}, "studies": ["fit"]}
EOF
expect_exit 2 "$NNLAB" check "$tmp/fit3.json"
grep -q "/studies/0: the fit study needs at least 4 points, the data has 3" "$tmp/err" && ok \
    || no "fit with 3 points at check: $(cat "$tmp/err")"
expect_exit 2 "$NNLAB" run "$tmp/fit3.json" --out "$tmp/fit3" --quiet
[ ! -e "$tmp/fit3" ] && ok || no "fit with 3 points wrote a run directory"
cat > "$tmp/rank.json" <<'EOF'
{"data": {"generator": "wedges"}, "train": {"max_epochs": 2000000, "target_error": null},
 "model": {"hidden": [300]}, "studies": ["neuron_rank"], "record": {"weights": "every"}}
EOF
expect_exit 2 "$NNLAB" check "$tmp/rank.json" --max-output none
grep -q "neuron_rank study would hold more than" "$tmp/err" && ok || no "neuron_rank size at check: $(cat "$tmp/err")"
cat > "$tmp/wide.json" <<'EOF'
{"data": {"generator": "wedges"}, "train": {"max_epochs": 1},
 "models": [{"label": "a", "hidden": [5000], "seeds": "0:2"}], "studies": ["distance"]}
EOF
expect_exit 2 "$NNLAB" check "$tmp/wide.json"
grep -q "limited to 4096 units per layer" "$tmp/err" && ok || no "alignment width at check: $(cat "$tmp/err")"

# ---- 12, 13, 16. a damaged run directory is refused, naming the damage ----------------
"$NNLAB" run experiments/distance.json --out "$tmp/d0" --quiet --no-plots \
    --set train.max_epochs=30 --set record.weights=every \
    --set 'studies=["curves","distance","oscillation"]' || no "run for damage"
damaged() { rm -rf "$tmp/d1"; cp -r "$tmp/d0" "$tmp/d1"; }
labels=$("$J" "$tmp/d0/summary.json" 'models' | tr ',' '\n' | sed -n 's/.*"label":"\([^"]*\)".*/\1/p')
A=$(echo "$labels" | sed -n 1p); B=$(echo "$labels" | sed -n 2p)
# 12: a model listed twice; a list naming no model of the spec
damaged
sed "s/\"label\": \"$B\"/\"label\": \"$A\"/" "$tmp/d0/summary.json" > "$tmp/d1/summary.json"
expect_exit 2 "$NNLAB" analyze "$tmp/d1" --no-plots --quiet
grep -q "summary.json: /models/1: model \"$A\" is listed twice" "$tmp/err" && ok || no "a model listed twice: $(cat "$tmp/err")"
damaged
sed "s/\"label\": \"$A\"/\"label\": \"ghost\"/; s/\"label\": \"$B\"/\"label\": \"ghost2\"/" "$tmp/d0/summary.json" > "$tmp/d1/summary.json"
expect_exit 2 "$NNLAB" analyze "$tmp/d1" --no-plots --quiet
grep -q "names no model of spec.json (ghost)" "$tmp/err" && ok || no "a list of no model: $(cat "$tmp/err")"
# 13: curves refuses a missing, empty or truncated metrics.csv instead of a missing line
for how in missing empty truncated; do
    damaged
    case $how in
    missing) rm "$tmp/d1/$B/metrics.csv" ;;
    empty) : > "$tmp/d1/$B/metrics.csv" ;;
    truncated) head -c 300 "$tmp/d0/$B/metrics.csv" > "$tmp/d1/$B/metrics.csv" ;;
    esac
    expect_exit 1 "$NNLAB" analyze "$tmp/d1" --study curves --no-plots --quiet
    grep -q "$B/metrics.csv" "$tmp/err" && ok || no "curves with a $how metrics.csv: $(cat "$tmp/err")"
done
# 16: the trajectory reader takes what the data reader takes, and only this model's file
for bad in 1e400 1e-400 0x1p3 ' 0.5' nan; do
    damaged
    awk -F, -v OFS=, -v v="$bad" 'NR == 3 { $2 = v } { print }' "$tmp/d0/$A/weights.csv" > "$tmp/d1/$A/weights.csv"
    expect_exit 1 "$NNLAB" analyze "$tmp/d1" --study oscillation --no-plots --quiet
    grep -q "$A/weights.csv:3: " "$tmp/err" && ok || no "weights.csv value '$bad': $(cat "$tmp/err")"
done
damaged
cp "$tmp/d0/$B/weights.csv" "$tmp/d1/$A/weights.csv"     # another replicate's trajectory
expect_exit 1 "$NNLAB" analyze "$tmp/d1" --study oscillation --no-plots --quiet
grep -q "$A/weights.csv:2: the first row is not epoch 0 with the initial weights" "$tmp/err" && ok \
    || no "another replicate's weights.csv: $(cat "$tmp/err")"
damaged
cp "$tmp/d0/$B/model.json" "$tmp/d1/$A/model.json"       # another replicate's model
expect_exit 2 "$NNLAB" analyze "$tmp/d1" --study oscillation --no-plots --quiet
grep -q "$A/model.json: is not the file this run wrote" "$tmp/err" && ok \
    || no "another replicate's model.json: $(cat "$tmp/err")"
# a run from before summary.json kept the models' SHA-256: the label still tells
sed 's/"model_sha256"/"old_model"/; s/"initial_sha256"/"old_initial"/' "$tmp/d0/summary.json" > "$tmp/d1/summary.json"
expect_exit 1 "$NNLAB" analyze "$tmp/d1" --study oscillation --no-plots --quiet
grep -q "$A/model.json: the model file is labelled \"$B\", not \"$A\"" "$tmp/err" && ok \
    || no "another replicate's model.json in an old run: $(cat "$tmp/err")"
damaged
sed 's/"normalization": {/"_": {/' "$tmp/d0/$A/model.json" | awk '!/"_"/ || 1' > "$tmp/d1/$A/model.json"
"$NNLAB" analyze "$tmp/d1" --study oscillation --no-plots --quiet 2>"$tmp/err"
grep -q "$A/model.json" "$tmp/err" && ok || no "a model.json without its normalization: $(cat "$tmp/err")"

# ---- 15. the output size guard counts what the studies write ---------------------------
expect_exit 2 "$NNLAB" check $S --set studies.decision.resolution=2000 --max-output 100M
grep -q "/studies/1: the run would write about .* of it the decision study's" "$tmp/err" && ok \
    || no "decision at 2000: $(cat "$tmp/err")"
expect_exit 2 "$NNLAB" run $S --set studies.decision.resolution=2000 --max-output 100M --out "$tmp/big"
[ ! -e "$tmp/big" ] && ok || no "the refused run wrote something"

# ---- 17. every error names its place -------------------------------------------------
printf 'a,y\n1e200,1\n-1e200,0\n3e199,1\n' > "$tmp/e200.csv"
printf '{"data": {"generator": "csv", "path": "e200.csv"}, "train": {"max_epochs": 2}, "model": {"hidden": [2]}}' > "$tmp/e200.json"
expect_exit 0 "$NNLAB" check "$tmp/e200.json"
printf 'a,y\n1,1\n1,0\n1,1\n' > "$tmp/const.csv"
printf '{"data": {"generator": "csv", "path": "const.csv"}, "model": {"hidden": [2]}}' > "$tmp/const.json"
expect_exit 2 "$NNLAB" check "$tmp/const.json"
grep -q "/data/normalize: feature 1 (a) is constant" "$tmp/err" && ok || no "a constant feature: $(cat "$tmp/err")"
expect_exit 2 "$NNLAB" check $S --set data.generator=regression --set data.half_width=1e6 --set data.step=1e-6
head -1 "$tmp/err" | grep -q "^nnlab: $S: /data" && ok || no "a generator's error names /data: $(cat "$tmp/err")"
if [ -c /dev/full ]; then
    "$NNLAB" data wedges > /dev/full 2>"$tmp/err"
    grep -q "^nnlab: standard output: write failed" "$tmp/err" && ok || no "data > /dev/full: $(cat "$tmp/err")"
fi
if [ "$(id -u)" = 0 ] && mkdir "$tmp/tiny" && mount -t tmpfs -o size=4k tmpfs "$tmp/tiny" 2>/dev/null; then
    expect_exit 1 "$NNLAB" run $S --out "$tmp/tiny/r" $QUICK
    grep -q "^nnlab: $tmp/tiny/r/" "$tmp/err" && ok || no "a full disk names the file: $(cat "$tmp/err")"
    if [ -e "$tmp/tiny/r" ]; then
        [ -e "$tmp/tiny/r/manifest.json" ] && ok || no "a run directory without its manifest: $(ls -A "$tmp/tiny/r")"
    fi
    umount "$tmp/tiny"
fi

# ---- 20. command lines --------------------------------------------------------------------
expect_exit 2 "$NNLAB" run $S --out --help
grep -q -- '--out needs a value, got the option "--help"' "$tmp/err" && ok || no "--out --help: $(cat "$tmp/err")"
expect_exit 0 "$NNLAB" run --help
expect_exit 0 "$NNLAB" run $S --force --help
for args in "--out $tmp/a --out $tmp/b" "--threads 2 --threads 3" "--format png --format svg" "--max-output 1G --max-output 2G"; do
    expect_exit 2 "$NNLAB" run $S $args --quiet
    grep -q "given twice" "$tmp/err" && ok || no "$args: $(cat "$tmp/err")"
done
expect_exit 2 "$NNLAB" analyze "$tmp/pr" --study curves --study prune
for v in 0x10 1.5 1e3 ' 5' inf; do
    expect_exit 2 "$NNLAB" check $S --max-output "$v"
    grep -q "max-output expects" "$tmp/err" && ok || no "--max-output '$v': $(cat "$tmp/err")"
done
expect_exit 2 "$NNLAB" run $S --threads ' 4' --out "$tmp/t4" --quiet
expect_exit 2 "$NNLAB" distance a b --seed 1 --seed 2
expect_exit 2 "$NNLAB" data circles --seed ' 1'

# ---- 21. a second adversarial pass (issue 14's review): what it broke, held -------------------
LONGRUN="--set train.max_epochs=100000000 --set train.target_error=0 --max-output none --quiet"
# collect --out never renames over a device, a FIFO or a link (as root: over /dev/null itself)
"$NNLAB" run $S --out "$tmp/c21" $QUICK --no-plots || no "run for collect"
mkfifo "$tmp/fifo21"
expect_exit 2 $T "$NNLAB" collect "$tmp/c21" --out "$tmp/fifo21"
[ -p "$tmp/fifo21" ] && ok || no "collect --out replaced a FIFO"
ln -s "$tmp/c21/summary.json" "$tmp/link21"
expect_exit 2 "$NNLAB" collect "$tmp/c21" --out "$tmp/link21"
[ -L "$tmp/link21" ] && ok || no "collect --out replaced a link"
if [ "$(id -u)" = 0 ] && mknod -m 666 "$tmp/null21" c 1 3 2>/dev/null; then
    expect_exit 2 "$NNLAB" collect "$tmp/c21" --out "$tmp/null21"
    [ -c "$tmp/null21" ] && ok || no "collect --out replaced a device"
fi
# a sweep's resume never removes a point folder holding what nnlab did not write
"$NNLAB" sweep $S --set seed=0:2 --set train.max_epochs=20 --out "$tmp/pv21" --quiet --no-plots || no "sweep pv21"
rm -rf "$tmp/pv21/seed=1"/* "$tmp/pv21/seed=1/.nnlab.lock"
echo "my notes" > "$tmp/pv21/seed=1/notes.txt"
touch -d '5 minutes ago' "$tmp/pv21/seed=1"
expect_exit 1 "$NNLAB" sweep $S --set seed=0:2 --set train.max_epochs=20 --out "$tmp/pv21" --quiet --no-plots
expect_eq "$(cat "$tmp/pv21/seed=1/notes.txt" 2>/dev/null)" "my notes" "a resume removed a user's file from a point folder"
grep -q "no manifest.json" "$tmp/err" && ok || no "the point left alone is not said: $(cat "$tmp/err")"
# Ctrl-C at a terminal reaches gnuplot too, which exits 1: the run is interrupted, not failed
printf '#!/bin/sh\ntrap "exit 1" INT\nkill -INT 0\nsleep 5\nexit 1\n' > "$tmp/ctrlc-gnuplot"
chmod +x "$tmp/ctrlc-gnuplot"
NNLAB_GNUPLOT="$tmp/ctrlc-gnuplot" setsid "$NNLAB" run $S --out "$tmp/cc21" $QUICK 2>"$tmp/err"
expect_eq "$?" 130 "Ctrl-C while gnuplot draws: $(cat "$tmp/err")"
grep -q '"status": "interrupted"' "$tmp/cc21/manifest.json" && ok || no "Ctrl-C while gnuplot draws: not interrupted"
# timeout(1) sends SIGTERM twice (the process, then its group): one request, not a kill
"$NNLAB" run $S --out "$tmp/tt21" $LONGRUN --set record.weights=every & pid=$!
wait_for "$tmp/tt21/relu-he/metrics.csv.part"
kill -TERM $pid; kill -TERM $pid; wait $pid
expect_eq "$?" 143 "two SIGTERMs at once"
grep -q '"status": "interrupted"' "$tmp/tt21/manifest.json" && ok || no "two SIGTERMs: not interrupted"
expect_eq "$(find "$tmp/tt21" -name '*.part' | wc -l)" 0 "two SIGTERMs left .part files"
# SIGHUP (a closed terminal) ends a run as an interruption, exit 129
"$NNLAB" run $S --out "$tmp/hup21" $LONGRUN & pid=$!
wait_for "$tmp/hup21/relu-he/metrics.csv.part"
kill -HUP $pid; wait $pid
expect_eq "$?" 129 "SIGHUP"
grep -q '"status": "interrupted"' "$tmp/hup21/manifest.json" && ok || no "SIGHUP: not interrupted"
# a --force replacement killed halfway never leaves the old "complete" over half its files
if command -v strace >/dev/null 2>&1; then
    "$NNLAB" run $S --out "$tmp/f21" $QUICK || no "run f21"
    strace -f -o /dev/null -e trace=unlink,unlinkat -e inject=unlink,unlinkat:signal=KILL:when=5 \
        "$NNLAB" run $S --out "$tmp/f21" --force $QUICK 2>/dev/null
    grep -q '"status": "complete"' "$tmp/f21/manifest.json" && no "a killed --force left the old complete manifest" || ok
    expect_exit 2 "$NNLAB" analyze "$tmp/f21"
    grep -q "killed" "$tmp/err" && ok || no "analyze of a killed replacement: $(cat "$tmp/err")"
    expect_exit 0 "$NNLAB" run $S --out "$tmp/f21" --force $QUICK
else
    echo "skip: the killed --force replacement check needs strace"
fi
# the size guard counts a figure per hidden_3d triple, and the page that embeds them
printf '{"name": "h3", "seed": 3, "data": {"generator": "wedges", "seed": 8}, "train": {"optimizer": "sgd", "lr": 0.25, "loss": "l2", "batch": "full", "max_epochs": 20}, "models": [{"label": "a", "hidden": [20], "activation": "tanh", "output": "sigmoid"}], "studies": [{"name": "hidden_3d", "max_triples": 200}]}\n' > "$tmp/h3.json"
expect_exit 2 "$NNLAB" check "$tmp/h3.json" --max-output 10M
grep -q "/studies/0: .*hidden_3d" "$tmp/err" && ok || no "hidden_3d's figures are not in the estimate: $(cat "$tmp/err")"
expect_exit 2 "$NNLAB" check $S --set train.max_epochs=1000000000
grep -q "/train/max_epochs: .*metrics.csv" "$tmp/err" && ok || no "a run long in epochs names max_epochs: $(cat "$tmp/err")"
# another run's model.json copied in is refused by its fingerprint
"$NNLAB" run $S --out "$tmp/o3" $QUICK --no-plots || no "run o3"
"$NNLAB" run $S --out "$tmp/o4" $QUICK --no-plots --set seed=4 || no "run o4"
cp "$tmp/o4/relu-he/model.json" "$tmp/o3/relu-he/model.json"
expect_exit 2 "$NNLAB" analyze "$tmp/o3" --no-plots
grep -q "relu-he/model.json: is not the file this run wrote" "$tmp/err" && ok || no "a copied model.json: $(cat "$tmp/err")"
# \u0000 in a JSON string would cut it short: refused
printf '{"name": "x", "model": {"activation": "tanh\\u0000garbage"}}\n' > "$tmp/nul21.json"
expect_exit 2 "$NNLAB" check "$tmp/nul21.json"
grep -q 'u0000 (a NUL character)' "$tmp/err" && ok || no "\\u0000: $(cat "$tmp/err")"
# a lock file that is no file: refused, never written unlocked
cp -r "$tmp/o4" "$tmp/lk21" && rm -f "$tmp/lk21/.nnlab.lock" && mkdir "$tmp/lk21/.nnlab.lock"
expect_exit 2 "$NNLAB" analyze "$tmp/lk21" --no-plots
grep -q "lock file .nnlab.lock is not a regular file" "$tmp/err" && ok || no "a folder as lock: $(cat "$tmp/err")"
expect_exit 2 "$NNLAB" run $S --out "$tmp/lk21" --force $QUICK
rmdir "$tmp/lk21/.nnlab.lock" && mkfifo "$tmp/lk21/.nnlab.lock"
expect_exit 2 $T "$NNLAB" analyze "$tmp/lk21" --no-plots
# a refusal names the process that holds the lock, not the old run's
"$NNLAB" run $S --out "$tmp/o4" --force $LONGRUN & pid=$!
wait_for "$tmp/o4/relu-he/metrics.csv.part"
expect_exit 2 "$NNLAB" run $S --out "$tmp/o4" --force $QUICK
grep -q "(pid $pid on .*holding its lock)" "$tmp/err" && ok || no "the lock's holder is not named: $(cat "$tmp/err")"
kill -INT $pid; wait $pid
# out of descriptors before the manifest: no folder left that --force would refuse
sh -c "ulimit -n 4; exec \"$NNLAB\" run $S --out \"$tmp/n421\" $QUICK" 2>/dev/null
[ ! -e "$tmp/n421" ] && ok || no "ulimit -n 4 left $(ls -A "$tmp/n421")"
# a damaged sweep.json is said so, never "a different sweep"
"$NNLAB" sweep $S --set seed=0:2 --set train.max_epochs=20 --out "$tmp/sj21" --quiet --no-plots || no "sweep sj21"
head -c 40 "$tmp/sj21/sweep.json" > "$tmp/sj21/x" && mv "$tmp/sj21/x" "$tmp/sj21/sweep.json"
expect_exit 2 "$NNLAB" sweep $S --set seed=0:2 --set train.max_epochs=20 --out "$tmp/sj21" --quiet --no-plots
grep -q "damaged" "$tmp/err" && ok || no "a cut sweep.json: $(cat "$tmp/err")"
# a key twice in summary.json is damage, as in a spec
cp -r "$tmp/c21" "$tmp/dk21"
sed 's/"name": "init",/"name": "init", "name": "init",/' "$tmp/c21/summary.json" > "$tmp/dk21/summary.json"
expect_exit 2 "$NNLAB" analyze "$tmp/dk21" --no-plots
grep -q 'appears twice' "$tmp/err" && ok || no "a key twice in summary.json: $(cat "$tmp/err")"
# nothing from a file reaches the terminal as a control sequence
printf '{"name": "x", "model": {"activation": "\\u001b[31mred\\u0007"}, "data": {"generator": "wedges"}}\n' > "$tmp/esc21.json"
expect_exit 2 "$NNLAB" check "$tmp/esc21.json"
if LC_ALL=C grep -q "$(printf '\033')" "$tmp/err"; then no "an escape reached the terminal"; else ok; fi
# a failed point is an error: said even with --quiet
NNLAB_GNUPLOT=/bin/false "$NNLAB" sweep $S --set seed=0:1 --set train.max_epochs=20 --out "$tmp/fq21" --quiet 2>"$tmp/err"
expect_eq "$?" 1 "a sweep with a failed point"
grep -q "sweep point 0 (seed=0) failed with exit status 1" "$tmp/err" && ok || no "--quiet hid a failed point: $(cat "$tmp/err")"

finish test_harden
