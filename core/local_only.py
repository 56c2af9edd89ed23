"""The model libraries stay off the network; the user's own wish to stay offline is kept apart.

sentence-transformers and transformers may look a local model up on the hub (a chat template, a
newer revision); the app's model loaders set ``HF_HUB_OFFLINE`` for them. That is domovoy's
setting, not the user's: a model pull the user asks for must still run, and must be refused when
the user set ``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) themselves.
"""

from __future__ import annotations

import os

NAMES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
_set_here: set[str] = set()


def keep_libraries_local() -> None:
    """Set the libraries' offline switches, where the user set none."""
    for name in NAMES:
        if name not in os.environ:
            os.environ[name] = "1"
            _set_here.add(name)


def user_offline() -> str | None:
    """The variable with which the user asked for no downloads, if they did."""
    for name in NAMES:
        value = os.environ.get(name, "")
        if name not in _set_here and value.strip().lower() in {"1", "true", "yes", "on"}:
            return name
    return None
