from decimal import Decimal

import pytest
from import_export import fields, resources

from modules.accounts.models import AllowedIP
from modules.spreadsheets.importexport import (
    FormulaEscapingMixin,
    KoreanIntegerWidget,
    KoreanMoneyWidget,
    KoreanNumberWidget,
    LayoutResourceMixin,
    dataset_from_upload,
)
from modules.spreadsheets.layouts import LayoutColumn

from .files import xlsx_bytes


def test_korean_number_widgets():
    assert KoreanNumberWidget().clean("1,234.5원") == Decimal("1234.5")
    assert KoreanIntegerWidget().clean("△1,000") == -1000
    assert KoreanMoneyWidget().clean("₩1,234") == 1234
    assert KoreanMoneyWidget().clean("3만원") == 30000
    assert KoreanMoneyWidget().clean("") is None
    with pytest.raises(ValueError):
        KoreanMoneyWidget().clean("12.5원")


class AllowedIPResource(LayoutResourceMixin, FormulaEscapingMixin, resources.ModelResource):
    network = fields.Field(attribute="network", column_name="network")
    memo = fields.Field(attribute="memo", column_name="memo")

    class Meta:
        model = AllowedIP
        fields = ("network", "memo")
        import_id_fields = ("network",)


@pytest.mark.django_db
def test_resource_export_escapes_formulas_in_layout_order():
    AllowedIP.objects.create(network="10.0.0.0/8", memo='=HYPERLINK("http://evil")')
    AllowedIP.objects.create(network="10.1.0.0/16", memo="-2+3")
    resource = AllowedIPResource(layout_columns=[LayoutColumn("memo", "메모"), LayoutColumn("network", "IP 대역")])
    dataset = resource.export(AllowedIP.objects.order_by("network"))
    assert dataset.headers == ["메모", "IP 대역"]
    assert dataset[0] == ('\'=HYPERLINK("http://evil")', "10.0.0.0/8")
    assert dataset[1] == ("'-2+3", "10.1.0.0/16")


@pytest.mark.django_db
def test_dataset_from_upload_feeds_a_model_resource():
    data = xlsx_bytes([["목록"], ["메모", "IP 대역"], ["본사", "203.0.113.0/24"], ["코드", 12345]])
    columns = [LayoutColumn("network", "IP 대역"), LayoutColumn("memo", "메모")]
    dataset = dataset_from_upload(data, columns, name="ip.xlsx", text_fields=["network"])
    assert dataset.headers == ["network", "memo"]
    assert list(dataset) == [("203.0.113.0/24", "본사"), ("12345", "코드")]
    result = AllowedIPResource().import_data(dataset, dry_run=True)
    assert not result.has_errors()
    assert not AllowedIP.objects.exists()
    AllowedIPResource().import_data(dataset, dry_run=False)
    assert set(AllowedIP.objects.values_list("network", flat=True)) == {"203.0.113.0/24", "12345"}
    titled = dataset_from_upload(data, columns, name="ip.xlsx", headers="titles")
    assert titled.headers == ["IP 대역", "메모"]
