// graph.html: a legible overview of the graph, a search over every entity of it, and
// neighbourhoods drawn on demand. Page text comes only from the JSON data blocks and
// reaches the DOM through textContent, never as markup.
//
// Data blocks (written by kg.render): NODES, every entity {id (IRI), label, kind, deg,
// alts?, facts?, x?, y?}, the ones with x and y forming the overview; EDGES
// [from, to, kind, role?] by node index; POSTS [person, organization, role, evidence,
// articles, first seen, last seen], each end a node index or, when that entity is not in
// the page, its name; DATA.articles [headline, file, date].
(function () {
  "use strict";
  function json(id) { return JSON.parse(document.getElementById(id).textContent); }
  const DATA = json("kg-data"), NODES = json("kg-nodes"), EDGES = json("kg-edges");
  const POSTS = json("kg-posts"), OPTIONS = json("kg-options");
  const KINDS = DATA.kinds, EDGE_KINDS = DATA.edgeKinds, ARTICLES = DATA.articles;
  const KIND_ORDER = DATA.kindOrder;
  const NODE_FONT = "#222222", EDGE_FONT = "#8a2f33", NO_FONT = "rgba(0,0,0,0)";
  const FADED = { background: "#eeeeee", border: "#dddddd",
                  highlight: { background: "#eeeeee", border: "#999999" } };
  const GOLDEN = Math.PI * (3 - Math.sqrt(5));
  const LIST_MAX = 200;  // rows a list in the side panel shows

  // ------------------------------------------------------------ indexes
  const adj = NODES.map(() => []);  // node -> edge indices
  EDGES.forEach((e, j) => { adj[e[0]].push(j); if (e[1] !== e[0]) { adj[e[1]].push(j); } });
  const postsOf = new Map(), pairPosts = new Map();
  function push(map, key, v) { const l = map.get(key); if (l) { l.push(v); } else { map.set(key, [v]); } }
  POSTS.forEach((p, k) => {
    const a = typeof p[0] === "number", b = typeof p[1] === "number";
    if (a) { push(postsOf, p[0], k); }
    if (b) { push(postsOf, p[1], k); }
    if (a && b) { push(pairPosts, p[0] + "," + p[1], k); }
  });
  function other(e, i) { return e[0] === i ? e[1] : e[0]; }
  function byRank(a, b) {
    const x = NODES[a], y = NODES[b];
    return y.deg - x.deg || (x.label < y.label ? -1 : x.label > y.label ? 1 : a - b);
  }
  function neighbours(i) {
    const seen = new Set();
    adj[i].forEach((j) => { const m = other(EDGES[j], i); if (m !== i) { seen.add(m); } });
    return Array.from(seen).sort(byRank);
  }

  // ------------------------------------------------------------ text
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function kindName(k) { const d = KINDS[k]; return d ? d.zh + " " + d.en : k; }
  function cut(s, n) { s = String(s || ""); return s.length > n ? s.slice(0, n - 1) + "…" : s; }
  function base(path) { return String(path || "").split("/").pop(); }
  function artText(a) {
    const r = ARTICLES[a] || ["", "", ""], file = base(r[1]);
    const text = r[0] ? r[0] + (file ? " (" + file + ")" : "") : (file || "?");
    return text + (r[2] ? " " + r[2] : "");
  }
  function name(end) { return typeof end === "number" ? NODES[end].label : end; }
  function when(first, last) { return first ? first + (last && last !== first ? " – " + last : "") : ""; }
  function yearOf(a) {
    const d = (ARTICLES[a] || ["", "", ""])[2], y = parseInt(d.slice(0, 4), 10);
    return /^\d{4}(-|$)/.test(d) ? y : null;
  }
  // a person's most attested post: what tells namesakes apart in a list of hits
  function mainPost(i) {
    let best = null;
    (postsOf.get(i) || []).forEach((k) => {
      const p = POSTS[k];
      if (p[0] === i && (!best || p[4].length > best[4].length)) { best = p; }
    });
    return best ? name(best[1]) + best[2] : "";
  }
  function hint(i) {
    const n = NODES[i], f = n.facts || {};
    return n.kind === "person" ? mainPost(i) : (f.lvl || "");
  }

  // ------------------------------------------------------------ drawing
  function shade(hex) {
    const v = parseInt(hex.slice(1), 16);
    const f = (c) => ("0" + Math.round(c * 0.72).toString(16)).slice(-2);
    return "#" + f((v >> 16) & 255) + f((v >> 8) & 255) + f(v & 255);
  }
  const colours = {};
  KIND_ORDER.forEach((k) => {
    const c = KINDS[k].colour;
    colours[k] = { background: c, border: shade(c), highlight: { background: c, border: "#111111" },
                   hover: { background: c, border: "#111111" } };
  });
  function edgeColour(e) {
    return { color: EDGE_KINDS[e[2]].colour, highlight: "#333333", hover: "#555555", opacity: 0.9 };
  }
  const nodes = new vis.DataSet(), edges = new vis.DataSet();
  const drawnNodes = new Set(), drawnEdges = new Set();
  function visNode(i, x, y) {
    const n = NODES[i];
    return { id: i, label: n.label, shape: KINDS[n.kind].shape, color: colours[n.kind],
             value: Math.log(2 + n.deg), x: x, y: y, hidden: filteredOut(i) };  // hubs of
    // thousands would make every other node and name the smallest: sizes follow log(degree)
  }
  function visEdge(j) {
    const e = EDGES[j], k = EDGE_KINDS[e[2]];
    const hub = Math.max(NODES[e[0]].deg, NODES[e[1]].deg);
    return { id: j, from: e[0], to: e[1], label: e[3], arrows: "to", color: edgeColour(e),
             dashes: k.dashes, length: Math.min(320, Math.max(120, 20 * hub)),
             hidden: edgeFilteredOut(j) };
  }
  function labelPx(label) {
    let w = 0;
    for (const c of String(label).slice(0, 24)) { w += c.charCodeAt(0) > 0x2e7f ? 14 : 8.4; }
    return w;
  }
  // draw `ids` (those not drawn yet) around (x, y) on a sunflower whose cells fit their
  // labels, and every tie between them and what is drawn; returns how many were new
  function add(ids, centre) {
    const fresh = ids.filter((i) => !drawnNodes.has(i));
    if (!fresh.length) { return 0; }
    const widest = Math.max.apply(null, fresh.map((i) => labelPx(NODES[i].label))) + 28;
    const ax = widest / Math.sqrt(Math.PI) * 1.15, ay = 48 / Math.sqrt(Math.PI) * 1.15;
    nodes.add(fresh.map((i, k) => {
      const t = fresh.length === 1 && k === 0 && !centre.around ? 0 : Math.sqrt(k + 1.6);
      const phi = k * GOLDEN;
      return visNode(i, centre.x + ax * t * Math.cos(phi), centre.y + ay * t * Math.sin(phi));
    }));
    fresh.forEach((i) => drawnNodes.add(i));
    const ties = [];
    fresh.forEach((i) => adj[i].forEach((j) => {
      if (!drawnEdges.has(j) && drawnNodes.has(other(EDGES[j], i))) { drawnEdges.add(j); ties.push(visEdge(j)); }
    }));
    edges.add(ties);
    return fresh.length;
  }
  // where an entity that is not drawn goes: by a drawn neighbour, else right of the drawing
  function placeFor(i) {
    const near = neighbours(i).filter((m) => drawnNodes.has(m))[0];
    if (near !== undefined) { const p = network.getPosition(near); return { x: p.x, y: p.y, around: true }; }
    if (!drawnNodes.size) { return { x: 0, y: 0 }; }
    const at = network.getPositions(Array.from(drawnNodes));
    let x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    Object.keys(at).forEach((id) => {
      x1 = Math.max(x1, at[id].x); y0 = Math.min(y0, at[id].y); y1 = Math.max(y1, at[id].y);
    });
    return { x: x1 + 400, y: (y0 + y1) / 2 };
  }

  const container = document.getElementById("kg-network");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, OPTIONS);
  let settled = [];  // what to do once the physics has settled
  // let the physics settle what was added, then freeze it: the drawing no longer moves
  function relax(then) {
    if (drawnNodes.size > DATA.physicsLimit || !drawnNodes.size) { declutter(); network.redraw(); then(); return; }
    settled.push(then);
    network.setOptions({ physics: { enabled: true } });
    network.stabilize(Math.max(30, Math.min(150, Math.round(15000 / drawnNodes.size))));
  }
  network.on("stabilizationIterationsDone", () => {
    network.setOptions({ physics: { enabled: false } });
    declutter();
    const todo = settled;
    settled = [];
    todo.forEach((f) => f());
  });

  // tooltips are built when first hovered, which keeps start-up fast
  const tipped = new Set();
  function nodeTip(i) {
    const n = NODES[i], f = n.facts || {}, t = el("div", "kg-tip");
    t.appendChild(el("b", null, n.label));
    t.appendChild(el("div", "kg-muted", kindName(n.kind) + (f.lvl ? " · " + f.lvl : "") +
                     " · " + n.deg + " 关系 connections"));
    if (n.alts) { t.appendChild(el("div", null, "别名 aliases: " + cut(n.alts.join("、"), 120))); }
    const ps = (postsOf.get(i) || []).map((k) => POSTS[k]);
    ps.filter((p) => p[0] === i).slice(0, 4).forEach((p) => {
      t.appendChild(el("div", null, "职务 " + p[2] + (p[1] !== "" ? " · " + name(p[1]) : "")));
    });
    ps.filter((p) => p[1] === i).slice(0, 4).forEach((p) => {
      t.appendChild(el("div", null, "成员 " + name(p[0]) + " · " + p[2]));
    });
    if (ps.length && ps[0][3]) { t.appendChild(el("div", "kg-muted", "“" + cut(ps[0][3], 140) + "”")); }
    const src = (ps.length && ps[0][4][0] !== undefined) ? ps[0][4][0] : (f.arts ? f.arts[0] : f.art);
    if (src !== undefined) { t.appendChild(el("div", "kg-muted", "来源 source: " + cut(artText(src), 90))); }
    return t;
  }
  function edgeTip(j) {
    const e = EDGES[j], k = EDGE_KINDS[e[2]], t = el("div", "kg-tip");
    t.appendChild(el("b", null, NODES[e[0]].label + " → " + (e[3] || k.zh) + " → " + NODES[e[1]].label));
    t.appendChild(el("div", "kg-muted", k.zh + " " + k.en));
    (pairPosts.get(e[0] + "," + e[1]) || []).slice(0, 3).forEach((q) => {
      const p = POSTS[q];
      t.appendChild(el("div", null, p[2] + ": “" + cut(p[3], 140) + "”"));
      if (p[4].length) { t.appendChild(el("div", "kg-muted", "来源 source: " + cut(artText(p[4][0]), 90))); }
    });
    return t;
  }
  network.on("hoverNode", (p) => {
    if (!tipped.has("n" + p.node)) { tipped.add("n" + p.node); nodes.update({ id: p.node, title: nodeTip(p.node) }); }
  });
  network.on("hoverEdge", (p) => {
    if (!tipped.has("e" + p.edge)) { tipped.add("e" + p.edge); edges.update({ id: p.edge, title: edgeTip(p.edge) }); }
  });

  // ------------------------------------------------------------ labels
  // A name that would cover the name of a better connected entity is not written (its
  // tooltip and the panel still give it): boxes in canvas units, which zooming does not
  // change, so names that do not collide at one zoom collide at none. Names too small to
  // read at the current zoom are left out by vis-network itself (drawThreshold).
  let quiet = new Set();
  function nodeFont(i, on) {
    return on && !quiet.has(i) ? { color: NODE_FONT, strokeColor: "#ffffff" }
      : on ? { color: NO_FONT, strokeColor: NO_FONT } : { color: "rgba(0,0,0,0.18)", strokeColor: NO_FONT };
  }
  function declutter() {
    if (drawnNodes.size > DATA.physicsLimit) { return; }
    const body = network.body, placed = new Map(), cell = 60, now = new Set();
    const ids = Array.from(drawnNodes).filter((i) => !nodes.get(i).hidden && body.nodes[i]).sort(byRank);
    function key(cx, cy) { return cx + "," + cy; }
    ids.forEach((i) => {
      // the label's box as vis-network draws it: below the shape, one line of font size
      const n = body.nodes[i], fs = n.options.font.size, w = labelPx(NODES[i].label) * fs / 14 + 4;
      const top = n.y + 2 * n.options.size;
      const box = { x0: n.x - w / 2, x1: n.x + w / 2, y0: top, y1: top + fs + 4 };
      const cx0 = Math.floor(box.x0 / cell), cx1 = Math.floor(box.x1 / cell);
      const cy0 = Math.floor(box.y0 / cell), cy1 = Math.floor(box.y1 / cell);
      let hit = false;
      for (let cx = cx0; cx <= cx1 && !hit; cx++) {
        for (let cy = cy0; cy <= cy1 && !hit; cy++) {
          hit = (placed.get(key(cx, cy)) || []).some((b) => box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1);
        }
      }
      if (hit) { now.add(i); return; }
      for (let cx = cx0; cx <= cx1; cx++) {
        for (let cy = cy0; cy <= cy1; cy++) { push(placed, key(cx, cy), box); }
      }
    });
    const changed = Array.from(drawnNodes).filter((i) => now.has(i) !== quiet.has(i));
    quiet = now;
    if (changed.length) { nodes.update(changed.map((i) => ({ id: i, font: nodeFont(i, !faded || lit.has(i)) }))); }
  }

  // [names written at the current zoom, how many of them overlap another], from the
  // boxes vis-network drew them in (for tests and the benchmark)
  function writtenLabels() {
    const boxes = [], c = container.getBoundingClientRect();
    const a = network.DOMtoCanvas({ x: 0, y: 0 }), b = network.DOMtoCanvas({ x: c.width, y: c.height });
    Array.from(drawnNodes).forEach((i) => {  // those in view: vis-network measures what it draws
      const n = network.body.nodes[i];
      if (n && !nodes.get(i).hidden && !quiet.has(i) && n.labelModule.visible() &&
          n.x >= a.x && n.x <= b.x && n.y >= a.y && n.y <= b.y) { boxes.push(n.labelModule.size); }
    });
    const over = boxes.filter((a, k) => boxes.some((b, m) => m !== k && a.left < b.left + b.width &&
      b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height)).length;
    return [boxes.length, over];
  }

  // ------------------------------------------------------------ highlight
  let faded = false, lit = new Set();
  function highlight(i) {
    const keep = new Set([i]), ekeep = new Set();
    adj[i].forEach((j) => { if (drawnEdges.has(j)) { ekeep.add(j); keep.add(other(EDGES[j], i)); } });
    lit = keep;
    nodes.update(Array.from(drawnNodes, (m) => keep.has(m)
      ? { id: m, color: colours[NODES[m].kind], font: nodeFont(m, true) }
      : { id: m, color: FADED, font: nodeFont(m, false) }));
    edges.update(Array.from(drawnEdges, (j) => ekeep.has(j)
      ? { id: j, color: edgeColour(EDGES[j]), font: { color: EDGE_FONT } }
      : { id: j, color: { color: "#e3e3e3", opacity: 0.5 }, font: { color: "rgba(0,0,0,0)" } }));
    faded = true;
  }
  function unhighlight() {
    if (!faded) { return; }
    lit = new Set();
    nodes.update(Array.from(drawnNodes, (m) => ({ id: m, color: colours[NODES[m].kind], font: nodeFont(m, true) })));
    edges.update(Array.from(drawnEdges, (j) => ({ id: j, color: edgeColour(EDGES[j]), font: { color: EDGE_FONT } })));
    faded = false;
  }

  // ------------------------------------------------------------ legend and filters
  const SVG = "http://www.w3.org/2000/svg";
  function svg(w, h, shape, attrs) {
    const s = document.createElementNS(SVG, "svg"), e = document.createElementNS(SVG, shape);
    s.setAttribute("width", w); s.setAttribute("height", h);
    s.setAttribute("viewBox", "0 0 " + w + " " + h); s.setAttribute("aria-hidden", "true");
    Object.keys(attrs).forEach((k) => e.setAttribute(k, attrs[k]));
    s.appendChild(e);
    return s;
  }
  const SYMBOLS = {
    dot: ["circle", { cx: 8, cy: 8, r: 6 }], square: ["rect", { x: 2, y: 2, width: 12, height: 12 }],
    triangle: ["polygon", { points: "8,1 15,14 1,14" }], diamond: ["polygon", { points: "8,1 15,8 8,15 1,8" }],
    star: ["polygon", { points: "8,1 10,6 15,6 11,9 13,15 8,11 3,15 5,9 1,6 6,6" }],
  };
  const counts = {};
  NODES.forEach((n) => { counts[n.kind] = (counts[n.kind] || 0) + 1; });
  const typeList = document.getElementById("kg-types");
  KIND_ORDER.filter((k) => counts[k]).forEach((k) => {
    const li = el("li"), label = el("label"), box = el("input");
    box.type = "checkbox"; box.checked = true; box.setAttribute("data-kind", k);
    const sym = SYMBOLS[KINDS[k].shape] || SYMBOLS.star;
    label.appendChild(box);
    label.appendChild(svg(16, 16, sym[0], Object.assign({ fill: KINDS[k].colour }, sym[1])));
    label.appendChild(el("span", null, kindName(k)));
    label.appendChild(el("span", "kg-count", counts[k]));
    li.appendChild(label);
    typeList.appendChild(li);
  });
  const edgeList = document.getElementById("kg-edge-kinds");
  const edgeKindsPresent = new Set(EDGES.map((e) => e[2]));
  DATA.edgeOrder.filter((k) => edgeKindsPresent.has(k)).forEach((k) => {
    const li = el("li"), line = { x1: 1, y1: 5, x2: 25, y2: 5, stroke: EDGE_KINDS[k].colour, "stroke-width": 2 };
    if (EDGE_KINDS[k].dashes) { line["stroke-dasharray"] = "4 3"; }
    li.appendChild(svg(26, 10, "line", line));
    li.appendChild(el("span", null, EDGE_KINDS[k].zh + " " + EDGE_KINDS[k].en));
    edgeList.appendChild(li);
  });
  const boxes = Array.from(document.querySelectorAll("input[data-kind]"));
  const from = document.getElementById("kg-from"), to = document.getElementById("kg-to");
  if (DATA.years.length) {
    document.getElementById("kg-years").hidden = false;
    [from, to].forEach((input) => { input.min = DATA.years[0]; input.max = DATA.years[1]; });
    from.value = DATA.years[0]; to.value = DATA.years[1];
  }
  function kindOn(k) {
    const b = boxes.filter((x) => x.getAttribute("data-kind") === k)[0];
    return !b || b.checked;
  }
  function yearRange() {
    if (!DATA.years.length) { return null; }
    let lo = parseInt(from.value, 10), hi = parseInt(to.value, 10);
    if (isNaN(lo)) { lo = DATA.years[0]; }
    if (isNaN(hi)) { hi = DATA.years[1]; }
    return lo <= DATA.years[0] && hi >= DATA.years[1] ? null : [lo, hi];
  }
  function inYears(arts, r) {
    return (arts || []).some((a) => { const y = yearOf(a); return y !== null && y >= r[0] && y <= r[1]; });
  }
  let range = null;
  function filteredOut(i) {
    const n = NODES[i];
    return !kindOn(n.kind) || !!(range && !inYears((n.facts || {}).arts, range));
  }
  function edgeFilteredOut(j) {
    const e = EDGES[j];
    if (!range || e[2] !== "member") { return false; }
    const arts = [];
    (pairPosts.get(e[0] + "," + e[1]) || []).forEach((k) => arts.push.apply(arts, POSTS[k][4]));
    return arts.length > 0 && !inYears(arts, range);
  }
  function applyFilters() {
    range = yearRange();
    nodes.update(Array.from(drawnNodes, (i) => ({ id: i, hidden: filteredOut(i) })));
    edges.update(Array.from(drawnEdges, (j) => ({ id: j, hidden: edgeFilteredOut(j) })));
    declutter();
    showResults();
  }
  boxes.forEach((b) => b.addEventListener("change", applyFilters));
  [from, to].forEach((i) => i.addEventListener("change", applyFilters));

  // ------------------------------------------------------------ the side panel
  const panel = document.getElementById("kg-panel");
  function link(i) {
    const b = el("button", "kg-link", NODES[i].label);
    b.type = "button";
    b.addEventListener("click", () => open(i));
    return b;
  }
  function end(v) { return typeof v === "number" ? link(v) : el("span", null, v); }
  function sources(parent, arts) {
    (arts || []).forEach((a) => parent.appendChild(el("div", "kg-src", "来源 " + artText(a))));
  }
  function facts(title, rows, render) {
    if (!rows.length) { return; }
    panel.appendChild(el("h2", null, title + " (" + rows.length + ")"));
    const ul = el("ul");
    rows.slice(0, LIST_MAX).forEach((r) => { const li = el("li"); render(li, r); ul.appendChild(li); });
    if (rows.length > LIST_MAX) { ul.appendChild(el("li", "kg-hint", "… " + (rows.length - LIST_MAX) + " more")); }
    panel.appendChild(ul);
  }
  function showPanel(i) {
    const n = NODES[i], f = n.facts || {};
    panel.textContent = "";
    panel.setAttribute("data-kg-entity", String(i));
    panel.appendChild(el("h2", "kg-title", n.label));
    panel.appendChild(el("div", "kg-kind", kindName(n.kind) + (f.lvl ? " · " + f.lvl : "") +
      (f.code ? " · " + f.code : "") + (f.n ? " · 提及 " + f.n + " 次 mentions" : "")));
    const hidden = neighbours(i).filter((m) => !drawnNodes.has(m)).length;
    const line = el("div", "kg-drawn", n.deg + " 关系 connections");
    if (hidden) {
      const b = el("button", null, "展开 expand: 画出 " + Math.min(hidden, DATA.expand) + " / " + hidden + " 个未画出的邻居 more neighbours");
      b.type = "button"; b.id = "kg-expand";
      b.addEventListener("click", () => expand(i));
      line.appendChild(b);
    }
    panel.appendChild(line);
    if (n.alts) {
      panel.appendChild(el("h2", null, "别名 aliases"));
      panel.appendChild(el("div", "kg-alts", n.alts.join("、")));
    }
    const ps = (postsOf.get(i) || []).map((k) => POSTS[k]);
    facts("职务 positions", ps.filter((p) => p[0] === i), (li, p) => {
      if (p[5]) { li.appendChild(el("div", "kg-when", when(p[5], p[6]))); }
      li.appendChild(el("b", null, p[2]));
      if (p[1] !== "") { li.appendChild(document.createTextNode(" · ")); li.appendChild(end(p[1])); }
      if (p[3]) { li.appendChild(el("blockquote", null, p[3])); }
      sources(li, p[4]);
    });
    facts("成员 members", ps.filter((p) => p[1] === i), (li, p) => {
      li.appendChild(end(p[0]));
      li.appendChild(document.createTextNode(" · "));
      li.appendChild(el("b", null, p[2]));
      if (p[5]) { li.appendChild(el("span", "kg-when", " " + when(p[5], p[6]))); }
      if (p[3]) { li.appendChild(el("blockquote", null, p[3])); }
      sources(li, p[4]);
    });
    facts("关系 relations", adj[i].filter((j) => EDGES[j][2] !== "member"), (li, j) => {
      const e = EDGES[j], out = e[0] === i, k = EDGE_KINDS[e[2]];
      li.appendChild(el("span", "kg-kind", (out ? "" : "← ") + k.zh + (out ? " → " : " ")));
      li.appendChild(link(other(e, i)));
    });
    facts("来源 sources", f.arts || [], (li, a) => { li.textContent = artText(a); });
    if (f.art !== undefined) { panel.appendChild(el("div", "kg-src", artText(f.art))); }
    panel.appendChild(el("div", "kg-iri", n.id));
  }

  // ------------------------------------------------------------ open, expand, select
  function select(i, fade) {
    if (!drawnNodes.has(i)) { return; }
    network.selectNodes([i]);
    if (fade) { highlight(i); } else { unhighlight(); }
    showPanel(i);
  }
  function look(i) {
    network.focus(i, { scale: Math.max(network.getScale(), 0.9), animation: { duration: 300 } });
  }
  // show the entity's kind again if it was filtered out, so that opening it shows it
  function reveal(i) {
    const k = NODES[i].kind, b = boxes.filter((x) => x.getAttribute("data-kind") === k)[0];
    if ((b && !b.checked) || filteredOut(i)) {
      if (b) { b.checked = true; }
      from.value = DATA.years[0] || ""; to.value = DATA.years[1] || "";
      applyFilters();
    }
  }
  // draw up to DATA.expand more of an entity's neighbours (most connected first) around it
  function expand(i) {
    if (!drawnNodes.has(i)) { open(i); return; }
    const more = neighbours(i).filter((m) => !drawnNodes.has(m)).slice(0, DATA.expand);
    const p = network.getPosition(i);
    add(more, { x: p.x, y: p.y, around: true });
    relax(() => { select(i, true); look(i); });
  }
  // draw an entity (a search hit, a link in the panel) with its neighbours, and select it
  function open(i) {
    reveal(i);
    if (!drawnNodes.has(i)) { add([i], placeFor(i)); }
    const more = neighbours(i).filter((m) => !drawnNodes.has(m)).slice(0, DATA.expand);
    const p = network.getPosition(i);
    add(more, { x: p.x, y: p.y, around: true });
    select(i, true);
    relax(() => { select(i, true); look(i); });
  }
  network.on("click", (p) => {
    if (p.nodes.length) { select(p.nodes[0], true); } else if (!p.edges.length) { unhighlight(); }
  });
  network.on("doubleClick", (p) => { if (p.nodes.length) { expand(p.nodes[0]); } });

  // ------------------------------------------------------------ search
  const input = document.getElementById("kg-search"), results = document.getElementById("kg-results");
  const SEP = "\u0001";
  function squash(s) { return String(s).replace(/\s+/g, "").toLowerCase(); }
  let index = null, byIri = null;  // made at the first search: start-up stays fast
  function indexes() {
    index = NODES.map((n) => ({  // spaces ignored, as OCR puts them inside names
      label: squash(n.label), alts: SEP + (n.alts || []).map(squash).join(SEP) + SEP }));
    byIri = new Map(NODES.map((n, i) => [n.id, i]));
  }
  function rank(r, q) {
    if (r.label === q) { return 0; }
    if (r.alts.indexOf(SEP + q + SEP) >= 0) { return 1; }
    const at = r.label.indexOf(q);
    return at === 0 ? 2 : at > 0 ? 3 : r.alts.indexOf(q) >= 0 ? 4 : -1;
  }
  // every entity of the page: exact name, exact alias, name prefix, then any part of a
  // name or an alias; those of the types shown unless `all`
  function search(q, all) {
    if (!index) { indexes(); }
    if (byIri.has(q.trim())) { return [byIri.get(q.trim())]; }
    q = squash(q);
    if (!q) { return []; }
    const hits = [];
    index.forEach((r, i) => {
      const s = rank(r, q);
      if (s >= 0 && (all || kindOn(NODES[i].kind))) { hits.push([s, r.label.length, r.label, i]); }
    });
    hits.sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : a[3] - b[3]));
    return hits.map((h) => h[3]);
  }
  function entry(i) {
    const n = NODES[i], b = el("button"), sw = el("span", "kg-sw");
    b.type = "button";
    b.setAttribute("data-kg-node", String(i));
    sw.style.background = KINDS[n.kind].colour;
    b.appendChild(sw);
    b.appendChild(document.createTextNode(n.label));
    const h = hint(i);
    b.appendChild(el("span", "kg-hint", " · " + KINDS[n.kind].zh + (h ? " · " + h : "")));
    b.addEventListener("click", () => open(i));
    return b;
  }
  function showResults() {
    results.textContent = "";
    if (!input.value.trim()) { return; }
    const hits = search(input.value, false);
    hits.slice(0, 12).forEach((i) => { const li = el("li"); li.appendChild(entry(i)); results.appendChild(li); });
    if (hits.length > 12) { results.appendChild(el("li", "kg-hint", "… " + (hits.length - 12) + " more: type more of the name")); }
    if (!hits.length) { results.appendChild(el("li", "kg-hint", "没有找到 no entity matches")); }
  }
  input.addEventListener("input", showResults);
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") { const hit = search(input.value, false)[0]; if (hit !== undefined) { open(hit); } }
    if (ev.key === "Escape") { input.value = ""; results.textContent = ""; }
  });

  // ------------------------------------------------------------ unconnected entities
  const lonely = NODES.map((n, i) => i).filter((i) => NODES[i].deg === 0);
  if (lonely.length) {
    lonely.sort((a, b) => KIND_ORDER.indexOf(NODES[a].kind) - KIND_ORDER.indexOf(NODES[b].kind) || byRank(a, b));
    const list = document.getElementById("kg-unconnected-list");
    document.getElementById("kg-unconnected").hidden = false;
    document.getElementById("kg-unconnected-count").textContent = String(lonely.length);
    lonely.slice(0, LIST_MAX).forEach((i) => { const li = el("li"); li.appendChild(entry(i)); list.appendChild(li); });
    if (lonely.length > LIST_MAX) {
      list.appendChild(el("li", "kg-hint", "… " + (lonely.length - LIST_MAX) + " more: search finds them"));
    }
  }

  // ------------------------------------------------------------ start
  let home = {};  // the overview's settled positions, for the reset button
  function drawOverview() {
    DATA.overview.forEach((i) => drawnNodes.add(i));  // first: the ties below need them all
    nodes.add(DATA.overview.map((i) => visNode(i, NODES[i].x, NODES[i].y)));
    const ties = [];
    DATA.overview.forEach((i) => adj[i].forEach((j) => {
      if (!drawnEdges.has(j) && drawnNodes.has(other(EDGES[j], i))) { drawnEdges.add(j); ties.push(visEdge(j)); }
    }));
    edges.add(ties);
  }
  function fitAll() {
    if (!drawnNodes.size) { return; }
    network.fit({ nodes: Array.from(drawnNodes), animation: false });
    if (network.getScale() > 1.2) {
      network.moveTo({ position: network.getViewPosition(), scale: 1.2, animation: false });
    }
  }
  document.getElementById("kg-reset").addEventListener("click", () => {
    network.unselectAll(); faded = false; input.value = ""; results.textContent = "";
    boxes.forEach((b) => { b.checked = true; });
    if (DATA.years.length) { from.value = DATA.years[0]; to.value = DATA.years[1]; }
    range = null;
    nodes.clear(); edges.clear(); drawnNodes.clear(); drawnEdges.clear();
    DATA.overview.forEach((i) => { NODES[i].x = home[i] ? home[i].x : NODES[i].x; NODES[i].y = home[i] ? home[i].y : NODES[i].y; });
    drawOverview();
    quiet = new Set();
    declutter();
    panel.textContent = "";
    fitAll();
  });
  // the entity named after # in the page's address; a malformed one is ignored
  function fromLink() {
    try { return decodeURIComponent((location.hash || "").slice(1)); } catch (e) { return ""; }
  }
  function ready() {
    declutter();
    home = network.getPositions(Array.from(drawnNodes));
    fitAll();
    const start = fromLink(), hit = start ? search(start, true)[0] : undefined;
    if (hit !== undefined) { open(hit); } else if (DATA.focus.length) { select(DATA.focus[0], false); }
    if (!drawnNodes.size) { document.getElementById("kg-unconnected").open = true; }
    network.once("afterDrawing", () => {
      document.body.setAttribute("data-kg-drawn", String(Math.round(performance.now())));
    });
    network.redraw();
  }
  window.kg = { network: network, open: open, expand: expand, select: select, search: search,
                drawn: () => Array.from(drawnNodes),
                shown: () => Array.from(drawnNodes).filter((i) => !nodes.get(i).hidden),
                labels: writtenLabels,
                nodes: NODES };  // for the console and tests
  drawOverview();
  if (OPTIONS.physics.enabled && drawnNodes.size) {
    settled.push(ready);
    network.stabilize(OPTIONS.physics.stabilization.iterations);
  } else {
    ready();
  }
}());
