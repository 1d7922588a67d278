from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "kg" / "samples" / "page1_politics.txt"


def test_api_import_is_cheap_and_silent() -> None:
    code = (
        "import sys, kg\n"
        "mods = ('rdflib', 'jieba', 'pyvis', 'networkx', 'ahocorasick_rs')\n"
        "heavy = [m for m in mods if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert out.stderr == ""


def test_api_build_text_and_load_roundtrip(tmp_path: Path) -> None:
    import kg
    from kg.pipeline import build_text

    g = build_text("本报讯（记者 方晓）市长邵文涛出席会议。", city="许昌")
    path = tmp_path / "g.ttl"
    path.write_text(g.serialize(format="turtle"), encoding="utf-8")
    again = kg.load(path)
    assert len(again) == len(g)


def test_api_build_loads_no_rdflib_and_draws_without_pyvis(tmp_path: Path) -> None:
    """`kg build` writes Turtle through pyoxigraph and draws graph.html from text
    triples: the build process imports neither rdflib nor the drawing libraries (which
    would cost a one-page build most of its time)."""
    code = (
        "import sys\n"
        "from kg.cli import cli\n"
        f"cli.main(['build', {str(SAMPLE)!r}, '-o', {str(tmp_path)!r}], standalone_mode=False)\n"
        "mods = ('rdflib', 'pyvis', 'networkx', 'jinja2', 'IPython', 'pkg_resources',\n"
        "        'concurrent.futures.process')\n"
        "print([m for m in mods if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert "vis.Network" in page and (tmp_path / "graph.ttl").stat().st_size > 0
