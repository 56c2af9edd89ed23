"""The voice chain over an audio file, offline: ``domovoy voice --input FILE``. The same chain as
the live loop (audio/pipeline.py): VAD → turn detector → speech recognition → the Assistant →
sentences → speech, driven by the file, with the speech collected instead of played.

Replies are asked for in voice mode (short, spoken, no markdown) and spoken with the prosody of
the current mood.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.assistant import Assistant
from app.home import Home
from app.memory_and_mood import MemoryAndMood
from audio.fake import WavMic
from audio.frames import ErrorFrame, Frame, SpeechAudio, Transcript
from audio.pipeline import VoiceChain
from audio.piper import PiperTTS, Speak, Voice
from audio.respond import Respond
from audio.sentences import SentenceSplitter
from audio.transcriber import Transcriber
from audio.turns import TurnDetector
from audio.vad import SileroVAD
from audio.whisper import WhisperSTT
from core.events import EventBus


@dataclass(slots=True)
class VoiceTurn:
    start_s: float
    end_s: float
    transcript: str = ""
    reply: str = ""
    audio: list[SpeechAudio] = field(default_factory=list)
    error: str = ""


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
    """The whole voice chain over a file (the live loop's chain, driven by the file and with
    nothing played); returns each turn and the time spent per stage."""
    stt, tts = speech_models(home)
    companion = assistant.service(MemoryAndMood)
    assistant.set_voice_mode(True)  # short spoken answers, no markdown
    rate = home.config.audio.tts.rate
    transcribe, respond = Transcriber(stt), Respond(assistant)
    speak = Speak(tts, lambda: voice_of(companion, rate))
    turns: list[VoiceTurn] = []
    chain = VoiceChain(
        [SileroVAD(), TurnDetector(), transcribe, respond, SentenceSplitter(), speak],
        lambda frame: _collect(frame, turns),
    )
    try:
        for frame in WavMic(file).frames():
            chain.push(frame)
        chain.drain()
    finally:
        chain.close()
    timings = {
        "stt_ms": sum(transcribe.timings_ms),
        "assistant_ms": sum(respond.timings_ms),
        "tts_ms": sum(speak.timings_ms),
    }
    return turns, timings


def _collect(frame: Frame, turns: list[VoiceTurn]) -> None:
    """Called on the last stage's thread, one frame at a time, in order."""
    if isinstance(frame, Transcript):
        turns.append(VoiceTurn(frame.start_s, frame.end_s, transcript=frame.text))
    elif isinstance(frame, SpeechAudio) and turns:
        turns[-1].audio.append(frame)
        turns[-1].reply = " ".join(a.text for a in turns[-1].audio)
    elif isinstance(frame, ErrorFrame) and turns:
        turns[-1].error = frame.message
