"""The rooms of docs/architecture.md hold: Prefect only in pipeline/ and flows/, no stage reads the environment,
and stages meet only in the database file."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "wijkprofiel"
STAGES = ("ingest", "transform", "reference", "publish")
#: What each stage may import of the package, besides itself.
MAG = {
    "reference": {"errors"},
    "ingest": {"reference", "db", "errors", "paths"},
    "transform": {"reference", "db", "errors", "paths"},
    "publish": {"reference", "db", "errors", "paths"},
}


def _modules(room: str | None = None) -> list[Path]:
    root = SRC / room if room else SRC
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module if node.level == 0 else "." * node.level + node.module)
    return names


def test_only_the_pipeline_imports_prefect():
    buiten = [
        (str(p.relative_to(SRC)), naam)
        for p in _modules()
        if "pipeline" not in p.relative_to(SRC).parts
        for naam in _imports(p)
        if naam == "prefect" or naam.startswith(("prefect.", "prefect_"))
    ]
    assert buiten == []


@pytest.mark.parametrize("room", STAGES)
def test_no_stage_reads_the_environment(room):
    lezers = [
        str(p.relative_to(SRC)) for p in _modules(room)
        if "os.environ" in p.read_text(encoding="utf-8") or "getenv(" in p.read_text(encoding="utf-8")
    ]
    assert lezers == []


@pytest.mark.parametrize("room", STAGES)
def test_stages_import_only_what_their_room_may_use(room):
    fout = []
    for p in _modules(room):
        for naam in _imports(p):
            assert not naam.startswith("."), f"{p}: use absolute imports"
            if naam.startswith("wijkprofiel."):
                doel = naam.split(".")[1]
                if doel != room and doel not in MAG[room]:
                    fout.append((str(p.relative_to(SRC)), naam))
    assert fout == []
