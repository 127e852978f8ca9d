"""Outreach: offline crime-prevention outreach for police engagement officers."""

from __future__ import annotations

__version__ = "0.1.0"
APP_NAME = "Outreach"
