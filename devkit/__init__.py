"""Dev-only parts: local stand-ins for outside services, used by `tablefor dev` and the tests.
Not part of the runtime packages (the wheel leaves this folder out)."""
