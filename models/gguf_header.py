"""A GGUF's header read straight from the file: the metadata and the tensor table, nothing else.

The ``gguf`` package's reader builds Python objects for every element of every array, and a real
model's vocabulary is 100k-200k strings plus as many merges: six seconds for a 0.5B model on a
slow core, paid at every load. Here long arrays are stepped over (their length kept) and only
scalars, strings and short arrays are decoded: the same header in a tenth of a second.

The layout (GGUF v2/v3, little-endian): magic, version, tensor count, metadata count; each
metadata entry is a key string, a value type and the value; then each tensor's name, dimensions,
type and offset; the data begins at the next multiple of ``general.alignment`` (32 by default).
"""

from __future__ import annotations

import mmap
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SHORT_ARRAY = 4096  # arrays up to this long are decoded (per-layer values); longer ones counted

# value types: uint8 int8 uint16 int16 uint32 int32 float32 bool string array uint64 int64 float64
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q",
            11: "<q", 12: "<d"}  # fmt: skip
_STRING, _ARRAY = 8, 9


class HeaderError(ValueError):
    """The header is cut short or holds something no GGUF holds."""


@dataclass(frozen=True, slots=True)
class Tensor:
    name: str
    shape: tuple[int, ...]
    ggml_type: int
    offset: int  # from the start of the data section
    n_bytes: int


@dataclass(frozen=True, slots=True)
class Header:
    version: int
    fields: dict[str, Any]  # scalars, strings and short arrays
    lengths: dict[str, int]  # every array's length, the long ones included
    tensors: tuple[Tensor, ...]
    data_offset: int  # where the tensor data begins in the file

    @property
    def data_end(self) -> int:
        return max((self.data_offset + t.offset + t.n_bytes for t in self.tensors), default=0)


class _Cursor:
    def __init__(self, buffer: mmap.mmap) -> None:
        self.buffer = buffer
        self.pos = 0

    def unpack(self, fmt: str) -> Any:
        try:
            value = struct.unpack_from(fmt, self.buffer, self.pos)[0]
        except struct.error as exc:
            raise HeaderError(f"the header ends early, at byte {self.pos}") from exc
        self.pos += struct.calcsize(fmt)
        return value

    def string(self) -> str:
        size = self.unpack("<Q")
        end = self.pos + size
        if end > len(self.buffer):
            raise HeaderError(f"a string of {size} bytes runs past the end of the file")
        text = self.buffer[self.pos : end].decode("utf-8", errors="replace")
        self.pos = end
        return text

    def skip_strings(self, count: int) -> None:
        buffer, pos, unpack = self.buffer, self.pos, struct.unpack_from
        try:
            for _ in range(count):
                pos += 8 + unpack("<Q", buffer, pos)[0]
        except struct.error as exc:
            raise HeaderError("a string array runs past the end of the file") from exc
        if pos > len(buffer):
            raise HeaderError("a string array runs past the end of the file")
        self.pos = pos

    def value(self, kind: int) -> tuple[Any, int | None]:
        """A value of ``kind``; for arrays also their length (a long one's value is None)."""
        if kind in _SCALARS:
            return self.unpack(_SCALARS[kind]), None
        if kind == _STRING:
            return self.string(), None
        if kind != _ARRAY:
            raise HeaderError(f"unknown metadata value type {kind} at byte {self.pos}")
        item, count = self.unpack("<I"), self.unpack("<Q")
        if count <= SHORT_ARRAY:
            return [self.value(item)[0] for _ in range(count)], count
        if item == _STRING:
            self.skip_strings(count)
        elif item in _SCALARS:
            self.pos += count * struct.calcsize(_SCALARS[item])
        else:
            raise HeaderError(f"an array of arrays at byte {self.pos}")
        return None, count


def read_header(path: Path) -> Header:
    """Parse the header; HeaderError for a damaged one (OSError for an unreadable file). A
    file read once is not read again until it changes (same path, size and modification time):
    its metadata and its tensor inventory are both read before a load."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _CACHE_LOCK:
        known = _CACHE.get(key)
    if known is not None:
        return known
    header = _parse(path)
    with _CACHE_LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = header
    return header


_CACHE: dict[tuple[str, int, int], Header] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64


def _parse(path: Path) -> Header:
    from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType

    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
        cursor = _Cursor(buffer)
        if buffer[:4] != b"GGUF":
            raise HeaderError("not a GGUF file")
        cursor.pos = 4
        version = cursor.unpack("<I")
        if version not in (2, 3):
            raise HeaderError(f"GGUF version {version} (this reader knows 2 and 3)")
        n_tensors, n_fields = cursor.unpack("<Q"), cursor.unpack("<Q")
        fields: dict[str, Any] = {}
        lengths: dict[str, int] = {}
        for _ in range(n_fields):
            key = cursor.string()
            value, length = cursor.value(cursor.unpack("<I"))
            if value is not None:
                fields[key] = value
            if length is not None:
                lengths[key] = length
        tensors = []
        for _ in range(n_tensors):
            name = cursor.string()
            dims = tuple(cursor.unpack("<Q") for _ in range(cursor.unpack("<I")))
            ggml_type, offset = cursor.unpack("<I"), cursor.unpack("<Q")
            try:
                block, size = GGML_QUANT_SIZES[GGMLQuantizationType(ggml_type)]
            except (ValueError, KeyError) as exc:
                raise HeaderError(f"tensor {name} has an unknown type {ggml_type}") from exc
            elements = 1
            for d in dims:
                elements *= d
            tensors.append(Tensor(name, dims, ggml_type, offset, elements // block * size))
        alignment = int(fields.get("general.alignment", 32)) or 32
        data_offset = -(-cursor.pos // alignment) * alignment
    return Header(version, fields, lengths, tuple(tensors), data_offset)
