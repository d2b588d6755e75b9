from django.contrib import admin

from .models import Programme, ProgrammeVillage


class ProgrammeVillageInline(admin.TabularInline):
    model = ProgrammeVillage
    extra = 0
    raw_id_fields = ("village",)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "start_date", "planned_duration_months")
    list_filter = ("organisation",)
    search_fields = ("name",)
    inlines = [ProgrammeVillageInline]
