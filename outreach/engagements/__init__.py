"""The engagement log and business premises surveys (no Qt)."""
