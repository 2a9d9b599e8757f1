"""The one place where a settled claim touches stock.

Every claim that closes order lines — a cancel, return or exchange approved or completed on the
claims desk, or completed at the channel and collected by sync — calls ``claim_stock_effect`` once
the lines carry their new state (``claims._settle``). Stock then follows the lines
(``inventory.services.lines_stock_follow``): a cancel before the goods left releases what was
reserved; a return, or a cancel after they left, brings them back into the warehouse they left
from; an exchange brings one back and sends the replacement out. It is idempotent: a second call
for the same lines moves nothing.
"""

from __future__ import annotations


def claim_stock_effect(*, claim, lines, user):
    """Move the stock of the lines ``claim`` settled (see the module doc)."""
    from modules.inventory.services import lines_stock_follow

    line_ids = [line.pk for line in lines if line.pk is not None]
    if not line_ids:
        return None
    return lines_stock_follow(line_ids=line_ids, user=user)
