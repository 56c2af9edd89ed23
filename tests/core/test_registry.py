import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.config import Config
from core.errors import ChecksumMismatchError, NoModelForRoleError, UnknownModelError
from core.paths import Paths
from core.registry import Registry, validate_files
from core.registry.checksum import ChecksumCache
from models.catalogue import CATALOGUE_DIR


def manifest(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "qwen2.5-7b-instruct-q5_k_m-v1.1",
        "family": "qwen2.5",
        "role": "secondary",
        "path": "qwen/model.gguf",
        "format": "gguf",
        "quant": "q5_k_m",
        "context_length": 4096,
        "capabilities": ["chat"],
        "revision": "2025-08-21",
        "checksum_sha256": "a" * 64,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


def write(tmp_path: Path, name: str, data: dict[str, Any]) -> Path:
    file = tmp_path / name
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    return file


def problems_of(tmp_path: Path, **overrides: Any) -> list[tuple[str, str]]:
    _, problems = validate_files([write(tmp_path, "m.yaml", manifest(**overrides))])
    return [(p.field, p.rule) for p in problems]


def test_the_shipped_catalogue_is_valid_and_covers_the_starter_set() -> None:
    files = sorted(CATALOGUE_DIR.glob("*.yaml"))
    good, problems = validate_files(files)
    assert problems == []
    ids = {m.id for m, _ in good}
    assert {"gpt-oss-20b-q4km", "bge-m3", "gte-small", "faster-whisper-small", "silero-vad"} <= ids
    roles = {m.role for m, _ in good}
    assert {"primary", "lightweight", "embedding", "stt", "vad", "tts", "emotion"} <= roles
    primary = next(m for m, _ in good if m.id == "gpt-oss-20b-q4km")
    assert primary.load_policy == "eager" and primary.reasoning_modes == ["low", "medium", "high"]
    for m, _ in good:
        if m.format != "package":
            assert m.source is not None and (m.source.url or m.source.repo), m.id


def test_a_valid_manifest_passes(tmp_path: Path) -> None:
    assert problems_of(tmp_path) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"role": "primary", "load": "on_demand"}, ("load", "2")),
        ({"load": "eager", "idle_unload_seconds": 300}, ("idle_unload_seconds", "3")),
        ({"role": "primary", "idle_unload_seconds": 300}, ("idle_unload_seconds", "3")),
        ({"checksum_sha256": None}, ("checksum_sha256", "4")),
        ({"reasoning_modes": ["low"]}, ("reasoning_modes", "5")),
        ({"id": "qwen-7b-v1.1"}, ("id", "naming")),
        ({"checksum_sha256": "xyz"}, ("checksum_sha256", "schema")),
        ({"role": "boss"}, ("role", "schema")),
        ({"family": ...}, ("family", "schema")),
        ({"colour": "red"}, ("colour", "schema")),
    ],
)
def test_each_broken_rule_is_named(
    tmp_path: Path, overrides: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert expected in problems_of(tmp_path, **overrides)


def test_rules_that_hold_are_not_reported(tmp_path: Path) -> None:
    ok = [
        {"role": "primary"},  # load defaults to eager for a primary
        {"idle_unload_seconds": 300},  # load defaults to on_demand for a secondary
        {"reasoning_modes": ["low", "high"], "capabilities": ["chat", "judge"]},
        {"reasoning_modes": ["medium"], "role": "optional_moe"},
        {"checksum_sha256": None, "skip_checksum": True},
        {"checksum_sha256": None, "source": {"repo": "a/b", "file": "m.gguf"}},
        {"id": "my-own-model"},  # claims no version: the convention does not apply
    ]
    for overrides in ok:
        assert problems_of(tmp_path, **overrides) == [], overrides


def test_all_problems_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path, role="primary", load="on_demand", reasoning_modes=["low"], id="bad-v1.0"
    )
    assert {rule for _, rule in found} == {"2", "5", "naming"}


def test_duplicate_ids_name_both_files(tmp_path: Path) -> None:
    a = write(tmp_path, "a.yaml", manifest())
    b = write(tmp_path, "b.yaml", manifest(path="other.gguf"))
    good, problems = validate_files([a, b])
    assert len(problems) == 1
    assert problems[0].rule == "1" and problems[0].file == b
    assert str(a) in problems[0].message
    assert str(problems[0]).startswith(f"{b}: id: ")
    assert [f for _, f in good] == [a]


def test_malformed_yaml_is_reported_with_its_line(tmp_path: Path) -> None:
    file = tmp_path / "bad.yaml"
    file.write_text("id: x\nfamily: [unclosed\nrole: primary\n", encoding="utf-8")
    _, problems = validate_files([file])
    assert problems[0].rule == "yaml" and "line" in problems[0].message


def test_rule_4_checks_the_file_when_it_is_there(tmp_path: Path) -> None:
    models = tmp_path / "models"
    (models / "qwen").mkdir(parents=True)
    (models / "qwen" / "model.gguf").write_bytes(b"GGUF not really")
    cache = ChecksumCache(tmp_path / "sums.json")
    file = write(tmp_path, "m.yaml", manifest())
    _, problems = validate_files([file], models_dir=models, checksums=cache)
    assert [(p.field, p.rule) for p in problems] == [("checksum_sha256", "4")]
    good_sum = hashlib.sha256(b"GGUF not really").hexdigest()
    file = write(tmp_path, "m.yaml", manifest(checksum_sha256=good_sum))
    _, problems = validate_files([file], models_dir=models, checksums=cache)
    assert problems == []


def test_checksums_are_remembered_by_size_and_mtime(tmp_path: Path) -> None:
    blob = tmp_path / "blob.bin"
    blob.write_bytes(b"x" * 1000)
    cache = ChecksumCache(tmp_path / "sums.json")
    first = cache.sha256(blob)
    assert first == hashlib.sha256(b"x" * 1000).hexdigest()
    again = ChecksumCache(tmp_path / "sums.json")  # a new start reads the remembered value
    assert again.sha256(blob) == first and again.computed == 0
    blob.write_bytes(b"y" * 1001)
    assert again.sha256(blob) == hashlib.sha256(b"y" * 1001).hexdigest()
    assert again.computed == 1
    with pytest.raises(ChecksumMismatchError) as err:
        again.verify(blob, first)
    assert str(blob) in str(err.value) and "download it again" in str(err.value)


def test_registry_roles_and_user_overrides(domovoy_home: Paths, tmp_path: Path) -> None:
    domovoy_home.ensure()
    model_file = domovoy_home.models_dir / "mine.gguf"
    model_file.write_bytes(b"GGUF")
    write(
        domovoy_home.manifests_dir,
        "mine.yaml",
        manifest(
            id="mine", role="primary", path="mine.gguf", checksum_sha256=None, skip_checksum=True
        ),
    )
    write(  # the user's manifest with a catalogue id replaces the catalogue's entry
        domovoy_home.manifests_dir,
        "gte.yaml",
        manifest(id="gte-small", role="embedding", path="gte"),
    )
    registry = Registry.load(domovoy_home, [CATALOGUE_DIR])
    assert registry.problems == []
    assert registry.get("gte-small").origin == "user"
    assert registry.get("bge-m3").origin == "catalogue"
    config = Config()
    config.llm.primary.id = "mine"
    assert registry.for_role("primary", config).path == model_file
    with pytest.raises(NoModelForRoleError, match="no model is set for the micro role"):
        registry.for_role("micro", config)
    config.llm.primary.id = "gpt-oss-20b-q4km"
    with pytest.raises(NoModelForRoleError, match="not installed") as err:
        registry.for_role("primary", config)
    assert "domovoy[starter]" in str(err.value)
    with pytest.raises(UnknownModelError, match="nope"):
        registry.get("nope")
