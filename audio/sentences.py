"""Speaking the reply as it is written: text in, whole sentences out.

A sentence is released once the next non-space character has arrived after its end mark, so a
full stop inside "3.14", "т.е." or "Dr." never cuts it; abbreviations and initials of Russian and
English are known; what remains is released when the reply ends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from audio.frames import AssistantSentence, AssistantText, Frame, Interruption, ReplyEnded
from audio.pipeline import Processor

ABBREVIATIONS = {
    # Russian
    "т.е", "т.к", "т.д", "т.п", "др", "пр", "г", "гг", "ул", "им", "см", "стр", "руб", "коп",
    "тыс", "млн", "млрд", "проф", "акад", "рис", "напр", "и т.д", "и т.п", "т.н", "тел", "д", "кв",
    # English
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "no", "fig",
    "approx", "inc", "ltd", "co", "mt", "u.s", "a.m", "p.m",
}  # fmt: skip
END = re.compile(r"[.!?…]+[»\"')\]]*")


def is_boundary(text: str, end: int) -> bool:
    """Whether the end mark finishing at ``end`` (exclusive) closes a sentence."""
    mark_start = end
    while mark_start > 0 and text[mark_start - 1] in ".!?…»\"')]":
        mark_start -= 1
    if "." not in text[mark_start:end] or any(c in text[mark_start:end] for c in "!?…"):
        return True
    word = re.search(r"([\w.]+)$", text[:mark_start])
    if not word:
        return True
    token = word.group(1).lower().rstrip(".")
    if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return False  # "т.е." "Dr." or an initial: "А. С. Пушкин"
    if token.isdigit():  # "1." at the start of a line numbers a list; "Мне 25." ends a sentence
        before = text[: mark_start - len(token)]
        return not (before.strip() == "" or before.endswith("\n"))
    return True


class SentenceSplitter(Processor):
    def __init__(self) -> None:
        self._text = ""
        self._index = 0

    def process(self, frame: Frame) -> Iterable[Frame]:
        if isinstance(frame, Interruption):
            self._text = ""
            return (frame,)
        if isinstance(frame, ReplyEnded):
            return [*self._release_all(), frame]
        if not isinstance(frame, AssistantText):
            return (frame,)
        self._text += frame.text
        return self._release()

    def flush(self) -> Iterable[Frame]:
        return self._release_all()

    def _release(self) -> list[Frame]:
        out: list[Frame] = []
        start = 0
        for match in END.finditer(self._text):
            end = match.end()
            rest = self._text[end:]
            if not rest.strip():
                break  # the next non-space character has not arrived: wait
            if not rest[0].isspace() or not is_boundary(self._text, end):
                continue
            sentence = self._text[start:end].strip()
            if sentence:
                out.append(AssistantSentence(text=sentence, index=self._index))
                self._index += 1
            start = end
        self._text = self._text[start:]
        return out

    def _release_all(self) -> list[Frame]:
        out = self._release()
        if self._text.strip():
            out.append(AssistantSentence(text=self._text.strip(), index=self._index))
            self._index += 1
        self._text = ""
        return out
