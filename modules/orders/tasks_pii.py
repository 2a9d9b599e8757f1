"""django-q2 entry point of the personal data retention (scheduled daily by migration 0004)."""


def mask_personal_data() -> str:
    """Mask the personal data of orders over for the company's retention period; say how many."""
    from .pii import personal_data_mask, retention_summary

    return retention_summary(personal_data_mask())
