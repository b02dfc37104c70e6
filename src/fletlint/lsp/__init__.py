"""Language server (its own issue)."""
