"""Reminders (催报, issue 13): ``send_reminders`` against a local HTTP server standing in for
the work group's robot and Django's locmem mail backend — who gets what, nothing twice, a
failing robot neither stops the email nor is forgotten, the dry run writes nothing — and a
county supervisor's reminder from the weekly dashboard, rate-limited."""

import csv as csv_module
import datetime as dt
import io
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from accountability.models import Finding, Inspection, Reminder
from accountability.reminders import channels, selectors, services
from tests import access
from tests.accountability.tasks_factories import LAST_WEEK, THIS_WEEK, freeze_today, make_report, make_task
from tests.villages import satisfaction_factories as sf

SEND = "/reminders/send/"
LOG = "/reminders/"


@pytest.fixture
def fixed_today(monkeypatch, today):
    return freeze_today(monkeypatch, today)


class Robot:
    """A work group robot on 127.0.0.1: records every POST; answers ``status`` with
    ``answer`` as JSON."""

    def __init__(self):
        self.posts = []
        self.status = 200
        self.answer = {"errcode": 0, "errmsg": "ok"}
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                robot.posts.append({"content_type": self.headers["Content-Type"], "json": json.loads(body)})
                data = json.dumps(robot.answer).encode()
                self.send_response(robot.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=test"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self.thread.start()

    @property
    def contents(self):
        return [post["json"]["text"]["content"] for post in self.posts]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot(settings):
    robot = Robot()
    settings.REMINDER_WEBHOOK_URL = robot.url
    settings.REMINDER_WEBHOOK_TIMEOUT = 5
    yield robot
    robot.stop()


@pytest.fixture
def email_on(settings):
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def county(fixed_today, secretary_a, secretary_b, resident_cadre, survey_worker, supervisor, village_a):
    """secretary_a owes this week's report of A1 and A2, and A2 is overdue; the resident cadre
    reported his task; township B has a finding past its rectification deadline; the survey
    worker has two households left in the open round."""
    for user in (secretary_a, secretary_b, resident_cadre, survey_worker):
        user.email = f"{user.username}@chishui.example.cn"
        user.save(update_fields=["email"])
    a1 = make_task(secretary_a, "A1", title="修通组路")
    a2 = make_task(secretary_a, "A2", title="危房改造", due_on=dt.date(2016, 6, 1))
    make_report(a2, LAST_WEEK, 50, secretary_a)
    done = make_task(resident_cadre, "R1", village=village_a, title="产业分红")
    make_report(done, THIS_WEEK, 10, resident_cadre)
    inspection = Inspection.objects.create(
        kind="must_check", held_on=dt.date(2016, 5, 10), township=secretary_b.cadre.township
    )
    Finding.objects.create(
        inspection=inspection,
        category="funds_use",
        severity="serious",
        description="资金拨付滞后",
        rectify_by=dt.date(2016, 6, 1),
    )
    sf.survey_round(year=2016, number=1, held_on=dt.date(2016, 6, 1))
    sf.household(village_a, "H1")
    sf.household(village_a, "H2")
    return {"a1": a1, "a2": a2}


def outbox():
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


# ---- the weekly run ----------------------------------------------------------------------


def test_each_owner_gets_one_mail_per_kind_and_each_township_a_digest(county, email_on, robot):
    output = run()

    assert outbox() == [
        ("secretary_a@chishui.example.cn", "【催报】2016年第23周 任务逾期"),
        ("secretary_a@chishui.example.cn", "【催报】2016年第23周 本周未填报"),
        ("secretary_b@chishui.example.cn", "【催报】2016年第23周 整改逾期"),
        ("survey_worker@chishui.example.cn", "【催报】2016年第23周 测评未完成"),
    ]
    bodies = {(m.to[0], m.subject[-5:]): m.body for m in mail.outbox}
    unreported = bodies[("secretary_a@chishui.example.cn", "本周未填报")]
    assert "A1 修通组路" in unreported and "A2 危房改造" in unreported and "R1" not in unreported
    overdue = bodies[("secretary_a@chishui.example.cn", " 任务逾期")]
    assert "A2 危房改造" in overdue and "A1" not in overdue
    assert "资金使用情况" in bodies[("secretary_b@chishui.example.cn", " 整改逾期")]
    assert "还有 2 户未测评" in bodies[("survey_worker@chishui.example.cn", "测评未完成")]

    assert all(post["content_type"].startswith("application/json") for post in robot.posts)
    assert all(post["json"]["msgtype"] == "text" for post in robot.posts)
    digest_a, digest_b = sorted(robot.contents, key=lambda text: "乙乡" in text)
    assert digest_a.startswith("【催报】甲镇 2016年第23周")
    assert "本周未填报任务 2 项" in digest_a and "逾期任务 1 项" in digest_a
    assert "测评员 survey_worker" in digest_a and "还有 2 户未测评" in digest_a
    assert digest_b.startswith("【催报】乙乡") and "逾期未整改的督查发现 1 项" in digest_b

    assert Reminder.objects.filter(status="sent").count() == 6
    assert "sent 6, failed 0" in output


def test_a_second_run_sends_nothing_new(county, email_on, robot):
    run()
    output = run()

    assert len(mail.outbox) == 4
    assert len(robot.posts) == 2
    assert Reminder.objects.count() == 6
    assert "sent 0, failed 0" in output and "already sent 6" in output


def test_a_new_week_is_reminded_again(county, email_on, robot, monkeypatch):
    run()
    freeze_today(monkeypatch, dt.date(2016, 6, 15))
    run()

    assert Reminder.objects.filter(week=dt.date(2016, 6, 13)).exists()
    assert len(mail.outbox) > 4


def test_a_failing_robot_does_not_stop_the_email_and_is_tried_again(county, email_on, robot, caplog):
    robot.status = 500

    output = run()

    assert len(mail.outbox) == 4  # every email went out
    failed = Reminder.objects.filter(channel="webhook")
    assert [(r.status, r.attempts, r.last_error) for r in failed] == [
        ("failed", 1, "HTTP 500 Internal Server Error")
    ] * 2
    assert "failed 2" in output
    assert "HTTP 500" in caplog.text  # logged

    robot.status = 200
    robot.posts.clear()
    output = run()

    assert len(mail.outbox) == 4  # no email twice
    assert len(robot.posts) == 2  # the digests, again
    assert [(r.status, r.attempts, r.last_error) for r in failed.all()] == [("sent", 2, "")] * 2
    assert "sent 2, failed 0" in output


def test_a_robot_that_refuses_the_message_is_a_failure(county, robot):
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}

    run()

    assert set(Reminder.objects.values_list("status", "last_error")) == {
        ("failed", "errcode 93000: invalid webhook url")
    }


def test_a_closed_port_does_not_stop_the_email(county, email_on, settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.REMINDER_WEBHOOK_URL = f"http://127.0.0.1:{port}/send"

    run()

    assert len(mail.outbox) == 4
    webhook = Reminder.objects.filter(channel="webhook")
    assert webhook.count() == 2 and {r.status for r in webhook} == {"failed"}
    assert all("URLError" in r.last_error for r in webhook)


def test_a_failing_mail_server_does_not_stop_the_robot(county, email_on, robot, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2

    run()

    assert len(robot.posts) == 2
    assert set(Reminder.objects.filter(channel="email").values_list("status", flat=True)) == {"failed"}
    assert Reminder.objects.filter(channel="webhook", status="sent").count() == 2


def test_dry_run_prints_and_writes_nothing(county, email_on, robot):
    output = run("--dry-run")

    assert mail.outbox == [] and robot.posts == []
    assert not Reminder.objects.exists()
    assert "would send 6" in output and "nothing written" in output
    assert "secretary_a <secretary_a@chishui.example.cn>" in output


def test_without_a_channel_nothing_is_sent_or_recorded(county):
    output = run()

    assert "no reminder channel is configured" in output
    assert mail.outbox == [] and not Reminder.objects.exists()


def test_a_recipient_without_an_email_is_only_in_the_digest(county, email_on, robot, secretary_a):
    secretary_a.email = ""
    secretary_a.save(update_fields=["email"])

    output = run()

    assert "secretary_a@chishui.example.cn" not in [m.to[0] for m in mail.outbox]
    assert "without an email address 2" in output
    assert any("A1 修通组路" in text for text in robot.contents)


@pytest.mark.parametrize(
    "week, message",
    [("2016-23", "周的格式应为 YYYY-Www"), ("2015-W54", "2015年没有第54周"), ("1900-W01", "年份应在")],
)
def test_a_bad_week_is_refused_in_chinese(county, email_on, week, message):
    with pytest.raises(CommandError, match=message):
        run("--week", week)
    assert not Reminder.objects.exists()


def test_a_past_week_can_be_sent(county, email_on):
    run("--week", "2016-W22")

    assert set(Reminder.objects.values_list("week", flat=True)) == {dt.date(2016, 5, 30)}


def test_the_digest_fits_the_robots_limit():
    text = "催报" * 2000

    clipped = channels.clip_utf8(text)

    assert len(clipped.encode("utf-8")) <= channels.WEBHOOK_MAX_BYTES and clipped.endswith("…")
    assert channels.clip_utf8("短") == "短"


# ---- a supervisor's reminder from the weekly dashboard ----------------------------------


def test_supervisor_reminds_one_task_and_is_rate_limited(client, county, email_on, robot, supervisor):
    client.force_login(supervisor)
    back = "/dashboard/weekly/?week=2016-W23"

    response = client.post(SEND, {"task": "A1", "next": back}, follow=True)

    assert response.redirect_chain == [(back, 302)]
    assert "已向A1发送催报（邮件、工作群机器人）" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["secretary_a@chishui.example.cn"]]
    assert "A1 修通组路" in robot.contents[0] and "supervisor" in robot.contents[0]
    records = Reminder.objects.filter(kind="manual", task=county["a1"])
    assert records.count() == 2 and {r.requested_by for r in records} == {supervisor}

    response = client.post(SEND, {"task": "A1", "next": back}, follow=True)

    assert "每小时最多催报一次" in response.content.decode()
    assert records.count() == 2 and len(mail.outbox) == 1  # nothing sent, nothing written

    # another task, or the township, is not limited by it
    client.post(SEND, {"task": "A2", "next": back})
    client.post(SEND, {"township": "T-A", "next": back})
    assert Reminder.objects.filter(kind="manual").count() == 6


def test_the_limit_lifts_after_an_hour(client, county, robot, supervisor):
    client.force_login(supervisor)
    client.post(SEND, {"township": "T-B"})
    Reminder.objects.update(sent_at=Reminder.objects.get().sent_at - services.MANUAL_INTERVAL)

    client.post(SEND, {"township": "T-B"})

    assert Reminder.objects.filter(kind="manual", status="sent").count() == 2


def test_a_manual_reminder_without_a_channel_is_refused(client, county, supervisor):
    client.force_login(supervisor)

    response = client.post(SEND, {"task": "A1"}, follow=True)

    assert "未配置提醒渠道" in response.content.decode()
    assert not Reminder.objects.exists()


@pytest.mark.parametrize(
    "data, status",
    [
        ({"task": "NOPE"}, 404),
        ({"township": "NOPE"}, 404),
        ({}, 400),
        ({"task": "A1", "township": "T-A"}, 400),
    ],
)
def test_a_bad_manual_reminder_writes_nothing(client, county, email_on, robot, supervisor, data, status):
    client.force_login(supervisor)

    response = client.post(SEND, data)

    assert response.status_code == status
    assert not Reminder.objects.exists() and mail.outbox == []
    if status == 400:
        assert "请指定一项任务或一个乡镇进行催报" in response.content.decode()


@pytest.mark.parametrize(
    "next_url", ["https://evil.example.com/", "//evil.example.com/", "' OR 1=1 --", "dashboard"]
)
def test_a_next_url_off_the_site_is_not_followed(client, county, robot, supervisor, next_url):
    client.force_login(supervisor)

    response = client.post(SEND, {"task": "A1", "next": next_url})

    assert response.status_code == 302
    assert response.url == reverse("accountability:dashboard_weekly")


def test_the_weekly_dashboard_offers_reminders_to_supervisors_only(client, county, supervisor, secretary_a):
    client.force_login(supervisor)
    page = client.get("/dashboard/weekly/?week=2016-W23").content.decode()
    export = client.get("/dashboard/weekly/?week=2016-W23&export=csv&table=not_reported").content.decode(
        "utf-8-sig"
    )
    drilled = client.get("/dashboard/weekly/?week=2016-W23&township=T-A").content.decode()

    assert 'name="task" value="A1"' in page and 'name="township" value="T-A"' in page
    assert "催报" not in export.splitlines()[0]
    assert 'name="township"' not in drilled.split('id="table-units"')[1].split("</section>")[0]

    client.force_login(secretary_a)
    page = client.get("/dashboard/weekly/?week=2016-W23").content.decode()
    assert SEND not in page


# ---- the record page ---------------------------------------------------------------------


def test_the_record_page_filters_and_exports(client, county, email_on, robot, supervisor):
    robot.status = 500
    run()
    client.force_login(supervisor)

    page = client.get(LOG).content.decode()
    failed = client.get(LOG, {"status": "failed"}).content.decode()
    csv = client.get(LOG, {"channel": "email", "export": "csv"}).content.decode("utf-8-sig")

    assert page.count("<tr") == 1 + 6
    assert failed.count("<tr") == 1 + 2 and "HTTP 500" in failed
    rows = list(csv_module.reader(io.StringIO(csv)))
    assert len(rows) == 1 + 4 and rows[0][-1] == "内容"
    assert {row[1] for row in rows[1:]} == {"2016-W23"}
    assert "+00:00" not in csv


def test_a_bad_filter_on_the_record_page_is_said_in_chinese(client, county, email_on, supervisor):
    run()
    client.force_login(supervisor)

    response = client.get(LOG, {"week": "2016-W99"})

    assert response.status_code == 200
    assert "2016年没有第99周" in response.content.decode()
    assert "没有符合条件的提醒记录" in response.content.decode()


# ---- who may open what -------------------------------------------------------------------

MATRIX = {
    # secretary_a, secretary_b, village_secretary, resident_cadre, supervisor, admin_user,
    # no_role_user, survey_worker, anonymous
    ("reminder_list", "GET"): [403, 403, 403, 403, 200, 200, 403, 403, 302],
    ("reminder_send", "POST"): [403, 403, 403, 403, 302, 403, 403, 403, 302],
}


@pytest.mark.parametrize("view, method, role, expected", access.cases(MATRIX))
def test_role_view_matrix(client, request, county, robot, view, method, role, expected):
    access.check_access(
        client,
        request,
        role,
        method,
        reverse(f"accountability:{view}"),
        {"task": "A1"},
        expected,
        lambda: (Reminder.objects.count(), len(robot.posts)),
    )


def test_the_send_permission_is_the_supervisors_alone(supervisor, admin_user, secretary_a):
    assert supervisor.has_perm("accountability.send_reminder")
    assert supervisor.has_perm("accountability.view_reminder")
    assert not admin_user.has_perm("accountability.send_reminder")
    assert not secretary_a.has_perm("accountability.send_reminder")


# ---- the 提醒 panel ----------------------------------------------------------------------


def panel_of(client, user, url):
    client.force_login(user)
    page = client.get(url).content.decode()
    assert 'class="card reminder-panel' in page
    return page.split('class="card reminder-panel')[1].split("</section>")[0]


def test_the_panel_shows_what_the_user_owes_this_week(
    client, county, secretary_a, secretary_b, resident_cadre, supervisor, survey_worker
):
    mine = panel_of(client, secretary_a, "/tasks/")
    assert "您负责的 2 项任务本周尚未填报进度" in mine and "您负责的 1 项任务已逾期" in mine
    # on the task list the panel does not repeat the tasks: they follow, this week's first
    assert "reminder-tasks" not in mine and "整改时限" not in mine

    township_b = panel_of(client, secretary_b, "/tasks/")
    assert "1 项督查发现已过整改时限" in township_b
    assert f"rectification=overdue&amp;township={secretary_b.cadre.township_id}" in township_b

    assert "本周没有待办的提醒事项" in panel_of(client, resident_cadre, "/tasks/")

    county_wide = panel_of(client, supervisor, "/dashboard/weekly/")
    assert "1 项督查发现已过整改时限" in county_wide and LOG in county_wide

    survey = panel_of(client, survey_worker, "/satisfaction/survey/")
    assert "2016年第1轮：还有 2 户未测评" in survey


def test_the_compact_panel_counts_the_same_tasks_without_reading_them(
    county, secretary_a, django_assert_num_queries
):
    full = selectors.panel(secretary_a)
    assert len(full["tasks"]["listed"]) == 2  # his unreported and overdue tasks, named
    # his cadre (read once a request, kept on the user), his tasks' counts, his township's findings
    with django_assert_num_queries(2):
        compact = selectors.panel(secretary_a, list_tasks=False)
    assert compact["tasks"] == {**full["tasks"], "listed": []}


def test_the_panel_is_in_english_for_english_users(client, county, secretary_a, compiled_translations):
    client.force_login(secretary_a)
    client.cookies["django_language"] = "en"

    page = client.get("/tasks/").content.decode()

    assert "2 of your tasks have no progress report this week" in page


@pytest.mark.parametrize("n", [1, 12])
def test_the_survey_panel_costs_one_query_whatever_the_data(
    client, fixed_today, survey_worker, village_a, django_assert_num_queries, n
):
    for number in (1, 2):
        sf.survey_round(year=2016, number=number, held_on=dt.date(2016, 1 + number, 1))
    for i in range(n):
        sf.household(village_a, f"H{i}")
    client.force_login(survey_worker)

    # session, user, groups and permissions, cadre, open rounds, villages, the panel's count
    with django_assert_num_queries(7):
        page = client.get("/satisfaction/survey/").content.decode()

    assert f"还有 {n} 户未测评" in page


# ---- query counts of the record page -----------------------------------------------------


def make_reminders(n, township, user):
    now = dt.datetime(2016, 6, 8, 9, tzinfo=dt.UTC)
    for i in range(n):
        Reminder.objects.create(
            kind="manual",
            channel="email" if i % 2 else "webhook",
            week=dt.date(2016, 6, 6),
            township=township,
            user=user if i % 2 else None,
            requested_by=user if i % 2 else None,
            content=f"催报{i}",
            status="sent",
            sent_at=now,
            tried_at=now,
        )


@pytest.mark.parametrize("url", [LOG, LOG + "?status=sent&week=2016-W23", LOG + "?export=csv"])
def test_the_record_page_query_count_does_not_grow(
    client, supervisor, township_a, url, django_assert_num_queries
):
    client.force_login(supervisor)
    make_reminders(2, township_a, supervisor)
    # session, user, groups and permissions; the page: its count, its rows (joined), the
    # filter's townships; the export: every row at once
    with django_assert_num_queries(6 if "export" not in url else 4) as small:
        client.get(url)
    make_reminders(30, township_a, supervisor)

    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)

    assert response.status_code == 200
