"""The Hugging Face Hub through huggingface_hub: what a repository holds, and one file's bytes.

The hub's address is ``HF_ENDPOINT`` (a mirror, a company proxy, a test hub), else huggingface.co;
HTTPS always, plain http only to this machine. A revision (branch, tag or commit) is resolved to
its commit first, and every file is listed and fetched at that commit, so a pull never mixes two
versions of a repository. The listing gives each file's size, git blob id and, for a large (LFS)
file, its sha256: the puller checks every byte against them (huggingface_hub checks sizes only).

huggingface_hub resumes a file within one run only; here the bytes go to a ``.partial`` file that
outlives a failed run, and the next run asks for the rest (HTTP Range). A server that cannot
resume sends the whole file again, which huggingface_hub writes over the partial one.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import DownloadError
from core.local_only import user_offline
from models.fetch_url import check_url

DEFAULT_ENDPOINT = "https://huggingface.co"
SKIPPED = (".gitattributes",)  # git's own files: never part of a model


@dataclass(frozen=True, slots=True)
class RemoteFile:
    path: str  # in the repository
    size: int
    blob_id: str  # git's object id: sha1 over "blob <size>\0" and the bytes
    sha256: str | None  # a large (LFS) file's, as the hub lists it


@dataclass(frozen=True, slots=True)
class Listing:
    repo: str
    commit: str
    files: tuple[RemoteFile, ...]

    @property
    def total(self) -> int:
        return sum(f.size for f in self.files)


class Cancelled(Exception):
    """The user cancelled: the partial file stays for the next run."""


def endpoint() -> str:
    url = (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
    check_url(url)
    return url


def refuse_if_offline() -> None:
    name = user_offline()
    if name is not None:
        raise DownloadError(
            f"downloads are off: {name} is set",
            hint=f"unset {name} to pull models, or import them with `domovoy models import DIR`",
        )


def file_url(repo: str, commit: str, path: str) -> str:
    from huggingface_hub import hf_hub_url

    return hf_hub_url(repo, path, revision=commit, endpoint=endpoint())


def listing(
    repo: str,
    revision: str,
    *,
    files: list[str] | None = None,
    include: list[str] | None = None,
    exclude: list[str] | None = None,
) -> Listing:
    """The repository at ``revision``: the named ``files``, or every file that matches
    ``include`` (all, if none) and no ``exclude`` pattern."""
    from huggingface_hub import HfApi
    from huggingface_hub.hf_api import RepoFile

    with online(f"{repo}@{revision}"):
        api = HfApi(endpoint=endpoint())
        commit = api.model_info(repo, revision=revision).sha or revision
        tree = list(api.list_repo_tree(repo, revision=commit, recursive=True))
    found = {
        item.path: RemoteFile(
            path=item.path,
            size=int(item.size),
            blob_id=item.blob_id,
            sha256=item.lfs.sha256 if item.lfs is not None else None,
        )
        for item in tree
        if isinstance(item, RepoFile)
    }
    return Listing(repo, commit, select(found, files, include, exclude, where=f"{repo}@{revision}"))


def select(
    found: dict[str, RemoteFile],
    files: list[str] | None,
    include: list[str] | None,
    exclude: list[str] | None,
    *,
    where: str,
) -> tuple[RemoteFile, ...]:
    """The named ``files`` (each must be there), or those that match the patterns."""
    if files:
        missing = [f for f in files if f not in found]
        if missing:
            raise DownloadError(
                f"{where} has no {', '.join(missing)}",
                hint="the catalogue entry may be out of date: check the repository's files",
            )
        return tuple(found[f] for f in files)
    chosen = tuple(
        f
        for path, f in sorted(found.items())
        if path not in SKIPPED
        and (not include or any(fnmatch.fnmatch(path, p) for p in include))
        and not any(fnmatch.fnmatch(path, p) for p in exclude or [])
    )
    if not chosen:
        raise DownloadError(
            f"no file of {where} matches {include or 'anything'}",
            hint="check the source's include and exclude patterns",
        )
    return chosen


def fetch(
    url: str,
    partial: Path,
    size: int,
    *,
    what: str,
    progress: Callable[[int], None],
    cancel: threading.Event | None = None,
) -> None:
    """Fetch ``url`` into ``partial``, continuing from the bytes already there; ``progress``
    hears how many bytes the partial file holds after each write. A full disk is an OSError
    (ENOSPC), for the puller to say how much more it needs."""
    from huggingface_hub.file_download import http_get
    from huggingface_hub.utils._headers import build_hf_headers

    have = partial.stat().st_size if partial.exists() else 0
    if have > size:  # not this file's beginning: start over
        partial.unlink()
        have = 0
    with partial.open("r+b" if have else "wb") as out, online(what):
        out.seek(have)
        sink = _Sink(out, progress, cancel)
        headers = build_hf_headers(library_name="domovoy")
        http_get(url, sink, resume_size=have, headers=headers, expected_size=size)  # type: ignore[arg-type]


@contextmanager
def online(what: str) -> Iterator[None]:
    """Let huggingface_hub reach the hub for a pull the user asked for, and say plainly what
    went wrong when it cannot.

    huggingface_hub reads ``HF_HUB_OFFLINE`` once, when it is imported; the app's model loaders
    set it for the libraries (core.local_only), and only the user's own setting refuses a pull.
    """
    from huggingface_hub import constants, errors

    refuse_if_offline()
    before = constants.HF_HUB_OFFLINE, constants.HF_HUB_DISABLE_TELEMETRY
    # no telemetry either: with it, huggingface_hub asks the hub for its list of AI agents
    constants.HF_HUB_OFFLINE, constants.HF_HUB_DISABLE_TELEMETRY = False, True
    try:
        yield
    except errors.GatedRepoError as exc:
        raise DownloadError(
            f"{what} is gated: the hub needs a token of an account that accepted its terms",
            hint="accept the terms on the model's page, then put the token in HF_TOKEN",
        ) from exc
    except errors.RepositoryNotFoundError as exc:
        raise DownloadError(
            f"{what}: no such repository on {endpoint()} (or it is private)",
            hint="check the repository's name; a private one needs a token in HF_TOKEN",
        ) from exc
    except errors.RevisionNotFoundError as exc:
        raise DownloadError(
            f"{what}: the repository has no such revision",
            hint="check source.revision (a branch, tag or commit) in the manifest",
        ) from exc
    except errors.EntryNotFoundError as exc:
        raise DownloadError(
            f"{what}: the file is not in the repository",
            hint="the catalogue entry may be out of date: check the repository's files",
        ) from exc
    except errors.HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise DownloadError(
            f"{what}: the hub answered {status}",
            hint="a token for a private model goes in HF_TOKEN"
            if status in (401, 403)
            else "try again later",
        ) from exc
    except (DownloadError, Cancelled):
        raise
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise  # the puller says how much more space it needs
        raise _unreachable(what, exc) from exc
    except Exception as exc:  # the HTTP client's own errors (httpx): a connection that failed
        if type(exc).__module__.split(".")[0] not in {"httpx", "httpx2", "httpcore", "h11"}:
            raise
        raise _unreachable(what, exc) from exc
    finally:
        constants.HF_HUB_OFFLINE, constants.HF_HUB_DISABLE_TELEMETRY = before


def _unreachable(what: str, exc: BaseException) -> DownloadError:
    return DownloadError(
        f"{what}: the connection failed ({type(exc).__name__}: {exc})",
        hint="check the connection, then run pull again: it continues from where it stopped",
    )


class _Sink:
    """The partial file as huggingface_hub writes it: its length told, and a cancel felt."""

    def __init__(
        self, out: Any, progress: Callable[[int], None], cancel: threading.Event | None
    ) -> None:
        self._out = out
        self._progress = progress
        self._cancel = cancel

    def write(self, data: bytes) -> int:
        if self._cancel is not None and self._cancel.is_set():
            raise Cancelled
        written = self._out.write(data)
        self._progress(self._out.tell())
        return int(written)

    def tell(self) -> int:
        return int(self._out.tell())

    def seek(self, offset: int, whence: int = 0) -> int:
        return int(self._out.seek(offset, whence))

    def truncate(self, size: int | None = None) -> int:
        kept = int(self._out.truncate(size))
        self._progress(kept)  # the server could not resume: the file starts over
        return kept
