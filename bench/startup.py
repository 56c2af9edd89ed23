"""startup: time from process start to domovoy's main window shown, over the same for a bare
PySide6 window. Goal ≤ 2.0. Both run offscreen in fresh processes, interleaved; the assistant is
built after the window shows, so the ratio is the window's own cost.

As installed, Python runs domovoy from compiled bytecode (pip writes it), so the probes may write
theirs (PYTHONDONTWRITEBYTECODE is lifted for them) and the first, unmeasured run compiles."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import median, say

GOAL = 2.0
BARE = "bare"  # a bare PySide6 window (bench/probes.py: Qt lives in app/ui)
DOMOVOY = "domovoy"


def shown_after(kind: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.probes", kind],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = time.perf_counter() - start
    process.wait(timeout=60)
    if line.strip() != "shown":
        raise RuntimeError("the window did not show")
    return elapsed


def run(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="startup")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parents[1]
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "QT_QPA_PLATFORM": "offscreen",
        "DOMOVOY_HOME": tempfile.mkdtemp(),
        "PYTHONPATH": str(root),
    }
    shown_after(BARE, env), shown_after(DOMOVOY, env)  # warm the file cache, compile
    bare: list[float] = []
    ours: list[float] = []
    for i in range(args.rounds):
        order = [(BARE, bare), (DOMOVOY, ours)] if i % 2 == 0 else [(DOMOVOY, ours), (BARE, bare)]
        for kind, into in order:
            into.append(shown_after(kind, env))
    ratio = median(ours) / median(bare)
    say(
        f"bare window {median(bare) * 1000:.0f} ms, domovoy {median(ours) * 1000:.0f} ms: "
        f"ratio {ratio:.2f} (goal ≤ {GOAL})"
    )
    return {
        "benchmark": "startup",
        "ratio": round(ratio, 3),
        "bare_ms": round(median(bare) * 1000, 1),
        "domovoy_ms": round(median(ours) * 1000, 1),
        "goal": GOAL,
        "met": ratio <= GOAL,
    }
