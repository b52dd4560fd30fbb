from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AnnualFigure, Branch, County, Member, Township, User


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "division_code"]


@admin.register(Township)
class TownshipAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "site_type", "division_code"]
    list_filter = ["county", "site_type"]
    search_fields = ["name"]


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["name", "township", "kind", "site_type", "households", "population"]
    list_filter = ["township", "kind", "site_type"]
    search_fields = ["name", "division_code"]
    inlines = [MemberInline]


@admin.register(AnnualFigure)
class AnnualFigureAdmin(admin.ModelAdmin):
    list_display = ["branch", "year", "collective_income", "recorded_by", "recorded_at"]
    list_filter = ["year"]

    # Append-only: a correction is a new record, never an edit.
    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "gender", "birth_year", "post"]
    list_filter = ["post", "gender"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "county", "township", "branch", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("角色与单位", {"fields": ("full_name", "role", "county", "township", "branch")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("角色与单位", {"fields": ("full_name", "role", "county", "township", "branch")}),
    )

    def save_model(self, request, obj, form, change):
        # an account an administrator creates, or whose password an administrator sets, changes it at first login
        if not change or "password" in form.changed_data:
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            User.objects.filter(pk=id).update(must_change_password=True)
        return response
