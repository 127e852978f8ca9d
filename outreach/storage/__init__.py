"""Storage: the SQLAlchemy models, the database engine and its migrations (no Qt).

This package's own module imports nothing heavy: the window reads ``DB_FILE`` before it
is shown, without SQLAlchemy.
"""

DB_FILE = "outreach.db"  # the records database, in the data folder
