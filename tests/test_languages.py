"""Chinese pages are in Chinese and English pages in English, for every role, with one format
for dates and one for date-times.

Every page a role may open (the permission matrix's 200s, with its cast) is rendered in both
languages (the admin's pages: tests/admin/test_admin_languages.py). What users typed (any
text stored in the database) and what is not language (e-mail addresses, codes, numbers) is
set aside; what is left must be in the page's language. A Chinese page may show a few
Latin-letter names (ALLOWED_LATIN); an English page shows no Han character.
"""

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation

from chambers.models import DutyChange, DutyMonth
from chambers.services import save_month
from tests.conftest import client_for
from tests.test_permissions import MATRIX, ROLES

# Names that are written in Latin letters in Chinese too (with the technical words in
# django-celery-beat's own Chinese help texts).
ALLOWED_LATIN = {
    "PDF", "JPEG", "PNG", "Office", "Word", "Excel", "PowerPoint", "QR", "iCal", "Cookie",
    "IP", "SHA", "ID", "MB", "English", "Ctrl", "Mac",
    "UTC", "AMQP", "JSON", "RabbitMQ", "Redis", "True", "False", "None", "enabled",
    # the keys of a keyboard (the admin's multiple-choice lists)
    "Control", "Command",
}  # fmt: skip
# Attributes a reader sees or hears.
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
# One format for dates and one for date-times on every page: 2026年12月7日 (12:17), or
# 7 Dec 2026 (12:17) in English; ISO dates only in the values of date inputs.
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
DAY_WITHOUT_YEAR = re.compile(r"(?<![年\d])\d{1,2}月\d{1,2}日")
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z’']+")  # single letters are codes (C · 制造业)
NOT_LANGUAGE = [
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"https?://\S+"),
    re.compile(r"\b[0-9A-Z]{18}\b"),  # credit codes
    re.compile(r"\b[A-Z]{1,4}[0-9][0-9A-Z-]*\b"),  # tracking and member numbers
    re.compile(r"GB/T"),  # the national standard of industry codes
    re.compile(r"\.xlsx\b"),
    re.compile(r"\b\w+(?:[._]\w+)+\b"),  # names in code: notices.tasks.deliver, CELERY_QUEUES
    re.compile(r'"[^"]*"'),  # examples of JSON
    re.compile(r"\b[A-Z][a-z]+/[A-Za-z_]+"),  # time zones: Asia/Shanghai
    re.compile(r"(?:[\d*/,-]+ ){5}\(m/h/dM/MY/d\)"),  # a cron schedule (celery beat)
    re.compile(r"\bmd5\b|\w*\*{6,}\w*"),  # a password hash's algorithm and masked salt
]
# django-axes names its records in English, with ISO times, and django-celery-beat its clocked
# schedules by an ISO time, in their code (__str__).
OTHER_PACKAGES_NAMES = re.compile(
    r"(?:Access (?:Log|Attempt) for|Attempted Access:|Failed access:).*"
    r"|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}"
)


class ShownText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        # The time zones of a cron schedule are named by their IANA codes.
        if tag in ("script", "style") or (tag == "select" and ("name", "timezone") in attrs):
            self.hidden += 1
        self.parts.extend(value for name, value in attrs if name in SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "select") and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data)


def stored_texts() -> list[str]:
    """Every text stored in the portal's tables (what users and the cast wrote), the portal's
    name and the languages' own names in the language menu."""
    texts = {settings.PORTAL_NAME, *(name for _, name in settings.LANGUAGES)}
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        for values in model.objects.values_list(*fields) if fields else ():
            texts.update(str(v) for v in values if v and len(str(v)) > 1)
    return sorted(texts, key=len, reverse=True)


def foreign_words(html: str, language: str, user_data: list[str]) -> set[str]:
    parser = ShownText()
    parser.feed(html)
    shown = "\n".join(parser.parts)
    present = [text for text in user_data if text in shown]
    found = set()
    for part in parser.parts:
        part = OTHER_PACKAGES_NAMES.sub(" ", part)
        for pattern in NOT_LANGUAGE:
            part = pattern.sub(" ", part)
        for text in present:
            if text.isascii():  # a whole word: the slug "ice" is not taken out of "Office"
                part = re.sub(rf"(?<![A-Za-z]){re.escape(text)}(?![A-Za-z])", " ", part)
            else:
                part = part.replace(text, " ")
        if ISO_DATE.search(part) or (language != "en" and DAY_WITHOUT_YEAR.search(part)):
            found.add("date format: " + " ".join(part.split())[:120])
        if language == "en":
            words = HAN.findall(part)
        else:
            words = [w for w in LATIN_WORD.findall(part) if w not in ALLOWED_LATIN]
        if words:
            found.add(" ".join(part.split())[:120])
    return found


def walk(client, paths, language, user_data) -> dict[str, set[str]]:
    client.cookies["django_language"] = language
    findings = {}
    for path in paths:
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        words = foreign_words(response.content.decode(), language, user_data)
        if words:
            findings[path] = words
    return findings


# Each page is rendered once, by the first of these roles that may open it (who sees most of
# it), and every role's home page.
ROLE_ORDER = ["staff", "leader", "enterprise_a", "applicant", "anonymous", "enterprise_b"]


def pages_by_role(args) -> dict[str, list[str]]:
    pages = {role: [reverse("home")] for role in ROLES}
    for name, expected in MATRIX.items():
        role = next((r for r in ROLE_ORDER if expected[r] == 200), None)
        if role is not None:
            pages[role].append(reverse(name, args=args.get(name, [])))
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_of_every_role_is_in_one_language(cast, language):
    args, users = cast
    user_data = stored_texts()
    findings = {}
    for role, paths in pages_by_role(args).items():
        findings.update(walk(client_for(users[role]), paths, language, user_data))
    assert not findings, "\n".join(f"{path}: {sorted(words)}" for path, words in findings.items())


@pytest.mark.parametrize(("language", "shown"), [("zh-hans", "2027年4月"), ("en", "April 2027")])
def test_a_duty_month_reads_as_a_month_in_the_pages_language(language, shown):
    """The swap form, the roster's notices and the admin name months by DutyMonth's str."""
    with translation.override(language):
        assert str(DutyMonth(month=date(2027, 4, 1))) == shown


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("zh-hans", "按轮值规则排定", "planned"), ("en", "planned by the roster", "按轮值")],
)
def test_roster_history_stores_a_code_and_shows_a_label(staff, language, shown, hidden):
    duty_month = DutyMonth.objects.create(month=date(2030, 1, 1))
    save_month(duty_month, actor=staff, reason=DutyChange.PLANNED, fields=["chair"])
    assert duty_month.history.first().history_change_reason == "planned"
    client = client_for(staff)
    client.cookies["django_language"] = language
    page = client.get(reverse("roster:month", args=["2030-01"])).content.decode()
    history = page[page.index('<ul class="small">') :]
    assert shown in history
    assert f"· {hidden}" not in history


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [("zh-hans", "PDF、图片或Office文件", "Office files"), ("en", "PDF, images or Office", "图片")],
)
def test_attachment_help_text_is_in_the_pages_language(client_a, language, shown, hidden):
    client_a.cookies["django_language"] = language
    page = client_a.get(reverse("petitions:new")).content.decode()
    assert shown in page
    assert hidden not in page
