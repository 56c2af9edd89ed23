"""``domovoy models pull ID``: download a catalogue model once, with resume and checks.

HTTPS with certificate verification always (plain http only to this machine, for tests); the
free disk space is checked first; the bytes go to a ``.partial`` file and an interrupted pull
continues from where it stopped (HTTP Range), or starts over when the server cannot resume; the
sha256 is verified (or, where the model page publishes none, recorded); the file is moved into
place atomically and only then is its manifest registered. Nothing is left half-installed: a
wrong checksum deletes the download, and every failure says what happened and what to do.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import os
import shutil
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from core.errors import ChecksumMismatchError, DownloadError
from core.events import DownloadProgress, EventBus
from core.fs import atomic_write_text
from core.paths import Paths
from core.registry import Manifest, Registry
from core.registry.checksum import sha256_file
from models.install import write_manifest

CHUNK = 1024 * 1024
MARGIN = 512 * 1024 * 1024  # free space kept beyond the download itself


@dataclass(frozen=True, slots=True)
class Job:
    url: str
    target: Path
    size: int | None
    sha256: str | None


def url_of(manifest: Manifest) -> str:
    source = manifest.source
    if source is None:
        raise DownloadError(
            f"{manifest.id} has no download source in its manifest",
            hint="add it with `domovoy models add FILE`",
        )
    if source.url:
        return source.url
    if source.repo and source.file:
        return f"https://huggingface.co/{source.repo}/resolve/{source.revision}/{source.file}"
    raise DownloadError(
        f"{manifest.id} is a whole repository ({source.repo}); pull fetches single files",
        hint=f"download https://huggingface.co/{source.repo} yourself into the models folder",
    )


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return
    host = parts.hostname or ""
    loopback = host == "localhost"
    with contextlib.suppress(ValueError):  # a name, not an address
        loopback = loopback or ipaddress.ip_address(host).is_loopback
    if parts.scheme == "http" and loopback:
        return
    raise DownloadError(
        f"refusing to download over {parts.scheme or 'an unknown scheme'}: {url}",
        hint="model downloads use HTTPS with certificate checks (plain http only to this machine)",
    )


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
    ) -> None:
        self.paths = paths
        self.registry = registry
        self.bus = bus
        self.progress = progress
        self.margin = margin
        self.timeout_s = timeout_s
        self.disk_free = disk_free or (lambda p: shutil.disk_usage(_existing(p)).free)

    def pull(
        self, model_id: str, cancel: threading.Event | None = None, *, staging: Path | None = None
    ) -> Manifest:
        """Download and register; with ``staging``, into that folder for the update gate
        (warm-up, then promotion or rejection) instead of straight into use."""
        entry = self.registry.get(model_id)
        manifest = entry.manifest
        url = url_of(manifest)
        check_url(url)
        size = manifest.source.size_bytes if manifest.source else None
        target = entry.path if staging is None else staging / model_id / entry.path.name
        job = Job(url, target, size, manifest.checksum_sha256)
        digest = self.download(model_id, job, cancel)
        update: dict[str, object] = {
            "checksum_sha256": digest,
            "metadata": {**manifest.metadata, "pulled_from": url, "pulled_at": time.time()},
        }
        if staging is not None:
            update["path"] = str(target)
        installed = manifest.model_copy(update=update)
        if staging is not None:
            atomic_write_text(staging / f"{model_id}.yaml", installed.to_yaml())
        else:
            write_manifest(installed, self.paths)  # registered only now the file is in place
        return installed

    def download(self, model_id: str, job: Job, cancel: threading.Event | None = None) -> str:
        """Fetch ``job.url`` into ``job.target``; returns the file's sha256."""
        partial = job.target.with_name(job.target.name + ".partial")
        partial.parent.mkdir(parents=True, exist_ok=True)
        have = partial.stat().st_size if partial.exists() else 0
        if job.size is not None:
            need = job.size - have + self.margin
            free = self.disk_free(partial.parent)
            if free < need:
                raise DownloadError(
                    f"not enough disk space for {model_id}: {need / 1e9:.2f} GB needed "
                    f"(with a margin), {free / 1e9:.2f} GB free in {partial.parent}",
                    hint="free some space, or move the models folder with DOMOVOY_HOME",
                )
        request = urllib.request.Request(job.url, headers={"User-Agent": "domovoy"})
        if have:
            request.add_header("Range", f"bytes={have}-")
        context = ssl.create_default_context()  # certificates are always verified
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout_s, context=context)
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and have and job.size == have:
                response = None  # everything is already here
            else:
                hint = "the file is not at that address: the catalogue entry may be out of date"
                raise DownloadError(
                    f"{job.url} answered {exc.code} {exc.reason}",
                    hint=hint if exc.code == 404 else "try again later",
                ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DownloadError(
                f"cannot reach {job.url}: {getattr(exc, 'reason', exc)}",
                hint="check the connection, then run pull again",
            ) from exc
        if response is not None:
            with response:
                resumed = response.status == 206
                if have and not resumed:
                    have = 0  # the server cannot resume: start over
                length = response.headers.get("Content-Length")
                total = have + int(length) if length is not None else job.size
                self._copy(model_id, response, partial, have, total, cancel)
        if job.size is not None and partial.stat().st_size != job.size:
            got = partial.stat().st_size
            raise DownloadError(
                f"{model_id}: got {got} bytes, the manifest says {job.size}",
                hint="run pull again to continue",
            )
        digest = sha256_file(partial)
        if job.sha256 and digest != job.sha256:
            partial.unlink(missing_ok=True)
            raise ChecksumMismatchError(job.target, job.sha256, digest)
        os.replace(partial, job.target)
        return digest

    def _copy(
        self,
        model_id: str,
        response: http.client.HTTPResponse,
        partial: Path,
        have: int,
        total: int | None,
        cancel: threading.Event | None,
    ) -> None:
        start = time.monotonic()
        fetched = 0
        done = have
        with partial.open("ab" if have else "wb") as out:
            while True:
                if cancel is not None and cancel.is_set():
                    raise DownloadError(
                        f"the download of {model_id} was cancelled at {done} bytes",
                        hint="run pull again to continue",
                    )
                try:
                    chunk = response.read(CHUNK)
                except (OSError, http.client.HTTPException) as exc:
                    raise DownloadError(
                        f"the connection dropped after {done} bytes of {model_id}",
                        hint="run pull again: it continues from where it stopped",
                    ) from exc
                if not chunk:
                    break
                try:
                    out.write(chunk)
                except OSError as exc:
                    raise DownloadError(
                        f"cannot write {partial}: {exc.strerror or exc}",
                        hint="free some disk space, then run pull again",
                    ) from exc
                fetched += len(chunk)
                done += len(chunk)
                elapsed = max(time.monotonic() - start, 1e-6)
                speed = fetched / elapsed
                eta = (total - done) / speed if total and speed else 0.0
                self._report(
                    DownloadProgress(
                        model_id=model_id, done=done, total=total or 0, speed_bps=speed, eta_s=eta
                    )
                )
        if total is not None and done < total:
            raise DownloadError(
                f"the connection dropped after {done} of {total} bytes of {model_id}",
                hint="run pull again: it continues from where it stopped",
            )

    def _report(self, event: DownloadProgress) -> None:
        if self.bus is not None:
            self.bus.publish(event)
        if self.progress is not None:
            self.progress(event)


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
