"""The catalog: mappings and policies referenced by name (shipped presets plus configured folders), never by path.

An API caller names a mapping ("feishu-shift") or a policy ("default"); the catalog finds `<name>.yaml` in the
configured folders, then among the presets, and loads it. A name with a path separator, `..` or anything but
lower-case letters, digits, `.`, `_` and `-` is refused before any file is touched, and a file whose real path
(symlinks resolved) leaves its folder is refused too. Errors say what is wrong and where, never what a file holds.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import MappingError, PolicyError
from .policy import Policy
from .sources import POLICIES_DIR, PRESETS_DIR
from .target_mapping import TargetMapping
from .yaml_source import read_yaml

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,99}$")


class CatalogError(LookupError):
    """A name is not acceptable or not in the catalog; `.kind` is "mapping" or "policy"."""

    def __init__(self, message: str, kind: str, name: str):
        self.kind = kind
        self.name = name
        super().__init__(message)


def check_name(name: object, kind: str = "mapping") -> str:
    """The name itself when it is a plain catalog name; CatalogError otherwise (no path can get through)."""
    if not isinstance(name, str):
        raise CatalogError(f"a {kind} is named by a string; got {type(name).__name__}", kind, str(name))
    if "/" in name or "\\" in name or ".." in name or "\x00" in name or not NAME_PATTERN.fullmatch(name):
        shown = name if len(name) <= 60 and name.isprintable() else name[:60].encode("unicode_escape").decode()
        raise CatalogError(
            f"{kind} name {shown!r} is not a catalog name: use lower-case letters, digits, '.', '_' and '-' "
            f"(no path separators or '..'), as listed by the catalog",
            kind,
            name,
        )
    return name


@dataclass(frozen=True)
class Catalog:
    """Named mappings and policies: configured folders first (they may replace a preset), then the shipped ones."""

    mapping_dirs: tuple[Path, ...] = ()
    policy_dirs: tuple[Path, ...] = ()

    @classmethod
    def from_dirs(cls, mapping_dirs: Iterable[str | Path] = (), policy_dirs: Iterable[str | Path] = ()) -> Catalog:
        return cls(tuple(Path(folder) for folder in mapping_dirs), tuple(Path(folder) for folder in policy_dirs))

    def _folders(self, kind: str) -> tuple[Path, ...]:
        return (*self.mapping_dirs, PRESETS_DIR) if kind == "mapping" else (*self.policy_dirs, POLICIES_DIR)

    def _names(self, kind: str) -> list[str]:
        names: set[str] = set()
        for folder in self._folders(kind):
            if folder.is_dir():
                names.update(
                    path.stem
                    for path in folder.glob("*.yaml")
                    if NAME_PATTERN.fullmatch(path.stem) and self._inside(path, folder)
                )
        return sorted(names)

    @staticmethod
    def _inside(path: Path, folder: Path) -> bool:
        real, root = os.path.realpath(path), os.path.realpath(folder)
        return real.startswith(root.rstrip(os.sep) + os.sep) and os.path.isfile(real)

    def path_of(self, name: str, kind: str = "mapping") -> Path:
        """The file behind a catalog name; CatalogError for a bad or unknown name."""
        check_name(name, kind)
        for folder in self._folders(kind):
            candidate = folder / f"{name}.yaml"
            if candidate.exists() and self._inside(candidate, folder):
                return candidate
        known = ", ".join(self._names(kind)) or "none"
        raise CatalogError(f"no {kind} named {name!r} in the catalog; known: {known}", kind, name)

    def mapping_names(self) -> list[str]:
        """Every mapping name: presets and those of the configured folders."""
        return self._names("mapping")

    def policy_names(self) -> list[str]:
        """Every policy name: shipped and those of the configured folders."""
        return self._names("policy")

    def mapping(self, name: str) -> TargetMapping:
        """The loaded mapping called `name`; CatalogError or MappingError (file, line, pointer; no content)."""
        path = self.path_of(name, "mapping")
        try:
            document = read_yaml(path)
        except ValueError as error:
            raise MappingError(str(error), mapping=name) from None
        return TargetMapping(document)

    def policy(self, name: str) -> Policy:
        """The loaded policy called `name`; CatalogError or PolicyError (file, line, pointer; no content)."""
        path = self.path_of(name, "policy")
        try:
            document = read_yaml(path)
        except ValueError as error:
            raise PolicyError(str(error), file=str(path)) from None
        return Policy(document)
