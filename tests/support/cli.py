"""Running `hris-hub` commands in-process against a test app (the one CLI test helper; flaskr's `runner`)."""

from __future__ import annotations

from click.testing import CliRunner, Result
from flask import Flask
from flask.cli import ScriptInfo

from hub.cli import main


def invoke(app: Flask, *args: str, input: str | None = None) -> Result:
    """Run `hris-hub ARGS...` with `app` as the hub; the result holds exit_code and output."""
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app), input=input)


class AppRunner:
    """The `runner` fixture: `runner.invoke("audit", "verify")`."""

    def __init__(self, app: Flask):
        self.app = app

    def invoke(self, *args: str, input: str | None = None) -> Result:
        return invoke(self.app, *args, input=input)
