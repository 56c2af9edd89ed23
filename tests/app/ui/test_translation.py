"""Russian and English through Qt's translation system: the .ts source covers every text the
interface marks for translation, each is translated, the committed .qm is compiled from it, and
a window under Russian speaks Russian."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from app.ui.translation import I18N, configured_language, install

pytestmark = pytest.mark.qt

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
TS = I18N / "domovoy_ru.ts"


def unfinished(ts: Path) -> list[str]:
    return [
        m.findtext("source") or ""
        for m in ET.parse(ts).getroot().iter("message")
        if (m.find("translation") is None)
        or m.find("translation").get("type") in ("unfinished", "obsolete", "vanished")  # type: ignore[union-attr]
        or not (m.findtext("translation") or "").strip()
    ]


def test_every_marked_text_is_in_the_ts_and_translated(tmp_path: Path) -> None:
    copy = tmp_path / "domovoy_ru.ts"
    shutil.copy(TS, copy)
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app" / "ui").rglob("*.py"))
    done = subprocess.run(
        [str(BIN / "pyside6-lupdate"), *sources, "-ts", str(copy), "-no-obsolete"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert unfinished(copy) == []  # a new text in the code needs `make translations`
    assert len(list(ET.parse(copy).getroot().iter("message"))) > 150


def test_the_committed_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    built = tmp_path / "domovoy_ru.qm"
    done = subprocess.run(
        [str(BIN / "pyside6-lrelease"), str(TS), "-qm", str(built)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert built.read_bytes() == (I18N / "domovoy_ru.qm").read_bytes()


def test_the_language_comes_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    assert configured_language(config) == "en"  # no file yet
    config.write_text('[ui]\nlanguage = "ru"\n', encoding="utf-8")
    assert configured_language(config) == "ru"
    config.write_text('[ui]\nlanguage = "klingon"\n', encoding="utf-8")
    assert configured_language(config) == "en"
    config.write_text("[ui\n", encoding="utf-8")
    assert configured_language(config) == "en"


def test_a_window_under_russian_speaks_russian(qtbot: QtBot) -> None:
    from app.ui.main_window import MainWindow
    from core.events import EventBus

    translators = install("ru")
    try:
        assert translators
        window = MainWindow(bus=EventBus())
        qtbot.addWidget(window)
        assert window.send_button.text() == "Отправить"
        assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
            "Беседа", "Настройки", "Модели", "Память", "Диагностика",
        ]  # fmt: skip
        assert window.show_reasoning.text() == "Рассуждения"
    finally:
        app = QCoreApplication.instance()
        assert app is not None
        for translator in translators:
            app.removeTranslator(translator)
    assert install("en") == []


def test_texts_the_qt_free_layers_said_are_collected_and_shown_in_russian(qtbot: QtBot) -> None:
    from app.ui.translation import shown
    from app.views.chat import footer
    from core.errors import InputError
    from core.events import Timings, TurnFinished
    from core.translatable import said
    from memory.conversations import ReplyFacts
    from tools.collect_said import OUT, render, templates

    assert OUT.read_text(encoding="utf-8") == render(templates())  # `make translations` ran
    assert "{0} tokens" in templates()

    e = TurnFinished(
        turn_id=1, text="…", model_used="phi-3.5", role="lightweight",
        timings=Timings(first_token_ms=100, total_ms=1100, tokens=21),
        cancelled=True, fallback_reason="primary: out of memory",
    )  # fmt: skip
    english = "phi-3.5 · 21 tokens · 20 tok/s · stopped · fallback: primary: out of memory"
    facts = ReplyFacts.of(e)
    assert footer(facts) == english and shown(footer(facts)) == english  # no translator
    error = InputError(said("the message is empty: type something to say"), hint="type")
    translators = install("ru")
    try:
        russian = (
            "phi-3.5 · токенов: 21 · 20 ток/с · остановлено · "
            "запасная модель: primary: out of memory"
        )
        assert shown(footer(facts)) == russian
        kept = ReplyFacts.from_json(facts.to_json())  # as the log keeps it, reopened
        assert kept is not None and shown(footer(kept)) == russian
        assert shown("plain words") == "plain words"
        assert shown(error.text) == "сообщение пустое: напишите что-нибудь\n  → type"
    finally:
        app = QCoreApplication.instance()
        assert app is not None
        for translator in translators:
            app.removeTranslator(translator)
