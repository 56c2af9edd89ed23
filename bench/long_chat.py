"""long_chat: a kept conversation of thousands of messages, opened in the real window and
scrolled from the newest message to the first, a page at a time. Keys: ``max_stall_ms``, the
longest gap between ticks of a 10 ms GUI timer all the while (goal ≤ 50, as ui_stall), and
``open_ms``, from "open" to the newest message on screen.

The conversation is written into a fresh SQLite log first: questions and Markdown replies (bold,
inline code, a list, a code block every tenth), as a long real chat has.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench.common import say, stall_figures

GOAL_MS = 50.0


def reply(i: int) -> str:
    text = f"Ответ {i}: **главное** — `пример_{i}` и пояснение в несколько слов.\n\n- один\n- два"
    if i % 10 == 0:
        text += f"\n\n```python\nprint({i})\n```"
    return text


def run(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="long_chat")
    parser.add_argument("--exchanges", type=int, default=5000)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from bench.probes import long_chat
    from memory.conversations import Conversations, ReplyFacts

    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "chats.sqlite3"
        store = Conversations(file)
        kept = store.new("long")
        for i in range(args.exchanges):
            store.add(kept.id, "user", f"Вопрос номер {i}: как это работает?")
            facts = ReplyFacts(model="bench", tokens=40, tokens_per_s=20.0)
            store.add(kept.id, "assistant", reply(i), model="bench", facts=facts)
        latest = store.new("short")  # the window reopens this one at start; then the user opens
        store.add(latest.id, "user", "привет")  # the long one from the list
        store.add(latest.id, "assistant", "привет!")
        store.close()
        result = long_chat(str(file), kept.id)
    gaps = result.gaps_ms
    worst, p99 = stall_figures(gaps)
    say(
        f"{args.exchanges} exchanges ({2 * args.exchanges} messages): newest on screen after "
        f"{result.open_ms:.0f} ms, every row measured after {result.laid_out_ms:.0f} ms, "
        f"{result.pages} pages scrolled; longest stall {worst:.1f} ms, p99 {p99:.1f} ms "
        f"(goal ≤ {GOAL_MS:.0f})"
    )
    return {
        "benchmark": "long_chat",
        "max_stall_ms": round(worst, 1),
        "p99_stall_ms": round(p99, 1),
        "open_ms": round(result.open_ms),
        "laid_out_ms": round(result.laid_out_ms),
        "pages": result.pages,
        "ticks": len(gaps),
        "goal": GOAL_MS,
        "met": worst <= GOAL_MS,
    }
