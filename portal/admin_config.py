"""django.contrib.admin, with the audited site (`portal.admin_site`) as `admin.site`.

A module of its own: INSTALLED_APPS imports it before the models exist, and the site it names
is imported only when the admin is first used."""

from django.contrib.admin.apps import AdminConfig


class AuditedAdminConfig(AdminConfig):
    default_site = "portal.admin_site.AuditedAdminSite"
