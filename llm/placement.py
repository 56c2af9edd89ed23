"""Deciding where a model's weights go before it loads, and refusing a load that cannot fit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ModelLoadError
from core.scheduler import GpuScheduler
from core.translatable import said
from models.vram import GIB, Plan, inventory_from_gguf, plan


class Placer:
    def __init__(
        self,
        scheduler: GpuScheduler,
        *,
        gpu_offload: Callable[[], bool],
        ram_available: Callable[[], int],
        n_ubatch: int = 512,
    ) -> None:
        self.scheduler = scheduler
        self.gpu_offload = gpu_offload
        self.ram_available = ram_available
        self.n_ubatch = n_ubatch

    def place(self, model_id: str, path: Path, n_ctx: int) -> Plan:
        """The plan for ``path`` at ``n_ctx``, or ModelLoadError with the numbers if none fits."""
        inventory = inventory_from_gguf(path)
        vram = self.scheduler.vram_free_bytes() if self.gpu_offload() else 0
        result = plan(
            inventory,
            n_ctx,
            vram_free_bytes=vram,
            reserve_bytes=self.scheduler.reserved_bytes(exclude=model_id),
            n_ubatch=self.n_ubatch,
        )
        ram = self.ram_available()
        if result.cpu_bytes > ram:
            raise ModelLoadError(
                model_id,
                f"it needs {result.cpu_bytes / GIB:.2f} GiB of RAM"
                + (f" beside {result.gpu_bytes / GIB:.2f} GiB of VRAM" if result.gpu_bytes else "")
                + f", and {ram / GIB:.2f} GiB of RAM is free ({result.note})",
                hint="close other programs, lower context_length for this role, or pick a "
                "smaller model; `domovoy doctor` shows what fits",
            )
        return result

    def loaded(self, model_id: str, placed: Plan) -> None:
        self.scheduler.set_resident(model_id, placed.gpu_bytes)

    def unloaded(self, model_id: str) -> None:
        self.scheduler.set_resident(model_id, 0)


@dataclass(frozen=True, slots=True)
class Placement:
    """How one load goes: the context it gets, its GPU layers and tensor overrides, and the
    plan they came from (None where no placer decided)."""

    n_ctx: int
    n_gpu_layers: int
    overrides: list[tuple[str, str]] = field(default_factory=list)
    plan: Plan | None = None


def decide(
    placer: Placer | None,
    model_id: str,
    path: Path,
    *,
    n_ctx: int,
    context_length: int,
    n_gpu_layers: int,
    overrides: Sequence[tuple[str, str]] = (),
) -> Placement:
    """The load's placement: the context capped at the model's own, and where a placer is
    given its plan (ModelLoadError, with the numbers, for a load that cannot fit)."""
    n_ctx = min(n_ctx, context_length) if context_length else n_ctx
    if placer is None:
        return Placement(n_ctx, n_gpu_layers, list(overrides))
    placed = placer.place(model_id, path, n_ctx)
    return Placement(n_ctx, placed.n_gpu_layers, list(placed.overrides), placed)


def loaded(placer: Placer | None, model_id: str, placement: Placement) -> str:
    """The model has loaded as placed: its residency is recorded; where it went, in words."""
    if placement.plan is not None and placer is not None:
        placer.loaded(model_id, placement.plan)
        return placement.plan.describe()
    n = placement.n_gpu_layers
    return said("{0} layers on the GPU", n) if n else said("CPU")
