"""The models page over app/model_list: rows with fit badges, a pull with progress from a server
on loopback, verify (a changed byte is caught), add a GGUF, remove, and roll back's message."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.assistant import Assistant
from app.home import Home
from app.ui.pages.models import ModelsPage
from app.views import models as model_list
from app.views.settings import Settings
from core.errors import InputError
from core.events import DownloadProgress
from models.catalogue import STARTER_SET
from models.testing.hub import TestHub
from tests.app.evaluation.test_update_gate import fixed, scores
from tests.models.test_hub_pull import hub  # noqa: F401
from tests.models.test_pull import BLOB, SHA, Behaviour, catalogue, server  # noqa: F401

pytestmark = pytest.mark.qt


def page_for(qtbot: QtBot, home: Home, assistant: Assistant) -> ModelsPage:
    page = ModelsPage(home, assistant.bus, Settings(home, assistant))
    qtbot.addWidget(page)
    page.show()
    return page


def test_every_model_is_listed_with_what_it_plays_and_a_fit_badge(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant
) -> None:
    page = page_for(qtbot, demo_home, demo_assistant)
    rows = {r.id: r for r in page.table.rows}
    assert rows["demo-tiny-llama"].status == "in use: primary"
    assert rows["gpt-oss-20b-q4km"].status == "not installed"  # the catalogue's, not pulled
    qtbot.waitUntil(lambda: bool(page.table.fit), timeout=20000)
    assert page.table.fit["demo-tiny-llama"].badge == "fits"  # a few MB on a 24 GB machine
    assert "tokens" in page.table.fit["demo-tiny-llama"].detail
    assert page.table.fit["gpt-oss-20b-q4km"].badge in ("fits", "tight", "too big")


def test_remove_refuses_a_model_in_use(demo_home: Home) -> None:
    with pytest.raises(InputError, match="plays primary"):
        model_list.remove(demo_home, "demo-tiny-llama")


def test_pull_shows_progress_then_verify_remove(
    qtbot: QtBot,
    demo_home: Home,
    demo_assistant: Assistant,
    server: tuple[str, Behaviour],  # noqa: F811
) -> None:
    url, _ = server
    catalogue(demo_home.paths, url)
    demo_home.reload_registry()
    page = ModelsPage(demo_home, demo_assistant.bus)
    qtbot.addWidget(page)
    progress: list[DownloadProgress] = []
    demo_assistant.bus.subscribe(DownloadProgress, progress.append)
    page.select("blob-model")
    page.pull()
    qtbot.waitUntil(lambda: "installed" in page.status.text(), timeout=20000)
    assert progress and progress[-1].done == len(BLOB)
    page.on_progress(progress[-1])  # one that arrives late changes nothing
    assert page.status.text() == "blob-model installed"
    assert page.progress.isHidden() and not page.buttons["Pause"].isEnabled()
    row = next(r for r in page.table.rows if r.id == "blob-model")
    assert row.installed and row.size_bytes == len(BLOB)

    page.select("blob-model")
    page.verify()
    qtbot.waitUntil(lambda: "sha256" in page.status.text(), timeout=10000)
    assert "matches" in page.status.text() and SHA[:12] in page.status.text()

    file = demo_home.registry.get("blob-model").path
    file.write_bytes(BLOB[:-1] + b"!")
    page.verify()
    qtbot.waitUntil(lambda: not page.status.text().startswith("checking"), timeout=10000)
    assert "matches" not in page.status.text()
    assert "checksum" in page.status.text().lower() or "sha256" in page.status.text()

    page.remove(confirm=False)
    qtbot.waitUntil(lambda: page.status.text().startswith("removed"), timeout=10000)
    assert not file.exists()
    assert "blob-model" not in [r.id for r in page.table.rows]  # its manifest was the user's


def test_progress_shows_share_speed_and_time_left(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant
) -> None:
    page = ModelsPage(demo_home, demo_assistant.bus)
    qtbot.addWidget(page)
    page._pulling, page._pulling_ids = "big-model", {"big-model"}
    page.on_progress(
        DownloadProgress(
            model_id="big-model", done=3 * 2**30, total=12 * 2**30, speed_bps=25e6, eta_s=387
        )
    )
    assert page.progress.value() == 250
    assert page.status.text() == "big-model: 3.0 GB of 12.0 GB, 25.0 MB/s, 387 s left"
    page.on_progress(DownloadProgress(model_id="other", done=1, total=2, speed_bps=1.0, eta_s=1))
    assert page.progress.value() == 250  # another model's progress is not this pull's


def test_add_a_gguf_and_roll_back_without_history(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant, tiny_models: dict[str, Path]
) -> None:
    page = ModelsPage(demo_home, demo_assistant.bus)
    qtbot.addWidget(page)
    page.add_gguf(str(tiny_models["phi3"]), "my-phi")
    qtbot.waitUntil(lambda: "added" in page.status.text(), timeout=20000)
    assert "choose it for a role in Settings" in page.status.text()
    assert "my-phi" in [r.id for r in page.table.rows]
    assert demo_home.registry.get("my-phi").installed

    page.add_gguf(str(demo_home.paths.config_dir / "missing.gguf"), "nothing")
    qtbot.waitUntil(lambda: "missing.gguf" in page.status.text(), timeout=10000)

    page.roll_back("primary")
    qtbot.waitUntil(lambda: "no earlier primary" in page.status.text(), timeout=10000)


def test_promote_shows_the_comparison_before_and_after(
    qtbot: QtBot,
    demo_home: Home,
    demo_assistant: Assistant,
    tiny_models: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    evaluate = fixed(
        {"demo-tiny-llama": scores(pass_rate=0.8), "llama-next": scores(pass_rate=0.5)}
    )
    monkeypatch.setattr("app.evaluation.update_gate.run_control_scenarios", evaluate)
    page = ModelsPage(demo_home, demo_assistant.bus)
    qtbot.addWidget(page)
    page.promote(str(tiny_models["llama"]), "llama-next", "primary", ask=False)
    before = page.before.cells()  # no baseline kept yet: measured first, the candidate pending
    assert ["pass_rate", "—", "—", "-5%", "pending"] in before
    assert "its baseline first" in page.before.summary.text()
    qtbot.waitUntil(lambda: page.after is not None, timeout=30000)
    assert page.after is not None
    assert ["pass_rate", "0.800", "0.500", "-5%", "worse"] in page.after.cells()
    assert "llama-next was rejected: pass_rate" in page.after.summary.text()
    assert demo_home.config.llm.primary.id == "demo-tiny-llama"


def test_a_cut_download_shows_where_it_paused_and_pull_resumes_it(
    qtbot: QtBot,
    demo_home: Home,
    demo_assistant: Assistant,
    server: tuple[str, Behaviour],  # noqa: F811
) -> None:
    url, behaviour = server
    behaviour.drop_after = 262_144  # a quarter of the file, then the connection drops
    catalogue(demo_home.paths, url)
    demo_home.reload_registry()
    page = ModelsPage(demo_home, demo_assistant.bus)
    qtbot.addWidget(page)
    page.select("blob-model")
    page.pull()
    qtbot.waitUntil(lambda: "dropped" in page.status.text(), timeout=20000)
    page.refresh()
    row = next(r for r in page.table.rows if r.id == "blob-model")
    assert row.status == "paused at 25%: pull to resume"
    page.select("blob-model")
    page.pull()
    qtbot.waitUntil(lambda: page.status.text() == "blob-model installed", timeout=20000)
    assert behaviour.requests[-1] == "bytes=262144-"  # it went on from where it stopped
    assert next(r for r in page.table.rows if r.id == "blob-model").status == "installed"


def test_the_starter_set_is_sized_first_then_pulled_under_one_bar(
    qtbot: QtBot,
    demo_home: Home,
    demo_assistant: Assistant,
    hub: TestHub,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = page_for(qtbot, demo_home, demo_assistant)
    seen: list[DownloadProgress] = []
    demo_assistant.bus.subscribe(DownloadProgress, seen.append)
    with monkeypatch.context() as tight:
        tight.setattr("models.pull.Puller.space", lambda self, plans: (10**12, 10**9))
        page.pull_starter(confirm=False)
        qtbot.waitUntil(lambda: "does not fit" in page.status.text(), timeout=20000)
    assert page.status.text().startswith(f"The starter set: {len(STARTER_SET)} models, ")
    assert not hub.lfs_requests() and page._cancel is None  # nothing fetched
    page.pull_starter(confirm=False)
    qtbot.waitUntil(lambda: page.status.text() == "the starter set installed", timeout=60000)
    rows = {r.id: r for r in page.table.rows}
    assert all(rows[model_id].installed for model_id in STARTER_SET)
    assert len({p.total for p in seen}) == 1 and seen[-1].done == seen[-1].total  # one bar
    assert page.progress.isHidden() and not page.buttons["Pause"].isEnabled()
    page.pull_starter(confirm=False)
    qtbot.waitUntil(lambda: page.status.text() == "the starter set is installed", timeout=20000)


def test_import_takes_models_downloaded_elsewhere(
    qtbot: QtBot, demo_home: Home, demo_assistant: Assistant, tmp_path: Path
) -> None:
    from tests.models.test_hub_pull import REPOS

    voices = REPOS["rhasspy/piper-voices"][1]
    for path, data in voices.items():
        (tmp_path / "downloads" / Path(path).name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "downloads" / Path(path).name).write_bytes(data)
    page = page_for(qtbot, demo_home, demo_assistant)
    page.import_folder(str(tmp_path / "downloads"))
    qtbot.waitUntil(lambda: page.status.text().startswith("imported"), timeout=20000)
    assert "piper-en-lessac-medium" in page.status.text()
    rows = {r.id: r for r in page.table.rows}
    assert rows["piper-ru-irina-medium"].installed and rows["piper-en-lessac-medium"].installed
    page.import_folder(str(tmp_path / "nowhere"))
    qtbot.waitUntil(lambda: "is not a folder" in page.status.text(), timeout=20000)
