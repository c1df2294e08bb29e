"""Management review (ISO 9001 9.3): a meeting over a period, an input pack the modules contribute to,
conclusions and decisions that become tracked actions, minutes as PDF."""
