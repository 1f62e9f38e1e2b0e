"""Hostile spreadsheets: a workbook that declares millions of blank rows, a CSV of blank lines
and far dates are refused with a Chinese message; nothing is written and a refused upload
leaves nothing on disk."""

import datetime as dt

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.styles import Font

import villages.registry
from tests.villages.files import SAMPLE, csv_bytes, write_xlsx
from villages.models import Household, ImportLog, Township, Village
from villages.registry import engine as registry

pytestmark = pytest.mark.django_db
IMPORT = reverse("villages:registry_import")


@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(registry, "MAX_ROWS", 1000)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def uploads_left(media_root):
    root = media_root / "registry_uploads"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def blank_tail_workbook(path, last_row, last_column=1):
    """The townships sheet with two real rows and one formatted blank cell far below (and to
    the right): the sheet's size says ``last_row`` rows though all but three are blank."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "乡镇"
    for row in SAMPLE["乡镇"]:
        sheet.append(row)
    sheet.cell(row=last_row, column=last_column).font = Font(bold=True)
    workbook.save(path)
    return path


def load(path):
    return registry.load([(path.name, path)])


def test_blank_rows_count_toward_the_row_limit(tmp_path, small_limit):
    report = load(blank_tail_workbook(tmp_path / "blank.xlsx", last_row=1_000_000))

    assert not report.ok
    assert "超过 1,000 行的上限" in report.errors[0]
    assert "空行也计算在内" in report.errors[0]
    assert Township.objects.count() == 0


def test_a_sheet_within_the_limit_with_blank_rows_still_loads(tmp_path, small_limit):
    report = load(blank_tail_workbook(tmp_path / "blank.xlsx", last_row=900))

    assert report.ok, report.errors
    assert Township.objects.count() == 2


def test_a_sheet_declaring_thousands_of_columns_reads_only_the_first_ones(tmp_path):
    report = load(blank_tail_workbook(tmp_path / "wide.xlsx", last_row=3, last_column=16_384))

    assert report.ok, report.errors
    assert Township.objects.count() == 2


def test_a_csv_of_blank_lines_is_refused(tmp_path, small_limit):
    path = tmp_path / "townships.csv"
    path.write_bytes(csv_bytes(SAMPLE["乡镇"]) + b"\r\n" * 5000)

    report = load(path)

    assert not report.ok
    assert "超过 1,000 行的上限" in report.errors[0]
    assert Township.objects.count() == 0


def test_the_refused_upload_is_removed_from_disk(client, admin_user, tmp_path, media_root, small_limit):
    client.force_login(admin_user)
    path = blank_tail_workbook(tmp_path / "blank.xlsx", last_row=1_000_000)

    response = client.post(IMPORT, {"files": SimpleUploadedFile("blank.xlsx", path.read_bytes())})

    assert response.status_code == 400
    assert "空行也计算在内" in response.content.decode()
    assert uploads_left(media_root) == []
    assert Township.objects.count() == 0
    assert ImportLog.objects.get().succeeded is False


def test_an_upload_is_removed_from_disk_even_when_the_load_fails(
    client, admin_user, tmp_path, media_root, monkeypatch
):
    def broken(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(villages.registry, "load", broken)  # what the upload page calls
    client.force_login(admin_user)
    client.raise_request_exception = False
    path = write_xlsx(tmp_path / "registry.xlsx", SAMPLE)

    client.post(IMPORT, {"files": SimpleUploadedFile("registry.xlsx", path.read_bytes())})

    assert uploads_left(media_root) == []


@pytest.mark.parametrize(
    "day", [dt.date(1, 1, 1), "0001-01-01", "1999-12-31", "2101-01-01", dt.date(9999, 12, 31)]
)
def test_far_dates_in_the_registry_are_refused(tmp_path, day):
    sheets = {k: [list(r) for r in v] for k, v in SAMPLE.items()}
    sheets["贫困户"][1][5] = day  # 识别日期 of H001

    report = load(write_xlsx(tmp_path / "far.xlsx", sheets))

    assert not report.ok
    assert any("年份应在 2000 至 2100 之间。" in error for error in report.errors), report.errors
    assert (Township.objects.count(), Village.objects.count(), Household.objects.count()) == (0, 0, 0)
