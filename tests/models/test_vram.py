"""The planner against published figures for gpt-oss-20b, and against the tiny GGUFs' headers.

gpt-oss-20b's inventory is read, like any GGUF's, from a header: the one its published shape
gives (models.published), with the tensor names, dimensions and ggml types of its MXFP4 GGUF.
"""

from pathlib import Path

import pytest

from models.published import write_published_header
from models.vram import (
    GIB,
    SAFETY_BYTES,
    Inventory,
    cpu_moe_overrides,
    deployment_bytes,
    inventory_from_gguf,
    kv_cache_bytes,
    plan,
)

GB = 1e9


@pytest.fixture(scope="module")
def gpt_oss_20b(tmp_path_factory: pytest.TempPathFactory) -> Inventory:
    header = tmp_path_factory.mktemp("published") / "gpt-oss-20b.gguf"
    return inventory_from_gguf(write_published_header("gpt-oss-20b", header))


def test_the_published_header_reads_as_gpt_oss_20b(gpt_oss_20b: Inventory) -> None:
    inv = gpt_oss_20b
    assert (inv.n_layers, inv.n_embd, inv.n_head, inv.n_head_kv, inv.head_dim) == (
        24,
        2880,
        64,
        8,
        64,
    )
    assert inv.n_vocab == 201088 and inv.expert_count == 32 and inv.n_swa == 128
    assert inv.swa_layers == frozenset(range(0, 24, 2))
    assert sum(1 for name in inv.tensor_bytes if "_exps.weight" in name) == 24 * 3


def test_gpt_oss_20b_weights_match_the_published_file_size(gpt_oss_20b: Inventory) -> None:
    # The MXFP4 GGUF is 11.27 GiB.
    assert gpt_oss_20b.weights_bytes / GIB == pytest.approx(11.27, rel=0.10)


@pytest.mark.parametrize(("n_ctx", "published_gb"), [(8192, 14.9), (32768, 15.5), (131072, 17.9)])
def test_gpt_oss_20b_deployment_within_ten_percent_of_the_llama_cpp_guide(
    gpt_oss_20b: Inventory, n_ctx: int, published_gb: float
) -> None:
    # The guide's figures are for its recommended run: flash attention, micro-batch 2048.
    total = deployment_bytes(gpt_oss_20b, n_ctx, n_ubatch=2048) / GB
    assert total == pytest.approx(published_gb, rel=0.10)


def test_on_a_12_gb_card_beside_whisper_the_experts_of_a_few_layers_go_to_ram(
    gpt_oss_20b: Inventory,
) -> None:
    inv = gpt_oss_20b
    free = int(11.5 * GIB)  # an RTX 4070 with the desktop running
    whisper = 1 * GIB
    placed = plan(inv, 8192, vram_free_bytes=free, reserve_bytes=whisper)
    assert placed.n_gpu_layers == inv.n_layers + 1  # every layer's attention on the GPU
    assert 1 <= placed.n_cpu_moe <= 8  # a few layers' experts in RAM, not a spill to the CPU
    assert placed.gpu_bytes + whisper <= free
    assert placed.overrides == cpu_moe_overrides(placed.n_cpu_moe)
    assert placed.overrides[0] == (r"blk\.0\.ffn_(up|down|gate)_exps", "CPU")
    assert "experts of the first" in placed.describe()


def test_a_card_big_enough_takes_the_whole_model(gpt_oss_20b: Inventory) -> None:
    placed = plan(gpt_oss_20b, 8192, vram_free_bytes=24 * GIB)
    assert placed.n_cpu_moe == 0 and placed.note == "fits the GPU whole"


def test_no_gpu_means_all_on_the_cpu_and_says_so(gpt_oss_20b: Inventory) -> None:
    placed = plan(gpt_oss_20b, 8192, vram_free_bytes=0)
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
