#!/usr/bin/env bash
# Counts the machine instructions ONE replication of the baseline executes, with valgrind's
# callgrind: a measure of the simulation's cost that does not depend on how busy or how fast the
# machine is (the same binary, scenario and seed give the same count, to within a few instructions,
# whatever else the machine is doing), so that it can be compared from commit to commit where wall
# times on a shared machine vary by a factor of two. Only the simulation is counted (the function
# `custody_sim::sim::engine::run`): not loading the scenario, not writing the outputs.
#
# Usage: scripts/instructions.sh [OUTPUT_JSON] [SCALE]
#        (defaults: outputs/instructions.json, scale 1 = the full baseline, about a minute under
#        valgrind; CI uses 0.1, a tenth of the cohort and of every capacity, about 8 seconds)
#
# valgrind must be installed (Debian: apt-get install valgrind); as root on a machine without it,
# the script installs it. The JSON is printed and written atomically (temporary file, then mv).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

out="${1:-outputs/instructions.json}"
scale="${2:-1}"
scenario="scenarios/baseline.toml"
seed=20190101
function_counted="custody_sim::sim::engine::run"

if ! command -v valgrind >/dev/null 2>&1; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "== valgrind missing: installing it (apt-get install valgrind)" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >/dev/null ||
            { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >/dev/null; }
    else
        echo "error: valgrind is not installed (Debian: sudo apt-get install valgrind)" >&2
        exit 1
    fi
fi

echo "== building release (cargo build --release --locked)" >&2
cargo build --release --locked
bin="$root/target/release/custody-sim"

tmp="$(mktemp -d)"
partial=""
trap 'rm -rf "$tmp"; [[ -z "$partial" ]] || rm -f "$partial"' EXIT
run_dir="$tmp/run"

echo "== one replication of $scenario at scale $scale on one thread, under callgrind" >&2
valgrind --tool=callgrind --toggle-collect="$function_counted" \
    --callgrind-out-file="$tmp/callgrind.out" --log-file="$tmp/valgrind.log" \
    "$bin" run "$scenario" -r 1 -s "$seed" -t 1 -q --scale "$scale" -o "$run_dir"

instructions="$(sed -n 's/^summary: *//p' "$tmp/callgrind.out")"
if [[ -z "$instructions" || "$instructions" == 0 ]]; then
    echo "error: callgrind counted no instructions in $function_counted (renamed or inlined?)" >&2
    cat "$tmp/valgrind.log" >&2
    exit 1
fi
for f in manifest.json summary.csv; do
    [[ -f "$run_dir/$f" ]] || { echo "error: the run wrote no $f" >&2; exit 1; }
done

commit=""
dirty=""
if git -C "$root" rev-parse --verify -q HEAD >/dev/null 2>&1; then
    commit="$(git -C "$root" rev-parse HEAD)"
    if [[ -n "$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
        dirty=1
    else
        dirty=0
    fi
fi

mkdir -p "$(dirname "$out")"
partial="$out.tmp.$$"
python3 - "$run_dir" "$partial" "$commit" "$dirty" "$instructions" "$scenario" "$seed" "$scale" \
    "$(valgrind --version)" "$function_counted" <<'PY'
import csv, json, sys

(run_dir, partial, commit, dirty, instructions, scenario, seed, scale, valgrind,
 counted) = sys.argv[1:]
with open(f"{run_dir}/summary.csv", newline="") as f:
    rows = list(csv.DictReader(f))
if len(rows) != 1:
    sys.exit(f"error: expected one replication in summary.csv, found {len(rows)}")
children = int(rows[0]["arrived"])
events = int(rows[0]["events"])
instructions = int(instructions)
result = {
    "git_commit": commit or None,
    "git_dirty": None if dirty == "" else dirty == "1",
    "scenario": scenario,
    "scale": float(scale),
    "seed": int(seed),
    "replications": 1,
    "threads": 1,
    "instructions": instructions,
    "instructions_counted_in": counted,
    "children": children,
    "events": events,
    "events_per_child": round(events / max(children, 1), 2),
    "instructions_per_child": round(instructions / max(children, 1), 1),
    "instructions_per_event": round(instructions / max(events, 1), 1),
    "tool": f"{valgrind} --tool=callgrind",
}
with open(partial, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
PY
mv -f "$partial" "$out"
cat "$out"
echo "Wrote $out" >&2
