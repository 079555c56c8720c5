#!/bin/sh
# Pages (docs/report.md): every run and sweep writes index.html, one self-contained file (no
# request of any kind, a CSP that forbids them, figures embedded), byte-identical for the
# same spec and seed; `nnlab report` writes one for any run (also interrupted, failed, killed
# or damaged), sweep or set of runs, replacing only a page of its own; hostile names,
# descriptions and --set values are escaped; `collect --curves` pools curves over seeds as
# numpy's quantiles would. Then the pages in headless Chromium (tests/browser/page_check.py):
# they render, every image loads, no console error, no request, sorting works, hostile
# strings run nothing. Without chromium those checks are skipped with one line.
. tests/cli/lib.sh
ROOT=$(pwd)
SPEC=experiments/init.json
SHORT="--set train.max_epochs=300"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# ---- 1. a run writes its page; the same spec gives the same bytes -------------------------------
expect_exit 0 "$NNLAB" run $SPEC $SHORT --out "$tmp/a" --quiet
expect_exit 0 "$NNLAB" run $SPEC $SHORT --out "$tmp/b" --quiet
P="$tmp/a/index.html"
[ -f "$P" ] && ok || no "run wrote no index.html"
cmp -s "$P" "$tmp/b/index.html" && ok || no "two runs of one spec gave different pages"
grep -q "<meta name=\"generator\" content=\"nnlab report\">" "$P" && ok || no "the page does not say nnlab wrote it"
grep -q "Content-Security-Policy\" content=\"default-src 'none'; img-src data:;" "$P" && ok ||
    no "the page has no CSP forbidding requests"
# nothing the page loads comes from anywhere: no src or href with a scheme but data:, no <link>
n=$(grep -o -i -E '(src|href)="[a-z]+:' "$P" | grep -v -c 'src="data:')
expect_eq "$n" 0 "src/href with a scheme other than data: in the run's page"
grep -q -i "<link\|@import\|url(" "$P" && no "the page fetches a style or font" || ok
n=$(grep -o '<img alt=' "$P" | wc -l)
[ "$n" -ge 3 ] && ok || no "the run's page embeds $n figures (want curves, data, decisions)"
grep -q 'href="relu-he/metrics.csv"' "$P" && ok || no "the page links no model's metrics.csv"
grep -q 'href="spec.json"' "$P" && grep -q 'href="curves.gp"' "$P" && ok || no "the page links no spec or script"
grep -q 'nnlab run spec.json' "$P" && ok || no "the page does not say how to reproduce the run"
expect_exit 0 "$NNLAB" run $SPEC $SHORT --out "$tmp/c" --quiet --no-report
[ ! -e "$tmp/c/index.html" ] && ok || no "--no-report still wrote index.html"
# analyze rewrites the page (with its new figures), or leaves it with --no-report
printf 'old' > "$tmp/c/index.html"
expect_exit 0 "$NNLAB" analyze "$tmp/c" --quiet --no-report
expect_eq "$(cat "$tmp/c/index.html")" old "analyze --no-report left the page"
rm "$tmp/c/index.html"
expect_exit 0 "$NNLAB" analyze "$tmp/c" --quiet
[ -f "$tmp/c/index.html" ] && ok || no "analyze wrote no page"

# ---- 2. nnlab report: any run, saying what it is; it replaces only its own pages ----------------
cp -r "$tmp/a" "$tmp/killed"
sed 's/"status": "complete"/"status": "running"/' "$tmp/a/manifest.json" > "$tmp/killed/manifest.json"
expect_exit 0 "$NNLAB" report "$tmp/killed" --quiet
grep -q 'class="badge bad">killed<' "$tmp/killed/index.html" && ok || no "a killed run's page does not say killed"
cp -r "$tmp/a" "$tmp/intr"
sed 's/"status": "complete"/"status": "interrupted"/' "$tmp/a/manifest.json" > "$tmp/intr/manifest.json"
expect_exit 0 "$NNLAB" report "$tmp/intr" --quiet
grep -q 'The run was interrupted' "$tmp/intr/index.html" && ok || no "an interrupted run's page does not say so"
# a run that fails (its figures cannot be drawn) leaves a page saying so
NNLAB_GNUPLOT=/bin/false "$NNLAB" run $SPEC $SHORT --out "$tmp/failed" --quiet 2>/dev/null
expect_eq "$?" 1 "a run whose figures fail"
grep -q 'class="badge bad">failed<' "$tmp/failed/index.html" && ok || no "a failed run's page does not say failed"
cp -r "$tmp/a" "$tmp/damaged"
printf '{"models": [' > "$tmp/damaged/summary.json"
rm "$tmp/damaged/index.html"
expect_exit 0 "$NNLAB" report "$tmp/damaged" --quiet
grep -q 'summary.json: not a JSON object' "$tmp/damaged/index.html" && ok || no "a damaged run's page does not name the damage"
expect_exit 2 "$NNLAB" report "$tmp/nothing-here"
expect_exit 2 "$NNLAB" report "$ROOT/experiments"
printf 'mine\n' > "$tmp/mine.html"
expect_exit 2 "$NNLAB" report "$tmp/a" --out "$tmp/mine.html"
expect_eq "$(cat "$tmp/mine.html")" mine "report replaced a file it did not write"
expect_exit 2 "$NNLAB" report "$tmp/a" --out "$tmp/page.txt"
expect_exit 2 "$NNLAB" report "$tmp/a" --out "$tmp/x.html" --out "$tmp/y.html"
mkdir "$tmp/moved"
expect_exit 2 "$NNLAB" report "$tmp/a" --out "$tmp/no-such-folder/a.html"
expect_exit 0 "$NNLAB" report "$tmp/a" --out "$tmp/moved/../a-copy.html" --quiet
[ -f "$tmp/a-copy.html" ] && ok || no "report --out wrote nothing"
grep -q 'href="a/relu-he/metrics.csv"' "$tmp/a-copy.html" && ok || no "a page elsewhere links the run's files relative to itself"
expect_exit 0 "$NNLAB" report "$tmp/a" --out "$tmp/a-copy.html" --quiet   # its own page: replaced
# a live run's folder is its own: no page written into it while it runs
"$NNLAB" run $SPEC --set train.max_epochs=100000000 --set train.target_error=0 --out "$tmp/live" \
    --quiet --max-output none --no-plots & pid=$!
wait_for "$tmp/live/relu-he/metrics.csv.part"
expect_exit 2 "$NNLAB" report "$tmp/live"
grep -q "live nnlab process" "$tmp/err" && ok || no "report on a live run: $(cat "$tmp/err")"
expect_exit 0 "$NNLAB" report "$tmp/live" --out "$tmp/live.html" --quiet
grep -q 'class="badge live">running<' "$tmp/live.html" && ok || no "a live run's page does not say running"
expect_exit 2 "$NNLAB" report "$tmp/a" --out "$tmp/live/a.html"     # nor into its folder
kill -INT $pid; wait $pid
grep -q 'class="badge warn">interrupted<' "$tmp/live/index.html" && ok || no "an interrupted run wrote no page saying so"

# ---- 3. hostile strings: escaped, never markup ---------------------------------------------------
HOST="$tmp/\"><img src=x onerror=alert(1)>"
expect_exit 0 "$NNLAB" run $SPEC $SHORT --out "$HOST" --quiet \
    --set 'description=<script>alert(1)</script> & "quotes" '"'"'single'"'"' </pre></details>'
H="$HOST/index.html"
grep -q '<script>alert' "$H" && no "a description reached the page as markup" || ok
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;single&#39; &lt;/pre&gt;' "$H" && ok ||
    no "the description is not escaped"
expect_exit 0 "$NNLAB" report "$HOST" "$tmp/a" --out "$tmp/hostile-cmp.html" --quiet
grep -q '<img src=x' "$tmp/hostile-cmp.html" && no "a folder's name reached the page as markup" || ok
grep -q 'href="./%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/index.html"' "$tmp/hostile-cmp.html" && ok ||
    no "a hostile folder's link is not percent-encoded"
grep -q '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;' "$tmp/hostile-cmp.html" && ok || no "a hostile folder's name is not shown escaped"

# ---- 4. a sweep's page: a point per seed, bands, histograms ---------------------------------------
expect_exit 0 "$NNLAB" sweep $SPEC --set seed=0:6 --set train.max_epochs=300 --out "$tmp/sw" --quiet --jobs 2
S="$tmp/sw/index.html"
[ -f "$S" ] && ok || no "the sweep wrote no page"
for k in 0 1 2 3 4 5; do [ -f "$tmp/sw/seed=$k/index.html" ] && ok || no "point seed=$k has no page"; done
n=$(grep -c '<tr><td data-v=' "$S")
expect_eq "$n" 12 "the sweep's table rows (6 points x 2 models)"
grep -q 'href="logs/seed%3D3.log">log<' "$S" && ok || no "a point's log is not linked"
grep -q '<h2 id="bands">Seed bands</h2>' "$S" && ok || no "the sweep's page has no seed bands"
grep -q '<h2 id="histograms">' "$S" && ok || no "the sweep's page has no histograms"
grep -q 'nnlab sweep .*init.json --set seed=0:6 --set train.max_epochs=300' "$S" && ok || no "the sweep's command is not on its page"
size=$(wc -c < "$S")
[ "$size" -lt 3000000 ] && ok || no "the sweep's page is $size bytes"
expect_exit 0 "$NNLAB" sweep $SPEC --set seed=0:2 --set train.max_epochs=50 --out "$tmp/sw-none" --quiet --no-report
[ ! -e "$tmp/sw-none/index.html" ] && [ ! -e "$tmp/sw-none/seed=0/index.html" ] && ok || no "sweep --no-report wrote a page"

# ---- 5. collect --curves: numpy's quantiles, a run that stopped keeps its last value ---------------
R="$tmp/rep"
mkdir -p "$R/m-s0" "$R/m-s1" "$R/m-s2"
printf '{"nnlab_version": "0.1.0", "status": "complete"}\n' > "$R/manifest.json"
printf '{"name": "rep", "seeds": [0, 1, 2], "models": [{"label": "m"}]}\n' > "$R/spec.json"
printf '{"models": [{"label": "m-s0", "seed": 0}, {"label": "m-s1", "seed": 1}, {"label": "m-s2", "seed": 2}]}\n' > "$R/summary.json"
printf 'epoch,loss,mse,error\n0,1,2,0.5\n1,0.5,1,0.25\n' > "$R/m-s0/metrics.csv"              # stops at 1
printf 'epoch,loss,mse,error\n0,2,4,0.5\n1,1,2,0.5\n2,0.25,0.5,0\n' > "$R/m-s1/metrics.csv"
printf 'epoch,loss,mse,error\n0,4,8,1\n1,3,6,1\n2,nan,nan,nan\n' > "$R/m-s2/metrics.csv"     # diverged at 2
expect_exit 0 "$NNLAB" collect "$R" --curves
C="$R/collect-curves.csv"
expect_eq "$(head -1 "$C" | cut -d, -f1-7)" "epoch,loss_n,loss_min,loss_q25,loss_median,loss_q75,loss_max" "the curves' header"
# epoch 0 of {1, 2, 4}: numpy.quantile([1,2,4], [0,.25,.5,.75,1]) = 1, 1.5, 2, 3, 4
expect_eq "$(sed -n 2p "$C" | cut -d, -f1-7)" "0,3,1,1.5,2,3,4" "pooled epoch 0"
# epoch 2: m-s0 keeps 0.5 (it stopped), m-s1 0.25, m-s2 nan is left out: n 2
expect_eq "$(sed -n 4p "$C" | cut -d, -f1-7)" "2,2,0.25,0.3125,0.375,0.4375,0.5" "pooled epoch 2"
expect_eq "$(sed -n 4p "$C" | awk -F, '{print $NF}')" "m" "the group is the replicated model"
[ -f "$R/collect-curves.png" ] && ok || no "collect --curves drew no figure"
expect_exit 0 "$NNLAB" collect "$tmp/sw" --curves
expect_eq "$(cut -d, -f2 "$tmp/sw/collect-curves.csv" | sort -u | grep -c '^6$')" 1 "the sweep pools 6 seeds"

# ---- 5b. what an adversarial pass found (issue 15's review) ---------------------------------------
# two runs whose folders share a last name are two runs, never replicates pooled together
expect_exit 0 "$NNLAB" run $SPEC $SHORT --out "$tmp/p1/run" --quiet
expect_exit 0 "$NNLAB" run $SPEC $SHORT --set train.lr=2 --out "$tmp/p2/run" --quiet
expect_exit 0 "$NNLAB" report "$tmp/p1/run" "$tmp/p2/run" --out "$tmp/same-name.html" --quiet
grep -q '<h2 id="bands">Training curves</h2>' "$tmp/same-name.html" && ok || no "two runs were pooled as replicates"
grep -q '>p1/run</a>' "$tmp/same-name.html" && grep -q '>p2/run</a>' "$tmp/same-name.html" && ok ||
    no "two runs named run are not told apart"
expect_exit 2 "$NNLAB" report "$tmp/p1/run" "$tmp/p1/../p1/run"
expect_exit 0 "$NNLAB" collect "$tmp/p1/run" "$tmp/p2/run" --curves
expect_eq "$(cut -d, -f2 "$tmp/p1/run/collect-curves.csv" | sort -u | tr '\n' ' ')" "1 loss_n " "two runs' curves are not pooled"
# a short row's missing values are missing, not whatever memory held
R2="$tmp/short"
mkdir -p "$R2/m-s0" "$R2/m-s1"
cp "$R/manifest.json" "$R2/"
printf '{"name": "rep", "seeds": [0, 1], "models": [{"label": "m"}]}\n' > "$R2/spec.json"
printf '{"models": [{"label": "m-s0", "seed": 0}, {"label": "m-s1", "seed": 1}]}\n' > "$R2/summary.json"
printf 'epoch,loss,mse,error\n0,1\n1,2,3,0.4\n' > "$R2/m-s0/metrics.csv"
printf 'epoch,loss,mse,error\n0,1,1,0.1\n1,1,1,0.2\n2,1,1,0.3\n' > "$R2/m-s1/metrics.csv"
expect_exit 0 "$NNLAB" collect "$R2" --curves
expect_eq "$(sed -n 2p "$R2/collect-curves.csv" | cut -d, -f1-3,14-16)" "0,2,1,1,0.10000000000000001,0.10000000000000001" "a short row's error is missing (n 1)"
# a figure that is a link, or not the image its name says, is never embedded
cp -r "$tmp/a" "$tmp/sym" && rm "$tmp/sym/index.html"
ln -sf /etc/passwd "$tmp/sym/curves.png"
printf 'not a png' > "$tmp/sym/dataset.png"
expect_exit 0 "$NNLAB" report "$tmp/sym" --quiet
n=$(grep -o '<img alt=' "$tmp/sym/index.html" | wc -l)
expect_eq "$n" "$(($(grep -o '<img alt=' "$P" | wc -l) - 2))" "a linked or fake figure was embedded"
grep -q 'cm9vd' "$tmp/sym/index.html" && no "/etc/passwd is in the page" || ok
# the sweep's command as it reruns: each --set once, the spec relative, UTF-8 whole
grep -o 'nnlab sweep [^<]*--set[^<]*' "$S" > "$tmp/cmd"
expect_eq "$(grep -o -- '--set' "$tmp/cmd" | wc -l)" 2 "the sweep's command repeats a --set"
grep -q "nnlab sweep [.][.]/.*experiments/init.json --set seed=0:6" "$tmp/cmd" && ok ||
    no "the sweep's command does not name its spec relative to the sweep: $(cat "$tmp/cmd")"
expect_exit 0 "$NNLAB" sweep $SPEC --set seed=0:2 --set train.max_epochs=30 --set 'description=héllo x' --out "$tmp/swu" --quiet
grep -q "description=héllo x" "$tmp/swu/index.html" && ok || no "a non-ASCII --set is not shown whole"
# the sweep's page written elsewhere links its logs and sweep.json from there
expect_exit 0 "$NNLAB" report "$tmp/sw" --out "$tmp/sw-elsewhere.html" --quiet
grep -q 'href="sw/logs/seed%3D3.log"' "$tmp/sw-elsewhere.html" && grep -q 'href="sw/sweep.json"' "$tmp/sw-elsewhere.html" && ok ||
    no "a sweep's page elsewhere links logs or sweep.json from the sweep's folder"

# ---- 6. the pages in a real browser --------------------------------------------------------------
if ! command -v chromium >/dev/null 2>&1 || ! command -v $PY >/dev/null 2>&1; then
    echo "skip: the browser checks need chromium and python3 (apt-get install chromium python3)"
    finish test_report
    exit $?
fi
browse() { # what page args...: every check of page_check.py passes
    what=$1; shift
    if timeout $((120 * SCALE)) $PY "$ROOT/tests/browser/page_check.py" "$@" > "$tmp/browser" 2>&1; then ok
    else no "$what in chromium: $(grep -v '^ok' "$tmp/browser" | head -5)"; fi
}
browse "the run's page" "$P" --sort "models-table:final loss" --sort "models-table:model"
mkdir -p "$tmp/away" && cp "$P" "$tmp/away/page.html"
browse "the run's page moved away from its run" "$tmp/away/page.html"
browse "the sweep's page" "$S" --sort "runs-table:final loss" --sort "runs-table:seed" \
    --sort "runs-table:converged at" --screenshot "$tmp/sweep.png"
browse "the comparison page" "$tmp/hostile-cmp.html" --text '"><img src=x onerror=alert(1)>' --sort "runs-table:final loss"
browse "the hostile run's page" "$H" --text '<script>alert(1)</script> & "quotes"'
# the checker itself catches what it is for: a page with an injected handler fails
sed 's#<h1>#<h1><img src=x onerror=alert(1)>#' "$P" > "$tmp/evil.html"
if timeout $((120 * SCALE)) $PY "$ROOT/tests/browser/page_check.py" "$tmp/evil.html" > "$tmp/browser" 2>&1; then
    no "page_check.py passed a page with an injected image handler"
else
    grep -q "FAIL no request but the page itself" "$tmp/browser" && ok || no "page_check.py missed the injected request"
fi
finish test_report
