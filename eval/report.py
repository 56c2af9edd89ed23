"""Reports of eval runs: a JSON file, a Markdown page, and a PNG plot of each metric with its
drift across the earlier runs in the same folder."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from core.fs import atomic_write_text
from eval.runner import METRICS, RunReport


def write(report: RunReport, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(report.started))
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", report.model)
    base = folder / f"eval-{stamp}-{slug}"
    json_file = base.with_suffix(".json")
    atomic_write_text(json_file, json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    history = _history(folder)
    plots = _plots(history, folder / "plots")
    md_file = base.with_suffix(".md")
    atomic_write_text(md_file, _markdown(report, plots, folder))
    return {"json": json_file, "markdown": md_file, **{f"plot:{k}": v for k, v in plots.items()}}


def _history(folder: Path) -> list[dict[str, Any]]:
    runs = []
    for file in sorted(folder.glob("eval-*.json")):
        try:
            runs.append(json.loads(file.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # a damaged old report is left out of the drift, not fatal
    return sorted(runs, key=lambda r: r.get("started", 0))


def _plots(history: list[dict[str, Any]], folder: Path) -> dict[str, Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for metric in METRICS:
        points = [
            (i, run["totals"].get(metric), run.get("model", "?"))
            for i, run in enumerate(history)
            if run.get("totals", {}).get(metric) is not None
        ]
        if not points:
            continue
        fig, ax = plt.subplots(figsize=(6, 3.2))
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o")
        for x, y, model in points[-3:]:
            ax.annotate(model, (x, y), fontsize=7, textcoords="offset points", xytext=(0, 6))
        ax.set_title(metric.replace("_", " "))
        ax.set_xlabel("run")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        file = folder / f"{metric}.png"
        fig.savefig(file, dpi=90)
        plt.close(fig)
        out[metric] = file
    return out


def _markdown(report: RunReport, plots: dict[str, Path], folder: Path) -> str:
    day = time.strftime("%Y-%m-%d %H:%M", time.localtime(report.started))
    lines = [
        f"# Eval run: {report.model}",
        "",
        f"{day}, {report.seconds:.1f} s",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    for metric in METRICS:
        value = report.totals.get(metric)
        lines.append(f"| {metric} | {'—' if value is None else f'{value:.3f}'} |")
    for result in report.results:
        passed = sum(c.passed for c in result.checks)
        lines += [
            "",
            f"## {result.name}",
            "",
            f"{passed} of {len(result.checks)} checks passed",
            "",
        ]
        for check in result.checks:
            mark = "✓" if check.passed else "✗"
            lines.append(f"- {mark} turn {check.turn + 1}: {check.name} ({check.detail})")
    if plots:
        lines += ["", "## Drift across runs", ""]
        lines += [f"![{m}]({p.relative_to(folder)})" for m, p in plots.items()]
    return "\n".join(lines) + "\n"
