"""The exceptions of infoscope.

Every error raised by the Rust core arrives as a subclass of :class:`InfoscopeError` carrying the
core's message unchanged. Errors caused by the input are also ``ValueError`` (or ``TypeError``
for an unusable dtype, ``OSError`` for files), so generic handlers keep working. Attributes
name what was wrong: ``argument`` (``"x"``, ``"labels"``, ...) or ``name`` (a parameter).

>>> import numpy as np, infoscope
>>> try:
...     infoscope.Ksg(k=0)
... except infoscope.InvalidParameterError as e:
...     print(e.name, isinstance(e, ValueError))
k True
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "InfoscopeError",
    "InputError",
    "EmptyInputError",
    "TooFewSamplesError",
    "NonFiniteError",
    "ShapeMismatchError",
    "ShapeError",
    "ZeroVarianceError",
    "NotPositiveDefiniteError",
    "OutOfRangeError",
    "NotIntegerError",
    "MissingArgumentError",
    "RecordingError",
    "DTypeError",
    "InvalidParameterError",
    "UnknownParameterError",
    "UnsupportedError",
    "ExperimentFileError",
    "NumericalError",
    "FileError",
    "MissingFileError",
    "CorruptFileError",
    "TooLargeError",
    "MaskedArrayError",
    "InternalError",
]


class InfoscopeError(Exception):
    """Base class of every infoscope error. Keyword arguments become attributes."""

    def __init__(self, message: str = "", **attrs: Any) -> None:
        super().__init__(message)
        for key, value in attrs.items():
            setattr(self, key, value)


class InputError(InfoscopeError, ValueError):
    """The data given are unusable (``argument`` names which)."""

    argument: str


class EmptyInputError(InputError):
    """An array has no rows or no columns."""


class TooFewSamplesError(InputError):
    """Fewer samples than the method needs (``needed``, ``got``)."""

    needed: int
    got: int


class NonFiniteError(InputError):
    """A NaN or infinity (at ``row``, ``col``)."""

    row: int
    col: int


class ShapeMismatchError(InputError):
    """Two arguments disagree in shape (``argument`` must match ``other``)."""

    other: str


class ShapeError(InputError):
    """An argument has the wrong number of dimensions or layout."""


class ZeroVarianceError(InputError):
    """A constant column where the method needs variance (``column``)."""

    column: int


class NotPositiveDefiniteError(InputError):
    """A covariance matrix is not positive definite (consider ``ridge``)."""


class OutOfRangeError(InputError):
    """A value the method cannot represent (e.g. a non-integer label)."""


class NotIntegerError(OutOfRangeError):
    """A value read as an integer label or symbol is not an integer (at ``row``, ``col``)."""

    row: int
    col: int


class MissingArgumentError(InputError):
    """The question needs an argument that was not given (``argument``, e.g. ``"y"``)."""


class RecordingError(InputError):
    """A recording is unusable for an analysis (too few trials or steps, NaN activity)."""


class DTypeError(InfoscopeError, TypeError):
    """An array's dtype is not real numbers (complex, object, strings, dates)."""

    argument: str


class InvalidParameterError(InfoscopeError, ValueError):
    """A parameter or setting (``name``) is outside its valid range or unknown."""

    name: str


class UnknownParameterError(InvalidParameterError):
    """A method has no parameter of this ``name`` (``method`` names the method)."""

    method: str


class UnsupportedError(InfoscopeError, ValueError):
    """The method (``method``) does not answer this question, or does not take this argument
    (e.g. the entropy of a method that estimates mutual information only)."""

    method: str


class ExperimentFileError(InvalidParameterError):
    """An experiment file cannot be read or holds an unknown key or a bad value (``path``)."""

    path: str


class NumericalError(InfoscopeError, ArithmeticError):
    """A computation failed numerically (e.g. training diverged)."""


class FileError(InfoscopeError, OSError):
    """A file cannot be read or written."""


class MissingFileError(FileError, FileNotFoundError):
    """A file does not exist (``path``)."""

    path: str


class CorruptFileError(FileError):
    """A file exists but its content is not what infoscope expects (``path``)."""

    path: str


class TooLargeError(InfoscopeError, MemoryError):
    """An input or count would need more memory than the budget allows (``argument``, the
    memory ``needed`` and the ``limit``, for people). The budget is ``INFOSCOPE_MAX_MEMORY``
    (bytes, or with a K/M/G/T suffix), else 80 % of the available memory; the message says how
    to go on (fewer permutations, a ridge, PCA, ...)."""

    argument: str
    needed: str
    limit: str


class MaskedArrayError(InputError):
    """A numpy masked array with masked entries (``argument``): infoscope neither drops nor
    fills them silently. Drop the samples with a masked entry from every argument, or fill
    them, before the call; a masked array with nothing masked is read as its data."""


class InternalError(InfoscopeError, RuntimeError):
    """A bug in infoscope's core (a Rust panic, caught): please report it with the input."""
