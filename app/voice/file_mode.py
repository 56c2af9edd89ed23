"""The voice loop, Qt-free: microphone (a file here) → VAD → turn detector → speech recognition →
the assistant → sentences → speech. ``domovoy voice --input FILE`` runs it offline.

Replies are asked for in voice mode (short, spoken, no markdown) and spoken with the prosody of
the current mood. Half-duplex: while the assistant speaks, the turn detector ignores the mic.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.assistant import Assistant
from app.home import Home
from app.memory_and_mood import MemoryAndMood
from audio.fake import WavMic
from audio.frames import (
    AssistantText,
    ErrorFrame,
    Frame,
    ReplyEnded,
    SpeechAudio,
    Transcript,
)
from audio.pipeline import Chain, Processor
from audio.piper import PiperTTS, Speak, Voice
from audio.sentences import SentenceSplitter
from audio.turns import TurnDetector
from audio.vad import SileroVAD
from audio.whisper import Transcribe, WhisperSTT
from core.errors import TurnTimeout
from core.events import EventBus, TurnFailed, TurnFinished


@dataclass(slots=True)
class VoiceTurn:
    start_s: float
    end_s: float
    transcript: str = ""
    reply: str = ""
    audio: list[SpeechAudio] = field(default_factory=list)
    error: str = ""


class Respond(Processor):
    """Transcript → the assistant's reply, as text pieces, then ReplyEnded."""

    def __init__(self, assistant: Assistant, bus: EventBus, timeout_s: float = 600.0) -> None:
        self.assistant = assistant
        self.bus = bus
        self.timeout_s = timeout_s
        self.timings_ms: list[float] = []

    def process(self, frame: Frame) -> Iterable[Frame]:
        if not isinstance(frame, Transcript):
            return (frame,)
        start = time.perf_counter()
        turn = self.assistant.submit(frame.text)
        pieces: list[str] = []
        try:
            pieces += turn.words(timeout=self.timeout_s)
            ending: TurnFinished | TurnFailed = turn.result(timeout=self.timeout_s)
        except TurnTimeout as exc:
            self.assistant.stop()
            ending = TurnFailed(turn_id=turn.id, message=str(exc), partial="".join(pieces))
        self.timings_ms.append((time.perf_counter() - start) * 1000)
        out: list[Frame] = [frame]
        if isinstance(ending, TurnFailed):
            out.append(ErrorFrame(source="assistant", message=ending.message))
        out += [AssistantText(text=p) for p in pieces]
        out.append(ReplyEnded())
        return out


def voice_of(companion: MemoryAndMood | None, rate: float = 1.0) -> Voice:
    """How to speak now: the mood's prosody, at the user's speaking rate (2 = twice as fast)."""
    if companion is None:
        return Voice(length_scale=1.0 / rate)
    p = companion.mood.prosody()
    return Voice(p.length_scale / rate, p.noise_scale, p.volume, p.sentence_pause_s)


def speech_models(home: Home) -> tuple[WhisperSTT, PiperTTS]:
    audio = home.config.audio
    stt = home.registry.plays("stt", audio.stt.model)  # NoModelForRoleError: none installed
    tts = home.registry.plays("tts", audio.tts.model)
    for entry in (stt, tts):
        home.registry.verify(entry)  # rule 4; remembered by size and time, so hashed once
    language = audio.stt.language
    return WhisperSTT(stt.path, scheduler=home.scheduler, language=language), PiperTTS(tts.path)


def run_file(
    home: Home, assistant: Assistant, bus: EventBus, file: Path
) -> tuple[list[VoiceTurn], dict[str, float]]:
    """The whole voice loop over a file; returns each turn and the time spent per stage."""
    stt, tts = speech_models(home)
    companion = assistant.service(MemoryAndMood)
    assistant.set_voice_mode(True)  # short spoken answers, no markdown
    transcribe, respond = Transcribe(stt), Respond(assistant, bus)
    rate = home.config.audio.tts.rate
    speak = Speak(tts, lambda: voice_of(companion, rate))
    chain = Chain([SileroVAD(), TurnDetector(), transcribe, respond, SentenceSplitter(), speak])
    turns: list[VoiceTurn] = []
    for frame in WavMic(file).frames():
        chain.push(frame)
        chain.pump()
        _collect(chain, turns)
    chain.flush()
    _collect(chain, turns)
    timings = {
        "stt_ms": sum(transcribe.timings_ms),
        "assistant_ms": sum(respond.timings_ms),
        "tts_ms": sum(speak.timings_ms),
    }
    return turns, timings


def _collect(chain: Chain, turns: list[VoiceTurn]) -> None:
    for frame in chain.out:
        if isinstance(frame, Transcript):
            turns.append(VoiceTurn(frame.start_s, frame.end_s, transcript=frame.text))
        elif isinstance(frame, SpeechAudio) and turns:
            turns[-1].audio.append(frame)
            turns[-1].reply = " ".join(a.text for a in turns[-1].audio)
        elif isinstance(frame, ErrorFrame) and turns:
            turns[-1].error = frame.message
    chain.out.clear()
