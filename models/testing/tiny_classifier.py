"""A tiny real text classifier for the emotion chain: a BERT-architecture model with seeded
random weights and a WordPiece tokenizer, saved as transformers saves any model. Its verdicts are
noise; ``transformers`` loading and running it is real."""

from __future__ import annotations

from pathlib import Path

EMOTION_LABELS = ("anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise")


def make_tiny_emotion_classifier(folder: Path, *, seed: int = 0) -> Path:
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    letters = "abcdefghijklmnopqrstuvwxyzабвгдеёжзийклмнопрстуфхцчшщъыьэюя0123456789.,!?"
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *letters, *(f"##{c}" for c in letters)]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = BertTokenizer(vocab_file=str(folder / "vocab.txt"), do_lower_case=True)
    torch.manual_seed(seed)
    config = BertConfig(  # type: ignore[call-arg]
        vocab_size=len(vocab),
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        num_labels=len(EMOTION_LABELS),
        id2label=dict(enumerate(EMOTION_LABELS)),
        label2id={label: i for i, label in enumerate(EMOTION_LABELS)},
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
