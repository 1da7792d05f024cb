"""Database models: users and items live in the main database, audit entries in the second one."""

from datetime import datetime

from pyjolt.database.sql import DeclarativeBaseModel
from sqlalchemy import DateTime, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column


class User(DeclarativeBaseModel):
    """A shop user who can log in."""

    __tablename__ = "users"
    __db_name__ = "db"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    email: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="user")

    class Meta:
        exclude_from_table = ["password_hash"]
        custom_labels = {"name": "User name"}


class Item(DeclarativeBaseModel):
    """An item for sale, owned by the user who created it."""

    __tablename__ = "items"
    __db_name__ = "db"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    price: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    class Meta:
        order_table_by = ["name"]
        exclude_from_create_form = ["owner_id"]


class AuditEntry(DeclarativeBaseModel):
    """One recorded action, kept in the separate audit database."""

    __tablename__ = "audit_entries"
    __db_name__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    class Meta:
        exclude_from_update_form = ["created_at"]
