"""Where the project's own files are: in a clone (repo root) or inside an installed wheel (wijkprofiel/_sql)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_REPO = _PACKAGE.parents[1]


def project_dir(name: str) -> Path:
    """`sql` or `data`: the wheel's bundled copy when installed, else the clone's top-level folder."""
    bundled = _PACKAGE / f"_{name}"
    if bundled.is_dir():
        return bundled
    return _REPO / name


def sql_dir() -> Path:
    return project_dir("sql")


def demo_data_dir() -> Path:
    return project_dir("data")
