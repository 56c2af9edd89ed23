"""The voice controls under the chat: hands-free on/off, push-to-talk (hold the button or F9),
barge-in, what the voice loop is doing (listening / thinking / speaking), the microphone's
level, and which microphone and speaker to use."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from app.ui.background import Background
from app.ui.bridge import QtBridge
from app.views.settings import Settings
from app.voice.session import Devices, VoiceSession, devices
from core.events import VoiceProblem, VoiceStateChanged

# the first item of each picker: the system's default, named so the two pickers tell apart
DEFAULT_MIC = str(QT_TRANSLATE_NOOP("VoiceBar", "(default microphone)"))
DEFAULT_SPEAKER = str(QT_TRANSLATE_NOOP("VoiceBar", "(default speaker)"))
PUSH_TO_TALK_KEY = "F9"
PUSH_TO_TALK_QT = Qt.Key.Key_F9
STATES = {
    "off": str(QT_TRANSLATE_NOOP("VoiceBar", "voice off")),
    "listening": str(QT_TRANSLATE_NOOP("VoiceBar", "🎙 listening")),
    "thinking": str(QT_TRANSLATE_NOOP("VoiceBar", "… thinking")),
    "speaking": str(QT_TRANSLATE_NOOP("VoiceBar", "🔊 speaking")),
}


def state_text(state: str) -> str:
    return QCoreApplication.translate("VoiceBar", STATES.get(state, state))


def device(combo: QComboBox) -> str | None:
    """The device chosen; None for the first item, the system's default."""
    return None if combo.currentIndex() <= 0 else combo.currentText()


class VoiceBar(QWidget):
    def __init__(
        self, session: VoiceSession, settings: Settings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.background = Background(self)
        audio = settings.home.config.audio
        self.hands_free = QPushButton(self.tr("Hands-free"), self)
        self.hands_free.setCheckable(True)
        self.hands_free.setToolTip(
            self.tr("Talk to domovoy: it listens, answers aloud, and listens again")
        )
        self.hands_free.toggled.connect(self._toggle)
        self.push_to_talk = QCheckBox(self.tr("Push-to-talk ({0})").format(PUSH_TO_TALK_KEY), self)
        self.push_to_talk.setChecked(audio.push_to_talk)
        self.push_to_talk.setToolTip(
            self.tr("Speak only while {0} (or the Talk button) is held").format(PUSH_TO_TALK_KEY)
        )
        self.push_to_talk.toggled.connect(self._ptt_changed)
        self.talk = QPushButton(self.tr("Talk"), self)
        self.talk.setToolTip(self.tr("Hold to speak (or hold {0})").format(PUSH_TO_TALK_KEY))
        self.talk.pressed.connect(session.press)
        self.talk.released.connect(session.release)
        self.barge_in = QCheckBox(self.tr("Barge-in"), self)
        self.barge_in.setChecked(audio.barge_in)
        self.barge_in.setToolTip(
            self.tr(
                "Talking over domovoy stops it. Use with a headset: from loudspeakers it may "
                "hear itself."
            )
        )
        self.barge_in.toggled.connect(self._barge_in_changed)
        self.state = QLabel(state_text("off"), self)
        self.state.setMinimumWidth(90)
        self.meter = QProgressBar(self)
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setFixedWidth(90)
        self.meter.setToolTip(self.tr("Microphone level"))
        self.mic = self._picker(audio.input_device, DEFAULT_MIC, self.tr("Microphone"))
        self.speaker = self._picker(audio.output_device, DEFAULT_SPEAKER, self.tr("Speaker"))
        # PortAudio probes every sound card (ALSA can take a second): not on the GUI thread
        self.background.run(devices, self._show_devices, lambda _message: None, name="devices")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, widget in enumerate((self.hands_free, self.talk, self.state, self.meter)):
            grid.addWidget(widget, 0, column)
        for column, widget in enumerate((self.push_to_talk, self.barge_in, self.mic, self.speaker)):
            grid.addWidget(widget, 1, column)
        grid.setColumnStretch(4, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(50)
        self.timer.timeout.connect(lambda: self.meter.setValue(int(self.session.level * 100)))
        self._sync()

    def _picker(self, chosen: str | None, default: str, what: str) -> QComboBox:
        """The system's default first, then the device chosen before (even if unplugged now:
        it is kept, and opening it will say so); the others come when PortAudio has listed
        them."""
        combo = QComboBox(self)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(15)
        combo.addItem(QCoreApplication.translate("VoiceBar", default))
        if chosen:
            combo.addItem(chosen)
            combo.setCurrentIndex(1)
        combo.setToolTip(what)
        combo.currentIndexChanged.connect(lambda _index: self._save())
        return combo

    def _show_devices(self, found: Devices) -> None:
        for combo, names in ((self.mic, found.inputs), (self.speaker, found.outputs)):
            combo.blockSignals(True)
            for name in names:
                if combo.findText(name) < 0:
                    combo.addItem(name)
            combo.blockSignals(False)

    def _toggle(self, on: bool) -> None:
        self.hands_free.setEnabled(False)  # until the devices have opened or closed
        work = self.session.start if on else self.session.stop
        self.background.run(work, lambda _none: self._sync(), self._problem, name="voice")

    def _sync(self) -> None:
        active = self.session.active
        self.hands_free.blockSignals(True)
        self.hands_free.setChecked(active)
        self.hands_free.blockSignals(False)
        self.hands_free.setEnabled(True)
        self.talk.setEnabled(active and self.push_to_talk.isChecked())
        self.mic.setEnabled(not active)
        self.speaker.setEnabled(not active)
        if active:
            self.timer.start()
        else:
            self.timer.stop()
            self.meter.setValue(0)

    def _ptt_changed(self, on: bool) -> None:
        self.session.set_push_to_talk(on)
        self._save()
        self._sync()

    def _barge_in_changed(self, on: bool) -> None:
        self.session.set_barge_in(on)
        self._save()

    def _save(self) -> None:
        """The choices persist in the config, through the settings (one way to save it)."""
        draft = self.settings.draft()
        draft.audio.barge_in = self.barge_in.isChecked()
        draft.audio.push_to_talk = self.push_to_talk.isChecked()
        draft.audio.input_device = device(self.mic)
        draft.audio.output_device = device(self.speaker)
        self.background.run(lambda: self.settings.apply(draft), lambda _a: None, self._problem)

    def _problem(self, message: str) -> None:
        self.state.setText(state_text("off"))
        self.state.setToolTip(message)
        self._sync()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Push-to-talk's key, held anywhere in the window it watches (repeats are not new
        presses)."""
        kind = event.type()
        if (
            kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
            and isinstance(event, QKeyEvent)
            and event.key() == PUSH_TO_TALK_QT
            and not event.isAutoRepeat()
        ):
            if kind == QEvent.Type.KeyPress:
                self.session.press()
            else:
                self.session.release()
            return True
        return super().eventFilter(watched, event)

    def listen(self, bridge: QtBridge) -> None:
        bridge.on(VoiceStateChanged, self._state_changed)
        bridge.on(VoiceProblem, self._heard_problem)

    def _state_changed(self, event: VoiceStateChanged) -> None:
        self.state.setText(state_text(event.state))
        if event.state == "off":
            self._sync()

    def _heard_problem(self, event: VoiceProblem) -> None:
        self.state.setToolTip(event.message)
