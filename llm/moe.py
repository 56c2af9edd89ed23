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
from llm.router import Kind, ModelSlot, Router
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
        kind: Kind = "deep" if self.enabled else "quick"
        cancel = threading.Event()
        timer = threading.Timer(self.time_limit_s, cancel.set)
        timer.start()
        start = self.clock()
        try:
            if isinstance(event, NeedJudge):
                self._judge(event, kind, cancel, start)
            elif isinstance(event, GeneratePlan):
                self._plan(event, kind, cancel, start)
            elif isinstance(event, LongContextReflection):
                self.long_context += 1
                self._reflect(event, kind, cancel, start)
        finally:
            timer.cancel()

    def _judge(self, e: NeedJudge, kind: Kind, cancel: threading.Event, start: float) -> None:
        prompt = (
            "Judge the answer below against the criteria. Reply with JSON: "
            '{"verdict": true or false, "score": 0..1, "reason": "..."}.\n\n'
            f"Criteria: {e.criteria}\n\nQuestion: {e.question}\n\nAnswer: {e.answer}"
        )
        try:
            value, answered = ask_json(
                self.router,
                [ChatMessage(role="user", content=prompt)],
                JUDGE_SCHEMA,
                kind=kind,
                task="judge",
                cancel=cancel,
                retries=1,
            )
        except DomovoyError as exc:
            ms = self._observe("moe_judge_latency_ms", start)
            self.bus.publish(
                JudgeResult(
                    request_id=e.request_id, ok=False, latency_ms=ms, error=self._why(exc, cancel)
                )
            )
            return
        ms = self._observe("moe_judge_latency_ms", start)
        verdict = bool(value["verdict"])
        if e.expected is not None:
            self._compared += 1
            self._agreed += int(verdict == e.expected)
            self.metrics.set("moe_judge_agreement_rate", self._agreed / self._compared)
        self.bus.publish(
            JudgeResult(
                request_id=e.request_id,
                ok=True,
                verdict=verdict,
                score=float(value["score"]),
                reason=str(value["reason"]),
                model_used=answered.slot.model_id,
                latency_ms=ms,
            )
        )

    def _plan(self, e: GeneratePlan, kind: Kind, cancel: threading.Event, start: float) -> None:
        prompt = (
            "Make a short plan of steps for this goal. "
            f'Reply with JSON: {{"steps": [...]}}.\n\nGoal: {e.goal}'
        )
        try:
            value, answered = ask_json(
                self.router,
                [ChatMessage(role="user", content=prompt)],
                PLAN_SCHEMA,
                kind=kind,
                task="plan",
                cancel=cancel,
                retries=1,
            )
        except DomovoyError as exc:
            ms = self._observe("moe_planner_latency_ms", start)
            self.bus.publish(
                PlanResult(
                    request_id=e.request_id, ok=False, latency_ms=ms, error=self._why(exc, cancel)
                )
            )
            return
        ms = self._observe("moe_planner_latency_ms", start)
        steps = tuple(str(s) for s in value["steps"])
        self.bus.publish(
            PlanResult(
                request_id=e.request_id,
                ok=True,
                steps=steps,
                model_used=answered.slot.model_id,
                latency_ms=ms,
            )
        )

    def _reflect(
        self, e: LongContextReflection, kind: Kind, cancel: threading.Event, start: float
    ) -> None:
        prompt = f"Reflect on the text below: what matters in it, in a few sentences.\n\n{e.text}"
        outputs: list[Output] = []
        try:
            answered = self.router.run(
                kind,
                lambda slot: [ChatMessage(role="user", content=prompt)],
                outputs.append,
                cancel,
                task="summary",
            )
        except DomovoyError as exc:
            ms = self._observe("moe_planner_latency_ms", start)
            self.bus.publish(
                ReflectionResult(
                    request_id=e.request_id, ok=False, latency_ms=ms, error=self._why(exc, cancel)
                )
            )
            return
        ms = self._observe("moe_planner_latency_ms", start)
        self.bus.publish(
            ReflectionResult(
                request_id=e.request_id,
                ok=True,
                text=final_text(outputs),
                model_used=answered.slot.model_id,
                latency_ms=ms,
            )
        )

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
