"""The end of the voice chain: synthesized speech is played, and the voice bar follows (speaking
while it sounds, listening once it is done or cut short)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from audio.devices import Speaker
from audio.frames import Frame, Interruption, ReplyEnded, SpeechAudio
from audio.pipeline import Processor
from audio.voice_state import Report, nowhere
from core.errors import AudioDeviceError


class Playback(Processor):
    """SpeechAudio is played by ``speaker`` (None: collected only, as the file mode does);
    every frame passes on to the chain's listener."""

    def __init__(
        self,
        speaker: Speaker | None,
        *,
        state: Report = nowhere,
        lost: Callable[[AudioDeviceError], None] = lambda error: None,
    ) -> None:
        self.speaker = speaker
        self.state = state
        self.lost = lost  # the speaker vanished: nothing more is played
        self.gone = False
        self._replying = False  # a reply's speech is queued or sounding
        if speaker is not None:
            speaker.on_idle = self._played
            speaker.on_error = self._gone

    def _gone(self, error: AudioDeviceError) -> None:
        self.gone = True
        self.lost(error)

    def interrupt(self) -> None:
        if self.speaker is not None:
            self.speaker.stop()

    def process(self, frame: Frame) -> Iterable[Frame]:
        if isinstance(frame, SpeechAudio) and self.speaker is not None and not self.gone:
            self._replying = True
            self.state("speaking")
            self.speaker.say(frame)
        elif isinstance(frame, ReplyEnded):
            self._replying = False
            if self.speaker is None or not self.speaker.playing.is_set():
                self.state("listening")
        elif isinstance(frame, Interruption):
            self._replying = False
            self.state("listening")
        return (frame,)

    def _played(self) -> None:
        if not self._replying:
            self.state("listening")
