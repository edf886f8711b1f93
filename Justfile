# The menu. `just --list` shows it; `just check` is what CI runs.
set shell := ["bash", "-euo", "pipefail", "-c"]

python := if path_exists(".venv/bin/python") == "true" { ".venv/bin/python" } else { "python3" }

default:
    @{{just_executable()}} --list

# Create .venv with ork and its development tools, and install the local OCI registry
setup:
    python3 -m venv .venv
    .venv/bin/pip install -q -e '.[dev]'
    scripts/ensure-registry

# Run the test suite (pass pytest arguments, e.g. `just test tests/unit -k lock`)
test *args:
    {{python}} -m pytest {{args}}

# ruff and mypy --strict
lint:
    {{python}} -m ruff check compiler tests
    {{python}} -m mypy

# Everything CI runs: the registry for the integration tests, lint, the whole suite
check:
    scripts/ensure-registry
    {{just_executable()}} lint
    {{python}} -m pytest -q

# Regenerate golden files on purpose; read the diff before committing
golden:
    ORK_UPDATE_GOLDEN=1 {{python}} -m pytest tests/golden -q
    git status --short fixtures

# Regenerate the CLI reference in README.md from the click commands
docs:
    {{python}} scripts/cli-reference

# Benchmarks: writes docs/benchmarks.md
bench:
    {{python}} bench/run.py

# Rebuild the embedded registry from stdlib/
registry:
    {{python}} -m ork registry build stdlib -o registry

# Compile a small example end to end
demo:
    out=$(mktemp -d) && {{python}} -m ork generate bundle -f fixtures/generate/komposer-two-files/komposer.yaml -o "$out/bundle.yaml" --lock "$out/ork.lock" && cat "$out/bundle.yaml"
