"""The models page's downloads: one model, or the whole starter set (its size and whether it
fits the disk shown first); one progress bar over every file (speed, time left, the file being
fetched); Pause keeps what came, and pulling again goes on from there; each model takes its role
as soon as it is checked (ModelInstalled). Import takes models downloaded on another machine."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from app.home import Home
from app.ui.background import Background
from app.ui.bridge import QtBridge
from app.views.settings import Settings
from core.events import DownloadProgress, EventBus, ModelInstalled
from core.registry import Manifest
from models.pull import Plan, Puller


def size_text(size: int | None) -> str:
    if not size:
        return "—"
    if size >= 2**30:
        return f"{size / 2**30:.1f} GB"
    return f"{size / 2**20:.1f} MB" if size < 10 * 2**20 else f"{size / 2**20:.0f} MB"


class ModelPulls(QWidget):
    """The page's pull actions (the page is this widget)."""

    home: Home
    bus: EventBus
    settings: Settings | None
    background: Background
    buttons: dict[str, QPushButton]
    progress: QProgressBar
    status: QLabel
    _cancel: threading.Event | None
    _pulling: str  # what is being pulled, as the status line names it
    _pulling_ids: set[str]

    def refresh(self) -> None:
        raise NotImplementedError

    def selected_id(self) -> str:
        raise NotImplementedError

    def _say(self, message: str) -> None:
        self.status.setText(message)

    def pull(self) -> None:
        model_id = self.selected_id()
        if not model_id or self._cancel is not None:
            return

        def work(puller: Puller, cancel: threading.Event) -> Manifest:
            manifest = puller.pull(model_id, cancel)
            self._installed(manifest)  # one way to take its role: ModelInstalled, as for a set
            return manifest

        self._start(model_id, [model_id], work)

    def pull_starter(self, *, confirm: bool = True) -> None:
        """Every role's model not installed yet: the plan (sizes, the disk) first, then one
        pull over all of it."""
        if self._cancel is not None:
            return
        from models.catalogue import STARTER_SET

        puller = self._puller()

        def plan() -> tuple[list[Plan], int, int]:
            plans = [puller.plan(i) for i in puller.missing(STARTER_SET)]
            need, free = puller.space(plans)
            return plans, need, free

        def planned(result: tuple[list[Plan], int, int]) -> None:
            plans, need, free = result
            if not plans:
                self._say(self.tr("the starter set is installed"))
                return
            total = sum(p.total for p in plans)
            summary = self.tr("The starter set: {0} models, {1}; {2} free").format(
                len(plans), size_text(total), size_text(free)
            )
            if need > free:
                self._say(summary + self.tr(": it does not fit. Free some space first."))
                return
            self._say(summary)
            if confirm and not self._confirmed(summary, plans):
                return
            ids = [p.manifest.id for p in plans]
            self._start(
                self.tr("the starter set"),
                ids,
                lambda p, cancel: p.pull_plans(plans, cancel, installed=self._installed),
            )

        self._say(self.tr("asking the hub what the starter set needs…"))
        self.background.run(plan, planned, self._say, name="starter-plan")

    def _confirmed(self, summary: str, plans: Sequence[object]) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Get the starter set"), summary + "\n\n" + self.tr("Download it now?")
        )
        return answer == QMessageBox.StandardButton.Yes

    def _start(
        self,
        label: str,
        ids: list[str],
        work: Callable[[Puller, threading.Event], object],
    ) -> None:
        self._cancel = cancel = threading.Event()
        self._pulling, self._pulling_ids = label, set(ids)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.buttons["Pause"].setEnabled(True)
        self._say(self.tr("pulling {0}…").format(label))
        puller = self._puller()
        self.background.run(
            lambda: work(puller, cancel), self._pulled, self._pull_failed, name="pull"
        )

    def _puller(self) -> Puller:
        home = self.home
        return Puller(
            home.paths, home.registry, bus=self.bus, downloads=home.config.models.downloads
        )

    def _installed(self, manifest: Manifest) -> None:
        """Off the GUI thread, as each model is checked: the page hears it on the bus, and the
        model takes its role (``_took_role``, on the GUI thread)."""
        self.bus.publish(ModelInstalled(model_id=manifest.id, role=manifest.role))

    def import_folder(self, folder: str = "") -> None:
        """Models downloaded elsewhere (a hub cache, or the model files), checked and
        registered as a pull would; each takes its role."""
        if not folder:
            folder = QFileDialog.getExistingDirectory(self, self.tr("Import models"))
            if not folder:
                return
        from models.import_dir import import_models

        def work() -> list[str]:
            found = import_models(self.home.paths, self.home.registry, Path(folder))
            return [imported.manifest.id for imported in found]

        def imported(ids: list[str]) -> None:
            for model_id in ids:
                self._took_role(model_id)
            self._say(self.tr("imported {0}").format(", ".join(ids)))

        self._say(self.tr("checking the models in {0}…").format(folder))
        self.background.run(work, imported, self._say, name="import")

    def pause(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self._say(self.tr("pausing {0}; pull it again to go on").format(self._pulling))

    def _pulled(self, _result: object) -> None:
        self.home.reload_registry()  # the roles were taken as each model came (ModelInstalled)
        self.refresh()
        self._end_pull(self.tr("{0} installed").format(self._pulling))

    def _took_role(self, model_id: str) -> None:
        if self.settings is not None:
            self.settings.adopt(model_id)  # the roles the config gives it, now
        else:
            self.home.reload_registry()
        self.refresh()

    def _pull_failed(self, message: str) -> None:
        self._end_pull(message)

    def _end_pull(self, message: str) -> None:
        self._cancel = None
        self._pulling, self._pulling_ids = "", set()  # a late progress event changes nothing
        self.progress.hide()
        self.buttons["Pause"].setEnabled(False)
        self._say(message)

    def listen(self, bridge: QtBridge) -> None:
        bridge.on(DownloadProgress, self.on_progress)
        bridge.on(ModelInstalled, lambda e: self._took_role(e.model_id))

    def on_progress(self, event: DownloadProgress) -> None:
        if event.model_id not in self._pulling_ids:
            return
        if event.total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(event.done / event.total * 1000))
        speed = f"{event.speed_bps / 1e6:.1f} MB/s"
        eta = f", {event.eta_s:.0f} s left" if event.total else ""
        where = f" ({event.model_id}: {event.file})" if len(self._pulling_ids) > 1 else ""
        self._say(
            f"{self._pulling}: {size_text(event.done)} of {size_text(event.total)}, "
            f"{speed}{eta}{where}"
        )
