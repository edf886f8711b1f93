"""The template functions' names and argument counts (docs/templates.md), apart from what
they do (:mod:`ork.templates.functions`).

Every build checks its template strings against this table (:mod:`ork.templates.checks`);
only a template that runs needs the functions themselves, which with Go's printf and the
Kubernetes helpers cost each build's imports ≈ 1.5 ms more.
"""

from __future__ import annotations

Arity = tuple[int, int | None]  # the least and most arguments (None: any number)

DETERMINISTIC: dict[str, Arity] = {
    # Go builtins (and/or are short-circuited by the translator; listed for their arity).
    "and": (1, None), "or": (1, None), "not": (1, 1), "len": (1, 1), "index": (1, None),
    "slice": (1, 3), "print": (0, None), "printf": (1, None), "println": (0, None),
    "eq": (2, None), "ne": (2, 2), "lt": (2, 2), "le": (2, 2), "gt": (2, 2), "ge": (2, 2),
    # Conditional
    "default": (1, 2), "empty": (1, 1), "notEmpty": (1, 1), "coalesce": (0, None),
    "ternary": (3, 3),
    # Strings
    "lower": (1, 1), "upper": (1, 1), "toLower": (1, 1), "toUpper": (1, 1), "title": (1, 1),
    "trim": (1, 1), "trimSpace": (1, 1), "trimPrefix": (2, 2), "trimSuffix": (2, 2),
    "hasPrefix": (2, 2), "hasSuffix": (2, 2), "contains": (2, 2), "replace": (3, 3),
    "split": (2, 2), "join": (2, 2), "repeat": (2, 2), "quote": (0, None),
    "squote": (0, None), "trunc": (2, 2), "camelToKebab": (1, 1), "slugify": (1, 1),
    # Math
    "add": (0, None), "sub": (2, 2), "mul": (0, None), "div": (2, 2), "mod": (2, 2),
    "min": (1, None), "max": (1, None), "abs": (1, 1),
    # Types
    "toString": (1, 1), "toInt": (1, 1), "toFloat": (1, 1), "toBool": (1, 1),
    "typeOf": (1, 1),
    # Data
    "toJson": (1, 1), "toJSON": (1, 1), "fromJson": (1, 1), "toYaml": (1, 1),
    "b64enc": (1, 1), "toBase64": (1, 1), "b64dec": (1, 1), "fromBase64": (1, 1),
    "sha256sum": (1, 1),
    # Maps and lists
    "dict": (0, None), "list": (0, None), "keys": (1, None), "values": (1, 1),
    "hasKey": (2, 2), "pick": (1, None), "omit": (1, None), "first": (1, 1), "last": (1, 1),
    "has": (2, 2),
    # Kubernetes helpers (meaningful at run time, on .children)
    "allReplicasReady": (1, 1), "readyReplicas": (1, 1), "containerImage": (1, 1),
    "jobSucceeded": (1, 1), "jobFailed": (1, 1), "jobActive": (1, 1),
    "hasCondition": (2, 2), "conditionStatus": (2, 2), "phase": (1, 1),
}

# Available only when a CR is reconciled: never while compiling (nondeterministic-at-build).
RUNTIME_ONLY: dict[str, Arity] = {
    "now": (0, 0), "uuidv4": (0, 0), "randAlphaNum": (1, 1),
}
# What a build refuses: the runtime-only functions, and sprig's random ones that ork lacks.
NONDETERMINISTIC: frozenset[str] = frozenset(RUNTIME_ONLY) | {"uuid", "randInt", "randAscii"}
ALL: dict[str, Arity] = {**DETERMINISTIC, **RUNTIME_ONLY}
