from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import KeptForLedgers, LongList

from . import kinds
from .models import EmailOptOut, Notice


class KindFilter(admin.SimpleListFilter):
    """The kinds as registered (notices/kinds.py), by their labels: the stock filter of a
    field without choices lists its values with a DISTINCT over every row."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kinds.choices()

    def queryset(self, request, queryset):
        if self.value() not in dict(self.lookup_choices):
            return queryset
        return queryset.filter(kind=self.value())


@admin.register(Notice)
class NoticeAdmin(LongList, KeptForLedgers, admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at", "email_state"]
    # The fastest-growing table: a date hierarchy lists its dates with a DISTINCT over every
    # row, and the full count is another pass; the date filter's ranges need neither.
    list_filter = [KindFilter, "email_state", "created_at"]
    search_fields = ["subject", "key", "recipient__email", "recipient__real_name"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notice._meta.fields if f.name != "public_id"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        notices = super().get_queryset(request)
        if not request.user.is_superuser:
            # E-mails to no account (a password reset's link, a guest's invitation, an error
            # report) are the administrators' alone; staff see the notices to users.
            notices = notices.filter(recipient__isnull=False)
        return notices


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin):
    list_display = ["user", "kind"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]
