"""``domovoy eval run``: scenario evaluations, with their reports."""

from __future__ import annotations

import argparse

from eval.scenarios import CONTROL_DIR


def run(args: argparse.Namespace) -> int:
    from app.evaluation.under_test import AssistantUnderTest
    from app.home import Home
    from eval.report import write
    from eval.runner import run
    from eval.scenario import load_scenarios

    control = CONTROL_DIR
    scenarios = load_scenarios(args.scenarios or [control])
    sut = AssistantUnderTest(Home.open(starter=True), model=args.model)
    try:
        report = run(sut, scenarios)
    finally:
        sut.close()
    files = write(report, args.reports)
    for metric, value in report.totals.items():
        print(f"{metric:<24} {'—' if value is None else f'{value:.3f}'}")
    print(f"report: {files['json']}\n        {files['markdown']}")
    return 0
