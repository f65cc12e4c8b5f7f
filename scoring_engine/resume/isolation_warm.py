"""Imported once by the forkserver that forks resume readers, so each reader starts with jieba, the taxonomy
and the Chinese entity model already loaded instead of loading them per upload (about a second each)."""

from scoring_engine.resume.parser import parse_text

parse_text(
    "张伟\n工作经历\n2019.01-至今 上海联合贸易有限公司 销售代表\n专业技能\n销售、Excel\nJane Doe jane@example.com"
)
