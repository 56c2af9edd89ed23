"""The update process: pull into staging from a loopback server, warm up, promote or reject,
roll back."""

import json
import threading
from collections.abc import Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from app.evaluation.update_gate import (
    THRESHOLDS,
    Evaluation,
    UpdateGate,
    compare,
    next_revision,
)
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


def scores(**figures: float) -> dict[str, float]:
    """Totals for every gated metric: the given figures, the rest at a middling value."""
    return {metric: 0.5 for metric in THRESHOLDS} | figures


def fixed(table: dict[str, dict[str, float]]):  # type: ignore[no-untyped-def]
    """An evaluator that returns given totals per model id (the real one runs scenarios); it
    records the id, the role and whether the home it was given is the gate's own."""
    calls: list[tuple[str, str]] = []
    homes: list[Home] = []
    judges: list[list[str]] = []

    def evaluate(home: Home, model_id: str, role: str, judged_by: Sequence[str]) -> Evaluation:
        calls.append((model_id, role))
        judges.append(list(judged_by))
        homes.append(home)
        home.config.llm.primary.id = "scribbled-by-the-run"  # a run's own config: harmless
        return Evaluation(dict(table[model_id]), judges=["another-model"])

    evaluate.calls = calls  # type: ignore[attr-defined]
    evaluate.homes = homes  # type: ignore[attr-defined]
    evaluate.judges = judges  # type: ignore[attr-defined]
    return evaluate


def test_thresholds_and_revisions() -> None:
    base = {"persona_adherence": 0.80, "hallucination_rate": 0.10, "pass_rate": 0.9}
    good = {"persona_adherence": 0.77, "hallucination_rate": 0.15, "pass_rate": 0.9}
    assert compare(good | {"rag_relevance": 0.5, "mrr": 0.5}, base) == []
    reasons = compare(
        {"persona_adherence": 0.75, "hallucination_rate": 0.25, "pass_rate": None}, base
    )
    assert "persona_adherence 0.750 is more than 5% below" in reasons[0]
    assert any("hallucination_rate 0.250 is over the baseline" in r for r in reasons)
    # a metric the run could not measure blocks promotion, unless the user says otherwise
    assert {r for r in reasons if "not measured" in r} == {
        "pass_rate was not measured",
        "rag_relevance was not measured",
        "mrr was not measured",
    }
    assert len(compare({"persona_adherence": 0.75}, base, allow_unmeasured=True)) == 1
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

    before = Home.open().config
    evaluate = fixed(
        {
            "demo-tiny-phi3": scores(persona_adherence=0.8, pass_rate=0.9),
            "phi-next": scores(persona_adherence=0.82, pass_rate=0.9),
        }
    )
    gate = UpdateGate(home, evaluate)
    result = gate.warm_up("phi-next", "lightweight")
    assert result.promoted and result.judges == ["another-model"]
    # the candidate and the baseline each in the role, each with a config of its own
    assert evaluate.calls == [("phi-next", "lightweight"), ("demo-tiny-phi3", "lightweight")]
    assert all(h.config is not home.config for h in evaluate.homes)
    assert evaluate.judges == [["secondary", "primary"]] * 2  # the same judges score both runs
    fresh = Home.open()
    assert fresh.config.llm.lightweight.id == "phi-next"
    assert fresh.config.llm.primary == before.llm.primary  # only the role changed
    assert fresh.config.model_dump(exclude={"llm": {"lightweight"}}) == before.model_dump(
        exclude={"llm": {"lightweight"}}
    )
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
                "demo-tiny-llama": scores(persona_adherence=0.8, hallucination_rate=0.1),
                "worse": scores(persona_adherence=0.7, hallucination_rate=0.1),
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


def test_the_real_warm_up_evaluates_the_candidate_in_its_role_judged_by_others(
    domovoy_home: Paths, tmp_path: Path
) -> None:
    """The control scenarios really run, the candidate in the role it is staged for and judged
    by other models (on tiny models the scores mean nothing: the decision is tested in
    tests/real/test_update_gate.py on the starter model)."""
    install_demo(domovoy_home)
    home = Home.open()
    before = Home.open().config
    gate = UpdateGate(home)
    gate.stage(
        make_tiny_gguf("phi3", tmp_path / "next.gguf", seed=3),
        model_id="phi-next",
        role="lightweight",
    )
    result = gate.warm_up("phi-next", "lightweight")
    assert not any(r.startswith("void") for r in result.reasons)  # every reply was its own
    assert result.judges and "phi-next" not in result.judges
    assert result.baseline["pass_rate"] is not None and result.totals["pass_rate"] is not None
    after = Home.open().config
    assert after.llm.primary == before.llm.primary  # whatever the decision
    assert after.llm.lightweight.id == ("phi-next" if result.promoted else "demo-tiny-phi3")
    report = json.loads((domovoy_home.models_dir / "staging" / "phi-next.report.json").read_text())
    assert report["role"] == "lightweight" and report["judges"] == result.judges
    assert result.report is not None and report["report"] == str(result.report)
    markdown = result.report.read_text(encoding="utf-8")  # the verdict and the table come first
    assert markdown.split("## Metrics")[0].count("| persona_adherence |") == 1
    assert ("**promoted to lightweight**" if result.promoted else "**rejected for") in markdown


def test_a_candidate_that_cannot_load_is_rejected_not_scored_through_the_fallback(
    domovoy_home: Paths, tmp_path: Path
) -> None:
    install_demo(domovoy_home)
    home = Home.open()
    gate = UpdateGate(home)
    staged = gate.stage(
        make_tiny_gguf("phi3", tmp_path / "next.gguf", seed=4),
        model_id="broken-next",
        role="lightweight",
    )
    file = Path(staged.path)
    file.write_bytes(file.read_bytes()[: file.stat().st_size * 2 // 3])  # damaged in staging
    result = gate.warm_up("broken-next", "lightweight")
    assert not result.promoted
    assert result.reasons[0].startswith("void: 1 replies did not come from broken-next")
    assert Home.open().config.llm.lightweight.id == "demo-tiny-phi3"


def test_the_cli_stage_shows_the_comparison_and_rollback_undoes_it(
    domovoy_home: Paths,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.cli.main import main

    install_demo(domovoy_home)
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model")
    assert main(["models", "stage", str(bad), "--id", "x", "--role", "primary"]) == 1
    assert "not a GGUF file" in capsys.readouterr().err
    assert main(["models", "rollback", "primary"]) == 1
    assert "no earlier primary model" in capsys.readouterr().err
    evaluate = fixed(
        {"demo-tiny-llama": scores(pass_rate=0.8), "llama-next": scores(pass_rate=0.82)}
    )
    monkeypatch.setattr("app.evaluation.update_gate.run_control_scenarios", evaluate)
    next_model = make_tiny_gguf("llama", tmp_path / "next.gguf", seed=4)
    code = main(["models", "stage", str(next_model), "--id", "llama-next", "--role", "primary"])
    out = capsys.readouterr().out
    assert code == 0 and "promoted llama-next" in out and "judged by another-model" in out
    (row,) = [line.split() for line in out.splitlines() if line.strip().startswith("pass_rate")]
    assert row == ["pass_rate", "0.800", "0.820", "-5%", "ok"]  # baseline, candidate, allowed
    assert main(["models", "rollback", "primary"]) == 0
    assert "primary is demo-tiny-llama again" in capsys.readouterr().out
