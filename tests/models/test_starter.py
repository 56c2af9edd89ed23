"""The starter kit: assembled from its packages once, checked against the pinned sha256, and a
stand-in only until the configured model is installed."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from core import config as config_mod
from core.paths import Paths
from core.registry import Registry
from models import starter
from models.catalogue import CATALOGUE_DIR
from models.starter import KIT, KitFile, KitModel, Part, assemble


def fake_kit(tmp_path: Path, content: bytes, digest: str) -> tuple[KitModel, ...]:
    """A kit of one voice made of two files in a folder posing as an installed package."""
    package = tmp_path / "site" / "fake_voice_pkg"
    (package / "data").mkdir(parents=True)
    (package / "data" / "a.onnx.part1").write_bytes(content[:5])
    (package / "data" / "a.onnx.part2").write_bytes(content[5:])
    (package / "data" / "a.onnx.json").write_text('{"espeak": {"voice": "en-us"}}')
    import hashlib

    json_digest = hashlib.sha256((package / "data" / "a.onnx.json").read_bytes()).hexdigest()
    voice = KIT[2]
    return (
        KitModel(
            **{
                **{f: getattr(voice, f) for f in voice.__dataclass_fields__},
                "id": "fake-voice",
                "files": (
                    KitFile(
                        "a.onnx",
                        (
                            Part("fake_voice_pkg", "data/a.onnx.part1"),
                            Part("fake_voice_pkg", "data/a.onnx.part2"),
                        ),
                        digest,
                    ),
                    KitFile(
                        "a.onnx.json", (Part("fake_voice_pkg", "data/a.onnx.json"),), json_digest
                    ),
                ),
                "entry": "starter/fake-voice/a.onnx",
            }
        ),
    )


@pytest.fixture
def kit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[KitModel, ...]:
    import hashlib

    content = b"0123456789 a voice"
    made = fake_kit(tmp_path, content, hashlib.sha256(content).hexdigest())
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setattr(starter, "KIT", made)
    return made


def test_assembled_once_checked_and_standing_in(
    kit: tuple[KitModel, ...], domovoy_home: Paths
) -> None:
    domovoy_home.ensure()
    written = assemble(domovoy_home)
    assert [m.id for m in written] == ["fake-voice"]
    voice = domovoy_home.models_dir / "starter" / "fake-voice" / "a.onnx"
    assert voice.read_bytes() == b"0123456789 a voice"  # the parts, in order
    assert assemble(domovoy_home) == []  # a later start does nothing
    registry = Registry.load(domovoy_home, [CATALOGUE_DIR])
    entry = registry.get("fake-voice")
    registry.verify(entry)  # each file's pinned sha256 (no error)
    assert entry.manifest.stands_in == ("tts",) and entry.manifest.license == "CC0-1.0"
    config = config_mod.load(domovoy_home.config_file)
    assert config.audio.tts.model == "piper-ru-irina-medium"  # the config keeps the design's
    assert registry.plays("tts", config.audio.tts.model).id == "fake-voice"  # not installed yet
    # the design's voice arrives: it takes the role back
    irina = registry.get("piper-ru-irina-medium")
    irina.path.parent.mkdir(parents=True, exist_ok=True)
    irina.path.write_bytes(b"onnx")
    assert registry.plays("tts", "piper-ru-irina-medium").id == "piper-ru-irina-medium"


def test_a_part_that_does_not_match_its_checksum_is_not_installed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    domovoy_home: Paths,
    caplog: pytest.LogCaptureFixture,
) -> None:
    made = fake_kit(tmp_path, b"0123456789 a voice", "0" * 64)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setattr(starter, "KIT", made)
    domovoy_home.ensure()
    with caplog.at_level(logging.WARNING):
        assert assemble(domovoy_home) == []
    assert "fake-voice was not assembled" in caplog.text and "sha256" in caplog.text
    assert not list(domovoy_home.manifests_dir.glob("*.yaml"))
    assert not list((domovoy_home.models_dir / "starter" / "fake-voice").glob("*.onnx*"))


def test_a_shared_copy_is_linked_not_assembled_again(
    kit: tuple[KitModel, ...], domovoy_home: Paths, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    first = Paths.from_env({"DOMOVOY_HOME": str(tmp_path / "one")})
    second = Paths.from_env({"DOMOVOY_HOME": str(tmp_path / "two")})
    for paths in (first, second):
        paths.ensure()
        assert assemble(paths, shared=shared)
    one = first.models_dir / "starter" / "fake-voice" / "a.onnx"
    two = second.models_dir / "starter" / "fake-voice" / "a.onnx"
    assert one.stat().st_ino == two.stat().st_ino  # one file on disk, two homes


def test_without_the_packages_nothing_is_assembled(
    monkeypatch: pytest.MonkeyPatch, domovoy_home: Paths
) -> None:
    missing = KitModel(
        **{**{f: getattr(KIT[2], f) for f in KIT[2].__dataclass_fields__}, "id": "absent",
           "files": (KitFile("x", (Part("no_such_package_here", "x"),), "0" * 64),)}
    )  # fmt: skip
    monkeypatch.setattr(starter, "KIT", (missing,))
    domovoy_home.ensure()
    assert assemble(domovoy_home) == []
