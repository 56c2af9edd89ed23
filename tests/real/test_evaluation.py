"""The update gate and its metrics on the real starter model (Qwen2.5-Coder-0.5B Q4_K_M): its
judge tells a good answer from a bad one, the control set fails a noise model and passes the
starter model, and the gate's decisions hold (design seed §11, §15)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from app.evaluation.judges import Judge
from app.evaluation.update_gate import UpdateGate
from app.home import Home
from app.wiring import build_assistant
from core import config as config_mod
from core.events import EventBus
from eval.metrics import relevance_criterion
from models.starter import KIT
from models.testing import make_tiny_gguf

pytestmark = pytest.mark.real

QWEN = KIT[0].id

# (question, what was recalled, the criterion, a good reply, a bad one)
PAIRS = [
    ("What is my cat called?", "user: My cat is called Barsik", "The reply names the cat",
     "Your cat is called Barsik.", "The weather is nice today."),
    ("What is my cat called?", "user: My cat is called Barsik", "The reply names the cat",
     "Your cat is called Barsik.", "Your cat is called Murzik."),
    ("Где живёт моя сестра?", "user: Моя сестра Маша живёт в Казани",
     "The reply names the city where the sister lives",
     "Твоя сестра Маша живёт в Казани.", "Не знаю."),
    ("What is 6 times 7?", "", "The reply gives the correct product, 42",
     "6 times 7 is 42.", "6 times 7 is 13."),
]  # fmt: skip


def test_the_starter_model_as_judge_scores_a_good_answer_above_a_bad_one(home: Home) -> None:
    """RAG answer relevance as the runner asks it (the recalled memory goes with it), scored by
    the probability of the judge's "Yes"."""
    assistant, problem = build_assistant(home, EventBus())
    assert problem is None, problem
    judge = Judge(EventBus(), assistant.slots["primary"])
    try:
        for question, knew, criterion, good, bad in PAIRS:
            asked = f"{criterion}. {relevance_criterion([knew] if knew else [])}"
            high, low = judge(question, good, asked, knew), judge(question, bad, asked, knew)
            assert high is not None and low is not None
            assert high[1] > low[1] + 0.05, (question, good, high, bad, low)
    finally:
        assistant.shutdown()


def _report(home: Home, model_id: str) -> dict:
    return json.loads((home.paths.models_dir / "staging" / f"{model_id}.report.json").read_text())


@pytest.mark.timeout(1500)
def test_the_gate_on_the_starter_model(home: Home, tmp_path: Path) -> None:
    """In one home (each control run on Qwen takes a minute or two here): the starter Qwen is
    the active lightweight, judged by the model that plays primary (the starter too, but not
    the model under test). A noise GGUF staged as its next version is rejected; a candidate
    that cannot load is rejected unscored; the same Qwen file staged as the next version is
    promoted, and nothing but the lightweight role changes in config.toml."""
    before = config_mod.load(home.paths.config_file)
    qwen = home.registry.get(QWEN).path
    gate = UpdateGate(home)

    gate.stage(make_tiny_gguf("llama", tmp_path / "noise.gguf", seed=5), model_id="noise-next",
               role="lightweight")  # fmt: skip
    noise = gate.warm_up("noise-next", "lightweight")
    assert not noise.promoted and noise.judges == [QWEN]
    assert any(r.startswith("pass_rate") for r in noise.reasons), noise.reasons
    assert noise.baseline["pass_rate"] == 1.0  # the starter passes every control scenario
    assert len(noise.failed) >= 3, noise.failed  # the noise model fails most of them
    assert _report(home, "noise-next")["promoted"] is False
    assert noise.report is not None and "| pass_rate | " in noise.report.read_text()
    assert not (home.paths.models_dir / "active").exists()
    assert config_mod.load(home.paths.config_file) == before

    shutil.copy(qwen, tmp_path / "damaged.gguf")
    staged = gate.stage(tmp_path / "damaged.gguf", model_id="broken-next", role="lightweight")
    file = Path(staged.path)
    file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])  # damaged after staging
    void = gate.warm_up("broken-next", "lightweight")
    assert not void.promoted and void.reasons[0].startswith("void:"), void.reasons
    assert config_mod.load(home.paths.config_file) == before

    gate.stage(qwen, model_id="qwen-next", role="lightweight")
    same = gate.warm_up("qwen-next", "lightweight")
    assert same.promoted, same.reasons
    for metric, old in same.baseline.items():  # the same file: the same figures, but for the
        new = same.totals[metric]  # spread of llama.cpp's prompt-cache reuse and the recall's clock
        if not metric.endswith("_ms"):  # (CI saw one reply 56 tokens long against 51 before:
            assert (new is None) == (old is None), (metric, old, new)  # token_efficiency 2.52
            spread = max(0.05, 0.10 * abs(old or 0.0))  # against 2.40, so ratios get 10 %)
            assert new is None or abs(new - old) <= spread, (metric, old, new)
    assert same.report is not None and "**promoted to lightweight**" in same.report.read_text()
    after = config_mod.load(home.paths.config_file)
    assert after.llm.lightweight.id == "qwen-next"
    assert after.llm.primary == before.llm.primary
    assert after.model_dump(exclude={"llm": {"lightweight"}}) == before.model_dump(
        exclude={"llm": {"lightweight"}}
    )
    assert (home.paths.models_dir / "active" / "qwen-next" / qwen.name).exists()


def test_with_no_independent_judge_the_judged_metrics_block_promotion(
    with_the_starter_kit: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A home whose only language model is the candidate: nobody but itself could judge it."""
    Home.open(starter=True)  # assembles the kit (its Qwen file is staged below)
    qwen = Home.open().registry.get(QWEN).path
    shutil.copy(qwen, tmp_path / "qwen.gguf")
    monkeypatch.setenv("DOMOVOY_HOME", str(tmp_path / "bare"))
    monkeypatch.setenv("DOMOVOY_STARTER", "off")
    home = Home.open()
    gate = UpdateGate(home)
    gate.stage(tmp_path / "qwen.gguf", model_id="qwen-alone", role="lightweight")
    result = gate.warm_up("qwen-alone", "lightweight")
    assert result.judges == [] and result.totals["rag_relevance"] is None
    assert not result.promoted and "rag_relevance was not measured" in result.reasons
    assert result.totals["pass_rate"] is not None  # the unjudged metrics were measured
