"""Building the conversation the model reads (design seed §3.3, §13).

The order keeps the prefix stable from turn to turn, so llama.cpp reuses its KV cache instead of
re-reading the conversation: the system prompt (persona, rules, and the summary of older turns,
which changes only when history is compacted) and the history come first; what changes every
turn (recalled memories, the current mood, tool results) goes last, inside the new user message.
The history keeps the user's words without that context, so an old turn never changes.

Templates are files in ``llm/prompts/``, compiled once per content hash (an LRU invalidated by the
file's hash), and every prompt carries a version id: a hash of the templates it was built from.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import jinja2
import jinja2.sandbox

from core.errors import GenerationError
from llm.base import ChatMessage

PROMPTS_DIR = Path(__file__).with_name("prompts")


@dataclass(frozen=True, slots=True, kw_only=True)
class TurnContext:
    """What changes every turn; it goes just before the new user message."""

    memories: tuple[str, ...] = ()
    mood: str = ""
    tools: str = ""
    profile: str = ""  # the memory summary: what domovoy knows about the user


@dataclass(frozen=True, slots=True, kw_only=True)
class Prompt:
    messages: list[ChatMessage]
    version: str  # hash of the templates used: the same version, the same wording
    summarized: int = 0  # how many older messages the summary stands in for


@functools.lru_cache(maxsize=32)
def _compile(source: str) -> jinja2.Template:
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=False
    )
    return env.from_string(source)


@dataclass(slots=True)
class Templates:
    folder: Path = PROMPTS_DIR

    def render(self, name: str, **values: object) -> str:
        source = (self.folder / name).read_text(encoding="utf-8")
        return _compile(source).render(**values).strip()

    def version(self, *names: str) -> str:
        digest = hashlib.sha256()
        for name in names:
            digest.update(name.encode())
            digest.update((self.folder / name).read_bytes())
        return digest.hexdigest()[:12]


class PromptBuilder:
    def __init__(self, templates: Templates | None = None, *, voice: bool = False) -> None:
        self.templates = templates or Templates()
        self.voice = voice

    @property
    def version(self) -> str:
        return self.templates.version("system.j2", "turn_context.j2") + (
            "-voice" if self.voice else ""
        )

    def system(self, summary: str = "") -> str:
        return self.templates.render("system.j2", voice=self.voice, summary=summary)

    def build(
        self,
        history: Sequence[ChatMessage],
        text: str,
        context: TurnContext | None = None,
        *,
        summary: str = "",
        summarized: int = 0,
    ) -> Prompt:
        context = context or TurnContext()
        note = self.templates.render(
            "turn_context.j2",
            mood=context.mood,
            memories=list(context.memories),
            tools=context.tools,
            profile=context.profile,
        )
        # The turn's context is a note of its own just before the user's words, not a part of
        # them: a small model took it for what the user said (it answered a sad message with
        # "I can't assist with that" and a Russian one with "your mood is low"). A harmony
        # template reads only the first system message, so it gets the note inside the user's
        # message instead (llm.chat_template).
        messages = [
            ChatMessage(role="system", content=self.system(summary)),
            *history,
            *([ChatMessage(role="system", content=note)] if note else []),
            ChatMessage(role="user", content=text),
        ]
        return Prompt(messages=messages, version=self.version, summarized=summarized)

    def summary_request(
        self, messages: Sequence[ChatMessage], previous: str = "", max_words: int = 150
    ) -> list[ChatMessage]:
        """The lightweight model's task when older turns must make room."""
        content = self.templates.render(
            "summarize.j2", messages=list(messages), previous=previous, max_words=max_words
        )
        return [ChatMessage(role="user", content=content)]


def fit(
    messages: Sequence[ChatMessage],
    count: Callable[[Sequence[ChatMessage]], int],
    context: int,
    reply: int,
    model_id: str,
) -> list[ChatMessage]:
    """The messages, with the oldest exchanges of the history left out until the prompt
    (``count`` tokens) and the ``reply`` budget fit the ``context``. For a model that
    answers in another's place with a smaller context: the one it was built for compacted its
    history into the summary instead, before any model was asked."""
    kept = list(messages)
    first = 1 if kept and kept[0].role == "system" else 0
    turn = 1  # the user's message, and the turn's context note before it
    while turn < len(kept) - first and kept[-1 - turn].role == "system":
        turn += 1
    while True:
        used = count(kept)
        if used + reply <= context:
            return kept
        history = len(kept) - first - turn
        if history < 1:
            raise too_long(used, reply, context, model_id)
        del kept[first : first + min(2, history)]


def too_long(prompt: int, reply: int, context: int, model_id: str) -> GenerationError:
    """A message that cannot fit the model's context, whatever the history: the numbers."""
    return GenerationError(
        f"the message needs {prompt} tokens and the reply {reply}, more than the {context} "
        f"tokens {model_id} can read",
        hint="shorten the message, or raise context_length for this role in the config",
    )


def build_messages(history: Sequence[ChatMessage], user_text: str) -> list[ChatMessage]:
    """The plain conversation with no per-turn context (benchmarks and simple callers)."""
    return PromptBuilder().build(history, user_text).messages
