"""A GGUF model served by a runner process of its own (``llm.runner``), behind the LLM protocol.

The parent keeps what is shared: the VRAM plan (the placer decides here and the runner applies
it), the GPU lease (the router's), the roles. The runner holds the ``Llama`` and its KV cache,
warm between turns. The runner starts with the first request (counting a prompt's tokens needs
only its vocabulary) and ends with ``unload``: idle unload ends the process and frees all.

When the runner dies (a signal, an abort, the OOM killer), the request in progress raises
ModelCrashedError, which says how it died and its log's last lines; nothing waits on a dead
process. The next use starts a fresh runner; a model that crashes again before it has finished a
reply since the last crash is broken for the session, and refused at once from then on.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
import tempfile
import threading
import time
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

from core.errors import ModelCrashedError
from llm.base import Cancel, ChatMessage, GenerationParams, Output
from llm.placement import Placer, decide, loaded
from llm.runner import error_of, messages_json, output_of, params_json
from llm.runner_process import Died, RunnerProcess
from models.gguf_info import GGUFInfo, read_gguf_info

log = logging.getLogger(__name__)
CANCEL_WAIT_S = 2.0  # a cancelled reply waits this long for the runner to say it stopped
DRAIN_WAIT_S = 60.0  # a request after a cancelled one waits this long for it to end
BROKEN_AFTER = 2  # crashes in a row (no finished reply between) that mark a model broken


class _Cancelled(Exception):
    pass


class SupervisedLLM:
    def __init__(
        self,
        *,
        model_id: str,
        path: Path,
        n_ctx: int = 4096,
        n_gpu_layers: int = 0,
        n_threads: int | None = None,
        seed: int = 0,
        placer: Placer | None = None,
        state_dir: Path | None = None,
        log_dir: Path | None = None,
    ) -> None:
        self.model_id = model_id
        self.path = path
        self.n_ctx = n_ctx
        self.n_gpu_layers = n_gpu_layers
        self.seed = seed
        self.placer = placer
        self.state_dir = state_dir
        self._threads = n_threads
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", model_id)
        folder = log_dir or Path(tempfile.gettempdir()) / "domovoy-runners"
        self.log_file = folder / f"{safe}.log"
        self.placement = ""
        self.loaded_at: float | None = None
        self._lock = threading.Lock()  # one request at a time: the runner serves them in turn
        self._runner: RunnerProcess | None = None
        self._loaded = False
        self._context_length = n_ctx
        self._next_id = 0
        self._stale: int | None = None  # a cancelled stream the runner may still be ending
        self._crashes = 0  # in a row, with no finished reply between
        self._broken: ModelCrashedError | None = None

    @functools.cached_property
    def n_threads(self) -> int:
        from llm.threads import default_threads

        return self._threads or default_threads()

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def context_length(self) -> int:
        return self._context_length if self._loaded else self.n_ctx

    @property
    def uses_gpu(self) -> bool:
        if self.placer is not None:
            return self.placer.gpu_offload()
        return self.n_gpu_layers != 0

    @property
    def pid(self) -> int | None:
        """The runner's process id while one runs (diagnostics)."""
        runner = self._runner
        return runner.pid if runner is not None and runner.alive else None

    @property
    def broken(self) -> ModelCrashedError | None:
        return self._broken

    @functools.cached_property
    def _info(self) -> GGUFInfo:
        return read_gguf_info(self.path)  # the header, in Python: a bad file never reaches C

    # --- the protocol ---------------------------------------------------------------------

    def load(self) -> None:
        with self._lock:
            self._load()

    def _load(self) -> None:
        if self._loaded:
            return
        placing = decide(
            self.placer,
            self.model_id,
            self.path,
            n_ctx=self.n_ctx,
            context_length=self._info.context_length,
            n_gpu_layers=self.n_gpu_layers,
        )
        value = self._call(
            "load",
            n_gpu_layers=placing.n_gpu_layers,
            overrides=placing.overrides,
            n_ctx=placing.n_ctx,
        )
        self._context_length = int(value["context_length"])
        self._loaded = True
        self.loaded_at = time.monotonic()
        self.placement = loaded(self.placer, self.model_id, placing)

    def prestart(self) -> None:
        """Start the runner now without waiting for it: Python and llama.cpp import in it while
        the app goes on building (a model loaded at start-up is then ready sooner)."""
        with self._lock:
            if self._runner is None and self._broken is None:
                self._runner = self._spawn()

    def unload(self) -> None:
        """End the runner: its process exits, and with it everything the model held."""
        with self._lock:
            runner, self._runner = self._runner, None
            if runner is not None:
                runner.close()
            self._forget()

    def count_tokens(self, messages: Sequence[ChatMessage], params: GenerationParams) -> int:
        with self._lock:
            return int(self._call("count", **_request(messages, params)))

    def render(self, messages: Sequence[ChatMessage], params: GenerationParams) -> str:
        """The exact prompt text the model will read (the model need not be loaded)."""
        with self._lock:
            return str(self._call("render", **_request(messages, params)))

    def choice_logprobs(
        self, messages: Sequence[ChatMessage], params: GenerationParams, choices: Sequence[str]
    ) -> list[float]:
        with self._lock:
            reply = self._call("choose", choices=list(choices), **_request(messages, params))
            return [float(x) for x in reply]

    def prefill(self, messages: Sequence[ChatMessage], params: GenerationParams) -> None:
        with self._lock:
            if self._loaded:
                self._call("prefill", **_request(messages, params))

    def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        cancel: Cancel | None = None,
    ) -> Generator[Output, None, None]:
        with self._lock:
            self._started()  # a cancelled reply has ended first (or a fresh runner has begun)
            self._load()
            runner = self._started()
            rid = self._send(runner, "stream", **_request(messages, params))
            ended = cancelled = False

            def waiting() -> None:
                if cancel is not None and cancel.is_set():
                    raise _Cancelled

            try:
                while True:
                    try:
                        reply = (
                            runner.receive(timeout=CANCEL_WAIT_S)
                            if cancelled
                            else runner.receive(waiting=waiting)
                        )
                    except _Cancelled:
                        runner.send({"op": "cancel", "id": rid})
                        cancelled = True
                        continue
                    if "end" in reply:
                        ended = True
                        self._crashes = 0
                        return
                    if "error" in reply:
                        ended = True
                        raise error_of(reply["error"], self.model_id)
                    if not cancelled:
                        yield output_of(reply)
                        if cancel is not None and cancel.is_set():
                            runner.send({"op": "cancel", "id": rid})
                            cancelled = True
            except Died:
                ended = True
                raise self._crashed(runner) from None
            except TimeoutError:
                log.info("%s: the runner is still ending a cancelled reply", self.model_id)
            finally:
                if not ended:  # given up on (closed, or slow to stop): the next request waits
                    self._stale = rid
                    if not cancelled:
                        with contextlib.suppress(Died):
                            runner.send({"op": "cancel", "id": rid})

    # --- the runner -----------------------------------------------------------------------

    def _call(self, op: str, **fields: Any) -> Any:
        """One request and its reply; called with the lock held."""
        runner = self._started()
        self._send(runner, op, **fields)
        try:
            reply = runner.receive()
        except Died:
            raise self._crashed(runner) from None
        if "error" in reply:
            raise error_of(reply["error"], self.model_id)
        return reply["value"]

    def _send(self, runner: RunnerProcess, op: str, **fields: Any) -> int:
        self._next_id += 1
        try:
            runner.send({"op": op, "id": self._next_id, **fields})
        except Died:
            raise self._crashed(runner) from None
        return self._next_id

    def _started(self) -> RunnerProcess:
        """The running runner, started if there is none; a broken model is refused at once."""
        if self._broken is not None:
            raise self._broken
        runner = self._runner
        if runner is None or not self._drained(runner):
            runner = self._runner = self._spawn()
        try:
            runner.wait_ready()
        except Died:
            raise self._crashed(runner) from None
        return runner

    def _spawn(self) -> RunnerProcess:
        config = {
            "model_id": self.model_id,
            "path": str(self.path),
            "n_ctx": self.n_ctx,
            "n_threads": self._threads,
            "seed": self.seed,
            "state_dir": str(self.state_dir) if self.state_dir else None,
        }
        return RunnerProcess(self.model_id, config, self.log_file)

    def _drained(self, runner: RunnerProcess) -> bool:
        """Read what is left of a cancelled stream, up to its end; False if the runner would
        not stop (it is ended, and a fresh one serves the next request)."""
        stale, self._stale = self._stale, None
        if stale is None:
            return True
        deadline = time.monotonic() + DRAIN_WAIT_S
        try:
            while True:
                reply = runner.receive(timeout=max(0.0, deadline - time.monotonic()))
                if reply.get("id") == stale and ("end" in reply or "error" in reply):
                    return True
        except Died:
            raise self._crashed(runner) from None
        except TimeoutError:
            log.warning(
                "%s: the runner did not end a cancelled reply; restarting it", self.model_id
            )
            runner.kill()
            runner.close()
            self._runner = None
            self._forget()
            return False

    def _crashed(self, runner: RunnerProcess) -> ModelCrashedError:
        """The runner died: forget it, count the crash, and say what happened."""
        error = runner.crash()
        if self._runner is runner:
            self._runner = None
        self._forget()
        self._crashes += 1
        if self._crashes >= BROKEN_AFTER:
            error = ModelCrashedError(
                self.model_id,
                error.how,
                stderr_tail=error.stderr_tail,
                log_file=error.log_file,
                broken=True,
            )
            self._broken = error
        log.error("%s", error)
        return error

    def _forget(self) -> None:
        if self._loaded and self.placer is not None:
            self.placer.unloaded(self.model_id)
        self._loaded = False
        self._stale = None
        self.loaded_at = None
        self.placement = ""


def _request(messages: Sequence[ChatMessage], params: GenerationParams) -> dict[str, Any]:
    return {
        "messages": messages_json(messages),
        "params": params_json(params),
    }
