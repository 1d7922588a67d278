"""A query the user can always stop: run in a child process, with a time limit.

Neither rdflib's engine nor pyoxigraph can be interrupted while they work out an answer
(pyoxigraph holds on to the interpreter until a row is ready, so Ctrl-C waits for it),
and a query over a cross product grows without bound. `kg query` therefore reads the
graph and runs the query in a child process and relays its output as it comes: when the
time limit passes, or on Ctrl-C, the child is killed at once and nothing of it is left.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.query import QueryError

DEFAULT_TIMEOUT = 120.0  # seconds; `kg query --timeout`
_FLUSH_BYTES = 1 << 16  # the child sends its output in pieces of about this size
_FLUSH_SECONDS = 0.2  # or at least this often, so the first rows show at once


@dataclass(frozen=True)
class Request:
    """What the child runs: a graph (file or oxigraph:DIR) and either SPARQL text or a
    named query with its parameters."""

    graph: str
    text: str | None = None
    named: str | None = None
    params: Mapping[str, str] = field(default_factory=dict)
    fmt: str = "table"
    allow_service: bool = False


def _answer(req: Request, send: Callable[[tuple[str, Any]], None]) -> None:
    from kg.query import iter_result, load, run, run_named

    g = load(req.graph)
    if req.named:
        res = run_named(req.named, g, req.params, req.allow_service)
    else:
        res = run(g, req.text or "", allow_service=req.allow_service)
    pending: list[str] = []
    size, last = 0, time.monotonic()
    for piece in iter_result(res, req.fmt):
        pending.append(piece)
        size += len(piece)
        if size >= _FLUSH_BYTES or time.monotonic() - last >= _FLUSH_SECONDS:
            send(("out", "".join(pending)))
            pending, size, last = [], 0, time.monotonic()
    if pending:
        send(("out", "".join(pending)))


def _child(conn: Any, req: Request) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills this child
    try:
        _answer(req, conn.send)
        conn.send(("done", None))
    except QueryError as e:
        conn.send(("error", str(e)))
    except Exception as e:  # a bug of kg's: the parent raises it as its own
        try:
            conn.send(("raise", e))
        except Exception:  # an exception that does not pickle: its text
            conn.send(("raise", RuntimeError(f"{type(e).__name__}: {e}")))
    finally:
        conn.close()


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def run_guarded(req: Request, write: Callable[[str], None],
                timeout: float | None = DEFAULT_TIMEOUT) -> None:
    """Run `req` in a child process and pass its output to `write` as it comes. Raises
    QueryError when the query fails or runs longer than `timeout` seconds (None or 0:
    no limit); the child is killed on any way out (Ctrl-C included)."""
    ctx = _context()
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, req), daemon=True)
    proc.start()
    send.close()
    deadline = time.monotonic() + timeout if timeout else None
    try:
        while True:
            wait = 0.5 if deadline is None else min(0.5, deadline - time.monotonic())
            if wait <= 0:
                raise QueryError(
                    f"the query ran longer than {timeout:g} s and was stopped; "
                    "narrow it (LIMIT, a more specific pattern) or allow more with --timeout")
            if not recv.poll(wait):
                if not proc.is_alive() and not recv.poll(0):
                    raise QueryError(f"the query process ended unexpectedly "
                                     f"(exit status {proc.exitcode})")
                continue
            try:
                kind, payload = recv.recv()
            except EOFError:
                proc.join(1)
                raise QueryError(f"the query process ended unexpectedly "
                                 f"(exit status {proc.exitcode})") from None
            if kind == "out":
                write(payload)
            elif kind == "error":
                raise QueryError(payload)
            elif kind == "raise":
                raise payload
            else:
                return
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()

