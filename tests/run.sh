#!/bin/sh
# The whole suite, as `make check` runs it: every unit program under $TESTBIN, the
# data-driven bad-spec cases and the command-line tests, against the binary $NNLAB.
# Ends with one summary line; exit status 1 when anything failed.
NNLAB=${NNLAB:-./nnlab}
TESTBIN=${TESTBIN:-build/release/tests}
export NNLAB
BUILD=${BUILD:-$(dirname "$TESTBIN")}
export BUILD
pass=0 fail=0 failed=""
for t in "$TESTBIN"/test_*; do
    [ -x "$t" ] || continue
    if "$t" >/dev/null 2>"$t.log"; then pass=$((pass + 1));
    else fail=$((fail + 1)); failed="$failed $(basename "$t")"; cat "$t.log" >&2; fi
done
for t in tests/layers.sh tests/specs/run.sh tests/cli/test_*.sh; do
    [ -f "$t" ] || continue
    if sh "$t" >"${TMPDIR:-/tmp}/nnlab-check.out" 2>"${TMPDIR:-/tmp}/nnlab-check.log"; then pass=$((pass + 1));
    else fail=$((fail + 1)); failed="$failed $t"; cat "${TMPDIR:-/tmp}/nnlab-check.log" >&2; fi
    # a check a test could not make (a program missing) is said, one line, never silent
    sed -n "s|^skip: |$t: skipped: |p" "${TMPDIR:-/tmp}/nnlab-check.out"
done
if [ "$fail" -eq 0 ]; then
    echo "make check: all $pass test programs passed"
else
    echo "make check: $fail of $((pass + fail)) test programs FAILED:$failed"
    exit 1
fi
