"""``python manage.py send_reminders [--week 2016-W23] [--dry-run]``: the weekly reminders
(催报), meant for cron (docs/deployment.md). One message per recipient × kind × week ×
channel: a second run sends only what failed before. ``--dry-run`` prints what would be sent
and writes nothing."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from accountability import periods
from accountability.reminders import services


class Command(BaseCommand):
    help = "Send this week's reminders (催报) by email and to the work group's robot."

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO week, e.g. 2016-W23 (default: the current week)")
        parser.add_argument("--dry-run", action="store_true", help="print what would be sent; write nothing")

    def handle(self, *args, week=None, dry_run=False, **options):
        with translation.override(settings.LANGUAGE_CODE):
            if week is None:
                chosen = periods.Week.of(periods.today())
            else:
                try:
                    chosen = services.validate_week(week)
                except ValidationError as exc:
                    raise CommandError(f"--week {week}: {' '.join(exc.messages)}") from None
            result = services.send_weekly(chosen, dry_run=dry_run)
            self.report(result, dry_run)

    def report(self, result, dry_run):
        week = result.week
        if not result.channels:
            self.stdout.write(
                f"{week}: no reminder channel is configured (EMAIL_HOST, REMINDER_WEBHOOK_URL): nothing sent."
            )
            return
        names = ", ".join(result.channels)
        if dry_run:
            for message, record in result.planned:
                again = f" (again, after {record.attempts} failed attempt(s))" if record else ""
                self.stdout.write(f"[{message.channel}] {message.kind} → {message.recipient}{again}")
                self.stdout.write("    " + message.body.replace("\n", "\n    "))
            self.stdout.write(
                f"{week} dry run ({names}): would send {len(result.planned)}, already sent {result.already}, "
                f"without an email address {result.unreachable}; nothing written."
            )
            return
        line = (
            f"{week} ({names}): sent {result.sent}, failed {result.failed} (tried again on the next run), "
            f"already sent {result.already}, without an email address {result.unreachable}."
        )
        self.stdout.write(self.style.WARNING(line) if result.failed else line)
