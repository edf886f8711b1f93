"""The function table's names and arities (ork.templates.signatures) and the functions
themselves (ork.templates.functions) name the same functions; checking a template loads only
the table."""

from __future__ import annotations

import subprocess
import sys

from ork.templates import functions, signatures


def test_every_function_has_a_signature_and_every_signature_a_function() -> None:
    assert set(functions._CALLS) == set(signatures.ALL)
    assert {n: (f.min_args, f.max_args) for n, f in functions.ALL.items()} == signatures.ALL


def test_checking_a_template_does_not_load_the_functions() -> None:
    code = ("import sys; from ork.templates import check; "
            "assert not check('{{ printf \"%s\" .x | upper }}'); "
            "print(sorted(m for m in ('ork.templates.functions', 'ork.templates.printf', "
            "'ork.templates.k8s') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
