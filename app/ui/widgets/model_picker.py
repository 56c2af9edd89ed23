"""The chat's model picker: which installed model answers (the primary role), switched from the
chat as in other chat apps. It applies through the same Settings as the settings page; the chat
notes the switch and says when the new model is ready."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from app.ui.background import Background
from app.ui.bridge import QtBridge
from app.ui.pages.settings import choose, chosen
from app.views.settings import Settings
from core.events import RoleSwitched

ROLE = "primary"


class ModelPicker(QWidget):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.background = Background(self)
        self.combo = QComboBox(self)
        self.combo.setToolTip(
            self.tr("The model that answers (the primary role); the others are in Settings")
        )
        self.combo.addItems(settings.models_for(ROLE))
        choose(self.combo, self.current)
        # activated: the user's choice only (a switch shown from elsewhere does not re-apply)
        self.combo.activated.connect(lambda _index: self.choose(chosen(self.combo)))
        label = QLabel(self.tr("Answering model:"), self)
        label.setBuddy(self.combo)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(1)
        row.addWidget(label)
        row.addWidget(self.combo)

    @property
    def current(self) -> str | None:
        """The model that answers now: the chosen one, or the starter model standing in."""
        home = self.settings.home
        chosen_id = home.config.llm.role(ROLE).id
        return home.registry.player_id(ROLE, chosen_id) or chosen_id

    def choose(self, model_id: str | None) -> None:
        """Give the primary role ``model_id`` (saved in the config, loaded in the background)."""
        if not model_id or model_id == self.current:
            return
        draft = self.settings.draft()
        draft.llm.role(ROLE).id = model_id
        self.combo.setEnabled(False)
        self.background.run(
            lambda: self.settings.apply(draft), self._applied, self._failed, name="domovoy-pick"
        )

    def _applied(self, _applied: object) -> None:
        self.combo.setEnabled(True)

    def _failed(self, message: str) -> None:
        self.combo.setEnabled(True)
        choose(self.combo, self.current)
        self.combo.setToolTip(message)

    def listen(self, bridge: QtBridge) -> None:
        bridge.on(RoleSwitched, self._switched)

    def _switched(self, event: RoleSwitched) -> None:
        """A switch made elsewhere (the settings page, a promotion) shows here too."""
        if event.role == ROLE:
            choose(self.combo, event.model_id or None)
