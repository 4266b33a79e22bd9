from __future__ import annotations

from tablefor.cli import main

main()
