"""The models page: the catalogue and the installed models with a fit badge for this machine;
pull one model or the starter set (app/ui/pages/model_pulls.py), verify, add a GGUF, remove,
promote a new version and roll a role back to its previous model."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
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
from app.ui.pages.gate_table import GateTable
from app.ui.pages.model_pulls import ModelPulls, size_text
from app.ui.translation import shown
from app.ui.widgets.tables import Index, RowsTable
from app.views import models as model_list
from app.views.models import FitEstimate, ModelRow
from app.views.settings import CHOOSABLE_ROLES, Settings
from core.events import EventBus

if TYPE_CHECKING:
    from app.evaluation.update_gate import GateResult

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


class ModelsPage(ModelPulls):
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
        self.before: GateTable | None = None  # the gate's table before the warm-up, and after
        self.after: GateTable | None = None
        self.buttons: dict[str, QPushButton] = {}
        row, downloads = QHBoxLayout(), QHBoxLayout()
        for line, name, label, action in (
            (row, "Pull", self.tr("Pull"), self.pull),
            (row, "Verify", self.tr("Verify"), self.verify),
            (row, "Add GGUF…", self.tr("Add GGUF…"), self.add_gguf),
            (row, "Remove", self.tr("Remove"), self.remove),
            (row, "Promote…", self.tr("Promote…"), self.promote),
            (row, "Roll back…", self.tr("Roll back…"), self.roll_back),
            (downloads, "Get the starter set", self.tr("Get the starter set"), self.pull_starter),
            (downloads, "Pause", self.tr("Pause"), self.pause),
            (downloads, "Import…", self.tr("Import…"), self.import_folder),
        ):
            button = QPushButton(label, self)
            button.clicked.connect(action)
            line.addWidget(button)
            self.buttons[name] = button
        row.addStretch(1)
        downloads.addStretch(1)
        self.buttons["Pause"].setEnabled(False)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)
        layout.addLayout(downloads)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self._cancel: threading.Event | None = None
        self._pulling, self._pulling_ids = "", set()
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

    def selected_id(self) -> str:
        row = self.selected()
        return row.id if row is not None else ""

    def select(self, model_id: str) -> None:
        ids = [r.id for r in self.table.rows]
        if model_id in ids:
            self.view.selectRow(ids.index(model_id))

    # --- actions -------------------------------------------------------------------------------

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

    def promote(
        self, file: str = "", model_id: str = "", role: str = "", *, ask: bool = True
    ) -> None:
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
        from app.evaluation.update_gate import UpdateGate, comparison_rows

        gate = UpdateGate(self.home)
        kept = gate.kept_baseline(role)
        if kept is not None:
            summary = self.tr("{0} will run the control scenarios as {1} and is compared with:")
        else:
            summary = self.tr("{0} will run the control scenarios as {1}; its baseline first")
        before = GateTable(
            self.tr("Promote {0}").format(model_id),
            summary.format(model_id, role),
            comparison_rows(kept or {}),
            ask=True,
            parent=self,
        )  # fmt: skip
        self.before = before
        if ask and before.exec() != QDialog.DialogCode.Accepted:
            return

        def work() -> GateResult:
            gate.stage(Path(file), model_id=model_id, role=role)
            return self._live(lambda: gate.warm_up(model_id, role))

        self._say(self.tr("evaluating {0} on the control scenarios…").format(model_id))
        self.background.run(work, self._evaluated, self._say, name="promote")

    def _evaluated(self, result: GateResult) -> None:
        from app.evaluation.update_gate import comparison_rows

        if result.promoted:
            summary = self.tr("{0} passed the control scenarios and now plays {1}").format(
                result.model_id, result.role
            )
        else:
            summary = self.tr("{0} was rejected: ").format(result.model_id) + "; ".join(
                result.reasons
            )
        self._added_or_removed(summary)
        self.after = GateTable(
            self.tr("Promote {0}").format(result.model_id),
            summary,
            comparison_rows(result.baseline, result.totals),
            parent=self,
        )
        self.after.open()

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
