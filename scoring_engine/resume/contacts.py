"""Emails, phone numbers (E.164 via phonenumbers) and profile links (job sites, LinkedIn, GitHub)."""

import re

import phonenumbers

DEFAULT_REGION = "CN"

# The look-behind holds every character the local part may hold, so an address can only start where a run of
# such characters starts: each run is scanned once, never once from each of its characters (linear time).
EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# A subdomain label starts where a word starts. Without the look-behind, a run of N letters is scanned to its end
# from each of its N characters looking for the dot: quadratic (a 40 KB run of letters took 27 s).
_SUBDOMAIN = r"(?<![a-z0-9])[a-z]+\."
# Profile pages on job sites and code hosts: host pattern, then what identifies the person.
_PROFILE_PATHS = [
    r"linkedin\.com/(?:in|pub)/[\w%\-]+(?:/[\w%\-]+)*",
    r"github\.com/[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})",
    r"gitlab\.com/[A-Za-z0-9_.\-]+",
    r"(?:[a-z]{2}\.)?indeed\.com/r/[\w%\-]+/[0-9a-f]+",
    r"stackoverflow\.com/users/\d+(?:/[\w\-]+)?",
    rf"(?:{_SUBDOMAIN})?(?:zhipin\.com|liepin\.com|51job\.com|zhaopin\.com|lagou\.com|maimai\.cn|kanzhun\.com)/[\w/\-.?=&%]+",
    rf"(?:{_SUBDOMAIN})?(?:naukri\.com|monster\.com|glassdoor\.com|xing\.com|angel\.co|wellfound\.com)/[\w/\-.]+",
    r"(?:gitee\.com|kaggle\.com|behance\.net|dribbble\.com)/[A-Za-z0-9_\-]+",
]
LINK = re.compile(r"(?:https?://)?(?:www\.)?(?P<path>" + "|".join(_PROFILE_PATHS) + r")", re.IGNORECASE)


def find_emails(text: str) -> list[str]:
    """Email addresses, lower-cased, in order of appearance."""
    return list(dict.fromkeys(found.group().lower().rstrip(".") for found in EMAIL.finditer(text)))


def find_links(text: str) -> list[str]:
    """Profile links as https URLs without tracking queries, in order of appearance."""
    links = []
    # PDF text wraps long links after a slash or hyphen: join those lines back.
    text = re.sub(r"(?<=[/\-])\n(?=\S)", "", text)
    for found in LINK.finditer(text):
        # Query strings on profile links are tracking data ("?isid=rex-download"), not part of the address.
        links.append("https://" + found.group("path").split("?", 1)[0].rstrip("/."))
    return list(dict.fromkeys(links))


def find_phones(text: str, region: str = DEFAULT_REGION) -> list[str]:
    """Valid phone numbers in E.164 form; numbers without a country code are read as `region` numbers."""
    phones = []
    for candidate in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        phones.append(phonenumbers.format_number(candidate.number, phonenumbers.PhoneNumberFormat.E164))
    return list(dict.fromkeys(phones))
