"""HQ: the register of laptops, the merged database of every bundle, and its reports."""
