// godx's HTML report: draws the charts for each report of the page from the data godx embedded
// (<script id="godx-data">, one JSON envelope per report plus title/facts), with uPlot for time
// series. Summary, findings and tables are already HTML; this adds charts and sortable tables.
// Every chart registers itself in window.godxCharts ({id, title, points, axes}) so that the
// browser tests can check what was drawn.
(function () {
  'use strict';

  // Okabe & Ito's palette: told apart with every common colour-vision deficiency.
  const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000',
                   '#F0E442'];
  const charts = [];
  window.godxCharts = charts;

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Human units, as godx's text output writes them.
  function fmtNum(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    const a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toFixed(1) + 'G';
    if (a >= 1e6) return (v / 1e6).toFixed(1) + 'M';
    if (a >= 1e4) return (v / 1e3).toFixed(1) + 'k';
    if (Number.isInteger(v)) return String(v);
    return v.toFixed(digits === undefined ? (a < 1 ? 3 : a < 10 ? 2 : 1) : digits);
  }
  function fmtBytes(v) {
    if (v === null || v === undefined) return '–';
    const a = Math.abs(v);
    if (a >= 1 << 30) return (v / (1 << 30)).toFixed(2) + ' GiB';
    if (a >= 1 << 20) return (v / (1 << 20)).toFixed(1) + ' MiB';
    if (a >= 1 << 10) return (v / (1 << 10)).toFixed(1) + ' KiB';
    return v + ' B';
  }
  function fmtDuration(ns) {
    const a = Math.abs(ns);
    const trim = x => x.toFixed(2).replace(/\.?0+$/, '');
    if (a === 0) return '0';
    if (a >= 1e9) return trim(ns / 1e9) + 's';
    if (a >= 1e6) return trim(ns / 1e6) + 'ms';
    if (a >= 1e3) return trim(ns / 1e3) + 'µs';
    return trim(ns) + 'ns';
  }
  function fmtSeconds(s) {
    const a = Math.abs(s);
    if (a === 0) return '0';
    if (a >= 3600) return (s / 3600).toFixed(1) + 'h';
    if (a >= 60) return (s / 60).toFixed(1) + 'm';
    if (a >= 1) return fmtNum(s) + 's';
    return (s * 1000).toFixed(a >= 0.01 ? 0 : 2) + 'ms';
  }

  function chartWidth(box) {
    return Math.max(260, Math.min(box.clientWidth || 800, 1400));
  }
  function chartHeight() {
    return window.innerWidth < 600 ? 200 : 260;
  }

  // A card with a title and a note, in which one chart is drawn.
  function card(parent, id, title, note) {
    const c = el('figure', {class: 'chart', 'data-chart': id});
    c.appendChild(el('figcaption', {}, title));
    if (note) c.appendChild(el('p', {class: 'note'}, note));
    const body = el('div', {class: 'plot'});
    c.appendChild(body);
    parent.appendChild(c);
    return {card: c, body: body};
  }

  function countPoints(cols) {
    let n = 0;
    for (let s = 1; s < cols.length; s++) {
      for (const v of cols[s]) if (v !== null && v !== undefined && !Number.isNaN(v)) n++;
    }
    return n;
  }

  function register(id, title, plot, cols, axes, el) {
    const entry = {id: id, title: title, points: countPoints(cols), axes: axes, plot: plot, el: el};
    charts.push(entry);
    el.card.setAttribute('data-points', String(entry.points));
    return entry;
  }

  // A time series chart. x: numbers (seconds, or cycle numbers); series: [{label, values,
  // scale ('y' or 'y2'), step, points}]. yFmt formats the y axis.
  function timeChart(parent, id, title, opts) {
    const box = card(parent, id, title, opts.note);
    const cols = [opts.x].concat(opts.series.map(s => s.values));
    const scales = {x: {time: false}};
    const axes = [
      {label: opts.xLabel, values: (u, v) => v.map(x => opts.xFmt ? opts.xFmt(x) : fmtNum(x)),
       size: 40, labelSize: 18},
      {label: opts.yLabel, values: (u, v) => v.map(y => (opts.yFmt || fmtNum)(y)), size: 60,
       labelSize: 18},
    ];
    const series = [{label: opts.xLabel, value: (u, v) => v == null ? '–' :
                     (opts.xFmt ? opts.xFmt(v) : fmtNum(v))}];
    const many = opts.x.length > 2000;
    opts.series.forEach((s, i) => {
      const colour = s.colour || PALETTE[i % PALETTE.length];
      const cfg = {
        label: s.label, stroke: colour, width: 1.5, scale: s.scale || 'y',
        value: (u, v) => v == null ? '–' : (s.fmt || opts.yFmt || fmtNum)(v),
        points: {show: s.points === undefined ? !many && opts.x.length < 300 : s.points,
                 size: 4, fill: colour},
        spanGaps: false,
      };
      if (s.step) cfg.paths = uPlot.paths.stepped({align: 1});
      if (s.pointsOnly) { cfg.paths = () => null; cfg.points = {show: true, size: 3, fill: colour}; }
      if (s.dash) cfg.dash = s.dash;
      series.push(cfg);
    });
    if (opts.series.some(s => s.scale === 'y2')) {
      axes.push({scale: 'y2', side: 1, label: opts.y2Label, grid: {show: false},
                 values: (u, v) => v.map(y => (opts.y2Fmt || fmtNum)(y)), size: 60, labelSize: 18});
    }
    const plugins = [];
    if (opts.marks && opts.marks.length) plugins.push(marksPlugin(opts.marks));
    const plot = new uPlot({
      width: chartWidth(box.body), height: chartHeight(), scales: scales, axes: axes,
      series: series, plugins: plugins, cursor: {drag: {x: true, y: false}},
      legend: {live: true},
    }, cols, box.body);
    return register(id, title, plot, cols, axes.map(a => a.label || ''), box);
  }

  // Vertical marks (e.g. where growth started), drawn over the plot.
  function marksPlugin(marks) {
    return {hooks: {draw: [u => {
      const ctx = u.ctx;
      ctx.save();
      for (const m of marks) {
        const x0 = u.valToPos(m.from, 'x', true);
        const x1 = m.to === undefined ? x0 : u.valToPos(m.to, 'x', true);
        ctx.fillStyle = 'rgba(213,94,0,0.12)';
        ctx.fillRect(x0, u.bbox.top, Math.max(2, x1 - x0), u.bbox.height);
        ctx.fillStyle = '#D55E00';
        ctx.font = `${Math.round(11 * devicePixelRatio)}px sans-serif`;
        ctx.fillText(m.label, x0 + 4, u.bbox.top + 14 * devicePixelRatio);
      }
      ctx.restore();
    }]}};
  }

  // A bar chart of labelled categories (histograms, counts by state).
  function barChart(parent, id, title, opts) {
    const box = card(parent, id, title, opts.note);
    const xs = opts.labels.map((_, i) => i);
    const cols = [xs].concat(opts.series.map(s => s.values));
    const n = opts.series.length;
    const series = [{label: opts.xLabel, value: (u, v) => v == null ? '–' : opts.labels[v]}];
    opts.series.forEach((s, i) => {
      const colour = s.colour || PALETTE[i % PALETTE.length];
      series.push({
        label: s.label, stroke: colour, fill: colour + 'cc', width: 1,
        value: (u, v) => v == null ? '–' : (opts.yFmt || fmtNum)(v),
        paths: uPlot.paths.bars({size: [0.8 / n, 60], gap: 1, align: 0,
                                 disp: {x0: {unit: 2, values: () => xs.map(x => x - 0.4 + (i + 0.5) * 0.8 / n)}}}),
        points: {show: false},
      });
    });
    const axes = [
      {label: opts.xLabel, size: opts.rotate ? 70 : 40, labelSize: 18, rotate: opts.rotate ? -40 : 0,
       splits: () => xs, values: (u, v) => v.map(i => {
         const s = opts.labels[i];
         return s === undefined ? '' : s.length > 18 ? s.slice(0, 17) + '…' : s;
       }), grid: {show: false}},
      {label: opts.yLabel, size: 60, labelSize: 18, values: (u, v) => v.map(y => (opts.yFmt || fmtNum)(y))},
    ];
    const plot = new uPlot({
      width: chartWidth(box.body), height: chartHeight(),
      scales: {x: {time: false, range: () => [-0.6, xs.length - 0.4]},
               y: {range: (u, lo, hi) => [0, hi > 0 ? hi * 1.08 : 1]}},
      axes: axes, series: series, legend: {live: true}, cursor: {drag: {x: false, y: false}},
    }, cols, box.body);
    return register(id, title, plot, cols, axes.map(a => a.label || ''), box);
  }

  // Horizontal bars for labelled categories (functions, stacks, states): long names stay
  // readable on a phone, where vertical bars would need rotated, cut labels. SVG, one row per
  // category, one bar per series.
  function hBarChart(parent, id, title, opts) {
    const box = card(parent, id, title, opts.note);
    const ns = 'http://www.w3.org/2000/svg';
    const n = opts.labels.length, k = opts.series.length;
    const rowH = 6 + 14 * k, top = 4, axisH = 34;
    const entry = {id: id, title: title, points: 0, axes: [opts.xLabel, opts.yLabel], el: box};
    // Drawn for the card's width, again when the layout or the window changes it.
    const draw = () => {
    const W = chartWidth(box.body);
    const labelW = Math.min(Math.round(W * 0.42), 320);
    const plotW = W - labelW - 70;
    let max = 0;
    for (const s of opts.series) for (const v of s.values) if (v > max) max = v;
    const fmt = opts.yFmt || fmtNum;
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'hbar');
    svg.setAttribute('viewBox', `0 0 ${W} ${top + n * rowH + axisH}`);
    svg.setAttribute('width', '100%');
    const text = (x, y, str, cls, anchor) => {
      const t = document.createElementNS(ns, 'text');
      t.setAttribute('x', x); t.setAttribute('y', y);
      if (cls) t.setAttribute('class', cls);
      if (anchor) t.setAttribute('text-anchor', anchor);
      t.textContent = str;
      svg.appendChild(t);
      return t;
    };
    let drawn = 0;
    opts.labels.forEach((label, i) => {
      const y0 = top + i * rowH;
      const maxChars = Math.floor(labelW / 6.6);
      const l = text(labelW - 6, y0 + rowH / 2 + 4, label.length > maxChars ? '…' + label.slice(-maxChars + 1) : label,
                     'cat', 'end');
      const tt = document.createElementNS(ns, 'title');
      tt.textContent = label;
      l.appendChild(tt);
      opts.series.forEach((s, j) => {
        const v = s.values[i] || 0;
        const w = max > 0 ? plotW * v / max : 0;
        const r = document.createElementNS(ns, 'rect');
        r.setAttribute('x', labelW); r.setAttribute('y', y0 + 3 + j * 14);
        r.setAttribute('width', Math.max(v > 0 ? 1 : 0, w)); r.setAttribute('height', 12);
        r.setAttribute('fill', s.colour || PALETTE[j % PALETTE.length]);
        r.setAttribute('class', 'bar');
        const bt = document.createElementNS(ns, 'title');
        bt.textContent = `${label}: ${s.label} ${fmt(v)}`;
        r.appendChild(bt);
        svg.appendChild(r);
        if (v > 0) drawn++;
        text(labelW + w + 4, y0 + 13 + j * 14, fmt(v), 'val');
      });
    });
    const axisY = top + n * rowH;
    const line = document.createElementNS(ns, 'line');
    line.setAttribute('x1', labelW); line.setAttribute('x2', labelW + plotW);
    line.setAttribute('y1', axisY); line.setAttribute('y2', axisY);
    line.setAttribute('class', 'axis');
    svg.appendChild(line);
    text(labelW, axisY + 14, '0', 'tick');
    text(labelW + plotW, axisY + 14, fmt(max), 'tick', 'end');
    text(labelW + plotW / 2, axisY + 28, opts.yLabel, 'axis-label', 'middle');
    text(labelW - 6, axisY + 28, opts.xLabel, 'axis-label', 'end');
    box.body.textContent = '';
    box.body.appendChild(svg);
    entry.points = drawn;
    box.card.setAttribute('data-points', String(drawn));
    };
    draw();
    entry.redraw = draw;
    if (k > 1) {
      const legend = el('div', {class: 'hbar-legend'});
      opts.series.forEach((s, j) => {
        const sw = el('span', {class: 'swatch'});
        sw.style.background = s.colour || PALETTE[j % PALETTE.length];
        const item = el('span', {class: 'item'});
        item.append(sw, document.createTextNode(s.label));
        legend.appendChild(item);
      });
      box.card.appendChild(legend);
    }
    charts.push(entry);
    return entry;
  }

  function column(series, name) {
    const c = series && series[name];
    return Array.isArray(c) ? c : null;
  }
  function hasData(c) {
    return c && c.some(v => v !== null && v !== undefined);
  }

  // Log-spaced histogram of positive values: bucket labels and counts.
  function logHistogram(values, fmt) {
    const xs = values.filter(v => v !== null && v > 0);
    if (xs.length === 0) return null;
    let lo = Math.floor(Math.log2(Math.min(...xs.slice(0, 100000))));
    let hi = Math.ceil(Math.log2(Math.max(...xs.slice(0, 100000))));
    for (const v of xs) { lo = Math.min(lo, Math.floor(Math.log2(v))); hi = Math.max(hi, Math.ceil(Math.log2(v))); }
    if (hi === lo) hi = lo + 1;
    const counts = new Array(hi - lo).fill(0);
    for (const v of xs) counts[Math.min(hi - lo - 1, Math.max(0, Math.floor(Math.log2(v)) - lo))]++;
    const labels = counts.map((_, i) => '<' + fmt(Math.pow(2, lo + i + 1)));
    return {labels: labels, counts: counts};
  }

  // ---- per signal ----

  function gcCharts(r, box) {
    const s = r.series;
    if (!s || !column(s, 'cycle')) return;
    const t = column(s, 't_s');
    // Several runs in one log restart the clock: then cycles are the only ascending axis.
    const timed = hasData(t) && ascending(t);
    const cyclesAscend = ascending(s.cycle);
    const x = timed ? t : cyclesAscend ? s.cycle : s.cycle.map((_, i) => i + 1);
    const xLabel = timed ? 'time since start' : cyclesAscend ? 'GC cycle' : 'GC cycle (in log order)';
    const xFmt = timed ? fmtSeconds : fmtNum;
    const ms = v => fmtDuration(v * 1e6);
    const mb = v => fmtNum(v) + ' MB';
    timeChart(box, 'gc-pauses', 'Stop-the-world pauses per cycle', {
      x: x, xLabel: xLabel, xFmt: xFmt, yLabel: 'pause', yFmt: ms,
      series: [{label: 'pause', values: s.pause_ms}],
    });
    const heap = [{label: 'live heap (after mark)', values: s.live_mb}];
    if (hasData(s.goal_mb)) heap.push({label: 'goal', values: s.goal_mb, dash: [6, 4]});
    if (hasData(s.heap_start_mb)) heap.push({label: 'heap at GC start', values: s.heap_start_mb});
    timeChart(box, 'gc-heap', 'Heap: live and goal', {
      x: x, xLabel: xLabel, xFmt: xFmt, yLabel: 'MB', yFmt: mb, series: heap,
    });
    const h = logHistogram(s.pause_ms, ms);
    if (h) {
      barChart(box, 'gc-pause-histogram', 'Pause histogram', {
        labels: h.labels, xLabel: 'pause (log₂ buckets)', yLabel: 'cycles', rotate: h.labels.length > 6,
        series: [{label: 'cycles', values: h.counts}],
      });
    }
    if (hasData(s.cpu_assist_ms)) {
      timeChart(box, 'gc-cpu', 'GC CPU per cycle: assist, background, idle', {
        x: x, xLabel: xLabel, xFmt: xFmt, yLabel: 'CPU time', yFmt: ms,
        series: [{label: 'assist (taken from goroutines)', values: s.cpu_assist_ms, colour: PALETTE[5]},
                 {label: 'background', values: s.cpu_background_ms, colour: PALETTE[0]},
                 {label: 'idle', values: s.cpu_idle_ms, colour: PALETTE[2]}],
      });
    }
    if (hasData(s.procs)) {
      timeChart(box, 'gc-procs', 'GOMAXPROCS', {
        x: x, xLabel: xLabel, xFmt: xFmt, yLabel: 'Ps',
        note: changes(s.procs) ? `changed ${changes(s.procs)} times` : 'unchanged',
        series: [{label: 'GOMAXPROCS', values: s.procs, step: true}],
      });
    }
  }

  function ascending(col) {
    for (let i = 1; i < col.length; i++) if (!(col[i] >= col[i - 1])) return false;
    return true;
  }

  function changes(col) {
    let n = 0;
    for (let i = 1; i < col.length; i++) if (col[i] !== col[i - 1]) n++;
    return n;
  }

  function schedCharts(r, box) {
    const s = r.series;
    if (!s || !column(s, 't_ms')) return;
    const x = s.t_ms.map(v => v / 1000);
    const common = {x: x, xLabel: 'time since start', xFmt: fmtSeconds};
    timeChart(box, 'sched-runqueue', 'Run queues', Object.assign({yLabel: 'goroutines',
      series: [{label: 'global run queue', values: s.runqueue},
               {label: 'local run queues (sum)', values: s.local_queued}]}, common));
    timeChart(box, 'sched-threads', 'Threads', Object.assign({yLabel: 'threads (Ms)',
      series: [{label: 'threads', values: s.threads},
               {label: 'idle', values: s.idlethreads},
               {label: 'spinning', values: s.spinningthreads}]}, common));
    timeChart(box, 'sched-procs', 'Ps: GOMAXPROCS and idle', Object.assign({yLabel: 'Ps',
      series: [{label: 'GOMAXPROCS', values: s.gomaxprocs, step: true},
               {label: 'idle Ps', values: s.idleprocs}]}, common));
    const perP = s.per_p_runq;
    if (Array.isArray(perP) && perP.some(row => Array.isArray(row) && row.length)) {
      const np = Math.max(...perP.map(row => Array.isArray(row) ? row.length : 0));
      const ps = [];
      for (let p = 0; p < Math.min(np, 8); p++) {
        ps.push({label: 'P' + p, values: perP.map(row => Array.isArray(row) && p < row.length ? row[p] : null)});
      }
      timeChart(box, 'sched-per-p', 'Per-P local run queues' + (np > 8 ? ` (first 8 of ${np})` : ''),
                Object.assign({yLabel: 'goroutines', series: ps}, common));
    }
  }

  function stacksCharts(r, box) {
    if (Array.isArray(r.changes) && r.changes.length) {
      const top = r.changes.filter(c => c.change !== 'same').slice(0, 20);
      if (top.length) {
        hBarChart(box, 'stacks-diff', 'Goroutines per stack: before and after', {
          labels: top.map(c => stackLabel(c.bucket)), xLabel: 'stack (largest change first)',
          yLabel: 'goroutines', rotate: true,
          series: [{label: 'before', values: top.map(c => c.before), colour: PALETTE[4]},
                   {label: 'after', values: top.map(c => c.after), colour: PALETTE[5]}],
        });
      }
    }
    const buckets = r.buckets;
    if (Array.isArray(buckets) && buckets.length) {
      const byState = {};
      for (const b of buckets) {
        for (const st in (b.states || {})) byState[st] = (byState[st] || 0) + b.states[st];
        if (!b.states || !Object.keys(b.states).length) byState[b.state] = (byState[b.state] || 0) + b.count;
      }
      const states = Object.keys(byState).sort((a, b) => byState[b] - byState[a]);
      hBarChart(box, 'stacks-states', 'Goroutines by state', {
        labels: states, xLabel: 'state', yLabel: 'goroutines', rotate: states.length > 4,
        series: [{label: 'goroutines', values: states.map(k => byState[k])}],
      });
      const bins = [[0, 0, 'running / < 1 min'], [1, 4, '1–4 min'], [5, 14, '5–14 min'],
                    [15, 59, '15–59 min'], [60, 239, '1–4 h'], [240, 1439, '4–24 h'],
                    [1440, Infinity, '≥ 1 day']];
      const counts = bins.map(() => 0);
      for (const b of buckets) {
        const m = (b.wait_minutes && b.wait_minutes.max) || 0;
        counts[bins.findIndex(bin => m >= bin[0] && m <= bin[1])] += b.count;
      }
      barChart(box, 'stacks-wait', 'Goroutines by longest wait of their stack', {
        labels: bins.map(b => b[2]), xLabel: 'waiting for', yLabel: 'goroutines',
        series: [{label: 'goroutines', values: counts, colour: PALETTE[1]}],
      });
      const top = buckets.slice(0, 15);
      hBarChart(box, 'stacks-buckets', 'Largest stacks', {
        labels: top.map(stackLabel), xLabel: 'stack', yLabel: 'goroutines', rotate: true,
        series: [{label: 'goroutines', values: top.map(b => b.count), colour: PALETTE[2]}],
      });
    }
    const crashes = Array.isArray(r.crashes) && r.crashes.length ? r.crashes : (r.crash ? [r.crash] : []);
    for (const c of crashes) crashPanel(box, c);
  }

  function stackLabel(b) {
    const f = (b && b.frames || []).find(fr => fr.function && !fr.function.startsWith('runtime.')) ||
              (b && b.frames || [])[0];
    return f ? f.function.replace(/^.*\//, '') : '(no frames)';
  }

  function crashPanel(box, c) {
    const p = el('figure', {class: 'crash', 'data-chart': 'stacks-crash'});
    p.appendChild(el('figcaption', {}, `${c.requested ? 'Dump on request' : 'Crash'}: ${c.kind}`));
    p.appendChild(el('pre', {class: 'message'}, c.message || ''));
    if (c.culprit) {
      p.appendChild(el('p', {}, `In ${c.culprit.function} at ${c.culprit.file}:${c.culprit.line}` +
                        (c.goroutine !== null ? ` (goroutine ${c.goroutine}, ${c.state})` : '')));
    }
    const ol = el('ol', {class: 'frames'});
    for (const f of (c.frames || []).slice(0, 40)) {
      const li = el('li', {}, f.function);
      li.appendChild(el('span', {class: 'where'}, ` ${f.file || ''}:${f.line || ''}`));
      if (c.culprit && f.function === c.culprit.function && f.line === c.culprit.line) li.className = 'culprit';
      ol.appendChild(li);
    }
    p.appendChild(ol);
    box.appendChild(p);
    charts.push({id: 'stacks-crash', title: c.message, points: (c.frames || []).length, axes: [], el: {card: p}});
  }

  function watchCharts(r, box) {
    const s = r.series;
    if (!s || !column(s, 't')) return;
    // Where godx detected each growth while watching.
    const marks = (r.growth_marks || []).map(m => ({from: m.t, label: m.id}));
    const common = {x: s.t, xLabel: 'time since start', xFmt: fmtSeconds, marks: marks};
    if (hasData(s.goroutines)) {
      timeChart(box, 'watch-goroutines', 'Goroutines', Object.assign({yLabel: 'goroutines',
        series: [{label: 'goroutines', values: s.goroutines}]}, common));
    }
    if (hasData(s.threads)) {
      timeChart(box, 'watch-threads', 'Threads', Object.assign({yLabel: 'threads',
        series: [{label: 'threads', values: s.threads, colour: PALETTE[1]}]}, common));
    }
    if (hasData(s.rss_bytes) || hasData(s.heap_bytes)) {
      timeChart(box, 'watch-memory', 'Memory: RSS and Go heap', Object.assign({yLabel: 'bytes', yFmt: fmtBytes,
        series: [{label: 'RSS', values: s.rss_bytes, colour: PALETTE[5]},
                 {label: 'Go heap (HeapAlloc)', values: s.heap_bytes, colour: PALETTE[0]}]}, common));
    }
  }

  // ---- escape ----

  // Heap escapes by cause, and every escape in a table sortable by function, cause or position.
  function escapeCharts(r, box) {
    const es = Array.isArray(r.escapes) ? r.escapes : [];
    if (!es.length) return;
    const by = {};
    for (const e of es) {
      const k = e.cause || e.kind || 'other';
      by[k] = (by[k] || 0) + 1;
    }
    const causes = Object.keys(by).sort((a, b) => by[b] - by[a]);
    hBarChart(box, 'escape-causes', 'Heap escapes by cause', {
      labels: causes, xLabel: 'cause', yLabel: 'escapes',
      series: [{label: 'escapes', values: causes.map(c => by[c]), colour: PALETTE[5]}],
    });
    const wrap = el('div', {class: 'table escape-table'});
    wrap.appendChild(el('h3', {}, `Every escape (${es.length})`));
    const t = el('table', {class: 'sortable'});
    const head = el('tr');
    for (const h of ['function', 'position', 'subject', 'cause', 'kind', 'callee']) head.appendChild(el('th', {}, h));
    t.appendChild(el('thead')).appendChild(head);
    const body = t.appendChild(el('tbody'));
    for (const e of es.slice(0, 5000)) {
      const tr = el('tr');
      for (const v of [e.function, e.position, e.subject, e.cause, e.kind, e.callee]) tr.appendChild(el('td', {}, v || ''));
      body.appendChild(tr);
    }
    wrap.appendChild(t);
    box.appendChild(wrap);
    sortable(t);
  }

  // ---- trace ----

  function traceCharts(r, box) {
    const s = r.summary || {};
    const ms = v => fmtDuration(v * 1e6);
    const gc = s.gc || {};
    if (Array.isArray(gc.heap_live) && gc.heap_live.length) {
      const marks = (gc.stw_pauses || []).map(p => ({from: p.start_ns / 1e9, to: (p.start_ns + p.duration_ns) / 1e9,
                                                      label: p.kind}));
      timeChart(box, 'trace-heap', 'Heap and stop-the-world pauses over the trace', {
        x: gc.heap_live.map(p => p[0] / 1e9), xLabel: 'time in trace', xFmt: fmtSeconds,
        yLabel: 'live heap', yFmt: fmtBytes, marks: marks.slice(0, 200),
        note: `${(gc.stw_pauses || []).length} stop-the-world pauses (shaded), ${(gc.cycles || []).length} GC cycles`,
        series: [{label: 'heap live', values: gc.heap_live.map(p => p[1]), step: true}],
      });
    }
    if (Array.isArray(s.mmu) && s.mmu.length) {
      timeChart(box, 'trace-mmu', 'Minimum mutator utilisation', {
        x: s.mmu.map(m => m.window_ns / 1e9), xLabel: 'window', xFmt: fmtSeconds,
        yLabel: 'MMU', yFmt: v => Math.round(v * 100) + '%',
        series: [{label: 'MMU', values: s.mmu.map(m => m.mmu), points: true},
                 {label: 'without assist and sweep', values: s.mmu.map(m => m.mmu_without_assist_sweep), dash: [6, 4]}],
      });
    }
    const u = s.utilisation;
    if (u && Array.isArray(u.per_p) && u.per_p.length) {
      const n = Math.max(...u.per_p.map(row => row.length));
      const x = Array.from({length: n}, (_, i) => (u.start_ns + (i + 0.5) * u.bucket_ns) / 1e9);
      const ps = u.per_p.slice(0, 8).map((row, p) => ({label: 'P' + p, values: row}));
      timeChart(box, 'trace-utilisation', 'Per-P utilisation' + (u.per_p.length > 8 ? ` (first 8 of ${u.per_p.length})` : ''), {
        x: x, xLabel: 'time in trace', xFmt: fmtSeconds, yLabel: 'busy share',
        yFmt: v => Math.round(v * 100) + '%', series: ps,
      });
    }
    const lat = [];
    if (s.sched_latency && s.sched_latency.waits) lat.push(['scheduler latency', s.sched_latency]);
    const ann = s.annotations || {};
    for (const kind of ['tasks', 'regions']) {
      for (const name in (ann[kind] || {})) lat.push([`${kind === 'tasks' ? 'task' : 'region'} ${name}`, ann[kind][name]]);
    }
    if (lat.length) {
      hBarChart(box, 'trace-latency', 'Latencies: p50, p99 and max', {
        labels: lat.map(l => l[0]), xLabel: 'what', yLabel: 'latency', yFmt: fmtDuration,
        series: [{label: 'p50', values: lat.map(l => l[1].p50_ns || 0), colour: PALETTE[2]},
                 {label: 'p99', values: lat.map(l => l[1].p99_ns || 0), colour: PALETTE[1]},
                 {label: 'max', values: lat.map(l => l[1].max_ns || 0), colour: PALETTE[5]}],
      });
    }
  }

  // ---- pprof: flame graph ----

  function pprofCharts(r, box) {
    if (r.flame && r.flame.tree) flameGraph(box, r.flame);
    if (r.callgraph) callGraph(box, r.callgraph);
    if (Array.isArray(r.rows) && r.rows.length) {
      const top = r.rows.slice(0, 20);
      const unit = r.summary && r.summary.unit;
      const f = unit === 'nanoseconds' ? fmtDuration : unit === 'bytes' ? fmtBytes : fmtNum;
      hBarChart(box, 'pprof-top', 'Top functions (flat and cumulative)', {
        labels: top.map(x => x.function.replace(/^.*\//, '')), xLabel: 'function', yLabel: unit || 'value',
        yFmt: f, rotate: true,
        series: [{label: 'flat', values: top.map(x => x.flat)},
                 {label: 'cum', values: top.map(x => x.cum), colour: PALETTE[4]}],
      });
    }
  }

  // Tree node: [name index, value, base value, children...]; for a diff, value is new minus
  // base (the layout of godx pprof flame, so both read the same data).
  function flameGraph(box, D) {
    const names = D.names, unit = D.unit, diff = D.diff, root = D.tree, H = 18;
    const f = unit === 'nanoseconds' ? fmtDuration : unit === 'bytes' ? fmtBytes : fmtNum;
    const fig = el('figure', {class: 'chart flame', 'data-chart': 'pprof-flame'});
    fig.appendChild(el('figcaption', {}, diff ? 'Differential flame graph (red grew, blue shrank)' : 'Flame graph'));
    const bar = el('div', {class: 'flamebar'});
    const q = el('input', {type: 'search', placeholder: 'search (regexp)', class: 'flame-search'});
    const reset = el('button', {class: 'flame-reset'}, 'reset zoom');
    const flip = el('button', {class: 'flame-flip'}, 'icicle');
    const match = el('span', {class: 'flame-match'});
    bar.append(q, reset, flip, match);
    const info = el('div', {class: 'flame-info'}, 'click a frame to zoom');
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('class', 'flame-svg');
    fig.append(bar, info, svg);
    box.appendChild(fig);
    let zoom = root, icicle = false, re = null;
    const entry = {id: 'pprof-flame', title: 'flame graph', points: 0, axes: [], el: {card: fig}};
    charts.push(entry);
    function tot(n) { return diff ? Math.max(Math.abs(n[1] - n[2]), Math.abs(n[2])) : Math.abs(n[1]); }
    function colour(n) {
      if (re && re.test(names[n[0]])) return '#CC79A7';
      if (diff) {
        const b = -n[2], v = n[1] - n[2], d = v - b;
        const s = Math.min(1, Math.abs(d) / Math.max(1, Math.max(b, v)));
        const c = Math.round(255 * (1 - s));
        return d > 0 ? `rgb(255,${c},${Math.round(c * 0.6)})` : d < 0 ? `rgb(${Math.round(c * 0.6)},${c},255)` : '#ddd';
      }
      const h = names[n[0]];
      let x = 0;
      for (let i = 0; i < h.length; i++) x = (x * 31 + h.charCodeAt(i)) >>> 0;
      return `hsl(${28 + x % 22},${75 + x % 20}%,${58 + x % 14}%)`;
    }
    function depth(n) { let d = 0; for (let i = 3; i < n.length; i++) d = Math.max(d, depth(n[i])); return d + 1; }
    function path(n, t, acc) {
      if (n === t) return acc.concat([n]);
      for (let i = 3; i < n.length; i++) { const r = path(n[i], t, acc.concat([n])); if (r) return r; }
      return null;
    }
    function label(n) {
      return names[n[0]] + '  ' + (diff ? `base ${f(-n[2])}, new ${f(n[1] - n[2])}, delta ${f(n[1])}` : f(n[1])) +
             ` (${(100 * Math.abs(n[1]) / Math.max(1, Math.abs(root[1]))).toFixed(2)}%)`;
    }
    function draw() {
      const W = fig.clientWidth || 1000;
      const anc = path(root, zoom, []) || [root];
      const rows = anc.length - 1 + depth(zoom);
      svg.setAttribute('width', W);
      svg.setAttribute('height', rows * H + 2);
      svg.textContent = '';
      const y = r => icicle ? r * H : (rows - 1 - r) * H;
      let boxes = 0;
      const ns = svg.namespaceURI;
      function rect(n, x, w, r) {
        const g = document.createElementNS(ns, 'g');
        g.setAttribute('class', 'frame');
        const R = document.createElementNS(ns, 'rect');
        R.setAttribute('x', x); R.setAttribute('y', y(r));
        R.setAttribute('width', Math.max(w - 0.5, 0.5)); R.setAttribute('height', H - 1);
        R.setAttribute('fill', colour(n));
        const T = document.createElementNS(ns, 'title');
        T.textContent = label(n);
        g.append(T, R);
        if (w > 34) {
          const t = document.createElementNS(ns, 'text');
          t.setAttribute('x', x + 3); t.setAttribute('y', y(r) + 13);
          const s = names[n[0]], m = Math.floor(w / 7);
          t.textContent = s.length > m ? s.slice(0, Math.max(0, m - 1)) + '…' : s;
          g.appendChild(t);
        }
        g.addEventListener('click', () => { zoom = n; draw(); });
        g.addEventListener('mouseover', () => { info.textContent = label(n); });
        g.setAttribute('data-name', names[n[0]]);
        svg.appendChild(g);
        boxes++;
      }
      anc.slice(0, -1).forEach((a, i) => rect(a, 0, W, i));
      (function lay(n, x, w, r) {
        rect(n, x, w, r);
        let cx = x;
        const t = tot(n) || 1;
        for (let i = 3; i < n.length; i++) {
          const c = n[i], cw = w * tot(c) / t;
          if (cw >= 0.5) lay(c, cx, cw, r + 1);
          cx += cw;
        }
      })(zoom, 0, W, anc.length - 1);
      if (re) {
        let matched = 0;
        (function m(n, under) {
          const hit = re.test(names[n[0]]);
          if (hit && !under) matched += Math.abs(n[1]);
          for (let i = 3; i < n.length; i++) m(n[i], under || hit);
        })(root, false);
        match.textContent = `matched ${f(matched)} (${(100 * matched / Math.max(1, Math.abs(root[1]))).toFixed(2)}%)`;
      } else {
        match.textContent = '';
      }
      entry.points = boxes;
      entry.zoomed = zoom === root ? null : names[zoom[0]];
      fig.setAttribute('data-points', String(boxes));
    }
    q.addEventListener('input', () => {
      try { re = q.value ? new RegExp(q.value) : null; } catch (x) { re = null; }
      draw();
    });
    reset.addEventListener('click', () => { zoom = root; draw(); });
    flip.addEventListener('click', () => { icicle = !icicle; flip.textContent = icicle ? 'flame' : 'icicle'; draw(); });
    draw();
    entry.redraw = draw;
  }

  // ---- pprof: call graph ----

  // The SVG Graphviz drew from godx's DOT (godx already kept only drawing elements), with pan
  // (drag), zoom (wheel, buttons) and reset, all by moving the SVG's viewBox.
  function callGraph(box, G) {
    const fig = el('figure', {class: 'chart callgraph', 'data-chart': 'pprof-graph'});
    fig.appendChild(el('figcaption', {}, 'Call graph'));
    box.appendChild(fig);
    const entry = {id: 'pprof-graph', title: 'call graph', points: 0, axes: [], el: {card: fig}, zoom: 1};
    charts.push(entry);
    const note = text => { fig.appendChild(el('p', {class: 'note callgraph-note'}, text)); };
    if (!G.svg) return note(G.note || 'no call graph');
    const doc = new DOMParser().parseFromString(G.svg, 'image/svg+xml');
    if (doc.getElementsByTagName('parsererror').length || !doc.documentElement ||
        doc.documentElement.localName !== 'svg') return note('no call graph: the drawing did not parse');
    const svg = document.importNode(doc.documentElement, true);
    const vb = (svg.getAttribute('viewBox') || '').split(/[\s,]+/).map(Number);
    if (vb.length !== 4 || vb.some(v => !Number.isFinite(v)) || vb[2] <= 0 || vb[3] <= 0) {
      return note('no call graph: the drawing has no size');
    }
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    svg.setAttribute('class', 'callgraph-svg');
    svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
    const bar = el('div', {class: 'flamebar'});
    const zin = el('button', {class: 'graph-zoom-in'}, 'zoom in');
    const zout = el('button', {class: 'graph-zoom-out'}, 'zoom out');
    const reset = el('button', {class: 'graph-reset'}, 'reset');
    bar.append(zin, zout, reset, el('span', {class: 'note'}, 'drag to pan, wheel to zoom'));
    fig.append(bar, svg);
    entry.points = svg.querySelectorAll('g.node').length;
    let view = vb.slice();
    const apply = () => {
      svg.setAttribute('viewBox', view.join(' '));
      entry.zoom = vb[2] / view[2];
    };
    // Zooms by factor k around the point (fx, fy) given as fractions of the view.
    const zoomBy = (k, fx = 0.5, fy = 0.5) => {
      const w = view[2] / k, h = view[3] / k;
      if (w < vb[2] / 50 || w > vb[2] * 4) return;
      view = [view[0] + (view[2] - w) * fx, view[1] + (view[3] - h) * fy, w, h];
      apply();
    };
    zin.addEventListener('click', () => zoomBy(1.5));
    zout.addEventListener('click', () => zoomBy(1 / 1.5));
    reset.addEventListener('click', () => { view = vb.slice(); apply(); });
    svg.addEventListener('wheel', e => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      zoomBy(e.deltaY < 0 ? 1.2 : 1 / 1.2, (e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height);
    }, {passive: false});
    let drag = null;
    svg.addEventListener('pointerdown', e => {
      drag = {x: e.clientX, y: e.clientY, view: view.slice()};
      svg.setPointerCapture(e.pointerId);
    });
    svg.addEventListener('pointermove', e => {
      if (!drag) return;
      const r = svg.getBoundingClientRect();
      const s = Math.max(view[2] / r.width, view[3] / r.height);
      view = [drag.view[0] - (e.clientX - drag.x) * s, drag.view[1] - (e.clientY - drag.y) * s, view[2], view[3]];
      apply();
    });
    svg.addEventListener('pointerup', () => { drag = null; });
  }

  // ---- tables ----

  // "1.2 MB", "35%", "4.1ms", "1,204" -> a number to sort by; NaN for text.
  const UNITS = {ns: 1e-9, 'µs': 1e-6, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, B: 1, KB: 1e3,
                 KiB: 1024, MB: 1e6, MiB: 1 << 20, GB: 1e9, GiB: 1 << 30, k: 1e3, M: 1e6, G: 1e9,
                 '%': 1};
  function sortKey(text) {
    const m = /^\s*([-+]?[\d,]*\.?\d+(?:e[-+]?\d+)?)\s*([a-zA-Zµ%]*)/.exec(text);
    if (!m) return NaN;
    const v = parseFloat(m[1].replace(/,/g, ''));
    return v * (UNITS[m[2]] || 1);
  }
  function sortable(table) {
    const ths = table.querySelectorAll('thead th');
    ths.forEach((th, col) => {
      th.tabIndex = 0;
      th.title = 'sort';
      const sort = () => {
        const desc = th.getAttribute('aria-sort') !== 'descending';
        ths.forEach(h => h.removeAttribute('aria-sort'));
        th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        const keyed = rows.map(r => {
          const t = r.cells[col] ? r.cells[col].textContent : '';
          return {r: r, n: sortKey(t), t: t};
        });
        keyed.sort((a, b) => {
          let c;
          if (!Number.isNaN(a.n) && !Number.isNaN(b.n)) c = a.n - b.n;
          else c = a.t.localeCompare(b.t);
          return desc ? -c : c;
        });
        for (const k of keyed) body.appendChild(k.r);
      };
      th.addEventListener('click', sort);
      th.addEventListener('keydown', e => { if (e.key === 'Enter') sort(); });
    });
  }

  // ---- page ----

  const DRAW = {gc: gcCharts, sched: schedCharts, stacks: stacksCharts, 'stacks-diff': stacksCharts,
                watch: watchCharts, pprof: pprofCharts, trace: traceCharts, escape: escapeCharts};

  function drawReport(r, box) {
    const draw = DRAW[r.kind] || (r.kind && r.kind.startsWith('stacks') ? stacksCharts :
                                  r.kind && r.kind.startsWith('pprof') ? pprofCharts : null);
    if (draw) draw(r, box);
    if (r.reports) {  // doctor: one report per captured signal
      r.reports.forEach(sub => drawReport(sub, box));
    }
  }

  // A chart is built before its neighbours exist, so its card may have been wider then than the
  // grid makes it: fit every plot to its card once all are placed (and on resize).
  function fitAll() {
    for (const c of charts) {
      if (c.plot) {
        const w = chartWidth(c.el.body), h = chartHeight();
        if (w !== c.plot.width || h !== c.plot.height) c.plot.setSize({width: w, height: h});
      }
      if (c.redraw) c.redraw();
    }
  }

  function render(data) {
    charts.length = 0;
    document.querySelectorAll('.charts').forEach(box => {
      box.textContent = '';
      const r = data[Number(box.getAttribute('data-report'))];
      if (!r) return;
      try {
        drawReport(r, box);
      } catch (e) {
        box.appendChild(el('p', {class: 'error'}, 'chart failed: ' + e.message));
        console.error(e);
      }
    });
    fitAll();
  }

  // Timings for the load test (100k points must stay fast).
  const t0 = performance.now();
  const data = JSON.parse(document.getElementById('godx-data').textContent);
  const t1 = performance.now();
  render(data);
  window.godxTimings = {parse_ms: t1 - t0, render_ms: performance.now() - t1};
  document.querySelectorAll('main > section table.sortable').forEach(t => { if (!t.closest('.charts')) sortable(t); });

  let lastWidth = window.innerWidth;
  window.addEventListener('resize', () => {
    if (window.innerWidth === lastWidth) return;
    lastWidth = window.innerWidth;
    fitAll();
  });

  // godx serve/watch --serve: fetch fresh data and redraw (statsviz-like).
  if (window.GODX_REFRESH_S > 0) {
    const tick = () => {
      fetch('data.json', {cache: 'no-store'}).then(r => r.ok ? r.json() : null).then(d => {
        if (d) render(d);
      }).catch(() => {}).finally(() => setTimeout(tick, window.GODX_REFRESH_S * 1000));
    };
    setTimeout(tick, window.GODX_REFRESH_S * 1000);
  }
  // Ready once the charts were painted: uPlot draws in a microtask after it is built.
  requestAnimationFrame(() => requestAnimationFrame(() => {
    window.godxTimings.painted_ms = performance.now() - t1;
    window.godxTimings.since_navigation_ms = performance.now();
    window.godxReady = true;
  }));
})();
