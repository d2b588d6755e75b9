from django.contrib import admin

from .models import Membership, Organisation, VillageAssignment


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [MembershipInline]


@admin.register(VillageAssignment)
class VillageAssignmentAdmin(admin.ModelAdmin):
    list_display = ("membership", "village", "since")
    raw_id_fields = ("village",)
