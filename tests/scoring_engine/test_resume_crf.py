"""The Chinese entity CRF: BMES handling, the training path (on a tiny generated set) and the shipped model."""

from importlib import resources

import pytest

from scoring_engine.resume.bmes import (
    Entity,
    entities_to_tags,
    read_bmes,
    tags_to_entities,
)

pycrfsuite = pytest.importorskip("pycrfsuite", reason="python-crfsuite is not installed (extra: crf)")

from scoring_engine.resume.entities import MODEL_FILE, EntityTagger, default_tagger  # noqa: E402
from scoring_engine.resume.train_crf import evaluate, main, train  # noqa: E402

NAMES = ["王建国", "李娜", "陈静", "赵强", "刘洋", "周敏"]
ORGS = ["华夏银行", "星河科技有限公司", "东方证券", "蓝海集团"]
TITLES = ["总经理", "财务总监", "高级工程师", "董事"]


def _sentences() -> list[tuple[str, list[Entity]]]:
    sentences = []
    for index, name in enumerate(NAMES):
        org, title = ORGS[index % len(ORGS)], TITLES[index % len(TITLES)]
        text = f"{name}，现任{org}{title}。"
        start_org = len(name) + 3
        sentences.append(
            (
                text,
                [
                    Entity("NAME", 0, len(name), name),
                    Entity("ORG", start_org, start_org + len(org), org),
                    Entity("TITLE", start_org + len(org), start_org + len(org) + len(title), title),
                ],
            )
        )
    return sentences


@pytest.fixture()
def tiny_bmes(tmp_path):
    path = tmp_path / "tiny.bmes"
    blocks = []
    for text, entities in _sentences():
        tags = entities_to_tags(len(text), entities)
        blocks.append("\n".join(f"{char} {tag}" for char, tag in zip(text, tags)))
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


def test_bmes_round_trip(tiny_bmes):
    for (chars, tags), (text, entities) in zip(read_bmes(tiny_bmes), _sentences()):
        assert "".join(chars) == text
        assert tags_to_entities(chars, tags) == entities


def test_malformed_bmes_names_file_and_line(tmp_path):
    path = tmp_path / "bad.bmes"
    path.write_text("高 B-NAME\n管\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.bmes:2"):
        list(read_bmes(path))


def test_training_path_on_a_tiny_set(tiny_bmes, tmp_path):
    model = train(tiny_bmes, tmp_path / "tiny.crfsuite", max_iterations=30)
    tagger = EntityTagger(model)
    assert [entity.type for entity in tagger.tag("李娜，现任华夏银行总经理。")][:1] == ["NAME"]
    figures = evaluate(model, tiny_bmes)
    assert figures["ALL"]["f1"] > 0.8


def test_training_is_deterministic(tiny_bmes, tmp_path):
    first = train(tiny_bmes, tmp_path / "first.crfsuite", max_iterations=10).read_bytes()
    second = train(tiny_bmes, tmp_path / "second.crfsuite", max_iterations=10).read_bytes()
    assert first == second


def test_training_command(tiny_bmes, tmp_path):
    out = tmp_path / "cli.crfsuite"
    assert main(["--train", str(tiny_bmes), "--dev", str(tiny_bmes), "--out", str(out), "--max-iterations", "5"]) == 0
    assert out.is_file()


def test_shipped_model_is_small_and_finds_entities():
    with resources.as_file(resources.files("scoring_engine.resume").joinpath(MODEL_FILE)) as model:
        assert model.stat().st_size < 5 * 1024 * 1024
    entities = default_tagger().tag("张小明，男，硕士研究生，现任深圳市腾达电子有限公司副总经理。")
    kinds = {entity.type: entity.text for entity in entities}
    assert kinds.get("NAME") == "张小明"
    assert kinds.get("TITLE") == "副总经理"
    assert "ORG" in kinds and "EDU" in kinds
