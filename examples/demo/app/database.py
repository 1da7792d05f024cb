"""The demo's database: one SQLite file, created with its tables at startup (CREATE_ALL)."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from surge.database.sql import SqlDatabase, create_declarative_base
from surge.database.sql.migrate import Migrate

db = SqlDatabase(db_name="db", configs_name="SQL_DATABASE")
migrate = Migrate(db)  # `db-init`, `db-migrate`, ... once CREATE_ALL is turned off

Base = create_declarative_base("db")


class GuestbookEntry(Base):
    """One signature in the guestbook."""

    __tablename__ = "guestbook_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    message: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: datetime.now(UTC))
