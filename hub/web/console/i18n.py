"""The console in English and Chinese (zh-CN), with dates in each person's time zone.

Messages are gettext: templates mark text with `{% trans %}` or `_()`, Python with `gettext`/`lazy_gettext` here.
The Chinese catalog is `translations/zh_CN.po`, read with Babel and compiled in memory at start (no build step, no
binary file in the repository). The language is the signed-in person's setting, else the browser's
`Accept-Language`, else English; the time zone is their setting, else UTC. Every time shown carries its UTC value
on hover.
"""

from __future__ import annotations

import io
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import g, has_request_context, request
from markupsafe import Markup, escape

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LANGUAGES = {"en": "English", "zh_CN": "中文（简体）"}
DEFAULT_LANGUAGE = "en"


@cache
def catalog(language: str) -> NullTranslations:
    """The compiled messages of one language (English is the source text itself)."""
    path = TRANSLATIONS / f"{language}.po"
    if language == DEFAULT_LANGUAGE or not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        messages = read_po(handle, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled)


def choose_language(setting: str | None) -> str:
    """A person's setting, else the best of the browser's Accept-Language, else English."""
    if setting in LANGUAGES:
        return str(setting)
    if has_request_context():
        offered = [code.replace("_", "-") for code in LANGUAGES]
        best = request.accept_languages.best_match(offered + ["zh", "zh-Hans", "zh-SG"])
        if best and best.lower().startswith("zh"):
            return "zh_CN"
    return DEFAULT_LANGUAGE


def current_language() -> str:
    return g.get("console_language") or DEFAULT_LANGUAGE


def gettext(message: str, /, **variables) -> str:
    text = catalog(current_language()).ugettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, number: int, /, **variables) -> str:
    text = catalog(current_language()).ungettext(singular, plural, number)
    variables.setdefault("num", number)
    return text % variables


class LazyString:
    """A message translated when shown (for module-level texts such as flash templates)."""

    def __init__(self, message: str):
        self.message = message

    def __str__(self) -> str:
        return gettext(self.message)

    def format(self, *args, **kwargs) -> str:
        return str(self).format(*args, **kwargs)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention extractors know
    """Mark a message for extraction; translated where it is shown (gettext(message))."""
    return message


def lazy_gettext(message: str) -> LazyString:
    return LazyString(message)


@cache
def time_zones() -> list[str]:
    return sorted(zone for zone in available_timezones() if "/" in zone and not zone.startswith(("Etc/", "SystemV/")))


def valid_time_zone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def when(value) -> Markup:
    """A time in the viewer's time zone, its UTC value on hover: `<time datetime=... title="... UTC">`."""
    if not value:
        return Markup("")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    utc = value.astimezone(ZoneInfo("UTC"))
    zone = g.get("console_time_zone") or "UTC"
    local = utc.astimezone(ZoneInfo(zone))
    label = local.strftime("%Y-%m-%d %H:%M:%S") + (" UTC" if zone == "UTC" else " " + (local.tzname() or zone))
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        utc.isoformat(), utc.strftime("%Y-%m-%d %H:%M:%S UTC"), escape(label)
    )
