"""The CLI's error boundary (issue 8): a user error is one `kg: error:` line on stderr
and exit status 2, never a traceback; an internal error is one line and exit status 1,
with the traceback under -v."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import kg.query
from kg.cli import cli
from kg.pipeline import build_text

PAGE = (
    "本报讯（记者 冉小禾）4月8日，市人大常委会主任钟启明主持召开主任会议，研究部署今年立法工作。\n"
    "市委常委、常务副市长甘晓慧出席会议。\n"
)
PEOPLE = "SELECT ?n WHERE { ?p a foaf:Person ; rdfs:label ?n } ORDER BY ?n"


@pytest.fixture
def graph_file(tmp_path: Path) -> Path:
    f = tmp_path / "graph.ttl"
    f.write_text(build_text(PAGE).serialize(format="turtle"), encoding="utf-8")
    return f


def _one_error_line(res: Result, exit_code: int = 2) -> str:
    assert res.exit_code == exit_code, res.output
    assert "Traceback" not in res.output
    assert res.stdout == ""
    # the progress bar's label ("reading pages") is all that may come before
    lines = [x for x in res.stderr.strip("\n").split("\n") if x != "reading pages"]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("kg: error: ")
    return lines[0]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


ERRORS: list[tuple[str, Callable[[Path, Path], list[str]], str]] = [
    ("missing graph", lambda t, g: ["query", str(t / "nope.ttl"), PEOPLE], "no such graph file"),
    ("graph is a folder", lambda t, g: ["query", str(t), PEOPLE], "no such graph file"),
    ("binary graph", lambda t, g: ["query", str(_write(t / "x.ttl", b"\x89PNG\r\n\x00\xff")),
                                   PEOPLE], "cannot read"),
    ("malformed graph", lambda t, g: ["query", str(_write(t / "x.ttl", b"<a> <b> .\n")), PEOPLE],
     "cannot read"),
    ("bad SPARQL", lambda t, g: ["query", str(g), "SELECT ?n WHERE {"], "bad SPARQL"),
    ("unknown named query", lambda t, g: ["query", str(g), "--named", "nobody"],
     "unknown named query 'nobody'"),
    ("unknown parameter", lambda t, g: ["query", str(g), "--named", "positions", "-p", "who=x"],
     "has no parameter 'who'"),
    ("missing query file", lambda t, g: ["query", str(g), "missing.rq"], "no such query file"),
    ("SERVICE", lambda t, g: ["query", str(g),
                              "SELECT * WHERE { SERVICE <http://example.org/q> { ?s ?p ?o } }"],
     "SERVICE"),
    ("stats of a missing graph", lambda t, g: ["stats", str(t / "nope.ttl")], "no such graph"),
    ("validate a malformed graph",
     lambda t, g: ["validate", str(_write(t / "x.ttl", b"@prefix : .\n"))], "cannot read"),
    ("build a missing path", lambda t, g: ["build", str(t / "nope"), "-o", str(t / "o")],
     "no such file or folder; nothing written"),
    ("build an empty folder", lambda t, g: ["build", str(_empty(t)), "-o", str(t / "o")],
     "no page (.txt, .html, .jsonl, .csv) found; nothing written"),
    ("build into a file", lambda t, g: ["build", str(_page(t)), "-o", str(g / "out"), "-j", "1"],
     "graph.ttl: not a directory"),
    ("build --update without --store", lambda t, g: ["build", str(_page(t)), "--update"],
     "--update needs --store"),
]


def _empty(t: Path) -> Path:
    (t / "empty").mkdir()
    return t / "empty"


def _page(t: Path) -> Path:
    return _write(t / "page.txt", PAGE.encode("utf-8"))


@pytest.mark.parametrize(("name", "args", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_cli_errors_user_error_is_one_line(name: str, args: Callable[[Path, Path], list[str]],
                                           message: str, tmp_path: Path,
                                           graph_file: Path) -> None:
    line = _one_error_line(CliRunner().invoke(cli, args(tmp_path, graph_file)))
    assert message in line


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root reads files without read permission")
def test_cli_errors_unreadable_graph(graph_file: Path) -> None:
    graph_file.chmod(0)
    try:
        line = _one_error_line(CliRunner().invoke(cli, ["query", str(graph_file), PEOPLE]))
    finally:
        graph_file.chmod(0o644)
    assert "ermission denied" in line


def test_cli_errors_internal_error_is_one_line_or_a_traceback_with_v(
        graph_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> str:
        raise ZeroDivisionError("a bug\nwith a second line")

    monkeypatch.setattr(kg.query, "iter_result", broken)  # the query's child inherits it
    res = CliRunner().invoke(cli, ["query", str(graph_file), PEOPLE])
    line = _one_error_line(res, exit_code=1)
    assert line == ("kg: error: internal error: ZeroDivisionError: a bug "
                    "(run kg -v ... for the traceback)")
    res = CliRunner().invoke(cli, ["-v", "query", str(graph_file), PEOPLE])
    assert res.exit_code == 1
    assert isinstance(res.exception, ZeroDivisionError)  # propagates: Python prints it


def test_cli_errors_usage_errors_keep_clicks_form(graph_file: Path) -> None:
    res = CliRunner().invoke(cli, ["query", str(graph_file), PEOPLE, "--format", "xml"])
    assert res.exit_code == 2
    assert "Usage: " in res.stderr and "Invalid value for '--format'" in res.stderr


def test_cli_errors_console_script(tmp_path: Path, graph_file: Path) -> None:
    """Through the real entry point, in a process of its own."""
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "query", str(tmp_path / "x.ttl"),
                           PEOPLE], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == f"kg: error: no such graph file: {tmp_path / 'x.ttl'}\n"
    crash = ("import sys, kg.query\n"
             "def boom(*a, **k): raise RuntimeError('boom')\n"
             "kg.query.iter_result = boom\n"
             "from kg.cli import main\n"
             "sys.argv[0] = 'kg'\n"
             "main()\n")
    for verbose, traceback in (([], False), (["-v"], True)):
        proc = subprocess.run([sys.executable, "-c", crash, *verbose, "query", str(graph_file),
                               PEOPLE], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 1
        assert ("Traceback (most recent call last)" in proc.stderr) is traceback
        assert "RuntimeError: boom" in proc.stderr
