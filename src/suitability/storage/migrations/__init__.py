"""Alembic migrations of the database schema (env.py, script template, versions/)."""
