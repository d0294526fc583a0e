"""Apply Alembic migrations from code (`platform server migrate`, start-up, tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

from platform_server.core.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

# Made by hand in migrations, per backend; autogenerate must neither drop nor diff them.
HAND_MANAGED_TABLE_PREFIX = "products_fts"
HAND_MANAGED_COLUMNS = {("products", "search_vector")}
HAND_MANAGED_INDEXES = {"ix_products_search_vector"}


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    if type_ == "table" and name and name.startswith(HAND_MANAGED_TABLE_PREFIX):
        return False
    if type_ == "column" and (getattr(obj.table, "name", None), name) in HAND_MANAGED_COLUMNS:
        return False
    return not (type_ == "index" and name in HAND_MANAGED_INDEXES)


def alembic_config(settings: Settings) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Alembic's config is an INI parser: a literal % must be doubled.
    config.set_main_option("sqlalchemy.url", settings.resolved_database_url.replace("%", "%%"))
    config.attributes["settings"] = settings
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings), revision)
