"""Policy pages: the public list, search and a policy's page; staff's list, draft and edit
forms, files and withdrawal; an enterprise's "policies for you" and its subscriptions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import pagecache
from core.access import staff_required
from core.counts import cached_count
from core.paginator import MirroredPaginator
from core.submissions import create_once
from members.choices import Qualification, SizeClass

from . import access, eligibility, follow, search, services
from .forms import (
    AttachmentForm,
    PolicyForm,
    SearchForm,
    StatusFilterForm,
    SubscriptionForm,
    WithdrawForm,
)
from .models import Policy, Subscription

PER_PAGE = 20


def listed(policies):
    """What a list shows of each policy, in a constant number of queries."""
    return policies.prefetch_related("departments", "topics").defer("body", "interpretation")


def paged(request, policies):
    return MirroredPaginator(listed(policies), PER_PAGE, counter=cached_count).get_page(
        request.GET.get("page")
    )


def query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@pagecache.kept_page
def policy_list(request):
    """Every published policy, newest first: search, department, topic, open now."""
    form = SearchForm(request.GET or None)
    policies = Policy.objects.published()
    if form.is_bound and not form.is_valid():
        policies = policies.none()
    elif form.is_bound:
        policies = search.filtered(policies, form.cleaned_data, timezone.localdate())
    return render(request, "policies/list.html", {
        "form": form,
        "policies": paged(request, policies),
        "query": query_without_page(request),
        "today": timezone.localdate(),
    })  # fmt: skip


@pagecache.kept_page
def policy_detail(request, public_id):
    policy = access.get_policy(request.user, public_id)
    staff = request.user.is_authenticated and request.user.is_staff
    # The follow-through panel; an enterprise's first reading is recorded here, before the
    # page renders (that one page writes, so it is not kept; later ones are).
    panel = follow.panel(policy, request.user)
    return render(request, "policies/detail.html", {
        **panel,
        "policy": policy,
        "departments": list(policy.departments.all()),
        "topics": list(policy.topics.all()),
        "townships": list(policy.townships.order_by("code")),
        "attachments": list(policy.attachments.all()),
        "size_labels": [str(SizeClass(code).label) for code in policy.sizes],
        "qualification_labels": [str(Qualification(code).label) for code in policy.qualifications],
        "years_label": (
            eligibility.years_label(policy)
            if policy.min_years_founded is not None or policy.max_years_founded is not None
            else ""
        ),
        "staff": staff,
        "withdraw_form": WithdrawForm() if staff else None,
        "attachment_form": AttachmentForm() if staff else None,
        "today": timezone.localdate(),
    })  # fmt: skip


def attachment_download(request, public_id, attachment_id):
    attachment = access.get_attachment(request.user, public_id, attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )


# Policies for you, a page: the rest follow (an enterprise may match hundreds of 1,000).
FOR_YOU_PAGE = 20


@login_required
@pagecache.kept_page
def for_you(request):
    """The current policies the user's enterprise matches, open windows first, each with
    why it matches and what the enterprise checks itself (policies.eligibility)."""
    enterprise = access.enterprise_of(request.user)
    today = timezone.localdate()
    page = Paginator(eligibility.matches_for(enterprise, day=today), FOR_YOU_PAGE).get_page(
        request.GET.get("page")
    )
    shown = Policy.objects.prefetch_related("departments").in_bulk(
        [policy.pk for policy, _ in page.object_list]
    )
    return render(request, "policies/for_you.html", {
        "enterprise": enterprise,
        "page": page,
        "found": [(shown[policy.pk], found_match) for policy, found_match in page.object_list],
        "today": today,
        "subscribed": Subscription.objects.filter(enterprise=enterprise).exists(),
    })  # fmt: skip


@login_required
def subscriptions(request):
    """The topics and departments the enterprise follows: one form of ticks."""
    enterprise = access.enterprise_of(request.user)
    held = Subscription.objects.filter(enterprise=enterprise)
    initial = {
        "topics": [s.topic_id for s in held if s.topic_id],
        "departments": [s.department_id for s in held if s.department_id],
    }
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.set_subscriptions(enterprise=enterprise, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Your subscriptions were saved."))
        return redirect("policies:subscriptions")
    return render(request, "policies/subscriptions.html", {"form": form})


@staff_required
@pagecache.kept_page
def manage(request):
    """Staff's list: every policy, drafts and withdrawn ones too, by status."""
    form = StatusFilterForm(request.GET or None)
    today = timezone.localdate()
    policies = Policy.objects.all()
    if form.is_bound and not form.is_valid():
        policies = policies.none()
    elif form.is_bound:
        status = form.cleaned_data["status"]
        if status == "expired":
            policies = policies.published().filter(valid_until__lt=today)
        elif status == Policy.Status.PUBLISHED:
            policies = policies.current(today)
        elif status:
            policies = policies.filter(status=status)
        policies = search.search_policies(policies, form.cleaned_data["q"])
    return render(request, "policies/manage.html", {
        "form": form,
        "policies": paged(request, policies),
        "query": query_without_page(request),
        "today": today,
    })  # fmt: skip


@staff_required
def policy_new(request):
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            values = form.values()
            policy = create_once(form, lambda: services.create_policy(actor=request.user, **values))
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("policies:detail", policy.public_id)
    return render(request, "policies/form.html", {"form": form})


@staff_required
def policy_edit(request, public_id):
    policy = access.get_policy_to_write(request.user, public_id)
    form = PolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_policy(policy=policy, actor=request.user, **form.values())
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The policy was saved."))
            return redirect("policies:detail", policy.public_id)
    return render(request, "policies/form.html", {"form": form, "policy": policy})


@staff_required
@require_POST
def policy_withdraw(request, public_id):
    policy = access.get_policy_to_write(request.user, public_id)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the withdrawal."))
        return redirect("policies:detail", policy.public_id)
    try:
        services.withdraw_policy(
            policy=policy, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("The policy was withdrawn."))
    return redirect("policies:detail", policy.public_id)


@staff_required
@require_POST
def attachment_add(request, public_id):
    policy = access.get_policy_to_write(request.user, public_id)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("files", []):
            messages.error(request, error)
        return redirect("policies:detail", policy.public_id)
    try:
        create_once(
            form,
            lambda: [
                services.add_attachment(policy=policy, actor=request.user, upload=upload)
                for upload in form.cleaned_data["files"]
            ],
        )
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("The files were attached."))
    return redirect("policies:detail", policy.public_id)


@staff_required
@require_POST
def attachment_remove(request, public_id, attachment_id):
    attachment = access.get_attachment(request.user, public_id, attachment_id)
    try:
        services.remove_attachment(attachment=attachment, actor=request.user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("The file was removed."))
    return redirect("policies:detail", public_id)
