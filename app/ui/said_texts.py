# ruff: noqa: E501
"""The templates the Qt-free layers say to people (core/translatable.py), marked for Qt's
translation system. Written by tools/collect_said.py (``make translations``): do not edit."""

from PySide6.QtCore import QT_TRANSLATE_NOOP

# fmt: off
TEXTS = (
    QT_TRANSLATE_NOOP("Said", "the message is empty: type something to say"),
    QT_TRANSLATE_NOOP("Said", "a reply is still being written: wait for it or press Stop"),
    QT_TRANSLATE_NOOP("Said", "there is no question to ask again yet: type one"),
    QT_TRANSLATE_NOOP("Said", "the conversation"),
    QT_TRANSLATE_NOOP("Said", "the memory"),
    QT_TRANSLATE_NOOP("Said", "demo model: its replies are noise; get a real model to talk"),
    QT_TRANSLATE_NOOP("Said", "✂ cut off: the model crashed here"),
    QT_TRANSLATE_NOOP("Said", "{0} tokens"),
    QT_TRANSLATE_NOOP("Said", "{0:.0f} tok/s"),
    QT_TRANSLATE_NOOP("Said", "{0} · {1}"),
    QT_TRANSLATE_NOOP("Said", "stopped"),
    QT_TRANSLATE_NOOP("Said", "fallback: {0}"),
    QT_TRANSLATE_NOOP("Said", "paused at {0}: pull to resume"),
    QT_TRANSLATE_NOOP("Said", "in use: {0}"),
    QT_TRANSLATE_NOOP("Said", "installed"),
    QT_TRANSLATE_NOOP("Said", "not installed (chosen for {0})"),
    QT_TRANSLATE_NOOP("Said", "not installed"),
    QT_TRANSLATE_NOOP("Said", "GPU use changes from the next model load"),
    QT_TRANSLATE_NOOP("Said", "voice settings apply the next time voice starts"),
    QT_TRANSLATE_NOOP("Said", "the interface language changes at the next start"),
    QT_TRANSLATE_NOOP("Said", "{0}: new generation settings apply from the next reply"),
    QT_TRANSLATE_NOOP("Said", "the remote provider may be used (messages are scrubbed of personal data)"),
    QT_TRANSLATE_NOOP("Said", "offline: nothing leaves this machine"),
    QT_TRANSLATE_NOOP("Said", "{0} could not be saved ({1}). Free some disk space: nothing is lost, it is kept and saved as soon as it can be."),
    QT_TRANSLATE_NOOP("Said", "{0} is saved again"),
    QT_TRANSLATE_NOOP("Said", "{0}\n  → {1}"),
    QT_TRANSLATE_NOOP("Said", "{0} layers on the GPU"),
    QT_TRANSLATE_NOOP("Said", "CPU"),
    QT_TRANSLATE_NOOP("Said", "Memory runs on {0}, which reads English only: what you say in Russian is found by its words, not by its meaning. Set [embeddings] main to use-multilingual (installed) or bge-m3 in config.toml."),
    QT_TRANSLATE_NOOP("Said", "{0} — {1:.2f} GiB on the GPU, {2:.2f} GiB in RAM"),
    QT_TRANSLATE_NOOP("Said", "not one layer fits the {0:.2f} GiB of VRAM left: CPU only"),
    QT_TRANSLATE_NOOP("Said", "no GPU: everything on the CPU"),
    QT_TRANSLATE_NOOP("Said", "fits the GPU whole"),
    QT_TRANSLATE_NOOP("Said", "{0} of {1} layers on the GPU, the rest on the CPU"),
    QT_TRANSLATE_NOOP("Said", "all layers on the GPU, the experts of the first {0} in RAM"),
)
# fmt: on
