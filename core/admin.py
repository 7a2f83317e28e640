"""What every admin page of the portal shares: the site, whose every add page adds once
however often it is sent, history shown in the page's language, records kept for the ledgers
that the admin never deletes, the one page that asks for a reason (or a message) before an
action calls its service, and add and change pages that save through their app's services."""

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.utils import display_for_field
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models
from django.forms.models import construct_instance
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from . import pagecache
from .counts import cached_count
from .paginator import MirroredPaginator
from .submissions import OncePerForm, create_once

ONCE_FIELD = "submission"  # OncePerForm's field


class AddsOnce:
    """An add page that adds once, however often and however fast it is sent: its form carries
    the token of every create form (core/submissions.py), drawn when the page is shown and
    written by templates/admin/change_form.html whatever the page's fieldsets, and the object
    is saved through `create_once`. A repeat lands on the first sending's object, whose inlines,
    many-to-many fields and log entry were saved with it; a page shown afresh adds anew.

    The portal's site (`PortalAdminSite`) mixes it into every model admin registered, the other
    packages' included: nothing to remember for a new one."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None and not issubclass(form, OncePerForm):
            # Named as the form it extends: the name is part of the token's claim.
            form = type(form.__name__, (OncePerForm, form), {"__module__": form.__module__})
        return form

    def get_fields(self, request, obj=None):
        # Written once by the template, not in a fieldset (declared fieldsets do not name it).
        return [name for name in super().get_fields(request, obj) if name != ONCE_FIELD]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        saved = create_once(form, lambda: self.add(request, obj, form))
        # A repeat of a page already saved: its inlines and log entry were saved with it.
        request.repeated_add = getattr(form, "submission_repeated", False)
        # The admin goes on with `obj` (inlines, its log, the redirect): the one saved first.
        obj.__dict__.update(saved.__dict__)
        return None

    def add(self, request, obj, form):
        """Save the new `obj` and return what was saved (as ModelAdmin.save_model, unless
        the admin saves through a service)."""
        super().save_model(request, obj, form, False)
        return obj

    def save_related(self, request, form, formsets, change):
        if getattr(request, "repeated_add", False):
            for formset in formsets:  # saved with the first sending: nothing new here
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)

    def log_addition(self, request, obj, message):
        if not getattr(request, "repeated_add", False):
            return super().log_addition(request, obj, message)
        return None


class PortalAdminSite(admin.AdminSite):
    """The admin site (ylqgsl/third_party.py makes it the default): every model admin
    registered on it adds once (`AddsOnce`)."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, AddsOnce):
            admin_class = type(
                admin_class.__name__,
                (AddsOnce, admin_class),
                {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
            )
        super().register(model_or_iterable, admin_class, **options)


class LongList:
    """A changelist as quick at 100,000 rows as at 100 (bench/admin.py): its count kept until
    the table changes (core/counts.py) instead of counted on every page, its pages read by the
    mirrored paginator (the last as cheap as the first, a deep page by its keys), and no
    second count of the whole table. The model's order needs an index for a page to be read
    from it rather than the table sorted (the admin ends the order with the primary key when
    it is not unique already: the index must too).

    The page itself, once rendered, is kept in the page cache (docs/caching.md) for the user
    who asked, until a table it shows changes: rendering fifty rows through the admin's
    templates costs far more than reading them. It varies on the user (their name, and the
    actions, links and models their permissions give), the language, the day and the query;
    it is keyed on the stamps of the model's table, of every table its keys point to and of
    the users' and permissions' tables; the CSRF token is filled in per request. A page with
    messages to show, a pop-up, or anything but a page of the list is rendered as Django
    does."""

    show_full_result_count = False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return MirroredPaginator(
            queryset, per_page, orphans, allow_empty_first_page, counter=cached_count
        )

    def shown_tables(self) -> tuple:
        """The tables a page of the list shows: its own, those its keys point to (a row's
        related names), and who the user is and may do (header, actions, the side menu)."""
        User = get_user_model()
        related = {f.related_model for f in self.model._meta.fields if f.is_relation}
        return (
            self.model, *sorted(related, key=lambda m: m._meta.label),
            User, User.groups.through, User.user_permissions.through,
            Group, Group.permissions.through, Permission,
        )  # fmt: skip

    def changelist_view(self, request, extra_context=None):
        plain = (
            not pagecache.enabled()
            or request.method != "GET"
            or IS_POPUP_VAR in request.GET
            or TO_FIELD_VAR in request.GET
            or len(messages.get_messages(request))  # shown once: not kept
        )
        if plain:
            return super().changelist_view(request, extra_context)
        answer = {}

        def render():
            context = {**(extra_context or {}), "csrf_token": pagecache.CSRF_PLACEHOLDER}
            response = super(LongList, self).changelist_view(request, context)
            if not isinstance(response, TemplateResponse) or response.status_code != 200:
                answer["response"] = response  # a redirect (a wrong filter), a refusal
                return None  # not kept
            return str(response.render().content, response.charset)

        page = pagecache.cached_fragment(
            "admin-list",
            depends_on=self.shown_tables(),
            vary_on=(
                self.model._meta.label,
                request.user.pk,
                translation.get_language(),
                timezone.localdate().isoformat(),
                sorted(request.GET.lists()),
            ),
            render=render,
            shared=not request.GET.get(SEARCH_VAR),  # a search, typed once: this process's
        )
        if page is None:
            return answer["response"]
        return HttpResponse(pagecache.fill_csrf(request, page))


class ReadableChanges(HistoricalRecordContextHelper):
    """A change in history as the admin shows the field: a choice by its label, a date in the
    one date format, yes or no (simple-history shows the stored codes and ISO times)."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        if isinstance(field, models.BooleanField):
            return _gettext("Yes") if value else _gettext("No")
        return display_for_field(value, field, "—")


class HistoryAdmin(SimpleHistoryAdmin):
    """History to read, never to revert: a revert would save old values past the services
    that every change goes through (a status, a term's dates, a petition's step)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":  # simple-history saves a POST even with revert disabled
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class KeptForLedgers:
    """Records the ledgers count: never deleted, neither by the action nor the delete page
    (members are withdrawn, events cancelled, petitions closed)."""

    def has_delete_permission(self, request, obj=None):
        return False


class CheckedRowForm(forms.ModelForm):
    """A form checked by its service's rules: `check(candidate)` gets the object as the form
    would leave it (not saved) and raises the service's ValidationError, which the form shows
    by the field it names (or above the form, for a field the page does not edit). As it is,
    the form of an inline's row (see `save_rows`)."""

    def check(self, candidate):
        raise NotImplementedError

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data  # the fields' own messages first
        candidate = construct_instance(self, copy.copy(self.instance))
        try:
            self.check(candidate)
        except ValidationError as refusal:
            for field, errors in refusal.update_error_dict({}).items():
                self.add_error(field if field in self.fields else NON_FIELD_ERRORS, errors)
        return cleaned_data

    def validate_unique(self):
        # After a refusal, not Django's generic "constraint violated" for the same fault.
        if not self.errors:
            super().validate_unique()


class CheckedForm(OncePerForm, CheckedRowForm):
    """The add or change form of a page saved through services (CheckedRowForm). Its add page
    carries the token of every create form (core/submissions.py): sent twice, it adds once."""


class SavedThroughServices(AddsOnce):
    """A model admin whose add and change pages save by calling the app's services:
    `create(request, values)` returns the new object, `change(request, obj, values)` changes
    one (`values`: the form's fields, the changed ones only for a change; not called when none
    changed). Its form is a CheckedForm, so a refusal shows on the form; should the service
    still refuse when it saves (someone changed the organisation meanwhile), nothing is saved
    and the page says why. The add page adds once (`AddsOnce`: `create` is called through
    `create_once`)."""

    def create(self, request, values):
        raise NotImplementedError

    def change(self, request, obj, values):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)  # calls `add`, once
        values = self.values(form, form.changed_data)
        if not values:
            return None  # sent back unchanged: nothing to save (its inlines may have changed)
        # The admin goes on with `obj` (inlines, its log, the redirect): it becomes the saved one.
        obj.__dict__.update(self.change(request, obj, values).__dict__)
        return None

    def add(self, request, obj, form):
        return self.create(request, self.values(form, form.fields))

    @staticmethod
    def values(form, names):
        # Not the token, which the form keeps apart (core/submissions.py).
        return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ValidationError as refusal:  # the page's transaction was rolled back
            for message in refusal.messages:
                self.message_user(request, message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


def save_rows(formset, *, add, change, remove):
    """Save an inline's rows through services, as `formset.save()` would save them itself:
    `add(values)` for a new row, `change(obj, values)` for a changed one (its changed fields
    only), `remove(obj)` for one marked for deletion. The formset then lists what was saved,
    for the admin's log. Its forms are CheckedRowForms, so a refusal showed on the row."""
    skip = {formset.fk.name, formset.model._meta.pk.name, "DELETE"}

    def values(form, names):
        return {name: form.cleaned_data[name] for name in names if name not in skip}

    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.initial_forms:
        obj = form.instance
        if formset.can_delete and formset._should_delete_form(form):
            remove(obj)
            formset.deleted_objects.append(obj)
        elif form.has_changed():
            saved = change(obj, values(form, form.changed_data))
            formset.changed_objects.append((saved, form.changed_data))
    for form in formset.extra_forms:
        if form.has_changed() and not (formset.can_delete and formset._should_delete_form(form)):
            formset.new_objects.append(add(values(form, form.cleaned_data)))


class ReasonForm(forms.Form):
    # Not required here: the service refuses a missing reason, with its own message.
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea, required=False
    )


def ask_then_act(model_admin, request, queryset, *, title, form_class, act=None, act_on_all=None):
    """The intermediate page of an action: show the selection and `form_class`; once it is
    sent back valid, call `act(obj, **form.cleaned_data)` for each selected object (through
    `act_on_each`), or `act_on_all(queryset, **form.cleaned_data)` once for the whole
    selection (a bulk service, which reports to staff itself, or answers with the page of a
    background job doing it).

    With "select all" the selection is the whole filtered list: the page counts it and sends
    back only the ids the list page posted (Django's changelist runs no action without them),
    not one per row."""
    form = form_class(request.POST if "confirm" in request.POST else None)
    if form.is_bound and form.is_valid():
        if act_on_all is not None:
            return act_on_all(queryset, **form.cleaned_data)  # a page to go to, or None
        act_on_each(model_admin, request, queryset, title=title, act=act, **form.cleaned_data)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "count": queryset.count(),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "opts": model_admin.model._meta,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "admin/ask_then_act.html", context)


def act_on_each(model_admin, request, queryset, *, title, act, **data):
    """`act(obj, **data)` for each selected object: what the service refuses (the model
    admin's `refusals`, exception classes) is shown with the service's own message, object by
    object, and the rest go through."""
    done = 0
    for obj in queryset:
        try:
            act(obj, **data)
        except model_admin.refusals as refusal:
            model_admin.message_user(request, f"{obj}：{refusal}", messages.ERROR)
        else:
            done += 1
    if done:
        model_admin.message_user(
            request, _("%(title)s: %(count)d done.") % {"title": title, "count": done}
        )


PERMISSION_VERBS = {
    "add": _("Add"),
    "change": _("Change"),
    "delete": _("Delete"),
    "view": _("View"),
}


def permission_label(permission) -> str:
    """A permission in the page's language (Django stores its name in English)."""
    verb, _sep, _model = permission.codename.partition("_")
    return f"{permission.content_type} | {PERMISSION_VERBS.get(verb, permission.name)}"


class PermissionsOfAdminPages:
    """Offers the permissions of the models that have an admin page (the internal tables,
    history rows and counters have none to grant), named in the page's language."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in ("permissions", "user_permissions"):
            kwargs["queryset"] = Permission.objects.filter(
                content_type__in=ContentType.objects.get_for_models(
                    *self.admin_site._registry
                ).values()
            ).select_related("content_type")
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        return field
