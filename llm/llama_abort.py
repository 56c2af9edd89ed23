"""Stopping llama.cpp inside a decode, without Python in its compute loop.

llama.cpp's CPU backend asks an abort callback between the nodes of every graph it computes
(hundreds per token). A Python callback there would take the GIL hundreds of times a token, which
costs more than the stop is worth. The callback is instead libc's ``strlen`` over a two-byte
flag: ``bool (*)(void *)`` and ``size_t strlen(const char *)`` take their one pointer argument
and return in the same register on every ABI llama.cpp runs on, and the flag's length is 0
(go on) or 1 (stop): the bool read from the return register is exactly that. Setting the flag is
one byte written from any thread; the decode in progress returns "aborted" at its next node, so
a Stop lands within a fraction of a token instead of after it. (The CUDA backend does not ask the
callback; there a token takes a few milliseconds and the per-token check suffices.)
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from typing import Any

log = logging.getLogger(__name__)


class AbortFlag:
    def __init__(self) -> None:
        self._flag = ctypes.create_string_buffer(2)  # b"\0\0": strlen 0, go on
        self._callback: Any = None
        name = ctypes.util.find_library("c")
        if name is None:  # no libc to lend strlen: only the per-token check stops a reply
            log.info("libc was not found; a decode in progress is not aborted on Stop")
            return
        import llama_cpp

        strlen = ctypes.CDLL(name).strlen
        self._callback = ctypes.cast(strlen, llama_cpp.ggml_abort_callback)

    def attach(self, ctx: Any) -> None:
        """Have the llama.cpp context ``ctx`` ask this flag between the nodes it computes."""
        if self._callback is None:
            return
        import llama_cpp

        data = ctypes.cast(self._flag, ctypes.c_void_p)
        llama_cpp.llama_set_abort_callback(ctx, self._callback, data)

    def set(self) -> None:
        """Stop the decode in progress (from any thread); it raises "llama_decode returned 2"."""
        self._flag[0] = b"\x01"

    def clear(self) -> None:
        self._flag[0] = b"\x00"

    @property
    def is_set(self) -> bool:
        return self._flag[0] != b"\x00"
