from __future__ import annotations

import os

import pytest

from kg.engine import Beside


def test_beside_computes_in_another_process_and_hands_back_the_value() -> None:
    task = Beside(lambda: ("画好了", os.getpid()))
    text, pid = task.result()
    assert text == "画好了"
    assert pid != os.getpid()  # forked (Linux, no other threads running)


def test_beside_raises_the_error_of_the_task() -> None:
    def fail() -> None:
        raise LookupError("没有这个实体")

    with pytest.raises(LookupError, match="没有这个实体"):
        Beside(fail).result()


def test_beside_keeps_the_text_of_an_error_that_does_not_pickle() -> None:
    class Local(Exception):  # defined in a function: pickle cannot name it
        pass

    def fail() -> None:
        raise Local("页面画不出来")

    with pytest.raises(RuntimeError, match="Local: 页面画不出来"):
        Beside(fail).result()


_ORPHAN = """
import os, signal, sys, time
from kg.engine import Beside
task = Beside(lambda: (time.sleep(0.5), b"x" * 8_000_000))  # more than a pipe holds
print(task.pid, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # the build dies before it reads the result
"""


def test_beside_child_ends_when_the_parent_dies() -> None:
    import subprocess
    import sys
    import time

    proc = subprocess.run([sys.executable, "-c", _ORPHAN], capture_output=True, text=True)
    assert proc.returncode == -9
    child = int(proc.stdout.strip())
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return  # gone
        time.sleep(0.1)
    os.kill(child, 9)
    raise AssertionError("the child of a killed parent was still running")


def test_beside_cancel_stops_the_child() -> None:
    import time

    task = Beside(lambda: time.sleep(60))
    assert task.pid is not None
    task.cancel()
    assert task.exitcode is not None and task.pid is None  # ended, well before the minute


def test_beside_reports_a_child_that_died_without_a_word() -> None:
    import signal

    with pytest.raises(RuntimeError, match="ended with code -9"):
        Beside(lambda: os.kill(os.getpid(), signal.SIGKILL)).result()


_BUFFERED = """
import sys
from kg.engine import Beside
sys.stdout.write("写了一次")  # still in this process' buffer when the child is forked
print(Beside(lambda: "画好了").result())
"""


def test_beside_child_does_not_write_the_parents_output_again() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _BUFFERED], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONUNBUFFERED": ""})
    assert out.stdout == "写了一次画好了\n"


@pytest.mark.parametrize("enabled", [True, False])
def test_engine_gc_paused_restores_the_collector(enabled: bool) -> None:
    import gc

    from kg.engine import gc_paused

    (gc.enable if enabled else gc.disable)()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(KeyError), gc_paused():
            raise KeyError("x")
        assert gc.isenabled() is enabled

        @gc_paused()
        def inside() -> bool:
            return gc.isenabled()

        assert inside() is False and gc.isenabled() is enabled
    finally:
        gc.enable()
