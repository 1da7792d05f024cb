"""Admin commands: ``python -m shop.cli <command> --option value``."""

import json

from pyjolt.auth import AuthUtils
from pyjolt.cli import CLIController, argument, command
from pyjolt.database.sql import AsyncSession

from shop.extensions import audit_db, db
from shop.models import AuditEntry, Item, User


def emit(payload: object) -> None:
    """One machine-readable output line per command."""
    print("shop: " + json.dumps(payload, sort_keys=True), flush=True)


class ShopCLI(CLIController):
    """Shop administration."""

    @command("create-user", help="Create a user who can log in.")
    @argument("name", arg_type=str, description="User name")
    @argument("email", arg_type=str, description="Email address")
    @argument("password", arg_type=str, description="Password")
    @argument("role", arg_type=str, description="user or admin")
    @db.managed_session_for_cli
    async def create_user(self, name: str, email: str, password: str, role: str,
                          session: AsyncSession) -> None:
        user = User(name=name, email=email, role=role,
                    password_hash=AuthUtils.create_password_hash(password))
        session.add(user)
        await session.flush()
        emit({"created_user": user.id, "name": name, "role": user.role})

    @command("list-items", help="List items cheaper than a limit.")
    @argument("max_price", arg_type=int, description="Price limit")
    @db.managed_session_for_cli
    async def list_items(self, max_price: int, session: AsyncSession) -> None:
        items = await Item.query(session).filter(Item.price <= max_price).order_by(Item.id).all()
        emit({"items": [[i.name, i.price, i.stock] for i in items]})

    @command("audit-count", help="Count audit entries of one kind.")
    @argument("kind", arg_type=str, description="Entry kind")
    @audit_db.managed_session_for_cli
    async def audit_count(self, kind: str, audit_session: AsyncSession) -> None:
        count = await AuditEntry.query(audit_session).filter_by(kind=kind).count()
        emit({"kind": kind, "count": count})


if __name__ == "__main__":
    from shop import Application

    Application().run_cli()
