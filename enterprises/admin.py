from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from enterprises.models import Enterprise, Industry, Tag


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Enterprise)
class EnterpriseAdmin(ImportExportModelAdmin):
    list_display = ["name", "uscc", "town", "industry", "scale", "production_status", "kind"]
    list_filter = ["production_status", "scale", "kind", "tags"]
    search_fields = ["name", "uscc"]
    list_select_related = ["town", "industry"]
    autocomplete_fields = ["town", "industry", "park"]
    filter_horizontal = ["tags"]
