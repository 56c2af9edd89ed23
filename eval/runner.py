"""Runs scenarios against a system under test, given as a parameter (eval never imports app)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from eval.metrics import (
    TurnRecord,
    emotion_latency,
    mean,
    precision_at_k,
    reciprocal_rank,
    token_efficiency,
)
from eval.scenario import Scenario

METRICS = (
    "pass_rate",
    "rag_relevance",
    "precision_at_k",
    "mrr",
    "persona_adherence",
    "emotion_latency_turns",
    "emotion_latency_ms",
    "token_efficiency",
    "hallucination_rate",
    "judge_agreement",
)


class SystemUnderTest(Protocol):
    model_id: str

    def reset(self) -> None:
        """A fresh conversation, memory and mood."""

    def seed(self, memories: dict[str, str]) -> None:
        """Remember these (key → text) before the turns; recall reports the keys."""

    def ask(self, text: str) -> TurnRecord: ...

    def judge(
        self, which: int, question: str, answer: str, criteria: str
    ) -> tuple[bool, float] | None:
        """The verdict and a 0–1 score of independent judge ``which`` (0; 1 judges the same
        items for the agreement), never the model under test; None if there is none."""


@dataclass(slots=True)
class Check:
    turn: int
    name: str
    passed: bool
    detail: str = ""


@dataclass(slots=True)
class ScenarioResult:
    name: str
    turns: list[TurnRecord]
    checks: list[Check]
    metrics: dict[str, float | None]


@dataclass(slots=True)
class RunReport:
    model: str
    started: float
    seconds: float
    results: list[ScenarioResult] = field(default_factory=list)
    totals: dict[str, float | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def run_scenario(sut: SystemUnderTest, scenario: Scenario) -> ScenarioResult:
    sut.reset()
    sut.seed(scenario.memories)
    turns: list[TurnRecord] = []
    checks: list[Check] = []
    relevance, precision, rr, persona, agreement = [], [], [], [], []
    hallucinated: list[float] = []
    latency_turns: list[float] = []
    latency_ms: list[float] = []

    def check(i: int, name: str, ok: bool, detail: str = "") -> None:
        checks.append(Check(i, name, ok, detail))

    for i, turn in enumerate(scenario.turns):
        record = sut.ask(turn.user)
        turns.append(record)
        reply = record.reply.lower()
        e = turn.expect
        if e.contains:
            check(
                i, "contains", any(c.lower() in reply for c in e.contains), f"one of {e.contains}"
            )
        for bad in e.not_contains:
            check(i, "not_contains", bad.lower() not in reply, bad)
        for bad in e.must_not:
            check(i, "must_not", bad.lower() not in reply, bad)
        if e.within_ms is not None:
            check(i, "within_ms", record.latency_ms <= e.within_ms, f"{record.latency_ms:.0f} ms")
        if e.tool is not None:
            check(i, "tool", e.tool in record.tools, f"called {record.tools}")
        if e.recalled:
            precision.append(precision_at_k(record.recalled, e.recalled))
            rr.append(reciprocal_rank(record.recalled, e.recalled))
        if e.known_fact is not None:
            missing = e.known_fact.lower() not in reply
            hallucinated.append(1.0 if missing else 0.0)
            check(i, "known_fact", not missing, e.known_fact)
        if e.judge is not None:
            verdict = sut.judge(0, turn.user, record.reply, e.judge)
            if verdict is not None:
                relevance.append(verdict[1])
                check(i, "judge", verdict[0], e.judge)
                second = sut.judge(1, turn.user, record.reply, e.judge)
                if second is not None:
                    agreement.append(1.0 if second[0] == verdict[0] else 0.0)
        if scenario.persona:
            verdict = sut.judge(0, turn.user, record.reply, "; ".join(scenario.persona))
            if verdict is not None:
                persona.append(verdict[1])
    for i, turn in enumerate(scenario.turns):
        if turn.expect.emotional_event:
            found = emotion_latency(turns, i, turn.expect.emotional_event)
            check(i, "emotion_reflected", found is not None, turn.expect.emotional_event)
            if found is not None:
                latency_turns.append(float(found[0]))
                latency_ms.append(found[1])
    metrics: dict[str, float | None] = {
        "pass_rate": mean([1.0 if c.passed else 0.0 for c in checks]),
        "rag_relevance": mean(relevance),
        "precision_at_k": mean(precision),
        "mrr": mean(rr),
        "persona_adherence": mean(persona),
        "emotion_latency_turns": mean(latency_turns),
        "emotion_latency_ms": mean(latency_ms),
        "token_efficiency": token_efficiency(turns),
        "hallucination_rate": mean(hallucinated),
        "judge_agreement": mean(agreement),
    }
    return ScenarioResult(scenario.name, turns, checks, metrics)


def run(sut: SystemUnderTest, scenarios: Sequence[Scenario]) -> RunReport:
    start = time.time()
    results = [run_scenario(sut, s) for s in scenarios]
    totals = {m: mean([v for r in results if (v := r.metrics.get(m)) is not None]) for m in METRICS}
    return RunReport(sut.model_id, start, time.time() - start, results, totals)
