"""Test support: tiny videos, tiny configs and probe hooks (not tests)."""
