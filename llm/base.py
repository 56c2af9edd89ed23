"""The protocol every language-model backend keeps."""

from __future__ import annotations

from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

Role = Literal["system", "user", "assistant", "tool"]
Effort = Literal["low", "medium", "high"]


@dataclass(frozen=True, slots=True, kw_only=True)
class GenerationParams:
    max_tokens: int = 512
    temperature: float = 0.7
    top_p: float = 0.9
    top_k: int = 40
    min_p: float = 0.05
    repeat_penalty: float = 1.0
    stop: tuple[str, ...] = ()
    seed: int | None = None
    reasoning_effort: Effort | None = None
    json_schema: str | None = None  # constrain the reply to this JSON schema (where supported)
    tools_json: str | None = None  # OpenAI-style tool definitions, for models that call tools
    threads: int | None = None  # CPU threads that generate this reply; None: the backend's own


@dataclass(frozen=True, slots=True, kw_only=True)
class Delta:
    """A piece of the reply. Only the ``final`` channel is the answer the user sees; harmony
    models (gpt-oss) also write ``analysis`` (reasoning) and ``commentary``."""

    text: str
    channel: str = "final"


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolCallRequest:
    """The model asks for a tool: ``recipient`` such as ``functions.get_time``."""

    recipient: str
    arguments: str
    content_type: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatMessage:
    """A message of the conversation. A model that calls tools itself (harmony) is answered in
    its own format: its call (an ``assistant`` message with ``tool_call``), then the tool's
    result (a ``tool`` message), and it goes on from there."""

    role: Role
    content: str
    tool_call: ToolCallRequest | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CutOff:
    """The router's mark in a stream: the model answering died mid-reply (its runner crashed).
    What it said before stays as it was, and the next model of the chain answers the question
    again after this mark: the answer is what follows the last cut-off."""

    model_id: str
    message: str


Output = Delta | ToolCallRequest | CutOff


class Cancel(Protocol):
    """Anything with ``is_set()``: a threading.Event, or several combined."""

    def is_set(self) -> bool: ...


class LLM(Protocol):
    """A chat model. ``load`` is explicit and may be slow; ``stream`` loads on first use."""

    model_id: str

    @property
    def loaded(self) -> bool: ...

    @property
    def context_length(self) -> int:
        """Tokens the model reads and writes at most (its n_ctx)."""
        ...

    @property
    def uses_gpu(self) -> bool:
        """Whether this model works on the GPU, and so must hold the GPU lease to work."""
        ...

    @property
    def placement(self) -> str:
        """Where the weights went once loaded (GPU layers, experts in RAM, CPU); "" before."""
        ...

    def load(self) -> None: ...

    def unload(self) -> None: ...

    def count_tokens(self, messages: Sequence[ChatMessage], params: GenerationParams) -> int:
        """How many tokens the prompt for ``messages`` takes (loads the model if needed)."""
        ...

    def prefill(self, messages: Sequence[ChatMessage], params: GenerationParams) -> None:
        """Read the prompt for ``messages`` ahead of the turn (the system prompt and history),
        so that the turn reads only what is new; a no-op where there is no cache to fill."""
        ...

    def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        cancel: Cancel | None = None,
    ) -> Generator[Output, None, None]:
        """Yield the reply as it is produced; stop early once ``cancel`` is set."""
        ...


@runtime_checkable
class Chooser(Protocol):
    """A model that can say how likely each of a few short answers is, from one read of the
    prompt: a judge's Yes or No as a probability, not as generated text."""

    def choice_logprobs(
        self, messages: Sequence[ChatMessage], params: GenerationParams, choices: Sequence[str]
    ) -> list[float]:
        """The log-probability that the reply to ``messages`` begins with each choice (its first
        token); raises GenerationError where the reply cannot begin with an answer (a harmony
        model reasons first)."""
        ...


def final_text(outputs: Iterable[Output]) -> str:
    """The answer in a stream of outputs: the final channel's text after the last cut-off."""
    answer: list[str] = []
    for o in outputs:
        if isinstance(o, CutOff):
            answer.clear()
        elif isinstance(o, Delta) and o.channel == "final":
            answer.append(o.text)
    return "".join(answer)
