"""The update process: pull into staging from a loopback server, warm up, promote or reject,
roll back."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from app.evaluation.update_gate import UpdateGate, compare, next_revision
from app.home import Home
from core.paths import Paths
from models.install import install_demo
from models.pull import Puller
from models.testing import make_tiny_gguf


@pytest.fixture
def gguf_server(tmp_path: Path) -> Iterator[tuple[str, bytes]]:
    blob = make_tiny_gguf("phi3", tmp_path / "served.gguf", seed=5).read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(blob)))
            self.end_headers()
            self.wfile.write(blob)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/phi-next.gguf", blob
    httpd.shutdown()
    httpd.server_close()


def catalogue_entry(paths: Paths, url: str, size: int) -> None:
    manifest = {
        "id": "phi-next", "family": "phi3", "role": "lightweight", "path": "phi-next/phi-next.gguf",
        "format": "gguf", "quant": "f16", "context_length": 4096, "capabilities": ["chat"],
        "revision": "r1", "checksum_sha256": None,
        "source": {"url": url, "size_bytes": size, "sha256_published": False},
    }  # fmt: skip
    (paths.manifests_dir / "phi-next.yaml").write_text(yaml.safe_dump(manifest))


def fixed(scores: dict[str, dict[str, float]]):  # type: ignore[no-untyped-def]
    """An evaluator that returns given totals per model id (the real one runs scenarios)."""
    calls: list[str] = []

    def evaluate(home: Home, model_id: str) -> dict[str, float | None]:
        calls.append(model_id)
        return dict(scores[model_id])

    evaluate.calls = calls  # type: ignore[attr-defined]
    return evaluate


def test_thresholds_and_revisions() -> None:
    base = {"persona_adherence": 0.80, "hallucination_rate": 0.10, "pass_rate": 0.9}
    assert (
        compare({"persona_adherence": 0.77, "hallucination_rate": 0.15, "pass_rate": 0.9}, base)
        == []
    )
    reasons = compare(
        {"persona_adherence": 0.75, "hallucination_rate": 0.25, "pass_rate": None}, base
    )
    assert len(reasons) == 2 and "persona_adherence 0.750 is more than 5% below" in reasons[0]
    assert [next_revision(r) for r in ("v1.0", "r3", "2025-08-05")] == [
        "v1.1",
        "r4",
        "2025-08-05.1",
    ]


def test_pull_into_staging_warm_up_promote_and_roll_back(
    gguf_server: tuple[str, bytes], domovoy_home: Paths
) -> None:
    url, blob = gguf_server
    install_demo(domovoy_home)
    catalogue_entry(domovoy_home, url, len(blob))
    home = Home.open()
    staging = domovoy_home.models_dir / "staging"
    staged = Puller(home.paths, home.registry).pull("phi-next", staging=staging)
    assert Path(staged.path).read_bytes() == blob and (staging / "phi-next.yaml").exists()
    assert not Home.open().registry.get("phi-next").installed  # staged, not in use

    evaluate = fixed(
        {
            "demo-tiny-phi3": {"persona_adherence": 0.8, "pass_rate": 0.9},
            "phi-next": {"persona_adherence": 0.82, "pass_rate": 0.9},
        }
    )
    gate = UpdateGate(home, evaluate)
    result = gate.warm_up("phi-next", "lightweight")
    assert result.promoted and evaluate.calls == ["demo-tiny-phi3", "phi-next"]
    fresh = Home.open()
    assert fresh.config.llm.lightweight.id == "phi-next"
    entry = fresh.registry.get("phi-next")
    assert entry.installed and entry.path.parent.parent == domovoy_home.models_dir / "active"
    assert entry.manifest.revision == "demo-1.1"  # bumped from the version it replaces
    assert not (staging / "phi-next").exists()

    assert UpdateGate(fresh).rollback("lightweight") == "demo-tiny-phi3"
    assert Home.open().config.llm.lightweight.id == "demo-tiny-phi3"
    with pytest.raises(Exception, match="no earlier lightweight model"):
        UpdateGate(Home.open()).rollback("lightweight")


def test_a_worse_version_is_rejected_and_stays_in_staging(
    domovoy_home: Paths, tmp_path: Path
) -> None:
    install_demo(domovoy_home)
    home = Home.open()
    gate = UpdateGate(
        home,
        fixed(
            {
                "demo-tiny-llama": {"persona_adherence": 0.8, "hallucination_rate": 0.1},
                "worse": {"persona_adherence": 0.7, "hallucination_rate": 0.1},
            }
        ),
    )
    gate.stage(
        make_tiny_gguf("llama", tmp_path / "worse.gguf", seed=9), model_id="worse", role="primary"
    )
    result = gate.warm_up("worse", "primary")
    assert not result.promoted and "persona_adherence" in result.reasons[0]
    assert Home.open().config.llm.primary.id == "demo-tiny-llama"
    report = json.loads((domovoy_home.models_dir / "staging" / "worse.report.json").read_text())
    assert report["promoted"] is False and report["baseline"]["persona_adherence"] == 0.8
    assert (domovoy_home.models_dir / "staging" / "worse" / "worse.gguf").exists()


def test_the_real_warm_up_on_demo_models(domovoy_home: Paths, tmp_path: Path) -> None:
    """The control scenarios really run (on tiny models their scores mean nothing)."""
    install_demo(domovoy_home)
    home = Home.open()
    gate = UpdateGate(home)
    gate.stage(
        make_tiny_gguf("llama", tmp_path / "next.gguf", seed=3),
        model_id="llama-next",
        role="primary",
    )
    result = gate.warm_up("llama-next", "primary")
    assert set(result.totals) >= {"pass_rate", "token_efficiency"}
    assert result.baseline["pass_rate"] is not None and result.totals["pass_rate"] is not None
    assert (domovoy_home.data_dir / "baselines" / "primary.json").exists() or not result.promoted


def test_the_cli_stage_and_rollback(
    domovoy_home: Paths, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli.main import main

    install_demo(domovoy_home)
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model")
    assert main(["models", "stage", str(bad), "--id", "x", "--role", "primary"]) == 1
    assert "not a GGUF file" in capsys.readouterr().err
    assert main(["models", "rollback", "primary"]) == 1
    assert "no earlier primary model" in capsys.readouterr().err
    next_model = make_tiny_gguf("llama", tmp_path / "next.gguf", seed=4)
    code = main(["models", "stage", str(next_model), "--id", "llama-next", "--role", "primary"])
    out = capsys.readouterr().out
    assert ("promoted llama-next" in out) if code == 0 else ("rejected llama-next" in out)
    if code == 0:
        assert main(["models", "rollback", "primary"]) == 0
        assert "primary is demo-tiny-llama again" in capsys.readouterr().out
