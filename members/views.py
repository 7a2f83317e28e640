from html import escape as escape_text

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import jobs, pagecache
from core.access import staff_required
from core.counts import cached_count
from core.paginator import MirroredPaginator
from core.submissions import create_once

from . import access, services, tables
from . import jobs as member_jobs
from .filters import DirectoryFilter
from .forms import (
    AccountForm,
    ApplicationForm,
    ImportForm,
    MembershipStatusForm,
    ProfileForm,
    RejectForm,
    StaffEnterpriseForm,
    account_layout,
    application_layout,
    form_helper,
)
from .models import (
    Application,
    Enterprise,
    EnterpriseChange,
    EnterpriseQualification,
    RepresentativePerson,
    RepresentativeTag,
    Township,
    User,
)


@never_cache  # a form sent back shows the typed passwords (masked)
def register(request):
    """Online registration: an account and the enterprise's application in one form.

    A logged-in user with no enterprise (say, after a rejection) applies without the account part.
    """
    user = request.user
    with_account = not user.is_authenticated
    if user.is_authenticated and (
        user.enterprise_id or Application.objects.pending().filter(applicant=user).exists()
    ):
        messages.info(request, _("Your account already has an enterprise or an application."))
        return redirect("home")
    data = request.POST if request.method == "POST" else None
    account = AccountForm(data, prefix="account") if with_account else None
    form = ApplicationForm(data, request.FILES or None, session=request.session)
    if data is not None and form.is_valid() and (account is None or account.is_valid()):
        try:
            application = create_once(form, lambda: _submit(request, account, form))
        except services.DuplicateRegistration:
            form.add_error(
                "credit_code", _("An application for this credit code is already under review.")
            )
        else:
            form.release_uploads()
            if application is not None and not with_account:
                return redirect("members:application_detail", application.public_id)
            request.session["registered_email"] = account.cleaned_data["email"] if account else ""
            return redirect("members:register_done")
    if data is not None:
        form.keep_uploads()
    context = {
        "form": form,
        "account": account,
        "account_helper": form_helper(account_layout()),
        "helper": form_helper(application_layout()),
    }
    return render(request, "members/register.html", context)


def _submit(request, account, form):
    common = {
        "details": form.details(),
        "licence": form.cleaned_data["licence"],
        "checksum_ok": form.checksum_ok,
        "consent_version": settings.PRIVACY_NOTICE_VERSION,
    }
    if account is None:
        return services.submit_application(applicant=request.user, **common)
    return services.register_enterprise(
        email=account.cleaned_data["email"],
        password=account.cleaned_data["password1"],
        real_name=account.cleaned_data["real_name"],
        mobile=account.cleaned_data["mobile"],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        **common,
    )


def register_done(request):
    return render(
        request,
        "members/register_done.html",
        {"email": request.session.get("registered_email", "")},
    )


@login_required
def directory(request):
    user = request.user
    if not (user.is_staff or user.is_member_user):
        raise PermissionDenied

    # Staff see every enterprise, members the current members: the same page for all of
    # either, rendered once for each query until an enterprise or township changes.
    def render_body():
        return pagecache.render_part("members/_directory_body.html", directory_context(request))

    if request.GET.keys() <= DIRECTORY_PARAMETERS:
        # A search is kept by this process only: most are typed once, and sending each
        # result to the shared cache would cost more than it saves.
        searched = bool(request.GET.get("q", "").strip())
        body = pagecache.cached_fragment(
            "directory",
            depends_on=(Enterprise, Township),
            vary_on=(*directory_variant(user), sorted(request.GET.lists())),
            render=render_body,
            shared=not searched,
        )
    else:  # made-up parameters are not worth a place in the cache
        body = render_body()
    body = pagecache.fill_csrf(request, body)
    return pagecache.render_page(request, "members/directory.html", {"body": body})


DIRECTORY_PARAMETERS = {*DirectoryFilter.base_filters, "page"}


def directory_variant(user) -> tuple:
    """What the directory's cached parts differ by besides the query: staff or member (which
    rows and filters), language, and the day (staff's list is the roll on that day; the
    join-year choices end with its year)."""
    return user.is_staff, translation.get_language(), timezone.localdate().isoformat()


def directory_context(request) -> dict:
    """What the directory's body (members/_directory_body.html) shows: nothing of the viewer
    but whether they are staff, which directory_variant puts in the part's key."""
    user = request.user
    base = Enterprise.objects.visible_to(user)
    filterset = DirectoryFilter(request.GET, queryset=base, user=user)
    rows = filterset.qs if filterset.is_valid() else base.none()
    searched = filterset.is_valid() and bool(filterset.form.cleaned_data.get("q"))
    paginator = MirroredPaginator(
        rows, settings.DIRECTORY_PAGE_SIZE, counter=cached_count, search=searched,
        fields=tables.FIELDS,
    )  # fmt: skip
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    count = paginator.count
    return {
        "staff": user.is_staff,
        "filter_form": directory_form(request, filterset, user),
        "result_count": ngettext("%(counter)s enterprise", "%(counter)s enterprises", count)
        % {"counter": localize(count)},
        "listed": filterset.listed,
        "page": page,
        "table": tables.DirectoryTable(page.object_list, staff=user.is_staff),
        "query": query.urlencode(),
    }


SEARCH_PLACEHOLDER = pagecache.placeholder("search")


def directory_form(request, filterset, user):
    """The filter form, rendered once for each choice of the other filters: every search
    with them differs only in the search box's value, put in afterwards."""
    if filterset.form.errors:
        return render_to_string("members/_directory_form.html", {"filter": filterset})

    def render_form():
        data = request.GET.copy()
        data["q"] = SEARCH_PLACEHOLDER
        data.pop("page", None)
        unbound = DirectoryFilter(data, queryset=Enterprise.objects.none(), user=user)
        return render_to_string("members/_directory_form.html", {"filter": unbound})

    others = sorted((k, v) for k, v in request.GET.lists() if k not in ("q", "page"))
    html = pagecache.cached_fragment(
        "directory-form",
        depends_on=(Township,),  # the township filter's choices
        vary_on=(*directory_variant(user), others),
        render=render_form,
    )
    return mark_safe(html.replace(SEARCH_PLACEHOLDER, escape_text(request.GET.get("q", ""))))


@staff_required
def export_directory(request):
    """The filtered directory in Excel: at once when small, else as a background job."""
    query = request.GET.urlencode()
    return jobs.export(
        request,
        kind=member_jobs.EXPORT,
        params={"query": query},
        rows=member_jobs.directory_rows(query, request.user),
        write=lambda: member_jobs.write_directory(query, request.user),
    )


@staff_required
def import_roster(request):
    """The roster import runs as a background job: the page shows its progress and report."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = jobs.start(
            owner=request.user,
            kind=member_jobs.IMPORT,
            params={"dry_run": form.cleaned_data["dry_run"]},
            upload=form.cleaned_data["file"],
        )
        return redirect(job)
    return render(
        request,
        "members/import.html",
        {
            "form": form,
            "helper": form_helper(form_tag=False),
            "limit": f"{settings.IMPORT_MAX_ROWS:,}",
        },
    )


# What an enterprise's page shows: the enterprise, its township, history (with who made each
# change), representative figures and their tags.
DETAIL_MODELS = (
    Enterprise,
    Enterprise.history.model,
    Township,
    User,
    RepresentativePerson,
    RepresentativeTag,
    RepresentativePerson.tags.through,
)


@login_required
def enterprise_detail(request, public_id):
    user = request.user
    # Staff share one page per enterprise; other users one per enterprise they act for
    # (their own enterprise's page shows its private fields).
    viewer = "staff" if user.is_staff else (user.enterprise_id, user.is_member_user)
    part = pagecache.cached_fragment(
        "enterprise",
        depends_on=DETAIL_MODELS,
        vary_on=(str(public_id), viewer, translation.get_language()),
        render=lambda: enterprise_part(request, public_id),
    )
    if part == NOT_VISIBLE:
        raise Http404
    return pagecache.render_page(request, "members/enterprise_detail.html", {
        "title": part["title"], "body": pagecache.fill_csrf(request, part["body"]),
    })  # fmt: skip


NOT_VISIBLE = "not-visible"


def enterprise_part(request, public_id):
    try:
        enterprise = access.get_enterprise(request.user, public_id)
    except Http404:
        return NOT_VISIBLE
    context = {
        "enterprise": enterprise,
        "private": access.can_see_private_fields(request.user, enterprise),
        "staff": request.user.is_staff,
    }
    if request.user.is_staff:
        history = list(enterprise.history.select_related("history_user")[:20])
        for record in history:
            record.reason = EnterpriseChange.describe(record.history_change_reason)
        context["history"] = history
        context["status_form"] = MembershipStatusForm(initial={"status": enterprise.status})
        context["representatives"] = enterprise.representatives.prefetch_related("tags")
    body = pagecache.render_part("members/_enterprise_detail_body.html", context)
    return {"title": enterprise.name, "body": body}


@login_required
def enterprise_edit(request, public_id):
    enterprise = access.get_enterprise(request.user, public_id, write=True)
    form = StaffEnterpriseForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        services.update_enterprise(enterprise=enterprise, actor=request.user, form=form)
        messages.success(request, _("The enterprise record was saved."))
        return redirect("members:enterprise_detail", enterprise.public_id)
    return render(request, "members/enterprise_edit.html", {"form": form, "enterprise": enterprise})


@staff_required
@require_POST
def enterprise_status(request, public_id):
    enterprise = access.get_enterprise(request.user, public_id, write=True)
    form = MembershipStatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_membership_status(
                enterprise=enterprise, actor=request.user, **form.cleaned_data
            )
        except services.TransitionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The membership status was changed."))
    else:
        messages.error(request, _("Choose a status and give a reason."))
    return redirect("members:enterprise_detail", enterprise.public_id)


@login_required
def profile(request):
    enterprise = access.own_enterprise(request.user)
    form = ProfileForm(request.POST or None, instance=enterprise)
    if request.method == "POST":
        if enterprise.status != Enterprise.Status.MEMBER:
            raise PermissionDenied
        if form.is_valid():
            services.update_enterprise(enterprise=enterprise, actor=request.user, form=form)
            messages.success(request, _("Your enterprise's profile was saved."))
            return redirect("members:profile")
    return render(request, "members/profile.html", {
        "form": form,
        "enterprise": enterprise,
        "qualifications": EnterpriseQualification.objects.filter(enterprise=enterprise),
    })  # fmt: skip


@staff_required
@pagecache.kept_page
def application_list(request):
    status = request.GET.get("status", Application.Status.PENDING)
    if status not in Application.Status.values:
        status = Application.Status.PENDING
    applications = Application.objects.filter(status=status).select_related("township", "applicant")
    page = MirroredPaginator(applications.order_by("-submitted_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "members/application_list.html", {
        "page": page, "status": status, "statuses": Application.Status.choices,
    })  # fmt: skip


@login_required
@pagecache.kept_page
def application_detail(request, public_id):
    application = access.get_application(request.user, public_id)
    context = {"application": application, "reject_form": RejectForm()}
    if request.user.is_staff:
        # Only what the list shows: whole historical rows decrypted each version's contact
        # numbers, and each change's user's.
        context["history"] = application.history.select_related("history_user").only(
            "history_date", "status", "history_user__real_name", "history_user__email"
        )[:20]
    return render(request, "members/application_detail.html", context)


@staff_required
@require_POST
def application_approve(request, public_id):
    application = access.get_application(request.user, public_id)
    try:
        enterprise = services.approve_application(application=application, actor=request.user)
    except services.TransitionError as error:
        messages.error(request, str(error))
        return redirect("members:application_detail", public_id)
    messages.success(
        request,
        _("%(name)s is now a member, number %(number)s.")
        % {"name": enterprise.name, "number": enterprise.member_number},
    )
    return redirect("members:application_list")


@staff_required
@require_POST
def application_reject(request, public_id):
    application = access.get_application(request.user, public_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "members/application_detail.html",
            {"application": application, "reject_form": form},
            status=400,
        )
    try:
        services.reject_application(
            application=application, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except services.TransitionError as error:
        messages.error(request, str(error))
        return redirect("members:application_detail", public_id)
    messages.success(request, _("The application was rejected and the applicant told why."))
    return redirect("members:application_list")


@login_required
def application_licence(request, public_id):
    application = access.get_application(request.user, public_id)
    if not application.licence:
        raise Http404
    try:
        handle = application.licence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    ext = application.licence.name.rsplit(".", 1)[-1]
    return FileResponse(
        handle, as_attachment=False, filename=f"licence-{application.credit_code}.{ext}"
    )
