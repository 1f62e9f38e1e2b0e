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
