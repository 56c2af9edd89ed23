"""The words a memory is searched by in SQLite's full-text index (FTS5): their stems, as
prefixes."""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"\w+", re.UNICODE)
# "my" and the question words in each of their forms: "мою" left out had "Как зовут мою
# сестру?" find every "Мою соседку зовут ..." by that word (long set MRR 0.771 to 0.774).
# "зовут" asks for a name as "name" does ("Как зовут мою свекровь?"), and is left out as it
# is: MRR 0.774 to 0.781 on the long set, 0.743 to 0.752 on the unseen one, 0.762 to 0.768 on
# the older one, recall unchanged, and a third fewer memories brought to a question whose
# answer was never said.
_STOP = {
    "и", "в", "на", "с", "что", "как", "а", "то", "это", "по", "не", "ли", "у", "я", "ты", "мы",
    "меня", "мне", "мой", "моя", "моё", "мое", "мои", "моего", "моему", "моей", "мою", "моим",
    "моём", "моем", "моих", "моими", "где", "кто", "когда", "какой", "какая", "какое", "какие",
    "какую", "какого", "каком", "какому", "каким", "какими", "каких", "зовут",
    "the", "a", "an", "and", "of", "to", "is", "in", "it", "what", "do", "did", "does", "you", "i",
    "my", "me", "am", "are", "was", "where", "who", "when", "which", "how", "now", "name",
}  # fmt: skip

# A Russian verb's perfective is mostly the same verb with a prefix, and a question asks in the
# imperfective what was told in the perfective: "Ломал ли я кости?" of "я сломал руку", "Когда я
# женился?" of "мы поженились". A verb in the past or the infinitive is searched for with each
# of the common prefixes too (the ones no memory has cost a lookup in FTS5's vocabulary each: at
# 100,000 memories about 0.7 ms a question). On the older set recall@5 went from 0.913 to 0.922.
_PREFIXES = ("по", "с", "за", "на", "при", "у", "вы", "про", "от", "пере", "раз", "под")
_PAST_OR_INFINITIVE = re.compile(r"\w\w(?:л|ла|ло|ли|лся|лась|лось|лись|ть|ться|ти)$")


@dataclass(frozen=True, slots=True)
class Term:
    """A word worth searching by: its stem, and whether it is a short English word said as it
    is, which matches itself or its plural rather than every word it begins ("car" finding
    "carpet" had "What colour is my car?" recall how to get red wine out of one)."""

    stem: str
    exact: bool = False

    @property
    def match(self) -> str:
        """What FTS5 matches for it: words that begin with the stem ("кот"* finds "кота")."""
        return f'("{self.stem}" OR "{self.stem}s")' if self.exact else f'"{self.stem}"*'


def fts_terms(text: str) -> list[Term]:
    """The words of ``text`` that are worth searching by, each once: "кота" → "кот"."""
    terms: dict[str, Term] = {}
    for word in _WORD.findall(text.lower()):
        if word in _STOP or len(word) < 2:
            continue
        stem = _stem(word)
        term = Term(stem, exact=stem == word and len(word) < 4 and word.isascii())
        if stem not in terms or term.exact:  # "cats and a cat": the cat itself, or cats
            terms[stem] = term
        if _PAST_OR_INFINITIVE.search(word):  # "ломал" asked, "сломал" said
            for prefix in _PREFIXES:
                terms.setdefault(prefix + stem, Term(prefix + stem))
    return list(terms.values())


def name_terms(name: str) -> list[Term]:
    """A name's words to search by: an English one as itself or with an "s" ("Isle" stemmed
    to "isl" found every "Isla", and "Where is my doctor going?" recalled a granddaughter's
    flights through the Isle of Skye); a Russian one by its stem, which its cases share
    ("Андрея")."""
    words = _WORD.findall(name.lower())
    return [Term(w, exact=True) if w.isascii() else Term(_stem(w)) for w in words]


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


def fts_query(text: str) -> str:
    """Words of ``text`` as an FTS5 OR-query of stems with prefix matching: "кота" finds "кот"."""
    return " OR ".join(term.match for term in fts_terms(text))
