"""The admins' upload page: role matrix, dry-run preview, confirm, import log."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.villages.files import SAMPLE, csv_bytes, write_xlsx
from villages.models import Household, ImportLog, Township, Village

IMPORT = reverse("villages:registry_import")
CONFIRM = reverse("villages:registry_import_confirm")
LOG = reverse("villages:import_log")
TEMPLATE = reverse("villages:registry_template")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NON_ADMINS = ["secretary_a", "village_secretary", "resident_cadre", "supervisor", "no_role_user"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def admin_client(client, admin_user):
    client.login(username=admin_user.username, password=PASSWORD)
    return client


def xlsx_upload(tmp_path, sheets=SAMPLE, name="registry.xlsx"):
    path = write_xlsx(tmp_path / name, sheets)
    return SimpleUploadedFile(name, path.read_bytes())


@pytest.mark.django_db
@pytest.mark.parametrize("url", [IMPORT, CONFIRM, LOG, TEMPLATE])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_user_is_sent_to_login(client, url, method):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
@pytest.mark.parametrize("url", [IMPORT, CONFIRM, LOG, TEMPLATE])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("who", NON_ADMINS)
def test_non_admins_are_forbidden(request, client, url, method, who, tmp_path):
    user = request.getfixturevalue(who)
    client.login(username=user.username, password=PASSWORD)
    data = {"files": xlsx_upload(tmp_path)} if method == "post" else None
    response = getattr(client, method)(url, data)
    assert response.status_code == 403
    assert Township.objects.filter(code="T01").count() == 0
    assert not ImportLog.objects.exists()


@pytest.mark.django_db
def test_admin_sees_the_upload_form_and_the_log(admin_client):
    assert "上传并预览" in admin_client.get(IMPORT).content.decode()
    assert "导入记录" in admin_client.get(LOG).content.decode()
    assert admin_client.get(CONFIRM).status_code == 405


def headers(workbook):
    return {sheet.title: [cell.value for cell in sheet[1]] for sheet in workbook.worksheets}


@pytest.mark.django_db
def test_admin_downloads_the_empty_template_the_command_writes(admin_client, tmp_path):
    page = admin_client.get(IMPORT).content.decode()
    assert f'href="{TEMPLATE}"' in page and "下载空白模板" in page

    response = admin_client.get(TEMPLATE)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".xlsx" in response["Content-Disposition"]
    downloaded = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    call_command("import_registry", "--template", str(tmp_path / "cli.xlsx"))
    written = openpyxl.load_workbook(tmp_path / "cli.xlsx")
    assert downloaded.sheetnames == written.sheetnames
    assert headers(downloaded) == headers(written)
    assert downloaded.sheetnames[:2] == ["乡镇", "村"]
    assert headers(downloaded)["乡镇"][:3] == ["编码", "名称", "类型"]
    assert all(sheet.max_row == 1 for sheet in downloaded.worksheets), "the template has no data rows"
    assert admin_client.post(TEMPLATE).status_code == 405


@pytest.mark.django_db
def test_template_is_in_chinese_for_an_english_admin(admin_client, settings):
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    downloaded = openpyxl.load_workbook(io.BytesIO(b"".join(admin_client.get(TEMPLATE).streaming_content)))

    assert downloaded.sheetnames[:2] == ["乡镇", "村"]


@pytest.mark.django_db
def test_upload_shows_a_preview_and_writes_only_on_confirm(admin_client, admin_user, tmp_path, media_root):
    response = admin_client.post(IMPORT, {"files": xlsx_upload(tmp_path)})

    assert response.status_code == 200
    page = response.content.decode()
    assert "确认导入" in page
    households = response.context["report"].counts["households"]
    assert households == {"create": 3, "update": 0, "unchanged": 0}
    assert Township.objects.count() == 0 and not ImportLog.objects.exists()
    token = response.context["token"]
    assert (media_root / "registry_uploads" / token / "registry.xlsx").is_file()

    response = admin_client.post(CONFIRM, {"token": token})

    assert response.status_code == 302 and response.url == LOG
    assert Household.objects.count() == 3
    entry = ImportLog.objects.get()
    assert (entry.user, entry.source, entry.succeeded, entry.files) == (
        admin_user,
        "upload",
        True,
        ["registry.xlsx"],
    )
    assert Household.history.first().history_user == admin_user
    assert not (media_root / "registry_uploads" / token).exists()
    # the token is spent: a second confirm writes nothing more
    response = admin_client.post(CONFIRM, {"token": token})
    assert response.status_code == 302 and response.url == IMPORT
    assert ImportLog.objects.count() == 1


@pytest.mark.django_db
def test_several_csv_files_upload_together(admin_client, tmp_path):
    files = [
        SimpleUploadedFile(f"{kind}.csv", csv_bytes(SAMPLE[title], "gbk"))
        for title, kind in [("村", "villages"), ("乡镇", "townships")]
    ]
    response = admin_client.post(IMPORT, {"files": files})
    assert response.context["report"].ok, response.context["report"].errors
    admin_client.post(CONFIRM, {"token": response.context["token"]})
    assert Village.objects.count() == 3


@pytest.mark.django_db
def test_upload_with_errors_lists_them_offers_no_confirm_and_writes_nothing(
    admin_client, tmp_path, media_root
):
    bad = {"乡镇": [["编码", "名称", "类型"], ["T1", "甲镇", "县"], ["T2", "", "乡"]]}

    response = admin_client.post(IMPORT, {"files": xlsx_upload(tmp_path, bad)})

    assert response.status_code == 400
    page = response.content.decode()
    assert "乡镇 row 2, 类型:" in page and "乡镇 row 3, 名称:" in page
    assert "确认导入" not in page
    assert Township.objects.count() == 0
    entry = ImportLog.objects.get()
    assert not entry.succeeded and len(entry.errors) == 2
    assert not any((media_root / "registry_uploads").iterdir())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.txt", b"hello"), "只能上传 .xlsx 或 .csv"),
        (SimpleUploadedFile("townships.csv", b""), "所提交的是空文件"),
        (None, "这个字段是必填项"),
    ],
)
def test_bad_upload_gets_a_message_next_to_the_field(admin_client, upload, message):
    response = admin_client.post(IMPORT, {"files": upload} if upload else {})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportLog.objects.exists()


@pytest.mark.django_db
def test_picture_renamed_xlsx_is_reported_not_crashing(admin_client):
    response = admin_client.post(
        IMPORT, {"files": SimpleUploadedFile("registry.xlsx", b"\x89PNG\r\n\x1a\n" * 20)}
    )
    assert response.status_code == 400
    assert "不是有效的 Excel 工作簿" in response.content.decode()


@pytest.mark.django_db
def test_a_token_from_another_session_is_refused(client, admin_client, admin_user, tmp_path):
    token = admin_client.post(IMPORT, {"files": xlsx_upload(tmp_path)}).context["token"]
    from tests.conftest import make_user
    from villages import roles

    other = make_user("admin_two", roles.ADMIN)
    client.login(username=other.username, password=PASSWORD)

    response = client.post(CONFIRM, {"token": token})

    assert response.status_code == 302 and response.url == IMPORT
    assert Township.objects.count() == 0
    for bogus in ["../../etc", "x" * 30]:
        admin_client.post(CONFIRM, {"token": bogus})
    assert Township.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("entries", [3, 40])
def test_import_log_query_count_does_not_grow(
    admin_client, admin_user, entries, django_assert_max_num_queries
):
    ImportLog.objects.bulk_create(
        ImportLog(
            user=admin_user,
            files=[f"f{i}.csv"],
            counts={"townships": {"create": i, "update": 0, "unchanged": 0}},
            succeeded=i % 2 == 0,
            errors=[] if i % 2 == 0 else ["townships.csv row 2, 名称: 必填"],
        )
        for i in range(entries)
    )
    # session, user, groups (role), count, page of logs with users
    with django_assert_max_num_queries(5):
        response = admin_client.get(LOG)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(entries, 25)
