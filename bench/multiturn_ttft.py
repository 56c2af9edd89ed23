"""multiturn_ttft: time to first token at turn 16 over turn 1 of one conversation. Goal ≤ 1.25.

The whole turn path on one model, in its runner process. A prompt rebuilt from scratch every turn
costs time that grows with the conversation; domovoy keeps the prefix (system prompt and history)
stable so llama.cpp reuses its KV cache and reads only what is new.
"""

from __future__ import annotations

import argparse

from app.assistant import Assistant
from bench.common import median, model_file, say
from core.events import EventBus, TurnFinished
from llm.base import GenerationParams
from llm.roles import ModelSlot
from llm.supervised import SupervisedLLM

GOAL = 1.25
QUESTIONS = [
    "Расскажи, как прошёл твой день и что нового ты узнал сегодня?",
    "What would you suggest I cook for dinner tonight with rice and vegetables?",
    "Напомни мне, пожалуйста, о чём мы говорили в самом начале разговора.",
    "Can you explain in simple words how a refrigerator keeps food cold?",
]


def run(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="multiturn_ttft")
    parser.add_argument("--turns", type=int, default=16)
    parser.add_argument("--reply-tokens", type=int, default=48)
    parser.add_argument("--conversations", type=int, default=3)
    parser.add_argument(
        "--model", default="noise", help="noise (tiny bench GGUF), starter (Qwen Q4_K_M) or a path"
    )
    args = parser.parse_args(argv)

    path = model_file(args.model)
    params = GenerationParams(max_tokens=args.reply_tokens, seed=3)
    ratios: list[float] = []
    firsts: list[float] = []
    lasts: list[float] = []
    for c in range(args.conversations):
        llm = SupervisedLLM(model_id="bench", path=path, n_ctx=4096, seed=3)
        llm.load()
        bus = EventBus()
        slot = ModelSlot(role="primary", model_id="bench", llm=llm, params=params)
        assistant = Assistant(bus=bus, slots={"primary": slot})
        ttft: list[float] = []
        for turn in range(args.turns):
            ending = assistant.submit(f"{QUESTIONS[turn % len(QUESTIONS)]} ({turn + 1})").result(
                300
            )
            if not isinstance(ending, TurnFinished):
                raise RuntimeError(f"turn {turn + 1} failed: {ending.message}")
            ttft.append(ending.timings.first_token_ms)
        assistant.shutdown()
        ratio = ttft[-1] / ttft[0]
        ratios.append(ratio)
        firsts.append(ttft[0])
        lasts.append(ttft[-1])
        say(
            f"conversation {c + 1}: turn 1 {ttft[0]:.1f} ms, turn {args.turns} {ttft[-1]:.1f} ms, "
            f"ratio {ratio:.3f}; all: {', '.join(f'{t:.0f}' for t in ttft)}"
        )
    ratio = median(ratios)
    say(f"median ratio {ratio:.3f} (goal ≤ {GOAL})")
    return {
        "benchmark": "multiturn_ttft",
        "model": args.model if args.model in ("noise", "starter") else str(path),
        "ratio": round(ratio, 4),
        "goal": GOAL,
        "met": ratio <= GOAL,
        "turn1_ms": round(median(firsts), 1),
        f"turn{args.turns}_ms": round(median(lasts), 1),
        "turns": args.turns,
        "conversations": args.conversations,
    }
