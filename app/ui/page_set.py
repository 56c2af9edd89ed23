"""The window's pages beyond the chat, built once the assistant (and its home) are ready:
settings, models, memory and diagnostics. Each hears the bus through the bridge's page events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

if TYPE_CHECKING:  # the pages import the heavy parts: only once the assistant is built
    from app.assistant import Assistant
    from app.home import Home
    from app.ui.bridge import QtBridge
    from app.ui.pages.diagnostics import DiagnosticsPage
    from app.ui.pages.memory import MemoryPage
    from app.ui.pages.models import ModelsPage
    from app.ui.pages.settings import SettingsPage
    from app.ui.widgets.model_picker import ModelPicker
    from app.ui.widgets.voice_bar import VoiceBar

TITLES = (
    str(QT_TRANSLATE_NOOP("Pages", "Chat")),
    str(QT_TRANSLATE_NOOP("Pages", "Settings")),
    str(QT_TRANSLATE_NOOP("Pages", "Models")),
    str(QT_TRANSLATE_NOOP("Pages", "Memory")),
    str(QT_TRANSLATE_NOOP("Pages", "Diagnostics")),
)


def title(name: str) -> str:
    return QCoreApplication.translate("Pages", name)


@dataclass
class Pages:
    settings: SettingsPage | None = None
    models: ModelsPage | None = None
    memory: MemoryPage | None = None
    diagnostics: DiagnosticsPage | None = None
    voice: VoiceBar | None = None
    picker: ModelPicker | None = None

    def listen(self, bridge: QtBridge) -> None:
        """Each page subscribes to the events it shows."""
        for page in (self.settings, self.models, self.memory, self.voice, self.picker):
            if page is not None:
                page.listen(bridge)


def placeholder(text: str) -> QWidget:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setMargin(24)
    return label


def add_pages(tabs: QTabWidget, assistant: Assistant, home: Home | None, bridge: QtBridge) -> Pages:
    """Fill the tabs after the chat; a page that needs what this run lacks says so instead."""
    from app.memory_and_mood import MemoryAndMood
    from app.ui.pages.diagnostics import DiagnosticsPage
    from app.ui.pages.memory import MemoryPage
    from app.ui.pages.models import ModelsPage
    from app.ui.pages.settings import SettingsPage
    from app.ui.widgets.model_picker import ModelPicker
    from app.ui.widgets.voice_bar import VoiceBar
    from app.views.diagnostics import snapshot
    from app.views.settings import Settings
    from app.voice.session import VoiceSession

    pages = Pages()
    while tabs.count() > 1:
        tabs.removeTab(1)
    missing = QCoreApplication.translate(
        "Pages", "Not available: the settings could not be read (see the notice on the chat page)."
    )
    companion = assistant.service(MemoryAndMood)
    if home is not None:
        settings = Settings(home, assistant)
        pages.settings = SettingsPage(settings)
        pages.models = ModelsPage(home, assistant.bus, settings)
        pages.voice = VoiceBar(VoiceSession(home, assistant, companion), settings)
        pages.picker = ModelPicker(settings)
    if companion is not None and home is not None:
        pages.memory = MemoryPage(companion, home.paths.data_dir, home.paths.entities_dir)
    pages.diagnostics = DiagnosticsPage(
        lambda: snapshot(
            assistant.router.slots,
            home.scheduler if home else None,
            home.metrics if home else None,
        )
    )
    for name, page in zip(
        TITLES[1:], (pages.settings, pages.models, pages.memory, pages.diagnostics), strict=True
    ):
        tabs.addTab(page if page is not None else placeholder(missing), title(name))
    pages.listen(bridge)
    return pages
