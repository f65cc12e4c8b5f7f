"""The baseline for bench/ingest.py: Flask on waitress that only parses the posted JSON and answers 202.

Whatever the hub takes beyond this (validation, auth, encryption, the database, the audit chain)
is the hub's own cost. Run: python bench/bare_app.py --port 8090 --threads 8
"""

from __future__ import annotations

import argparse
import uuid

from flask import Flask, jsonify, request


def create_app() -> Flask:
    """The bare app: POST /api/v1/results parses JSON and answers 202; GET /healthz answers 200."""
    app = Flask("bare")

    @app.post("/api/v1/results")
    def post_result():
        document = request.get_json()
        result_id = str(uuid.uuid4())
        return jsonify(
            id=result_id,
            external_id=document.get("external_id"),
            status="accepted",
            links={"self": f"/api/v1/results/{result_id}"},
        ), 202

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument(
        "--threads", type=int, default=8, help="waitress worker threads (as `hris-hub serve --threads`)"
    )
    args = parser.parse_args(argv)

    import waitress

    waitress.serve(create_app(), host=args.host, port=args.port, threads=args.threads, ident="bare", _quiet=True)


if __name__ == "__main__":
    main()
