#!/usr/bin/env bash
# Smoke test of the cluster path on a real one-node Slurm cluster on this machine:
#   1. installs slurm-wlm and munge with apt-get if they are missing;
#   2. writes a one-node slurm.conf (scripts/slurm/slurm.conf.in) to /etc/slurm/slurm.conf, makes a
#      munge key if there is none, starts munged (as munge), slurmctld and `slurmd -N localhost`, and
#      waits until the node is idle;
#   3. builds the release binary, runs a small Latin-hypercube sweep on this machine, emits the same
#      sweep as a 4-shard Slurm job array (--emit-slurm 4), submits it with the emitted submit.sh,
#      waits for the array and the merge, and checks the merged runs.csv and points.csv equal the
#      single-machine ones byte for byte;
#   4. runs a small ABC-SMC calibration (at half the cohort) on this machine, emits it for Slurm
#      (--emit-slurm 2: a driver job that submits each round as a 2-shard job array and waits for
#      it), submits the driver, waits for it, and checks the cluster's posterior, populations,
#      predictive check, ensemble, fit and calibrated scenario equal the single machine's;
#   5. on exit stops the daemons it started (by PID) and restores any slurm.conf it replaced.
# Re-runnable: daemons left over by an earlier run of this script (killed before its cleanup) are
# stopped first, and Slurm's state is started afresh each time.
#
# Must run as root. Usage: bash scripts/slurm-smoke.sh
# Environment: SMOKE_TIMEOUT (seconds to wait for the jobs, default 240), SMOKE_KEEP=1 keeps the
# temporary work folder even on success, SMOKE_INJECT_FAIL=<run ids> makes those runs fail in the
# cluster jobs (to see the FAIL path and its diagnostics).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
template="$root/scripts/slurm/slurm.conf.in"
conf=/etc/slurm/slurm.conf
marker="# written by custody-sim scripts/slurm-smoke.sh"
state=/var/spool/custody-slurm-smoke       # Slurm state, spool, PID and log files of this test
ours="$state/started-by-smoke"              # "name pid" of every daemon this script started
shards=4
job_timeout="${SMOKE_TIMEOUT:-240}"

t0=$(date +%s.%N)
section_t0=$t0
section_name=""
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
section() {
    if [[ -n "$section_name" ]]; then
        echo "-- $section_name: done in $(elapsed "$section_t0") s"
    fi
    section_name="$1"
    section_t0=$(date +%s.%N)
    echo
    echo "=== [$(elapsed "$t0") s] $1"
}
log() { echo "    $*"; }
die() {
    echo "error: $*" >&2
    exit 1
}

if [[ $(id -u) -ne 0 ]]; then
    die "run this as root (it installs packages and starts munged, slurmctld and slurmd)"
fi

# --- daemons: start, record, stop ------------------------------------------------------------

# True if PID is alive and its command name is NAME (so a recycled PID is never signalled).
is_proc() {
    local pid="$1" name="$2"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    [[ "$(ps -p "$pid" -o comm= 2>/dev/null)" == "$name" ]]
}

# Stop one process by PID: TERM, wait up to 15 s, then KILL.
stop_pid() {
    local name="$1" pid="$2" i t
    is_proc "$pid" "$name" || return 0
    t=$(date +%s.%N)
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        if ! is_proc "$pid" "$name"; then
            log "stopped $name (pid $pid) in $(elapsed "$t") s"
            return 0
        fi
        sleep 0.1
    done
    log "$name (pid $pid) ignored SIGTERM: sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
}

# Stop every daemon listed in $ours, in reverse start order (slurmd, slurmctld, munged).
stop_ours() {
    [[ -f "$ours" ]] || return 0
    local name pid
    while read -r name pid; do
        stop_pid "$name" "$pid"
    done < <(tac "$ours")
    rm -f "$ours"
}

# Wait (up to $2 s) for file $1 to hold a PID of a live process named $3; print the PID.
wait_pidfile() {
    local file="$1" secs="$2" name="$3" i pid
    for ((i = 0; i < secs * 10; i++)); do
        if [[ -s "$file" ]]; then
            pid="$(tr -dc 0-9 <"$file")"
            if is_proc "$pid" "$name"; then
                echo "$pid"
                return 0
            fi
        fi
        sleep 0.1
    done
    return 1
}

conf_backup=""
array_id=""
merge_id=""
work=""
passed=0

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    cd /
    echo
    echo "=== [$(elapsed "$t0") s] cleanup"
    if [[ -n "$array_id$merge_id" && -f "$ours" ]] && grep -q '^slurmctld ' "$ours"; then
        # Jobs still queued (timeout or failure) are cancelled by id before the controller stops.
        if [[ -n "$(squeue -h -j "${array_id:-$merge_id},${merge_id:-$array_id}" -t PENDING,RUNNING,COMPLETING,CONFIGURING,SUSPENDED 2>/dev/null)" ]]; then
            log "cancelling unfinished jobs $array_id $merge_id"
            # shellcheck disable=SC2086 # either id may be empty
            scancel $array_id $merge_id 2>/dev/null
            sleep 1
        fi
    fi
    stop_ours
    if [[ -n "$conf_backup" && -f "$conf_backup" ]]; then
        log "restoring the previous $conf from $conf_backup"
        mv -f "$conf_backup" "$conf"
    fi
    if [[ -n "$work" && -d "$work" ]]; then
        if [[ $passed -eq 1 && "${SMOKE_KEEP:-0}" != 1 ]]; then
            rm -rf "$work"
        else
            log "work folder kept: $work"
        fi
    fi
    echo "total time: $(elapsed "$t0") s"
    if [[ $rc -eq 0 && $passed -eq 1 ]]; then
        echo "PASS: slurm smoke test (the $shards-shard sweep array + merge and the ABC-SMC driver with its round arrays equal the single machine byte for byte)"
    else
        [[ $rc -ne 0 ]] || rc=1
        echo "FAIL: slurm smoke test (exit status $rc)"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Print everything useful for a post-mortem of the cluster run.
dump_logs() {
    echo
    echo "----- diagnostics -----"
    local f
    if [[ -n "$array_id$merge_id" ]]; then
        echo "--- scontrol show job (array $array_id, merge $merge_id)"
        [[ -z "$array_id" ]] || scontrol show job "$array_id" 2>&1 | sed 's/^/    /'
        [[ -z "$merge_id" ]] || scontrol show job "$merge_id" 2>&1 | sed 's/^/    /'
    fi
    echo "--- sinfo"
    sinfo 2>&1 | sed 's/^/    /'
    if [[ -n "$work" ]]; then
        for f in "$work"/cluster/slurm/*.log; do
            [[ -e "$f" ]] || continue
            echo "--- $f"
            sed 's/^/    /' "$f"
        done
    fi
    for f in "$state"/log/slurmctld.log "$state"/log/slurmd.log; do
        [[ -e "$f" ]] || continue
        echo "--- $f (last 40 lines)"
        tail -n 40 "$f" | sed 's/^/    /'
    done
    echo "----- end of diagnostics -----"
}
fail() {
    echo "error: $*" >&2
    dump_logs
    exit 1
}

# --- 1. packages -------------------------------------------------------------------------------
section "1. packages (slurm-wlm, munge)"
missing=()
for cmd in sbatch squeue sinfo scontrol scancel slurmctld slurmd munged munge unmunge; do
    command -v "$cmd" >/dev/null 2>&1 || [[ -x "/usr/sbin/$cmd" ]] || missing+=("$cmd")
done
if ((${#missing[@]})); then
    log "missing: ${missing[*]}: installing slurm-wlm and munge with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends slurm-wlm munge
else
    log "already installed"
fi
export PATH="$PATH:/usr/sbin:/sbin"
for cmd in sbatch squeue sinfo scontrol scancel slurmctld slurmd munged munge unmunge; do
    command -v "$cmd" >/dev/null 2>&1 || die "$cmd is still missing after installing slurm-wlm and munge"
done
log "slurm-wlm $(dpkg-query -W -f='${Version}' slurm-wlm 2>/dev/null || echo '?'), munge $(dpkg-query -W -f='${Version}' munge 2>/dev/null || echo '?')"

# --- 2. one-node cluster -----------------------------------------------------------------------
section "2. one-node Slurm cluster on localhost"

# Daemons left by an earlier run of this script that was killed before its cleanup.
if [[ -f "$ours" ]]; then
    log "stopping daemons left by an earlier run of this script"
    stop_ours
fi
for d in slurmctld slurmd; do
    if pgrep -x "$d" >/dev/null; then
        die "a $d not started by this script is running (pid $(pgrep -x "$d" | tr '\n' ' ')): stop it first, this test runs its own one-node cluster"
    fi
done

# Fresh state every run: no jobs or node state recovered from an earlier run.
rm -rf "${state:?}/ctld" "${state:?}/d" "${state:?}/run" "${state:?}/log"
mkdir -p "$state"/{ctld,d,run,log}
: >"$ours"

# slurm.conf: keep a configuration that this script did not write, and put it back on exit.
mkdir -p "$(dirname "$conf")"
if [[ -f "$conf" ]] && ! grep -qF "$marker" "$conf"; then
    conf_backup="$conf.before-smoke"
    if [[ -e "$conf_backup" ]]; then
        die "$conf was not written by this script and $conf_backup already exists: sort them out by hand"
    fi
    cp -p "$conf" "$conf_backup"
    log "saved the existing $conf as $conf_backup (restored on exit)"
fi
cpus="$(nproc)"
sed -e "s|@STATE@|$state|g" -e "s|@CPUS@|$cpus|g" "$template" >"$conf.tmp"
mv -f "$conf.tmp" "$conf"
chmod 0644 "$conf"
log "wrote $conf (NodeName=localhost CPUs=$cpus, state in $state)"

# munge: key, run folder, daemon (reuse a munged that already works, e.g. the system's).
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
chown munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
chmod 0700 /etc/munge /var/lib/munge /var/log/munge
chmod 0755 /run/munge
key=/etc/munge/munge.key
if [[ ! -s "$key" ]]; then
    log "creating a munge key"
    if [[ -x /usr/sbin/mungekey ]]; then
        /usr/sbin/mungekey --create --keyfile="$key"
    elif command -v create-munge-key >/dev/null 2>&1; then
        create-munge-key -f
    else
        dd if=/dev/urandom of="$key" bs=1 count=1024 status=none
    fi
fi
chown munge:munge "$key"
chmod 0400 "$key"
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    log "munged already running and working: reusing it"
else
    log "starting munged as munge"
    # A socket or PID file left by a munged that died would stop a new one from starting.
    if [[ -s /run/munge/munged.pid ]] && is_proc "$(tr -dc 0-9 </run/munge/munged.pid)" munged; then
        die "a munged is running (pid $(cat /run/munge/munged.pid)) but does not answer: stop it first"
    fi
    rm -f /run/munge/munged.pid /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock
    runuser -u munge -- /usr/sbin/munged
    pid="$(wait_pidfile /run/munge/munged.pid 10 munged)" || fail "munged did not start (see /var/log/munge/munged.log)"
    echo "munged $pid" >>"$ours"
    for ((i = 0; i < 50; i++)); do
        munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
        sleep 0.1
    done
    munge -n | unmunge >/dev/null || fail "munge does not work"
    log "munged up (pid $pid)"
fi

log "starting slurmctld"
slurmctld
pid="$(wait_pidfile "$state/run/slurmctld.pid" 15 slurmctld)" || fail "slurmctld did not start"
echo "slurmctld $pid" >>"$ours"
for ((i = 0; i < 150; i++)); do
    scontrol ping 2>/dev/null | grep -q 'is UP' && break
    sleep 0.1
done
scontrol ping | grep -q 'is UP' || fail "slurmctld does not answer scontrol ping"
log "slurmctld up (pid $pid)"

log "starting slurmd -N localhost"
slurmd -N localhost
pid="$(wait_pidfile "$state/run/slurmd.pid" 15 slurmd)" || fail "slurmd did not start"
echo "slurmd $pid" >>"$ours"
log "slurmd up (pid $pid); waiting for the node to be idle"
node_state=""
for ((i = 0; i < 600; i++)); do
    node_state="$(sinfo -h -n localhost -o %t 2>/dev/null | head -n 1)"
    [[ "$node_state" == idle ]] && break
    sleep 0.1
done
[[ "$node_state" == idle ]] || fail "node localhost is '$node_state', not idle, after 60 s"
sinfo | sed 's/^/    /'

# --- 3. the sweep, single machine and cluster ---------------------------------------------------
section "3a. release build (cargo build --release --locked)"
(cd "$root" && cargo build --release --locked)
bin="$root/target/release/custody-sim"
[[ -x "$bin" ]] || die "$bin is missing after the build"

section "3b. small sweep on this machine"
work="$(mktemp -d /tmp/custody-slurm-smoke.XXXXXX)"
chmod 0755 "$work"
log "work folder: $work"
cat >"$work/base.toml" <<EOF
# Smoke-test base scenario: the baseline with one small FY2019 cohort.
extends = "$root/scenarios/baseline.toml"

[meta]
name = "slurm_smoke"
description = "Baseline with a tiny FY2019 cohort, for the Slurm smoke test"

[[arrivals.fiscal_years]]
fiscal_year = 2019
children = 2000
source = "smoke"
EOF
cat >"$work/sweep.toml" <<'EOF'
# Slurm smoke test: Latin hypercube over two levers, 12 points x 2 replications.
base = "base.toml"
replications = 2
seed = 20190101

[design]
kind = "latin_hypercube"
samples = 12

[[parameters]]
path = "life.move_rate_per_year"
min = 0.2
max = 0.6

[[parameters]]
path = "data_sharing.orr_to_ice_probability"
min = 0.5
max = 1.0
EOF
cd "$work"
"$bin" sweep sweep.toml --out single --quiet
for f in runs.csv points.csv sweep.json; do
    [[ -s "single/$f" ]] || die "single/$f is missing or empty"
done
runs="$(($(wc -l <single/runs.csv) - 1))"
log "single machine: $runs runs, $(($(wc -l <single/points.csv) - 1)) points"
[[ $runs -eq 24 ]] || die "expected 24 runs in single/runs.csv, found $runs"

section "3c. emit the Slurm job array ($shards shards) and submit it"
"$bin" sweep sweep.toml --emit-slurm "$shards" --out cluster | sed 's/^/    /'
for f in array.sbatch merge.sbatch submit.sh; do
    [[ -s "cluster/slurm/$f" ]] || die "cluster/slurm/$f was not emitted"
done
grep -q -- "--array=1-$shards\$" cluster/slurm/array.sbatch || die "array.sbatch has no --array=1-$shards"
grep -q -- "afterok" cluster/slurm/submit.sh || die "submit.sh has no afterok dependency"
# SMOKE_INJECT_FAIL=<run ids> makes those runs fail in the cluster jobs only (Slurm passes the
# environment on to them): a check that this script notices a failed shard.
submitted="$(CUSTODY_SIM_FAIL_JOBS="${SMOKE_INJECT_FAIL:-}" bash cluster/slurm/submit.sh)" ||
    fail "submit.sh failed: $submitted"
log "$submitted"
array_id="$(sed -n 's/^submitted array job \([0-9]*\).* and merge job \([0-9]*\).*$/\1/p' <<<"$submitted")"
merge_id="$(sed -n 's/^submitted array job \([0-9]*\).* and merge job \([0-9]*\).*$/\2/p' <<<"$submitted")"
[[ -n "$array_id" && -n "$merge_id" ]] || fail "cannot read the job ids from submit.sh's output: $submitted"

section "3d. wait for the array ($array_id) and the merge ($merge_id)"
wait_t0=$(date +%s)
last=""
while :; do
    # Jobs of ours not yet finished (pending, running, completing, ...).
    live="$(squeue -h -j "$array_id,$merge_id" -t PENDING,RUNNING,CONFIGURING,COMPLETING,SUSPENDED,REQUEUED,RESIZING -o '%i %T %r' 2>&1)" ||
        fail "squeue failed: $live"
    [[ -n "$live" ]] || break
    now="$(tr '\n' ';' <<<"$live")"
    if [[ "$now" != "$last" ]]; then
        log "[$(($(date +%s) - wait_t0)) s] ${now%;}"
        last="$now"
    fi
    if grep -q DependencyNeverSatisfied <<<"$live"; then
        fail "the merge job can never run: a shard of the array failed"
    fi
    if (($(date +%s) - wait_t0 > job_timeout)); then
        fail "the jobs did not finish within $job_timeout s"
    fi
    sleep 0.5
done
log "all jobs left the queue after $(($(date +%s) - wait_t0)) s"

section "3e. check the jobs and the merged outputs"
bad=0
array_states="$(scontrol -o show job "$array_id" 2>/dev/null || true)"
n_tasks=0
while read -r line; do
    [[ -n "$line" ]] || continue
    task="$(grep -o 'ArrayTaskId=[^ ]*' <<<"$line")"
    st="$(grep -o 'JobState=[^ ]*' <<<"$line")"
    ec="$(grep -o ' ExitCode=[^ ]*' <<<"$line" | tr -d ' ')"
    log "array $array_id $task: $st $ec"
    n_tasks=$((n_tasks + 1))
    [[ "$st" == JobState=COMPLETED && "$ec" == ExitCode=0:0 ]] || bad=1
done <<<"$array_states"
[[ $n_tasks -eq $shards ]] || {
    log "expected $shards array tasks in scontrol, found $n_tasks"
    bad=1
}
merge_line="$(scontrol -o show job "$merge_id" 2>/dev/null || true)"
st="$(grep -o 'JobState=[^ ]*' <<<"$merge_line" || true)"
ec="$(grep -o ' ExitCode=[^ ]*' <<<"$merge_line" | tr -d ' ' || true)"
log "merge $merge_id: $st $ec"
[[ "$st" == JobState=COMPLETED && "$ec" == ExitCode=0:0 ]] || bad=1
[[ $bad -eq 0 ]] || fail "a job of the cluster run did not complete successfully"

for k in $(seq 1 "$shards"); do
    d="cluster/shards/shard-$k-of-$shards"
    [[ -s "$d/runs.csv" ]] || fail "shard output $d/runs.csv is missing"
    [[ -e "cluster/slurm/shard-$k.log" ]] || fail "log cluster/slurm/shard-$k.log is missing"
done
for f in runs.csv points.csv sweep.json; do
    [[ -s "cluster/$f" ]] || fail "merged cluster/$f is missing or empty"
done
[[ -e cluster/slurm/merge.log ]] || fail "cluster/slurm/merge.log is missing"
if grep -qi 'error' cluster/slurm/*.log; then
    fail "the job logs report an error"
fi
log "4 shard folders, merged runs.csv, points.csv and sweep.json present; job logs clean"

for f in runs.csv points.csv; do
    if cmp "single/$f" "cluster/$f"; then
        log "identical: single/$f == cluster/$f ($(wc -c <"single/$f") bytes)"
    else
        diff <(head -n 5 "single/$f") <(head -n 5 "cluster/$f") | head -n 20 || true
        fail "cluster/$f differs from single/$f"
    fi
done
# sweep.json names the sweep file as given: "sweep.toml" here, its absolute path in the jobs.
if cmp -s <(grep -v '"sweep_file"' single/sweep.json) <(grep -v '"sweep_file"' cluster/sweep.json); then
    log "identical but for sweep_file: single/sweep.json == cluster/sweep.json"
else
    diff single/sweep.json cluster/sweep.json || true
    fail "cluster/sweep.json differs from single/sweep.json beyond the sweep file's path"
fi

# --- 4. an ABC-SMC calibration, single machine and cluster (driver + rounds of job arrays) -----
section "4a. small ABC-SMC calibration on this machine"
cat >"$work/targets.toml" <<'EOF'
# Smoke-test targets: two figures that respond to the two calibrated parameters.
[[targets]]
name = "ntas_2019"
metric = "ntas_issued_cum"
aggregate = "at_date"
date = "2019-12-31"
value = 900
qualifier = "about"
tolerance = 0.1
definition = "smoke"
source = "smoke"

[[targets]]
name = "calls_not_reached"
metric = "wellbeing_calls_not_reached_cum"
per = "wellbeing_calls_due_cum"
aggregate = "change"
from = "2018-10-01"
to = "2019-09-30"
value = 0.2
qualifier = "about"
tolerance = 0.1
definition = "smoke"
source = "smoke"
EOF
cat >"$work/calibration.toml" <<'EOF'
# Slurm smoke test: ABC-SMC over two parameters, 12 particles, 3 generations, at half the cohort.
base = "base.toml"
targets = "targets.toml"
fit = ["ntas_2019", "calls_not_reached"]
replications = 1
seed = 7
scale = 0.5

[method]
kind = "abc_smc"
population = 12
min_acceptance = 0.05
max_generations = 3

[[parameters]]
path = "ice.nta_probability"
min = 0.2
max = 1.0
reason = "smoke: a wide range"

[[parameters]]
path = "wellbeing_calls.answer_probability_if_current"
min = 0.4
max = 0.99
reason = "smoke: a wide range"
EOF
"$bin" calibrate calibration.toml --out single-cal --quiet
smc_files=(population.csv posterior.csv generations.csv predictive.csv ensemble.csv fit.csv)
for f in "${smc_files[@]}" calibrated.toml; do
    [[ -s "single-cal/$f" ]] || fail "single-cal/$f is missing or empty"
done
log "single machine: $(($(wc -l <single-cal/generations.csv) - 1)) generations"

section "4b. emit the calibration's driver and round array (2 shards) and submit the driver"
"$bin" calibrate calibration.toml --emit-slurm 2 --threads 1 --out cluster-cal | sed 's/^/    /'
for f in shard.sbatch driver.sbatch submit.sh; do
    [[ -s "cluster-cal/slurm/$f" ]] || fail "cluster-cal/slurm/$f was not emitted"
done
submitted="$(bash cluster-cal/slurm/submit.sh)" || fail "the calibration's submit.sh failed: $submitted"
log "$submitted"
driver_id="$(sed -n 's/^submitted driver job \([0-9]*\).*$/\1/p' <<<"$submitted")"
[[ -n "$driver_id" ]] || fail "cannot read the driver's job id from: $submitted"

section "4c. wait for the driver ($driver_id), which submits every round itself"
wait_t0=$(date +%s)
last=""
while :; do
    live="$(squeue -h -t PENDING,RUNNING,CONFIGURING,COMPLETING,SUSPENDED,REQUEUED,RESIZING -o '%i %j %T' 2>&1)" ||
        fail "squeue failed: $live"
    grep -q "^$driver_id " <<<"$live" || break
    now="$(tr '\n' ';' <<<"$live")"
    if [[ "$now" != "$last" ]]; then
        log "[$(($(date +%s) - wait_t0)) s] ${now%;}"
        last="$now"
    fi
    if (($(date +%s) - wait_t0 > job_timeout)); then
        fail "the calibration's driver did not finish within $job_timeout s"
    fi
    sleep 0.5
done
log "the driver left the queue after $(($(date +%s) - wait_t0)) s"
driver_line="$(scontrol -o show job "$driver_id" 2>/dev/null || true)"
st="$(grep -o 'JobState=[^ ]*' <<<"$driver_line" || true)"
ec="$(grep -o ' ExitCode=[^ ]*' <<<"$driver_line" | tr -d ' ' || true)"
log "driver $driver_id: $st $ec"
sed 's/^/    driver.log: /' cluster-cal/slurm/driver.log || true
[[ "$st" == JobState=COMPLETED && "$ec" == ExitCode=0:0 ]] ||
    fail "the calibration's driver did not complete successfully"
rounds="$(grep -c 'submitting 2 shards' cluster-cal/slurm/driver.log || true)"
[[ "$rounds" -ge 3 ]] || fail "the driver ran $rounds rounds; expected at least 3 (one per generation)"
[[ -s cluster-cal/generations/gen-001/shards/shard-2-of-2/candidates.csv ]] ||
    fail "no shard log in cluster-cal/generations/gen-001/shards/shard-2-of-2/"

section "4d. check the cluster's calibration equals the single machine's"
for f in "${smc_files[@]}"; do
    if cmp "single-cal/$f" "cluster-cal/$f"; then
        log "identical: single-cal/$f == cluster-cal/$f ($(wc -c <"single-cal/$f") bytes)"
    else
        diff <(head -n 5 "single-cal/$f") <(head -n 5 "cluster-cal/$f") | head -n 20 || true
        fail "cluster-cal/$f differs from single-cal/$f"
    fi
done
# calibrated.toml's header comment names the calibration file as given (its absolute path in the jobs).
if cmp -s <(grep -v '^#' single-cal/calibrated.toml) <(grep -v '^#' cluster-cal/calibrated.toml); then
    log "identical but for the header comment: single-cal/calibrated.toml == cluster-cal/calibrated.toml"
else
    diff single-cal/calibrated.toml cluster-cal/calibrated.toml || true
    fail "cluster-cal/calibrated.toml differs from single-cal/calibrated.toml beyond its header"
fi

section "5. done"
passed=1
