"""The big model's work (design seed §19): judging, planning, long-context reflection.

Triggered by typed events (NeedJudge, GeneratePlan, LongContextReflection), one at a time on a
worker thread: the ``deep`` chain (optional_moe, else the primary — today gpt-oss-20b plays that
role too — else the lightweight model) is lazily loaded, the task runs under a time limit, and a
result event (JudgeResult, PlanResult, ReflectionResult) is published, failures included.

It records ``moe_judge_latency_ms`` and ``moe_planner_latency_ms``, ``moe_judge_agreement_rate``
(against the verdict the request brought, if any) and ``moe_memory_resident_sec``. The big model
stays resident between tasks only when §19's criteria say so (long-context work above 15 % of
requests, or the primary's persona adherence more than 5 % under target); and while its p95
latency is over the limit, it is switched off and the lightweight model does the work.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from core.errors import DomovoyError
from core.events import (
    Event,
    EventBus,
    GeneratePlan,
    JudgeResult,
    LongContextReflection,
    ModelLoaded,
    ModelUnloaded,
    NeedJudge,
    PlanResult,
    ReflectionResult,
    ResourcePressure,
    TurnFinished,
)
from core.metrics import Metrics
from llm.base import ChatMessage, Output, final_text
from llm.roles import ModelSlot
from llm.router import Kind, Router, Task
from llm.structured import ask_json

log = logging.getLogger(__name__)

JUDGE_SCHEMA = {
    "type": "object",
    "properties": {
        "verdict": {"type": "boolean"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "reason": {"type": "string"},
    },
    "required": ["verdict", "score", "reason"],
}
PLAN_SCHEMA = {
    "type": "object",
    "properties": {"steps": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
    "required": ["steps"],
}
LONG_CONTEXT_SHARE = 0.15
PERSONA_TARGET = 0.8
PERSONA_MARGIN = 0.05
MIN_SAMPLES = 5


class MoeTasks:
    def __init__(
        self,
        bus: EventBus,
        router: Router,
        metrics: Metrics,
        *,
        time_limit_s: float = 60.0,
        p95_limit_ms: float = 30000.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bus = bus
        self.router = router
        self.metrics = metrics
        self.time_limit_s = time_limit_s
        self.p95_limit_ms = p95_limit_ms
        self.clock = clock
        self.enabled = True
        self.requests = 0  # dialogue turns and big-model tasks
        self.long_context = 0
        self._agreed = 0
        self._compared = 0
        self._resident_since: dict[str, float] = {}
        self._queue: queue.Queue[Event | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        for kind in (NeedJudge, GeneratePlan, LongContextReflection):
            bus.subscribe(kind, self._queue.put)
        bus.subscribe(TurnFinished, self._count_turn)
        bus.subscribe(ModelLoaded, self._loaded)
        bus.subscribe(ModelUnloaded, self._unloaded)

    # --- policy --------------------------------------------------------------------------------

    @property
    def long_context_share(self) -> float:
        return self.long_context / self.requests if self.requests else 0.0

    def keep_resident(self, slot: ModelSlot) -> bool:
        """§19: keep the big model loaded between tasks only when it pays for itself."""
        if self.big_slot() is not slot:
            return False
        persona = self.metrics.gauge("persona_adherence", role="primary")
        weak_persona = persona is not None and persona < PERSONA_TARGET - PERSONA_MARGIN
        return self.long_context_share > LONG_CONTEXT_SHARE or weak_persona

    def big_slot(self) -> ModelSlot | None:
        slots = self.router.chain("deep")[0]
        return slots[0] if slots else None

    def start(self) -> None:
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="domovoy-moe", daemon=True)
            self._worker.start()

    def stop(self) -> None:
        self._queue.put(None)

    # --- the worker ----------------------------------------------------------------------------

    def _work(self) -> None:
        while (event := self._queue.get()) is not None:
            try:
                self._handle(event)
            except Exception:  # one broken task must not stop the others
                log.exception("big-model task %r failed", event)

    def _handle(self, event: Event) -> None:
        self.requests += 1
        if isinstance(event, LongContextReflection):
            self.long_context += 1
        kind: Kind = "deep" if self.enabled else "quick"
        metric = (
            "moe_judge_latency_ms" if isinstance(event, NeedJudge) else "moe_planner_latency_ms"
        )
        result: type[JudgeResult | PlanResult | ReflectionResult] = (
            JudgeResult if isinstance(event, NeedJudge)
            else PlanResult if isinstance(event, GeneratePlan)
            else ReflectionResult
        )  # fmt: skip
        request_id = getattr(event, "request_id", "")
        cancel = threading.Event()
        timer = threading.Timer(self.time_limit_s, cancel.set)
        timer.start()
        start = self.clock()
        try:
            fields = self._perform(event, kind, cancel)
        except DomovoyError as exc:
            ms = self._observe(metric, start)
            self.bus.publish(
                result(request_id=request_id, ok=False, latency_ms=ms, error=self._why(exc, cancel))
            )
            return
        finally:
            timer.cancel()
        ms = self._observe(metric, start)
        self.bus.publish(result(request_id=request_id, ok=True, latency_ms=ms, **fields))

    def _perform(self, event: Event, kind: Kind, cancel: threading.Event) -> dict[str, Any]:
        """The task itself; returns the result's fields (DomovoyError when it cannot)."""
        if isinstance(event, NeedJudge):
            prompt = (
                "Judge the answer below against the criteria. Reply with JSON: "
                '{"verdict": true or false, "score": 0..1, "reason": "..."}.\n\n'
                f"Criteria: {event.criteria}\n\nQuestion: {event.question}\n\n"
                f"Answer: {event.answer}"
            )
            value, model = self._ask(prompt, JUDGE_SCHEMA, kind, "judge", cancel)
            verdict = bool(value["verdict"])
            if event.expected is not None:
                self._compared += 1
                self._agreed += int(verdict == event.expected)
                self.metrics.set("moe_judge_agreement_rate", self._agreed / self._compared)
            score, reason = float(value["score"]), str(value["reason"])
            return {"verdict": verdict, "score": score, "reason": reason, "model_used": model}
        if isinstance(event, GeneratePlan):
            prompt = (
                "Make a short plan of steps for this goal. "
                f'Reply with JSON: {{"steps": [...]}}.\n\nGoal: {event.goal}'
            )
            value, model = self._ask(prompt, PLAN_SCHEMA, kind, "plan", cancel)
            return {"steps": tuple(str(s) for s in value["steps"]), "model_used": model}
        assert isinstance(event, LongContextReflection)
        prompt = (
            f"Reflect on the text below: what matters in it, in a few sentences.\n\n{event.text}"
        )
        outputs: list[Output] = []
        answered = self.router.run(
            kind, [ChatMessage(role="user", content=prompt)], outputs.append, cancel,
            task="summary",
        )  # fmt: skip
        return {"text": final_text(outputs), "model_used": answered.slot.model_id}

    def _ask(
        self, prompt: str, schema: dict[str, Any], kind: Kind, task: Task, cancel: threading.Event
    ) -> tuple[Any, str]:
        messages = [ChatMessage(role="user", content=prompt)]
        value, answered = ask_json(
            self.router, messages, schema, kind=kind, task=task, cancel=cancel, retries=1
        )
        return value, answered.slot.model_id

    # --- bookkeeping ---------------------------------------------------------------------------

    def _observe(self, name: str, start: float) -> float:
        ms = (self.clock() - start) * 1000
        self.metrics.observe(name, ms)
        p95 = self.metrics.percentile(name, 95)
        if self.enabled and self.metrics.count(name) >= MIN_SAMPLES and p95 > self.p95_limit_ms:
            self.enabled = False
            self.bus.publish(
                ResourcePressure(
                    reason=f"{name} p95 is {p95:.0f} ms, over its {self.p95_limit_ms:.0f} ms "
                    "limit: the lightweight model takes judging and planning"
                )
            )
        return ms

    def _why(self, exc: DomovoyError, cancel: threading.Event) -> str:
        if cancel.is_set():
            return f"over the time limit of {self.time_limit_s:g} s"
        return exc.message

    def _count_turn(self, e: TurnFinished) -> None:
        self.requests += 1

    def _loaded(self, e: ModelLoaded) -> None:
        big = self.big_slot()
        if big is not None and e.model_id == big.model_id:
            self._resident_since[e.model_id] = self.clock()

    def _unloaded(self, e: ModelUnloaded) -> None:
        since = self._resident_since.pop(e.model_id, None)
        if since is not None:
            total = (self.metrics.gauge("moe_memory_resident_sec") or 0.0) + (self.clock() - since)
            self.metrics.set("moe_memory_resident_sec", total)
