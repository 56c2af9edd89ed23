"""Streaming sha256 of model files, remembered by size and mtime.

A 12 GB GGUF takes about a minute to hash; start-up must not pay that every time. The cache is a
small JSON file keyed by absolute path; an entry counts only while the file's size and mtime are
the ones it was computed for.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from pathlib import Path

from core.errors import ChecksumMismatchError, ModelFileError
from core.fs import atomic_write_text

CHUNK = 8 * 1024 * 1024


def sha256_file(path: Path, progress: Callable[[int, int], None] | None = None) -> str:
    """Hash a file in chunks, calling ``progress(done, total)`` along the way."""
    digest = hashlib.sha256()
    try:
        total = path.stat().st_size
        done = 0
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    except FileNotFoundError as exc:
        raise ModelFileError(path, "the file does not exist") from exc
    except OSError as exc:
        raise ModelFileError(path, f"cannot read the file: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def git_blob_id(path: Path) -> str:
    """Git's object id of a file (sha1 over ``blob <size>\\0`` and the bytes): what the hub lists
    for a small file that is not in LFS."""
    digest = hashlib.sha1(b"blob %d\0" % path.stat().st_size)
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ChecksumCache:
    def __init__(self, file: Path) -> None:
        self._file = file
        self._lock = threading.Lock()
        self.computed = 0  # how many files were actually hashed (tests and doctor read it)

    def sha256(self, path: Path) -> str:
        path = path.resolve()
        try:
            st = path.stat()
        except FileNotFoundError as exc:
            raise ModelFileError(path, "the file does not exist") from exc
        key = str(path)
        with self._lock:
            entry = self._read().get(key)
        if entry and entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns:
            return str(entry["sha256"])
        digest = sha256_file(path)
        self.computed += 1
        self.remember(path, digest)
        return digest

    def remember(self, path: Path, digest: str) -> None:
        """Record a hash computed while the file was written (no second read)."""
        path = path.resolve()
        st = path.stat()
        with self._lock:
            data = self._read()
            data[str(path)] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest}
            self._write(data)

    def verify(self, path: Path, expected: str) -> None:
        actual = self.sha256(path)
        if actual != expected.lower():
            raise ChecksumMismatchError(path, expected, actual)

    def _read(self) -> dict[str, dict[str, object]]:
        try:
            data = json.loads(self._file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # a lost or damaged cache only costs a re-hash
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, dict[str, object]]) -> None:
        atomic_write_text(self._file, json.dumps(data, indent=1))
