"""Extension instances, shared by the controllers, the CLI and the scheduler."""

from pyjolt.database.sql import SqlDatabase
from pyjolt.database.sql.migrate import Migrate
from pyjolt.email import EmailClient

db: SqlDatabase = SqlDatabase(db_name="db")
migrate: Migrate = Migrate(db)

audit_db: SqlDatabase = SqlDatabase(db_name="audit", configs_name="AUDIT_DATABASE")
audit_migrate: Migrate = Migrate(audit_db)

email_client: EmailClient = EmailClient()

__all__ = ["audit_db", "audit_migrate", "db", "email_client", "migrate"]
