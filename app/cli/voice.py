"""``domovoy voice --input FILE``: the voice loop over an audio file, offline."""

from __future__ import annotations

import argparse
import json

from core.events import EventBus


def run(args: argparse.Namespace) -> int:
    import numpy as np
    import soundfile

    from app.home import Home
    from app.voice.file_mode import run_file
    from app.wiring import build_assistant

    home = Home.open(starter=True)
    bus = EventBus()
    assistant, problem = build_assistant(home, bus)
    if problem is not None and not assistant.ready_to_chat:
        raise problem
    assistant.start()
    try:
        turns, timings = run_file(home, assistant, bus, args.input)
    finally:
        assistant.shutdown()
    args.output_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for number, turn in enumerate(turns, start=1):
        wav = ""
        if turn.audio:
            path = args.output_dir / f"turn-{number:02d}.wav"
            samples = np.concatenate([a.samples for a in turn.audio])
            soundfile.write(str(path), samples, turn.audio[0].sample_rate)
            wav = str(path)
        print(f"{turn.start_s:7.2f}–{turn.end_s:7.2f} s  you: {turn.transcript}")
        print(f"{'':17}domovoy: {turn.reply or turn.error}")
        rows.append(
            {"start_s": round(turn.start_s, 3), "end_s": round(turn.end_s, 3),
             "transcript": turn.transcript, "reply": turn.reply, "audio": wav}
        )  # fmt: skip
    if args.json:
        print(
            json.dumps(
                {"turns": rows, "timings": {k: round(v, 1) for k, v in timings.items()}},
                ensure_ascii=False,
            )
        )
    return 0
