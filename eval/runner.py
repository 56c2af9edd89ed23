"""Runs scenarios against a system under test, given as a parameter (eval never imports app)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from eval import metrics as m
from eval.metrics import TurnRecord
from eval.scenario import Scenario

# each metric and what it measures (eval/metrics.py defines them); the reports say it
METRICS: dict[str, str] = {
    "pass_rate": "share of the required checks that held",
    "rag_relevance": "the judge's score of how well the reply uses what was recalled",
    "precision_at_k": "share of everything recalled that was a golden memory",
    "mrr": "1 / rank of the first golden memory among everything recalled",
    "persona_adherence": "share of the persona's rules the reply kept",
    "emotion_latency_turns": "turns until the reply's own tone follows the user's feeling",
    "emotion_latency_ms": "milliseconds until the reply's own tone follows the user's feeling",
    "token_efficiency": "output tokens per user token",
    "hallucination_rate": "share of fact questions answered with an invention",
    "first_token_ms": "median time to the first token",
    "total_ms": "median time to the whole reply",
    "within_budget": "share of turns within the scenario's time budget",
    "judge_agreement": "share of items on which two independent judges agree",
}
KEEPS_TO_MEMORY = "The reply keeps to what the assistant knew and adds no other facts."


class SystemUnderTest(Protocol):
    model_id: str

    def reset(self) -> None:
        """A fresh conversation, memory and mood."""

    def seed(self, memories: dict[str, str]) -> None:
        """Remember these (key → text) before the turns; recall reports the keys."""

    def ask(self, text: str) -> TurnRecord: ...

    def judge(
        self, which: int, question: str, answer: str, criterion: str, context: str = ""
    ) -> tuple[bool, float] | None:
        """The verdict and a 0–1 score of independent judge ``which`` (0; 1 judges the same
        items for the agreement), never the model under test; None if there is none.
        ``context``: what the assistant had to go by (the memories recalled)."""


@dataclass(slots=True)
class Check:
    """One expectation of one turn. A required check that fails fails the scenario; one that is
    not required (a question about something never said) is scored and reported only: small
    models invent, and how often is the hallucination rate, gated against the baseline."""

    turn: int
    name: str
    passed: bool
    detail: str = ""
    required: bool = True


@dataclass(slots=True)
class ScenarioResult:
    name: str
    turns: list[TurnRecord]
    checks: list[Check]
    metrics: dict[str, float | None]

    @property
    def passed(self) -> bool:
        """Every required check held (the judged scores are metrics, not checks)."""
        return all(c.passed for c in self.checks if c.required)


@dataclass(slots=True)
class RunReport:
    model: str
    started: float
    seconds: float
    results: list[ScenarioResult] = field(default_factory=list)
    totals: dict[str, float | None] = field(default_factory=dict)
    judges: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        return [r.name for r in self.results if not r.passed]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def run_scenario(sut: SystemUnderTest, scenario: Scenario) -> ScenarioResult:
    """The turns, each reply checked (the checks decide whether the scenario passes) and
    scored (the metrics; judged ones only where an independent judge gave a verdict)."""
    sut.reset()
    sut.seed(scenario.memories)
    turns: list[TurnRecord] = []
    checks: list[Check] = []
    scores: dict[str, list[float]] = {name: [] for name in METRICS}
    persona = scenario.persona

    def check(i: int, name: str, ok: bool, detail: str = "", *, required: bool = True) -> None:
        checks.append(Check(i, name, ok, detail, required))

    def judged(turn: TurnRecord, criterion: str, context: str = "") -> float | None:
        """The score of the first judge that gives one."""
        for which in (0, 1):
            if (verdict := sut.judge(which, turn.user, turn.reply, criterion, context)) is not None:
                return verdict[1]
        return None

    for i, turn in enumerate(scenario.turns):
        record = sut.ask(turn.user)
        turns.append(record)
        reply = record.reply.lower()
        knew = " ".join(record.context)
        e = turn.expect
        if e.contains:
            check(
                i, "contains", any(c.lower() in reply for c in e.contains), f"one of {e.contains}"
            )
        for bad in e.not_contains:
            check(i, "not_contains", bad.lower() not in reply, bad)
        for bad in e.must_not:
            check(i, "must_not", bad.lower() not in reply, bad)
        if e.tool is not None:
            check(i, "tool", e.tool in record.tools, f"called {record.tools}")
        budget = m.within_budget(record, scenario.budget.first_token_ms, scenario.budget.total_ms)
        if budget is not None:
            scores["within_budget"].append(1.0 if budget else 0.0)
            check(
                i, "budget", budget,
                f"first token {record.first_token_ms:.0f} ms, all {record.latency_ms:.0f} ms",
            )  # fmt: skip
        if e.recalled:
            scores["precision_at_k"].append(m.precision_at_k(record.recalled, e.recalled))
            scores["mrr"].append(m.reciprocal_rank(record.recalled, e.recalled))
        if e.known_fact is not None:
            supported = judged(record, KEEPS_TO_MEMORY, knew)
            wrong = m.hallucinated_known(record.reply, e.known_fact, supported)
            scores["hallucination_rate"].append(1.0 if wrong else 0.0)
            check(i, "known_fact", e.known_fact.lower() in reply, e.known_fact)
        if e.never_said:
            made_up = m.invented(record.reply)
            scores["hallucination_rate"].append(1.0 if made_up else 0.0)
            check(i, "never_said", not made_up, "says it does not know", required=False)
        if e.judge is not None:
            criterion = f"{e.judge}. {m.relevance_criterion(record.context)}"
            verdicts = [
                v for w in (0, 1) if (v := sut.judge(w, record.user, record.reply, criterion, knew))
            ]
            if verdicts:  # the first judge that gave one; both, for their agreement
                scores["rag_relevance"].append(verdicts[0][1])
            if len(verdicts) == 2:
                scores["judge_agreement"].append(1.0 if verdicts[0][0] == verdicts[1][0] else 0.0)
        if not persona.empty:
            tone = judged(record, f"The reply is {persona.tone}") if persona.tone else None
            kept = m.persona_checks(
                record.reply, language=persona.language, max_words=persona.max_words,
                plain=persona.plain, name=persona.name, tone=tone,
            )  # fmt: skip
            if (share := m.persona_adherence(kept)) is not None:
                scores["persona_adherence"].append(share)
        scores["first_token_ms"].append(record.first_token_ms)
        scores["total_ms"].append(record.latency_ms)
    for i, turn in enumerate(scenario.turns):
        if turn.expect.emotional_event:
            found = m.reply_tone_latency(turns, i, turn.expect.emotional_event)
            check(i, "emotion_reflected", found is not None, turn.expect.emotional_event)
            if found is not None:
                scores["emotion_latency_turns"].append(float(found[0]))
                scores["emotion_latency_ms"].append(found[1])
    figures: dict[str, float | None] = {name: m.mean(values) for name, values in scores.items()}
    figures["pass_rate"] = m.mean([1.0 if c.passed else 0.0 for c in checks if c.required])
    figures["token_efficiency"] = m.token_efficiency(turns)
    for name in ("first_token_ms", "total_ms"):
        figures[name] = m.median(scores[name])
    return ScenarioResult(scenario.name, turns, checks, figures)


def run(sut: SystemUnderTest, scenarios: Sequence[Scenario]) -> RunReport:
    start = time.time()
    results = [run_scenario(sut, s) for s in scenarios]
    totals = {
        name: m.mean([v for r in results if (v := r.metrics.get(name)) is not None])
        for name in METRICS
    }
    return RunReport(sut.model_id, start, time.time() - start, results, totals)
