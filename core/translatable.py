"""Texts for people from the layers that know no Qt: ``said("{0} tokens", 48)`` is the English
string "48 tokens", and remembers its template and values, so that the window can show it in
the user's language (app/ui/translation.py ``shown``).

Each template is a literal at its ``said`` call: ``make translations`` collects them
(tools/collect_said.py) into the interface's translation source. A value that is itself ``said``
is translated too; anything else (a model's name, a number) is shown as it is.
"""

from __future__ import annotations

from typing import Any


class Said(str):
    template: str
    args: tuple[Any, ...]

    def __new__(cls, template: str, *args: Any) -> Said:
        text = super().__new__(cls, template.format(*args) if args else template)
        text.template = template
        text.args = args
        return text


def said(template: str, *args: Any) -> Said:
    return Said(template, *args)
