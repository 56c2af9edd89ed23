"""Deciding where a model's weights go before it loads, and refusing a load that cannot fit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.errors import ModelLoadError
from core.scheduler import GpuScheduler
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
