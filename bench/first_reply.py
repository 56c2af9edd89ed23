"""first_reply: seconds from starting ``domovoy chat --once`` to the first token of its reply,
on the starter kit, cold (a new process each time: imports, the model's load, the prompt).
Goal ≤ 2 s on a 2-core machine.

The home is made once and its very first start (which assembles the starter kit and trains the
intent classifier) is reported apart, as ``first_start_s``; the figure is the median over later
starts, each a new process answering a new question.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import median, say

GOAL_S = 2.0
QUESTIONS = [
    "What is the capital of France?",
    "How many days are in a week?",
    "Сколько часов в сутках?",
    "Name a colour of the rainbow.",
    "What do bees make?",
    "Сколько минут в часе?",
]


def first_token_s(home: Path, question: str) -> tuple[float, float, str]:
    """Process start to the first byte of the reply on stdout, and to the process's end."""
    env = dict(os.environ, DOMOVOY_HOME=str(home), DOMOVOY_STARTER="on")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli.main", "chat", "--once", question],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None
    first = proc.stdout.read(1)
    first_at = time.perf_counter() - start
    rest = proc.stdout.read()
    proc.wait(timeout=300)
    if not first:
        raise SystemExit(f"no reply: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
    return first_at, time.perf_counter() - start, (first + rest).decode(errors="replace").strip()


def run(argv: list[str]) -> dict[str, object]:
    import tempfile

    parser = argparse.ArgumentParser(prog="first_reply")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="domovoy-first-reply-"))
    first_start, _, _ = first_token_s(home, "Hello!")
    say(f"very first start (assembles the starter kit): first token after {first_start:.2f} s")
    figures = []
    for run_number in range(args.runs):
        question = QUESTIONS[run_number % len(QUESTIONS)]
        at, end, reply = first_token_s(home, question)
        figures.append(at)
        say(f"start {run_number + 1}: first token after {at:.2f} s, done after {end:.2f} s: "
            f"{question} → {reply[:60]!r}")  # fmt: skip
    value = median(figures)
    say(f"median {value:.2f} s (goal ≤ {GOAL_S} s)")
    return {
        "benchmark": "first_reply",
        "seconds": round(value, 3),
        "goal": GOAL_S,
        "met": value <= GOAL_S,
        "first_start_s": round(first_start, 3),
        "runs": [round(f, 3) for f in figures],
        "model": "starter",
    }
