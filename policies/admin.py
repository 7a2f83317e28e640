"""The policies in the admin: topics are kept here; policies are read here (their history
above all) and written on staff's pages (/policies/staff/), where the form shows the
eligibility in friendly widgets and every write goes through policies.services."""

from django.contrib import admin

from core.admin import HistoryAdmin, KeptForLedgers

from .models import Policy, PolicyAttachment, Topic


@admin.register(Topic)
class TopicAdmin(KeptForLedgers, admin.ModelAdmin):
    """Topics are added and renamed here, never deleted: a deletion would silently end the
    enterprises' subscriptions to it and take it off every policy."""

    list_display = ["name", "name_en", "code", "order"]
    list_editable = ["order"]
    search_fields = ["name", "name_en", "code"]


class AttachmentInline(admin.TabularInline):
    model = PolicyAttachment
    extra = 0
    can_delete = False
    fields = ["original_name", "size", "content_type", "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(KeptForLedgers, HistoryAdmin):
    """Read-mostly: every field shown, none typed here; the history of every version."""

    list_display = ["title", "document_number", "status", "issued_on", "window_closes"]
    list_filter = ["status", "topics", "departments"]
    search_fields = ["title", "document_number"]
    date_hierarchy = "issued_on"
    inlines = [AttachmentInline]

    # Every field but the keys and the search's pinyin, none of them typed here.
    fields = readonly_fields = [
        "title", "status", "departments", "document_number", "issued_on", "valid_from",
        "valid_until", "window_opens", "window_closes", "topics", "summary", "body",
        "interpretation", "beneficiaries", "conditions", "benefit", "time_to_payment",
        "where_to_apply", "contact", "industries", "sizes", "townships", "min_years_founded",
        "max_years_founded", "members_only", "qualifications", "unchecked_conditions",
        "published_at", "published_by", "withdrawn_at", "withdrawn_by", "withdrawal_reason",
        "created_by", "created_at", "updated_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False
