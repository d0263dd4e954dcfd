"""``field__one_of=values``: ``field__in`` for long lists of values.

Django writes ``IN (%s, %s, ...)`` with a placeholder per value, and the PostgreSQL driver
then parses a statement as long as the list, every time (statements that long are not
cached). ``one_of`` sends the list as one array parameter instead, ``= ANY(%s)``, which
PostgreSQL answers from the same index; elsewhere it is ``IN``. Used where a batch looks
up thousands of values at once (an import resolving people, say)."""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, ForeignObject, Lookup
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler


class OneOf(Lookup):
    lookup_name = "one_of"
    # The values are prepared one by one in as_sql, not as one value.
    prepare_rhs = False

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        field = self.lhs.output_field
        if connection.vendor != "postgresql":
            sql, params = In(self.lhs, list(self.rhs)).as_sql(compiler, connection)
            return sql, tuple(params)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [
            field.get_db_prep_value(field.get_prep_value(value), connection, prepared=True)
            for value in dict.fromkeys(self.rhs)
        ]
        return f"{lhs} = ANY(%s)", (*lhs_params, values)


# Relations keep lookups of their own, apart from other fields'.
Field.register_lookup(OneOf)
ForeignObject.register_lookup(OneOf)
