"""Text as it should be spoken: dates read as dates. Numbers themselves are read as words by
piper's phonemizer (espeak-ng), so "25" needs nothing; "21.11.2026" would be read as three
numbers with "point" between them."""

from __future__ import annotations

import re

MONTHS_RU = [
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
]  # fmt: skip
MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
DOTTED = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
CYRILLIC = re.compile(r"[а-яё]", re.I)


def spoken(text: str) -> str:
    russian = bool(CYRILLIC.search(text))

    def say(day: int, month: int, year: int, original: str) -> str:
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return original
        if russian:
            return f"{day} {MONTHS_RU[month - 1]} {year} года"
        return f"{MONTHS_EN[month - 1]} {day}, {year}"

    text = DOTTED.sub(lambda m: say(int(m[1]), int(m[2]), int(m[3]), m[0]), text)
    return ISO.sub(lambda m: say(int(m[3]), int(m[2]), int(m[1]), m[0]), text)
