"""Words that mark job titles, organisations and schools in English and Chinese resumes."""

import re

TITLE_WORDS_EN = frozenset(
    """
engineer engineers developer developers manager managers analyst consultant intern internship lead architect associate
executive officer director tester specialist administrator designer scientist head president vice vp cto ceo cfo coo
founder co-founder trainee assistant coordinator representative advisor adviser accountant auditor programmer technician
supervisor member partner principal researcher professor lecturer teacher recruiter writer editor clerk operator agent
secretary owner chairman strategist expert officer controller planner buyer merchandiser nurse doctor physician pharmacist
attorney lawyer paralegal counsel chef cashier receptionist driver instructor tutor trainer sr sr. jr jr. senior junior
staff chief deputy general
""".split()
)

COMPANY_EN = re.compile(
    r"\b(inc|ltd|llc|llp|limited|corp|corporation|company|co|group|technologies|technology|tech|solutions|services|"
    r"systems|software|consulting|consultants|consultancy|bank|pvt|private|plc|gmbh|ag|s\.?a|holdings|industries|labs?|"
    r"partners|enterprises?|international|global|associates|hospital|agency|foundation|infotech|networks|"
    r"motors|pharma|pharmaceuticals|airlines|communications|media|studios?|retail|capital|financial|insurance)\b\.?",
    re.I,
)
TITLE_EN = re.compile(
    r"\b(" + "|".join(re.escape(word) for word in sorted(TITLE_WORDS_EN, key=len, reverse=True)) + r")\b", re.I
)

COMPANY_ZH = re.compile(
    r"(有限责任公司|股份有限公司|有限公司|公司|集团|银行|研究院|研究所|事务所|医院|中心|工作室|工厂|厂|局|委员会|协会|基金会|"
    r"分行|支行|门店|商行|出版社|电视台|报社|学校|大学|学院)$"
)
TITLE_ZH = re.compile(
    r"(工程师|经理|总监|主管|专员|助理|总裁|主任|董事长|董事|顾问|设计师|分析师|架构师|实习生|研究员|会计|出纳|讲师|教师|老师|"
    r"组长|负责人|合伙人|秘书|代表|文员|编辑|律师|医生|护士|技术员|店长|厂长|专家|科学家|教授|院长|所长|部长|处长|科长|"
    r"开发|运营|销售|策划|客服|产品|测试|程序员|翻译|培训师|HRBP|CEO|CTO|CFO|COO|VP|总经理|副总|经理人|创始人|主播|司机|行政)$"
)

SCHOOL_EN = re.compile(
    r"\b(university|universit[éà]|college|institute|institution|school|academy|polytechnic|vidyalaya|vidyapeeth|"
    r"vidyapith|mahavidyalaya|conservatory|seminary|iit|nit|iiit|iim|bits|mit)\b",
    re.I,
)
SCHOOL_ZH = re.compile(
    r"[\u4e00-\u9fffA-Za-z()（）·]{2,30}?(?:大学|学院|学校|中学|高中|研究生院|研究院|研究所|分校|党校|职业技术学院)"
    r"(?:[\u4e00-\u9fff]{0,10}?(?:大学|学院|分校))?"
)
# Verbs and prepositions that run into a Chinese school name: "毕业于北京大学".
SCHOOL_ZH_PREFIX = re.compile(r"^(?:毕业于|就读于|在读于|在|于|就读|毕业)")
