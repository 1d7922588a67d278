"""A query the user can always stop: run in a child process, with a time limit.

Neither rdflib's engine nor pyoxigraph can be interrupted while they work out an answer
(pyoxigraph holds on to the interpreter until a row is ready, so Ctrl-C waits for it),
and a query over a cross product grows without bound. `kg query` therefore reads the
graph and runs the query in a child process and relays its output as it comes: when the
time limit passes, or on Ctrl-C, the child is killed at once and nothing of it is left.
`child_messages` is that mechanism on its own; `kg serve` runs its queries with it too.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from functools import partial
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


def _query_work(req: Request, send: Callable[[Any], None]) -> None:
    """The child's side of `run_guarded`: the output in pieces, then the end; a query's
    error as a message, a bug as the exception itself (the parent raises it)."""
    try:
        _answer(req, send)
    except QueryError as e:
        send(("error", str(e)))
    except Exception as e:  # a bug of kg's: the parent raises it as its own
        try:
            send(("raise", e))
        except Exception:  # an exception that does not pickle: its text
            send(("raise", RuntimeError(f"{type(e).__name__}: {e}")))


def run_guarded(req: Request, write: Callable[[str], None],
                timeout: float | None = DEFAULT_TIMEOUT) -> None:
    """Run `req` in a child process and pass its output to `write` as it comes. Raises
    QueryError when the query fails or runs longer than `timeout` seconds (None or 0:
    no limit); the child is killed on any way out (Ctrl-C included)."""
    try:
        for kind, payload in child_messages(partial(_query_work, req), timeout):
            if kind == "out":
                write(payload)
            elif kind == "error":
                raise QueryError(payload)
            else:
                raise payload
    except ChildTimeout:
        raise QueryError(
            f"the query ran longer than {timeout:g} s and was stopped; "
            "narrow it (LIMIT, a more specific pattern) or allow more with --timeout"
        ) from None
    except ChildDied as e:
        raise QueryError(f"the query process ended unexpectedly ({e})") from None


# ---------------------------------------------------------------------------
# a child process that can always be stopped


class ChildTimeout(Exception):
    """The child ran past its time limit (it has been killed)."""


class ChildDied(Exception):
    """The child ended without finishing its work; the message gives its exit status."""


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_child(conn: Any, work: Callable[[Callable[[Any], None]], None]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it kills this child
    try:
        work(lambda message: conn.send(("message", message)))
        conn.send(("end", None))
    finally:
        conn.close()


def child_messages(work: Callable[[Callable[[Any], None]], None],
                   timeout: float | None) -> Generator[Any, None, None]:
    """Run `work(send)` in a child process (forked where the system can: it shares what
    this process has loaded) and yield what it sends, as it comes. Raises ChildTimeout
    once `timeout` seconds have passed (None or 0: no limit) and ChildDied when the
    child ends before `work` returns. The child is killed on any way out: an error, a
    caller that stops reading, Ctrl-C."""
    ctx = _context()
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_run_child, args=(send, work), daemon=True)
    proc.start()
    send.close()
    deadline = time.monotonic() + timeout if timeout else None
    try:
        while True:
            wait = 0.5 if deadline is None else min(0.5, deadline - time.monotonic())
            if wait <= 0:
                raise ChildTimeout
            if not recv.poll(wait):
                if not proc.is_alive() and not recv.poll(0):
                    raise ChildDied(f"exit status {proc.exitcode}")
                continue
            try:
                kind, payload = recv.recv()
            except EOFError:
                proc.join(1)
                raise ChildDied(f"exit status {proc.exitcode}") from None
            if kind == "end":
                return
            yield payload
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()
