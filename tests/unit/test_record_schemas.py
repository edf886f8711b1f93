"""The records that models carry as fields (ork.errors.Record: spans, locations,
diagnostics) have their pydantic core schema derived once, and it is the one pydantic
derives for them in each model: nothing accepted, reported or written changes."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from ork import errors, lockfile, resolved, sources
from ork.stages import validate

MODULES = (sources, resolved, validate, lockfile)  # in the order they import each other


def _models() -> list[type[BaseModel]]:
    return [m for mod in MODULES for m in vars(mod).values()
            if isinstance(m, type) and issubclass(m, BaseModel) and m.__module__ == mod.__name__
            and not m.__pydantic_generic_metadata__["parameters"]]


def _schemas() -> dict[type[BaseModel], Any]:
    return {m: m.__pydantic_core_schema__ for m in _models()}


def test_each_models_schema_is_the_one_pydantic_derives(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = _schemas()
    assert set(errors._SCHEMAS) == {errors.Span, errors.Loc}
    # Without the hook and the records' own config, as before: pydantic derives each
    # record's schema in every model, under that model's config.
    monkeypatch.delattr(errors.Record, "__get_pydantic_core_schema__")
    monkeypatch.delattr(errors.Record, "__pydantic_config__")
    try:
        for model in kept:  # nested models first: each reuses the schema rebuilt before it
            model.model_rebuild(force=True)
        derived = _schemas()
    finally:
        monkeypatch.undo()
        for model in kept:
            model.model_rebuild(force=True)
    assert set(derived) == set(kept)
    for model, schema in kept.items():
        assert schema == derived[model], model.__name__
    assert _schemas() == kept


def test_a_record_field_keeps_its_errors() -> None:
    with pytest.raises(ValidationError) as info:
        resolved.Origin.model_validate({"path": ["a"], "loc": {"source": "s", "doc": "x",
                                                               "extra": 1}})
    assert [(e["loc"], e["type"]) for e in info.value.errors()] == [
        (("loc", "doc"), "int_parsing"), (("loc", "extra"), "unexpected_keyword_argument"),
    ]


def test_a_record_field_round_trips() -> None:
    diag = errors.Diagnostic("c", "m", span=errors.Span("p", 1, 2, 1, 3),
                             loc=errors.Loc("s", 0, ("a", 1), inner=(0, 1, 2)),
                             notes=(errors.Note("n", loc=errors.Loc("s", 1)),))
    report = validate.Report(diagnostics=(diag,))
    assert validate.Report.model_validate_json(report.model_dump_json()) == report
