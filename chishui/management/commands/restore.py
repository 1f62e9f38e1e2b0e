from django.core.management.base import BaseCommand

from chishui import backups


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into an empty (freshly migrated) "
        "database and MEDIA_ROOT. A database with data is refused unless --force is given; "
        "then all its data is replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive written by `manage.py backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace the data of a database that is not empty"
        )

    def handle(self, path, force=False, **options):
        manifest = backups.restore_backup(path, force=force)
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"{path}: restored {rows} rows of {len(manifest['counts'])} models and "
            f"{manifest['files']} files (backup of {manifest['created']})"
        )
