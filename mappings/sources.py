"""Resolve a shipped name ("default", "generic-rest") or a file path to the YAML file to read."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).parent
POLICIES_DIR = PACKAGE_DIR / "policies"
PRESETS_DIR = PACKAGE_DIR / "presets"


def shipped_names(directory: Path) -> list[str]:
    """Return the names of the YAML files shipped in directory, sorted."""
    return sorted(path.stem for path in directory.glob("*.yaml"))


def resolve(name_or_path: str | Path, directory: Path) -> Path:
    """Return the file for a path that exists, else directory/<name>.yaml when name is a bare shipped name.

    Raises FileNotFoundError listing the shipped names when neither exists.
    """
    candidate = Path(name_or_path)
    if candidate.is_file():
        return candidate
    text = str(name_or_path)
    if "/" not in text and "\\" not in text and not text.endswith((".yaml", ".yml")):
        shipped = directory / f"{text}.yaml"
        if shipped.is_file():
            return shipped
    raise FileNotFoundError(
        f"{text!r} is neither a file nor a shipped name (shipped: {', '.join(shipped_names(directory)) or 'none'})"
    )
