"""Rename the shipped vocabulary categories whose names used British spelling."""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

CATEGORIES = sa.table(
    "data_categories",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
)

# Frozen here rather than read from the vocabulary module, so that the migration renames the
# same rows whenever it runs. Old shipped name first, American name second.
RENAMED = (
    ("Driver's licence number", "Driver's license number"),
    ("Licence-plate reads", "License-plate reads"),
    ("Behavioural health and substance use", "Behavioral health and substance use"),
)


def rename(pairs) -> None:
    """Rename each category still called `old`, unless a category called `new` exists: the
    office may have added one by hand, and names are unique."""
    bind = op.get_bind()
    names = CATEGORIES.c.name
    for old, new in pairs:
        if bind.execute(sa.select(CATEGORIES.c.id).where(names == new)).first() is None:
            bind.execute(CATEGORIES.update().where(names == old).values(name=new))


def upgrade():
    rename(RENAMED)


def downgrade():
    rename((new, old) for old, new in RENAMED)
