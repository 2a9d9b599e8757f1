from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from modules.accounts.models import AllowedIP
from modules.channels.models import Store
from modules.settlement.models import ChannelSettlementLine
from modules.spreadsheets import services
from modules.spreadsheets.cells import ValueType
from modules.spreadsheets.importers import UpsertImporter
from modules.spreadsheets.layouts import FieldSpec, register_fields, register_importer, register_kind, unregister_kind
from modules.spreadsheets.models import ExcelLayout, ImportJob, ImportRowError
from modules.spreadsheets.reader import SpreadsheetError
from modules.spreadsheets.services import ImportRefused, import_job_confirm, import_job_create

from .conftest import DEMO_KIND
from .files import csv_bytes, xlsx_bytes

HEADER = ["IP 대역", "메모"]
ALL, VALID_ONLY = ImportJob.Mode.ALL, ImportJob.Mode.VALID_ONLY


def upload(rows, *, name="허용IP.xlsx", title_rows=(("허용 IP 목록",), ())):
    return SimpleUploadedFile(name, xlsx_bytes([*title_rows, HEADER, *rows]))


def networks():
    return dict(AllowedIP.objects.values_list("network", "memo"))


@pytest.fixture
def existing(db):
    AllowedIP.objects.create(network="203.0.113.0/24", memo="본사")
    AllowedIP.objects.create(network="198.51.100.7/32", memo="창고")


def test_dry_run_counts_and_errors_and_writes_nothing(demo_kind, existing, django_assert_max_num_queries):
    rows = [
        ["203.0.113.0/24", "본사"],  # row 4: unchanged
        ["198.51.100.7", "물류창고"],  # row 5: update (normalised to /32, memo changed)
        ["10.0.0.0/8", "지점"],  # row 6: create
        ["999.1.1.1", "틀림"],  # row 7: importer's own check
        [None, "빈 IP"],  # row 8: required value missing
        ["10.0.0.0/8", "중복"],  # row 9: duplicate of row 6
    ]
    job = import_job_create(kind=DEMO_KIND, upload=upload(rows), user=None)
    assert job.status == ImportJob.Status.VALIDATED
    assert not job.background
    assert job.header_row == 3
    assert (job.would_create, job.would_update, job.would_leave, job.error_rows) == (1, 1, 1, 3)
    assert networks() == {"203.0.113.0/24": "본사", "198.51.100.7/32": "창고"}  # nothing written
    errors = list(ImportRowError.objects.filter(job=job).values_list("row", "column", "message"))
    assert [(row, column) for row, column, _m in errors] == [(7, "IP 대역"), (8, "IP 대역"), (9, "IP 대역")]
    assert "6" in errors[2][2]  # "the same IP 대역 as row 6"
    assert job.file.name.startswith("spreadsheets/imports/")
    assert job.layout.is_default and job.layout_name


def test_confirm_all_refused_while_rows_have_errors(demo_kind, existing):
    job = import_job_create(kind=DEMO_KIND, upload=upload([["10.0.0.0/8", "a"], ["bad", "b"]]))
    with pytest.raises(ImportRefused):
        import_job_confirm(job=job, mode=ALL)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED


def test_confirm_valid_rows_only(demo_kind, existing):
    job = import_job_create(
        kind=DEMO_KIND, upload=upload([["10.0.0.0/8", "지점"], ["bad", "b"], ["198.51.100.7", "물류"]])
    )
    job = import_job_confirm(job=job, mode=VALID_ONLY)
    assert job.status == ImportJob.Status.DONE
    assert (job.created, job.updated, job.unchanged, job.skipped) == (1, 1, 0, 1)
    assert networks() == {"203.0.113.0/24": "본사", "198.51.100.7/32": "물류", "10.0.0.0/8": "지점"}
    assert list(job.row_errors.values_list("row", flat=True)) == [5]
    with pytest.raises(ImportRefused):
        import_job_confirm(job=job, mode=VALID_ONLY)  # only once


def test_confirm_all_writes_everything(demo_kind, existing):
    job = import_job_create(kind=DEMO_KIND, upload=upload([["10.0.0.0/8", "지점"], ["10.1.0.0/16", None]]))
    job = import_job_confirm(job=job, mode=ALL)
    assert job.status == ImportJob.Status.DONE
    assert (job.created, job.updated, job.unchanged) == (2, 0, 0)
    assert networks()["10.1.0.0/16"] == ""


def test_all_or_nothing_writes_nothing_when_a_row_fails_at_write_time(demo_kind, existing):
    job = import_job_create(kind=DEMO_KIND, upload=upload([["10.0.0.0/8", "지점"], ["10.9.0.0/16", "거부"]]))
    demo_kind.importer.reject_at_apply = {"10.9.0.0/16"}
    job = import_job_confirm(job=job, mode=ALL)
    assert job.status == ImportJob.Status.FAILED
    assert "10.0.0.0/8" not in networks()
    assert list(job.row_errors.values_list("row", "message")) == [(5, "거부됨")]


def test_valid_only_skips_rows_rejected_at_write_time(demo_kind, existing):
    job = import_job_create(kind=DEMO_KIND, upload=upload([["10.0.0.0/8", "지점"], ["10.9.0.0/16", "거부"]]))
    demo_kind.importer.reject_at_apply = {"10.9.0.0/16"}
    job = import_job_confirm(job=job, mode=VALID_ONLY)
    assert job.status == ImportJob.Status.DONE
    assert (job.created, job.skipped) == (1, 1)
    assert "10.0.0.0/8" in networks() and "10.9.0.0/16" not in networks()


def test_data_changed_since_the_dry_run_aborts_all_or_nothing(demo_kind, existing):
    job = import_job_create(kind=DEMO_KIND, upload=upload([["10.0.0.0/8", "지점"], ["10.2.0.0/16", "x"]]))
    original = demo_kind.importer.validate_rows

    def stricter(rows, *, context):
        problems = original(rows, context=context)
        problems.update({row.number: [("memo", "이제는 안 됨")] for row in rows if row.values.get("memo") == "x"})
        return problems

    demo_kind.importer.validate_rows = stricter
    job = import_job_confirm(job=job, mode=ALL)
    assert job.status == ImportJob.Status.FAILED
    assert "10.0.0.0/8" not in networks()
    assert list(job.row_errors.values_list("row", "column")) == [(5, "메모")]


def test_unexpected_error_rolls_back(demo_kind, existing):
    job = import_job_create(kind=DEMO_KIND, upload=upload([["10.0.0.0/8", "지점"]]))
    demo_kind.importer.explode_at_apply = True
    job = import_job_confirm(job=job, mode=ALL)
    assert job.status == ImportJob.Status.FAILED
    assert job.message
    assert "10.0.0.0/8" not in networks()


def test_columns_mismatch_gives_a_failed_job_with_the_message(demo_kind, db):
    data = SimpleUploadedFile("a.xlsx", xlsx_bytes([["IP", "메모", "비고"], ["10.0.0.0/8", "x", "y"]]))
    job = import_job_create(kind=DEMO_KIND, upload=data)
    assert job.status == ImportJob.Status.FAILED
    assert "IP 대역" in job.message and "비고" in job.message


def test_refused_files_are_not_stored(demo_kind, db):
    with pytest.raises(SpreadsheetError):
        import_job_create(kind=DEMO_KIND, upload=SimpleUploadedFile("a.pdf", b"%PDF"))
    assert not ImportJob.objects.exists()


def test_kind_without_importer_and_layout_without_required_columns(demo_kind, db):
    register_kind("download_only", label="내려받기 전용", area="settings", key_fields=())
    register_fields("download_only", [FieldSpec("memo", "메모", ValueType.TEXT)])
    try:
        with pytest.raises(ImportRefused):
            import_job_create(kind="download_only", upload=upload([]))  # a kind without an importer
    finally:
        unregister_kind("download_only")
    layout = ExcelLayout.objects.create(
        name="메모만",
        kind=DEMO_KIND,
        columns=ExcelLayout.columns_value(DEMO_KIND, [{"field": "memo", "title": "메모"}]),
    )
    with pytest.raises(ImportRefused) as info:
        import_job_create(kind=DEMO_KIND, upload=upload([]), layout=layout)
    assert "IP 대역" in str(info.value)


def test_custom_layout_titles_and_csv_cp949(demo_kind, db):
    layout = ExcelLayout.objects.create(
        name="간단",
        kind=DEMO_KIND,
        columns=ExcelLayout.columns_value(
            DEMO_KIND, [{"field": "memo", "title": "비고"}, {"field": "network", "title": "주소"}]
        ),
    )
    data = csv_bytes([["비고", "주소"], ["사무실", "192.0.2.1"]], encoding="cp949")
    job = import_job_create(kind=DEMO_KIND, upload=SimpleUploadedFile("ip.csv", data), layout=layout)
    assert (job.status, job.would_create) == (ImportJob.Status.VALIDATED, 1)
    import_job_confirm(job=job, mode=ALL)
    assert networks() == {"192.0.2.1/32": "사무실"}


def test_big_file_runs_as_task_with_progress(demo_kind, db, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.SPREADSHEETS_INLINE_MAX_ROWS = 5
    demo_kind.importer.chunk_size = 4
    seen = []
    real_progress = services._progress
    monkeypatch.setattr(services, "_progress", lambda job, done: (seen.append(done), real_progress(job, done)))
    rows = [[f"10.0.{i}.0/24", f"지점 {i}"] for i in range(12)]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = import_job_create(kind=DEMO_KIND, upload=upload(rows, title_rows=()))
    assert job.background and job.status == ImportJob.Status.QUEUED and job.total_rows == 12
    assert services.import_job_progress(job)["running"]
    for callback in callbacks:
        callback()  # Q_CLUSTER sync=True: the task runs here
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    assert (job.would_create, job.rows_done, job.total_rows) == (12, 12, 12)
    assert seen == [4, 8, 12]

    seen.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_confirm(job=job, mode=ALL)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created == 12
    assert seen == [4, 8, 12]
    assert AllowedIP.objects.count() == 12
    progress = services.import_job_progress(job)
    assert (progress["rows_done"], progress["total_rows"], progress["percent"], progress["running"]) == (
        12,
        12,
        100,
        False,
    )


def test_redelivered_task_does_nothing(demo_kind, db, settings, django_capture_on_commit_callbacks):
    settings.SPREADSHEETS_INLINE_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(kind=DEMO_KIND, upload=upload([["10.0.0.0/8", "a"], ["10.1.0.0/16", "b"]]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    again = services.import_job_run(job_id=job.pk, phase="validate")
    assert again.status == ImportJob.Status.VALIDATED and again.would_create == 2


# The digest path: UpsertImporter over modules.core.upsert.upsert_by_key -------------------------

SETTLEMENT = "settlement_lines_demo"


@pytest.fixture
def settlement_kind(db):
    store = Store.objects.create(marketplace="coupang", name="쿠팡 본점", seller_id="A001")
    register_kind(SETTLEMENT, label="정산 내역", area="settlement", key_fields=("settlement_id",), replace=True)
    register_fields(
        SETTLEMENT,
        [
            FieldSpec("settlement_id", "정산번호", ValueType.TEXT, required=True),
            FieldSpec("kind", "구분", ValueType.TEXT, required=True),
            FieldSpec("recognized_on", "매출인식일", ValueType.DATE),
            FieldSpec("sale_amount", "판매금액", ValueType.MONEY),
            FieldSpec("commission", "수수료", ValueType.MONEY),
        ],
    )
    register_importer(
        SETTLEMENT,
        UpsertImporter(
            ChannelSettlementLine,
            key_field="settlement_id",
            field_map={"settlement_id": "channel_settlement_id"},
            scope=lambda context: {"store": store},
        ),
    )
    yield store
    unregister_kind(SETTLEMENT)


def settlement_file(amount="12,000원"):
    return SimpleUploadedFile(
        "정산.xlsx",
        xlsx_bytes(
            [
                ["정산번호", "구분", "매출인식일", "판매금액", "수수료"],
                ["S-1", "판매", "2026.11.23", amount, "1,200"],
                ["S-2", "판매", date(2026, 11, 24), 30000, "(300)"],
            ]
        ),
    )


def test_upsert_importer_uses_the_content_digest(settlement_kind):
    job = import_job_create(kind=SETTLEMENT, upload=settlement_file())
    assert (job.would_create, job.error_rows) == (2, 0)
    assert not ChannelSettlementLine.objects.exists()
    import_job_confirm(job=job, mode=ALL)
    line = ChannelSettlementLine.objects.get(channel_settlement_id="S-1")
    assert (line.sale_amount, line.commission, line.recognized_on) == (12000, 1200, date(2026, 11, 23))
    assert ChannelSettlementLine.objects.get(channel_settlement_id="S-2").commission == -300

    again = import_job_create(kind=SETTLEMENT, upload=settlement_file())
    assert (again.would_create, again.would_update, again.would_leave) == (0, 0, 2)
    changed = import_job_create(kind=SETTLEMENT, upload=settlement_file(amount="13,000"))
    assert (changed.would_update, changed.would_leave) == (1, 1)
    changed = import_job_confirm(job=changed, mode=ALL)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 1)
    assert ChannelSettlementLine.objects.get(channel_settlement_id="S-1").sale_amount == 13000


def test_old_uploads_purged_with_their_files(demo_kind, existing):
    from datetime import timedelta

    from django.utils import timezone

    job = import_job_create(kind=DEMO_KIND, upload=upload([["10.0.0.0/8", "지점"]]))
    storage, name = job.file.storage, job.file.name
    assert storage.exists(name)
    assert services.import_jobs_purge(older_than_days=30) == 0
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert services.import_jobs_purge(older_than_days=30) == 1
    assert not storage.exists(name) and not ImportJob.objects.exists()
