"""The big model's work (design seed §19): judging, planning and long-context work, as calls that
return their results.

Each call runs on its caller's thread (the evaluation, the tool step, the memory's background
writer), one at a time, under a time limit: the ``deep`` chain (optional_moe, else the primary —
today gpt-oss-20b plays that role too — else the lightweight model) is loaded lazily by the router,
and the result is returned and published as a record (JudgeResult, PlanResult, ReflectionResult)
for the diagnostics, failures included.

It records ``moe_judge_latency_ms`` and ``moe_planner_latency_ms`` (planning and long-context
work), ``moe_judge_agreement_rate`` (against a verdict the caller already has, if any) and
``moe_memory_resident_sec``. The big model stays resident between tasks only when §19's criteria
say so (long-context work above 15 % of requests, or the primary's persona adherence more than 5 %
under target); and while its p95 latency is over the limit, it is switched off and the
lightweight model does the work.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from core.errors import DomovoyError
from core.events import (
    EventBus,
    JudgeResult,
    ModelLoaded,
    ModelUnloaded,
    PlanResult,
    ReflectionResult,
    ResourcePressure,
    TurnFinished,
)
from core.metrics import Metrics
from core.scheduler import Priority
from llm.base import ChatMessage, Output, final_text
from llm.roles import ModelSlot
from llm.router import Kind, Router, Task
from llm.structured import ask_json

JUDGE_SCHEMA = {
    "type": "object",
    "properties": {
        "verdict": {"type": "boolean"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "reason": {"type": "string"},
    },
    "required": ["verdict", "score", "reason"],
}
LONG_CONTEXT_SHARE = 0.15
PERSONA_TARGET = 0.8
PERSONA_MARGIN = 0.05
MIN_SAMPLES = 5
JUDGE_METRIC = "moe_judge_latency_ms"
PLAN_METRIC = "moe_planner_latency_ms"


def judge_prompt(question: str, answer: str, criteria: str) -> str:
    """What a judge is asked: a verdict and a 0–1 score as JSON (JUDGE_SCHEMA)."""
    return (
        "You are a strict judge. Judge the answer below against the criteria. Reply with "
        'JSON: {"verdict": true or false, "score": 0..1, "reason": "..."}.\n\n'
        f"Criteria: {criteria}\n\nQuestion: {question}\n\nAnswer: {answer}"
    )


class BigModel:
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
        self.long_tasks = 0
        self._agreed = 0
        self._compared = 0
        self._resident_since: dict[str, float] = {}
        self._resident_s = 0.0  # over the models the big one was, unloaded since
        self._one_at_a_time = threading.Lock()
        self._ids = itertools.count(1)
        self._running: threading.Event | None = None  # the task under way's stop
        bus.subscribe(TurnFinished, self._count_turn)
        bus.subscribe(ModelLoaded, self._loaded)
        bus.subscribe(ModelUnloaded, self._unloaded)

    # --- the work ------------------------------------------------------------------------------

    def judge(
        self,
        question: str,
        answer: str,
        criteria: str,
        *,
        kind: Kind = "deep",
        expected: bool | None = None,
    ) -> JudgeResult:
        """Does ``answer`` meet ``criteria``? ``expected``: another judge's verdict, for the
        agreement rate. ``kind``: which chain judges (``compare``: the secondary model)."""
        prompt = judge_prompt(question, answer, criteria)

        def work(chain: Kind, cancel: threading.Event) -> dict[str, Any]:
            value, model = self._json(prompt, JUDGE_SCHEMA, chain, "judge", cancel, None)
            verdict = bool(value["verdict"])
            if expected is not None:
                self._compared += 1
                self._agreed += int(verdict == expected)
                self.metrics.set("moe_judge_agreement_rate", self._agreed / self._compared)
            score, reason = float(value["score"]), str(value["reason"])
            return {"verdict": verdict, "score": score, "reason": reason, "model_used": model}

        result = self._run(JudgeResult, JUDGE_METRIC, kind, work)
        assert isinstance(result, JudgeResult)
        return result

    def plan(
        self,
        messages: Sequence[ChatMessage],
        schema: dict[str, Any],
        *,
        kind: Kind = "deep",
        cancel: threading.Event | None = None,
    ) -> tuple[Any, str]:
        """A structured plan (JSON following ``schema``): the tool step's, when its classifier
        is unsure (it asks the ``quick`` chain: a turn waits for it). Raises DomovoyError when
        no model gives one; the attempt is recorded either way."""
        found: list[Any] = []

        def work(chain: Kind, stop: threading.Event) -> dict[str, Any]:
            value, model = self._json(messages, schema, chain, "plan", stop, None)
            found.append(value)
            listed = value.get("steps") if isinstance(value, dict) else None
            steps = (
                tuple(str(step) for step in listed)
                if isinstance(listed, list)
                else (json.dumps(value, ensure_ascii=False),)  # a plan of another shape: whole
            )
            return {"steps": steps, "model_used": model}

        result = self._run(PlanResult, PLAN_METRIC, kind, work, cancel=cancel)
        if not result.ok:
            raise DomovoyError(result.error)
        return found[0], result.model_used

    def long_context(
        self,
        prompt: str,
        schema: dict[str, Any] | None = None,
        *,
        cancel: threading.Event | None = None,
    ) -> tuple[Any, str]:
        """Long-context work (reflections over many memories, whole-memory summaries): the
        big model reads it, in the background (its GPU lease yields to every turn). With a
        ``schema``, the reply is JSON following it; else text. Raises DomovoyError when no
        model can."""
        found: list[Any] = []

        def work(chain: Kind, stop: threading.Event) -> dict[str, Any]:
            if schema is not None:
                value, model = self._json(
                    prompt, schema, chain, "summary", stop, Priority.BACKGROUND
                )
                found.append(value)
                return {"text": str(value), "model_used": model}
            outputs: list[Output] = []
            answered = self.router.run(
                chain, [ChatMessage(role="user", content=prompt)], outputs.append, stop,
                task="summary", priority=Priority.BACKGROUND,
            )  # fmt: skip
            found.append(final_text(outputs))
            return {"text": found[0], "model_used": answered.slot.model_id}

        self.long_tasks += 1
        result = self._run(ReflectionResult, PLAN_METRIC, "deep", work, cancel=cancel)
        if not result.ok:
            raise DomovoyError(result.error)
        return found[0], result.model_used

    # --- policy --------------------------------------------------------------------------------

    @property
    def long_context_share(self) -> float:
        return self.long_tasks / self.requests if self.requests else 0.0

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
        return None  # nothing runs between calls

    def stop(self) -> None:
        """Shutdown: the task under way ends at its next token; residency is counted."""
        running = self._running
        if running is not None:
            running.set()
        self._count_residency()

    # --- running one task ----------------------------------------------------------------------

    def _run(
        self,
        record: type[JudgeResult | PlanResult | ReflectionResult],
        metric: str,
        kind: Kind,
        work: Callable[[Kind, threading.Event], dict[str, Any]],
        *,
        cancel: threading.Event | None = None,
    ) -> JudgeResult | PlanResult | ReflectionResult:
        request_id = f"big-{next(self._ids)}"
        with self._one_at_a_time:
            self.requests += 1
            chain: Kind = kind if self.enabled or kind != "deep" else "quick"
            stop = cancel or threading.Event()
            timed_out = threading.Event()

            def time_is_up() -> None:
                timed_out.set()
                stop.set()

            timer = threading.Timer(self.time_limit_s, time_is_up)
            timer.daemon = True
            timer.start()
            self._running = stop
            start = self.clock()
            try:
                fields = work(chain, stop)
                if stop.is_set():  # a stopped reply is cut short: no result
                    raise DomovoyError("stopped: a turn began, or domovoy is closing")
            except DomovoyError as exc:
                ms = self._observe(metric, start)
                late = f"over the time limit of {self.time_limit_s:g} s"
                why = late if timed_out.is_set() else exc.message
                result = record(request_id=request_id, ok=False, latency_ms=ms, error=why)
            else:
                ms = self._observe(metric, start)
                result = record(request_id=request_id, ok=True, latency_ms=ms, **fields)
            finally:
                timer.cancel()
                self._running = None
        self._count_residency()
        self.bus.publish(result)
        return result

    def _json(
        self,
        prompt: str | Sequence[ChatMessage],
        schema: dict[str, Any],
        kind: Kind,
        task: Task,
        cancel: threading.Event,
        priority: Priority | None,
    ) -> tuple[Any, str]:
        messages = [ChatMessage(role="user", content=prompt)] if isinstance(prompt, str) else prompt
        value, answered = ask_json(
            self.router, messages, schema, kind=kind, task=task, cancel=cancel, retries=1,
            priority=priority,
        )  # fmt: skip
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

    def _count_turn(self, e: TurnFinished) -> None:
        self.requests += 1

    def _loaded(self, e: ModelLoaded) -> None:
        big = self.big_slot()
        if big is not None and e.model_id == big.model_id:
            self._resident_since[e.model_id] = self.clock()

    def _unloaded(self, e: ModelUnloaded) -> None:
        since = self._resident_since.pop(e.model_id, None)
        if since is not None:
            self._resident_s += self.clock() - since
            self._count_residency()

    def _count_residency(self) -> None:
        """How long the big model has been resident, its current stay included."""
        now = self.clock()
        current = sum(now - since for since in self._resident_since.values())
        if self._resident_s or self._resident_since:
            self.metrics.set("moe_memory_resident_sec", self._resident_s + current)
