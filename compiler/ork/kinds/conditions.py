"""Conditions (``when`` / ``or``), admission rules and status fields."""

from pydantic import Field

from .base import Bool, Model, Scalar, Str

OPERATORS: tuple[str, ...] = (
    "equals", "notEquals", "contains", "notContains", "prefix", "notPrefix", "suffix",
    "notSuffix", "regex", "exists", "notExists", "in", "notIn", "gt", "lt", "gte", "lte",
    "between", "notBetween",
)
ALIASES: dict[str, str] = {
    "greaterThan": "gt", "lessThan": "lt", "greaterThanOrEqual": "gte", "lessThanOrEqual": "lte",
}
NUMERIC_OPERATORS = frozenset({"gt", "lt", "gte", "lte", "between", "notBetween"})
UNARY_OPERATORS = frozenset({"exists", "notExists"})


class Condition(Model):
    """One condition: ``{field, operator, value}`` or the shorthand ``{field, equals: x}``."""

    field: Str
    operator: Str | None = None
    value: Scalar = None
    # Shorthand forms: the operator name as the key.
    equals: Scalar = None
    not_equals: Scalar = None
    contains: Scalar = None
    not_contains: Scalar = None
    prefix: Scalar = None
    not_prefix: Scalar = None
    suffix: Scalar = None
    not_suffix: Scalar = None
    regex: Scalar = None
    exists: Scalar = None
    not_exists: Scalar = None
    in_: Scalar = Field(None, alias="in")
    not_in: Scalar = None
    gt: Scalar = None
    lt: Scalar = None
    gte: Scalar = None
    lte: Scalar = None
    between: Scalar = None
    not_between: Scalar = None
    greater_than: Scalar = None
    less_than: Scalar = None
    greater_than_or_equal: Scalar = None
    less_than_or_equal: Scalar = None

    def shorthands(self) -> list[tuple[str, Scalar]]:
        """Return the (operator, value) pairs written in shorthand form."""
        names = type(self).model_fields
        return [
            (names[f].alias or f, getattr(self, f))
            for f in self.model_fields_set
            if f not in ("field", "operator", "value", "message", "action", "fires", "name",
                         "when", "or_")
        ]

    def resolved(self) -> tuple[str | None, Scalar]:
        """Return the canonical (operator, value), or (None, None) when ambiguous."""
        short = self.shorthands()
        if self.operator is not None and not short:
            op = ALIASES.get(self.operator, self.operator)
            return op, self.value
        if self.operator is None and len(short) == 1:
            op, value = short[0]
            return ALIASES.get(op, op), value
        return None, None


class Fires(Model):
    """When an admission rule fires besides admission."""

    reconcile: Bool | None = None


class Rule(Condition):
    """An admission rule: a condition with a message and an action."""

    name: Str | None = None
    message: Str | None = None
    action: Str | None = None
    fires: Fires | None = None
    when: tuple[Condition, ...] | None = None
    or_: tuple[Condition, ...] | None = Field(None, alias="or")


class RuleSet(Model):
    """A list of admission rules."""

    rules: tuple[Rule, ...] = ()


class Admission(Model):
    """Validation and mutation rules evaluated before a CR is reconciled."""

    validation: RuleSet | None = None
    mutation: RuleSet | None = None


class StatusField(Model):
    """One status field: a path in the CR's status and the template computing it."""

    path: Str
    value: Scalar = None
    when: tuple[Condition, ...] | None = None
    or_: tuple[Condition, ...] | None = Field(None, alias="or")


class StatusBlock(Model):
    """The ``status`` block: fields computed in order, later ones win."""

    fields: tuple[StatusField, ...] = ()
