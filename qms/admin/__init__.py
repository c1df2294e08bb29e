"""Administration: users, roles and reference data (company, departments, sites, employees)."""
