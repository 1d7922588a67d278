"""Where the per-page work runs: in this process, in a pool of local processes, or on
a Dask cluster. The pipeline does not care which.

`Engine.map(fn, items, shared)` calls `fn(item, shared)` for every item and yields the
results in the order of `items`. Only a bounded number of items is in flight at a time,
so memory does not grow with the corpus. `shared` is what every call needs (options, the
digests of pages already done): it is sent to each worker once, not with every item.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

log = logging.getLogger(__name__)

T = TypeVar("T")
S = TypeVar("S")
R = TypeVar("R")

ENGINES = ("local", "dask")


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cycle collector paused for a stage that builds a large, long-lived
    structure (pass 2's graph, the page drawn from it) and makes next to no cyclic
    garbage: otherwise the collector walks the growing heap again and again, which
    costs a fifth of a build (benchmarks/bench.py). Restored as it was on the way out;
    processes forked inside (workers, the drawing child) start with it paused."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _ordered(submit: Callable[[T], Any], items: Iterable[T], window: int) -> Iterator[Any]:
    """Results of `submit(item)` futures in item order, at most `window` pending."""
    pending: deque[Any] = deque()
    try:
        for item in items:
            pending.append(submit(item))
            if len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for f in pending:
            f.cancel()


class Engine:
    """Runs `fn(item, shared)` over items, in this process."""

    name = "serial"
    jobs = 1

    def map(
        self,
        fn: Callable[[T, S], R],
        items: Iterable[T],
        shared: S,
        warm: Callable[[], object] | None = None,
    ) -> Iterator[R]:
        """`warm` prepares a worker for `fn` (loads jieba and the lexicons)."""
        for item in items:
            yield fn(item, shared)

    def close(self) -> None:
        pass

    def __enter__(self) -> Engine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# --- local processes ----------------------------------------------------------------

_worker_shared: Any = None


def _init_worker(shared: object, warm: Callable[[], object] | None) -> None:
    global _worker_shared
    _worker_shared = shared
    if warm is not None:
        warm()


def _call(fn: Callable[[Any, Any], Any], item: Any) -> Any:
    return fn(item, _worker_shared)


class LocalPool(Engine):
    """A concurrent.futures process pool of `jobs` workers per map call. Workers are
    forked where the platform allows it (cheap start, nothing to re-import); `warm`
    runs once in each worker, so jieba and the lexicons load once per process."""

    name = "local"

    def __init__(self, jobs: int) -> None:
        self.jobs = max(1, jobs)

    def map(
        self,
        fn: Callable[[T, S], R],
        items: Iterable[T],
        shared: S,
        warm: Callable[[], object] | None = None,
    ) -> Iterator[R]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        # forking a process that runs other threads can deadlock: spawn then
        method = "fork" if "fork" in methods and threading.active_count() == 1 else None
        ctx = multiprocessing.get_context(method)
        with ProcessPoolExecutor(self.jobs, mp_context=ctx, initializer=_init_worker,
                                 initargs=(shared, warm)) as pool:
            def submit(item: T) -> Future[R]:
                return pool.submit(_call, fn, item)

            try:
                yield from _ordered(submit, items, self.jobs * 4)
            except BaseException:
                pool.shutdown(wait=True, cancel_futures=True)
                raise


# --- one task beside this process ----------------------------------------------------


def _send(fn: Callable[[], object], fd: int) -> None:
    """In the child: `fn()`'s value, or what it raised, pickled into `fd`."""
    import pickle

    try:
        message: tuple[bool, object] = (True, fn())
    except BaseException as e:  # sent back whole, raised again by the parent
        message = (False, e)
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as e:  # an error (or value) that does not pickle: its text
        what = message[1] if not message[0] else e
        data = pickle.dumps((False, RuntimeError(f"{type(what).__name__}: {what}")))
    with open(fd, "wb") as out:
        out.write(data)


class Beside(Generic[R]):
    """`fn()` computed in a forked child process while this one goes on (drawing
    graph.html while graph.ttl is written: one core each); `result()` waits for its
    value and raises what it raised. The child only computes: whatever is written with
    the value is written here, in order, so a build killed at any moment leaves the
    files it leaves when run in one process. Where forking is not possible or not safe
    (other threads running), `fn()` runs at `result()`, in this process.

    A plain fork and a pipe (multiprocessing would cost a short build a tenth of its
    start-up to import): the child writes its pickled answer into the pipe and ends; if
    this process dies first, the child's write fails and it ends too."""

    def __init__(self, fn: Callable[[], R]) -> None:
        self._fn = fn
        self.pid: int | None = None  # the child, until it has been waited for
        self.exitcode: int | None = None  # how it ended (-N: killed by signal N)
        self._fd = -1
        self._forked = False
        if hasattr(os, "fork") and threading.active_count() == 1:
            for stream in (sys.stdout, sys.stderr):  # or the child would write them again
                with suppress(AttributeError, OSError, ValueError):
                    stream.flush()
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child: never returns into the caller's code
                code = 1
                try:
                    os.close(read_end)
                    _send(fn, write_end)
                    code = 0
                except BaseException:  # the parent sees an empty answer
                    pass
                finally:
                    os._exit(code)
            os.close(write_end)
            self.pid, self._fd, self._forked = pid, read_end, True

    def _wait(self) -> None:
        if self.pid is not None:
            _, status = os.waitpid(self.pid, 0)
            self.exitcode = os.waitstatus_to_exitcode(status)
            self.pid = None
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def cancel(self) -> None:
        """Stop the child (its result is no longer wanted)."""
        if self.pid is not None:
            with suppress(ProcessLookupError):  # already ended, not yet waited for
                os.kill(self.pid, signal.SIGTERM)
        self._wait()

    def result(self) -> R:
        if not self._forked:
            return self._fn()
        import pickle

        try:
            with open(self._fd, "rb", closefd=False) as f:
                data = f.read()
        finally:
            self._wait()
        if not data:  # the child died without a word (killed, out of memory)
            raise RuntimeError(f"the background task ended with code {self.exitcode}")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value


# --- dask ---------------------------------------------------------------------------


class DaskEngine(Engine):
    """Tasks on a dask.distributed cluster: the scheduler at `address`, or a local
    cluster of `jobs` single-threaded worker processes started for this build. Workers
    must see the input paths (a shared file system); parts of huge files travel with
    their task."""

    name = "dask"

    def __init__(self, address: str | None = None, jobs: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:  # pragma: no cover - depends on the installation
            raise RuntimeError(
                "--engine dask needs dask.distributed: pip install 'kg[dask]'") from e
        self._cluster = None
        if not log.isEnabledFor(logging.DEBUG):  # dask's INFO lines are noise below -vv
            logging.getLogger("distributed").setLevel(logging.WARNING)
        if address:
            self.client = Client(address)
        else:
            self._cluster = LocalCluster(n_workers=jobs or default_jobs(), threads_per_worker=1,
                                         processes=True, dashboard_address=None,
                                         silence_logs=logging.WARNING)
            self.client = Client(self._cluster)
        self.jobs = max(1, sum(self.client.nthreads().values()))

    def map(
        self,
        fn: Callable[[T, S], R],
        items: Iterable[T],
        shared: S,
        warm: Callable[[], object] | None = None,
    ) -> Iterator[R]:
        # warm-up happens on each worker's first task (everything is cached per process)
        # in a list: scatter would send the elements of a set or list one by one
        [shared_f] = self.client.scatter([shared], broadcast=True, hash=False)
        submit = partial(self._submit, fn, shared_f)
        try:
            yield from _ordered(submit, items, max(8, self.jobs * 4))
        finally:
            shared_f.release()

    def _submit(self, fn: Callable[[Any, Any], Any], shared_f: Any, item: Any) -> Any:
        return self.client.submit(fn, item, shared_f, pure=False)

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_engine(
    kind: str = "local", jobs: int | None = None, scheduler: str | None = None
) -> Engine:
    """The engine for `kg build --engine KIND --jobs N [--scheduler ADDRESS]`."""
    if kind == "dask":
        return DaskEngine(scheduler, jobs)
    if kind != "local":
        raise ValueError(f"unknown engine {kind!r}; expected one of {', '.join(ENGINES)}")
    if scheduler:
        raise ValueError("--scheduler needs --engine dask")
    n = default_jobs() if jobs is None else jobs
    return LocalPool(n) if n > 1 else Engine()
