#!/usr/bin/env bash
# Compares the speed of two builds of custody-sim on a machine whose speed varies from minute to
# minute (a shared virtual machine): both run one replication of the baseline AT THE SAME TIME,
# one on each core, so that both see the same conditions; the cores swap every round. Prints each
# round's wall times (the simulation only, from manifest.json) and the median of the ratio B/A.
# A build against itself gives about 0.98 (0.90 to 1.00) on the development machine: read
# differences smaller than that spread as noise. Also says whether the two builds' outputs
# (summary.csv, timeseries.csv) are identical.
#
# Usage: scripts/paired-timing.sh BIN_A BIN_B [ROUNDS]   (default 10 rounds; needs 2 cores)
# e.g.   git worktree add /tmp/old HEAD~3 && (cd /tmp/old && cargo build --release --locked)
#        scripts/paired-timing.sh /tmp/old/target/release/custody-sim target/release/custody-sim
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 BIN_A BIN_B [ROUNDS]" >&2
  exit 2
fi
a="$(realpath "$1")"
b="$(realpath "$2")"
rounds="${3:-10}"
for bin in "$a" "$b"; do
  [[ -x "$bin" ]] || { echo "$0: $bin is not an executable" >&2; exit 2; }
done
command -v taskset >/dev/null || { echo "$0: needs taskset (util-linux)" >&2; exit 2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

wall() { grep -o '"wall_time_seconds": [0-9.e+-]*' "$1/manifest.json" | awk '{print $2}'; }

printf '%-6s %10s %10s %8s\n' round "A (s)" "B (s)" "B/A"
for i in $(seq "$rounds"); do
  if (( i % 2 )); then ca=0; cb=1; else ca=1; cb=0; fi
  rm -rf "$tmp/a" "$tmp/b"
  taskset -c "$ca" "$a" run scenarios/baseline.toml -r 1 -t 1 -q -o "$tmp/a" >/dev/null &
  pa=$!
  taskset -c "$cb" "$b" run scenarios/baseline.toml -r 1 -t 1 -q -o "$tmp/b" >/dev/null &
  pb=$!
  wait "$pa" "$pb"
  ta="$(wall "$tmp/a")"
  tb="$(wall "$tmp/b")"
  echo "$ta $tb" >>"$tmp/times"
  awk -v i="$i" '{printf "%-6s %10.3f %10.3f %8.3f\n", i, $1, $2, $2 / $1}' <<<"$ta $tb"
done
sort -n -k3 <(awk '{print $1, $2, $2 / $1}' "$tmp/times") |
  awk '{r[NR] = $3} END {printf "median B/A %.3f (%.3f to %.3f) over %d rounds\n", r[int((NR + 1) / 2)], r[1], r[NR], NR}'
if cmp -s "$tmp/a/summary.csv" "$tmp/b/summary.csv" && cmp -s "$tmp/a/timeseries.csv" "$tmp/b/timeseries.csv"; then
  echo "outputs identical (summary.csv, timeseries.csv)"
else
  echo "outputs DIFFER (summary.csv or timeseries.csv)"
fi
