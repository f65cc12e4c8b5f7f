"""Skills named in prose count only when claimed: negation, other senses of the word, and a ranking for a Java job."""

import pytest

from scoring_engine.resume import load_job, match
from scoring_engine.resume.parser import parse_text


def _skills(text: str) -> set[str]:
    return {skill.name for skill in parse_text(text).skills}


@pytest.mark.parametrize(
    "text, absent, present",
    [
        ("I have no Java experience, but I have shipped Python services for five years.", "Java", "Python"),
        ("Never used Kafka; built the queueing on RabbitMQ instead.", "Kafka", None),
        ("Comfortable without Excel: all reporting was done in SQL.", "Microsoft Excel", "SQL"),
        ("没有Java开发经验，熟练使用Python和Django。", "Java", "Python"),
        ("本人不熟悉Kafka，主要负责MySQL运维。", "Kafka", "MySQL"),
    ],
    ids=["no-java", "never-kafka", "without-excel", "zh-no-java", "zh-not-familiar-kafka"],
)
def test_negated_skills_are_not_claimed(text, absent, present):
    found = _skills(text)
    assert absent not in found
    if present:
        assert present in found


@pytest.mark.parametrize(
    "text, absent",
    [
        ("Joined the analytics team in spring 2021 and moved to London in the spring of 2022.", "Spring"),
        ("Spring semester teaching assistant for statistics.", "Spring"),
        ("Hobbies: reading Franz Kafka and hiking.", "Kafka"),
        ("Book club: we read Kafka's The Trial last month.", "Kafka"),
        ("Volunteered for a reforestation charity in Central Java, Indonesia.", "Java"),
        ("I always strive to excel in customer communication.", "Microsoft Excel"),
    ],
    ids=["season", "semester", "novelist", "novel", "island", "verb"],
)
def test_other_senses_of_a_skill_word_are_not_the_skill(text, absent):
    assert absent not in _skills(text)


@pytest.mark.parametrize(
    "text, present",
    [
        ("Developed REST services in Spring and Java 17.", {"Spring", "Java"}),
        ("Streams on Apache Kafka with Spring Boot.", {"Kafka", "Spring"}),
        ("Not only Java but also Kotlin for Android.", {"Java"}),
        ("Built monthly pivot tables in Excel for the finance team.", {"Microsoft Excel"}),
        ("使用Java和Spring Boot开发订单系统，消息队列采用Kafka。", {"Java", "Spring", "Kafka"}),
    ],
    ids=["framework", "kafka-streams", "not-only", "excel-tool", "zh-java"],
)
def test_real_uses_are_still_skills(text, present):
    assert present <= _skills(text)


JAVA_JOB = {
    "code": "BE-JAVA-7",
    "title": "Java backend developer",
    "family": "rnd",
    "must_have_skills": ["Java", "Spring", "MySQL"],
    "nice_to_have_skills": ["Kafka", "Redis", "Docker"],
    "min_degree": "bachelor",
    "min_years": 3,
}

JAVA_DEVELOPERS = {
    "senior-java": """Ravi Menon
ravi.menon@example.net
EXPERIENCE
Lead Java Developer
Tidewater Payments Ltd
Jan 2016 - Dec 2023
• Designed payment microservices in Java 17 with Spring Boot, MySQL and Kafka; cached with Redis.
EDUCATION
Bachelor of Technology in Computer Science
Anna University
2011 - 2015
SKILLS
Java, Spring Boot, MySQL, Kafka, Redis, Docker
""",
    "mid-java": """Olga Petrova
olga.petrova@example.net
EXPERIENCE
Java Developer
Baltic Freight Systems
Mar 2019 - Feb 2024
• Maintained the booking backend in Java and Spring; wrote MySQL migrations.
EDUCATION
Bachelor of Science in Informatics
Riga Technical University
2014 - 2018
SKILLS
Java, Spring, Hibernate, MySQL, Git
""",
    "java-on-oracle": """Tomás Ortega
tomas.ortega@example.net
EXPERIENCE
Software Engineer
Iberia Ledger Solutions
Jun 2020 - May 2024
• Java and Spring MVC services on Oracle; Docker images for the test rigs.
EDUCATION
Bachelor of Engineering in Software Engineering
Universidad de Sevilla
2015 - 2019
SKILLS
Java, Spring MVC, Oracle, Docker, JUnit
""",
    "zh-java": """王建国
邮箱：wangjianguo@example.cn
工作经历
2018.07-2024.01  南京蓝鲸软件有限公司  Java开发工程师
负责订单系统后端开发，使用Java、Spring Boot、MySQL，消息队列采用Kafka。
教育背景
2014.09-2018.06  南京理工大学  软件工程  本科
专业技能
Java、Spring Boot、MySQL、Kafka、Redis
""",
    "java-master": """Hannah Becker
hannah.becker@example.net
EXPERIENCE
Backend Engineer
Rheinland Insurance Group
Sep 2017 - Present
• Claims platform in Java with Spring; PostgreSQL and MySQL; deployed with Docker.
EDUCATION
Master of Science in Computer Science
Technical University of Munich
2015 - 2017
SKILLS
Java, Spring, MySQL, PostgreSQL, Docker
""",
}

OTHERS = {
    "python-traps": """Daniel Kim
daniel.kim@example.net
SUMMARY
Python engineer. I have no Java experience. I moved into data engineering in spring 2021.
In my free time I enjoy reading Franz Kafka.
EXPERIENCE
Senior Python Developer
Harbor Analytics Inc.
Jan 2016 - Dec 2023
• Built Django APIs on MySQL and scheduled ETL jobs with Airflow.
EDUCATION
Master of Science in Data Science
University of Washington
2014 - 2016
SKILLS
Python, Django, MySQL, Airflow, pandas
""",
    "python-data": """Amara Okafor
amara.okafor@example.net
EXPERIENCE
Data Scientist
Lagos Retail Analytics
Feb 2018 - Jan 2024
• Forecasting models in Python with pandas and scikit-learn; favourite novel: Kafka on the Shore.
EDUCATION
Master of Science in Statistics
University of Lagos
2015 - 2017
SKILLS
Python, pandas, scikit-learn, SQL, Tableau
""",
    "zh-python": """刘晓雨
邮箱：liuxiaoyu@example.cn
工作经历
2017.07-2023.12  成都天府数据科技有限公司  Python开发工程师
负责数据接口开发，使用Python、Django和MySQL，不会Java。
教育背景
2013.09-2017.06  四川大学  计算机科学与技术  本科
专业技能
Python、Django、MySQL、Linux
""",
    "javascript": """Chloe Martin
chloe.martin@example.net
EXPERIENCE
Front-end Developer
Lumière Web Studio
Apr 2019 - Mar 2024
• Single-page apps in JavaScript and React; Spring semester mentor for the bootcamp.
EDUCATION
Bachelor of Arts in Design
Université de Lyon
2014 - 2018
SKILLS
JavaScript, React, TypeScript, CSS, Figma
""",
    "sales": """Marcus Reid
marcus.reid@example.net
EXPERIENCE
Regional Sales Manager
Northgate Beverages Ltd
Jan 2012 - Dec 2023
• Grew key accounts by 40 % across the spring and summer campaigns; reports in Excel.
EDUCATION
Bachelor of Commerce
University of Leeds
2008 - 2011
SKILLS
Sales, Negotiation, Key Account Management, Microsoft Excel
""",
}


def test_ten_resumes_ranked_for_a_java_job():
    job = load_job(JAVA_JOB)
    scores = {name: match(parse_text(text), job).score for name, text in {**JAVA_DEVELOPERS, **OTHERS}.items()}
    ranking = sorted(scores, key=scores.get, reverse=True)
    assert set(ranking[: len(JAVA_DEVELOPERS)]) == set(JAVA_DEVELOPERS), scores
    assert min(scores[name] for name in JAVA_DEVELOPERS) > max(scores[name] for name in OTHERS), scores


def test_the_trap_sentences_are_never_evidence():
    result = match(parse_text(OTHERS["python-traps"]), load_job(JAVA_JOB))
    requirements = {item.requirement: item for item in result.requirements}
    assert requirements["Java"].status == "missing" and requirements["Kafka"].status == "missing"
    assert requirements["Spring"].status != "matched"
    quoted = " ".join(quote for item in result.requirements for quote in item.evidence)
    assert "no Java" not in quoted and "spring 2021" not in quoted and "Franz Kafka" not in quoted
