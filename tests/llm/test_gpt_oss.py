"""gpt-oss as it is: o200k_harmony, the gpt-oss architecture, harmony on real token streams.

The replies are gpt-oss outputs tokenized with the real vocabulary (bpe-openai's o200k_base for
text, openai-harmony's ids for the control tokens), driven through the real provider's decode
path by a scripted sampler on the tiny gpt-oss-architecture GGUF: llama.cpp computes every
token, ends generation where it does, and detokenizes; the provider and the parser do the rest.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from llm.base import ChatMessage, Delta, GenerationParams, Output, ToolCallRequest
from llm.llama_cpp import LlamaCppLLM
from llm.router import EFFORT
from llm.scripted import Script
from models.testing.o200k import HARMONY_SPECIAL, N_VOCAB, harmony_ids

QUESTION = [ChatMessage(role="user", content="Который час в Москве?")]


@pytest.fixture(scope="module")
def o200k() -> object:
    import bpe_openai

    return bpe_openai.get_encoding("o200k_base")


@pytest.fixture
def provider(tiny_models: dict[str, Path]) -> Iterator[LlamaCppLLM]:
    llm = LlamaCppLLM(model_id="gpt-oss", path=tiny_models["gpt-oss"], n_ctx=1024)
    yield llm
    llm.unload()


def run(llm: LlamaCppLLM, replies: list[str], **params: object) -> list[Output]:
    llm.script = Script(harmony_ids(r) for r in replies)
    chosen = GenerationParams(**{"max_tokens": 256, **params})  # type: ignore[arg-type]
    return list(llm.stream(QUESTION, chosen))


def channel(outputs: list[Output], name: str) -> str:
    return "".join(o.text for o in outputs if isinstance(o, Delta) and o.channel == name)


# --- the vocabulary --------------------------------------------------------------------------


def test_llama_cpp_tokenizes_text_as_o200k_does(provider: LlamaCppLLM, o200k: object) -> None:
    llama = provider._tokens()
    texts = [
        "Hello World",
        "Привет! Который час? Ёжик съел 1234567 яблок.",
        "def f(x):\n    return x**2  # квадрат\n\n\n",
        "Café — €5 ✓ 日本語 🙂 don't WE'LL",
        "   leading spaces and\ttabs\r\n",
    ]
    for text in texts:
        ids = o200k.encode(text)  # type: ignore[attr-defined]
        assert llama.tokenize(text.encode(), add_bos=False, special=False) == ids, text
        assert llama.detokenize(ids).decode() == text
    assert o200k.encode("Hello World") == [13225, 5922]  # type: ignore[attr-defined]


def test_the_harmony_tokens_are_single_ids_with_their_real_numbers(provider: LlamaCppLLM) -> None:
    llama = provider._tokens()
    assert llama.n_vocab() == N_VOCAB == 201088
    for token, id_ in HARMONY_SPECIAL.items():
        assert llama.tokenize(token.encode(), add_bos=False, special=True) == [id_]
        assert llama.detokenize([id_], special=True).decode() == token
    assert llama.detokenize([200013], special=True).decode() == "<|reserved_200013|>"


def test_which_harmony_tokens_end_generation_in_this_llama_cpp(provider: LlamaCppLLM) -> None:
    from llama_cpp import llama_model_get_vocab, llama_vocab_is_eog

    vocab = llama_model_get_vocab(provider._tokens().model)
    ends = {t for t, i in HARMONY_SPECIAL.items() if llama_vocab_is_eog(vocab, i)}
    # <|end|> closes a message, not the reply: llama.cpp takes it off the list for o200k_harmony
    assert ends == {"<|return|>", "<|call|>", "<|endoftext|>"}


# --- harmony on real token streams -----------------------------------------------------------


def test_reasoning_then_the_answer(provider: LlamaCppLLM) -> None:
    outputs = run(
        provider,
        [
            "<|channel|>analysis<|message|>The user asks the time in Moscow. Use no tool.<|end|>"
            "<|start|>assistant<|channel|>final<|message|>В Москве сейчас полдень.<|return|>"
        ],
    )
    assert channel(outputs, "final") == "В Москве сейчас полдень."  # the <|end|> did not stop it
    assert channel(outputs, "analysis") == "The user asks the time in Moscow. Use no tool."
    assert not any(isinstance(o, ToolCallRequest) for o in outputs)


def test_a_tool_call_its_result_through_the_template_then_the_answer(
    provider: LlamaCppLLM,
) -> None:
    call = (
        "<|channel|>analysis<|message|>Need the current time.<|end|>"
        "<|start|>assistant<|channel|>commentary to=functions.time <|constrain|>json"
        "<|message|>{}<|call|>"
    )
    answer = "<|channel|>final<|message|>Сейчас 12:30.<|return|>"
    provider.script = Script([harmony_ids(call), harmony_ids(answer)])
    params = GenerationParams(max_tokens=128)
    first = list(provider.stream(QUESTION, params))
    calls = [o for o in first if isinstance(o, ToolCallRequest)]
    assert calls == [
        ToolCallRequest(recipient="functions.time", arguments="{}", content_type="json")
    ]
    assert channel(first, "final") == ""

    followed = [
        *QUESTION,
        ChatMessage(role="assistant", content="", tool_call=calls[0]),
        ChatMessage(role="tool", content="12:30, вторник"),
    ]
    prompt = provider.render(followed, params)
    assert prompt.endswith(
        "<|start|>user<|message|>Который час в Москве?<|end|>"
        "<|start|>assistant to=functions.time<|channel|>commentary json<|message|>{}<|call|>"
        '<|start|>functions.time to=assistant<|channel|>commentary<|message|>"12:30, вторник"'
        "<|end|><|start|>assistant"
    )
    second = list(provider.stream(followed, params))
    assert channel(second, "final") == "Сейчас 12:30." and provider.script.used == 2


def test_a_call_is_known_by_its_end_token_on_any_channel(provider: LlamaCppLLM) -> None:
    # gpt-oss calls its built-in tools (python, browser) on the analysis channel
    outputs = run(
        provider,
        ["<|channel|>analysis to=python code<|message|>print(6 * 7)<|call|>"],
    )
    assert [o for o in outputs if isinstance(o, ToolCallRequest)] == [
        ToolCallRequest(recipient="python", arguments="print(6 * 7)", content_type="code")
    ]


def test_a_reply_cut_mid_answer_keeps_what_came(provider: LlamaCppLLM) -> None:
    reply = (
        "<|channel|>analysis<|message|>Short.<|end|><|start|>assistant<|channel|>final"
        "<|message|>Первая часть ответа, вторая часть ответа.<|return|>"
    )
    ids = harmony_ids(reply)
    whole = harmony_ids(reply.split(", вторая")[0])
    outputs = run(provider, [reply], max_tokens=len(whole))
    assert channel(outputs, "final") == "Первая часть ответа"
    assert len(whole) < len(ids)

    stop = threading.Event()
    provider.script = Script([ids])
    seen: list[str] = []
    for output in provider.stream(QUESTION, GenerationParams(max_tokens=256), stop):
        if isinstance(output, Delta) and output.channel == "final":
            seen.append(output.text)
            if "часть" in "".join(seen):
                stop.set()  # Stop pressed mid-answer
    assert "".join(seen).startswith("Первая часть") and "вторая" not in "".join(seen)


def test_a_stop_string_ends_the_answer(provider: LlamaCppLLM) -> None:
    reply = "<|channel|>final<|message|>Раз, два. Конец. Лишнее.<|return|>"
    outputs = run(provider, [reply], stop=(" Конец",))
    assert channel(outputs, "final") == "Раз, два."


# --- the template's reasoning effort ----------------------------------------------------------


@pytest.mark.parametrize(("task", "effort"), sorted(EFFORT.items()))
def test_each_use_case_renders_its_reasoning_effort(
    provider: LlamaCppLLM, task: str, effort: str
) -> None:
    expected = {"dialogue": "low", "summary": "medium", "plan": "high", "judge": "high"}
    assert expected.get(task, "high") == effort  # the design's §19 table
    prompt = provider.render(
        [ChatMessage(role="system", content="You are domovoy.\nBe brief."), *QUESTION],
        GenerationParams(reasoning_effort=effort),  # type: ignore[arg-type]
    )
    system = prompt.split("<|start|>system<|message|>", 1)[1].split("<|end|>", 1)[0]
    assert f"Reasoning: {effort}" in system
    assert "# Valid channels: analysis, commentary, final." in system
    assert system.startswith("You are domovoy.\nKnowledge cutoff:")  # not "You are ChatGPT"
    assert "<|start|>developer<|message|># Instructions\n\nYou are domovoy.\nBe brief." in prompt
