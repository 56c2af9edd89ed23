"""Speech recognition with faster-whisper (CTranslate2).

The model comes from the registry; it runs on the GPU (int8_float16) while the scheduler's lease
is held, else on the CPU (int8). ``transcribe`` returns a lazy generator: the work happens while
its segments are read, so the lease is held for that whole time, and every call comes from one
thread (CTranslate2 keeps a GPU memory cache per thread). Short turns: beam 1–2, no timestamps,
no conditioning on earlier text; segments that are probably not speech, and Whisper's known
hallucinated phrases, are dropped. Results are cached by a hash of the audio.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from core.errors import ModelFileError, ModelLoadError
from core.scheduler import GpuScheduler, Priority

SPOKEN = ("ru", "en")  # the languages a turn is heard in when the language is "auto"
WINDOW_S = 30  # Whisper's window
MIN_WINDOW_S = 6  # the shortest window a turn is read in (shorter ones read worse)
# What Whisper says over silence or music: subtitle credits and sign-offs from its training data.
HALLUCINATIONS = {
    "thank you.",
    "thanks for watching!",
    "thank you for watching.",
    "subtitles by the amara.org community",
    "продолжение следует...",
    "субтитры сделал dimatorzok",
    "субтитры создавал dimatorzok",
    "редактор субтитров а.синецкая корректор а.егорова",
    "спасибо за просмотр!",
    "you",
}


class WhisperSTT:
    def __init__(
        self,
        model_dir: Path,
        *,
        scheduler: GpuScheduler | None = None,
        language: str = "auto",
        beam_size: int = 1,
        no_speech_threshold: float = 0.6,
        cache_size: int = 256,
        max_new_tokens: int = 160,
    ) -> None:
        self.model_dir = model_dir
        self.scheduler = scheduler
        self.language = language
        self.beam_size = beam_size
        self.no_speech_threshold = no_speech_threshold
        self.max_new_tokens = max_new_tokens  # a spoken turn is short; a runaway decode is not
        self._model: Any = None
        self._device = "cpu"
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[str, str]] = OrderedDict()
        self._cache_size = cache_size
        self.decoded = 0  # turns the model actually decoded (the others came from the cache)

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                if not (self.model_dir / "model.bin").is_file():
                    raise ModelFileError(
                        self.model_dir,
                        "no CTranslate2 Whisper model here (model.bin is missing)",
                        hint="`domovoy models pull faster-whisper-small`",
                    )
                if not (self.model_dir / "tokenizer.json").is_file():
                    raise ModelFileError(
                        self.model_dir,
                        "tokenizer.json is missing (without it faster-whisper would download one)",
                    )
                from faster_whisper import WhisperModel

                gpu = self.scheduler is not None and _cuda()
                self._device = "cuda" if gpu else "cpu"
                try:
                    self._model = WhisperModel(
                        str(self.model_dir),
                        device=self._device,
                        compute_type="int8_float16" if gpu else "int8",
                        cpu_threads=2,
                    )
                except Exception as exc:
                    raise ModelLoadError(
                        self.model_dir.name, f"{type(exc).__name__}: {exc}"
                    ) from exc
            return self._model

    def transcribe(self, samples: Any) -> tuple[str, str]:
        """The text and language of a turn's audio (16 kHz mono float32)."""
        key = hashlib.sha256(samples.tobytes()).hexdigest()
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key]
        model = self.load()
        language = None if self.language == "auto" else self.language
        if self._device == "cuda" and self.scheduler is not None:
            with self.scheduler.lease("stt", priority=Priority.VOICE):
                result = self._run(model, samples, language)
        else:
            result = self._run(model, samples, language)
        self._cache[key] = result
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return result

    def _run(self, model: Any, samples: Any, language: str | None) -> tuple[str, str]:
        self.decoded += 1
        if len(samples) <= (WINDOW_S - 1) * 16000:
            return self._one_pass(model, samples, language)
        segments, info = model.transcribe(
            samples,
            language=language,
            beam_size=self.beam_size,
            without_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,  # our VAD already cut the turn
            max_new_tokens=self.max_new_tokens,
        )
        texts = []
        for segment in segments:  # the decoding happens here, inside the lease
            text = segment.text.strip()
            if segment.no_speech_prob > self.no_speech_threshold or text.lower() in HALLUCINATIONS:
                continue
            texts.append(text)
        return " ".join(texts).strip(), str(info.language)

    def _one_pass(self, model: Any, samples: Any, language: str | None) -> tuple[str, str]:
        """A spoken turn in one encoder pass over a window just longer than the turn.

        Whisper pads every input to 30 s, so a two-second question cost the encoder fifteen
        times its length (0.7 s of the 0.7 s on a CPU); a window of the turn plus a margin, at
        least 6 s, reads the same words in a quarter of that. The language ("auto") is chosen
        among the ones domovoy speaks from the same pass (faster-whisper's own detection encodes
        a second time, and may pick any of Whisper's 99 languages for a short phrase: a Thai
        transcript of English, once)."""
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.tokenizer import Tokenizer

        features = model.feature_extractor(samples)
        frames = min(WINDOW_S * 100, max(MIN_WINDOW_S * 100, features.shape[-1] + 300))
        encoded = model.encode(pad_or_trim(features, frames))
        multilingual = model.model.is_multilingual
        if language is None and multilingual:
            ranked = model.model.detect_language(encoded)[0]
            spoken = {token[2:-2]: p for token, p in ranked if token[2:-2] in SPOKEN}
            language = max(spoken, key=lambda k: spoken[k]) if spoken else "en"
        language = language or "en"
        tokenizer = Tokenizer(
            model.hf_tokenizer, multilingual, task="transcribe", language=language
        )
        prompt = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        result = model.model.generate(
            encoded,
            [prompt],
            beam_size=self.beam_size,
            max_length=len(prompt) + self.max_new_tokens,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=[-1],
        )[0]
        text = tokenizer.decode(result.sequences_ids[0]).strip()
        if result.no_speech_prob > self.no_speech_threshold or text.lower() in HALLUCINATIONS:
            text = ""
        return text, language


def _cuda() -> bool:
    try:
        import ctranslate2

        return int(ctranslate2.get_cuda_device_count()) > 0
    except Exception:
        return False
