"""soak: 500 turns on the demo models in one process; how much the resident memory grew.
Goal: rss_growth < 0.05.

The whole assistant as the app builds it (``domovoy install-demo``, then the wiring the window
uses: router, tools, memory with its embeddings and Chroma, mood, conversation log), in a
throwaway DOMOVOY_HOME. The first turns load models and fill caches and allocator arenas; growth
is measured from the end of that warm-up to the last turn.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from bench.common import say

GOAL = 0.05
LINES = [
    "Меня зовут Аня, я живу в Казани.",
    "What's the weather like for a walk this evening?",
    "Напомни, пожалуйста, что я говорила про свой город?",
    "I'm really tired today, work was exhausting.",
    "Какой сегодня день недели?",
    "My sister Maria has a birthday on the 3rd of May.",
    "Посоветуй книгу на выходные.",
    "Thanks, that was helpful!",
]


def rss_bytes() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


def run(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="soak")
    parser.add_argument("--turns", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args(argv)
    os.environ["DOMOVOY_HOME"] = tempfile.mkdtemp(prefix="domovoy-soak-")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from app.home import Home
    from app.wiring import build_assistant
    from core.events import EventBus, TurnFinished
    from core.paths import Paths
    from models.install import install_demo

    install_demo(Paths.from_env())
    home = Home.open()
    home.config.llm.primary.max_output_tokens = 48  # replies of a few dozen tokens, as in chat
    bus = EventBus()
    assistant, problem = build_assistant(home, bus)
    if problem is not None:
        raise RuntimeError(f"the demo assistant cannot answer: {problem}")
    failures: list[str] = []
    finished = 0
    warm = 0
    started = time.perf_counter()
    for turn in range(args.turns):
        if turn == args.warmup:
            warm = rss_bytes()
            say(f"after {turn} turns of warm-up: {warm / 2**20:.0f} MiB")
        ending = assistant.submit(LINES[turn % len(LINES)]).result(120)  # TurnTimeout: stuck
        if isinstance(ending, TurnFinished):
            finished += 1
        else:
            failures.append(ending.message)
        if (turn + 1) % 100 == 0:
            say(f"{turn + 1} turns: {rss_bytes() / 2**20:.0f} MiB")
    elapsed = time.perf_counter() - started
    end = rss_bytes()
    assistant.shutdown()
    growth = (end - warm) / warm
    say(
        f"{args.turns} turns in {elapsed:.0f} s ({finished} answered, {len(failures)} failed): "
        f"{warm / 2**20:.0f} → {end / 2**20:.0f} MiB, growth {growth:.3f} (goal < {GOAL})"
    )
    return {
        "benchmark": "soak",
        "rss_growth": round(growth, 4),
        "rss_after_warmup_mib": round(warm / 2**20, 1),
        "rss_end_mib": round(end / 2**20, 1),
        "turns": args.turns,
        "failed_turns": len(failures),
        "goal": GOAL,
        "met": growth < GOAL and not failures,
    }
