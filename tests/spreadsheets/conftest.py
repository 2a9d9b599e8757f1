import ipaddress

import pytest

from modules.accounts.models import AllowedIP
from modules.spreadsheets.cells import ValueType
from modules.spreadsheets.importers import ImportCounts, ModelImporter, RowsRejected
from modules.spreadsheets.layouts import FieldSpec, register_fields, register_importer, register_kind, unregister_kind

DEMO_KIND = "allowed_ips_demo"


class AllowedIPImporter(ModelImporter):
    """Demo importer used by the tests: the allow-list (network, memo) keyed by network."""

    def __init__(self):
        super().__init__(AllowedIP, key_field="network")
        self.reject_at_apply: set[str] = set()
        self.explode_at_apply = False

    def validate_rows(self, rows, *, context):
        problems = {}
        for row in rows:
            try:
                row.values["network"] = str(ipaddress.ip_network(row.values["network"], strict=False))
            except ValueError:
                problems[row.number] = [("network", "IP 주소나 대역이 아닙니다.")]
        return problems

    def apply(self, values, *, context):
        if self.explode_at_apply:
            raise RuntimeError("database went away")
        rejected = {
            i: [("network", "거부됨")] for i, row in enumerate(values) if row["network"] in self.reject_at_apply
        }
        if rejected:
            raise RowsRejected(rejected)
        return super().apply(values, context=context)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of import jobs go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo_kind():
    spec = register_kind(DEMO_KIND, label="허용 IP", area="settings", key_fields=("network",), replace=True)
    register_fields(
        DEMO_KIND,
        [
            FieldSpec("network", "IP 대역", ValueType.TEXT, required=True),
            FieldSpec("memo", "메모", ValueType.TEXT),
        ],
    )
    importer = AllowedIPImporter()
    register_importer(DEMO_KIND, importer)
    yield spec
    unregister_kind(DEMO_KIND)


__all__ = ["DEMO_KIND", "AllowedIPImporter", "ImportCounts"]
