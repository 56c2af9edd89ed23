"""The scenario sets that ship with domovoy: ``control`` is the update gate's warm-up set."""

from pathlib import Path

CONTROL_DIR = Path(__file__).with_name("control")
