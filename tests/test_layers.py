"""The layering the README promises: Streamlit only in lib/ui; nothing in lib/ imports benchmarks or tests."""

from __future__ import annotations

import ast
from pathlib import Path

LIB = Path(__file__).resolve().parents[1] / "lib"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_lib_ui_imports_streamlit() -> None:
    offenders = [
        str(path.relative_to(LIB))
        for path in LIB.rglob("*.py")
        if "streamlit" in _imports(path) and path.relative_to(LIB).parts[0] != "ui"
    ]
    assert offenders == []


def test_production_code_imports_no_benchmark_or_test_code() -> None:
    offenders = [
        str(path.relative_to(LIB)) for path in LIB.rglob("*.py") if _imports(path) & {"benchmarks", "tests"}
    ]
    assert offenders == []
