"""The ``domovoy`` command, in process (fast) and once as a real subprocess (the user's way)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from app.cli.main import main
from core.paths import Paths
from models.catalogue import CATALOGUE_DIR

# Any connection attempt, even to loopback, kills the process: as on a machine with no network.
NO_NETWORK_MAIN = """
import socket, sys
def refuse(*args, **kwargs):
    raise SystemExit("domovoy tried to open a network connection")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
from app.cli.main import main
sys.argv[0] = "domovoy"
raise SystemExit(main())
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_accepts_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(f) for f in sorted(CATALOGUE_DIR.glob("*.yaml"))]
    code, out, _ = run(capsys, "models", "validate", *files)
    assert code == 0 and f"{len(files)} manifest(s) valid" in out


def test_validate_names_file_field_and_rule(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    good = yaml.safe_load((CATALOGUE_DIR / "gpt-oss-20b-q4km.yaml").read_text())
    broken = dict(good, load="on_demand", path="x.gguf")
    twin = dict(good, path="y.gguf")
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(broken))
    (tmp_path / "twin.yaml").write_text(yaml.safe_dump(twin))
    code, out, _ = run(
        capsys, "models", "validate", str(tmp_path / "broken.yaml"), str(tmp_path / "twin.yaml")
    )
    lines = out.strip().splitlines()
    assert code == 1
    assert f"{tmp_path / 'broken.yaml'}: load: " in lines[0] and lines[0].endswith("(rule 2)")
    assert lines[1].startswith(f"{tmp_path / 'twin.yaml'}: id: ") and lines[1].endswith("(rule 1)")
    assert str(tmp_path / "broken.yaml") in lines[1]  # the duplicate names both files


def test_add_registers_a_gguf_from_its_own_metadata(
    capsys: pytest.CaptureFixture[str], tiny_models: dict[str, Path], domovoy_home: Paths
) -> None:
    code, out, _ = run(
        capsys, "models", "add", str(tiny_models["phi3"]), "--id", "my-phi", "--role", "lightweight"
    )
    assert code == 0, out
    manifest = yaml.safe_load((domovoy_home.manifests_dir / "my-phi.yaml").read_text())
    assert manifest["family"] == "phi3" and manifest["quant"] == "f16"
    assert manifest["context_length"] == 4096 and manifest["role"] == "lightweight"
    assert len(manifest["checksum_sha256"]) == 64 and manifest["load"] == "on_demand"
    code, out, _ = run(capsys, "models", "list")
    assert "my-phi" in out
    code, _, err = run(
        capsys, "models", "add", str(tiny_models["phi3"]), "--id", "my-phi", "--role", "lightweight"
    )
    assert code == 1 and "already installed" in err


@pytest.mark.parametrize(
    ("content", "cause"), [(b"not a model at all", "not a GGUF"), (None, "does not exist")]
)
def test_add_refuses_what_is_not_a_gguf_and_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    domovoy_home: Paths,
    content: bytes | None,
    cause: str,
) -> None:
    bad = tmp_path / "bad.gguf"
    if content is not None:
        bad.write_bytes(content)
    code, _, err = run(capsys, "models", "add", str(bad), "--id", "bad", "--role", "primary")
    assert code == 1 and cause in err and str(bad) in err
    assert not list(domovoy_home.manifests_dir.glob("*.yaml"))


def test_add_refuses_a_truncated_gguf(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    tiny_models: dict[str, Path],
    domovoy_home: Paths,
) -> None:
    cut = tmp_path / "cut.gguf"
    cut.write_bytes(tiny_models["llama"].read_bytes()[:5000])
    code, _, err = run(capsys, "models", "add", str(cut), "--id", "cut", "--role", "primary")
    assert code == 1 and "truncated" in err
    assert not list(domovoy_home.manifests_dir.glob("*.yaml"))


def test_chat_without_a_model_says_how_to_get_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOMOVOY_STARTER", "off")  # not even the starter kit
    code, _, err = run(capsys, "chat", "--once", "hi")
    assert code == 1 and "models add FILE.gguf" in err and "domovoy[starter]" in err


def test_chat_with_an_unknown_model_id_lists_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "chat", "--model", "no-such-model", "--once", "hi")
    assert code == 1 and "no-such-model" in err and "gpt-oss-20b-q4km" in err


def test_a_corrupt_primary_falls_back_to_the_lightweight_model(
    capsys: pytest.CaptureFixture[str], domovoy_home: Paths
) -> None:
    run(capsys, "models", "install-demo")
    model = domovoy_home.models_dir / "demo" / "demo-tiny-llama.gguf"
    model.write_bytes(model.read_bytes()[:3000])
    code, out, err = run(capsys, "chat", "--once", "hi")
    assert code == 0 and out.strip()
    footer = err.strip().splitlines()[-1]
    assert footer.startswith("[demo-tiny-phi3")  # model_used: the lightweight model answered
    assert "fallback: primary model demo-tiny-llama" in footer and str(model) in footer


def test_when_every_model_fails_each_reason_is_given(
    capsys: pytest.CaptureFixture[str], domovoy_home: Paths
) -> None:
    run(capsys, "models", "install-demo")
    for name in ("demo-tiny-llama", "demo-tiny-phi3"):
        path = domovoy_home.models_dir / "demo" / f"{name}.gguf"
        path.write_bytes(b"GGUF" + bytes(100))
    code, _, err = run(capsys, "chat", "--once", "hi")
    assert code == 1 and "no model could answer" in err
    assert "primary model demo-tiny-llama" in err and "lightweight model demo-tiny-phi3" in err


def test_chat_with_a_gguf_path(
    capsys: pytest.CaptureFixture[str], tiny_models: dict[str, Path]
) -> None:
    code, out, err = run(capsys, "chat", "--model", str(tiny_models["phi3"]), "--once", "Hello")
    assert code == 0 and out.strip() and "phi3.gguf" in err


def test_doctor_json_has_the_facts(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "models", "install-demo")
    code, out, _ = run(capsys, "doctor", "--json")
    assert code == 0
    report = json.loads(out)
    machine = report["machine"]
    for key in ("python", "os", "cpu", "ram_total_mb", "ram_free_mb", "disk_free_mb", "gpus"):
        assert key in machine
    assert machine["ram_total_mb"] > 0 and isinstance(machine["llama_gpu_offload"], bool)
    if not machine["gpus"]:
        assert machine["gpu_note"]
    primary = report["roles"]["primary"]
    assert primary["model_id"] == "demo-tiny-llama" and primary["status"] == "installed"
    assert primary["fits"] is True and primary["needed_mb"] > 0
    assert primary["kv_cache_mb"] >= 0 and primary["weights_mb"] >= 0
    if not machine["llama_gpu_offload"]:
        assert primary["n_gpu_layers"] == 0 and "no GPU" in primary["placement"]
    assert report["roles"]["micro"]["status"] == "no model set"
    assert report["registry_problems"] == []


def test_doctor_reports_a_bad_manifest(
    capsys: pytest.CaptureFixture[str], domovoy_home: Paths
) -> None:
    domovoy_home.ensure()
    (domovoy_home.manifests_dir / "broken.yaml").write_text("id: [oops\n")
    code, out, _ = run(capsys, "doctor")
    assert code == 0 and "broken.yaml" in out and "Manifest problems" in out


def test_a_broken_config_stops_the_cli_with_file_and_line(
    capsys: pytest.CaptureFixture[str], domovoy_home: Paths
) -> None:
    domovoy_home.ensure()
    domovoy_home.config_file.write_text("schema_version = 1\n[llm.primary]\ncontext_length = -5\n")
    code, _, err = run(capsys, "chat", "--once", "hi")
    assert code == 1
    assert f"{domovoy_home.config_file}:3: llm.primary.context_length" in err


def test_install_demo_then_chat_once_in_a_real_process(tmp_path: Path) -> None:
    """The Done-when line: a fresh home, the demo, one streamed reply, exit 0, no network."""
    env = dict(os.environ, DOMOVOY_HOME=str(tmp_path / "fresh"))
    cmd = [sys.executable, "-c", NO_NETWORK_MAIN]
    install = subprocess.run(
        [*cmd, "models", "install-demo"], env=env, capture_output=True, text=True, timeout=120
    )
    assert install.returncode == 0, install.stderr
    chat = subprocess.run(
        [*cmd, "chat", "--once", "Привет"], env=env, capture_output=True, text=True, timeout=120
    )
    assert chat.returncode == 0, chat.stderr
    assert chat.stdout.strip()
    assert "demo-tiny-llama" in chat.stderr and "noise" in chat.stderr


def test_doctor_metrics_reads_what_the_app_recorded(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "doctor", "--metrics")
    assert code == 0 and "no metrics recorded yet" in out
    run(capsys, "models", "install-demo")
    run(capsys, "chat", "--once", "hi")  # the chat records as the window does
    code, out, _ = run(capsys, "doctor", "--metrics", "--json")
    snapshot = json.loads(out)
    assert snapshot['llm_first_token_ms{model="demo-tiny-llama"}']["count"] == 1


def test_memory_commands_from_export_to_import_into_an_empty_home(
    capsys: pytest.CaptureFixture[str],
    domovoy_home: Paths,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.home import Home
    from app.wiring import embedder_for
    from memory.emotion import EmotionalState, Lexicon
    from memory.service import MemoryService

    home = Home.open()
    service = MemoryService(home.paths.data_dir / "memory", embedder_for(home))
    service.open()
    kept = service.remember("My sister Masha lives in Kazan", speaker="user").memory
    gone = service.remember("The wifi password is hunter2", speaker="user").memory
    service.close()
    EmotionalState(home.paths.data_dir / "emotion.json").observe(Lexicon().read("I am so happy!"))
    home.paths.entities_dir.mkdir(parents=True, exist_ok=True)
    (home.paths.entities_dir / "people.yaml").write_text("Маша: [Masha]\n", encoding="utf-8")

    code, out, _ = run(capsys, "memory", "search", "where does my sister live")
    assert code == 0 and out.splitlines()[0].split()[1] == kept.id
    code, out, _ = run(capsys, "memory", "forget", gone.id)
    assert code == 0
    code, out, _ = run(capsys, "memory", "list")
    assert kept.id in out and gone.id not in out and "1 memories in all" in out
    code, out, _ = run(capsys, "memory", "show", kept.id)
    assert json.loads(out)["text"] == "My sister Masha lives in Kazan"
    export = tmp_path / "all.json"
    assert run(capsys, "memory", "export", str(export))[0] == 0

    monkeypatch.setenv("DOMOVOY_HOME", str(tmp_path / "empty-home"))
    code, out, _ = run(capsys, "memory", "import", str(export))
    assert code == 0 and "imported 1 memories" in out
    fresh = Paths.from_env()
    code, out, _ = run(capsys, "memory", "list")
    assert kept.id in out
    assert (fresh.entities_dir / "people.yaml").read_text(encoding="utf-8") == "Маша: [Masha]\n"
    mood = json.loads((fresh.data_dir / "emotion.json").read_text(encoding="utf-8"))
    assert mood["valence"] > 0.2  # the emotional state came along
    code, _, err = run(capsys, "memory", "show", "nope")
    assert code == 1 and "no memory has the id" in err
    assert run(capsys, "memory", "forget", "--all")[1].startswith("forgot 1")


def test_memory_migrate_to_another_installed_embedding_model(
    capsys: pytest.CaptureFixture[str], domovoy_home: Paths
) -> None:
    from app.home import Home
    from app.wiring import open_memory
    from memory.embeddings import packaged_minilm

    domovoy_home.ensure()
    manifest = {
        "id": "minilm-copy", "family": "minilm", "role": "embedding",
        "path": str(packaged_minilm()),
        "format": "sentence-transformers", "quant": "fp32", "context_length": 256,
        "capabilities": ["embed"], "revision": "copy-1", "checksum_sha256": None,
        "skip_checksum": True, "metadata": {"dimension": 384},
    }  # fmt: skip
    (domovoy_home.manifests_dir / "minilm-copy.yaml").write_text(yaml.safe_dump(manifest))
    service = open_memory(Home.open())
    service.open()
    kept = service.remember("My grandmother bakes cabbage pies", speaker="user").memory
    service.close()
    code, out, err = run(capsys, "memory", "migrate", "--to", "minilm-copy")
    assert code == 0, err
    assert "1/1 memories indexed with minilm-copy" in out
    assert Home.open().config.embeddings.main.id == "minilm-copy"
    code, out, _ = run(capsys, "memory", "search", "who bakes pies")
    assert out.splitlines()[0].split()[1] == kept.id
    code, _, err = run(capsys, "memory", "migrate", "--to", "gpt-oss-20b-q4km")
    assert code == 1 and "not an installed embedding model" in err


def test_a_named_model_that_cannot_load_fails_with_its_cause(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "models", "install-demo")  # roles could answer: --model is not a role
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + bytes(64))
    code, out, err = run(capsys, "chat", "--model", str(broken), "--once", "hi")
    assert code == 1 and not out.strip()
    assert str(broken) in err and err.count("domovoy:") == 1  # said once, with its cause


def test_chat_remembers_and_feels_what_the_user_said(
    capsys: pytest.CaptureFixture[str], domovoy_home: Paths
) -> None:
    import sqlite3

    run(capsys, "models", "install-demo")
    code, _, _ = run(capsys, "chat", "--once", "Ура, меня взяли на работу мечты, я счастлив!")
    assert code == 0
    mood = json.loads((domovoy_home.data_dir / "emotion.json").read_text())
    assert mood["valence"] > 0.2  # felt (the baseline is 0.1)
    db = sqlite3.connect(domovoy_home.data_dir / "memory" / "memory.sqlite3")
    texts = [row[0] for row in db.execute("SELECT text FROM memories")]
    assert any("работу мечты" in t for t in texts)  # committed before the process ended
