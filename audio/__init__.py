"""The voice loop: mic, VAD, turn detection, STT, TTS and playback as small processors."""
