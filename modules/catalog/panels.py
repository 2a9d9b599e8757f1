"""Panels of the product page that Wagtail has no stock panel for: notice items, SKU table, edit history."""

from django.utils.safestring import mark_safe
from wagtail.admin.panels import ObjectList, Panel, TabbedInterface

from . import notice
from .models import SkuStatus


class ProductTabbedInterface(TabbedInterface):
    """Leaves the per-product fields (notice items, SKU rows) to the panels that render them."""

    class BoundPanel(TabbedInterface.BoundPanel):
        def render_missing_fields(self):
            rendered = set(self.panel.get_form_options().get("fields", []))
            rendered |= set(getattr(self.form, "dynamic_field_names", ()))
            return mark_safe(  # noqa: S308 - bound fields render escaped HTML
                "".join(str(self.form[name]) for name in self.form.fields if name not in rendered)
            )


class Tab(ObjectList):
    """A tab with a fixed identifier (tab-<name>), whatever the language of its heading."""

    def __init__(self, children=(), *args, name="", **kwargs):
        super().__init__(children, *args, **kwargs)
        self.tab_name = name

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        kwargs["name"] = self.tab_name
        return kwargs

    @property
    def clean_name(self):
        return self.tab_name or super().clean_name


class _TemplatePanel(Panel):
    template_name = ""

    def get_form_options(self):
        return {}

    class BoundPanel(Panel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.template_name = self.panel.template_name


class NoticePanel(_TemplatePanel):
    """Every notice item with a "see detail page" box; rows follow the chosen category (shown by script)."""

    template_name = "catalog/panels/notice.html"

    class BoundPanel(_TemplatePanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["rows"] = list(self.form.notice_rows())
            context["any_shown"] = any(row["shown"] for row in context["rows"])
            context["item_order"] = {category.code: list(category.items) for category in notice.CATEGORIES}
            return context


class SkuTablePanel(_TemplatePanel):
    template_name = "catalog/panels/sku_table.html"

    class BoundPanel(_TemplatePanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            rows = getattr(self.form, "sku_rows", [])
            context["rows"] = rows
            context["active_count"] = sum(1 for row in rows if row["sku"].status != SkuStatus.RETIRED)
            context["saved"] = bool(self.instance.pk)
            if self.instance.pk:
                context["bulk_extra_price"] = self.form["bulk_extra_price"]
                context["bulk_status"] = self.form["bulk_status"]
                context["bulk_code_prefix"] = self.form["bulk_code_prefix"]
            return context


class HistoryPanel(_TemplatePanel):
    template_name = "catalog/panels/history.html"
    limit = 200

    class BoundPanel(_TemplatePanel.BoundPanel):
        def get_context_data(self, parent_context=None):
            from .selectors import product_changes

            context = super().get_context_data(parent_context)
            context["changes"] = list(product_changes(self.instance)[: self.panel.limit]) if self.instance.pk else []
            return context
