"""An enterprise's qualifications (高新技术企业, 专精特新…): declared by its users, verified or
rejected by staff. Only a verified, unexpired one counts where a policy asks for it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import pagecache
from core.access import staff_required
from core.counts import cached_count
from core.paginator import MirroredPaginator
from core.submissions import create_once

from . import access, services
from .forms import QualificationForm, QualificationRejectForm, QualificationReviewForm
from .models import EnterpriseQualification

PER_PAGE = 50


def _declare(request, enterprise, form, qualification=None):
    data = form.cleaned_data

    def declare():
        return services.declare_qualification(
            enterprise=enterprise,
            actor=request.user,
            kind=qualification.kind if qualification else data["kind"],
            certificate_number=data["certificate_number"],
            valid_until=data["valid_until"],
            qualification=qualification,
        )

    try:
        if qualification is None:
            create_once(form, declare)
        else:
            declare()
    except ValidationError as refusal:
        if hasattr(refusal, "error_dict"):
            for field, errors in refusal.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, refusal)
        return False
    messages.success(request, _("The qualification was saved; the federation's staff verify it."))
    return True


@login_required
def qualifications(request):
    """The enterprise's qualifications with their review, and the form to declare one."""
    enterprise = access.own_enterprise(request.user)
    form = QualificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _declare(request, enterprise, form):
        return redirect("members:qualifications")
    return render(request, "members/qualifications.html", {
        "enterprise": enterprise,
        "qualifications": EnterpriseQualification.objects.filter(enterprise=enterprise),
        "form": form,
    })  # fmt: skip


@login_required
def qualification_edit(request, pk):
    """Correct a declaration: a change of its certificate or dates is verified again."""
    qualification = access.own_qualification(request.user, pk)
    form = QualificationForm(request.POST or None, instance=qualification)
    if (
        request.method == "POST"
        and form.is_valid()
        and _declare(request, qualification.enterprise, form, qualification)
    ):
        return redirect("members:qualifications")
    return render(request, "members/qualification_edit.html", {
        "qualification": qualification,
        "form": form,
    })  # fmt: skip


@login_required
@require_POST
def qualification_withdraw(request, pk):
    qualification = access.own_qualification(request.user, pk)
    services.withdraw_qualification(qualification=qualification, actor=request.user)
    messages.success(request, _("The qualification was removed."))
    return redirect("members:qualifications")


@staff_required
@pagecache.kept_page
def qualification_review(request):
    """Declarations waiting for staff, oldest first."""
    waiting = (
        EnterpriseQualification.objects.awaiting_review()
        .select_related("enterprise", "declared_by")
        .order_by("declared_at", "pk")
    )
    page = MirroredPaginator(waiting, PER_PAGE, counter=cached_count).get_page(
        request.GET.get("page")
    )
    return render(request, "members/qualification_review.html", {
        "qualifications": page,
        "reject_form": QualificationRejectForm(),
    })  # fmt: skip


STALE = gettext_lazy("The page was out of date: check the declaration again before reviewing it.")


@staff_required
@require_POST
def qualification_verify(request, pk):
    qualification = get_object_or_404(EnterpriseQualification, pk=pk)
    form = QualificationReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(STALE))
        return redirect("members:qualification_review")
    try:
        services.verify_qualification(
            qualification=qualification, actor=request.user, seen=form.cleaned_data["declared"]
        )
    except services.TransitionError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The qualification was verified."))
    return redirect("members:qualification_review")


@staff_required
@require_POST
def qualification_reject(request, pk):
    qualification = get_object_or_404(EnterpriseQualification, pk=pk)
    form = QualificationRejectForm(request.POST)
    if not form.is_valid():
        stale = "declared" in form.errors
        messages.error(request, str(STALE) if stale else _("Give a reason for the rejection."))
        return redirect("members:qualification_review")
    try:
        services.reject_qualification(
            qualification=qualification,
            actor=request.user,
            seen=form.cleaned_data["declared"],
            reason=form.cleaned_data["reason"],
        )
    except services.TransitionError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The qualification was rejected; the enterprise is told why."))
    return redirect("members:qualification_review")
