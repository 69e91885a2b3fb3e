// The agent's web view: reads the JSON report (same origin, relative URL, so it works through kubectl port-forward and
// an OpenShift Route with a path prefix) and draws, per gateway, listener → routes → backend → Endpoint Picker → pods.
// Everything from the cluster is data: it only ever reaches the page through textContent and setAttribute of fixed
// attribute names; links are built from finding codes that match LLMD\d{4}, never from cluster strings.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const RANK = { critical: 3, warning: 2, info: 1, ok: 0, unknown: -1 };
const POLL_MS = 5000;
let shown = '';

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function runbookHref(code) {
  return /^LLMD\d{4}$/.test(code) ? 'runbooks/' + code : null;
}

function worst(findings) {
  let w = 'ok';
  for (const f of findings) if ((RANK[f.severity] ?? 0) > RANK[w]) w = f.severity;
  return w === 'info' ? 'ok' : w;
}

function worstOf(...states) {
  return states.reduce((a, b) => (RANK[b] > RANK[a] ? b : a), 'unknown');
}

function key(ns, name) { return ns + '/' + name; }

function subjectKey(f) { return key(f.subject.namespace, f.subject.name); }

function routesOf(f) {
  return String((f.evidence || {}).route || '').split(',').map(s => s.trim()).filter(Boolean);
}

/** Findings about one flow: on its HTTPRoute, or on its gateway naming its Envoy route. */
function flowFindings(report, flow) {
  return report.findings.filter(f =>
    (f.subject.kind === 'HTTPRoute' && subjectKey(f) === flow.route) ||
    (f.subject.kind === 'Gateway' && subjectKey(f) === flow.gateway && routesOf(f).includes(flow.envoyRoute)));
}

/** Findings on a gateway about its Endpoint Picker cluster (outbound|port||<epp>.<ns>.svc…). */
function eppFindings(report, gateway, epp) {
  const [ns, name] = epp.split('/');
  const host = '||' + name + '.' + ns + '.svc';
  return report.findings.filter(f =>
    (subjectKey(f) === epp) ||
    (subjectKey(f) === gateway && String((f.evidence || {}).cluster || '').includes(host)));
}

function probeState(flow) {
  if (!flow.probes || flow.probes.length === 0) return 'unknown';
  return flow.probes.every(p => p.status >= 200 && p.status < 300) ? 'ok' : 'critical';
}

function truncate(text, max) {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** Incident ids come from the agent ("inc-" + 12 hex digits); anything else is never used in an id or a link. */
function incidentId(id) {
  return /^inc-[0-9a-f]{12}$/.test(String(id)) ? String(id) : null;
}

/** The report's incidents by id, each with its place in the list (which picks its colour) and its root finding. */
function incidentIndex(report) {
  const index = new Map();
  (Array.isArray(report.incidents) ? report.incidents : []).forEach((inc, i) => {
    const id = incidentId(inc.id);
    if (!id || !inc.root) return;
    const root = report.findings.find(f => f.incident === id && f.code === inc.root.code
      && f.subject.kind === inc.root.subject.kind && subjectKey(f) === subjectKey(inc.root));
    index.set(id, { id, colour: 'inc-' + (i % 6), inc, root, rank: RANK[inc.severity] ?? 0 });
  });
  return index;
}

/** The Endpoint Picker (ns/name) an Envoy cluster name outbound|port||name.ns.svc.… points at, or null. */
function eppOfCluster(cluster) {
  const m = /\|\|([a-z0-9-]+)\.([a-z0-9-]+)\.svc\b/.exec(String(cluster || ''));
  return m ? key(m[2], m[1]) : null;
}

/**
 * Incidents on the boxes of one map. The root's box is the one, among those holding the root finding, that it is
 * about: the Endpoint Picker its evidence names (a gateway that cannot reach its EPP), else the box of its subject. Every other box holding one of
 * the incident's findings is a symptom of it and links to the root's box.
 */
function placeIncidents(boxes, incidents) {
  for (const it of incidents.values()) {
    if (!it.root) continue;
    const epp = eppOfCluster((it.root.evidence || {}).cluster);
    const holding = boxes.filter(b => b.findings.includes(it.root));
    let roots = epp ? holding.filter(b => b.ident.kind === 'EndpointPicker' && b.ident.key === epp) : [];
    if (roots.length === 0) roots = holding.filter(b => b.ident.matches(it.root.subject));
    for (const b of roots) b.rootOf.push(it);
    for (const b of boxes) {
      if (!roots.includes(b) && b.findings.some(f => f.incident === it.id)) b.symptomOf.push(it);
    }
  }
  const byRank = (a, b) => b.rank - a.rank;
  for (const b of boxes) { b.rootOf.sort(byRank); b.symptomOf.sort(byRank); }
}

/**
 * One box of the map: kind above, name below, tooltip with the full text and findings. An incident's root box shows
 * the incident (its colour, a badge with the chain) and links the root's runbook; a symptom box carries the incident's
 * colour and links to the root's box; any other box links its worst finding's runbook.
 */
function node(b, rootIds) {
  const { x, y, w, kind, label, state, findings } = b;
  // The box presents its worst incident: as its root, or (when that incident's root is elsewhere) as a symptom.
  const inc = [...b.rootOf, ...b.symptomOf].sort((p, q) => q.rank - p.rank)[0];
  const asRoot = inc !== undefined && b.rootOf.includes(inc);
  const cls = 'node ' + state + (inc ? (asRoot ? ' incident-root' : ' incident-symptom') : '');
  const g = svg('g', { class: cls, 'data-kind': kind, 'data-name': label, 'data-key': b.ident.key, 'data-state': state });
  if (b.rootOf.length) {
    g.setAttribute('data-incident-root', b.rootOf.map(i => i.id).join(' '));
    const first = b.rootOf.find(i => !rootIds.has(i.id));
    if (first) { rootIds.add(first.id); g.setAttribute('id', 'root-' + first.id); }
  }
  if (b.symptomOf.length) g.setAttribute('data-incident-symptom', b.symptomOf.map(i => i.id).join(' '));
  const tip = [kind + ' ' + label,
    ...b.rootOf.map(i => 'root cause of incident ' + i.id + ': ' + (i.inc.chain || []).join(' → ')),
    ...b.symptomOf.map(i => 'symptom of incident ' + i.id + ', root ' + i.inc.root.code + ' on ' + i.inc.root.subject.kind + ' ' + subjectKey(i.inc.root)),
    ...findings.map(f => f.code + ' ' + f.name + ': ' + f.message)].join('\n');
  g.append(svg('title', {}, tip));
  g.append(svg('rect', { x, y, width: w, height: 34 }));
  if (inc) g.append(svg('rect', { x, y, width: 5, height: 34, class: 'incident-bar ' + inc.colour }));
  g.append(svg('text', { x: x + 8, y: y + 12, class: 'kind' }, truncate(kind, Math.floor(w / 5.6) - (inc ? 16 : 0))));
  g.append(svg('text', { x: x + 8, y: y + 27 }, truncate(label, Math.floor(w / 6.6))));
  if (inc) {
    const badge = asRoot ? (inc.inc.chain || []).map(c => String(c).replace(/^LLMD/, '')).join('→') : '← ' + String(inc.inc.root.code).replace(/^LLMD/, '');
    g.append(svg('text', { x: x + w - 4, y: y + 12, class: 'badge ' + inc.colour, 'text-anchor': 'end' }, truncate(badge, 24)));
  }
  let href, code;
  if (inc) {
    code = String(inc.inc.root.code);
    // A symptom's link is resolved once every map is drawn: the root's box, or the incident's line when no map shows it.
    href = asRoot ? runbookHref(code) : '#incident-' + inc.id;
  } else {
    const top = findings.slice().sort((a, c) => RANK[c.severity] - RANK[a.severity])[0];
    code = top ? top.code : null;
    href = top ? runbookHref(top.code) : null;
  }
  if (!href) return g;
  const a = svg('a', { href, 'data-code': code });
  if (inc && !asRoot) a.setAttribute('data-root', inc.id);
  a.append(g);
  return a;
}

/** Symptom boxes link to their root's box where a map shows it. */
function linkSymptomsToRoots() {
  for (const a of document.querySelectorAll('svg.map a[data-root]')) {
    const id = incidentId(a.getAttribute('data-root'));
    if (id && document.getElementById('root-' + id)) a.setAttribute('href', '#root-' + id);
  }
}

function edge(x1, y1, x2, y2, state) {
  const mx = (x1 + x2) / 2;
  return svg('path', { d: `M${x1},${y1 + 17} C${mx},${y1 + 17} ${mx},${y2 + 17} ${x2},${y2 + 17}`, class: 'edge ' + state, 'data-state': state });
}

function ident(kind, k, matches) { return { kind, key: k, matches }; }

/** The namespace of a flow's backend ("InferencePool ns/name", "Service ns/name:port"): where its pods run. */
function backendNamespace(backend) {
  const target = String(backend || '').split(' ').slice(1).join(' ');
  const slash = target.indexOf('/');
  return slash > 0 ? target.slice(0, slash) : '';
}

function gatewayMap(report, gateway, flows, incidents, rootIds) {
  const col = { gateway: 10, route: 200, backend: 520, epp: 780, pod: 1010 };
  const width = { gateway: 170, route: 300, backend: 240, epp: 210, pod: 200 };
  const rows = { route: [], backend: [], epp: [], pod: [] };
  const index = (list, k) => { let i = list.indexOf(k); if (i < 0) { list.push(k); i = list.length - 1; } return i; };
  const y = i => 10 + i * 44;
  const boxes = [];
  const box = (x, yy, w, kind, label, state, findings, id) => boxes.push({ x, y: yy, w, kind, label, state, findings, ident: id, rootOf: [], symptomOf: [] });
  const edges = [];
  const backendState = new Map();
  const eppState = new Map();
  const podReady = new Map();
  for (const flow of flows) {
    const r = index(rows.route, flow.gateway + ' ' + flow.route + ' ' + flow.rule + '.' + flow.match);
    const ps = probeState(flow);
    const ff = flowFindings(report, flow);
    const label = (flow.method ? flow.method + ' ' : '') + flow.path + (flow.model ? '  (' + flow.model + ')' : '');
    if (rows.route.length > boxes.filter(b => b.ident.kind === 'HTTPRoute').length) {
      box(col.route, y(r), width.route, 'HTTPRoute ' + flow.route, label, worstOf(worst(ff), ps === 'critical' ? 'critical' : 'ok'), ff,
        ident('HTTPRoute', flow.route, s => s.kind === 'HTTPRoute' && subjectKey({ subject: s }) === flow.route));
    }
    edges.push(edge(col.gateway + width.gateway, y(0), col.route, y(r), ps));
    const b = index(rows.backend, flow.backend);
    edges.push(edge(col.route + width.route, y(r), col.backend, y(b), ps));
    backendState.set(flow.backend, worstOf(backendState.get(flow.backend) || 'unknown', ps === 'unknown' ? 'unknown' : 'ok'));
    let fromX = col.backend + width.backend, fromY = y(b);
    if (flow.epp) {
      const e = index(rows.epp, flow.epp);
      const ef = eppFindings(report, gateway, flow.epp);
      const es = ef.length ? worst(ef) : (ps === 'unknown' ? 'unknown' : 'ok');
      eppState.set(flow.epp, { state: worstOf(eppState.get(flow.epp)?.state || 'unknown', es), findings: ef });
      edges.push(edge(col.backend + width.backend, y(b), col.epp, y(e), es));
      fromX = col.epp + width.epp; fromY = y(e);
    }
    // A pod is named within its namespace: the backend's (a pool or Service selects pods of its own namespace).
    const podNs = backendNamespace(flow.backend);
    for (const pod of flow.pods || []) {
      const pk = key(podNs, pod.name);
      const p = index(rows.pod, pk);
      podReady.set(pk, pod.ready);
      edges.push(edge(fromX, fromY, col.pod, y(p), pod.ready ? 'ok' : 'critical'));
    }
  }
  const [gns, gname] = gateway.split('/');
  const gf = report.findings.filter(f => f.subject.kind === 'Gateway' && f.subject.namespace === gns && f.subject.name === gname);
  box(col.gateway, y(0), width.gateway, 'Gateway ' + gns, gname, worst(gf), gf,
    ident('Gateway', gateway, s => s.kind === 'Gateway' && subjectKey({ subject: s }) === gateway));
  rows.backend.forEach((bk, i) => {
    const [kind, ...rest] = bk.split(' ');
    const target = rest.join(' ');
    const covers = s => s.kind === kind && (target === subjectKey({ subject: s }) || target.startsWith(subjectKey({ subject: s }) + ':'));
    const bf = report.findings.filter(f => covers(f.subject));
    const slash = target.indexOf('/');
    box(col.backend, y(i), width.backend, kind + ' ' + target.slice(0, slash), target.slice(slash + 1), worstOf(backendState.get(bk) || 'unknown', worst(bf)), bf,
      ident(kind, target, covers));
  });
  rows.epp.forEach((ep, i) => {
    const s = eppState.get(ep);
    const [ns, name] = ep.split('/');
    box(col.epp, y(i), width.epp, 'Endpoint Picker ' + ns, name, s.state, s.findings,
      ident('EndpointPicker', ep, sub => subjectKey({ subject: sub }) === ep));
  });
  rows.pod.forEach((pk, i) => {
    const slash = pk.indexOf('/');
    const pf = report.findings.filter(f => f.subject.kind === 'Pod' && subjectKey(f) === pk);
    box(col.pod, y(i), width.pod, 'Pod ' + pk.slice(0, slash), pk.slice(slash + 1), worstOf(podReady.get(pk) ? 'ok' : 'critical', worst(pf)), pf,
      ident('Pod', pk, s => s.kind === 'Pod' && subjectKey({ subject: s }) === pk));
  });
  placeIncidents(boxes, incidents);
  const height = 20 + 44 * Math.max(1, rows.route.length, rows.backend.length, rows.epp.length, rows.pod.length);
  const map = svg('svg', { class: 'map', viewBox: `0 0 ${col.pod + width.pod + 10} ${height}`, width: col.pod + width.pod + 10, height, 'data-gateway': gateway, role: 'img' });
  map.append(svg('title', {}, 'Request flows of Gateway ' + gateway));
  for (const e of edges) map.append(e);
  for (const b of boxes) map.append(node(b, rootIds));
  return map;
}

/** Latency of the recent probes of this flow (ms), failures marked. */
function sparkline(report, flow) {
  const series = (report.probeHistory || []).filter(s => s.gateway === flow.gateway && flow.path.startsWith(s.apiPrefix)
    && (flow.probes || []).some(p => p.probe === s.probe));
  const recent = series.flatMap(s => s.recent);
  if (recent.length === 0) return document.createTextNode('');
  const w = 120, h = 24, max = Math.max(...recent.map(r => r.ms), 1);
  const pts = recent.map((r, i) => [recent.length === 1 ? w / 2 : (i * w) / (recent.length - 1), h - 2 - ((h - 4) * r.ms) / max]);
  const s = svg('svg', { class: 'spark', width: w, height: h, viewBox: `0 0 ${w} ${h}` });
  s.append(svg('title', {}, recent.map(r => r.at + ' ' + r.status + ' ' + r.ms + ' ms').join('\n')));
  s.append(svg('polyline', { points: pts.map(p => p.join(',')).join(' ') }));
  recent.forEach((r, i) => { if (!(r.status >= 200 && r.status < 300)) s.append(svg('circle', { cx: pts[i][0], cy: pts[i][1], r: 2.5, class: 'fail' })); });
  return s;
}

function flowTable(report, flows) {
  const body = el('tbody');
  for (const f of flows) {
    const probes = (f.probes || []).map(p => p.probe + ' ' + (p.status || p.reason || 'no answer') + ' ' + p.ms + 'ms').join(', ');
    const state = probeState(f);
    const tr = el('tr', { 'data-path': f.path, 'data-state': state },
      el('td', {}, f.path), el('td', {}, f.model || ''), el('td', {}, f.backend), el('td', {}, f.effectiveBodyMode || ''),
      el('td', { class: state === 'critical' ? 'critical' : '' }, probes || 'not probed'), el('td', {}));
    tr.lastChild.append(sparkline(report, f));
    const codes = [...new Set(flowFindings(report, f).map(x => x.code))];
    const links = el('td', {});
    for (const c of codes) {
      const href = runbookHref(c);
      if (href) links.append(el('a', { href, class: 'runbook' }, c), ' ');
    }
    tr.append(links);
    body.append(tr);
  }
  return el('table', { class: 'flows' },
    el('thead', {}, el('tr', {}, ...['path', 'model', 'backend', 'body mode', 'probes', 'latency', 'runbooks'].map(h => el('th', {}, h)))), body);
}

/** One line per incident: its chain of codes, the root cause on its subject, what it affects, the root's runbook. */
function renderIncidents(report, index) {
  const list = document.getElementById('incidents');
  list.replaceChildren();
  const incidents = Array.isArray(report.incidents) ? report.incidents : [];
  document.getElementById('incidents-section').hidden = incidents.length === 0;
  for (const inc of incidents) {
    const root = inc.root || { code: '', name: '', subject: { kind: '', namespace: '', name: '' } };
    const chain = (inc.chain || []).map(String).join(' → ');
    const affects = [...(inc.gateways || []), ...(inc.models || [])].map(String).join(', ');
    const known = index.get(incidentId(inc.id));
    const li = el('li', { class: String(inc.severity || ''), 'data-id': String(inc.id || ''), 'data-root': String(root.code) },
      el('span', { class: 'swatch incident-bar ' + (known ? known.colour : '') }),
      el('span', { class: 'chain' }, chain || String(root.code)), ' ',
      String(root.name) + ' on ' + root.subject.kind + ' ' + subjectKey(root),
      affects ? ' · affects ' + affects : '', ' · ' + (inc.findings || 0) + ' finding(s)');
    const href = runbookHref(String(root.code));
    if (href) li.append(' ', el('a', { href, class: 'runbook' }, 'runbook ' + root.code));
    if (known) li.setAttribute('id', 'incident-' + known.id);
    list.append(li);
  }
}

function render(report) {
  document.getElementById('source').textContent =
    report.source.kind + ' ' + report.source.name + ' · ' + report.generatedAt;
  const s = report.summary;
  const summary = document.getElementById('summary');
  summary.replaceChildren(el('span', { class: 'critical' }, s.critical + ' critical'), ', ',
    el('span', { class: 'warning' }, s.warning + ' warning'), ', ' + s.info + ' info · ' + s.checksRun + ' checks run, ' + s.checksSkipped + ' skipped');
  const incidents = incidentIndex(report);
  const rootIds = new Set();
  renderIncidents(report, incidents);
  const byGateway = new Map();
  for (const f of report.flows) {
    if (!byGateway.has(f.gateway)) byGateway.set(f.gateway, []);
    byGateway.get(f.gateway).push(f);
  }
  const gateways = document.getElementById('gateways');
  gateways.replaceChildren();
  for (const [gateway, flows] of [...byGateway.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    gateways.append(el('section', { class: 'gateway', 'data-gateway': gateway },
      el('h3', {}, 'Gateway ' + gateway), gatewayMap(report, gateway, flows, incidents, rootIds), flowTable(report, flows)));
  }
  linkSymptomsToRoots();
  const rows = document.querySelector('#findings tbody');
  rows.replaceChildren();
  for (const f of report.findings) {
    const code = runbookHref(f.code) ? el('a', { href: runbookHref(f.code) }, f.code) : document.createTextNode(f.code);
    rows.append(el('tr', { 'data-code': f.code }, el('td', { class: f.severity }, f.severity), el('td', {}, code, ' ' + f.name),
      el('td', {}, f.subject.kind + ' ' + subjectKey(f)), el('td', { class: 'message' }, f.message)));
  }
  document.body.dataset.state = 'ready';
  document.body.dataset.generatedAt = report.generatedAt;
}

async function refresh() {
  try {
    const r = await fetch('report', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (r.ok) {
      const report = await r.json();
      if (report.generatedAt !== shown) {
        shown = report.generatedAt;
        render(report);
      }
    } else if (document.body.dataset.state !== 'ready') {
      document.getElementById('source').textContent = 'the agent has no complete cycle yet (' + r.status + ')';
    }
  } catch (e) {
    document.getElementById('source').textContent = 'cannot reach the agent: ' + e.message;
  }
  setTimeout(refresh, POLL_MS);
}

refresh();
