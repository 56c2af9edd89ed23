"""Which language a text is written in, by its letters: enough to tell Russian from English."""

from __future__ import annotations

import re

_CYRILLIC = re.compile(r"[а-яё]", re.I)
_LATIN = re.compile(r"[a-z]", re.I)


def language_of(text: str) -> str:
    """ "ru" or "en" by the letters written (the share of Cyrillic among all letters)."""
    cyrillic, latin = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    if cyrillic + latin == 0:
        return ""
    return "ru" if cyrillic / (cyrillic + latin) >= 0.5 else "en"
