import threading

import pytest

from core.errors import GenerationError, ModelLoadError, NoModelForRoleError
from core.events import EventBus
from core.scheduler import GpuScheduler, Priority
from llm.base import ChatMessage, CutOff, Delta, Output, final_text
from llm.fake import FakeLLM
from llm.roles import ModelSlot
from llm.router import Router

HELLO = [ChatMessage(role="user", content="hi")]


def slot(role: str, llm: FakeLLM, timeout_s: float = 5.0) -> ModelSlot:
    return ModelSlot(role=role, model_id=llm.model_id, llm=llm, timeout_s=timeout_s)


def run(router: Router, kind: str = "conversation") -> tuple[str, str, str]:
    got: list[Output] = []
    answered = router.run(kind, HELLO, got.append, threading.Event())  # type: ignore[arg-type]
    return final_text(got), answered.slot.role, answered.fallback_reason


def test_each_kind_goes_to_its_role_first() -> None:
    slots = {
        r: slot(r, FakeLLM([f"from {r}"], model_id=r))
        for r in ("primary", "secondary", "lightweight", "micro")
    }
    router = Router(EventBus(), slots)
    assert run(router, "conversation")[:2] == ("from primary", "primary")
    assert run(router, "quick")[:2] == ("from lightweight", "lightweight")
    assert run(router, "compare")[:2] == ("from secondary", "secondary")
    assert [s.role for s in router.chain("compare")[0]] == ["secondary", "primary", "lightweight"]


def test_a_primary_that_cannot_load_falls_back_with_the_reason() -> None:
    router = Router(
        EventBus(),
        {
            "primary": slot(
                "primary", FakeLLM(model_id="big", fail_load="out of memory: 14 GB needed")
            ),
            "lightweight": slot("lightweight", FakeLLM(["small answer"], model_id="small")),
        },
    )
    text, role, reason = run(router)
    assert (text, role) == ("small answer", "lightweight")
    assert "primary model big" in reason and "out of memory" in reason


def test_a_silent_model_is_given_up_after_its_timeout() -> None:
    router = Router(
        EventBus(),
        {
            "primary": slot(
                "primary", FakeLLM(["late"], model_id="slow", load_delay_s=2.0), timeout_s=0.2
            ),
            "lightweight": slot("lightweight", FakeLLM(["quick"], model_id="quick")),
        },
    )
    text, role, reason = run(router)
    assert (text, role) == ("quick", "lightweight")
    assert "no answer within 0.2 s" in reason


def test_pressure_sends_conversation_to_the_lightweight_model_and_says_why() -> None:
    router = Router(
        EventBus(),
        {
            "primary": slot("primary", FakeLLM(["big"])),
            "lightweight": slot("lightweight", FakeLLM(["small"])),
        },
        pressure=lambda: "speech recognition holds the GPU",
    )
    text, role, reason = run(router)
    assert (text, role) == ("small", "lightweight")
    assert reason == "speech recognition holds the GPU: the lightweight model answers"
    assert [s.role for s in router.chain("conversation")[0]] == ["lightweight", "primary"]


def test_a_failure_after_the_answer_began_is_not_hidden_by_a_fallback() -> None:
    router = Router(
        EventBus(),
        {
            "primary": slot("primary", FakeLLM(["one two three four"], fail_after=2)),
            "lightweight": slot("lightweight", FakeLLM(["other"])),
        },
    )
    got: list[Output] = []
    with pytest.raises(GenerationError, match="failed after 2 tokens"):
        router.run("conversation", HELLO, got.append, threading.Event())
    assert final_text(got) == "one two"


def test_one_failing_model_keeps_its_own_message() -> None:
    router = Router(EventBus(), {"primary": slot("primary", FakeLLM(fail_load="broken file"))})
    with pytest.raises(ModelLoadError, match="broken file"):
        run(router)


def test_no_model_at_all() -> None:
    with pytest.raises(NoModelForRoleError):
        run(Router(EventBus(), {}))


def test_a_gpu_model_holds_the_lease_while_it_answers_and_a_cpu_model_does_not() -> None:
    scheduler = GpuScheduler()
    holders: list[str | None] = []
    gpu = FakeLLM(["a b c"], model_id="gpu-model", uses_gpu=True)
    cpu = FakeLLM(["d e f"], model_id="cpu-model")
    slots = {
        "primary": ModelSlot(role="primary", model_id="gpu-model", llm=gpu, scheduler=scheduler),
        "lightweight": ModelSlot(
            role="lightweight", model_id="cpu-model", llm=cpu, scheduler=scheduler
        ),
    }
    router = Router(EventBus(), slots, pressure=scheduler.pressure)
    router.run(
        "conversation",
        HELLO,
        lambda o: holders.append(scheduler.holder),
        threading.Event(),
    )
    assert holders == ["llm:gpu-model"] * 3
    assert scheduler.holder is None  # released when the answer ended
    holders.clear()
    router.run("quick", HELLO, lambda o: holders.append(scheduler.holder), threading.Event())
    assert holders == [None] * 3


def test_while_speech_holds_the_gpu_long_the_lightweight_model_answers() -> None:
    now = [0.0]
    scheduler = GpuScheduler(stt_pressure_s=5, clock=lambda: now[0])
    slots = {
        "primary": ModelSlot(
            role="primary", model_id="big", llm=FakeLLM(["big"], uses_gpu=True), scheduler=scheduler
        ),
        "lightweight": ModelSlot(
            role="lightweight", model_id="small", llm=FakeLLM(["small"]), scheduler=scheduler
        ),
    }
    router = Router(EventBus(), slots, pressure=scheduler.pressure)
    with scheduler.lease("stt", priority=Priority.VOICE):
        now[0] = 7.0
        text, role, reason = run(router)
    assert (text, role) == ("small", "lightweight")
    assert reason == "stt has held the GPU for 7 s: the lightweight model answers"


@pytest.mark.parametrize(
    ("task", "effort"), [("dialogue", "low"), ("summary", "medium"), ("plan", "high")]
)
def test_reasoning_effort_follows_the_use_case(task: str, effort: str) -> None:
    fake = FakeLLM(["ok"])
    router = Router(EventBus(), {"primary": slot("primary", fake)})
    router.run("conversation", HELLO, lambda o: None, threading.Event(), task=task)  # type: ignore[arg-type]
    assert fake.params_seen[-1].reasoning_effort == effort
    router.run(
        "conversation",
        HELLO,
        lambda o: None,
        threading.Event(),
        task=task,
        effort="medium",
    )  # type: ignore[arg-type]
    assert fake.params_seen[-1].reasoning_effort == "medium"  # an explicit choice wins


def test_a_model_that_crashes_mid_reply_is_cut_off_and_the_next_one_answers() -> None:
    router = Router(
        EventBus(),
        {
            "primary": slot(
                "primary", FakeLLM(["one two three four five"], model_id="big", crash_after=2)
            ),
            "lightweight": slot("lightweight", FakeLLM(["small answer"], model_id="small")),
        },
    )
    got: list[Output] = []
    answered = router.run("conversation", HELLO, got.append, threading.Event())
    cuts = [o for o in got if isinstance(o, CutOff)]
    assert len(cuts) == 1 and cuts[0].model_id == "big" and "SIGSEGV" in cuts[0].message
    before = got[: got.index(cuts[0])]
    assert "".join(o.text for o in before if isinstance(o, Delta)) == "one two"
    assert final_text(got) == "small answer"  # the answer is what follows the cut
    assert answered.slot.role == "lightweight"
    assert "primary model big" in answered.fallback_reason
    assert "crashed" in answered.fallback_reason
