"""The settings page: which model plays each role and how, the voice, the GPU, privacy and the
interface language. Apply writes the TOML config and puts it to work (app/views/settings.py)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.ui import translation
from app.ui.background import Background
from app.ui.bridge import QtBridge
from app.views.settings import CHOOSABLE_ROLES, Applied, Settings
from core.config import Config, LLMRoleConfig
from core.events import ModelLoaded, ModelLoadFailed, RoleSwitched

ROLE_TITLES = {
    "primary": str(QT_TRANSLATE_NOOP("SettingsPage", "Primary")),
    "secondary": str(QT_TRANSLATE_NOOP("SettingsPage", "Secondary")),
    "lightweight": str(QT_TRANSLATE_NOOP("SettingsPage", "Lightweight")),
    "micro": str(QT_TRANSLATE_NOOP("SettingsPage", "Micro")),
}
NONE = str(QT_TRANSLATE_NOOP("SettingsPage", "(none)"))
DEFAULT = str(QT_TRANSLATE_NOOP("SettingsPage", "(the model's default)"))


def choose(combo: QComboBox, value: str | None, *, empty: str = NONE) -> None:
    """Select ``value``; a value the list lacks (a model since removed) is added, so saving
    the page never changes what the user did not touch."""
    text = value or shown(empty)
    if combo.findText(text) < 0:
        combo.addItem(text)
    combo.setCurrentText(text)


def chosen(combo: QComboBox, *, empty: str = NONE) -> str | None:
    text = combo.currentText()
    return None if text == shown(empty) else text


def shown(sentinel: str) -> str:
    """(none), (the model's default): as the interface language writes them."""
    return QCoreApplication.translate("SettingsPage", sentinel)


class RoleForm(QGroupBox):
    """One LLM role: its model and how it generates."""

    def __init__(self, role: str, models: list[str], parent: QWidget | None = None) -> None:
        super().__init__(QCoreApplication.translate("SettingsPage", ROLE_TITLES[role]), parent)
        self.role = role
        self.model = QComboBox(self)
        if role != "primary":
            self.model.addItem(shown(NONE))
        self.model.addItems(models)
        self.context = self._spin(256, 131072, 256)
        self.max_tokens = self._spin(1, 32768, 64)
        self.temperature = self._real(0.0, 2.0, 0.05)
        self.top_p = self._real(0.01, 1.0, 0.05)
        self.effort = QComboBox(self)
        self.effort.addItems(["low", "medium", "high"])
        self.effort.setToolTip(
            self.tr("How long a reasoning model (gpt-oss) thinks before answering")
        )
        self.load = QComboBox(self)
        self.load.addItems([shown(DEFAULT), "eager", "on_demand"])
        self.idle = self._spin(0, 86400, 30)
        self.idle.setSpecialValueText(self.tr("default"))
        self.idle.setSuffix(self.tr(" s"))
        self.idle.setToolTip(self.tr("An on-demand model nobody used this long is unloaded"))
        self.standing_in = QLabel(self)  # who plays the role while its model is not installed
        self.standing_in.setWordWrap(True)
        self.standing_in.setVisible(False)
        form = QFormLayout(self)
        form.addRow(self.tr("Model"), self.model)
        form.addRow(self.standing_in)
        form.addRow(self.tr("Context length"), self.context)
        form.addRow(self.tr("Max output tokens"), self.max_tokens)
        form.addRow(self.tr("Temperature"), self.temperature)
        form.addRow(self.tr("Top p"), self.top_p)
        form.addRow(self.tr("Reasoning effort"), self.effort)
        form.addRow(self.tr("Load"), self.load)
        form.addRow(self.tr("Unload when idle after"), self.idle)

    def _spin(self, low: int, high: int, step: int) -> QSpinBox:
        box = QSpinBox(self)
        box.setRange(low, high)
        box.setSingleStep(step)
        return box

    def _real(self, low: float, high: float, step: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setRange(low, high)
        box.setSingleStep(step)
        box.setDecimals(2)
        return box

    def show_config(self, c: LLMRoleConfig, plays: str | None = None) -> None:
        """``plays``: the model that plays the role now, when it is not the chosen one."""
        choose(self.model, c.id)
        self.standing_in.setVisible(bool(plays) and plays != c.id)
        self.standing_in.setText(
            self.tr("not installed yet: {0} (the small starter model) plays it meanwhile").format(
                plays
            )
        )
        self.context.setValue(c.context_length)
        self.max_tokens.setValue(c.max_output_tokens)
        self.temperature.setValue(c.temperature)
        self.top_p.setValue(c.top_p)
        self.effort.setCurrentText(c.reasoning_effort)
        choose(self.load, c.load, empty=DEFAULT)
        self.idle.setValue(c.idle_unload_seconds or 0)

    def values(self) -> dict[str, Any]:
        return {
            "id": chosen(self.model),
            "context_length": self.context.value(),
            "max_output_tokens": self.max_tokens.value(),
            "temperature": round(self.temperature.value(), 2),
            "top_p": round(self.top_p.value(), 2),
            "reasoning_effort": self.effort.currentText(),
            "load": chosen(self.load, empty=DEFAULT),
            "idle_unload_seconds": self.idle.value() or None,
        }


class SettingsPage(QWidget):
    restart_wanted = Signal()  # a setting that takes effect at the next start was changed

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.background = Background(self)
        self.roles = {r: RoleForm(r, settings.models_for(r), self) for r in CHOOSABLE_ROLES}

        voice = QGroupBox(self.tr("Voice"), self)
        self.tts_model = QComboBox(voice)
        self.tts_model.addItems([shown(NONE), *settings.models_for("tts")])
        self.voice_name = QLineEdit(voice)
        self.rate = QDoubleSpinBox(voice)
        self.rate.setRange(0.5, 2.0)
        self.rate.setSingleStep(0.1)
        self.rate.setSuffix("×")
        self.stt_model = QComboBox(voice)
        self.stt_model.addItems([shown(NONE), *settings.models_for("stt")])
        self.stt_language = QComboBox(voice)
        self.stt_language.addItems(["auto", "ru", "en"])
        self.stt_device = QComboBox(voice)
        self.stt_device.addItems(["auto", "cpu", "cuda"])
        form = QFormLayout(voice)
        form.addRow(self.tr("Speech model (piper)"), self.tts_model)
        form.addRow(self.tr("Voice"), self.voice_name)
        form.addRow(self.tr("Speaking rate"), self.rate)
        form.addRow(self.tr("Recognition model (Whisper)"), self.stt_model)
        form.addRow(self.tr("Recognition language"), self.stt_language)
        form.addRow(self.tr("Recognition device"), self.stt_device)

        system = QGroupBox(self.tr("Hardware, privacy, interface"), self)
        self.gpu = QComboBox(system)
        self.gpu.addItems(["auto", "cpu"])
        self.gpu.setToolTip(self.tr("auto: models go on the GPU as far as they fit; cpu: never"))
        self.offline = QCheckBox(self.tr("Offline chat: no message leaves this machine"), system)
        self.downloads = QCheckBox(
            self.tr("Model downloads from the hub, only when I ask (the Models page, pull)"),
            system,
        )
        self.remote_url = QLineEdit(system)
        self.consent = QCheckBox(self.tr("I agree that my messages go to this server"), system)
        scrubbed = QLabel(
            self.tr("Names, e-mails, phone and card numbers are scrubbed from what is sent."),
            system,
        )
        scrubbed.setWordWrap(True)
        self.offline.toggled.connect(lambda off: self.remote_url.setEnabled(not off))
        self.offline.toggled.connect(lambda off: self.consent.setEnabled(not off))
        self.language = QComboBox(system)
        for code, name in (("en", "English"), ("ru", "Русский")):  # each in its own language
            self.language.addItem(name, code)
        form = QFormLayout(system)
        form.addRow(self.tr("GPU use"), self.gpu)
        form.addRow(self.offline)
        form.addRow(self.downloads)
        form.addRow(self.tr("Remote provider (OpenAI-compatible)"), self.remote_url)
        form.addRow(self.consent)
        form.addRow(scrubbed)
        form.addRow(self.tr("Interface language"), self.language)

        self.apply_button = QPushButton(self.tr("Apply"), self)
        self.apply_button.clicked.connect(self.apply)
        revert = QPushButton(self.tr("Revert"), self)
        revert.clicked.connect(self.show_config)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(revert)
        buttons.addWidget(self.apply_button)

        inner = QWidget(self)
        column = QVBoxLayout(inner)
        self.grid = QGridLayout()
        self.columns = 0
        self._reflow(2)
        column.addLayout(self.grid)
        column.addWidget(voice)
        column.addWidget(system)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # it wraps
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.show_config()

    def _reflow(self, columns: int) -> None:
        """The four roles in two columns where they fit side by side, else in one."""
        if columns == self.columns:
            return
        self.columns = columns
        for i, box in enumerate(self.roles.values()):
            self.grid.removeWidget(box)
            self.grid.addWidget(box, i // columns, i % columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        side_by_side = 2 * max(b.minimumSizeHint().width() for b in self.roles.values()) + 60
        self._reflow(2 if event.size().width() >= side_by_side else 1)
        super().resizeEvent(event)

    def show_config(self) -> None:
        config = self.settings.home.config
        registry = self.settings.home.registry
        for role, form in self.roles.items():
            chosen_id = config.llm.role(role).id
            form.show_config(config.llm.role(role), registry.player_id(role, chosen_id))
        audio = config.audio
        choose(self.tts_model, audio.tts.model)
        self.voice_name.setText(audio.tts.voice)
        self.rate.setValue(audio.tts.rate)
        choose(self.stt_model, audio.stt.model)
        self.stt_language.setCurrentText(audio.stt.language)
        self.stt_device.setCurrentText(audio.stt.device)
        self.gpu.setCurrentText(config.gpu.use)
        remote = config.llm.remote
        self.offline.setChecked(not remote.enabled)
        self.remote_url.setText(remote.base_url)
        self.consent.setChecked(remote.consent)
        self.remote_url.setEnabled(remote.enabled)
        self.consent.setEnabled(remote.enabled)
        self.language.setCurrentIndex(max(0, self.language.findData(config.ui.language)))
        self.downloads.setChecked(config.models.downloads)

    def draft(self) -> Config:
        """The config as the page shows it (validated: a bad value raises ValidationError)."""
        data = self.settings.draft().model_dump()
        for role, form in self.roles.items():
            data["llm"][role].update(form.values())
        data["audio"]["tts"].update(
            model=chosen(self.tts_model), voice=self.voice_name.text(), rate=self.rate.value()
        )
        data["audio"]["stt"].update(
            model=chosen(self.stt_model),
            language=self.stt_language.currentText(),
            device=self.stt_device.currentText(),
        )
        data["gpu"]["use"] = self.gpu.currentText()
        data["llm"]["remote"].update(
            enabled=not self.offline.isChecked(),
            base_url=self.remote_url.text().strip(),
            consent=self.consent.isChecked() and not self.offline.isChecked(),
        )
        data["ui"]["language"] = self.language.currentData()
        data["models"]["downloads"] = self.downloads.isChecked()
        return Config.model_validate(data)

    def apply(self) -> None:
        try:
            draft = self.draft()
        except ValueError as exc:  # pydantic's ValidationError
            self.status.setText(self.tr("Not applied: {0}").format(exc))
            return
        self.apply_button.setEnabled(False)
        self.status.setText(self.tr("Applying…"))
        self.background.run(
            lambda: self.settings.apply(draft), self._applied, self._failed, name="domovoy-apply"
        )

    def _applied(self, applied: Applied) -> None:
        self.apply_button.setEnabled(True)
        lines = [self.tr("{0}: loading the new model…").format(role) for role in applied.switched]
        notes = [translation.shown(note) for note in applied.notes]
        self.status.setText(" · ".join([self.tr("Saved."), *lines, *notes]))
        if applied.restart_for:
            self.restart_wanted.emit()

    def _failed(self, message: str) -> None:
        self.apply_button.setEnabled(True)
        self.status.setText(self.tr("Not applied: {0}").format(message))

    def listen(self, bridge: QtBridge) -> None:
        """Role switches and loads, as they happen."""
        bridge.on(RoleSwitched, self._switched)
        bridge.on(ModelLoaded, self._loaded)
        bridge.on(ModelLoadFailed, self._load_failed)

    def _switched(self, event: RoleSwitched) -> None:
        if event.role in self.roles:  # switched elsewhere (the chat's picker): shown here
            choose(self.roles[event.role].model, event.model_id or None)
        self.status.setText(
            self.tr("{0}: {1} — loading…").format(event.role, event.model_id or "none")
        )

    def _loaded(self, event: ModelLoaded) -> None:
        self.status.setText(self.tr("{0}: {1} is ready").format(event.role, event.model_id))

    def _load_failed(self, event: ModelLoadFailed) -> None:
        self.status.setText(
            self.tr("{0}: {1} failed: {2}").format(event.role, event.model_id, event.message)
        )
