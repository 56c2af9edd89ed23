"""The §19 lifecycle of the big model's work, with scripted models: calls that return results."""

import threading

import pytest

from core.errors import DomovoyError
from core.events import (
    Event,
    EventBus,
    JudgeResult,
    ModelLoaded,
    ModelUnloaded,
    PlanResult,
    ReflectionResult,
    ResourcePressure,
    Timings,
    TurnFinished,
)
from core.metrics import Metrics
from llm.base import ChatMessage
from llm.big_model import BigModel
from llm.fake import FakeLLM
from llm.roles import ModelSlot
from llm.router import Router

VERDICT = '{"verdict": true, "score": 0.9, "reason": "polite and correct"}'
STEPS = {"type": "object", "properties": {"steps": {"type": "array"}}, "required": ["steps"]}


def setup(
    big: FakeLLM, light: FakeLLM | None = None, **kw: float
) -> tuple[BigModel, list[Event], Metrics]:
    bus = EventBus(strict=True)
    events: list[Event] = []
    bus.subscribe(Event, events.append)
    slots = {"primary": ModelSlot(role="primary", model_id=big.model_id, llm=big)}
    if light is not None:
        slots["lightweight"] = ModelSlot(role="lightweight", model_id=light.model_id, llm=light)
    metrics = Metrics()
    return BigModel(bus, Router(bus, slots), metrics, **kw), events, metrics  # type: ignore[arg-type]


def test_judging_lazily_loads_the_big_model_and_returns_the_verdict() -> None:
    big = FakeLLM([VERDICT], model_id="gpt-oss")
    work, events, metrics = setup(big)
    assert not big.loaded
    result = work.judge("q", "a", "polite", expected=True)
    assert result.ok and result.verdict and result.score == 0.9 and result.reason
    assert result.model_used == "gpt-oss" and big.loaded
    assert big.params_seen[0].reasoning_effort == "high"  # §19: judging is hard logic
    assert metrics.count("moe_judge_latency_ms") == 1
    assert metrics.gauge("moe_judge_agreement_rate") == 1.0
    assert [e for e in events if isinstance(e, JudgeResult)] == [result]  # kept as a record


def test_agreement_rate_counts_disagreements() -> None:
    work, _, metrics = setup(FakeLLM([VERDICT], model_id="gpt-oss"))
    for expected in [True, False, True, True]:
        work.judge("q", "a", "c", expected=expected)
    assert metrics.gauge("moe_judge_agreement_rate") == 0.75


def test_plans_and_long_context_work_return_what_the_model_wrote() -> None:
    big = FakeLLM(
        ['{"steps": ["find the recipe", "buy beets"]}', "The user cares about cooking."],
        model_id="gpt-oss",
    )
    work, events, metrics = setup(big)
    plan, model = work.plan([ChatMessage(role="user", content="cook borscht")], STEPS)
    assert plan == {"steps": ["find the recipe", "buy beets"]} and model == "gpt-oss"
    text, _ = work.long_context("a long conversation")
    assert text == "The user cares about cooking."
    assert metrics.count("moe_planner_latency_ms") == 2
    records = [e for e in events if isinstance(e, (PlanResult, ReflectionResult))]
    assert [type(e) for e in records] == [PlanResult, ReflectionResult]
    assert isinstance(records[0], PlanResult)
    assert records[0].steps == ("find the recipe", "buy beets")


def test_the_time_limit_ends_a_task_with_a_clear_error() -> None:
    slow = FakeLLM([" ".join(["word"] * 500)], model_id="gpt-oss", token_delay_s=0.01)
    work, events, _ = setup(slow, time_limit_s=0.2)
    with pytest.raises(DomovoyError, match=r"over the time limit of 0\.2 s"):
        work.long_context("anything")
    (record,) = [e for e in events if isinstance(e, ReflectionResult)]
    assert not record.ok and record.error == "over the time limit of 0.2 s"


def test_shutdown_stops_the_task_under_way() -> None:
    slow = FakeLLM([" ".join(["word"] * 2000)], model_id="gpt-oss", token_delay_s=0.01)
    work, _, _ = setup(slow, time_limit_s=60)
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work.long_context("a long read")
        except DomovoyError as exc:
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    threading.Event().wait(0.2)
    work.stop()
    thread.join(5)
    assert not thread.is_alive() and failed


def test_a_slow_big_model_is_switched_off_and_the_lightweight_one_takes_over() -> None:
    big = FakeLLM([VERDICT], model_id="gpt-oss", load_delay_s=0.05, token_delay_s=0.01)
    light = FakeLLM([VERDICT], model_id="phi")
    work, events, _ = setup(big, light, p95_limit_ms=1)
    used = [work.judge("q", "a", "c").model_used for _ in range(6)]
    assert not work.enabled
    assert any(
        isinstance(e, ResourcePressure) and "moe_judge_latency_ms p95" in e.reason for e in events
    )
    assert used[:5] == ["gpt-oss"] * 5 and used[5] == "phi"


@pytest.mark.parametrize(("long_tasks", "turns", "keep"), [(1, 10, False), (2, 8, True)])
def test_the_big_model_stays_resident_only_when_long_context_work_is_common(
    long_tasks: int, turns: int, keep: bool
) -> None:
    work, _, _ = setup(FakeLLM(["noted"], model_id="gpt-oss"))
    for i in range(turns):
        work.bus.publish(
            TurnFinished(
                turn_id=i, text="t", model_used="gpt-oss", role="primary", timings=Timings()
            )
        )
    for _ in range(long_tasks):
        work.long_context("long")
    slot = work.big_slot()
    assert slot is not None and work.keep_resident(slot) is keep


def test_weak_persona_adherence_also_keeps_it_resident_and_residency_is_measured() -> None:
    now = [0.0]
    work, _, metrics = setup(FakeLLM(model_id="gpt-oss"), clock=lambda: now[0])
    slot = work.big_slot()
    assert slot is not None and not work.keep_resident(slot)
    metrics.set("persona_adherence", 0.7, role="primary")
    assert work.keep_resident(slot)
    work.bus.publish(ModelLoaded(model_id="gpt-oss", role="primary", load_ms=1))
    now[0] = 30.0
    work.stop()  # still resident at shutdown: its stay so far counts
    assert metrics.gauge("moe_memory_resident_sec") == 30.0
    now[0] = 42.0
    work.bus.publish(ModelUnloaded(model_id="gpt-oss", role="primary", resident_s=42))
    assert metrics.gauge("moe_memory_resident_sec") == 42.0
