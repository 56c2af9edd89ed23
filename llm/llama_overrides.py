"""Tensor buffer-type overrides for llama.cpp, through llama-cpp-python's ctypes model params.

llama.cpp's ``--override-tensor`` / ``--n-cpu-moe`` keep chosen tensors (a mixture of experts'
expert weights) in system RAM while the rest goes to the GPU. llama-cpp-python's ``Llama`` has no
argument for it, so the NULL-terminated override array is set on the ``llama_model_params`` it
passes to ``llama_model_load_from_file``, while one model loads.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.errors import ModelLoadError

_HOOK_LOCK = threading.Lock()


class _Override(ctypes.Structure):
    # struct llama_model_tensor_buft_override {
    #     const char * pattern; ggml_backend_buffer_type_t buft; }
    _fields_ = [("pattern", ctypes.c_char_p), ("buft", ctypes.c_void_p)]


def _ggml() -> ctypes.CDLL:
    import llama_cpp

    lib_dir = Path(llama_cpp.__file__).parent / "lib"
    candidates = sorted(lib_dir.glob("libggml.so*")) + sorted(lib_dir.glob("ggml.dll"))
    if not candidates:
        raise ModelLoadError("-", f"llama.cpp's ggml library was not found in {lib_dir}")
    lib = ctypes.CDLL(str(candidates[0]))
    lib.ggml_backend_dev_count.restype = ctypes.c_size_t
    lib.ggml_backend_dev_get.restype = ctypes.c_void_p
    lib.ggml_backend_dev_get.argtypes = [ctypes.c_size_t]
    lib.ggml_backend_dev_buffer_type.restype = ctypes.c_void_p
    lib.ggml_backend_dev_buffer_type.argtypes = [ctypes.c_void_p]
    lib.ggml_backend_buft_name.restype = ctypes.c_char_p
    lib.ggml_backend_buft_name.argtypes = [ctypes.c_void_p]
    return lib


def buffer_types() -> dict[str, int]:
    """Buffer types by name ("CPU", "CUDA0", ...), as llama.cpp's own arguments name them."""
    lib = _ggml()
    out: dict[str, int] = {}
    for i in range(lib.ggml_backend_dev_count()):
        buft = lib.ggml_backend_dev_buffer_type(lib.ggml_backend_dev_get(i))
        if buft:
            out[lib.ggml_backend_buft_name(buft).decode()] = buft
    return out


def load_with_overrides(
    model_id: str, overrides: Sequence[tuple[str, str]], **llama_kwargs: Any
) -> tuple[Any, Any]:
    """``Llama(**llama_kwargs)`` with tensor overrides; returns the model and the override array,
    which must live as long as the model."""
    from llama_cpp import Llama
    from llama_cpp import _internals as internals

    if not overrides:
        return Llama(**llama_kwargs), None
    known = buffer_types()
    array = (_Override * (len(overrides) + 1))()
    for i, (pattern, name) in enumerate(overrides):
        if name not in known:
            raise ModelLoadError(
                model_id,
                f"no llama.cpp buffer type {name!r} (this build has {', '.join(known) or 'none'})",
            )
        array[i] = _Override(pattern.encode(), known[name])
    array[len(overrides)] = _Override(None, None)

    with _HOOK_LOCK:
        original = internals.LlamaModel

        def with_overrides(*, path_model: str, params: Any, verbose: bool = True) -> Any:
            params.tensor_buft_overrides = ctypes.cast(array, ctypes.c_void_p)
            return original(path_model=path_model, params=params, verbose=verbose)

        internals.LlamaModel = with_overrides  # type: ignore[misc,assignment]
        try:
            llama = Llama(**llama_kwargs)
        finally:
            internals.LlamaModel = original  # type: ignore[misc]
    return llama, array
