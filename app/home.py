"""The user's home as the app reads it at start: where things live, the config, the registry of
models, and the one GPU scheduler (with its VRAM placer) that every model shares."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from core import config as config_mod
from core.config import Config
from core.events import EventBus
from core.hardware import llama_supports_gpu_offload, nvidia_gpus
from core.metrics import Metrics
from core.paths import Paths
from core.registry import Registry
from core.scheduler import GpuScheduler
from llm.placement import Placer
from models.catalogue import CATALOGUE_DIR

STARTER_ENV = "DOMOVOY_STARTER"  # "off": never assemble the starter kit


@dataclass(slots=True)
class Home:
    """Everything the app reads at start: where things live, the config, the registry, and the
    one GPU scheduler that every model shares."""

    paths: Paths
    config: Config
    registry: Registry
    scheduler: GpuScheduler = field(default_factory=GpuScheduler)
    placer: Placer | None = None
    metrics: Metrics = field(default_factory=Metrics)

    @classmethod
    def open(cls, paths: Paths | None = None, *, starter: bool = False) -> Home:
        """``starter``: assemble the starter kit first, if it is installed and not yet here
        (the window and the CLI do; ``DOMOVOY_STARTER=off`` keeps it out)."""
        paths = paths or Paths.from_env()
        paths.ensure()
        if starter:
            assemble_starter(paths)
        config = config_mod.load(paths.config_file)
        registry = Registry.load(paths, [CATALOGUE_DIR])
        return cls(paths=paths, config=config, registry=registry)

    def attach_gpu(self, bus: EventBus) -> None:
        """The shared GPU scheduler and the placer that plans each load against free VRAM."""
        import psutil

        self.scheduler = GpuScheduler(bus, vram_free=_vram_free_bytes)
        self.placer = Placer(
            self.scheduler,
            gpu_offload=self.gpu_offload,  # asked at the first load, not at start
            ram_available=lambda: int(psutil.virtual_memory().available),
        )

    def reload_registry(self) -> None:
        """Read the manifests again (a model was pulled, added or removed)."""
        self.registry = Registry.load(self.paths, [CATALOGUE_DIR])

    def gpu_offload(self) -> bool:
        """Whether models may go on the GPU: the user allows it and llama.cpp can."""
        return self.config.gpu.use == "auto" and llama_supports_gpu_offload()

    @classmethod
    def open_with_defaults(cls, paths: Paths | None = None, *, starter: bool = False) -> Home:
        """The default config in memory, the file left as it is (it failed to load)."""
        paths = paths or Paths.from_env()
        paths.ensure()
        if starter:
            assemble_starter(paths)
        return cls(paths=paths, config=Config(), registry=Registry.load(paths, [CATALOGUE_DIR]))


def assemble_starter(paths: Paths) -> None:
    if os.environ.get(STARTER_ENV, "").lower() in ("off", "0", "no"):
        return
    from models.starter import assemble

    assemble(paths)


def _vram_free_bytes() -> int:
    return max((g.vram_free_mb for g in nvidia_gpus()[0]), default=0) * 1024 * 1024
