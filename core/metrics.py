"""In-process metrics (design seed §19): histograms and gauges, readable by the diagnostics page
and, through a snapshot file the app keeps, by ``domovoy doctor --metrics``.

Names follow the seed: ``moe_judge_latency_ms``, ``moe_planner_latency_ms`` (histograms),
``moe_judge_agreement_rate``, ``moe_memory_resident_sec`` (gauges); per model
``llm_tokens_per_s`` and ``llm_first_token_ms`` carry the model id as a label.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import math
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.events import (
    EventBus,
    JudgeResult,
    ModelLoaded,
    ModelUnloaded,
    PlanResult,
    ReflectionResult,
    TurnFinished,
)
from core.fs import atomic_write_text

# Milliseconds, roughly doubling: enough to tell 50 ms from 5 s.
LATENCY_BUCKETS = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000)
RECENT = 512  # samples kept for percentiles


def key(name: str, **labels: str) -> str:
    if not labels:
        return name
    inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    return f"{name}{{{inner}}}"


@dataclass(slots=True)
class Histogram:
    buckets: tuple[float, ...] = LATENCY_BUCKETS
    counts: list[int] = field(default_factory=list)
    count: int = 0
    total: float = 0.0
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=RECENT))

    def __post_init__(self) -> None:
        if not self.counts:
            self.counts = [0] * (len(self.buckets) + 1)

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.buckets, value)] += 1
        self.count += 1
        self.total += value
        self.recent.append(value)

    def percentile(self, q: float) -> float:
        """The q-th percentile (0..100) of the recent samples; NaN with none."""
        if not self.recent:
            return math.nan
        ordered = sorted(self.recent)
        rank = max(0, math.ceil(q / 100 * len(ordered)) - 1)
        return ordered[rank]

    def snapshot(self) -> dict[str, Any]:
        return {
            "type": "histogram",
            "count": self.count,
            "mean": self.total / self.count if self.count else None,
            "p50": _finite(self.percentile(50)),
            "p95": _finite(self.percentile(95)),
            "buckets": dict(zip([*map(str, self.buckets), "+Inf"], self.counts, strict=True)),
        }


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._histograms: dict[str, Histogram] = {}
        self._gauges: dict[str, float] = {}

    def observe(self, name: str, value: float, **labels: str) -> None:
        with self._lock:
            self._histograms.setdefault(key(name, **labels), Histogram()).observe(value)

    def set(self, name: str, value: float, **labels: str) -> None:
        with self._lock:
            self._gauges[key(name, **labels)] = value

    def add(self, name: str, value: float, **labels: str) -> None:
        with self._lock:
            k = key(name, **labels)
            self._gauges[k] = self._gauges.get(k, 0.0) + value

    def gauge(self, name: str, **labels: str) -> float | None:
        with self._lock:
            return self._gauges.get(key(name, **labels))

    def percentile(self, name: str, q: float, **labels: str) -> float:
        with self._lock:
            h = self._histograms.get(key(name, **labels))
            return h.percentile(q) if h else math.nan

    def count(self, name: str, **labels: str) -> int:
        with self._lock:
            h = self._histograms.get(key(name, **labels))
            return h.count if h else 0

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            out: dict[str, Any] = {k: h.snapshot() for k, h in sorted(self._histograms.items())}
            out.update({k: {"type": "gauge", "value": v} for k, v in sorted(self._gauges.items())})
        return out

    def save(self, file: Path) -> None:
        atomic_write_text(file, json.dumps(self.snapshot(), indent=1, ensure_ascii=False))


def load_snapshot(file: Path) -> dict[str, Any]:
    """What the app last saved; empty when it never ran or the file is unreadable."""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def render(snapshot: dict[str, Any]) -> str:
    if not snapshot:
        return "no metrics recorded yet (they are written while the app runs)"
    lines = []
    for name, m in snapshot.items():
        if m.get("type") == "gauge":
            lines.append(f"{name} = {m['value']:.3f}")
        else:
            p50, p95 = m.get("p50"), m.get("p95")
            lines.append(
                f"{name}: n={m['count']}"
                + (f", p50={p50:.1f}, p95={p95:.1f}" if p50 is not None and p95 is not None else "")
            )
    return "\n".join(lines)


def _finite(value: float) -> float | None:
    return None if math.isnan(value) else value


BIG_MODEL_RECORDS = (JudgeResult, PlanResult, ReflectionResult)


class MetricsRecorder:
    """Turns events into metrics: per model first-token time, tokens/s, load time, residency."""

    def __init__(self, bus: EventBus, metrics: Metrics, *, snapshot_file: Path | None = None):
        self.metrics = metrics
        self.snapshot_file = snapshot_file
        self._off = [
            bus.subscribe(TurnFinished, self._turn),
            bus.subscribe(ModelLoaded, self._loaded),
            bus.subscribe(ModelUnloaded, self._unloaded),
            # the big model's work records its own figures: they are kept once it is done
            *(bus.subscribe(kind, lambda e: self._save()) for kind in BIG_MODEL_RECORDS),
        ]

    def start(self) -> None:
        return None

    def stop(self) -> None:
        """At shutdown (the last service to stop): what the others recorded is kept."""
        self.close()

    def close(self) -> None:
        for off in self._off:
            off()
        self._off = []
        self._save()

    def _turn(self, e: TurnFinished) -> None:
        if e.timings.tokens:
            self.metrics.observe("llm_first_token_ms", e.timings.first_token_ms, model=e.model_used)
        if e.timings.tokens > 1:
            self.metrics.observe("llm_tokens_per_s", e.timings.tokens_per_s, model=e.model_used)
        self.metrics.add("llm_turns_total", 1, model=e.model_used)
        if e.fallback_reason:
            self.metrics.add("llm_fallbacks_total", 1, role=e.role)
        self._save()

    def _loaded(self, e: ModelLoaded) -> None:
        self.metrics.observe("model_load_ms", e.load_ms, model=e.model_id)

    def _unloaded(self, e: ModelUnloaded) -> None:
        self.metrics.add("model_resident_sec", e.resident_s, model=e.model_id)
        self._save()

    def _save(self) -> None:
        if self.snapshot_file is not None:
            # a full disk costs the diagnostics snapshot, never the conversation
            with contextlib.suppress(OSError):
                self.metrics.save(self.snapshot_file)
