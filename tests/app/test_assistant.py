import time
from pathlib import Path

import pytest

from app.assistant import Assistant
from app.chat_log import ChatLog
from core.errors import ChecksumMismatchError, InputError, TurnTimeout
from core.events import (
    ContextUsage,
    EventBus,
    ModelLoaded,
    ModelLoadFailed,
    ModelLoading,
    ReasoningStreamed,
    TokenStreamed,
    TurnFailed,
    TurnFinished,
    TurnStarted,
)
from llm.base import GenerationParams
from llm.fake import FakeLLM
from llm.llama_cpp import LlamaCppLLM
from llm.prompt import TurnContext
from llm.roles import ModelSlot
from memory.conversations import Conversations
from tests.app.turns import Recorder, make
from tests.helpers import wait_until


def test_a_turn_streams_tokens_then_finishes_with_model_and_timings() -> None:
    assistant, rec = make(FakeLLM(["Добрый вечер, хозяин!"], model_id="fake-1"))
    turn = assistant.submit("  Привет  ")
    assert assistant.wait(5)
    kinds = [type(e) for e in rec.events]
    # the prompt is fitted to the model's context before the model is asked (and loaded)
    assert kinds[:4] == [TurnStarted, ContextUsage, ModelLoading, ModelLoaded]
    assert kinds[-1] is TurnFinished
    tokens = rec.of(TokenStreamed)
    assert "".join(t.text for t in tokens) == "Добрый вечер, хозяин!"  # type: ignore[attr-defined]
    finished = rec.of(TurnFinished)[0]
    assert isinstance(finished, TurnFinished)
    assert finished.turn_id == turn.id and finished.model_used == "fake-1"
    assert finished.role == "primary"
    assert (
        finished.timings.tokens == 3
        and finished.timings.total_ms >= finished.timings.first_token_ms
    )
    assert [m.content for m in assistant.history] == ["Привет", "Добрый вечер, хозяин!"]


def test_history_is_sent_with_the_next_turn() -> None:
    fake = FakeLLM(["one", "two"])
    assistant, _ = make(fake)
    assistant.submit("first")
    assistant.wait(5)
    assistant.submit("second")
    assistant.wait(5)
    roles = [(m.role, m.content) for m in fake.seen[1]]
    assert roles[0][0] == "system"
    assert roles[1:] == [("user", "first"), ("assistant", "one"), ("user", "second")]


def test_first_token_time_counts_recall_and_speed_counts_only_generation() -> None:
    words = " ".join(f"w{i}" for i in range(40))
    bus = EventBus(strict=True)
    rec = Recorder(bus)
    fake = FakeLLM([words], token_delay_s=0.002)

    def slow_recall(text: str) -> TurnContext:
        time.sleep(0.4)  # the first turn's recall loads the embedding model
        return TurnContext()

    slot = ModelSlot(role="primary", model_id="f", llm=fake)
    assistant = Assistant(bus=bus, slots={"primary": slot}, context=slow_recall)
    assistant.submit("hello")
    assert assistant.wait(5)
    (finished,) = rec.of(TurnFinished)
    assert isinstance(finished, TurnFinished)
    assert finished.timings.first_token_ms >= 400  # what the user waited for the first word
    generation_s = (finished.timings.total_ms - finished.timings.first_token_ms) / 1000
    assert generation_s < 0.4 and finished.timings.tokens_per_s > 60


def test_a_new_conversation_stops_the_reply_and_starts_with_no_history(tmp_path: Path) -> None:
    fake = FakeLLM(["one", " ".join(["word"] * 500), "three"], token_delay_s=0.005)
    assistant, _ = make(fake)
    log = ChatLog(assistant.bus, Conversations(tmp_path / "chats.sqlite3"))
    assistant.submit("first")
    assistant.wait(5)
    old = log.conversation.id
    assistant.submit("second, a long one")
    wait_until(lambda: assistant.busy)
    assistant.new_conversation("fresh")
    assert not assistant.busy and assistant.history == []
    assistant.submit("third")
    assistant.wait(5)
    assert [(m.role, m.content) for m in fake.seen[-1]][1:] == [("user", "third")]
    assert log.conversation.id != old and log.conversation.title == "fresh"
    kept = [m.text for m in log.store.messages(old)]
    assert kept[:3] == ["first", "one", "second, a long one"]  # the old one, cut reply included
    assert [m.text for m in log.store.messages(log.conversation.id)] == ["third", "three"]
    log.stop()


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_an_empty_message_is_refused_with_a_reason(text: str) -> None:
    assistant, rec = make(FakeLLM())
    with pytest.raises(InputError, match="empty"):
        assistant.submit(text)
    assert rec.events == []


def test_a_second_message_while_busy_is_refused() -> None:
    assistant, _ = make(FakeLLM(["a b c d e f g h"], token_delay_s=0.05))
    assistant.submit("one")
    with pytest.raises(InputError, match="still being written"):
        assistant.submit("two")
    assistant.stop()
    assistant.wait(5)


def test_stop_keeps_what_was_written_and_says_it_was_stopped() -> None:
    words = " ".join(f"w{i}" for i in range(200))
    assistant, rec = make(FakeLLM([words], token_delay_s=0.01))
    assistant.submit("talk")
    wait_until(lambda: len(rec.of(TokenStreamed)) >= 3)
    assistant.stop()
    assert assistant.wait(5)
    finished = rec.of(TurnFinished)[0]
    assert isinstance(finished, TurnFinished) and finished.cancelled
    assert 3 <= finished.timings.tokens < 200
    assert assistant.history[-1].content == finished.text


def test_a_model_that_fails_to_load_ends_the_turn_with_a_message() -> None:
    assistant, rec = make(FakeLLM(fail_load="out of memory"))
    assistant.submit("hi")
    assistant.wait(5)
    assert rec.of(ModelLoadFailed)
    failed = rec.of(TurnFailed)[0]
    assert isinstance(failed, TurnFailed) and "out of memory" in failed.message
    assert not rec.of(TurnFinished) and assistant.history == []


def test_a_generation_error_mid_reply_ends_the_turn_and_the_app_goes_on() -> None:
    fake = FakeLLM(["a b c d", "fine now"], fail_after=2)
    assistant, rec = make(fake)
    assistant.submit("one")
    assistant.wait(5)
    assert "failed after 2 tokens" in rec.of(TurnFailed)[0].message  # type: ignore[attr-defined]
    fake.fail_after = None
    assistant.submit("two")
    assistant.wait(5)
    assert rec.of(TurnFinished)[0].text == "fine now"  # type: ignore[attr-defined]


def test_no_primary_model_gives_the_way_to_get_one() -> None:
    bus = EventBus(strict=True)
    rec = Recorder(bus)
    assistant = Assistant(bus=bus, slots={})
    assert not assistant.ready_to_chat
    assistant.submit("hi")
    assistant.wait(5)
    message = rec.of(TurnFailed)[0].message  # type: ignore[attr-defined]
    assert "primary" in message and "domovoy[starter]" in message


def test_the_checksum_is_verified_before_the_first_load(tiny_models: dict[str, Path]) -> None:
    path = tiny_models["llama"]

    def prepare() -> None:
        raise ChecksumMismatchError(path, "0" * 64, "1" * 64)

    llm = LlamaCppLLM(model_id="tiny", path=path, n_ctx=256)
    assistant, rec = make(llm, prepare=prepare)
    assistant.submit("hi")
    assistant.wait(10)
    assert not llm.loaded
    assert "download it again" in rec.of(TurnFailed)[0].message  # type: ignore[attr-defined]


def test_eager_models_load_in_the_background() -> None:
    fake = FakeLLM(load_delay_s=0.2)
    assistant, rec = make(fake, load_eagerly=True)
    assistant.start()  # returns at once
    assert not fake.loaded
    wait_until(lambda: rec.of(ModelLoaded))
    assert fake.loaded


def test_a_harmony_models_reasoning_is_kept_apart_from_the_answer() -> None:
    raw = (
        "<|channel|>analysis<|message|>The user greets. Answer warmly.<|end|>"
        "<|start|>assistant<|channel|>final<|message|>Привет! Чем помочь?<|return|>"
    )
    assistant, rec = make(FakeLLM([raw], model_id="gpt-oss", harmony=True))
    assistant.submit("Привет")
    assert assistant.wait(5)
    answer = "".join(e.text for e in rec.of(TokenStreamed))  # type: ignore[attr-defined]
    assert answer == "Привет! Чем помочь?"
    reasoning = "".join(e.text for e in rec.of(ReasoningStreamed))  # type: ignore[attr-defined]
    assert reasoning == "The user greets. Answer warmly."
    finished = rec.of(TurnFinished)[0]
    assert isinstance(finished, TurnFinished)
    assert finished.text == answer and finished.reasoning == reasoning
    assert assistant.history[-1].content == answer  # the reasoning is not fed back as history


def test_a_corrupt_primary_falls_back_and_the_turn_says_who_answered(
    tmp_path: Path, tiny_models: dict[str, Path]
) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(tiny_models["llama"].read_bytes()[:4000])
    bus = EventBus(strict=True)
    rec = Recorder(bus)
    slots = {
        "primary": ModelSlot(
            role="primary", model_id="big", llm=LlamaCppLLM(model_id="big", path=broken)
        ),
        "lightweight": ModelSlot(
            role="lightweight",
            model_id="tiny-phi",
            llm=LlamaCppLLM(model_id="tiny-phi", path=tiny_models["phi3"], n_ctx=512),
            params=GenerationParams(max_tokens=8),
        ),
    }
    assistant = Assistant(bus=bus, slots=slots)
    assistant.submit("Привет")
    assert assistant.wait(20)
    finished = rec.of(TurnFinished)[0]
    assert isinstance(finished, TurnFinished)
    assert finished.model_used == "tiny-phi" and finished.role == "lightweight"
    assert (
        "primary model big" in finished.fallback_reason and "truncated" in finished.fallback_reason
    )
    assert finished.text.strip()
    assert any(isinstance(e, ModelLoadFailed) and e.model_id == "big" for e in rec.events)
    assistant.shutdown()


def test_the_turn_handle_gives_the_words_as_they_come_and_how_it_ended() -> None:
    fake = FakeLLM(["one two three"], token_delay_s=0.01)
    assistant, rec = make(fake)
    turn = assistant.submit("count")
    words = list(turn.words(timeout=5))
    ending = turn.result(timeout=5)
    assert "".join(words).split() == ["one", "two", "three"]
    assert isinstance(ending, TurnFinished) and ending.text == "".join(words)
    assert turn.done and rec.of(TurnFinished) == [ending]
    slow = FakeLLM(["late"], load_delay_s=2.0)
    assistant, _ = make(slow)
    with pytest.raises(TurnTimeout, match=r"did not end within 0\.1 s"):
        assistant.submit("hello").result(timeout=0.1)
    assistant.shutdown()
