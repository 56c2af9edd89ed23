"""The parent's handle on one runner process (``llm.runner``): start it, send it requests, read
its replies without ever hanging on it, and tell how it died.

Replies are read straight from the pipe on the thread that asked (no reader thread, no hand-off
per token), with ``select`` in short slices so that the caller can watch for a cancel while the
runner is busy. End of file on the pipe means the runner is gone; what killed it (a signal, an
exit code) and the last lines of its log make the ModelCrashedError.

A runner never outlives the app: it exits when its stdin closes, which the kernel does for a
parent that was killed; ``atexit`` ends those still running at a normal exit. (Not
``PR_SET_PDEATHSIG``: it fires when the *thread* that started the child ends, and runners are
started from worker threads.)
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.errors import ModelCrashedError

log = logging.getLogger(__name__)
SLICE_S = 0.01  # how often a waiting reader looks at its cancel
EXIT_WAIT_S = 5.0  # a runner asked to exit gets this long before it is killed
TAIL_LINES = 8
NICE = 5  # a runner's CPU priority below the app's (Unix niceness)
_ROOT = Path(__file__).resolve().parent.parent  # where the ``llm`` package lives
_LIVE: weakref.WeakSet[RunnerProcess] = weakref.WeakSet()


class Died(Exception):
    """The runner's pipe closed: it is gone."""


class RunnerProcess:
    def __init__(self, model_id: str, config: dict[str, Any], log_file: Path) -> None:
        """A runner for ``config`` (the spare one if it waits, else a new process); what it
        writes to stderr goes to ``log_file``, begun afresh."""
        self.model_id = model_id
        self.log_file = log_file
        log_file.parent.mkdir(parents=True, exist_ok=True)
        log_file.write_bytes(b"")  # a crash's tail is this start's, never an older one's
        self._proc = _take_spare() or _popen()
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._stdin = self._proc.stdin
        self._fd = self._proc.stdout.fileno()
        self._buffer = bytearray()
        self._write_lock = threading.Lock()
        self.started_at = time.monotonic()
        self.ready = False
        _LIVE.add(self)
        with contextlib.suppress(Died):  # one that died already is found so by wait_ready
            self.send({**config, "log": str(log_file)})

    def wait_ready(self) -> None:
        """Until the runner has started (Python and llama.cpp imported); Died if it did not."""
        if self.ready:
            return
        first = self.receive()
        if "ready" not in first:
            raise Died(f"the runner began with {first!r}")
        self.ready = True

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def alive(self) -> bool:
        return self._proc.poll() is None

    def send(self, message: dict[str, Any]) -> None:
        """Write one request; a runner that is gone raises Died."""
        line = json.dumps(message, ensure_ascii=False).encode() + b"\n"
        try:
            with self._write_lock:
                self._stdin.write(line)
                self._stdin.flush()
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise Died(str(exc)) from exc

    def receive(
        self,
        *,
        waiting: Callable[[], None] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """The next reply. ``waiting`` is called every slice while none has come (it may send a
        cancel); past ``timeout`` seconds TimeoutError. Died when the runner is gone."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            end = self._buffer.find(b"\n")
            if end >= 0:
                line = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                return dict(json.loads(line))
            ready, _, _ = select.select([self._fd], [], [], SLICE_S)
            if ready:
                chunk = os.read(self._fd, 1 << 16)
                if not chunk:
                    raise Died("the runner's pipe closed")
                self._buffer += chunk
                continue
            if waiting is not None:
                waiting()
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError

    def crash(self) -> ModelCrashedError:
        """What became of a runner whose pipe closed: how it ended and its log's last lines."""
        try:
            code = self._proc.wait(timeout=EXIT_WAIT_S)
        except subprocess.TimeoutExpired:  # its pipe closed but it lives on: it is ended now
            self._proc.kill()
            code = self._proc.wait()
            how = "its pipe closed while it was still running; it was killed"
        else:
            how = describe_exit(code)
        self._close_pipes()
        return ModelCrashedError(
            self.model_id, how, stderr_tail=self.tail(), log_file=self.log_file
        )

    def tail(self) -> str:
        try:
            lines = self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join([line for line in lines if line.strip()][-TAIL_LINES:])

    def close(self) -> None:
        """Ask the runner to exit (it frees its model), kill it if it does not."""
        if self.alive:
            try:
                self.send({"op": "exit"})
                self._stdin.close()
            except (Died, OSError):
                pass
            try:
                self._proc.wait(timeout=EXIT_WAIT_S)
            except subprocess.TimeoutExpired:
                log.warning("the runner of %s did not exit; it is killed", self.model_id)
                self.kill()
        self._close_pipes()
        _LIVE.discard(self)

    def kill(self) -> None:
        if self.alive:
            self._proc.kill()
            self._proc.wait()

    def _close_pipes(self) -> None:
        for pipe in (self._proc.stdin, self._proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


def _popen() -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH", "")) if p)
    # close_fds=False lets subprocess use posix_spawn (vfork underneath): a plain fork of the
    # app copies its page tables (a GiB and more: Qt, the memory store) holding the GIL, and
    # the window stalled for tens of milliseconds at every runner start. Nothing else leaks
    # into the runner: Python's descriptors are not inheritable (PEP 446).
    proc = subprocess.Popen(
        [sys.executable, "-m", "llm.runner"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        close_fds=False,
    )
    _below_the_window(proc.pid)
    return proc


def _below_the_window(pid: int) -> None:
    """A runner a little below the window: when both want the CPU, the window draws first (idle,
    it takes nothing from generation). And a batch job to the scheduler (SCHED_BATCH, which any
    user may choose): it never preempts the window's thread on waking. Set by the app at once,
    so that the runner's own start (Python, its imports, llama.cpp's) is already below it;
    every thread the runner starts later inherits both."""
    with contextlib.suppress(OSError, AttributeError):  # no setpriority() on Windows
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, 0) + NICE)
    with contextlib.suppress(OSError, AttributeError):  # Linux only
        os.sched_setscheduler(pid, os.SCHED_BATCH, os.sched_param(0))


_SPARE: list[subprocess.Popen[bytes]] = []
_SPARE_LOCK = threading.Lock()


def start_spare() -> None:
    """Start one runner ahead of need, before the app's own imports: Python and llama.cpp load
    in it meanwhile, and the first model to load takes it (its config comes on stdin)."""
    with _SPARE_LOCK:
        if not _SPARE:
            _SPARE.append(_popen())


def _take_spare() -> subprocess.Popen[bytes] | None:
    with _SPARE_LOCK:
        spare = _SPARE.pop() if _SPARE else None
    return spare if spare is not None and spare.poll() is None else None


def describe_exit(code: int) -> str:
    """A runner's end in words: the signal that killed it, or its exit code."""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        why = {
            "SIGKILL": " (killed: the system may have run out of memory)",
            "SIGSEGV": " (a memory fault in llama.cpp)",
            "SIGILL": " (an instruction this CPU cannot run: a build for another CPU)",
            "SIGABRT": " (llama.cpp aborted, e.g. an assertion or CUDA out of memory)",
            "SIGBUS": " (the model file changed or vanished while mapped)",
        }.get(name, "")
        return f"killed by {name}{why}"
    return f"it exited with code {code}"


def runners() -> list[RunnerProcess]:
    """The runner processes alive now (the diagnostics page lists them)."""
    return [r for r in list(_LIVE) if r.alive]


@atexit.register
def _end_all() -> None:
    for runner in list(_LIVE):
        runner.kill()
    for spare in _SPARE:
        spare.kill()
