from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form renders its fields the same way: label, widget, help, error beside the field."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
