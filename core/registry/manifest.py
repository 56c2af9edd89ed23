"""The manifest schema: every field of the design seed's table (§9.1), plus where to fetch it.

The five validation rules that span fields or files live in ``validate.py`` so that every broken
rule of a file is reported at once, each with its number.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LLM_ROLES = ("primary", "secondary", "lightweight", "micro", "optional_moe")
# The seed's roles are the LLM's; the other parts of the starter set (§17) need roles too.
ROLES = (*LLM_ROLES, "embedding", "stt", "vad", "tts", "emotion")

Role = Literal[
    "primary", "secondary", "lightweight", "micro", "optional_moe",
    "embedding", "stt", "vad", "tts", "emotion",
]  # fmt: skip
Format = Literal["gguf", "ctranslate2", "onnx", "sentence-transformers", "transformers", "package"]
ReasoningMode = Literal["low", "medium", "high"]

SHA256 = re.compile(r"^[0-9a-f]{64}$")
# <family>-<size>-<purpose>-<quant>-v<major>.<minor>, e.g. qwen2.5-7b-instruct-q5_k_m-v1.1
NAMING = re.compile(
    r"^(?P<family>[a-z0-9][a-z0-9.]*)"
    r"-(?P<size>[a-z0-9.]+)"
    r"-(?P<purpose>[a-z0-9][a-z0-9.\-]*?)"
    r"-(?P<quant>(?:q\d+(?:_[a-z0-9]+)*|iq\d+(?:_[a-z0-9]+)*|f16|bf16|f32|fp16|fp32|int8|mxfp4))"
    r"-v(?P<major>\d+)\.(?P<minor>\d+)(?:\.(?P<patch>\d+))?$"
)
CLAIMS_NAMING = re.compile(r"-v\d+(\.\d+)*$")


class Source(BaseModel):
    """Where ``domovoy models pull`` downloads the model from: a plain HTTPS ``url``, or a
    Hugging Face ``repo`` at a ``revision`` (a branch, tag or commit) with the ``files`` the
    model needs (its companions too, such as a piper voice's ``.onnx.json``), or, with no files,
    the whole repository filtered by ``include`` and ``exclude`` patterns. ``file`` is one file,
    as older manifests wrote it. Sizes and sha256 come from the hub's listing at pull time;
    ``size_bytes`` is an estimate for the disk check before it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | None = None
    repo: str | None = None  # a Hugging Face repository, "owner/name"
    files: list[str] = Field(default_factory=list)  # in ``repo``; none: the whole repository
    include: list[str] = Field(default_factory=list)  # glob patterns over the repository's paths
    exclude: list[str] = Field(default_factory=list)
    revision: str = "main"
    size_bytes: int | None = Field(None, ge=0)
    sha256_published: bool = False  # a url's: False, the checksum is recorded from the download

    @model_validator(mode="before")
    @classmethod
    def _one_file(cls, data: Any) -> Any:
        if isinstance(data, dict) and "file" in data:
            data = dict(data)
            one = data.pop("file")
            if one:
                data["files"] = [one, *data.get("files", [])]
        return data

    @model_validator(mode="after")
    def _one_place(self) -> Source:
        if not self.url and not self.repo:
            raise ValueError("a source needs a url, or a repo (and optionally its files)")
        if self.url and self.repo:
            raise ValueError("a source is a url or a repo, not both")
        if self.files and (self.include or self.exclude):
            raise ValueError("name the files, or filter the repository with patterns: not both")
        return self

    @property
    def file(self) -> str | None:
        """The model's own file (the first named), if the source names files."""
        return self.files[0] if self.files else None


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # required (seed §9.1)
    id: str = Field(min_length=1)
    family: str = Field(min_length=1)
    role: Role
    path: str = Field(min_length=1)
    format: Format
    quant: str
    context_length: int = Field(ge=1)
    capabilities: list[str]
    revision: str = Field(min_length=1)
    checksum_sha256: str | None
    # optional
    avg_latency_tokens_per_s: float | None = Field(None, gt=0)
    load: Literal["eager", "on_demand"] | None = None
    idle_unload_seconds: int | None = Field(None, ge=1)
    reasoning_modes: list[ReasoningMode] | None = None
    tokenizer: str | None = None
    adapter: str | None = None
    embedding: bool = False
    description: str = ""
    license: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    # beyond the seed's table
    skip_checksum: bool = False
    files_sha256: dict[str, str] = Field(default_factory=dict)  # a folder model: each file's
    source: Source | None = None

    @field_validator("checksum_sha256")
    @classmethod
    def _hex(cls, value: str | None) -> str | None:
        if value is not None and not SHA256.match(value.lower()):
            raise ValueError("must be 64 hexadecimal digits")
        return value.lower() if value else value

    @property
    def load_policy(self) -> Literal["eager", "on_demand"]:
        """``load`` as written, else the seed's default: eager for primary, on_demand otherwise."""
        if self.load is not None:
            return self.load
        return "eager" if self.role == "primary" else "on_demand"

    def to_yaml(self) -> str:
        data = self.model_dump(mode="json", exclude_defaults=True)
        data.setdefault("checksum_sha256", self.checksum_sha256)  # required, even when null
        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)

    @field_validator("files_sha256")
    @classmethod
    def _hexes(cls, value: dict[str, str]) -> dict[str, str]:
        for name, digest in value.items():
            if not SHA256.match(digest.lower()):
                raise ValueError(f"{name}: must be 64 hexadecimal digits")
        return {name: digest.lower() for name, digest in value.items()}

    @property
    def is_demo(self) -> bool:
        return bool(self.metadata.get("demo"))

    @property
    def stands_in(self) -> tuple[str, ...]:
        """The roles a starter-kit model plays while the configured model is not installed."""
        if not self.metadata.get("starter"):
            return ()
        return tuple(str(r) for r in self.metadata.get("plays", [self.role]))
