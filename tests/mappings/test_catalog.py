"""The catalog: names only, never paths; loader errors that never quote a file's content; YAML alias bombs."""

from __future__ import annotations

import shutil
import textwrap
import time

import pytest

from mappings import (
    Catalog,
    CatalogError,
    MappingError,
    PolicyError,
    load_mapping,
    load_policy,
    sample_document,
)
from mappings.sources import PRESETS_DIR
from mappings.yaml_safe import safe_load

# Material a hostile caller would like echoed back: key files, a session secret, /etc/passwd.
SECRET_FILES = {
    "keys.yaml": "k1:c2VjcmV0LWtleS1tYXRlcmlhbC0wMTIzNDU2Nzg5YWJjZGVm\n",
    "session.yaml": "HUB_SECRET_KEY=会话密钥-never-show-this-9f8e7d6c\n",
    "passwd.yaml": "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
    "object.yaml": "name: 'sk_live_0123456789abcdef'\nversion: 'sk_live_0123456789abcdef'\n",
    "broken.yaml": "token: [sk_live_0123456789abcdef\n  key: {unclosed 'sk_live_0123456789abcdef'\n",
    "tabs.yaml": "a:\n\t- 'sk_live_0123456789abcdef'\n",
}
SECRET_PIECES = ("c2VjcmV0", "never-show-this", "会话密钥", "root:x", "/bin/bash", "sk_live")


@pytest.fixture
def folders(tmp_path):
    mappings_dir, policies_dir = tmp_path / "mappings", tmp_path / "policies"
    mappings_dir.mkdir()
    policies_dir.mkdir()
    return mappings_dir, policies_dir


def test_names_list_presets_and_configured_folders(folders):
    mappings_dir, policies_dir = folders
    shutil.copy(PRESETS_DIR / "generic-rest.yaml", mappings_dir / "acme-hr.yaml")
    catalog = Catalog.from_dirs([mappings_dir], [policies_dir])
    assert "acme-hr" in catalog.mapping_names() and "feishu-shift" in catalog.mapping_names()
    assert catalog.policy_names() == ["default"]
    assert catalog.mapping("acme-hr").render(sample_document())
    assert catalog.mapping("successfactors-goal").kind == "rest"
    assert catalog.policy("default").name


@pytest.mark.parametrize(
    "name",
    [
        "/etc/passwd",
        "../../etc/passwd",
        "..",
        "presets/../x",
        "a/b",
        "a\\b",
        "feishu-shift.yaml/..",
        "",
        "Feishu-Shift",
        "名字",
        "x\x00y",
        "./generic-rest",
        "~root",
        "generic-rest\n",
    ],
)
def test_names_with_paths_or_odd_characters_are_refused(name):
    with pytest.raises(CatalogError, match="is not a catalog name"):
        Catalog().mapping(name)
    with pytest.raises(CatalogError, match="is not a catalog name"):
        Catalog().policy(name)


def test_unknown_names_list_the_known_ones():
    with pytest.raises(CatalogError, match="no mapping named 'sap-payroll' in the catalog; known: feishu-shift"):
        Catalog().mapping("sap-payroll")


def test_a_symlink_leaving_its_folder_is_not_in_the_catalog(folders, tmp_path):
    mappings_dir, _ = folders
    outside = tmp_path / "outside.yaml"
    shutil.copy(PRESETS_DIR / "generic-rest.yaml", outside)
    (mappings_dir / "escape.yaml").symlink_to(outside)
    catalog = Catalog.from_dirs([mappings_dir])
    assert "escape" not in catalog.mapping_names()
    with pytest.raises(CatalogError, match="no mapping named 'escape'"):
        catalog.mapping("escape")


@pytest.mark.parametrize("file_name", sorted(SECRET_FILES))
def test_loader_errors_never_quote_the_file(folders, file_name):
    mappings_dir, policies_dir = folders
    for folder in folders:
        (folder / file_name).write_text(SECRET_FILES[file_name], encoding="utf-8")
    name = file_name.removesuffix(".yaml")
    catalog = Catalog.from_dirs([mappings_dir], [policies_dir])
    failures = []
    for load in (
        catalog.mapping,
        catalog.policy,
        lambda _: load_mapping(mappings_dir / file_name),
        lambda _: load_policy(policies_dir / file_name),
    ):
        with pytest.raises((MappingError, PolicyError)) as refused:
            load(name)
        failures.append(str(refused.value))
    for message in failures:
        assert file_name in message  # says where
        assert not any(piece in message for piece in SECRET_PIECES), message


def test_a_plain_text_file_says_what_was_expected(folders):
    mappings_dir, _ = folders
    (mappings_dir / "passwd.yaml").write_text(SECRET_FILES["passwd.yaml"], encoding="utf-8")
    with pytest.raises(MappingError) as refused:
        Catalog.from_dirs([mappings_dir]).mapping("passwd")
    assert "expected a value of type object; found a string of" in str(refused.value)


BOMB = textwrap.dedent("""\
    name: bomb
    version: 1
    kind: rest
    events: [candidate.hired]
    a: &a ["笑", "笑", "笑", "笑", "笑", "笑", "笑", "笑", "笑"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    payload: {method: POST, path: /x, body: *g}
    """)


def test_a_yaml_alias_bomb_is_refused_quickly_with_its_line(folders):
    mappings_dir, policies_dir = folders
    (mappings_dir / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    (policies_dir / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    catalog = Catalog.from_dirs([mappings_dir], [policies_dir])
    started = time.perf_counter()
    with pytest.raises(MappingError, match=r"bomb.yaml:\d+: aliases expand this node to more than 100,000 values"):
        catalog.mapping("bomb")
    with pytest.raises(PolicyError, match=r"bomb.yaml:\d+: aliases expand this node to more than 100,000 values"):
        catalog.policy("bomb")
    assert time.perf_counter() - started < 2


def test_too_many_aliases_are_refused(folders):
    mappings_dir, _ = folders
    many = "name: many\nbase: &v 1\nitems:\n" + "".join("  - *v\n" for _ in range(150))
    (mappings_dir / "many.yaml").write_text(many, encoding="utf-8")
    with pytest.raises(MappingError, match=r"many.yaml:104: more than 100 aliases"):
        Catalog.from_dirs([mappings_dir]).mapping("many")


def test_a_few_aliases_still_work(folders):
    mappings_dir, _ = folders
    text = (PRESETS_DIR / "generic-rest.yaml").read_text(encoding="utf-8")
    assert "&" not in text and "*" not in text
    text = text.replace("  path: /hris-hub/events", "  path: &path /hris-hub/events\n  also: *path", 1)
    (mappings_dir / "aliased.yaml").write_text(text, encoding="utf-8")
    mapping = Catalog.from_dirs([mappings_dir]).mapping("aliased")
    assert mapping.settings == {"path": "/hris-hub/events", "also": "/hris-hub/events"}
    assert safe_load("目标: &g {target: 95}\n复制: *g\n") == {"目标": {"target": 95}, "复制": {"target": 95}}


@pytest.mark.parametrize("schema", ["/etc/passwd", "../keys.json", "../../../../etc/hosts"])
def test_a_target_schema_outside_the_mapping_folder_is_refused(folders, tmp_path, schema):
    mappings_dir, _ = folders
    (tmp_path / "keys.json").write_text('{"type": "sk_live_0123456789abcdef"}', encoding="utf-8")
    text = (PRESETS_DIR / "generic-rest.yaml").read_text(encoding="utf-8")
    (mappings_dir / "escape.yaml").write_text(
        text.replace("schema: generic-rest-event.json", f"schema: {schema}"), encoding="utf-8"
    )
    with pytest.raises(MappingError) as refused:
        Catalog.from_dirs([mappings_dir]).mapping("escape")
    assert "/schema" in str(refused.value) and "not a path leading out" in str(refused.value)
    assert "sk_live" not in str(refused.value)


def test_a_target_schema_that_is_not_a_schema_is_not_quoted(folders):
    mappings_dir, _ = folders
    (mappings_dir / "bad.json").write_text('{"type": "sk_live_0123456789abcdef"}', encoding="utf-8")
    text = (PRESETS_DIR / "generic-rest.yaml").read_text(encoding="utf-8")
    (mappings_dir / "badschema.yaml").write_text(
        text.replace("schema: generic-rest-event.json", "schema: bad.json"), encoding="utf-8"
    )
    with pytest.raises(MappingError, match="not a valid draft 2020-12 schema") as refused:
        Catalog.from_dirs([mappings_dir]).mapping("badschema")
    assert "sk_live" not in str(refused.value)
