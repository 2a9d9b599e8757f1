"""Korean couriers (택배사): one record per neutral ``CourierCode`` and the names sellers type for them.

``CourierCode`` (integrations/channels/base.py) stays the neutral code stored everywhere; this module
adds what the shipping screens need about each courier (Korean name, CS phone, tracker id, the
tracking-number shape) and answers two questions that would otherwise be re-solved per screen:

- which code does each marketplace use for this courier? (``marketplace_codes``) — read from the
  channel mappers' own tables, so a mapper stays the single source of truth for its channel;
- which courier does this Excel cell mean? (``courier_by_name``) — neutral codes, Korean names and
  short names, and any marketplace's code.

Facts come from shared/reference/domain-kr.md §1.1 / §1.3; where it marks a value [UNCERTAIN] the
entry says so. The channel mappers are imported lazily (inside functions): mappers may later import
``integrations.couriers`` to validate tracking numbers, and an import at module level would then be
a cycle.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from integrations.channels.base import COURIER_NAMES_KO, CourierCode, Marketplace

# Digit counts accepted when a tracked courier declares no lengths of its own.
DEFAULT_LENGTH_RANGE = (8, 20)
# Lengths for couriers whose format nobody documents: wide enough not to block real numbers.
_UNKNOWN_LENGTHS = tuple(range(9, 15))


@dataclass(frozen=True)
class Courier:
    """What the OMS knows about one courier.

    ``lengths`` are the allowed digit counts of a tracking number (empty = any count in
    ``DEFAULT_LENGTH_RANGE``). ``check`` names the check-digit rule ("mod7", "s10" or "") and
    ``check_lengths`` the lengths the rule is known for (empty = every allowed length): Hanjin's
    mod-7 is verified for its legacy 10/12-digit numbers only, not for the newer 14-digit ones.
    ``tracked`` is False for deliveries without a courier (업체직송) or with an unknown one (기타):
    their "tracking number" is free text and no tracker can follow it.
    """

    code: CourierCode
    name: str
    cs_phone: str
    tracker_id: str
    lengths: tuple[int, ...] = ()
    check: str = ""
    tracked: bool = True
    check_lengths: tuple[int, ...] = ()

    @property
    def allowed_lengths(self) -> tuple[int, ...]:
        """The digit counts a tracking number may have (the default range when none are declared)."""
        if self.lengths:
            return self.lengths
        low, high = DEFAULT_LENGTH_RANGE
        return tuple(range(low, high + 1))


def _courier(code: CourierCode, cs_phone: str, tracker_id: str, lengths: Iterable[int] = (), **extra) -> Courier:
    return Courier(
        code=code,
        name=COURIER_NAMES_KO[code],
        cs_phone=cs_phone,
        tracker_id=tracker_id,
        lengths=tuple(lengths),
        **extra,
    )


COURIERS: dict[CourierCode, Courier] = {
    c.code: c
    for c in (
        # CJ: 12 digits, 10 for the old doortodoor era [verified]. Mod-7 is widely cited, not confirmed
        # [UNCERTAIN]; tracking.STRICT_CHECK decides whether it refuses numbers.
        _courier(CourierCode.CJ, "1588-1255", "kr.cjlogistics", (10, 12), check="mod7"),
        # Hanjin: legacy validator 10/12 digits with mod-7 [verified]; current validator 12 or 14 digits.
        _courier(CourierCode.HANJIN, "1588-0011", "kr.hanjin", (10, 12, 14), check="mod7", check_lengths=(10, 12)),
        # Lotte (ex 현대택배): 12 digits, 10/13 also seen; mod-7 often assumed [UNCERTAIN], not applied to 13.
        _courier(CourierCode.LOTTE, "1588-2121", "kr.lotte", (10, 12, 13), check="mod7", check_lengths=(10, 12)),
        # 우체국: 13 digits with no documented check digit; EMS / K-Packet / 국제등기 use the UPU S10
        # form "RR473124829KR", whose mod-11 check digit is standard ("s10" applies to that form only).
        _courier(CourierCode.EPOST, "1588-1300", "kr.epost", (13,), check="s10"),
        _courier(CourierCode.LOGEN, "1588-9988", "kr.logen", (11,)),
        # The next three: 8–16 digits as Coupang publishes them (coupang mapper TRACKING_DIGITS).
        _courier(CourierCode.KDEXP, "1899-5368", "kr.kdexp", range(8, 17)),
        _courier(CourierCode.ILYANG, "1588-0002", "kr.ilyanglogis", range(8, 17)),
        _courier(CourierCode.HAPDONG, "1899-3392", "kr.hdexp", range(8, 17)),
        _courier(CourierCode.DAESIN, "031-462-0100", "kr.daesin", (13,)),
        _courier(CourierCode.CHUNIL, "1877-6606", "kr.chunilps", (11,)),
        # Convenience-store parcels: 10–12 digits "typical" [UNCERTAIN]; Coupang publishes 10/12 for CVS.
        _courier(CourierCode.GS_POSTBOX, "1577-1287", "kr.cvsnet", (10, 12)),
        _courier(CourierCode.CU_POST, "1577-1287", "kr.cupost", (10, 11, 12)),
        # 농협택배: no tracker.delivery carrier and no CS number in the reference; format unknown.
        _courier(CourierCode.NONGHYUP, "", "", _UNKNOWN_LENGTHS),
        _courier(CourierCode.WOORI, "1877-0572", "kr.honamlogis", _UNKNOWN_LENGTHS),
        _courier(CourierCode.DIRECT, "", "", tracked=False),
        _courier(CourierCode.OTHER, "", "", tracked=False),
    )
}

# Couriers sellers pick most; forms list them first.
_COMMON_FIRST = (CourierCode.CJ, CourierCode.LOTTE, CourierCode.HANJIN, CourierCode.LOGEN, CourierCode.EPOST)

# What sellers write in spreadsheets besides the neutral code and the Korean name (compared without
# spaces, case-insensitively). Marketplace codes and the names Coupang prints are added from the
# channel mappers in ``_name_index``.
_ALIASES: dict[CourierCode, tuple[str, ...]] = {
    CourierCode.CJ: ("CJ택배", "대한통운", "대한통운택배", "CJ대한통운택배", "씨제이", "씨제이대한통운", "CJ GLS"),
    CourierCode.LOTTE: ("롯데", "롯데글로벌로지스", "롯데로지스틱스", "현대", "현대택배", "현대로지스틱스"),
    CourierCode.HANJIN: ("한진", "한진택배"),
    CourierCode.LOGEN: ("로젠", "로젠택배"),
    CourierCode.EPOST: ("우체국", "우체국택배", "우체국소포", "우편", "우편등기", "등기"),
    CourierCode.KDEXP: ("경동", "경동택배", "경동화물"),
    CourierCode.DAESIN: ("대신", "대신택배", "대신화물"),
    CourierCode.ILYANG: ("일양", "일양택배", "일양로지스"),
    CourierCode.CHUNIL: ("천일", "천일택배", "천일특송"),
    CourierCode.HAPDONG: ("합동", "합동택배"),
    CourierCode.GS_POSTBOX: ("GS Postbox", "GS포스트박스", "GS편의점택배", "GS택배", "CVSnet", "CVS편의점택배"),
    CourierCode.CU_POST: ("CU", "CU택배", "CU편의점택배", "CU post", "CU포스트"),
    CourierCode.NONGHYUP: ("농협", "농협택배", "NH택배", "NH농협택배"),
    CourierCode.WOORI: ("우리택배", "호남택배", "호남", "우리"),
    CourierCode.DIRECT: ("업체직송", "직접배송", "직배송", "직송", "자체배송", "직접전달"),
    CourierCode.OTHER: ("기타", "기타택배"),
}


def _key(text: str) -> str:
    """Lookup form of a name: full-width folded, no whitespace, case-insensitive."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _marketplace_tables() -> dict[str, dict[CourierCode, str]]:
    """Each marketplace's neutral → own courier-code table, straight from its mapper."""
    from integrations.channels.coupang.mapper import COURIER_TO_COUPANG
    from integrations.channels.elevenst.mapper import COURIER_TO_ELEVENST
    from integrations.channels.naver.mapper import COURIER_TO_NAVER

    return {
        Marketplace.COUPANG.value: COURIER_TO_COUPANG,
        Marketplace.NAVER.value: COURIER_TO_NAVER,
        Marketplace.ELEVENST.value: COURIER_TO_ELEVENST,
    }


def marketplace_codes(code: CourierCode) -> dict[str, str]:
    """``{"coupang": …, "naver": …, "elevenst": …}`` for ``code``; a marketplace that cannot take it is absent.

    Read from the mappers' tables so a mapper fix shows up here without a second edit.
    """
    courier = CourierCode(code)
    return {market: table[courier] for market, table in _marketplace_tables().items() if courier in table}


def courier_choices(*, include_untracked: bool = True) -> list[tuple[str, str]]:
    """(code, Korean name) pairs for a select box: the five big couriers first, 업체직송/기타 last."""
    order = [*_COMMON_FIRST, *(c for c in CourierCode if c not in _COMMON_FIRST)]
    return [(c.value, COURIERS[c].name) for c in order if include_untracked or COURIERS[c].tracked]


@cache
def _name_index() -> dict[str, CourierCode]:
    """Every accepted spelling → courier. Earlier sources win, so our own names beat channel tables."""
    from integrations.channels.coupang.mapper import COUPANG_TO_COURIER
    from integrations.channels.coupang.mapper import COURIER_NAMES as COUPANG_NAMES
    from integrations.channels.elevenst.mapper import COURIER_FROM_ELEVENST
    from integrations.channels.naver.mapper import COURIER_FROM_NAVER

    pairs: list[tuple[str, CourierCode]] = [(c.value, c) for c in CourierCode]
    pairs += [(name, c) for c, name in COURIER_NAMES_KO.items()]
    pairs += [(alias, c) for c, aliases in _ALIASES.items() for alias in aliases]
    # Names as Coupang's ordersheet prints them ("천일특송", "CVS택배" …).
    pairs += [(name, COUPANG_TO_COURIER[code]) for name, code in COUPANG_NAMES.items() if code in COUPANG_TO_COURIER]
    for table in _marketplace_tables().values():
        pairs += [(own, c) for c, own in table.items()]
    # Reverse tables also hold legacy codes (KOREX, REGISTPOST, 11번가 00037 …).
    for reverse in (COUPANG_TO_COURIER, COURIER_FROM_NAVER, COURIER_FROM_ELEVENST):
        pairs += [(own, c) for own, c in reverse.items()]

    index: dict[str, CourierCode] = {}
    for text, courier in pairs:
        index.setdefault(_key(text), courier)
    return index


def courier_by_name(text: str | None) -> CourierCode | None:
    """The courier a seller meant by ``text`` (code, Korean or short name, marketplace code), or None.

    Tolerates spacing, case, full-width letters and a company suffix ("(주)", "주식회사").
    """
    if not text:
        return None
    index = _name_index()
    key = _key(str(text))
    if key in index:
        return index[key]
    stripped = re.sub(r"\(주\)|㈜|주식회사", "", key)
    stripped = re.sub(r"\(.*?\)", "", stripped) or stripped
    return index.get(stripped)
