"""A tiny piper-compatible voice: an ONNX model with a piper voice's inputs and outputs
(``input`` phoneme ids, ``input_lengths``, ``scales`` → ``output`` audio) and its ``.onnx.json``.

Each phoneme sounds as a tone of its own for ``hop × length_scale`` samples, so the speech rate
follows the prosody as a real voice's does; it says nothing intelligible. Real piper, onnxruntime
and espeak-ng phonemization run it.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

SAMPLE_RATE = 22050
HOP = 256
# Phoneme symbols: piper's pad/bos/eos, ASCII, the IPA block, modifiers, stress and length marks.
SYMBOLS = (
    ["_", "^", "$", " ", "!", "'", "(", ")", ",", "-", ".", ":", ";", "?"]
    + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    + [chr(c) for c in range(0x0250, 0x02B0)]
    + [chr(c) for c in range(0x02B0, 0x0300)]
    + [chr(c) for c in range(0x0300, 0x0370)]
    + ["æ", "ç", "ð", "ø", "ħ", "ŋ", "œ", "θ", "χ", "ᵻ", "ⱱ", "↓", "↑", "→", "↗", "↘"]
)


def make_tiny_voice(
    folder: Path, *, name: str = "tiny-voice", language: str = "ru", seed: int = 0
) -> Path:
    """Writes ``name.onnx`` and ``name.onnx.json`` into ``folder``; returns the model's path."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    folder.mkdir(parents=True, exist_ok=True)
    symbols = list(dict.fromkeys(SYMBOLS))
    rng = np.random.default_rng(seed)
    table = rng.uniform(110.0, 380.0, len(symbols)).astype(np.float32)

    def const(name: str, value: np.ndarray) -> onnx.TensorProto:
        return numpy_helper.from_array(value, name)

    initializers = [
        const("freq_table", table),
        const("hop", np.array([float(HOP)], dtype=np.float32)),
        const("step", np.array([2 * np.pi / SAMPLE_RATE], dtype=np.float32)),
        const("axis0", np.array([0], dtype=np.int64)),
        const("axis1", np.array([1], dtype=np.int64)),
        const("zero", np.array(0, dtype=np.int64)),
        const("i_noise", np.array([0], dtype=np.int64)),
        const("i_length", np.array([1], dtype=np.int64)),
        const("flat", np.array([-1], dtype=np.int64)),
        const("out_shape", np.array([1, 1, -1], dtype=np.int64)),
        const("base_amp", np.array([0.2], dtype=np.float32)),
        const("noise_amp", np.array([0.15], dtype=np.float32)),
    ]
    node = helper.make_node
    nodes = [
        node("Squeeze", ["input", "axis0"], ["ids"]),
        node("Gather", ["freq_table", "ids"], ["freqs"]),
        node("Gather", ["scales", "i_length"], ["length_scale"]),
        node("Gather", ["scales", "i_noise"], ["noise_scale"]),
        node("Mul", ["hop", "length_scale"], ["hop_scaled"]),
        node("Cast", ["hop_scaled"], ["hop_int"], to=TensorProto.INT64),
        node("Unsqueeze", ["freqs", "axis1"], ["freq_col"]),
        node("Shape", ["freqs"], ["count"]),
        node("Concat", ["count", "hop_int"], ["grid"], axis=0),
        node("Expand", ["freq_col", "grid"], ["freq_grid"]),
        node("Reshape", ["freq_grid", "flat"], ["freq_line"]),
        node("Mul", ["freq_line", "step"], ["increments"]),
        node("CumSum", ["increments", "zero"], ["phase"]),
        node("Sin", ["phase"], ["wave"]),
        node("Mul", ["noise_scale", "noise_amp"], ["extra_amp"]),
        node("Add", ["base_amp", "extra_amp"], ["amp"]),
        node("Mul", ["wave", "amp"], ["audio"]),
        node("Reshape", ["audio", "out_shape"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny-piper-voice",
        [
            helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
            helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
            helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
        ],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "samples"])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = folder / f"{name}.onnx"
    onnx.save(model, str(path))
    config = {
        "audio": {"sample_rate": SAMPLE_RATE},
        "espeak": {"voice": language},
        "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "num_symbols": len(symbols),
        "num_speakers": 1,
        "phoneme_id_map": {s: [i] for i, s in enumerate(symbols)},
        "hop_length": HOP,
        "piper_version": "1.0.0",
    }
    config_file = folder / f"{name}.onnx.json"
    config_file.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    return path
