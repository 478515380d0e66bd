// custody-sim classroom explorer: draws the charts of the chosen setting into inline SVG from the
// precomputed results embedded in this page, and runs the levers, the teacher's mode and the large
// type option. Nothing is fetched: everything this script needs is in this file.
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('explorer-data').textContent);
  var NS = 'http://www.w3.org/2000/svg';
  var levers = D.levers;
  var state = levers.map(function (l) { return l.today; });
  var scale = D.scale;
  var ref = D.reference;
  // Okabe-Ito colours, each with its own dash pattern, so lines read without colour too.
  var C = {
    orange: '#E69F00', sky: '#56B4E9', green: '#009E73', blue: '#0072B2',
    vermillion: '#D55E00', purple: '#CC79A7', grey: '#8c8c8c', dark: '#1d1d1d'
  };
  var AGENCY_PENS = [
    { color: C.orange, dash: '' },
    { color: C.sky, dash: '14 5' },
    { color: C.vermillion, dash: '7 4' },
    { color: C.blue, dash: '2 4' }
  ];

  function cellIndex(levels) {
    var c = 0;
    for (var i = 0; i < levers.length; i++) { c = c * levers[i].levels.length + levels[i]; }
    return c;
  }

  // Numbers: full-cohort estimates, rounded to three significant figures like the readings.
  function stepFor(x) {
    var a = Math.abs(x);
    if (!(a >= 1000) || !isFinite(a)) { return 1; }
    return Math.pow(10, Math.floor(Math.log(a) / Math.LN10) - 2);
  }
  function thousands(x) {
    var n = Math.round(x);
    var s = String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    return (n < 0 ? '\u2212' : '') + s;
  }
  function people(mean, half) {
    var m = mean / scale, lo = Math.max(0, (mean - half) / scale), hi = (mean + half) / scale;
    var st = stepFor(Math.max(Math.abs(m), Math.abs(hi)));
    var r = function (x) { return thousands(Math.round(x / st) * st); };
    return r(m) + ' (' + r(lo) + '\u2013' + r(hi) + ')';
  }
  function pct(perMille, half) {
    var p = function (x) { return Math.min(100, Math.max(0, x / 10)).toFixed(0); };
    return p(perMille) + '% (' + p(perMille - half) + '\u2013' + p(perMille + half) + '%)';
  }
  function axisNumber(x) {
    if (x >= 1e6) { return (x / 1e6).toFixed(x % 1e6 === 0 ? 0 : 1) + 'M'; }
    return thousands(x);
  }
  function niceMax(x) {
    if (!(x > 0)) { return 1; }
    var p = Math.pow(10, Math.floor(Math.log(x) / Math.LN10));
    var steps = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];
    for (var i = 0; i < steps.length; i++) { if (steps[i] * p >= x) { return steps[i] * p; } }
    return 10 * p;
  }

  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) { if (attrs[k] !== undefined && attrs[k] !== '') { e.setAttribute(k, attrs[k]); } }
    if (text !== undefined) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  function fontScale() { return document.body.classList.contains('large') ? 1.45 : 1; }

  // Fixed axes over every setting, so that moving a lever moves the lines, not the axis.
  var unlMax = 0, flowMax = [0, 0];
  D.cells.forEach(function (c) {
    [c.ice, c.pooled].forEach(function (s) {
      s.mean.forEach(function (m, i) {
        unlMax = Math.max(unlMax, (m + s.half[i]) / scale, s.range ? s.range[1][i] / scale : 0);
      });
    });
    c.flows.forEach(function (f) {
      flowMax[0] = Math.max(flowMax[0], (f[0] + f[1]) / scale);
      flowMax[1] = Math.max(flowMax[1], (f[2] + f[3]) / scale);
    });
  });
  unlMax = niceMax(unlMax);
  flowMax = flowMax.map(niceMax);

  // A legend across the top: returns its height.
  function legend(svg, items, W, fs) {
    var x = 70, y = 16 * fs, rowH = 20 * fs;
    items.forEach(function (it) {
      var w = 40 + it.label.length * 7 * fs + 18;
      if (x + w > W - 10 && x > 70) { x = 70; y += rowH; }
      if (it.kind === 'tick') {
        el('line', { x1: x + 15, x2: x + 15, y1: y - 8 * fs, y2: y + 4 * fs, stroke: it.color, 'stroke-width': 3 }, svg);
      } else if (it.kind === 'bar') {
        el('rect', { x: x, y: y - 8 * fs, width: 30, height: 11 * fs, fill: it.color }, svg);
      } else {
        el('line', { x1: x, x2: x + 30, y1: y - 3, y2: y - 3, stroke: it.color, 'stroke-width': it.width || 3, 'stroke-dasharray': it.dash }, svg);
      }
      el('text', { x: x + 36, y: y + 1, 'font-size': 12 * fs, fill: C.dark }, svg, it.label);
      x += w;
    });
    return y + 12 * fs;
  }

  // A chart of monthly series: each {mean, half, toY, color, dash, width, band, id}.
  function lineChart(svg, cfg) {
    var fs = fontScale();
    var W = 800, H = Math.round(380 * (fs > 1 ? 1.2 : 1));
    clear(svg);
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + H);
    var top = legend(svg, cfg.legend, W, fs) + 8;
    var left = 70 * (fs > 1 ? 1.25 : 1), right = 16, bottom = 34 * fs;
    var n = D.months.length;
    var x = function (i) { return left + i * (W - left - right) / Math.max(1, n - 1); };
    var y = function (v) { return top + (1 - Math.min(v, cfg.yMax) / cfg.yMax) * (H - top - bottom); };
    var g = el('g', { 'aria-hidden': 'true' }, svg);
    for (var k = 0; k <= 5; k++) {
      var v = cfg.yMax * k / 5;
      el('line', { x1: left, x2: W - right, y1: y(v), y2: y(v), stroke: '#e1e4e8' }, g);
      el('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 12 * fs, fill: '#333' }, g, cfg.yLabel(v));
    }
    D.months.forEach(function (m, i) {
      if (m.slice(5) === '01') {
        el('line', { x1: x(i), x2: x(i), y1: H - bottom, y2: H - bottom + 5, stroke: '#333' }, g);
        el('text', { x: x(i), y: H - bottom + 18 * fs, 'text-anchor': 'middle', 'font-size': 12 * fs, fill: '#333' }, g, m.slice(0, 4));
      }
    });
    el('line', { x1: left, x2: W - right, y1: H - bottom, y2: H - bottom, stroke: '#333' }, g);
    if (cfg.hline) {
      el('line', { x1: left, x2: W - right, y1: y(cfg.hline.y), y2: y(cfg.hline.y), stroke: C.dark, 'stroke-width': 3 }, svg);
    }
    cfg.series.forEach(function (s) {
      // Over a calibrated posterior: the range the assumptions allow, lighter and outlined,
      // under the random draws' band.
      if (s.range) {
        var top = [], bottom = [];
        s.range[1].forEach(function (v, i) { top.push(x(i).toFixed(1) + ',' + y(s.toY(v)).toFixed(1)); });
        s.range[0].forEach(function (v, i) { bottom.unshift(x(i).toFixed(1) + ',' + y(Math.max(0, s.toY(v))).toFixed(1)); });
        el('polygon', {
          points: top.concat(bottom).join(' '), fill: s.color, 'fill-opacity': 0.07, stroke: s.color,
          'stroke-opacity': 0.5, 'stroke-dasharray': '2 4', 'data-range': s.id, 'aria-hidden': 'true'
        }, svg);
      }
    });
    cfg.series.forEach(function (s) {
      if (s.band) {
        var up = [], down = [];
        s.mean.forEach(function (m, i) {
          up.push(x(i).toFixed(1) + ',' + y(s.toY(m + s.half[i])).toFixed(1));
          down.unshift(x(i).toFixed(1) + ',' + y(Math.max(0, s.toY(m - s.half[i]))).toFixed(1));
        });
        el('polygon', { points: up.concat(down).join(' '), fill: s.color, 'fill-opacity': 0.18, stroke: 'none', 'aria-hidden': 'true' }, svg);
      }
    });
    cfg.series.forEach(function (s) {
      var d = s.mean.map(function (m, i) { return (i ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(s.toY(m)).toFixed(1); }).join('');
      el('path', {
        d: d, fill: 'none', stroke: s.color, 'stroke-width': s.width || 3, 'stroke-dasharray': s.dash,
        'stroke-linejoin': 'round', 'data-series': s.id, 'data-raw': s.mean.join(',')
      }, svg);
    });
  }

  function drawUnlocatable(cell, refCell) {
    var svg = document.getElementById('chart-unlocatable');
    var toY = function (v) { return v / scale; };
    var series = [], items = [];
    if (cell !== refCell) {
      series.push({ id: 'ice-today', mean: refCell.ice.mean, half: refCell.ice.half, toY: toY, color: C.grey, width: 2 });
      series.push({ id: 'pooled-today', mean: refCell.pooled.mean, half: refCell.pooled.half, toY: toY, color: C.grey, dash: '9 5', width: 2 });
    }
    series.push({ id: 'ice', mean: cell.ice.mean, half: cell.ice.half, range: cell.ice.range, toY: toY, color: C.vermillion, band: true });
    series.push({ id: 'pooled', mean: cell.pooled.mean, half: cell.pooled.half, range: cell.pooled.range, toY: toY, color: C.blue, dash: '9 5', band: true });
    items.push({ label: 'Unlocatable by ICE', color: C.vermillion });
    items.push({ label: 'by every agency', color: C.blue, dash: '9 5' });
    if (cell.ice.range) {
      items.push({ label: 'light: what the assumptions allow', color: C.grey, dash: '2 4', width: 1.5 });
    }
    if (cell !== refCell) {
      items.push({ label: 'ICE, today', color: C.grey, width: 2 });
      items.push({ label: 'every agency, today', color: C.grey, dash: '9 5', width: 2 });
    } else {
      items.push({ label: '(this is today\u2019s policy)', color: '#fff', width: 0 });
    }
    lineChart(svg, { yMax: unlMax, yLabel: axisNumber, series: series, legend: items });
    svg.setAttribute('data-cell', String(current()));
  }

  function drawFriction(cell, refCell) {
    var svg = document.getElementById('chart-friction');
    var toY = function (v) { return v / 10; };
    var series = [], items = [{ label: 'The truth (100%)', color: C.dark }];
    if (cell !== refCell) {
      series.push({ id: 'ice-today', mean: refCell.accurate[2].mean, half: refCell.accurate[2].half, toY: toY, color: C.grey, width: 1.5 });
    }
    D.agencies.forEach(function (name, k) {
      var p = AGENCY_PENS[k];
      series.push({ id: 'agency-' + k, mean: cell.accurate[k].mean, half: cell.accurate[k].half, toY: toY, color: p.color, dash: p.dash, band: true });
      items.push({ label: name, color: p.color, dash: p.dash });
    });
    if (cell !== refCell) { items.push({ label: 'ICE, today', color: C.grey, width: 1.5 }); }
    lineChart(svg, { yMax: 100, yLabel: function (v) { return v.toFixed(0) + '%'; }, series: series, legend: items, hline: { y: 100 } });
    svg.setAttribute('data-cell', String(current()));
  }

  var GROUPS = { lost: 'Became unlocatable because\u2026', found: 'Found again through\u2026', left: 'Stopped being followed while unlocatable\u2026' };
  var GROUP_FILL = { lost: 'url(#hatch-lost)', found: C.sky, left: 'url(#dots-left)' };

  function drawFlows(cell, refCell) {
    var svg = document.getElementById('chart-flows');
    var fs = fontScale();
    clear(svg);
    var W = fs > 1 ? 920 : 800, rowH = 22 * fs, labelW = 300 * (fs > 1 ? 1.3 : 1), gap = 24;
    var defs = el('defs', {}, svg);
    var p1 = el('pattern', { id: 'hatch-lost', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' }, defs);
    el('rect', { width: 6, height: 6, fill: C.vermillion }, p1);
    el('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#fff', 'stroke-width': 2 }, p1);
    var p2 = el('pattern', { id: 'dots-left', width: 5, height: 5, patternUnits: 'userSpaceOnUse' }, defs);
    el('rect', { width: 5, height: 5, fill: C.grey }, p2);
    el('circle', { cx: 2.5, cy: 2.5, r: 1.1, fill: '#fff' }, p2);
    var top = legend(svg, [
      { label: 'this setting', color: C.vermillion, kind: 'bar' },
      { label: 'today\u2019s policy', color: C.dark, kind: 'tick' },
      { label: '95% interval', color: C.dark, width: 1.5 }
    ], W, fs) + 26 * fs;
    var panelW = (W - labelW - gap - 10) / 2;
    var x0 = [labelW, labelW + panelW + gap];
    ['ICE (the acting agency)', 'Every agency together'].forEach(function (t, p) {
      el('text', { x: x0[p], y: top - 8 * fs, 'font-size': 13 * fs, 'font-weight': 'bold', fill: C.dark }, svg, t);
    });
    var y = top;
    var group = '';
    D.ways.forEach(function (w, i) {
      if (w.group !== group) {
        group = w.group;
        y += 4;
        el('text', { x: 4, y: y + 14 * fs, 'font-size': 12.5 * fs, 'font-weight': 'bold', fill: C.dark }, svg, GROUPS[group]);
        y += rowH;
      }
      el('text', { x: 14, y: y + 14 * fs, 'font-size': 12 * fs, fill: '#222' }, svg, w.label);
      [0, 1].forEach(function (p) {
        var xs = function (v) { return x0[p] + Math.min(v / scale, flowMax[p]) / flowMax[p] * (panelW - 60 * fs); };
        var m = cell.flows[i][2 * p], h = cell.flows[i][2 * p + 1];
        el('line', { x1: x0[p], x2: x0[p], y1: y, y2: y + rowH, stroke: '#999' }, svg);
        el('rect', {
          x: x0[p], y: y + 4 * fs, width: Math.max(0, xs(m) - x0[p]).toFixed(1), height: rowH - 9 * fs,
          fill: GROUP_FILL[w.group], stroke: C.dark, 'stroke-width': 0.5,
          'data-way': String(i), 'data-lens': p ? 'pooled' : 'ice', 'data-raw': String(m)
        }, svg);
        if (h > 0) {
          el('line', { x1: xs(Math.max(0, m - h)), x2: xs(m + h), y1: y + rowH / 2, y2: y + rowH / 2, stroke: C.dark, 'stroke-width': 1.5 }, svg);
        }
        if (cell !== refCell) {
          var r = refCell.flows[i][2 * p];
          el('line', { x1: xs(r), x2: xs(r), y1: y + 1, y2: y + rowH - 1, stroke: C.dark, 'stroke-width': 3 }, svg);
        }
        el('text', { x: Math.max(xs(m + h), xs(m)) + 4, y: y + 14 * fs, 'font-size': 11 * fs, fill: '#333' }, svg, thousands(Math.round(m / scale / stepFor(m / scale)) * stepFor(m / scale)));
      });
      y += rowH;
    });
    svg.setAttribute('viewBox', '0 0 ' + W + ' ' + Math.ceil(y + 10));
    svg.setAttribute('data-cell', String(current()));
  }

  // The numbers behind each chart, as tables for screen readers and print.
  function table(id, header, rows) {
    var host = document.getElementById(id);
    clear(host);
    var t = document.createElement('table');
    var tr = document.createElement('tr');
    header.forEach(function (h) { var th = document.createElement('th'); th.scope = 'col'; th.textContent = h; tr.appendChild(th); });
    var thead = document.createElement('thead'); thead.appendChild(tr); t.appendChild(thead);
    var tb = document.createElement('tbody');
    rows.forEach(function (r) {
      var row = document.createElement('tr');
      r.forEach(function (c, i) { var td = document.createElement('td'); if (i) { td.className = 'num'; } td.textContent = c; row.appendChild(td); });
      tb.appendChild(row);
    });
    t.appendChild(tb);
    host.appendChild(t);
  }

  function tables(cell, refCell) {
    var rows = [];
    D.months.forEach(function (m, i) {
      if (m.slice(5) === '12' || i === D.months.length - 1) {
        rows.push([m, people(cell.ice.mean[i], cell.ice.half[i]), people(refCell.ice.mean[i], refCell.ice.half[i]),
          people(cell.pooled.mean[i], cell.pooled.half[i]), people(refCell.pooled.mean[i], refCell.pooled.half[i])]);
      }
    });
    table('table-unlocatable', ['month', 'ICE, this setting', 'ICE, today', 'every agency, this setting', 'every agency, today'], rows);
    var last = D.months.length - 1;
    table('table-friction', ['agency (' + D.months[last] + ')', 'true addresses, this setting', 'today'],
      D.agencies.map(function (a, k) {
        return [a, pct(cell.accurate[k].mean[last], cell.accurate[k].half[last]), pct(refCell.accurate[k].mean[last], refCell.accurate[k].half[last])];
      }));
    table('table-flows', ['', 'ICE, this setting', 'ICE, today', 'every agency, this setting', 'every agency, today'],
      D.ways.map(function (w, i) {
        var f = cell.flows[i], r = refCell.flows[i];
        return [GROUPS[w.group].replace('\u2026', '') + ' ' + w.label, people(f[0], f[1]), people(r[0], r[1]), people(f[2], f[3]), people(r[2], r[3])];
      }));
  }

  function current() { return cellIndex(state); }

  function controlOf(i) { return document.getElementById('lever-' + levers[i].key); }

  function syncControls() {
    levers.forEach(function (l, i) {
      var c = controlOf(i);
      if (c.type === 'checkbox') { c.checked = state[i] === 1; } else {
        c.value = String(state[i]);
        c.setAttribute('aria-valuetext', l.levels[state[i]].label);
      }
      document.getElementById('lever-' + l.key + '-value').textContent = l.levels[state[i]].label;
    });
  }

  function settingWords() {
    var changed = [];
    levers.forEach(function (l, i) { if (state[i] !== l.today) { changed.push(l.levels[state[i]].short); } });
    if (!changed.length) { return 'today\'s policy'; }
    if (changed.length === 1) { return changed[0]; }
    return changed.slice(0, -1).join(', ') + ' and ' + changed[changed.length - 1];
  }

  function update() {
    var idx = current();
    var cell = D.cells[idx], refCell = D.cells[ref];
    syncControls();
    document.getElementById('reading').textContent = cell.reading;
    document.getElementById('setting-now').textContent = 'Setting: ' + settingWords() + '.';
    drawUnlocatable(cell, refCell);
    drawFriction(cell, refCell);
    drawFlows(cell, refCell);
    tables(cell, refCell);
    document.body.setAttribute('data-cell', String(idx));
  }

  levers.forEach(function (l, i) {
    var c = controlOf(i);
    var onChange = function () {
      state[i] = c.type === 'checkbox' ? (c.checked ? 1 : 0) : parseInt(c.value, 10);
      update();
    };
    c.addEventListener('input', onChange);
    c.addEventListener('change', onChange);
  });
  document.getElementById('reset').addEventListener('click', function () {
    state = levers.map(function (l) { return l.today; });
    update();
  });

  // Teacher's mode: one step at a time; each step sets the levers.
  var steps = Array.prototype.slice.call(document.querySelectorAll('.step'));
  var stepLinks = Array.prototype.slice.call(document.querySelectorAll('.step-link'));
  var stepNow = 0;
  function goTo(k, focus) {
    stepNow = Math.max(0, Math.min(steps.length - 1, k));
    steps.forEach(function (s, j) { s.hidden = j !== stepNow; });
    stepLinks.forEach(function (b, j) { if (j === stepNow) { b.setAttribute('aria-current', 'step'); } else { b.removeAttribute('aria-current'); } });
    state = steps[stepNow].getAttribute('data-levels').split(',').map(function (x) { return parseInt(x, 10); });
    document.getElementById('step-prev').disabled = stepNow === 0;
    document.getElementById('step-next').disabled = stepNow === steps.length - 1;
    update();
    if (focus) { steps[stepNow].querySelector('h3').focus(); }
  }
  var teacherButton = document.getElementById('teacher-toggle');
  teacherButton.addEventListener('click', function () {
    var on = teacherButton.getAttribute('aria-pressed') !== 'true';
    teacherButton.setAttribute('aria-pressed', String(on));
    document.getElementById('teacher').hidden = !on;
    if (on) { goTo(0, true); }
  });
  stepLinks.forEach(function (b, j) { b.addEventListener('click', function () { goTo(j, true); }); });
  document.getElementById('step-prev').addEventListener('click', function () { goTo(stepNow - 1, true); });
  document.getElementById('step-next').addEventListener('click', function () { goTo(stepNow + 1, true); });

  var largeButton = document.getElementById('large-type');
  largeButton.addEventListener('click', function () {
    var on = !document.body.classList.contains('large');
    document.body.classList.toggle('large', on);
    largeButton.setAttribute('aria-pressed', String(on));
    update();
  });
  document.getElementById('print-page').addEventListener('click', function () { window.print(); });

  update();
  document.body.setAttribute('data-ready', 'true');
}());
