"""The order desk (Wagtail admin, /admin/orders/) at 1,000 and 100,000 orders: the list and an order's page.

ours
    ``GET`` through ``django.test.Client``, the whole middleware stack included, signed in as a
    desk worker (not a superuser: a Wagtail group with the orders area's view and edit rights, a
    confirmed TOTP device, session past two-factor). One untimed warm-up GET, then the median of
    ``--repeat`` GETs. List variants: the default page; the 7-day date preset (``period=7``); a
    search by a receiver's phone number typed as digits only (``q=01012345678``, stored with
    hyphens: the desk's digits-only search); a state filter (``state=acknowledged``).
    The order's page: an order with 5 lines, 2 claims, 16 events and a bundle.
baseline
    What each page fundamentally needs, timed the same way in the same state. List: the same page
    of rows as a bare ``values()`` fetch, through the same filters and search
    (``orders_filtered(Order.objects.all(), params)``) but without the desk's annotations, plus its
    ``count()``: 2 queries. Order page: bare ``values()`` fetches of the order, its lines, claims,
    events and the store's sync runs the page lists: 5 queries.

The SQL queries of one GET are counted with ``CaptureQueriesContext`` at both sizes; the count must
not grow with the number of orders (the notes say whether it did). Every admin GET also inserts one
AccessLog row (the access-log middleware), part of each count.

Rows are written with ``bulk_create`` (not through the collection service), realistic: five stores
on three marketplaces, a catalogue of 36 products / 77 SKUs (8 % of lines unmatched), orders over 90
days (ids increasing with time, office-hours peak), 1-4 lines per order (about 1.5 on average),
repeat customers, states by age (new today, completed after two weeks, cancellations, returns,
exchanges), claims on about 4 % of orders (a third of them open), events on about 40 % of orders,
and the stores' collection runs every 5 minutes over the 90 days (the order page lists them).
"""

from __future__ import annotations

import random
import re
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import SET_NULL, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from bench.common import log, median, result, time_calls
from modules.accounts.services import permission_group_save, totp_device_create_confirmed
from modules.catalog.models import SKU, Product
from modules.channels.models import Store, SyncKind, SyncRun
from modules.orders.filters import orders_filtered
from modules.orders.models import Bundle, Claim, Order, OrderEvent, OrderLine

SIZES = ((1_000, "1k"), (100_000, "100k"))
PAGE_SIZE = 50  # OrderViewSet.list_per_page
DAYS = 90
SYNC_EVERY_MINUTES = 5  # Store.order_sync_minutes / claim_sync_minutes default
BATCH = 5_000
SEED = 20240615
DESK_USERNAME = "bench-desk"

BASELINE_FIELDS = (
    "id",
    "channel_order_id",
    "store_id",
    "ordered_at",
    "receiver_name",
    "receiver_phone1",
    "total_amount",
    "state",
    "needs_attention",
    "receiver_edited_at",
)

# (marketplace, store name, share of the orders)
STORES = [
    ("coupang", "장터리빙 쿠팡", 30),
    ("coupang", "장터키친 쿠팡", 12),
    ("naver", "장터리빙 스마트스토어", 28),
    ("naver", "장터아웃도어 스마트스토어", 12),
    ("elevenst", "장터 11번가", 18),
]

# (product name, seller code, price, options)
CATALOG = [
    ("무선 블루투스 마우스 저소음", "JT0001", 18900, ["블랙", "화이트", "핑크"]),
    ("기계식 키보드 적축", "JT0002", 59000, ["블랙", "그레이"]),
    ("모니터 받침대 원목", "JT0003", 32000, ["내추럴", "월넛"]),
    ("스테인리스 텀블러 600ml", "JT0004", 15900, ["실버", "블랙", "민트", "코랄"]),
    ("극세사 차렵이불 퀸", "JT0005", 49000, ["그레이", "베이지", "네이비"]),
    ("호텔식 수건 40수 10매", "JT0006", 29900, ["화이트", "그레이"]),
    ("논슬립 옷걸이 50개", "JT0007", 12900, ["블랙", "화이트"]),
    ("접이식 캠핑의자", "JT0008", 39000, ["카키", "베이지", "블랙"]),
    ("원터치 텐트 4인용", "JT0009", 129000, ["카키", "그레이"]),
    ("캠핑 랜턴 충전식", "JT0010", 24900, ["블랙", "올리브"]),
    ("스텐 냄비 3종 세트", "JT0011", 68000, []),
    ("주물 무쇠 팬 28cm", "JT0012", 45000, []),
    ("실리콘 조리도구 5종", "JT0013", 19800, ["그레이", "민트"]),
    ("밀폐용기 유리 10종", "JT0014", 34900, []),
    ("전기 주전자 1.7L", "JT0015", 27900, ["화이트", "블랙"]),
    ("에어프라이어 5.5L", "JT0016", 89000, ["화이트", "블랙"]),
    ("국산 햅쌀 10kg", "JT0017", 36900, []),
    ("제주 감귤 5kg", "JT0018", 21900, ["로얄과", "중과"]),
    ("유기농 현미 4kg", "JT0019", 24500, []),
    ("무라벨 생수 2L 12병", "JT0020", 9900, []),
    ("남성 기능성 반팔티", "JT0021", 14900, ["블랙/M", "블랙/L", "블랙/XL", "네이비/M", "네이비/L", "네이비/XL"]),
    ("여성 와이드 슬랙스", "JT0022", 32900, ["블랙/S", "블랙/M", "베이지/S", "베이지/M"]),
    ("경량 패딩 조끼", "JT0023", 39900, ["블랙/M", "블랙/L", "카키/M", "카키/L"]),
    ("등산 양말 5켤레", "JT0024", 11900, ["240-260", "260-280"]),
    ("아동 실내화", "JT0025", 12800, ["180", "190", "200", "210"]),
    ("반려견 배변패드 100매", "JT0026", 17900, ["소형", "대형"]),
    ("고양이 두부모래 7L", "JT0027", 13900, ["오리지널", "녹차"]),
    ("차량용 핸드폰 거치대", "JT0028", 16900, []),
    ("USB-C 고속 충전기 65W", "JT0029", 29900, ["화이트", "블랙"]),
    ("멀티탭 6구 2m", "JT0030", 13500, []),
    ("LED 스탠드 무선충전", "JT0031", 45900, ["화이트", "블랙"]),
    ("가습기 초음파 4L", "JT0032", 54000, []),
    ("요가매트 10mm", "JT0033", 19900, ["퍼플", "그린", "네이비"]),
    ("폼롤러 45cm", "JT0034", 14900, ["블루", "블랙"]),
    ("덤벨 세트 20kg", "JT0035", 59900, []),
    ("자전거 라이트 세트", "JT0036", 22900, []),
]
PRODUCT_PREFIX = {"coupang": "", "naver": "[장터] ", "elevenst": "[무료배송] "}

FAMILY = (
    "김이박최정강조윤장임한오서신권황안송류홍전고문양손배백허유남심노하곽성차주우구민진지엄채"
    "원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부황보"
)
_GIVEN_PAIRS = (  # two-syllable given names, run together
    "민준서연지우하은도윤수아예준지민현우서윤주원채원지호다은영희철수정숙미경성호상훈"
    "은정지영태현수진동현혜진준영유진현정경민가은시우하준서준예린소율건우윤서민서재훈"
)
GIVEN = [_GIVEN_PAIRS[i : i + 2] for i in range(0, len(_GIVEN_PAIRS), 2)]
STREETS = [
    ("06236", "서울특별시 강남구 테헤란로"),
    ("06035", "서울특별시 강남구 가로수길"),
    ("04524", "서울특별시 중구 세종대로"),
    ("03187", "서울특별시 종로구 종로"),
    ("07327", "서울특별시 영등포구 여의대로"),
    ("02841", "서울특별시 성북구 안암로"),
    ("01849", "서울특별시 노원구 동일로"),
    ("13494", "경기도 성남시 분당구 판교역로"),
    ("16677", "경기도 수원시 영통구 광교로"),
    ("10881", "경기도 파주시 회동길"),
    ("14057", "경기도 안양시 동안구 시민대로"),
    ("21999", "인천광역시 연수구 송도과학로"),
    ("48058", "부산광역시 해운대구 센텀중앙로"),
    ("47285", "부산광역시 부산진구 중앙대로"),
    ("41585", "대구광역시 북구 대학로"),
    ("34126", "대전광역시 유성구 대학로"),
    ("61945", "광주광역시 서구 상무중앙로"),
    ("44677", "울산광역시 남구 삼산로"),
    ("30103", "세종특별자치시 한누리대로"),
    ("26464", "강원특별자치도 원주시 치악로"),
    ("28644", "충청북도 청주시 서원구 사직대로"),
    ("54896", "전북특별자치도 전주시 덕진구 백제대로"),
    ("51430", "경상남도 창원시 성산구 중앙대로"),
    ("63309", "제주특별자치도 제주시 첨단로"),
]
DETAILS = ["{n}동 {m}호", "{m}호", "{n}층", "상가 {m}호", "{n}동 {m}호 (관리실 앞)", "{apt} {n}동 {m}호"]
MAIL_DOMAINS = ["naver.com", "gmail.com", "daum.net", "kakao.com", "hanmail.net"]
APARTMENTS = ["래미안아파트", "푸르지오", "e편한세상", "힐스테이트", "자이", "롯데캐슬", "더샵", "아이파크"]
MESSAGES = [
    "",
    "",
    "",
    "문 앞에 놓아주세요",
    "부재 시 경비실에 맡겨주세요",
    "배송 전 연락 바랍니다",
    "파손 주의 부탁드립니다",
    "공동현관 비밀번호 #1234",
    "택배함에 넣어주세요",
    "빠른 배송 부탁드려요",
]
CANCEL_REASONS = ["단순 변심", "주문 실수", "배송 지연", "다른 상품으로 재주문"]
RETURN_REASONS = ["상품 불량", "단순 변심", "오배송", "사이즈가 맞지 않음", "상품 설명과 다름"]
EXCHANGE_REASONS = ["사이즈 교환", "색상 교환", "상품 불량"]
PUSH_REFUSALS = [
    ("INVALID_STATUS", "이미 취소된 주문입니다."),
    ("INVALID_INVOICE", "유효하지 않은 송장번호입니다."),
    ("TIMEOUT", "채널 응답 시간 초과"),
]
COURIERS = [("CJ", 45), ("HANJIN", 18), ("LOTTE", 15), ("EPOST", 12), ("LOGEN", 10)]
HOURS = [(h, 1) for h in range(0, 7)] + [(h, 3) for h in (7, 8)] + [(h, 8) for h in range(9, 23)] + [(23, 4)]

# Our state -> (the channel's LineState, its status text per marketplace)
CHANNEL_STATE = {
    "new": ("paid", {"coupang": "ACCEPT", "naver": "PAYED", "elevenst": "202"}),
    "acknowledged": ("acknowledged", {"coupang": "INSTRUCT", "naver": "PAYED", "elevenst": "301"}),
    "invoice_registered": ("acknowledged", {"coupang": "INSTRUCT", "naver": "PAYED", "elevenst": "301"}),
    "invoice_sent": ("shipped", {"coupang": "DEPARTURE", "naver": "DELIVERING", "elevenst": "401"}),
    "shipped": ("in_transit", {"coupang": "DELIVERING", "naver": "DELIVERING", "elevenst": "401"}),
    "delivered": ("delivered", {"coupang": "FINAL_DELIVERY", "naver": "DELIVERED", "elevenst": "501"}),
    "completed": ("purchase_confirmed", {"coupang": "FINAL_DELIVERY", "naver": "PURCHASE_DECIDED", "elevenst": "901"}),
    "cancelled": ("cancelled", {"coupang": "CANCEL", "naver": "CANCELED", "elevenst": "A01"}),
    "returned": ("returned", {"coupang": "RETURN", "naver": "RETURNED", "elevenst": "B01"}),
    "exchanged": ("exchanged", {"coupang": "EXCHANGE", "naver": "EXCHANGED", "elevenst": "C01"}),
}
SHIPPED_STATES = {"invoice_sent", "shipped", "delivered", "completed", "returned", "exchanged"}

# The list variants: (label, GET parameters).
LIST_VARIANTS = [
    ("default", {}),
    ("period7", {"period": "7"}),
    ("phone", None),  # q = a receiver's phone, digits only (chosen from the data at each size)
    ("state", {"state": "acknowledged"}),
]


# Data ------------------------------------------------------------------------------------------------


def _phone(rng: random.Random) -> str:
    roll = rng.random()
    middle, last = rng.randint(1000, 9999), rng.randint(1000, 9999)
    if roll < 0.78:
        return f"010-{middle}-{last}"
    if roll < 0.88:
        return f"0504-{middle}-{last}"  # 안심번호 (Naver, 11st)
    if roll < 0.96:
        return f"010{middle}{last}"  # as some channels send it
    return f"010 {middle} {last}"


def _name(rng: random.Random) -> str:
    return rng.choice(FAMILY) + rng.choice(GIVEN)


def _customers(rng: random.Random, count: int) -> list[dict]:
    """Buyers with their usual receiver and address (repeat customers order several times)."""
    customers = []
    for _ in range(count):
        zip_code, street = rng.choice(STREETS)
        detail = rng.choice(DETAILS).format(
            n=rng.randint(101, 120), m=rng.randint(101, 2504), apt=rng.choice(APARTMENTS)
        )
        buyer = _name(rng)
        phone = _phone(rng)
        gift = rng.random() < 0.12
        customers.append(
            {
                "buyer_name": buyer,
                "buyer_phone": phone,
                "buyer_email": f"user{rng.randint(10_000, 99_999_999)}@{rng.choice(MAIL_DOMAINS)}",
                "receiver_name": _name(rng) if gift else buyer,
                "receiver_phone1": _phone(rng) if gift else phone,
                "receiver_phone2": _phone(rng) if rng.random() < 0.15 else "",
                "zip_code": zip_code,
                "address1": f"{street} {rng.randint(1, 420)}",
                "address2": detail,
            }
        )
    return customers


def _state_for_age(rng: random.Random, days_ago: float) -> str:
    roll = rng.random()
    if days_ago >= 3 and roll < 0.03:
        return "cancelled"
    if days_ago < 3 and roll < 0.02:
        return "cancelled"
    if days_ago >= 7 and roll < 0.045:
        return "returned"
    if days_ago >= 7 and roll < 0.05:
        return "exchanged"
    roll = rng.random()
    if days_ago < 1:
        return "new" if roll < 0.65 else "acknowledged" if roll < 0.92 else "invoice_registered"
    if days_ago < 3:
        options = (("acknowledged", 0.25), ("invoice_registered", 0.35), ("invoice_sent", 0.6), ("shipped", 1.0))
    elif days_ago < 7:
        options = (("invoice_sent", 0.05), ("shipped", 0.4), ("delivered", 1.0))
    elif days_ago < 15:
        options = (("delivered", 0.6), ("completed", 1.0))
    else:
        options = (("delivered", 0.04), ("completed", 1.0))
    return next(state for state, upto in options if roll < upto)


def _order_number(marketplace: str, moment, serial: int) -> str:
    if marketplace == "coupang":
        return f"{3_000_000_000_000 + serial * 7:d}"  # 13-digit orderId
    if marketplace == "naver":
        return f"{moment:%Y%m%d}{serial:08d}"  # 16-digit
    return f"{moment:%Y%m%d}{serial % 1_000_000:06d}"  # 11번가 14-digit ordNo


def _tracking(rng: random.Random) -> str:
    return f"{rng.randint(10**11, 10**12 - 1)}"


class Seeder:
    """Builds the orders of one size with bulk_create, from scratch (the stores and catalogue stay)."""

    def __init__(self, stores: list[Store], skus: list[dict], staff: list):
        self.stores = stores
        self.skus = skus
        self.staff = staff

    def seed(self, total: int) -> dict:
        rng = random.Random(SEED + total)
        _delete_orders()
        now = timezone.now()
        start = now - timedelta(days=DAYS)
        local_start = timezone.localtime(start).replace(hour=0, minute=0, second=0, microsecond=0)
        hours, hour_weights = zip(*HOURS, strict=True)
        moments = []
        for _ in range(total):
            moment = local_start + timedelta(
                days=rng.randrange(DAYS + 1),
                hours=rng.choices(hours, hour_weights)[0],
                seconds=rng.randrange(3600),
                microseconds=rng.randrange(1_000_000),
            )
            moments.append(min(max(moment, start), now - timedelta(minutes=2)))
        moments.sort()
        customers = _customers(rng, max(50, total // 3))
        store_weights = [weight for *_rest, weight in STORES]
        line_counts, line_weights = (1, 2, 3, 4), (65, 22, 10, 3)
        courier_names, courier_weights = zip(*COURIERS, strict=True)
        # The order the detail page shows: 5 lines, 2-4 days old, on the Naver store (claims on lines).
        target_index = next(i for i in range(total - 1, -1, -1) if (now - moments[i]).days >= 3)
        naver_store = next(s for s in self.stores if s.marketplace == "naver")

        order_specs = []
        for index, moment in enumerate(moments):
            store = naver_store if index == target_index else rng.choices(self.stores, store_weights)[0]
            days_ago = (now - moment).total_seconds() / 86400
            state = "shipped" if index == target_index else _state_for_age(rng, days_ago)
            n_lines = 5 if index == target_index else rng.choices(line_counts, line_weights)[0]
            order_specs.append((index, moment, store, state, n_lines, days_ago))

        collected_at = Order._meta.get_field("collected_at")
        line_created = OrderLine._meta.get_field("created_at")
        event_created = OrderEvent._meta.get_field("created_at")
        claim_collected = Claim._meta.get_field("collected_at")
        fields = (collected_at, line_created, event_created, claim_collected)
        for f in fields:
            f.auto_now_add = False
        counts = {"orders": 0, "lines": 0, "claims": 0, "events": 0}
        target = {}
        try:
            with transaction.atomic():
                for batch_start in range(0, total, BATCH):
                    batch = order_specs[batch_start : batch_start + BATCH]
                    self._write_batch(
                        rng, batch, customers, courier_names, courier_weights, now, target_index, target, counts
                    )
        finally:
            for f in fields:
                f.auto_now_add = True
        return {"counts": counts, "target_id": target["order_id"], "customers": customers}

    def _write_batch(self, rng, batch, customers, courier_names, courier_weights, now, target_index, target, counts):
        orders, plans = [], []
        for index, moment, store, state, n_lines, days_ago in batch:
            customer = rng.choice(customers)
            number = _order_number(store.marketplace, moment, index + 1)
            lines = [(sku, rng.choices((1, 2, 3, 5), (80, 14, 4, 2))[0]) for sku in rng.sample(self.skus, n_lines)]
            amount = sum(sku["price"] * qty for sku, qty in lines)
            fee = 0 if amount >= 30000 else 3000
            paid = moment + timedelta(seconds=rng.randint(5, 600))
            collected = paid + timedelta(minutes=rng.randint(1, SYNC_EVERY_MINUTES + 2))
            order = Order(
                store=store,
                channel_order_id=number,
                ordered_at=moment,
                paid_at=paid,
                delivery_message=rng.choice(MESSAGES),
                shipping_fee=fee,
                total_amount=amount + fee,
                state=state,
                collected_at=min(collected, now),
                delivered_at=moment + timedelta(days=rng.randint(1, 3))
                if state in ("delivered", "completed")
                else None,
                raw={
                    "orderId": number,
                    "orderedAt": moment.isoformat(),
                    "paidAt": paid.isoformat(),
                    "orderer": {"name": customer["buyer_name"], "safeNumber": customer["buyer_phone"]},
                    "receiver": {
                        "name": customer["receiver_name"],
                        "receiverNumber": customer["receiver_phone1"],
                        "postCode": customer["zip_code"],
                        "addr1": customer["address1"],
                        "addr2": customer["address2"],
                    },
                    "shippingPrice": fee,
                    "totalPaidAmount": amount + fee,
                },
                **customer,
            )
            if index == target_index:
                order.receiver_edited_at = moment + timedelta(hours=3)
            elif rng.random() < 0.004:  # a state conflict or an unknown channel status, for a person
                order.needs_attention = True
            orders.append(order)
            plans.append((index, moment, store, state, days_ago, lines, order))
        Order.objects.bulk_create(orders, batch_size=1000)
        if orders and orders[0].pk is None:  # a backend without RETURNING
            ids = dict(
                Order.objects.filter(channel_order_id__in=[o.channel_order_id for o in orders]).values_list(
                    "channel_order_id", "pk"
                )
            )
            for o in orders:
                o.pk = o.id = ids[o.channel_order_id]

        line_objects, claim_objects, event_plans = [], [], []
        for index, moment, store, state, days_ago, lines, order in plans:
            is_target = index == target_index
            mp = store.marketplace
            open_claim = None
            if state in ("cancelled", "returned", "exchanged"):
                kind = {"cancelled": "cancel", "returned": "return", "exchanged": "exchange"}[state]
                open_claim = (kind, "completed")
            elif not is_target and rng.random() < 0.015:
                if state in ("new", "acknowledged", "invoice_registered"):
                    open_claim = ("cancel", "requested")
                elif state in ("delivered", "shipped"):
                    open_claim = (
                        rng.choice(("return", "return", "exchange")),
                        rng.choice(("requested", "in_progress")),
                    )
            courier = rng.choices(courier_names, courier_weights)[0] if state in SHIPPED_STATES else ""
            tracking = _tracking(rng) if courier else ""
            order_lines = []
            for line_no, (sku, quantity) in enumerate(lines, start=1):
                line_state = state
                claim_type = claim_state = ""
                if is_target:
                    line_state = ("delivered", "delivered", "shipped", "cancelled", "delivered")[line_no - 1]
                    if line_no == 4:
                        claim_type, claim_state = "cancel", "completed"
                    if line_no == 5:
                        claim_type, claim_state = "return", "requested"
                elif open_claim and (line_no == 1 or open_claim[1] == "completed"):
                    claim_type, claim_state = open_claim
                status, channel_status = CHANNEL_STATE[line_state]
                matched = rng.random() >= 0.08
                refused = rng.choice(PUSH_REFUSALS) if rng.random() < 0.004 else None
                line_id = (
                    f"{order.channel_order_id}{line_no:02d}"
                    if mp != "coupang"
                    else f"{order.channel_order_id}-{sku['option_id']}"
                )
                line_objects.append(
                    OrderLine(
                        order_id=order.pk,
                        store=store,
                        channel_line_id=line_id,
                        shipment_id=f"{order.channel_order_id[-9:]}{line_no}" if mp == "coupang" else "",
                        channel_product_id=sku["product_id"],
                        channel_option_id=sku["option_id"],
                        seller_code=sku["code"] if matched else f"OLD-{sku['code']}",
                        product_name=PRODUCT_PREFIX[mp] + sku["product_name"],
                        option_name=sku["option_label"],
                        quantity=quantity,
                        unit_price=sku["price"],
                        discount=1000 * quantity if rng.random() < 0.2 else 0,
                        line_amount=sku["price"] * quantity,
                        shipping_fee=order.shipping_fee if line_no == 1 else 0,
                        status=status,
                        channel_status=channel_status[mp],
                        claim_type=claim_type,
                        claim_state=claim_state,
                        channel_claim_id=f"C{order.channel_order_id[-10:]}{line_no}" if claim_type else "",
                        courier=courier if line_state in SHIPPED_STATES else "",
                        tracking_number=tracking if line_state in SHIPPED_STATES else "",
                        expected_ship_date=(moment + timedelta(days=2)).date() if state != "new" else None,
                        ref={"vendorItemId": sku["option_id"]} if mp == "coupang" else {},
                        raw={
                            "productName": PRODUCT_PREFIX[mp] + sku["product_name"],
                            "optionName": sku["option_label"],
                            "sellerCode": sku["code"],
                            "quantity": quantity,
                            "unitPrice": sku["price"],
                            "status": channel_status[mp],
                        },
                        flags=[f"state_conflict:{line_state}>{status}"] if order.needs_attention else [],
                        needs_attention=order.needs_attention,
                        created_at=order.collected_at,
                        state=line_state,
                        state_changed_at=order.collected_at + timedelta(hours=min(days_ago, 30) * 6),
                        sku_id=sku["id"] if matched else None,
                        match_source=("listing" if rng.random() < 0.7 else "seller_code") if matched else "",
                        pushed_at=order.collected_at + timedelta(hours=2) if state != "new" else None,
                        push_code=("OK" if refused is None else refused[0]) if state != "new" else "",
                        push_message=refused[1] if refused and state != "new" else "",
                    )
                )
                order_lines.append(line_objects[-1])
            if open_claim or is_target:
                claim_specs = (
                    [("cancel", "completed", [order_lines[3]]), ("return", "requested", [order_lines[4]])]
                    if is_target
                    else [
                        (open_claim[0], open_claim[1], order_lines if open_claim[1] == "completed" else order_lines[:1])
                    ]
                )
                for number, (kind, cstate, claimed) in enumerate(claim_specs, start=1):
                    reasons = {"cancel": CANCEL_REASONS, "return": RETURN_REASONS, "exchange": EXCHANGE_REASONS}[kind]
                    requested = moment + timedelta(
                        hours=rng.randint(1, 48) if kind == "cancel" else rng.randint(50, 120)
                    )
                    claim_objects.append(
                        Claim(
                            store=store,
                            channel_claim_id=f"CL{order.channel_order_id}{number}",
                            claim_type=kind,
                            state=cstate,
                            channel_status={
                                "cancel": "CANCEL_REQUEST",
                                "return": "RETURN_REQUEST",
                                "exchange": "EXCHANGE_REQUEST",
                            }[kind]
                            if cstate != "completed"
                            else "DONE",
                            channel_order_id=order.channel_order_id,
                            channel_line_ids=[line.channel_line_id for line in claimed],
                            quantity=sum(line.quantity for line in claimed),
                            reason=rng.choice(reasons),
                            reason_detail="포장을 뜯지 않았습니다." if rng.random() < 0.3 else "",
                            requested_at=min(requested, now),
                            completed_at=min(requested + timedelta(days=2), now) if cstate == "completed" else None,
                            collected_at=min(requested + timedelta(minutes=4), now),
                            decision="approve" if cstate == "completed" else "",
                            decided_by=rng.choice(self.staff) if cstate == "completed" else None,
                            decided_at=min(requested + timedelta(days=1), now) if cstate == "completed" else None,
                            push_code="OK" if cstate == "completed" else "",
                            raw={"claimId": f"CL{order.channel_order_id}{number}", "reason": rng.choice(reasons)},
                        )
                    )
            if is_target or rng.random() < 0.4:
                event_plans.append((order, order_lines, state, is_target))

        OrderLine.objects.bulk_create(line_objects, batch_size=1000)
        if line_objects and line_objects[0].pk is None:
            ids = dict(
                OrderLine.objects.filter(
                    channel_line_id__in=[line.channel_line_id for line in line_objects]
                ).values_list("channel_line_id", "pk")
            )
            for line in line_objects:
                line.pk = line.id = ids[line.channel_line_id]
        Claim.objects.bulk_create(claim_objects, batch_size=1000)

        events = []
        for order, order_lines, state, is_target in event_plans:
            events.extend(self._events(rng, order, order_lines, state, is_target))
        OrderEvent.objects.bulk_create(events, batch_size=1000)

        if any(is_target for *_r, is_target in event_plans):
            order, order_lines = next((o, ls) for o, ls, _s, t in event_plans if t)
            bundle = Bundle.objects.create(
                key=f"bench-{order.pk}", store=order.store, marketplace=order.store.marketplace
            )
            OrderLine.objects.filter(pk__in=[line.pk for line in order_lines if line.state != "cancelled"]).update(
                bundle=bundle
            )
            target["order_id"] = order.pk
        counts["orders"] += len(orders)
        counts["lines"] += len(line_objects)
        counts["claims"] += len(claim_objects)
        counts["events"] += len(events)

    def _events(self, rng, order, lines, state, is_target) -> list[OrderEvent]:
        at = order.collected_at
        events = []

        def add(kind, *, line=None, old="", new="", source="sync", user=None, message="", payload=None, after=0.0):
            events.append(
                OrderEvent(
                    order_id=order.pk,
                    line_id=line.pk if line else None,
                    kind=kind,
                    old=old,
                    new=new,
                    message=message,
                    source=source,
                    user=user,
                    payload=payload or {},
                    created_at=at + timedelta(hours=after),
                )
            )

        for line in lines:
            add("collected", line=line, new="new", payload={"channel_status": line.channel_status})
        if state == "new" and not is_target:
            return events
        user = rng.choice(self.staff)
        for line in lines:
            add("acknowledge", line=line, old="new", new="acknowledged", source="user", user=user, after=1)
        if is_target:
            add(
                "receiver_edit",
                old="010-1234-5678",
                new="010-8765-4321",
                source="user",
                user=user,
                payload={"field": "receiver_phone1"},
                after=3,
            )
            add("seller_cancel", line=lines[3], old="acknowledged", new="cancelled", source="user", user=user, after=4)
            for line in (lines[0], lines[1], lines[2], lines[4]):
                add("state", line=line, old="acknowledged", new="invoice_sent", after=20)
            add(
                "sync_conflict",
                line=lines[2],
                old="delivered",
                new="in_transit",
                message="채널 상태가 우리 상태보다 뒤에 있어 적용하지 않았습니다.",
                after=40,
            )
            return events
        if state in SHIPPED_STATES:
            for line in lines:
                add("state", line=line, old="acknowledged", new="invoice_sent", after=rng.uniform(5, 30))
        return events


def _delete_orders() -> None:
    """Every order row goes (also those an earlier benchmark collected); rows of other tables that
    point at them are deleted or unlinked first, as their foreign key says."""
    ours = (OrderEvent, OrderLine, Bundle, Claim, Order)
    with transaction.atomic():
        for model in ours:
            for rel in model._meta.get_fields(include_hidden=True):
                if not (rel.auto_created and not rel.concrete and rel.is_relation) or rel.related_model in ours:
                    continue
                pointing = rel.related_model._base_manager.filter(**{f"{rel.field.name}__isnull": False})
                if rel.on_delete is SET_NULL:
                    pointing.update(**{rel.field.name: None})
                else:
                    pointing.delete()
        OrderEvent.objects.all()._raw_delete(OrderEvent.objects.db)
        OrderLine.objects.all()._raw_delete(OrderLine.objects.db)
        Bundle.objects.all()._raw_delete(Bundle.objects.db)
        Claim.objects.all()._raw_delete(Claim.objects.db)
        Order.objects.all()._raw_delete(Order.objects.db)


def _stores() -> list[Store]:
    stores = []
    for marketplace, name, _weight in STORES:
        store, _created = Store.objects.get_or_create(
            marketplace=marketplace, name=name, seller_id=f"jangteo-{marketplace}", defaults={"is_linked": True}
        )
        stores.append(store)
    return stores


def _catalog() -> list[dict]:
    """36 products, 77 SKUs; each SKU with the channel's product and option ids of its listing."""
    Product.objects.filter(seller_code__startswith="JT00").delete()
    products = Product.objects.bulk_create(
        [Product(name=name, seller_code=code, maker="장터상사", price=price) for name, code, price, _opts in CATALOG]
    )
    if products[0].pk is None:
        by_code = dict(Product.objects.filter(seller_code__startswith="JT00").values_list("seller_code", "pk"))
        for product in products:
            product.pk = product.id = by_code[product.seller_code]
    skus = []
    for product, (_name, code, _price, options) in zip(products, CATALOG, strict=True):
        for position, option in enumerate(options or [""], start=1):
            skus.append(
                SKU(
                    product=product,
                    option_values=option.split("/") if option else [],
                    option_label=option,
                    seller_code=f"{code}-{position:02d}" if option else code,
                    sort_order=position,
                )
            )
    SKU.objects.bulk_create(skus)
    rows = []
    for sku in SKU.objects.filter(product__seller_code__startswith="JT00").select_related("product").order_by("id"):
        rows.append(
            {
                "id": sku.pk,
                "code": sku.seller_code,
                "product_name": sku.product.name,
                "option_label": f"옵션: {sku.option_label}" if sku.option_label else "",
                "price": sku.product.price + sku.extra_price,
                "product_id": f"{7_000_000 + sku.product_id}",
                "option_id": f"{80_000_000 + sku.pk}",
            }
        )
    return rows


def _sync_runs(stores: list[Store]) -> int:
    """The stores' order and claim collection runs every 5 minutes over the 90 days (no pruning)."""
    SyncRun.objects.filter(store__in=stores).delete()
    started_field = SyncRun._meta.get_field("started_at")
    started_field.auto_now_add = False
    now = timezone.now()
    rng = random.Random(SEED)
    total = 0
    try:
        with transaction.atomic():
            runs = []
            steps = DAYS * 24 * 60 // SYNC_EVERY_MINUTES + 1
            for step in range(steps, 0, -1):
                at = now - timedelta(minutes=step * SYNC_EVERY_MINUTES)
                for store in stores:
                    for kind in (SyncKind.ORDERS, SyncKind.CLAIMS):
                        fetched = rng.randint(0, 12) if kind == SyncKind.ORDERS else rng.randint(0, 1)
                        runs.append(
                            SyncRun(
                                store=store,
                                kind=kind,
                                status="succeeded",
                                window_start=at - timedelta(minutes=SYNC_EVERY_MINUTES + 10),
                                window_end=at,
                                started_at=at,
                                finished_at=at + timedelta(seconds=rng.uniform(0.8, 9)),
                                pages=1,
                                fetched=fetched,
                                created=fetched,
                                progress="1/1",
                            )
                        )
                if len(runs) >= 10_000:
                    SyncRun.objects.bulk_create(runs, batch_size=1000)
                    total += len(runs)
                    runs = []
            SyncRun.objects.bulk_create(runs, batch_size=1000)
            total += len(runs)
    finally:
        started_field.auto_now_add = True
    return total


def _staff() -> list:
    user_model = get_user_model()
    names = ["kim.minji", "lee.jiho", "park.seoyeon", "warehouse-1", "cs-team"]
    user_model.objects.filter(username__in=names).delete()
    user_model.objects.bulk_create(
        [user_model(username=name, password=make_password(None), is_staff=True) for name in names]
    )
    return list(user_model.objects.filter(username__in=names))


def _desk_client() -> Client:
    """A desk worker: orders view + edit rights (no personal data right), TOTP confirmed, not superuser."""
    user_model = get_user_model()
    user_model.objects.filter(username=DESK_USERNAME).delete()
    user = user_model.objects.create_user(username=DESK_USERNAME, password=None)
    group = permission_group_save(name="bench-order-desk", rights={"orders": {"view", "edit"}})
    user.groups.add(group)
    device = totp_device_create_confirmed(user=user)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


# Measuring -----------------------------------------------------------------------------------------


def _list_baseline(params: dict):
    def fetch():
        queryset = orders_filtered(Order.objects.all(), params)
        rows = list(queryset.order_by("-ordered_at", "-id").values(*BASELINE_FIELDS)[:PAGE_SIZE])
        return rows, queryset.count()

    return fetch


def _detail_baseline(order_id: int):
    def fetch():
        order = Order.objects.filter(pk=order_id).values().get()
        lines = list(OrderLine.objects.filter(order_id=order_id).order_by("id").values())
        claims = list(
            Claim.objects.filter(store_id=order["store_id"], channel_order_id=order["channel_order_id"])
            .order_by("-requested_at", "-id")
            .values()
        )
        events = list(OrderEvent.objects.filter(order_id=order_id).order_by("id").values())
        runs = list(
            SyncRun.objects.filter(store_id=order["store_id"], kind__in=[SyncKind.ORDERS, SyncKind.CLAIMS])
            .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=order["collected_at"]))
            .order_by("started_at", "id")
            .values()[:15]
        )
        return order, lines, claims, events, runs

    return fetch


def _getter(client: Client, url: str, params: dict):
    def get():
        response = client.get(url, params)
        if response.status_code != 200:
            raise RuntimeError(
                f"GET {url} {params} answered {response.status_code} (location: {response.get('Location')})"
            )
        return response

    return get


def _count_queries(get, verbose: bool, label: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        get()
    queries = [query["sql"] for query in captured.captured_queries]
    if verbose:
        log(f"{len(queries)} queries of one GET, {label}:")
        for sql in queries:
            log(f"  {sql}")
    return len(queries), queries


def _slowest_query(get) -> tuple[float, str]:
    """The slowest SQL of one GET (time as the debug cursor records it)."""
    with CaptureQueriesContext(connection) as captured:
        get()
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    return float(slowest["time"]), slowest["sql"]


def _phone_query() -> str:
    """The receiver's phone (stored as 010-1234-5678) of a recent order, typed as digits only."""
    phones = Order.objects.filter(receiver_phone1__startswith="010-").order_by("-id")
    return re.sub(r"\D", "", phones.values_list("receiver_phone1", flat=True)[10])


def _measure_size(client: Client, size: int, label: str, seeded: dict, args) -> dict:
    url = reverse("orders:index")
    measured = {}
    for variant, params in LIST_VARIANTS:
        if params is None:
            params = {"q": _phone_query()}
        get = _getter(client, url, params)
        html = get().content.decode()  # warm-up, and a check that the page shows the baseline's rows
        rows, total = _list_baseline(params)()
        if not rows:
            raise RuntimeError(f"{variant}: the baseline found no order for {params}")
        missing = [row["channel_order_id"] for row in rows if row["channel_order_id"] not in html]
        if missing:
            raise RuntimeError(f"{variant}: the page lacks rows of the baseline's page ({missing[:3]})")
        page_times = time_calls(get, args.repeat, warmup=0)
        baseline_times = time_calls(_list_baseline(params), args.repeat)
        queries, _sql = _count_queries(get, args.verbose, f"list {variant} at {label}")
        slow_s, slow_sql = _slowest_query(get)
        measured[f"list_{variant}"] = {
            "page_s": median(page_times),
            "baseline_s": median(baseline_times),
            "queries": queries,
            "rows": len(rows),
            "matching": total,
            "params": params,
            "slowest_s": slow_s,
            "slowest_sql": slow_sql,
        }

    order_id = seeded["target_id"]
    detail_url = reverse("orders_detail", args=[order_id])
    get = _getter(client, detail_url, {})
    html = get().content.decode()
    order, lines, claims, events, runs = _detail_baseline(order_id)()
    shown = (html.count("data-line="), html.count("data-event="))
    if shown[0] != len(lines) or shown[1] != len(events) or len(claims) < 2 or len(lines) < 5:
        raise RuntimeError(f"order page shows {shown} lines/events; baseline {len(lines)} lines, {len(events)} events")
    page_times = time_calls(get, args.repeat, warmup=0)
    baseline_times = time_calls(_detail_baseline(order_id), args.repeat)
    queries, _sql = _count_queries(get, args.verbose, f"detail at {label}")
    slow_s, slow_sql = _slowest_query(get)
    measured["detail"] = {
        "page_s": median(page_times),
        "baseline_s": median(baseline_times),
        "queries": queries,
        "rows": len(lines),
        "shape": f"{len(lines)} lines, {len(claims)} claims, {len(events)} events, {len(runs)} sync runs shown",
        "slowest_s": slow_s,
        "slowest_sql": slow_sql,
    }
    return measured


def run(args) -> list[dict]:
    started = time.perf_counter()
    stores = _stores()
    skus = _catalog()
    staff = _staff()
    runs = _sync_runs(stores)
    client = _desk_client()
    seeder = Seeder(stores, skus, staff)
    elapsed = time.perf_counter() - started
    log(f"order_desk: {len(stores)} stores, {len(skus)} SKUs, {runs:,} sync runs in {elapsed:.1f}s")

    by_size = {}
    shapes = {}
    for size, label in SIZES:
        started = time.perf_counter()
        seeded = seeder.seed(size)
        counts = seeded["counts"]
        shapes[label] = counts
        log(
            f"order_desk: seeded {counts['orders']:,} orders, {counts['lines']:,} lines, {counts['claims']:,} claims, "
            f"{counts['events']:,} events in {time.perf_counter() - started:.1f}s"
        )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        log(f"order_desk: timing the desk at {label}")
        by_size[label] = _measure_size(client, size, label, seeded, args)

    labels = [label for _size, label in SIZES]
    sizes = {label: size for size, label in SIZES}
    results = []
    for key in by_size[labels[0]]:
        counts = {label: by_size[label][key]["queries"] for label in labels}
        equal = len(set(counts.values())) == 1
        counts_text = ", ".join(f"{label} {count}" for label, count in counts.items())
        if not equal:
            log(f"WARNING: {key}: queries per GET grow with orders ({counts_text}); rerun with -v to see them")
        for label in labels:
            m = by_size[label][key]
            shape = shapes[label]
            if key == "detail":
                what = f"order page ({m['shape']}) vs bare values() of the same rows (5 queries)"
            else:
                what = (
                    f"list {m['params'] or 'default'}: {m['rows']} rows shown of {m['matching']:,} matching, "
                    f"vs bare values() page + count through the same filters (2 queries)"
                )
            notes = (
                f"{what}; p50 page {m['page_s'] * 1000:.1f} ms vs baseline {m['baseline_s'] * 1000:.2f} ms; "
                f"SQL queries per GET: {counts_text} (equal across sizes: {'yes' if equal else 'NO'}), incl. the "
                f"access-log INSERT; slowest query {m['slowest_s'] * 1000:.0f} ms; "
                f"{shape['orders']:,} orders / {shape['lines']:,} lines / {shape['claims']:,} claims / "
                f"{shape['events']:,} events; {args.repeat} timed GETs after 1 warm-up; {connection.vendor}"
            )
            if m["page_s"] > 0.3:
                notes += f"; SLOW (> 300 ms); slowest SQL: {m['slowest_sql'][:600]}"
            results.append(
                result(
                    name=f"order_desk_{key}_{label}",
                    n=sizes[label],
                    ours_s=m["page_s"],
                    baseline_s=m["baseline_s"],
                    notes=notes,
                )
            )
    return results
