from django.contrib import admin

from survey.models import County, Group, Grouping, GroupMembership, ReportingUnit, UnitAssignment


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


admin.site.register([County, Grouping, Group, GroupMembership])
