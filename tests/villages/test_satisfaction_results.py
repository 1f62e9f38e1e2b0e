"""Results of the satisfaction survey (C1, C2, C5) on hand-made data: per round, item,
township → village and assisting unit / helping cadre; no-data states; JSON, CSV, XLSX;
query counts that do not grow with the data."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.cache import cache as django_cache
from django.urls import reverse

from tests.villages.satisfaction_factories import ITEMS, answer_all, household, load_items, survey_round, unit
from villages.models import Cadre, LivelihoodOutcome, OutreachEvent, SurveyRound, Township
from villages.satisfaction import selectors, views

pytestmark = pytest.mark.django_db
URL = "/satisfaction/"


@pytest.fixture
def county(township_a, township_b, village_a, village_b):
    items = load_items()
    agri, transport = unit("市农业局"), unit("市交通局")
    helper = Cadre.objects.create(code="C-H", name="帮扶人", role=Cadre.Role.ORDINARY, unit=agri)
    a1 = household(village_a, "H-A1", size=3, exited_on=dt.date(2016, 6, 1), unit=agri, cadre=helper)
    household(village_a, "H-A2", size=2, unit=agri)
    b1 = household(village_b, "H-B1", size=4, exited_on=dt.date(2015, 10, 1), unit=transport)
    first, second = survey_round(number=1), survey_round(number=2)
    answer_all(first, a1, items, 3)
    answer_all(first, b1, items, [2] + [1] * (ITEMS - 1))
    answer_all(second, a1, items, 2)
    OutreachEvent.objects.create(
        kind="night_school", title="夜校", township=township_a, held_on=dt.date(2016, 5, 1), attendance=40
    )
    LivelihoodOutcome.objects.create(
        kind="job_transfer", village=village_a, people=3, started_on=dt.date(2016, 3, 1)
    )
    LivelihoodOutcome.objects.create(kind="rural_inn", village=village_b, started_on=dt.date(2016, 3, 1))
    LivelihoodOutcome.objects.create(kind="rural_inn", village=village_b, started_on=dt.date(2015, 3, 1))
    return items


def test_rounds_items_and_townships_of_the_year(client, supervisor, county):
    client.force_login(supervisor)
    data = client.get(URL, {"year": 2016, "format": "json"}).json()
    assert [(r["number"], r["surveyed"], r["answers"]) for r in data["rounds"]] == [(1, 2, 46), (2, 1, 23)]
    first, second = data["rounds"]
    assert (first["satisfied_share"], first["fair_share"], first["content_share"]) == (50.0, 2.2, 52.2)
    assert (second["satisfied_share"], second["fair_share"], second["content_share"]) == (0.0, 100.0, 100.0)

    assert len(data["items"]) == ITEMS
    housing = data["items"][0]
    assert (housing["code"], housing["name"]) == ("housing", "住房安全")
    assert (housing["satisfied_share"], housing["fair_share"], housing["content_share"]) == (
        33.3,
        66.7,
        100.0,
    )
    assert housing["rounds"] == [100.0, 100.0]
    assert data["items"][1]["content_share"] == 66.7 and data["items"][1]["rounds"] == [50.0, 100.0]
    assert "housing" not in data["lagging_items"] and len(data["lagging_items"]) == 5

    townships = {t["code"]: t for t in data["townships"]}
    # H-B1 left poverty in 2015: not on the 2016 register, though surveyed
    assert (townships["T-A"]["registered"], townships["T-A"]["surveyed"]) == (2, 1)
    assert (townships["T-A"]["content_share"], townships["T-A"]["rounds"]) == (100.0, [100.0, 100.0])
    assert (townships["T-B"]["content_share"], townships["T-B"]["rounds"]) == (4.3, [4.3, None])
    assert townships["T-A"]["villages"][0]["code"] == "V-A1"
    assert (data["registered"], data["surveyed"]) == (2, 2)


def test_results_per_assisting_unit_and_helping_cadre(client, supervisor, county):
    client.force_login(supervisor)
    data = client.get(URL, {"year": 2016, "format": "json"}).json()
    units = {u["name"]: u for u in data["assisting_units"]}
    agri = units["市农业局"]
    assert (
        agri["households"],
        agri["people"],
        agri["exited"],
        agri["exited_people"],
        agri["still_poor"],
    ) == (
        2,
        5,
        1,
        3,
        1,
    )
    assert (agri["surveyed"], agri["satisfied_share"], agri["content_share"]) == (1, 50.0, 100.0)
    transport = units["市交通局"]
    assert (transport["exited"], transport["still_poor"], transport["content_share"]) == (0, 0, 4.3)

    cadres = client.get(reverse("villages:satisfaction_units"), {"year": 2016, "format": "json"}).json()[
        "cadres"
    ]
    assert [(c["code"], c["unit"], c["households"], c["exited"], c["content_share"]) for c in cadres] == [
        ("C-H", "市农业局", 1, 1, 100.0)
    ]
    page = client.get(reverse("villages:satisfaction_units"), {"year": 2016}).content.decode()
    assert "市农业局" in page and "帮扶人" in page


def test_outreach_and_outcomes_by_township_and_year(client, supervisor, county):
    client.force_login(supervisor)
    outreach = client.get(URL, {"year": 2016, "format": "json"}).json()["outreach"]
    assert outreach["totals"]["night_school"] == {"sessions": 1, "attendance": 40}
    assert (outreach["totals"]["job_transfer"], outreach["totals"]["rural_inn"]) == (
        3,
        1,
    )  # 2015's inn not counted
    a = next(t for t in outreach["townships"] if t["code"] == "T-A")
    assert (a["night_school"]["attendance"], a["job_transfer"], a["rural_inn"]) == (40, 3, 0)


def test_townships_without_outreach_or_outcomes_have_every_kind_at_zero(county, township_a):
    # most of a province's townships record nothing in a year: their rows are made without
    # looking up each kind, and must be the rows of one that does, with zeros
    Township.objects.create(code="T-C", name="丙镇")
    outreach = selectors.outreach(2016)
    rows = {t["code"]: t for t in outreach["townships"]}
    assert list(rows) == ["T-A", "T-B", "T-C"]
    zero = {
        key: {"sessions": 0, "attendance": 0} if isinstance(value, dict) else 0
        for key, value in rows["T-A"].items()
        if key not in ("code", "name")
    }
    assert rows["T-C"] == {"code": "T-C", "name": "丙镇", **zero}
    assert list(rows["T-C"]) == list(rows["T-A"])  # the same columns in the same order
    assert rows["T-B"] == {"code": "T-B", "name": rows["T-B"]["name"], **zero, "rural_inn": 1}
    assert outreach["totals"] == {
        **zero,
        "night_school": {"sessions": 1, "attendance": 40},
        "job_transfer": 3,
        "rural_inn": 1,
    }
    OutreachEvent.objects.all().delete()
    LivelihoodOutcome.objects.all().delete()
    nothing = selectors.outreach(2016)
    assert not nothing["recorded"] and nothing["totals"] == zero
    assert all(row == {"code": row["code"], "name": row["name"], **zero} for row in nothing["townships"])


def test_a_year_without_rounds_says_so_instead_of_zeros(client, supervisor, county):
    client.force_login(supervisor)
    data = client.get(URL, {"year": 2017, "format": "json"}).json()
    assert data["rounds"] == [] and data["content_share"] is None
    assert len(data["items"]) == ITEMS and all(i["content_share"] is None for i in data["items"])
    assert all(t["content_share"] is None for t in data["townships"])
    page = client.get(URL, {"year": 2017}).content.decode()
    assert "2017年没有开展满意度测评" in page
    assert "plotly-figure" not in page  # no empty charts
    assert "无测评" in page


def test_the_page_draws_charts_and_prints(client, supervisor, county):
    client.force_login(supervisor)
    page = client.get(URL, {"year": 2016}).content.decode()
    assert page.count('class="plotly-figure"') == 3
    assert "data-print" in page and "print-button.js" in page and "print-only" in page
    assert "format=json" in page


def test_exports_carry_the_tables(client, supervisor, county):
    client.force_login(supervisor)
    csv = client.get(URL, {"year": 2016, "export": "csv", "table": "items"})
    assert csv["Content-Disposition"] == 'attachment; filename="satisfaction-2016-items.csv"'
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("编码,民生项目,类别") and "第1轮满意率（%）" in lines[0]
    assert len(lines) == 1 + ITEMS
    xlsx = client.get(
        reverse("villages:satisfaction_units"), {"year": 2016, "export": "xlsx", "table": "units"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)
    assert rows[0][0] == "挂帮单位" and {r[0] for r in rows[1:]} == {"市农业局", "市交通局"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"year": "二〇一六"}, "年度无效"),
        ({"year": "1800"}, "年度无效"),
        ({"year": "2016", "format": "xml"}, "不支持的格式"),
        ({"year": "2016", "export": "pdf", "table": "items"}, "不支持的导出格式"),
        ({"year": "2016", "export": "csv", "table": "nope"}, "没有名为 nope 的表格"),
    ],
)
def test_bad_query_strings_get_a_400_with_a_chinese_message(client, supervisor, county, query, message):
    client.force_login(supervisor)
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def grow(village, n, items, first):
    for index in range(n):
        h = household(village, f"H-G{index:03}", unit=unit(f"单位{index % 7}"))
        answer_all(first, h, items, 3)


# Session, user and groups, then the selector's grouped queries: the results eight (rounds,
# answers per village and per assisting unit with each round in the same row, answers per
# item and round, items, villages with their registered households, townships, the units'
# linked households, outreach and outcomes in one); the page itself as many made otherwise
# (``results(page_rows=…)``: no assisting unit, the answers and the registered households
# summed per township, the first villages and their answers apart), the units page three
# (answers per unit and cadre, the units' and the cadres' linked households); without ?year
# the latest round's year is one more. Afterwards the figures and the rendered body come
# from the cache (chishui/cache.py): session, user and groups only. Exports read the cached
# figures too.
QUERIES = {URL: 11, "/satisfaction/units/": 6}
A_TABLE = {URL: "villages", "/satisfaction/units/": "cadres"}


@pytest.mark.parametrize("url", [URL, "/satisfaction/units/"])
@pytest.mark.parametrize(
    "query, extra",
    [
        ({"year": 2016}, 0),
        ({"year": 2016, "format": "json"}, 0),
        ({}, 1),
        ({"year": 2016, "export": "csv", "table": "units"}, 0),
        ({"year": 2016, "table": "units"}, 0),
    ],
)
def test_results_queries_do_not_grow_with_the_data(
    client, supervisor, county, village_a, url, query, extra, django_assert_num_queries
):
    client.force_login(supervisor)
    if "table" in query:
        query = {**query, "table": A_TABLE[url]}
    for size in (0, 40):
        grow(village_a, size, county, SurveyRound.objects.get(number=1))
        django_cache.clear()
        with django_assert_num_queries(QUERIES[url] + extra):
            assert client.get(url, query).status_code == 200
        with django_assert_num_queries(3):
            assert client.get(url, query).status_code == 200


def test_the_cadre_table_pages_50_rows_and_the_export_keeps_them_all(client, supervisor, county, village_a):
    helpers = [Cadre(code=f"C-P{n:03}", name=f"帮扶{n}", role=Cadre.Role.ORDINARY) for n in range(60)]
    Cadre.objects.bulk_create(helpers)
    for n, helper in enumerate(Cadre.objects.filter(code__startswith="C-P")):
        household(village_a, f"H-P{n:03}", cadre=helper)
    client.force_login(supervisor)
    url = reverse("villages:satisfaction_units")
    page = client.get(url, {"year": 2016}).content.decode()
    # the page shows the first 20 (C-H, C-P000 … C-P018) and links the whole table
    assert "C-P018" in page and "C-P019" not in page and "全部 61 条" in page
    assert f'href="{url}?year=2016&amp;table=cadres"' in page
    first = client.get(url, {"year": 2016, "table": "cadres"}).content.decode()
    assert "C-P048" in first and "C-P049" not in first and "cadres-page=2" in first
    assert "C-P055" in client.get(url, {"year": 2016, "table": "cadres", "cadres-page": 2}).content.decode()
    # the links of the page before it showed the first rows only still page the table
    assert "C-P055" in client.get(url, {"year": 2016, "cadres-page": 2}).content.decode()
    csv = client.get(url, {"year": 2016, "export": "csv", "table": "cadres"}).content.decode("utf-8-sig")
    assert len(csv.splitlines()) == 1 + 61  # every helping cadre, C-H included


@pytest.mark.parametrize("count", [0, 1, 3, 4, 5, 20])
def test_the_page_reads_the_first_villages_as_the_whole_table_has_them(count):
    # the villages table's first rows (the page's body) are those of the whole table (its
    # export, JSON and full page), whichever township the cut falls in
    sizes = [2, 0, 3, 1]
    data = {
        "townships": [
            {"name": f"乡{t}", "villages": [{"code": f"V{t}{v}", "name": f"村{t}{v}"} for v in range(size)]}
            for t, size in enumerate(sizes)
        ]
    }
    whole = views._villages(data)
    assert len(whole) == sum(sizes)
    assert views._first_villages(data, count) == (whole[:count], len(whole))


def per_request(html):
    """The page without what differs between two requests: the CSRF token, the print time."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r"生成时间 [0-9: -]+", "", html)


@pytest.mark.parametrize("year", [2015, 2016])
def test_the_page_is_the_one_its_whole_dict_makes(client, supervisor, county, monkeypatch, year):
    # the page is built from its own figures (the first villages only, no assisting units)
    # and caches its head and body, not the whole dict: the HTML is the one the whole dict
    # made before (context ``data``, the lagging items, the body of its tables and charts)
    monkeypatch.setattr(views, "TOP_ROWS", 1)  # the villages' cut falls inside the table
    client.force_login(supervisor)
    django_cache.clear()
    page = client.get(URL, {"year": year})
    # the JSON (whole dict) is built apart, after the page: the page's piece is not it
    whole = client.get(URL, {"year": year, "format": "json"}).json()
    assert len([v for t in whole["townships"] for v in t["villages"]]) == 2 and whole["assisting_units"]

    def as_before(request, pieces, year, specs, build, page_figures, charts_of):
        items = {i["code"]: i for i in whole["items"]}
        body = views._body(request, year, specs, whole, "villages/satisfaction/body.html", charts_of)
        return {"data": whole, "lagging": [items[code] for code in whole["lagging_items"]]}, body

    monkeypatch.setattr(views, "_page", as_before)
    before = client.get(URL, {"year": year})
    assert per_request(page.content.decode()) == per_request(before.content.decode())
    assert "V-A1" in page.content.decode() and "V-B1" not in page.content.decode()


@pytest.mark.parametrize("url", [URL, "/satisfaction/units/"])
def test_the_tables_put_together_in_python_are_the_ones_django_tables2_renders(
    client, supervisor, county, monkeypatch, url
):
    # the body's tables are plain (their first rows, no sorting, one page): each is put
    # together by RowsTable.html, not by django-tables2's template; the page is the one the
    # template made (but for the whitespace the template leaves at a header cell's edges)
    from chishui.tables import RowsTable
    from tests.tables import text_trimmed

    client.force_login(supervisor)
    through_template = []
    as_html = RowsTable.as_html

    def counted(table, request):
        through_template.append(type(table).__name__)
        return as_html(table, request)

    monkeypatch.setattr(RowsTable, "as_html", counted)
    django_cache.clear()
    page = per_request(client.get(url, {"year": 2016}).content.decode())
    assert through_template == [] and page.count('<table class="table') == len(
        views.RESULT_TABLES if url == URL else views.UNIT_TABLES
    )

    monkeypatch.setattr(RowsTable, "html", lambda table, request: table.as_html(request))
    django_cache.clear()
    before = per_request(client.get(url, {"year": 2016}).content.decode())
    assert len(through_template) == page.count('<table class="table')
    assert page != before and text_trimmed(page) == text_trimmed(before)
