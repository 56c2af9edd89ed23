"""What a user sees: the app under a real X server (Xvfb) on the demo models, asked something,
photographed. The pictures stay in reports/screenshots/ for people to look at."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from core import config as config_mod
from core.paths import Paths
from models.install import install_demo

pytestmark = pytest.mark.qt

ROOT = Path(__file__).resolve().parents[3]
SHOTS = ROOT / "reports" / "screenshots"
XVFB = ["xvfb-run", "-a", "-s", "-screen 0 1280x900x24"]


def test_every_page_is_photographed_after_a_streamed_reply(domovoy_home: Paths) -> None:
    install_demo(domovoy_home)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [*XVFB, sys.executable, "-m", "app.ui.screenshots", str(SHOTS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    pictures = {}
    for name in ("chat", "settings", "models", "memory", "diagnostics"):
        shot = SHOTS / f"{name}.png"
        assert str(shot) in done.stdout
        image = QImage(str(shot))
        assert (image.width(), image.height()) == (900, 680)
        # a real picture of a window with text, not a blank or black frame
        colours = {image.pixel(x, y) for x in range(0, 900, 7) for y in range(0, 680, 7)}
        assert len(colours) > 20, name
        pictures[name] = image
    assert len({bytes(i.constBits()) for i in pictures.values()}) == 5  # five different pages

    # a second start, in Russian: the conversation is back, and the interface speaks Russian
    config = config_mod.load(domovoy_home.config_file)
    config.ui.language = "ru"
    config_mod.save(config, domovoy_home.config_file)
    again = subprocess.run(
        [*XVFB, sys.executable, "-m", "app.ui.screenshots", str(SHOTS), "--suffix", "_ru"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr[-3000:]
    for name in ("chat_ru", "settings_ru", "models_ru", "memory_ru", "diagnostics_ru"):
        assert str(SHOTS / f"{name}.png") in again.stdout
        assert QImage(str(SHOTS / f"{name}.png")).width() == 900
