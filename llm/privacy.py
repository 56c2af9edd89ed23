"""What must not leave the machine: a PII scrubber and a denylist (design seed §14).

Every request to a remote provider passes here first. E-mail addresses, phone numbers, payment
card numbers (checked with Luhn) and the names in the user's own entity dictionary are replaced
by placeholders; a message that mentions a denylisted term is not sent at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from core.errors import PrivacyError

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CARD = re.compile(r"\b(?:\d[ -]?){13,19}\b")
PHONE = re.compile(r"(?<![\w+])(?:\+?\d[\d\s().-]{8,}\d)(?!\w)")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def names_from(folder: Path) -> list[str]:
    """Names in the user's entity dictionaries: YAML files of names, or of names to aliases."""
    names: list[str] = []
    for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue  # a broken dictionary is reported where it is edited, not here
        if isinstance(data, dict):
            for name, aliases in data.items():
                names.append(str(name))
                if isinstance(aliases, list):
                    names.extend(str(a) for a in aliases)
        elif isinstance(data, list):
            names.extend(str(n) for n in data)
    return names


def _stem(name: str) -> str:
    """Russian names change their ending (Маша, Маше, Машу): match from the stem."""
    if len(name) >= 4 and name[-1].lower() in "аяоеыийьу":
        return name[:-1]
    return name


class Scrubber:
    def __init__(self, names: Iterable[str] = (), denylist: Sequence[str] = ()) -> None:
        stems = {_stem(n.strip()) for n in names if n.strip()}
        ordered = sorted(stems, key=len, reverse=True)
        self._names = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in ordered) + r")\w*", re.I)
            if ordered
            else None
        )
        self.denylist = [d.lower() for d in denylist if d.strip()]

    def check(self, text: str) -> None:
        lowered = text.lower()
        for term in self.denylist:
            if term in lowered:
                raise PrivacyError(
                    f"the message mentions {term!r}, which your denylist keeps on this machine: "
                    "it was not sent to the remote provider",
                    hint="answer it with a local model, or edit [llm.remote] denylist",
                )

    def scrub(self, text: str) -> str:
        self.check(text)
        text = EMAIL.sub("[email]", text)

        def card(match: re.Match[str]) -> str:
            digits = re.sub(r"\D", "", match.group(0))
            return "[card]" if 13 <= len(digits) <= 19 and _luhn(digits) else match.group(0)

        text = CARD.sub(card, text)
        text = PHONE.sub(
            lambda m: "[phone]" if len(re.sub(r"\D", "", m.group(0))) >= 10 else m.group(0), text
        )
        if self._names is not None:
            text = self._names.sub("[name]", text)
        return text
