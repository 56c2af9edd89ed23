"""``domovoy eval run``: scenario evaluations, with their reports."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from eval.scenarios import CONTROL_DIR

if TYPE_CHECKING:
    from app.evaluation.under_test import AssistantUnderTest


def run(args: argparse.Namespace) -> int:
    from app.evaluation.under_test import AssistantUnderTest, VoidRun
    from app.home import Home
    from eval.report import write
    from eval.runner import run
    from eval.scenario import load_scenarios

    control = CONTROL_DIR
    scenarios = load_scenarios(args.scenarios or [control])
    sut = AssistantUnderTest(Home.open(starter=True), role=args.role, model=args.model)
    try:
        report = run(sut, scenarios)
        report.judges = [j.model_id for j in sut.judges]
    except VoidRun as exc:
        print(f"void: {exc}")
        return 1
    finally:
        sut.close()
    files = write(report, args.reports)
    print(f"{sut.model_id} as {args.role}, judged by {judged_by(sut)}")
    for metric, value in report.totals.items():
        print(f"{metric:<24} {'not measured' if value is None else f'{value:.3f}'}")
    for problem in sut.foreign:
        print(f"void: {problem}")
    failed = [r for r in report.results if not r.passed]
    for result in failed:
        names = ", ".join(
            f"{c.name} (turn {c.turn + 1})" for c in result.checks if c.required and not c.passed
        )
        print(f"FAILED {result.name}: {names}")
    print(f"report: {files['json']}\n        {files['markdown']}")
    return 1 if failed or sut.foreign else 0


def judged_by(sut: AssistantUnderTest) -> str:
    if not sut.judges:
        return "no independent judge (the judged metrics are not measured)"
    return " and ".join(j.model_id for j in sut.judges)
