"""Product rules (PRODUCT.md §5; seeds 001 iMSeller guide and 003 SellPick notes; domain-kr.md §3–§5).

Each function raises ``ValidationError`` whose message names the field in Korean; the cross-row checks raise
``ValidationError({"field": [...]})`` so a form can place them. Pure functions: no queries, except
``validate_product_image`` which reads the image file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import notice

# --- product name (seed 001, 상품명) -----------------------------------------------------------------
# "기본 문자 (), /, +, -, ~ 를 제외한 문자는 사용불가" and "최대 한글 20자, 영어 40자".
NAME_ALLOWED_SPECIALS = "()/+-~"
_NAME_CHAR = re.compile(r"[가-힣A-Za-z0-9 ()/+\-~]")
_NAME_TEXT = re.compile(r"[가-힣A-Za-z0-9 ()/+\-~]*")  # the whole name at once (bulk imports check thousands)
NAME_MAX_UNITS = 40  # a Korean (or other non-ASCII) character counts 2, ASCII 1
# "예) 1+1 티셔츠, 사은품증정 티셔츠, 무료배송 X": shipping terms do not belong in the name.
NAME_FORBIDDEN_WORDS = ("무료배송",)

# --- codes (seed 001: 자체상품코드 최대 10자, 모델명 최대 30자) ----------------------------------------
PRODUCT_SELLER_CODE_MAX = 10
SKU_SELLER_CODE_MAX = 50
MODEL_NAME_MAX = 30
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
_BARCODE = re.compile(r"^[A-Za-z0-9\-]{4,50}$")

# --- prices (PRODUCT.md §5: 10 won steps between 10 and 1,000,000,000) ----------------------------------
PRICE_MIN = 10
PRICE_MAX = 1_000_000_000
PRICE_STEP = 10

# --- options (seed 001, 옵션정보) ------------------------------------------------------------------------
MAX_OPTION_GROUPS = 3  # "+ 클릭하면 옵션명/옵션값 추가 설정 (총 3개까지 가능)"
OPTION_NAME_MAX = 25
OPTION_VALUE_MAX = 25
# "특수문자는 입력이 불가합니다": letters, digits, spaces and the name's ( ) + - ~ only. "/" joins the values
# of a combination ("a/핑크/미조립") and "," separates values, so neither may appear inside a value.
_OPTION_TEXT = re.compile(r"^[가-힣A-Za-z0-9 ()+\-~]+$")
# A safety cap for one product; channels have lower limits of their own (see COMBINATION_LIMITS).
MAX_COMBINATIONS = 1000
# "※ 11번가의 경우 옵션이 100개 이상 등록 하실수 없습니다." -> at most 99 combinations on sale.
COMBINATION_LIMITS: dict[str, int] = {"elevenst": 99}

# --- add-ons (seed 001, 추가상품) --------------------------------------------------------------------------
MAX_ADDON_GROUPS = 5  # "추가상품 그룹 템플릿이 생성되어 ... (총 5개까지 생성)"
ADDON_PRICE_MIN = 10  # "추가금액은 10원~판매금액의 +50% 구간으로 설정합니다."

# --- certifications (seed 001: "인증정보는 최대 5개까지 등록이 가능합니다.") ----------------------------
MAX_CERTIFICATIONS = 5

# --- keywords: the seeds give no number; Naver's seller tags allow 10, the tightest of our channels ---------
MAX_KEYWORDS = 10
KEYWORD_MAX = 20

# --- images (seed 001: "1000X1000, 3MB이하, jpg만 가능", "파일명은 영문/숫자의 조합만 가능") ------------------
IMAGE_SIZE = (1000, 1000)
IMAGE_MAX_BYTES = 3 * 1024 * 1024
MAX_EXTRA_IMAGES = 9  # Naver and Coupang both take up to 9 additional images
_IMAGE_STEM = re.compile(r"^[A-Za-z0-9_\-]+$")  # "_" and "-": Django's own suffix for duplicate names

# Korea as an import's "country" is a contradiction.
_KOREA_NAMES = {"한국", "대한민국", "국산", "korea", "south korea", "republic of korea", "kr", "kor"}


# Product name ----------------------------------------------------------------------------------------------


def name_units(value: str) -> int:
    """Length as the seed counts it: 20 Korean characters or 40 Latin ones fill a name."""
    return 2 * len(value) - len(value.encode("ascii", "ignore"))


def normalize_name(value: str) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def validate_product_name(value: str) -> None:
    value = normalize_name(value)
    if not value:
        raise ValidationError(_("Product name: enter the name."), code="name_required")
    bad = [] if _NAME_TEXT.fullmatch(value) else sorted({ch for ch in value if not _NAME_CHAR.fullmatch(ch)})
    if bad:
        raise ValidationError(
            _(
                "Product name: only Korean, English letters, digits, spaces and ( ) / + - ~ may be used; "
                "remove %(chars)s."
            ),
            code="name_characters",
            params={"chars": " ".join(bad)},
        )
    units = name_units(value)
    if units > NAME_MAX_UNITS:
        raise ValidationError(
            _(
                "Product name: at most 20 Korean or 40 English characters (a Korean character counts as two); "
                "this one counts %(units)s of 40."
            ),
            code="name_length",
            params={"units": units},
        )
    for word in NAME_FORBIDDEN_WORDS:
        if word in value:
            raise ValidationError(
                _("Product name: leave out “%(word)s”; shipping terms belong in the sale info."),
                code="name_word",
                params={"word": word},
            )


# Codes -----------------------------------------------------------------------------------------------------


def _code_validator(label, max_length: int):
    def validate(value: str) -> None:
        if not value:
            return
        if len(value) > max_length:
            raise ValidationError(
                _("%(field)s: at most %(max)s characters (now %(length)s)."),
                code="code_length",
                params={"field": label, "max": max_length, "length": len(value)},
            )
        if not _CODE.match(value):
            raise ValidationError(
                _("%(field)s: use English letters, digits, - and _ only, without spaces."),
                code="code_characters",
                params={"field": label},
            )

    return validate


def validate_product_seller_code(value: str) -> None:
    _code_validator(_("Seller product code"), PRODUCT_SELLER_CODE_MAX)(value)


def validate_sku_seller_code(value: str) -> None:
    _code_validator(_("SKU seller code"), SKU_SELLER_CODE_MAX)(value)


def validate_addon_seller_code(value: str) -> None:
    _code_validator(_("Add-on seller code"), SKU_SELLER_CODE_MAX)(value)


def gtin_check_digit_ok(digits: str) -> bool:
    """GS1 check digit for GTIN-8/12/13/14 (EAN-13 incl. ISBN-13 and Korea's 880 prefix)."""
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def validate_barcode(value: str) -> None:
    """Any code the seller prints (SellPick: 단품코드 = 단품바코드); GTIN lengths must pass the check digit."""
    if not value:
        return
    if not _BARCODE.match(value):
        raise ValidationError(
            _("Barcode: 4 to 50 English letters, digits or -, without spaces."),
            code="barcode_format",
        )
    if value.isdigit() and len(value) in (8, 12, 13, 14) and not gtin_check_digit_ok(value):
        raise ValidationError(
            _("Barcode: %(value)s fails the GTIN/EAN check digit; check the number on the package."),
            code="barcode_checksum",
            params={"value": value},
        )


def validate_model_name(value: str) -> None:
    if value and len(value) > MODEL_NAME_MAX:
        raise ValidationError(
            _("Model name: at most %(max)s characters."), code="model_length", params={"max": MODEL_NAME_MAX}
        )


# Prices ----------------------------------------------------------------------------------------------------


def validate_price(value: int | None) -> None:
    if value is None:
        return
    if value < PRICE_MIN or value > PRICE_MAX:
        raise ValidationError(_("Representative price: between 10 and 1,000,000,000 won."), code="price_range")
    if value % PRICE_STEP:
        raise ValidationError(_("Representative price: in steps of 10 won."), code="price_step")


def extra_price_bounds(sale_price: int) -> tuple[int, int]:
    """Seed 001: "판매가격의 +50% ~ -50% 구간" (10,000 won -> 5,000 to 15,000, i.e. extra -5,000..+5,000)."""
    half = sale_price // 2
    return -half, half


def extra_price_error(*, sale_price: int, extra_price: int) -> str | None:
    low, high = extra_price_bounds(sale_price)
    if extra_price < low or extra_price > high:
        return str(
            _("between %(low)s and +%(high)s won (±50%% of the sale price %(price)s won)")
            % {"low": f"{low:,}", "high": f"{high:,}", "price": f"{sale_price:,}"}
        )
    if extra_price % PRICE_STEP:
        return str(_("in steps of 10 won"))
    return None


@dataclass
class SkuRow:
    """What the SKU rules need of one SKU (saved or not)."""

    label: str
    extra_price: int
    active: bool = True


def sku_price_problems(
    *, sale_price: int, skus: Sequence[SkuRow]
) -> tuple[dict[int, ValidationError], ValidationError | None]:
    """The SKU price rules, per SKU: {index in ``skus``: error} and the "one at 0" error of the whole product.

    For callers that place each message on its own row (the Excel import); ``validate_sku_prices`` raises them.
    """
    per_sku: dict[int, ValidationError] = {}
    active = [(index, sku) for index, sku in enumerate(skus) if sku.active]
    if not active:
        return per_sku, None
    for index, sku in active:
        problem = extra_price_error(sale_price=sale_price, extra_price=sku.extra_price)
        if problem:
            per_sku[index] = ValidationError(
                _("Option %(option)s: the extra price %(extra)s won must be %(rule)s."),
                code="extra_price_range",
                params={"option": sku.label or "-", "extra": f"{sku.extra_price:,}", "rule": problem},
            )
    zero = None
    if not any(sku.extra_price == 0 for _index, sku in active):
        zero = ValidationError(
            _("Options: at least one combination must have no extra price (0 won, the sale price itself)."),
            code="extra_price_zero",
        )
    return per_sku, zero


def validate_sku_prices(*, sale_price: int, skus: Sequence[SkuRow]) -> None:
    """Every active combination within ±50% of the sale price, and at least one at 0 (seed 001)."""
    per_sku, zero = sku_price_problems(sale_price=sale_price, skus=skus)
    messages = list(per_sku.values()) + ([zero] if zero is not None else [])
    if messages:
        raise ValidationError({"skus": messages})


# Options ---------------------------------------------------------------------------------------------------


def validate_option_text(value: str, *, field) -> None:
    if not _OPTION_TEXT.match(value):
        raise ValidationError(
            _("%(field)s “%(value)s”: special characters are not allowed (only ( ) + - ~)."),
            code="option_characters",
            params={"field": field, "value": value},
        )


def validate_option_name(value: str) -> None:
    value = (value or "").strip()
    if not value:
        raise ValidationError(_("Option name: enter a name such as 색상 or 사이즈."), code="option_name_required")
    if len(value) > OPTION_NAME_MAX:
        raise ValidationError(
            _("Option name: at most %(max)s characters."), code="option_name_length", params={"max": OPTION_NAME_MAX}
        )
    validate_option_text(value, field=_("Option name"))


def validate_option_value(value: str) -> None:
    """One option value (of a comma-separated list, or one cell of an Excel row)."""
    if len(value) > OPTION_VALUE_MAX:
        raise ValidationError(
            _("Option value “%(value)s”: at most %(max)s characters."),
            code="option_value_length",
            params={"value": value, "max": OPTION_VALUE_MAX},
        )
    validate_option_text(value, field=_("Option value"))


def parse_option_values(text: str) -> list[str]:
    """Comma-separated values, each trimmed; empty pieces dropped; duplicates and bad values refused."""
    values = [piece.strip() for piece in (text or "").replace("，", ",").split(",")]
    values = [re.sub(r"\s+", " ", value) for value in values if value]
    if not values:
        raise ValidationError(
            _("Option values: enter the values separated by commas, e.g. 빨강,파랑."), code="option_values_required"
        )
    seen: set[str] = set()
    for value in values:
        validate_option_value(value)
        if value.casefold() in seen:
            raise ValidationError(
                _("Option values: “%(value)s” appears twice."),
                code="option_value_duplicate",
                params={"value": value},
            )
        seen.add(value.casefold())
    return values


def combination_count(groups: Iterable[Sequence[str]]) -> int:
    count = 1
    any_group = False
    for values in groups:
        any_group = True
        count *= max(len(values), 1)
    return count if any_group else 0


def validate_option_groups(groups: Sequence[tuple[str, Sequence[str]]]) -> None:
    """(name, values) per group: at most 3 groups, distinct names, a bounded number of combinations."""
    if len(groups) > MAX_OPTION_GROUPS:
        raise ValidationError(
            {
                "option_groups": ValidationError(
                    _("Options: at most %(max)s option names per product (now %(count)s)."),
                    code="option_groups_max",
                    params={"max": MAX_OPTION_GROUPS, "count": len(groups)},
                )
            }
        )
    names = [name.strip().casefold() for name, _values in groups]
    if len(set(names)) != len(names):
        raise ValidationError(
            {"option_groups": ValidationError(_("Options: each option name may be used once."), code="option_dup")}
        )
    count = combination_count(values for _name, values in groups)
    if count > MAX_COMBINATIONS:
        raise ValidationError(
            {
                "option_groups": ValidationError(
                    _("Options: %(count)s combinations; at most %(max)s per product."),
                    code="combinations_max",
                    params={"count": count, "max": MAX_COMBINATIONS},
                )
            }
        )


def combination_limit(marketplace: str) -> int | None:
    """How many option combinations a channel takes for one listing (None: no known limit)."""
    return COMBINATION_LIMITS.get(str(marketplace))


def combination_limit_error(*, marketplace: str, count: int) -> str | None:
    limit = combination_limit(marketplace)
    if limit is None or count <= limit:
        return None
    return str(
        _("This channel takes fewer than %(bound)s option combinations; this product has %(count)s.")
        % {"bound": limit + 1, "count": count}
    )


def validate_combination_count(*, marketplace: str, count: int) -> None:
    """For listings: refuse a product whose active combinations exceed the channel's limit (11번가 < 100)."""
    message = combination_limit_error(marketplace=marketplace, count=count)
    if message:
        raise ValidationError({"skus": ValidationError(message, code="channel_combinations")})


# Add-ons ---------------------------------------------------------------------------------------------------


@dataclass
class AddonRow:
    group: str
    name: str
    price: int


def validate_addons(*, sale_price: int, groups: Sequence[tuple[str, Sequence[AddonRow]]]) -> None:
    """At most 5 groups; each item priced from 10 won up to half the sale price (seed 001)."""
    messages = []
    if len(groups) > MAX_ADDON_GROUPS:
        messages.append(
            ValidationError(
                _("Add-ons: at most %(max)s add-on groups per product (now %(count)s)."),
                code="addon_groups_max",
                params={"max": MAX_ADDON_GROUPS, "count": len(groups)},
            )
        )
    names = [name.strip().casefold() for name, _items in groups]
    if len(set(names)) != len(names):
        messages.append(ValidationError(_("Add-ons: each group name may be used once."), code="addon_group_dup"))
    high = sale_price // 2
    for name, items in groups:
        if not items:
            messages.append(
                ValidationError(
                    _("Add-on group %(group)s: add at least one item."), code="addon_empty", params={"group": name}
                )
            )
        for item in items:
            if item.price < ADDON_PRICE_MIN or item.price > high:
                messages.append(
                    ValidationError(
                        _(
                            "Add-on %(group)s / %(item)s: the price must be between 10 and %(high)s won "
                            "(up to 50%% of the sale price)."
                        ),
                        code="addon_price",
                        params={"group": name, "item": item.name, "high": f"{high:,}"},
                    )
                )
    if messages:
        raise ValidationError({"addon_groups": messages})


# Certifications --------------------------------------------------------------------------------------------


@dataclass
class CertificationRow:
    kind: str
    number: str = ""
    agency: str = ""


_RADIO_NUMBER = re.compile(r"^(R-|MSIP-|KCC-)", re.IGNORECASE)


def validate_certifications(
    *,
    certifications: Sequence[CertificationRow],
    notice_category: str = "",
    manufactured_on: date | None = None,
    enforce_required: bool = True,
) -> None:
    from .models import CERT_ELECTRIC, CERT_KIDS, CERT_NUMBER_REQUIRED, CERT_RADIO, CertificationKind

    messages = []
    if len(certifications) > MAX_CERTIFICATIONS:
        messages.append(
            ValidationError(
                _("Certifications: at most %(max)s per product (now %(count)s)."),
                code="certifications_max",
                params={"max": MAX_CERTIFICATIONS, "count": len(certifications)},
            )
        )
    seen = set()
    for cert in certifications:
        label = CertificationKind(cert.kind).label if cert.kind in CertificationKind.values else cert.kind
        number = (cert.number or "").strip()
        if cert.kind in CERT_NUMBER_REQUIRED and not number:
            messages.append(
                ValidationError(
                    _("Certification %(kind)s: enter the certificate number."),
                    code="certification_number",
                    params={"kind": label},
                )
            )
        if number and cert.kind in CERT_RADIO and not _RADIO_NUMBER.match(number):
            messages.append(
                ValidationError(
                    _("Certification %(kind)s: a radio equipment number starts with R- (older: MSIP-, KCC-)."),
                    code="certification_radio_number",
                    params={"kind": label},
                )
            )
        if (cert.kind, number) in seen:
            messages.append(
                ValidationError(
                    _("Certification %(kind)s %(number)s is listed twice."),
                    code="certification_dup",
                    params={"kind": label, "number": number},
                )
            )
        seen.add((cert.kind, number))
    kinds = {cert.kind for cert in certifications}
    if enforce_required and notice_category in notice.KIDS_CATEGORIES and not kinds & CERT_KIDS:
        messages.append(
            ValidationError(
                _("Certifications: a children's product needs its KC children's product certification."),
                code="certification_kids_required",
            )
        )
    if enforce_required and notice_category in notice.ELECTRIC_CATEGORIES and not kinds & (CERT_ELECTRIC | CERT_RADIO):
        messages.append(
            ValidationError(
                _("Certifications: an electrical product needs its KC electrical or radio certification."),
                code="certification_electric_required",
            )
        )
    if kinds & CERT_RADIO and manufactured_on is None:
        messages.append(
            ValidationError(
                _("Certifications: radio equipment certification requires the manufacturing date (basic tab)."),
                code="certification_radio_date",
            )
        )
    if messages:
        raise ValidationError({"certifications": messages})


# 상품정보제공고시 ---------------------------------------------------------------------------------------------

# Seed 001: 'N(X), 아니오(X) / "해당없음"(O) or "상세페이지 참조"(O)'; '"상품라벨참조표기" (X)'.
_NOTICE_REFUSED = {"n", "no", "x", "아니오", "아니요", "없음", "-", ".", "무", "n/a"}
_NOTICE_LABEL_REF = re.compile(r"라벨\s*참조")
NOTICE_VALUE_MAX = 1000


def notice_value_error(value: str) -> str | None:
    text = (value or "").strip()
    if text.casefold() in _NOTICE_REFUSED:
        return str(
            _("write “%(na)s” (not applicable) or tick “see detail page” instead of “%(value)s”")
            % {"na": notice.NOT_APPLICABLE_TEXT, "value": text}
        )
    if _NOTICE_LABEL_REF.search(text):
        return str(_("“see the product label” is not accepted; write the content or tick “see detail page”"))
    if len(text) > NOTICE_VALUE_MAX:
        return str(_("at most %(max)s characters") % {"max": NOTICE_VALUE_MAX})
    return None


def notice_errors(category: str, values: dict) -> dict[str, str]:
    """Item key -> problem, for every required item of the category that is missing or badly filled."""
    errors: dict[str, str] = {}
    for key, label in notice.category_items(category):
        entry = values.get(key) or {}
        value = (entry.get("value") or "").strip()
        if entry.get("see_detail"):
            continue
        if not value:
            errors[key] = str(_("Notice “%(item)s”: enter the content or tick “see detail page”.") % {"item": label})
            continue
        problem = notice_value_error(value)
        if problem:
            errors[key] = str(_("Notice “%(item)s”: %(problem)s.") % {"item": label, "problem": problem})
    return errors


def validate_notice(*, category: str, values: dict, required: bool = True) -> None:
    if not category:
        if required:
            raise ValidationError(
                {"notice_category": ValidationError(_("Notice: choose the product information notice category."))}
            )
        return
    if category not in notice.BY_CODE:
        raise ValidationError({"notice_category": ValidationError(_("Notice: unknown category."))})
    errors = notice_errors(category, values)
    if errors and required:
        raise ValidationError({"notice_values": list(errors.values())})


# Keywords --------------------------------------------------------------------------------------------------


def parse_keywords(text: str) -> list[str]:
    """Comma-separated keywords, trimmed, empties dropped (order kept)."""
    return [re.sub(r"\s+", " ", piece).strip() for piece in (text or "").split(",") if piece.strip()]


def validate_keywords(keywords: Sequence[str]) -> None:
    if len(keywords) > MAX_KEYWORDS:
        raise ValidationError(
            _("Keywords: at most %(max)s (now %(count)s)."),
            code="keywords_max",
            params={"max": MAX_KEYWORDS, "count": len(keywords)},
        )
    seen = set()
    for keyword in keywords:
        if len(keyword) > KEYWORD_MAX:
            raise ValidationError(
                _("Keyword “%(keyword)s”: at most %(max)s characters."),
                code="keyword_length",
                params={"keyword": keyword, "max": KEYWORD_MAX},
            )
        bad = sorted({ch for ch in keyword if not _NAME_CHAR.fullmatch(ch)})
        if bad:
            raise ValidationError(
                _("Keyword “%(keyword)s”: remove %(chars)s (only the characters of product names)."),
                code="keyword_characters",
                params={"keyword": keyword, "chars": " ".join(bad)},
            )
        if keyword.casefold() in seen:
            raise ValidationError(
                _("Keywords: “%(keyword)s” appears twice."),
                code="keyword_duplicate",
                params={"keyword": keyword},
            )
        seen.add(keyword.casefold())


# Origin and dates ------------------------------------------------------------------------------------------


def validate_origin(*, kind: str, goods_type: str, country: str, ingredients: str) -> None:
    from .models import OriginGoodsType, OriginKind

    errors = {}
    country = (country or "").strip()
    if kind == OriginKind.IMPORTED:
        if not country:
            errors["origin_country"] = ValidationError(_("Origin: enter the country of an imported product."))
        elif country.casefold() in _KOREA_NAMES:
            errors["origin_country"] = ValidationError(
                _("Origin: an imported product's country cannot be Korea; choose domestic instead.")
            )
    # Seed 001: "식품일 경우 가공품 선택 시 원재료(원료명/원산지/함량)를 등록해야 함".
    if (
        goods_type == OriginGoodsType.PROCESSED
        and kind != OriginKind.NOT_APPLICABLE
        and not (ingredients or "").strip()
    ):
        errors["origin_ingredients"] = ValidationError(
            _("Origin: for processed food enter the raw materials with their origin and share.")
        )
    if errors:
        raise ValidationError(errors)


def validate_dates(*, manufactured_on: date | None, expires_on: date | None, today: date) -> None:
    errors = {}
    if manufactured_on and manufactured_on > today:
        errors["manufactured_on"] = ValidationError(_("Manufacturing date: cannot be in the future."))
    if manufactured_on and expires_on and expires_on <= manufactured_on:
        errors["expires_on"] = ValidationError(_("Expiry date: must be after the manufacturing date."))
    if errors:
        raise ValidationError(errors)


# Images ----------------------------------------------------------------------------------------------------


def validate_image_file(*, file_name: str, file_size: int, image_format: str, size: tuple[int, int], field) -> None:
    stem = PurePosixPath(file_name or "").stem
    problems = []
    if (image_format or "").upper() not in {"JPEG", "JPG", "MPO"}:
        problems.append(str(_("only JPG files are accepted (this is %(format)s)") % {"format": image_format or "?"}))
    if tuple(size) != IMAGE_SIZE:
        problems.append(
            str(_("the image must be 1000×1000 pixels (this is %(w)s×%(h)s)") % {"w": size[0], "h": size[1]})
        )
    if file_size > IMAGE_MAX_BYTES:
        problems.append(
            str(_("the file must be 3 MB or less (this is %(mb).2f MB)") % {"mb": file_size / (1024 * 1024)})
        )
    if stem and not _IMAGE_STEM.match(stem):
        problems.append(str(_("the file name may use English letters and digits only, without spaces")))
    if problems:
        raise ValidationError(
            _("%(field)s: %(problems)s."), code="image_rules", params={"field": field, "problems": "; ".join(problems)}
        )


def validate_product_image(image, *, field) -> None:
    """Check a Wagtail image against the seed's rules (reads the file once to learn its real format)."""
    from PIL import Image as PILImage

    if image is None:
        return
    try:
        with image.open_file() as handle:
            with PILImage.open(handle) as pil:
                image_format, size = pil.format or "", pil.size
            handle.seek(0, 2)
            file_size = handle.tell()
    except (OSError, ValueError) as exc:
        raise ValidationError(
            _("%(field)s: the image file cannot be read."), code="image_unreadable", params={"field": field}
        ) from exc
    validate_image_file(
        file_name=image.file.name, file_size=file_size, image_format=image_format, size=size, field=field
    )


# A product's fields at once, without queries (bulk import) ---------------------------------------------------

ORIGIN_FIELDS = frozenset({"origin_kind", "origin_goods_type", "origin_country", "origin_ingredients"})
NOTICE_FIELDS = frozenset({"notice_category", "notice_values", "status"})


def _collect(errors: dict[str, list[str]], exc: ValidationError, field: str) -> None:
    if hasattr(exc, "error_dict"):
        for key, items in exc.error_dict.items():
            errors.setdefault(key, []).extend(message for item in items for message in item.messages)
    else:
        errors.setdefault(field, []).extend(exc.messages)


def product_errors(
    product,
    *,
    fields: Iterable[str],
    certifications: Sequence[CertificationRow] | None = None,
    cache: dict | None = None,
) -> dict[str, list[str]]:
    """The rules a product save applies to ``fields`` of ``product`` (saved or not), as {field: [messages]}.

    The single-field rules run exactly as ``full_clean`` runs them (each model field's ``clean``: choices,
    length, the validators above), then origin and the notice when one of their fields is given, and the
    certifications when given. Nothing is read from the database: foreign keys are only checked for presence,
    and uniqueness is the caller's business (one query for many rows). The same messages as the admin's.
    ``cache`` (a dict the caller keeps for one run, in one language) remembers each field's result per value:
    a bulk import checks the same maker, status or tax type thousands of times.
    """
    from .models import Product

    errors: dict[str, list[str]] = {}
    fields = set(fields)
    for name in sorted(fields):
        model_field = Product._meta.get_field(name)
        value = getattr(product, model_field.attname)
        if model_field.blank and value in model_field.empty_values:
            continue  # as Model.clean_fields: an allowed blank is not validated further
        if model_field.is_relation:
            if value is None:
                errors.setdefault(name, []).append(str(model_field.error_messages["blank"]))
            continue
        key = None
        if cache is not None:
            key = (name, tuple(value) if isinstance(value, list) else value)
            try:
                messages = cache.get(key)
            except TypeError:  # unhashable: not remembered
                key, messages = None, None
            if messages is not None:
                if messages:
                    errors.setdefault(name, []).extend(messages)
                continue
        try:
            model_field.clean(value, product)
            messages = []
        except ValidationError as exc:
            messages = exc.messages
            errors.setdefault(name, []).extend(messages)
        if key is not None:
            cache[key] = messages
    if fields & ORIGIN_FIELDS:
        try:
            validate_origin(
                kind=product.origin_kind,
                goods_type=product.origin_goods_type,
                country=product.origin_country,
                ingredients=product.origin_ingredients,
            )
        except ValidationError as exc:
            _collect(errors, exc, "origin_kind")
    preparing = product.status == Product.Status.PREPARING
    if fields & NOTICE_FIELDS:
        try:
            validate_notice(category=product.notice_category, values=product.notice_values, required=not preparing)
        except ValidationError as exc:
            _collect(errors, exc, "notice_category")
    if certifications is not None:
        try:
            validate_certifications(
                certifications=certifications,
                notice_category=product.notice_category,
                manufactured_on=product.manufactured_on,
                enforce_required=not preparing,
            )
        except ValidationError as exc:
            _collect(errors, exc, "certifications")
    return errors
