#!/bin/bash
# Dataset evaluation on a real Slurm cluster (issue 15): starts a private single-node cluster
# (munged, slurmctld, slurmd from Debian's munge and slurm-wlm; a generated slurm.conf with free
# ports in a temporary folder), submits scripts/slurm/submit as a 2-task array over 4 small
# MUSDB-like tracks (one stereo), waits for the summary job, and checks that every per-track result
# and the summary equal a plain local run. Then it cancels an array midway and shows that
# resubmitting completes only the missing tracks. Every daemon is stopped by its process id.
# Needs root (slurmd starts the jobs). Usage: test_slurm.sh PHASELAB_CLI SHARED_DIR
set -euo pipefail
cli="$(readlink -f "$1")"
shared="$(readlink -f "$2")"
here="$(cd "$(dirname "$0")/../.." && pwd)"
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "the Slurm test needs root to run slurmd (run the tests as root, as CI does)"
for tool in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo python3; do
    command -v "$tool" >/dev/null || fail "$tool is missing (scripts/setup installs munge and slurm-wlm)"
done

T="$(mktemp -d /tmp/phaselab-slurm.XXXXXX)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$T"
}
trap cleanup EXIT
mkdir -p "$T/state" "$T/spool" "$T/log"

read -r ctld_port d_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])')

dd if=/dev/urandom of="$T/munge.key" bs=1024 count=1 status=none
chmod 600 "$T/munge.key"
munged -F -f --socket="$T/munge.sock" --key-file="$T/munge.key" --log-file="$T/log/munged.log" \
    --pid-file="$T/munged.pid" --seed-file="$T/munged.seed" >"$T/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$T/munge.sock" ] && break; sleep 0.1; done
[ -S "$T/munge.sock" ] || { cat "$T/log/munged.out" >&2; fail "munged did not start"; }

host="$(hostname -s)"
cat >"$T/slurm.conf" <<CONF
ClusterName=phaselabtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
AuthType=auth/munge
AuthInfo=socket=$T/munge.sock
CryptoType=crypto/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=2000 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$T/slurm.conf"
slurmctld -D -f "$T/slurm.conf" >"$T/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$T/slurm.conf" >"$T/log/slurmd.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ "$(sinfo -h -o %t 2>/dev/null)" = "idle" ] && break; sleep 0.2; done
[ "$(sinfo -h -o %t 2>/dev/null)" = "idle" ] || { tail -20 "$T/log/slurmctld.log" "$T/log/slurmd.log" >&2; fail "the node did not come up"; }
echo "Slurm up: slurmctld port $ctld_port, slurmd port $d_port"

# Four small tracks in MUSDB's layout (names with spaces, as MUSDB's), one of them stereo.
a="$shared/testaudio"
track() {  # track NAME MIXTURE SOURCE1 SOURCE2 (extension kept)
    local dir="$T/musdb/test/$1"
    mkdir -p "$dir"
    cp "$2" "$dir/mixture.${2##*.}"
    cp "$3" "$dir/first.${3##*.}"
    cp "$4" "$dir/second.${4##*.}"
}
track "Alpha - One" "$a/twotone_16k_mix.wav" "$a/twotone_16k_a440.wav" "$a/twotone_16k_b1320.wav"
track "Beta - Two" "$a/speech_noise_16k_mix.wav" "$a/speech_noise_16k_speech.wav" "$a/speech_noise_16k_noise.wav"
track "Delta - Four (stereo)" "$a/stereo/stereo_speech_16k_mix.flac" "$a/stereo/stereo_speech_16k_spk1.flac" "$a/stereo/stereo_speech_16k_spk2.flac"
track "Gamma - Three" "$a/two_speakers_16k_mix.wav" "$a/two_speakers_16k_spk1.wav" "$a/two_speakers_16k_spk2.wav"
stft=(--window 1024 --hop 256)

"$cli" batch --dataset "musdb:$T/musdb" -o "$T/local" "${stft[@]}" >"$T/log/local.out"
"$cli" summarise "$T/local" --json "$T/local-summary.json" >/dev/null

export PHASELAB_CLI="$cli"
wait_for() {  # wait_for JOBID SECONDS: until the job has left the queue; prints its final state
    local job="$1" limit="$2" state=""
    for _ in $(seq $((limit * 5))); do
        state="$(scontrol show job "$job" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | sort -u | tr '\n' ' ')"
        case "$state" in *PENDING*|*RUNNING*|*COMPLETING*|*CONFIGURING*|"") sleep 0.2 ;; *) echo "$state"; return 0 ;; esac
    done
    echo "TIMEOUT $state"
}
same_as_local() {  # same_as_local OUTDIR: every track result equals the local run's (timing aside)
    python3 - "$T/local" "$1" <<'PY'
import json, os, sys
local, other = sys.argv[1:3]
def load(path):
    with open(path) as f:
        j = json.loads(f.read().replace("NaN", "null"))
    j["phaselab"].pop("seconds")
    return j
names = sorted(os.listdir(os.path.join(local, "test")))
assert names == sorted(os.listdir(os.path.join(other, "test"))), (names, os.listdir(os.path.join(other, "test")))
for n in names:
    assert load(os.path.join(local, "test", n)) == load(os.path.join(other, "test", n)), n
print(len(names), "track results equal the local run")
PY
}

# 1. The array (2 tasks over 4 tracks), then the summary job after it.
ids="$("$here/scripts/slurm/submit" --tasks 2 --sbatch "--mem=200M" "$T/musdb" "$T/cluster" "${stft[@]}")"
echo "$ids"
summary_job="$(echo "$ids" | sed -n 's/.*summary job \([0-9]*\).*/\1/p')"
state="$(wait_for "$summary_job" 300)"
[ "$state" = "COMPLETED " ] || { cat "$T"/cluster/slurm-*.out >&2; fail "summary job: $state"; }
grep -q "Slurm array task 0 (shard 1/2)" "$T"/cluster/slurm-*_0.out || fail "task 0 did not take shard 1/2"
grep -q "Slurm array task 1 (shard 2/2)" "$T"/cluster/slurm-*_1.out || fail "task 1 did not take shard 2/2"
same_as_local "$T/cluster"
python3 - "$T/local-summary.json" "$T/cluster/summary.json" <<'PY' || fail "the cluster summary differs from the local one"
import json, sys
a, b = (json.load(open(p))["rows"] for p in sys.argv[1:3])
for r in a + b: r.pop("method")
assert a == b, "summaries differ"
print(len(a), "summary rows equal the local summary")
PY

# 2. Cancelled midway (one task at a time, cancelled after the first result), then resubmitted.
ids="$("$here/scripts/slurm/submit" --parallel 1 --sbatch "--mem=200M" "$T/musdb" "$T/again" "${stft[@]}")"
array_job="$(echo "$ids" | sed -n 's/^array job \([0-9]*\).*/\1/p')"
summary_job="$(echo "$ids" | sed -n 's/.*summary job \([0-9]*\).*/\1/p')"
for _ in $(seq 1500); do [ -n "$(ls "$T/again/test" 2>/dev/null)" ] && break; sleep 0.2; done
scancel "$array_job" "$summary_job"  # the summary would wait for ever on a cancelled array
for _ in $(seq 300); do [ -z "$(squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
[ -z "$(squeue -h)" ] || fail "jobs left after scancel"
done_before=$(ls "$T/again/test" | wc -l)
echo "cancelled with $done_before of 4 tracks done"
[ "$done_before" -ge 1 ] && [ "$done_before" -lt 4 ] || fail "expected the cancel to leave 1 to 3 results, found $done_before"
ls -l --time-style=full-iso "$T/again/test" >"$T/before.txt"
ids="$("$here/scripts/slurm/submit" --parallel 1 --sbatch "--mem=200M" "$T/musdb" "$T/again" "${stft[@]}")"
summary_job="$(echo "$ids" | sed -n 's/.*summary job \([0-9]*\).*/\1/p')"
state="$(wait_for "$summary_job" 300)"
[ "$state" = "COMPLETED " ] || fail "resubmitted summary job: $state"
same_as_local "$T/again"
python3 - "$T/before.txt" "$T/again/test" <<'PY' || fail "a finished track was computed again"
import os, subprocess, sys
before = [l for l in open(sys.argv[1]) if l.startswith("-")]
now = subprocess.run(["ls", "-l", "--time-style=full-iso", sys.argv[2]], capture_output=True, text=True).stdout.splitlines()
for line in before:
    assert line.rstrip("\n") in now, line
print(len(before), "results of the cancelled array kept untouched")
PY
skipped=$(cat "$T"/again/slurm-*.out | grep -c "1 done already, 0 to run" || true)
[ "$skipped" -eq "$done_before" ] || fail "expected $done_before tasks to find their track done, found $skipped"
echo "PASS: Slurm array, summary job, cancel and resubmit"
