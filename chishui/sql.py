"""Running a queryset's own SQL where the ORM costs more than the rows: the summary pages
read thousands of integer counts, which Django would pass one by one through its value
converters, and a few of their queries group the rows of a queryset once more."""

from django.db import connection, connections


def plain_rows(queryset, around="{query}"):
    """The rows of ``queryset`` as the database driver returns them (integers and sums of
    integers need no converter), its SQL run once. ``around``: SQL with ``{query}`` where the
    queryset's SQL goes as a subquery (``SELECT … FROM ({query}) rows GROUP BY …``), its
    parameters kept; the outer SQL's own values must be written in it, not passed."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(around.format(query=sql), params)
        return cursor.fetchall()


def quote(*names):
    """``names`` quoted as one dotted SQL name (``quote("village", "id")``: ``"village"."id"``);
    every alias of the project is of one database kind, whose quoting the default gives."""
    return ".".join(connection.ops.quote_name(name) for name in names)


def lock(model, ids=None):
    """Lock ``model``'s rows ``ids`` (every row when None; ``None`` among the ids is
    skipped) until the writer's transaction ends, in the order of their keys so two writers
    cannot deadlock: writers of the same rows take turns, the second reading after the first
    committed. Nothing on SQLite, which runs one writer at a time anyway; no query when
    ``ids`` is empty."""
    rows = model.objects.select_for_update().order_by("pk")
    if ids is not None:
        ids = {pk for pk in ids if pk is not None}
        if not ids:
            return
        rows = rows.filter(pk__in=ids)
    list(rows.values_list("pk", flat=True))
