"""Stop inside a decode: llama.cpp's abort callback (libc's strlen over a one-byte flag)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from llm.base import ChatMessage, GenerationParams, final_text
from llm.llama_abort import AbortFlag
from llm.llama_cpp import LlamaCppLLM

HELLO = [ChatMessage(role="user", content="Hello there")]


def test_the_flag_aborts_a_decode_and_clearing_it_lets_the_next_run(
    tiny_models: dict[str, Path],
) -> None:
    from llama_cpp import Llama

    llama = Llama(str(tiny_models["llama"]), n_ctx=256, verbose=False)
    flag = AbortFlag()
    flag.attach(llama.ctx)
    tokens = llama.tokenize(b"a few words to read", add_bos=True)
    flag.set()
    assert flag.is_set
    with pytest.raises(RuntimeError, match="returned 2"):  # 2: aborted
        llama.eval(tokens)
    flag.clear()
    llama.eval(tokens)  # the same context reads the same tokens once the flag is down
    assert llama.n_tokens == len(tokens)
    llama.close()


def test_an_aborted_reply_ends_cleanly_and_the_model_answers_as_before(
    tiny_models: dict[str, Path],
) -> None:
    params = GenerationParams(max_tokens=40, seed=5)
    fresh = LlamaCppLLM(model_id="tiny", path=tiny_models["llama"], n_ctx=512)
    expected = final_text(fresh.stream(HELLO, params))
    fresh.unload()

    llm = LlamaCppLLM(model_id="tiny", path=tiny_models["llama"], n_ctx=512)
    cancel = threading.Event()
    got = []
    for output in llm.stream(HELLO, GenerationParams(max_tokens=400, seed=5), cancel):
        got.append(output)
        cancel.set()
        llm.abort()  # as the runner does on Stop: the next decode stops inside
    assert len(got) == 1
    assert final_text(llm.stream(HELLO, params)) == expected  # nothing half-read was kept
    llm.unload()
