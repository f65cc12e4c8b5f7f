"""Benchmark: what the destination policy and the template limits cost per request and per render.

Prints human-readable figures, then one JSON line with all of them. Runs on loopback only.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import socket
import statistics
import sys
import time

REPOSITORY_ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY_ROOT))

import requests  # noqa: E402

from connectors.destinations import DestinationPolicy, create_guarded_connection, guarded_session  # noqa: E402
from mappings import load_mapping, sample_document  # noqa: E402
from mappings.render_limits import render_deadline  # noqa: E402
from tests.support.http_receiver import HttpReceiver  # noqa: E402

POLICY = DestinationPolicy.from_settings("127.0.0.0/8", allow_plain_http=True)


def median_microseconds(function, repeat: int) -> float:
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        durations.append(time.perf_counter() - started)
    return round(statistics.median(durations) * 1e6, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=2000, help="calls measured per figure")
    arguments = parser.parse_args()
    repeat = arguments.repeat
    figures = {}
    figures["url_check_us"] = median_microseconds(
        lambda: POLICY.url_refusal("https://open.feishu.cn/open-apis/corehr/v1/employees?page_size=100"), repeat
    )
    listener = socket.create_server(("127.0.0.1", 0), backlog=repeat + 10)
    port = listener.getsockname()[1]
    figures["plain_connect_us"] = median_microseconds(
        lambda: socket.create_connection(("127.0.0.1", port), timeout=2).close(), min(repeat, 500)
    )
    figures["guarded_connect_us"] = median_microseconds(
        lambda: create_guarded_connection(POLICY, ("127.0.0.1", port), timeout=2).close(), min(repeat, 500)
    )
    listener.close()
    with HttpReceiver() as receiver:
        plain, guarded = requests.Session(), guarded_session(POLICY)
        for session in (plain, guarded):
            session.get(receiver.url + "/warm", timeout=5)
        figures["plain_pooled_request_us"] = median_microseconds(
            lambda: plain.post(receiver.url + "/goals", json={"目标": 95}, timeout=5), min(repeat, 500)
        )
        figures["guarded_pooled_request_us"] = median_microseconds(
            lambda: guarded.post(receiver.url + "/goals", json={"目标": 95}, timeout=5), min(repeat, 500)
        )
    mapping = load_mapping("generic-rest")
    document = sample_document()
    figures["mapping_render_us"] = median_microseconds(lambda: mapping.render(document), min(repeat, 500))

    def bare_deadline():
        with render_deadline(2.0):
            pass

    figures["deadline_enter_exit_us"] = median_microseconds(bare_deadline, repeat)
    print(f"URL check (public https):          {figures['url_check_us']:8.2f} µs median")
    print(f"new TCP connection, plain:          {figures['plain_connect_us']:8.2f} µs median")
    print(f"new TCP connection, guarded:        {figures['guarded_connect_us']:8.2f} µs median")
    print(f"pooled POST, plain session:         {figures['plain_pooled_request_us']:8.2f} µs median")
    print(f"pooled POST, guarded session:       {figures['guarded_pooled_request_us']:8.2f} µs median")
    print(f"generic-rest render (with limits):  {figures['mapping_render_us']:8.2f} µs median")
    print(f"render deadline, enter and exit:    {figures['deadline_enter_exit_us']:8.2f} µs median")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
