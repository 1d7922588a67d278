"""Reliability, round two: what a hostile or unlucky user could still break.

Each test states one promise of the command line or the library when the input is
crafted, damaged or unlucky; every page is invented here and written into tmp_path.
"""

from __future__ import annotations

import http.server
import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from kg import codec
from kg import io as io_mod
from kg.cli import cli
from kg.model import Article, Extraction, Link, Mention, Position
from kg.pipeline import build_graph
from kg.query import load
from kg.rdf import turtle
from kg.store import PageCache, StoreError

PAGE = (
    "本报讯（记者 林晓阳）6月3日，市委书记王建国到青石县调研“双百”工程推进情况。"
    "市委常委、副市长赵立新参加调研。\n"
)


def _extraction() -> Extraction:
    art = Article("p.txt", "d1", 0, PAGE, title="标题", date="2023-06-03", start=4)
    return Extraction(
        art,
        (Mention(20, 23, "王建国", "person", "title-chain", alts=("王 建国",)),),
        (Position("王建国", "书记", "市委", 0, 40, PAGE[:40], "title-chain"),),
        (Link("place_parent", "青石县", "某市", "written-together"),),
    )


def test_codec_round_trips_extractions() -> None:
    exs = (_extraction(), _extraction())
    data = codec.dumps(exs)
    assert codec.loads(data) == exs
    assert codec.dumps(codec.loads(data)) == data  # same input, same bytes


@pytest.mark.parametrize(
    "data",
    [
        pickle.dumps([1, 2, 3]),
        b"\xff\xfe not text",
        b'{"a": 1}',
        b"[[1, 2]]",
        b'[[["p.txt"], [], [], []]]',  # an article with too few fields
        b'[[["p.txt","d",0,"t",null,null,{"x":1}], [], [], []]]',  # a field of another kind
    ],
)
def test_codec_refuses_what_it_did_not_write(data: bytes) -> None:
    with pytest.raises(codec.CodecError):
        codec.loads(data)


class _Boom:
    """Unpickling this runs code: the marker file appears."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        return (Path.touch, (Path(self.marker),))  # type: ignore[return-value]


def _build(args: list[str]) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["build", *args])
    return r.exit_code, r.output


def test_store_with_a_crafted_pickle_runs_no_code(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(PAGE, encoding="utf-8")
    store = tmp_path / "store"
    code, out = _build([str(pages), "-o", str(tmp_path / "out"), "--store", f"oxigraph:{store}"])
    assert code == 0, out
    marker = tmp_path / "ran"
    db = sqlite3.connect(store / "pages.sqlite")
    db.execute("UPDATE pages SET data = ?", (pickle.dumps(_Boom(str(marker))),))
    db.commit()
    db.close()
    (pages / "b.txt").write_text(PAGE.replace("王建国", "周启慧"), encoding="utf-8")
    code, out = _build([str(pages), "-o", str(tmp_path / "out"), "--store", f"oxigraph:{store}",
                        "--update"])
    assert not marker.exists()
    assert code == 2
    assert "page cache is damaged" in out


def test_store_refuses_a_cache_of_the_pickle_era(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(PAGE, encoding="utf-8")
    store = tmp_path / "store"
    assert _build([str(pages), "-o", str(tmp_path / "o"), "--store", f"oxigraph:{store}"])[0] == 0
    db = sqlite3.connect(store / "pages.sqlite")
    db.execute("UPDATE meta SET value = '1' WHERE key = 'format'")
    db.commit()
    db.close()
    code, out = _build([str(pages), "-o", str(tmp_path / "o"), "--store", f"oxigraph:{store}",
                        "--update"])
    assert code == 2
    assert "store layout" in out


def test_store_refuses_a_foreign_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "pages.sqlite"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE pages (id INTEGER, blob BLOB)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="not a kg page cache"):
        PageCache(path)
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a kg page cache"):
        PageCache(path)


# --- queries -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("graph")
    page = out / "page.txt"
    page.write_text(PAGE * 3, encoding="utf-8")
    r = CliRunner().invoke(cli, ["build", str(page), "-o", str(out),
                                 "--store", f"oxigraph:{out / 'store'}"])
    assert r.exit_code == 0, r.output
    return out / "graph.ttl"


def _query(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, ["query", *args], input=input)
    return r.exit_code, r.stdout, r.stderr


def test_query_runaway_is_stopped_by_the_timeout(graph_file: Path) -> None:
    t0 = time.monotonic()
    code, _, err = _query(str(graph_file), "SELECT (COUNT(*) AS ?n) WHERE "
                          "{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", "--timeout", "1")
    assert time.monotonic() - t0 < 30
    assert code == 2
    assert "longer than 1 s" in err and "--timeout" in err


def test_query_rows_stream_before_a_slow_query_ends(graph_file: Path, tmp_path: Path) -> None:
    # the first rows of a cross product reach the output long before it would end
    cmd = [sys.executable, "-c", "from kg.cli import main; main()", "query", str(graph_file),
           "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--format", "tsv",
           "--timeout", "60"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    try:
        first = proc.stdout.readline()
        assert first == b"?a\n"
        assert proc.stdout.readline().startswith(b"<")  # a row, while the query goes on
        assert proc.poll() is None
    finally:
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        t0 = time.monotonic()
        proc.wait(timeout=20)
    assert time.monotonic() - t0 < 5


@pytest.mark.parametrize("where", ["file", "store"])
def test_query_ctrl_c_stops_a_query_that_prints_nothing(graph_file: Path, where: str) -> None:
    # ORDER BY over a cross product: no row until it is all worked out
    graph = str(graph_file) if where == "file" else f"oxigraph:{graph_file.parent / 'store'}"
    cmd = [sys.executable, "-c", "from kg.cli import main; main()", "query", graph,
           "SELECT ?a WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?l",
           "--timeout", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(3)
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    proc.wait(timeout=20)
    assert time.monotonic() - t0 < 3
    assert proc.returncode != 0


def test_query_bad_regex_is_a_user_error(graph_file: Path) -> None:
    code, _, err = _query(str(graph_file),
                          'SELECT ?s WHERE { ?s ?p ?o FILTER(REGEX("a", "(")) }')
    assert code == 2
    assert err.startswith("kg: error: query failed") and "internal" not in err
    assert len(err.strip().splitlines()) == 1


def test_query_file_that_is_not_utf8_is_a_user_error(graph_file: Path, tmp_path: Path) -> None:
    rq = tmp_path / "q.rq"
    rq.write_bytes(b"SELECT ?s WHERE { ?s rdfs:label \"" + b"\xc0\xff\" }")
    code, _, err = _query(str(graph_file), str(rq))
    assert code == 2
    assert "not UTF-8" in err and "internal" not in err
    code, _, err = _query(str(graph_file), "-", input=b"SELECT \xff WHERE {}")
    assert code == 2 and "not UTF-8" in err


def test_query_jsonld_with_a_remote_context_is_refused(tmp_path: Path) -> None:
    served: list[bytes] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.append(self.path.encode())
            body = b'{"@context": {"name": "http://xmlns.com/foaf/0.1/name"}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/context.jsonld"
        docs = {
            "top.jsonld": {"@context": url, "@id": "http://x/a", "name": "甲"},
            "list.jsonld": {"@context": [{"x": "http://x/"}, url], "@id": "http://x/a"},
            "nested.jsonld": {"@graph": [{"@context": {"@import": url}, "@id": "http://x/b"}]},
        }
        for name, doc in docs.items():
            path = tmp_path / name
            path.write_text(json.dumps(doc), encoding="utf-8")
            for args in (["query", str(path), "SELECT * WHERE { ?s ?p ?o }"],
                         ["stats", str(path)], ["validate", str(path)]):
                r = CliRunner().invoke(cli, args)
                assert r.exit_code == 2, (name, args, r.output)
                assert "remote JSON-LD context" in r.stderr
        assert served == []
    finally:
        server.shutdown()


def test_query_jsonld_with_an_inline_context_is_read(tmp_path: Path) -> None:
    path = tmp_path / "inline.jsonld"
    doc = {"@context": {"name": "http://xmlns.com/foaf/0.1/name"}, "@id": "http://x/a",
           "name": "甲"}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, out, err = _query(str(path), "SELECT ?n WHERE { ?s foaf:name ?n }", "--format", "csv")
    assert code == 0, err
    assert out.splitlines() == ["n", "甲"]


# --- what reaches the terminal -------------------------------------------------------


def test_cli_escapes_control_characters_in_file_names(tmp_path: Path) -> None:
    evil = tmp_path / "\x1b]0;owned\x07\x1b[31mred.txt"
    evil.write_bytes(b"")  # empty: skipped with a warning naming it
    good = tmp_path / "good.txt"
    good.write_text(PAGE, encoding="utf-8")
    r = CliRunner().invoke(cli, ["build", str(tmp_path), "-o", str(tmp_path / "out")])
    assert r.exit_code == 3, r.output
    assert "\x1b" not in r.stderr and "\x07" not in r.stderr
    assert "\\x1b]0;owned\\x07\\x1b[31mred.txt" in r.stderr


# --- inputs ----------------------------------------------------------------------------

OTHER = "本报讯 6月5日，市长周启慧到柳林镇检查防汛工作，副市长冉小禾参加。\n"


def _outputs(out: Path) -> tuple[bytes, bytes]:
    return (out / "graph.ttl").read_bytes(), (out / "graph.html").read_bytes()


def test_build_reads_a_file_whose_name_is_not_utf8(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "good.txt").write_text(PAGE, encoding="utf-8")
    bad = os.path.join(os.fsencode(pages), b"bad\xe9name.txt")
    with open(bad, "wb") as f:
        f.write(OTHER.encode("utf-8"))
    r = CliRunner().invoke(cli, ["build", str(pages), "-o", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    ttl = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert "周启慧" in ttl and "王建国" in ttl
    assert '"bad\\\\xe9name.txt"' in ttl  # the undecodable byte written as \xe9


def test_build_same_files_in_any_order_and_from_any_folder(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "b").mkdir(parents=True)
    (corpus / "a.txt").write_text(PAGE, encoding="utf-8")
    (corpus / "b" / "c.txt").write_text(OTHER + PAGE.replace("王建国", "周启慧"), "utf-8")
    a, c = corpus / "a.txt", corpus / "b" / "c.txt"
    runs = {"forward": [str(a), str(c)], "backward": [str(c), str(a)]}
    outs = []
    for name, args in runs.items():
        code, out = _build([*args, "-o", str(tmp_path / name)])
        assert code == 0, out
        outs.append(_outputs(tmp_path / name))
    monkeypatch.chdir(corpus)
    code, out = _build(["b/c.txt", "a.txt", "-o", str(tmp_path / "relative")])
    assert code == 0, out
    outs.append(_outputs(tmp_path / "relative"))
    assert outs[0] == outs[1] == outs[2]
    ttl = outs[0][0].decode("utf-8")
    assert '"a.txt"' in ttl and '"b/c.txt"' in ttl and str(tmp_path) not in ttl


def test_build_does_not_follow_a_link_out_of_the_input_folder(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("市委书记钱秘密到东湖区调研。\n", encoding="utf-8")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text(PAGE, encoding="utf-8")
    (pages / "b.txt").write_text(OTHER, encoding="utf-8")
    (pages / "passwd.txt").symlink_to(secret)
    (pages / "inside.txt").symlink_to(pages / "b.txt")  # a link within the folder is read
    r = CliRunner().invoke(cli, ["build", str(pages), "-o", str(tmp_path / "out")])
    assert r.exit_code == 3, r.output
    assert "passwd.txt: a link to a file outside the input folder; not followed" in r.stderr
    ttl = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert "钱秘密" not in ttl and "inside.txt" in ttl


def test_build_outputs_change_together_or_not_at_all(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    page = tmp_path / "a.txt"
    page.write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out"
    assert _build([str(page), "-o", str(out), "-f", "ttl,nt"])[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    page.write_text(OTHER, encoding="utf-8")
    real = io_mod.Staged.write

    def disk_full(self: io_mod.Staged, path: Path, data: bytes | str) -> None:
        if path.name == "graph.html":
            raise io_mod.OutputError(f"cannot write {path}: no space left on device")
        real(self, path, data)

    monkeypatch.setattr(io_mod.Staged, "write", disk_full)
    code, text = _build([str(page), "-o", str(out), "-f", "ttl,nt"])
    assert code == 2 and "no space left" in text
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temp files left


# --- --update -------------------------------------------------------------------------

_NAMES = ["王建国", "赵立新", "周启慧", "冉小禾", "林晓阳", "甘晓慧"]
_PLACES = ["青石县", "柳林镇", "东湖区"]


def _page_text(k: int) -> str:
    a, b = _NAMES[k % 6], _NAMES[(k + 2) % 6]
    return (f"本报讯（记者 {_NAMES[(k + 4) % 6]}）{k % 12 + 1}月{k % 27 + 1}日，市委书记{a}到"
            f"{_PLACES[k % 3]}调研。市委常委、副市长{b}参加。{b}表示，将抓好落实。\n")


def _fresh(folder: Path) -> bytes:
    return turtle(build_graph([folder]).resolved)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["add", "edit", "delete", "rename"]),
                          st.integers(0, 50)), min_size=1, max_size=5))
@example(ops=[("delete", 0), ("delete", 0), ("delete", 0), ("add", 1)])  # all gone, then one
def test_update_equals_a_fresh_build_after_any_changes(
        tmp_path_factory: pytest.TempPathFactory, ops: list[tuple[str, int]]) -> None:
    base = tmp_path_factory.mktemp("update")
    folder, store = base / "pages", f"oxigraph:{base / 'store'}"
    folder.mkdir()
    for k in range(3):
        (folder / f"p{k}.txt").write_text(_page_text(k), encoding="utf-8")
    build_graph([folder], store=store)
    for op, k in ops:
        present = sorted(folder.glob("*.txt"))
        if op == "add" or not present:
            (folder / f"n{k}.txt").write_text(_page_text(k + 7), encoding="utf-8")
        elif op == "edit":
            present[k % len(present)].write_text(_page_text(k + 3), encoding="utf-8")
        elif op == "delete":
            present[k % len(present)].unlink()
        else:
            present[k % len(present)].rename(folder / f"r{k}.txt")
        updated = build_graph([folder], store=store, update=True)  # every page may be gone
        assert turtle(updated.resolved) == _fresh(folder), ops
    assert isomorphic(load(store), Graph().parse(data=_fresh(folder), format="turtle"))


def test_update_says_what_it_added_replaced_and_removed(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for k in range(3):
        (folder / f"p{k}.txt").write_text(_page_text(k), encoding="utf-8")
    store = f"oxigraph:{tmp_path / 'store'}"
    assert _build([str(folder), "--store", store, "-o", str(tmp_path / "o")])[0] == 0
    (folder / "p0.txt").write_text(_page_text(9), encoding="utf-8")
    (folder / "p1.txt").unlink()
    (folder / "p3.txt").write_text(_page_text(4), encoding="utf-8")
    (folder / "p4.txt").write_text(_page_text(5), encoding="utf-8")
    code, out = _build([str(folder), "--store", store, "--update", "-o", str(tmp_path / "o")])
    assert code == 0, out
    assert "4 pages, 3 extracted by this build (2 files added, 1 replaced, 1 removed)" in out


@pytest.fixture(scope="module")
def small_graph(graph_file: Path) -> Graph:
    return load(graph_file)


_HOSTILE = st.text(alphabet=st.sampled_from([*'王建国"\'\\{}<>?.;# \n\tSELECT}UNION',
                                              "\x00", "\ud7ff", "\U0001f600"]), max_size=30)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_HOSTILE)
def test_query_parameters_are_values_never_query_text(small_graph: Graph, value: str) -> None:
    from rdflib.namespace import RDFS, SKOS

    from kg.query import QueryError, list_named, named

    labels = {str(o) for p in (RDFS.label, SKOS.altLabel) for o in small_graph.objects(None, p)}
    before = len(small_graph)
    for nq in list_named():
        if not nq.param_names:
            continue
        try:
            rows = named(nq.name, small_graph, **dict.fromkeys(nq.param_names, value))
        except QueryError:
            continue
        # a parameter is compared as a whole name: text that is no name finds nothing
        assert rows == [] or value in labels, (nq.name, value, rows[:2])
    assert len(small_graph) == before


def test_build_reads_a_saved_web_page_named_txt(tmp_path: Path) -> None:
    page = tmp_path / "saved.txt"
    page.write_text(
        "<!DOCTYPE html>\n<html><head><title>市委书记王建国到青石县调研</title>"
        "<script>var x = '<b>王假名</b>';</script></head><body><nav>首页 | 新闻</nav>"
        f"<article><h1>市委书记王建国到青石县调研</h1><p>{PAGE}</p>"
        f"<p>{OTHER}</p></article></body></html>\n", encoding="utf-8")
    code, out = _build([str(page), "-o", str(tmp_path / "out")])
    assert code == 0, out
    ttl = (tmp_path / "out" / "graph.ttl").read_text(encoding="utf-8")
    assert "王建国" in ttl and "周启慧" in ttl
    assert "<!DOCTYPE" not in ttl and "<p>" not in ttl and "王假名" not in ttl
