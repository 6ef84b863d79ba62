"""``shopperkit export``: write what the store keeps as the documented files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shopperkit.cli.common import emit
from shopperkit.cli.workspaces import add_store_options, open_store
from shopperkit.errors import InputError

NAME = "export"
HELP = "write the events, statuses, a draw or a kept file from the store; or list what it keeps"
KINDS = ("events", "statuses", "draw", "file", "list")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``KIND [NAME] [-o PATH] [--workspace DIR] [--db URL]``."""
    parser.add_argument("kind", choices=KINDS, help="what to write ('list': what is kept)")
    parser.add_argument("name", nargs="?", help="the draw's or the file's name in the store")
    parser.add_argument(
        "-o", "--output", type=Path, help="file (a folder for a draw); default standard output"
    )
    add_store_options(parser)


def run(args: argparse.Namespace) -> int:
    """Read from the store and write the files, replaced together."""
    from shopperkit.io.files import atomic_binary, output_stream

    store, _ = open_store(args)
    try:
        if args.kind == "events":
            from shopperkit.io.events import events_text

            emit(events_text(store.events()), args.output)
        elif args.kind == "statuses":
            from shopperkit.io.convert import to_data
            from shopperkit.io.files import json_line

            encoded = b"".join(json_line(to_data(c)) for c in store.status_changes())
            emit(encoded.decode("utf-8"), args.output)
        elif args.kind == "list":
            kept = [f"draw\t{name}" for name in store.draws()]
            kept += [f"{kind}\t{name}\t{digest}" for name, kind, digest in store.documents()]
            emit("".join(line + "\n" for line in kept), args.output)
        elif args.name is None:
            raise InputError("argument_missing", {"option": "NAME", "given": args.kind})
        elif args.kind == "draw":
            if args.output is None:
                raise InputError("argument_missing", {"option": "--output", "given": "draw"})
            from shopperkit.io.files import output_set

            with output_set():
                for file_name, content in store.draw_files(args.name).items():
                    with atomic_binary(args.output / file_name) as stream:
                        stream.write(content)
        else:
            _, content = store.document(args.name)
            with output_stream(args.output) as stream:
                stream.write(content)
    finally:
        store.close()
    if args.output is not None:
        print(f"shopperkit: wrote {args.output}", file=sys.stderr)
    return 0
