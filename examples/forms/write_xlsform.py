"""Write ``example-visit.xlsx`` (XLSForm, English and Arabic) from ``example-visit.yaml``.

Run it again after changing the form: ``.venv/bin/python examples/forms/write_xlsform.py``.
``tests/test_xlsform.py`` checks that the workbook is what this writes and that importing
it gives the form back.
"""

from __future__ import annotations

from pathlib import Path

from shopperkit.forms import load_form
from shopperkit.forms.xlsform import write_xlsform
from shopperkit.io.files import output_set

HERE = Path(__file__).resolve().parent


def main() -> None:
    """Write the example workbook beside the example form."""
    with output_set():
        write_xlsform(load_form(HERE / "example-visit.yaml"), HERE / "example-visit.xlsx")


if __name__ == "__main__":
    main()
