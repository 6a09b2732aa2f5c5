// The DTA dashboard: plain JavaScript over the query service's HTTP API (docs/query.md).
// Polls /api/v1/status every refresh interval, follows one Append list with long polls, and looks
// up flow paths on demand. No build step, no library: the chart is drawn on a canvas.
'use strict';

const REFRESH = (window.DTA_SETTINGS && window.DTA_SETTINGS.refreshMillis) || 1000;
const KINDS = ['key-write', 'key-increment', 'postcard', 'append', 'sketch'];
const COLORS = {'key-write': '#1f77b4', 'key-increment': '#ff7f0e', 'postcard': '#2ca02c', 'append': '#d62728', 'sketch': '#9467bd'};
const HISTORY = 60;
const history = Object.fromEntries(KINDS.map(k => [k, []]));
let followGeneration = 0;

const $ = sel => document.querySelector(sel);

async function api(path) {
  const r = await fetch(path, {cache: 'no-store'});
  const body = await r.json();
  if (!r.ok) {
    throw new Error(body.error ? body.error.message + ' [' + body.error.reason + ']' : 'HTTP ' + r.status);
  }
  return body;
}

function showError(e) {
  const el = $('#error');
  if (e) {
    el.textContent = String(e.message || e);
    el.hidden = false;
  } else {
    el.hidden = true;
  }
}

function fmt(n, digits) {
  if (n === null || n === undefined) return '';
  return Number(n).toLocaleString('en-US', {maximumFractionDigits: digits === undefined ? 1 : digits});
}

function cell(tr, text, cls) {
  const td = document.createElement('td');
  if (text instanceof Node) td.appendChild(text); else td.textContent = text;
  if (cls) td.className = cls;
  tr.appendChild(td);
  return td;
}

function fillBar(fraction) {
  const outer = document.createElement('div');
  outer.className = 'bar';
  const inner = document.createElement('div');
  inner.style.width = Math.min(100, 100 * fraction).toFixed(1) + '%';
  outer.appendChild(inner);
  return outer;
}

function renderStatus(s) {
  $('#status-time').textContent = new Date(s.taken_at_millis).toLocaleTimeString();
  $('#collector-count').textContent = s.collectors.length;
  let totalOps = 0, totalRate = 0;
  for (const p of s.ingest) {
    totalOps += p.operations;
    totalRate += p.operations_per_second;
    const el = $('#rate-' + p.kind);
    if (el) el.textContent = fmt(p.operations_per_second);
    if (history[p.kind]) {
      history[p.kind].push(p.operations_per_second);
      if (history[p.kind].length > HISTORY) history[p.kind].shift();
    }
  }
  $('#total-ops').textContent = fmt(totalOps, 0);
  $('#total-rate').textContent = fmt(totalRate);
  drawChart();

  const stores = $('#stores-table tbody');
  stores.replaceChildren();
  for (const st of s.stores) {
    const tr = document.createElement('tr');
    tr.dataset.store = st.name;
    cell(tr, st.name);
    cell(tr, st.collector);
    cell(tr, st.kind);
    cell(tr, (100 * st.fill).toFixed(3) + '%' + (st.examined < st.capacity ? ' ~' : ''), 'fill');
    cell(tr, fillBar(st.fill));
    cell(tr, st.key_write_success_probability === null ? '' : st.key_write_success_probability.toFixed(4), 'kw-success');
    cell(tr, st.ingest_known ? fmt(st.writes_per_second + st.atomics_per_second) : '?');
    cell(tr, st.ingest_known ? fmt(st.bytes_per_second, 0) : '?');
    cell(tr, st.ingest_known ? fmt(st.writes, 0) : '?');
    cell(tr, st.ingest_known ? fmt(st.atomics, 0) : '?');
    cell(tr, fmt(st.queries, 0));
    stores.appendChild(tr);
  }

  const collectors = $('#collectors-table tbody');
  const qps = $('#qp-table tbody');
  collectors.replaceChildren();
  qps.replaceChildren();
  for (const c of s.collectors) {
    const tr = document.createElement('tr');
    cell(tr, c.name);
    cell(tr, c.source);
    cell(tr, c.reachable ? (c.status_source === 'none' ? 'no status source' : 'ok') : 'unreachable: ' + c.error, c.reachable ? 'ok' : 'bad');
    cell(tr, fmt(c.packets_per_second));
    cell(tr, fmt(c.icrc_failures, 0));
    cell(tr, fmt(c.drops, 0));
    collectors.appendChild(tr);
    for (const q of c.queue_pairs) {
      const r = document.createElement('tr');
      cell(r, c.name);
      cell(r, q.id);
      cell(r, q.remote);
      cell(r, q.state, q.up ? 'ok' : 'bad');
      cell(r, fmt(q.packets_per_second));
      cell(r, fmt(q.packets, 0));
      cell(r, fmt(q.writes, 0));
      cell(r, fmt(q.atomics, 0));
      cell(r, fmt(q.psn_gaps, 0), q.psn_gaps > 0 ? 'bad' : '');
      cell(r, fmt(q.naks, 0), q.naks > 0 ? 'bad' : '');
      cell(r, fmt(q.drops, 0));
      qps.appendChild(r);
    }
  }
}

function drawChart() {
  const canvas = $('#ingest-chart');
  const ctx = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, pad = 30;
  ctx.clearRect(0, 0, w, h);
  let max = 1;
  for (const k of KINDS) for (const v of history[k]) max = Math.max(max, v);
  ctx.strokeStyle = '#e6e8ec';
  ctx.fillStyle = '#667';
  ctx.font = '11px sans-serif';
  for (let i = 0; i <= 4; i++) {
    const y = h - pad / 2 - (h - pad) * i / 4;
    ctx.beginPath(); ctx.moveTo(pad + 20, y); ctx.lineTo(w, y); ctx.stroke();
    ctx.fillText(fmt(max * i / 4, 0), 0, y + 4);
  }
  for (const k of KINDS) {
    const pts = history[k];
    if (pts.length < 2) continue;
    ctx.strokeStyle = COLORS[k];
    ctx.lineWidth = 2;
    ctx.beginPath();
    pts.forEach((v, i) => {
      const x = pad + 20 + (w - pad - 20) * (i + HISTORY - pts.length) / (HISTORY - 1);
      const y = h - pad / 2 - (h - pad) * v / max;
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }
}

async function pollStatus() {
  try {
    renderStatus(await api('/api/v1/status'));
    showError(null);
  } catch (e) {
    showError(e);
  }
  setTimeout(pollStatus, REFRESH);
}

async function loadStores() {
  const {stores} = await api('/api/v1/stores');
  for (const [select, kind] of [[$('#append-store'), 'append'], [$('#path-store'), 'postcard']]) {
    select.replaceChildren();
    for (const s of stores.filter(s => s.kind === kind)) {
      const o = document.createElement('option');
      o.value = o.textContent = s.name;
      select.appendChild(o);
    }
  }
}

function addEvent(text, cls) {
  const list = $('#append-events');
  const li = document.createElement('li');
  li.textContent = text;
  if (cls) li.className = cls;
  list.insertBefore(li, list.firstChild);
  while (list.children.length > 50) list.removeChild(list.lastChild);
}

// Follows one list: shows the last 10 entries already there, then long-polls for new ones.
async function follow() {
  const generation = ++followGeneration;
  const store = $('#append-store').value;
  const list = Number($('#append-list').value || 0);
  $('#append-events').replaceChildren();
  if (!store) return;
  const base = '/api/v1/stores/' + encodeURIComponent(store) + '/append/' + list;
  try {
    const tail = (await api(base + '?from=tail')).next_position;
    let position = Math.max(0, tail - 10);
    while (generation === followGeneration) {
      const r = await api(base + '/follow?wait=10000&from=' + position);
      if (generation !== followGeneration) return;
      if (r.overrun > 0) addEvent(r.overrun + ' entries overwritten before they could be read', 'overrun');
      for (const e of r.entries) {
        addEvent('#' + e.position + '  ' + e.value.toString(16).padStart(8, '0') + '  (' + e.value + ')');
      }
      position = r.next_position;
      $('#append-position').textContent = store + ' list ' + list + ', next position ' + position;
    }
  } catch (e) {
    showError(e);
    setTimeout(() => { if (generation === followGeneration) follow(); }, 2000);
  }
}

async function lookUpPath(event) {
  if (event) event.preventDefault();
  const store = $('#path-store').value;
  const key = $('#path-key').value.trim();
  const body = $('#path-result tbody');
  body.replaceChildren();
  try {
    const p = await api('/api/v1/stores/' + encodeURIComponent(store) + '/path?key=' + encodeURIComponent(key));
    $('#path-summary').textContent = p.valid_hops + ' valid hop(s) of flow ' + p.key_hex + ' (collector ' + p.collector + ')';
    for (const h of p.hops) {
      const tr = document.createElement('tr');
      tr.className = h.valid ? 'valid' : 'invalid';
      cell(tr, h.index);
      cell(tr, h.valid ? h.switch_id : '');
      cell(tr, h.valid ? h.queue_depth : '');
      cell(tr, h.value.toString(16).padStart(8, '0'));
      cell(tr, h.valid ? 'yes' : 'no', h.valid ? 'ok' : '');
      body.appendChild(tr);
    }
    showError(null);
  } catch (e) {
    $('#path-summary').textContent = '';
    showError(e);
  }
}

async function start() {
  $('#path-form').addEventListener('submit', lookUpPath);
  $('#append-form').addEventListener('submit', e => { e.preventDefault(); follow(); });
  try {
    await loadStores();
  } catch (e) {
    showError(e);
  }
  pollStatus();
  follow();
}

start();
