"""`continuity`: the command line of the project (installed into the project's .venv).

continuity run                    start the embedded database, migrate, load the demo LA if empty, serve
continuity serve                  the production web server (gunicorn, several processes: README)
continuity demo --children N      generate a demo local authority (deterministic for a --seed)
continuity db-stop                stop the embedded PostgreSQL server
continuity worker                 the task worker (imports of uploads), supervised by systemd: README
continuity uploads-purge          delete uploaded returns kept past UPLOAD_RETENTION_DAYS (audited)
continuity import-cin FILE.xml    import a CIN census (and import-903 FOLDER, export-cin, export-903)
continuity <django command> ...   any Django management command (migrate, createsuperuser, shell, ...)
"""

from __future__ import annotations

import os
import sys

# Commands spelt with a dash on the command line; Django's own names use an underscore.
DASHED = {
    "import-cin",
    "export-cin",
    "import-903",
    "export-903",
    "fortnightly-return",
    "la-create",
    "admin-create",
    "uploads-purge",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "continuity.settings")
    if args and args[0] == "db-stop":
        from continuity import embedded_db

        stopped = embedded_db.stop_server(embedded_db.pgdata_dir())
        print("Stopped the embedded database." if stopped else "The embedded database was not running.")
        return
    if args and args[0] == "deadline":
        from continuity.deadline_cli import main as deadline_main

        raise SystemExit(deadline_main(args[1:]))
    if args and args[0] == "run":
        from continuity.serve import run

        run()
        return
    if args and args[0] == "serve":
        from continuity.production import serve

        serve()
        return
    if args and args[0] in DASHED:
        args[0] = args[0].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["continuity", *args])


if __name__ == "__main__":
    main()
