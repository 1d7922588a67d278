// kg explorer: search every entity, open one, expand neighbours, filter by type.
// Talks only to this server (/api/search, /api/entity, /api/part); text goes in as
// textContent. Long lists (posts, members, neighbours, sources) come a page at a time.
"use strict";
(function () {
  const COLORS = { person: "#d9534f", organization: "#337ab7", place: "#5cb85c",
                   programme: "#f0ad4e", article: "#888888", other: "#888888" };
  const nodes = new vis.DataSet();
  const edges = new vis.DataSet();
  const shown = new Set(["person", "organization", "place", "programme", "article", "other"]);
  const view = {
    nodes: new vis.DataView(nodes, { filter: (n) => shown.has(n.kind) }),
    edges: edges,
  };
  const network = new vis.Network(document.getElementById("network"), view, {
    nodes: { shape: "dot", size: 12, font: { size: 14 } },
    edges: { arrows: { to: { enabled: true, scaleFactor: 0.5 } }, font: { size: 10, align: "middle" },
             color: { color: "#999" } },
    physics: { stabilization: { iterations: 150 }, barnesHut: { springLength: 120 } },
    interaction: { hover: true },
  });
  window.kgExplorer = { nodes: nodes, edges: edges, network: network, expanded: new Set() };

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k === "data") Object.assign(e.dataset, v);
      else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return e;
  }
  function kindTag(kind) { return el("span", { class: "kind kind-" + kind }, kind); }
  function kinds() {
    return [...document.querySelectorAll("input[name=kind]:checked")].map((i) => i.value);
  }
  function addNode(iri, label, kind) {
    if (!nodes.get(iri)) {
      nodes.add({ id: iri, label: label, kind: kind, color: COLORS[kind] || COLORS.other, title: iri });
    }
  }

  let searchSeq = 0;
  async function search() {
    const q = document.getElementById("search").value.trim();
    const seq = ++searchSeq;
    const list = document.getElementById("hits");
    if (!q) { list.replaceChildren(); return; }
    const url = "/api/search?q=" + encodeURIComponent(q) + "&types=" + encodeURIComponent(kinds().join(","));
    const hits = await (await fetch(url)).json();
    if (seq !== searchSeq) return;  // a newer search is under way
    list.replaceChildren(...hits.map((h) => {
      if (h.more) {
        const n = h.exact === false ? "more than " + h.more : h.more;
        return el("li", { class: "meta more" }, "… " + n + " more: type more of the name");
      }
      const meta = [h.city, h.post].filter(Boolean).join(" · ");
      return el("li", { class: "hit", data: { iri: h.iri } },
        el("span", { class: "label" }, h.label), kindTag(h.kind),
        meta ? el("div", { class: "meta" }, meta) : null);
    }));
    if (!hits.length) list.append(el("li", { class: "meta" }, "no entity matches"));
  }

  async function fetchEntity(iri) {
    const r = await fetch("/api/entity?iri=" + encodeURIComponent(iri));
    return r.ok ? r.json() : null;
  }

  // draw neighbours around an entity
  function drawNeighbours(iri, items) {
    for (const n of items) {
      addNode(n.iri, n.label, n.kind);
      const [from, to] = n.dir === "out" ? [iri, n.iri] : [n.iri, iri];
      const id = from + "|" + n.rel + "|" + to;
      if (!edges.get(id)) edges.add({ id: id, from: from, to: to, label: n.rel });
    }
  }

  // draw an entity's neighbours around it (expand): the first page of them
  async function expand(iri) {
    const e = await fetchEntity(iri);
    if (!e) return null;
    addNode(e.iri, e.label, e.kind);
    drawNeighbours(e.iri, e.neighbours.items);
    window.kgExplorer.expanded.add(e.iri);
    return e;
  }

  // the next page of one of an entity's lists
  async function fetchPart(iri, part, offset) {
    const url = "/api/part?iri=" + encodeURIComponent(iri) + "&part=" + part + "&offset=" + offset;
    const r = await fetch(url);
    return r.ok ? r.json() : null;
  }

  async function open(iri) {
    const e = await expand(iri);
    if (!e) return;
    showDetails(e);
    network.selectNodes([e.iri]);
    network.focus(e.iri, { animation: false });
  }

  function entityLink(iri, label, kind) {
    const a = el("a", { class: "entity", data: { iri: iri } }, label);
    return kind ? el("span", {}, a, kindTag(kind)) : a;
  }

  function postItem(p) {
    const dates = [p.first, p.last].filter(Boolean);
    const when = dates.length ? " (" + [...new Set(dates)].join(" – ") + ")" : "";
    const li = el("li", { class: "post" }, p.role + " ",
      p.other ? entityLink(p.other, p.label, p.kind) : null, when);
    for (const ev of p.evidence) li.append(el("div", { class: "evidence" }, ev));
    for (const s of p.sources) {
      li.append(el("div", { class: "meta source" }, "source: " + (s.file || s.title || s.iri) + (s.date ? " · " + s.date : "")));
    }
    return li;
  }
  function sourceItem(s) {
    return el("li", { class: "meta source" }, [s.title, s.file, s.date].filter(Boolean).join(" · ") || s.iri);
  }
  function neighbourItem(n) { return el("li", {}, n.rel + " ", entityLink(n.iri, n.label, n.kind)); }

  // a list of `page.total` items, `page.items` shown, and a button for the next page
  function pagedList(e, part, title, page, item) {
    const ul = el("ul", { id: part }, ...page.items.map(item));
    const head = el("h3", {}, title + (page.total > page.items.length ? " (" + page.total + ")" : ""));
    let shown = page.items.length;
    const more = el("button", { type: "button", class: "more", data: { part: part } });
    function label() { more.textContent = "show more (" + (page.total - shown) + " left)"; }
    label();
    more.hidden = shown >= page.total;
    more.addEventListener("click", async () => {
      const next = await fetchPart(e.iri, part, shown);
      if (!next) return;
      ul.append(...next.items.map(item));
      if (part === "neighbours") drawNeighbours(e.iri, next.items);
      shown += next.items.length;
      label();
      more.hidden = shown >= next.total || !next.items.length;
    });
    return [head, ul, more];
  }

  function showDetails(e) {
    const d = document.getElementById("details");
    const meta = [e.city, e.post].filter(Boolean).join(" · ");
    const parts = [el("h2", {}, e.label, kindTag(e.kind)),
                   meta ? el("div", { class: "meta" }, meta) : null,
                   el("div", { class: "meta" }, e.iri)];
    if (e.posts.total) parts.push(...pagedList(e, "posts", "Posts", e.posts, postItem));
    if (e.members.total) parts.push(...pagedList(e, "members", "Members", e.members, postItem));
    if (e.neighbours.total) {
      parts.push(...pagedList(e, "neighbours", "Neighbours", e.neighbours, neighbourItem));
    }
    if (e.facts.length) {
      parts.push(el("h3", {}, "Facts"), el("ul", { id: "facts" }, ...e.facts.map(
        (f) => el("li", {}, f.p + ": " + f.v))));
    }
    if (e.sources.total) parts.push(...pagedList(e, "sources", "Sources", e.sources, sourceItem));
    d.replaceChildren(...parts.filter(Boolean));
    d.hidden = false;
  }

  let timer = null;
  document.getElementById("search").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, 150);
  });
  document.getElementById("search-form").addEventListener("submit", (ev) => { ev.preventDefault(); search(); });
  document.getElementById("hits").addEventListener("click", (ev) => {
    const li = ev.target.closest("li.hit");
    if (li) open(li.dataset.iri);
  });
  document.getElementById("details").addEventListener("click", (ev) => {
    const a = ev.target.closest("a.entity");
    if (a) open(a.dataset.iri);
  });
  for (const box of document.querySelectorAll("input[name=kind]")) {
    box.addEventListener("change", () => {
      if (box.checked) shown.add(box.value); else shown.delete(box.value);
      view.nodes.refresh();
      search();
    });
  }
  network.on("click", async (params) => {
    if (params.nodes.length) {
      const e = await expand(params.nodes[0]);
      if (e) showDetails(e);
    }
  });
  window.kgExplorer.open = open;
  window.kgExplorer.expand = expand;
})();
