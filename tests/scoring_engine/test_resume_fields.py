"""Fields read from Chinese and English resumes: contacts, name, education, experience, skills, certificates."""

from datetime import date

import pytest

from scoring_engine.resume import Resume, parse_resume
from scoring_engine.resume.contacts import find_links, find_phones
from scoring_engine.resume.dates import find_date_ranges, merged_months
from scoring_engine.resume.degrees import normalise_degree
from scoring_engine.resume.names import find_name
from scoring_engine.resume.parser import parse_text
from scoring_engine.resume.taxonomy import taxonomy
from tests.scoring_engine import resume_fixtures as fixtures


@pytest.fixture(scope="module")
def english() -> Resume:
    return parse_resume(fixtures.resume_pdf(fixtures.ENGLISH_RESUME), "jane.pdf")


@pytest.fixture(scope="module")
def chinese() -> Resume:
    return parse_resume(fixtures.resume_pdf(fixtures.CHINESE_RESUME, font="STSong-Light"), "zhang.pdf")


def test_english_contacts(english):
    assert english.name == "Jane Doe"
    assert english.language == "en"
    assert english.emails == ["jane.doe@example.com"]
    assert english.phones == ["+442079460958"]
    assert english.links == ["https://linkedin.com/in/jane-doe-ds", "https://github.com/janedoe"]


def test_english_education(english):
    assert [(entry.school, entry.degree, entry.major, entry.graduation_year) for entry in english.education] == [
        ("Stanford University", "master", "Computer Science", 2016),
        ("University of Texas at Austin", "bachelor", "Electronics", 2014),
    ]
    assert english.education[0].degree_raw == "Master of Science in Computer Science"


def test_english_experience_and_overlap(english):
    jobs = [(job.company, job.title, job.start, job.end) for job in english.experience]
    assert jobs == [
        ("Acme Analytics Inc.", "Senior Data Scientist", "2019-01", "2022-12"),
        ("Globex Corporation", "Data Analyst", "2016-06", "2019-03"),
    ]
    # 2016-06 .. 2022-12 is 79 months; Jan-Mar 2019 is in both jobs and counts once.
    assert english.total_years == round(79 / 12, 1)


def test_english_skills_and_certificates(english):
    skills = {skill.name: skill for skill in english.skills}
    assert {"Python", "SQL", "Machine learning", "PyTorch", "Docker", "Tableau"} <= set(skills)
    assert skills["Machine learning"].surface in ("Machine Learning", "machine-learning")
    assert skills["Python"].listed
    assert "Stakeholder Communication" in english.other_skills
    assert [certificate.name for certificate in english.certificates] == ["AWS Certified"]


def test_chinese_fields(chinese):
    assert chinese.language == "zh"
    assert chinese.name == "张伟"
    assert chinese.phones == ["+8613800138000"]
    assert chinese.emails == ["zhangwei@example.cn"]
    assert [
        (entry.school, entry.degree, entry.degree_raw, entry.major, entry.graduation_year)
        for entry in chinese.education
    ] == [
        ("华东师范大学", "bachelor", "本科", "市场营销", 2012),
        ("复旦大学", "master", "硕士", "工商管理", 2015),
    ]
    assert [(job.company, job.title, job.start, job.end) for job in chinese.experience] == [
        ("上海联合贸易有限公司", "销售代表", "2015-07", "2019-12"),
        ("杭州云帆科技有限公司", "大客户销售经理", "2019-06", "2023-06"),
    ]
    # 2015-07 .. 2023-06 is 96 months; the 2019-06..2019-12 overlap counts once.
    assert chinese.total_years == 8.0


def test_chinese_skills_are_canonical_with_surface(chinese):
    skills = {skill.name: skill.surface for skill in chinese.skills}
    assert skills["Sales"] == "销售"
    assert skills["Key account management"] == "大客户管理"
    assert skills["Negotiation"] == "商务谈判"
    assert {certificate.name for certificate in chinese.certificates} == {"CET-6", "Driving licence"}


def test_present_and_zhijin_leave_end_open():
    resume = parse_text(
        "李娜\n工作经历\n2020.03-至今  北京星河科技有限公司  Java开发工程师\n"
        "Experience\nJan 2018 - Present\nSoftware Engineer\nInitech LLC\n"
    )
    assert [job.end for job in resume.experience] == [None, None]
    assert resume.experience[0].title == "Java开发工程师"


def test_chinese_and_english_synonyms_share_a_canonical_name():
    skills = taxonomy().skills
    assert skills.lookup("机器学习") == skills.lookup("machine learning") == skills.lookup("Machine-Learning")
    found = [hit.name for hit in skills.find("熟悉机器学习、Python和C语言")]
    assert found == ["Machine learning", "Python", "C"]


def test_jieba_word_edges_keep_longer_words_apart():
    assert [hit.name for hit in taxonomy().skills.find("负责销售团队")] == ["Sales"]
    assert "Sales" not in [hit.name for hit in taxonomy().skills.find("年销售额增长百分之三十")]


def test_short_ambiguous_skills_need_a_list():
    prose = parse_text("John Smith\nEXPERIENCE\nI got a C in chemistry and went to the R building.\n")
    assert not {"C", "R"} & {skill.name for skill in prose.skills}
    listed = parse_text("John Smith\nSKILLS\nC, R, Go\n")
    assert {"C", "R", "Go"} <= {skill.name for skill in listed.skills}


@pytest.mark.parametrize(
    "written, normalised",
    [
        ("博士", "doctorate"),
        ("PhD", "doctorate"),
        ("Ph.D.", "doctorate"),
        ("硕士研究生", "master"),
        ("Master of Business Administration", "master"),
        ("MBA", "master"),
        ("M.Sc.", "master"),
        ("本科", "bachelor"),
        ("学士", "bachelor"),
        ("B.Tech", "bachelor"),
        ("Bachelor of Arts", "bachelor"),
        ("大专", "associate"),
        ("专科", "associate"),
        ("Associate Degree", "associate"),
        ("高中", "secondary"),
        ("High School", "secondary"),
        ("chemistry", None),
    ],
)
def test_degree_normalisation(written, normalised):
    assert normalise_degree(written) == normalised


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("November 2017 to Present", (2017, 11), None),
        ("2015.07-至今", (2015, 7), None),
        ("2016年7月 - 2018年6月", (2016, 7), (2018, 6)),
        ("07/2015 – 03/2018", (2015, 7), (2018, 3)),
        ("Sept. 2012 - now", (2012, 9), None),
        ("2012 to 2016", (2012, None), (2016, None)),
    ],
)
def test_date_ranges(text, start, end):
    [period] = find_date_ranges(text)
    assert (period.start, period.end) == (start, end)


def test_overlapping_and_open_periods_are_merged():
    periods = find_date_ranges("2015.01-2016.12; 2016.06-2017.12; 2019.01-2019.06")
    assert merged_months(periods) == 36 + 6
    open_period = find_date_ranges("2024.01-至今")
    assert merged_months(open_period, today=date(2024, 12, 15)) == 12


@pytest.mark.parametrize(
    "lines, name",
    [
        (["Curriculum Vitae", "Maria Garcia-Lopez", "Madrid"], "Maria Garcia-Lopez"),
        (["RAHUL K. SHARMA | rahul@example.org | +91 98765 43210"], "RAHUL K. SHARMA"),
        (["Software Engineer", "Name: Tom O'Brien"], "Tom O'Brien"),
        (["个人简历", "姓名：王小明    性别：男"], "王小明"),
        (["李 娜", "电话：13912345678"], "李娜"),
    ],
)
def test_names(lines, name):
    language = "zh" if any("\u4e00" <= char <= "\u9fff" for char in "".join(lines)) else "en"
    assert find_name(lines, language)[0] == name


def test_phone_numbers_are_e164_with_china_as_default_region():
    assert find_phones("手机：139-1234-5678，座机 010-6552 9988") == ["+8613912345678", "+861065529988"]
    assert find_phones("Mobile: +91 98765 43210") == ["+919876543210"]


def test_profile_links_drop_tracking_and_join_wrapped_lines():
    text = "Indeed: indeed.com/r/Jane-\nDoe/0a1b2c3d\nhttps://www.linkedin.com/in/jane-doe?trk=abc\nhttps://example.com/blog"
    assert find_links(text) == ["https://indeed.com/r/Jane-Doe/0a1b2c3d", "https://linkedin.com/in/jane-doe"]


def test_docx_table_resume():
    data = fixtures.resume_docx(
        ["个人简历"],
        [["姓名", "陈静", "电话", "13800138000"], ["学历", "硕士", "毕业院校", "浙江大学"]],
        ["工作经历", "2018.07-至今  阿里巴巴集团  产品经理", "专业技能", "产品设计、数据分析、SQL"],
    )
    resume = parse_resume(data, "chen.docx")
    assert resume.name == "陈静"
    assert resume.phones == ["+8613800138000"]
    assert resume.education[0].school == "浙江大学" and resume.education[0].degree == "master"
    assert (resume.experience[0].company, resume.experience[0].title) == ("阿里巴巴集团", "产品经理")
    assert {"Product management", "Data analysis", "SQL"} <= {skill.name for skill in resume.skills}


def test_to_dict_is_json_and_leaves_out_the_text(english):
    import json

    data = json.loads(json.dumps(english.to_dict(), ensure_ascii=False))
    assert "text" not in data
    assert data["education"][0]["degree"] == "master"
    assert data["skills"][0].keys() >= {"name", "surface", "evidence"}
