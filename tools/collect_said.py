"""Collect every ``said("template", …)`` of the Qt-free layers into app/ui/said_texts.py, where
Qt's lupdate finds them (it reads app/ui only). ``make translations`` runs this first; a test
fails when the file is not what this would write, or when a template is not a literal."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "audio", "core", "llm", "memory", "models")
OUT = ROOT / "app" / "ui" / "said_texts.py"
HEADER = '''# ruff: noqa: E501
"""The templates the Qt-free layers say to people (core/translatable.py), marked for Qt's
translation system. Written by tools/collect_said.py (``make translations``): do not edit."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

# fmt: off
TEXTS = (
'''


def templates(root: Path = ROOT) -> list[str]:
    """Every template, in order of first appearance; a call whose template is not a literal
    raises (it could not be translated)."""
    found: dict[str, None] = {}
    for package in PACKAGES:
        for file in sorted((root / package).rglob("*.py")):
            if file.parent.name == "ui":
                continue
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and _named_said(node.func)):
                    continue
                first = node.args[0] if node.args else None
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    where = f"{file.relative_to(root)}:{node.lineno}"
                    raise ValueError(f"{where}: said() needs a literal template")
                found.setdefault(first.value)
    return list(found)


def _named_said(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "said") or (
        isinstance(func, ast.Attribute) and func.attr == "said"
    )


def render(texts: list[str]) -> str:
    quoted = (json.dumps(text, ensure_ascii=False) for text in texts)
    lines = "".join(f'    QT_TRANSLATE_NOOP("Said", {q}),\n' for q in quoted)
    return HEADER + lines + ")\n# fmt: on\n"


if __name__ == "__main__":
    OUT.write_text(render(templates()), encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {len(templates())} texts", file=sys.stderr)
