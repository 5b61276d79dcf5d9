// The live page of gctrace: it follows /events (Server-Sent Events) and
// draws what each message changes. No library: canvas and the DOM.
'use strict';

const view = {
  state: 'connecting',
  connected: false,
  processes: [],
  selected: '',
  series: null,
  findings: [],
  report: null,
  omitted: 0,
  // What changed since drawn: the lists are rebuilt only then, so that
  // they do not flicker under the mouse at every message.
  stale: { findings: true, table: true },
};

// For tests and the console.
window.gctraceView = view;

let source = null;

function connect(key) {
  if (source) source.close();
  source = new EventSource('events' + (key ? '?process=' + encodeURIComponent(key) : ''));
  source.onopen = () => { view.connected = true; schedule(); };
  // The browser reconnects by itself, and the server then sends the whole
  // history again.
  source.onerror = () => { view.connected = false; schedule(); };
  source.onmessage = (ev) => {
    const u = JSON.parse(ev.data);
    view.state = u.state;
    view.processes = u.processes || [];
    if ((u.omitted_processes || 0) !== view.omitted) view.stale.table = true;
    view.omitted = u.omitted_processes || 0;
    if (u.selected && u.selected !== view.selected) { view.selected = u.selected; view.stale.table = true; }
    if (u.series) view.series = mergeSeries(view.series, u.series);
    if (u.findings) { view.findings = u.findings; view.stale.findings = true; }
    if (u.report) { view.report = u.report; view.stale.table = true; }
    schedule();
  };
}

const lineNames = ['heap_use', 'heap_live', 'heap_goal', 'pause_ms', 'gc_cpu', 'alloc_rate'];

// mergeSeries applies a message's series: whole, or (with from) the lines
// from x = from on, which replace the old points there.
function mergeSeries(old, s) {
  if (s.from === undefined || !old || old.key !== s.key) return s;
  for (const name of lineNames) {
    const a = old[name];
    let i = a.length;
    while (i > 0 && a[i - 2] >= s.from) i -= 2;
    a.length = i;
    for (const v of s[name]) a.push(v);
  }
  old.spans = s.spans;
  old.timed = s.timed;
  return old;
}

function select(key) {
  if (!key || key === view.selected) return;
  view.selected = key;
  view.series = null;
  view.stale.table = true;
  connect(key);
  schedule();
}

let pending = false;
function schedule() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; render(); });
}

window.addEventListener('resize', schedule);
document.getElementById('process').addEventListener('change', (e) => select(e.target.value));

// ---- formatting, as the text report prints its figures

function fmtNum(v) {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(1);
  return String(Number(v.toPrecision(2)));
}

function fmtMS(v) {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return String(Number(v.toPrecision(3)));
}

function formatRange(f) {
  return { 'go1.1': 'go1.1-1.2', 'go1.6': 'go1.6-1.17', 'go1.18': 'go1.18+' }[f] || f;
}

function legacy(f) {
  return ['go1.0', 'go1.1', 'go1.3', 'go1.4'].includes(f);
}

function plural(n, one, many) { return n === 1 ? one : many; }

// ---- units of the charts' axes

const byteUnits = [[1 << 30, 'GiB'], [1 << 20, 'MiB'], [1 << 10, 'KiB'], [1, 'B']];

function byteAxis(max, suffix) {
  for (const [d, name] of byteUnits) {
    if (max >= d) return { div: d, name: name + suffix };
  }
  return { div: 1 << 20, name: 'MiB' + suffix };
}

function niceStep(raw) {
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

function ticks(lo, hi, n) {
  if (!(hi > lo)) return [lo];
  const step = niceStep((hi - lo) / n);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(v);
  return out;
}

function tickLabel(v) {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  return String(Number(v.toPrecision(3)));
}

function timeLabel(sec, span) {
  if (span >= 600) return tickLabel(sec / 60) + 'm';
  return tickLabel(sec) + 's';
}

// ---- charts

const ruleColors = ['rgba(207,34,46,0.10)', 'rgba(154,103,0,0.12)', 'rgba(9,105,218,0.10)', 'rgba(130,80,223,0.10)', 'rgba(26,127,55,0.10)'];

function css(name) { return getComputedStyle(document.documentElement).getPropertyValue(name).trim(); }

function maxOf(arrs) {
  let m = 0;
  for (const a of arrs) for (let i = 1; i < a.length; i += 2) if (a[i] > m) m = a[i];
  return m;
}

// draw plots lines on a canvas: {lines: [{pts, color, dash, stems}],
// x: [lo, hi], unit: {div, name}, floor} and says on the element how
// many points it drew.
function draw(cv, spec) {
  const dpr = window.devicePixelRatio || 1;
  const w = cv.clientWidth, h = cv.clientHeight;
  if (cv.width !== Math.round(w * dpr) || cv.height !== Math.round(h * dpr)) {
    cv.width = Math.round(w * dpr);
    cv.height = Math.round(h * dpr);
  }
  const g = cv.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  const L = 70, R = 14, T = 10, B = 22;
  const pw = w - L - R, ph = h - T - B;
  const [x0, x1] = spec.x;
  const ymax = Math.max(maxOf(spec.lines.map((l) => l.pts)) / spec.unit.div, spec.floor || 0) * 1.08 || 1;
  const yt = ticks(0, ymax, ph > 150 ? 6 : 3);
  const ytop = Math.max(ymax, yt[yt.length - 1]);
  const X = (v) => L + (x1 > x0 ? (v - x0) / (x1 - x0) : 0) * pw;
  const Y = (v) => T + ph - (v / spec.unit.div / ytop) * ph;

  // Finding spans behind everything.
  for (const s of spec.spans || []) {
    const a = Math.max(X(s.start), L), b = Math.min(X(s.end), L + pw);
    g.fillStyle = s.color;
    g.fillRect(a, T, Math.max(b - a, 2), ph);
  }

  g.font = '11px system-ui, sans-serif';
  g.fillStyle = css('--muted');
  g.strokeStyle = css('--line');
  g.lineWidth = 1;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const v of yt) {
    const y = Math.round(T + ph - (v / ytop) * ph) + 0.5;
    g.beginPath(); g.moveTo(L, y); g.lineTo(L + pw, y); g.stroke();
    g.fillText(tickLabel(v), L - 6, y);
  }
  g.save();
  g.translate(12, T + ph / 2);
  g.rotate(-Math.PI / 2);
  g.textAlign = 'center';
  g.fillText(spec.unit.name, 0, 0);
  g.restore();
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (const v of ticks(x0, x1, Math.max(2, Math.floor(pw / 110)))) {
    const x = X(v);
    if (x < L - 1 || x > L + pw + 1) continue;
    // Before Go 1.5 the trace prints no times: the axis counts cycles.
    g.fillText(spec.timed ? timeLabel(v, x1 - x0) : 'gc ' + tickLabel(v), x, T + ph + 5);
  }

  let n = 0;
  g.save();
  g.beginPath(); g.rect(L, T - 2, pw, ph + 2); g.clip();
  for (const l of spec.lines) {
    const p = l.pts;
    if (!p || p.length < 2) continue;
    n += p.length / 2;
    g.strokeStyle = l.color;
    g.lineWidth = l.width || 1.5;
    g.setLineDash(l.dash || []);
    g.beginPath();
    if (l.stems) {
      for (let i = 0; i < p.length; i += 2) {
        const x = Math.round(X(p[i])) + 0.5;
        g.moveTo(x, Y(0)); g.lineTo(x, Math.min(Y(p[i + 1]), Y(0) - 1));
      }
    } else {
      g.moveTo(X(p[0]), Y(p[1]));
      for (let i = 2; i < p.length; i += 2) g.lineTo(X(p[i]), Y(p[i + 1]));
    }
    g.stroke();
  }
  g.restore();
  g.setLineDash([]);
  g.strokeStyle = css('--line');
  g.strokeRect(L + 0.5, T + 0.5, pw, ph);
  if (n === 0 && spec.empty) {
    g.fillStyle = css('--muted');
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(spec.empty, L + pw / 2, T + ph / 2);
  }
  cv.dataset.points = String(n);
}

function renderCharts() {
  const s = view.series;
  const title = document.getElementById('chart-title');
  const p = view.processes.find((q) => q.key === view.selected);
  if (!s || !p) {
    title.textContent = 'waiting for the first GC cycle…';
  } else {
    title.textContent = 'process ' + p.name + ' · ' + p.cycles + ' GC ' + plural(p.cycles, 'cycle', 'cycles') + ' · ' + formatRange(p.format);
  }
  const lines = s ? [s.heap_use, s.heap_live, s.heap_goal, s.pause_ms, s.gc_cpu, s.alloc_rate] : [];
  let x0 = Infinity, x1 = -Infinity;
  for (const a of lines) {
    for (let i = 0; i < a.length; i += 2) {
      if (a[i] < x0) x0 = a[i];
      if (a[i] > x1) x1 = a[i];
    }
  }
  if (!(x1 >= x0)) { x0 = 0; x1 = 1; }
  if (x1 === x0) x1 = x0 + 1;
  const rules = [...new Set((s ? s.spans : []).map((sp) => sp.rule))].sort();
  const spans = (s ? s.spans : []).map((sp) => ({ start: sp.start, end: sp.end, color: ruleColors[rules.indexOf(sp.rule) % ruleColors.length] }));
  const timed = s ? s.timed : true;
  const x = [x0, x1];
  // What an empty chart says.
  let empty = 'no cycle yet';
  if (s && !s.timed) empty = 'the trace of this Go release prints no times, so no rates';
  else if (s) empty = 'not enough cycles yet';
  const none = [];
  const hmax = maxOf([s ? s.heap_use : none, s ? s.heap_goal : none]);
  draw(document.getElementById('heap'), {
    x, timed, spans, unit: byteAxis(hmax, ''), empty: 'no cycle yet',
    lines: s ? [
      { pts: s.heap_goal, color: css('--goal'), dash: [5, 3], width: 1.2 },
      { pts: s.heap_live, color: css('--live'), width: 1.5 },
      { pts: s.heap_use, color: css('--use'), width: 1.2 },
    ] : [],
  });
  draw(document.getElementById('pause'), {
    x, timed, spans, unit: { div: 1, name: 'ms' }, floor: 0.1, empty: 'no cycle yet',
    lines: s ? [{ pts: s.pause_ms, color: css('--pause'), stems: true, width: 1 }] : [],
  });
  draw(document.getElementById('cpu'), {
    x, timed, spans, empty, unit: { div: 1, name: '% CPU' }, floor: 1,
    lines: s ? [{ pts: s.gc_cpu, color: css('--cpu') }] : [],
  });
  draw(document.getElementById('alloc'), {
    x, timed, spans, empty, unit: byteAxis(maxOf([s ? s.alloc_rate : none]), '/s'),
    lines: s ? [{ pts: s.alloc_rate, color: css('--alloc') }] : [],
  });
  const legend = document.getElementById('spans');
  legend.replaceChildren();
  if (rules.length) {
    legend.append('shaded: the time each finding covers —');
    rules.forEach((r, i) => {
      const sw = document.createElement('i');
      sw.style.background = ruleColors[i % ruleColors.length].replace(/0\.1\d?\)/, '0.5)');
      legend.append(sw, r);
    });
  }
}

// ---- header, findings, table

function renderHeader() {
  const st = document.getElementById('status');
  let cls = view.state, text;
  if (view.state === 'ended') text = 'input ended — final state';
  else if (view.state === 'interrupted') text = 'interrupted — final state';
  else if (!view.connected) { cls = 'gone'; text = view.state === 'connecting' ? 'connecting…' : 'disconnected — retrying'; }
  else text = 'reading';
  if (!view.connected && (view.state === 'ended' || view.state === 'interrupted')) text += ' (server stopped)';
  st.className = 'status ' + cls;
  st.textContent = text;
  st.dataset.state = view.state;

  const r = view.report;
  const hl = document.getElementById('headline');
  const nf = view.findings.length;
  const cycles = r ? r.gc_lines : view.processes.reduce((a, p) => a + p.cycles, 0);
  const nproc = r ? (r.processes || []).length + (r.omitted_processes || 0) : view.processes.length;
  hl.textContent = nf + ' ' + plural(nf, 'finding', 'findings') + ' in ' + cycles + ' GC ' + plural(cycles, 'cycle', 'cycles') +
    ' of ' + nproc + ' ' + plural(nproc, 'process', 'processes');

  const picker = document.getElementById('picker');
  const sel = document.getElementById('process');
  picker.hidden = view.processes.length < 2;
  const want = view.processes.map((p) => p.key + '\u0000' + p.name).join('\u0001');
  if (sel.dataset.list !== want) {
    sel.replaceChildren(...view.processes.map((p) => new Option(p.name, p.key)));
    sel.dataset.list = want;
  }
  sel.value = view.selected;
}

function keyOf(file, process) { return file + '#' + process; }

function renderFindings() {
  const box = document.getElementById('findings');
  if (!view.findings.length) {
    const done = view.state === 'ended' || view.state === 'interrupted';
    box.innerHTML = '<p class="none">' + (done ? 'none' : 'none yet') + '</p>';
    return;
  }
  box.replaceChildren(...view.findings.map(({ finding: f, name }) => {
    const d = document.createElement('div');
    d.className = 'finding ' + f.severity;
    d.dataset.rule = f.rule;
    const head = document.createElement('div');
    const sev = document.createElement('span');
    sev.className = 'sev';
    sev.textContent = f.severity;
    const rule = document.createElement('b');
    rule.textContent = f.rule;
    const where = document.createElement('span');
    where.className = 'where';
    const lines = f.first_line === f.last_line ? 'line ' + f.first_line : 'lines ' + f.first_line + '–' + f.last_line;
    where.textContent = ' · ' + (name ? 'process ' + name + ', ' : '') + lines;
    head.append(sev, rule, where);
    const msg = document.createElement('div');
    msg.className = 'msg';
    msg.textContent = f.message;
    d.append(head, msg);
    if (f.advice) {
      const a = document.createElement('div');
      a.className = 'advice';
      a.textContent = f.advice;
      d.append(a);
    }
    if (f.attribution) {
      const a = document.createElement('div');
      a.className = 'attr';
      a.textContent = 'attribution: ' + f.attribution;
      d.append(a);
    }
    if (f.process > 0) d.addEventListener('click', () => select(keyOf(f.file, f.process)));
    return d;
  }));
}

function renderTable() {
  const body = document.querySelector('#processes tbody');
  const r = view.report;
  const procs = (r && r.processes) || [];
  const several = procs.some((p) => p.file !== procs[0].file);
  body.replaceChildren(...procs.map((p) => {
    const timed = p.duration_s > 0;
    const dash = (ok, s) => (ok ? s : '-');
    let live = '-';
    if (!legacy(p.format)) {
      live = p.heap_live_mib.min === p.heap_live_mib.max ? String(p.heap_live_mib.max) : p.heap_live_mib.min + '-' + p.heap_live_mib.max;
    }
    const q = p.pause_ms;
    const cells = [
      several ? p.file + '#' + p.process : String(p.process),
      formatRange(p.format),
      String(p.cycles),
      dash(timed, fmtNum(p.duration_s) + 's'),
      dash(timed, fmtNum(p.gc_per_second)),
      dash(timed, fmtNum(p.gc_cpu_percent) + '%'),
      [q.p50, q.p95, q.p99, q.max].map(fmtMS).join('/'),
      dash(timed, fmtNum(p.alloc_rate_mib_per_s)),
      live,
      String(p.heap_peak_mib),
      p.effective_gogc > 0 ? p.effective_gogc.toFixed(0) : '-',
    ];
    const tr = document.createElement('tr');
    const key = keyOf(p.file, p.process);
    if (key === view.selected) tr.className = 'selected';
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = c;
      tr.append(td);
    }
    tr.addEventListener('click', () => select(key));
    return tr;
  }));
  const om = document.getElementById('omitted');
  const parts = [];
  if (r && r.omitted_processes) parts.push(r.omitted_processes + ' more ' + plural(r.omitted_processes, 'process', 'processes') + ' left out of the table (the smallest)');
  if (view.omitted) parts.push('charts of ' + view.omitted + ' ' + plural(view.omitted, 'process', 'processes') + ' dropped to bound memory (the smallest)');
  if (!r) parts.push('the table comes with the first progress report, about a second in');
  om.textContent = parts.join('; ');
}

function render() {
  renderHeader();
  renderCharts();
  if (view.stale.findings) renderFindings();
  if (view.stale.table) renderTable();
  view.stale.findings = view.stale.table = false;
}

connect('');
render();
