"""Courier registry and tracking-number rules (integrations/couriers)."""

import pytest

from integrations.channels.base import COURIER_NAMES_KO, CourierCode
from integrations.channels.coupang import mapper as coupang_mapper
from integrations.channels.elevenst.mapper import COURIER_TO_ELEVENST
from integrations.channels.naver.mapper import COURIER_TO_NAVER
from integrations.couriers import (
    COURIERS,
    STRICT_CHECK,
    check,
    check_digit,
    compose,
    courier_by_name,
    courier_choices,
    is_valid,
    marketplace_codes,
    normalize,
    registry,
    tracking,
)


def mod7_number(body: str) -> str:
    """A number with its mod-7 check digit, computed here independently of the module."""
    return body + str(int(body) % 7)


def wrong_last_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def s10_digit(serial: str) -> str:
    c = 11 - sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True)) % 11
    return {10: "0", 11: "5"}.get(c, str(c))


# ------------------------------------------------------------------------------------------------
# Registry
# ------------------------------------------------------------------------------------------------


def test_every_courier_code_has_an_entry_with_its_korean_name():
    assert set(COURIERS) == set(CourierCode)
    for code, courier in COURIERS.items():
        assert courier.code == code
        assert courier.name == COURIER_NAMES_KO[code]
        assert courier.tracked is (code not in (CourierCode.DIRECT, CourierCode.OTHER))
        if courier.tracked:
            assert courier.allowed_lengths and all(8 <= n <= 20 for n in courier.allowed_lengths)


def test_registry_facts_for_the_big_couriers():
    cj = COURIERS[CourierCode.CJ]
    assert (cj.tracker_id, cj.cs_phone, cj.lengths, cj.check) == ("kr.cjlogistics", "1588-1255", (10, 12), "mod7")
    assert COURIERS[CourierCode.HANJIN].lengths == (10, 12, 14)
    assert COURIERS[CourierCode.LOGEN].lengths == (11,)
    assert COURIERS[CourierCode.EPOST].lengths == (13,)
    assert COURIERS[CourierCode.DIRECT].tracker_id == ""


def test_courier_is_frozen():
    with pytest.raises(AttributeError):
        COURIERS[CourierCode.CJ].name = "x"


def test_marketplace_codes_for_cj_come_from_the_channel_mappers():
    assert marketplace_codes(CourierCode.CJ) == {
        "coupang": coupang_mapper.coupang_courier(CourierCode.CJ),
        "naver": "CJGLS",
        "elevenst": "00034",
    }


def test_marketplace_codes_leave_out_marketplaces_that_cannot_take_the_courier():
    # Naver treats 업체직송 as a delivery method (no company code); 11번가 has no 경동 code.
    assert "naver" not in marketplace_codes(CourierCode.DIRECT)
    assert "elevenst" not in marketplace_codes(CourierCode.KDEXP)
    for code in CourierCode:
        codes = marketplace_codes(code)
        assert codes.get("naver") == COURIER_TO_NAVER.get(code)
        assert codes.get("elevenst") == COURIER_TO_ELEVENST.get(code)
        assert codes.get("coupang") == coupang_mapper.coupang_courier(code)


def test_marketplace_codes_reflect_a_mapper_change(monkeypatch):
    monkeypatch.setitem(COURIER_TO_NAVER, CourierCode.CJ, "CJ_NEW")
    assert marketplace_codes(CourierCode.CJ)["naver"] == "CJ_NEW"


def test_courier_choices_put_the_common_couriers_first():
    choices = courier_choices()
    assert [code for code, _ in choices[:5]] == ["CJ", "LOTTE", "HANJIN", "LOGEN", "EPOST"]
    assert choices[0] == ("CJ", "CJ대한통운")
    assert {code for code, _ in choices} == {c.value for c in CourierCode}
    assert len(choices) == len(CourierCode)
    assert [code for code, _ in choices[-2:]] == ["DIRECT", "OTHER"]
    tracked_only = courier_choices(include_untracked=False)
    assert "DIRECT" not in dict(tracked_only) and "OTHER" not in dict(tracked_only)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CJ", CourierCode.CJ),
        ("cj", CourierCode.CJ),
        (" CJ 대한통운 ", CourierCode.CJ),
        ("CJ대한통운", CourierCode.CJ),
        ("대한통운", CourierCode.CJ),
        ("ＣＪ대한통운", CourierCode.CJ),
        ("CJGLS", CourierCode.CJ),
        ("KOREX", CourierCode.CJ),
        ("00034", CourierCode.CJ),
        ("롯데", CourierCode.LOTTE),
        ("롯데택배", CourierCode.LOTTE),
        ("현대택배", CourierCode.LOTTE),
        ("HYUNDAI", CourierCode.LOTTE),
        ("lotte", CourierCode.LOTTE),
        ("한진", CourierCode.HANJIN),
        ("(주)한진택배", CourierCode.HANJIN),
        ("로젠", CourierCode.LOGEN),
        ("KGB", CourierCode.LOGEN),
        ("우체국", CourierCode.EPOST),
        ("우체국택배", CourierCode.EPOST),
        ("REGISTPOST", CourierCode.EPOST),
        ("경동", CourierCode.KDEXP),
        ("경동택배", CourierCode.KDEXP),
        ("천일특송", CourierCode.CHUNIL),
        ("CVSNET", CourierCode.GS_POSTBOX),
        ("GS Postbox(CVSnet)", CourierCode.GS_POSTBOX),
        ("CU편의점택배", CourierCode.CU_POST),
        ("호남택배", CourierCode.WOORI),
        ("업체직송", CourierCode.DIRECT),
        ("기타", CourierCode.OTHER),
        ("", None),
        (None, None),
        ("없는택배", None),
    ],
)
def test_courier_by_name(text, expected):
    assert courier_by_name(text) == expected


def test_courier_by_name_resolves_every_marketplace_code_and_registry_name():
    for code in CourierCode:
        assert courier_by_name(code.value) == code
        assert courier_by_name(COURIERS[code].name) == code
        for own in marketplace_codes(code).values():
            assert courier_by_name(own) == code, own


def test_aliases_do_not_point_one_spelling_at_two_couriers():
    seen: dict[str, CourierCode] = {}
    for code, aliases in registry._ALIASES.items():
        for alias in (*aliases, code.value, COURIER_NAMES_KO[code]):
            key = registry._key(alias)
            assert seen.setdefault(key, code) == code, alias


# ------------------------------------------------------------------------------------------------
# Tracking numbers
# ------------------------------------------------------------------------------------------------


def test_normalize_strips_separators_and_folds_full_width():
    assert normalize(" 6012-3456-7890 ") == "601234567890"
    assert normalize("6012.3456.7890") == "601234567890"
    assert normalize("６０１２－３４５６　７８９０") == "601234567890"
    assert normalize("rr 473 124 829 kr") == "RR473124829KR"
    assert normalize("") == ""


def test_hanjin_legacy_sample_is_valid():
    assert check(CourierCode.HANJIN, "0123456782") is None
    problem = check(CourierCode.HANJIN, "0123456783")
    assert problem.rule == "check_digit" and "한진택배" in problem.message


def test_hanjin_14_digit_numbers_are_not_held_to_mod7():
    assert is_valid(CourierCode.HANJIN, "12345678901234")


@pytest.mark.parametrize("body", ["60123456789", "35000012345", "68481234567", "000000000"])
def test_cj_numbers_with_the_mod7_digit_pass_and_a_wrong_digit_is_refused(body):
    number = mod7_number(body)
    assert check(CourierCode.CJ, number) is None
    problem = check(CourierCode.CJ, wrong_last_digit(number))
    assert problem.rule == "check_digit"
    assert "CJ대한통운" in problem.message and "7로 나눈 나머지" in problem.message
    assert f"앞 {len(body)}자리" in problem.message


def test_cj_worked_example():
    # 60123456789 = 7 * 8589065255 + 4
    assert check(CourierCode.CJ, "601234567894") is None
    assert check(CourierCode.CJ, "601234567895").message == (
        "CJ대한통운 송장번호의 검증번호(마지막 자리)가 맞지 않습니다: "
        "앞 11자리를 7로 나눈 나머지가 마지막 자리여야 합니다."
    )


def test_lotte_mod7_on_12_digits_but_not_13():
    number = mod7_number("23456789012")
    assert is_valid(CourierCode.LOTTE, number)
    assert check(CourierCode.LOTTE, wrong_last_digit(number)).rule == "check_digit"
    assert is_valid(CourierCode.LOTTE, "1234567890123")


def test_strict_check_can_be_switched_off_per_courier(monkeypatch):
    bad = wrong_last_digit(mod7_number("60123456789"))
    assert not is_valid(CourierCode.CJ, bad)
    monkeypatch.setattr(tracking, "STRICT_CHECK", STRICT_CHECK - {CourierCode.CJ})
    assert is_valid(CourierCode.CJ, bad)
    assert check(CourierCode.CJ, bad[:-1]).rule == "length"  # length still applies
    assert not is_valid(CourierCode.HANJIN, "0123456783")


def test_wrong_length_is_refused_naming_the_allowed_lengths():
    problem = check(CourierCode.CJ, "12345678901")
    assert problem.rule == "length"
    assert problem.message == "CJ대한통운 송장번호는 10자리 또는 12자리 숫자여야 합니다 (입력: 11자리)."
    assert "11자리" in check(CourierCode.LOGEN, "1234567890").message
    assert "10, 12 또는 14자리" in check(CourierCode.HANJIN, "123").message
    assert "8~16자리" in check(CourierCode.KDEXP, "1234567").message


def test_letters_are_refused():
    problem = check(CourierCode.LOGEN, "1234567890A")
    assert problem.rule == "digits_only" and "로젠택배" in problem.message
    assert check(CourierCode.CJ, "6012345678O4").rule == "digits_only"


def test_empty_is_refused():
    assert check(CourierCode.CJ, "  ").rule == "empty"
    assert check(CourierCode.DIRECT, "").rule == "empty"


def test_hyphenated_input_is_normalised_and_accepted():
    assert is_valid(CourierCode.CJ, "6012-3456-7894")
    assert is_valid(CourierCode.HANJIN, "0123-4567-82")
    assert is_valid(CourierCode.LOGEN, "123-4567-8901")


def test_epost_domestic_13_digits_have_no_check_digit():
    assert is_valid(CourierCode.EPOST, "6865012345678")
    assert check(CourierCode.EPOST, "686501234567").rule == "length"


def test_s10_known_example_is_valid_and_matches_the_rule():
    assert s10_digit("47312482") == "9"
    assert check(CourierCode.EPOST, "RR473124829KR") is None
    assert check(CourierCode.EPOST, "rr 473124829 kr") is None
    assert check_digit(CourierCode.EPOST, "RR47312482") == "9"


def test_s10_wrong_check_digit_is_refused():
    problem = check(CourierCode.EPOST, "RR473124828KR")
    assert problem.rule == "check_digit"
    assert "우체국택배" in problem.message and "S10" in problem.message


def test_s10_remainder_special_cases():
    # Find serials whose raw check value is 10 and 11, and make sure they map to 0 and 5.
    specials = {}
    for n in range(10_000_000, 10_000_200):
        serial = str(n)
        raw = 11 - sum(int(d) * w for d, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True)) % 11
        if raw in (10, 11):
            specials.setdefault(raw, serial)
    assert set(specials) == {10, 11}
    assert check_digit(CourierCode.EPOST, specials[10]) == "0"
    assert check_digit(CourierCode.EPOST, specials[11]) == "5"


def test_letters_that_are_not_s10_are_refused_for_epost():
    problem = check(CourierCode.EPOST, "AB12345678")
    assert problem.rule == "digits_only" and "RR473124829KR" in problem.message
    # S10 form is for 우체국 only.
    assert check(CourierCode.CJ, "RR473124829KR").rule == "digits_only"


def test_direct_and_other_take_free_text_up_to_40_chars():
    assert is_valid(CourierCode.DIRECT, "김기사 010-1234-5678")
    assert is_valid(CourierCode.OTHER, "DHL 1234567890")
    problem = check(CourierCode.DIRECT, "x" * 41)
    assert problem.rule == "length" and "업체직송" in problem.message and "40자" in problem.message


def test_check_digit_and_compose():
    assert check_digit(CourierCode.HANJIN, "012345678") == "2"
    assert compose(CourierCode.HANJIN, "012345678") == "0123456782"
    assert compose(CourierCode.CJ, "6012-3456-789") == "601234567894"
    assert compose(CourierCode.EPOST, "RR47312482") == "RR473124829KR"
    assert compose(CourierCode.EPOST, "EE12345678US").endswith("US")


@pytest.mark.parametrize(
    ("code", "body"),
    [
        (CourierCode.CJ, "60123456789"),
        (CourierCode.CJ, "123456789"),
        (CourierCode.HANJIN, "50000000001"),
        (CourierCode.LOTTE, "30987654321"),
        (CourierCode.EPOST, "CP12345678"),
        (CourierCode.EPOST, "EM00000000KR"),
    ],
)
def test_composed_numbers_pass_check(code, body):
    assert check(code, compose(code, body)) is None


def test_compose_for_a_whole_band_passes_check():
    for serial in range(600000000000 // 10, 600000000000 // 10 + 200):
        assert is_valid(CourierCode.CJ, compose(CourierCode.CJ, str(serial)))


def test_compose_refuses_what_it_cannot_make():
    with pytest.raises(ValueError, match="no check-digit rule"):
        compose(CourierCode.LOGEN, "1234567890")
    with pytest.raises(ValueError, match="자리"):
        compose(CourierCode.CJ, "1234")  # 5 digits: not a CJ length
    with pytest.raises(ValueError):
        compose(CourierCode.HANJIN, "1234567890123")  # mod-7 unknown for 14-digit numbers
    with pytest.raises(ValueError):
        compose(CourierCode.EPOST, "47312482")  # S10 needs the service letters
    with pytest.raises(ValueError):
        check_digit(CourierCode.CJ, "12AB")
