"""Admin for orders: the order desk, the claims desk, bundles and personal data pieces register
themselves from their own hook modules."""

from . import (  # noqa: F401
    bundle_hooks,
    claim_hooks,
    desk_hooks,
    notify_hooks,  # noqa: F401
    pii_hooks,
)
