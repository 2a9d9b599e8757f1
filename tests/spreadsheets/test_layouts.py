import pytest
from django.core.exceptions import ValidationError

from modules.spreadsheets.cells import ValueType
from modules.spreadsheets.layouts import (
    FieldSpec,
    LayoutColumn,
    default_columns,
    field_choices,
    get_kind,
    kind_choices,
    register_fields,
    register_kind,
    unregister_kind,
    validate_columns,
)
from modules.spreadsheets.models import ExcelLayout
from modules.spreadsheets.services import layout_default, layout_save


def test_the_four_kinds_are_registered_with_areas():
    kinds = dict(kind_choices())
    assert {"order_list", "invoice_targets", "sku_list", "channel_products"} <= set(kinds)
    assert get_kind("order_list").area == "orders"
    assert get_kind("invoice_targets").area == "shipping"
    assert get_kind("sku_list").area == "products"
    assert get_kind("channel_products").area == "products"
    assert {f.key for f in get_kind("order_list").personal_fields} >= {"receiver_name", "receiver_phone", "address"}
    assert not get_kind("sku_list").personal_fields


def test_field_choices_grouped_by_kind():
    groups = dict(field_choices())
    sku = dict(groups[get_kind("sku_list").label])
    assert sku["sku_list:seller_code"] == "판매자상품코드 *"


def test_other_modules_replace_placeholder_fields():
    register_kind("tmp_kind", label="임시", area="products", key_fields=("code",))
    try:
        register_fields("tmp_kind", [FieldSpec("old", "옛 필드")])
        register_fields("tmp_kind", [FieldSpec("code", "코드", ValueType.TEXT, required=True)], replace=True)
        assert default_columns("tmp_kind") == [LayoutColumn("code", "코드")]
    finally:
        unregister_kind("tmp_kind")


def test_validate_columns():
    assert validate_columns("sku_list", [LayoutColumn("seller_code", "코드")]) == []
    assert validate_columns("sku_list", [])
    problems = validate_columns(
        "sku_list",
        [
            LayoutColumn("seller_code", "코드"),
            LayoutColumn("seller_code", "코드2"),
            LayoutColumn("receiver_name", "수취인"),  # an order field
            LayoutColumn("price", " 코 드 "),  # same title once normalised
        ],
    )
    assert len(problems) == 3
    assert any("수취인" in p or "receiver_name" in p for p in problems)
    assert validate_columns("nope", [LayoutColumn("a", "b")])


def test_required_fields_for_imports():
    columns = [LayoutColumn("channel_product_id", "번호"), LayoutColumn("sale_price", "가격")]
    assert validate_columns("channel_products", columns) == []
    problems = validate_columns("channel_products", columns, for_import=True)
    assert len(problems) == 1
    assert "판매처" in problems[0]


@pytest.mark.django_db
def test_default_layout_created_on_demand_once():
    layout = layout_default(kind="sku_list")
    assert layout.is_default
    assert layout.column_list() == default_columns("sku_list")
    assert layout_default(kind="sku_list").pk == layout.pk
    assert ExcelLayout.objects.filter(kind="sku_list").count() == 1


@pytest.mark.django_db
def test_layout_columns_keep_order_and_blank_title_means_default():
    layout = layout_save(
        layout=ExcelLayout(
            name="송장 업로드",
            kind="invoice_targets",
            columns=ExcelLayout.columns_value(
                "invoice_targets",
                [{"field": "tracking_no", "title": "운송장"}, {"field": "order_no", "title": ""}],
            ),
        )
    )
    layout.refresh_from_db()
    assert layout.column_list() == [LayoutColumn("tracking_no", "운송장"), LayoutColumn("order_no", "주문번호")]


@pytest.mark.django_db
def test_layout_refuses_fields_of_another_kind_and_empty_layouts():
    layout = ExcelLayout(
        name="섞임", kind="sku_list", columns=ExcelLayout.columns_value("order_list", [{"field": "order_no"}])
    )
    with pytest.raises(ValidationError) as info:
        layout.full_clean()
    assert "columns" in info.value.message_dict
    with pytest.raises(ValidationError):
        ExcelLayout(name="빈 양식", kind="sku_list", columns=[]).full_clean()


@pytest.mark.django_db
def test_one_default_per_kind():
    first = layout_default(kind="order_list")
    second = layout_save(
        layout=ExcelLayout(
            name="내 주문 양식",
            kind="order_list",
            is_default=True,
            columns=ExcelLayout.columns_value("order_list", [{"field": "order_no", "title": "주문번호"}]),
        )
    )
    first.refresh_from_db()
    assert not first.is_default
    assert layout_default(kind="order_list").pk == second.pk
