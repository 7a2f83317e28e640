from django.contrib import admin

from core.admin import KeptForLedgers

from .models import EmailOptOut, Notice


@admin.register(Notice)
class NoticeAdmin(KeptForLedgers, admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "created_at", "read_at", "email_state"]
    list_filter = ["kind", "email_state"]
    search_fields = ["subject", "key", "recipient__email", "recipient__real_name"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notice._meta.fields if f.name != "public_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False


@admin.register(EmailOptOut)
class EmailOptOutAdmin(admin.ModelAdmin):
    list_display = ["user", "kind"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]
