"""Background work: a nightly stock check and the order-confirmation email."""

from pyjolt.database.sql import AsyncSession
from pyjolt.task_manager import TaskManager, schedule_job

from shop.extensions import audit_db, db, email_client
from shop.models import AuditEntry, Item


class Scheduler(TaskManager):
    """Scheduled jobs of the shop."""

    @schedule_job("interval", hours=24, id="stock_check")
    async def stock_check(self) -> None:
        """Records how many items are sold out (runs daily; the report endpoint runs it now)."""
        await record_sold_out()


@db.readonly_session
async def count_sold_out(session: AsyncSession) -> int:
    return await Item.query(session).filter_by(stock=0).count()


@audit_db.managed_session
async def write_audit(kind: str, detail: str, audit_session: AsyncSession) -> None:
    audit_session.add(AuditEntry(kind=kind, detail=detail))


async def record_sold_out() -> int:
    sold_out = await count_sold_out()
    await write_audit("stock_check", f"sold_out={sold_out}")
    return sold_out


async def send_order_email(to_address: str, item_name: str, quantity: int) -> None:
    """Sends the order confirmation and records it in the audit database."""
    await email_client.send_email(to_address, f"Order: {quantity} x {item_name}",
                                  f"Thank you for ordering {quantity} x {item_name}.")
    await write_audit("email", f"to={to_address}")


scheduler: Scheduler = Scheduler()
