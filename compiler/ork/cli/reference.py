"""The CLI reference in the README, generated from the click commands so it cannot drift."""

from __future__ import annotations

import click

START = "<!-- cli-reference:start -->"
END = "<!-- cli-reference:end -->"


def markdown(group: click.Group) -> str:
    """Return a markdown section per command: usage, help and options."""
    out: list[str] = []
    # With the group's own settings (help_option_names: -h, --help): a bare Context would
    # give "--help", and click caches a command's help option the first time it is made,
    # so the reference would depend on whether the CLI already ran in this process.
    ctx = click.Context(group, info_name="ork", **group.context_settings)
    for path, command, cctx in _walk(group, ctx, "ork"):
        if isinstance(command, click.Group) and not command.invoke_without_command \
                and path != "ork":
            continue
        out.append(f"### `{path}`\n")
        out.append("```\n" + command.get_usage(cctx).replace("Usage: ", "") + "\n```\n")
        if command.help:
            out.append(command.help.split("\n\n")[0].strip() + "\n")
        rows = [p.get_help_record(cctx) for p in command.get_params(cctx) if p.name != "help"]
        if any(rows):
            out.append("| option | |\n| --- | --- |")
            out += [f"| `{_cell(r[0])}` | {_cell(r[1])} |" for r in rows if r is not None]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _walk(command: click.Command, ctx: click.Context,
          path: str) -> list[tuple[str, click.Command, click.Context]]:
    found = [(path, command, ctx)]
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sctx = click.Context(sub, info_name=name, parent=ctx)
            found += _walk(sub, sctx, f"{path} {name}")
    return found


def splice(readme: str, reference: str) -> str:
    """Return the README with the reference between its markers."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{reference}{END}{tail}"
