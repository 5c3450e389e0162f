"""URL converters: whole numbers in paths stop at what an id column can hold."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from sharing.core.query_args import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:...>` that does not match beyond MAX_ID, so the route answers 404.

    Without the bound an id above 2**63 - 1 overflows the database driver (a 500), and on
    PostgreSQL anything above 2**31 - 1 overflows the INTEGER key columns.
    """

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_converters(app: Flask) -> None:
    """Replace `int` before any blueprint adds a rule, since rules bind their converters
    when added."""
    app.url_map.converters["int"] = IdConverter
