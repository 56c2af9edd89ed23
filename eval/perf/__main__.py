"""``python -m eval.perf NAME [--json] [options]``: run one benchmark, print its figures.

Each benchmark prints what it measured as it goes; with ``--json`` the last line is one JSON
object with its keys (a ratio and the raw figures behind it). Benchmarks measure ratios within
one run, because this machine is shared and noisy; they are not tests.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys

BENCHMARKS = {
    "stream_overhead": "eval.perf.stream_overhead",
    "multiturn_ttft": "eval.perf.multiturn_ttft",
    "memory_recall": "eval.perf.memory_recall",
    "embed_cache": "eval.perf.embed_cache",
    "voice_overhead": "eval.perf.voice_overhead",
    "barge_in": "eval.perf.barge_in",
    "startup": "eval.perf.startup",
    "ui_stall": "eval.perf.ui_stall",
    "soak": "eval.perf.soak",
    "long_chat": "eval.perf.long_chat",
    "first_reply": "eval.perf.first_reply",
    "voice_latency": "eval.perf.voice_latency",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.perf")
    parser.add_argument("name", choices=sorted(BENCHMARKS))
    parser.add_argument("--json", action="store_true", help="end with one JSON object")
    args, rest = parser.parse_known_args(argv)
    module = importlib.import_module(BENCHMARKS[args.name])
    result = module.run(rest)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
