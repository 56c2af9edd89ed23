"""Scenario evals: exact metrics on a scripted system, the real machinery on the demo models."""

import json
from pathlib import Path

import pytest
import yaml

from core.errors import ScenarioError
from eval.metrics import (
    TurnRecord,
    emotion_latency,
    precision_at_k,
    reciprocal_rank,
    token_efficiency,
)
from eval.report import write
from eval.runner import run
from eval.scenario import load_scenario, load_scenarios

CONTROL = Path(__file__).resolve().parents[2] / "eval" / "scenarios" / "control"


class Scripted:
    """A system under test that answers from a script: exact, known metrics."""

    model_id = "scripted"

    def __init__(self, replies: list[TurnRecord], verdicts: dict[int, tuple[bool, float]]) -> None:
        self.replies = replies
        self.verdicts = verdicts
        self.resets = 0
        self.seeded: dict[str, str] = {}

    def reset(self) -> None:
        self.resets += 1

    def seed(self, memories: dict[str, str]) -> None:
        self.seeded.update(memories)

    def ask(self, text: str) -> TurnRecord:
        return self.replies.pop(0)

    def judge(
        self, which: int, question: str, answer: str, criteria: str
    ) -> tuple[bool, float] | None:
        return self.verdicts.get(which)


def scenario_file(tmp_path: Path) -> Path:
    data = {
        "name": "exact",
        "persona": ["warm", "brief"],
        "memories": {"cat": "My cat is Barsik", "tea": "I like sencha"},
        "turns": [
            {
                "user": "What is my cat called?",
                "expect": {
                    "contains": ["Barsik"],
                    "recalled": ["cat"],
                    "known_fact": "Barsik",
                    "judge": "correct",
                    "within_ms": 1000,
                },
            },
            {
                "user": "I feel so sad today",
                "expect": {
                    "emotional_event": "sadness",
                    "tool": "none-needed",
                    "must_not": ["as an ai"],
                },
            },
            {
                "user": "What tea do I like?",
                "expect": {"recalled": ["tea"], "known_fact": "sencha"},
            },
        ],
    }
    file = tmp_path / "exact.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return file


def test_exact_metrics_on_a_scripted_run(tmp_path: Path) -> None:
    replies = [
        TurnRecord("q1", "Your cat is Barsik.", 500, 5, 4, recalled=["tea", "cat"], mood="calm"),
        TurnRecord("q2", "I'm sorry to hear that.", 2000, 5, 6, mood="calm"),
        TurnRecord("q3", "You like green tea.", 700, 5, 10, recalled=["tea"], mood="sadness"),
    ]
    sut = Scripted(replies, {0: (True, 0.8), 1: (False, 0.3)})
    report = run(sut, [load_scenario(scenario_file(tmp_path))])
    m = report.results[0].metrics
    assert sut.resets == 1 and sut.seeded == {"cat": "My cat is Barsik", "tea": "I like sencha"}
    assert m["precision_at_k"] == pytest.approx((0.5 + 1.0) / 2)
    assert m["mrr"] == pytest.approx((0.5 + 1.0) / 2)
    assert m["hallucination_rate"] == 0.5  # "sencha" was not said
    assert m["rag_relevance"] == pytest.approx(0.8) and m["judge_agreement"] == 0.0
    assert m["persona_adherence"] == pytest.approx(0.8)
    assert m["token_efficiency"] == pytest.approx(20 / 15)
    assert m["emotion_latency_turns"] == 1.0 and m["emotion_latency_ms"] == 2700.0
    failed = [c.name for c in report.results[0].checks if not c.passed]
    assert failed == ["tool", "known_fact"]
    assert m["pass_rate"] == pytest.approx(6 / 8)


def test_reports_json_markdown_and_plots_with_drift(tmp_path: Path) -> None:
    file = scenario_file(tmp_path)
    folder = tmp_path / "reports"
    for run_number in range(2):
        replies = [
            TurnRecord("q1", "Barsik", 500, 5, 4, recalled=["cat"], mood="calm"),
            TurnRecord("q2", "ok", 100, 5, 1, mood="sadness"),
            TurnRecord("q3", "sencha", 100, 5, 1, recalled=["tea"], mood="sadness"),
        ]
        report = run(Scripted(replies, {0: (True, 0.5 + run_number / 4)}), [load_scenario(file)])
        report.started += run_number  # two distinct runs
        files = write(report, folder)
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    assert data["totals"]["rag_relevance"] == 0.75
    markdown = files["markdown"].read_text(encoding="utf-8")
    assert (
        "| rag_relevance | 0.750 |" in markdown and "![pass_rate](plots/pass_rate.png)" in markdown
    )
    png = files["plot:rag_relevance"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(list(folder.glob("eval-*.json"))) == 2


def test_a_bad_scenario_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nturns:\n  - user: hi\n    expect: {contain: [a]}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad\.yaml: turns\.0\.expect\.contain"):
        load_scenario(bad)


def test_the_control_set_loads() -> None:
    scenarios = load_scenarios([CONTROL])
    assert len(scenarios) >= 3 and all(s.control for s in scenarios)


def test_helpers() -> None:
    assert precision_at_k(["a", "b", "c"], ["b"], k=2) == 0.5
    assert reciprocal_rank(["x", "y"], ["y"]) == 0.5 and reciprocal_rank([], ["y"]) == 0.0
    assert token_efficiency([TurnRecord("", "", 0, 0, 3)]) == 0.0
    assert emotion_latency([TurnRecord("", "", 10, 1, 1, mood="calm")], 0, "joy") is None


def test_eval_run_on_the_demo_models_writes_the_reports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from app.cli.main import main

    assert main(["models", "install-demo"]) == 0
    folder = tmp_path / "reports"
    assert main(["eval", "run", "--reports", str(folder)]) == 1  # noise fails the control set
    out = capsys.readouterr().out
    assert "pass_rate" in out and "report:" in out and "FAILED " in out
    assert "demo-tiny-llama as primary, judged by " in out  # other models than the one tested
    report = json.loads(next(folder.glob("eval-*.json")).read_text(encoding="utf-8"))
    assert report["model"] == "demo-tiny-llama" and len(report["results"]) >= 3
    tools = [t["tools"] for r in report["results"] if r["name"] == "tools-en" for t in r["turns"]]
    assert tools == [["calculate"], ["time"]]  # the real tool step ran
    assert list((folder / "plots").glob("*.png"))
    assert main(["doctor", "--metrics"]) == 0  # the run's figures are kept for the doctor
