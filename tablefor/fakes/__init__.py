"""Local stand-ins for outside services, for tests and for `tablefor dev` without credentials."""
