"""The §19 lifecycle of the big model's work, with scripted models."""

import pytest

from core.events import (
    Event,
    EventBus,
    GeneratePlan,
    JudgeResult,
    LongContextReflection,
    ModelLoaded,
    NeedJudge,
    PlanResult,
    ReflectionResult,
    ResourcePressure,
    Timings,
    TurnFinished,
)
from core.metrics import Metrics
from llm.big_model import MoeTasks
from llm.fake import FakeLLM
from llm.roles import ModelSlot
from llm.router import Router
from tests.helpers import wait_until

VERDICT = '{"verdict": true, "score": 0.9, "reason": "polite and correct"}'


def setup(
    big: FakeLLM, light: FakeLLM | None = None, **kw: float
) -> tuple[MoeTasks, list[Event], Metrics]:
    bus = EventBus(strict=True)
    events: list[Event] = []
    bus.subscribe(Event, events.append)
    slots = {"primary": ModelSlot(role="primary", model_id=big.model_id, llm=big)}
    if light is not None:
        slots["lightweight"] = ModelSlot(role="lightweight", model_id=light.model_id, llm=light)
    metrics = Metrics()
    tasks = MoeTasks(bus, Router(bus, slots), metrics, **kw)
    tasks.start()
    return tasks, events, metrics


def results(events: list[Event], kind: type[Event]) -> list[Event]:
    return [e for e in events if isinstance(e, kind)]


def test_a_judge_request_lazily_loads_the_big_model_and_publishes_a_result() -> None:
    big = FakeLLM([VERDICT], model_id="gpt-oss")
    tasks, events, metrics = setup(big)
    assert not big.loaded
    tasks.bus.publish(
        NeedJudge(request_id="j1", question="q", answer="a", criteria="polite", expected=True)
    )
    wait_until(lambda: results(events, JudgeResult))
    result = results(events, JudgeResult)[0]
    assert isinstance(result, JudgeResult) and result.ok and result.verdict and result.score == 0.9
    assert result.model_used == "gpt-oss" and big.loaded
    assert big.params_seen[0].reasoning_effort == "high"  # §19: judging is hard logic
    assert metrics.count("moe_judge_latency_ms") == 1
    assert metrics.gauge("moe_judge_agreement_rate") == 1.0
    tasks.stop()


def test_agreement_rate_counts_disagreements() -> None:
    big = FakeLLM([VERDICT], model_id="gpt-oss")
    tasks, events, metrics = setup(big)
    for i, expected in enumerate([True, False, True, True]):
        tasks.bus.publish(
            NeedJudge(request_id=f"j{i}", question="q", answer="a", criteria="c", expected=expected)
        )
    wait_until(lambda: len(results(events, JudgeResult)) == 4)
    assert metrics.gauge("moe_judge_agreement_rate") == 0.75
    tasks.stop()


def test_plans_and_reflections() -> None:
    big = FakeLLM(
        ['{"steps": ["find the recipe", "buy beets"]}', "The user cares about cooking."],
        model_id="gpt-oss",
    )
    tasks, events, metrics = setup(big)
    tasks.bus.publish(GeneratePlan(request_id="p1", goal="cook borscht"))
    tasks.bus.publish(LongContextReflection(request_id="r1", text="a long conversation"))
    wait_until(lambda: results(events, ReflectionResult))
    plan = results(events, PlanResult)[0]
    assert isinstance(plan, PlanResult) and plan.steps == ("find the recipe", "buy beets")
    reflection = results(events, ReflectionResult)[0]
    assert (
        isinstance(reflection, ReflectionResult)
        and reflection.text == "The user cares about cooking."
    )
    assert metrics.count("moe_planner_latency_ms") == 2
    tasks.stop()


def test_the_time_limit_ends_a_task_with_a_clear_result() -> None:
    slow = FakeLLM([" ".join(["word"] * 500)], model_id="gpt-oss", token_delay_s=0.01)
    tasks, events, _ = setup(slow, time_limit_s=0.2)
    tasks.bus.publish(GeneratePlan(request_id="p1", goal="anything"))
    wait_until(lambda: results(events, PlanResult), timeout=20)
    plan = results(events, PlanResult)[0]
    assert isinstance(plan, PlanResult) and not plan.ok
    assert plan.error == "over the time limit of 0.2 s"
    tasks.stop()


def test_a_slow_big_model_is_switched_off_and_the_lightweight_one_takes_over() -> None:
    big = FakeLLM([VERDICT], model_id="gpt-oss", load_delay_s=0.05, token_delay_s=0.01)
    light = FakeLLM([VERDICT], model_id="phi")
    tasks, events, _ = setup(big, light, p95_limit_ms=1)
    for i in range(6):
        tasks.bus.publish(NeedJudge(request_id=f"j{i}", question="q", answer="a", criteria="c"))
    wait_until(lambda: len(results(events, JudgeResult)) == 6)
    assert not tasks.enabled
    assert any(
        isinstance(e, ResourcePressure) and "moe_judge_latency_ms p95" in e.reason for e in events
    )
    used = [e.model_used for e in results(events, JudgeResult)]  # type: ignore[attr-defined]
    assert used[:5] == ["gpt-oss"] * 5 and used[5] == "phi"
    tasks.stop()


@pytest.mark.parametrize(("long_tasks", "turns", "keep"), [(1, 10, False), (2, 8, True)])
def test_the_big_model_stays_resident_only_when_long_context_work_is_common(
    long_tasks: int, turns: int, keep: bool
) -> None:
    big = FakeLLM(["noted"], model_id="gpt-oss")
    tasks, events, _ = setup(big)
    for i in range(turns):
        tasks.bus.publish(
            TurnFinished(
                turn_id=i, text="t", model_used="gpt-oss", role="primary", timings=Timings()
            )
        )
    for i in range(long_tasks):
        tasks.bus.publish(LongContextReflection(request_id=f"r{i}", text="long"))
    wait_until(lambda: len(results(events, ReflectionResult)) == long_tasks)
    slot = tasks.big_slot()
    assert slot is not None and tasks.keep_resident(slot) is keep
    tasks.stop()


def test_weak_persona_adherence_also_keeps_it_resident_and_residency_is_measured() -> None:
    now = [0.0]
    big = FakeLLM(model_id="gpt-oss")
    tasks, _, metrics = setup(big, clock=lambda: now[0])
    slot = tasks.big_slot()
    assert slot is not None and not tasks.keep_resident(slot)
    metrics.set("persona_adherence", 0.7, role="primary")
    assert tasks.keep_resident(slot)
    tasks.bus.publish(ModelLoaded(model_id="gpt-oss", role="primary", load_ms=1))
    now[0] = 42.0
    from core.events import ModelUnloaded

    tasks.bus.publish(ModelUnloaded(model_id="gpt-oss", role="primary", resident_s=42))
    assert metrics.gauge("moe_memory_resident_sec") == 42.0
    tasks.stop()
