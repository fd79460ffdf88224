"""A time limit on the learner's code, so an endless loop is a verdict ("took longer than 10 s"), not a hang.

``with time_limit(10):`` raises ``TimeLimitExceeded`` inside whatever code runs
when the limit passes, and again every second after that, should that code
swallow it. It derives from ``BaseException``, so neither the learner's
``except Exception`` nor Hypothesis (which replays a failing example: with
pytest-timeout's ``pytest.fail`` that replay loops forever) catches it. On
POSIX it is a ``SIGALRM`` timer; elsewhere, or off the main thread, a watchdog
thread raises it in the timed thread (CPython's ``PyThreadState_SetAsyncExc``).
Either way it lands between two Python bytecodes: a single NumPy call that
runs for minutes is interrupted when it returns.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

FAST_TEST_LIMIT = 10.0  # seconds for one exercises test (the reference's slowest fast test takes 0.3 s)
SLOW_TEST_LIMIT = 1800.0  # seconds for one slow test: training on MNIST within the posts' epoch budgets
CALL_LIMIT = 10.0  # seconds for one call of the learner's function in ``kata compare``
_AGAIN = 1.0  # seconds between repeats, once the limit has passed


class TimeLimitExceeded(BaseException):
    """The code under ``time_limit`` ran longer than its limit."""

    def __init__(self, seconds: float = 0.0) -> None:
        super().__init__(f"took longer than {seconds:g} s" if seconds else "took longer than its time limit")
        self.seconds = seconds


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ``TimeLimitExceeded`` in the block once it has run for ``seconds`` (no limit when 0)."""
    if seconds <= 0:
        yield
    elif hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        with _alarm(seconds):
            yield
    else:
        with _watchdog(seconds):
            yield


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitExceeded(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, _AGAIN)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _watchdog(seconds: float) -> Iterator[None]:
    target = ctypes.c_ulong(threading.get_ident())
    finished = threading.Event()

    class Expired(TimeLimitExceeded):  # raised with no arguments: it carries the limit itself
        def __init__(self) -> None:
            super().__init__(seconds)

    def watch() -> None:
        if finished.wait(seconds):
            return
        while not finished.is_set():
            ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(Expired))
            finished.wait(_AGAIN)

    watcher = threading.Thread(target=watch, name="kata-time-limit", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()
        ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)  # drop one still pending
