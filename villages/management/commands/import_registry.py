"""python manage.py import_registry FILE [FILE ...] — load the county registry (FORMATS.md)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from villages import registry


class Command(BaseCommand):
    help = (
        "Load the county registry (every sheet of FORMATS.md: townships, villages, households, "
        "cadres, tasks, statistics, then the organization and satisfaction sheets) from one .xlsx "
        "workbook or CSV files named after the kind. All or nothing; re-loading changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help=".xlsx workbooks and/or .csv files")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and show what would change, write nothing"
        )
        parser.add_argument(
            "--template", metavar="PATH.xlsx", help="write the empty workbook with all headers and exit"
        )
        parser.add_argument(
            "--user", metavar="USERNAME", help="the admin recorded in the import log and the audit history"
        )

    def handle(self, *args, files, dry_run, template, user, **options):
        if template:
            if not template.lower().endswith(".xlsx"):
                raise CommandError("--template must name an .xlsx file")
            registry.write_template(template)
            self.stdout.write(f"Template written to {template}")
            return
        if not files:
            raise CommandError("Give one or more .xlsx/.csv files, or --template PATH.xlsx")
        account = None
        if user:
            try:
                account = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(f"No user named {user!r}") from exc

        sources = []
        missing = []
        for name in files:
            path = Path(name)
            if not path.is_file():
                missing.append(name)
                continue
            sources.append((path.name, path))
        if missing:
            raise CommandError("File not found: " + ", ".join(missing))

        report = registry.load(sources, user=account, write=not dry_run)
        for sheet in report.sheets:
            self.stdout.write(
                f"{sheet.kind} ({sheet.source}): {sheet.rows} rows — create {sheet.create}, "
                f"update {sheet.update}, unchanged {sheet.unchanged}"
            )
        if not dry_run:
            registry.log(report, user=account, source="command")
        if not report.ok:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(report.errors)} problem(s); nothing was written.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS("Loaded."))
