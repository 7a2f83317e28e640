"""The member directory's table: each column is its heading and its cell, in one place, so a
new column is one line here.

Rendered in Python rather than by the template engine: the engine costs about 5 µs a cell, a
page has up to 175 cells, and every search nobody made before renders its page in full
(measured in bench/README.md: rendering the rows through a template doubled the CPU time of
such a search). Every cell goes through conditional_escape: a cell returns plain text, or
HTML it built with format_html.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from core import pagecache

from .choices import Industry, SizeClass
from .models import Enterprise, Township

# What a row holds (a dictionary, as QuerySet.values gives it). The township's name is looked
# up, not joined: a search reads every match to count it, and a join would be made for each.
FIELDS = [
    "public_id", "name", "industry", "size", "township_id", "joined_on", "member_number",
    "status",
]  # fmt: skip


UUID_MARK = "00000000-0000-0000-0000-000000000000"


@dataclass(frozen=True)
class Column:
    heading: str
    cell: Callable[[dict, "DirectoryTable"], str]
    staff_only: bool = False
    css_class: str = ""


class DirectoryTable:
    columns = (
        Column(_("Member number"), lambda row, table: row["member_number"] or ""),
        Column(
            _("Name"),
            lambda row, table: format_html('<a href="{}">{}</a>', table.url(row), row["name"]),
            css_class="name",
        ),
        Column(
            _("Industry"),
            lambda row, table: f"{row['industry']} · {table.label(Industry, row['industry'])}",
        ),
        Column(_("Township or street"), lambda row, table: table.townships.get(row["township_id"])),
        Column(_("Size"), lambda row, table: table.label(SizeClass, row["size"])),
        Column(
            _("Date joined"),
            lambda row, table: date_format(row["joined_on"]) if row["joined_on"] else "",
        ),
        Column(
            _("Status"),
            lambda row, table: table.label(Enterprise.Status, row["status"]),
            staff_only=True,
        ),
    )

    def __init__(self, rows, *, staff: bool):
        self.rows = rows
        self.shown = [column for column in self.columns if staff or not column.staff_only]
        self.townships = township_names()
        self.labels = {}
        self.url_parts = None

    def label(self, choices, value) -> str:
        """The label of a choice (in this page's language), the value if it has none."""
        if choices not in self.labels:
            self.labels[choices] = {code: str(label) for code, label in choices.choices}
        return self.labels[choices].get(value, value or "")

    def url(self, row) -> str:
        # One reverse() a page, not a row (about 20 µs each): the key is a UUID.
        if self.url_parts is None:
            self.url_parts = reverse("members:enterprise_detail", args=[UUID_MARK]).split(UUID_MARK)
        before, after = self.url_parts
        return f"{before}{row['public_id']}{after}"

    def headings(self) -> SafeString:
        return mark_safe("".join(f"<th>{conditional_escape(c.heading)}</th>" for c in self.shown))

    def body(self) -> SafeString:
        """The rows as HTML, "" for none."""
        classes = [f' class="{c.css_class}"' if c.css_class else "" for c in self.shown]
        html = []
        for row in self.rows:
            cells = (
                f"<td{css}>{conditional_escape(column.cell(row, self) or '')}</td>"
                for column, css in zip(self.shown, classes, strict=True)
            )
            html.append(f"<tr>{''.join(cells)}</tr>")
        return mark_safe("\n".join(html))  # every cell escaped above


def township_names() -> dict:
    """{pk: name} of every township, until one changes."""
    return pagecache.cached_fragment(
        "township-names",
        depends_on=(Township,),
        vary_on=(),
        render=lambda: dict(Township.objects.values_list("pk", "name")),
    )
