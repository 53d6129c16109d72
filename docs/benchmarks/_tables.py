"""Read the simple tables of these pages, so that each figure is drawn from
the measured table it illustrates (never from a copy of its numbers)."""

import re
from pathlib import Path

HERE = Path(__file__).resolve().parent


def tables_after(page, heading, count=1):
    """The first ``count`` simple tables after the line ``heading`` of
    ``page``, each as a list of rows (lists of cell strings, header first)."""
    lines = (HERE / page).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == heading)
    tables, i = [], start
    while len(tables) < count:
        while not re.fullmatch(r"=+( +=+)+", lines[i]):
            i += 1
        border = lines[i]
        spans = [match.span() for match in re.finditer(r"=+", border)]
        # top border, header, border, rows, bottom border
        closing = [k for k in range(i + 1, len(lines)) if lines[k] == border][:2]
        rows = [
            _cells(line, spans)
            for line in lines[i + 1 : closing[1]]
            if line != border and line.strip()
        ]
        tables.append(rows)
        i = closing[1] + 1
    return tables


def _cells(line, spans):
    cells = []
    for k, (start, _) in enumerate(spans):
        end = spans[k + 1][0] if k + 1 < len(spans) else len(line)
        cells.append(line[start:end].strip().strip("*`").strip())
    return cells


def number(cell):
    """The leading number of a cell ("0.958 ± 0.014" -> 0.958)."""
    return float(re.match(r"[-+]?[0-9.]+", cell).group())
