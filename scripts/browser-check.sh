#!/usr/bin/env bash
# Open a custody-sim HTML report in a real browser, as a person would, and check what it shows:
#   1. installs Debian's `chromium` with apt-get if it is missing (needs root);
#   2. renders the report headless (no network, fresh profile) to a PNG screenshot and checks the
#      PNG exists, has the window's size and is not blank;
#   3. dumps the DOM the browser built and checks it holds every chart (at least as many <svg>
#      elements as the report has charts, one <figure> per chart), the "synthetic" notice, no
#      <script> and no error page.
#
# Usage: bash scripts/browser-check.sh REPORT.html OUT.png [CHARTS]
#   CHARTS: the number of charts expected (default: the number of <figure> elements in the file).
# Exit code 0 if every check passes, 1 otherwise.
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 ]]; then
    echo "usage: $0 REPORT.html OUT.png [CHARTS]" >&2
    exit 2
fi
report="$1"
png="$2"
if [[ ! -s "$report" ]]; then
    echo "FAIL: $report does not exist or is empty" >&2
    exit 1
fi
report_abs="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
expected="${3:-$(grep -o '<figure' "$report" | wc -l)}"

browser=""
for b in chromium chromium-browser; do
    if command -v "$b" >/dev/null 2>&1; then
        browser="$b"
        break
    fi
done
if [[ -z "$browser" ]]; then
    if [[ $(id -u) -ne 0 ]]; then
        echo "FAIL: chromium is not installed and installing it needs root (apt-get install chromium)" >&2
        exit 1
    fi
    echo "chromium missing: installing it with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
    browser=chromium
fi
echo "browser: $($browser --version 2>/dev/null || echo "$browser")"

work="$(mktemp -d)"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# A fresh profile per launch; nothing may reach the network.
flags=(--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking
    --disable-component-update --disable-sync --disable-quic --disable-extensions
    --window-size=1280,4000 --virtual-time-budget=5000)
url="file://$report_abs"

rm -f "$png"
timeout 180 "$browser" "${flags[@]}" --user-data-dir="$work/profile-shot" \
    --screenshot="$png" "$url" >"$work/shot.log" 2>&1 || true
fail=0
if [[ ! -s "$png" ]]; then
    echo "FAIL: no screenshot written to $png; browser log:" >&2
    tail -20 "$work/shot.log" >&2
    exit 1
fi
size=$(stat -c %s "$png")
signature=$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')
# Width and height: big-endian 32-bit integers at bytes 16-23 of the PNG (the IHDR chunk).
width=$((16#$(od -An -tx1 -j16 -N4 "$png" | tr -d ' \n')))
height=$((16#$(od -An -tx1 -j20 -N4 "$png" | tr -d ' \n')))
echo "screenshot: $png, ${width}x${height}, $size bytes"
if [[ "$signature" != "89504e470d0a1a0a" ]]; then
    echo "FAIL: $png is not a PNG file" >&2
    fail=1
fi
if [[ $width -lt 1000 || $height -lt 1000 ]]; then
    echo "FAIL: the screenshot is ${width}x${height}, expected about 1280x4000" >&2
    fail=1
fi
# A blank 1280x4000 page compresses to a few kilobytes; text, tables and charts take far more.
if [[ $size -lt 40000 ]]; then
    echo "FAIL: the screenshot is only $size bytes: the page looks blank" >&2
    fail=1
fi

timeout 180 "$browser" "${flags[@]}" --user-data-dir="$work/profile-dom" \
    --dump-dom "$url" >"$work/dom.html" 2>"$work/dom.log" || true
if [[ ! -s "$work/dom.html" ]]; then
    echo "FAIL: the browser dumped no DOM; browser log:" >&2
    tail -20 "$work/dom.log" >&2
    exit 1
fi
svgs=$(grep -o '<svg' "$work/dom.html" | wc -l)
figures=$(grep -o '<figure' "$work/dom.html" | wc -l)
echo "DOM: $(stat -c %s "$work/dom.html") bytes, $svgs <svg> element(s), $figures chart figure(s), $expected chart(s) expected"
if [[ $svgs -lt $expected || $figures -ne $expected ]]; then
    echo "FAIL: the DOM holds $svgs <svg> and $figures <figure> element(s) for $expected chart(s)" >&2
    fail=1
fi
if [[ $expected -lt 1 ]]; then
    echo "FAIL: the report has no charts" >&2
    fail=1
fi
if ! grep -q 'synthetic' "$work/dom.html"; then
    echo "FAIL: the page does not say that every child is synthetic" >&2
    fail=1
fi
if grep -qi '<script' "$work/dom.html"; then
    echo "FAIL: the page holds a <script> element" >&2
    fail=1
fi
for error_text in 'ERR_FILE_NOT_FOUND' 'ERR_ACCESS_DENIED' 'ERR_' "This site can" 'Aw, Snap' 'parsererror' 'error on line'; do
    if grep -q "$error_text" "$work/dom.html"; then
        echo "FAIL: the page shows error text \"$error_text\"" >&2
        fail=1
    fi
done
if [[ $fail -ne 0 ]]; then
    exit 1
fi
echo "OK: $report renders with all $expected chart(s)"
