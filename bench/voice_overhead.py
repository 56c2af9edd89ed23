"""voice_overhead: ms from the end-of-turn decision to the first reply audio, minus the compute
of speech recognition, of the LLM up to its first sentence, and of the first sentence's speech.
Goal ≤ 50: what the loop itself adds (threads, queues, hand-offs)."""

from __future__ import annotations

import argparse
import time

import numpy as np

from bench.common import median, say
from bench.voice_common import feed, live_voice, models, phrase, workdir

GOAL_MS = 50.0


def run(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="voice_overhead")
    parser.add_argument("--turns", type=int, default=5)
    args = parser.parse_args(argv)
    folder = workdir()
    stt, tts = models(folder)
    ask = np.concatenate(
        [
            np.zeros(8000, np.float32),
            phrase("Какая сегодня погода", "ru", folder),
            np.zeros(12000, np.float32),
        ]
    )
    overheads, totals = [], []
    for t in range(args.turns):
        voice = live_voice(stt, tts, barge_in=False)
        # a whisper of noise makes each turn's audio new: no turn is answered from the STT cache
        dither = np.random.default_rng(t).standard_normal(len(ask)).astype(np.float32) * 1e-4
        feed(voice, ask + dither)
        deadline = time.perf_counter() + 60
        while voice.speaker.first_block_at is None and time.perf_counter() < deadline:
            time.sleep(0.002)
        s = voice.stamps
        if voice.speaker.first_block_at is None or not s.first_sentence:
            say(f"turn {t + 1}: no audio came")
            voice.close()
            continue
        total = (voice.speaker.first_block_at - s.turn_end) * 1000
        llm = (s.first_sentence - s.submitted) * 1000
        overhead = total - s.stt_ms - llm - s.first_tts_ms
        overheads.append(overhead)
        totals.append(total)
        parts = f"stt {s.stt_ms:.0f} + llm {llm:.0f} + tts {s.first_tts_ms:.0f}"
        say(f"turn {t + 1}: first audio after {total:.0f} ms = {parts} + overhead {overhead:.1f}")
        voice.close()
    value = median(overheads) if overheads else float("inf")
    say(f"median overhead {value:.1f} ms (goal ≤ {GOAL_MS:.0f})")
    return {
        "benchmark": "voice_overhead",
        "overhead_ms": round(value, 1),
        "first_audio_ms": round(median(totals), 1) if totals else None,
        "goal_ms": GOAL_MS,
        "met": value <= GOAL_MS,
        "turns": args.turns,
    }
