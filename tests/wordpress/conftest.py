from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def import_wordpress():
    """``import_wordpress(file, *options)``: run the command on a fixture's name or a path;
    its summary (stdout) with its progress bar (stderr) as ``.progress``."""

    def run(file, *options):
        path = FIXTURES / file if isinstance(file, str) else file
        out, err = StringIO(), StringIO()
        call_command("import_wordpress", str(path), *options, stdout=out, stderr=err)
        summary = Summary(out.getvalue())
        summary.progress = err.getvalue()
        return summary

    return run


class Summary(str):
    """The command's summary table, with a way to read one of its counts."""

    def count(self, label):
        for line in self.splitlines():
            if line.startswith(label + "  ") or line.rstrip().startswith(label + " "):
                head, _, number = line.rpartition(" ")
                if head.strip() == label.strip():  # "    approved": a detail of the row above
                    return int(number)
        raise AssertionError(f"No row “{label}” in:\n{self}")
