"""What a model the user has is, read from the format's own metadata: a GGUF, a CTranslate2
Whisper folder, a piper voice, a sentence-transformers folder or a transformers classifier.

Each reader returns the manifest fields it learned (format, quant, context, capabilities, the
roles the model can play) or raises ModelFileError naming what was expected.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import ModelFileError
from core.registry.manifest import LLM_ROLES
from models.gguf_info import read_gguf_info

EXPECTED = (
    "a GGUF chat model (FILE.gguf) for the chat roles, a CTranslate2 Whisper folder "
    "(model.bin, config.json, tokenizer.json) for stt, a piper voice (VOICE.onnx beside "
    "VOICE.onnx.json) for tts, a sentence-transformers folder (modules.json) for embedding, "
    "or a transformers classifier folder (config.json with id2label) for emotion"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Described:
    kind: str  # what the user would call it: "GGUF chat model", "Whisper (CTranslate2)"
    format: str
    adapter: str
    roles: tuple[str, ...]
    path: Path  # the file or folder the manifest points at
    family: str
    quant: str
    context_length: int
    capabilities: tuple[str, ...]
    description: str = ""
    files: tuple[Path, ...] = ()  # a folder's files, each to be hashed
    metadata: dict[str, Any] = field(default_factory=dict)


def describe(path: Path) -> Described:
    """What ``path`` is; ModelFileError when it is none of the formats domovoy runs."""
    path = path.expanduser().resolve()
    if not path.exists():
        raise ModelFileError(path, "it does not exist", hint=f"expected {EXPECTED}")
    if path.is_dir():
        for reader in (_whisper, _sentence_transformers, _classifier):
            found = reader(path)
            if found is not None:
                return found
        raise ModelFileError(path, "this folder is not a model domovoy knows", hint=EXPECTED)
    if path.suffix == ".gguf" or _magic(path) == b"GGUF":
        return _gguf(path)
    if path.name.endswith(".onnx.json"):
        return _piper(path.with_name(path.name.removesuffix(".json")))
    if path.suffix == ".onnx":
        return _piper(path)
    raise ModelFileError(path, "this file is not a model domovoy knows", hint=EXPECTED)


def _magic(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(4)
    except OSError:
        return b""


def _json(file: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _files(folder: Path) -> tuple[Path, ...]:
    return tuple(sorted(f for f in folder.rglob("*") if f.is_file() and ".cache" not in f.parts))


def _gguf(path: Path) -> Described:
    info = read_gguf_info(path)  # ModelFileError for a truncated or foreign file
    if not info.chat_template:
        raise ModelFileError(
            path,
            "the GGUF carries no chat template (tokenizer.chat_template): it is not a chat model",
            hint="use an instruct/chat model's GGUF",
        )
    return Described(
        kind="GGUF chat model",
        format="gguf",
        adapter="llama_cpp",
        roles=LLM_ROLES,
        path=path,
        family=info.architecture,
        quant=info.file_type,
        context_length=info.context_length or 4096,
        capabilities=("chat",),
        description=info.name,
        metadata={"architecture": info.architecture, "size_bytes": info.size_bytes},
    )


def _whisper(folder: Path) -> Described | None:
    config = _json(folder / "config.json")
    if not (folder / "model.bin").is_file() or config is None:
        return None
    if "architectures" in config or "model_type" in config:
        return None  # a transformers folder that happens to have a model.bin
    if not (folder / "tokenizer.json").is_file():
        raise ModelFileError(
            folder / "tokenizer.json",
            "a CTranslate2 Whisper folder needs its tokenizer.json (faster-whisper would "
            "download one otherwise)",
            hint="copy tokenizer.json from the model's source beside model.bin",
        )
    multilingual = len(config.get("lang_ids", [])) > 1
    return Described(
        kind="Whisper (CTranslate2)",
        format="ctranslate2",
        adapter="faster_whisper",
        roles=("stt",),
        path=folder,
        family="whisper",
        quant="ctranslate2",
        context_length=448,
        capabilities=("transcribe",),
        description="multilingual Whisper" if multilingual else "English-only Whisper",
        files=_files(folder),
        metadata={"multilingual": multilingual},
    )


def _piper(onnx: Path) -> Described:
    config_file = onnx.with_name(onnx.name + ".json")
    config = _json(config_file)
    if not onnx.is_file() or config is None:
        missing = onnx if not onnx.is_file() else config_file
        raise ModelFileError(
            missing,
            "a piper voice is an .onnx file and its .onnx.json beside it, and this one is "
            "missing or unreadable",
            hint="download both files of the voice",
        )
    language = config.get("language", {})
    code = language.get("code", "") if isinstance(language, dict) else ""
    rate = config.get("audio", {}).get("sample_rate", 22050)
    return Described(
        kind="piper voice",
        format="onnx",
        adapter="piper",
        roles=("tts",),
        path=onnx,
        family="piper",
        quant=str(config.get("audio", {}).get("quality", "medium")),
        context_length=1,
        capabilities=("speak",),
        description=f"piper voice ({code or 'language unknown'}, {rate} Hz)",
        files=(onnx, config_file),
        metadata={"language": code, "sample_rate": rate},
    )


def _sentence_transformers(folder: Path) -> Described | None:
    if not (folder / "modules.json").is_file():
        return None
    config = _json(folder / "config.json") or {}
    st_config = _json(folder / "config_sentence_transformers.json") or {}
    dim = config.get("hidden_size")
    return Described(
        kind="sentence-transformers embedder",
        format="sentence-transformers",
        adapter="sentence_transformers",
        roles=("embedding",),
        path=folder,
        family=str(config.get("model_type", "sentence-transformers")),
        quant=str(config.get("torch_dtype", "fp32")),
        context_length=int(config.get("max_position_embeddings", 512)),
        capabilities=("embed",),
        files=_files(folder),
        metadata={"dim": dim, "sentence_transformers": st_config.get("__version__", {})},
    )


def _classifier(folder: Path) -> Described | None:
    config = _json(folder / "config.json")
    if config is None or not isinstance(config.get("id2label"), dict):
        return None
    architectures = config.get("architectures") or []
    if not any(str(a).endswith("ForSequenceClassification") for a in architectures):
        return None
    labels = [str(v) for v in config["id2label"].values()]
    return Described(
        kind="transformers classifier",
        format="transformers",
        adapter="transformers",
        roles=("emotion",),
        path=folder,
        family=str(config.get("model_type", "transformers")),
        quant=str(config.get("torch_dtype", "fp32")),
        context_length=int(config.get("max_position_embeddings", 512)),
        capabilities=("classify", "emotion"),
        description="labels: " + ", ".join(labels),
        files=_files(folder),
        metadata={"labels": labels},
    )
