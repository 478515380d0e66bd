#!/usr/bin/env bash
# Open a custody-sim HTML report in a real browser, as a person would, and check what it shows:
#   1. installs Debian's `chromium` with apt-get if it is missing (needs root);
#   2. lays the report out in the browser (no network, fresh profile) and measures it: the page's
#      full height and, for every chart, its place on the page, the size of its drawing and the
#      number of shapes drawn; fails if a chart is missing from the DOM, has no <svg>, is drawn
#      at (almost) zero size or holds (almost) nothing;
#   3. screenshots the WHOLE page at its full height (in slices of at most 8000 px for very tall
#      pages: OUT.png, OUT-2.png, ...), and each chart on its own (OUT-chart-K.png), and fails if a
#      screenshot is missing or blank;
#   4. dumps the DOM the browser built and checks it holds every chart (at least as many <svg>
#      elements as the report has charts, one <figure> per chart), the "synthetic" notice, no
#      <script> and no error page.
# The report itself runs no scripts; the measuring in step 2 is done by a small local page of this
# script that loads the report in a frame.
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
    --hide-scrollbars --virtual-time-budget=5000)
url="file://$report_abs"
fail=0
width_px=1280

# 2. Measure the laid-out page from a local probe page that loads the report in a frame.
cat >"$work/probe.html" <<PROBE
<!DOCTYPE html><html><body style="margin:0">
<iframe id="r" src="$url" style="width:${width_px}px;height:1000px;border:0"></iframe>
<pre id="out">pending</pre>
<script>
document.getElementById('r').addEventListener('load', function () {
  var out = document.getElementById('out');
  try {
    var d = this.contentDocument;
    var figs = d.querySelectorAll('figure');
    var lines = ['height ' + d.documentElement.scrollHeight, 'figures ' + figs.length];
    figs.forEach(function (f) {
      var svg = f.querySelector('svg');
      var top = Math.round(f.getBoundingClientRect().top + d.documentElement.scrollTop);
      var fh = Math.round(f.getBoundingClientRect().height);
      var w = 0, h = 0, shapes = 0;
      if (svg) {
        var r = svg.getBoundingClientRect();
        w = Math.round(r.width); h = Math.round(r.height);
        shapes = svg.querySelectorAll('path,rect,polygon,polyline,line,circle,text').length;
      }
      lines.push('chart ' + (f.id || 'unnamed') + ' ' + top + ' ' + fh + ' ' + (svg ? 'svg' : 'nosvg') + ' ' + w + ' ' + h + ' ' + shapes);
    });
    out.textContent = lines.join('\\n');
  } catch (e) { out.textContent = 'error ' + e; }
});
</script></body></html>
PROBE
timeout 180 "$browser" "${flags[@]}" --allow-file-access-from-files --user-data-dir="$work/profile-probe" \
    --dump-dom "file://$work/probe.html" >"$work/probe.out" 2>"$work/probe.log" || true
sed -n '/<pre id="out">/,/<\/pre>/p' "$work/probe.out" | sed -e 's/<pre id="out">//' -e 's/<\/pre>.*//' >"$work/measure.txt"
page_height=$(awk '$1 == "height" { print $2 }' "$work/measure.txt")
if [[ -z "$page_height" || ! "$page_height" =~ ^[0-9]+$ ]]; then
    echo "FAIL: could not measure the page in the browser: $(head -c 300 "$work/measure.txt")" >&2
    tail -5 "$work/probe.log" >&2
    exit 1
fi
measured=$(awk '$1 == "chart"' "$work/measure.txt" | wc -l)
echo "page: ${width_px}x${page_height} px, $measured chart(s) laid out"
if [[ $measured -ne $expected ]]; then
    echo "FAIL: the browser laid out $measured chart figure(s), $expected expected" >&2
    fail=1
fi
while read -r _ id top fig_h kind w h shapes; do
    if [[ "$kind" != "svg" ]]; then
        echo "FAIL: chart $id has no <svg> in the DOM" >&2
        fail=1
    elif [[ $w -lt 300 || $h -lt 150 ]]; then
        echo "FAIL: chart $id is drawn at ${w}x${h} px: collapsed or hidden" >&2
        fail=1
    elif [[ $shapes -lt 10 ]]; then
        echo "FAIL: chart $id holds only $shapes shape(s): rendered empty" >&2
        fail=1
    else
        echo "ok: chart $id at y=$top, ${w}x${h} px, $shapes shapes"
    fi
done < <(awk '$1 == "chart"' "$work/measure.txt")

# 3. Screenshots of the whole page (slices of at most 8000 px) and of every chart on its own,
#    each taken through a local page that shows the report in a frame shifted up by an offset.
shot() { # shot OFFSET HEIGHT OUT.png
    local offset=$1 height=$2 out=$3
    cat >"$work/slice.html" <<SLICE
<!DOCTYPE html><html><body style="margin:0;overflow:hidden">
<iframe src="$url" scrolling="no" style="position:absolute;left:0;top:-${offset}px;width:${width_px}px;height:${page_height}px;border:0"></iframe>
</body></html>
SLICE
    rm -f "$out"
    timeout 180 "$browser" "${flags[@]}" --allow-file-access-from-files \
        --user-data-dir="$work/profile-shot-$RANDOM" --window-size="$width_px,$height" \
        --screenshot="$out" "file://$work/slice.html" >"$work/shot.log" 2>&1 || true
    if [[ ! -s "$out" ]]; then
        echo "FAIL: no screenshot written to $out; browser log:" >&2
        tail -5 "$work/shot.log" >&2
        return 1
    fi
    local signature w h size
    signature=$(head -c 8 "$out" | od -An -tx1 | tr -d ' \n')
    w=$((16#$(od -An -tx1 -j16 -N4 "$out" | tr -d ' \n')))
    h=$((16#$(od -An -tx1 -j20 -N4 "$out" | tr -d ' \n')))
    size=$(stat -c %s "$out")
    echo "screenshot: $out (page y=$offset..$((offset + height))), ${w}x${h}, $size bytes"
    if [[ "$signature" != "89504e470d0a1a0a" ]]; then
        echo "FAIL: $out is not a PNG file" >&2
        return 1
    fi
    if [[ $w -ne $width_px || $h -ne $height ]]; then
        echo "FAIL: $out is ${w}x${h}, expected ${width_px}x${height}" >&2
        return 1
    fi
    # A blank area compresses to almost nothing; text and charts take at least ~15 bytes per
    # 1000 pixels... far more in practice. Blank: under 4 bytes per 1000 pixels.
    if [[ $size -lt $((w * h / 250)) ]]; then
        echo "FAIL: $out is only $size bytes for ${w}x${h} px: it looks blank" >&2
        return 1
    fi
}
png_base="${png%.png}"
rm -f "$png" "$png_base"-*.png
slice=8000
k=1
for ((offset = 0; offset < page_height; offset += slice)); do
    height=$((page_height - offset < slice ? page_height - offset : slice))
    if [[ $k -eq 1 ]]; then out="$png"; else out="$png_base-$k.png"; fi
    shot "$offset" "$height" "$out" || fail=1
    k=$((k + 1))
done
k=1
while read -r _ id top fig_h _rest; do
    shot "$top" "$fig_h" "$png_base-chart-$k.png" || { echo "FAIL: chart $id looks blank on screen" >&2; fail=1; }
    k=$((k + 1))
done < <(awk '$1 == "chart"' "$work/measure.txt")

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
