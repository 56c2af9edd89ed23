"""A scripted LLM for orchestration tests, evals and bug reports: no model, exact replies."""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator, Sequence

from core.errors import GenerationError, ModelCrashedError, ModelLoadError
from llm.base import Cancel, ChatMessage, Delta, GenerationParams, Output
from llm.harmony import to_outputs


class FakeLLM:
    """Replies with ``replies`` in turn (the last repeats), split into word-sized tokens.

    ``token_delay_s`` paces the stream; ``fail_load`` / ``fail_after`` make it fail like a real
    model would, ``crash_after`` as a runner killed mid-reply would; ``seen`` and
    ``params_seen`` record every conversation it was given and how.
    With ``harmony=True`` the replies are raw gpt-oss output (channels and control tokens),
    parsed as a real one's is.
    """

    def __init__(
        self,
        replies: Sequence[str] = ("Hello!",),
        *,
        model_id: str = "fake",
        token_delay_s: float = 0.0,
        load_delay_s: float = 0.0,
        fail_load: str | None = None,
        fail_after: int | None = None,
        crash_after: int | None = None,
        harmony: bool = False,
        context_length: int = 4096,
        uses_gpu: bool = False,
    ) -> None:
        self.model_id = model_id
        self.replies = list(replies)
        self.token_delay_s = token_delay_s
        self.load_delay_s = load_delay_s
        self.fail_load = fail_load
        self.fail_after = fail_after
        self.crash_after = crash_after
        self.harmony = harmony
        self._context_length = context_length
        self._uses_gpu = uses_gpu
        self.seen: list[list[ChatMessage]] = []
        self.params_seen: list[GenerationParams] = []
        self._loaded = False
        self._turn = 0

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def context_length(self) -> int:
        return self._context_length

    @property
    def placement(self) -> str:
        return "nowhere: a scripted fake" if self._loaded else ""

    @property
    def uses_gpu(self) -> bool:
        return self._uses_gpu

    def prefill(self, messages: Sequence[ChatMessage], params: GenerationParams) -> None:
        return None  # nothing is cached between calls

    def count_tokens(self, messages: Sequence[ChatMessage], params: GenerationParams) -> int:
        """One token per word, plus four per message for the template's markers."""
        return sum(len(m.content.split()) + 4 for m in messages)

    def load(self) -> None:
        if self._loaded:
            return
        time.sleep(self.load_delay_s)
        if self.fail_load:
            raise ModelLoadError(self.model_id, self.fail_load)
        self._loaded = True

    def unload(self) -> None:
        self._loaded = False

    def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        cancel: Cancel | None = None,
    ) -> Generator[Output, None, None]:
        self.load()
        self.seen.append(list(messages))
        self.params_seen.append(params)
        reply = self.replies[min(self._turn, len(self.replies) - 1)]
        self._turn += 1
        raw = self._words(reply, params, cancel)
        if self.harmony:
            yield from to_outputs(raw)
        else:
            for text in raw:
                yield Delta(text=text)

    def _words(self, reply: str, params: GenerationParams, cancel: Cancel | None) -> Iterator[str]:
        words = reply.split(" ")
        for i, word in enumerate(words[: params.max_tokens]):
            if cancel is not None and cancel.is_set():
                return
            if self.fail_after is not None and i >= self.fail_after:
                raise GenerationError(f"{self.model_id} failed after {i} tokens")
            if self.crash_after is not None and i >= self.crash_after:
                self.crash_after = None  # restarted, it answers the next time
                self._loaded = False
                raise ModelCrashedError(self.model_id, "killed by SIGSEGV")
            if self.token_delay_s:
                time.sleep(self.token_delay_s)
            yield word if i == 0 else " " + word
