"""Run a function on another core: in a forked child process, its result sent back.

The build's long steps are pure Python (GIL-bound), so threads would not overlap them.
A forked child starts with the parent's memory as it is (the loaded triples included,
shared copy-on-write), so nothing is pickled on the way in; only the result travels
back through a pipe. Where fork is unavailable, or the machine has one core, the
function runs in the caller's process when :meth:`Forked.result` is asked for.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import Any


class Forked:
    """``function(*args)`` started in a forked child; :meth:`result` waits for its value.

    ``what`` names the work in the error raised when the child fails or dies."""

    def __init__(self, function: Callable[..., Any], *args: Any, what: str = "work"):
        self.parallel = False
        self._function, self._args, self._what = function, args, what
        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform
            context = None
        if context is not None and (os.cpu_count() or 1) > 1:
            receive, send = context.Pipe(duplex=False)
            self._process = context.Process(target=_run_in_child, args=(function, args, send, what),
                                            daemon=True)
            self._process.start()
            send.close()
            self._receive = receive
            self.parallel = True

    def result(self) -> Any:
        if not self.parallel:
            return self._function(*self._args)
        try:
            outcome = self._receive.recv()
        except EOFError:
            raise RuntimeError(f"{self._what} process died without a result") from None
        finally:
            self._process.join()
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    def cancel(self) -> None:
        """Stop work whose result is no longer wanted."""
        if self.parallel:
            self._process.terminate()
            self._process.join()
            self._receive.close()


def _run_in_child(function: Callable[..., Any], args: tuple, send, what: str) -> None:
    try:
        send.send(function(*args))
    except BaseException as exc:  # report, don't hang the parent
        send.send(RuntimeError(f"{what} failed: {exc}"))
    finally:
        send.close()
