"""``domovoy models pull`` (one model, --starter), ``list --sources`` and ``import`` through the
command line, against the test hub; the import reads a hub cache that huggingface_hub itself
wrote (snapshot_download from the test hub) and a plain folder of model files."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli.main import main
from core.errors import ChecksumMismatchError
from core.paths import Paths
from models.catalogue import STARTER_SET
from models.testing.hub import TestHub
from tests.models.test_hub_pull import INSTALLED, REPOS, files_of, hub, registry  # noqa: F401


def test_pull_one_model_then_the_starter_set_with_one_progress_line(
    hub: TestHub,  # noqa: F811
    domovoy_home: Paths,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["models", "pull", "piper-en-lessac-medium"]) == 0
    out, err = capsys.readouterr()
    assert "installed piper-en-lessac-medium (sha256 " in out and "; 2 files, each checked)" in out
    assert "100.0%" in err and "MB/s" in err and "ETA" in err
    assert main(["models", "pull", "--starter"]) == 0
    out, err = capsys.readouterr()
    summary = out.splitlines()[0]
    assert (
        summary.startswith(f"the starter set: {len(STARTER_SET) - 1} models") and "fits" in summary
    )
    assert "piper-en-lessac-medium" not in out  # installed already: not fetched again
    for model_id in STARTER_SET:
        if model_id != "piper-en-lessac-medium":
            assert f"installed {model_id} (" in err
    assert err.count("100.0%") >= 1 and "installed the starter set (7 models)" in out
    assert main(["models", "pull", "--starter"]) == 0
    assert "the starter set is installed" in capsys.readouterr().out
    assert main(["models", "list", "--sources"]) == 0
    listing = capsys.readouterr().out
    assert f"pulled from {hub.url}/BAAI/bge-m3@" in listing
    assert "hub rhasspy/piper-voices@" in listing


def test_pull_needs_one_model_or_the_starter_set(
    domovoy_home: Paths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["models", "pull"]) == 1
    assert "name one model to pull, or --starter" in capsys.readouterr().err


def snapshot(hub: TestHub, repo: str, cache: Path) -> Path:  # noqa: F811
    """The repository as huggingface_hub downloads it into a cache of its own."""
    from huggingface_hub import snapshot_download

    from models.hub import online

    revision = REPOS[repo][0]
    with online(repo):
        folder = snapshot_download(repo, revision=revision, cache_dir=cache, endpoint=hub.url)
    return Path(folder)


def test_a_hub_cache_from_another_machine_is_imported_each_blob_checked(
    hub: TestHub,  # noqa: F811
    domovoy_home: Paths,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    cache = tmp_path / "hub-cache"
    snapshot(hub, "thenlper/gte-small", cache)
    snapshot(hub, "rhasspy/piper-voices", cache)
    assert main(["models", "import", str(cache)]) == 0
    out = capsys.readouterr().out
    for model_id in ("gte-small", "piper-en-lessac-medium", "piper-ru-irina-medium"):
        assert f"imported {model_id} from" in out
        entry = registry(domovoy_home).get(model_id)
        assert files_of(entry.path) == INSTALLED[model_id]
        registry(domovoy_home).verify(entry)
    assert "plays: tts" in out  # the Russian voice is the config's tts choice


def test_a_damaged_blob_in_a_cache_is_refused(
    hub: TestHub,  # noqa: F811
    domovoy_home: Paths,
    tmp_path: Path,
) -> None:
    from models.import_dir import import_models

    cache = tmp_path / "hub-cache"
    folder = snapshot(hub, "thenlper/gte-small", cache)
    blob = (folder / "model.safetensors").resolve()
    blob.write_bytes(blob.read_bytes()[:-1] + b"\0")
    with pytest.raises(ChecksumMismatchError, match=r"model\.safetensors"):
        import_models(domovoy_home, registry(domovoy_home), cache)
    assert not registry(domovoy_home).get("gte-small").installed


def test_a_folder_of_model_files_is_recognised_by_their_names(
    domovoy_home: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    downloads = tmp_path / "downloads"
    for path, data in REPOS["Systran/faster-whisper-small"][1].items():
        (downloads / "faster-whisper-small" / path).parent.mkdir(parents=True, exist_ok=True)
        (downloads / "faster-whisper-small" / path).write_bytes(data)
    gguf = REPOS["bartowski/Phi-3.5-mini-instruct-GGUF"][1]["Phi-3.5-mini-instruct-Q4_K_M.gguf"]
    (downloads / "Phi-3.5-mini-instruct-Q4_K_M.gguf").write_bytes(gguf)
    assert main(["models", "import", str(downloads)]) == 0
    out = capsys.readouterr().out
    assert "imported faster-whisper-small" in out and "imported phi-3.5-mini-instruct" in out
    whisper = registry(domovoy_home).get("faster-whisper-small")
    assert files_of(whisper.path) == INSTALLED["faster-whisper-small"]  # no README, no git file
    assert main(["models", "import", str(tmp_path / "nothing")]) == 1
    assert "is not a folder" in capsys.readouterr().err


def test_verify_hashes_every_file_of_a_pulled_folder_again(
    hub: TestHub,  # noqa: F811
    domovoy_home: Paths,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["models", "pull", "gte-small"]) == 0
    capsys.readouterr()
    assert main(["models", "verify", "gte-small"]) == 0
    assert "all 9 files match their sha256" in capsys.readouterr().out
    vocab = registry(domovoy_home).get("gte-small").path / "vocab.txt"
    vocab.write_text("changed\n")
    assert main(["models", "verify", "gte-small"]) == 1
    assert "vocab.txt: sha256 is" in capsys.readouterr().err
