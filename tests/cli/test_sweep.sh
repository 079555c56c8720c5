#!/bin/sh
# nnlab sweep and nnlab collect (issue 6): points identical to solo runs, --jobs 1 and 2
# giving identical trees, interrupt and resume, failures under --keep-going and
# --fail-fast, --point, the emitted Slurm and GNU parallel scripts (GNU parallel driven for
# real when it is installed; Slurm in tests/cluster/test_slurm.sh), and collect's tables.
. tests/cli/lib.sh
case $NNLAB in /*) ;; *) NNLAB=$(pwd)/$NNLAB ;; esac
gt() { if awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; then ok; else no "$3: $1 is not above $2"; fi; }
# a tree's files and bytes, without what records times or processes
tree() { (cd "$1" && find . -type f ! -name manifest.json ! -path './logs/*' | sort | xargs md5sum); }

S=experiments/init.json
# ---- points are solo runs; --jobs 1 and --jobs 2 build the same tree ---------------------
"$NNLAB" sweep $S --set seed=0:3 --set train.lr=0.25,1 --out "$tmp/j1" --jobs 1 --no-plots --quiet \
    || no "sweep --jobs 1"
"$NNLAB" sweep $S --set seed=0:3 --set train.lr=0.25,1 --out "$tmp/j2" --jobs 2 --no-plots --quiet \
    || no "sweep --jobs 2"
expect_eq "$(ls "$tmp/j1" | tr '\n' ' ')" \
    "logs seed=0,train.lr=0.25 seed=0,train.lr=1 seed=1,train.lr=0.25 seed=1,train.lr=1 seed=2,train.lr=0.25 seed=2,train.lr=1 sweep.json " \
    "point directories named from their overrides, first axis slowest"
[ "$(tree "$tmp/j1")" = "$(tree "$tmp/j2")" ] && ok || no "--jobs 1 and --jobs 2 differ"
"$NNLAB" run $S --set seed=1 --set train.lr=1 --out "$tmp/solo" --no-plots --quiet || no "solo run"
[ "$(tree "$tmp/solo")" = "$(tree "$tmp/j1/seed=1,train.lr=1")" ] && ok || no "a point differs from its solo run"
expect_eq "$("$J" "$tmp/j1/sweep.json" points.3.status) $("$J" "$tmp/j1/sweep.json" points.3.dir)" \
    "complete seed=1,train.lr=1" "sweep.json lists the points and their status"
expect_eq "$("$J" "$tmp/j1/seed=1,train.lr=1/manifest.json" status)" complete "point manifest"
# running it again runs nothing
before=$(ls -l --time-style=+%s.%N "$tmp/j1"/*/manifest.json | md5sum)
"$NNLAB" sweep $S --set seed=0:3 --set train.lr=0.25,1 --out "$tmp/j1" --no-plots --quiet || no "rerun"
[ "$before" = "$(ls -l --time-style=+%s.%N "$tmp/j1"/*/manifest.json | md5sum)" ] && ok || no "a complete point ran again"

# ---- nothing written for bad sweeps -------------------------------------------------------
expect_exit 2 "$NNLAB" sweep $S --set train.lr=0.25 --out "$tmp/bad1"
grep -q "no override sweeps anything" "$tmp/err" && ok || no "no axis: message"
expect_exit 2 "$NNLAB" sweep $S --set train.lr=0.25,-1 --out "$tmp/bad2"
grep -q "sweep point 1 (train.lr=-1).*/train/lr" "$tmp/err" && ok || no "bad point named: $(cat "$tmp/err")"
expect_exit 2 "$NNLAB" sweep $S --set seed=5:5 --out "$tmp/bad3"
expect_exit 2 "$NNLAB" sweep $S --set train.lr=0.1,0.1 --out "$tmp/bad4"
grep -q '"0.1" is listed twice' "$tmp/err" && ok || no "a value listed twice"
expect_exit 2 "$NNLAB" sweep $S --set seed=0:2 --out "$tmp/j1"
grep -q "holds a different sweep" "$tmp/err" && ok || no "another sweep in the same directory"
"$NNLAB" sweep $S --set seed=0:4 --out "$tmp/dry" --dry-run > "$tmp/dry.txt" || no "dry run"
expect_eq "$(grep -c -- '--set seed=' "$tmp/dry.txt")" 4 "dry run lists 4 points"
for d in bad1 bad2 bad3 bad4 dry; do [ -e "$tmp/$d" ] && no "$d was written" || ok; done
# a JSON value is never swept
"$NNLAB" sweep $S --set 'models.relu-he.hidden=[8,4]' --set seed=0,1 --out "$tmp/json" --dry-run \
    > "$tmp/json.txt" || no "JSON value"
expect_eq "$(grep -c 'hidden=\[8,4\]' "$tmp/json.txt")" 2 "a JSON list is a fixed override"

# ---- interrupt and resume ----------------------------------------------------------------
L="$tmp/long"
"$NNLAB" sweep $S --set seed=0:6 --set train.max_epochs=40000 --set train.target_error=null \
    --out "$L" --jobs 1 --no-plots --quiet &
pid=$!
i=0
# two points done and the third one's run under way (its manifest written)
while { [ "$(ls "$L"/*/summary.json 2>/dev/null | wc -l)" -lt 2 ] || [ "$(ls "$L"/*/manifest.json 2>/dev/null | wc -l)" -lt 3 ]; } \
    && [ $i -lt $((300 * SCALE)) ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $pid
wait $pid; rc=$?
expect_eq $rc 130 "an interrupted sweep exits 130"
done_before=$(grep -l '"status": "complete"' "$L"/*/manifest.json | sort)
n_before=$(echo "$done_before" | grep -c manifest)
gt "$n_before" 1 "points finished before the interrupt"
gt 6 "$n_before" "and not all of them"
grep -q '"status": "interrupted"' "$L"/*/manifest.json && ok || no "the running point says interrupted"
stamps=$(for m in $done_before; do "$J" "$m" started; done)
"$NNLAB" sweep $S --set seed=0:6 --set train.max_epochs=40000 --set train.target_error=null \
    --out "$L" --jobs 2 --no-plots --quiet || no "resume"
expect_eq "$(grep -l '"status": "complete"' "$L"/*/manifest.json | wc -l)" 6 "every point complete after resuming"
expect_eq "$(for m in $done_before; do "$J" "$m" started; done)" "$stamps" "finished points were not run again"
expect_eq "$(ls -a "$L" | grep -c stale)" 0 "nothing left aside"

# ---- a failing point: --keep-going and --fail-fast ------------------------------------------
# A missing data file is caught before anything runs (every point is prepared first), so the
# point that fails here fails while running: it records every epoch of 100000 and meets a
# file size limit (RLIMIT_FSIZE, as a full disk would) that the short points stay under.
printf 'x1,x2,y\n0,0,0\n1,1,1\n0,1,0\n1,0,1\n' > "$tmp/good.csv"
cat > "$tmp/csv.json" <<EOF
{ "data": { "generator": "csv", "path": "good.csv" }, "model": { "hidden": [2] },
  "train": { "max_epochs": 20 }, "studies": [], "record": { "weights": "every" } }
EOF
limited() { (trap '' XFSZ; ulimit -f 800; exec "$@") >"$tmp/out" 2>"$tmp/err"; }
limited "$NNLAB" sweep "$tmp/csv.json" --set train.max_epochs=20,100000,30 --set seed=0,1 \
    --out "$tmp/kg" --jobs 1
expect_eq "$?" 1 "a failing point makes the sweep exit 1"
grep -q "sweep point 2 (train.max_epochs=100000,seed=0) failed" "$tmp/err" && ok || no "failure reported: $(cat "$tmp/err")"
expect_eq "$(grep -l '"complete"' "$tmp/kg"/*/manifest.json | wc -l)" 4 "--keep-going runs the other points"
grep -q "write failed: File too large" "$tmp/kg/logs/train.max_epochs=100000,seed=0.log" && ok \
    || no "the point's log says why"
limited "$NNLAB" sweep "$tmp/csv.json" --set train.max_epochs=100000,20 --set seed=0,1 \
    --out "$tmp/ff" --jobs 1 --fail-fast
expect_eq "$?" 1 "--fail-fast exits 1"
expect_eq "$(ls "$tmp/ff"/*/manifest.json 2>/dev/null | wc -l)" 1 "--fail-fast stops at the first failure"
expect_exit 2 "$NNLAB" sweep "$tmp/csv.json" --set data.path=good.csv,missing.csv --out "$tmp/mf"
grep -q "^nnlab: sweep point 1 (data.path=missing.csv): .*missing.csv: cannot open data file" "$tmp/err" \
    && ok || no "a missing data file is a bad point: $(cat "$tmp/err")"
[ ! -e "$tmp/mf" ] && ok || no "a bad point wrote something"

# ---- one point at a time: --point, GNU parallel, Slurm's script --------------------------
P="$tmp/pt"
"$NNLAB" sweep $S --set seed=0:4 --out "$P" --point 2 --no-plots --quiet || no "--point 2"
expect_eq "$(ls "$P" | tr '\n' ' ')" "logs seed=2 sweep.json " "--point runs that point only"
"$NNLAB" sweep $S --set seed=0:4 --out "$P" --point 2 --no-plots --quiet 2>"$tmp/err" || no "--point again"
expect_exit 2 "$NNLAB" sweep $S --set seed=0:4 --out "$P" --point 4
"$NNLAB" sweep $S --set seed=0:4 --out "$P" --no-plots --emit slurm > "$tmp/emit.txt" || no "--emit slurm"
grep -q "^#SBATCH --array=0-3%10$" "$P/sweep.sbatch" && ok || no "array over the points with a throttle"
grep -q -- '--point "\$SLURM_ARRAY_TASK_ID"$' "$P/sweep.sbatch" && ok || no "each task runs its point"
grep -q "sbatch $P/sweep.sbatch" "$tmp/emit.txt" && ok || no "says how to submit"
"$NNLAB" sweep $S --set seed=0:4 --out "$P" --no-plots --emit parallel --jobs 2 > "$tmp/emit.txt" \
    || no "--emit parallel"
expect_eq "$(cat "$P/points.txt" | tr '\n' ' ')" "0 1 2 3 " "points.txt"
grep -q -- "--joblog .*--resume" "$P/parallel.sh" && ok || no "parallel with a job log, resumable"
if command -v parallel >/dev/null 2>&1; then
    sh "$P/parallel.sh" >/dev/null 2>&1 || no "GNU parallel over points.txt"
    expect_eq "$(grep -l '"status": "complete"' "$P"/*/manifest.json | wc -l)" 4 "GNU parallel ran every point"
    sh "$P/parallel.sh" >/dev/null 2>&1 || no "GNU parallel resumes"
    [ "$(tree "$P/seed=1")" = "$(tree "$tmp/j1/seed=1,train.lr=0.25")" ] && ok || no "a parallel point differs from the local one"
fi

# ---- a stale point claimed by eight tasks at once: exactly one runs it ---------------------
R="$tmp/race"
"$NNLAB" sweep $S --set seed=0:2 --out "$R" --point 0 --no-plots --quiet || no "race: first run"
sed 's/"status": "complete"/"status": "failed"/' "$R/seed=0/manifest.json" > "$tmp/m" && cp "$tmp/m" "$R/seed=0/manifest.json"
pids=""
for i in 1 2 3 4 5 6 7 8; do
    "$NNLAB" sweep $S --set seed=0:2 --out "$R" --point 0 --no-plots 2>"$tmp/race$i.err" &
    pids="$pids $!"
done
codes=""
for p in $pids; do wait $p; codes="$codes$?"; done
expect_eq "$(cat "$tmp"/race*.err | grep -c 'complete in')" 1 "exactly one task ran the stale point"
expect_eq "$(cat "$tmp"/race*.err | grep -c 'nothing to do')" 7 "the others left it alone"
case $codes in *2*) no "a task exited 2: $codes" ;; *) ok ;; esac
expect_eq "$("$J" "$R/seed=0/manifest.json" status)" complete "the point is complete"
expect_eq "$(ls -a "$R" | grep -c stale)" 0 "nothing left aside"
# an edited spec is another sweep: no mixing of two versions in one directory
cp experiments/init.json "$tmp/edit.json"
"$NNLAB" sweep "$tmp/edit.json" --set seed=0:2 --set train.max_epochs=5 --out "$tmp/ed" --point 0 --quiet --no-plots || no "edit: first"
sed 's/"lr": 0.25/"lr": 0.5/' experiments/init.json > "$tmp/edit.json"
expect_exit 2 "$NNLAB" sweep "$tmp/edit.json" --set seed=0:2 --set train.max_epochs=5 --out "$tmp/ed" --quiet --no-plots
grep -q "holds a different sweep (another spec, the spec edited since" "$tmp/err" && ok || no "edited spec: $(cat "$tmp/err")"
# a range whose end overflows is refused at once, not looped over
expect_exit 2 timeout 10 "$NNLAB" sweep $S --set seed=9223372036854775806:9223372036854775807:5 --dry-run
# SIGHUP (a closed terminal) stops the running points too, and nothing is orphaned
"$NNLAB" sweep $S --set seed=0:4 --set train.max_epochs=1000000 --set train.target_error=null \
    --out "$tmp/hup" --jobs 2 --no-plots --quiet &
pid=$!
wait_for "$tmp/hup/seed=1/manifest.json"
kill -HUP $pid
wait $pid
sleep 0.5
expect_eq "$(pgrep -f "$tmp/hup" | wc -l)" 0 "no point runs on after SIGHUP"

# ---- collect ------------------------------------------------------------------------------
"$NNLAB" collect "$tmp/j1" > "$tmp/c.csv" || no "collect"
expect_eq "$(head -1 "$tmp/c.csv" | cut -d, -f1-14)" \
    "run,set.seed,set.train.lr,status,model,seed,converged,converged_epoch,epochs_run,iterations,loss,mse,error,test_error" \
    "collect's columns"
expect_eq "$(($(wc -l < "$tmp/c.csv") - 1))" 12 "a row per model per point"
expect_eq "$(grep -c ',complete,relu-he,' "$tmp/c.csv")" 6 "rows per model"
"$NNLAB" collect "$tmp/j1" --format json > "$tmp/c.json" || no "collect json"
expect_eq "$("$J" "$tmp/c.json" 1.model)" relu-he "json rows"
expect_eq "$("$J" "$tmp/c.json" 1.converged_epoch)" "$("$J" "$tmp/j1/seed=0,train.lr=0.25/summary.json" 'models[label=relu-he].converged_epoch')" \
    "collect's numbers are summary.json's"
"$NNLAB" collect "$tmp/j1" --summary > "$tmp/s.csv" || no "collect --summary"
expect_eq "$(head -1 "$tmp/s.csv")" "set.train.lr,model,column,count,missing,mean,median,q1,q3,min,max" \
    "summary groups by the swept values that are not seeds"
want=$(sed 's/^"[^"]*",//' "$tmp/c.csv" | awk -F, 'NR > 1 && $2 == 0.25 && $4 == "relu-he" { s += $7; n++ } END { printf "%.6f", s / n }')
got=$(awk -F, '$1 == 0.25 && $2 == "relu-he" && $3 == "converged_epoch" { printf "%.6f", $6 }' "$tmp/s.csv")
expect_eq "$got" "$want" "summary mean of converged_epoch"
expect_eq "$(awk -F, '$1 == 0.25 && $2 == "tanh-xavier" && $3 == "converged_epoch" { print $4, $5 }' "$tmp/s.csv")" \
    "0 3" "tanh never converges: 0 values, 3 missing"
"$NNLAB" collect "$tmp/j1/seed=0,train.lr=1" "$tmp/kg" > "$tmp/mixed.csv" || no "collect a run and a folder"
expect_eq "$(grep -c ',failed,' "$tmp/mixed.csv")" 2 "failed points are rows too"
expect_exit 2 "$NNLAB" collect "$tmp/good.csv"
# swept values are read as the runs read them: 0x10 and 007 stay strings
"$NNLAB" sweep $S --set description=0x10,007 --set train.max_epochs=2 --out "$tmp/str" --quiet --no-plots \
    || no "a sweep of strings"
"$NNLAB" collect "$tmp/str" --format json > "$tmp/str.json" || no "collect strings"
grep -q '"set.description": *"0x10"' "$tmp/str.json" && grep -q '"set.description": *"007"' "$tmp/str.json" \
    && ok || no "swept strings changed: $(grep set.description "$tmp/str.json" | head -2)"
# a point deleted, or its summary.json cut short, is not reported complete
rm -r "$tmp/str/description=007,train.max_epochs=2" 2>/dev/null || rm -r "$tmp/str/description=007"
head -c 100 "$tmp/str/description=0x10/summary.json" > "$tmp/cut" && cp "$tmp/cut" "$tmp/str/description=0x10/summary.json"
"$NNLAB" collect "$tmp/str" > "$tmp/str.csv" 2>"$tmp/err" || no "collect a damaged sweep"
expect_eq "$(cut -d, -f3 "$tmp/str.csv" | sed 1d | sort | tr '\n' ' ')" "incomplete missing " "damaged points' status"
expect_eq "$(wc -l < "$tmp/err")" 2 "one warning each: $(cat "$tmp/err")"
if command -v "${NNLAB_GNUPLOT:-gnuplot}" >/dev/null 2>&1; then
    "$NNLAB" collect "$tmp/j1" --plot converged_epoch > /dev/null || no "collect --plot"
    expect_eq "$(head -c 4 "$tmp/j1/collect-converged_epoch.png" | tail -c 3)" PNG "histogram drawn"
    # counts are whole numbers: the count axis ticks at integers
    grep -q '^set ytics 1$' "$tmp/j1/collect-converged_epoch.gp" && ok || no "the count axis ticks at whole numbers"
    # every value is counted once in its group, though a sweep's groups interleave row by row
    # (gnuplot's smooth frequency counted each run of rows apart: bars of height 1)
    "$NNLAB" collect "$tmp/j1" --plot loss > /dev/null || no "collect --plot loss"
    expect_eq "$(awk -F, '/^\$bins[0-9]+ << EOD$/ { b = $0; sub(/ .*/, "", b); n[b] = 0; next }
                          /^EOD$/ { print b, n[b]; b = ""; next } b != "" { n[b] += $2 }' \
                 "$tmp/j1/collect-loss.gp" | tr '\n' ' ')" '$bins0 3 $bins1 3 $bins2 3 $bins3 3 ' \
        "each group's 3 seeds counted in its bins (2 models x 2 rates)"
    # a column without a number (no test split): an empty histogram, not a gnuplot failure
    "$NNLAB" collect "$tmp/j1" --plot test_error > /dev/null 2>"$tmp/err" && ok || no "collect --plot test_error: $(cat "$tmp/err")"
    expect_eq "$(head -c 4 "$tmp/j1/collect-test_error.png" | tail -c 3)" PNG "an empty histogram drawn"
    # the legend names each group PATH=VALUE, as the sweep's folders do, without JSON escapes
    "$NNLAB" collect "$tmp/str" --plot epochs_run > /dev/null 2>&1
    grep -q "title 'description=0x10 " "$tmp/str/collect-epochs_run.gp" && ok || no "the legend's groups: $(grep -o "title '[^']*'" "$tmp/str/collect-epochs_run.gp" | head -2)"
fi
expect_exit 2 "$NNLAB" collect "$tmp/j1" --plot no_such_column
finish test_sweep
