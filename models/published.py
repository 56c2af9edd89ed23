"""Published models' GGUF headers, written from their published shape, for the VRAM planner.

To plan a model that is not on the disk (what the Models page and ``doctor`` say before a pull,
and what the planner's tests check against llama.cpp's guide), the planner reads a GGUF header
that holds the model's metadata and tensor table as its GGUF carries them: names, dimensions and
ggml types, with no tensor data after it. The planner reads it through ``inventory_from_gguf``,
the same code path as a downloaded file, so there is no second, hand-built inventory to drift.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal


@dataclass(frozen=True, slots=True, kw_only=True)
class GptOssShape:
    """gpt-oss's config.json, and the ggml types of its MXFP4 GGUF (ggml-org's conversion):
    experts MXFP4, the other matrices Q8_0, norms, biases, sinks and the router F32."""

    name: str
    n_layer: int
    n_embd: int = 2880
    n_head: int = 64
    n_head_kv: int = 8
    head_dim: int = 64
    n_expert: int = 32
    n_expert_used: int = 4
    n_ff_expert: int = 2880
    n_vocab: int = 201088
    sliding_window: int = 128
    context_length: int = 131072
    rope_freq_base: float = 150000.0


GPT_OSS_20B = GptOssShape(name="gpt-oss-20b", n_layer=24)
GPT_OSS_120B = GptOssShape(name="gpt-oss-120b", n_layer=36, n_expert=128)
PUBLISHED = {shape.name: shape for shape in (GPT_OSS_20B, GPT_OSS_120B)}


def add_gpt_oss_hparams(writer: Any, s: GptOssShape) -> None:
    """The gpt-oss metadata llama.cpp reads (``llama_model_openai_moe::load_arch_hparams``)."""
    writer.add_name(s.name)
    writer.add_context_length(s.context_length)
    writer.add_embedding_length(s.n_embd)
    writer.add_block_count(s.n_layer)
    writer.add_feed_forward_length(s.n_ff_expert)
    writer.add_expert_feed_forward_length(s.n_ff_expert)
    writer.add_head_count(s.n_head)
    writer.add_head_count_kv(s.n_head_kv)
    writer.add_key_length(s.head_dim)
    writer.add_value_length(s.head_dim)
    writer.add_rope_freq_base(s.rope_freq_base)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_sliding_window(s.sliding_window)
    writer.add_expert_count(s.n_expert)
    writer.add_expert_used_count(s.n_expert_used)
    writer.add_vocab_size(s.n_vocab)


TensorKind = Literal["matrix", "experts", "vector"]


def gpt_oss_tensors(s: GptOssShape) -> Iterator[tuple[str, tuple[int, ...], TensorKind]]:
    """Every tensor of gpt-oss (``llama_model_openai_moe::load_arch_tensors``): its name, its
    dimensions in numpy's order (ggml's reversed), and whether it is a matrix, the experts'
    weights, or a vector (norms, biases, sinks, and the router, which stays f32)."""
    d, q, kv = s.n_embd, s.n_head * s.head_dim, s.n_head_kv * s.head_dim
    e, ff = s.n_expert, s.n_ff_expert
    yield "token_embd.weight", (s.n_vocab, d), "matrix"
    yield "output_norm.weight", (d,), "vector"
    yield "output.weight", (s.n_vocab, d), "matrix"
    for i in range(s.n_layer):
        p = f"blk.{i}."
        yield p + "attn_norm.weight", (d,), "vector"
        yield p + "post_attention_norm.weight", (d,), "vector"
        for proj, width in (("attn_q", q), ("attn_k", kv), ("attn_v", kv)):
            yield p + proj + ".weight", (width, d), "matrix"
            yield p + proj + ".bias", (width,), "vector"
        yield p + "attn_output.weight", (d, q), "matrix"
        yield p + "attn_output.bias", (d,), "vector"
        yield p + "attn_sinks.weight", (s.n_head,), "vector"
        yield p + "ffn_gate_inp.weight", (e, d), "vector"
        yield p + "ffn_gate_inp.bias", (e,), "vector"
        for kind in ("gate", "up"):
            yield p + f"ffn_{kind}_exps.weight", (e, ff, d), "experts"
            yield p + f"ffn_{kind}_exps.bias", (e, ff), "vector"
        yield p + "ffn_down_exps.weight", (e, d, ff), "experts"
        yield p + "ffn_down_exps.bias", (e, d), "vector"


def write_published_header(name: str, path: Path) -> Path:
    """Write the header of the published model ``name`` (a key of PUBLISHED) to ``path``."""
    import gguf
    import numpy as np

    s = PUBLISHED[name]
    types = {
        "experts": gguf.GGMLQuantizationType.MXFP4,
        "matrix": gguf.GGMLQuantizationType.Q8_0,
        "vector": gguf.GGMLQuantizationType.F32,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    writer = gguf.GGUFWriter(str(tmp), "gpt-oss")
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_MXFP4_MOE)
    add_gpt_oss_hparams(writer, s)
    for tensor, dims, kind in gpt_oss_tensors(s):
        block, size = gguf.GGML_QUANT_SIZES[types[kind]]
        nbytes = int(np.prod(dims)) // block * size
        writer.add_tensor_info(tensor, dims, np.dtype(np.float32), nbytes, types[kind])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    writer.close()
    tmp.replace(path)
    return path
