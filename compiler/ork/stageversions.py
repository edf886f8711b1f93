"""The version of each stage's meaning: bump one when its output for the same input changes.

Stage keys include it (ork.pipeline), and so does the fast path's key (ork.fastpath), so a
cache written by an older meaning is never served. Kept in a module of its own, importing
nothing, because the fast path must stay cheap to import.
"""

STAGE_VERSIONS = {"fetch": 2, "merge": 14, "validate": 8, "render": 4}
