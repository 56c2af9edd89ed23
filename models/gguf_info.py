"""What a GGUF file says about itself, read from its header without loading weights."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import ModelFileError

GGUF_MAGIC = b"GGUF"
# llama.cpp's llama_ftype values, for messages and manifests
FILE_TYPES = {
    0: "f32", 1: "f16", 2: "q4_0", 3: "q4_1", 7: "q8_0", 8: "q5_0", 9: "q5_1", 10: "q2_k",
    11: "q3_k_s", 12: "q3_k_m", 13: "q3_k_l", 14: "q4_k_s", 15: "q4_k_m", 16: "q5_k_s",
    17: "q5_k_m", 18: "q6_k", 19: "iq2_xxs", 20: "iq2_xs", 24: "iq1_s", 25: "iq4_nl",
    26: "iq3_s", 27: "iq3_m", 28: "iq2_s", 29: "iq2_m", 30: "iq4_xs", 31: "iq1_m", 32: "bf16",
    38: "mxfp4",
}  # fmt: skip


@dataclass(frozen=True, slots=True, kw_only=True)
class GGUFInfo:
    path: Path
    architecture: str
    name: str
    context_length: int
    file_type: str
    chat_template: str | None
    size_bytes: int
    tensor_bytes: int
    n_tensors: int
    n_layers: int
    n_embd: int
    n_head_kv: int
    head_dim: int


def check_magic(path: Path) -> None:
    """Fail fast, with a clear cause, on a missing file or one that is not a GGUF."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError as exc:
        raise ModelFileError(path, "the file does not exist") from exc
    except IsADirectoryError as exc:
        raise ModelFileError(path, "is a folder, not a GGUF file") from exc
    except OSError as exc:
        raise ModelFileError(path, f"cannot read the file: {exc.strerror or exc}") from exc
    if len(head) < 8:
        raise ModelFileError(path, f"only {len(head)} bytes long: not a GGUF model")
    if head[:4] != GGUF_MAGIC:
        raise ModelFileError(
            path,
            f"not a GGUF file (it starts with {head[:4]!r}, a GGUF starts with b'GGUF')",
            hint="domovoy runs GGUF models (llama.cpp's format); convert or download a .gguf",
        )


def read_gguf_info(path: Path) -> GGUFInfo:
    """Read metadata and the tensor inventory; a truncated or damaged file gives ModelFileError.

    The header is parsed once per file version (``read_header`` keeps it)."""
    check_magic(path)
    return _read(path)


def _read(path: Path) -> GGUFInfo:
    from models.gguf_header import HeaderError, read_header

    try:
        header = read_header(path)
    except (HeaderError, OSError) as exc:
        raise ModelFileError(path, f"damaged or truncated GGUF ({exc})") from exc
    size = path.stat().st_size
    end = header.data_end
    if end > size:
        raise ModelFileError(path, f"truncated: its tensors need {end} bytes, the file has {size}")

    def field(key: str, default: Any = None) -> Any:
        return header.fields.get(key, default)

    arch = str(field("general.architecture", "unknown"))
    n_head = int(field(f"{arch}.attention.head_count", 0) or 0)
    n_embd = int(field(f"{arch}.embedding_length", 0) or 0)
    head_dim = int(field(f"{arch}.attention.key_length", 0) or (n_embd // n_head if n_head else 0))
    n_head_kv = field(f"{arch}.attention.head_count_kv", n_head)
    if isinstance(n_head_kv, list):  # per-layer in some models: take the largest
        n_head_kv = max(n_head_kv)
    ftype = field("general.file_type")
    return GGUFInfo(
        path=path,
        architecture=arch,
        name=str(field("general.name", path.stem)),
        context_length=int(field(f"{arch}.context_length", 0) or 0),
        file_type=FILE_TYPES.get(int(ftype), f"type {ftype}") if ftype is not None else "unknown",
        chat_template=field("tokenizer.chat_template"),
        size_bytes=size,
        tensor_bytes=sum(t.n_bytes for t in header.tensors),
        n_tensors=len(header.tensors),
        n_layers=int(field(f"{arch}.block_count", 0) or 0),
        n_embd=n_embd,
        n_head_kv=int(n_head_kv or 0),
        head_dim=head_dim,
    )
