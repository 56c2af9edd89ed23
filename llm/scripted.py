"""A scripted sampler for the llama.cpp provider: replies given as token ids, not chosen.

``LlamaCppLLM(script=Script([...]))`` runs its whole decode path as usual (the prompt is read,
each token is computed by llama.cpp and sampled through its sampler chain, end-of-generation is
llama.cpp's own, detokenization, stop strings, cancel), except that a logits processor leaves
only the scripted token possible at each step. So the provider can be shown to handle a real
model's output (gpt-oss's harmony messages, tokenized with its real vocabulary) on a model with
noise weights. A script that runs out before an end-of-generation token ends the reply there.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from core.errors import GenerationError

LogitsProcessor = Callable[[Any, Any], Any]


class Script:
    """One reply per generation, in order; ``used`` counts the replies taken."""

    def __init__(self, replies: Iterable[Sequence[int]]) -> None:
        self._replies = deque(list(reply) for reply in replies)
        self._lock = threading.Lock()
        self.used = 0

    def next_reply(self, end_token: int) -> LogitsProcessor:
        """The logits processor of the next generation; past the reply's end it forces
        ``end_token`` (an end-of-generation token), so the reply stops where its script does."""
        with self._lock:
            if not self._replies:
                raise GenerationError("the script has no reply left for this generation")
            reply = iter(self._replies.popleft())
            self.used += 1

        def force(_input_ids: Any, logits: Any) -> Any:
            token = next(reply, end_token)
            forced = np.full_like(logits, -np.inf)
            forced[token] = 0.0
            return forced

        return force
