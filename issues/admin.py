from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from accounts.admin import AuditedAdmin, ReadOnlyAdmin
from issues import deadlines, webhooks
from issues.models import (
    AssignmentCounter,
    CalendarYear,
    Meeting,
    MeetingItem,
    Notification,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketTask,
    Urging,
    WebhookDelivery,
    WorkCalendarDay,
)


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "from_status", "to_status", "note"]
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(AuditedAdmin):
    list_display = ["title", "enterprise", "status", "level", "owner_unit", "due_date"]
    list_filter = ["status", "level", "category", "urgency"]
    search_fields = ["title", "enterprise__name"]
    list_select_related = ["enterprise", "owner_unit"]
    raw_id_fields = ["enterprise", "raised_by", "assignee", "visit"]
    autocomplete_fields = ["owner_unit"]
    # Only the workflow service changes a ticket's status and what goes with it (DESIGN.md).
    # The 交办单 number is never given twice, so it is never typed either.
    readonly_fields = [
        "status",
        "level",
        "outcome",
        "rating",
        "version",
        "created_at",
        "solved_on_spot_by",
        "assignment_year",
        "assignment_seq",
        "urge_count",
    ]
    filter_horizontal = ["co_units"]
    inlines = [TicketEventInline]


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "ticket", "actor", "action", "from_status", "to_status"]
    list_filter = ["action"]
    list_select_related = ["ticket", "actor"]


class MeetingItemInline(admin.TabularInline):
    model = MeetingItem
    extra = 0
    raw_id_fields = ["ticket"]
    # A decision reassigns its ticket through the workflow (the meeting page), not here.
    readonly_fields = ["decision", "owner_unit", "due_date"]


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ["title", "kind", "scheduled_at", "chair"]
    list_filter = ["kind"]
    search_fields = ["title"]
    raw_id_fields = ["chair", "organiser"]
    filter_horizontal = ["units"]
    inlines = [MeetingItemInline]


@admin.register(Notification)
class NotificationAdmin(AuditedAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient", "ticket"]
    list_select_related = ["recipient"]


@admin.register(WorkCalendarDay)
class WorkCalendarDayAdmin(AuditedAdmin):
    """One day at a time (a typhoon closure, a correction); a whole year is entered on the
    holiday page (issues/calendar_views.py). Each edit recounts the open deadlines it touches."""

    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        moved_from = form.initial.get("date") if change else None
        super().save_model(request, obj, form, change)
        deadlines.recompute_later([d for d in (moved_from, obj.date) if d])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        deadlines.recompute_later([obj.date])

    def delete_queryset(self, request, queryset):
        dates = list(queryset.values_list("date", flat=True))
        super().delete_queryset(request, queryset)
        deadlines.recompute_later(dates)


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    """Written by the seed and the holiday page, which also store the year's days."""

    list_display = ["year", "source", "entered_by", "entered_at"]


@admin.register(MeetingItem)
class MeetingItemAdmin(AuditedAdmin):
    list_display = ["meeting", "ticket"]
    raw_id_fields = ["meeting", "ticket"]
    list_select_related = ["meeting", "ticket"]


@admin.register(TicketTask)
class TicketTaskAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "unit", "due_date", "answered_at"]
    list_select_related = ["ticket", "unit"]


@admin.register(TicketAttachment)
class TicketAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "name", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["ticket", "uploaded_by"]


@admin.register(Urging)
class UrgingAdmin(ReadOnlyAdmin):
    list_display = ["at", "ticket", "unit", "by"]
    list_select_related = ["ticket", "unit", "by"]


@admin.register(AssignmentCounter)
class AssignmentCounterAdmin(ReadOnlyAdmin):
    """The 交办单 numbers given so far: read-only, so a number is never given twice."""

    list_display = ["area", "year", "last"]
    list_select_related = ["area"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The delivery log of the API clients' webhooks; a delivery can be sent again."""

    list_display = ["created_at", "client", "event", "ticket", "state", "attempts", "last_status"]
    list_filter = ["state", "event", "client"]
    readonly_fields = [
        "id",
        "client",
        "event",
        "ticket",
        "state",
        "attempts",
        "next_attempt_at",
        "last_status",
        "last_error",
        "tries",
        "payload",
        "created_at",
        "delivered_at",
    ]
    actions = ["replay"]

    @admin.action(description=_("重新投递所选回调"))
    def replay(self, request, queryset):
        for delivery in queryset:
            webhooks.replay(delivery, by=request.user, request=request)
        messages.success(request, _("已重新排队投递。"))
