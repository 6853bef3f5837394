# Command line: `python -m pluginnan_core demo | import | info | undo | migrate | kinds` (and commands that
# other core modules register, e.g. evaluate). Plain messages on stderr, exit codes that scripts can use.
"""The command-line interface.

Why a CLI: coordinators and scheduled jobs load data without a browser, and the tests drive
the same code paths the upload page uses. Exit 0 on success, 1 when input is rejected (the
database is then untouched), 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import db, demo, queries
from .importers import ImportRejected, kinds, run_import


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_demo(args: argparse.Namespace) -> int:
    path = Path(args.db)
    _progress(f"Skapar demodatabas ({args.scale}, frö {args.seed}) i {path} …")
    demo.generate(path, args.scale, args.seed, progress=_progress)
    _progress("Klart.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    try:
        result = run_import(Path(args.db), args.kind, [Path(f) for f in args.files], progress=_progress,
                            lasar=args.lasar)
    except ImportRejected as exc:
        lang = args.lang
        head = "Inget lästes in. Rätta följande och försök igen:" if lang == "sv" else \
            "Nothing was loaded. Fix the following and try again:"
        print(head, file=sys.stderr)
        print(exc.problems.report(lang), file=sys.stderr)
        return 1
    for note in result.notes:
        _progress(note)
    _progress(f"Inläst: {result.rows} rader från {len(result.files)} fil(er) till {args.db}.")
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    try:
        snapshot = db.Database(Path(args.db))
    except db.DatabaseError as exc:
        print(f"Databasen kan inte öppnas ({exc.code}): {exc.path}", file=sys.stderr)
        return 1
    inv = queries.inventory(snapshot)
    if args.json:
        out = {
            "db": str(args.db),
            "is_demo": inv["is_demo"],
            "meta": inv["meta"],
            "eligibility_years": inv["eligibility_years"],
            "absence_years": inv["absence_years"],
            "thresholds": inv["thresholds"],
            "tables": inv["tables"].to_dict(orient="records"),
            "imports": inv["imports"].assign(imported_at=inv["imports"]["imported_at"].astype(str))
            .to_dict(orient="records"),
        }
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return 0
    print(f"Databas: {args.db}")
    print("DEMODATA – påhittade siffror" if inv["is_demo"] else "Riktiga data (inga demosiffror)")
    ey, ay = inv["eligibility_years"], inv["absence_years"]
    print(f"Behörighet: {ey[0]}–{ey[-1]} ({len(ey)} läsår)" if ey else "Behörighet: inga data")
    print(f"Frånvaro: {ay[0]}–{ay[-1]} ({len(ay)} läsår)" if ay else "Frånvaro: inga data")
    print("Tabeller:")
    for row in inv["tables"].itertuples():
        span = f" ({row.fran}–{row.till})" if isinstance(row.fran, str) else ""
        print(f"  {row.tabell}: {row.rader} rader{span}")
    print("Inläsningar:")
    for row in inv["imports"].itertuples():
        print(f"  {row.import_id}. {row.imported_at:%Y-%m-%d %H:%M} {row.kind} {row.file_name} "
              f"({row.rows} rader, sha256 {row.sha256[:12]})")
    snapshot.close()
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    if db.undo_last_import(Path(args.db)):
        _progress("Den senaste inläsningen är ångrad.")
        return 0
    print("Det finns ingen inläsning att ångra.", file=sys.stderr)
    return 1


def cmd_migrate(args: argparse.Namespace) -> int:
    """Upgrade a file made by an older version (the dashboard's "äldre version" page names this command)."""
    path = Path(args.db)
    try:
        changed = db.migrate(path)
    except db.DatabaseError as exc:
        print(f"Databasen kan inte uppgraderas ({exc.code}): {exc.path}", file=sys.stderr)
        return 1
    if changed:
        _progress(f"Uppgraderad till version {db.SCHEMA_VERSION}: {path} (den gamla filen finns kvar som "
                  f"{db.previous_path(path)}).")
    else:
        _progress(f"{path} har redan den senaste versionen; inget ändrades.")
    return 0


def cmd_kinds(args: argparse.Namespace) -> int:
    for name, kind in sorted(kinds().items()):
        template = f"  (mall: data/templates/{kind.template})" if kind.template else ""
        print(f"{name}: {kind.description_sv}{template}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pluginnan_core", description="Plug Innan: data och statistik")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="skapa en demodatabas med påhittade siffror")
    p.add_argument("--scale", choices=["region", "national"], default="region")
    p.add_argument("--seed", type=int, default=2017)
    p.add_argument("--db", required=True)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import", help="läs in filer (se `kinds` för filtyper)")
    p.add_argument("kind")
    p.add_argument("files", nargs="+")
    p.add_argument("--db", required=True)
    p.add_argument("--lasar", help="läsår för filer som inte anger det, t.ex. 2018/19")
    p.add_argument("--lang", choices=["sv", "en"], default="sv")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("info", help="vad databasen innehåller")
    p.add_argument("--db", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("undo", help="ångra den senaste inläsningen")
    p.add_argument("--db", required=True)
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("migrate", help="uppgradera en databasfil från en äldre version")
    p.add_argument("--db", required=True)
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("kinds", help="lista filtyper som kan läsas in")
    p.set_defaults(func=cmd_kinds)

    for name in EXTENSIONS:
        module = __import__(f"{__package__}.{name}", fromlist=["add_cli"])
        module.add_cli(sub)
    return parser


#: Core modules that add their own sub-commands through `add_cli(subparsers)`.
EXTENSIONS: tuple[str, ...] = ("importers.kolada", "slides", "evaluate")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))
