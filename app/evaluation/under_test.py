"""The assistant as a system under test for eval scenarios: the real turn path (router, tools,
memory, mood), with memory and mood in a temporary folder so the user's own are never touched."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from app.assistant import Assistant
from app.evaluation.judges import independent_judges, judge_roles
from app.home import Home
from app.memory_and_mood import MemoryAndMood
from app.wiring import build_assistant
from core.errors import DomovoyError, InputError, NoModelForRoleError, TurnTimeout
from core.events import EventBus, ToolCalled, TurnFailed, TurnFinished
from eval.metrics import UNSEEDED, TurnRecord
from llm.base import ChatMessage
from llm.router import Kind


class VoidRun(DomovoyError):
    """A reply came from another model than the one under test: nothing of the run counts."""


# the request kind that reaches each role first (llm.router.ROLE_FOR_KIND)
KIND_OF_ROLE: dict[str, Kind] = {
    "primary": "conversation",
    "lightweight": "quick",
    "secondary": "compare",
    "optional_moe": "deep",
}


class AssistantUnderTest:
    """The model playing ``role`` answers every turn (its request kind), judged by other models.

    ``model`` plays the role for this run only. The run has a config of its own (a copy:
    nothing of it reaches the user's), and samples
    greedily: two runs of one model give the same replies, so two models are compared, not two
    draws of one. Every reply records which model gave it; one from another model (the
    candidate failed and the fallback answered) ends the run as void (VoidRun, ``foreign``)."""

    def __init__(
        self,
        home: Home,
        *,
        role: str = "primary",
        model: str | None = None,
        judges: Sequence[str] | None = None,
        turn_timeout_s: float = 600.0,
    ) -> None:
        if role not in KIND_OF_ROLE:
            raise InputError(
                f"the {role} role cannot be evaluated on its own",
                hint=f"stage it for one of {', '.join(KIND_OF_ROLE)}",
            )
        self._scratch = Path(tempfile.mkdtemp(prefix="domovoy-eval-"))
        # memory and conversations of its own; its figures go to the user's metrics, for
        # `domovoy doctor --metrics`
        paths = dataclasses.replace(
            home.paths, data_dir=self._scratch / "data", metrics_at=home.paths.metrics_file
        )
        config = home.config.model_copy(deep=True)
        if model is not None:
            config.llm.role(role).id = home.registry.get(model).id  # UnknownModelError names it
        self.home = Home(paths=paths, config=config, registry=home.registry, metrics=home.metrics)
        self.bus = EventBus()
        self.role, self.kind = role, KIND_OF_ROLE[role]
        assistant, problem = build_assistant(self.home, self.bus)
        slot = assistant.router.slots.get(role)
        if slot is None:
            raise problem or NoModelForRoleError(role, config.llm.role(role).id)
        for each in assistant.router.slots.values():
            each.params = dataclasses.replace(each.params, temperature=0.0, seed=0)
        self.assistant: Assistant = assistant
        companion = assistant.service(MemoryAndMood)
        if companion is None:
            raise DomovoyError("the assistant was built without its memory companion")
        self.companion: MemoryAndMood = companion
        self.model_id = slot.model_id
        # judges cast as the config had it before this run: the model this one stands in for
        # may judge; the same roles judge the baseline's run and the candidate's (the gate's)
        cast = dataclasses.replace(self.home, config=home.config)
        if judges is None:
            judges = judge_roles(cast, self.model_id)
        self.judges = independent_judges(self.bus, cast, judges, assistant.router.slots)
        self.foreign: list[str] = []  # replies that came from another model: "model: why"
        self.turn_timeout_s = turn_timeout_s
        self._keys: dict[str, str] = {}
        assistant.start()

    def close(self) -> None:
        self.assistant.shutdown()
        for judge in self.judges:
            judge.close()
        shutil.rmtree(self._scratch, ignore_errors=True)

    def reset(self) -> None:
        self.companion.drain()
        self.assistant.reset()
        self.companion.ready.wait(120)
        if self.companion.memory is not None:
            self.companion.memory.forget_all()
        self.companion.mood.reset()
        self._keys = {}

    def seed(self, memories: dict[str, str]) -> None:
        memory = self.companion.memory
        if memory is None:
            return
        for key, text in memories.items():
            written = memory.remember(text, speaker="user", dedupe=False)
            self._keys[written.memory.id] = key

    def ask(self, text: str) -> TurnRecord:
        tools: list[str] = []
        off = self.bus.subscribe(ToolCalled, lambda e: tools.append(e.tool))
        start = time.perf_counter()
        try:
            turn = self.assistant.submit(text, kind=self.kind)
            try:
                ending: TurnFinished | TurnFailed = turn.result(self.turn_timeout_s)
            except TurnTimeout as exc:
                self.assistant.stop()
                ending = TurnFailed(turn_id=turn.id, message=str(exc))
        finally:
            off()
        latency = (time.perf_counter() - start) * 1000
        self.companion.drain()  # the mood reading of this turn is done
        finished = ending if isinstance(ending, TurnFinished) else None
        reply = ending.text if isinstance(ending, TurnFinished) else f"[failed] {ending.message}"
        used = finished.model_used if finished else ""
        if used != self.model_id:
            why = finished.fallback_reason if finished else ending.message  # type: ignore[union-attr]
            self.foreign.append(f"{used or 'no model'} answered {text[:40]!r}: {why}")
            raise VoidRun(f"{used or 'no model'} answered instead of {self.model_id}: {why}")
        recalled = self.companion.last_recalled
        return TurnRecord(
            user=text,
            reply=reply,
            latency_ms=latency,
            first_token_ms=finished.timings.first_token_ms if finished else latency,
            user_tokens=self._tokens(text),
            reply_tokens=finished.timings.tokens if finished else 0,
            recalled=[self._keys.get(i, f"{UNSEEDED}{i}") for i in recalled],
            context=list(self.companion.last_context),
            tools=tools,
            reply_emotions=dict(self.companion.reader.quick_read(reply).emotions),
            model_used=used,
        )

    def _tokens(self, text: str) -> int:
        """The user's message in the model's own tokens (its prompt with and without it)."""
        slot = self.assistant.router.slots[self.role]
        try:
            with_it = slot.count_tokens([ChatMessage(role="user", content=text)])
            without = slot.count_tokens([ChatMessage(role="user", content="")])
        except DomovoyError:
            return len(text.split())  # the model is gone: words stand in for its tokens
        return max(1, with_it - without)

    def judge(
        self, which: int, question: str, answer: str, criterion: str, context: str = ""
    ) -> tuple[bool, float] | None:
        """The verdict and score of independent judge ``which`` (0, then 1 for the agreement);
        None when there is no such judge or it gave none."""
        if which >= len(self.judges):
            return None
        return self.judges[which](question, answer, criterion, context)
