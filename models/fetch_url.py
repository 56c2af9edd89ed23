"""One file from a plain HTTPS address (a manifest's ``source.url``), resumable across runs.

The bytes go to a ``.partial`` file; a later run asks for the rest (HTTP Range), or starts over
when the server cannot resume. Hub sources go through huggingface_hub instead (models/hub.py).
"""

from __future__ import annotations

import contextlib
import errno
import http.client
import ipaddress
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from core.errors import DownloadError

CHUNK = 1024 * 1024


def check_url(url: str) -> None:
    """HTTPS, or plain http to this machine only (a test hub, a local mirror)."""
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


def fetch_url(
    url: str,
    partial: Path,
    size: int | None,
    *,
    what: str,
    progress: Callable[[int], None],
    cancel: threading.Event | None = None,
    timeout_s: float = 30.0,
) -> None:
    """Fetch ``url`` into ``partial``; ``progress`` hears the partial file's length."""
    have = partial.stat().st_size if partial.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "domovoy"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    context = ssl.create_default_context()  # certificates are always verified
    try:
        response = urllib.request.urlopen(request, timeout=timeout_s, context=context)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have and size == have:
            return  # everything is already here
        hint = "the file is not at that address: the catalogue entry may be out of date"
        raise DownloadError(
            f"{url} answered {exc.code} {exc.reason}",
            hint=hint if exc.code == 404 else "try again later",
        ) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DownloadError(
            f"cannot reach {url}: {getattr(exc, 'reason', exc)}",
            hint="check the connection, then run pull again",
        ) from exc
    with response:
        if have and response.status != 206:
            have = 0  # the server cannot resume: start over
        length = response.headers.get("Content-Length")
        total = have + int(length) if length is not None else size
        done = _copy(what, response, partial, have, progress, cancel)
    if total is not None and done < total:
        raise DownloadError(
            f"the connection dropped after {done} of {total} bytes of {what}",
            hint="run pull again: it continues from where it stopped",
        )


def _copy(
    what: str,
    response: http.client.HTTPResponse,
    partial: Path,
    have: int,
    progress: Callable[[int], None],
    cancel: threading.Event | None,
) -> int:
    done = have
    with partial.open("ab" if have else "wb") as out:
        while True:
            if cancel is not None and cancel.is_set():
                raise DownloadError(
                    f"the download of {what} was cancelled at {done} bytes",
                    hint="run pull again to continue",
                )
            try:
                chunk = response.read(CHUNK)
            except (OSError, http.client.HTTPException) as exc:
                raise DownloadError(
                    f"the connection dropped after {done} bytes of {what}",
                    hint="run pull again: it continues from where it stopped",
                ) from exc
            if not chunk:
                return done
            try:
                out.write(chunk)
            except OSError as exc:
                if exc.errno == errno.ENOSPC:
                    raise  # the puller says how much more space it needs
                raise DownloadError(
                    f"cannot write {partial}: {exc.strerror or exc}",
                    hint="check the models folder's permissions, then run pull again",
                ) from exc
            done += len(chunk)
            progress(done)
