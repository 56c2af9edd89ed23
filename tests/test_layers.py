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


# Entry points (bench/, tests/) sit outside the layers and may import anything (DESIGN.md §2).
ENTRY_POINTS = ("bench", "tests", "tools")
LONGEST_MODULE = 400  # lines


def sources() -> list[tuple[str, Path]]:
    return [(pkg, f) for pkg in PACKAGES for f in sorted((ROOT / pkg).rglob("*.py"))]


def module_name(file: Path) -> str:
    parts = file.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_imports_itself_round_a_circle() -> None:
    """Imports inside functions count too: a lazy import is still a dependency."""
    files = {module_name(f): f for _, f in sources()}
    for entry in ENTRY_POINTS[:1]:
        files |= {module_name(f): f for f in sorted((ROOT / entry).rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, file in files.items():
        tree = ast.parse(file.read_text(encoding="utf-8"))
        needs: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                needs |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                needs |= {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
        graph[name] = {n for n in needs if n in files and n != name}
    circles = [c for c in strongly_connected(graph) if len(c) > 1]
    assert circles == []


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    found.append(sorted(component))
    return found


def test_no_module_is_longer_than_the_house_allows() -> None:
    files = [f for _, f in sources()]
    for entry in ENTRY_POINTS:
        files += sorted((ROOT / entry).rglob("*.py"))
    long = {
        str(f.relative_to(ROOT)): n
        for f in files
        if (n := len(f.read_text(encoding="utf-8").splitlines())) > LONGEST_MODULE
    }
    assert long == {}


def test_the_circle_finder_finds_a_circle() -> None:
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c"],
        ["d"],
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
    [
        "app.cli.main",
        "app.wiring",
        "app.assistant",
        "app.cli.doctor",
        "models.install",
        "llm.llama_cpp",
    ],
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
