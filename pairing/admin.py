from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from import_export.admin import ImportMixin

from accounts.admin import AuditedAdmin, CadreAdmin, ReadOnlyAdmin
from accounts.models import Cadre
from pairing.models import (
    Campaign,
    CampaignBatch,
    CoverageFigures,
    CoverageTarget,
    HelpMeasure,
    HelpPlan,
    Pairing,
    PeopleImport,
    ScheduledRun,
    ServiceGroup,
    Suggestion,
    SuggestionRun,
    Visit,
    WorkloadCap,
    WorkloadExtension,
)
from pairing.resources import CadreResource, PairingResource


class PlanImportMixin(ImportMixin):
    """The admin's import screens for a sheet planned and written by an import module
    (pairing.resources). No export here: cadres' phone numbers leave the system masked, through
    the pages that record who took the data. The audit trail records each import and each change
    it makes, so the admin's own log is not written twice."""

    skip_admin_log = True

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "request": request}

    def process_result(self, result, request):
        """A file confirmed after the data changed may no longer pass: nothing was written."""
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request, _("导入未完成：文件已不再符合规则，没有写入任何数据。请重新上传。")
            )
            opts = self.model._meta
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_import")
        return super().process_result(result, request)


# The cadre's admin page is the accounts app's; the import screens are added here, where the
# import's rules live (accounts depends on nothing above it).
admin.site.unregister(Cadre)


@admin.register(Cadre)
class CadreImportAdmin(PlanImportMixin, CadreAdmin):
    resource_classes = [CadreResource]


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
    list_display = ["name", "kind", "campaign", "lead_unit", "lead_cadre"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["campaign", "lead_unit", "lead_cadre__user"]
    raw_id_fields = ["lead_cadre", "members"]


@admin.register(Pairing)
class PairingAdmin(PlanImportMixin, AuditedAdmin):
    # Imports within the importing admin's jurisdiction, as the organisers' import page does.
    resource_classes = [PairingResource]
    list_display = ["cadre", "enterprise", "campaign", "role", "start", "end"]
    list_filter = ["role", "campaign"]
    search_fields = ["enterprise__name", "cadre__user__display_name", "cadre__staff_no"]
    list_select_related = ["cadre__user", "enterprise", "campaign"]
    raw_id_fields = ["cadre", "enterprise", "created_by", "batch", "group"]


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
    list_display = ["campaign", "name", "tag", "target_count", "target_percent"]
    list_select_related = ["campaign", "tag"]
    raw_id_fields = ["enterprises"]


@admin.register(WorkloadCap)
class WorkloadCapAdmin(AuditedAdmin):
    list_display = ["campaign", "rank", "cap"]
    list_select_related = ["campaign"]


@admin.register(WorkloadExtension)
class WorkloadExtensionAdmin(AuditedAdmin):
    list_display = ["campaign", "category", "extra"]
    list_select_related = ["campaign"]


@admin.register(CoverageFigures)
class CoverageFiguresAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "path", "batch_id_key", "group_id_key", "version", "computed_at"]
    list_select_related = ["campaign"]
    exclude = ["data"]


class HelpMeasureInline(admin.TabularInline):
    model = HelpMeasure
    extra = 0
    raw_id_fields = ["owner_unit", "tickets"]


@admin.register(HelpPlan)
class HelpPlanAdmin(AuditedAdmin):
    inlines = [HelpMeasureInline]
    list_display = ["enterprise", "responsible", "target_date", "done"]
    list_filter = ["done"]
    search_fields = ["enterprise__name", "responsible"]
    list_select_related = ["enterprise"]
    raw_id_fields = ["enterprise", "created_by"]


@admin.register(HelpMeasure)
class HelpMeasureAdmin(AuditedAdmin):
    list_display = ["text", "plan", "owner_unit", "owner_name", "due_date", "state"]
    list_filter = ["state"]
    search_fields = ["text", "owner_name", "plan__enterprise__name"]
    list_select_related = ["plan__enterprise", "owner_unit"]
    raw_id_fields = ["plan", "owner_unit", "tickets"]


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


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    """Each periodic job's run slots: claimed by one scheduler, sent, finished (schedule.py)."""

    list_display = ["name", "slot", "claimed_at", "enqueued_at", "finished_at"]
    list_filter = ["name"]
    date_hierarchy = "slot"
