"""The database itself refuses to edit a posted ledger row, and on PostgreSQL to
delete one (unless the demo's reload says so for its own transaction: the
setting hubiying.fund_wipe). SQLite refuses the edits; its deletions are refused
by the models and query sets (a trigger there would also stop the test
database's flush)."""

from django.db import migrations

TABLES = ("fund_entry", "fund_line")

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION fund_ledger_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('hubiying.fund_wipe', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'posted ledger rows are never edited or deleted (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def freeze(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_FUNCTION)
            for table in TABLES:
                cursor.execute(f"CREATE TRIGGER {table}_frozen BEFORE UPDATE OR DELETE ON {table} "
                               f"FOR EACH ROW EXECUTE FUNCTION fund_ledger_frozen()")
        elif connection.vendor == "sqlite":
            for table in TABLES:
                cursor.execute(f"CREATE TRIGGER {table}_frozen BEFORE UPDATE ON {table} "
                               f"BEGIN SELECT RAISE(ABORT, 'posted ledger rows are never edited'); END")


def thaw(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table}")
            elif connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen")
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION IF EXISTS fund_ledger_frozen()")


class Migration(migrations.Migration):
    dependencies = [("fund", "0001_initial")]

    operations = [migrations.RunPython(freeze, thaw)]
