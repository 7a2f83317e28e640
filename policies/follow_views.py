"""Publishing and following policies through: staff publish (seeing whom it will reach) and
read the funnels; an enterprise's users mark a policy and ask about it.

The policy's page itself belongs to the policies' views (views.policy_detail); it calls
`follow.panel` before it renders and includes templates/policies/_follow.html.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import excel, jobs, pagecache
from core.access import staff_required
from core.submissions import create_once
from petitions.models import Department

from . import access, follow, funnel, push
from .follow_forms import AskForm, MarkForm
from .models import FollowUp, Policy

PER_PAGE = 50


@staff_required
def publish(request, public_id):
    """GET: whom publishing will tell; POST: publish (once) and tell them."""
    policy = access.get_policy_to_write(request.user, public_id)
    if request.method == "POST":
        try:
            published = push.publish_policy(policy=policy, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("policies:publish", policy.public_id)
        if published:
            messages.success(
                request, _("The policy is published; the enterprises it is for are being told.")
            )
        else:
            messages.info(request, _("This policy was already published: nobody is told again."))
        return redirect("policies:detail", policy.public_id)
    context = {
        "policy": policy,
        "audience": push.audience(policy),
        "expired": policy.is_expired(),
        "published": policy.status == Policy.Status.PUBLISHED,
    }
    return render(request, "policies/publish.html", context)


@login_required
@require_POST
def mark(request, public_id):
    policy = access.get_policy(request.user, public_id)
    form = MarkForm(request.POST)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors))
        return redirect("policies:detail", policy.public_id)
    try:
        follow.mark_policy(
            policy=policy,
            actor=request.user,
            state=form.cleaned_data["state"],
            amount=form.cleaned_data["amount"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your enterprise's mark on this policy is saved."))
    return redirect("policies:detail", policy.public_id)


@login_required
@require_POST
def ask(request, public_id):
    policy = access.get_policy(request.user, public_id)
    form = AskForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your question (at most 2,000 characters)."))
        return redirect("policies:detail", policy.public_id)
    try:
        question = create_once(
            form,
            lambda: follow.ask_about_policy(
                policy=policy, actor=request.user, text=form.cleaned_data["text"]
            ),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("policies:detail", policy.public_id)
    messages.success(request, _("Your question is filed as a petition; staff will answer it."))
    return redirect("petitions:detail", question.petition.public_id)


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=2000, max_value=2100, required=False
    )


def year_of(request) -> tuple[YearForm, int]:
    """The year asked for, or this year (the form says what was wrong)."""
    form = YearForm(request.GET)
    year = timezone.localdate().year
    if form.is_valid() and form.cleaned_data["year"]:
        year = form.cleaned_data["year"]
    return form, year


@staff_required
@pagecache.kept_page
def funnel_by_department(request):
    form, year = year_of(request)
    context = {
        "form": form,
        "year": year,
        "rows": [
            (department, figures, urlencode({"year": year, "department": department.pk}))
            for department, figures in funnel.by_department(year)
        ],
        "total": funnel.for_year(year),
        "published": funnel.policies_of(year).count(),
        "total_query": urlencode({"year": year}),
        "stages": funnel.STAGE_LABELS,
    }
    return render(request, "policies/funnel.html", context)


@staff_required
def funnel_export(request):
    _form, year = year_of(request)
    header = [_("Issuing department"), *(str(label) for label in funnel.STAGE_LABELS.values())]
    header.append(_("Amount granted (yuan)"))
    rows = [
        [department.name, *(value for _stage, value in figures.stages()), figures.amount]
        for department, figures in funnel.by_department(year)
    ]
    total = funnel.for_year(year)
    rows.append([_("Total"), *(value for _stage, value in total.stages()), total.amount])
    title = _("Policy funnel %(year)s") % {"year": year}
    return excel.response(excel.write(title, header, rows, widths=[30]), title)


@staff_required
@pagecache.kept_page
def funnel_policy(request, public_id):
    policy = access.get_policy_to_write(request.user, public_id)
    context = {
        "policy": policy,
        "figures": funnel.for_policy(policy),
        "scope_query": urlencode({"policy": policy.public_id}),
        "stages": funnel.STAGE_LABELS,
    }
    return render(request, "policies/funnel_policy.html", context)


class PairsForm(forms.Form):
    stage = forms.ChoiceField(choices=list(funnel.STAGE_LABELS.items()))
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
    department = forms.ModelChoiceField(queryset=Department.objects.all(), required=False)
    policy = forms.ModelChoiceField(
        queryset=Policy.objects.all(), to_field_name="public_id", required=False
    )


@staff_required
@pagecache.kept_page
def funnel_enterprises(request):
    """The enterprises behind one figure of a funnel: a policy's, or a department's (or
    every department's) in a year."""
    form = PairsForm(request.GET)
    page, rows, scope = None, [], ""
    if form.is_valid():
        data = form.cleaned_data
        chosen, scope = funnel.scope(
            policy=data["policy"], year=data["year"], department=data["department"]
        )
        policies = {p.pk: p for p in chosen}
        pairs = funnel.pairs(
            data["stage"], Policy.objects.filter(pk__in=policies).prefetch_related("townships")
        )
        page = Paginator(pairs, PER_PAGE).get_page(request.GET.get("page"))
        states = dict(FollowUp.State.choices)
        rows = [
            {
                **row,
                "policy_obj": policies[row["policy"]],
                "state_label": states.get(row.get("state", ""), "") if row.get("state") else "",
            }
            for row in page
        ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "scope": scope,
        "stage": funnel.STAGE_LABELS.get(request.GET.get("stage", ""), ""),
        "query": query.urlencode(),
    }
    return render(request, "policies/funnel_enterprises.html", context)


def pairs_params(data: dict) -> dict:
    """A valid PairsForm's data as a job's JSON parameters."""
    return {
        "stage": data["stage"],
        "policy": str(data["policy"].public_id) if data["policy"] else "",
        "year": data["year"],
        "department": data["department"].pk if data["department"] else None,
    }


@staff_required
def funnel_enterprises_export(request):
    """The enterprises behind one figure as a workbook: at once when few, else a job."""
    form = PairsForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("This list cannot be shown: choose a figure on the funnel page."))
        return redirect("policies:funnel")
    data = form.cleaned_data
    params = pairs_params(data)
    chosen, _scope = funnel.scope(
        policy=data["policy"], year=data["year"], department=data["department"]
    )
    return jobs.export(
        request,
        kind=funnel.FUNNEL_EXPORT,
        params=params,
        rows=funnel.pairs(params["stage"], chosen),
        write=lambda: funnel.write_pairs(params),
    )


urlpatterns = [
    path("funnel/", funnel_by_department, name="funnel"),
    path("funnel/export/", funnel_export, name="funnel_export"),
    path("funnel/enterprises/", funnel_enterprises, name="funnel_enterprises"),
    path(
        "funnel/enterprises/export/",
        funnel_enterprises_export,
        name="funnel_enterprises_export",
    ),
    path("<uuid:public_id>/publish/", publish, name="publish"),
    path("<uuid:public_id>/mark/", mark, name="mark"),
    path("<uuid:public_id>/ask/", ask, name="ask"),
    path("<uuid:public_id>/funnel/", funnel_policy, name="funnel_policy"),
]
