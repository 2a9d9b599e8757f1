"""Products (SKU master): categories, brands, products with options -> SKUs, add-ons, notice, certifications.

Writes go through services.py (history rows, SKU generation, HTML sanitising); models hold data and the
single-field rules of validators.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from treebeard.mp_tree import MP_Node
from wagtail.models import Orderable

from . import notice, validators
from .fields import CommaListField

CATEGORY_SEPARATOR = " > "


def _validate_category_name(value: str) -> None:
    from django.core.exceptions import ValidationError

    if ">" in value:
        raise ValidationError(_("Category name: “>” separates levels and cannot be part of a name."))


class Category(MP_Node):
    """User-defined product tree (seed 001: 대분류 > 중분류 > 소분류 > 상세분류; seed 003: 사용자 정의 카테고리)."""

    MAX_DEPTH = 4

    name = models.CharField(_("name"), max_length=50, validators=[_validate_category_name])
    full_name = models.CharField(_("category"), max_length=255, editable=False, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.full_name or self.name


class Brand(models.Model):
    """Brands for filtering and channel registration (seed 003: 브랜드별 필터)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=50, blank=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OriginKind(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic")
    IMPORTED = "imported", pgettext_lazy("origin", "Imported")
    NOT_APPLICABLE = "not_applicable", _("Origin labelling not required")
    SEE_DETAIL = "see_detail", _("Shown in the detail page")


class OriginGoodsType(models.TextChoices):
    """Seed 001, 원산지: 농산물 / 수산물 / 가공품 / 원산지표시대상아님 (industrial goods)."""

    AGRICULTURAL = "agricultural", _("Agricultural product")
    FISHERY = "fishery", _("Fishery product")
    PROCESSED = "processed", _("Processed food")
    INDUSTRIAL = "industrial", _("Industrial goods")


class CertificationKind(models.TextChoices):
    """KC regimes by law (domain-kr.md §5.1) plus 기타."""

    ELECTRIC_SAFETY = "electric_safety", _("Electrical: safety certification")
    ELECTRIC_CONFIRM = "electric_confirm", _("Electrical: safety confirmation")
    ELECTRIC_SUPPLIER = "electric_supplier", _("Electrical: supplier's declaration of conformity")
    LIVING_SAFETY = "living_safety", _("Household goods: safety certification")
    LIVING_CONFIRM = "living_confirm", _("Household goods: safety confirmation")
    LIVING_SUPPLIER = "living_supplier", _("Household goods: supplier's declaration of conformity")
    LIVING_STANDARD = "living_standard", _("Household goods: safety standard compliance")
    KIDS_SAFETY = "kids_safety", _("Children's product: safety certification")
    KIDS_CONFIRM = "kids_confirm", _("Children's product: safety confirmation")
    KIDS_SUPPLIER = "kids_supplier", _("Children's product: supplier's declaration of conformity")
    RADIO_CONFORMITY = "radio_conformity", _("Radio equipment: conformity certification")
    RADIO_REGISTRATION = "radio_registration", _("Radio equipment: conformity registration")
    RADIO_PROVISIONAL = "radio_provisional", _("Radio equipment: provisional certification")
    CHEMICAL_REPORT = "chemical_report", _("Household chemicals: safety standard report number")
    CHEMICAL_APPROVAL = "chemical_approval", _("Household chemicals / biocides: approval number")
    OTHER = "other", _("Other certification")


CERT_KIDS = frozenset({"kids_safety", "kids_confirm", "kids_supplier"})
CERT_ELECTRIC = frozenset({"electric_safety", "electric_confirm", "electric_supplier"})
CERT_RADIO = frozenset({"radio_conformity", "radio_registration", "radio_provisional"})
# A supplier's declaration and the safety-standard regime issue no certificate number.
CERT_NUMBER_REQUIRED = frozenset(CertificationKind.values) - {
    "electric_supplier",
    "living_supplier",
    "living_standard",
    "kids_supplier",
    "other",
}


class Product(ClusterableModel):
    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        ON_SALE = "on_sale", _("On sale")
        SOLD_OUT = "sold_out", _("Sold out")
        SUSPENDED = "suspended", _("Sale suspended")
        ENDED = "ended", _("Sale ended")

    class TaxType(models.TextChoices):
        """domain-kr.md §3.1 (Naver TAX / DUTYFREE / SMALL)."""

        TAXABLE = "taxable", _("Taxable")
        EXEMPT = "exempt", _("Tax-exempt")
        ZERO_RATED = "zero_rated", _("Zero-rated")

    class SaleRegion(models.TextChoices):
        NATIONWIDE = "nationwide", _("Nationwide")
        EXCEPT_REMOTE = "except_remote", _("Nationwide except Jeju and remote islands")
        METROPOLITAN = "metropolitan", _("Seoul metropolitan area only")

    # basic
    name = models.CharField(
        _("product name"),
        max_length=100,
        validators=[validators.validate_product_name],
        help_text=_("Brand, product and model; up to 20 Korean or 40 English characters; only ( ) / + - ~ as symbols."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ON_SALE)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, null=True, related_name="products"
    )
    product_code = models.CharField(
        _("product code"), max_length=20, unique=True, null=True, blank=True, editable=False
    )
    seller_code = models.CharField(
        _("seller product code"),
        max_length=validators.PRODUCT_SELLER_CODE_MAX,
        blank=True,
        validators=[validators.validate_product_seller_code],
        help_text=_("Your own code, up to 10 characters; unique. SKU codes start from it."),
    )
    model_name = models.CharField(
        _("model name"), max_length=validators.MODEL_NAME_MAX, blank=True, validators=[validators.validate_model_name]
    )
    barcode = models.CharField(_("barcode"), max_length=50, blank=True, validators=[validators.validate_barcode])
    maker = models.CharField(_("manufacturer"), max_length=50)
    brand = models.ForeignKey(
        Brand, verbose_name=_("brand"), on_delete=models.PROTECT, null=True, blank=True, related_name="products"
    )
    origin_kind = models.CharField(_("origin"), max_length=16, choices=OriginKind.choices, default=OriginKind.DOMESTIC)
    origin_goods_type = models.CharField(
        _("kind of goods (origin)"), max_length=16, choices=OriginGoodsType.choices, default=OriginGoodsType.INDUSTRIAL
    )
    origin_country = models.CharField(
        _("country of origin"), max_length=50, blank=True, help_text=_("Required for imported products.")
    )
    origin_region = models.CharField(_("region of origin"), max_length=50, blank=True)
    origin_ingredients = models.TextField(
        _("raw materials and their origin"),
        blank=True,
        help_text=_("Processed food: raw material / origin / share, e.g. 돼지고기(국산) 60%."),
    )
    manufactured_on = models.DateField(_("manufacturing date"), null=True, blank=True)
    expires_on = models.DateField(_("expiry date"), null=True, blank=True)
    keywords = CommaListField(
        _("keywords"),
        blank=True,
        parse=validators.parse_keywords,
        validators=[validators.validate_keywords],
        help_text=_("Search keywords separated by commas; up to 10."),
    )
    adult_only = models.BooleanField(_("adults only"), default=False, help_text=_("Needs adult verification to buy."))

    # price / tax
    price = models.PositiveIntegerField(
        _("representative price"),
        validators=[validators.validate_price],
        help_text=_("Won; 10 to 1,000,000,000 in steps of 10. Option extra prices are checked against it."),
    )
    tax_type = models.CharField(_("tax type"), max_length=12, choices=TaxType.choices, default=TaxType.TAXABLE)
    sale_region = models.CharField(
        _("sale region"), max_length=16, choices=SaleRegion.choices, default=SaleRegion.NATIONWIDE
    )

    # content
    detail_html = models.TextField(
        _("detail page HTML"), blank=True, help_text=_("Scripts, frames and event attributes are removed on save.")
    )
    main_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("JPG, 1000×1000 pixels, 3 MB or less; file name in English letters and digits."),
    )

    # 상품정보제공고시
    notice_category = models.CharField(_("notice category"), max_length=32, choices=notice.CHOICES, blank=True)
    notice_values = models.JSONField(_("notice values"), default=dict, blank=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = pgettext_lazy("catalog", "product")
        verbose_name_plural = pgettext_lazy("catalog", "products")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["seller_code"],
                condition=~Q(seller_code=""),
                name="catalog_product_seller_code_unique",
                violation_error_message=_("Seller product code: already used by another product."),
            ),
        ]
        indexes = [models.Index(fields=["status", "-id"], name="catalog_product_status_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def notice_value(self, key: str) -> str:
        """The text a channel receives for one notice item."""
        entry = (self.notice_values or {}).get(key) or {}
        return notice.SEE_DETAIL_TEXT if entry.get("see_detail") else (entry.get("value") or "")


class OptionGroup(Orderable):
    """One option name with its comma-separated values (조합형, at most 3 per product)."""

    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="option_groups")
    name = models.CharField(_("option name"), max_length=validators.OPTION_NAME_MAX)
    values = CommaListField(
        _("option values"),
        parse=validators.parse_option_values,
        help_text=_("Separated by commas, e.g. 빨강,파랑,노랑."),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return f"{self.name}: {','.join(self.values or [])}"

    def clean(self):
        from django.core.exceptions import ValidationError

        self.name = (self.name or "").strip()
        try:
            validators.validate_option_name(self.name)
        except ValidationError as exc:
            raise ValidationError({"name": exc}) from exc


class SkuStatus(models.TextChoices):
    ON_SALE = "on_sale", _("Available for sale")
    STOPPED = "stopped", _("Not for sale")
    RETIRED = "retired", _("Retired combination")


OPTION_LABEL_SEPARATOR = "/"


class SKU(models.Model):
    """One sellable unit: a combination of option values, or the product itself when it has no options."""

    product = models.ForeignKey(
        Product, verbose_name=pgettext_lazy("catalog", "product"), on_delete=models.CASCADE, related_name="skus"
    )
    option_values = models.JSONField(_("option values"), default=list, blank=True)
    option_label = models.CharField(_("option"), max_length=255, blank=True)
    extra_price = models.IntegerField(_("extra price"), default=0)
    status = models.CharField(_("sale status"), max_length=10, choices=SkuStatus.choices, default=SkuStatus.ON_SALE)
    seller_code = models.CharField(
        _("SKU seller code"),
        max_length=validators.SKU_SELLER_CODE_MAX,
        validators=[validators.validate_sku_seller_code],
        help_text=_("Matched against the seller code of collected orders; unique over all SKUs."),
    )
    barcode = models.CharField(_("barcode"), max_length=50, blank=True, validators=[validators.validate_barcode])
    # Purchase cost in won, for margins in reports; optional (the Excel bulk edit fills it for many SKUs at once).
    cost = models.PositiveIntegerField(_("cost"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        ordering = ["product_id", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["seller_code"], name="catalog_sku_seller_code_unique"),
            models.UniqueConstraint(
                fields=["barcode"],
                condition=~Q(barcode=""),
                name="catalog_sku_barcode_unique",
                violation_error_message=_("Barcode: already used by another SKU."),
            ),
            models.UniqueConstraint(fields=["product", "option_label"], name="catalog_sku_combination_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} {self.option_label}".strip() if self.option_label else self.product.name

    @property
    def is_active(self) -> bool:
        return self.status != SkuStatus.RETIRED

    @staticmethod
    def label_for(values: list[str]) -> str:
        return OPTION_LABEL_SEPARATOR.join(values)


class AddonGroup(ClusterableModel, Orderable):
    """추가상품 그룹 (at most 5 per product)."""

    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="addon_groups")
    name = models.CharField(_("add-on group"), max_length=25)

    class Meta(Orderable.Meta):
        verbose_name = _("add-on group")
        verbose_name_plural = _("add-on groups")

    def __str__(self) -> str:
        return self.name


class AddonItem(Orderable):
    class Status(models.TextChoices):
        ON_SALE = "on_sale", _("Available for sale")
        STOPPED = "stopped", _("Not for sale")

    group = ParentalKey(AddonGroup, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("add-on name"), max_length=25)
    price = models.PositiveIntegerField(_("price"))
    status = models.CharField(_("sale status"), max_length=10, choices=Status.choices, default=Status.ON_SALE)
    seller_code = models.CharField(
        _("add-on seller code"),
        max_length=validators.SKU_SELLER_CODE_MAX,
        blank=True,
        validators=[validators.validate_addon_seller_code],
    )

    class Meta(Orderable.Meta):
        verbose_name = _("add-on")
        verbose_name_plural = _("add-ons")
        constraints = [
            models.UniqueConstraint(
                fields=["seller_code"],
                condition=~Q(seller_code=""),
                name="catalog_addon_seller_code_unique",
                violation_error_message=_("Add-on seller code: already used by another add-on."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProductCertification(Orderable):
    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="certifications")
    kind = models.CharField(_("certification type"), max_length=24, choices=CertificationKind.choices)
    number = models.CharField(_("certificate number"), max_length=60, blank=True)
    agency = models.CharField(_("certification agency"), max_length=60, blank=True)
    certified_on = models.DateField(_("certified on"), null=True, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()


class ProductImage(Orderable):
    """Extra (enlarged) images after the main one (seed 001: 추가 확대 이미지)."""

    product = ParentalKey(Product, on_delete=models.CASCADE, related_name="extra_images")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta(Orderable.Meta):
        verbose_name = _("extra image")
        verbose_name_plural = _("extra images")


class ProductChange(models.Model):
    """Edit history: one row per changed field (children summarised), written by the product services."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="changes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), db_index=True)
    field = models.CharField(_("field"), max_length=50)
    old_value = models.TextField(_("before"), blank=True)
    new_value = models.TextField(_("after"), blank=True)

    class Meta:
        verbose_name = _("product change")
        verbose_name_plural = _("product changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["product", "-changed_at"], name="catalog_change_product_idx")]

    def __str__(self) -> str:
        return f"{self.product_id} {self.field}"

    @property
    def field_label(self) -> str:
        from .history import field_label

        return field_label(self.field)
