from __future__ import annotations

import subprocess
import sys
from pathlib import Path


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
