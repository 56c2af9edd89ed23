"""The user's config: one TOML file in the design seed's shape, validated with pydantic.

    schema_version = 1
    [llm.primary]       id, provider, context_length, max_output_tokens, temperature, top_p,
                        timeout_s, reasoning_effort, load, idle_unload_seconds
    [llm.lightweight]   the same keys (also [llm.secondary], [llm.micro])
    [embeddings.main]   id, dim, quant
    [audio.stt]         model, device, language
    [audio.tts]         model, voice
    [classification.emotion] model
    [gpu]               use (auto or cpu)
    [ui]                language (en or ru)

A file without ``schema_version`` is the seed's concept format (version 0) and is migrated on
load; the old file is kept beside it. A bad file is reported with file, line, key and what is
allowed, and the app refuses to start on it rather than failing mid-conversation.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import ConfigError
from core.fs import atomic_write_text

SCHEMA_VERSION = 1
ROLES = ("primary", "secondary", "lightweight", "micro", "optional_moe")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class LLMRoleConfig(_Section):
    id: str | None = None
    provider: Literal["llama_cpp", "remote"] = "llama_cpp"
    context_length: int = Field(4096, ge=256, le=131072)
    # a dialogue's reply, not an essay: small models that loop run into it otherwise
    max_output_tokens: int = Field(512, ge=1, le=32768)
    temperature: float = Field(0.7, ge=0.0, le=2.0)
    top_p: float = Field(0.9, gt=0.0, le=1.0)
    repeat_penalty: float = Field(1.1, ge=1.0, le=2.0)  # 1: off
    timeout_s: float = Field(120.0, gt=0.0)
    reasoning_effort: Literal["low", "medium", "high"] = "low"  # for dialogue (harmony models)
    load: Literal["eager", "on_demand"] | None = None  # unset: the model's manifest decides
    idle_unload_seconds: int | None = Field(None, ge=10)  # unset: the manifest, then [llm]


class RemoteConfig(_Section):
    """An OpenAI-compatible server of the user's own (design seed §14). Off unless both
    ``enabled`` and ``consent`` are true: consent means "I agree my messages leave this
    machine, scrubbed of personal data"."""

    enabled: bool = False
    consent: bool = False
    base_url: str = "http://127.0.0.1:8080/v1"
    api_key_env: str = ""  # the name of an environment variable holding the key, never the key
    timeout_s: float = Field(60.0, gt=0)
    denylist: list[str] = []

    @property
    def allowed(self) -> bool:
        return self.enabled and self.consent


class LLMConfig(_Section):
    primary: LLMRoleConfig = LLMRoleConfig(id="gpt-oss-20b-q4km")
    secondary: LLMRoleConfig = LLMRoleConfig()
    lightweight: LLMRoleConfig = LLMRoleConfig(
        id="phi-3.5-mini-instruct-q4_k_m-v1.0", temperature=0.4, context_length=4096
    )
    micro: LLMRoleConfig = LLMRoleConfig()
    # The big model for judging, planning and long-context work (§19). Unset: the primary
    # (gpt-oss-20b) does that work too, loaded on demand, with a time limit.
    optional_moe: LLMRoleConfig = LLMRoleConfig(timeout_s=60.0, reasoning_effort="high")
    idle_unload_seconds: int = Field(300, ge=10)  # on-demand models nobody used are unloaded
    moe_p95_limit_ms: float = Field(30000.0, gt=0)  # over it, judge/plan work moves to lightweight
    remote: RemoteConfig = RemoteConfig()

    def role(self, name: str) -> LLMRoleConfig:
        if name not in ROLES:
            raise KeyError(name)
        value: LLMRoleConfig = getattr(self, name)
        return value


class EmbeddingConfig(_Section):
    id: str | None = None
    dim: int = Field(1024, ge=1)
    quant: Literal["fp32", "fp16", "int8"] = "fp16"


class EmbeddingsConfig(_Section):
    main: EmbeddingConfig = EmbeddingConfig(id="bge-m3", dim=1024, quant="int8")
    fallback: EmbeddingConfig = EmbeddingConfig(id="gte-small", dim=384, quant="fp32")


class STTConfig(_Section):
    model: str | None = "faster-whisper-small"
    device: Literal["auto", "cpu", "cuda"] = "auto"
    language: Literal["auto", "ru", "en"] = "auto"


class TTSConfig(_Section):
    model: str | None = "piper-ru-irina-medium"
    voice: str = "ru-female-1"
    rate: float = Field(1.0, ge=0.5, le=2.0)  # speaking rate: 1 normal, 1.5 half as fast again


class AudioConfig(_Section):
    stt: STTConfig = STTConfig()
    tts: TTSConfig = TTSConfig()
    input_device: str | None = None  # a sounddevice name; unset: the system's default
    output_device: str | None = None
    barge_in: bool = False  # talking over domovoy stops it (headsets, echo-cancelled rooms)
    push_to_talk: bool = False  # a held key instead of voice detection


class EmotionConfig(_Section):
    model: str | None = "distilroberta-emotion"


class ClassificationConfig(_Section):
    emotion: EmotionConfig = EmotionConfig()


class GpuConfig(_Section):
    use: Literal["auto", "cpu"] = "auto"  # cpu: nothing is offloaded, whatever the card


class UIConfig(_Section):
    language: Literal["en", "ru"] = "en"


class ModelsConfig(_Section):
    downloads: bool = True  # models are fetched from the hub, and only when the user asks


class Config(_Section):
    schema_version: Literal[1] = 1  # SCHEMA_VERSION
    llm: LLMConfig = LLMConfig()
    embeddings: EmbeddingsConfig = EmbeddingsConfig()
    audio: AudioConfig = AudioConfig()
    classification: ClassificationConfig = ClassificationConfig()
    gpu: GpuConfig = GpuConfig()
    models: ModelsConfig = ModelsConfig()
    ui: UIConfig = UIConfig()


# --- migrations: each takes the raw table of version N and returns version N+1 -----------------


def _v0_to_v1(raw: dict[str, Any]) -> dict[str, Any]:
    """The seed's concept file: no schema_version, ``provider = "local"`` for llama.cpp."""
    for role in raw.get("llm", {}).values():
        if isinstance(role, dict) and role.get("provider") == "local":
            role["provider"] = "llama_cpp"
    raw["schema_version"] = 1
    return raw


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _v0_to_v1}


def migrate(raw: dict[str, Any], *, file: Path) -> tuple[dict[str, Any], int]:
    """Bring a raw config up to SCHEMA_VERSION; returns it and the version it started at."""
    version = raw.get("schema_version", 0)
    if not isinstance(version, int) or not 0 <= version <= SCHEMA_VERSION:
        raise ConfigError(
            f"schema_version {version!r} is not one this domovoy knows (0..{SCHEMA_VERSION})",
            file=file,
            key="schema_version",
            line=_line_of(_safe_read(file), ("schema_version",)),
            hint="a newer domovoy wrote this file: upgrade domovoy, or remove the file",
        )
    start = version
    while version < SCHEMA_VERSION:
        raw = MIGRATIONS[version](raw)
        version += 1
    return raw, start


# --- reading and writing -----------------------------------------------------------------------


def load(file: Path) -> Config:
    """Read the config; a missing file gives the defaults and is written for the user to edit."""
    if not file.exists():
        config = Config()
        save(config, file)
        return config
    text = _safe_read(file)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _decode_error_line(exc)
        raise ConfigError(
            f"not valid TOML: {exc}",
            file=file,
            line=line,
            hint="fix the syntax, or delete the file to start from the defaults",
        ) from exc
    raw, started_at = migrate(raw, file=file)
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(str(p) for p in err["loc"])
        raise ConfigError(
            _describe(err),
            file=file,
            key=".".join(loc),
            line=_line_of(text, loc),
            hint="change the value to an allowed one, or remove the key to use the default",
        ) from exc
    if started_at < SCHEMA_VERSION:
        atomic_write_text(file.with_name(f"{file.name}.v{started_at}.bak"), text)
        save(config, file)
    return config


def save(config: Config, file: Path) -> None:
    """Write atomically: a crash leaves either the old file or the new one, never half of one."""
    atomic_write_text(file, tomli_w.dumps(config.model_dump(mode="json", exclude_none=True)))


def _safe_read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"cannot read the config: {exc}", file=file, hint="check the file's permissions"
        ) from exc


def _describe(err: Any) -> str:
    msg = str(err["msg"])
    if err["type"] == "extra_forbidden":
        return "unknown key (a typo?); see README for the keys allowed here"
    if err["type"] == "literal_error":
        return f"{msg}; got {err['input']!r}"
    return f"{msg}; got {err.get('input')!r}"


def _decode_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else None


def _line_of(text: str, loc: tuple[str, ...]) -> int | None:
    """The line where the key at ``loc`` is set, found by reading the TOML text itself."""
    if not loc:
        return None
    *tables, key = loc
    want = ".".join(tables)
    current = ""
    best: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        header = re.fullmatch(r"\[\s*([^\]]+?)\s*\]", stripped)
        if header:
            current = header.group(1).replace(" ", "")
            if current == ".".join(loc):
                best = number  # the key is a whole table
            continue
        match = re.match(r"([A-Za-z0-9_.\-\"]+)\s*=", stripped)
        if not match:
            continue
        full = ".".join(p for p in (current, match.group(1).strip('"')) if p)
        if full == ".".join(loc) or (current == want and match.group(1) == key):
            return number
    return best
