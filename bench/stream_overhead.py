"""stream_overhead: domovoy's streamed tokens/s over raw llama-cpp-python's. Goal ≥ 0.98.

The same GGUF, prompt and sampling parameters through both paths, runs interleaved: raw is
``Llama.create_completion(stream=True)`` in this process; domovoy is the whole turn path (Assistant
→ router → the model's runner process → TokenStreamed events on the bus). Tokens/s counts from the
first token to the last, so prompt processing is left out of both.

Both run off the calling thread, each run on a fresh thread, as a GUI app must run them. This
matters: llama.cpp's CPU backend uses OpenMP, which keeps one spinning thread team per calling
thread, and a team left spinning by the main thread slows another thread's generation by a third
on a two-core machine.
"""

from __future__ import annotations

import argparse
import threading
import time
from typing import Any, cast

from app.assistant import Assistant
from bench.common import median, model_file, say
from core.events import EventBus, TokenStreamed
from llm.base import GenerationParams
from llm.prompt import build_messages
from llm.roles import ModelSlot
from llm.supervised import SupervisedLLM

GOAL = 0.98


def run(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="stream_overhead")
    parser.add_argument("--tokens", type=int, default=256)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument(
        "--model", default="noise", help="noise (tiny bench GGUF), starter (Qwen Q4_K_M) or a path"
    )
    args = parser.parse_args(argv)

    from llama_cpp import Llama

    path = model_file(args.model)
    params = GenerationParams(max_tokens=args.tokens, temperature=0.8, top_p=0.95, seed=7)
    llm = SupervisedLLM(model_id="bench", path=path, n_ctx=2048, seed=7)
    bus = EventBus()
    assistant = Assistant(
        bus=bus,
        slots={"primary": ModelSlot(role="primary", model_id="bench", llm=llm, params=params)},
    )
    llm.load()
    raw = Llama(str(path), n_ctx=2048, n_threads=llm.n_threads, seed=7, verbose=False)
    text = "Расскажи мне длинную историю про домового."
    prompt = llm.render(build_messages([], text), params)

    def raw_tps() -> tuple[float, int]:
        result: list[tuple[float, int]] = []
        worker = threading.Thread(target=lambda: result.append(raw_run()))
        worker.start()
        worker.join()
        return result[0]

    def raw_run() -> tuple[float, int]:
        stamps = []
        for chunk in raw.create_completion(
            prompt,
            max_tokens=params.max_tokens,
            temperature=params.temperature,
            top_p=params.top_p,
            top_k=params.top_k,
            min_p=params.min_p,
            repeat_penalty=params.repeat_penalty,
            seed=params.seed,
            stream=True,
        ):
            if cast(Any, chunk)["choices"][0]["text"]:
                stamps.append(time.perf_counter())
        return (len(stamps) - 1) / (stamps[-1] - stamps[0]), len(stamps)

    def domovoy_tps() -> tuple[float, int]:
        stamps: list[float] = []
        # stamped on the generating thread, as raw is: a reader thread would add a hand-off
        off = bus.subscribe(TokenStreamed, lambda e: stamps.append(time.perf_counter()))
        assistant.reset()  # the same prompt every round, as for raw
        assistant.submit(text).result(300)
        off()
        return (len(stamps) - 1) / (stamps[-1] - stamps[0]), len(stamps)

    raw_tps()  # warm both paths up once
    domovoy_tps()
    ratios, raws, ours = [], [], []
    for i in range(args.rounds):
        order = (raw_tps, domovoy_tps) if i % 2 == 0 else (domovoy_tps, raw_tps)
        results = {f: f() for f in order}
        (r, rn), (d, dn) = results[raw_tps], results[domovoy_tps]
        raws.append(r)
        ours.append(d)
        ratios.append(d / r)
        say(
            f"round {i + 1}: raw {r:.1f} tok/s ({rn} tokens), "
            f"domovoy {d:.1f} tok/s ({dn} tokens), ratio {d / r:.3f}"
        )
    raw.close()
    assistant.shutdown()
    ratio = median(ratios)
    say(f"median ratio {ratio:.3f} (goal ≥ {GOAL})")
    return {
        "benchmark": "stream_overhead",
        "model": args.model if args.model in ("noise", "starter") else str(path),
        "ratio": round(ratio, 4),
        "goal": GOAL,
        "met": ratio >= GOAL,
        "raw_tokens_per_s": round(median(raws), 1),
        "domovoy_tokens_per_s": round(median(ours), 1),
        "rounds": args.rounds,
        "tokens": args.tokens,
    }
