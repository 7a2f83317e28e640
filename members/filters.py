import copy
import functools
import re

import django_filters
from django import forms
from django.db import NotSupportedError, connection
from django.db.models import BooleanField, F, Func, Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from core.pagecache import cached_fragment
from core.widgets import QuickSelect

from . import pinyin
from .choices import Industry, SizeClass
from .models import Enterprise, Township
from .validators import normalize_credit_code, to_half_width

FIRST_JOIN_YEAR = 1990


def _descending(label) -> str:
    return _("%s (descending)") % label


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's, with "… (descending)" put together when the choice is shown, in that
    page's language (django-filter puts it together once, when the filter class is made)."""

    def build_choices(self, fields, labels):
        choices = super().build_choices(fields, labels)
        descending = lazy(_descending, str)
        return [
            (value, descending(choices[i - 1][1]) if value.startswith("-") else label)
            for i, (value, label) in enumerate(choices)
        ]


def join_year_choices():
    return [(y, str(y)) for y in range(timezone.localdate().year, FIRST_JOIN_YEAR - 1, -1)]


def township_choices():
    """Yanqing's townships, as staff last named them in the admin (kept under the township
    table's stamp, as every cached part is: docs/caching.md)."""
    return cached_fragment(
        "township-choices",
        depends_on=(Township,),
        vary_on=(),
        render=lambda: [
            (str(pk), name) for pk, name in Township.objects.served().values_list("pk", "name")
        ],
    )


def search_enterprises(queryset, value: str):
    """Name, pinyin (full or initials) or credit code: what staff type into one box.

    Initials match anywhere. Full pinyin of two syllables or more matches whole syllables in
    a row, the last one possibly unfinished: 「xinyu」 finds 鑫源 and 新宇, 「anyang」 finds
    安阳 but not 咸阳 (xian yang). Less than two syllables matches anywhere
    (members/pinyin.py).
    """
    value = " ".join(to_half_width(value).split())[:100]
    if not value:
        return queryset
    code = normalize_credit_code(value)
    if re.fullmatch(r"[0-9A-Z]{18}", code) and re.search(r"\d", code):
        # (a code has its district's six digits; 18 letters are pinyin)
        return queryset.filter(credit_code=code)
    if re.fullmatch(r"[A-Za-z' ]+", value):
        return search_pinyin(queryset, re.sub(r"[' ]", "", value).lower())  # xi'an, Yan Qing
    if re.fullmatch(r"[0-9A-Za-z]{6,17}", value):
        return queryset.filter(Q(credit_code__startswith=code) | Q(name__icontains=value))
    if connection.vendor == "postgresql":
        return queryset.filter(NameHolds(value))
    return queryset.filter(name__icontains=value)


def search_pinyin(queryset, letters: str):
    """Names whose initials hold `letters`, or whose full pinyin does (members/pinyin.py):
    as whole syllables in a row from two syllables on, anywhere below that."""
    initials = Q(name_initials__contains=letters)
    phrases = pinyin.pair_phrases(letters)
    if phrases is None:  # one syllable, or part of one: anywhere in the full pinyin
        return queryset.filter(initials | Q(name_pinyin__contains=letters))
    if connection.vendor != "postgresql":
        return queryset.filter(initials | Q(name_pinyin_pairs__regex=pinyin.regex(phrases)))
    return queryset.filter(PinyinInARow(letters, pinyin.tsquery(phrases)))


class Condition(Func):
    """A search condition written as one SQL expression (PostgreSQL): `template`, whose
    {fields} are the enterprise's `columns` and whose %s are the parameters given. One
    expression rather than several lookups and functions: building and compiling those was a
    tenth of a search's time in Python."""

    output_field = BooleanField()
    columns: tuple[str, ...] = ()

    def __init__(self, *params):
        super().__init__(*(F(column) for column in self.columns))
        self.condition_params = params

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor != "postgresql":
            raise NotSupportedError(f"{type(self).__name__} is written for PostgreSQL")
        columns = {}
        for name, source in zip(self.columns, self.get_source_expressions(), strict=True):
            sql, params = compiler.compile(source)
            if params:  # a plain column has none; the template has no place for them
                raise ValueError(f"{name} compiles with parameters: {params!r}")
            columns[name] = sql
        return self.template.format(**columns), self.condition_params


class PinyinInARow(Condition):
    """Names holding `letters` as syllables in a row, or in their initials:

        (pair words match the query AND letters in the full pinyin) OR initials hold them

    written so that the first condition is all in indexes (migration 0011's on the pair
    words, the trigram index on the initials) and the second is checked on the names found:
    the letters by strpos(), which the trigram index does not serve (PostgreSQL, misjudging
    how many names a LIKE matches, would read thousands of them through it).
    """

    columns = ("name_pinyin_pairs", "name_initials", "name_pinyin")
    template = (
        "((enterprise_pinyin_pairs({name_pinyin_pairs}) @@ to_tsquery('simple', %s)"
        " OR {name_initials} LIKE %s)"
        " AND (strpos({name_pinyin}, %s) > 0 OR {name_initials} LIKE %s))"
    )

    def __init__(self, letters: str, tsquery: str):
        if not re.fullmatch(r"[a-z]+", letters):  # no LIKE wildcard to escape
            raise ValueError(f"not pinyin letters: {letters!r}")
        self.letters = letters
        super().__init__(tsquery, f"%{letters}%", letters, f"%{letters}%")


class NameHolds(Condition):
    """Names holding `value` (any case): the name-grams index (migration 0005) narrows to
    names with every character pair of it, each of which is then checked."""

    columns = ("name",)
    template = (
        "(enterprise_name_grams({name}) @> %s::text[] AND UPPER({name}::text) LIKE UPPER(%s))"
    )

    def __init__(self, value: str):
        pattern = f"%{connection.ops.prep_for_like_query(value)}%"
        super().__init__(query_grams(value), pattern)


def query_grams(value: str) -> list[str]:
    value = value.lower()
    if len(value) == 1:
        return [value]
    return sorted({value[i : i + 2] for i in range(len(value) - 1)})


class Select(QuickSelect):
    """The filters' <select>, styled (django-filter takes a widget class, not an instance)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "form-select", **(attrs or {})}, choices)


EVERY_STATUS = "all"


class DirectoryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_q",
        max_length=100,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("Name, pinyin or credit code")}
        ),
    )
    # Choices are given as callables: a list would be copied with each filter and each form
    # field, for every request (about 0.1 ms of a first-time search, bench/README.md).
    industry = django_filters.ChoiceFilter(
        label=_("Industry"), choices=lambda: Industry.choices, empty_label=_("All"), widget=Select
    )
    township = django_filters.ChoiceFilter(
        label=_("Township or street"),
        choices=township_choices,
        empty_label=_("All"),
        widget=Select,
    )
    size = django_filters.ChoiceFilter(
        label=_("Size"), choices=lambda: SizeClass.choices, empty_label=_("All"), widget=Select
    )
    # Staff's: without a choice, the members on the roll today, as every page counts them.
    status = django_filters.ChoiceFilter(
        label=_("Membership status"),
        choices=lambda: [*Enterprise.Status.choices, (EVERY_STATUS, _("Every status"))],
        empty_label=_("On the roll today"),
        method="filter_status",
        widget=Select,
    )
    join_year = django_filters.ChoiceFilter(
        label=_("Year joined"),
        choices=join_year_choices,
        empty_label=_("All"),
        method="filter_join_year",
        widget=Select,
    )
    sort = OrderingFilter(
        widget=Select,
        label=_("Sort by"),
        fields=(("name_pinyin", "name"), ("joined_on", "joined"), ("member_number", "number")),
        field_labels={"name_pinyin": _("Name"), "joined_on": _("Date joined"),
                      "member_number": _("Member number")},
        empty_label=_("Default order"),
    )  # fmt: skip

    class Meta:
        model = Enterprise
        fields = ["q", "industry", "township", "size", "status", "join_year"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.is_staff:
            # Members see current members only; the status filter is staff's.
            del self.filters["status"]

    def get_form_class(self):
        return form_class(type(self), tuple(self.filters))

    def filter_q(self, queryset, name, value):
        return search_enterprises(queryset, value)

    def filter_status(self, queryset, name, value):
        return queryset if value == EVERY_STATUS else queryset.filter(status=value)

    @property
    def listed(self) -> str:
        """What the list holds, in words, for the line that gives its count."""
        if "status" not in self.filters:
            return _("member enterprises in good standing")
        status = self.form.cleaned_data.get("status") if self.is_valid() else ""
        if not status:
            return _("on the roll today, suspended members included")
        if status == EVERY_STATUS:
            return _("every membership status")
        return _("membership status: %(status)s") % {"status": Enterprise.Status(status).label}

    def filter_join_year(self, queryset, name, value):
        value = int(value)
        return queryset.filter(joined_on__gte=f"{value}-01-01", joined_on__lte=f"{value}-12-31")

    @property
    def qs(self):
        qs = super().qs
        if "status" in self.filters and not self.form.cleaned_data.get("status"):
            qs = qs.members_on()
        # A stable order (the primary key breaks ties), which the paginator mirrors.
        ordering = list(qs.query.order_by) or ["name_pinyin"]
        if not any(o.lstrip("-") == "id" for o in ordering):
            ordering.append("-id" if ordering[0].startswith("-") else "id")
        return qs.order_by(*ordering)


@functools.cache
def form_class(filterset_class, names: tuple[str, ...]) -> type[forms.Form]:
    """The form of `filterset_class` with the filters `names`, made once a process.

    django-filter makes the form class and each of its fields for every request; a search
    nobody made before spent about 0.3 ms of its 3.4 ms on that (bench/README.md). Each form
    still copies its fields, as every Django form does, so no request shares them. A filter's
    choices are callables or lazy text, read when the form is shown in its page's language.
    """
    filters = copy.deepcopy(filterset_class.base_filters)
    fields = {name: filters[name].field for name in names}
    return type(f"{filterset_class.__name__}Form", (filterset_class._meta.form,), fields)
