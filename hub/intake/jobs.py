"""The job catalog: job profiles (YAML) by job code, from HUB_JOBS_DIR."""

from __future__ import annotations

import functools
from pathlib import Path

import scoring_engine
from hub.errors import UnknownJobCode


@functools.lru_cache(maxsize=8)
def _catalog(directory: str, stamp: tuple) -> dict:
    jobs = {}
    for path in sorted(Path(directory).glob("*.y*ml")):
        job = scoring_engine.load_job(path)
        jobs[job.code] = job
    return jobs


def catalog(directory: Path) -> dict:
    """Every job profile in the folder, reloaded when a file changes."""
    if not directory.is_dir():
        return {}
    stamp = tuple((p.name, p.stat().st_mtime) for p in sorted(directory.glob("*.y*ml")))
    return _catalog(str(directory), stamp)


def find(directory: Path, code: str, pointer: str):
    jobs = catalog(directory)
    if code not in jobs:
        known = ", ".join(sorted(jobs)) or f"none (put job profile YAML files in {directory})"
        raise UnknownJobCode(
            errors=[{"pointer": pointer, "message": f"no job profile with code {code!r}; known: {known}"}]
        )
    return jobs[code]


def recommendations(directory: Path, resume, top: int = 5) -> list[dict]:
    """The catalog's jobs ranked for a parsed resume, with reasons per job (岗位匹配与推荐); advisory."""
    from scoring_engine.resume.recommend import recommend

    jobs = list(catalog(directory).values())
    return [item.to_dict() for item in recommend(resume, jobs, top=top)] if jobs else []
