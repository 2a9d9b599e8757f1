"""Tracking-number (송장번호) rules per courier: normalising, checking, and composing numbers.

Why check at all: a mistyped number is accepted by most marketplaces and only fails days later when
the buyer cannot track the parcel (Naver flags it as WRONG_INVOICE). Catching length and check-digit
errors while the seller is still at the upload screen saves a CS ticket.

Rules (shared/reference/domain-kr.md §1.3):
- digits only, except 우체국's international items in UPU S10 form ("RR473124829KR");
- a digit count per courier (registry ``Courier.lengths``);
- check digits: "mod7" — the last digit equals the preceding digits, read as one integer, mod 7 —
  and "s10" — the UPU mod-11 check digit. Mod-7 is verified for Hanjin's 10/12-digit numbers
  (legacy delivery-tracker validator; sample 0123456782). For CJ대한통운 and 롯데택배 it is widely
  cited but not confirmed by a primary source [UNCERTAIN]: if real numbers get refused, remove the
  courier from ``STRICT_CHECK`` and the digit/length rules still apply;
- 업체직송 / 기타: free text (a driver's phone, a foreign courier's id), non-empty, at most 40 chars.

``check_digit`` / ``compose`` compute the check digit for a body, so numbers can be issued from a
contract's number band (대역) without a call to the courier.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from integrations.channels.base import CourierCode

from .registry import COURIERS, Courier

# Couriers whose check digit refuses a number. A courier left out is still checked for characters
# and length. CJ and LOTTE are here on widely cited but unconfirmed rules (see module docstring).
STRICT_CHECK: set[CourierCode] = {CourierCode.HANJIN, CourierCode.CJ, CourierCode.LOTTE, CourierCode.EPOST}

FREE_TEXT_MAX = 40  # 업체직송 / 기타: longest value kept (the channels' invoice fields are ~40 chars)

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_S10_RE = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")
_S10_BODY_RE = re.compile(r"^(?:([A-Z]{2}))?(\d{8})([A-Z]{2})?$")
# Separators sellers and spreadsheets put inside numbers: spaces, hyphens and dash look-alikes, dots.
_SEPARATORS_RE = re.compile(r"[\s\-\u2010-\u2015\u2212.]")


@dataclass(frozen=True)
class TrackingProblem:
    """Why a tracking number was refused: ``rule`` for code, ``message`` (Korean) for the seller."""

    rule: str  # "empty", "digits_only", "length", "check_digit"
    message: str

    def __str__(self) -> str:
        return self.message


def normalize(number: str) -> str:
    """The number as couriers store it: no spaces/hyphens/dots, full-width folded to ASCII, upper case.

    Spreadsheets and copy-paste from label PDFs bring "1234-5678-9012", "１２３４…" and trailing
    spaces; all of them are the same parcel.
    """
    if not number:
        return ""
    return _SEPARATORS_RE.sub("", unicodedata.normalize("NFKC", str(number))).upper()


def _courier(code: CourierCode) -> Courier:
    return COURIERS[CourierCode(code)]


def _lengths_text(lengths: tuple[int, ...]) -> str:
    """ "12자리", "10자리 또는 12자리", "10, 12 또는 14자리", "8~16자리"."""
    counts = sorted(lengths)
    if len(counts) > 3 and counts == list(range(counts[0], counts[-1] + 1)):
        return f"{counts[0]}~{counts[-1]}자리"
    if len(counts) == 1:
        return f"{counts[0]}자리"
    if len(counts) == 2:
        return f"{counts[0]}자리 또는 {counts[1]}자리"
    return f"{', '.join(map(str, counts[:-1]))} 또는 {counts[-1]}자리"


def _mod7(body: str) -> str:
    return str(int(body) % 7)


def _s10(serial: str) -> str:
    remainder = sum(int(d) * w for d, w in zip(serial, S10_WEIGHTS, strict=True)) % 11
    digit = 11 - remainder
    return {10: "0", 11: "5"}.get(digit, str(digit))


def check_digit(code: CourierCode, body: str) -> str:
    """The check digit the courier's rule gives for ``body`` (the number without its last digit).

    mod7: ``body`` is the digits before the check digit. s10 (우체국 international): ``body`` is the
    8-digit serial, optionally with the two service letters before it and the country after it
    ("47312482", "RR47312482", "RR47312482KR"). Raises ValueError for a courier without a rule or a
    body the rule cannot read. STRICT_CHECK does not matter here: it only governs refusing numbers.
    """
    courier = _courier(code)
    text = normalize(body)
    if courier.check == "mod7":
        if not text.isdigit():
            raise ValueError(f"{courier.name}: mod-7 body must be digits, got {body!r}")
        return _mod7(text)
    if courier.check == "s10":
        match = _S10_BODY_RE.match(text)
        if not match:
            raise ValueError(f"{courier.name}: S10 body must be 8 digits (with optional letters), got {body!r}")
        return _s10(match.group(2))
    raise ValueError(f"{courier.name} has no check-digit rule")


def compose(code: CourierCode, body: str) -> str:
    """``body`` plus its check digit — a full tracking number, e.g. for issuing from a number band.

    For S10 the body carries the service letters ("RR47312482"); the country defaults to KR.
    Raises ValueError when the courier has no rule or the result is not a valid number of the courier.
    """
    courier = _courier(code)
    text = normalize(body)
    digit = check_digit(courier.code, text)
    if courier.check == "s10":
        match = _S10_BODY_RE.match(text)
        if match is None or not match.group(1):
            raise ValueError(f"{courier.name}: S10 body needs its two service letters, got {body!r}")
        number = f"{match.group(1)}{match.group(2)}{digit}{match.group(3) or 'KR'}"
    else:
        number = text + digit
        if courier.check_lengths and len(number) not in courier.check_lengths:
            raise ValueError(f"{courier.name}: the check digit is only known for {courier.check_lengths}-digit numbers")
    problem = check(courier.code, number)
    if problem:
        raise ValueError(problem.message)
    return number


def _check_s10(courier: Courier, number: str) -> TrackingProblem | None:
    match = _S10_RE.match(number)
    if match is None:
        return None
    if courier.code in STRICT_CHECK and _s10(match.group(2)) != match.group(3):
        return TrackingProblem(
            "check_digit",
            f"{courier.name} 국제우편 번호(UPU S10)의 검증번호가 맞지 않습니다: 일련번호 8자리에 "
            "가중치 8, 6, 4, 2, 3, 5, 9, 7을 곱해 더한 값을 11로 나눈 나머지로 계산한 숫자가 "
            "일련번호 다음 자리에 있어야 합니다.",
        )
    return None


def check(code: CourierCode, number: str) -> TrackingProblem | None:
    """Why ``number`` cannot be a tracking number of courier ``code``, or None when it can.

    ``number`` is normalised first, so "6012-3456-7890" is judged as "601234567890".
    """
    courier = _courier(code)
    if not courier.tracked:
        text = unicodedata.normalize("NFKC", number or "").strip()
        if not text:
            return TrackingProblem("empty", f"{courier.name} 송장번호(배송 정보)가 비어 있습니다.")
        if len(text) > FREE_TEXT_MAX:
            return TrackingProblem(
                "length", f"{courier.name} 송장번호는 {FREE_TEXT_MAX}자 이내여야 합니다 (입력: {len(text)}자)."
            )
        return None

    text = normalize(number)
    if not text:
        return TrackingProblem("empty", f"{courier.name} 송장번호가 비어 있습니다.")
    if courier.check == "s10" and _S10_RE.match(text):
        return _check_s10(courier, text)
    if not text.isdigit():
        extra = " 국제우편(EMS·K-Packet)은 RR473124829KR 형식으로 입력하세요." if courier.check == "s10" else ""
        return TrackingProblem(
            "digits_only", f"{courier.name} 송장번호는 숫자로만 입력해야 합니다 (입력: {number.strip()}).{extra}"
        )
    allowed = courier.allowed_lengths
    if len(text) not in allowed:
        return TrackingProblem(
            "length",
            f"{courier.name} 송장번호는 {_lengths_text(allowed)} 숫자여야 합니다 (입력: {len(text)}자리).",
        )
    if (
        courier.check == "mod7"
        and courier.code in STRICT_CHECK
        and (not courier.check_lengths or len(text) in courier.check_lengths)
        and _mod7(text[:-1]) != text[-1]
    ):
        return TrackingProblem(
            "check_digit",
            f"{courier.name} 송장번호의 검증번호(마지막 자리)가 맞지 않습니다: "
            f"앞 {len(text) - 1}자리를 7로 나눈 나머지가 마지막 자리여야 합니다.",
        )
    return None


def is_valid(code: CourierCode, number: str) -> bool:
    return check(code, number) is None
