"""Queries the ORM compiles once and the hot path runs many times.

Building SQL from a QuerySet costs more than running a one-row indexed
lookup. The status endpoint makes two such lookups per request (the key's
digest, the claim's row), so each is compiled once per database vendor, from
an ordinary QuerySet, and then executed with the request's value. The SQL and
the value converters are the ORM's own, so rows come back as the ORM would
give them (aware datetimes, booleans) on SQLite and PostgreSQL alike, and the
queries still go through ``connection.cursor()`` (query counts and logging
see them).
"""

from django.db import connection


class PreparedQuery:
    """``build(placeholder)`` returns the QuerySet (``values_list``) to compile;
    ``fetch(value)`` runs it with ``value`` in the placeholder's place and
    returns the first row, or None."""

    def __init__(self, build, placeholder):
        self.build = build
        self.placeholder = placeholder
        self._compiled: dict[str, tuple] = {}

    def _compile(self) -> tuple:
        compiled = self._compiled.get(connection.vendor)
        if compiled is None:
            compiler = self.build(self.placeholder).query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            params = list(params)
            converters = compiler.get_converters([column[0] for column in compiler.select])
            compiled = (sql, params, params.index(self.placeholder), converters)
            self._compiled[connection.vendor] = compiled
        return compiled

    def fetch(self, value):
        sql, params, slot, converters = self._compile()
        params = params.copy()
        params[slot] = value
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None or not converters:
            return row
        row = list(row)
        for position, (functions, expression) in converters.items():
            for convert in functions:
                row[position] = convert(row[position], expression, connection)
        return tuple(row)
