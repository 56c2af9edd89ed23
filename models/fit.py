"""Will a model fit this machine? An estimate from the file and the KV cache for its context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from models.gguf_info import GGUFInfo

MIB = 1024 * 1024
# llama.cpp's compute buffers and runtime: a fixed part plus a share of the weights
OVERHEAD_MB = 300
OVERHEAD_SHARE = 0.05

Verdict = Literal["gpu", "partial_gpu", "cpu", "too_big"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Fit:
    verdict: Verdict
    weights_mb: int
    kv_cache_mb: int
    overhead_mb: int
    ram_free_mb: int
    vram_free_mb: int

    @property
    def needed_mb(self) -> int:
        return self.weights_mb + self.kv_cache_mb + self.overhead_mb

    def describe(self) -> str:
        need = f"needs about {self.needed_mb} MB"
        return {
            "gpu": f"fits the GPU ({need}, {self.vram_free_mb} MB VRAM free)",
            "partial_gpu": (
                f"partly on the GPU ({need}; {self.vram_free_mb} MB VRAM free, rest in RAM)"
            ),
            "cpu": f"runs on the CPU ({need}, {self.ram_free_mb} MB RAM free)",
            "too_big": (
                f"does not fit ({need}; {self.ram_free_mb} MB RAM and "
                f"{self.vram_free_mb} MB VRAM free)"
            ),
        }[self.verdict]


def estimate(info: GGUFInfo, n_ctx: int, *, ram_free_mb: int, vram_free_mb: int) -> Fit:
    weights = info.tensor_bytes // MIB
    kv = info.kv_cache_bytes(n_ctx) // MIB
    overhead = OVERHEAD_MB + int(weights * OVERHEAD_SHARE)
    need = weights + kv + overhead
    if vram_free_mb and need <= vram_free_mb:
        verdict: Verdict = "gpu"
    elif vram_free_mb and need <= vram_free_mb + ram_free_mb:
        verdict = "partial_gpu"
    elif need <= ram_free_mb:
        verdict = "cpu"
    else:
        verdict = "too_big"
    return Fit(
        verdict=verdict,
        weights_mb=weights,
        kv_cache_mb=kv,
        overhead_mb=overhead,
        ram_free_mb=ram_free_mb,
        vram_free_mb=vram_free_mb,
    )
