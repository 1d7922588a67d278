"""The `kg` command: a click group, each command a few lines over the library."""

from __future__ import annotations

import logging
import sys
from importlib import resources
from pathlib import Path

import click

from kg import __version__

log = logging.getLogger("kg")


def _samples_dir() -> Path:
    return Path(str(resources.files("kg").joinpath("samples")))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def cli(verbose: int) -> None:
    """Turn Chinese local-government news pages into a knowledge graph.

    \b
    kg build PAGES... -o DIR     extract a graph (Turtle + HTML) from .txt pages
    kg query GRAPH 'SELECT ...'  ask the graph a SPARQL question
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=level, format="kg: %(levelname)s: %(message)s", stream=sys.stderr)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Folder for graph.ttl and graph.html.")
@click.option("--city", help="Home city of the pages (e.g. 漯河); inferred per page when absent.")
def build(paths: tuple[Path, ...], out_dir: Path, city: str | None) -> None:
    """Extract a knowledge graph from PATHS (.txt files or folders, searched
    recursively). With no PATHS, builds the bundled sample pages.

    Writes OUT/graph.ttl and OUT/graph.html and prints a summary."""
    from kg.io import atomic_write
    from kg.pipeline import build_graph
    from kg.render import to_html

    sources = list(paths) or [_samples_dir()]
    with click.progressbar(length=1, label="reading pages", file=sys.stderr,
                           show_pos=True) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        result = build_graph(sources, city=city, progress=progress)
    ttl = result.graph.serialize(format="turtle")
    atomic_write(out_dir / "graph.ttl", ttl)
    atomic_write(out_dir / "graph.html", to_html(result.graph))
    counts = result.counts()
    click.echo(f"wrote {out_dir / 'graph.ttl'} and {out_dir / 'graph.html'}")
    click.echo("  ".join(f"{k}: {v}" for k, v in counts.items()))
    for s in result.skipped:
        click.echo(f"skipped {s.path}: {s.reason}", err=True)
    if result.skipped:
        sys.exit(3)


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.argument("sparql")
def query(graph: Path, sparql: str) -> None:
    """Run SPARQL text against GRAPH (a Turtle file) and print a table."""
    from kg.query import QueryError, load, run

    try:
        res = run(load(graph), sparql)
    except QueryError as e:
        raise click.ClickException(str(e)) from e
    names = [str(v) for v in res.vars or []]
    rows = [["" if v is None else str(v) for v in row] for row in res]  # type: ignore[union-attr]
    widths = [max([_w(n)] + [_w(r[i]) for r in rows]) for i, n in enumerate(names)]
    click.echo("  ".join(_pad(n, w) for n, w in zip(names, widths)))
    for r in rows:
        click.echo("  ".join(_pad(c, w) for c, w in zip(r, widths)))


def _w(s: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int) -> str:
    return s + " " * (width - _w(s))


def main() -> None:
    cli(prog_name="kg")
