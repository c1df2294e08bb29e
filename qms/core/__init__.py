"""Start page, language switch and health endpoints."""
