"""A model hub on loopback that speaks the Hugging Face Hub's HTTP protocol, for tests.

What huggingface_hub and ``domovoy models pull`` call, as the real hub answers it:

- ``GET /api/models/{repo}/revision/{revision}``: the repository at a branch, tag or commit
  (``sha`` is the commit);
- ``GET /api/models/{repo}/tree/{revision}[/{path}]?recursive=true``: the files, each with its
  size and git blob id, and for a large (LFS) file its sha256 (``lfs.oid``);
- ``GET|HEAD /{repo}/resolve/{revision}/{path}``: a small file is served at once (its ETag the
  blob id); a large one redirects (302) to the file host, with ``X-Linked-Etag`` (its sha256),
  ``X-Linked-Size`` and ``X-Repo-Commit``;
- ``GET /lfs/{sha256}``: the file host (another origin, as the hub's CDN is), with HTTP Range;
- errors as the hub gives them: 401 ``RepoNotFound`` for a repository that does not exist (or is
  private), 401 ``GatedRepo`` for a gated one, 404 ``RevisionNotFound`` and ``EntryNotFound``.

Faults on request (``Faults``): a connection dropped after some bytes, a host that ignores Range,
a wrong byte in a file, a gated repository. Every request is recorded.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

LFS_FROM = 10_000  # files this large (bytes) are LFS files, as on the hub


def git_blob_id(data: bytes) -> str:
    """Git's object id of a file: sha1 over ``blob <size>\\0`` and the bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Repo:
    files: dict[str, bytes]
    commit: str
    refs: set[str]  # the branches and tags that name this commit

    def entry(self, path: str) -> dict[str, object]:
        data = self.files[path]
        out: dict[str, object] = {
            "type": "file",
            "oid": git_blob_id(data),
            "size": len(data),
            "path": path,
        }
        if len(data) >= LFS_FROM:
            lfs = {"oid": hashlib.sha256(data).hexdigest(), "size": len(data), "pointerSize": 134}
            out["lfs"] = lfs
        return out


@dataclass
class Faults:
    drop_after: dict[str, int] = field(default_factory=dict)  # path → close after N bytes, once
    no_ranges: bool = False  # the file host ignores Range and sends the whole file
    corrupt: set[str] = field(default_factory=set)  # paths served with their last byte changed
    gated: set[str] = field(default_factory=set)  # repositories that need a token


@dataclass
class Request:
    method: str
    path: str
    range: str


class TestHub:
    __test__ = False  # not a pytest class

    def __init__(self) -> None:
        self.repos: dict[str, list[Repo]] = {}
        self.faults = Faults()
        self.requests: list[Request] = []
        self._servers: list[ThreadingHTTPServer] = []
        self._server: ThreadingHTTPServer | None = None
        self._files: ThreadingHTTPServer | None = None

    # --- content -------------------------------------------------------------------------------

    def add(self, repo: str, files: dict[str, bytes], *, revision: str = "main") -> str:
        """Publish ``files`` as ``repo`` at ``revision``; returns the commit."""
        digest = hashlib.sha1(repo.encode())
        for path in sorted(files):
            digest.update(path.encode() + b"\0" + files[path])
        commit = digest.hexdigest()
        versions = self.repos.setdefault(repo, [])
        for version in versions:
            version.refs.discard(revision)
        refs = {revision} if versions else {revision, "main"}  # the first version is main too
        versions.append(Repo(dict(files), commit, refs))
        return commit

    def add_folder(self, repo: str, folder: Path, *, revision: str = "main") -> str:
        files = {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }
        return self.add(repo, files, revision=revision)

    def find(self, repo: str, revision: str) -> Repo | None:
        for version in reversed(self.repos.get(repo, [])):
            if revision in version.refs or revision == version.commit:
                return version
        return None

    def lfs_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.startswith("/lfs/")]

    # --- the server ----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The hub: its API and the resolve endpoint."""
        assert self._server is not None, "start the hub first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def files_url(self) -> str:
        """The file host a large file's resolve redirects to (the real hub's CDN)."""
        assert self._files is not None, "start the hub first"
        return f"http://127.0.0.1:{self._files.server_address[1]}"

    def start(self) -> TestHub:
        hub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                hub._answer(self, body=True)

            def do_HEAD(self) -> None:
                hub._answer(self, body=False)

            def log_message(self, *args: object) -> None:
                pass

        self._servers = [ThreadingHTTPServer(("127.0.0.1", 0), Handler) for _ in range(2)]
        for server in self._servers:
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
        self._server, self._files = self._servers
        return self

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []
        self._server = self._files = None

    def __enter__(self) -> TestHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- answers -------------------------------------------------------------------------------

    def _answer(self, h: BaseHTTPRequestHandler, *, body: bool) -> None:
        parts = urlsplit(h.path)
        path = unquote(parts.path)
        self.requests.append(Request(h.command, path, h.headers.get("Range", "")))
        query = parse_qs(parts.query)
        if path.startswith("/api/models/"):
            self._api(h, path.removeprefix("/api/models/"), query)
        elif path.startswith("/lfs/"):
            self._lfs(h, path.removeprefix("/lfs/"), body=body)
        elif "/resolve/" in path:
            self._resolve(h, path.strip("/"), body=body)
        else:
            _send(h, 404, b"", {"X-Error-Code": "EntryNotFound"})

    def _repo(self, h: BaseHTTPRequestHandler, repo: str, revision: str) -> Repo | None:
        if repo not in self.repos:
            _error(h, 401, "RepoNotFound", "Repository not found")
            return None
        if repo in self.faults.gated and "authorization" not in {k.lower() for k in h.headers}:
            _error(h, 401, "GatedRepo", "Access to this model is restricted")
            return None
        found = self.find(repo, revision)
        if found is None:
            _error(h, 404, "RevisionNotFound", f"Invalid rev id: {revision}")
        return found

    def _api(self, h: BaseHTTPRequestHandler, rest: str, query: dict[str, list[str]]) -> None:
        owner, name, kind, tail = [*rest.split("/", 3), "", "", ""][:4]
        repo = f"{owner}/{name}"
        revision, _, inside = tail.partition("/")
        found = self._repo(h, repo, revision or "main")
        if found is None:
            return
        if kind == "revision":
            info = {
                "id": repo,
                "sha": found.commit,
                "private": False,
                "gated": repo in self.faults.gated and "auto",
                "siblings": [{"rfilename": p} for p in sorted(found.files)],
            }
            _send_json(h, info)
        elif kind == "tree":
            recursive = query.get("recursive", ["false"])[0].lower() == "true"
            _send_json(h, list(_tree(found, inside.strip("/"), recursive)))
        else:
            _error(h, 404, "EntryNotFound", f"no API {kind}")

    def _resolve(self, h: BaseHTTPRequestHandler, path: str, *, body: bool) -> None:
        repo_part, _, rest = path.partition("/resolve/")
        revision, _, file = rest.partition("/")
        found = self._repo(h, repo_part, revision)
        if found is None:
            return
        if file not in found.files:
            _error(h, 404, "EntryNotFound", f"{file} does not exist at {revision}")
            return
        entry = found.entry(file)
        headers = {"X-Repo-Commit": found.commit, "Accept-Ranges": "bytes"}
        if "lfs" in entry:
            sha = hashlib.sha256(found.files[file]).hexdigest()
            headers |= {
                "ETag": f'"{sha}"',
                "X-Linked-Etag": f'"{sha}"',
                "X-Linked-Size": str(len(found.files[file])),
                "Location": f"{self.files_url}/lfs/{sha}?repo={repo_part}&file={file}",
            }
            _send(h, 302, b"", headers, body=body)
            return
        headers["ETag"] = f'"{entry["oid"]}"'
        self._serve(h, file, self._bytes(file, found.files[file]), headers, body=body)

    def _lfs(self, h: BaseHTTPRequestHandler, sha: str, *, body: bool) -> None:
        query = parse_qs(urlsplit(h.path).query)
        for versions in self.repos.values():
            for version in versions:
                for path, data in version.files.items():
                    if hashlib.sha256(data).hexdigest() == sha:
                        file = query.get("file", [path])[0]
                        served = self._bytes(file, data)
                        return self._serve(h, file, served, {"ETag": f'"{sha}"'}, body=body)
        _send(h, 404, b"", {})

    def _bytes(self, path: str, data: bytes) -> bytes:
        if path in self.faults.corrupt and data:
            return data[:-1] + bytes([data[-1] ^ 0xFF])
        return data

    def _serve(
        self,
        h: BaseHTTPRequestHandler,
        path: str,
        data: bytes,
        headers: dict[str, str],
        *,
        body: bool,
    ) -> None:
        start, status = 0, 200
        wanted = h.headers.get("Range", "")
        if wanted.startswith("bytes=") and not self.faults.no_ranges:
            start = int(wanted.removeprefix("bytes=").split("-")[0] or 0)
            if start >= len(data):
                _send(h, 416, b"", {"Content-Range": f"bytes */{len(data)}"})
                return
            status = 206
            headers = headers | {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"}
        chunk = data[start:]
        drop = self.faults.drop_after.pop(path, None) if body else None
        if drop is not None:
            h.send_response(status)
            for key, value in (headers | {"Content-Length": str(len(chunk))}).items():
                h.send_header(key, value)
            h.end_headers()
            h.wfile.write(chunk[:drop])
            h.wfile.flush()
            h.close_connection = True
            h.connection.shutdown(2)
            return
        _send(h, status, chunk, headers, body=body)


def _tree(repo: Repo, inside: str, recursive: bool) -> Iterator[dict[str, object]]:
    prefix = f"{inside}/" if inside else ""
    folders: set[str] = set()
    for path in sorted(repo.files):
        if not path.startswith(prefix):
            continue
        rest = path.removeprefix(prefix)
        if "/" in rest and not recursive:
            folders.add(prefix + rest.split("/")[0])
            continue
        if recursive:
            parts = rest.split("/")[:-1]
            folders.update(prefix + "/".join(parts[: i + 1]) for i in range(len(parts)))
        yield repo.entry(path)
    for folder in sorted(folders):
        yield {"type": "directory", "oid": git_blob_id(folder.encode()), "size": 0, "path": folder}


def _error(h: BaseHTTPRequestHandler, status: int, code: str, message: str) -> None:
    data = json.dumps({"error": message}).encode()
    headers = {"X-Error-Code": code, "X-Error-Message": message}
    _send(h, status, data, headers | {"Content-Type": "application/json"})


def _send_json(h: BaseHTTPRequestHandler, payload: object) -> None:
    _send(h, 200, json.dumps(payload).encode(), {"Content-Type": "application/json"})


def _send(
    h: BaseHTTPRequestHandler,
    status: int,
    data: bytes,
    headers: dict[str, str],
    *,
    body: bool = True,
) -> None:
    h.send_response(status)
    for key, value in headers.items():
        h.send_header(key, value)
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    if body and data:
        h.wfile.write(data)
