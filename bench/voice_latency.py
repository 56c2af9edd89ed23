"""voice_latency: seconds from the end of the user's speech to the first sample of the spoken
reply, on the starter kit (faster-whisper-base, Qwen2.5-Coder-0.5B Q4_K_M, piper joe), through the
live voice loop and the whole assistant (memory, mood, tools). Goal ≤ 1.5 s for a 2–3 s question.

Parts: turn detection (speech end to the end-of-turn decision), speech recognition, the LLM to its
first sentence, the first sentence's speech; and how much of the recognition overlapped the
user's speech: transcription begins when the user pauses (96 ms of silence), while the turn
detector waits out its 400 ms hangover, and the turn takes that transcript when nothing more was
said.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from bench.common import median, say, starter_home
from bench.voice_common import feed, phrase, workdir

GOAL_S = 1.5
QUESTIONS = [
    "What is the capital of France?",
    "How many days are there in a week?",
    "What colour is the sky on a clear day?",
    "What do bees make from flowers?",
    "How many legs does a spider have?",
    "What is the opposite of hot?",
    "Which animal says meow?",
    "What season comes after winter?",
    "How many wheels does a bicycle have?",
]


def run(argv: list[str]) -> dict[str, object]:
    parser = argparse.ArgumentParser(prog="voice_latency")
    parser.add_argument("--turns", type=int, default=9)
    args = parser.parse_args(argv)

    os.environ["DOMOVOY_HOME"] = str(starter_home())
    from app.home import Home
    from app.voice.file_mode import speech_models
    from app.voice.live import LiveVoice
    from app.wiring import build_assistant
    from audio.devices import ClockOutput, Speaker
    from core.events import EventBus, TurnFinished

    home = Home.open()
    bus = EventBus()
    replies: list[TurnFinished] = []
    bus.subscribe(TurnFinished, replies.append)
    assistant, problem = build_assistant(home, bus)
    if problem is not None:
        raise SystemExit(str(problem))
    assistant.start()
    stt, tts = speech_models(home)
    voice = LiveVoice(assistant, bus, stt, tts, Speaker(ClockOutput()))
    folder = workdir()
    # everything loaded, as in a conversation already going: the figure is the turn's
    stt.transcribe(np.zeros(16000, np.float32))
    tts.synthesize("Ready.")
    assistant.slots["primary"].ensure_loaded(bus)

    totals: list[float] = []
    parts: list[dict[str, float]] = []
    for t in range(args.turns):
        question = phrase(QUESTIONS[t % len(QUESTIONS)], "en", folder)
        audio = np.concatenate([np.zeros(8000, np.float32), question, np.zeros(16000, np.float32)])
        # where the speech itself ends (espeak-ng's file has silence after it)
        voiced = np.flatnonzero(np.abs(question) > 0.02)
        speech_end_block = (8000 + int(voiced[-1] if len(voiced) else len(question))) // 512
        voice.speaker.first_block_at = None
        fed = feed(voice, audio)
        speech_end = fed[speech_end_block] + 0.032  # the block that holds the last of the speech
        deadline = time.perf_counter() + 60
        while voice.speaker.first_block_at is None and time.perf_counter() < deadline:
            time.sleep(0.002)
        s = voice.stamps
        if voice.speaker.first_block_at is None or not s.first_sentence:
            say(f"turn {t + 1}: no audio came")
            continue
        total = voice.speaker.first_block_at - speech_end
        detect = s.turn_end - speech_end
        llm = s.first_sentence - s.submitted
        part = {
            "turn_detection_s": detect,
            "stt_s": s.stt_ms / 1000,
            "first_sentence_s": llm,
            "first_tts_s": s.first_tts_ms / 1000,
            "stt_overlap_s": s.stt_overlap_ms / 1000,
        }
        totals.append(total)
        parts.append(part)
        say(f"turn {t + 1}: {total:.2f} s = detect {detect:.2f} + stt {s.stt_ms / 1000:.2f} "
            f"(after {s.stt_overlap_ms / 1000:.2f} s overlapped) + llm {llm:.2f} + "
            f"tts {s.first_tts_ms / 1000:.2f} (+ hand-offs)")  # fmt: skip
        assistant.wait(120)
        if replies:
            r = replies[-1]
            say(f"    first token after {r.timings.first_token_ms:.0f} ms: {r.text[:70]!r}")
        while voice.speaker.playing.is_set():
            time.sleep(0.05)
        assistant.new_conversation()
    voice.close()
    assistant.shutdown()
    value = median(totals) if totals else float("inf")
    say(f"median {value:.2f} s (goal ≤ {GOAL_S} s)")
    return {
        "benchmark": "voice_latency",
        "seconds": round(value, 3),
        "goal": GOAL_S,
        "met": value <= GOAL_S,
        "parts_median_s": {
            k: round(median([p[k] for p in parts]), 3) for k in (parts[0] if parts else {})
        },
        "turns": len(totals),
        "model": "starter",
    }
