from django.core.management.base import BaseCommand

from chishui import backups


class Command(BaseCommand):
    help = (
        "Write one zip archive with the whole database (Django serialization, natural keys) and "
        "the uploaded files under MEDIA_ROOT. Restore it with `manage.py restore PATH`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive to write, e.g. /var/backups/chishui/2016-06-08.zip")

    def handle(self, path, **options):
        manifest = backups.write_backup(path)
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"{path}: {rows} rows of {len(manifest['counts'])} models, {manifest['files']} files"
        )
