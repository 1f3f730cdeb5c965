from django.contrib import admin

from accounts.admin import AuditedAdmin, ReadOnlyAdmin
from pairing.models import (
    Campaign,
    CampaignBatch,
    CoverageTarget,
    HelpPlan,
    Pairing,
    PeopleImport,
    ServiceGroup,
    Suggestion,
    SuggestionRun,
    Visit,
)


class BatchInline(admin.TabularInline):
    model = CampaignBatch
    extra = 0


class TargetInline(admin.TabularInline):
    model = CoverageTarget
    extra = 0


class GroupInline(admin.TabularInline):
    model = ServiceGroup
    extra = 0
    autocomplete_fields = ["lead_unit"]


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin):
    list_display = ["name", "scope_unit", "start", "end", "visit_every_days"]
    search_fields = ["name"]
    autocomplete_fields = ["scope_unit"]
    list_select_related = ["scope_unit"]
    inlines = [BatchInline, TargetInline, GroupInline]


@admin.register(ServiceGroup)
class ServiceGroupAdmin(AuditedAdmin):
    list_display = ["name", "kind", "campaign", "lead_unit"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["campaign", "lead_unit"]


@admin.register(Pairing)
class PairingAdmin(AuditedAdmin):
    list_display = ["cadre", "enterprise", "campaign", "role", "start", "end"]
    list_filter = ["role", "campaign"]
    search_fields = ["enterprise__name", "cadre__user__display_name", "cadre__staff_no"]
    list_select_related = ["cadre__user", "enterprise", "campaign"]
    raw_id_fields = ["cadre", "enterprise", "created_by"]


@admin.register(Visit)
class VisitAdmin(AuditedAdmin):
    list_display = ["date", "enterprise", "cadre", "mode", "output_status"]
    list_filter = ["mode", "output_status"]
    search_fields = ["enterprise__name", "cadre__user__display_name"]
    list_select_related = ["enterprise", "cadre__user"]
    raw_id_fields = ["cadre", "enterprise"]
    date_hierarchy = "date"


@admin.register(CampaignBatch)
class CampaignBatchAdmin(AuditedAdmin):
    list_display = ["name", "campaign", "start"]
    list_select_related = ["campaign"]


@admin.register(CoverageTarget)
class CoverageTargetAdmin(AuditedAdmin):
    list_display = ["campaign", "tag", "target_percent"]
    list_select_related = ["campaign", "tag"]


@admin.register(HelpPlan)
class HelpPlanAdmin(AuditedAdmin):
    list_display = ["enterprise", "responsible", "target_date", "done"]
    list_filter = ["done"]
    search_fields = ["enterprise__name", "responsible"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise", "created_by"]


@admin.register(SuggestionRun)
class SuggestionRunAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "area", "created_by", "created_at", "uncovered", "unmatched"]
    list_select_related = ["campaign", "area", "created_by"]


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyAdmin):
    list_display = ["run", "enterprise", "cadre", "rule", "decision"]
    list_filter = ["rule", "decision"]
    list_select_related = ["run__campaign", "enterprise", "cadre__user"]


@admin.register(PeopleImport)
class PeopleImportAdmin(ReadOnlyAdmin):
    list_display = [
        "filename",
        "kind",
        "uploaded_by",
        "uploaded_at",
        "status",
        "rows",
        "error_count",
    ]
    list_filter = ["kind", "status"]
    list_select_related = ["uploaded_by"]
    exclude = ["errors"]
