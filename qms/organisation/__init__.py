"""The company itself: its profile, departments, sites and employees (reference data)."""
