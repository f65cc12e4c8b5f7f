"""Extract the console's messages (templates and Python) and merge them into its Chinese catalog.

    python tools/console_messages.py          # update hub/web/console/translations/zh_CN.po; new messages empty
    python tools/console_messages.py --check  # exit 1 if the catalog lacks a message or a translation

Translations already in the catalog are kept; messages no longer used are dropped. Translate the empty `msgstr`s,
then run the console tests (tests/hub/web/test_console_i18n.py checks the same as --check).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

CONSOLE = Path(__file__).resolve().parents[1] / "hub" / "web" / "console"
CATALOG = CONSOLE / "translations" / "zh_CN.po"
METHODS = [("**/templates/**.html", "jinja2"), ("*.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}


def extracted() -> Catalog:
    catalog = Catalog(
        locale="zh_CN",
        project="hris-hub console",
        version="1",
        copyright_holder="the hris-hub authors",
        last_translator="hris-hub developers",
        language_team="zh_CN",
        fuzzy=False,
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        CONSOLE, METHODS, options_map=OPTIONS, keywords={"_": None, "gettext": None, "N_": None, "lazy_gettext": None}
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def badge_words() -> list[str]:
    from hub.web.console.rendering import BADGES

    shown = ["active", "locked", "revoked", "expired", "not hired", "other", "flagged"]
    # Words pages show from data: the bias report's rate kinds and test names.
    shown += ["selection", "scoring", "assessment", "fisher_exact", "two_proportion_z"]
    return sorted(str(word) for word in BADGES) + shown


def current() -> Catalog:
    if not CATALOG.exists():
        return Catalog(locale="zh_CN")
    with CATALOG.open("rb") as handle:
        return read_po(handle, locale="zh_CN")


def merged() -> Catalog:
    fresh = extracted()
    for word in badge_words():
        fresh.add(word, None, [("hub/web/console/rendering.py", 0)])
    old = current()
    for message in fresh:
        if message.id and old.get(message.id) is not None and old.get(message.id).string:
            message.string = old.get(message.id).string
    return fresh


def missing(catalog: Catalog) -> list[str]:
    return [str(m.id) for m in catalog if m.id and not m.string]


def main(argv: list[str]) -> int:
    catalog = merged()
    if "--check" in argv:
        old = current()
        lacking = [str(m.id) for m in catalog if m.id and not (old.get(m.id) is not None and old.get(m.id).string)]
        for message in lacking:
            sys.stderr.write(f"untranslated: {message!r}\n")
        return 1 if lacking else 0
    CATALOG.parent.mkdir(parents=True, exist_ok=True)
    with CATALOG.open("wb") as handle:
        write_po(handle, catalog, width=120, omit_header=False, sort_output=True)
    sys.stdout.write(f"{CATALOG}: {len(catalog)} messages, {len(missing(catalog))} untranslated\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
