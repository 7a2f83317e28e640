"""Announcement pages: the public news list and an announcement's page (read receipts are
recorded there), and the staff's pages to write, review, send and follow up.

Who may use each view is said by its decorator or its access helper (announcements.access).
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import jobs, pagecache
from core.access import staff_required
from core.submissions import create_once
from members.services import TransitionError

from . import access, audience, html, services
from . import jobs as announcement_jobs
from .forms import AnnouncementForm, RemindForm, SendForm, skeleton
from .models import Announcement, Receipt

NEWS_COLUMNS = ("public_id", "title", "kind", "sent_at")
PAGE_SIZE = 20


@pagecache.kept_page
def news(request):
    """The public announcements, newest first: for anyone, signed in or not."""
    rows = Announcement.objects.public().only(*NEWS_COLUMNS).order_by("-sent_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "policies/announcements/news.html", {"page": page})


@pagecache.kept_page
def detail(request, public_id):
    """An announcement as its readers see it; a recipient's first visit is their receipt."""
    announcement = access.get_announcement(request.user, public_id)
    services.mark_read(announcement=announcement, user=request.user)
    return render(
        request,
        "policies/announcements/detail.html",
        {
            "announcement": announcement,
            "body": html.safe(announcement.body),
            "attachments": announcement.attachments.all(),
        },
    )


def attachment(request, public_id, attachment_id):
    found = access.get_attachment(request.user, public_id, attachment_id)
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type=found.content_type
    )


@staff_required
@pagecache.kept_page
def manage(request):
    """Every announcement, newest first, with how many of its recipients have read it."""
    rows = Announcement.objects.annotate(
        read=Count("receipts", filter=Q(receipts__read_at__isnull=False))
    ).order_by("-created_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "policies/announcements/manage.html", {"page": page})


@staff_required
def new(request):
    """A new draft; ?kind= starts from that kind's template."""
    form = AnnouncementForm(
        request.POST or None,
        request.FILES or None,
        initial=skeleton(request.GET.get("kind", "")),
        session=request.session,
    )
    return _save(request, form, None)


@staff_required
def edit(request, public_id):
    announcement = access.get_announcement_to_manage(request.user, public_id)
    if not announcement.is_draft:
        messages.error(request, _("Only a draft can be changed."))
        return redirect("policies:announcement_review", announcement.public_id)
    form = AnnouncementForm(
        request.POST or None, request.FILES or None, instance=announcement, session=request.session
    )
    return _save(request, form, announcement)


def _save(request, form, announcement):
    """A new draft is made once per rendered form (a second sending finds the first draft)."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save():
            return services.save_draft(
                actor=request.user,
                announcement=announcement,
                criteria=form.criteria(),
                segment=data["segment"],
                save_as=data["save_as"],
                files=data["attachments"],
                **{name: data[name] for name in services.ANNOUNCEMENT_FIELDS},
            )

        try:
            saved = save() if announcement else create_once(form, save)
        except TransitionError as error:
            form.add_error(None, str(error))
        else:
            form.release_uploads()
            messages.success(request, _("The draft is saved. Check its recipients, then send it."))
            return redirect("policies:announcement_review", saved.public_id)
    if request.method == "POST":
        form.keep_uploads()
    return render(
        request, "policies/announcements/form.html", {"form": form, "announcement": announcement}
    )


@staff_required
@pagecache.kept_page
def review(request, public_id):
    """The announcement as it will be sent, whom it reaches and how many (before sending)."""
    announcement = access.get_announcement_to_manage(request.user, public_id)
    sent = announcement.status == Announcement.Status.SENT
    return render(
        request,
        "policies/announcements/review.html",
        {
            "announcement": announcement,
            "body": html.safe(announcement.body),
            "attachments": announcement.attachments.all(),
            "criteria": audience.describe(announcement.audience),
            "count": announcement.recipient_count
            if sent
            else audience.count(announcement.audience),
            "send_form": SendForm(),
        },
    )


@staff_required
@require_POST
def send(request, public_id):
    announcement = access.get_announcement_to_manage(request.user, public_id)
    form = SendForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return redirect("policies:announcement_review", announcement.public_id)
    try:
        services.schedule(
            actor=request.user, announcement=announcement, send_at=form.cleaned_data["send_at"]
        )
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The announcement is being sent.")
            if form.cleaned_data["send_at"] is None
            else _("The announcement will be sent at the time set."),
        )
    return redirect("policies:announcement_review", announcement.public_id)


@staff_required
@require_POST
def unschedule(request, public_id):
    announcement = access.get_announcement_to_manage(request.user, public_id)
    try:
        services.unschedule(actor=request.user, announcement=announcement)
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The announcement is a draft again: it will not be sent."))
    return redirect("policies:announcement_review", announcement.public_id)


@staff_required
@pagecache.kept_page
def receipts(request, public_id):
    """Who read the announcement and who did not (?show=unread), with the reminder's form."""
    announcement = access.get_announcement_to_manage(request.user, public_id)
    show_unread = request.GET.get("show") == "unread"
    rows = Receipt.objects.filter(announcement=announcement)
    rows = rows.select_related("recipient__enterprise").only(
        "read_at", "recipient__real_name", "recipient__enterprise__name"
    )
    rows = rows.unread() if show_unread else rows.read()
    rows = rows.order_by("-read_at" if not show_unread else "recipient__real_name", "pk")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    read = announcement.receipts.read().count()
    # The button offers what remind_unread does: only active accounts are reminded.
    to_remind = announcement.receipts.unread().filter(recipient__is_active=True).count()
    return render(
        request,
        "policies/announcements/receipts.html",
        {
            "announcement": announcement,
            "page": page,
            "show_unread": show_unread,
            "read": read,
            "unread": announcement.recipient_count - read,
            "to_remind": to_remind,
            "remind_form": RemindForm(initial={"round": announcement.reminder_rounds}),
        },
    )


@staff_required
@require_POST
def remind(request, public_id):
    announcement = access.get_announcement_to_manage(request.user, public_id)
    form = RemindForm(request.POST)
    round_seen = form.cleaned_data["round"] if form.is_valid() else -1
    try:
        count = services.remind_unread(
            actor=request.user, announcement=announcement, round_seen=round_seen
        )
    except TransitionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("A reminder is being sent to %(count)d recipients.") % {"count": count}
        )
    return redirect("policies:announcement_receipts", announcement.public_id)


@staff_required
def export(request, public_id):
    """Both lists (read, not read) as one workbook: at once when small, else a job."""
    announcement = access.get_announcement_to_manage(request.user, public_id)
    return jobs.export(
        request,
        kind=announcement_jobs.RECEIPTS_EXPORT,
        params={"announcement": announcement.pk},
        rows=announcement.receipts.all(),
        write=lambda: announcement_jobs.write_receipts(announcement),
    )
