"""The words a memory is searched by in SQLite's full-text index (FTS5): their stems, as
prefixes."""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = {
    "и", "в", "на", "с", "что", "как", "а", "то", "это", "по", "не", "ли", "у", "я", "ты", "мы",
    "меня", "мне", "мой", "моя", "моё", "мои", "моего", "где", "кто", "когда", "какой", "какая",
    "the", "a", "an", "and", "of", "to", "is", "in", "it", "what", "do", "did", "does", "you", "i",
    "my", "me", "am", "are", "was", "where", "who", "when", "which", "how", "now", "name",
}  # fmt: skip


def fts_terms(text: str) -> list[str]:
    """The stems of the words of ``text`` that are worth searching by: "кота" → "кот"."""
    terms = []
    for word in _WORD.findall(text.lower()):
        if word in _STOP or len(word) < 2:
            continue
        terms.append(_stem(word))
    return list(dict.fromkeys(terms))


_ENGLISH_ENDING = re.compile(r"(?:'s|ing|ed|es|e|s|y)$")


def _stem(word: str) -> str:
    """A word's stem, searched for as a prefix: Russian loses its last letters ("кота" →
    "кот"), English only its endings ("commuting" → "commut", "work" stays: "wor" found
    "word", and "How do I commute to work?" recalled "What's a good word for happy?")."""
    if len(word) < 4:
        return word
    if word.isascii():
        stem = _ENGLISH_ENDING.sub("", word)
        return stem if len(stem) >= 3 else word
    return word[:-1] if len(word) <= 5 else word[:-2]


def fts_match(stem: str, text: str) -> str:
    """What FTS5 matches for a stem of ``text``: words that begin with it ("кот"* finds
    "кота"); a short English word said as it is, that word or its plural ("car" finding
    "carpet" had "What colour is my car?" recall how to get red wine out of one)."""
    if len(stem) < 4 and stem.isascii() and stem in _WORD.findall(text.lower()):
        return f'("{stem}" OR "{stem}s")'
    return f'"{stem}"*'


def fts_query(text: str) -> str:
    """Words of ``text`` as an FTS5 OR-query of stems with prefix matching: "кота" finds "кот"."""
    return " OR ".join(fts_match(stem, text) for stem in fts_terms(text))
