from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin

from accounts.admin import AuditedAdmin, MaskedPIIAdmin, ReadOnlyAdmin
from accounts.masking import mask_phone
from enterprises.models import (
    Enterprise,
    FirmAccount,
    HeaderAlias,
    Industry,
    PortalCode,
    RosterImport,
    Tag,
)
from enterprises.resources import EnterpriseResource


@admin.register(Industry)
class IndustryAdmin(AuditedAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


@admin.register(Tag)
class TagAdmin(AuditedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Enterprise)
class EnterpriseAdmin(ImportMixin, MaskedPIIAdmin):
    # Import through the roster's own rules (enterprises.resources). No export here: the roster
    # list's export masks phone numbers and records who took the data.
    resource_classes = [EnterpriseResource]
    pii_fields = ("contact_phone",)

    @admin.display(description=_("联系电话"))
    def masked_contact_phone(self, obj):
        return mask_phone(obj.contact_phone) if obj else ""

    list_display = ["name", "uscc", "town", "industry", "scale", "production_status", "kind"]
    list_filter = ["production_status", "scale", "kind", "tags"]
    search_fields = ["name", "uscc"]
    list_select_related = ["town", "industry"]
    autocomplete_fields = ["town", "industry", "park"]
    filter_horizontal = ["tags"]


@admin.register(RosterImport)
class RosterImportAdmin(ReadOnlyAdmin):
    list_display = ["filename", "uploaded_by", "uploaded_at", "status", "rows", "error_count"]
    list_filter = ["status"]
    list_select_related = ["uploaded_by"]
    exclude = ["errors"]


@admin.register(HeaderAlias)
class HeaderAliasAdmin(AuditedAdmin):
    """Headers mapped on a roster preview; an admin removes one mapped by mistake here."""

    list_display = ["header", "field", "unit", "kind", "created_by", "created_at"]
    list_filter = ["kind", "field"]
    search_fields = ["header"]
    list_select_related = ["unit", "created_by"]
    raw_id_fields = ["unit", "created_by"]


@admin.register(FirmAccount)
class FirmAccountAdmin(ReadOnlyAdmin):
    """Made by a firm's first sign-in to the portal; read here, never edited."""

    list_display = ["enterprise", "created_at", "last_signed_in"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    list_select_related = ["enterprise"]
    fields = ["enterprise", "created_at", "last_signed_in"]


@admin.register(PortalCode)
class PortalCodeAdmin(ReadOnlyAdmin):
    """The portal's sign-in codes, for tracing a firm's complaint: when, from where, how many
    tries, used or not. Never the code or the number."""

    list_display = ["enterprise", "created_at", "ip", "attempts", "used_at"]
    list_select_related = ["enterprise"]
    fields = ["enterprise", "created_at", "expires_at", "ip", "attempts", "used_at"]
