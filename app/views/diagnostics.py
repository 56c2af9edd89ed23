"""The diagnostics page's Qt-free side: one snapshot of what runs — the resident models with
their runner processes (pid, RSS, the VRAM NVML counts for that process), who holds the GPU
lease, the metrics, and the recent log lines."""

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
    vram_mb: float  # the VRAM plan's figure for the model
    pid: int | None = None  # the runner process that holds the model, while one runs
    rss_mb: float = 0.0  # that process's resident memory
    process_vram_mb: float | None = None  # the VRAM NVML counts for that process (a GPU only)

    @property
    def ram_mb(self) -> float:
        """What the model takes in RAM: its runner's RSS, else an estimate from its file."""
        if self.pid is not None:
            return self.rss_mb
        return max(0.0, self.file_mb - self.vram_mb) if self.loaded else 0.0


@dataclass(frozen=True, slots=True)
class Snapshot:
    models: list[Resident]
    lease_holder: str | None
    process_rss_mb: float
    metrics: dict[str, Any]
    log: list[str] = field(default_factory=list)

    @property
    def ram_mb(self) -> float:
        """RAM the models take: each runner process once (one may play several roles)."""
        seen: dict[object, float] = {}
        for m in self.models:
            seen[m.pid if m.pid is not None else m.model_id] = m.ram_mb
        return sum(seen.values())


def resident(slot: ModelSlot, vram: dict[str, int], by_pid: dict[int, int]) -> Resident:
    import psutil

    path = getattr(slot.llm, "path", None)
    try:
        size = os.path.getsize(path) / MIB if path is not None else 0.0
    except OSError:
        size = 0.0
    pid = getattr(slot.llm, "pid", None)
    try:
        rss = psutil.Process(pid).memory_info().rss / MIB if pid is not None else 0.0
    except psutil.Error:  # it ended meanwhile
        pid, rss = None, 0.0
    return Resident(
        role=slot.role,
        model_id=slot.model_id,
        loaded=slot.llm.loaded,
        placement=getattr(slot.llm, "placement", "") if slot.llm.loaded else "",
        file_mb=size,
        vram_mb=vram.get(slot.model_id, 0) / MIB,
        pid=pid,
        rss_mb=rss,
        process_vram_mb=by_pid.get(pid, 0) / MIB if by_pid and pid is not None else None,
    )


def snapshot(
    slots: Mapping[str, ModelSlot],
    scheduler: GpuScheduler | None,
    metrics: Metrics | None,
    *,
    log_lines: int = 200,
) -> Snapshot:
    import psutil

    from core.hardware import gpu_memory_by_process

    vram = scheduler.residents() if scheduler is not None else {}
    by_pid = gpu_memory_by_process() if any(s.llm.uses_gpu for s in slots.values()) else {}
    return Snapshot(
        models=[resident(s, vram, by_pid) for s in slots.values()],
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
