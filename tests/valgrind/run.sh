#!/bin/sh
# make check-valgrind: the command-line tests and the bad-spec corpus with every nnlab
# process (forks and the points a sweep starts included) under valgrind's memcheck. Each
# process writes its own log; any error or any definitely or indirectly lost block makes
# it fail. About 50x slower than `make check`: time limits in the tests scale by
# NNLAB_TIME_SCALE.
NNLAB=${NNLAB:-./nnlab}
case $NNLAB in /*) ;; *) NNLAB=$(pwd)/$NNLAB ;; esac
command -v valgrind >/dev/null || { echo "check-valgrind: valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
logs=$(mktemp -d)
cat > "$logs/nnlab" <<WRAP
#!/bin/sh
exec valgrind -q --log-file=$logs/vg.%p.log --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --trace-children=yes \
    --trace-children-skip='*gnuplot*,*/sh,*/bash,*/parallel,*/perl,/usr/bin/*,/bin/*' \
    "$NNLAB" "\$@"
WRAP
chmod +x "$logs/nnlab"
export NNLAB="$logs/nnlab" NNLAB_TIME_SCALE=${NNLAB_TIME_SCALE:-30}
fail=0 pass=0
for t in ${VALGRIND_TESTS:-tests/specs/run.sh tests/cli/test_*.sh}; do
    if sh "$t" >"$logs/out" 2>&1; then pass=$((pass + 1))
    else fail=$((fail + 1)); echo "check-valgrind: $t failed:" >&2; tail -20 "$logs/out" >&2; fi
done
# -q logs only problems: any non-empty log is an error or a leak
bad=0 procs=$(ls "$logs"/vg.*.log 2>/dev/null | wc -l)
for l in "$logs"/vg.*.log; do
    [ -s "$l" ] || continue
    bad=$((bad + 1))
    [ $bad -le 5 ] && { echo "check-valgrind: $l:" >&2; head -40 "$l" >&2; }
done
echo "check-valgrind: $pass test scripts passed, $fail failed; $procs processes checked, $bad with errors or leaks"
rm -rf "$logs"
[ $fail -eq 0 ] && [ $bad -eq 0 ]
