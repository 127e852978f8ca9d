"""Bundles that carry a laptop's engagement log to HQ (format in docs/bundle-format.md)."""
