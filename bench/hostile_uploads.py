"""Hostile resume uploads against `hris-hub serve`: 8 bombs at once (nested forms, decompression, a CPU-heavy
text), while /healthz and ingest are timed from another thread; prints the answer times and the peak memory of
the server's whole process tree (the server and its parser children).

    python bench/hostile_uploads.py            # default limits (HUB_RESUME_*), SQLite

Aims (issue 16): every upload answered within 35 s, health and ingest within 2 s meanwhile, peak memory of the
process tree under 1 GB.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import create_api_key, hub_environment, hub_server, print_table  # noqa: E402

from tests.scoring_engine import resume_fixtures as fixtures  # noqa: E402


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        todo.extend(int(child) for child in children)
    return total


def _multipart(name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "benchboundary7f3a"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _post(url: str, key: str, body: bytes, content_type: str, timeout: float = 120) -> tuple[int, float, str]:
    started = time.perf_counter()
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Authorization": f"Bearer {key}", "Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    kind = json.loads(text).get("type", "").rsplit("/", 1)[-1] if text.startswith("{") else ""
    return status, time.perf_counter() - started, kind


def main() -> None:
    bombs = [("forms.pdf", fixtures.nested_forms_pdf(depth=7))] * 3 + [
        ("inflate.pdf", fixtures.inflate_bomb_pdf(1024**3))
    ] * 3
    bombs += [("letters.txt", ("x" * 9_000_000).encode())] * 2
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        env = hub_environment(instance, f"sqlite:///{instance / 'hub.sqlite'}")
        with hub_server(env, threads=8) as server:
            key = create_api_key(env, role="ingest")
            peak, done = _tree_rss(server.pid), threading.Event()

            def watch():
                nonlocal peak
                while not done.is_set():
                    peak = max(peak, _tree_rss(server.pid))
                    time.sleep(0.05)

            answers: list[tuple[str, int, float, str]] = []

            def upload(index: int, name: str, data: bytes):
                body, content_type = _multipart(name, data)
                status, seconds, kind = _post(
                    f"{server.url}/api/v1/candidates/bench-{index}/resumes", key, body, content_type
                )
                answers.append((name, status, seconds, kind))

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            threads = [threading.Thread(target=upload, args=(i, n, d)) for i, (n, d) in enumerate(bombs)]
            for thread in threads:
                thread.start()
            time.sleep(0.5)
            probes: list[float] = []
            result = json.dumps(
                {
                    "external_id": "bench-probe",
                    "job_code": "SALES-REP",
                    "candidate": {"external_id": "p"},
                    "scores": {"source": "bench", "dimensions": {"communication": 80}},
                    "consent": {"notice_version": "v1", "given_at": "2026-11-20T09:30:00+08:00"},
                }
            )
            while any(thread.is_alive() for thread in threads):
                started = time.perf_counter()
                urllib.request.urlopen(f"{server.url}/healthz", timeout=30).read()
                probe = json.loads(result)
                probe["external_id"] = f"bench-probe-{len(probes)}"
                _post(f"{server.url}/api/v1/results", key, json.dumps(probe).encode(), "application/json", timeout=30)
                probes.append(time.perf_counter() - started)
                time.sleep(0.2)
            done.set()
    rows = [
        {"upload": name, "status": status, "problem": kind, "seconds": f"{seconds:.1f}"}
        for name, status, seconds, kind in sorted(answers)
    ]
    print_table(
        rows,
        [("upload", "upload"), ("status", "status"), ("problem", "problem type"), ("seconds", "answered after (s)")],
    )
    print(
        f"\nhealth + ingest while the bombs ran: {len(probes)} probes, slowest {max(probes):.2f} s, "
        f"median {sorted(probes)[len(probes) // 2]:.2f} s"
    )
    print(f"slowest upload answer: {max(s for _, _, s, _ in answers):.1f} s (aim: 35 s)")
    print(f"peak memory of the server's process tree: {peak / 2**20:.0f} MiB (aim: under 1024 MiB)")


if __name__ == "__main__":
    main()
