"""The rooms of DESIGN.md §2 and their doors: app > eval > llm | audio | memory > models > core."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "eval", "llm", "audio", "memory", "models", "core")
ALLOWED = {
    "core": {"core"},
    "models": {"models", "core"},
    "llm": {"llm", "models", "core"},
    "audio": {"audio", "models", "core"},
    "memory": {"memory", "models", "core"},
    "eval": {"eval", "llm", "audio", "memory", "models", "core"},
    "app": set(PACKAGES),
}
HEAVY = {
    "torch", "llama_cpp", "faster_whisper", "ctranslate2", "onnxruntime", "chromadb", "spacy",
    "sentence_transformers", "piper", "silero_vad", "gguf", "pynvml", "PySide6",
}  # fmt: skip


def imports(file: Path) -> list[tuple[str, bool]]:
    """(top-level module, imported at module level?) for each import in a file."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        out += [(name.split(".")[0], id(node) in top_level) for name in names]
    return out


# Entry points sit outside the layers and may import anything (DESIGN.md §2).
ENTRY_POINTS = (ROOT / "eval" / "perf",)


def sources() -> list[tuple[str, Path]]:
    return [
        (pkg, f)
        for pkg in PACKAGES
        for f in sorted((ROOT / pkg).rglob("*.py"))
        if not any(e in f.parents for e in ENTRY_POINTS)
    ]


def test_layers_point_downward() -> None:
    wrong = [
        f"{f.relative_to(ROOT)} imports {mod}"
        for pkg, f in sources()
        for mod, _ in imports(f)
        if mod in PACKAGES and mod not in ALLOWED[pkg]
    ]
    assert wrong == []


def test_only_app_ui_imports_pyside6() -> None:
    ui = ROOT / "app" / "ui"
    wrong = [
        str(f.relative_to(ROOT))
        for _, f in sources()
        if any(mod == "PySide6" for mod, _ in imports(f)) and ui not in f.parents
    ]
    assert wrong == []


def test_heavy_libraries_are_imported_lazily() -> None:
    ui = ROOT / "app" / "ui"
    wrong = [
        f"{f.relative_to(ROOT)}: {mod}"
        for _, f in sources()
        for mod, at_top in imports(f)
        if at_top and mod in HEAVY and not (mod == "PySide6" and ui in f.parents)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "module",
    ["app.cli", "app.wiring", "app.assistant", "app.doctor", "models.install", "llm.llama_cpp"],
)
def test_everything_but_the_window_imports_without_qt_or_heavy_runtimes(module: str) -> None:
    """Blocks PySide6 outright, then checks no heavy runtime was loaded by the import."""
    code = (
        "import sys\n"
        "sys.modules['PySide6'] = None\n"
        f"import {module}\n"
        f"loaded = sorted(m for m in {sorted(HEAVY)!r} if sys.modules.get(m) is not None)\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
