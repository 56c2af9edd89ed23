"""The judge's read of a yes/no question: the log-probability of each choice's first token as
the next token after a prompt, from llama.cpp's own logits (llm/llama_cpp.py calls it)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.errors import GenerationError


def next_token_logprobs(llama: Any, prompt: str, choices: Sequence[str]) -> list[float]:
    """One read of the prompt (the KV cache of the longest common prefix is reused), then the
    log-softmax of the next token's logits at each choice's first token."""
    import numpy as np
    from llama_cpp import llama_get_logits_ith

    tokens = llama.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
    if len(tokens) >= llama.n_ctx():
        raise GenerationError(f"the prompt ({len(tokens)} tokens) fills the context")
    kept = 0
    for a, b in zip(llama._input_ids[: llama.n_tokens], tokens[:-1], strict=False):
        if a != b:
            break
        kept += 1
    llama.n_tokens = kept
    llama.eval(tokens[kept:])
    logits = np.ctypeslib.as_array(
        llama_get_logits_ith(llama.ctx, -1), shape=(llama.n_vocab(),)
    ).astype(np.float64)
    shifted = logits - logits.max()
    log_softmax = shifted - np.log(np.exp(shifted).sum())
    firsts = [llama.tokenize(c.encode("utf-8"), add_bos=False, special=False) for c in choices]
    return [float(log_softmax[f[0]]) if f else float("-inf") for f in firsts]
