"""Errors are types: one base for bad input, carrying file, row, column, expected and found.

The CLI prints any :class:`SwpError` as plain sentences; a traceback appears only with ``--debug``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class SwpError(Exception):
    """Base class of every error this project raises on purpose."""


@dataclass
class Problem:
    """One problem found in one input: where it is and what was expected there.

    ``row`` is the 1-based line number in the file as a person sees it in a text editor
    (the header is line 1), or ``None`` when the problem concerns the whole file.
    """

    file: str | Path
    message: str
    row: int | None = None
    column: str | None = None
    expected: str | None = None
    found: str | None = None
    severity: str = "error"  # "error" stops the build; "warning" is shown in the report

    def __str__(self) -> str:
        where = [str(self.file)]
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = f"{', '.join(where)}: {self.message}"
        if self.expected is not None:
            text += f" Expected {self.expected}"
            text += f"; found {self.found}." if self.found is not None else "."
        elif self.found is not None:
            text += f" Found {self.found}."
        return text


class InputError(SwpError):
    """A single bad input. Construct with the same fields as :class:`Problem`."""

    def __init__(
        self,
        file: str | Path,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
        found: str | None = None,
    ) -> None:
        self.problem = Problem(file, message, row, column, expected, found)
        super().__init__(str(self.problem))

    @property
    def problems(self) -> list[Problem]:
        return [self.problem]


class ValidationFailed(SwpError):
    """Several problems found in one run, reported together rather than one at a time."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} found in the input data:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class BuildFailed(SwpError):
    """A notebook failed while the report was being built."""
