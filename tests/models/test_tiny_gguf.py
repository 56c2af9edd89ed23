from pathlib import Path

import pytest
from llama_cpp import Llama

from core.errors import ModelFileError
from llm.base import ChatMessage, GenerationParams, final_text
from llm.llama_cpp import LlamaCppLLM
from models.gguf_header import read_header
from models.gguf_info import read_gguf_info
from models.testing import TINY_MODELS, make_tiny_gguf
from models.testing.tiny_gguf import template_text


def test_the_makers_are_deterministic(tmp_path: Path) -> None:
    a = make_tiny_gguf("phi3", tmp_path / "a.gguf", seed=3)
    b = make_tiny_gguf("phi3", tmp_path / "b.gguf", seed=3)
    c = make_tiny_gguf("phi3", tmp_path / "c.gguf", seed=4)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


@pytest.mark.parametrize(
    ("kind", "arch", "template_marker"),
    [
        ("llama", "llama", "<|im_start|>"),
        ("phi3", "phi3", "<|assistant|>"),
        ("gpt-oss", "gpt-oss", "<|channel|>"),
    ],
)
def test_each_tiny_model_carries_its_architecture_and_template(
    tiny_models: dict[str, Path], kind: str, arch: str, template_marker: str
) -> None:
    info = read_gguf_info(tiny_models[kind])
    assert info.architecture == arch
    assert info.chat_template == template_text(TINY_MODELS[kind].template)
    assert template_marker in (info.chat_template or "")
    assert info.context_length == 4096 and info.file_type == "f16"


@pytest.mark.parametrize("kind", ["llama", "phi3", "gpt-oss"])
def test_russian_and_english_tokenize_without_unknown_tokens(
    tiny_models: dict[str, Path], kind: str
) -> None:
    llama = Llama(str(tiny_models[kind]), n_ctx=256, verbose=False)
    try:
        for text in ["Привет, как дела? Ёжик 42!", "Hello there — €5 ✓ 日本"]:
            tokens = llama.tokenize(text.encode(), add_bos=False, special=False)
            if kind != "gpt-oss":  # o200k is byte-level: it has no <unk> at all
                assert 0 not in tokens  # <unk>: byte fallback covers every character
            assert llama.detokenize(tokens).decode().strip() == text
    finally:
        llama.close()


@pytest.mark.parametrize("kind", ["llama", "phi3", "gpt-oss"])
def test_llama_cpp_loads_each_and_generates(tiny_models: dict[str, Path], kind: str) -> None:
    llm = LlamaCppLLM(model_id=kind, path=tiny_models[kind], n_ctx=512)
    messages = [ChatMessage(role="user", content="Привет!")]
    reply = final_text(llm.stream(messages, GenerationParams(max_tokens=16, seed=7)))
    again = final_text(llm.stream(messages, GenerationParams(max_tokens=16, seed=7)))
    llm.unload()
    assert reply.strip(), "the tiny model wrote nothing"
    assert reply == again  # seeded: the same reply


def test_the_phi_template_is_rendered_as_phi_3_5_does(tiny_models: dict[str, Path]) -> None:
    llm = LlamaCppLLM(model_id="phi3", path=tiny_models["phi3"], n_ctx=512)
    prompt = llm.render(
        [ChatMessage(role="system", content="Be kind."), ChatMessage(role="user", content="Hi")],
        GenerationParams(),
    )
    llm.unload()
    assert prompt == "<|system|>\nBe kind.<|end|>\n<|user|>\nHi<|end|>\n<|assistant|>\n"


@pytest.mark.parametrize("effort", ["low", "high"])
def test_the_gpt_oss_template_takes_the_reasoning_effort(
    tiny_models: dict[str, Path], effort: str
) -> None:
    llm = LlamaCppLLM(model_id="gpt-oss", path=tiny_models["gpt-oss"], n_ctx=512)
    prompt = llm.render(
        [ChatMessage(role="system", content="Ты домовой."), ChatMessage(role="user", content="Hi")],
        GenerationParams(reasoning_effort=effort),  # type: ignore[arg-type]
    )
    llm.unload()
    assert f"Reasoning: {effort}" in prompt
    assert "<|start|>developer<|message|># Instructions\n\nТы домовой." in prompt
    assert prompt.endswith("<|start|>user<|message|>Hi<|end|><|start|>assistant")


def test_a_gguf_read_once_is_read_again_when_the_file_changes(tmp_path: Path) -> None:
    path = make_tiny_gguf("llama", tmp_path / "m.gguf", seed=1)
    first = read_gguf_info(path)
    assert read_header(path) is read_header(path)  # the header is not parsed twice
    assert read_gguf_info(path) == first
    make_tiny_gguf("phi3", tmp_path / "other.gguf", seed=1).replace(path)
    assert read_gguf_info(path).architecture == "phi3"
    path.write_bytes(path.read_bytes()[:4096])  # damaged in place: the error is not hidden
    with pytest.raises(ModelFileError):
        read_gguf_info(path)
