"""Backups of the database (备份): an online, consistent copy of the SQLite default; pg_dump for PostgreSQL."""
