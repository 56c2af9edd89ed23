"""cancel_latency: Stop pressed mid-reply to the runner having stopped generating. Goal ≤ 100 ms.

The whole turn path (Assistant → router → the model's runner process): each round asks for a
long reply, presses Stop after a few tokens (a different number each round) and times, from the
press, the last token the window received and the turn's end, which comes only once the runner
has said it stopped (its "end" for that reply): the figure the goal is on, so a runner that went
on generating after Stop would show here. The median and the worst round are reported.
"""

from __future__ import annotations

import argparse
import threading
import time

from bench.common import median, model_file, say
from core.events import EventBus, TokenStreamed, TurnFinished
from llm.base import GenerationParams
from llm.roles import ModelSlot
from llm.supervised import SupervisedLLM

GOAL_MS = 100.0


def run(argv: list[str]) -> dict[str, object]:
    from app.assistant import Assistant

    parser = argparse.ArgumentParser(prog="cancel_latency")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--model", default="noise", help="noise (tiny bench GGUF), starter (Qwen Q4_K_M) or a path"
    )
    args = parser.parse_args(argv)

    path = model_file(args.model)
    llm = SupervisedLLM(model_id="bench", path=path, n_ctx=4096, seed=7)
    params = GenerationParams(max_tokens=1000, temperature=0.8, seed=7)
    bus = EventBus()
    slot = ModelSlot(role="primary", model_id="bench", llm=llm, params=params)
    assistant = Assistant(bus=bus, slots={"primary": slot})
    llm.load()
    to_last: list[float] = []
    to_end: list[float] = []
    for i in range(args.rounds):
        stop_after = 8 + 5 * i  # tokens before Stop: a different moment of the reply each round
        stamps: list[float] = []
        pressed: list[float] = []

        def token(
            e: TokenStreamed,
            stamps: list[float] = stamps,
            pressed: list[float] = pressed,
            stop_after: int = stop_after,
        ) -> None:
            stamps.append(time.perf_counter())
            if len(stamps) == stop_after and not pressed:
                pressed.append(time.perf_counter())
                threading.Thread(target=assistant.stop).start()  # as the Stop button does

        off = bus.subscribe(TokenStreamed, token)
        assistant.reset()
        ending = assistant.submit("Расскажи мне длинную историю про домового.").result(300)
        ended = time.perf_counter()
        off()
        if not pressed or not isinstance(ending, TurnFinished) or not ending.cancelled:
            say(f"round {i + 1}: the reply ended before Stop ({len(stamps)} tokens); skipped")
            continue
        last = max(0.0, (stamps[-1] - pressed[0]) * 1000)  # 0: nothing came after Stop
        end = (ended - pressed[0]) * 1000
        to_last.append(last)
        to_end.append(end)
        say(
            f"round {i + 1}: Stop after {stop_after} tokens; last token +{last:.1f} ms, "
            f"runner stopped +{end:.1f} ms ({len(stamps) - stop_after} tokens after Stop)"
        )
    assistant.shutdown()
    if not to_end:
        raise SystemExit("no round reached Stop: the model ends its replies too soon")
    worst = max(to_end)
    say(f"median {median(to_end):.1f} ms, worst {worst:.1f} ms (goal ≤ {GOAL_MS:.0f})")
    return {
        "benchmark": "cancel_latency",
        "model": args.model if args.model in ("noise", "starter") else str(path),
        "median_ms": round(median(to_end), 1),
        "worst_ms": round(worst, 1),
        "last_token_median_ms": round(median(to_last), 1),
        "rounds": len(to_end),
        "goal": GOAL_MS,
        "met": worst <= GOAL_MS,
    }
