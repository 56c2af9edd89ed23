"""The planner against published figures for gpt-oss-20b, and against the tiny GGUFs' headers."""

from pathlib import Path

import pytest

from models.vram import (
    GIB,
    SAFETY_BYTES,
    cpu_moe_overrides,
    deployment_bytes,
    gpt_oss_20b,
    inventory_from_gguf,
    kv_cache_bytes,
    plan,
)

GB = 1e9


def test_gpt_oss_20b_weights_match_the_published_file_size() -> None:
    # The MXFP4 GGUF is 11.27 GiB.
    assert gpt_oss_20b().weights_bytes / GIB == pytest.approx(11.27, rel=0.10)


@pytest.mark.parametrize(("n_ctx", "published_gb"), [(8192, 14.9), (32768, 15.5), (131072, 17.9)])
def test_gpt_oss_20b_deployment_within_ten_percent_of_the_llama_cpp_guide(
    n_ctx: int, published_gb: float
) -> None:
    # The guide's figures are for its recommended run: flash attention, micro-batch 2048.
    total = deployment_bytes(gpt_oss_20b(), n_ctx, n_ubatch=2048) / GB
    assert total == pytest.approx(published_gb, rel=0.10)


def test_on_a_12_gb_card_beside_whisper_the_experts_of_a_few_layers_go_to_ram() -> None:
    inv = gpt_oss_20b()
    free = int(11.5 * GIB)  # an RTX 4070 with the desktop running
    whisper = 1 * GIB
    placed = plan(inv, 8192, vram_free_bytes=free, reserve_bytes=whisper)
    assert placed.n_gpu_layers == inv.n_layers + 1  # every layer's attention on the GPU
    assert 1 <= placed.n_cpu_moe <= 8  # a few layers' experts in RAM, not a spill to the CPU
    assert placed.gpu_bytes + whisper <= free
    assert placed.overrides == cpu_moe_overrides(placed.n_cpu_moe)
    assert placed.overrides[0] == (r"blk\.0\.ffn_(up|down|gate)_exps", "CPU")
    assert "experts of the first" in placed.describe()


def test_a_card_big_enough_takes_the_whole_model() -> None:
    placed = plan(gpt_oss_20b(), 8192, vram_free_bytes=24 * GIB)
    assert placed.n_cpu_moe == 0 and placed.note == "fits the GPU whole"


def test_no_gpu_means_all_on_the_cpu_and_says_so() -> None:
    placed = plan(gpt_oss_20b(), 8192, vram_free_bytes=0)
    assert placed.all_on_cpu and placed.gpu_bytes == 0 and placed.note.startswith("no GPU")


def test_a_dense_model_offloads_its_last_layers(tmp_path: Path) -> None:
    from models.testing import make_tiny_gguf

    path = make_tiny_gguf("llama", tmp_path / "dense.gguf", n_layer=6, n_embd=256, n_ff=512)
    inv = inventory_from_gguf(path)
    whole = plan(inv, 2048, vram_free_bytes=8 * GIB)
    assert whole.n_gpu_layers == inv.n_layers + 1

    def gpu_bytes(layers: int) -> int:
        weights = sum(inv.layer_bytes(i) for i in range(inv.n_layers - layers, inv.n_layers))
        kv = kv_cache_bytes(inv, 2048, layers=layers)
        return weights + inv.output_bytes + kv + whole.compute_bytes

    free = SAFETY_BYTES + gpu_bytes(2) + 1  # room for two layers, not three
    partial = plan(inv, 2048, vram_free_bytes=free)
    assert partial.n_gpu_layers == 3  # the last two layers and the output head
    assert (
        partial.gpu_bytes == gpu_bytes(2)
        and partial.note == "2 of 6 layers on the GPU, the rest on the CPU"
    )


def test_the_inventory_of_a_real_moe_gguf_separates_its_experts(tmp_path: Path) -> None:
    from models.testing import make_tiny_gguf

    inv = inventory_from_gguf(make_tiny_gguf("llama-moe", tmp_path / "moe.gguf"))
    assert inv.is_moe and inv.expert_count == 4
    experts = inv.layer_bytes(0, experts=True)
    assert experts > 0 and inv.layer_bytes(0) == experts + inv.layer_bytes(0, experts=False)
    assert inv.weights_bytes == sum(inv.tensor_bytes.values())
