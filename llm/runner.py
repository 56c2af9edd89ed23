"""The runner: one LLM in a process of its own (``python -m llm.runner``), so that llama.cpp
dying (a signal, an abort, the OOM killer) takes down this process and never the app.

The parent (``llm.supervised``) sends the model's config as the first line on stdin (a spare runner
started early waits for it, llama.cpp already imported), then one JSON request per line, and reads
one JSON object per line on the protocol channel (the original stdout; fd 1 itself is pointed at
stderr, so that nothing llama.cpp prints can corrupt the protocol). Requests run one at a time on
the main thread; a reader thread takes ``cancel`` at once, and ends the process when stdin closes:
the parent is gone (also when it was killed), and a runner never outlives it.

    → {"op": "load", "id": 1, "n_gpu_layers": 0, "overrides": []}
    ← {"id": 1, "value": {"context_length": 4096}}
    → {"op": "stream", "id": 2, "messages": [["user", "hi"]], "params": {...}}
    ← {"id": 2, "d": "Hel", "c": "final"} ... {"id": 2, "end": true}
    → {"op": "cancel", "id": 2}
    ← {"id": 3, "error": {"type": "ModelLoadError", "message": "...", "hint": "..."}}
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from core.errors import DomovoyError, GenerationError, ModelFileError, ModelLoadError
from llm.base import ChatMessage, Delta, GenerationParams, Output, ToolCallRequest


def messages_json(messages: Sequence[ChatMessage]) -> list[list[Any]]:
    """``[role, content]``, and ``[recipient, arguments, content_type]`` for a tool call."""
    return [
        [m.role, m.content, *([output_json(m.tool_call)["t"]] if m.tool_call else [])]
        for m in messages
    ]


def messages_of(raw: Sequence[Sequence[Any]]) -> list[ChatMessage]:
    return [
        ChatMessage(
            role=item[0],
            content=item[1],
            tool_call=ToolCallRequest(
                recipient=item[2][0], arguments=item[2][1], content_type=item[2][2]
            )
            if len(item) > 2
            else None,
        )
        for item in raw
    ]


def params_of(raw: dict[str, Any]) -> GenerationParams:
    return GenerationParams(**{**raw, "stop": tuple(raw.get("stop", ()))})


def params_json(params: GenerationParams) -> dict[str, Any]:
    return dataclasses.asdict(params)


def output_json(output: Output) -> dict[str, Any]:
    if isinstance(output, Delta):
        return {"d": output.text, "c": output.channel}
    if isinstance(output, ToolCallRequest):
        return {"t": [output.recipient, output.arguments, output.content_type]}
    raise TypeError(f"a backend does not stream {output!r}")


def output_of(raw: dict[str, Any]) -> Output:
    if "d" in raw:
        return Delta(text=raw["d"], channel=raw["c"])
    recipient, arguments, content_type = raw["t"]
    return ToolCallRequest(recipient=recipient, arguments=arguments, content_type=content_type)


def error_json(exc: BaseException) -> dict[str, Any]:
    """An exception as the parent rebuilds it (``error_of``): the class and what it said."""
    if isinstance(exc, ModelFileError):
        return {
            "type": "ModelFileError",
            "path": str(exc.path),
            "cause": exc.cause,
            "hint": exc.hint,
        }
    if isinstance(exc, ModelLoadError):
        return {"type": "ModelLoadError", "cause": exc.cause, "hint": exc.hint}
    if isinstance(exc, DomovoyError):
        return {"type": "GenerationError", "message": exc.message, "hint": exc.hint}
    return {"type": "GenerationError", "message": f"{type(exc).__name__}: {exc}", "hint": ""}


def error_of(raw: dict[str, Any], model_id: str) -> DomovoyError:
    """The parent's copy of an error the runner reported (``error_json``)."""
    if raw["type"] == "ModelFileError":
        return ModelFileError(Path(raw["path"]), raw["cause"], hint=raw["hint"])
    if raw["type"] == "ModelLoadError":
        return ModelLoadError(model_id, raw["cause"], hint=raw["hint"])
    return GenerationError(raw["message"], hint=raw["hint"])


class Runner:
    """Serves one model's requests, one at a time, over the protocol channel."""

    def __init__(self, config: dict[str, Any], channel: IO[bytes]) -> None:
        from llm.llama_cpp import LlamaCppLLM

        self.engine = LlamaCppLLM(
            model_id=config["model_id"],
            path=Path(config["path"]),
            n_ctx=config["n_ctx"],
            n_threads=config.get("n_threads"),
            seed=config.get("seed", 0),
            state_dir=Path(config["state_dir"]) if config.get("state_dir") else None,
        )
        self.channel = channel
        self.requests: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.cancel = threading.Event()
        self.streaming: int | None = None  # the id of the stream being generated
        self.cancelled: set[int] = set()  # cancelled before they began

    def send(self, message: dict[str, Any]) -> None:
        self.channel.write(json.dumps(message, ensure_ascii=False).encode() + b"\n")
        self.channel.flush()

    def listen(self, stdin: IO[bytes]) -> None:
        """The reader thread: requests to the queue, cancel at once; stdin closed: exit now."""
        for line in stdin:
            request = json.loads(line)
            if request["op"] == "cancel":
                self.cancelled.add(request["id"])
                if request["id"] == self.streaming:
                    self.cancel.set()
                    self.engine.abort()  # inside the token being computed, not after it
                continue
            self.requests.put(request)
            if request["op"] == "exit":
                return
        os._exit(0)  # the parent is gone: nobody is left to answer

    def serve(self) -> None:
        while True:
            request = self.requests.get()
            if request is None or request["op"] == "exit":
                self.engine.unload()
                return
            rid = request["id"]
            try:
                self.handle(rid, request)
            except Exception as exc:  # every failure is the parent's to report
                self.send({"id": rid, "error": error_json(exc)})

    def handle(self, rid: int, request: dict[str, Any]) -> None:
        op = request["op"]
        engine = self.engine
        if op == "load":
            engine.n_gpu_layers = request["n_gpu_layers"]
            engine.overrides = [tuple(o) for o in request["overrides"]]
            engine.n_ctx = request["n_ctx"]
            engine.load()
            self.send({"id": rid, "value": {"context_length": engine.context_length}})
            return
        if op == "unload":
            engine.unload()
            self.send({"id": rid, "value": None})
            return
        messages = messages_of(request["messages"])
        params = params_of(request["params"])
        calls: dict[str, Callable[[], Any]] = {
            "render": lambda: engine.render(messages, params),
            "count": lambda: engine.count_tokens(messages, params),
            "prefill": lambda: engine.prefill(messages, params),
            "choose": lambda: engine.choice_logprobs(messages, params, request["choices"]),
        }
        if op in calls:
            self.send({"id": rid, "value": calls[op]()})
            return
        if op != "stream":
            raise ValueError(f"unknown request {op!r}")
        self.cancel.clear()
        self.streaming = rid
        if rid in self.cancelled:  # stopped while it waited in the queue
            self.cancel.set()
        try:
            for output in engine.stream(messages, params, self.cancel):
                self.send({"id": rid, **output_json(output)})
        finally:
            self.streaming = None
            self.cancelled.discard(rid)
        self.send({"id": rid, "end": True})


def _read_ahead(path: Path) -> None:
    from models.gguf_info import read_gguf_info

    with contextlib.suppress(DomovoyError):  # a bad file is reported by the request that needs it
        read_gguf_info(path)


def main() -> None:
    # Ctrl+C in a terminal reaches the whole process group: the parent decides, not the runner
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed from here on goes to stderr, not into the protocol
    sys.stdout = sys.stderr
    import llama_cpp  # noqa: F401  (most of a start: a spare runner does it before its config)

    line = sys.stdin.buffer.readline()
    if not line:
        return  # the app ended before it needed this runner
    config = json.loads(line)
    log = os.open(config["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.dup2(log, 2)  # llama.cpp's messages, an abort's last words: the model's own log
    os.dup2(log, 1)
    runner = Runner(config, channel)
    # the header, read meanwhile: the load and the first count find it parsed
    threading.Thread(target=_read_ahead, args=(Path(config["path"]),), daemon=True).start()
    reader = threading.Thread(target=runner.listen, args=(sys.stdin.buffer,), daemon=True)
    reader.start()
    runner.send({"ready": os.getpid()})
    runner.serve()


if __name__ == "__main__":
    main()
