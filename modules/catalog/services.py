"""Writes for products: create/update with edit history, soft delete/restore, SKU generation and bulk edits,
add-ons, and the category tree.

Every service is keyword-only, owns its transaction and raises ``ValidationError({"field": [...]})`` with
Korean messages; nothing is written when it raises. A product passed in may carry unsaved child rows
(modelcluster: ``product.option_groups = [...]``), as the admin form does; they are validated and saved here.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from . import notice, validators
from .history import (
    addon_groups_text,
    certifications_text,
    images_text,
    option_groups_text,
    product_snapshot,
    sku_text,
)
from .html import sanitize_html
from .models import (
    CATEGORY_SEPARATOR,
    SKU,
    AddonGroup,
    AddonItem,
    Category,
    OptionGroup,
    Product,
    ProductCertification,
    ProductChange,
    ProductImage,
    SkuStatus,
)


@dataclass
class SkuEdit:
    """Changes to one SKU; None leaves a value as it is."""

    extra_price: int | None = None
    status: str | None = None
    seller_code: str | None = None
    barcode: str | None = None


@dataclass
class GenerateResult:
    created: list[str] = field(default_factory=list)
    kept: int = 0
    revived: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    lines: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.revived or self.retired or self.deleted)

    def summary(self) -> str:
        return _(
            "SKUs: %(created)s new, %(kept)s kept, %(revived)s back on sale, %(retired)s retired, %(deleted)s removed."
        ) % {
            "created": len(self.created),
            "kept": self.kept,
            "revived": len(self.revived),
            "retired": len(self.retired),
            "deleted": len(self.deleted),
        }


# Helpers ---------------------------------------------------------------------------------------------------


def _merge(errors: dict[str, list], exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, items in exc.error_dict.items():
            errors.setdefault(key, []).extend(items)
    else:
        errors.setdefault("__all__", []).extend(exc.error_list)


def _check(errors: dict[str, list], func, *args, field_name: str | None = None, **kwargs) -> None:
    try:
        func(*args, **kwargs)
    except ValidationError as exc:
        if field_name and not hasattr(exc, "error_dict"):
            exc = ValidationError({field_name: exc.error_list})
        _merge(errors, exc)


def _record(product: Product, user, rows: list[tuple[str, str, str]]) -> list[ProductChange]:
    now = timezone.now()
    changes = [
        ProductChange(
            product=product,
            user=_user(user),
            changed_at=now,
            field=name,
            old_value=old,
            new_value=new,
        )
        for name, old, new in rows
    ]
    return ProductChange.objects.bulk_create(changes)


def _user(user):
    return user if getattr(user, "pk", None) else None


def _prepare(product: Product) -> None:
    """Normalise what the seller typed: name spacing, safe detail HTML, notice values of the chosen category."""
    product.name = validators.normalize_name(product.name)
    product.detail_html = sanitize_html(product.detail_html)
    product.origin_country = (product.origin_country or "").strip()
    product.seller_code = (product.seller_code or "").strip()
    product.barcode = (product.barcode or "").strip()
    product.keywords = [k for k in (product.keywords or []) if k]
    keys = {key for key, _label in notice.category_items(product.notice_category)}
    values = {}
    for key, entry in (product.notice_values or {}).items():
        if key in keys and isinstance(entry, dict):
            values[key] = {"value": str(entry.get("value") or "").strip(), "see_detail": bool(entry.get("see_detail"))}
    product.notice_values = values


def _option_groups(product: Product) -> list[OptionGroup]:
    return list(product.option_groups.all())


def _addon_groups(product: Product) -> list[tuple[AddonGroup, list[AddonItem]]]:
    return [(group, list(group.items.all())) for group in product.addon_groups.all()]


def _certifications(product: Product) -> list[ProductCertification]:
    return list(product.certifications.all())


def _extra_images(product: Product) -> list[ProductImage]:
    return list(product.extra_images.all())


def _validate_product(product: Product, *, old: Product | None) -> None:
    """Everything about the product and its option groups, add-ons, certifications and images."""
    errors: dict[str, list] = {}
    _check(
        errors,
        product.full_clean,
        exclude=["product_code", "created_by", "deleted_at"],
        validate_unique=False,
        validate_constraints=False,
    )
    _check(
        errors,
        validators.validate_origin,
        kind=product.origin_kind,
        goods_type=product.origin_goods_type,
        country=product.origin_country,
        ingredients=product.origin_ingredients,
    )
    _check(
        errors,
        validators.validate_dates,
        manufactured_on=product.manufactured_on,
        expires_on=product.expires_on,
        today=timezone.localdate(),
    )
    preparing = product.status == Product.Status.PREPARING
    _check(
        errors,
        validators.validate_notice,
        category=product.notice_category,
        values=product.notice_values,
        required=not preparing,
    )
    if product.seller_code and (
        Product.objects.filter(seller_code=product.seller_code).exclude(pk=product.pk).exists()
    ):
        errors.setdefault("seller_code", []).append(
            ValidationError(
                _("Seller product code: %(code)s is already used by another product.") % {"code": product.seller_code}
            )
        )

    groups = _option_groups(product)
    for group in groups:
        group.name = (group.name or "").strip()
        _check(errors, validators.validate_option_name, group.name, field_name="option_groups")
        _check(errors, validators.parse_option_values, ",".join(group.values or []), field_name="option_groups")
    _check(errors, validators.validate_option_groups, [(group.name, group.values or []) for group in groups])

    addon_groups = _addon_groups(product)
    _check(
        errors,
        validators.validate_addons,
        sale_price=product.price or 0,
        groups=[
            (group.name, [validators.AddonRow(group.name, item.name, item.price or 0) for item in items])
            for group, items in addon_groups
        ],
    )
    addon_codes = [item.seller_code for _group, items in addon_groups for item in items if item.seller_code]
    own_ids = [item.pk for _group, items in addon_groups for item in items if item.pk]
    duplicated = {code for code in addon_codes if addon_codes.count(code) > 1}
    duplicated |= set(
        AddonItem.objects.filter(seller_code__in=addon_codes)
        .exclude(pk__in=own_ids)
        .values_list("seller_code", flat=True)
    )
    for code in sorted(duplicated):
        errors.setdefault("addon_groups", []).append(
            ValidationError(_("Add-on seller code %(code)s is already used.") % {"code": code})
        )

    _check(
        errors,
        validators.validate_certifications,
        certifications=[validators.CertificationRow(c.kind, c.number, c.agency) for c in _certifications(product)],
        notice_category=product.notice_category,
        manufactured_on=product.manufactured_on,
        enforce_required=not preparing,
    )

    if product.main_image_id and (old is None or old.main_image_id != product.main_image_id):
        _check(
            errors,
            validators.validate_product_image,
            product.main_image,
            field=_("Main image"),
            field_name="main_image",
        )
    images = _extra_images(product)
    if len(images) > validators.MAX_EXTRA_IMAGES:
        errors.setdefault("extra_images", []).append(
            ValidationError(
                _("Extra images: at most %(max)s (now %(count)s).")
                % {"max": validators.MAX_EXTRA_IMAGES, "count": len(images)}
            )
        )
    old_image_ids = set(ProductImage.objects.filter(product=old).values_list("image_id", flat=True)) if old else set()
    for index, item in enumerate(images, start=1):
        if item.image_id and item.image_id not in old_image_ids:
            _check(
                errors,
                validators.validate_product_image,
                item.image,
                field=_("Extra image %(number)s") % {"number": index},
                field_name="extra_images",
            )
    if errors:
        raise ValidationError(errors)


def _validate_skus(product: Product) -> None:
    skus = list(product.skus.all())
    validators.validate_sku_prices(
        sale_price=product.price,
        skus=[validators.SkuRow(sku.option_label, sku.extra_price, sku.is_active) for sku in skus],
    )


def _save(instance) -> None:
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"__all__": [_("A code is already used by another product or SKU; check the seller codes and barcodes.")]}
        ) from exc


def _children_texts(product: Product) -> dict[str, str]:
    return {
        "option_groups": option_groups_text(_option_groups(product)),
        "addon_groups": addon_groups_text(_addon_groups(product)),
        "certifications": certifications_text(_certifications(product)),
        "extra_images": images_text(_extra_images(product)),
    }


def _children_texts_from_db(product_id: int) -> dict[str, str]:
    groups = AddonGroup.objects.filter(product_id=product_id).prefetch_related("items")
    return {
        "option_groups": option_groups_text(OptionGroup.objects.filter(product_id=product_id)),
        "addon_groups": addon_groups_text([(group, list(group.items.all())) for group in groups]),
        "certifications": certifications_text(ProductCertification.objects.filter(product_id=product_id)),
        "extra_images": images_text(ProductImage.objects.filter(product_id=product_id)),
    }


# SKUs ------------------------------------------------------------------------------------------------------


def _referenced_sku_ids(skus: list[SKU]) -> set[int]:
    """SKUs something points at (stock, listings, order lines by seller code): retired, never deleted."""
    ids = [sku.pk for sku in skus]
    if not ids:
        return set()
    referenced: set[int] = set()
    for relation in SKU._meta.related_objects:
        name = relation.field.name
        referenced |= set(
            relation.related_model._base_manager.filter(**{f"{name}__in": ids}).values_list(name, flat=True)
        )
    if apps.is_installed("modules.orders"):
        order_line = apps.get_model("orders", "OrderLine")
        by_code = {sku.seller_code: sku.pk for sku in skus}
        used = order_line.objects.filter(seller_code__in=list(by_code)).values_list("seller_code", flat=True)
        referenced |= {by_code[code] for code in used.distinct()}
    return referenced


def _code_base(product: Product) -> str:
    return product.seller_code or product.product_code or f"P{product.pk}"


def _new_codes(product: Product, count: int, *, single: bool) -> list[str]:
    """Free SKU seller codes: the product's own code for a product without options, else CODE-001, CODE-002 …"""
    base = _code_base(product)
    taken = set(SKU.objects.filter(seller_code__startswith=base).values_list("seller_code", flat=True))
    codes = []
    if single and base not in taken:
        codes.append(base)
        taken.add(base)
    number = 1
    while len(codes) < count:
        candidate = f"{base}-{number:03d}"
        if candidate not in taken:
            codes.append(candidate)
            taken.add(candidate)
        number += 1
    return codes


def _generate(product: Product) -> GenerateResult:
    """Make the SKUs match the cartesian product of the option groups (no groups: exactly one SKU)."""
    groups = sorted(_option_groups(product), key=lambda g: (g.sort_order or 0, g.pk or 0))
    combinations = [list(combo) for combo in itertools.product(*[g.values for g in groups])] if groups else [[]]
    existing = {tuple(sku.option_values or []): sku for sku in product.skus.all()}
    result = GenerateResult()
    missing = [combo for combo in combinations if tuple(combo) not in existing]
    codes = iter(_new_codes(product, len(missing), single=not groups))
    to_create, to_update = [], []
    for index, combo in enumerate(combinations):
        sku = existing.get(tuple(combo))
        if sku is None:
            sku = SKU(
                product=product,
                option_values=combo,
                option_label=SKU.label_for(combo),
                extra_price=0,
                status=SkuStatus.ON_SALE,
                seller_code=next(codes),
                sort_order=index,
            )
            to_create.append(sku)
            result.created.append(sku.option_label)
            result.lines.append(("", sku_text(sku)))
            continue
        before = sku_text(sku)
        changed = sku.sort_order != index
        sku.sort_order = index
        if sku.status == SkuStatus.RETIRED:
            sku.status = SkuStatus.ON_SALE
            result.revived.append(sku.option_label)
            result.lines.append((before, sku_text(sku)))
            changed = True
        else:
            result.kept += 1
        if changed:
            to_update.append(sku)
    wanted = {tuple(combo) for combo in combinations}
    gone = [sku for key, sku in existing.items() if key not in wanted and sku.status != SkuStatus.RETIRED]
    referenced = _referenced_sku_ids(gone)
    to_delete = []
    for offset, sku in enumerate(gone):
        if sku.pk in referenced:
            before = sku_text(sku)
            sku.status = SkuStatus.RETIRED
            sku.sort_order = len(combinations) + offset
            to_update.append(sku)
            result.retired.append(sku.option_label)
            result.lines.append((before, sku_text(sku)))
        else:
            to_delete.append(sku.pk)
            result.deleted.append(sku.option_label)
            result.lines.append((sku_text(sku), ""))
    if to_delete:
        SKU.objects.filter(pk__in=to_delete).delete()
    if to_update:
        now = timezone.now()
        for sku in to_update:
            sku.updated_at = now
        SKU.objects.bulk_update(to_update, ["status", "sort_order", "updated_at"])
    if to_create:
        try:
            with transaction.atomic():
                SKU.objects.bulk_create(to_create)
        except IntegrityError as exc:
            raise ValidationError(
                {"skus": [_("A generated SKU code is already in use; set a seller code prefix.")]}
            ) from exc
    return result


def _apply_sku_edits(product: Product, edits: dict[int, SkuEdit]) -> list[tuple[str, str]]:
    """Apply per-SKU edits after checking codes (unique over all SKUs) and values; returns (before, after) lines."""
    if not edits:
        return []
    skus = {sku.pk: sku for sku in product.skus.all()}
    unknown = set(edits) - set(skus)
    if unknown:
        raise ValidationError({"skus": [_("Some selected SKUs do not belong to this product.")]})
    errors: list = []
    before = {pk: sku_text(sku) for pk, sku in skus.items()}
    changed: dict[int, SKU] = {}
    for pk, edit in edits.items():
        sku = skus[pk]
        label = sku.option_label or _("(no options)")
        if edit.extra_price is not None and edit.extra_price != sku.extra_price:
            sku.extra_price = int(edit.extra_price)
            changed[pk] = sku
        if edit.status is not None and edit.status != sku.status:
            if sku.status == SkuStatus.RETIRED or edit.status not in (SkuStatus.ON_SALE, SkuStatus.STOPPED):
                errors.append(
                    ValidationError(
                        _("Option %(option)s: a retired combination comes back only through the option values.")
                        % {"option": label}
                    )
                )
            else:
                sku.status = edit.status
                changed[pk] = sku
        for attr, check in (
            ("seller_code", validators.validate_sku_seller_code),
            ("barcode", validators.validate_barcode),
        ):
            value = getattr(edit, attr)
            if value is None:
                continue
            value = value.strip()
            if attr == "seller_code" and not value:
                errors.append(
                    ValidationError(_("Option %(option)s: the SKU seller code is required.") % {"option": label})
                )
                continue
            try:
                check(value)
            except ValidationError as exc:
                errors.extend(
                    ValidationError(_("Option %(option)s: %(problem)s") % {"option": label, "problem": message})
                    for message in exc.messages
                )
                continue
            if value != getattr(sku, attr):
                setattr(sku, attr, value)
                changed[pk] = sku
    # Uniqueness over the product's final codes and every other product's SKUs.
    for attr, name in (("seller_code", _("SKU seller code")), ("barcode", _("barcode"))):
        finals = [getattr(sku, attr) for sku in skus.values() if getattr(sku, attr)]
        dupes = {value for value in finals if finals.count(value) > 1}
        dupes |= set(
            SKU.objects.filter(**{f"{attr}__in": [getattr(s, attr) for s in changed.values() if getattr(s, attr)]})
            .exclude(product=product)
            .values_list(attr, flat=True)
        )
        for value in sorted(dupes):
            errors.append(
                ValidationError(
                    _("%(field)s %(value)s is already used by another SKU.") % {"field": name, "value": value}
                )
            )
    if errors:
        raise ValidationError({"skus": errors})
    if not changed:
        return []
    rows = list(changed.values())
    now = timezone.now()
    for sku in rows:
        sku.updated_at = now
    # Two steps so that swapping codes between SKUs never meets the unique constraints half-way.
    temporary = [SKU(pk=sku.pk, seller_code=f"~{sku.pk}~", barcode="") for sku in rows]
    SKU.objects.bulk_update(temporary, ["seller_code", "barcode"])
    try:
        with transaction.atomic():
            SKU.objects.bulk_update(rows, ["extra_price", "status", "seller_code", "barcode", "updated_at"])
    except IntegrityError as exc:
        raise ValidationError({"skus": [_("A SKU code is already in use.")]}) from exc
    return [(before[sku.pk], sku_text(sku)) for sku in rows]


def _bulk_edits(
    product: Product,
    *,
    sku_ids: list[int] | None,
    extra_price: int | None,
    status: str | None,
    seller_code_prefix: str | None,
) -> dict[int, SkuEdit]:
    """Seed 001 옵션일괄설정: the same extra price / status for the selection (none selected: every active SKU);
    a prefix renumbers the selection's seller codes PREFIX001, PREFIX002 … in option order."""
    skus = [sku for sku in product.skus.all() if sku.is_active]
    if sku_ids:
        wanted = set(sku_ids)
        skus = [sku for sku in skus if sku.pk in wanted]
    prefix = (seller_code_prefix or "").strip()
    if prefix:
        try:
            validators.validate_sku_seller_code(f"{prefix}001")
        except ValidationError as exc:
            raise ValidationError(
                {"skus": [_("Seller code prefix: %(problem)s") % {"problem": m} for m in exc.messages]}
            ) from exc
    edits = {}
    for number, sku in enumerate(sorted(skus, key=lambda s: (s.sort_order, s.pk)), start=1):
        edits[sku.pk] = SkuEdit(
            extra_price=extra_price,
            status=status or None,
            seller_code=f"{prefix}{number:03d}" if prefix else None,
        )
    return edits


def _sku_rows(lines: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    if not lines:
        return []
    old = "\n".join(before for before, _after in lines if before)
    new = "\n".join(after for _before, after in lines if after)
    return [("skus", old, new)]


# Products --------------------------------------------------------------------------------------------------


def product_create(*, product: Product, user=None) -> Product:
    """Save a new product with its child rows, give it a product code and generate its SKUs."""
    if product.pk is not None:
        raise ValueError("product_create takes an unsaved product")
    _prepare(product)
    _validate_product(product, old=None)
    with transaction.atomic():
        product.created_by = _user(user)
        _save(product)
        product.product_code = f"{localtime(product.created_at).date():%Y%m%d}{product.pk:07d}"
        Product.objects.filter(pk=product.pk).update(product_code=product.product_code)
        _generate(product)
        _validate_skus(product)
        _record(product, user, [("product", "", _("product registered"))])
    return product


def product_update(
    *,
    product: Product,
    user=None,
    sku_edits: dict[int, SkuEdit] | None = None,
    bulk: dict | None = None,
) -> list[ProductChange]:
    """Save an edited product (fields and child rows), apply SKU edits and a bulk setting, re-generate SKUs
    from the option groups, and write one history row per changed field (children summarised)."""
    if product.pk is None:
        raise ValueError("product_update takes a saved product")
    with transaction.atomic():
        old = (
            Product.objects.select_for_update(of=("self",))
            .select_related("category", "brand", "main_image")
            .get(pk=product.pk)
        )
        before = product_snapshot(old)
        before_children = _children_texts_from_db(old.pk)
        _prepare(product)
        _validate_product(product, old=old)
        _save(product)
        lines = _apply_sku_edits(product, sku_edits or {})
        if bulk:
            lines += _apply_sku_edits(product, _bulk_edits(product, **bulk))
        generated = _generate(product)
        lines += generated.lines
        _validate_skus(product)
        after = product_snapshot(product)
        after_children = _children_texts(product)
        rows = [(name, before[name], after[name]) for name in before if before[name] != after[name]]
        rows += [
            (name, before_children[name], after_children[name])
            for name in before_children
            if before_children[name] != after_children[name]
        ]
        rows += _sku_rows(lines)
        product.generate_result = generated
        return _record(product, user, rows)


def product_delete(*, product: Product, user=None) -> None:
    """Soft delete: hidden from lists, codes stay reserved, restorable."""
    if product.deleted_at is not None:
        return
    with transaction.atomic():
        product.deleted_at = timezone.now()
        Product.objects.filter(pk=product.pk).update(deleted_at=product.deleted_at)
        _record(product, user, [("deleted", "", localtime(product.deleted_at).strftime("%Y-%m-%d %H:%M:%S"))])


def product_restore(*, product: Product, user=None) -> None:
    if product.deleted_at is None:
        return
    with transaction.atomic():
        deleted = localtime(product.deleted_at).strftime("%Y-%m-%d %H:%M:%S")
        product.deleted_at = None
        Product.objects.filter(pk=product.pk).update(deleted_at=None)
        _record(product, user, [("deleted", deleted, "")])


def options_generate(*, product: Product, user=None) -> GenerateResult:
    """Re-generate the SKUs from the saved option groups: keep existing combinations (matched by values),
    add new ones at extra price 0, retire (or delete, when nothing refers to them) the ones that are gone."""
    with transaction.atomic():
        result = _generate(product)
        _validate_skus(product)
        if result.changed:
            _record(product, user, _sku_rows(result.lines))
    return result


def skus_bulk_set(
    *,
    product: Product,
    sku_ids: list[int] | None = None,
    extra_price: int | None = None,
    status: str | None = None,
    seller_code_prefix: str | None = None,
    user=None,
) -> list[ProductChange]:
    """The same extra price / sale status / seller-code prefix for the chosen SKUs (none chosen: all active)."""
    with transaction.atomic():
        edits = _bulk_edits(
            product, sku_ids=sku_ids, extra_price=extra_price, status=status, seller_code_prefix=seller_code_prefix
        )
        lines = _apply_sku_edits(product, edits)
        _validate_skus(product)
        return _record(product, user, _sku_rows(lines))


def sku_update(
    *,
    sku: SKU,
    user=None,
    extra_price: int | None = None,
    status: str | None = None,
    seller_code: str | None = None,
    barcode: str | None = None,
) -> list[ProductChange]:
    with transaction.atomic():
        product = Product.objects.select_for_update(of=("self",)).get(pk=sku.product_id)
        lines = _apply_sku_edits(
            product,
            {sku.pk: SkuEdit(extra_price=extra_price, status=status, seller_code=seller_code, barcode=barcode)},
        )
        _validate_skus(product)
        sku.refresh_from_db()
        return _record(product, user, _sku_rows(lines))


def addons_replace(*, product: Product, groups: list[tuple[str, list[dict]]], user=None) -> list[ProductChange]:
    """Replace the add-on groups: [(group name, [{"name", "price", "status", "seller_code"}, …]), …]."""
    product.addon_groups = [
        AddonGroup(
            name=name,
            sort_order=index,
            items=[AddonItem(sort_order=position, **item) for position, item in enumerate(items)],
        )
        for index, (name, items) in enumerate(groups)
    ]
    return product_update(product=product, user=user)


# Bulk register and edit (the Excel import) -------------------------------------------------------------------


@dataclass
class ProductDraft:
    """A new product checked by the caller (validators.product_errors and the SKU rules), with its rows."""

    product: Product
    option_groups: list[OptionGroup]
    skus: list[SKU]  # in combination order; ``sort_order`` set
    brand_name: str = ""  # a brand to find or create when ``product.brand`` is unset


@dataclass
class ProductEdit:
    """Changes to a saved product already applied to the instances, with the texts from before."""

    product: Product
    before: dict[str, str] = field(default_factory=dict)  # product field -> history text before
    skus: list[tuple[SKU, str]] = field(default_factory=list)  # changed SKUs with their history text before
    sku_fields: set[str] = field(default_factory=set)
    brand_name: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.before or self.skus)


def _assign_brands(items: list[tuple[Product, str]]) -> None:
    """Brands by name, the missing ones created (a flat list the seller grows as products come in)."""
    from .models import Brand

    names = {name for _product, name in items if name}
    if not names:
        return
    # ignore_conflicts: another upload may create the same brand at the same moment.
    Brand.objects.bulk_create([Brand(name=name) for name in sorted(names)], ignore_conflicts=True)
    brands = {brand.name: brand for brand in Brand.objects.filter(name__in=names)}
    for product, name in items:
        if name:
            product.brand = brands[name]


def _set_product_codes(products: list[Product]) -> None:
    """product_create's code (creation date + 7-digit id) for many products: one UPDATE per creation date."""
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat, LPad

    by_day: dict[str, list[Product]] = {}
    for product in products:
        by_day.setdefault(f"{localtime(product.created_at).date():%Y%m%d}", []).append(product)
    for day, items in by_day.items():
        Product.objects.filter(pk__in=[product.pk for product in items]).update(
            product_code=Concat(Value(day), LPad(Cast("pk", CharField()), 7, Value("0")), output_field=CharField())
        )
        for product in items:
            product.product_code = f"{day}{product.pk:07d}"


def products_bulk_create(*, drafts: list[ProductDraft], user=None) -> list[Product]:
    """Register checked products with their option groups and SKUs in a few statements (not one save per row):
    product codes as product_create gives them, brands found or created, a "registered" history row each."""
    if not drafts:
        return []
    with transaction.atomic():
        _assign_brands([(draft.product, draft.brand_name) for draft in drafts if draft.product.brand_id is None])
        creator = _user(user)
        products = []
        for draft in drafts:
            draft.product.created_by = creator
            products.append(draft.product)
        Product.objects.bulk_create(products, batch_size=500)
        _set_product_codes(products)
        groups, skus = [], []
        for draft in drafts:
            for group in draft.option_groups:
                group.product = draft.product
                groups.append(group)
            for sku in draft.skus:
                sku.product = draft.product
                skus.append(sku)
        OptionGroup.objects.bulk_create(groups, batch_size=1000)
        try:
            with transaction.atomic():
                SKU.objects.bulk_create(skus, batch_size=1000)
        except IntegrityError as exc:
            raise ValidationError(
                {
                    "__all__": [
                        _("A code is already used by another product or SKU; check the seller codes and barcodes.")
                    ]
                }
            ) from exc
        now = timezone.now()
        registered = _("product registered")
        ProductChange.objects.bulk_create(
            [
                ProductChange(product=product, user=creator, changed_at=now, field="product", new_value=registered)
                for product in products
            ],
            batch_size=1000,
        )
    return products


def products_bulk_update(*, edits: list[ProductEdit], user=None) -> list[ProductChange]:
    """Save checked changes of many products and SKUs (bulk_update) with one history row per changed field and
    one "SKUs" row per product listing its changed SKUs before → after, as product_update and sku_update do."""
    from .history import field_text

    edits = [edit for edit in edits if edit.changed]
    if not edits:
        return []
    with transaction.atomic():
        _assign_brands([(edit.product, edit.brand_name) for edit in edits if edit.brand_name])
        now = timezone.now()
        changed_products = [edit.product for edit in edits if edit.before]
        if changed_products:
            fields = sorted({name for edit in edits for name in edit.before} | {"updated_at"})
            for product in changed_products:
                product.updated_at = now
            Product.objects.bulk_update(changed_products, fields, batch_size=500)
        skus = [sku for edit in edits for sku, _before in edit.skus]
        if skus:
            sku_fields = sorted({name for edit in edits for name in edit.sku_fields} | {"updated_at"})
            for sku in skus:
                sku.updated_at = now
            if "barcode" in sku_fields:
                # Two steps, so that barcodes moving between SKUs never meet the unique constraint half-way.
                SKU.objects.bulk_update([SKU(pk=sku.pk, barcode="") for sku in skus], ["barcode"], batch_size=1000)
            try:
                with transaction.atomic():
                    SKU.objects.bulk_update(skus, sku_fields, batch_size=1000)
            except IntegrityError as exc:
                raise ValidationError({"skus": [_("A SKU code is already in use.")]}) from exc
        author = _user(user)
        changes = []
        for edit in edits:
            for name, before in edit.before.items():
                changes.append(
                    ProductChange(
                        product=edit.product,
                        user=author,
                        changed_at=now,
                        field=name,
                        old_value=before,
                        new_value=field_text(edit.product, name),
                    )
                )
            if edit.skus:
                changes.append(
                    ProductChange(
                        product=edit.product,
                        user=author,
                        changed_at=now,
                        field="skus",
                        old_value="\n".join(before for _sku, before in edit.skus),
                        new_value="\n".join(sku_text(sku) for sku, _before in edit.skus),
                    )
                )
        return ProductChange.objects.bulk_create(changes, batch_size=1000)


# Categories ------------------------------------------------------------------------------------------------


def _category_errors(*, name: str, parent: Category | None, category: Category | None = None) -> None:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Category name: enter a name.")]})
    if ">" in name:
        raise ValidationError({"name": [_("Category name: “>” separates levels and cannot be part of a name.")]})
    depth = (parent.depth if parent else 0) + 1
    if category is not None:
        deepest = max([node.depth for node in category.get_descendants()] + [category.depth])
        depth += deepest - category.depth
        if parent is not None and (parent.pk == category.pk or parent.path.startswith(category.path)):
            raise ValidationError({"parent": [_("Parent category: a category cannot go under itself.")]})
    if depth > Category.MAX_DEPTH:
        raise ValidationError({"parent": [_("Parent category: at most 4 levels (대 > 중 > 소 > 상세).")]})
    siblings = parent.get_children() if parent else Category.get_root_nodes()
    if category is not None:
        siblings = siblings.exclude(pk=category.pk)
    if siblings.filter(name=name).exists():
        raise ValidationError({"name": [_("Category name: %(name)s already exists at this level.") % {"name": name}]})


def _refresh_full_names(category: Category) -> None:
    nodes = [category, *category.get_descendants()]
    names = {}
    parent = category.get_parent()
    if parent is not None:
        names[parent.path] = parent.full_name
    for node in sorted(nodes, key=lambda n: n.path):
        prefix = names.get(node.path[: -Category.steplen])
        node.full_name = f"{prefix}{CATEGORY_SEPARATOR}{node.name}" if prefix else node.name
        names[node.path] = node.full_name
    Category.objects.bulk_update(nodes, ["full_name"])


def category_create(*, name: str, parent: Category | None = None) -> Category:
    name = (name or "").strip()
    _category_errors(name=name, parent=parent)
    with transaction.atomic():
        if parent is None:
            category = Category.add_root(name=name, full_name=name)
        else:
            parent.refresh_from_db()
            category = parent.add_child(name=name, full_name=f"{parent.full_name}{CATEGORY_SEPARATOR}{name}")
    return category


def category_update(*, category: Category, name: str, parent: Category | None) -> Category:
    name = (name or "").strip()
    category.refresh_from_db()
    _category_errors(name=name, parent=parent, category=category)
    with transaction.atomic():
        Category.objects.filter(pk=category.pk).update(name=name)
        category.refresh_from_db()
        if parent is None:
            category.move(Category.get_first_root_node(), pos="sorted-sibling")
        else:
            parent.refresh_from_db()
            category.move(parent, pos="sorted-child")
        category.refresh_from_db()
        _refresh_full_names(category)
        category.refresh_from_db()
    return category


def category_delete(*, category: Category) -> None:
    """Only an empty leaf: products and sub-categories must be moved first."""
    category.refresh_from_db()
    if category.numchild or category.get_children().exists():
        raise ValidationError(
            _("Category %(name)s has sub-categories; delete or move them first.") % {"name": category}
        )
    if Product.objects.filter(category=category).exists():
        raise ValidationError(
            _("Category %(name)s has products; move them to another category first.") % {"name": category}
        )
    with transaction.atomic():
        category.delete()
