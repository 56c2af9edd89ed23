"""Who someone is to the user: the memory that introduces a name with what they are to the user
("My partner Joel is a carpenter", "Our daughter Mia is seven", "Муж Серёжа работает
электриком", "Брата моего зовут Андрей") says more about them than the dozens that only name
them ("Joel burnt the toast"). A question about someone ("How old is Mia?", "What does my sister
do?") is most often answered there, as the people graphs of Zep and Memobase hold it. Needs no
model: a relation word a few words before a name."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from itertools import takewhile

from memory.entities import names_in

WITHIN = 5  # a relation word this many words before a name introduces it ("teacher this year is
# Mr Okafor") where the words between name them; otherwise only right before it ("my partner
# Joel"): "Подруга с работы ездила в Калининград" introduces no Kaliningrad
NAMING = frozenset(("is", "was", "name", "called", "named", "зовут", "звали", "это"))

_ENGLISH = frozenset((
    "partner", "husband", "wife", "son", "daughter", "child", "kid", "boy", "girl", "brother",
    "sister", "mum", "mom", "mother", "dad", "father", "grandson", "granddaughter", "grandma",
    "grandmother", "grandad", "grandpa", "grandfather", "gran", "nan", "aunt", "uncle", "cousin",
    "nephew", "niece", "friend", "mate", "pal", "neighbour", "neighbor", "colleague", "boss",
    "manager", "teacher", "doctor", "gp", "dentist", "vet", "landlord", "landlady", "boyfriend",
    "girlfriend", "fiance", "fiancee", "flatmate", "roommate", "coach", "nanny", "dog", "cat",
    "puppy", "kitten", "pet",
))  # fmt: skip
# Russian relation words with the endings their cases take, whole words only: "кот" must not
# match "который", nor "друг" "другой"
_RUSSIAN = (
    r"муж(?:а|у|ем|е)?",
    r"жен(?:а|ы|е|у|ой)",
    r"сын(?:а|у|ом|е|ок|ка|ку|ком|ишка)?",
    r"доч(?:ь|ери|ерью|ка|ки|ке|ку|кой|урка)",
    r"брат(?:а|у|ом|е|ишка)?",
    r"сестр(?:а|ы|е|у|ой|ёнка|енка)",
    r"мам(?:а|ы|е|у|ой)",
    r"пап(?:а|ы|е|у|ой)",
    r"от(?:ец|ца|цу|цом|це)",
    r"мат(?:ь|ери|ерью)",
    r"(?:бабушк|дедушк|внучк|племянниц|девушк)(?:а|и|е|у|ой)",
    r"(?:дед|внук|племянник)(?:а|у|ом|е)?",
    r"(?:т[её]т|дяд)(?:я|и|е|ю|ей)",
    r"(?:друг)(?:а|у|ом|е)?|друз(?:ья|ей|ьям)|подруг(?:а|и|е|у|ой)",
    r"(?:сосед|коллег|начальни|шеф|руководител|учител|учительниц|врач|доктор)\w{0,3}",
    r"(?:стоматолог|тренер|заведующ|хозяйк|хозяин|т[её]щ|св[её]кр|зят)\w{0,3}",
    r"(?:кот|пёс|пес)|кот(?:а|у|ом|е|ик|ика)|пса|псу|(?:кошк|собак)(?:а|и|е|у|ой)",
)
_ONE_OF = re.compile("|".join(f"(?P<r{n}>{p})" for n, p in enumerate(_RUSSIAN)))
_WORD = re.compile(r"[\w’']+")


@functools.lru_cache(maxsize=1 << 16)  # a pure function of the word, asked of every word read
def relation(word: str) -> str | None:
    """The relation ``word`` names, as a key its other forms share, or None."""
    word = word.lower().replace("’", "'")
    if word.isascii():
        word = word.removesuffix("'s").replace("é", "e")
        for form in (word, word.removesuffix("s")):
            if form in _ENGLISH:
                return form
        return None
    found = _ONE_OF.fullmatch(word)
    if found is None or found.lastgroup is None:
        return None
    number = int(found.lastgroup[1:])  # the first ten have one root each
    return f"ru{number}" if number < 10 else f"ru{number}:{word[:3].replace('ё', 'е')}"


def relation_words(text: str) -> list[str]:
    """The words of ``text`` that name a relation, as written."""
    return [w for w in _WORD.findall(text) if relation(w) is not None]


def relations_in(text: str) -> set[str]:
    return {key for w in _WORD.findall(text) if (key := relation(w)) is not None}


def asked_about(text: str) -> tuple[set[str], set[str]]:
    """The relations a question asks about, and those whose they are: "my daughter's teacher"
    and "тренер моего сына" ask about the teacher and the coach, of the daughter and the son."""
    words = _WORD.findall(text.replace("’", "'"))
    keys = [relation(w) for w in words]
    heads: set[str] = set()
    whose: set[str] = set()
    for i, (word, key) in enumerate(zip(words, keys, strict=True)):
        if key is None:
            continue
        if word.isascii():  # "my daughter's teacher"
            owner = word.endswith("'s")
        else:  # "тренер моего сына": the one named after another's relation is whose
            owner = any(k is not None for k in keys[max(0, i - 2) : i])
        (whose if owner else heads).add(key)
    return heads, whose


def introduced(text: str) -> dict[str, str]:
    """The names ``text`` introduces, each with the relation that introduces it: "My partner
    Joel" → {"Joel": "partner"}; "Joel's parents flew to Spain" introduces no one."""
    words = _words(text)
    keys = [relation(w) for w in words]
    if not any(keys):  # most memories name no relation: passed over at once
        return {}
    names = set(names_in(text))
    out: dict[str, str] = {}
    for i, word in enumerate(words):
        if word in names and word not in out and (key := _introducer(words, keys, i)):
            out[word] = key
    return out


def introduces(text: str, names: Sequence[str]) -> bool:
    """``text`` introduces one of ``names`` (as ``introduced`` reads it, without reading every
    name in it: this is asked of every candidate naming them)."""
    words = _words(text)
    keys = [relation(w) for w in words]
    for i, word in enumerate(words):
        if i == 0 or not word[:1].isupper() or not any(same_name(word, n) for n in names):
            continue
        if _introducer(words, keys, i) is not None:
            return word in names_in(text)  # not at the start of a sentence
    return False


def _words(text: str) -> list[str]:
    return [w.replace("’", "'").removesuffix("'s") for w in _WORD.findall(text)]


def _introducer(words: list[str], keys: list[str | None], i: int) -> str | None:
    """The relation that introduces the ``i``-th word: the nearest within ``WITHIN`` words
    before it, right before it or with a naming word between."""
    for j in range(i - 1, max(-1, i - WITHIN - 1), -1):
        key = keys[j]
        if key is not None and (j == i - 1 or NAMING & {w.lower() for w in words[j + 1 : i]}):
            return key
    return None


def same_name(a: str, b: str) -> bool:
    """Two forms of one name: as written in English, by their stem in Russian ("Мише",
    "Миша")."""
    a, b = a.lower(), b.lower()
    if a.isascii() or b.isascii():
        return a == b
    shared = sum(1 for _ in takewhile(lambda pair: pair[0] == pair[1], zip(a, b, strict=False)))
    # "Игорь", "Игорем": all but the endings
    return shared >= max(3, min(len(a), len(b)) - 2)
