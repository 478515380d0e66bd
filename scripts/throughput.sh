#!/usr/bin/env bash
# Measures the throughput of ONE replication of the baseline scenario on one thread with the
# release build: wall time, children and events per second, and peak memory (RSS).
#
# Usage: scripts/throughput.sh [OUTPUT_JSON]   (default: outputs/throughput.json)
#
# The numbers come from the run's own outputs: wall_time_seconds from manifest.json (the
# simulation only, without loading the scenario or writing files), children and events from
# summary.csv (columns `arrived` and `events`). Peak RSS is that of the whole process, from
# GNU time (/usr/bin/time -v) or, where it is missing, python3's getrusage(RUSAGE_CHILDREN).
# The JSON is printed and written atomically (temporary file, then mv).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

out="${1:-outputs/throughput.json}"
scenario="scenarios/baseline.toml"
seed=20190101

echo "== building release (cargo build --release --locked)" >&2
cargo build --release --locked
bin="$root/target/release/custody-sim"

tmp="$(mktemp -d)"
partial=""
trap 'rm -rf "$tmp"; [[ -z "$partial" ]] || rm -f "$partial"' EXIT
run_dir="$tmp/run"
cmd=("$bin" run "$scenario" -r 1 -s "$seed" -t 1 -q -o "$run_dir")

echo "== one replication of $scenario on one thread" >&2
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
    /usr/bin/time -v -o "$tmp/time.txt" "${cmd[@]}"
    rss_kib="$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes):[[:space:]]*//p' "$tmp/time.txt")"
    rss_source="/usr/bin/time -v"
else
    # ru_maxrss is in KiB on Linux.
    rss_kib="$(python3 - "${cmd[@]}" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
)"
    rss_source="python3 resource.getrusage(RUSAGE_CHILDREN)"
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
python3 - "$run_dir" "$partial" "$commit" "$dirty" "$rss_kib" "$rss_source" "$scenario" "$seed" <<'PY'
import csv, json, sys

run_dir, partial, commit, dirty, rss_kib, rss_source, scenario, seed = sys.argv[1:]
with open(f"{run_dir}/manifest.json") as f:
    manifest = json.load(f)
with open(f"{run_dir}/summary.csv", newline="") as f:
    rows = list(csv.DictReader(f))
if len(rows) != 1:
    sys.exit(f"error: expected one replication in summary.csv, found {len(rows)}")
children = int(rows[0]["arrived"])
events = int(rows[0]["events"])
wall = float(manifest["wall_time_seconds"])
result = {
    "git_commit": commit or None,
    "git_dirty": None if dirty == "" else dirty == "1",
    "scenario": scenario,
    "seed": int(seed),
    "replications": 1,
    "threads": 1,
    "wall_time_seconds": round(wall, 4),
    "children": children,
    "events": events,
    "children_per_second": round(children / max(wall, 1e-9), 1),
    "events_per_second": round(events / max(wall, 1e-9), 1),
    "peak_rss_mib": round(int(rss_kib) / 1024, 1),
    "peak_rss_source": rss_source,
}
with open(partial, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
PY
mv -f "$partial" "$out"
cat "$out"
echo "Wrote $out" >&2
