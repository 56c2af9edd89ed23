"""Hands-free voice, live: the microphone's driver of the one voice chain (audio/pipeline.py).

    mic → loudness watch → VAD → turn detector → barge-in → transcription (begun at each pause)
        → the Assistant → sentences → speech → playback

Half-duplex by default: while domovoy speaks, the turn detector ignores the mic. With barge-in
on (headsets, echo-cancelled rooms), a sound while it speaks holds playback at once and speech
onset interrupts: playback stops, what is queued is dropped, the reply is cancelled, and the
history keeps only what was heard, with a note that the user interrupted. Push-to-talk: what is
said while the key is held is the turn.

Every failure in the chain (recognition, the reply, synthesis) is a VoiceProblem the window shows,
and the voice bar goes back to listening; a device that vanishes turns voice off.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from app.assistant import Assistant
from audio.barge_in import BargeIn, BargeInPolicy, LoudnessWatch
from audio.devices import Speaker
from audio.frames import AudioIn, ErrorFrame, Frame, Interruption, Utterance
from audio.pipeline import VoiceChain
from audio.piper import PiperTTS, Speak, Voice
from audio.playback import Playback
from audio.respond import Respond
from audio.sentences import SentenceSplitter
from audio.transcriber import Transcriber
from audio.turns import TurnDetector, TurnSettings
from audio.vad import SileroVAD
from audio.voice_state import Stamps, State
from audio.whisper import WhisperSTT
from core.errors import AudioDeviceError
from core.events import EventBus, VoiceProblem, VoiceStateChanged

INTERRUPTED = "[the user interrupted here]"


class LiveVoice:
    def __init__(
        self,
        assistant: Assistant,
        bus: EventBus,
        stt: WhisperSTT,
        tts: PiperTTS,
        speaker: Speaker,
        *,
        barge_in: bool = False,
        push_to_talk: bool = False,
        turns: TurnSettings | None = None,
        voice: Voice | None = None,
    ) -> None:
        self.assistant = assistant
        self.bus = bus
        self.stt = stt
        self.tts = tts
        self.speaker = speaker
        self.push_to_talk = push_to_talk  # a key held while speaking, instead of the VAD
        self._held: list[AudioIn] | None = None  # blocks recorded while the key is held
        self.voice = voice or Voice()
        self.stamps = Stamps()
        self.problem = ""  # why voice mode went off, if it did
        self._policy = BargeInPolicy(speaker, enabled=barge_in)
        self.detector = TurnDetector(turns, muted=self._muted)
        transcriber = Transcriber(
            stt, stamps=self.stamps, state=self._state, finish_turn=self._finish_turn
        )
        self.chain = VoiceChain(
            [
                LoudnessWatch(self._policy),
                SileroVAD(),
                self.detector,
                BargeIn(self._policy, self.stamps),
                transcriber,
                Respond(assistant, stamps=self.stamps),
                SentenceSplitter(),
                Speak(tts, lambda: self.voice, stamps=self.stamps),
                Playback(speaker, state=self._state, lost=self._device_lost),
            ],
            self._came_out,
        )
        self._at_detector = self.chain.index(TurnDetector)
        self._at_transcriber = self.chain.index(Transcriber)
        assistant.set_voice_mode(True)
        # the spoken system prompt read ahead, in the background, so the first turn need not
        threading.Thread(target=assistant.prefill, name="domovoy-prefill", daemon=True).start()

    @property
    def barge_in(self) -> bool:
        return self._policy.enabled

    @barge_in.setter
    def barge_in(self, on: bool) -> None:
        self._policy.enabled = on

    def close(self) -> None:
        """Stop listening and speaking, and wait for the chain's threads to end: none is left
        inside the speech libraries when the process exits (that aborts it)."""
        self.assistant.stop()
        self.speaker.close()
        self.chain.close()

    # --- the mic -------------------------------------------------------------------------------

    def feed(self, frame: AudioIn) -> None:
        if self.push_to_talk:
            if self._held is not None:
                self._held.append(frame)
            return
        self.chain.push(frame)

    def press(self) -> None:
        """Push-to-talk: the key went down. Talking over domovoy is an interruption."""
        if self.speaker.playing.is_set():
            self.interrupt(Interruption(reason="push-to-talk"))
        self._held = []
        self._state("listening")

    def release(self) -> None:
        """Push-to-talk: the key came up; what was said while it was held is the turn."""
        held, self._held = self._held, None
        if not held:
            return
        samples = np.concatenate([b.samples for b in held]).astype(np.float32)
        self.answer(Utterance(samples=samples, start_s=held[0].t, end_s=held[-1].t + 0.032))

    def answer(self, utterance: Utterance) -> None:
        """Take ``utterance`` as the user's turn, as if the turn detector had ended it."""
        self.stamps.turn_end = time.perf_counter()
        self.chain.push(utterance, at=self._at_transcriber)

    def interrupt(self, frame: Interruption) -> None:
        self.chain.push(frame, at=self._at_transcriber)

    def _muted(self) -> bool:
        return self.speaker.playing.is_set() and not self._policy.enabled

    def _finish_turn(self, frame: Frame) -> None:
        self.chain.push(frame, at=self._at_detector)

    # --- what comes out ------------------------------------------------------------------------

    def _came_out(self, frame: Frame) -> None:
        if isinstance(frame, ErrorFrame):
            self.bus.publish(VoiceProblem(message=frame.message))
            if not self.problem:
                self._state("listening")
        elif isinstance(frame, Interruption):
            threading.Thread(target=self._after_interruption, daemon=True).start()

    def _after_interruption(self) -> None:
        """Once the reply stopped and the speaker fell silent, the history keeps what was heard."""
        self.assistant.wait(timeout=30)
        deadline = time.perf_counter() + 2.0
        while self.speaker.playing.is_set() and time.perf_counter() < deadline:
            time.sleep(0.005)
        heard = self.speaker.heard_text()
        self.assistant.amend_last_reply(f"{heard} {INTERRUPTED}".strip())

    def _device_lost(self, error: AudioDeviceError) -> None:
        """A device vanished mid-turn: voice mode says so and turns off; typed chat goes on."""
        self.problem = str(error)
        self.bus.publish(VoiceProblem(message=f"{error}; voice is off, typed chat goes on"))
        self._state("off")

    def _state(self, state: State) -> None:
        if self.problem and state != "off":
            return  # voice is off: nothing more is heard or said
        self.bus.publish(VoiceStateChanged(state=state))
