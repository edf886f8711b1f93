"""The English plural of a Kubernetes kind, as the API names its resource: one rule set
for the RBAC that render grants and for the names the runtime gives operations."""

from __future__ import annotations

# Kinds the English rules get wrong: the word is already plural.
ALREADY_PLURAL = frozenset({"endpoints"})


def plural(word: str) -> str:
    """Return a kind's plural in the kind's own case (``statefulSet`` → ``statefulSets``,
    ``policy`` → ``policies``, ``endpoints`` unchanged)."""
    if word.lower() in ALREADY_PLURAL:
        return word
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"
