"""``python manage.py demo``: build the deterministic demo county (see devdata/demo/)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from devdata import demo
from villages.models import Township


class Command(BaseCommand):
    help = _("建立确定性的演示县（2016年赤水市，人员均为虚构）；重复运行得到相同数据。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=_("只在数据库中还没有乡镇时建立演示数据。"),
        )
        parser.add_argument(
            "--allow-demo-logins",
            action="store_true",
            help=_("在 DEBUG 关闭时也建立演示账号（密码公开，切勿用于生产环境）。"),
        )

    def handle(self, *args, if_empty=False, allow_demo_logins=False, **options):
        if not settings.DEBUG and not allow_demo_logins:
            raise CommandError(
                _(
                    "DEBUG 已关闭：演示账号（admin、supervisor、secretary、secretary2、cadre、village）的密码是公开的，"
                    "拒绝建立。确需在此环境建立演示数据，请加参数 --allow-demo-logins。"
                )
            )
        if if_empty and Township.objects.exists():
            self.stdout.write(_("数据库中已有乡镇，未建立演示数据。"))
            return
        started = time.monotonic()
        try:
            counts = demo.build()
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(_("演示数据已建立，用时 %(seconds).1f 秒：") % {"seconds": elapsed})
        )
        for label, count in counts.items():
            self.stdout.write(f"  {label}: {count:,}")
        self.stdout.write(
            _("演示账号：%(names)s，密码均为 %(password)s。")
            % {"names": "、".join(demo.DEMO_LOGINS), "password": demo.PASSWORD}
        )
