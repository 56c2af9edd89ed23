"""``domovoy`` with no command: the window."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from app.ui.launch import launch

    return launch()
