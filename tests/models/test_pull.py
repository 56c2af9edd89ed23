"""models pull against a server on loopback: Range or not, a dropped connection, wrong bytes."""

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import yaml

from core.errors import ChecksumMismatchError, DownloadError
from core.events import DownloadProgress
from core.paths import Paths
from core.registry import Registry
from models.fetch_url import check_url
from models.pull import Puller

BLOB = bytes(range(256)) * 4096  # 1 MiB
SHA = hashlib.sha256(BLOB).hexdigest()


@dataclass
class Behaviour:
    ranges: bool = True
    drop_after: int | None = None  # close the connection after this many bytes, once
    corrupt: bool = False
    missing: bool = False
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def server() -> Iterator[tuple[str, Behaviour]]:
    behaviour = Behaviour()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            behaviour.requests.append(self.headers.get("Range", ""))
            if behaviour.missing:
                self.send_error(404, "Not Found")
                return
            data = BLOB if not behaviour.corrupt else BLOB[:-1] + b"X"
            start = 0
            wanted = self.headers.get("Range")
            if wanted and behaviour.ranges:
                start = int(wanted.split("=")[1].split("-")[0])
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            body = data[start:]
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if behaviour.drop_after is not None:
                self.wfile.write(body[: behaviour.drop_after])
                behaviour.drop_after = None
                self.wfile.flush()
                self.connection.close()
                return
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/blob.gguf", behaviour
    httpd.shutdown()
    httpd.server_close()


def catalogue(paths: Paths, url: str, sha: str | None = SHA, size: int = len(BLOB)) -> Registry:
    paths.ensure()
    manifest = {
        "id": "blob-model", "family": "blob", "role": "secondary", "path": "blob/blob.gguf",
        "format": "gguf", "quant": "f16", "context_length": 512, "capabilities": ["chat"],
        "revision": "r1", "checksum_sha256": sha,
        "source": {"url": url, "size_bytes": size, "sha256_published": sha is not None},
    }  # fmt: skip
    (paths.manifests_dir / "blob-model.yaml").write_text(yaml.safe_dump(manifest))
    return Registry.load(paths)


def test_a_pull_downloads_verifies_and_registers(
    server: tuple[str, Behaviour], domovoy_home: Paths
) -> None:
    url, _ = server
    seen: list[DownloadProgress] = []
    puller = Puller(domovoy_home, catalogue(domovoy_home, url), progress=seen.append)
    installed = puller.pull("blob-model")
    target = domovoy_home.models_dir / "blob" / "blob.gguf"
    assert target.read_bytes() == BLOB and installed.checksum_sha256 == SHA
    assert not list(target.parent.glob("*.partial"))
    assert seen[-1].done == seen[-1].total == len(BLOB) and seen[-1].speed_bps > 0
    again = Registry.load(domovoy_home).get("blob-model")
    assert again.installed and again.manifest.metadata["pulled_from"] == url


def test_a_dropped_connection_resumes_with_range(
    server: tuple[str, Behaviour], domovoy_home: Paths
) -> None:
    url, behaviour = server
    behaviour.drop_after = 300_000
    puller = Puller(domovoy_home, catalogue(domovoy_home, url))
    with pytest.raises(DownloadError, match="dropped after 300000") as err:
        puller.pull("blob-model")
    assert "run pull again" in str(err.value)
    partial = domovoy_home.models_dir / ".incoming" / "blob-model" / "blob.gguf.partial"
    assert partial.stat().st_size == 300_000
    assert not Registry.load(domovoy_home).get("blob-model").installed  # nothing half-installed
    puller.pull("blob-model")
    assert behaviour.requests[-1] == "bytes=300000-"  # continued, not restarted
    assert (domovoy_home.models_dir / "blob" / "blob.gguf").read_bytes() == BLOB


def test_a_server_without_range_support_starts_over(
    server: tuple[str, Behaviour], domovoy_home: Paths
) -> None:
    url, behaviour = server
    behaviour.ranges = False
    behaviour.drop_after = 200_000
    puller = Puller(domovoy_home, catalogue(domovoy_home, url))
    with pytest.raises(DownloadError):
        puller.pull("blob-model")
    puller.pull("blob-model")
    assert (domovoy_home.models_dir / "blob" / "blob.gguf").read_bytes() == BLOB


def test_wrong_bytes_are_deleted_and_nothing_registered(
    server: tuple[str, Behaviour], domovoy_home: Paths
) -> None:
    url, behaviour = server
    behaviour.corrupt = True
    puller = Puller(domovoy_home, catalogue(domovoy_home, url))
    with pytest.raises(ChecksumMismatchError):
        puller.pull("blob-model")
    folder = domovoy_home.models_dir / "blob"
    assert not list(folder.glob("*"))
    assert Registry.load(domovoy_home).get("blob-model").manifest.metadata == {}


def test_an_unpublished_checksum_is_recorded_from_the_download(
    server: tuple[str, Behaviour], domovoy_home: Paths
) -> None:
    url, _ = server
    installed = Puller(domovoy_home, catalogue(domovoy_home, url, sha=None)).pull("blob-model")
    assert installed.checksum_sha256 == SHA


def test_404_and_no_space_are_clear(server: tuple[str, Behaviour], domovoy_home: Paths) -> None:
    url, behaviour = server
    behaviour.missing = True
    with pytest.raises(DownloadError, match="404"):
        Puller(domovoy_home, catalogue(domovoy_home, url)).pull("blob-model")
    behaviour.missing = False
    tight = Puller(domovoy_home, catalogue(domovoy_home, url), disk_free=lambda p: 1000)
    with pytest.raises(DownloadError, match="not enough disk space"):
        tight.pull("blob-model")
    assert behaviour.requests == [""]  # the space check came before any byte


def test_cancel_keeps_the_partial_for_later(
    server: tuple[str, Behaviour], domovoy_home: Paths
) -> None:
    url, _ = server
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DownloadError, match="cancelled"):
        Puller(domovoy_home, catalogue(domovoy_home, url)).pull("blob-model", cancel)


@pytest.mark.parametrize(
    "url", ["http://example.org/model.gguf", "ftp://127.0.0.1/x", "file:///etc/passwd"]
)
def test_only_https_leaves_the_machine(url: str) -> None:
    with pytest.raises(DownloadError, match="refusing"):
        check_url(url)
    check_url("https://huggingface.co/x/y/resolve/main/z.gguf")
    check_url("http://127.0.0.1:8000/z.gguf")


def test_the_cli_shows_progress_and_installs(
    server: tuple[str, Behaviour], domovoy_home: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli.main import main

    url, _ = server
    catalogue(domovoy_home, url)
    assert main(["models", "pull", "blob-model"]) == 0
    out, err = capsys.readouterr()
    assert f"installed blob-model (sha256 {SHA})" in out
    assert "100.0%" in err and "MB/s" in err and "ETA" in err
    assert "fit: unknown (" in out  # the fit is reported (this blob is no real model)
    assert main(["models", "pull", "no-such-model"]) == 1
    assert "no model has the id 'no-such-model'" in capsys.readouterr().err
