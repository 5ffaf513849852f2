"""Pages anyone may read without logging in: the accessibility statement the law requires
(lagen (2018:1937) om tillgänglighet till digital offentlig service)."""

from django.views.generic import TemplateView

accessibility = TemplateView.as_view(template_name="core/accessibility.html")
