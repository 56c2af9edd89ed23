"""A prompt's KV state kept on disk between starts of the app, for llama-cpp-python.

The system prompt is the same from one start to the next; its state (llama.cpp's own bytes and
the token ids, without the logits, which a turn never reads from a prefix) is written once, and
a turn on a fresh model restores it instead of reading those tokens again. One file per model
file (path, size, modification time) and context size.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from core.fs import atomic_write_bytes

log = logging.getLogger(__name__)


class PromptState:
    def __init__(self, folder: Path, model: Path, n_ctx: int) -> None:
        self.folder = folder
        self.model = model
        self.n_ctx = n_ctx

    @property
    def file(self) -> Path:
        stat = self.model.stat()
        key = f"{self.model.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{self.n_ctx}"
        return self.folder / f"prefix-{hashlib.sha256(key.encode()).hexdigest()[:24]}.bin"

    def have(self, llama: Any, prefix: Sequence[int]) -> None:
        """``prefix`` in the model's KV cache: already there, restored from the kept state, or
        read now (and kept for the next start)."""
        if len(prefix) < 2 or _cached(llama, prefix):
            return
        if self.restore(llama, prefix):
            return
        llama.reset()
        llama.eval(list(prefix))
        self.keep(llama)

    def restore(self, llama: Any, tokens: Sequence[int]) -> bool:
        """Load the kept state when its tokens begin ``tokens``."""
        file = self.file
        if not file.is_file():
            return False
        try:
            from llama_cpp.llama import LlamaState

            kept, llama_state = _read(file.read_bytes())
            ids = [int(i) for i in kept["input_ids"]]
            if len(ids) < 2 or list(tokens[: len(ids)]) != ids:
                return False  # another prefix (the system prompt changed): read it afresh
            if _cached(llama, ids):
                return True
            input_ids = np.zeros(llama.n_ctx(), dtype=np.intc)
            input_ids[: len(ids)] = ids
            llama.load_state(
                LlamaState(
                    input_ids=input_ids,
                    scores=np.zeros((len(ids), llama.n_vocab()), dtype=np.single),
                    n_tokens=len(ids),
                    llama_state=llama_state,
                    llama_state_size=len(llama_state),
                    seed=int(kept["seed"]),
                )
            )
        except Exception:  # a stale or damaged file: read the tokens instead, and keep anew
            log.info("the kept prompt state %s could not be restored", file)
            file.unlink(missing_ok=True)
            llama.reset()
            return False
        return True

    def keep(self, llama: Any) -> None:
        """Write what the model holds now: its JSON header (tokens, seed), then the state."""
        try:
            state = llama.save_state()
            header = json.dumps(
                {"input_ids": state.input_ids[: state.n_tokens].tolist(), "seed": state.seed}
            ).encode()
            data = len(header).to_bytes(8, "little") + header + state.llama_state
            atomic_write_bytes(self.file, data)
        except (OSError, ValueError) as exc:
            log.info("the prompt state was not kept (%s)", exc)


def _cached(llama: Any, tokens: Sequence[int]) -> bool:
    return bool(
        llama.n_tokens >= len(tokens) and list(llama._input_ids[: len(tokens)]) == list(tokens)
    )


def _read(data: bytes) -> tuple[dict[str, Any], bytes]:
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    if not isinstance(header, dict):
        raise ValueError("not a prompt state")
    return header, data[8 + size :]
