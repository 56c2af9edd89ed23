"""The harmony parser on recorded gpt-oss streams, whole, split every way, and broken."""

import random

import pytest

from llm.harmony import HarmonyMessage, HarmonyParser, HarmonyText, Part

# What gpt-oss-20b writes after "<|start|>assistant", token by token as llama.cpp renders them.
ANSWER = [
    "<|channel|>", "analysis", "<|message|>", "User", " greets", ". Respond", " warmly", ".",
    "<|end|>", "<|start|>", "assistant", "<|channel|>", "final", "<|message|>", "Привет", "!",
    " Чем", " помочь", "?", "<|return|>",
]  # fmt: skip
TOOL_CALL = [
    "<|channel|>", "analysis", "<|message|>", "Need", " the", " time", ".", "<|end|>",
    "<|start|>", "assistant", "<|channel|>", "commentary", " to", "=functions", ".get", "_time",
    " ", "<|constrain|>", "json", "<|message|>", '{"', "tz", '":"', "Europe", "/Moscow", '"}',
    "<|call|>",
]  # fmt: skip


def parse(pieces: list[str]) -> list[Part]:
    parser = HarmonyParser()
    parts = [p for piece in pieces for p in parser.feed(piece)]
    return parts + parser.close()


def final_text(parts: list[Part]) -> str:
    return "".join(p.text for p in parts if isinstance(p, HarmonyText) and p.channel == "final")


def messages(parts: list[Part]) -> list[HarmonyMessage]:
    return [p for p in parts if isinstance(p, HarmonyMessage)]


def test_only_the_final_channel_is_the_answer() -> None:
    parts = parse(ANSWER)
    assert final_text(parts) == "Привет! Чем помочь?"
    msgs = messages(parts)
    assert [(m.channel, m.terminator) for m in msgs] == [("analysis", "end"), ("final", "return")]
    assert msgs[0].text == "User greets. Respond warmly."


@pytest.mark.parametrize("seed", range(20))
def test_any_split_of_the_stream_parses_the_same(seed: int) -> None:
    text = "".join([*ANSWER[:-1], "<|end|>", "<|start|>", "assistant", *TOOL_CALL])
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(text)), 25))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    whole = messages(parse([text]))
    assert [m.channel for m in whole] == ["analysis", "final", "analysis", "commentary"]
    assert messages(parse(pieces)) == whole


def test_a_tool_call_names_its_recipient_and_arguments() -> None:
    call = messages(parse(TOOL_CALL))[-1]
    assert call.channel == "commentary" and call.recipient == "functions.get_time"
    assert call.content_type == "json" and call.terminator == "call" and call.is_tool_call
    assert call.text == '{"tz":"Europe/Moscow"}'
    assert final_text(parse(TOOL_CALL)) == ""


def test_the_recipient_may_stand_before_the_channel() -> None:
    stream = "<|start|>assistant to=functions.lookup<|channel|>commentary json<|message|>{}<|call|>"
    call = messages(parse([stream]))[-1]
    assert call.recipient == "functions.lookup" and call.channel == "commentary"


def test_a_stream_cut_off_mid_answer_keeps_what_came() -> None:
    parts = parse(ANSWER[:16])  # stops after "Привет", "!"
    assert final_text(parts) == "Привет!"
    assert messages(parts)[-1].terminator == "cut"


def test_a_missing_end_token_before_the_next_message() -> None:
    stream = ANSWER[:8] + ANSWER[9:]  # no <|end|> after the analysis
    parts = parse(stream)
    assert final_text(parts) == "Привет! Чем помочь?"
    assert messages(parts)[0] == HarmonyMessage(
        channel="analysis", text="User greets. Respond warmly.", terminator="cut"
    )


def test_a_channel_switch_mid_stream_without_end() -> None:
    stream = "<|channel|>analysis<|message|>hmm<|channel|>final<|message|>Да.<|return|>"
    parts = parse([stream])
    assert final_text(parts) == "Да."
    assert [m.channel for m in messages(parts)] == ["analysis", "final"]


def test_plain_text_without_any_header_is_taken_as_the_answer() -> None:
    assert final_text(parse(["Just ", "an answer."])) == "Just an answer."
    long_plain = "x" * 500
    parser = HarmonyParser()
    streamed = parser.feed(long_plain)
    assert final_text(streamed) == long_plain  # not held back until the end


def test_text_after_return_is_ignored() -> None:
    parts = parse([*ANSWER, "<|start|>assistant<|channel|>final<|message|>again"])
    assert final_text(parts) == "Привет! Чем помочь?"


def test_angle_bars_that_are_no_control_token_are_text() -> None:
    stream = "<|channel|>final<|message|>a <|b|> c<|x<|return|>"
    assert final_text(parse([stream])) == "a <|b|> c<|x"


def test_final_text_streams_before_the_message_ends() -> None:
    parser = HarmonyParser()
    for piece in ANSWER[:15]:
        parser.feed(piece)
    assert final_text(parser.feed(" Чем")) == " Чем"
