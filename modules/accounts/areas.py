"""Menu areas (PRODUCT.md) and the three rights a permission group can have in each.

Rights are Django permissions on the table-less ``AreaAccess`` model, so they live on Wagtail
groups and are edited on Wagtail's group page like any other permission.
"""

from django.utils.translation import gettext_lazy as _

# (code, Korean label used in the stored permission name, translatable label)
AREAS: list[tuple[str, str, str]] = [
    ("settings", "환경설정", _("Settings")),
    ("operations", "운영관리", _("Operations")),
    ("logs", "로그관리", _("Logs")),
    ("channels", "판매채널", _("Sales channels")),
    ("products", "상품", _("Products")),
    ("orders", "주문", _("Orders")),
    ("shipping", "배송", _("Shipping")),
    ("inventory", "재고", _("Inventory")),
    ("cs", "문의", _("Customer service")),
    ("settlement", "정산·통계", _("Settlement and statistics")),
]
RIGHTS: list[tuple[str, str]] = [("view", "보기"), ("edit", "편집"), ("pii", "개인정보")]

AREA_CODES = [code for code, _ko, _label in AREAS]


def area_permission_codenames() -> list[tuple[str, str]]:
    return [
        (f"{area}_{right}", f"{area_ko}: {right_ko} ({area} {right})")
        for area, area_ko, _label in AREAS
        for right, right_ko in RIGHTS
    ]


def area_perm(area: str, right: str) -> str:
    """Full permission name for ``user.has_perm``: e.g. area_perm("orders", "pii")."""
    if area not in AREA_CODES or right not in {r for r, _ko in RIGHTS}:
        raise ValueError(f"unknown area right {area}.{right}")
    return f"accounts.{area}_{right}"


def user_has_area_right(user, area: str, right: str) -> bool:
    """Edit implies view; superusers have every right."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if user.has_perm(area_perm(area, right)):
        return True
    return right == "view" and user.has_perm(area_perm(area, "edit"))
