"""Every diagnostic code ork can print, by area: the stable names tests and docs use.

A new code is added here (and to ``docs/errors.md``) in the same change that introduces
it; a test checks both lists agree and that every code raised in the sources is listed.
"""

from __future__ import annotations

CODES: dict[str, tuple[str, ...]] = {
    "reading": (
        "yaml-syntax", "not-utf8", "duplicate-key", "yaml-too-complex", "file-too-large",
        "file-not-found", "path-escapes-root", "unsupported-yaml",
    ),
    "shape": (
        "unknown-field", "wrong-type", "missing-field", "unknown-api-version", "unknown-kind",
        "crds-not-a-map", "katalog-imports", "komposer-spec-imports", "motif-imports",
        "helm-not-supported", "unsupported-source", "legacy-shape", "mixed-shape",
        "renamed-field", "invalid-name", "invalid-value", "no-documents", "not-bundleable",
    ),
    "graph": (
        "import-cycle", "duplicate-crd", "duplicate-gvk", "unknown-dependency",
        "dependency-self", "dependency-disabled", "dependency-cycle", "enable-override",
        "conflicting-block", "incomplete-crd", "wrong-import-kind",
    ),
    "values": (
        "invalid-duration", "workers-out-of-range", "invalid-regex", "invalid-operator",
        "crdfile-in-bundle", "gateway-not-generated",
    ),
    "motifs": (
        "missing-input", "unknown-input", "undeclared-input", "duplicate-child",
        "unknown-motif-override", "invalid-input-value",
    ),
    "templates": (
        "template-syntax", "unknown-function", "unsupported-template-syntax",
        "inputs-outside-motif", "nondeterministic-at-build", "wrong-argument-count",
        "template-execution",
    ),
    "sources": (
        "not-found", "digest-mismatch", "registry-auth", "registry-unavailable", "offline-miss",
        "unsafe-layer-title", "floating-tag", "local-import-in-pattern", "invalid-reference",
        "invalid-artifact", "version-mismatch",
    ),
    "lock": ("lock-missing", "lock-stale", "unsupported-lock-version", "invalid-lock"),
    "runtime": ("bundle-tampered", "bundle-lock-mismatch", "invalid-rendered-value",
                "invalid-bundle", "bundle-unverified", "invalid-object", "unknown-cr-kind",
                "duplicate-cr", "object-not-found", "object-exists", "simulation-failed",
                "state-unavailable", "port-in-use", "kube-client-missing",
                "cluster-request-failed"),
    "cli": ("usage", "output-write-failed", "nondeterministic-output", "internal-error"),
}

ALL_CODES: frozenset[str] = frozenset(c for codes in CODES.values() for c in codes)

WARNINGS: frozenset[str] = frozenset(
    {"legacy-shape", "floating-tag", "gateway-not-generated"}
)
