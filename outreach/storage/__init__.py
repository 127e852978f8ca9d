"""Storage: the SQLAlchemy models, the database engine and its migrations (no Qt)."""
