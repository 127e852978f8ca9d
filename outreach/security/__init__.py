"""Security services: passphrase tries, backups and restore, the lock (no Qt here)."""
