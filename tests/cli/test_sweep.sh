#!/bin/sh
# nnlab sweep and nnlab collect (issue 6): points identical to solo runs, --jobs 1 and 2
# giving identical trees, interrupt and resume, failures under --keep-going and
# --fail-fast, --point, the emitted Slurm and GNU parallel scripts (GNU parallel driven for
# real when it is installed; Slurm in tests/cluster/test_slurm.sh), and collect's tables.
. tests/cli/lib.sh
case $NNLAB in /*) ;; *) NNLAB=$(pwd)/$NNLAB ;; esac
gt() { if awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; then ok; else no "$3: $1 is not above $2"; fi; }
# a tree's files and bytes, without what records times or processes
tree() { (cd "$1" && find . -type f ! -name manifest.json ! -name .nnlab.lock ! -path './logs/*' | sort | xargs md5sum); }

S=experiments/init.json
# ---- points are solo runs; --jobs 1 and --jobs 2 build the same tree ---------------------
"$NNLAB" sweep $S --set seed=0:3 --set train.lr=0.25,1 --out "$tmp/j1" --jobs 1 --no-plots --quiet \
    || no "sweep --jobs 1"
"$NNLAB" sweep $S --set seed=0:3 --set train.lr=0.25,1 --out "$tmp/j2" --jobs 2 --no-plots --quiet \
    || no "sweep --jobs 2"
expect_eq "$(ls "$tmp/j1" | tr '\n' ' ')" \
    "index.html logs seed=0,train.lr=0.25 seed=0,train.lr=1 seed=1,train.lr=0.25 seed=1,train.lr=1 seed=2,train.lr=0.25 seed=2,train.lr=1 sweep.json " \
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
expect_eq "$(ls "$P" | tr '\n' ' ')" "index.html logs seed=2 sweep.json " "--point runs that point only"
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

# ---- what a resume cannot read is said and left, never taken for a dead run ---------------
# (each point complete, its folder two minutes old so the 60 s rule would apply)
Q="--set seed=0:4 --set train.max_epochs=5 --no-plots"
U="$tmp/unread"
"$NNLAB" sweep $S $Q --out "$U" --quiet || no "unreadable: first"
m="$U/seed=0/manifest.json"   # 1.2 MB (a long command line), over the old 1 MiB limit: read
{ head -1 "$m"; printf '  "padding": "'; head -c 1200000 /dev/zero | tr '\0' x; printf '",\n'
  tail -n +2 "$m"; } > "$tmp/m" && cp "$tmp/m" "$m"
touch -d '2 minutes ago' "$U"/seed=*
expect_exit 0 timeout $((20 * SCALE)) "$NNLAB" sweep $S $Q --out "$U" --quiet
grep -q '"padding"' "$m" && ok || no "a complete point with a 1.2 MB manifest was run again"
# not ours to read (chmod 000; as root, the sweep runs as nobody)
chmod 000 "$U/seed=3/manifest.json"
as_other=""
if [ "$(id -u)" -eq 0 ] && [ "$SCALE" = 1 ] && command -v setpriv >/dev/null 2>&1; then
    chmod 755 "$tmp" && chown -R 65534:65534 "$U" && chown 0:0 "$U/seed=3/manifest.json"
    as_other="setpriv --reuid=65534 --regid=65534 --clear-groups --"
fi
if [ "$(id -u)" -ne 0 ] || [ -n "$as_other" ]; then
    timeout $((20 * SCALE)) $as_other "$NNLAB" sweep $S $Q --out "$U" --quiet 2>"$tmp/err"
    expect_eq "$?" 1 "a manifest not ours to read: exit 1"
    grep -q "^nnlab: $U/seed=3/manifest.json: cannot open manifest: Permission denied; sweep point 3 is left as it is$" \
        "$tmp/err" && ok || no "a manifest not ours: $(cat "$tmp/err")"
    expect_eq "$(stat -c %a "$U/seed=3/manifest.json")" 0 "a point whose manifest is not ours is left as it is"
    expect_eq "$("$J" "$U/sweep.json" points.3.status)" unreadable "sweep.json: unreadable"
fi
chmod 644 "$U/seed=3/manifest.json"
# a FIFO, and a manifest over the 256 MiB limit: each one line, the sweep ends, nothing removed
rm "$U/seed=1/manifest.json" && mkfifo "$U/seed=1/manifest.json"
truncate -s 300M "$U/seed=2/manifest.json"   # sparse
touch -d '2 minutes ago' "$U"/seed=*
timeout $((20 * SCALE)) "$NNLAB" sweep $S $Q --out "$U" --quiet 2>"$tmp/err"
expect_eq "$?" 1 "a sweep with unreadable points exits 1"
expect_eq "$(grep -c "^nnlab: $U/seed=1/manifest.json: .*a FIFO.*sweep point 1 is left as it is$" "$tmp/err")" 1 \
    "a FIFO manifest: one line naming it: $(cat "$tmp/err")"
expect_eq "$(grep -c "^nnlab: $U/seed=2/manifest.json: manifest is larger than 256 MiB.*sweep point 2 is left as it is$" "$tmp/err")" 1 \
    "a manifest over the limit: one line naming it"
[ -p "$U/seed=1/manifest.json" ] && [ -f "$U/seed=1/summary.json" ] && [ -f "$U/seed=2/summary.json" ] \
    && ok || no "an unreadable point was touched"
expect_eq "$(for k in 0 1 2 3; do "$J" "$U/sweep.json" points.$k.status; done | tr '\n' ' ')" \
    "complete unreadable unreadable complete " "sweep.json says which points are unreadable"
expect_eq "$(ls -a "$U" | grep -c stale)" 0 "nothing moved aside"
# a FIFO at sweep.json: refused at once, nothing run or removed
F="$tmp/fifo"
"$NNLAB" sweep $S --set seed=0:2 --set train.max_epochs=5 --no-plots --out "$F" --quiet || no "fifo: first"
rm "$F/sweep.json" && mkfifo "$F/sweep.json"
expect_exit 2 timeout $((20 * SCALE)) "$NNLAB" sweep $S --set seed=0:2 --set train.max_epochs=5 --no-plots --out "$F"
grep -q "^nnlab: $F/sweep.json: cannot read sweep file: it is a FIFO, not a regular file.*nothing was run or removed" \
    "$tmp/err" && ok || no "a FIFO sweep.json: $(cat "$tmp/err")"
[ -p "$F/sweep.json" ] && [ -f "$F/seed=0/summary.json" ] && [ -f "$F/seed=1/summary.json" ] && ok \
    || no "a FIFO sweep.json: something was touched"

# ---- the run's lock decides whether a point is live, on any host ---------------------------
K="$tmp/lock"
"$NNLAB" sweep $S $Q --out "$K" --quiet || no "lock: first"
dead=$(sh -c 'echo $$')   # a pid that is gone
fake() { # point status host pid
    sed -e "s/\"status\": \"[a-z]*\"/\"status\": \"$2\"/" -e "s/\"host\": \"[^\"]*\"/\"host\": \"$3\"/" \
        -e "s/\"pid\": [0-9]*/\"pid\": $4/" "$K/seed=$1/manifest.json" > "$tmp/m" && cp "$tmp/m" "$K/seed=$1/manifest.json"
    : >> "$K/seed=$1/.nnlab.lock"
}
fake 0 running elsewhere.invalid 1   # its lock free: over, though another host's
fake 1 running "$(hostname)" $$      # its lock free: over, though its pid lives (reused)
fake 2 failed "$(hostname)" "$dead"  # its lock held (an analyze, a run about to exit): live
fake 3 running "$(hostname)" "$dead" # its lock held: live, though its pid is gone
( exec 8>>"$K/seed=2/.nnlab.lock" 9>>"$K/seed=3/.nnlab.lock"; flock 8 && flock 9 && : > "$tmp/locked" \
    && exec sleep 60 ) &
holder=$!
wait_for "$tmp/locked"
"$NNLAB" sweep $S $Q --out "$K" --quiet
expect_eq "$?" 1 "points running elsewhere: exit 1"
kill $holder; wait $holder 2>/dev/null
expect_eq "$("$J" "$K/seed=0/manifest.json" status) $("$J" "$K/seed=0/manifest.json" host)" "complete $(hostname)" \
    "another host's run whose lock is free is run again"
[ "$("$J" "$K/seed=1/manifest.json" status)" = complete ] && [ "$("$J" "$K/seed=1/manifest.json" pid)" != $$ ] \
    && ok || no "a run whose pid lives but whose lock is free is run again"
expect_eq "$("$J" "$K/seed=2/manifest.json" status) $("$J" "$K/seed=3/manifest.json" status)" "failed running" \
    "points whose lock is held are left alone"
expect_eq "$("$J" "$K/sweep.json" points.2.status)" "running elsewhere" "sweep.json: running elsewhere"

# ---- sweep --point records its point in sweep.json; tasks at once keep each other's ---------
T="$tmp/tasks"
for k in 0 1 2 3; do "$NNLAB" sweep $S $Q --out "$T" --point $k --quiet & done
wait
expect_eq "$(for k in 0 1 2 3; do "$J" "$T/sweep.json" points.$k.status; done | tr '\n' ' ')" \
    "complete complete complete complete " "four --point tasks at once: each point's status recorded"

# ---- emitted scripts: hostile paths and values run nothing -------------------------------
# sbatch reads #SBATCH lines up to the first command: print those, then that command
sbatch_reads() { awk 'NR == 1 && /^#!/ { next } /^[ \t]*$/ { next } /^#SBATCH/ { print; next }
                      /^#/ { next } { print "first command: " substr($0, 1, 7); exit }' "$1"; }
H="$tmp/h \$(touch pwned1) \`touch pwned2\` \"q\" 'q' ; touch pwned3 {} {#} {.}"
HS="$tmp/spec \$(touch pwned4) 'x.json"
cp $S "$HS"
mkdir "$tmp/cwd"
HQ="--set seed=0:2 --set train.max_epochs=5 --no-plots"
"$NNLAB" sweep "$HS" $HQ --set 'description=a {} {1} $(touch pwned5) `touch pwned6` b' --out "$H" \
    --emit slurm > "$tmp/emit.txt" || no "hostile names: --emit slurm"
sh -n "$H/sweep.sbatch" && ok || no "the sbatch script does not parse"
expect_eq "$(sbatch_reads "$H/sweep.sbatch" | tr '\n' '|')" \
    "#SBATCH --job-name=nnlab-sweep|#SBATCH --array=0-1%10|#SBATCH --ntasks=1|#SBATCH --cpus-per-task=1|#SBATCH --output=/dev/null|first command: exec >>|" \
    "what sbatch reads of the script"
(cd "$tmp/cwd" && SLURM_ARRAY_JOB_ID=7 SLURM_ARRAY_TASK_ID=1 timeout $((60 * SCALE)) sh "$H/sweep.sbatch") \
    || no "the sbatch script's task 1"
expect_eq "$("$J" "$H/seed=1/manifest.json" status)" complete "the task ran its point"
expect_eq "$("$J" "$H/seed=1/spec.json" description)" 'a {} {1} $(touch pwned5) `touch pwned6` b' "the value reached the run as given"
[ -f "$H/logs/slurm-7_1.out" ] && ok || no "the task's log"
"$NNLAB" sweep "$HS" $HQ --set 'description=a {} {1} $(touch pwned5) `touch pwned6` b' --out "$H" \
    --emit parallel > "$tmp/emit.txt" || no "hostile names: --emit parallel"
sh -n "$H/parallel.sh" && ok || no "the parallel script does not parse"
if command -v parallel >/dev/null 2>&1; then
    (cd "$tmp/cwd" && timeout $((60 * SCALE)) sh "$H/parallel.sh" >/dev/null 2>&1) || no "GNU parallel over hostile names"
    expect_eq "$("$J" "$H/seed=0/manifest.json" status)" complete "parallel ran point 0"
    expect_eq "$("$J" "$H/seed=0/spec.json" description)" 'a {} {1} $(touch pwned5) `touch pwned6` b' \
        "parallel replaced nothing in a value"
fi
# a newline: a Slurm script cannot carry it (nothing written); the parallel script quotes it
N="$tmp/nl
touch pwned7 #"
expect_exit 2 "$NNLAB" sweep $S $HQ --out "$N" --emit slurm
grep -q "^nnlab: sweep: --emit slurm: --out (the sweep directory) holds a control character (byte 0x0a, a newline)" \
    "$tmp/err" && ok || no "a newline refused: $(cat "$tmp/err")"
[ ! -e "$N" ] && ok || no "a refused --emit slurm wrote something"
"$NNLAB" sweep $S $HQ --out "$N" --emit parallel > "$tmp/emit.txt" || no "a newline: --emit parallel"
expect_eq "$(grep -c '^  sh \$'"'"'.*\\ntouch pwned7' "$tmp/emit.txt")" 1 "the command to run it is one line"
if command -v parallel >/dev/null 2>&1; then
    (cd "$tmp/cwd" && timeout $((60 * SCALE)) sh "$N/parallel.sh" >/dev/null 2>&1) || no "GNU parallel over a newline"
    expect_eq "$("$J" "$N/seed=1/manifest.json" status)" complete "parallel ran point 1 under a newline"
fi
expect_eq "$(ls -A "$tmp/cwd")" "" "no injected command ran"

# ---- options: given twice, or without their value ----------------------------------------
for twice in "--out $tmp/o1 --out $tmp/o2" "--jobs 2 --jobs 3" "--point 0 --point 1" \
             "--emit slurm --emit parallel" "--throttle 2 --throttle=3" "--max-output 1G --max-output 2G"; do
    expect_exit 2 "$NNLAB" sweep $S --set seed=0:2 $twice --dry-run
    grep -q "^nnlab: sweep: --[a-z-]* given twice" "$tmp/err" && ok || no "$twice: $(cat "$tmp/err")"
done
expect_exit 2 "$NNLAB" sweep $S --set seed=0:2 --keep-going --fail-fast --dry-run
expect_exit 2 "$NNLAB" sweep $S --set seed=5 --set seed=0:2 --dry-run   # the fixed one would never apply
grep -q "^nnlab: --set: seed=5: seed is also swept; give it once$" "$tmp/err" && ok || no "a fixed value of a swept path: $(cat "$tmp/err")"
expect_exit 2 "$NNLAB" sweep $S --set seed=0:2 --dry-run --out --help
expect_eq "$(cat "$tmp/out")" "" "--out --help prints no help"
grep -q '^nnlab: sweep: --out needs a value, got the option "--help"' "$tmp/err" && ok || no "--out --help: $(cat "$tmp/err")"
expect_exit 2 "$NNLAB" sweep $S --set seed=0:2 --dry-run --out --quiet
expect_exit 2 "$NNLAB" sweep $S --set seed=0:2 --dry-run --jobs --point 1
for d in o1 o2; do [ -e "$tmp/$d" ] && no "$d was written" || ok; done

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
