"""The VRAM planner: where a GGUF's tensors go, from its own tensor inventory.

It adds up, without loading any weights: the weights of each layer (a mixture-of-experts model's
expert tensors apart from the rest), the KV cache for the context (full-attention layers hold
every token, sliding-window layers only their window), and the compute buffers (the logits of a
micro-batch dominate). Against the free VRAM, less what other residents hold (Whisper), it decides
how many layers go to the GPU and, for a mixture of experts such as gpt-oss-20b, how many layers
keep their experts in system RAM (llama.cpp's ``--n-cpu-moe``: the first N layers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ModelFileError
from core.translatable import said

MIB = 1024 * 1024
GIB = 1024 * MIB
EXPERT = re.compile(r"^blk\.(\d+)\.ffn_(gate|up|down)_exps\.")
LAYER = re.compile(r"^blk\.(\d+)\.")
# What the GPU runtime itself takes (CUDA context, cuBLAS workspace) besides our buffers.
RUNTIME_BYTES = 300 * MIB
# Planned VRAM stays this far below what is free: drivers and the desktop move.
SAFETY_BYTES = 256 * MIB


@dataclass(frozen=True, slots=True, kw_only=True)
class Inventory:
    """What the planner needs to know of a model: its tensors and attention shape."""

    name: str
    tensor_bytes: dict[str, int]
    n_layers: int
    n_embd: int
    n_head: int
    n_head_kv: int
    head_dim: int
    n_vocab: int
    n_ff_active: int  # feed-forward width a token goes through (experts used x expert width)
    n_swa: int = 0  # sliding window; 0 for none
    swa_layers: frozenset[int] = frozenset()
    expert_count: int = 0

    @property
    def weights_bytes(self) -> int:
        return sum(self.tensor_bytes.values())

    def layer_bytes(self, layer: int, *, experts: bool | None = None) -> int:
        """A layer's weights; ``experts`` True or False counts only those tensors or the rest."""
        total = 0
        for name, size in self.tensor_bytes.items():
            match = LAYER.match(name)
            if not match or int(match.group(1)) != layer:
                continue
            is_expert = bool(EXPERT.match(name))
            if experts is None or experts == is_expert:
                total += size
        return total

    @property
    def output_bytes(self) -> int:
        """Weights outside the layers that live with the last layer: output norm and head."""
        return sum(s for n, s in self.tensor_bytes.items() if n.startswith("output"))

    @property
    def is_moe(self) -> bool:
        return self.expert_count > 0


def kv_cache_bytes(
    inv: Inventory, n_ctx: int, n_ubatch: int = 512, layers: int | None = None
) -> int:
    """f16 K and V; sliding-window layers keep their window plus a micro-batch."""
    per_token_layer = 2 * inv.n_head_kv * inv.head_dim * 2
    total = 0
    chosen = range(inv.n_layers) if layers is None else range(inv.n_layers - layers, inv.n_layers)
    for layer in chosen:
        cells = n_ctx
        if layer in inv.swa_layers and inv.n_swa:
            cells = min(n_ctx, _round_up(inv.n_swa + n_ubatch, 256))
        total += cells * per_token_layer
    return total


def compute_bytes(inv: Inventory, n_ubatch: int = 512) -> int:
    """The compute buffers of one micro-batch (flash attention on): logits, then activations."""
    logits = inv.n_vocab * n_ubatch * 4
    activations = (
        n_ubatch * 4 * (6 * inv.n_embd + 3 * inv.n_head * inv.head_dim + 3 * inv.n_ff_active)
    )
    return logits + activations + RUNTIME_BYTES


def deployment_bytes(inv: Inventory, n_ctx: int, n_ubatch: int = 512) -> int:
    """Everything on one device: weights, KV cache, compute buffers."""
    return inv.weights_bytes + kv_cache_bytes(inv, n_ctx, n_ubatch) + compute_bytes(inv, n_ubatch)


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan:
    n_gpu_layers: int  # llama.cpp's n_gpu_layers: layers from the last one down, +1 for the head
    n_cpu_moe: int  # the first N layers keep their experts in system RAM
    gpu_bytes: int
    cpu_bytes: int
    kv_bytes: int
    compute_bytes: int
    vram_free_bytes: int
    reserve_bytes: int
    note: str
    overrides: list[tuple[str, str]] = field(default_factory=list)

    @property
    def all_on_cpu(self) -> bool:
        return self.n_gpu_layers == 0

    def describe(self) -> str:
        gpu, cpu = self.gpu_bytes / GIB, self.cpu_bytes / GIB
        return said("{0} — {1:.2f} GiB on the GPU, {2:.2f} GiB in RAM", self.note, gpu, cpu)


def plan(
    inv: Inventory,
    n_ctx: int,
    *,
    vram_free_bytes: int,
    reserve_bytes: int = 0,
    n_ubatch: int = 512,
) -> Plan:
    """Place the model: whole on the GPU if it fits, else experts to RAM, else fewer layers."""
    kv = kv_cache_bytes(inv, n_ctx, n_ubatch)
    compute = compute_bytes(inv, n_ubatch)
    total = inv.weights_bytes + kv + compute
    budget = vram_free_bytes - reserve_bytes - SAFETY_BYTES

    def make(n_gpu_layers: int, gpu: int, note: str, *, n_cpu_moe: int = 0) -> Plan:
        return Plan(
            n_gpu_layers=n_gpu_layers,
            n_cpu_moe=n_cpu_moe,
            gpu_bytes=gpu,
            cpu_bytes=total - gpu,
            kv_bytes=kv,
            compute_bytes=compute,
            vram_free_bytes=vram_free_bytes,
            reserve_bytes=reserve_bytes,
            note=note,
            overrides=cpu_moe_overrides(n_cpu_moe),
        )

    if vram_free_bytes <= 0:
        return make(0, 0, said("no GPU: everything on the CPU"))
    embeddings = inv.tensor_bytes.get("token_embd.weight", 0)  # llama.cpp keeps it in RAM
    on_gpu_full = total - embeddings
    if on_gpu_full <= budget:
        return make(inv.n_layers + 1, on_gpu_full, said("fits the GPU whole"))
    if inv.is_moe:
        moved = 0
        for k in range(1, inv.n_layers + 1):
            moved += inv.layer_bytes(k - 1, experts=True)
            if on_gpu_full - moved <= budget:
                note = said("all layers on the GPU, the experts of the first {0} in RAM", k)
                return make(inv.n_layers + 1, on_gpu_full - moved, note, n_cpu_moe=k)
    # Dense (or experts alone are not enough): offload the last L layers.
    for layers in range(inv.n_layers, 0, -1):
        weights = sum(inv.layer_bytes(i) for i in range(inv.n_layers - layers, inv.n_layers))
        gpu = weights + inv.output_bytes + kv_cache_bytes(inv, n_ctx, n_ubatch, layers) + compute
        if gpu <= budget:
            note = said("{0} of {1} layers on the GPU, the rest on the CPU", layers, inv.n_layers)
            return make(layers + 1, gpu, note)
    return make(
        0, 0, said("not one layer fits the {0:.2f} GiB of VRAM left: CPU only", budget / GIB)
    )


def cpu_moe_overrides(n: int) -> list[tuple[str, str]]:
    """Tensor buffer-type overrides as llama.cpp's ``--n-cpu-moe N`` writes them."""
    return [(rf"blk\.{i}\.ffn_(up|down|gate)_exps", "CPU") for i in range(n)]


# --- inventories -------------------------------------------------------------------------------


def inventory_from_gguf(path: Path) -> Inventory:
    """Read the tensor inventory (names, sizes) and attention shape from a GGUF's header."""
    from models.gguf_info import check_magic

    check_magic(path)
    from models.gguf_header import HeaderError, read_header

    try:
        header = read_header(path)
    except (HeaderError, OSError) as exc:
        raise ModelFileError(path, f"damaged or truncated GGUF ({exc})") from exc

    def field(key: str, default: object = None) -> object:
        return header.fields.get(key, default)

    arch = str(field("general.architecture", "llama"))
    n_embd = int(field(f"{arch}.embedding_length", 0))  # type: ignore[call-overload]
    n_head = int(field(f"{arch}.attention.head_count", 1))  # type: ignore[call-overload]
    head_kv = field(f"{arch}.attention.head_count_kv", n_head)
    n_head_kv = max(head_kv) if isinstance(head_kv, list) else int(head_kv)  # type: ignore[call-overload]
    head_dim = int(field(f"{arch}.attention.key_length", n_embd // max(n_head, 1)))  # type: ignore[call-overload]
    n_layers = int(field(f"{arch}.block_count", 0))  # type: ignore[call-overload]
    experts = int(field(f"{arch}.expert_count", 0))  # type: ignore[call-overload]
    used = int(field(f"{arch}.expert_used_count", 0))  # type: ignore[call-overload]
    ff = int(
        field(f"{arch}.expert_feed_forward_length", 0) or field(f"{arch}.feed_forward_length", 0)
    )  # type: ignore[call-overload]
    embeddings = next((t for t in header.tensors if t.name == "token_embd.weight"), None)
    n_vocab = header.lengths.get("tokenizer.ggml.tokens") or (
        embeddings.shape[1] if embeddings is not None and len(embeddings.shape) == 2 else 0
    )
    n_swa = int(field(f"{arch}.attention.sliding_window", 0))  # type: ignore[call-overload]
    return Inventory(
        name=str(field("general.name", path.stem)),
        tensor_bytes={t.name: t.n_bytes for t in header.tensors},
        n_layers=n_layers,
        n_embd=n_embd,
        n_head=n_head,
        n_head_kv=n_head_kv,
        head_dim=head_dim,
        n_vocab=n_vocab,
        n_ff_active=ff * (used or 1),
        n_swa=n_swa,
        swa_layers=frozenset(range(0, n_layers, 2)) if n_swa else frozenset(),
        expert_count=experts,
    )


def _round_up(n: int, k: int) -> int:
    return (n + k - 1) // k * k
