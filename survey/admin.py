from django.contrib import admin

from survey.models import AuditEvent, County, Group, Grouping, GroupMembership, ReportingUnit, UnitAssignment


@admin.register(ReportingUnit)
class ReportingUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "county", "valid_from", "valid_to"]
    list_filter = ["kind", "county"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "successor"]


@admin.register(UnitAssignment)
class UnitAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "created_at"]
    raw_id_fields = ["user", "unit"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "code", "actor", "unit"]
    list_filter = ["code"]

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


admin.site.register([County, Grouping, Group, GroupMembership])
