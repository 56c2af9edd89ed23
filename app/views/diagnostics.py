"""The diagnostics page's Qt-free side: one snapshot of what runs — the resident models with
their RAM and VRAM, who holds the GPU lease, the metrics, and the recent log lines."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core import logbook
from core.metrics import Metrics
from core.scheduler import GpuScheduler
from llm.roles import ModelSlot

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Resident:
    role: str
    model_id: str
    loaded: bool
    placement: str
    file_mb: float  # the weights on disk; what is not on the GPU is in RAM
    vram_mb: float


@dataclass(frozen=True, slots=True)
class Snapshot:
    models: list[Resident]
    lease_holder: str | None
    process_rss_mb: float
    metrics: dict[str, Any]
    log: list[str] = field(default_factory=list)

    @property
    def ram_mb(self) -> float:
        """RAM the loaded models' weights take outside the GPU (an estimate from the files)."""
        return sum(max(0.0, m.file_mb - m.vram_mb) for m in self.models if m.loaded)


def resident(slot: ModelSlot, vram: dict[str, int]) -> Resident:
    path = getattr(slot.llm, "path", None)
    try:
        size = os.path.getsize(path) / MIB if path is not None else 0.0
    except OSError:
        size = 0.0
    return Resident(
        role=slot.role,
        model_id=slot.model_id,
        loaded=slot.llm.loaded,
        placement=getattr(slot.llm, "placement", "") if slot.llm.loaded else "",
        file_mb=size,
        vram_mb=vram.get(slot.model_id, 0) / MIB,
    )


def snapshot(
    slots: Mapping[str, ModelSlot],
    scheduler: GpuScheduler | None,
    metrics: Metrics | None,
    *,
    log_lines: int = 200,
) -> Snapshot:
    import psutil

    vram = scheduler.residents() if scheduler is not None else {}
    return Snapshot(
        models=[resident(s, vram) for s in slots.values()],
        lease_holder=scheduler.holder if scheduler is not None else None,
        process_rss_mb=psutil.Process().memory_info().rss / MIB,
        metrics=metrics.snapshot() if metrics is not None else {},
        log=logbook.recent(log_lines),
    )


def split_key(key: str) -> tuple[str, str]:
    """'llm_first_token_ms{model="x"}' → ('llm_first_token_ms', 'x'): the name and what it is of."""
    name, _, rest = key.partition("{")
    labels = [part.partition("=")[2].strip('"') for part in rest.rstrip("}").split(",") if part]
    return name, ", ".join(labels)


def number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3g}"


def metric_rows(metrics: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """name, of which model (or role), count (or value), p50, p95 — for a table."""
    rows = []
    for key, m in sorted(metrics.items()):
        name, of = split_key(key)
        if m.get("type") == "gauge":
            rows.append((name, of, number(m["value"]), "", ""))
            continue
        p50, p95 = m.get("p50"), m.get("p95")
        rows.append(
            (
                name,
                of,
                str(m.get("count", 0)),
                f"{p50:.1f}" if p50 is not None else "—",
                f"{p95:.1f}" if p95 is not None else "—",
            )
        )
    return rows
