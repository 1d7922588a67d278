"""Keep README.md's shown output true: run every `$ command` of its ``` blocks and compare
what it prints with what the README shows (`--write` puts the real output in instead).

Commands run in order, with a shell, in one scratch folder (so `$ kg build` there makes
the `output/` the later commands read; `../shared` there is the evaluation folder beside
the checkout, and commands that read it are not checked when it is absent) and with this
interpreter's `kg` first on PATH. A command ending in `&` is started and left running
until the end, and the command after it is tried again for up to 30 s until it succeeds
(a server needs a moment to listen). A comment line `<!-- readme: COMMAND -->` anywhere
in the README runs COMMAND at that point without showing it (to make a file an example
needs). Trailing spaces are ignored.

    python scripts/readme.py            # exit 1 and a diff when the README drifted
    python scripts/readme.py --write    # rewrite the shown output from the real one
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
_SETUP = re.compile(r"^<!-- readme: (.+) -->$")


@dataclass
class Shown:
    """One `$ command` of a block: where its output lines are in the README."""

    command: str
    start: int  # index of the first output line
    end: int  # index after the last output line
    block: int = 0  # which ``` block it stands in


def parse(lines: list[str]) -> list[Shown | str]:
    """The shown commands and the hidden setup commands, in README order."""
    items: list[Shown | str] = []
    in_block = False
    blocks = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            in_block = not in_block and line.strip() == "```"
            blocks += 1
            i += 1
            continue
        m = _SETUP.match(line)
        if m and not in_block:
            items.append(m.group(1))
        if not (in_block and line.startswith("$ ")):
            i += 1
            continue
        command = line[2:]
        i += 1
        while i < len(lines) and lines[i].startswith("    "):  # a command's next lines
            command += "\n" + lines[i]
            i += 1
        start = i
        while i < len(lines) and not lines[i].startswith(("$ ", "```")):
            i += 1
        end = i
        while end > start and not lines[end - 1].strip():  # blank lines between commands
            end -= 1
        items.append(Shown(command, start, end, blocks))
    return items


SHARED = README.parent.parent / "shared"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["COLUMNS"] = "200"
    return env


def run(command: str, cwd: Path, background: list[subprocess.Popen[bytes]],
        retry: bool = False) -> list[str] | None:
    """What `command` shows a reader; None when it cannot be checked here."""
    shell_command = re.sub(r"\s+#[^'\"\n]*$", "", command)  # a trailing comment
    if "../shared" in shell_command and not SHARED.is_dir():
        return None
    if shell_command.rstrip().endswith("&"):
        background.append(subprocess.Popen(shell_command.rstrip()[:-1], shell=True, cwd=cwd,
                                           env=_env(), stdout=subprocess.DEVNULL,
                                           stderr=subprocess.DEVNULL, start_new_session=True))
        return []
    deadline = time.monotonic() + (30 if retry else 0)
    while True:
        proc = subprocess.run(shell_command, shell=True, cwd=cwd, env=_env(),
                              capture_output=True, text=True, timeout=600, check=False)
        if proc.returncode == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    # what a reader sees: the output, then kg's messages (not the progress bar)
    messages = [line for line in proc.stderr.splitlines() if line.startswith("kg: ")]
    return [line.rstrip() for line in [*proc.stdout.splitlines(), *messages]]


def real_readme(text: str) -> tuple[str, list[str]]:
    """README text with every shown output replaced by the real one, and the commands
    whose output differed."""
    lines = text.split("\n")
    out = list(lines)
    changed: list[str] = []
    offset = 0
    background: list[subprocess.Popen[bytes]] = []
    retry = False
    unchecked: set[int] = set()
    with tempfile.TemporaryDirectory(prefix="kg-readme-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        if SHARED.is_dir():
            (Path(tmp) / "shared").symlink_to(SHARED)
        try:
            for item in parse(lines):
                started = len(background)
                if isinstance(item, str):
                    run(item, work, background)
                    continue
                got = run(item.command, work, background, retry)
                retry = len(background) > started
                if got is None:  # what the rest of its block shows cannot be made here
                    unchecked.add(item.block)
                if item.block in unchecked:
                    continue
                shown = [line.rstrip() for line in lines[item.start:item.end]]
                if got is not None and got != shown:
                    changed.append(item.command.split("\n")[0])
                    out[item.start + offset:item.end + offset] = got
                    offset += len(got) - (item.end - item.start)
        finally:
            for proc in background:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
    return "\n".join(out), changed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="rewrite README.md's shown output")
    ap.add_argument("--readme", type=Path, default=README)
    args = ap.parse_args()
    text = args.readme.read_text(encoding="utf-8")
    new, changed = real_readme(text)
    if not changed:
        print(f"{args.readme.name}: every shown output is what the command prints")
        return 0
    if args.write:
        args.readme.write_text(new, encoding="utf-8")
        print(f"{args.readme.name}: rewrote the output of {len(changed)} command(s)")
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        text.splitlines(keepends=True), new.splitlines(keepends=True),
        "README.md (shown)", "README.md (real)"))
    print(f"\n{len(changed)} command(s) print something else than README shows: "
          + "; ".join(changed) + "\n(python scripts/readme.py --write updates it)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
