"""``python -m bench NAME [--json] [options]``: run one benchmark, print its figures.

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
    "stream_overhead": "bench.stream_overhead",
    "multiturn_ttft": "bench.multiturn_ttft",
    "memory_recall": "bench.memory_recall",
    "embed_cache": "bench.embed_cache",
    "voice_overhead": "bench.voice_overhead",
    "barge_in": "bench.barge_in",
    "startup": "bench.startup",
    "ui_stall": "bench.ui_stall",
    "soak": "bench.soak",
    "long_chat": "bench.long_chat",
    "first_reply": "bench.first_reply",
    "cancel_latency": "bench.cancel_latency",
    "voice_latency": "bench.voice_latency",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
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
