from django.contrib import admin

from xietong.audit.admin_mixins import AuditedAdminMixin

from .models import CalendarNotice


@admin.register(CalendarNotice)
class CalendarNoticeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("year", "source")
