"""Users, roles, login and sessions."""
