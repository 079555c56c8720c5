# lib.sh: what the command-line test scripts share (sourced, not run): the binary under
# test, jget for reading JSON, a scratch folder, and checks that count and report.
NNLAB=${NNLAB:-./nnlab}
case $NNLAB in /*) ;; *) NNLAB=$(pwd)/$NNLAB ;; esac   # tests change folders
TESTBIN=${TESTBIN:-build/release/tests}
J="$TESTBIN/jget"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0
ok() { checks=$((checks + 1)); }
no() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*" >&2; }
expect_eq() { # got want what
    if [ "$1" = "$2" ]; then ok; else no "$3: got '$1', want '$2'"; fi
}
expect_exit() { # want cmd...
    want=$1; shift
    "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?
    if [ "$rc" = "$want" ]; then ok; else no "exit $rc (want $want): $*"; cat "$tmp/err" >&2; fi
}
close_to() { # got want tol what
    if awk -v g="$1" -v w="$2" -v t="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= t) }'; then ok
    else no "$4: got $1, want $2 within $3"; fi
}
# Under valgrind (make check-valgrind) everything is ~50x slower: time limits scale by this.
SCALE=${NNLAB_TIME_SCALE:-1}
# wait_for FILE: until it exists (at most 60 s x SCALE); a signal sent after it is mid-run
wait_for() {
    n=0; while [ ! -e "$1" ] && [ $n -lt $((600 * SCALE)) ]; do sleep 0.1; n=$((n + 1)); done
}
finish() { # name
    echo "$1: $checks checks, $fails failed"
    [ "$fails" -eq 0 ]
}
