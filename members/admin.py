import uuid

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core import jobs, secretariat
from core.admin import (
    CheckedForm,
    CheckedRowForm,
    HistoryAdmin,
    KeptForLedgers,
    LongList,
    PermissionsOfAdminPages,
    ReasonForm,
    SavedThroughServices,
    act_on_each,
    ask_then_act,
    save_rows,
)

from . import jobs as member_jobs
from . import services
from .filters import join_year_choices, search_enterprises, township_choices
from .models import (
    Application,
    Enterprise,
    EnterpriseQualification,
    PublicPost,
    RepresentativePerson,
    RepresentativeTag,
    Township,
    TrainingRecord,
    User,
)
from .services import (
    TransitionError,
    approve_application,
    change_membership_status,
    reject_application,
    send_message,
    send_message_later,
)


@admin.register(User)
class UserAdmin(LongList, PermissionsOfAdminPages, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "real_name", "enterprise", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "real_name"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]
    readonly_fields = ["last_login", "date_joined"]  # kept by Django, not typed
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["real_name", "mobile", "enterprise", "language"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "real_name", "password1", "password2"]})
    ]
    # Who is staff or superuser, and who holds which permissions, is the administrators'
    # (superusers') to decide: the secretariat sees these fields but cannot change them.
    administrators_fields = ["is_staff", "is_superuser", "groups", "user_permissions"]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            fields = [*fields, *self.administrators_fields]
        return fields

    def has_change_permission(self, request, obj=None):
        """Only a superuser changes a staff account or a superuser's (its password
        included): the secretariat changes the enterprises' accounts."""
        administrators = obj is not None and (obj.is_staff or obj.is_superuser)
        if administrators and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        """Ticking *staff status* puts the account in the secretariat (a superuser made staff
        only, too); unticking it takes the account out. After the form's groups are saved,
        which would undo it."""
        super().save_related(request, form, formsets, change)
        if {"is_staff", "is_superuser"} & set(form.changed_data):
            user = form.instance
            if user.is_staff:
                secretariat.join(user)  # a superuser needs no group
            else:
                secretariat.leave(user)


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "district_name"]
    list_filter = ["district_name", "kind"]
    search_fields = ["name", "code"]


class MessageForm(forms.Form):
    # Not required here: the service refuses an empty notice, with its own message.
    subject = forms.CharField(label=_("subject"), max_length=200, required=False)
    text = forms.CharField(label=_("text"), widget=forms.Textarea, required=False)
    # Drawn when the page is shown: the same page sent twice sends once.
    sending = forms.CharField(widget=forms.HiddenInput, initial=uuid.uuid4)


def status_action(status, title):
    """Suspend, withdraw or reinstate the selection through the members service, asking for
    the reason first."""

    def action(model_admin, request, queryset):
        def act(enterprise, reason):
            change_membership_status(
                enterprise=enterprise, actor=request.user, status=status, reason=reason
            )
            model_admin.log_change(request, enterprise, str(title))

        return ask_then_act(
            model_admin, request, queryset, title=title, form_class=ReasonForm, act=act
        )

    action.__name__ = f"make_{status}"
    return admin.action(description=title, permissions=["change"])(action)


class JoinYearFilter(admin.SimpleListFilter):
    """The year joined, as the directory filters it and with its choices (the years from the
    federation's first to this one: no query). A date hierarchy lists them with a DISTINCT
    over every row: 54 of the 150 ms of the page at 100,000 enterprises (bench/admin.py)."""

    title = _("Year joined")
    parameter_name = "joined_year"

    def lookups(self, request, model_admin):
        return [(str(year), label) for year, label in join_year_choices()]

    def queryset(self, request, queryset):
        if self.value() not in dict(self.lookup_choices):
            return queryset  # no year, or not one of the years listed: every row
        return queryset.filter(joined_on__year=int(self.value()))


class TownshipFilter(admin.RelatedFieldListFilter):
    """The townships as the directory lists them: kept until a township changes
    (members.filters.township_choices), not read on every page."""

    def field_choices(self, field, request, model_admin):
        return township_choices()


@admin.register(Enterprise)
class EnterpriseAdmin(LongList, KeptForLedgers, HistoryAdmin):
    list_display = [
        "name",
        "member_number",
        "credit_code",
        "industry",
        "township",
        "size",
        "status",
        "joined_on",
    ]
    # Each filter is a column the directory filters on, indexed for it.
    list_filter = [
        "status", "industry", "size", ("township", TownshipFilter), "party_organisation",
        JoinYearFilter,
    ]  # fmt: skip
    # Searched as the directory searches (members.filters.search_enterprises): name, pinyin
    # or credit code on the directory's indexes; the stock search's OR of icontains over
    # five columns scans the table.
    search_fields = ["name"]
    search_help_text = _("Name, pinyin (full or initials) or credit code")
    list_select_related = ["township"]
    list_per_page = settings.DIRECTORY_PAGE_SIZE
    # The status changes through the actions above the list, which call the members service
    # (history with the reason, the members told); the form only shows it.
    readonly_fields = ["status", "status_reason", "created_at", "updated_at"]
    refusals = (TransitionError,)
    actions = [
        status_action(Enterprise.Status.SUSPENDED, _("Suspend the selected members")),
        status_action(Enterprise.Status.WITHDRAWN, _("Withdraw the selected members")),
        status_action(Enterprise.Status.MEMBER, _("Reinstate the selected members")),
        "export_to_excel",
        "send_notice",
    ]

    @staticmethod
    def selection(request) -> dict:
        """How a job finds the selection again (member_jobs.admin_selection): the list's query
        (filters, search, order) and the ids ticked, or None for "select all"."""
        select_across = request.POST.get("select_across") == "1"
        return {
            "query": request.GET.urlencode(),
            "selected": None if select_across else request.POST.getlist(ACTION_CHECKBOX_NAME),
        }

    def get_search_results(self, request, queryset, search_term):
        return search_enterprises(queryset, search_term), False

    @admin.action(description=_("Export the selected enterprises to Excel"), permissions=["view"])
    def export_to_excel(self, request, queryset):
        """The directory's columns, without phone numbers, through the one Excel writer: at
        once when small, else as a background job. The job finds the selection again from the
        list's query (filters, search, order) and the ids ticked, or all rows for "select
        all"."""
        return jobs.export(
            request,
            kind=member_jobs.ADMIN_EXPORT,
            params=self.selection(request),
            rows=queryset,
            write=lambda: member_jobs.write_selection(queryset),
        )

    @admin.action(description=_("Send the selected enterprises a notice"), permissions=["change"])
    def send_notice(self, request, queryset):
        """Sent in the request to a selection as small as an export written there
        (EXPORT_IMMEDIATE_ROWS), else by a background job, which finds the selection again as
        the export's does."""

        def act_on_all(enterprises, subject, text, sending):
            try:
                if not jobs.in_request(enterprises):
                    job = send_message_later(
                        actor=request.user,
                        subject=subject,
                        text=text,
                        sending=sending,
                        selection=self.selection(request),
                    )
                    return redirect(job)
                reached = send_message(
                    enterprises=enterprises,
                    actor=request.user,
                    subject=subject,
                    text=text,
                    sending=sending,
                )
            except TransitionError as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                return None
            member_jobs.log_notice_sent(request.user, enterprises.filter(pk__in=reached), subject)
            if reached:
                self.message_user(
                    request,
                    _("%(title)s: %(count)d done.")
                    % {"title": _("Send a notice"), "count": len(reached)},
                )
            nobody = enterprises.exclude(pk__in=reached)
            missed = nobody.count()
            if missed:
                names = "、".join(str(e) for e in nobody.order_by("name")[:10])
                names += "…" if missed > 10 else ""
                self.message_user(
                    request,
                    _("Enterprises with no active user, sent nothing (%(count)d): %(names)s")
                    % {"count": missed, "names": names},
                    messages.WARNING,
                )

        return ask_then_act(
            self,
            request,
            queryset,
            title=_("Send a notice"),
            form_class=MessageForm,
            act_on_all=act_on_all,
        )


@admin.register(Application)
class ApplicationAdmin(KeptForLedgers, HistoryAdmin):
    list_display = ["name", "credit_code", "status", "submitted_at", "decided_by", "decided_at"]
    list_filter = ["status", "industry", ("township", TownshipFilter)]
    search_fields = ["name", "credit_code"]
    list_select_related = ["decided_by"]
    autocomplete_fields = ["applicant"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "applicant", "status", "submitted_at", "decided_at", "decided_by", "rejection_reason",
        "enterprise", "consent_version", "consent_at", "credit_code_checksum_ok",
        # The applicant's own scan, checked on upload (core/uploads.py): the admin's file
        # field would take any file past those checks.
        "licence_link",
    ]  # fmt: skip
    exclude = ["licence"]
    refusals = (TransitionError,)
    actions = ["approve", "reject"]

    def has_add_permission(self, request):
        # An application is the applicant's, with their consent to the privacy notice and
        # their licence scan (members/forms.py): sent by them, never typed in here.
        return False

    @admin.display(description=_("business licence"))
    def licence_link(self, application):
        if not application.pk:
            return "—"
        url = reverse("members:application_licence", args=[application.public_id])
        return format_html('<a href="{}">{}</a>', url, _("Open the scan"))

    @admin.action(description=_("Approve the selected applications"), permissions=["change"])
    def approve(self, request, queryset):
        def act(application):
            approve_application(application=application, actor=request.user)
            self.log_change(request, application, str(_("Approve")))

        act_on_each(self, request, queryset, title=_("Approve"), act=act)

    @admin.action(description=_("Reject the selected applications"), permissions=["change"])
    def reject(self, request, queryset):
        def act(application, reason):
            reject_application(application=application, actor=request.user, reason=reason)
            self.log_change(request, application, str(_("Reject")))

        return ask_then_act(
            self, request, queryset, title=_("Reject"), form_class=ReasonForm, act=act
        )


class PublicPostForm(CheckedRowForm):
    def check(self, candidate):
        services.check_public_post(candidate)


class PublicPostInline(admin.TabularInline):
    model = PublicPost
    form = PublicPostForm
    extra = 0
    granted_with_page = True  # the secretariat keeps them as it keeps the figure


class TrainingRecordForm(CheckedRowForm):
    def check(self, candidate):
        services.check_training(candidate)


class TrainingRecordInline(admin.TabularInline):
    model = TrainingRecord
    form = TrainingRecordForm
    extra = 0
    granted_with_page = True


class RepresentativePersonForm(CheckedForm):
    def check(self, candidate):
        services.check_representative(candidate)


@admin.register(RepresentativePerson)
class RepresentativePersonAdmin(SavedThroughServices, HistoryAdmin):
    """A figure, its labels, public posts and trainings: each saved through members.services
    (add_representative, add_public_post, add_training...), whose rules the forms show."""

    form = RepresentativePersonForm
    list_display = ["name", "gender", "birth_year", "enterprise", "position"]
    list_filter = ["gender", "tags", "posts__kind", "posts__level"]
    search_fields = ["name", "enterprise__name"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise", "tags"]
    inlines = [PublicPostInline, TrainingRecordInline]

    def create(self, request, values):
        return services.add_representative(actor=request.user, **values)

    def change(self, request, person, values):
        return services.change_representative(person=person, actor=request.user, **values)

    def delete_model(self, request, person):
        services.remove_representative(person=person, actor=request.user)

    def delete_queryset(self, request, queryset):
        for person in queryset:
            services.remove_representative(person=person, actor=request.user)

    def save_formset(self, request, form, formset, change):
        person, actor = form.instance, request.user
        if formset.model is PublicPost:
            save_rows(
                formset,
                add=lambda values: services.add_public_post(person=person, actor=actor, **values),
                change=lambda post, values: services.change_public_post(
                    post=post, actor=actor, **values
                ),
                remove=lambda post: services.remove_public_post(post=post, actor=actor),
            )
        elif formset.model is TrainingRecord:
            save_rows(
                formset,
                add=lambda values: services.add_training(person=person, actor=actor, **values),
                change=lambda record, values: services.change_training(
                    record=record, actor=actor, **values
                ),
                remove=lambda record: services.remove_training(record=record, actor=actor),
            )
        else:  # pragma: no cover - the page has these two inlines only
            super().save_formset(request, form, formset, change)


class RepresentativeTagForm(CheckedForm):
    def check(self, candidate):
        services.check_representative_tag(candidate)


@admin.register(RepresentativeTag)
class RepresentativeTagAdmin(SavedThroughServices, HistoryAdmin):
    form = RepresentativeTagForm
    search_fields = ["name"]

    def create(self, request, values):
        return services.add_representative_tag(actor=request.user, **values)

    def change(self, request, tag, values):
        return services.rename_representative_tag(tag=tag, actor=request.user, **values)

    def delete_model(self, request, tag):
        services.remove_representative_tag(tag=tag, actor=request.user)

    def delete_queryset(self, request, queryset):
        for tag in queryset:
            services.remove_representative_tag(tag=tag, actor=request.user)


@admin.register(EnterpriseQualification)
class EnterpriseQualificationAdmin(KeptForLedgers, HistoryAdmin):
    """Read here, with their history: enterprises declare (and withdraw) them on their page,
    staff verify or reject them on theirs (/members/qualifications/review/), through
    members.services; never deleted here."""

    list_display = ["enterprise", "kind", "certificate_number", "valid_until", "verified_at",
                    "rejected_at"]  # fmt: skip
    list_filter = ["kind"]
    search_fields = ["enterprise__name", "certificate_number"]
    list_select_related = ["enterprise"]
    readonly_fields = [
        "enterprise", "kind", "certificate_number", "valid_until", "declared_at", "declared_by",
        "verified_at", "verified_by", "rejected_at", "rejected_by", "rejection_reason",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False
