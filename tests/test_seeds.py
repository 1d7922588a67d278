"""Regression floor on the development set (skipped when ../shared is absent).

The floors sit below the scores measured when they were set, so that a change
that loses accuracy on the seed pages fails loudly; the figures themselves come
from ../shared/eval/score.py."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from kg.io import atomic_write
from kg.pipeline import build_graph

FLOORS = {
    "persons": 0.9,
    "roles": 0.9,
    "positions": 0.9,
    "organizations": 0.65,
    "places": 0.6,
    "programs": 0.55,
}


def test_seeds_scores_stay_above_floor(seeds_dir: Path, tmp_path: Path) -> None:
    eval_dir = seeds_dir.parent / "eval"
    spec = importlib.util.spec_from_file_location("score", eval_dir / "score.py")
    if spec is None or spec.loader is None:
        pytest.skip("no scorer")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    for page in sorted(seeds_dir.glob("*.txt")):
        g = build_graph([page]).graph
        atomic_write(tmp_path / page.stem / "graph.ttl", g.serialize(format="turtle"))
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        score.main([str(eval_dir / "gold"), str(tmp_path), "--json"])
    scores = json.loads(buf.getvalue())["scores"]
    for cat, floor in FLOORS.items():
        assert scores[cat]["f1"] >= floor, (cat, scores[cat])
