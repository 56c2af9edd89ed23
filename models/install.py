"""Registering models the user has (``models add PATH``) and the demo models (``install-demo``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from core import config as config_mod
from core.errors import ManifestError, ManifestProblem, ModelFileError
from core.fs import atomic_write_text
from core.paths import Paths
from core.registry import Manifest
from core.registry.checksum import ChecksumCache
from core.registry.manifest import Role
from core.registry.validate import check_rules
from models.describe import describe
from models.testing import make_tiny_gguf
from models.testing.tiny_classifier import make_tiny_emotion_classifier


def write_manifest(manifest: Manifest, paths: Paths) -> Path:
    """Check a manifest against the rules, then write it to the user's manifests folder."""
    file = paths.manifests_dir / f"{manifest.id}.yaml"
    problems = check_rules(manifest, file)
    if problems:
        raise ManifestError(problems)
    atomic_write_text(file, manifest.to_yaml())
    return file


def add_model(
    paths: Paths,
    path: Path,
    *,
    model_id: str,
    role: str,
    replace: bool = False,
    give_role: bool = False,
) -> tuple[Manifest, Path]:
    """Describe a model the user has from its format's own metadata (models.describe), with its
    checksum (each file's, for a folder), and register it; ``give_role`` also makes it play the
    role in the config. Nothing is written if anything is wrong."""
    path = path.expanduser().resolve()
    if role not in get_args(Role):
        raise ManifestError(
            [
                ManifestProblem(
                    file=path, field="role", message=f"{role!r} is not a role", rule="schema"
                )
            ]
        )
    found = describe(path)  # ModelFileError naming what was expected
    if role not in found.roles:
        raise ModelFileError(
            path,
            f"this is a {found.kind}: it can play {', '.join(found.roles)}, not {role}",
            hint=f"add it with --role {found.roles[0]}",
        )
    target = paths.manifests_dir / f"{model_id}.yaml"
    if target.exists() and not replace:
        raise ManifestError(
            [
                ManifestProblem(
                    file=target,
                    field="id",
                    message=f"{model_id!r} is already installed; pick another id or remove it",
                    rule="1",
                )
            ]
        )
    checksums = ChecksumCache(paths.checksum_cache)
    single = found.path.is_file() and len(found.files) <= 1
    manifest = Manifest(
        id=model_id,
        family=found.family,
        role=role,  # checked against Role above
        path=str(found.path),
        format=found.format,
        quant=found.quant,
        context_length=found.context_length,
        capabilities=list(found.capabilities),
        revision=dt.date.today().isoformat(),
        checksum_sha256=checksums.sha256(found.path) if single else None,
        files_sha256={}
        if single
        else {_relative(f, found.path): checksums.sha256(f) for f in found.files},
        load="eager" if role == "primary" else "on_demand",
        adapter=found.adapter,
        description=found.description,
        metadata=found.metadata,
    )
    paths.manifests_dir.mkdir(parents=True, exist_ok=True)
    file = write_manifest(manifest, paths)
    if give_role:
        give(paths, role, manifest)
    return manifest, file


def _relative(file: Path, model_path: Path) -> str:
    """A file of a model, as the manifest names it: relative to the model's folder."""
    base = model_path if model_path.is_dir() else model_path.parent
    return str(file.relative_to(base))


def give(paths: Paths, role: str, manifest: Manifest) -> None:
    """Make the model play the role: the config names it from now on."""
    config = config_mod.load(paths.config_file)
    if role in config_mod.ROLES:
        config.llm.role(role).id = manifest.id
    elif role == "stt":
        config.audio.stt.model = manifest.id
        if not manifest.metadata.get("multilingual", True) and config.audio.stt.language == "auto":
            config.audio.stt.language = "en"
    elif role == "tts":
        config.audio.tts.model = manifest.id
    elif role == "embedding":
        config.embeddings.main.id = manifest.id
        dim = manifest.metadata.get("dim")
        if isinstance(dim, int):
            config.embeddings.main.dim = dim
    elif role == "emotion":
        config.classification.emotion.model = manifest.id
    else:
        return  # vad: the packaged silero model is the only one
    config_mod.save(config, paths.config_file)


@dataclass(frozen=True, slots=True)
class DemoModel:
    id: str
    kind: str  # a key of models.testing.TINY_MODELS
    role: str
    description: str


DEMO_MODELS = (
    DemoModel("demo-tiny-llama", "llama", "primary", "tiny llama-architecture model, ChatML"),
    DemoModel(
        "demo-tiny-phi3", "phi3", "lightweight", "tiny phi3-architecture model, Phi-3.5 template"
    ),
    DemoModel(
        "demo-tiny-gpt-oss",
        "gpt-oss",
        "secondary",
        "tiny gpt-oss-architecture model, o200k_harmony",
    ),
)
DEMO_NOTE = (
    "A tiny demo model with random weights: its replies are noise. Get a real model to talk."
)


def install_demo(paths: Paths) -> list[Manifest]:
    """Write the tiny demo models, their manifests, and give them the LLM roles in the config."""
    paths.ensure()
    checksums = ChecksumCache(paths.checksum_cache)
    installed = []
    for demo in DEMO_MODELS:
        rel = Path("demo") / f"{demo.id}.gguf"
        target = paths.models_dir / rel
        make_tiny_gguf(demo.kind, target)
        manifest = Manifest(
            id=demo.id,
            family="demo",
            role=demo.role,  # the literals above are roles
            path=str(rel),
            format="gguf",
            quant="f16",
            context_length=4096,
            capabilities=["chat"],
            revision="demo-1",
            checksum_sha256=checksums.sha256(target),
            load="eager" if demo.role == "primary" else "on_demand",
            adapter="llama_cpp",
            description=f"{demo.description}. {DEMO_NOTE}",
            license="GPL-3.0-or-later",
            metadata={"demo": True, "maker": f"models.testing:{demo.kind}"},
        )
        write_manifest(manifest, paths)
        installed.append(manifest)
    emotion = paths.models_dir / "demo" / "demo-tiny-emotion"
    make_tiny_emotion_classifier(emotion)
    manifest = Manifest(
        id="demo-tiny-emotion",
        family="demo",
        role="emotion",
        path="demo/demo-tiny-emotion",
        format="transformers",
        quant="fp32",
        context_length=128,
        capabilities=["classify", "emotion"],
        revision="demo-1",
        checksum_sha256=None,
        skip_checksum=True,  # a folder of files, written here and now
        load="on_demand",
        adapter="transformers",
        description=f"tiny BERT-architecture emotion classifier. {DEMO_NOTE}",
        license="GPL-3.0-or-later",
        metadata={"demo": True, "maker": "models.testing.tiny_classifier"},
    )
    write_manifest(manifest, paths)
    installed.append(manifest)
    installed += _install_demo_voice(paths)
    config = config_mod.load(paths.config_file)
    config.classification.emotion.model = manifest.id
    config.audio.stt.model = "demo-tiny-whisper"
    config.audio.stt.language = "en"  # the tiny Whisper is built English-only
    config.audio.tts.model = "demo-tiny-voice"
    for demo in DEMO_MODELS:
        role = config.llm.role(demo.role)
        role.id = demo.id
        role.context_length = 2048
        role.max_output_tokens = 48
    config_mod.save(config, paths.config_file)
    return installed


def _install_demo_voice(paths: Paths) -> list[Manifest]:
    """A tiny Whisper and a tiny piper voice, so that the demo listens and speaks."""
    from models.testing.tiny_voice import make_tiny_voice
    from models.testing.tiny_whisper import make_tiny_whisper

    whisper = paths.models_dir / "demo" / "demo-tiny-whisper"
    make_tiny_whisper(whisper)
    voice = make_tiny_voice(paths.models_dir / "demo", name="demo-tiny-voice")
    made = []
    for model_id, role, rel, fmt, adapter, what in (
        ("demo-tiny-whisper", "stt", "demo/demo-tiny-whisper", "ctranslate2", "faster_whisper",
         "tiny CTranslate2 Whisper"),
        ("demo-tiny-voice", "tts", f"demo/{voice.name}", "onnx", "piper", "tiny piper voice"),
    ):  # fmt: skip
        manifest = Manifest(
            id=model_id,
            family="demo",
            role=role,
            path=rel,
            format=fmt,
            quant="fp32",
            context_length=448 if role == "stt" else 1,
            capabilities=["transcribe"] if role == "stt" else ["speak"],
            revision="demo-1",
            checksum_sha256=None,
            skip_checksum=True,  # written here and now
            load="on_demand",
            adapter=adapter,
            description=f"{what}. {DEMO_NOTE}",
            license="GPL-3.0-or-later",
            metadata={"demo": True},
        )
        write_manifest(manifest, paths)
        made.append(manifest)
    return made
