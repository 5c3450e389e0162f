"""Recompute organisation name keys so look-alike letters read as the Latin ones."""

import re
import unicodedata
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

from sharing.vendors.models import normalise_name

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BATCH = 1000

ORGANISATIONS = sa.table(
    "organisations",
    sa.column("id", sa.Integer),
    sa.column("legal_name", sa.String),
    sa.column("normalised_name", sa.String),
)

_OLD_SUFFIXES = re.compile(
    r"\b(incorporated|inc|corp|corporation|co|company|llc|l\.l\.c|ltd|limited|lp|llp|plc|gmbh)\b\.?"
)


def old_normalise_name(name: str) -> str:
    """The key as revision 0010 computed it (frozen here): non-ASCII letters dropped."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("&", " and ")
    text = _OLD_SUFFIXES.sub(" ", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(text.split())


def rekey(normalise: Callable[[str], str]) -> None:
    """Recompute every organisation's key, a batch of rows at a time in id order."""
    bind = op.get_bind()
    columns = ORGANISATIONS.c
    select = (
        sa.select(columns.id, columns.legal_name, columns.normalised_name)
        .where(columns.id > sa.bindparam("after"))
        .order_by(columns.id)
        .limit(BATCH)
    )
    update = (
        ORGANISATIONS.update()
        .where(columns.id == sa.bindparam("row_id"))
        .values(normalised_name=sa.bindparam("key"))
    )
    after = 0
    while rows := bind.execute(select, {"after": after}).all():
        changed = [
            {"row_id": row.id, "key": key}
            for row in rows
            if (key := normalise(row.legal_name)) != row.normalised_name
        ]
        if changed:
            bind.execute(update, changed)
        after = rows[-1].id


def upgrade():
    rekey(normalise_name)


def downgrade():
    rekey(old_normalise_name)
