"""``domovoy models import DIR``: install models downloaded on another machine, with no network.

Two shapes of folder are understood:

- a Hugging Face hub cache (``models--owner--name/snapshots/COMMIT/…``, what huggingface_hub and
  ``hf download`` leave, or a whole ``HF_HOME``): each file is a link to a blob named by its
  content (the sha256 of a large file, the git blob id of a small one), so every byte is checked
  against the hub's own address for it; the files a model takes are chosen as a pull chooses them;
- a folder of model files: a catalogue model is recognised by its files' names (a GGUF, a piper
  voice and its ``.onnx.json``) or, for a folder model, by a subfolder named like it (``bge-m3``,
  ``faster-whisper-small``); with no hub to ask, each file's sha256 is recorded as it is.

Files are hard-linked into the models folder where they can be (copied otherwise), through the
same incoming folder, placement and registration as a pull: nothing half-installed.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from core.errors import ChecksumMismatchError, DomovoyError, InputError
from core.paths import Paths
from core.registry import Manifest, Registry
from core.registry.catalogue import Entry
from core.registry.checksum import git_blob_id, sha256_file
from models.hub import RemoteFile, select
from models.install import write_manifest
from models.pull import FOLDER_FORMATS, INCOMING, Plan, Wanted, matches, place, registered


@dataclass(frozen=True, slots=True)
class Imported:
    manifest: Manifest
    source: Path  # the folder it was found in


def import_models(paths: Paths, registry: Registry, folder: Path) -> list[Imported]:
    folder = folder.expanduser().resolve()
    if not folder.is_dir():
        raise InputError(
            f"{folder} is not a folder",
            hint="give the folder that holds the models (a hub cache, or the model files)",
        )
    caches = hub_caches(folder)
    found = _from_caches(registry, caches) if caches else _from_files(registry, folder)
    if not found:
        raise InputError(
            f"no catalogue model found in {folder}",
            hint="a hub cache (models--owner--name folders) or the models' own files",
        )
    out = []
    for entry, base, local in found:
        plan = _plan(entry, local, base)
        manifest = _install(paths, plan, local)
        out.append(Imported(manifest, base))
    return out


def hub_caches(folder: Path) -> list[Path]:
    """The repositories of a hub cache in ``folder`` (itself one, a cache, or an HF_HOME)."""
    if folder.name.startswith("models--"):
        return [folder]
    return sorted([*folder.glob("models--*--*"), *folder.glob("hub/models--*--*")])


def _snapshot(repo_dir: Path) -> Path | None:
    """The commit ``refs/main`` names, else the newest snapshot."""
    main = repo_dir / "refs" / "main"
    if main.is_file():
        chosen = repo_dir / "snapshots" / main.read_text().strip()
        if chosen.is_dir():
            return chosen
    snapshots = sorted((repo_dir / "snapshots").glob("*"), key=lambda p: p.stat().st_mtime)
    return snapshots[-1] if snapshots else None


def _cache_files(snapshot: Path) -> dict[str, tuple[RemoteFile, Path]]:
    """Each file of a snapshot, with the hash its blob's name promises."""
    out = {}
    for link in sorted(snapshot.rglob("*")):
        if not link.is_file():
            continue
        blob = link.resolve()
        name = blob.name if link.is_symlink() else ""
        sha256 = name if len(name) == 64 else None
        blob_id = name if len(name) == 40 else None
        rel = link.relative_to(snapshot).as_posix()
        remote = RemoteFile(rel, blob.stat().st_size, blob_id or "", sha256)
        out[rel] = (remote, link)  # read through the link: a mismatch names the file
    return out


Found = tuple[Entry, Path, dict[str, tuple[RemoteFile, Path]]]


def _from_caches(registry: Registry, caches: list[Path]) -> list[Found]:
    found: list[Found] = []
    for repo_dir in caches:
        repo = repo_dir.name.removeprefix("models--").replace("--", "/", 1)
        snapshot = _snapshot(repo_dir)
        if snapshot is None:
            continue
        files = _cache_files(snapshot)
        for entry in registry.entries():
            source = entry.manifest.source
            if source is None or source.repo != repo:
                continue
            chosen = _chosen(entry, {k: v[0] for k, v in files.items()}, str(repo_dir))
            if chosen is not None:
                found.append((entry, snapshot, {f.path: files[f.path] for f in chosen}))
    return found


def _from_files(registry: Registry, folder: Path) -> list[Found]:
    by_name: dict[str, Path] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            by_name.setdefault(path.name, path)
    found: list[Found] = []
    for entry in registry.entries():
        source = entry.manifest.source
        if source is None or source.repo is None:
            continue
        if entry.manifest.format not in FOLDER_FORMATS:
            names = [PurePosixPath(f).name for f in source.files]
            if names and all(n in by_name for n in names):
                local = {f: _local(f, by_name[PurePosixPath(f).name]) for f in source.files}
                found.append((entry, by_name[names[0]].parent, local))
            continue
        for base in (folder, *[p for p in folder.rglob("*") if p.is_dir()]):
            if base.name not in {entry.path.name, source.repo.split("/")[-1]}:
                continue
            files = {
                p.relative_to(base).as_posix(): _local(p.relative_to(base).as_posix(), p)
                for p in base.rglob("*")
                if p.is_file()
            }
            chosen = _chosen(entry, {k: v[0] for k, v in files.items()}, str(base))
            if chosen is not None:
                found.append((entry, base, {f.path: files[f.path] for f in chosen}))
                break
    return found


def _local(rel: str, path: Path) -> tuple[RemoteFile, Path]:
    return RemoteFile(rel, path.stat().st_size, "", None), path


def _chosen(
    entry: Entry, files: dict[str, RemoteFile], where: str
) -> tuple[RemoteFile, ...] | None:
    source = entry.manifest.source
    assert source is not None
    try:
        return select(files, source.files, source.include, source.exclude, where=where)
    except DomovoyError:
        return None  # not this model's files


def _plan(entry: Entry, local: dict[str, tuple[RemoteFile, Path]], base: Path) -> Plan:
    folder = entry.manifest.format in FOLDER_FORMATS
    wanted = []
    for i, (rel, (remote, path)) in enumerate(local.items()):
        name = rel if folder else (entry.path.name if i == 0 else PurePosixPath(rel).name)
        wanted.append(Wanted(str(path), name, remote.size, remote.sha256, remote.blob_id or None))
    return Plan(entry.manifest, entry.path, folder, tuple(wanted), f"imported from {base}")


def _install(paths: Paths, plan: Plan, local: dict[str, tuple[RemoteFile, Path]]) -> Manifest:
    incoming = paths.models_dir / INCOMING / plan.manifest.id
    shutil.rmtree(incoming, ignore_errors=True)
    digests = {}
    try:
        for wanted in plan.files:
            source = Path(wanted.url)
            digest = sha256_file(source)
            if not matches(source, wanted, digest):  # the pull's own check
                expected = wanted.sha256 or f"git blob {wanted.blob_id}"
                actual = digest if wanted.sha256 else f"git blob {git_blob_id(source)}"
                raise ChecksumMismatchError(source, expected, actual)
            target = incoming / wanted.name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source.resolve(), target)  # the bytes, not a link to them
            except OSError:  # another file system, or no hard links there
                shutil.copy2(source, target)
            digests[wanted.name] = digest
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    place(plan, incoming)
    manifest = registered(plan, digests, None)
    write_manifest(manifest, paths)
    return manifest
