from django.contrib import admin

from accounts.admin import ReadOnlyAdmin
from reports.models import AreaFigures, FigureSnapshot, Notice


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["area", "kind", "period_start", "period_end", "generated_at"]
    list_filter = ["kind"]
    list_select_related = ["area"]


@admin.register(FigureSnapshot)
class FigureSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["date", "area", "name", "value"]
    list_filter = ["name"]
    list_select_related = ["area"]


@admin.register(AreaFigures)
class AreaFiguresAdmin(ReadOnlyAdmin):
    list_display = ["area", "kind", "day", "computed_at"]
    list_filter = ["kind"]
    list_select_related = ["area"]
