"""A list of short texts stored as JSON and edited as one comma-separated input (keywords, option values)."""

from django import forms
from django.db import models
from django.utils.text import capfirst


class CommaListFormField(forms.CharField):
    def __init__(self, *, parse=None, **kwargs):
        kwargs.pop("encoder", None)
        kwargs.pop("decoder", None)
        kwargs.pop("max_length", None)
        self.parse = parse or (lambda text: [p.strip() for p in text.split(",") if p.strip()])
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return self.parse(text) if text else []

    def has_changed(self, initial, data):
        return list(initial or []) != self.to_python(data)


class CommaListField(models.JSONField):
    """``parse`` turns the input text into the list (and may raise ValidationError naming the field)."""

    def __init__(self, *args, parse=None, **kwargs):
        self.parse = parse
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        options = {
            "parse": self.parse,
            "required": not self.blank,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
        }
        if kwargs.get("widget") is not None:
            options["widget"] = kwargs["widget"]
        return CommaListFormField(**options)
