"""models pull from a hub that speaks the Hugging Face Hub's protocol (models/testing/hub.py, on
loopback): whole repositories at one commit, companion files, every byte checked, resumable
across runs, and each fault ending in one clear message with nothing half-installed."""

from __future__ import annotations

import hashlib
import itertools
import random
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from core.errors import ChecksumMismatchError, DownloadError
from core.events import DownloadProgress
from core.paths import Paths
from core.registry import Registry
from models.catalogue import CATALOGUE_DIR, STARTER_SET
from models.pull import INCOMING, Puller
from models.testing.hub import TestHub


def blob(n: int, seed: int) -> bytes:
    """``n`` bytes that differ per seed (an LFS file from 10 kB on, as on the hub)."""
    return random.Random(seed).randbytes(n)


def small(text: str) -> bytes:
    return text.encode()


BIG = 40_000
MIB = 1024 * 1024
LESSAC = "en/en_US/lessac/medium/en_US-lessac-medium.onnx"

# The catalogue's repositories as the hub holds them, stray formats and all.
REPOS: dict[str, tuple[str, dict[str, bytes]]] = {
    "Systran/faster-whisper-small": ("main", {
        "config.json": small("{}"), "model.bin": blob(BIG, 1), "tokenizer.json": small("{}"),
        "vocabulary.txt": small("a\nb\n"), "README.md": small("# whisper"),
        ".gitattributes": small("*.bin filter=lfs"),
    }),
    "BAAI/bge-m3": ("main", {
        "modules.json": small("[]"), "config.json": small("{}"),
        "config_sentence_transformers.json": small("{}"), "sentence_bert_config.json": small("{}"),
        "1_Pooling/config.json": small("{}"), "model.safetensors": blob(BIG, 2),
        "pytorch_model.bin": blob(BIG, 3), "sentencepiece.bpe.model": blob(BIG, 4),
        "tokenizer.json": small("{}"), "tokenizer_config.json": small("{}"),
        "special_tokens_map.json": small("{}"), "colbert_linear.pt": blob(BIG, 5),
        "sparse_linear.pt": blob(BIG, 6), "onnx/model.onnx": blob(BIG, 7),
        "onnx/config.json": small("{}"), "imgs/bm25.jpg": blob(BIG, 8), "README.md": small("#"),
    }),
    "thenlper/gte-small": ("main", {
        "modules.json": small("[]"), "config.json": small("{}"), "vocab.txt": small("x\n"),
        "sentence_bert_config.json": small("{}"), "1_Pooling/config.json": small("{}"),
        "model.safetensors": blob(BIG, 9), "pytorch_model.bin": blob(BIG, 10),
        "onnx/model.onnx": blob(BIG, 11), "tokenizer.json": small("{}"),
        "tokenizer_config.json": small("{}"), "special_tokens_map.json": small("{}"),
    }),
    "j-hartmann/emotion-english-distilroberta-base": ("main", {
        "config.json": small("{}"), "merges.txt": small("#"), "vocab.json": small("{}"),
        "special_tokens_map.json": small("{}"), "tokenizer_config.json": small("{}"),
        "pytorch_model.bin": blob(BIG, 12), "tf_model.h5": blob(BIG, 13), "README.md": small("#"),
    }),
    "unsloth/gpt-oss-20b-GGUF": ("main", {
        "gpt-oss-20b-Q4_K_M.gguf": blob(BIG, 14), "gpt-oss-20b-F16.gguf": blob(BIG, 15),
    }),
    "bartowski/Phi-3.5-mini-instruct-GGUF": ("main", {
        "Phi-3.5-mini-instruct-Q4_K_M.gguf": blob(BIG, 16),
        "Phi-3.5-mini-instruct-Q8_0.gguf": blob(BIG, 17),
    }),
    "rhasspy/piper-voices": ("v1.0.0", {
        "en/en_US/lessac/medium/en_US-lessac-medium.onnx": blob(BIG, 18),
        "en/en_US/lessac/medium/en_US-lessac-medium.onnx.json": small('{"audio": {}}'),
        "en/en_US/lessac/medium/MODEL_CARD": small("lessac"),
        "ru/ru_RU/irina/medium/ru_RU-irina-medium.onnx": blob(BIG, 19),
        "ru/ru_RU/irina/medium/ru_RU-irina-medium.onnx.json": small('{"audio": {}}'),
        "voices.json": small("{}"),
    }),
}  # fmt: skip

# What each model installs: one weight format, its companions, nothing else.
INSTALLED = {
    "faster-whisper-small": {"config.json", "model.bin", "tokenizer.json", "vocabulary.txt"},
    "bge-m3": {
        "modules.json", "config.json", "config_sentence_transformers.json",
        "sentence_bert_config.json", "1_Pooling/config.json", "model.safetensors",
        "sentencepiece.bpe.model", "tokenizer.json", "tokenizer_config.json",
        "special_tokens_map.json",
    },
    "gte-small": {
        "modules.json", "config.json", "vocab.txt", "sentence_bert_config.json",
        "1_Pooling/config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
        "special_tokens_map.json",
    },
    "distilroberta-emotion": {
        "config.json", "merges.txt", "vocab.json", "special_tokens_map.json",
        "tokenizer_config.json", "pytorch_model.bin",
    },
    "gpt-oss-20b-q4km": {"gpt-oss-20b-Q4_K_M.gguf"},
    "phi-3.5-mini-instruct-q4_k_m-v1.0": {"Phi-3.5-mini-instruct-Q4_K_M.gguf"},
    "piper-en-lessac-medium": {"en_US-lessac-medium.onnx", "en_US-lessac-medium.onnx.json"},
    "piper-ru-irina-medium": {"ru_RU-irina-medium.onnx", "ru_RU-irina-medium.onnx.json"},
}  # fmt: skip


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestHub]:
    with TestHub() as served:
        for repo, (revision, files) in REPOS.items():
            served.add(repo, files, revision=revision)
        monkeypatch.setenv("HF_ENDPOINT", served.url)
        for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
            monkeypatch.delenv(name, raising=False)  # the user asked for this pull
        yield served


def registry(paths: Paths) -> Registry:
    paths.ensure()
    return Registry.load(paths, [CATALOGUE_DIR])


def files_of(path: Path) -> set[str]:
    """A folder model's files; a file model's file and the companions named after it."""
    if path.is_file() or not path.exists():
        stem = path.name.split(".")[0]
        return {p.name for p in path.parent.iterdir() if p.name.startswith(stem)}
    return {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}


def installed_files(registry: Registry, model_id: str) -> list[Path]:
    path = registry.get(model_id).path
    base = path if path.is_dir() else path.parent
    return [base / name for name in INSTALLED[model_id]]


def test_the_whole_catalogue_is_pulled_through_the_hub_each_file_checked(
    hub: TestHub, domovoy_home: Paths
) -> None:
    assert set(STARTER_SET) == set(INSTALLED)  # every role's model, and only catalogue ones
    seen: list[DownloadProgress] = []
    took: list[str] = []
    puller = Puller(domovoy_home, registry(domovoy_home), progress=seen.append)
    puller.pull_many(STARTER_SET, installed=lambda m: took.append(m.id))
    assert took == list(STARTER_SET)  # each registered as soon as it was checked
    again = registry(domovoy_home)
    for model_id, expected in INSTALLED.items():
        entry = again.get(model_id)
        assert entry.origin == "user" and entry.installed, model_id
        assert files_of(entry.path) == expected, model_id
        manifest = entry.manifest
        assert manifest.source is not None and len(manifest.source.revision) == 40  # pinned
        assert manifest.metadata["pulled_from"].startswith(hub.url)
        again.verify(entry)  # every file against the sha256 recorded from the hub's listing
        if entry.path.is_dir() or len(expected) > 1:
            assert set(manifest.files_sha256) == expected, model_id
    total = sum(f.stat().st_size for m in INSTALLED for f in installed_files(again, m))
    assert seen[-1].done == seen[-1].total == total  # one progress over every file
    asked = {r.path.split("/")[1] if "/resolve/" not in r.path else "resolve" for r in hub.requests}
    assert asked == {"api", "resolve", "lfs"}  # listings and files: no telemetry, no agent list
    assert all(r.path.startswith("/api/models/") for r in hub.requests if r.path[:5] == "/api/")
    assert all(a.done <= b.done for a, b in itertools.pairwise(seen))
    assert not (domovoy_home.models_dir / INCOMING).exists() or not any(
        (domovoy_home.models_dir / INCOMING).iterdir()
    )


def test_an_interrupted_pull_resumes_without_fetching_a_file_again(
    hub: TestHub, domovoy_home: Paths
) -> None:
    big = "en/en_US/lessac/medium/en_US-lessac-medium.onnx"
    data = blob(24 * MIB, 20)  # huggingface_hub writes 10 MiB at a time
    hub.add("rhasspy/piper-voices", {**REPOS["rhasspy/piper-voices"][1], big: data},
            revision="v1.0.0")  # fmt: skip
    hub.faults.drop_after[big] = 12 * MIB  # the connection drops once, mid-file
    cancel = threading.Event()

    def progress(p: DownloadProgress) -> None:
        if p.file == "en_US-lessac-medium.onnx" and p.done >= 10 * MIB:
            cancel.set()  # the user stops the pull while huggingface_hub tries again

    first = Puller(domovoy_home, registry(domovoy_home), progress=progress)
    with pytest.raises(DownloadError, match="cancelled") as err:
        first.pull("piper-en-lessac-medium", cancel)
    assert "run pull again" in str(err.value)
    partial = domovoy_home.models_dir / INCOMING / "piper-en-lessac-medium"
    assert (partial / "en_US-lessac-medium.onnx.partial").stat().st_size == 10 * MIB
    assert not registry(domovoy_home).get("piper-en-lessac-medium").installed
    before = len(hub.requests)
    Puller(domovoy_home, registry(domovoy_home)).pull("piper-en-lessac-medium")
    lfs = [r for r in hub.requests[before:] if r.path.startswith("/lfs/")]
    assert [r.range for r in lfs] == [f"bytes={10 * MIB}-"]  # the rest of that file, only it
    voice = domovoy_home.models_dir / "piper" / "en_US-lessac-medium.onnx"
    assert voice.read_bytes() == data
    assert voice.with_name("en_US-lessac-medium.onnx.json").exists()  # its companion


def test_a_dropped_connection_and_a_host_that_cannot_resume_still_give_the_right_bytes(
    hub: TestHub, domovoy_home: Paths
) -> None:
    data = blob(12 * MIB, 21)
    hub.add("unsloth/gpt-oss-20b-GGUF", {"gpt-oss-20b-Q4_K_M.gguf": data})
    hub.faults.drop_after["gpt-oss-20b-Q4_K_M.gguf"] = 11 * MIB
    hub.faults.no_ranges = True  # so huggingface_hub's retry gets the whole file again
    seen: list[DownloadProgress] = []
    puller = Puller(domovoy_home, registry(domovoy_home), progress=seen.append)
    installed = puller.pull("gpt-oss-20b-q4km")
    assert installed.checksum_sha256 == hashlib.sha256(data).hexdigest()
    ranges = [r.range for r in hub.lfs_requests()]
    assert ranges == ["", f"bytes={10 * MIB}-"]  # asked to resume; the host sent it all again
    assert [p.done for p in seen] == [10 * MIB, 0, 10 * MIB, 12 * MIB]  # and it started over


@pytest.mark.parametrize(
    "bad", [LESSAC, LESSAC + ".json"]
)  # fmt: skip
def test_a_wrong_byte_refuses_the_whole_model_and_leaves_nothing(
    hub: TestHub, domovoy_home: Paths, bad: str
) -> None:
    hub.faults.corrupt.add(bad)  # the hub's listing says one thing, the bytes another
    with pytest.raises(ChecksumMismatchError, match=Path(bad).name.replace(".", r"\.")):
        Puller(domovoy_home, registry(domovoy_home)).pull("piper-en-lessac-medium")
    assert not (domovoy_home.models_dir / "piper").exists() or not any(
        (domovoy_home.models_dir / "piper").iterdir()
    )
    assert not (domovoy_home.models_dir / INCOMING / "piper-en-lessac-medium").exists()
    assert not (domovoy_home.manifests_dir / "piper-en-lessac-medium.yaml").exists()


def test_a_folder_replaces_an_older_copy_only_once_it_is_checked(
    hub: TestHub, domovoy_home: Paths
) -> None:
    folder = domovoy_home.models_dir / "gte-small"
    folder.mkdir(parents=True)
    (folder / "old.bin").write_bytes(b"an older copy")
    hub.faults.corrupt.add("model.safetensors")
    with pytest.raises(ChecksumMismatchError):
        Puller(domovoy_home, registry(domovoy_home)).pull("gte-small")
    assert files_of(folder) == {"old.bin"}  # untouched by the refused pull
    hub.faults.corrupt.clear()
    Puller(domovoy_home, registry(domovoy_home)).pull("gte-small")
    assert files_of(folder) == INSTALLED["gte-small"]


def test_the_disk_is_checked_for_the_whole_pull_before_any_byte(
    hub: TestHub, domovoy_home: Paths
) -> None:
    tight = Puller(domovoy_home, registry(domovoy_home), margin=0, disk_free=lambda p: 50_000)
    with pytest.raises(DownloadError, match="not enough disk space for 8 models") as err:
        tight.pull_many(STARTER_SET)
    assert "GB needed" in str(err.value)
    assert not [r for r in hub.requests if "/resolve/" in r.path or r.path.startswith("/lfs/")]


def test_hub_errors_say_what_and_what_to_do(hub: TestHub, domovoy_home: Paths) -> None:
    reg = registry(domovoy_home)
    hub.faults.gated.add("bartowski/Phi-3.5-mini-instruct-GGUF")
    with pytest.raises(DownloadError, match="gated") as err:
        Puller(domovoy_home, reg).pull("phi-3.5-mini-instruct-q4_k_m-v1.0")
    assert "HF_TOKEN" in str(err.value)
    hub.repos.pop("thenlper/gte-small")
    with pytest.raises(DownloadError, match="no such repository"):
        Puller(domovoy_home, reg).pull("gte-small")
    hub.repos.pop("unsloth/gpt-oss-20b-GGUF")
    hub.add("unsloth/gpt-oss-20b-GGUF", {"README.md": small("moved")})
    with pytest.raises(DownloadError, match=r"has no gpt-oss-20b-Q4_K_M\.gguf"):
        Puller(domovoy_home, reg).pull("gpt-oss-20b-q4km")
    user = domovoy_home.manifests_dir / "my-voice.yaml"
    manifest = yaml.safe_load((CATALOGUE_DIR / "piper-en-lessac-medium.yaml").read_text())
    manifest |= {"id": "my-voice", "path": "piper/my.onnx"}
    manifest["source"] |= {"revision": "v9"}
    user.write_text(yaml.safe_dump(manifest))
    with pytest.raises(DownloadError, match="no such revision"):
        Puller(domovoy_home, registry(domovoy_home)).pull("my-voice")


def test_nothing_is_fetched_when_the_user_is_offline_or_the_hub_is_plain_http(
    hub: TestHub, domovoy_home: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("core.local_only._set_here", set())
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(DownloadError, match="downloads are off: HF_HUB_OFFLINE") as err:
        Puller(domovoy_home, registry(domovoy_home)).pull("gte-small")
    assert "models import" in str(err.value)
    monkeypatch.delenv("HF_HUB_OFFLINE")
    off = Puller(domovoy_home, registry(domovoy_home), downloads=False)  # the settings' switch
    with pytest.raises(DownloadError, match="model downloads are off in the settings"):
        off.pull("gte-small")
    monkeypatch.setenv("HF_ENDPOINT", "http://hub.example.org")
    with pytest.raises(DownloadError, match="refusing to download over http"):
        Puller(domovoy_home, registry(domovoy_home)).pull("gte-small")
    assert hub.requests == []


def test_the_libraries_own_offline_switch_does_not_stop_a_pull(
    hub: TestHub, domovoy_home: Paths
) -> None:
    from core.local_only import keep_libraries_local

    keep_libraries_local()  # as an embedder loading in the window does
    Puller(domovoy_home, registry(domovoy_home)).pull("gte-small")
    assert registry(domovoy_home).get("gte-small").installed


def test_a_disk_that_fills_up_mid_pull_keeps_what_was_checked_and_says_what_is_needed(
    hub: TestHub, domovoy_home: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from models import hub as hub_client

    write = hub_client._Sink.write

    def full(self: hub_client._Sink, data: bytes) -> int:
        if len(data) < 100:  # the companion .onnx.json: the disk is full by then
            raise OSError(errno.ENOSPC, "No space left on device")
        return write(self, data)

    monkeypatch.setattr(hub_client._Sink, "write", full)
    with pytest.raises(DownloadError, match="the disk filled up while pulling") as err:
        Puller(domovoy_home, registry(domovoy_home)).pull("piper-en-lessac-medium")
    assert "GB more are needed" in str(err.value) and "what was fetched is kept" in str(err.value)
    assert not registry(domovoy_home).get("piper-en-lessac-medium").installed
    monkeypatch.setattr(hub_client._Sink, "write", write)
    before = len(hub.lfs_requests())
    Puller(domovoy_home, registry(domovoy_home)).pull("piper-en-lessac-medium")
    assert len(hub.lfs_requests()) == before  # the voice was kept: only its companion came
