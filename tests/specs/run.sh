#!/bin/sh
# Data-driven bad specs (jq style): every tests/specs/bad/NAME.json, with the extra
# arguments in NAME.args (one per line) if present, must make `nnlab run` and
# `nnlab check` exit 2 with exactly the one line in NAME.err on stderr, print nothing on
# stdout, and write nothing: neither the --out directory nor, run from an empty working
# directory, the default runs/ folder. Absolute paths under the project root appear in
# NAME.err as @ROOT@.
NNLAB=${NNLAB:-./nnlab}
case $NNLAB in /*) ;; *) NNLAB=$(pwd)/$NNLAB ;; esac
ROOT=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for spec in tests/specs/bad/*.json; do
    name=${spec%.json}
    set --
    if [ -f "$name.args" ]; then
        while IFS= read -r line; do set -- "$@" "$line"; done < "$name.args"
    fi
    want=$(cat "$name.err")
    for cmd in run check; do
        n=$((n + 1))
        if [ $cmd = run ]; then
            "$NNLAB" run "$spec" --out "$tmp/out" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
        else
            "$NNLAB" check "$spec" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
        fi
        rc=$?
        got=$(sed "s|$ROOT|@ROOT@|g" "$tmp/stderr")
        if [ $rc -ne 2 ]; then echo "FAIL $spec ($cmd): exit $rc, want 2" >&2; fail=1; fi
        if [ "$got" != "$want" ]; then
            echo "FAIL $spec ($cmd): stderr" >&2; echo "  got:  $got" >&2; echo "  want: $want" >&2
            fail=1
        fi
        if [ "$(wc -l < "$tmp/stderr")" -ne 1 ]; then echo "FAIL $spec ($cmd): not one line" >&2; fail=1; fi
        if [ -s "$tmp/stdout" ]; then echo "FAIL $spec ($cmd): printed on stdout" >&2; fail=1; fi
        if [ -e "$tmp/out" ]; then echo "FAIL $spec ($cmd): wrote $tmp/out" >&2; fail=1; rm -rf "$tmp/out"; fi
    done
    # the default run directory is not created either
    mkdir "$tmp/cwd"
    (cd "$tmp/cwd" && "$NNLAB" run "$ROOT/$spec" "$@" >/dev/null 2>&1)
    if [ -n "$(ls -A "$tmp/cwd")" ]; then echo "FAIL $spec: wrote into the working directory" >&2; fail=1; fi
    rm -rf "$tmp/cwd"
done
count=$(ls tests/specs/bad/*.json | wc -l)
if [ "$count" -lt 20 ]; then echo "FAIL: only $count bad specs" >&2; fail=1; fi
echo "bad specs: $count specs, $n checks, $([ $fail = 0 ] && echo ok || echo FAILED)"
exit $fail
