"""``shopperkit form``: forms to and from the tools survey teams already use (XLSForm for ODK
Collect and KoboToolbox, SurveyJS for web teams)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

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

NAME = "form"
HELP = "import a form from an XLSForm workbook, or export one to XLSForm (ODK) or SurveyJS"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``import FORM.xlsx [-o FORM.json]`` or ``export FORM --to FORMAT -o OUT``."""
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
    from shopperkit.registry import Registry

    form = Registry().form(args.form)
    check_output_path(args.output)
    EXPORTERS[args.to](form, args.output)
    print(f"shopperkit: form {form.id!r} written to {args.output} ({args.to})", file=sys.stderr)
    return 0
