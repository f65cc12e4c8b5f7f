"""English resumes as job sites export them: section headings, skills lists, and job entries."""

import pytest

from scoring_engine.resume import sections
from scoring_engine.resume.experience import role_and_company
from scoring_engine.resume.parser import parse_text
from scoring_engine.resume.pieces import split_pieces

JOB_SITE_RESUME = """Maria Lopez
Logistics Coordinator - Northwind Freight

WORK EXPERIENCE

Logistics Coordinator

Northwind Freight -  Leeds, West Yorkshire -

March 2019 to Present

Planned daily routes for a fleet of thirty vans and cut empty mileage by a fifth.

Warehouse Team Leader

Harbour Lane Storage -

June 2015 to February 2019

Dispatch Clerk

Sheffield, South Yorkshire -

May 2013 to May 2015

Head of Technology

Brightside Bakery -  Bristol, England -

January 2010 to April 2013

SKILLS

Route planning (4 years), Microsoft Excel (6 years), Forklift operation (Less than 1
year), Oracle WMS Cloud (2 years)

ADDITIONAL INFORMATION

Technical Proficiency
Operating Systems: Linux, Windows Server
Languages: Java, SQL

LINKS
https://example.org/maria-lopez
"""


@pytest.fixture(scope="module")
def job_site():
    return parse_text(JOB_SITE_RESUME)


def test_title_above_company_and_place_lines(job_site):
    jobs = [(job.title, job.company, job.start) for job in job_site.experience]
    # Neither "Northwind Freight" nor "Harbour Lane Storage" holds a company word: the layout decides.
    assert ("Logistics Coordinator", "Northwind Freight", "2019-03") in jobs
    assert ("Warehouse Team Leader", "Harbour Lane Storage", "2015-06") in jobs
    # "Technology" is a company word, but the line with the place is the company's.
    assert ("Head of Technology", "Brightside Bakery", "2010-01") in jobs
    # A company line with only its place left: no company, and the place is not taken for one.
    assert ("Dispatch Clerk", None, "2013-05") in jobs


def test_company_line_above_title_line_is_read_the_same_way():
    resume = parse_text(
        "Sam Okafor\nEXPERIENCE\nBluebell Catering -  Cork, Munster -\nHead of Technology\nApril 2018 to Present\n"
    )
    assert [(job.company, job.title) for job in resume.experience] == [("Bluebell Catering", "Head of Technology")]


def test_wrapped_sentence_tail_is_not_a_company():
    resume = parse_text(
        "Ana Silva\nEXPERIENCE\nI translated manuals for a machine tools maker called Brightwater\n"
        "Industrial.\n\nTechnical Writer\n\nJune 2012 to May 2014\n"
    )
    assert [(job.company, job.title) for job in resume.experience] == [(None, "Technical Writer")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Worked as Support Engineer for Quillfeather Ltd from", ("Support Engineer", "Quillfeather Ltd")),
        ("Worked in Quillfeather Inc as Payroll Officer from .", ("Payroll Officer", "Quillfeather Inc")),
        ("Payroll Officer at Quillfeather", ("Payroll Officer", "Quillfeather")),
        ("Payroll Officer @ Quillfeather", ("Payroll Officer", "Quillfeather")),
        ("Security Analyst in Quillfeather Systems", ("Security Analyst", "Quillfeather Systems")),
        # "in" names an employer only when the words say so: a subject is not a company.
        ("Lecturer in Physics", None),
        ("Notes on Quillfeather", None),
    ],
)
def test_role_and_company_written_out(text, expected):
    assert role_and_company(text) == expected


def test_written_out_role_on_a_date_line():
    resume = parse_text(
        "Lee Park\nEXPERIENCE\nWorked as Claims Analyst for Greyfield Mutual from March 2011 to June 2014.\n"
    )
    assert [(job.title, job.company, job.end) for job in resume.experience] == [
        ("Claims Analyst", "Greyfield Mutual", "2014-06")
    ]


def test_company_then_title_without_a_separator():
    resume = parse_text("Lee Park\nEXPERIENCE\nOrchard Row Ltd Senior Buyer\nJanuary 2016 to Present\n")
    assert [(job.company, job.title) for job in resume.experience] == [("Orchard Row Ltd", "Senior Buyer")]


def test_client_named_on_the_company_line_is_not_the_employer():
    resume = parse_text(
        "Lee Park\nEXPERIENCE\nQA Analyst\nTestwell Partners - Client: Mapleleaf Bank -\nMay 2017 to May 2018\n"
    )
    assert resume.experience[0].company == "Testwell Partners"


@pytest.mark.parametrize(
    "line, pieces",
    [
        ("Test Engineer (Payments) -", ["Test Engineer (Payments)"]),
        ("(Glasgow)", ["Glasgow"]),
        ("Store Associate@ Corner Shop", ["Store Associate", "Corner Shop"]),
        ("write to pat@example.org", ["write to pat@example.org"]),
    ],
)
def test_pieces_keep_paired_brackets_and_split_at_signs_beside_a_space(line, pieces):
    assert split_pieces(line) == pieces


def test_skills_listed_are_whole_items(job_site):
    skills = {skill.name: skill for skill in job_site.skills}
    assert skills["Microsoft Excel"].listed and skills["Java"].listed and skills["Linux"].listed
    # "Operating Systems:" labels a list; "Oracle" is part of the item "Oracle WMS Cloud".
    assert "Operating systems" not in skills or not skills["Operating systems"].listed
    assert "Oracle Database" not in skills or not skills["Oracle Database"].listed
    assert "Oracle WMS Cloud" in job_site.other_skills
    # A qualifier wrapped onto the next line is dropped whole.
    assert "Forklift operation" in job_site.other_skills
    assert not any("year" in item for item in job_site.other_skills)
    # The "LINKS" heading closes the list.
    assert not any(item.lower() == "links" for item in job_site.other_skills)


def test_phrase_under_a_skills_heading_lists_the_skills_inside_it():
    resume = parse_text("Kim Ng\nSKILLS\nComfortable writing Java services and tuning slow SQL for reports\n")
    skills = {skill.name: skill.listed for skill in resume.skills}
    assert skills["Java"] and skills["SQL"]
    assert resume.other_skills == []


@pytest.mark.parametrize(
    "heading, section",
    [
        ("SOFT SKILLS", sections.SKILLS),
        ("Technical Proficiency", sections.SKILLS),
        ("Areas of Expertise", sections.SKILLS),
        ("Technical Knowledge", sections.SKILLS),
        ("CERTIFICATIONS/LICENSES", sections.CERTIFICATES),
        ("Key Projects:", sections.PROJECTS),
        ("LINKS", sections.OTHER),
        ("Area of Interest", sections.OTHER),
        ("skills.", None),  # the last word of a wrapped sentence
        ("Communication Skills", None),
    ],
)
def test_headings(heading, section):
    assert sections.heading_of(heading) == section


def test_inline_technologies_line_stays_with_its_job():
    text = (
        "Kim Ng\nEXPERIENCE\nBackend Developer\nPetal Labs -\nJanuary 2020 to Present\n"
        "Technologies: Go, Redis\nBuilt the billing service.\nSkills: Kubernetes, Terraform\n"
    )
    found = {section.name: section.lines for section in sections.split_sections(text)}
    assert "Technologies: Go, Redis" in found[sections.EXPERIENCE]
    assert [line for line in found[sections.SKILLS] if line] == ["Kubernetes, Terraform"]
