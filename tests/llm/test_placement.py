"""Placement reaches llama.cpp: tensor overrides through the ctypes model params; refusals."""

import ctypes
from collections.abc import Iterator
from pathlib import Path

import llama_cpp
import pytest

from core.errors import ModelLoadError
from core.scheduler import GpuScheduler
from llm.base import ChatMessage, GenerationParams, final_text
from llm.llama_cpp import LlamaCppLLM
from llm.llama_overrides import buffer_types, load_with_overrides
from llm.placement import Placer
from models.testing import make_tiny_gguf
from models.vram import GIB, cpu_moe_overrides


@pytest.fixture(scope="module")
def moe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tiny_gguf("llama-moe", tmp_path_factory.mktemp("moe") / "moe.gguf")


@pytest.fixture
def llama_log() -> Iterator[list[str]]:
    """What llama.cpp logs, debug lines included, while the test runs."""
    lines: list[str] = []

    @llama_cpp.llama_log_callback
    def collect(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
        lines.append(text.decode("utf-8", errors="replace"))

    llama_cpp.llama_log_set(collect, ctypes.c_void_p(0))
    yield lines
    from llama_cpp import _logger

    llama_cpp.llama_log_set(_logger.llama_log_callback, ctypes.c_void_p(0))


def test_the_cpu_buffer_type_is_found() -> None:
    assert "CPU" in buffer_types()


def test_llama_cpp_receives_the_expert_overrides(moe: Path, llama_log: list[str]) -> None:
    llama, array = load_with_overrides(
        "moe", cpu_moe_overrides(2), model_path=str(moe), n_ctx=256, verbose=False
    )
    try:
        overridden = [line for line in llama_log if "buffer type overridden to CPU" in line]
        names = sorted(line.split()[1] for line in overridden)
        assert names == sorted(
            f"blk.{i}.ffn_{k}_exps.weight" for i in (0, 1) for k in ("gate", "up", "down")
        )
        assert array is not None
    finally:
        llama.close()


def test_the_planner_places_gpt_oss_experts_by_their_real_names(
    tiny_models: dict[str, Path], llama_log: list[str]
) -> None:
    from models.vram import EXPERT, SAFETY_BYTES, inventory_from_gguf, plan

    path = tiny_models["gpt-oss"]
    inv = inventory_from_gguf(path)
    assert inv.is_moe and inv.expert_count == 4 and inv.n_layers == 4 and inv.n_vocab == 201088
    assert inv.n_swa == 128 and inv.swa_layers == frozenset({0, 2})
    experts = sorted(n for n in inv.tensor_bytes if EXPERT.match(n) and n.startswith("blk.0."))
    assert experts == sorted(
        f"blk.0.ffn_{k}_exps.{w}" for k in ("gate", "up", "down") for w in ("weight", "bias")
    )
    # a card with room for all but the experts of two layers: the plan moves those two
    whole = plan(inv, 256, vram_free_bytes=64 * GIB)
    two = inv.layer_bytes(0, experts=True) + inv.layer_bytes(1, experts=True)
    placed = plan(inv, 256, vram_free_bytes=whole.gpu_bytes - two + SAFETY_BYTES + 1)
    assert placed.n_cpu_moe == 2 and placed.gpu_bytes == whole.gpu_bytes - two
    llama, _ = load_with_overrides(
        "gpt-oss", placed.overrides, model_path=str(path), n_ctx=256, verbose=False
    )
    try:
        overridden = [line for line in llama_log if "buffer type overridden to CPU" in line]
        names = sorted(line.split()[1] for line in overridden)
        assert names == sorted(
            f"blk.{i}.ffn_{k}_exps.{w}"
            for i in (0, 1)
            for k in ("gate", "up", "down")
            for w in ("weight", "bias")
        )
    finally:
        llama.close()


def test_an_unknown_buffer_type_is_refused_by_name(moe: Path) -> None:
    with pytest.raises(ModelLoadError, match=r"no llama\.cpp buffer type 'CUDA7'"):
        load_with_overrides(
            "moe", [("blk", "CUDA7")], model_path=str(moe), n_ctx=256, verbose=False
        )


def test_a_placed_model_loads_generates_and_frees_its_place(moe: Path) -> None:
    scheduler = GpuScheduler(vram_free=lambda: 0)
    placer = Placer(scheduler, gpu_offload=lambda: False, ram_available=lambda: 8 * GIB)
    llm = LlamaCppLLM(model_id="moe", path=moe, n_ctx=256, placer=placer)
    text = final_text(
        llm.stream([ChatMessage(role="user", content="hi")], GenerationParams(max_tokens=6))
    )
    assert text and llm.placement.startswith("no GPU: everything on the CPU")
    llm.unload()
    assert scheduler.reserved_bytes() == 0


def test_a_load_that_cannot_fit_is_refused_with_the_numbers_before_it_is_tried(moe: Path) -> None:
    placer = Placer(GpuScheduler(), gpu_offload=lambda: False, ram_available=lambda: 1024)
    llm = LlamaCppLLM(model_id="moe", path=moe, n_ctx=256, placer=placer)
    with pytest.raises(ModelLoadError) as err:
        llm.load()
    assert "GiB of RAM" in str(err.value) and "0.00 GiB of RAM is free" in str(err.value)
    assert not llm.loaded
