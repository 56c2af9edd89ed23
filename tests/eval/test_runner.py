"""Scenario evals: exact metrics on a scripted system, the real machinery on the demo models."""

import json
from pathlib import Path

import pytest
import yaml

from core.errors import ScenarioError
from eval.metrics import UNSEEDED, TurnRecord
from eval.report import Decision, write
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
        self.asked: list[tuple[int, str, str]] = []

    def reset(self) -> None:
        self.resets += 1

    def seed(self, memories: dict[str, str]) -> None:
        self.seeded.update(memories)

    def ask(self, text: str) -> TurnRecord:
        return self.replies.pop(0)

    def judge(
        self, which: int, question: str, answer: str, criterion: str, context: str = ""
    ) -> tuple[bool, float] | None:
        self.asked.append((which, criterion, context))
        return self.verdicts.get(which)


def scenario_file(tmp_path: Path) -> Path:
    data = {
        "name": "exact",
        "persona": {"language": "en", "max_words": 5, "plain": True, "tone": "warm"},
        "budget": {"first_token_ms": 300, "total_ms": 1000},
        "memories": {"cat": "My cat is Barsik", "tea": "I like sencha"},
        "turns": [
            {
                "user": "What is my cat called?",
                "expect": {
                    "contains": ["Barsik"],
                    "recalled": ["cat"],
                    "known_fact": "Barsik",
                    "judge": "correct",
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
            {"user": "What is my dog called?", "expect": {"never_said": True}},
        ],
    }
    file = tmp_path / "exact.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return file


def test_exact_metrics_on_a_scripted_run(tmp_path: Path) -> None:
    sad = {"sadness": 1.0}
    replies = [
        TurnRecord(
            "q1", "Your cat is Barsik.", 500, 5, 4, first_token_ms=200,
            recalled=["tea", "cat"], context=["user: My cat is Barsik"],
        ),
        TurnRecord("q2", "**Oh** no.", 2000, 5, 6, first_token_ms=400),
        TurnRecord(
            "q3", "You like green tea.", 700, 5, 10, first_token_ms=100,
            recalled=[f"{UNSEEDED}x", "tea"], reply_emotions=sad,
        ),
        TurnRecord("q4", "I don't know, you never said.", 300, 5, 5, first_token_ms=100),
    ]  # fmt: skip
    sut = Scripted(replies, {0: (True, 0.8), 1: (False, 0.3)})
    report = run(sut, [load_scenario(scenario_file(tmp_path))])
    m = report.results[0].metrics
    assert sut.resets == 1 and sut.seeded == {"cat": "My cat is Barsik", "tea": "I like sencha"}
    assert m["precision_at_k"] == pytest.approx((0.5 + 0.5) / 2)  # an unseeded memory is a miss
    assert m["mrr"] == pytest.approx((0.5 + 0.5) / 2)
    # q1 kept to the memory, q3 missed its fact, q4 said it did not know
    assert m["hallucination_rate"] == pytest.approx(1 / 3)
    assert m["rag_relevance"] == pytest.approx(0.8) and m["judge_agreement"] == 0.0
    relevance = next(a for a in sut.asked if a[1].startswith("correct."))
    assert relevance[2] == "user: My cat is Barsik"  # the judge sees what was recalled
    # q2 breaks "plain" (markdown); q4 is 6 words, over max_words 5; the register judged 0.8
    assert m["persona_adherence"] == pytest.approx((1 + 0.75 + 1 + 0.75) / 4)
    assert m["token_efficiency"] == pytest.approx(25 / 20)
    assert m["emotion_latency_turns"] == 1.0 and m["emotion_latency_ms"] == 2700.0
    assert m["within_budget"] == pytest.approx(3 / 4)  # q2 took 2000 ms of 1000
    assert m["first_token_ms"] == pytest.approx(150) and m["total_ms"] == pytest.approx(600)
    failed = [c.name for c in report.results[0].checks if not c.passed]
    assert failed == ["tool", "budget", "known_fact"]
    assert not report.results[0].passed and report.failed == ["exact"]
    assert m["pass_rate"] == pytest.approx(7 / 10)  # never_said is scored, not required


def test_reports_json_markdown_and_plots_with_drift(tmp_path: Path) -> None:
    file = scenario_file(tmp_path)
    folder = tmp_path / "reports"
    for run_number in range(2):
        replies = [
            TurnRecord("q1", "Barsik", 500, 5, 4, recalled=["cat"]),
            TurnRecord("q2", "ok", 100, 5, 1, reply_emotions={"sadness": 1.0}),
            TurnRecord("q3", "sencha", 100, 5, 1, recalled=["tea"]),
            TurnRecord("q4", "no idea", 100, 5, 2),
        ]
        report = run(Scripted(replies, {0: (True, 0.5 + run_number / 4)}), [load_scenario(file)])
        report.started += run_number  # two distinct runs
        files = write(report, folder)
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    assert data["totals"]["rag_relevance"] == 0.75
    markdown = files["markdown"].read_text(encoding="utf-8")
    assert markdown.startswith("# Eval run: scripted")
    assert "**0 of 1 scenarios passed**; failed: exact" in markdown  # the verdict comes first
    assert "| rag_relevance | 0.750 | +0.250 |" in markdown  # 0.75 after 0.5: its drift
    assert "![pass_rate](plots/pass_rate.png)" in markdown
    assert "![overview](plots/overview.png)" in markdown
    for png in (files["plot:rag_relevance"], files["plot:overview"]):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(list(folder.glob("eval-*.json"))) == 2


def test_a_gate_report_opens_with_its_decision(tmp_path: Path) -> None:
    replies = [TurnRecord(f"q{i}", "no idea", 100, 5, 2) for i in range(1, 5)]
    report = run(Scripted(replies, {}), [load_scenario(scenario_file(tmp_path))])
    decision = Decision(
        "rejected for lightweight",
        ["pass_rate 0.300 is more than 5% below the baseline 0.700"],
        ("metric", "baseline", "candidate", "allowed", "verdict"),
        [("pass_rate", "0.700", "0.300", "-5%", "worse")],
    )
    markdown = write(report, tmp_path / "reports", decision)["markdown"].read_text("utf-8")
    head = markdown.split("## Metrics")[0]
    assert "**rejected for lightweight**" in head and "- pass_rate 0.300 is more" in head
    assert "| pass_rate | 0.700 | 0.300 | -5% | worse |" in head
    assert "no independent judge" in head  # the scripted run had none named


def test_a_bad_scenario_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nturns:\n  - user: hi\n    expect: {contain: [a]}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"bad\.yaml: turns\.0\.expect\.contain"):
        load_scenario(bad)


def test_the_control_set_loads() -> None:
    scenarios = load_scenarios([CONTROL])
    assert len(scenarios) >= 3 and all(s.control for s in scenarios)


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
    assert tools == [["calculate"], ["calculate"], ["time"]]  # the real tool step ran
    assert list((folder / "plots").glob("*.png"))
    assert main(["doctor", "--metrics"]) == 0  # the run's figures are kept for the doctor
