"""Tiny GGUF language models written with the ``gguf`` package, loadable by llama.cpp.

Three flavours, as real models carry them:

- ``llama``: llama architecture, ChatML template;
- ``phi3``: phi3 architecture (fused QKV and gate/up), the Phi-3.5 chat template;
- ``llama-moe``: a Mixtral-style mixture of experts on the llama architecture;
- ``gpt-oss``: the real gpt-oss architecture, o200k_harmony vocabulary and template
  (``models.testing.tiny_gpt_oss``).

Weights are seeded random numbers. The output rows of special and byte tokens are zero, so the
model mostly writes letters and words rather than stopping at once or emitting stray bytes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, cast

import numpy as np

from models.testing.vocab import NORMAL, build_vocab


@dataclass(frozen=True, slots=True, kw_only=True)
class TinyGGUF:
    name: str
    arch: str  # llama.cpp architecture
    template: str  # file in models/testing/templates
    special: tuple[str, ...]
    bos: str
    eos: str
    eot: str | None = None
    add_bos: bool = True
    n_embd: int = 64
    n_head: int = 4
    n_head_kv: int = 2
    n_layer: int = 2
    n_ff: int = 128
    context_length: int = 4096
    n_expert: int = 0  # > 0: a mixture of experts (Mixtral-style llama)
    n_expert_used: int = 0


TINY_MODELS: dict[str, TinyGGUF] = {
    "llama": TinyGGUF(
        name="tiny-llama-chatml",
        arch="llama",
        template="chatml.jinja",
        special=("<|im_start|>", "<|im_end|>"),
        bos="<s>",
        eos="<|im_end|>",
    ),
    "phi3": TinyGGUF(
        name="tiny-phi-3.5",
        arch="phi3",
        template="phi-3.5.jinja",
        special=("<|endoftext|>", "<|assistant|>", "<|end|>", "<|system|>", "<|user|>"),
        bos="<s>",
        eos="<|endoftext|>",
        eot="<|end|>",
    ),
    "llama-moe": TinyGGUF(
        name="tiny-llama-moe",
        arch="llama",
        template="chatml.jinja",
        special=("<|im_start|>", "<|im_end|>"),
        bos="<s>",
        eos="<|im_end|>",
        n_layer=3,
        n_expert=4,
        n_expert_used=2,
    ),
    "gpt-oss": TinyGGUF(
        name="tiny-gpt-oss",
        arch="gpt-oss",
        template="gpt-oss.jinja",
        special=(),  # o200k_harmony's own (models.testing.o200k)
        bos="<|startoftext|>",
        eos="<|return|>",
        add_bos=False,
        n_layer=4,  # two pairs of sliding-window and full-attention layers
        n_ff=64,
        n_expert=4,
        n_expert_used=2,
    ),
}


def template_text(filename: str) -> str:
    return resources.files("models.testing").joinpath("templates", filename).read_text("utf-8")


def make_tiny_gguf(kind: str, path: Path, *, seed: int = 0, **sizes: int) -> Path:
    """Write the tiny model ``kind`` (a key of TINY_MODELS) to ``path``; same seed, same bytes.

    ``sizes`` overrides dimensions (n_embd, n_layer, n_ff, n_head, n_head_kv, context_length):
    benchmarks use a somewhat larger model so that compute, not Python, dominates a token.
    """
    import gguf

    spec = dataclasses.replace(TINY_MODELS[kind], **cast(dict[str, Any], sizes))
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")

    if spec.arch == "gpt-oss":
        from models.published import GptOssShape
        from models.testing.tiny_gpt_oss import write_gpt_oss

        shape = GptOssShape(
            name=spec.name,
            n_layer=spec.n_layer,
            n_embd=spec.n_embd,
            n_head=spec.n_head,
            n_head_kv=spec.n_head_kv,
            head_dim=spec.n_embd // spec.n_head,
            n_expert=spec.n_expert,
            n_expert_used=spec.n_expert_used,
            n_ff_expert=spec.n_ff,
            context_length=spec.context_length,
        )
        write_gpt_oss(shape, tmp, rng, template_text(spec.template))
        tmp.replace(path)
        return path

    vocab = build_vocab(list(spec.special))
    writer = gguf.GGUFWriter(str(tmp), spec.arch)
    writer.add_name(spec.name)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
    writer.add_context_length(spec.context_length)
    writer.add_embedding_length(spec.n_embd)
    writer.add_block_count(spec.n_layer)
    writer.add_feed_forward_length(spec.n_ff)
    writer.add_head_count(spec.n_head)
    writer.add_head_count_kv(spec.n_head_kv)
    writer.add_rope_dimension_count(spec.n_embd // spec.n_head)
    writer.add_rope_freq_base(10000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_vocab_size(len(vocab.tokens))
    if spec.n_expert:
        writer.add_expert_count(spec.n_expert)
        writer.add_expert_used_count(spec.n_expert_used)

    writer.add_tokenizer_model("llama")
    writer.add_token_list(vocab.tokens)
    writer.add_token_scores(vocab.scores)
    writer.add_token_types(vocab.types)
    writer.add_unk_token_id(vocab.id("<unk>"))
    writer.add_bos_token_id(vocab.id(spec.bos))
    writer.add_eos_token_id(vocab.id(spec.eos))
    if spec.eot:
        writer.add_eot_token_id(vocab.id(spec.eot))
    writer.add_add_bos_token(spec.add_bos)
    writer.add_add_eos_token(False)
    writer.add_chat_template(template_text(spec.template))

    for name, array in _tensors(spec, len(vocab.tokens), np.array(vocab.types), rng).items():
        writer.add_tensor(name, array)

    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.replace(path)
    return path


def _tensors(
    spec: TinyGGUF, n_vocab: int, types: np.ndarray[Any, Any], rng: np.random.Generator
) -> dict[str, np.ndarray[Any, Any]]:
    d, ff = spec.n_embd, spec.n_ff
    head_dim = d // spec.n_head
    d_kv = head_dim * spec.n_head_kv

    def mat(rows: int, cols: int, scale: float = 0.08) -> np.ndarray[Any, Any]:
        # numpy's (rows, cols) is ggml's {cols, rows}: llama.cpp's {n_in, n_out} weights.
        return (rng.standard_normal((rows, cols)) * scale).astype(np.float16)

    def norm() -> np.ndarray[Any, Any]:
        return np.ones(d, dtype=np.float32)

    output = (rng.standard_normal((n_vocab, d)) * 0.6).astype(np.float32)
    output[types != NORMAL] = 0.0  # specials and bytes: logit 0, far below the letters' best
    tensors: dict[str, np.ndarray[Any, Any]] = {
        "token_embd.weight": mat(n_vocab, d, 1.0),
        "output_norm.weight": norm(),
        "output.weight": output.astype(np.float16),
    }
    for i in range(spec.n_layer):
        p = f"blk.{i}."
        tensors[p + "attn_norm.weight"] = norm()
        tensors[p + "ffn_norm.weight"] = norm()
        tensors[p + "attn_output.weight"] = mat(d, d)
        tensors[p + "ffn_down.weight"] = mat(d, ff)
        if spec.arch == "phi3":
            tensors[p + "attn_qkv.weight"] = mat(d + 2 * d_kv, d)
            tensors[p + "ffn_up.weight"] = mat(2 * ff, d)
        else:
            tensors[p + "attn_q.weight"] = mat(d, d)
            tensors[p + "attn_k.weight"] = mat(d_kv, d)
            tensors[p + "attn_v.weight"] = mat(d_kv, d)
        if spec.n_expert:
            del tensors[p + "ffn_down.weight"]
            e = spec.n_expert
            tensors[p + "ffn_gate_inp.weight"] = mat(e, d).astype(np.float32)
            tensors[p + "ffn_gate_exps.weight"] = np.stack([mat(ff, d) for _ in range(e)])
            tensors[p + "ffn_up_exps.weight"] = np.stack([mat(ff, d) for _ in range(e)])
            tensors[p + "ffn_down_exps.weight"] = np.stack([mat(d, ff) for _ in range(e)])
        elif spec.arch != "phi3":
            tensors[p + "ffn_gate.weight"] = mat(ff, d)
            tensors[p + "ffn_up.weight"] = mat(ff, d)
    return tensors
