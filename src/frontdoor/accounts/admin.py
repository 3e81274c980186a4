from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from frontdoor.accounts.models import User


@admin.register(User)
class FrontDoorUserAdmin(SimpleHistoryAdmin, UserAdmin):
    """Administrators manage accounts here; every change is kept in the account's history."""

    list_display = (
        "username",
        "first_name",
        "last_name",
        "role",
        "agency_key",
        "team",
        "is_active",
    )
    list_filter = ("role", "agency_key", "is_active")
    fieldsets = (
        # Django's UserAdmin sets its fieldsets; the stubs type the attribute as optional.
        *UserAdmin.fieldsets,  # type: ignore[misc]
        ("Front Door", {"fields": ("role", "agency_key", "team", "job_title")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        ("Front Door", {"fields": ("role", "agency_key", "team", "job_title")}),
    )
