import threading
from pathlib import Path

import pytest

from core.errors import GenerationError, ModelFileError
from llm.base import ChatMessage, Delta, GenerationParams, final_text
from llm.llama_cpp import LlamaCppLLM

HELLO = [ChatMessage(role="user", content="Привет")]


@pytest.fixture
def llm(tiny_models: dict[str, Path]) -> LlamaCppLLM:
    model = LlamaCppLLM(model_id="tiny", path=tiny_models["llama"], n_ctx=512)
    yield model  # type: ignore[misc]
    model.unload()


def test_loading_is_lazy_and_explicit(llm: LlamaCppLLM) -> None:
    assert not llm.loaded
    llm.load()
    assert llm.loaded
    llm.unload()
    assert not llm.loaded


def test_the_reply_streams_in_pieces(llm: LlamaCppLLM) -> None:
    pieces = list(llm.stream(HELLO, GenerationParams(max_tokens=20, seed=1)))
    assert len(pieces) > 5
    assert all(isinstance(p, Delta) and p.text and p.channel == "final" for p in pieces)


def test_max_tokens_bounds_the_reply(llm: LlamaCppLLM) -> None:
    llm.load()
    short = final_text(llm.stream(HELLO, GenerationParams(max_tokens=3, seed=1)))
    long = final_text(llm.stream(HELLO, GenerationParams(max_tokens=30, seed=1)))
    assert long.startswith(short) and len(long) > len(short)


def test_a_stop_string_ends_the_reply_before_it(llm: LlamaCppLLM) -> None:
    full = final_text(llm.stream(HELLO, GenerationParams(max_tokens=30, seed=1)))
    stop = full[6:8]
    cut = final_text(llm.stream(HELLO, GenerationParams(max_tokens=30, seed=1, stop=(stop,))))
    assert stop not in cut and full.startswith(cut) and len(cut) < len(full)


def test_cancel_stops_mid_stream(llm: LlamaCppLLM) -> None:
    cancel = threading.Event()
    got = []
    for piece in llm.stream(HELLO, GenerationParams(max_tokens=200, seed=1), cancel):
        got.append(piece)
        if len(got) == 3:
            cancel.set()
    assert len(got) == 3


def test_the_prompt_follows_the_gguf_template(llm: LlamaCppLLM) -> None:
    prompt = llm.render([ChatMessage(role="system", content="S"), *HELLO], GenerationParams())
    assert prompt == (
        "<|im_start|>system\nS<|im_end|>\n"
        "<|im_start|>user\nПривет<|im_end|>\n"
        "<|im_start|>assistant\n"
    )


def test_a_conversation_larger_than_the_context_is_refused_clearly(
    tiny_models: dict[str, Path],
) -> None:
    llm = LlamaCppLLM(model_id="tiny", path=tiny_models["llama"], n_ctx=256)
    huge = [ChatMessage(role="user", content="слово " * 400)]
    with pytest.raises(GenerationError, match="fills the whole context"):
        list(llm.stream(huge, GenerationParams(max_tokens=8)))
    llm.unload()


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        (None, "does not exist"),
        (b"", "only 0 bytes"),
        (b"PK\x03\x04 a zip file, not a model", "not a GGUF file"),
    ],
)
def test_a_bad_file_names_itself_and_the_cause(
    tmp_path: Path, content: bytes | None, cause: str
) -> None:
    path = tmp_path / "model.gguf"
    if content is not None:
        path.write_bytes(content)
    llm = LlamaCppLLM(model_id="bad", path=path)
    with pytest.raises(ModelFileError) as err:
        llm.load()
    assert str(path) in str(err.value) and cause in str(err.value)
    assert not llm.loaded


def test_a_truncated_gguf_is_reported_not_crashed_on(
    tmp_path: Path, tiny_models: dict[str, Path]
) -> None:
    data = tiny_models["llama"].read_bytes()
    for keep in (16, len(data) // 3, len(data) - 100):
        path = tmp_path / f"cut-{keep}.gguf"
        path.write_bytes(data[:keep])
        with pytest.raises(ModelFileError, match="truncated") as err:
            LlamaCppLLM(model_id="cut", path=path).load()
        assert str(path) in str(err.value)
