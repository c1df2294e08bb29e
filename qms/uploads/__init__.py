"""The shared upload service: checked, stored outside static/, served only after an access check."""
