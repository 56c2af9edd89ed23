"""Hands-free voice, live: the mic's blocks go through the VAD and the turn detector on the
feeding thread; a finished turn is transcribed and answered on a worker; the reply is split into
sentences as it streams and each sentence is synthesized on the speech thread and played while the
model writes the rest.

Half-duplex by default: while domovoy speaks, the mic is ignored. With barge-in on (headsets,
echo-cancelled rooms), speech onset while it speaks stops playback within one block, drops what
is queued, cancels the reply, and the history keeps only what was heard, with a note that the
user interrupted.
"""

from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from app.assistant import Assistant
from audio.devices import Speaker
from audio.frames import (
    AssistantSentence,
    AssistantText,
    AudioIn,
    Frame,
    Interruption,
    ReplyEnded,
    SpeechAudio,
    UserPaused,
    UserStartedSpeaking,
    Utterance,
)
from audio.pipeline import Chain
from audio.piper import PiperTTS, Voice, unspoken_message
from audio.sentences import SentenceSplitter
from audio.turns import TurnDetector, TurnSettings
from audio.vad import SileroVAD
from audio.whisper import WhisperSTT
from core.errors import AudioDeviceError
from core.events import (
    EventBus,
    TokenStreamed,
    TurnFailed,
    TurnFinished,
    VoiceProblem,
    VoiceStateChanged,
)

INTERRUPTED = "[the user interrupted here]"


@dataclass(slots=True)
class Stamps:
    """When things happened in the latest turn (time.perf_counter), for the benchmarks."""

    turn_end: float = 0.0  # the end-of-turn decision
    stt_ms: float = 0.0
    submitted: float = 0.0
    first_sentence: float = 0.0
    first_tts_ms: float = 0.0
    stt_early: bool = False  # the transcript was begun at the pause, before the turn ended
    stt_overlap_ms: float = 0.0  # how much of it ran before the turn ended
    onsets: list[float] = field(default_factory=list)


def whole_sentence(text: str) -> bool:
    """Ends as a sentence does: "?", "!" or one full stop (an ellipsis trails off)."""
    text = text.rstrip()
    return text.endswith(("?", "!")) or (text.endswith(".") and not text.endswith(".."))


class EarlyTranscript:
    """Transcription that begins when the user pauses, on one worker thread (all STT from one
    thread), while the turn detector waits out its hangover: if nothing more is said, the turn
    takes that transcript; if the user goes on, a later pause begins another."""

    def __init__(self, stt: WhisperSTT) -> None:
        self.stt = stt
        self._jobs: queue.Queue[UserPaused | None] = queue.Queue()
        self._done: dict[int, tuple[str, str]] = {}
        self.spans: dict[int, tuple[float, float]] = {}  # each pause's transcription: began, ended
        self._changed = threading.Condition()
        self._pending = 0  # the pause being transcribed or waiting
        self._thread = threading.Thread(target=self._work, name="domovoy-stt", daemon=True)
        self._thread.start()

    def start(self, pause: UserPaused) -> None:
        with self._changed:
            self._done.clear()
            self._pending = pause.pause
        self._jobs.put(pause)

    def ready(self, pause: int) -> tuple[str, str] | None:
        """The transcript begun at ``pause`` (of the turn going on) if it is done, not waiting."""
        with self._changed:
            return self._done.get(pause) if pause == self._pending else None

    def result(self, pause: int, timeout: float = 30.0) -> tuple[str, str] | None:
        """The transcript begun at ``pause`` (waiting for it to end), None if none was."""
        if not pause:
            return None
        with self._changed:
            if self._pending != pause and pause not in self._done:
                return None
            self._changed.wait_for(lambda: pause in self._done or self._pending != pause, timeout)
            found = self._done.get(pause) if pause == self._pending else None
            self._done.clear()  # taken: the next turn numbers its pauses from 1 again
            self._pending = 0
            return found

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=30)

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            with self._changed:
                if job.pause != self._pending:
                    continue  # a newer pause came meanwhile
            began = time.perf_counter()
            try:
                text = self.stt.transcribe(job.samples)
            except Exception:  # the turn transcribes on its own then, and says what fails
                text = None
            with self._changed:
                self.spans = {job.pause: (began, time.perf_counter())}
                if text is not None and job.pause == self._pending:
                    self._done[job.pause] = text
                elif job.pause == self._pending:
                    self._pending = 0
                self._changed.notify_all()


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
        self.barge_in = barge_in
        self.push_to_talk = push_to_talk  # a key held while speaking, instead of the VAD
        self._held: list[AudioIn] | None = None  # blocks recorded while the key is held
        self.voice = voice or Voice()
        self.detector = TurnDetector(turns)
        self.chain = Chain([SileroVAD(), self.detector])
        self.splitter = SentenceSplitter()
        self.stamps = Stamps()
        self._early = EarlyTranscript(stt)
        self._reply = 0  # which reply the speech thread is voicing; older sentences are stale
        self._sentences: queue.Queue[tuple[int, AssistantSentence] | None] = queue.Queue()
        self._interrupted = threading.Event()
        self._threads = [threading.Thread(target=self._speak_loop, name="domovoy-tts", daemon=True)]
        self._off = [
            bus.subscribe(TokenStreamed, self._token),
            bus.subscribe(TurnFinished, self._finished),
            bus.subscribe(TurnFailed, lambda e: self._state("listening")),
        ]
        for thread in self._threads:
            thread.start()
        speaker.on_error = self._device_lost
        self.problem = ""  # why voice mode went off, if it did
        self._told_unspoken = False  # said once that the voice cannot read this language
        assistant.set_voice_mode(True)
        # the spoken system prompt read ahead, in the background, so the first turn need not
        threading.Thread(target=assistant.prefill, name="domovoy-prefill", daemon=True).start()

    def close(self) -> None:
        """Stop listening and speaking, and wait for the voice's threads to end: none is left
        inside the speech libraries when the process exits (that aborts it)."""
        for off in self._off:
            off()
        self._reply += 1  # what is queued is not spoken now
        self.assistant.stop()
        while not self._sentences.empty():
            self._sentences.get_nowait()
        self._sentences.put(None)
        self._early.close()
        self.speaker.close()
        for thread in self._threads:
            thread.join(timeout=30)

    # --- the mic -------------------------------------------------------------------------------

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
        self.stamps.turn_end = time.perf_counter()
        utterance = Utterance(samples=samples, start_s=held[0].t, end_s=held[-1].t + 0.032)
        threading.Thread(target=self._answer, args=(utterance,), daemon=True).start()

    def feed(self, frame: AudioIn) -> None:
        if self.push_to_talk:
            if self._held is not None:
                self._held.append(frame)
            return
        speaking = self.speaker.playing.is_set()
        self.detector.muted = speaking and not self.barge_in
        self.chain.push(frame)
        self.chain.pump()
        self._handle(list(self.chain.out), speaking)
        self.chain.out.clear()
        self._handle(self._end_a_whole_question(), speaking)

    def _handle(self, frames: list[Frame], speaking: bool) -> None:
        for out in frames:
            if isinstance(out, UserStartedSpeaking):
                self.stamps.onsets.append(time.perf_counter())
                if speaking and self.barge_in:
                    self.interrupt(Interruption(t=out.t))
            elif isinstance(out, UserPaused):
                self._early.start(out)
            elif isinstance(out, Utterance):
                self.stamps.turn_end = time.perf_counter()
                threading.Thread(target=self._answer, args=(out,), daemon=True).start()

    def _end_a_whole_question(self) -> list[Frame]:
        """A pause whose transcript is a whole sentence ("…?", "….") ends the turn then, not
        after the full hangover: the user has said what they meant."""
        pause = self.detector.pause
        early = self._early.ready(pause) if pause else None
        if early is not None and whole_sentence(early[0]):
            return self.detector.finish()
        return []

    def interrupt(self, frame: Interruption) -> None:
        self._interrupted.set()
        self._reply += 1  # sentences of the old reply are stale now
        self.speaker.stop()
        self.assistant.stop()
        self.splitter.process(frame)
        while not self._sentences.empty():
            self._sentences.get_nowait()
        self._state("listening")
        threading.Thread(target=self._after_interruption, daemon=True).start()

    def _after_interruption(self) -> None:
        """Once the reply stopped and the speaker fell silent, the history keeps what was heard."""
        self.assistant.wait(timeout=30)
        deadline = time.perf_counter() + 2.0
        while self.speaker.playing.is_set() and time.perf_counter() < deadline:
            time.sleep(0.005)
        self._keep_only_what_was_heard()

    # --- a turn --------------------------------------------------------------------------------

    def _answer(self, utterance: Utterance) -> None:
        self._state("thinking")
        start = time.perf_counter()
        early = self._early.result(utterance.final_pause)  # begun while the user fell silent
        text, _ = early if early is not None else self.stt.transcribe(utterance.samples)
        self.stamps.stt_ms = (time.perf_counter() - start) * 1000
        self.stamps.stt_early = early is not None
        began, ended = self._early.spans.get(utterance.final_pause, (0.0, 0.0))
        self.stamps.stt_overlap_ms = max(0.0, min(ended, self.stamps.turn_end) - began) * 1000
        if not text:
            self._state("listening")
            return
        self.assistant.wait(timeout=30)  # an interrupted reply finishes cancelling first
        self._interrupted.clear()
        self._reply += 1
        self.stamps.first_sentence = 0.0
        self.stamps.submitted = time.perf_counter()
        self.assistant.submit(text)

    def _token(self, e: TokenStreamed) -> None:
        if self._interrupted.is_set():
            return
        for out in self.splitter.process(AssistantText(text=e.text)):
            if isinstance(out, AssistantSentence):
                self._queue_sentence(out)

    def _finished(self, e: TurnFinished) -> None:
        for out in self.splitter.process(ReplyEnded()):
            if isinstance(out, AssistantSentence) and not self._interrupted.is_set():
                self._queue_sentence(out)

    def _queue_sentence(self, sentence: AssistantSentence) -> None:
        if not self.stamps.first_sentence:
            self.stamps.first_sentence = time.perf_counter()
        self._sentences.put((self._reply, sentence))

    def _speak_loop(self) -> None:
        while (item := self._sentences.get()) is not None:
            reply, sentence = item
            if reply != self._reply:
                continue  # stale: the user interrupted that reply
            start = time.perf_counter()
            try:
                if not self.tts.can_speak(sentence.text):  # Russian for an English voice: shown
                    if not self._told_unspoken:
                        self._told_unspoken = True
                        self.bus.publish(VoiceProblem(message=unspoken_message(self.tts)))
                    continue
                samples = self.tts.synthesize(sentence.text, self.voice)
            except Exception as exc:  # this reply is not spoken further; its text is in the chat
                self._reply += 1
                message = f"speech synthesis failed ({exc}); the rest of this reply is in the chat"
                self.bus.publish(VoiceProblem(message=message))
                continue
            if sentence.index == 0:
                self.stamps.first_tts_ms = (time.perf_counter() - start) * 1000
            if reply == self._reply:
                self._state("speaking")
                rate = self.tts.sample_rate
                audio = SpeechAudio(
                    samples=samples, sample_rate=rate, text=sentence.text, index=sentence.index
                )
                self.speaker.say(audio)

    def _keep_only_what_was_heard(self) -> None:
        heard = self.speaker.heard_text()
        self.assistant.amend_last_reply(f"{heard} {INTERRUPTED}".strip())

    def _device_lost(self, error: AudioDeviceError) -> None:
        """A device vanished mid-turn: voice mode says so and turns off; typed chat goes on."""
        self.problem = str(error)
        self._reply += 1
        self.bus.publish(VoiceProblem(message=f"{error}; voice is off, typed chat goes on"))
        self._state("off")

    def _state(self, state: str) -> None:
        self.bus.publish(VoiceStateChanged(state=state))
