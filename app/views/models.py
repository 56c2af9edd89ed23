"""The models page's Qt-free side: the catalogue and the installed models as rows, each with a
fit badge for this machine, and the actions on them (verify, add a GGUF, remove, roll back).

Pulls run through ``models.pull.Puller`` (progress, cancel, resume from the .partial file); the
page starts them on a thread and shows DownloadProgress.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from app.home import Home
from core.config import ROLES
from core.errors import ChecksumMismatchError, DomovoyError, InputError
from core.hardware import Machine, machine
from core.registry.catalogue import Entry
from core.registry.checksum import sha256_file
from core.translatable import said
from models.pull import incoming_bytes
from models.vram import MIB, inventory_from_gguf, plan

log = logging.getLogger(__name__)

Fit = Literal["fits", "tight", "too big", "unknown"]
FIT_CONTEXT = 8192  # the context the badge assumes (or the model's own, when smaller)


@dataclass(frozen=True, slots=True)
class FitEstimate:
    badge: Fit
    detail: str


@dataclass(frozen=True, slots=True)
class ModelRow:
    id: str
    role: str
    family: str
    quant: str
    format: str
    origin: str
    installed: bool
    size_bytes: int | None
    demo: bool
    description: str
    playing: tuple[str, ...]  # the config roles it plays now
    pullable: bool
    partial_bytes: int = 0  # a download cut short: pulling again resumes from here

    @property
    def status(self) -> str:
        roles = ", ".join(self.playing)
        if not self.installed and self.partial_bytes:
            share = f"{self.partial_bytes / self.size_bytes:.0%}" if self.size_bytes else ""
            return said("paused at {0}: pull to resume", share or f"{self.partial_bytes >> 20} MB")
        if not self.installed:
            return said("not installed (chosen for {0})", roles) if roles else said("not installed")
        return said("in use: {0}", roles) if roles else said("installed")


def rows(home: Home) -> list[ModelRow]:
    out = []
    for entry in home.registry.entries():
        m = entry.manifest
        size = m.source.size_bytes if m.source else None
        if entry.installed and entry.path.exists():
            size = disk_size(entry.path)
        out.append(
            ModelRow(
                id=entry.id,
                role=m.role,
                family=m.family,
                quant=m.quant,
                format=m.format,
                origin=entry.origin,
                installed=entry.installed,
                size_bytes=size,
                demo=m.is_demo,
                description=m.description,
                playing=playing(home, entry.id),
                pullable=m.source is not None,
                partial_bytes=0 if entry.installed else incoming_bytes(home.paths, entry.id),
            )
        )
    return out


def source_lines(entry: Entry) -> list[str]:
    """Where a model comes from and, once installed, where it lives and what it was pulled
    from (the hub's commit): ``models list --sources``."""
    manifest = entry.manifest
    source = manifest.source
    lines = []
    if source is not None:
        if source.url:
            where = source.url
        else:
            what = ", ".join(source.files or source.include) or "the whole repository"
            where = f"hub {source.repo}@{source.revision}: {what}"
            if source.exclude:
                where += f" (not {', '.join(source.exclude)})"
        size = f", about {source.size_bytes / 1e9:.2f} GB" if source.size_bytes else ""
        lines.append(f"from {where}{size}")
    if entry.installed:
        pulled = manifest.metadata.get("pulled_from")
        lines.append(f"in {entry.path}" + (f", pulled from {pulled}" if pulled else ""))
    else:
        lines.append(f"goes to {entry.path}")
    return lines


def disk_size(path: Path) -> int:
    """A file's size, or a folder model's (all its files)."""
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def chosen_for_roles(home: Home) -> list[tuple[str, str | None]]:
    """Every role, and the model the config chooses for it."""
    config = home.config
    return [
        *((r, config.llm.role(r).id) for r in ROLES),
        ("stt", config.audio.stt.model),
        ("tts", config.audio.tts.model),
        ("embedding", config.embeddings.main.id),
        ("emotion", config.classification.emotion.model),
    ]


def playing(home: Home, model_id: str) -> tuple[str, ...]:
    """The roles the model plays now: chosen for them, or standing in (the starter kit)."""
    return tuple(
        role
        for role, chosen in chosen_for_roles(home)
        if home.registry.player_id(role, chosen) == model_id
    )


def estimate_fit(entry: Entry, facts: Machine) -> FitEstimate:
    """How the model would sit on this machine: the VRAM planner on its own tensors when the
    GGUF is here; from the download size (plus a sixth for the context) when it is not."""
    ram = facts.ram_free_mb * MIB
    vram = facts.vram_free_mb * MIB if facts.llama_gpu_offload else 0
    m = entry.manifest
    context = min(m.context_length, FIT_CONTEXT)
    if m.format == "gguf" and entry.installed:
        try:
            placed = plan(inventory_from_gguf(entry.path), context, vram_free_bytes=vram)
        except DomovoyError as exc:
            return FitEstimate("unknown", exc.message)
        need_ram = placed.cpu_bytes
        detail = f"at {context} tokens: {placed.describe()}"
    else:
        size = (
            disk_size(entry.path)
            if entry.installed and entry.path.exists()
            else (m.source.size_bytes if m.source else None)
        )
        if not size:
            return FitEstimate("unknown", "its size is not known")
        total = int(size * 7 / 6)
        need_ram = max(0, total - vram)
        detail = f"about {total / 2**30:.1f} GiB with its context; {vram / 2**30:.1f} GiB VRAM free"
    if need_ram <= ram * 0.7:
        badge: Fit = "fits"
    elif need_ram <= ram:
        badge = "tight"
    else:
        badge = "too big"
    return FitEstimate(badge, f"{detail}; {facts.ram_free_mb} MB RAM free")


def fits(home: Home) -> dict[str, FitEstimate]:
    """A badge for every model (reads GGUF headers: call it off the GUI thread)."""
    facts = machine(home.paths.models_dir)
    return {e.id: estimate_fit(e, facts) for e in home.registry.entries()}


def remove(home: Home, model_id: str) -> list[Path]:
    """Delete an installed model's file and the user's manifest for it; refused while a role
    uses it. Catalogue entries stay listed (not installed); returns what was removed."""
    entry = home.registry.get(model_id)
    roles = playing(home, model_id)
    if roles:
        raise InputError(
            f"{model_id} plays {', '.join(roles)}",
            hint="give the role another model in Settings first, then remove this one",
        )
    removed: list[Path] = []
    inside = entry.path.resolve().is_relative_to(home.paths.models_dir.resolve())
    if entry.path.is_file() and inside:  # a GGUF the user added from elsewhere stays there
        entry.path.unlink()
        removed.append(entry.path)
    if entry.origin == "user" and entry.file.exists():
        entry.file.unlink()
        removed.append(entry.file)
    home.reload_registry()
    return removed


def verify(home: Home, model_id: str) -> str:
    """Hash every file again (no cached hash) against its manifest: the model's file, and each
    file of a folder model or companion file; the message says what was checked. A mismatch
    raises ChecksumMismatchError naming the file."""
    entry = home.registry.get(model_id)
    manifest = entry.manifest
    if not entry.installed:
        raise InputError(f"{model_id} is not installed", hint="pull it first")
    files = dict(manifest.files_sha256)
    base = entry.path if entry.path.is_dir() else entry.path.parent
    if manifest.checksum_sha256 is not None and entry.path.is_file():
        files.setdefault(entry.path.name, manifest.checksum_sha256)
    if manifest.skip_checksum or not files:
        return f"{model_id}: no checksum to check against (made on this machine, or not pulled)"
    for name, expected in sorted(files.items()):
        actual = sha256_file(base / name)
        if actual != expected:
            raise ChecksumMismatchError(base / name, expected, actual)
    if len(files) == 1:
        return f"{model_id}: the file matches its sha256 ({actual[:12]}…)"
    return f"{model_id}: all {len(files)} files match their sha256"
