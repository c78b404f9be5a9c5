"""How form widgets are drawn (settings.FORM_RENDERER).

Django's own widget templates exist for Jinja2 too, and draw the same HTML several times faster
than the template language: the case page draws about 120 widgets, the case list ten. The admin's
widgets (the related-object wrapper, the date and time pickers) exist only as Django templates,
so a name Jinja2 does not have is drawn by the template language, as before."""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class WidgetRenderer(Jinja2):
    def __init__(self):
        super().__init__()
        self.fallback = DjangoTemplates()

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return self.fallback.get_template(template_name)
