"""``shopperkit form``: forms to and from the tools survey teams already use (XLSForm for ODK
Collect and KoboToolbox, SurveyJS for web teams)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from shopperkit.cli.common import add_strict, batch_exit, warn
from shopperkit.forms.submissions import SETTINGS
from shopperkit.io.convert import to_data
from shopperkit.io.files import atomic_write, check_output_path, dumps
from shopperkit.model.forms import Form


def _xlsform(form: Form, path: Path) -> None:
    from shopperkit.forms.xlsform import write_xlsform

    write_xlsform(form, path)


def _surveyjs(form: Form, path: Path) -> None:
    from shopperkit.forms.surveyjs import to_surveyjs

    atomic_write(path, dumps(to_surveyjs(form)))


EXPORTERS: Mapping[str, Callable[[Form, Path], None]] = {
    "xlsform": _xlsform,
    "surveyjs": _surveyjs,
}
"""Export format -> writer of a form to a path."""

SETTING_HELP: Mapping[str, str] = {
    "shopper": "the shopper of every row whose visit/shopper is empty",
    "entity": "the entity of every row whose visit/entity is empty",
    "centre": "the centre of every row whose visit/centre is empty",
    "service": "the service of every row whose visit/service is empty",
    "channel": "the channel of every record (default: visit)",
    "language": "the language of every record (default: the form's fallback)",
    "programme": "the programme every record names",
}

NAME = "form"
HELP = (
    "import a form from an XLSForm workbook, export one to XLSForm (ODK) or SurveyJS, or read "
    "ODK Central / KoboToolbox submissions as evaluation records"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``import FORM.xlsx [-o FORM.json]``, ``export FORM --to FORMAT -o OUT`` or
    ``submissions EXPORT --form FORM -o EVALUATIONS.jsonl``."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    read = actions.add_parser("import", help="read an XLSForm workbook into a form file")
    read.add_argument("workbook", type=Path, help="the XLSForm workbook (.xlsx)")
    read.add_argument(
        "-o", "--output", type=Path, help="the form file, .json or .yaml (default: JSON on stdout)"
    )
    write = actions.add_parser("export", help="write a form in another tool's format")
    write.add_argument("form", help="a form file (JSON or YAML) or an installed form's id")
    write.add_argument("--to", choices=sorted(EXPORTERS), required=True, help="the format")
    write.add_argument("-o", "--output", type=Path, required=True, help="the file to write")
    collected = actions.add_parser(
        "submissions",
        help="read an ODK Central or KoboToolbox export (CSV, JSON) as evaluation records",
    )
    collected.add_argument("export", type=Path, help="the export (.csv, .json, .jsonl)")
    collected.add_argument(
        "--form", required=True, help="the form the submissions answer (file or installed id)"
    )
    collected.add_argument(
        "-o", "--output", type=Path, required=True, help="the evaluation records (.jsonl)"
    )
    collected.add_argument(
        "--rejects", type=Path, help="also write each rejected row, with its problems (.jsonl)"
    )
    for name in SETTINGS:
        collected.add_argument(
            f"--{name}", metavar=name.upper(), help=SETTING_HELP.get(name, f"the {name}")
        )
    add_strict(collected)


def form_text(form: Form, path: Path | None) -> str:
    """``form`` as the text of a form file: YAML for a ``.yaml``/``.yml`` path, else JSON."""
    data = to_data(form)
    if path is not None and path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        return text
    return dumps(data)


def run(args: argparse.Namespace) -> int:
    """Import: print every problem and exit 1 when there is one. Export: write the file."""
    if args.action == "import":
        from shopperkit.forms.xlsform import import_xlsform

        if args.output is not None:
            check_output_path(args.output)
        result = import_xlsform(args.workbook)
        for problem in result.problems:
            print(f"{problem} [{problem.code}]")
        if result.form is None:
            print(
                f"shopperkit: {args.workbook}: {len(result.problems)} problem(s); no form written",
                file=sys.stderr,
            )
            return 1
        text = form_text(result.form, args.output)
        if args.output is None:
            sys.stdout.write(text)
        else:
            atomic_write(args.output, text)
            print(f"shopperkit: form {result.form.id!r} written to {args.output}", file=sys.stderr)
        return 0
    if args.action == "submissions":
        return submissions(args)
    from shopperkit.registry import Registry

    form = Registry().form(args.form)
    check_output_path(args.output)
    EXPORTERS[args.to](form, args.output)
    print(f"shopperkit: form {form.id!r} written to {args.output} ({args.to})", file=sys.stderr)
    return 0


def submissions(args: argparse.Namespace) -> int:
    """Write the evaluation records of an export; warn of each rejected row (its row, column
    and code) and write it to ``--rejects``. Like ``score``, a rejected row does not stop
    the others: the exit is 0, or 1 under ``--strict`` when a row was rejected. Files are
    replaced only when the whole export was read."""
    from shopperkit.cli.progress import progress
    from shopperkit.forms.submissions import iter_submissions
    from shopperkit.io.files import json_bytes, output_stream, write_json_lines
    from shopperkit.io.verdicts import error_record
    from shopperkit.problems import RecordError
    from shopperkit.registry import Registry

    form = Registry().form(args.form)
    for path in (args.output, args.rejects):
        if path is not None:
            check_output_path(path)
    context = {name: value for name in SETTINGS if (value := getattr(args, name)) is not None}
    rejected: list[RecordError] = []
    read = 0
    with progress("reading submissions", None) as bar:

        def accepted() -> Iterator[bytes]:
            nonlocal read
            for result in iter_submissions(args.export, form, context=context):
                read += 1
                bar.advance()
                if isinstance(result, RecordError):
                    rejected.append(result)
                    for problem in result.errors:
                        warn(
                            f"{result.file}: row {result.row}: {problem.where}: "
                            f"{problem.message} [{problem.code}]"
                        )
                else:
                    yield json_bytes(to_data(result))

        with output_stream(args.output) as stream:
            write_json_lines(stream, accepted())
    if args.rejects is not None:
        with output_stream(args.rejects) as stream:
            write_json_lines(stream, (json_bytes(error_record(r)) for r in rejected))
    print(
        f"shopperkit: read {read} submission(s): {read - len(rejected)} evaluation(s) written "
        f"to {args.output}, {len(rejected)} rejected",
        file=sys.stderr,
    )
    return batch_exit(args, len(rejected))
