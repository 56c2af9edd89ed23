"""The assistant as a system under test for eval scenarios: the real turn path (router, tools,
memory, mood), with memory and mood in a temporary folder so the user's own are never touched."""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import time
from pathlib import Path

from app.assistant import Assistant
from app.home import Home
from app.memory_and_mood import MemoryAndMood
from app.wiring import build_assistant
from core.errors import DomovoyError, TurnTimeout
from core.events import EventBus, ToolCalled, TurnFailed, TurnFinished
from eval.metrics import TurnRecord
from llm.big_model import BigModel
from memory.emotion import main_emotion


class AssistantUnderTest:
    def __init__(
        self, home: Home, *, model: str | None = None, turn_timeout_s: float = 600.0
    ) -> None:
        self._scratch = Path(tempfile.mkdtemp(prefix="domovoy-eval-"))
        # memory and conversations of its own; its figures (the big model's judging among them)
        # go to the user's metrics, for `domovoy doctor --metrics`
        paths = dataclasses.replace(
            home.paths, data_dir=self._scratch / "data", metrics_at=home.paths.metrics_file
        )
        self.home = Home(
            paths=paths, config=home.config, registry=home.registry, metrics=home.metrics
        )
        self.bus = EventBus()
        assistant, problem = build_assistant(self.home, self.bus, model=model)
        if problem is not None and not assistant.ready_to_chat:
            raise problem
        self.assistant: Assistant = assistant
        companion = assistant.service(MemoryAndMood)
        if companion is None:
            raise DomovoyError("the assistant was built without its memory companion")
        self.companion: MemoryAndMood = companion
        primary = assistant.primary
        self.model_id = primary.model_id if primary else "?"
        self.turn_timeout_s = turn_timeout_s
        self._keys: dict[str, str] = {}
        big = assistant.service(BigModel)
        if big is None:
            raise DomovoyError("the assistant was built without the big model's service")
        self.big: BigModel = big
        self._verdicts: dict[tuple[str, str, str], bool] = {}  # the secondary's, per answer
        assistant.start()

    def close(self) -> None:
        self.assistant.shutdown()
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
            turn = self.assistant.submit(text)
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
        return TurnRecord(
            user=text,
            reply=reply,
            latency_ms=latency,
            user_tokens=len(text.split()),
            reply_tokens=finished.timings.tokens if finished else 0,
            recalled=[self._keys[i] for i in self.companion.last_recalled if i in self._keys],
            tools=tools,
            mood=main_emotion(self.companion.mood.current()),
            model_used=finished.model_used if finished else "",
        )

    def judge(
        self, role: str, question: str, answer: str, criteria: str
    ) -> tuple[bool, float] | None:
        """A verdict through the big model's judging service: the secondary model's (``compare``
        chain), or the big model's (``deep``), which is told the secondary's verdict on the same
        answer, for the agreement rate (§19's moe_judge_agreement_rate)."""
        key = (question, answer, criteria)
        if role == "secondary":
            result = self.big.judge(question, answer, criteria, kind="compare")
            if result.ok:
                self._verdicts[key] = result.verdict
        else:
            expected = self._verdicts.get(key)
            result = self.big.judge(question, answer, criteria, kind="deep", expected=expected)
        return (result.verdict, result.score) if result.ok else None
