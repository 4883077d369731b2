"""Self-checking exercises: run a reader's code, then the exercise's hidden checks.

The same function judges the reader's code in the browser worker and, at build
time, the author's solution (which must pass) and starter code (which must not).
Checks are Python that call ``expect(what, got, expected, tol=None)``; the first
failing one is reported in plain words, expected against got.
"""

from __future__ import annotations

import linecache
import sys
import traceback

import numpy as np

from .runner import READER_ERRORS, advice

# Checks in a browser can never be secret, but one exercise's code must not be
# able to change how the next is judged. So the judge uses its own references,
# taken as the worker starts, before any reader's code runs (this module is
# imported then); and after every run of a reader's code, any name it replaced
# or deleted in these modules is put back.
_allclose, _all, _asarray, _shape = np.allclose, np.all, np.asarray, np.shape
_GUARDED = ("builtins", "numpy", "numpy.random", "numpy.linalg", "textbook.runner", __name__)


def _guard():
    """A function that, called first, notes the guarded modules' names, and
    called again puts back any a reader's code replaced or deleted. It keeps
    its notes in a closure, where a reader's code cannot reach them."""
    saved: list[tuple[dict, dict]] = []
    missing = object()

    def put_back() -> None:
        if not saved:
            saved.extend((vars(sys.modules[name]), dict(vars(sys.modules[name]))) for name in _GUARDED if name in sys.modules)
        for namespace, names in saved:
            for name, value in names.items():
                if namespace.get(name, missing) is not value:
                    namespace[name] = value

    return put_back


_put_back = _guard()


class CheckFailed(AssertionError):
    """A check whose expectation the reader's code did not meet."""


def expect(what: str, got, expected, tol: float | None = None) -> None:
    """Require got == expected (within tol, if given), else fail naming what."""
    try:
        if tol is not None:
            ok = _shape(got) == _shape(expected) and bool(_allclose(got, expected, atol=tol, rtol=0))
        else:
            ok = bool(_all(_asarray(got == expected))) if _shape(got) == _shape(expected) else False
    except Exception:  # got cannot even be compared: wrong type
        ok = False
    if not ok:
        within = f" (within {tol:g})" if tol is not None else ""
        raise CheckFailed(f"{what}: expected {_show(expected)}{within}, got {_show(got)}.")


def judge(code: str, checks: str, *, _put_back=_put_back) -> dict:
    """Run code, then the checks in its namespace; say passed, failed or error."""
    namespace: dict = {"__name__": "__exercise__"}
    ran = run_code(code, namespace)
    if ran["status"] == "error":
        return ran
    namespace.update(expect=expect, np=np)  # the judge's own (put back), whatever the code named so
    try:
        exec(compile(checks, "<checks>", "exec"), namespace)
    except CheckFailed as failure:
        return {"status": "failed", "message": str(failure)}
    except READER_ERRORS as error:
        return {"status": "error", "message": "Your code raised an error while it was checked:\n" + _traceback(error, "<your code>")}
    finally:
        _put_back()
    return {"status": "passed", "message": "All checks pass. Well done!"}


def run_code(code: str, namespace: dict | None = None, *, _put_back=_put_back) -> dict:
    """Run a reader's code once (a runnable listing, or before checks): ok or the error."""
    namespace = {"__name__": "__main__"} if namespace is None else namespace
    linecache.cache["<your code>"] = (len(code), None, code.splitlines(True), "<your code>")
    try:
        exec(compile(code, "<your code>", "exec"), namespace)
    except READER_ERRORS as error:
        return {"status": "error", "message": _traceback(error, "<your code>")}
    finally:
        _put_back()
    return {"status": "ok", "message": ""}


def _show(value) -> str:
    if isinstance(value, np.generic):
        value = value.item()  # 0.5, not np.float64(0.5)
    text = np.array2string(value, threshold=8) if isinstance(value, np.ndarray) else repr(value)
    return text if len(text) < 200 else text[:200] + "…"


def _traceback(error: BaseException, keep: str) -> str:
    """The traceback lines in the reader's own code, then the error."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == keep]
    lines = traceback.format_list(frames) + traceback.format_exception_only(type(error), error)
    return ("Traceback (most recent call last):\n" if frames else "") + "".join(lines) + advice(error)


_put_back()  # notes the guarded names now, with this module complete
