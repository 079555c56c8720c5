#!/bin/sh
# A real single-node Slurm on this machine (issue 6): the test starts munged, slurmctld and
# slurmd on loopback in a scratch folder, submits the sbatch script `nnlab sweep --emit slurm`
# writes, waits for the array to finish, and collects the results. Needs root and Debian's
# slurm-wlm and munge (.ci/install-slurm); `make check-slurm` runs it. Stops every daemon it
# started, whatever happens.
. tests/cli/lib.sh
case $NNLAB in /*) ;; *) NNLAB=$(pwd)/$NNLAB ;; esac
case $J in /*) ;; *) J=$(pwd)/$J ;; esac
for p in munged slurmctld slurmd sbatch sinfo; do
    command -v $p >/dev/null 2>&1 || { echo "test_slurm: $p is missing (sh .ci/install-slurm)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "test_slurm: needs root to start the daemons" >&2; exit 1; }
C="$tmp/cluster"
mkdir -p "$C/state" "$C/spool" "$C/munge"
chmod 755 "$tmp" "$C"
cleanup() {
    for f in "$C/slurmd.pid" "$C/slurmctld.pid" "$C/munge/munged.pid"; do
        [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
    done
    sleep 1
    rm -rf "$tmp"
}
trap cleanup EXIT
# munge with its own key, socket and files
mkdir -p "$C/munge/key"
dd if=/dev/urandom of="$C/munge/key/munge.key" bs=1024 count=1 2>/dev/null
chown -R munge:munge "$C/munge"
chmod 755 "$C/munge"
chmod 700 "$C/munge/key"
chmod 400 "$C/munge/key/munge.key"
sock="$C/munge/munge.socket"
su -s /bin/sh munge -c "munged --key-file=$C/munge/key/munge.key --socket=$sock \
    --pid-file=$C/munge/munged.pid --log-file=$C/munge/munged.log --seed-file=$C/munge/seed" \
    || { no "munged did not start"; finish test_slurm; exit 1; }
# two free ports on loopback
ports=$(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))' 2>/dev/null || echo "16817 16818")
set -- $ports
cat > "$C/slurm.conf" <<CONF
ClusterName=nnlabtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$1
SlurmdPort=$2
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$C/state
SlurmdSpoolDir=$C/spool
SlurmctldPidFile=$C/slurmctld.pid
SlurmdPidFile=$C/slurmd.pid
SlurmctldLogFile=$C/slurmctld.log
SlurmdLogFile=$C/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$C/slurm.conf"
slurmctld -i || { no "slurmctld did not start"; cat "$C/slurmctld.log" >&2; finish test_slurm; exit 1; }
slurmd -N localhost || { no "slurmd did not start"; cat "$C/slurmd.log" >&2; finish test_slurm; exit 1; }
i=0
until sinfo -h -o %t 2>/dev/null | grep -q idle; do
    i=$((i + 1)); [ $i -gt 60 ] && break; sleep 0.5
done
sinfo -h -o %t | grep -q idle && ok || { no "the node never became idle"; tail -5 "$C/slurmd.log" "$C/slurmctld.log" >&2; }

W="$C/sweep"
"$NNLAB" sweep experiments/init.json --set seed=0:6 --out "$W" --no-plots --emit slurm --throttle 2 \
    > "$tmp/emit.txt" || no "--emit slurm"
t0=$(date +%s)
sbatch --wait "$W/sweep.sbatch" > "$tmp/sbatch.txt" 2>&1 || { no "sbatch --wait failed"; cat "$tmp/sbatch.txt" >&2; }
echo "test_slurm: the array of 6 tasks took $(( $(date +%s) - t0 )) s" >&2
expect_eq "$(grep -l '"status": "complete"' "$W"/*/manifest.json 2>/dev/null | wc -l)" 6 "every array task ran its point"
expect_eq "$(ls "$W"/logs/slurm-*.out 2>/dev/null | wc -l)" 6 "a log file per task"
"$NNLAB" collect "$W" > "$tmp/c.csv" || no "collect"
expect_eq "$(grep -c ',complete,relu-he,' "$tmp/c.csv")" 6 "collect reads the tasks' runs"
expect_eq "$(grep 'seed=3' "$tmp/c.csv" | grep relu-he | cut -d, -f7)" 1183 "seed 3 converges in epoch 1183, as a solo run"
# submitting again resumes: every task finds its point complete
sbatch --wait "$W/sweep.sbatch" > "$tmp/sbatch2.txt" 2>&1 || no "second sbatch"
expect_eq "$(grep -h "nothing to do" "$W"/logs/slurm-*.out 2>/dev/null | wc -l)" 0 "quiet tasks say nothing"
finish test_slurm
