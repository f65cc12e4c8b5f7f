"""The console in English and Chinese: no template leaves text a person reads outside a translation call, every
message has its Chinese translation, and pages follow the person's setting, else the browser's Accept-Language; times
show in the person's time zone with UTC on hover."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from jinja2 import nodes

from hub.web.console import i18n
from hub.web.console.rendering import TEMPLATES

ROOT = Path(__file__).resolve().parents[3]
CONSOLE = ROOT / "hub" / "web" / "console"
READABLE_ATTRIBUTES = re.compile(r'\b(?:placeholder|title|aria-label|alt)="([^"]*)"')
TAG = re.compile(r"<[^>]*>")
# Words that are the same in both languages: the product's name, units, protocol and format names.
UNTRANSLATED_OK = {"hris-hub", "UTC", "CSV", "JSON", "SVG", "ms", "s", "h", "min", "p50", "p90", "p99", "p", "REST", "SOAP"}


def _environment():
    from flask import Flask

    from hub.web.console import rendering

    app = Flask("probe")
    rendering.init_app(app)
    return app.extensions[rendering.EXTENSION_KEY]


def untranslated(template: Path) -> list[str]:
    """Text a person reads in the template's own HTML (not from data, not inside {% trans %} or _()): the template
    with every Jinja construct and translated block replaced by a placeholder, parsed as HTML."""
    environment = _environment()
    source = template.read_text(encoding="utf-8")
    shown, in_trans, block = [], 0, []
    for _, kind, value in environment.lex(source):
        if kind == "block_begin":
            block = []
        elif kind == "name" and block == [] and value in ("trans", "pluralize", "endtrans"):
            in_trans += {"trans": 1, "endtrans": -1, "pluralize": 0}[value]
        if kind in ("block_begin", "block_end", "variable_begin"):
            block = [] if kind != "block_end" else block
        if kind == "name":
            block.append(value)
        shown.append(value if kind == "data" and not in_trans else "\x01" if kind == "data" else "")
        if kind in ("variable_end",):
            shown.append("\x01")
    markup = "".join(shown)
    document = lxml.html.document_fromstring(
        "<html><body>" + markup + "</body></html>" if "<html" not in markup else markup
    )
    found = []
    for element in document.iter():
        if not isinstance(element.tag, str) or element.tag in ("code", "pre", "script", "style"):
            continue
        pieces = [element.text or ""] + [element.get(a) or "" for a in ("placeholder", "title", "aria-label", "alt")]
        for child in element:
            if child.tag not in ("code", "pre"):
                pieces.append(child.tail or "")
            else:
                pieces.append(child.tail or "")
        for piece in pieces:
            words = [w for w in re.findall(r"[A-Za-z][A-Za-z'’-]*", piece) if w not in UNTRANSLATED_OK]
            if words:
                found.append(" ".join(piece.replace("\x01", "…").split())[:80])
    return found


TEMPLATE_FILES = sorted(TEMPLATES.glob("*.html"))


@pytest.mark.parametrize("template", TEMPLATE_FILES, ids=[t.name for t in TEMPLATE_FILES])
def test_no_template_leaves_text_outside_a_translation(template):
    assert untranslated(template) == []


def test_every_message_has_its_chinese_translation():
    import importlib.util

    spec = importlib.util.spec_from_file_location("console_messages", ROOT / "tools" / "console_messages.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    catalog = tool.merged()
    assert len(catalog) > 300
    assert tool.missing(catalog) == []
    # Every message is %-formatted when shown (Jinja's newstyle gettext always formats): a bare % would break it.
    for message in catalog:
        if message.id:
            names = dict.fromkeys(re.findall(r"%\((\w+)\)s", message.id), "x")
            (message.id % names, message.string % names)
    # Placeholders survive translation: the same %(name)s set on both sides.
    for message in catalog:
        if message.id:
            assert sorted(re.findall(r"%\(\w+\)s", message.string)) == sorted(re.findall(r"%\(\w+\)s", message.id)), (
                message.id
            )


def test_pages_follow_the_browser_then_the_person_and_show_times_in_their_zone(live, browsers):
    from sqlalchemy import select

    from hub.storage.models import AuditEntry

    anonymous = browsers()
    page = anonymous.get("/console/sign-in", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert page.status_code == 200
    assert anonymous.page.xpath("//html/@lang") == ["zh-CN"]
    assert "登录" in anonymous.page.xpath("//h1/text()")[0]
    assert anonymous.get("/console/sign-in", headers={"Accept-Language": "en-GB"}).text.count("Sign in") >= 2
    assert anonymous.get("/console/sign-in").text.count("Sign in") >= 2  # no header: English

    admin = browsers("it@example.com")
    zh = {"Accept-Language": "zh-CN"}
    admin.get("/console/", headers=zh)
    assert "概览" in admin.text() and "同步任务" in admin.text()
    admin.get("/console/settings")
    admin.post("/console/settings", {"language": "en", "time_zone": "Asia/Shanghai"})
    assert "Settings saved." in admin.text()
    admin.get("/console/audit", headers=zh)  # the person's setting wins over the browser's
    assert "Audit trail" in admin.text() and "审计日志" not in admin.text()
    with live.app.extensions["hub"].read_session_factory() as session:
        newest = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    shown = admin.page.xpath(f"//tr[@id='entry-{newest.seq}']//time")[0]
    utc = newest.occurred_at
    assert shown.get("title") == utc.strftime("%Y-%m-%d %H:%M:%S UTC")
    local = utc.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert shown.text == local.strftime("%Y-%m-%d %H:%M:%S CST")

    admin.post("/console/settings", {"language": "zh_CN", "time_zone": "Mars/Olympus"})
    assert "不是时区" not in admin.text()  # refused in the language in force when it was sent (English)
    assert "is not a time zone" in admin.text()
    admin.post("/console/settings", {"language": "zh_CN", "time_zone": ""})
    admin.get("/console/connectors/new?type=rest")
    assert "添加 rest 连接器" in admin.text() and "密钥保存后不会再显示。" in admin.text()
    assert admin.page.xpath("//html/@lang") == ["zh-CN"]
