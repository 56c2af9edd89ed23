"""A tiny GGUF of the real gpt-oss architecture, with gpt-oss's real vocabulary and template.

``general.architecture = gpt-oss`` as llama.cpp loads it (``src/models/openai-moe.cpp``): a
mixture of experts in every layer (``blk.N.ffn_{gate,up,down}_exps`` with their biases and a
router), attention with biases and per-head sinks, sliding-window attention on every other layer
(the first of each pair), post-attention norms. The vocabulary is o200k_harmony
(``models.testing.o200k``) and the chat template the one gpt-oss ships. Only the sizes are tiny,
and the weights are seeded noise: output rows of control tokens are zero, so that a free-running
model writes words rather than ending or switching channel at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from models.published import GptOssShape, add_gpt_oss_hparams, gpt_oss_tensors
from models.testing.o200k import CONTROL, HARMONY_SPECIAL, harmony_vocab


def write_gpt_oss(shape: GptOssShape, path: Path, rng: np.random.Generator, template: str) -> None:
    """Write a gpt-oss GGUF of ``shape`` (its vocabulary: o200k_harmony's) with noise weights."""
    import gguf

    vocab = harmony_vocab()
    if shape.n_vocab != len(vocab.tokens):
        raise ValueError(f"o200k_harmony has {len(vocab.tokens)} tokens, not {shape.n_vocab}")
    writer = gguf.GGUFWriter(str(path), "gpt-oss")
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    add_gpt_oss_hparams(writer, shape)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("gpt-4o")
    writer.add_token_list(vocab.tokens)
    writer.add_token_types(vocab.types)
    writer.add_token_merges(vocab.merges)
    writer.add_bos_token_id(HARMONY_SPECIAL["<|startoftext|>"])
    writer.add_eos_token_id(HARMONY_SPECIAL["<|return|>"])
    writer.add_pad_token_id(HARMONY_SPECIAL["<|endoftext|>"])
    writer.add_add_bos_token(False)
    writer.add_add_eos_token(False)
    writer.add_chat_template(template)

    for name, dims, kind in gpt_oss_tensors(shape):
        writer.add_tensor(name, _noise(name, dims, kind, rng, vocab.types))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def _noise(
    name: str, dims: tuple[int, ...], kind: str, rng: np.random.Generator, types: list[int]
) -> np.ndarray[Any, Any]:
    if name.endswith("norm.weight"):
        return np.ones(dims, dtype=np.float32)
    if kind == "vector":
        return (rng.standard_normal(dims) * 0.02).astype(np.float32)
    if name == "token_embd.weight":
        return rng.standard_normal(dims).astype(np.float16)
    if name == "output.weight":
        output = rng.standard_normal(dims) * 0.6
        output[np.array(types) == CONTROL] = 0.0  # control tokens: logit 0, below the words
        return output.astype(np.float16)
    return (rng.standard_normal(dims) * 0.08).astype(np.float16)
