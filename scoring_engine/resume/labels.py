"""Field labels of basic-info blocks and tables ("姓名", "性别", "Email:"): words that are never the value."""

import re

LABEL_WORDS_ZH = (
    "姓名|性别|年龄|出生年月|出生日期|出生|生日|民族|籍贯|户籍|政治面貌|婚姻状况|婚否|身高|体重|健康状况|"
    "学历|最高学历|学位|专业|毕业院校|毕业学校|毕业时间|工作年限|工作经验|现居地|现居住地|居住地|所在地|地址|"
    "联系电话|联系方式|电话|手机号码|手机|电子邮箱|邮箱|邮件|微信|QQ|求职意向|应聘职位|期望职位|期望薪资|期望月薪|"
    "期望城市|到岗时间|当前状态|照片"
)
LABEL_WORDS_EN = (
    "full name|name|gender|sex|age|date of birth|birth date|dob|nationality|marital status|phone|mobile|tel|"
    "telephone|cell|e-?mail|address|location|city|linkedin|github|website|degree|major|school|university|"
    "objective|desired position|expected salary|availability"
)
# Spaces are possessive (\s*+) and a label glued after a value starts where a run of spaces starts: otherwise a
# long run of spaces is rescanned from each of its characters.
_LABEL = re.compile(rf"^\s*+(?:{LABEL_WORDS_ZH}|(?:{LABEL_WORDS_EN})\b)\s*+[:：]?\s*+$", re.IGNORECASE)
# A label glued after a value ("张丽华性别", "张丽华 性别：女"): where the value ends.
LABEL_AFTER_VALUE = re.compile(rf"(?<!\s)\s*+(?:{LABEL_WORDS_ZH})(?:\s*+[:：].*)?$")


def is_field_label(text: str) -> bool:
    """True for a label alone ("姓名", "Email:"), never for a label with its value."""
    return bool(_LABEL.match(text))
