"""Staff keep events and their records here too; the staff pages cover the daily work.

Registrations, donations and problems raised are history: the admin never deletes them
(cancel a registration, correct a donation instead).
"""

from django.contrib import admin

from core.admin import HistoryAdmin, KeptForLedgers, LongList

from .models import Donation, Event, EventPhoto, Invitation, RaisedProblem, Registration


class EventPhotoInline(admin.TabularInline):
    model = EventPhoto
    extra = 0


@admin.register(Event)
class EventAdmin(KeptForLedgers, HistoryAdmin):
    list_display = ["title", "kind", "starts_at", "audience", "status", "organizer"]
    list_filter = ["status", "kind", "audience"]
    search_fields = ["title", "venue"]
    date_hierarchy = "starts_at"
    list_select_related = ["organizer"]
    autocomplete_fields = ["organizer"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [EventPhotoInline]


@admin.register(Invitation)
class InvitationAdmin(LongList, HistoryAdmin):
    list_display = ["__str__", "event", "response", "attendees", "sent_at", "reminded_at"]
    list_filter = ["response"]
    # Newest first, on the primary key's index (the model's order is its events' dates, which
    # would sort every invitation joined to its event on each page).
    ordering = ["-id"]
    search_fields = ["guest_name", "enterprise__name", "user__real_name", "event__title"]
    list_select_related = ["event", "enterprise", "user"]
    autocomplete_fields = ["event", "enterprise", "user"]
    readonly_fields = ["responded_at", "sent_at", "reminded_at"]


@admin.register(Registration)
class RegistrationAdmin(LongList, KeptForLedgers, HistoryAdmin):
    list_display = ["person_name", "event", "enterprise", "seats", "status", "checked_in_at"]
    list_filter = ["status", "walk_in"]
    ordering = ["-id"]  # as the invitations
    search_fields = ["person_name", "enterprise__name", "event__title"]
    list_select_related = ["event", "enterprise"]
    autocomplete_fields = [
        "event",
        "user",
        "enterprise",
        "invitation",
        "checked_in_by",
        "decided_by",
    ]
    readonly_fields = ["created_at", "promoted_at", "cancelled_at"]


@admin.register(RaisedProblem)
class RaisedProblemAdmin(KeptForLedgers, HistoryAdmin):
    list_display = ["__str__", "event", "enterprise", "created_at"]
    search_fields = ["text", "enterprise__name", "event__title"]
    list_select_related = ["event", "enterprise"]
    autocomplete_fields = ["event", "enterprise", "recorded_by"]


@admin.register(Donation)
class DonationAdmin(KeptForLedgers, HistoryAdmin):
    list_display = ["__str__", "event", "cash_yuan", "goods_value_yuan", "received_on"]
    date_hierarchy = "received_on"
    list_select_related = ["event", "enterprise", "organization"]
    autocomplete_fields = ["event", "enterprise", "organization", "recorded_by"]
