"""A tiny Whisper for faster-whisper: a Whisper-architecture model with seeded random weights,
converted to CTranslate2 by its own converter (which fills a WhisperSpec), with a
``tokenizer.json`` carrying Whisper's special tokens at their usual ids (without it,
faster-whisper would download one). It transcribes noise; the runtime that runs it is real."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

TEXT_TOKENS = 50257  # as GPT-2's vocabulary: Whisper's special tokens start here
TIMESTAMPS = 1501


def _byte_alphabet() -> list[str]:
    """GPT-2's printable stand-ins for the 256 byte values (byte-level BPE)."""
    keep = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    keep += list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = {}, 0
    for b in range(256):
        if b in keep:
            chars[b] = chr(b)
        else:
            chars[b] = chr(256 + extra)
            extra += 1
    return [chars[b] for b in range(256)]


def _syllables() -> list[str]:
    onsets = ["", *"bdfgklmnprstvz", "sh", "ch", *"бвгдзклмнпрстфхшж"]
    vowels = [*"aeiou", *"аеиоуыя"]
    codas = ["", *"nrslt", *"нрслт"]
    one = [o + v + c for o in onsets for v in vowels for c in codas]
    words = one + [a + b for a in one[:400] for b in one[:400]]
    return [w for word in words for w in (word, " " + word)]


def special_tokens() -> list[str]:
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    # Whisper's own order starts with English; CTranslate2 reads "<|en|>" to tell a multilingual
    # model, and faster-whisper accepts any of these codes.
    codes = [
        "en",
        "zh",
        "de",
        "es",
        "ru",
        *(c for c in _LANGUAGE_CODES if c not in ("en", "zh", "de", "es", "ru")),
    ]
    languages = [f"<|{code}|>" for code in codes][:99]
    return [
        "<|endoftext|>", "<|startoftranscript|>", *languages, "<|translate|>", "<|transcribe|>",
        "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>",
        *(f"<|{i * 0.02:.2f}|>" for i in range(TIMESTAMPS)),
    ]  # fmt: skip


def make_tiny_whisper(folder: Path, *, seed: int = 0) -> Path:
    import ctranslate2
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import (
        GenerationConfig,
        PreTrainedTokenizerFast,
        WhisperConfig,
        WhisperForConditionalGeneration,
    )

    alphabet = _byte_alphabet()
    vocab = {ch: i for i, ch in enumerate(alphabet)}
    # The other text tokens are syllables ("ka", " lo", "за"), so that the noise it transcribes
    # reads as noise, and the special tokens land at Whisper's own ids.
    for syllable in _syllables():
        if len(vocab) == TEXT_TOKENS:
            break
        vocab.setdefault("".join(alphabet[b] for b in syllable.encode("utf-8")), len(vocab))
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    specials = special_tokens()
    tokenizer.add_special_tokens(specials)
    size = TEXT_TOKENS + len(specials)

    work = Path(tempfile.mkdtemp(prefix="tiny-whisper-"))
    hf = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_object=tokenizer,
        eos_token="<|endoftext|>",
        bos_token="<|endoftext|>",
        unk_token="<|endoftext|>",
        pad_token="<|endoftext|>",
    )
    hf.add_special_tokens({"additional_special_tokens": specials[1:]})
    hf.save_pretrained(work)
    torch.manual_seed(seed)
    sot = TEXT_TOKENS + 1
    config = WhisperConfig(
        vocab_size=size, num_mel_bins=80, d_model=32, encoder_layers=1, encoder_attention_heads=2,
        decoder_layers=1, decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
        max_source_positions=1500, max_target_positions=448, decoder_start_token_id=sot,
        pad_token_id=TEXT_TOKENS, bos_token_id=TEXT_TOKENS, eos_token_id=TEXT_TOKENS,
        suppress_tokens=[], begin_suppress_tokens=[TEXT_TOKENS],
    )  # fmt: skip
    model = WhisperForConditionalGeneration(config)
    languages = {tok: TEXT_TOKENS + 2 + i for i, tok in enumerate(specials[2:101])}
    model.generation_config = GenerationConfig(  # type: ignore[no-untyped-call]
        decoder_start_token_id=sot, eos_token_id=TEXT_TOKENS, pad_token_id=TEXT_TOKENS,
        lang_to_id=languages, suppress_tokens=[], begin_suppress_tokens=[TEXT_TOKENS],
        no_timestamps_token_id=specials.index("<|notimestamps|>") + TEXT_TOKENS,
        is_multilingual=True, alignment_heads=[[0, 0]],
    )  # fmt: skip
    model.save_pretrained(work)
    folder.mkdir(parents=True, exist_ok=True)
    ctranslate2.converters.TransformersConverter(str(work)).convert(str(folder), force=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    shutil.rmtree(work, ignore_errors=True)
    return folder
