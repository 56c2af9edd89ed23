"""``domovoy models pull ID``: download a model once, every byte checked, nothing half-installed.

A pull first makes a plan: for a hub source, the repository's listing at one commit (each file's
size, git blob id and, for a large file, sha256: models/hub.py); for a plain HTTPS url, the one
file. The free disk space is checked for the whole plan before any byte. Each file goes into
the model's incoming folder (``models/.incoming/ID``) as a ``.partial`` file that an interrupted
or cancelled pull continues from (HTTP Range) and is checked: against the hub's sha256, the git
blob id of a small file, or a url's published sha256 (where none is published, it is recorded).
A wrong byte refuses the whole model and deletes its incoming folder. Only when every file is
checked does the model move into place (a folder in one rename; a file model's companions, such
as a piper voice's ``.onnx.json``, before its file), and only then is its manifest registered,
with every file's sha256, so the registry re-checks it at load time.
"""

from __future__ import annotations

import errno
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from core.errors import ChecksumMismatchError, DownloadError
from core.events import DownloadProgress, EventBus
from core.fs import atomic_write_text
from core.paths import Paths
from core.registry import Manifest, Registry
from core.registry.checksum import git_blob_id, sha256_file
from models import hub
from models.fetch_url import check_url, fetch_url
from models.meter import Meter

MARGIN = 512 * 1024 * 1024  # free space kept beyond the download itself
FOLDER_FORMATS = ("ctranslate2", "sentence-transformers", "transformers")
INCOMING = ".incoming"


@dataclass(frozen=True, slots=True)
class Wanted:
    """One file of a plan: where it comes from, where it lands, what it must hash to."""

    url: str
    name: str  # in the model's folder, or beside the model's file
    size: int | None
    sha256: str | None = None
    blob_id: str | None = None  # a small hub file's git object id
    from_hub: bool = False


@dataclass(frozen=True, slots=True)
class Plan:
    manifest: Manifest
    target: Path  # the model's path once installed: its file, or its folder
    folder: bool  # a folder model: its files keep their paths inside ``target``
    files: tuple[Wanted, ...]
    pulled_from: str
    commit: str | None = None  # the hub commit every file was fetched at

    @property
    def total(self) -> int:
        return sum(w.size or 0 for w in self.files)


class Puller:
    def __init__(
        self,
        paths: Paths,
        registry: Registry,
        *,
        bus: EventBus | None = None,
        progress: Callable[[DownloadProgress], None] | None = None,
        margin: int = MARGIN,
        timeout_s: float = 30.0,
        disk_free: Callable[[Path], int] | None = None,
        downloads: bool = True,
    ) -> None:
        self.paths = paths
        self.downloads = downloads  # the settings' "Model downloads"
        self.registry = registry
        self.bus = bus
        self.progress = progress
        self.margin = margin
        self.timeout_s = timeout_s
        self.disk_free = disk_free or (lambda p: shutil.disk_usage(_existing(p)).free)

    # --- the plan ------------------------------------------------------------------------------

    def plan(self, model_id: str, *, staging: Path | None = None) -> Plan:
        """What pulling ``model_id`` fetches; for a hub source, the hub's listing is asked."""
        if not self.downloads:
            raise DownloadError(
                "model downloads are off in the settings",
                hint="turn on “Model downloads” in Settings ([models] downloads in config.toml), "
                "or import the models: `domovoy models import DIR`",
            )
        entry = self.registry.get(model_id)
        manifest = entry.manifest
        source = manifest.source
        if source is None:
            raise DownloadError(
                f"{model_id} has no download source in its manifest",
                hint="add it with `domovoy models add FILE`",
            )
        target = entry.path if staging is None else staging / model_id / entry.path.name
        folder = manifest.format in FOLDER_FORMATS
        if source.url:
            check_url(source.url)
            sha = manifest.checksum_sha256 if source.sha256_published else None
            wanted = Wanted(source.url, target.name, source.size_bytes, sha256=sha)
            return Plan(manifest, target, False, (wanted,), source.url)
        assert source.repo is not None
        listing = hub.listing(
            source.repo,
            source.revision,
            files=source.files,
            include=source.include,
            exclude=source.exclude,
        )
        files = []
        for i, f in enumerate(listing.files):
            name = f.path if folder else (target.name if i == 0 else PurePosixPath(f.path).name)
            url = hub.file_url(listing.repo, listing.commit, f.path)
            files.append(Wanted(url, name, f.size, f.sha256, f.blob_id, from_hub=True))
        where = f"{hub.endpoint()}/{listing.repo}@{listing.commit}"
        return Plan(manifest, target, folder, tuple(files), where, listing.commit)

    def incoming(self, model_id: str) -> Path:
        return self.paths.models_dir / INCOMING / model_id

    def space(self, plans: Sequence[Plan]) -> tuple[int, int]:
        """(bytes still to fetch, with the margin; bytes free where they go)."""
        have = sum(_size(self.incoming(p.manifest.id), w) for p in plans for w in p.files)
        need = sum(p.total for p in plans) - have + self.margin
        return need, self.disk_free(self.paths.models_dir / INCOMING)

    def check_space(self, plans: Sequence[Plan]) -> None:
        """Enough free disk for what is still to come, with a margin, before any byte."""
        if not plans:
            return
        need, free = self.space(plans)
        if free < need:
            what = plans[0].manifest.id if len(plans) == 1 else f"{len(plans)} models"
            raise DownloadError(
                f"not enough disk space for {what}: {need / 1e9:.2f} GB needed "
                f"(with a margin), {free / 1e9:.2f} GB free in "
                f"{_existing(self.paths.models_dir)}",
                hint="free some space, or move the models folder with DOMOVOY_HOME",
            )

    # --- pulling -------------------------------------------------------------------------------

    def pull(
        self, model_id: str, cancel: threading.Event | None = None, *, staging: Path | None = None
    ) -> Manifest:
        """Download and register; with ``staging``, into that folder for the update gate
        (warm-up, then promotion or rejection) instead of straight into use."""
        plan = self.plan(model_id, staging=staging)
        self.check_space([plan])
        meter = Meter(self._report, plan.total)
        with self._disk_full([plan]):
            return self.install(plan, meter, cancel, staging=staging)

    def pull_many(
        self,
        model_ids: Sequence[str],
        cancel: threading.Event | None = None,
        *,
        installed: Callable[[Manifest], None] = lambda m: None,
    ) -> list[Manifest]:
        """Several models under one progress (the starter set): every listing and the disk
        space first, then each model registered as soon as its files are checked."""
        return self.pull_plans([self.plan(i) for i in model_ids], cancel, installed=installed)

    def pull_plans(
        self,
        plans: Sequence[Plan],
        cancel: threading.Event | None = None,
        *,
        installed: Callable[[Manifest], None] = lambda m: None,
    ) -> list[Manifest]:
        self.check_space(plans)
        meter = Meter(self._report, sum(p.total for p in plans))
        out = []
        for i, plan in enumerate(plans):
            with self._disk_full(plans[i:]):
                manifest = self.install(plan, meter, cancel)
            installed(manifest)
            out.append(manifest)
        return out

    @contextmanager
    def _disk_full(self, plans: Sequence[Plan]) -> Iterator[None]:
        """A disk that fills up mid-pull: what was checked stays, and the message says how
        much more space the rest needs."""
        try:
            yield
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            need, _free = self.space(plans)
            raise DownloadError(
                f"the disk filled up while pulling {plans[0].manifest.id}: "
                f"{need / 1e9:.2f} GB more are needed (with a margin)",
                hint="free that much space, then pull again: what was fetched is kept",
            ) from exc

    def missing(self, model_ids: Sequence[str]) -> list[str]:
        """Of ``model_ids``, those not installed yet."""
        return [i for i in model_ids if not self.registry.get(i).installed]

    def install(
        self,
        plan: Plan,
        meter: Meter,
        cancel: threading.Event | None,
        *,
        staging: Path | None = None,
    ) -> Manifest:
        model_id = plan.manifest.id
        incoming = self.incoming(model_id)
        digests = {w.name: self._fetch(model_id, w, incoming, meter, cancel) for w in plan.files}
        place(plan, incoming)
        installed = registered(plan, digests, staging)
        if staging is not None:
            atomic_write_text(staging / f"{model_id}.yaml", installed.to_yaml())
        else:
            from models.install import write_manifest  # its demo makers import numpy

            write_manifest(installed, self.paths)  # registered only now the files are in place
        return installed

    def _fetch(
        self,
        model_id: str,
        wanted: Wanted,
        incoming: Path,
        meter: Meter,
        cancel: threading.Event | None,
    ) -> str:
        """One file into the incoming folder, checked; returns its sha256."""
        done = incoming / wanted.name
        if done.exists():  # fetched and checked by an earlier run: checked again, not fetched
            digest = sha256_file(done)
            if matches(done, wanted, digest):
                meter.skipped(wanted.size or done.stat().st_size)
                return digest
            done.unlink()
        partial = done.with_name(done.name + ".partial")
        partial.parent.mkdir(parents=True, exist_ok=True)
        meter.begin(model_id, wanted.name, _size(incoming, wanted))
        what = f"{model_id}: {wanted.name}"
        try:
            if wanted.from_hub:
                assert wanted.size is not None
                hub.fetch(
                    wanted.url, partial, wanted.size, what=what, progress=meter.at, cancel=cancel
                )
            else:
                fetch_url(
                    wanted.url,
                    partial,
                    wanted.size,
                    what=model_id,
                    progress=meter.at,
                    cancel=cancel,
                    timeout_s=self.timeout_s,
                )
        except hub.Cancelled as exc:
            raise DownloadError(
                f"the download of {model_id} was cancelled at {meter.done} bytes",
                hint="run pull again to continue",
            ) from exc
        got = partial.stat().st_size
        if wanted.size is not None and got != wanted.size:
            raise DownloadError(
                f"{what}: got {got} bytes, the hub lists {wanted.size}",
                hint="run pull again to continue",
            )
        digest = sha256_file(partial)
        if not matches(partial, wanted, digest):
            expected = wanted.sha256 or f"git blob {wanted.blob_id}"
            actual = digest if wanted.sha256 else f"git blob {git_blob_id(partial)}"
            shutil.rmtree(incoming, ignore_errors=True)  # nothing of this model is kept
            raise ChecksumMismatchError(Path(f"{model_id}: {wanted.name}"), expected, actual)
        os.replace(partial, done)
        return digest

    def _report(self, event: DownloadProgress) -> None:
        if self.bus is not None:
            self.bus.publish(event)
        if self.progress is not None:
            self.progress(event)


def incoming_bytes(paths: Paths, model_id: str) -> int:
    """How much of an interrupted pull is on disk, to continue from."""
    folder = paths.models_dir / INCOMING / model_id
    if not folder.is_dir():
        return 0
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def matches(path: Path, wanted: Wanted, digest: str) -> bool:
    """``path`` (whose sha256 is ``digest``) is the file ``wanted`` names."""
    if wanted.sha256 is not None:
        return digest == wanted.sha256
    if wanted.blob_id is not None:
        return git_blob_id(path) == wanted.blob_id
    return True  # a url with no published checksum: its sha256 is recorded


def _size(incoming: Path, wanted: Wanted) -> int:
    """The bytes of ``wanted`` already in the incoming folder (checked or partial)."""
    done = incoming / wanted.name
    for path in (done, done.with_name(done.name + ".partial")):
        if path.exists():
            return path.stat().st_size
    return 0


def place(plan: Plan, incoming: Path) -> None:
    """Move the checked files into place: a folder in one rename (an older copy moved aside
    first, then deleted), a file model's companions before its own file."""
    target = plan.target
    target.parent.mkdir(parents=True, exist_ok=True)
    if plan.folder:
        old = target.with_name(f"{target.name}.replaced")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(incoming, target)
        shutil.rmtree(old, ignore_errors=True)
        return
    for wanted in reversed(plan.files):  # the model's own file (the first) last
        os.replace(incoming / wanted.name, target.parent / wanted.name)
    shutil.rmtree(incoming, ignore_errors=True)


def registered(plan: Plan, digests: dict[str, str], staging: Path | None) -> Manifest:
    manifest = plan.manifest
    source = manifest.source
    single = not plan.folder and len(plan.files) == 1
    update: dict[str, object] = {
        "checksum_sha256": digests[plan.target.name] if not plan.folder else None,
        "files_sha256": {} if single else digests,
        "metadata": {
            **manifest.metadata,
            "pulled_from": plan.pulled_from,
            "pulled_at": time.time(),
        },
    }
    if plan.commit is not None and source is not None:  # pinned to what was fetched
        update["source"] = source.model_copy(update={"revision": plan.commit})
    if staging is not None:
        update["path"] = str(plan.target)
    return manifest.model_copy(update=update)


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
