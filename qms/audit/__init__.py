"""The audit trail: an append-only, hash-chained log of every change, login and refused access."""
