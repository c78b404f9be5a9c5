from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import Case, Incident, Participant, Person, ViolenceSubtype


@admin.register(ViolenceSubtype)
class ViolenceSubtypeAdmin(admin.ModelAdmin):
    list_display = ["name", "form", "code", "is_active"]
    list_filter = ["form", "is_active"]
    search_fields = ["name", "name_en", "code"]


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["number", "owner", "district", "status", "risk_level", "reported_at"]
    list_filter = ["status", "risk_level", "district", "confidential"]
    search_fields = ["number"]
    raw_id_fields = ["responsible", "consent_recorded_by", "created_by"]
    inlines = [ParticipantInline]
    date_hierarchy = "reported_at"


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "patronymic", "birth_date", "sex"]
    search_fields = ["last_name", "first_name"]


@admin.register(Incident)
class IncidentAdmin(SimpleHistoryAdmin):
    list_display = ["case", "occurred_at", "forms"]
    raw_id_fields = ["case", "recorded_by"]
