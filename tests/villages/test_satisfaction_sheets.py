"""The registry's ``surveys``, ``outreach`` and ``outcomes`` sheets (FORMATS.md): loaded by
the one engine (command and upload page), all or nothing, every bad cell named; re-loading
a survey row replaces that household's answers for that round."""

import datetime as dt

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.villages.files import csv_bytes, write_xlsx
from tests.villages.satisfaction_factories import ITEMS, household, load_items, survey_round
from villages.models import LivelihoodOutcome, OutreachEvent, SurveyAnswer, SurveyRound
from villages.registry import engine as registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(village_a, village_b, admin_user):
    items = load_items()
    return {
        "items": items,
        "a1": household(village_a, "H-A1"),
        "a2": household(village_a, "H-A2"),
        "b1": household(village_b, "H-B1"),
    }


def surveys_csv(rows, header=None):
    header = header or ["户编号", "年度", "轮次", "测评日期", "housing", "饮水安全", "schooling"]
    return ("surveys.csv", csv_bytes([header, *rows]))


def answers():
    return {
        (a.household.code, a.round.number, a.item.code): a.level
        for a in SurveyAnswer.objects.select_related("household", "round", "item")
    }


def test_survey_rows_load_by_item_code_or_name_and_create_the_round(place, admin_user):
    report = registry.load(
        [
            surveys_csv(
                [
                    ["H-A1", 2016, 1, "2016-04-12", 3, "基本满意", None],
                    ["H-B1", 2016, 1, "2016-04-10", "不满意", 2, "满意"],
                ]
            )
        ],
        user=admin_user,
    )
    assert report.ok, report.errors
    assert report.counts["surveys"] == {"create": 2, "update": 0, "unchanged": 0}
    survey_round = SurveyRound.objects.get()
    assert (survey_round.year, survey_round.number, survey_round.held_on) == (2016, 1, dt.date(2016, 4, 10))
    assert answers() == {
        ("H-A1", 1, "housing"): 3,
        ("H-A1", 1, "drinking_water"): 2,  # 饮水安全, by its name
        ("H-B1", 1, "housing"): 1,
        ("H-B1", 1, "drinking_water"): 2,
        ("H-B1", 1, "schooling"): 3,
    }
    assert SurveyAnswer.history.filter(history_user=admin_user).count() == 5


def test_reloading_a_row_replaces_that_households_answers_for_that_round(place, admin_user):
    registry.load([surveys_csv([["H-A1", 2016, 1, "2016-04-12", 3, 3, 3]])], user=admin_user)
    again = registry.load([surveys_csv([["H-A1", 2016, 1, "2016-04-12", 3, 3, 3]])], user=admin_user)
    assert again.counts["surveys"] == {"create": 0, "update": 0, "unchanged": 1}

    changed = registry.load([surveys_csv([["H-A1", 2016, 1, "2016-04-12", 1, 3, None]])], user=admin_user)
    assert changed.ok and changed.counts["surveys"] == {"create": 0, "update": 1, "unchanged": 0}
    assert answers() == {("H-A1", 1, "housing"): 1, ("H-A1", 1, "drinking_water"): 3}  # schooling emptied
    housing = SurveyAnswer.objects.get(item__code="housing")
    assert [h.level for h in housing.history.order_by("history_date")] == [3, 1]


def test_planted_errors_are_each_named_and_nothing_is_written(place, admin_user):
    closed = survey_round(number=2, closed=True)
    rows = [
        ["H-A1", 2016, 1, "2016-04-12", 3, 3, 3],  # fine
        ["H-NONE", 2016, 1, "2016-04-12", 3, 3, 3],  # unknown household
        ["H-A2", 2016, 4, "2016-04-12", 3, 3, 3],  # round 4
        ["H-B1", 2016, 1, "2017-01-02", 3, 3, 3],  # date outside the year
        ["H-A2", 2016, 1, "2016-04-12", "很满意", 3, 5],  # two bad cells
        ["H-A2", 2016, 3, "2016-11-12", None, None, None],  # no answer
        ["H-A1", 2016, 1, "2016-04-12", 1, 1, 1],  # same household and round as row 2
        ["H-A2", 2016, closed.number, "2016-08-12", 3, 3, 3],  # closed round
        [None, "二〇一六", 1, "2016-04-12", 3, 3, 3],  # household and year missing / bad
    ]
    report = registry.load([surveys_csv(rows)], user=admin_user)
    assert not report.ok and not report.written
    errors = report.errors
    expected = [
        "surveys.csv row 3, 户编号: 贫困户编码“H-NONE”不存在",
        "surveys.csv row 4, 轮次: 每年测评三轮",
        "surveys.csv row 5, 测评日期: 测评日期必须在所填年度内。",
        "surveys.csv row 6, housing: “很满意”无效",
        "surveys.csv row 6, schooling: “5”无效",
        "surveys.csv row 7, -: 这一行没有任何满意度答案",
        "surveys.csv row 8, 户编号: 与第 2 行是同一户同一轮。",
        "surveys.csv row 9, 轮次: 2016年第2轮已结束",
        "surveys.csv row 10, 户编号: 必填，不能为空。",
        "surveys.csv row 10, 年度: “二〇一六”不是整数。",
    ]
    for message in expected:
        assert any(e.startswith(message) for e in errors), (message, errors)
    assert len(errors) == len(expected)
    assert not SurveyAnswer.objects.exists() and SurveyRound.objects.count() == 1


def test_bad_headers_are_refused(place):
    report = registry.load(
        [surveys_csv([["H-A1", 2016, 1, "2016-04-12", 3]], header=["户编号", "年度", "测评日期", "住房"])]
    )
    assert report.errors == [
        "surveys.csv row 1, 住房: 未知的列名：应为 户编号、年度、轮次、测评日期 或民生项目的编码/名称（如 housing/住房安全）。",
        "surveys.csv row 1, 轮次: 缺少必填列 round（轮次）。",
        "surveys.csv row 1, -: 没有民生项目列：每个民生项目一列，表头为其编码或名称。",
    ]


def test_outreach_and_outcomes_sheets_load_after_households_in_one_workbook(tmp_path, place, admin_user):
    path = write_xlsx(
        tmp_path / "c5.xlsx",
        {
            "满意度测评": [
                ["household", "year", "round", "held_on", "housing"],
                ["H-NEW", 2016, 1, dt.date(2016, 4, 1), 3],
            ],
            "增收成效": [
                ["编号", "类型", "村编码", "户编号", "带动人数", "日期"],
                ["O1", "转移就业", "V-A1", "H-A1", 3, "2016-03-01"],
                ["O2", "rural_inn", "V-B1", None, None, "2016-05-01"],
            ],
            "宣传培训": [
                ["编号", "类型", "主题", "乡镇编码", "村编码", "日期", "参加人次"],
                ["E1", "农民夜校", "夜校", "T-A", "V-A1", "2016-05-01", 40],
            ],
            "贫困户": [
                ["户编号", "村编码", "户主姓名", "家庭人口", "帮扶类型", "识别日期"],
                ["H-NEW", "V-A1", "新户", 2, "产业扶持", "2015-01-01"],
            ],
        },
    )
    call_command("import_registry", str(path))
    assert OutreachEvent.objects.get(code="E1").attendance == 40
    assert LivelihoodOutcome.objects.get(code="O1").people == 3
    assert LivelihoodOutcome.objects.get(code="O2").people == 1  # the default
    assert answers() == {("H-NEW", 1, "housing"): 3}


def test_outreach_and_outcome_rules_name_the_cell(place):
    report = registry.load(
        [
            (
                "outreach.csv",
                csv_bytes(
                    [
                        ["code", "kind", "title", "township", "village", "held_on", "attendance"],
                        ["E1", "夜校", "x", "T-A", "V-B1", "2016-05-01", -1],
                    ]
                ),
            ),
            (
                "outcomes.csv",
                csv_bytes(
                    [
                        ["code", "kind", "village", "household", "people", "started_on"],
                        ["O1", "rural_inn", "V-A1", "H-B1", 0, "2016-05-01"],
                    ]
                ),
            ),
        ]
    )
    errors = report.errors
    assert any(e.startswith("outreach.csv row 2, kind:") for e in errors)
    assert any(e.startswith("outreach.csv row 2, attendance:") for e in errors)
    assert "outreach.csv row 2, village: 村“V-B1”不属于乡镇“T-A”。" in errors
    assert any(e.startswith("outcomes.csv row 2, people:") for e in errors)
    assert "outcomes.csv row 2, household: 贫困户“H-B1”不属于村“V-A1”。" in errors
    assert not OutreachEvent.objects.exists() and not LivelihoodOutcome.objects.exists()


def test_the_template_has_a_surveys_sheet_with_every_item(tmp_path, place):
    path = tmp_path / "template.xlsx"
    call_command("import_registry", "--template", str(path))
    sheet = openpyxl.load_workbook(path)["满意度测评"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["户编号", "年度", "轮次", "测评日期"] and len(headers) == 4 + ITEMS
    assert headers[4] == "住房安全" and "key: housing" in sheet["E1"].comment.text


@pytest.fixture
def upload_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_upload_page_previews_and_loads_a_surveys_csv(client, place, admin_user, upload_media):
    client.login(username=admin_user.username, password=PASSWORD)
    name, data = surveys_csv([["H-A1", 2016, 1, "2016-04-12", 3, 2, 1]])
    bad_name, bad = surveys_csv([["H-A1", 2016, 1, "2016-04-12", 3, 2, 9]])
    refused = client.post(reverse("villages:registry_import"), {"files": SimpleUploadedFile(bad_name, bad)})
    assert refused.status_code == 400 and "surveys.csv row 2, schooling:" in refused.content.decode()
    assert not SurveyAnswer.objects.exists()

    preview = client.post(reverse("villages:registry_import"), {"files": SimpleUploadedFile(name, data)})
    assert preview.status_code == 200 and not SurveyAnswer.objects.exists()
    assert preview.context["report"].counts["surveys"] == {"create": 1, "update": 0, "unchanged": 0}
    confirmed = client.post(reverse("villages:registry_import_confirm"), {"token": preview.context["token"]})
    assert confirmed.status_code == 302
    assert answers() == {
        ("H-A1", 1, "housing"): 3,
        ("H-A1", 1, "drinking_water"): 2,
        ("H-A1", 1, "schooling"): 1,
    }
