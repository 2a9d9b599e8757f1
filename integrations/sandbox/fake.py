"""Deterministic Korean demo data for the simulators: buyers, addresses, a small catalogue."""

from __future__ import annotations

import random
from dataclasses import dataclass

FAMILY = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민준", "서연", "지우", "하은", "도윤", "수아", "예준", "지민", "현우", "서윤", "주원", "채원", "지호", "다은"]
STREETS = [
    ("06236", "서울특별시 강남구 테헤란로 {n}"),
    ("04524", "서울특별시 중구 세종대로 {n}"),
    ("13494", "경기도 성남시 분당구 판교역로 {n}"),
    ("48058", "부산광역시 해운대구 센텀중앙로 {n}"),
    ("61945", "광주광역시 서구 상무중앙로 {n}"),
    ("63309", "제주특별자치도 제주시 첨단로 {n}"),
    ("34126", "대전광역시 유성구 대학로 {n}"),
    ("41585", "대구광역시 북구 대학로 {n}"),
]
DETAILS = ["{n}동 {m}호", "{m}호", "{n}층", "상가 {m}호", "{n}동 {m}호 (관리실 앞)"]
MESSAGES = ["", "", "문 앞에 놓아주세요", "부재 시 경비실에 맡겨주세요", "배송 전 연락 바랍니다", "파손 주의"]


@dataclass(frozen=True)
class CatalogOption:
    option_id: str
    name: str
    seller_code: str
    price: int
    stock: int = 100


@dataclass(frozen=True)
class CatalogProduct:
    product_id: str
    name: str
    seller_code: str
    options: tuple[CatalogOption, ...]


CATALOG_SPEC = [
    ("무선 블루투스 이어폰 프로", "EAR-PRO", 39900, ["화이트", "블랙"]),
    ("국산 유기농 현미 4kg", "RICE-4K", 24800, ["4kg"]),
    ("데일리 코튼 반팔 티셔츠", "TEE-DAILY", 12900, ["S/화이트", "M/화이트", "L/블랙", "XL/블랙"]),
    ("스테인리스 텀블러 500ml", "TUMB-500", 15900, ["실버", "민트", "핑크"]),
    ("고양이 두부모래 7L", "CAT-TOFU", 9900, ["오리지널", "녹차"]),
]


def catalog(prefix: str, id_base: int) -> list[CatalogProduct]:
    products = []
    for index, (name, code, price, options) in enumerate(CATALOG_SPEC):
        product_id = str(id_base + index * 100)
        opts = tuple(
            CatalogOption(
                option_id=str(id_base * 10 + index * 100 + n),
                name=option,
                seller_code=f"{code}-{n + 1:02d}",
                price=price + (1000 if n % 3 == 2 else 0),
            )
            for n, option in enumerate(options)
        )
        products.append(CatalogProduct(product_id=product_id, name=name, seller_code=f"{prefix}{code}", options=opts))
    return products


@dataclass(frozen=True)
class FakePerson:
    name: str
    phone: str
    safe_number: str
    email: str
    zip_code: str
    address1: str
    address2: str
    message: str


def person(rng: random.Random) -> FakePerson:
    name = rng.choice(FAMILY) + rng.choice(GIVEN)
    zip_code, street = rng.choice(STREETS)
    return FakePerson(
        name=name,
        phone=f"010-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
        safe_number=f"0504-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
        email=f"buyer{rng.randint(1000, 99999)}@example.com",
        zip_code=zip_code,
        address1=street.format(n=rng.randint(1, 400)),
        address2=rng.choice(DETAILS).format(n=rng.randint(101, 120), m=rng.randint(101, 1504)),
        message=rng.choice(MESSAGES),
    )
