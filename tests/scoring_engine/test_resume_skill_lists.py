"""Skills lists the parser used to miss or misread: lists under other headings, two-word headings, sentence pieces."""

import importlib.util
from pathlib import Path

import pytest

from scoring_engine.resume import sections as section_names
from scoring_engine.resume.parser import parse_text
from scoring_engine.resume.sections import heading_of, lines_of, split_sections


def _listed(text: str) -> set[str]:
    resume = parse_text(text)
    return {skill.name for skill in resume.skills if skill.listed} | set(resume.other_skills)


_EN_ADDITIONAL = """Priya Raman
QA Engineer - Northwind Labs

WORK EXPERIENCE
Test Engineer
Northwind Labs - Chennai, Tamil Nadu -
March 2017 to Present
Wrote regression suites for the billing platform.

ADDITIONAL INFORMATION
Operating Systems Windows 10, Ubuntu
Tools Selenium, JMeter, Postman
Databases: PostgreSQL, MongoDB
Languages: English, Tamil
I enjoy trekking and, on weekends, teaching children to code.
"""


def test_categorised_lines_under_additional_information_are_a_skills_list():
    listed = _listed(_EN_ADDITIONAL)
    assert {"Selenium", "PostgreSQL", "MongoDB", "Performance testing"} <= listed  # JMeter is a performance tool
    assert "postman" in {item.lower() for item in listed}
    # Spoken languages and the sentence after the list are not skills.
    assert not {"English", "Tamil", "tamil"} & listed
    assert not any("trekking" in item or "weekends" in item for item in listed)


def test_languages_line_opens_a_list_only_with_a_programming_language():
    text = "Jo Bloggs\n\nADDITIONAL INFORMATION\nLanguages: C, C++, C#\nHobbies: chess, cycling\n"
    listed = _listed(text)
    assert {"C", "C++", "C#"} <= listed
    assert not {"chess", "cycling"} & {item.lower() for item in listed}
    spoken = "Jo Bloggs\n\nADDITIONAL INFORMATION\nLanguages: English, French\n"
    assert not _listed(spoken) & {"English", "French"}


def test_a_categorised_list_ends_at_the_first_line_that_is_not_a_list():
    text = (
        "Jo Bloggs\n\nADDITIONAL INFORMATION\nFrameworks Spring, Hibernate\n"
        "ACADEMIC CREDENTAILS\n2014 Bachelor of Science\nState College, Ohio\n"
    )
    sections = split_sections(text)
    skills = lines_of(sections, section_names.SKILLS)
    assert skills == ["Frameworks Spring, Hibernate"]
    assert {"Spring", "Hibernate"} <= _listed(text)


@pytest.mark.parametrize(
    "heading", ["KEY TECHNICAL SKILLS", "Other Technical Skills", "Core Professional Competencies", "Technical Profile"]
)
def test_two_word_skills_headings(heading):
    assert heading_of(heading) == section_names.SKILLS
    text = f"Sam Lee\n\n{heading}\nDatabases: Oracle, MySQL\nLanguages: PL/SQL, Shell Script\n"
    assert {"Oracle Database", "MySQL", "SQL", "Shell scripting"} <= _listed(text)


def test_sentence_pieces_cut_at_commas_are_not_skills():
    text = (
        "Sam Lee\n\nSKILLS\nJenkins, Ansible\n"
        "Monitoring daily backup status and\nrestoring files when required, and uninstalling agents\n"
    )
    listed = {item.lower() for item in _listed(text)}
    assert {"jenkins", "ansible"} <= listed
    assert not any(item.startswith("and ") or item.endswith(" and") for item in listed)


def test_experience_technologies_line_stays_with_its_job():
    # A categorised line inside a job describes that job: it does not open a skills list of the resume.
    text = (
        "Sam Lee\n\nWORK EXPERIENCE\nDeveloper\nAcme Ltd - Pune -\nJune 2015 to Present\n"
        "Tools: Jira, Confluence\nBuilt the payments service.\n"
    )
    assert lines_of(split_sections(text), section_names.SKILLS) == []


_ZH_OTHER = """李明
电话：13900000000
工作经历
2018.03 - 至今  上海某软件有限公司  测试工程师
负责支付系统的接口测试。
其他
数据库：MySQL、MongoDB
开发工具：Git、Jenkins
爱好：羽毛球、摄影
"""


def test_chinese_categorised_lines_under_other_heading_are_a_skills_list():
    resume = parse_text(_ZH_OTHER)
    listed = {skill.name for skill in resume.skills if skill.listed}
    assert {"MySQL", "MongoDB", "Git", "Jenkins"} <= listed
    # 爱好 (hobbies) is another field: it ends the list.
    assert not {"羽毛球", "摄影"} & set(resume.other_skills)


def test_chinese_skills_heading_then_negation_still_holds():
    text = "王芳\n专业技能\n熟练使用Python、Django\n不会Java\n"
    names = {skill.name for skill in parse_text(text).skills}
    assert {"Python", "Django"} <= names
    assert "Java" not in names


def _bench():
    path = Path(__file__).resolve().parents[2] / "bench" / "resume_accuracy.py"
    spec = importlib.util.spec_from_file_location("resume_accuracy_for_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_folds_both_sides_alike():
    bench = _bench()
    normalised = bench.LABELS_NORMALISED
    assert bench.normalise_skill("Windows […] 8", normalised) == bench.normalise_skill("Windows [...] 8", normalised)
    assert bench.normalise_skill("Web Component APIs:: JDBC", normalised) == "jdbc"
    assert bench.normalise_skill("Operating Systems Windows 7", normalised) == "windows 7"
    assert bench.normalise_skill("Tools HP-UFT", normalised) == "hp-uft"
    assert bench.normalise_skill("Databases", normalised) == "databases"  # a category alone is kept
    assert not bench.is_skill_value("additional information", normalised)
    assert not bench.is_skill_value("10", normalised)
    assert bench.is_skill_value("c#", normalised)
    assert bench.is_skill_value("additional information", bench.LABELS_RAW)


@pytest.mark.parametrize(
    "heading, name",
    [
        ("REWARDS AND RECOGNITIONS", section_names.OTHER),
        ("Other Information", section_names.OTHER),
        ("Academic Credentials", section_names.EDUCATION),
        ("获奖情况", section_names.OTHER),
    ],
)
def test_headings_after_a_skills_list_end_it(heading, name):
    assert heading_of(heading) == name
    text = f"Sam Lee\n\nTECHNICAL SKILLS\nLinux, MySQL\n{heading}\nSpot award 2016, Team excellence award 2014\n"
    listed = {item.lower() for item in _listed(text)}
    assert {"linux", "mysql"} <= listed
    assert not any("award" in item for item in listed)


def test_table_rows_of_a_categorised_list_without_commas():
    text = (
        "Sam Lee\n\nADDITIONAL INFORMATION\nProgramming Languages VB.NET, C#, Node.js\n"
        "Middleware MVC and WCF\nI was born in Kochi and grew up there.\n"
    )
    skills = lines_of(split_sections(text), section_names.SKILLS)
    assert skills == ["Programming Languages VB.NET, C#, Node.js", "Middleware MVC and WCF"]
    assert {"C#", "Node.js", ".NET"} <= _listed(text)
