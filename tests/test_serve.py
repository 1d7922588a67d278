"""kg serve: the SPARQL 1.1 Protocol endpoint (through SPARQLWrapper and plain HTTP) and
the explorer in a real browser (selenium driving Debian's headless chromium).

Servers bind 127.0.0.1 on a free port and stop when the module's tests end. Browser
tests are skipped when chromium or its driver is missing, except under CI (CI=true)."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import headless_chrome

from kg.serve import make_app, negotiate, open_explorer

# two namesakes in two cities, an organization tree, a place, a programme
GRAPH = """
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix kgo: <https://w3id.org/kg-zh/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@base <https://w3id.org/kg-zh/id/> .

<place/410100> a schema:Place, kgo:City ; rdfs:label "郑州市"@zh .
<place/411100> a schema:Place, kgo:City ; rdfs:label "开封市"@zh .
<org/郑州市委> a org:Organization ; rdfs:label "郑州市委"@zh ; skos:altLabel "市委"@zh ;
    schema:location <place/410100> .
<org/郑州市委宣传部> a org:Organization ; rdfs:label "郑州市委宣传部"@zh ;
    org:subOrganizationOf <org/郑州市委> ; schema:location <place/410100> .
<org/开封市政府> a org:Organization ; rdfs:label "开封市政府"@zh ;
    schema:location <place/411100> .
<person/郑州/王明远> a foaf:Person ; rdfs:label "王明远"@zh ; kgo:mentionCount 3 .
<person/开封/王明远> a foaf:Person ; rdfs:label "王明远"@zh ; kgo:mentionCount 1 .
<person/郑州/李书华> a foaf:Person ; rdfs:label "李书华"@zh ; kgo:mentionCount 2 .
<role/部长> a org:Role ; rdfs:label "部长"@zh .
<role/副市长> a org:Role ; rdfs:label "副市长"@zh .
<role/书记> a org:Role ; rdfs:label "书记"@zh .
<article/t1> a schema:NewsArticle ; kgo:sourceFile "t1.txt" ;
    schema:datePublished "2023-05-02"^^xsd:date .
<article/t2> a schema:NewsArticle ; kgo:sourceFile "t2.txt" .
<membership/1> a org:Membership ; org:member <person/郑州/王明远> ; org:role <role/部长> ;
    org:organization <org/郑州市委宣传部> ;
    kgo:evidence "市委宣传部部长王明远出席会议。"@zh ; kgo:evidenceSource <article/t1> ;
    kgo:firstSeen "2023-05-02"^^xsd:date ; kgo:lastSeen "2023-05-02"^^xsd:date .
<membership/2> a org:Membership ; org:member <person/开封/王明远> ; org:role <role/副市长> ;
    org:organization <org/开封市政府> ;
    kgo:evidence "副市长王明远调研企业。"@zh ; kgo:evidenceSource <article/t2> .
<membership/3> a org:Membership ; org:member <person/郑州/李书华> ; org:role <role/书记> ;
    org:organization <org/郑州市委> ;
    kgo:evidence "市委书记李书华主持会议。"@zh ; kgo:evidenceSource <article/t1> .
<program/文明城市> a kgo:Program ; rdfs:label "文明城市"@zh ; kgo:runBy <org/郑州市委> .
"""
ZZ = "https://w3id.org/kg-zh/id/person/郑州/王明远"
# an association with more members than a page holds (kg.serve.PARTS["members"]: 50)
MANY = 60
ASSOCIATION = "https://w3id.org/kg-zh/id/org/开封市书法协会"
GRAPH += """<org/开封市书法协会> a org:Organization ; rdfs:label "开封市书法协会"@zh ;
    schema:location <place/411100> .
<role/会员> a org:Role ; rdfs:label "会员"@zh .
""" + "".join(
    f"""<person/开封/赵会员{i:02d}> a foaf:Person ; rdfs:label "赵会员{i:02d}"@zh ;
    prov:wasDerivedFrom <article/t2> .
<membership/m{i:02d}> a org:Membership ; org:member <person/开封/赵会员{i:02d}> ;
    org:role <role/会员> ; org:organization <org/开封市书法协会> ;
    kgo:firstSeen "2023-01-{1 + i % 28:02d}"^^xsd:date .
""" for i in range(MANY)) + "".join(
    f"""<article/s{i:02d}> a schema:NewsArticle ; kgo:sourceFile "s{i:02d}.txt" .
<org/开封市书法协会> prov:wasDerivedFrom <article/s{i:02d}> .
""" for i in range(MANY // 2))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    path = tmp_path_factory.mktemp("serve") / "graph.ttl"
    path.write_text(GRAPH, encoding="utf-8")
    app = make_app(open_explorer(str(path)), timeout=3, max_rows=5)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)


def _get(url: str, accept: str | None = None, data: bytes | None = None,
         ctype: str | None = None) -> tuple[int, str, str]:
    req = urllib.request.Request(url, data=data)
    if accept:
        req.add_header("Accept", accept)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode()


# the three persons of the namesakes' test (the association's members are not counted)
COUNT_PERSONS = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a foaf:Person ; kgo:mentionCount ?c }"


def test_serve_sparqlwrapper_select_json_and_xml(server: str) -> None:
    from SPARQLWrapper import JSON, XML, SPARQLWrapper

    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery("PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
                "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                "SELECT ?p ?l WHERE { ?p a foaf:Person ; rdfs:label ?l ; kgo:mentionCount ?c } "
                "ORDER BY ?p")
    sw.setReturnFormat(JSON)
    res: Any = sw.query().convert()
    labels = [b["l"] for b in res["results"]["bindings"]]
    assert labels[0] == {"type": "literal", "value": "王明远", "xml:lang": "zh"}
    assert len(labels) == 3
    sw.setReturnFormat(XML)
    sw.setMethod("POST")
    doc = sw.query().convert()
    assert len(doc.getElementsByTagName("result")) == 3


def test_serve_sparqlwrapper_ask_and_construct(server: str) -> None:
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    sw = SPARQLWrapper(server + "/sparql")
    sw.setQuery("ASK { ?p a <http://xmlns.com/foaf/0.1/Person> }")
    sw.setReturnFormat(JSON)
    assert sw.query().convert()["boolean"] is True  # type: ignore[index,call-overload]
    sw.setQuery("CONSTRUCT { ?p ?q ?o } WHERE { ?p a kgo:Program ; ?q ?o }")
    sw.setReturnFormat(TURTLE)
    assert "文明城市" in sw.query().convert().decode()  # type: ignore[union-attr]


def test_serve_sparql_csv_tsv_and_post_forms(server: str) -> None:
    q = urllib.parse.urlencode({"query": COUNT_PERSONS})
    code, ctype, body = _get(f"{server}/sparql?{q}", accept="text/csv")
    assert (code, ctype.split(";")[0], body) == (200, "text/csv", "n\r\n3\r\n")
    code, ctype, body = _get(f"{server}/sparql?{q}", accept="text/tab-separated-values")
    assert body == '?n\n"3"^^<http://www.w3.org/2001/XMLSchema#integer>\n'
    code, _, body = _get(f"{server}/sparql", "text/csv", q.encode(),
                         "application/x-www-form-urlencoded")
    assert (code, body) == (200, "n\r\n3\r\n")
    code, _, body = _get(f"{server}/sparql", "text/csv", COUNT_PERSONS.encode(),
                         "application/sparql-query")
    assert (code, body) == (200, "n\r\n3\r\n")


def test_serve_sparql_refuses_updates_and_bad_queries(server: str) -> None:
    upd = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    code, _, body = _get(f"{server}/sparql", None, urllib.parse.urlencode({"update": upd}).encode(),
                         "application/x-www-form-urlencoded")
    assert code == 403 and "read-only" in body
    code, _, _ = _get(f"{server}/sparql", None, upd.encode(), "application/sparql-update")
    assert code == 403
    code, _, body = _get(f"{server}/sparql?" + urllib.parse.urlencode({"query": upd}))
    assert code == 400
    code, _, body = _get(f"{server}/sparql?" + urllib.parse.urlencode({"query": "SELECT ?x {"}))
    assert code == 400 and body.startswith("bad SPARQL")
    code, _, _ = _get(f"{server}/sparql")
    assert code == 400
    code, _, _ = _get(f"{server}/sparql?" + urllib.parse.urlencode({"query": COUNT_PERSONS}),
                      accept="image/png")
    assert code == 406


def test_serve_sparql_row_limit_and_timeout(server: str) -> None:
    q = urllib.parse.urlencode({"query": "SELECT ?s WHERE { ?s ?p ?o }"})
    req = urllib.request.Request(f"{server}/sparql?{q}", headers={"Accept": "text/csv"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.headers["X-KG-Truncated"] == "true"
        assert len(r.read().decode().splitlines()) == 1 + 5
    # a cross product that would run for hours is stopped at the limit (3 s here)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    code, _, body = _get(f"{server}/sparql?" + urllib.parse.urlencode({"query": slow}))
    assert code == 503 and "stopped" in body
    # and the server still answers
    code, _, body = _get(f"{server}/sparql?" + urllib.parse.urlencode({"query": COUNT_PERSONS}),
                         accept="text/csv")
    assert (code, body) == (200, "n\r\n3\r\n")


def test_serve_search_tells_namesakes_apart(server: str) -> None:
    code, _, body = _get(f"{server}/api/search?q=" + urllib.parse.quote("王明远"))
    hits = json.loads(body)
    assert code == 200
    assert [(h["kind"], h.get("city"), h.get("post")) for h in hits] == [
        ("person", "郑州市", "郑州市委宣传部部长"), ("person", "开封市", "开封市政府副市长")]
    code, _, body = _get(f"{server}/api/search?types=place&q=" + urllib.parse.quote("市"))
    assert {h["label"] for h in json.loads(body)} == {"郑州市", "开封市"}


def test_serve_entity_has_posts_evidence_sources_dates(server: str) -> None:
    code, _, body = _get(f"{server}/api/entity?iri={urllib.parse.quote(ZZ)}")
    e = json.loads(body)
    assert code == 200 and e["label"] == "王明远"
    assert (e["city"], e["post"]) == ("郑州市", "郑州市委宣传部部长")
    [post] = e["posts"]["items"]
    assert e["posts"]["total"] == 1
    assert post["role"] == "部长" and post["label"] == "郑州市委宣传部"
    assert post["evidence"] == ["市委宣传部部长王明远出席会议。"]
    assert post["sources"][0]["file"] == "t1.txt" and post["first"] == "2023-05-02"
    assert {n["label"] for n in e["neighbours"]["items"]} == {"郑州市委宣传部"}
    assert {"p": "kgo:mentionCount", "v": "3"} in e["facts"]
    code, _, _ = _get(f"{server}/api/entity?iri=urn:nothing")
    assert code == 404
    code, _, _ = _get(f"{server}/api/entity?iri=" + urllib.parse.quote("x> ?p ?o } #"))
    assert code == 404


def test_serve_long_lists_come_in_pages(server: str) -> None:
    """An organization with more members (and sources) than a page: the first page and
    the total come with the entity, /api/part gives the rest, every item once."""
    q = urllib.parse.quote(ASSOCIATION)
    code, _, body = _get(f"{server}/api/entity?iri={q}")
    e = json.loads(body)
    assert code == 200 and e["city"] == "开封市"
    assert (e["members"]["total"], len(e["members"]["items"])) == (MANY, 50)
    assert (e["sources"]["total"], len(e["sources"]["items"])) == (MANY // 2, 20)
    assert e["neighbours"]["total"] == MANY + 1  # the members and its place
    firsts = [m["first"] for m in e["members"]["items"]]
    assert firsts == sorted(firsts)  # in time order
    code, _, body = _get(f"{server}/api/part?iri={q}&part=members&offset=50")
    rest = json.loads(body)
    assert (rest["total"], rest["offset"], len(rest["items"])) == (MANY, 50, MANY - 50)
    labels = [m["label"] for m in e["members"]["items"] + rest["items"]]
    assert sorted(labels) == [f"赵会员{i:02d}" for i in range(MANY)]
    code, _, body = _get(f"{server}/api/part?iri={q}&part=sources&offset=20")
    files = [a["file"] for a in e["sources"]["items"] + json.loads(body)["items"]]
    assert sorted(files) == [f"s{i:02d}.txt" for i in range(MANY // 2)]
    for bad in ("part=nothing&offset=0", "part=members&offset=-1", "part=members&offset=x"):
        code, _, _ = _get(f"{server}/api/part?iri={q}&{bad}")
        assert code == 400


def test_serve_search_counts_what_it_does_not_show(server: str) -> None:
    code, _, body = _get(f"{server}/api/search?q=" + urllib.parse.quote("赵会员"))
    hits = json.loads(body)
    assert code == 200 and len(hits) == 30 + 1 and hits[-1] == {"more": MANY - 30, "exact": True}
    assert all(h["post"] == "开封市书法协会会员" for h in hits[:-1])


def test_serve_label_index_ranks_and_caps() -> None:
    from kg.serve import Entity, LabelIndex

    ents = [Entity(f"urn:{i}", name, "organization", (name, *alts), 0)
            for i, (name, alts) in enumerate([
                ("郑州市委宣传部", ()), ("市委", ()), ("市委党校", ()), ("郑州市委", ("市委",)),
                ("开封市政府", ())])]
    index = LabelIndex(ents)
    found, total, exact = index.search("市委", 10, 100)
    # exact names (in the order given), then names starting with it, then the rest
    assert [ents[i].label for i in found] == ["市委", "郑州市委", "市委党校", "郑州市委宣传部"]
    assert (total, exact) == (4, True)
    found, total, exact = index.search("市", 2, 100)
    assert len(found) == 2 and (total, exact) == (5, True)
    found, total, exact = index.search("市", 2, 3)
    assert (total, exact) == (3, False)
    assert index.search("", 2, 3) == ([], 0, True)
    assert index.search("无此名", 2, 3) == ([], 0, True)


def test_serve_negotiate_prefers_by_q() -> None:
    offered = ["application/sparql-results+json", "text/csv"]
    assert negotiate(None, offered) == offered[0]
    assert negotiate("text/csv;q=0.5, application/sparql-results+json", offered) == offered[0]
    assert negotiate("text/csv, */*;q=0.1", offered) == "text/csv"
    assert negotiate("image/png", offered) is None


# --- the explorer in a real browser --------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with headless_chrome("the explorer tests", width=1280, loopback=True) as drv:
        yield drv


def _wait(drv: Any, cond: Any, timeout: float = 20) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(drv, timeout).until(cond)


def _hits(drv: Any) -> list[Any]:
    return drv.find_elements("css selector", "#hits li.hit")


def _search(drv: Any, text: str) -> None:
    box = drv.find_element("css selector", "input[type=search]")
    box.clear()
    box.send_keys(text)


def test_serve_explorer_search_open_expand_filter(server: str, browser: Any) -> None:
    drv = browser
    drv.get(server + "/")
    _wait(drv, lambda d: d.execute_script("return !!window.kgExplorer"))
    # search: both namesakes, each with city and post
    _search(drv, "王明远")
    _wait(drv, lambda d: len(_hits(d)) == 2)
    texts = [h.text for h in _hits(drv)]
    assert "郑州市" in texts[0] and "郑州市委宣传部部长" in texts[0]
    assert "开封市" in texts[1] and "开封市政府副市长" in texts[1]
    # open: facts, posts with evidence and source, neighbours drawn
    _hits(drv)[0].click()
    _wait(drv, lambda d: d.find_element("id", "details").is_displayed())
    details = drv.find_element("id", "details").text
    assert "市委宣传部部长王明远出席会议。" in details and "t1.txt" in details
    assert "2023-05-02" in details
    nodes = drv.execute_script("return window.kgExplorer.nodes.getIds()")
    assert len(nodes) == 2
    # expand the organization: its parent and the programme's runner appear in turn
    link = drv.find_element("css selector", "#neighbours a.entity")
    assert link.text == "郑州市委宣传部"
    link.click()
    _wait(drv, lambda d: "郑州市委" in d.execute_script(
        "return window.kgExplorer.nodes.get().map(n => n.label)"))
    org = "https://w3id.org/kg-zh/id/org/" + urllib.parse.quote("郑州市委")
    drv.execute_script("return window.kgExplorer.expand(arguments[0])", urllib.parse.unquote(org))
    _wait(drv, lambda d: "李书华" in d.execute_script(
        "return window.kgExplorer.nodes.get().map(n => n.label)"))
    # filter: without persons, search finds none and the drawing hides them
    drv.find_element("css selector", "input[name=kind][value=person]").click()
    _search(drv, "王")
    _wait(drv, lambda d: d.find_element("id", "hits").text == "no entity matches")
    visible = drv.execute_script(
        "const n = window.kgExplorer.network.body.data.nodes;"
        "return n.get().map(x => x.kind)")
    assert "person" not in visible and "organization" in visible
    drv.find_element("css selector", "input[name=kind][value=person]").click()
    _wait(drv, lambda d: len(_hits(d)) == 2)


def test_serve_explorer_shows_more_of_a_long_list(server: str, browser: Any) -> None:
    drv = browser
    drv.get(server + "/")
    _wait(drv, lambda d: d.execute_script("return !!window.kgExplorer"))
    _search(drv, "书法协会")
    _wait(drv, lambda d: len(_hits(d)) == 1)
    _hits(drv)[0].click()

    def members(d: Any) -> int:
        return len(d.find_elements("css selector", "#members li"))

    _wait(drv, lambda d: members(d) == 50)
    more = drv.find_element("css selector", "button.more[data-part=members]")
    assert more.text == "show more (10 left)"
    assert len(drv.execute_script("return window.kgExplorer.nodes.getIds()")) == MANY + 2
    more.click()
    _wait(drv, lambda d: members(d) == MANY)
    assert not more.is_displayed()
    names = [a.text for a in drv.find_elements("css selector", "#members li a.entity")]
    assert sorted(names) == [f"赵会员{i:02d}" for i in range(MANY)]


def test_serve_explorer_loads_nothing_from_the_network(server: str, browser: Any) -> None:
    drv = browser
    drv.get(server + "/")
    _wait(drv, lambda d: d.execute_script("return !!window.kgExplorer"))
    names = drv.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert names and all(n.startswith(server) for n in names)
    html = drv.page_source
    assert "https://" not in html.split("<body")[0]


def test_serve_explorer_files_are_package_data() -> None:
    from kg.serve import static_file

    assert b'type="search"' in static_file("explorer.html")
    assert static_file("explorer.js") and static_file("vis-network.min.js")
    assert Path(__file__).parent.parent.joinpath("kg", "serve_static", "explorer.css").is_file()
