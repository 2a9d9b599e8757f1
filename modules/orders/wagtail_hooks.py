"""Admin for orders: the order desk, the claims desk, bundles and personal data pieces register
themselves from their own hook modules."""

from . import bundle_hooks, claim_hooks, desk_hooks, pii_hooks  # noqa: F401
from . import notify_hooks  # noqa: F401
