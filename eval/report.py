"""Reports of eval runs: a JSON file, a Markdown page that opens with the verdict (and, for an
update-gate run, its comparison table), then each metric with its value, its drift across the
earlier runs in the same folder and its plot; one PNG per metric and an overview figure."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.fs import atomic_write_text
from eval.metrics import drift
from eval.runner import METRICS, RunReport

OVERVIEW = "overview"


@dataclass(slots=True)
class Decision:
    """The update gate's verdict on the run, which the report opens with: the verdict in words,
    why, and the comparison table (a header and its rows, as the gate makes them)."""

    verdict: str
    reasons: list[str] = field(default_factory=list)
    header: Sequence[str] = ()
    rows: Sequence[Sequence[str]] = ()


def write(report: RunReport, folder: Path, decision: Decision | None = None) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(report.started))
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", report.model)
    base = folder / f"eval-{stamp}-{slug}"
    json_file = base.with_suffix(".json")
    atomic_write_text(json_file, json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    series = _series(_history(folder))
    plots = _plots(series, folder / "plots")
    md_file = base.with_suffix(".md")
    atomic_write_text(md_file, _markdown(report, decision, series, plots, folder))
    return {"json": json_file, "markdown": md_file, **{f"plot:{k}": v for k, v in plots.items()}}


def _history(folder: Path) -> list[dict[str, Any]]:
    runs = []
    for file in sorted(folder.glob("eval-*.json")):
        try:
            runs.append(json.loads(file.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # a damaged old report is left out of the drift, not fatal
    return sorted(runs, key=lambda r: r.get("started", 0))


# metric → the runs that measured it: (run number, value, model)
Series = dict[str, list[tuple[int, float, str]]]


def _series(history: list[dict[str, Any]]) -> Series:
    series: Series = {}
    for metric in METRICS:
        points = [
            (i, float(value), str(run.get("model", "?")))
            for i, run in enumerate(history)
            if isinstance(value := run.get("totals", {}).get(metric), int | float)
        ]
        if points:
            series[metric] = points
    return series


def _plots(series: Series, folder: Path) -> dict[str, Path]:
    if not series:
        return {}
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for metric, points in series.items():
        fig, ax = plt.subplots(figsize=(6, 3.2))
        _draw(ax, metric, points, labels=True)
        fig.tight_layout()
        out[metric] = _save(fig, folder / f"{metric}.png")
    columns = 4
    rows = -(-len(series) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(12, 2.4 * rows), squeeze=False)
    for ax, (metric, points) in zip(axes.flat, series.items(), strict=False):
        _draw(ax, metric, points, labels=False)
    for ax in list(axes.flat)[len(series) :]:
        ax.axis("off")
    fig.tight_layout()
    out[OVERVIEW] = _save(fig, folder / f"{OVERVIEW}.png")
    return out


def _draw(ax: Any, metric: str, points: list[tuple[int, float, str]], *, labels: bool) -> None:
    ax.plot([p[0] for p in points], [p[1] for p in points], marker="o")
    if labels:
        for x, y, model in points[-3:]:
            ax.annotate(model, (x, y), fontsize=7, textcoords="offset points", xytext=(0, 6))
        ax.set_xlabel("run")
    ax.set_title(metric.replace("_", " "), fontsize=10 if labels else 9)
    ax.grid(alpha=0.3)


def _save(fig: Any, file: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.savefig(file, dpi=90)
    plt.close(fig)
    return file


def figure(value: float | None) -> str:
    """A metric's total as reports and tables show it ("—": not measured)."""
    return "—" if value is None else f"{value:.3f}"


def _markdown(
    report: RunReport,
    decision: Decision | None,
    series: Series,
    plots: dict[str, Path],
    folder: Path,
) -> str:
    day = time.strftime("%Y-%m-%d %H:%M", time.localtime(report.started))
    failed = report.failed
    passed = len(report.results) - len(failed)
    judged = (
        "judged by " + " and ".join(report.judges)
        if report.judges
        else "no independent judge: the judged metrics were not measured"
    )
    lines = [f"# Eval run: {report.model}", "", f"{day}, {report.seconds:.1f} s, {judged}", ""]
    if decision is not None:
        lines += [f"**{decision.verdict}**", ""]
        lines += [f"- {reason}" for reason in decision.reasons]
        if decision.rows:
            lines += ["", _row(decision.header), _row(["---"] * len(decision.header))]
            lines += [_row(row) for row in decision.rows]
        lines.append("")
    verdict = f"{passed} of {len(report.results)} scenarios passed"
    lines += [f"**{verdict}**" + (f"; failed: {', '.join(failed)}" if failed else ""), ""]
    lines += ["## Metrics", "", _row(["metric", "value", "drift", "what it measures"])]
    lines.append(_row(["---"] * 4))
    for metric, meaning in METRICS.items():
        values = [p[1] for p in series.get(metric, [])]
        moved = drift(values)
        shift = "—" if moved is None else f"{moved:+.3f}"
        lines.append(_row([metric, figure(report.totals.get(metric)), shift, meaning]))
    if OVERVIEW in plots:
        lines += ["", f"![{OVERVIEW}]({plots[OVERVIEW].relative_to(folder)})"]
    for metric, meaning in METRICS.items():
        if metric not in plots:
            continue
        values = [p[1] for p in series[metric]]
        moved = drift(values)
        lines += ["", f"### {metric}", "", f"{meaning}: {figure(report.totals.get(metric))}"]
        if moved is not None:
            lines[-1] += f", {moved:+.3f} against the mean of {len(values) - 1} earlier runs"
        lines += ["", f"![{metric}]({plots[metric].relative_to(folder)})"]
    lines += ["", "## Scenarios"]
    for result in report.results:
        held = sum(c.passed for c in result.checks)
        mark = "passed" if result.passed else "FAILED"
        lines += ["", f"### {result.name}: {mark}", "", f"{held} of {len(result.checks)} held", ""]
        for check in result.checks:
            sign = "✓" if check.passed else "✗"
            scored = "" if check.required else ", scored only"
            lines.append(f"- {sign} turn {check.turn + 1}: {check.name} ({check.detail}{scored})")
    return "\n".join(lines) + "\n"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"
