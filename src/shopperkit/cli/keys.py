"""``shopperkit keys``: the API keys the service accepts."""

from __future__ import annotations

import argparse
import sys

from shopperkit.cli.workspaces import add_store_options, open_store

NAME = "keys"
HELP = "add, list or revoke the service's API keys"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``add NAME --role R... | list | revoke NAME``."""
    add_store_options(parser)
    actions = parser.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="make a key; its secret is printed once")
    add.add_argument("name", help="who or what the key is for")
    add.add_argument(
        "--role",
        action="append",
        required=True,
        help="officer (reads what was received) or app (submits for an app)",
    )
    actions.add_parser("list", help="every key, its roles, and whether it is revoked")
    revoke = actions.add_parser("revoke", help="stop accepting a key")
    revoke.add_argument("name")


def run(args: argparse.Namespace) -> int:
    """Do the action; ``add`` prints the secret on standard output, alone."""
    store, _ = open_store(args)
    try:
        if args.action == "add":
            print(store.create_key(args.name, args.role))
            print(f"shopperkit: key {args.name!r} added; keep its secret now", file=sys.stderr)
        elif args.action == "list":
            for key in store.api_keys():
                state = "revoked" if key.revoked else "active"
                print(f"{key.name}\t{','.join(key.roles)}\t{state}")
        else:
            store.revoke_key(args.name)
            print(f"shopperkit: key {args.name!r} revoked", file=sys.stderr)
    finally:
        store.close()
    return 0
