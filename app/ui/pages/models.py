"""The models page: the catalogue and the installed models with a fit badge for this machine;
pull (progress, speed, ETA, cancel; a pull started again resumes), verify, add a GGUF, remove,
and roll a role back to its previous model."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.home import Home
from app.ui.background import Background
from app.ui.bridge import QtBridge
from app.ui.translation import shown
from app.ui.widgets.tables import Index, RowsTable
from app.views import models as model_list
from app.views.models import FitEstimate, ModelRow
from app.views.settings import CHOOSABLE_ROLES, Settings
from core.events import DownloadProgress, EventBus

T = TypeVar("T")
COLUMNS = (
    str(QT_TRANSLATE_NOOP("ModelTable", "Model")),
    str(QT_TRANSLATE_NOOP("ModelTable", "Role")),
    str(QT_TRANSLATE_NOOP("ModelTable", "Size")),
    str(QT_TRANSLATE_NOOP("ModelTable", "Fit")),
    str(QT_TRANSLATE_NOOP("ModelTable", "Status")),
    str(QT_TRANSLATE_NOOP("ModelTable", "From")),
)
BADGES = {  # the fit badge, in the interface's language
    "fits": str(QT_TRANSLATE_NOOP("ModelsPage", "fits")),
    "tight": str(QT_TRANSLATE_NOOP("ModelsPage", "tight")),
    "too big": str(QT_TRANSLATE_NOOP("ModelsPage", "too big")),
    "unknown": str(QT_TRANSLATE_NOOP("ModelsPage", "unknown")),
}
ORIGINS = {  # where a model's entry comes from
    "catalogue": str(QT_TRANSLATE_NOOP("ModelsPage", "catalogue")),
    "user": str(QT_TRANSLATE_NOOP("ModelsPage", "added by you")),
}
BADGE_COLOURS = {"fits": "#2e7d32", "tight": "#b26a00", "too big": "#c62828", "unknown": "#666"}


def size_text(size: int | None) -> str:
    if not size:
        return "—"
    if size >= 2**30:
        return f"{size / 2**30:.1f} GB"
    return f"{size / 2**20:.1f} MB" if size < 10 * 2**20 else f"{size / 2**20:.0f} MB"


class ModelTable(RowsTable[ModelRow]):
    columns = COLUMNS
    context = "ModelTable"

    def __init__(self) -> None:
        super().__init__()
        self.fit: dict[str, FitEstimate] = {}

    def show_fit(self, fit: dict[str, FitEstimate]) -> None:
        self.fit = fit
        if self.rows:
            column = COLUMNS.index("Fit")
            self.dataChanged.emit(self.index(0, column), self.index(len(self.rows) - 1, column))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = self.row_at(index)
        if row is None:
            return None
        column = COLUMNS[index.column()]
        fit = self.fit.get(row.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                "Model": row.id + ("  " + self.tr("(demo)") if row.demo else ""),
                "Role": row.role,
                "Size": size_text(row.size_bytes),
                "Fit": QCoreApplication.translate("ModelsPage", BADGES[fit.badge]) if fit else "…",
                "Status": shown(row.status),
                "From": QCoreApplication.translate(
                    "ModelsPage", ORIGINS.get(row.origin, row.origin)
                ),
            }[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == "Fit" and fit:
                return fit.detail
            return row.description or row.id
        if role == Qt.ItemDataRole.ForegroundRole and column == "Fit" and fit:
            return QColor(BADGE_COLOURS[fit.badge])
        return None


class ModelsPage(QWidget):
    def __init__(
        self,
        home: Home,
        bus: EventBus,
        settings: Settings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.home = home
        self.settings = settings
        self.bus = bus
        self.background = Background(self)
        self.table = ModelTable()
        self.view = QTableView(self)
        self.view.setModel(self.table)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for name, label, action in (
            ("Pull", self.tr("Pull"), self.pull),
            ("Cancel", self.tr("Cancel"), self.cancel),
            ("Verify", self.tr("Verify"), self.verify),
            ("Add GGUF…", self.tr("Add GGUF…"), self.add_gguf),
            ("Remove", self.tr("Remove"), self.remove),
            ("Promote…", self.tr("Promote…"), self.promote),
            ("Roll back…", self.tr("Roll back…"), self.roll_back),
        ):
            button = QPushButton(label, self)
            button.clicked.connect(action)
            row.addWidget(button)
            self.buttons[name] = button
        row.addStretch(1)
        self.buttons["Cancel"].setEnabled(False)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self._cancel: threading.Event | None = None
        self._pulling = ""
        self.refresh()

    # --- reading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.table.show(model_list.rows(self.home))
        self.background.run(
            lambda: model_list.fits(self.home), self.table.show_fit, self._say, name="domovoy-fit"
        )

    def selected(self) -> ModelRow | None:
        index = self.view.currentIndex()
        return self.table.rows[index.row()] if index.isValid() else None

    def select(self, model_id: str) -> None:
        ids = [r.id for r in self.table.rows]
        if model_id in ids:
            self.view.selectRow(ids.index(model_id))

    def _say(self, message: str) -> None:
        self.status.setText(message)

    # --- actions -------------------------------------------------------------------------------

    def pull(self) -> None:
        row = self.selected()
        if row is None or self._cancel is not None:
            return
        if not row.pullable:
            self._say(
                self.tr("{0} has no single file to download; see its manifest's source").format(
                    row.id
                )
            )
            return
        from models.pull import Puller

        self._cancel = cancel = threading.Event()
        self._pulling = row.id
        self.progress.setRange(0, 0)
        self.progress.show()
        self.buttons["Cancel"].setEnabled(True)
        self._say(self.tr("pulling {0}…").format(row.id))
        puller = Puller(self.home.paths, self.home.registry, bus=self.bus)
        self.background.run(
            lambda: puller.pull(row.id, cancel), self._pulled, self._pull_failed, name="pull"
        )

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self._say(self.tr("cancelling {0}; pull it again to resume").format(self._pulling))

    def _pulled(self, _manifest: object) -> None:
        self._end_pull(self.tr("{0} installed").format(self._pulling))
        self.home.reload_registry()
        self.refresh()

    def _pull_failed(self, message: str) -> None:
        self._end_pull(message)

    def _end_pull(self, message: str) -> None:
        self._cancel = None
        self._pulling = ""  # a progress event still on its way changes nothing now
        self.progress.hide()
        self.buttons["Cancel"].setEnabled(False)
        self._say(message)

    def listen(self, bridge: QtBridge) -> None:
        bridge.on(DownloadProgress, self.on_progress)

    def on_progress(self, event: DownloadProgress) -> None:
        if event.model_id == self._pulling:
            if event.total:
                self.progress.setRange(0, 1000)
                self.progress.setValue(int(event.done / event.total * 1000))
            speed = f"{event.speed_bps / 1e6:.1f} MB/s"
            eta = f", {event.eta_s:.0f} s left" if event.total else ""
            self._say(
                f"{self._pulling}: {size_text(event.done)} of {size_text(event.total)}, "
                f"{speed}{eta}"
            )

    def verify(self) -> None:
        row = self.selected()
        if row is None:
            return
        self._say(self.tr("checking {0}…").format(row.id))
        self.background.run(
            lambda: model_list.verify(self.home, row.id), self._say, self._say, name="verify"
        )

    def add_gguf(self, file: str = "", model_id: str = "", role: str = "primary") -> None:
        """Describe a GGUF from its own metadata and register it (a role is chosen in
        Settings)."""
        if not file:
            file, _ = QFileDialog.getOpenFileName(
                self, self.tr("Add a GGUF model"), "", "GGUF (*.gguf)"
            )
            if not file:
                return
        if not model_id:
            model_id, ok = QInputDialog.getText(
                self, self.tr("Add a GGUF model"), self.tr("Id"), text=Path(file).stem
            )
            if not ok or not model_id.strip():
                return
        from models.install import add_model

        def work() -> str:
            manifest, _ = add_model(
                self.home.paths, Path(file), model_id=model_id.strip(), role=role
            )
            self.home.reload_registry()
            return self.tr("added {0} ({1}, {2})").format(
                manifest.id, manifest.family, manifest.quant
            )

        self.background.run(work, self._added, self._say, name="add-gguf")

    def _added(self, message: str) -> None:
        self._say(message + "; choose it for a role in Settings")
        self.refresh()

    def remove(self, *, confirm: bool = True) -> None:
        row = self.selected()
        if row is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Remove model"),
                self.tr("Delete {0} from this computer?").format(row.id),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return

        def work() -> str:
            removed = model_list.remove(self.home, row.id)
            return self.tr("removed {0} ({1} files)").format(row.id, len(removed))

        self.background.run(work, self._added_or_removed, self._say, name="remove")

    def _added_or_removed(self, message: str) -> None:
        self._say(message)
        self.refresh()

    def _ask_role(self, title: str) -> str:
        role, ok = QInputDialog.getItem(self, title, "Role", list(CHOOSABLE_ROLES), 0, False)
        return role if ok else ""

    def roll_back(self, role: str = "") -> None:
        """The role's previous model plays it again, loaded now in place of the current one."""
        role = role or self._ask_role(self.tr("Roll back"))
        if not role:
            return
        from app.evaluation.update_gate import UpdateGate

        def work() -> str:
            previous = self._live(lambda: UpdateGate(self.home).rollback(role))
            return self.tr("{0} is {1} again").format(role, previous)

        self.background.run(work, self._added_or_removed, self._say, name="rollback")

    def promote(self, file: str = "", model_id: str = "", role: str = "") -> None:
        """A new version through the update gate: staged, warmed up on the control scenarios
        and promoted only if it is no worse; the previous one is kept for roll back."""
        if not file:
            file, _ = QFileDialog.getOpenFileName(
                self, self.tr("A new version"), "", "GGUF (*.gguf)"
            )
        role = role or (self._ask_role(self.tr("Promote to")) if file else "")
        if not file or not role:
            return
        model_id = model_id or Path(file).stem
        from app.evaluation.update_gate import UpdateGate

        def work() -> str:
            gate = UpdateGate(self.home)
            gate.stage(Path(file), model_id=model_id, role=role)
            result = self._live(lambda: gate.warm_up(model_id, role))
            if result.promoted:
                return self.tr("{0} passed the control scenarios and now plays {1}").format(
                    model_id, role
                )
            return self.tr("{0} was rejected: ").format(model_id) + "; ".join(result.reasons)

        self._say(self.tr("evaluating {0} on the control scenarios…").format(model_id))
        self.background.run(work, self._added_or_removed, self._say, name="promote")

    def _live(self, change: Callable[[], T]) -> T:
        """Run a change that rewrites the config (roll back, promote), then apply the new
        config through the settings, so the running assistant switches models at once."""
        before = self.home.config.model_copy(deep=True)
        try:
            result = change()
        finally:
            self.home.reload_registry()
        after, self.home.config = self.home.config, before
        if self.settings is not None:
            self.settings.apply(after)
        else:
            self.home.config = after
        return result
