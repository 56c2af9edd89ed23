"""What a question asks of memory beyond its words (issue #18's query understanding):

- a day it names: "on 14 March", "March 14th", "14 марта", "yesterday", "позавчера",
  "three days ago", "5 дней назад" (resolved against the moment it is asked, in local time;
  a date with no year is the latest one not after that moment);
- a moment it is anchored after: "what did I tell you right after the story about the plumber?",
  "что я рассказала сразу после истории про соседей?" (the answer is what was said next).

What is understood is taken out of the words that are searched by.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS_EN = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
]  # fmt: skip
MONTHS_RU = [
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
    "октября", "ноября", "декабря",
]  # fmt: skip
_EN = "|".join(m for name in MONTHS_EN for m in (name, name[:3]))
_RU = "|".join(MONTHS_RU)
_DAY_FIRST = re.compile(
    rf"\b(?:on\s+)?(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_EN}|{_RU})\.?"
    r"(?:,?\s+(\d{4}))?(?:\s+года)?",
    re.IGNORECASE,
)
_MONTH_FIRST = re.compile(
    rf"\b(?:on\s+)?({_EN})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.IGNORECASE
)
NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10,
    "один": 1, "одну": 1, "два": 2, "две": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6,
    "семь": 7, "десять": 10,
}  # fmt: skip
_AGO = re.compile(
    r"\b(\d{1,2}|" + "|".join(NUMBERS) + r"|a|an)?\s*"
    r"(days?|weeks?|дн[яей]+|день|недел[юиь]+)\s+(ago|назад)\b",
    re.IGNORECASE,
)
WEEKDAYS_EN = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS_RU = ["понедельник", "вторник", "среду", "четверг", "пятницу", "субботу", "воскресенье"]
# "last Saturday", "в прошлую субботу": the latest such day before today; a bare "on Friday",
# "в среду" only in a question about the past ("what did I do on Friday?", not "what do I do on
# Sunday mornings?" nor "what am I doing on Saturday?"); never "on Saturdays", "по субботам"
_WEEKDAY = re.compile(
    r"\b(?:(?:on\s+)?(last\s+)?(" + "|".join(WEEKDAYS_EN) + r")(?!s)\b)"
    r"|(?<!\w)(?:во?\s+)(прошл\w+\s+)?(" + "|".join(WEEKDAYS_RU) + r")(?!\w)",
    re.IGNORECASE,
)
_PAST = re.compile(r"\b(did|was|were|went|had|said|told)\b|\w{2,}(?:ла|ли|л)(?!\w)", re.I)
_RELATIVE = {
    "the day before yesterday": 2, "позавчера": 2, "yesterday": 1, "вчера": 1, "today": 0,
    "сегодня": 0,
}  # fmt: skip
_AFTER = re.compile(
    r"\b(?:right\s+|just\s+|straight\s+)?after\s+(?:the\s+story\s+about|the\s+bit\s+about|"
    r"talking\s+about|telling\s+you\s+about|complaining\s+about|we\s+talked\s+about|"
    r"i\s+(?:mentioned|told\s+you\s+about)|mentioning)?\s*(?P<anchor>.+?)[?.!]*$"
    r"|(?:сразу\s+|прямо\s+)?после\s+(?:истории\s+(?:про|о|об|со|с)|рассказа\s+(?:про|о|об)|"
    r"разговора\s+(?:про|о|об)|того,?\s+как)?\s*(?P<anchor_ru>.+?)[?.!]*$",
    re.IGNORECASE,
)
# ...and only in questions about what was said: "what do I do after work?" asks no such thing
_SAID = re.compile(
    r"\b(say|said|tell|told|mention(?:ed)?|share[d]?|news|announce[d]?|brought\s+up|bring\s+up)\b"
    r"|(сказал|рассказал|говорил|упомянул|делилась|делился|новост|писал|сообщ|объявил|поделил)\w*",
    re.IGNORECASE,
)


_FIRST_PERSON = re.compile(
    r"\b(i|me|my|mine|myself|we|us|our)\b|(?<!\w)(я|мне|меня|мной|мой|моя|моё|мои|мы|нам|нас|наш\w*)(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Asked:
    words: str  # the question without what was understood: what to search by
    day: tuple[float, float] | None = None  # the named day: its first and its next midnight
    after: str | None = None  # the anchor: the answer was said right after it
    about_the_user: bool = False  # asked in the first person: "what did I…", "куда я…"


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    if name in MONTHS_RU:
        return MONTHS_RU.index(name) + 1
    return next(i for i, m in enumerate(MONTHS_EN, 1) if m.startswith(name[:3]))


def _span(day: dt.date) -> tuple[float, float]:
    start = dt.datetime.combine(day, dt.time()).astimezone()
    return start.timestamp(), (start + dt.timedelta(days=1)).timestamp()


def _named_day(text: str, today: dt.date) -> tuple[dt.date, tuple[int, int]] | None:
    """The day the text names and where it names it."""
    for pattern, day_group, month_group in ((_DAY_FIRST, 1, 2), (_MONTH_FIRST, 2, 1)):
        m = pattern.search(text)
        if m is None:
            continue
        day, month = int(m.group(day_group)), _month(m.group(month_group))
        years = [int(m.group(3))] if m.group(3) else [today.year, today.year - 1]
        for year in years:
            try:
                date = dt.date(year, month, day)
            except ValueError:
                return None
            if date <= today or m.group(3):
                return date, m.span()
        return None
    m = _AGO.search(text)
    if m is not None:
        count = m.group(1) or "1"
        n = int(count) if count.isdigit() else NUMBERS.get(count.lower(), 1)
        unit = 7 if m.group(2).lower().startswith(("week", "недел")) else 1
        return today - dt.timedelta(days=n * unit), m.span()
    m = _WEEKDAY.search(text)
    if m is not None and (m.group(1) or m.group(3) or _PAST.search(text)):
        name = (m.group(2) or m.group(4)).lower()
        weekday = (WEEKDAYS_EN if m.group(2) else WEEKDAYS_RU).index(name)
        back = (today.weekday() - weekday) % 7 or 7
        return today - dt.timedelta(days=back), m.span()
    lowered = text.lower()
    for phrase, back in _RELATIVE.items():
        at = re.search(rf"\b{phrase}\b", lowered)
        if at is not None:
            return today - dt.timedelta(days=back), at.span()
    return None


def understand(question: str, now: float) -> Asked:
    words = question.strip()
    today = dt.datetime.fromtimestamp(now).astimezone().date()
    day = None
    found = _named_day(words, today)
    if found is not None:
        date, (start, end) = found
        day = _span(date)
        words = f"{words[:start]} {words[end:]}".strip()
    after = None
    m = _AFTER.search(words) if _SAID.search(words) else None
    if m is not None:
        anchor = (m.group("anchor") or m.group("anchor_ru") or "").strip()
        if len(anchor) >= 3:
            after = anchor
            words = words[: m.start()].strip()
    words = re.sub(r"\s+([?.!,])", r"\1", " ".join(words.split()))
    about_the_user = bool(_FIRST_PERSON.search(question))
    return Asked(words or question.strip(), day, after, about_the_user)
