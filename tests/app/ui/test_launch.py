import pytest

from app.ui import launch
from core.paths import Paths


def test_without_a_display_domovoy_points_to_the_terminal_chat(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(launch.sys, "platform", "linux")
    assert launch.launch() == 2
    assert "domovoy chat" in capsys.readouterr().err


def test_a_broken_config_still_opens_with_defaults_and_a_notice(domovoy_home: Paths) -> None:
    paths = domovoy_home
    paths.ensure()
    paths.config_file.write_text("schema_version = 1\n[llm.primary\n")
    home, notice = launch.open_home()
    assert home.config.llm.primary.id == "gpt-oss-20b-q4km"
    assert str(paths.config_file) in notice and "default settings" in notice
    assert paths.config_file.read_text() == "schema_version = 1\n[llm.primary\n"  # left as it was


def test_the_window_module_imports_nothing_heavy() -> None:
    """The window shows before anything heavy loads: importing it pulls in none of the model,
    memory or page libraries (they come with the assistant, on a thread)."""
    import subprocess
    import sys

    heavy = [
        "numpy",
        "llama_cpp",
        "chromadb",
        "torch",
        "faster_whisper",
        "app.wiring",
        "app.ui.pages.settings",
        "app.memory_and_mood",
    ]
    code = (
        "import sys, app.ui.main_window, app.ui.launch; "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
