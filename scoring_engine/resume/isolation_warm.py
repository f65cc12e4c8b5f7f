"""Imported once by the forkserver that forks resume readers, so each reader starts with pdfminer, python-docx,
jieba, the taxonomy and the Chinese entity model already loaded instead of loading them per upload."""

import docx  # noqa: F401

from scoring_engine.resume import pdf_budget, pdf_text  # noqa: F401
from scoring_engine.resume.parser import parse_text

pdf_budget.budgeted_interpreter_class()
parse_text(
    "张伟\n工作经历\n2019.01-至今 上海联合贸易有限公司 销售代表\n专业技能\n销售、Excel\nJane Doe jane@example.com"
)
