"""What the marketplace mappers share: notice values by our item key, whether keyed by key or label."""

from integrations.channels.common import SEE_DETAIL, notice_values
from integrations.channels.naver import notice as naver_notice


def test_notice_values_by_key_or_label_key_first_blanks_dropped():
    fields = {"색상": " 화이트 ", "color": "블랙", "제품 소재": "면 100%", "size": "  ", "care": None, "itemName": "X"}
    assert notice_values(fields) == {"color": "블랙", "material": "면 100%", "itemName": "X"}
    assert notice_values({}) == {}


def test_naver_reads_a_labelled_value_too():
    built = naver_notice.build_notice("wear", {"제품 소재": "면 100%"})
    assert built["wear"]["material"] == "면 100%"
    assert built["wear"]["color"] == SEE_DETAIL
