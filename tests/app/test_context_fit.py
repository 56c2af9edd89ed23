import time

from app.assistant import Assistant
from core.events import (
    ContextUsage,
    EventBus,
    HistorySummarized,
    TurnFailed,
    TurnFinished,
)
from core.scheduler import GpuScheduler
from llm.base import GenerationParams
from llm.fake import FakeLLM
from llm.roles import ModelSlot
from tests.app.turns import Recorder, make


def test_history_that_outgrows_the_context_is_summarized_never_dropped() -> None:
    bus = EventBus(strict=True)
    rec = Recorder(bus)
    words = " ".join(["word"] * 12)
    main = FakeLLM([words], model_id="main", context_length=120)
    light = FakeLLM(["They talked about words."], model_id="light")
    slots = {
        "primary": ModelSlot(
            role="primary", model_id="main", llm=main, params=GenerationParams(max_tokens=20)
        ),
        "lightweight": ModelSlot(role="lightweight", model_id="light", llm=light),
    }
    assistant = Assistant(bus=bus, slots=slots)
    for i in range(6):
        assistant.submit(f"message number {i} " + "blah " * 8)
        assert assistant.wait(5)
    summaries = rec.of(HistorySummarized)
    assert summaries, "the history was never compacted"
    assert all(isinstance(s, HistorySummarized) and s.model_id == "light" for s in summaries)
    assert assistant.summary == "They talked about words."
    for usage in rec.of(ContextUsage):
        assert isinstance(usage, ContextUsage)
        assert usage.prompt_tokens + usage.reply_budget <= usage.context_length
    last_prompt = main.seen[-1]
    assert (
        "Summary of the earlier conversation:\nThey talked about words." in last_prompt[0].content
    )
    assert "message number 5" in last_prompt[-1].content
    assert len(rec.of(TurnFinished)) == 6 and not rec.of(TurnFailed)


def test_a_gpu_turn_that_must_summarize_first_never_waits_on_its_own_lease() -> None:
    """The summary is written before the primary is asked: with one GPU lease, asking the
    lightweight model from inside the primary's attempt waited out the whole timeout_s."""
    bus = EventBus(strict=True)
    rec = Recorder(bus)
    scheduler = GpuScheduler(bus)
    main = FakeLLM([" ".join(["word"] * 12)], model_id="main", context_length=120, uses_gpu=True)
    light = FakeLLM(["They talked about words."], model_id="light", uses_gpu=True)
    slots = {
        "primary": ModelSlot(
            role="primary", model_id="main", llm=main, scheduler=scheduler, timeout_s=120,
            params=GenerationParams(max_tokens=20),
        ),
        "lightweight": ModelSlot(
            role="lightweight", model_id="light", llm=light, scheduler=scheduler, timeout_s=120
        ),
    }  # fmt: skip
    assistant = Assistant(bus=bus, slots=slots)
    started = time.perf_counter()
    endings = [assistant.submit(f"message {i} " + "blah " * 8).result(60) for i in range(5)]
    elapsed = time.perf_counter() - started
    assert rec.of(HistorySummarized), "the history never needed a summary: the test proves nothing"
    assert all(isinstance(e, TurnFinished) and e.model_used == "main" for e in endings)
    assert elapsed < 1.0, f"five turns with a summary took {elapsed:.1f} s"
    assert scheduler.holder is None
    assistant.shutdown()


def test_a_message_longer_than_the_context_is_refused_with_numbers() -> None:
    fake = FakeLLM(["ok"], context_length=50)
    assistant, rec = make(fake, params=GenerationParams(max_tokens=10))
    assistant.submit("word " * 100)
    assistant.wait(5)
    message = rec.of(TurnFailed)[0].message  # type: ignore[attr-defined]
    assert "more than the 50 tokens" in message and "context_length" in message
