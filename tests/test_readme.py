"""README.md's shown output is what the commands print (scripts/readme.py runs them)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _script() -> ModuleType:
    if "kg_readme_script" not in sys.modules:
        spec = importlib.util.spec_from_file_location("kg_readme_script",
                                                      ROOT / "scripts" / "readme.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["kg_readme_script"] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules["kg_readme_script"]


def test_readme_shown_output_is_real() -> None:
    readme = _script()
    _, changed = readme.real_readme((ROOT / "README.md").read_text(encoding="utf-8"))
    assert changed == [], "README drifted; run python scripts/readme.py to see how, "\
        "--write to update it"


def test_readme_parse_finds_commands_outputs_and_setup() -> None:
    readme = _script()
    text = ["<!-- readme: touch x.txt -->", "```", "$ kg build a", "    --city 漯河", "wrote",
            "", "$ kg stats g", "line 1", "line 2", "```", "```python", "$ not a command",
            "```"]
    items = readme.parse(text)
    assert items[0] == "touch x.txt"
    assert (items[1].command, items[1].start, items[1].end) == ("kg build a\n    --city 漯河", 4, 5)
    assert (items[2].command, items[2].start, items[2].end) == ("kg stats g", 7, 9)
    assert len(items) == 3
