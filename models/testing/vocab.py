"""A small SentencePiece-style ("llama") vocabulary with byte fallback.

Every Russian and English text tokenizes: characters that have no token of their own fall back to
the 256 byte tokens. Frequent letters, pairs and words get tokens so that typical text does not
explode into bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

# llama.cpp token types
NORMAL, UNKNOWN, CONTROL, BYTE = 1, 2, 3, 6

LETTERS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
    "0123456789"
)
PUNCT = ".,!?-:;'\"()«»—…/%"
WORDS = [
    "и",
    "в",
    "не",
    "на",
    "я",
    "что",
    "он",
    "с",
    "как",
    "а",
    "то",
    "это",
    "по",
    "но",
    "вы",
    "мы",
    "ты",
    "да",
    "нет",
    "привет",
    "спасибо",
    "мне",
    "у",
    "так",
    "the",
    "a",
    "and",
    "to",
    "of",
    "is",
    "in",
    "it",
    "you",
    "that",
    "for",
    "on",
    "with",
    "hello",
    "thanks",
    "yes",
    "no",
    "I",
    "me",
]
PAIRS = [
    "ст",
    "но",
    "то",
    "на",
    "ен",
    "ов",
    "ни",
    "ра",
    "во",
    "ко",
    "th",
    "he",
    "in",
    "er",
    "an",
    "re",
    "on",
    "at",
    "en",
    "nd",
]


@dataclass(frozen=True, slots=True)
class Vocab:
    tokens: list[str]
    scores: list[float]
    types: list[int]

    def id(self, token: str) -> int:
        return self.tokens.index(token)


def build_vocab(special: list[str]) -> Vocab:
    """``<unk>``, ``<s>``, ``</s>``, the model's own special tokens, 256 bytes, then pieces."""
    tokens: list[str] = []
    scores: list[float] = []
    types: list[int] = []

    def add(token: str, score: float, kind: int) -> None:
        if token not in tokens:
            tokens.append(token)
            scores.append(score)
            types.append(kind)

    add("<unk>", 0.0, UNKNOWN)
    add("<s>", 0.0, CONTROL)
    add("</s>", 0.0, CONTROL)
    for token in special:
        add(token, 0.0, CONTROL)
    for byte in range(256):
        add(f"<0x{byte:02X}>", 0.0, BYTE)
    # Pieces: longer ones score higher so that the tokenizer prefers them when merging.
    add("\u2581", -1.0, NORMAL)
    for ch in LETTERS + PUNCT:
        add(ch, -2.0, NORMAL)
    for pair in PAIRS:
        add(pair, -0.5, NORMAL)
    for word in WORDS:
        add("\u2581" + word, -0.1, NORMAL)
    return Vocab(tokens, scores, types)
