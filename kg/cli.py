"""The `kg` command: a click group, each command a few lines over the library."""

from __future__ import annotations

import logging
import re
import sys
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from kg import __version__

if TYPE_CHECKING:
    from kg.io import Skipped

log = logging.getLogger("kg")

# what a terminal would act on: C0 and C1 controls but tab and newline (ANSI and OSC
# escapes start with them), and the lone surrogates that stand for undecodable bytes
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    if 0xDC80 <= c <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{c - 0xDC00:02x}"
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def _shown(text: str) -> str:
    """Text as it may be printed on a terminal: control characters (escape sequences in
    a file name) and undecodable bytes written as \\xNN instead of acted on."""
    return _CONTROL.sub(_escape, text)


class _ShownFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return _shown(super().format(record))


def _samples_dir() -> Path:
    return Path(str(resources.files("kg").joinpath("samples")))


class KgError(click.ClickException):
    """A user error (bad input, unreadable graph, bad query, unwritable output): shown
    as one `kg: error: ...` line (a parser's multi-line diagnostics joined); exit
    status 2."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(" ".join(message.split()))
        # click declares exit_code on the class; this error carries its own
        setattr(self, "exit_code", exit_code)  # noqa: B010

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"kg: error: {_shown(self.format_message())}", file=file, err=True)


class _Group(click.Group):
    """The error boundary of every command. kg's own exceptions (any class defined in
    kg: kg.io.InputError, kg.query.QueryError, ...), OS errors and click's plain
    ClickException become one `kg: error:` line and exit status 2. Anything else is a
    bug: one line and exit status 1, or the traceback with -v."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (KgError, click.exceptions.Exit, click.Abort):
            raise
        except click.ClickException as e:
            if type(e) is not click.ClickException:  # usage errors keep click's form
                raise
            raise KgError(e.format_message()) from e
        except BrokenPipeError:  # `kg query ... | head`: stop quietly
            _silence_stdout()
            sys.exit(1)
        except Exception as e:
            if _is_kg_error(e) or isinstance(e, OSError):
                raise KgError(_error_message(e)) from e
            if ctx.params.get("verbose"):
                raise
            first = (str(e).strip().splitlines() or [""])[0]
            raise KgError(f"internal error: {type(e).__name__}: {first} "
                          "(run kg -v ... for the traceback)", exit_code=1) from e


def _is_kg_error(e: Exception) -> bool:
    return any(c.__module__ == "kg" or c.__module__.startswith("kg.") for c in type(e).__mro__)


def _error_message(e: Exception) -> str:
    if isinstance(e, OSError) and e.strerror and not _is_kg_error(e):
        return f"{e.filename}: {e.strerror}" if e.filename else e.strerror
    return str(e)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush does not fail."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (tests)
        pass


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def cli(verbose: int) -> None:
    """Turn Chinese local-government news pages into a knowledge graph.

    \b
    kg build PAGES... -o DIR            extract a graph (Turtle + HTML) from .txt pages
    kg query GRAPH 'SELECT ...'         ask the graph a SPARQL question
    kg query GRAPH --list               the ready-made (named) questions
    kg query GRAPH --named people       ask one of them
    kg validate GRAPH                   check the graph against the SHACL shapes
    kg stats GRAPH                      counts, most connected entities, programmes
    """
    level = logging.WARNING - 10 * verbose
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_ShownFormatter("kg: %(levelname)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True,
              help="Folder for the graph files and graph.html.")
@click.option("--city", callback=lambda ctx, param, value: _city(value),
              help="Home city of the pages (e.g. 漯河), a city of the gazetteer; inferred per "
                   "page when absent.")
@click.option("-f", "--format", "formats", default="ttl", show_default=True,
              callback=lambda ctx, param, value: _export_formats(value),
              help="Graph files to write, comma-separated, from ttl,nt,jsonld,trig,graphml "
                   "(trig: one named graph per article). graph.html is always written.")
@click.option("-j", "--jobs", type=click.IntRange(1), default=None,
              help="Processes (dask: workers of a local cluster) extracting pages and "
                   "resolving their articles [default: all cores].")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Where extraction and resolution run: local processes, or "
                   "dask.distributed.")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --engine dask: the scheduler to use (e.g. tcp://host:8786); workers "
                   "must see the input paths. Without it a local cluster is started.")
@click.option("--store", metavar="oxigraph:DIR",
              help="Also keep the pages and the graph in a persistent store in DIR "
                   "(kg query oxigraph:DIR reads it).")
@click.option("--update", is_flag=True,
              help="With --store: bring the store up to date instead of starting afresh: "
                   "PATHS and changed files are read, the pages of deleted files dropped, "
                   "unchanged files not read again (the result equals a fresh build).")
@click.option("--meta", "meta", type=click.Path(dir_okay=False, path_type=Path),
              metavar="FILE",
              help="A manifest of the pages (CSV or TSV with a header): file (a path relative "
                   "to FILE, or a base name) and any of published or date (YYYY-MM-DD, "
                   "YYYY-MM or YYYY), title, url, site.")
def build(paths: tuple[Path, ...], out_dir: Path, city: str | None, formats: list[str],
          jobs: int | None, engine: str, scheduler: str | None, store: str | None,
          update: bool, meta: Path | None) -> None:
    """Extract a knowledge graph from PATHS (files or folders, searched recursively
    for .txt pages, saved web pages .html/.htm, and JSON Lines .jsonl or CSV .csv
    corpora of one article per record: text, and any of id, published or date, title,
    url, site). With no PATHS, builds the bundled sample pages.

    Publication dates come from the corpus (--meta, the records, the web pages' own
    metadata), else from a header line of the text (时间:2013-05-31) or the path.

    Writes OUT/graph.ttl (and the other --format files) and OUT/graph.html and prints
    a summary. Each output is replaced atomically: an interrupted build leaves the
    previous one whole. Inputs that cannot be read (missing, empty, binary, not text
    in any known encoding) are skipped with a warning naming them, listed at the end,
    and the rest is built.

    \b
    Exit status:
      0  every input was built
      3  some inputs were skipped; the outputs hold the rest
      2  nothing could be built (every input skipped, or no .txt page found):
         nothing is written and previous outputs stay as they were; also other
         errors such as an output that cannot be written
      1  an internal error (kg -v build ... shows the traceback)"""
    from kg.io import InputError
    from kg.pipeline import build_graph, write_outputs
    from kg.store import StoreError

    sources = list(paths) or ([] if update else [_samples_dir()])
    try:
        with click.progressbar(length=1, label="reading pages", file=sys.stderr,
                               show_pos=True) as bar:
            def progress(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            result = build_graph(sources, city=city, progress=progress, jobs=jobs, engine=engine,
                                 scheduler=scheduler, store=store, update=update, meta=meta)
        if not result.pages:
            raise InputError(_nothing_built(result.skipped))
        written, counts = write_outputs(result, out_dir, formats)
    except (StoreError, ValueError) as e:
        raise click.ClickException(str(e)) from e
    click.echo(_shown(f"wrote {', '.join(map(str, written[:-1]))} and {written[-1]}"))
    click.echo("  ".join(f"{k}: {v}" for k, v in counts.items()))
    if store:
        changes = (f" ({result.new_files} files added, {result.replaced} replaced, "
                   f"{result.removed} removed)" if update else "")
        click.echo(_shown(f"store {store}: {len(result.pages)} pages, "
                          f"{result.added} extracted by this build{changes}"))
    if result.skipped:
        click.echo(f"kg: {len(result.skipped)} input(s) skipped; the graph holds the rest:",
                   err=True)
        for s in result.skipped:
            click.echo(_shown(f"skipped {s.path}: {s.reason}"), err=True)
        sys.exit(3)


def _nothing_built(skipped: list[Skipped]) -> str:
    """The error of a build that read no page (exit status 2, nothing written); more
    than one skipped input are listed first."""
    if not skipped:
        return "no page (.txt, .html, .jsonl, .csv) found; nothing written"
    if len(skipped) == 1:
        return f"{skipped[0].path}: {skipped[0].reason}; nothing written"
    for s in skipped:
        click.echo(_shown(f"skipped {s.path}: {s.reason}"), err=True)
    return f"all {len(skipped)} inputs were skipped (listed above); nothing written"


def _city(value: str | None) -> str | None:
    from kg.hierarchy import check_city

    if value is None:
        return None
    try:
        return check_city(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from e


def _export_formats(value: str) -> list[str]:
    from kg.io import ExportError, parse_formats

    try:
        return parse_formats(value)
    except ExportError as e:
        raise click.BadParameter(str(e)) from e


_QUERY_FORMATS = ("table", "csv", "tsv", "json")  # = kg.query.FORMATS, without importing rdflib


def _graph_error(e: Exception) -> click.ClickException:
    return KgError(str(e))


@cli.command()
@click.argument("graph", required=False, type=click.Path(path_type=Path))
@click.argument("sparql", required=False, metavar="[QUERY]")
@click.option("--format", "fmt", type=click.Choice(_QUERY_FORMATS), default="table",
              show_default=True,
              help="table: aligned columns (long cells cut); csv, tsv: W3C SPARQL results CSV/TSV; "
                   "json: W3C SPARQL 1.1 results JSON.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@click.option("-n", "--named", metavar="NAME", help="Run the named query NAME (see --list).")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the named query (repeatable), e.g. --param person=张三.")
@click.option("--allow-service", is_flag=True,
              help="Allow SERVICE and FROM, which make the query fetch data over the network.")
@click.option("--timeout", type=click.FloatRange(0), default=120, show_default=True,
              metavar="SECONDS",
              help="Stop the query after this many seconds (0: no limit). Rows are printed "
                   "as they come; Ctrl-C stops a query at once.")
def query(graph: Path | None, sparql: str | None, fmt: str, list_queries: bool,
          named: str | None, params: tuple[str, ...], allow_service: bool,
          timeout: float) -> None:
    """Ask GRAPH (a .ttl, .nt, .jsonld or .trig file) a SPARQL question.

    QUERY is SPARQL text, a path to a .rq file, or - for standard input. The prefixes
    kgo kgr org foaf prov skos schema rdfs rdf xsd owl are predeclared.

    \b
    kg query out/graph.ttl 'SELECT ?n WHERE { ?p a foaf:Person ; rdfs:label ?n }'
    kg query out/graph.ttl my-question.rq --format csv
    kg query --list
    kg query out/graph.ttl --named positions --param person=张三
    """
    from kg.guard import Request, run_guarded
    from kg.query import QueryError, get_named, list_named, prepare

    if list_queries:
        rows = [(q.name, " ".join(f"[{p}=…]" if p in q.optional else f"{p}=…"
                                  for p in q.param_names), q.description)
                for q in list_named()]
        wn = max(len(r[0]) for r in rows)
        wp = max(len(r[1]) for r in rows)
        for name, ps, desc in rows:
            click.echo(f"{name:<{wn}}  {ps:<{wp}}  {desc}".rstrip())
        return
    if graph is None:
        raise click.UsageError("missing GRAPH (a graph file written by kg build)")
    if named and sparql:
        raise click.UsageError("give either QUERY or --named NAME, not both")
    if not named and not sparql:
        raise click.UsageError("missing QUERY (SPARQL text or a .rq file), or use --named NAME")
    if params and not named:
        raise click.UsageError("--param goes with --named")
    try:
        values = dict(_param(p) for p in params)
        if named:
            get_named(named)  # an unknown name fails before the graph is read
            req = Request(str(graph), named=named, params=values, fmt=fmt,
                          allow_service=allow_service)
        else:
            text = _query_text(sparql or "")
            prepare(text, allow_service)  # a bad query fails before the graph is read
            req = Request(str(graph), text=text, fmt=fmt, allow_service=allow_service)
        run_guarded(req, lambda out: click.echo(out, nl=False), timeout or None)
    except QueryError as e:
        raise click.ClickException(str(e)) from e


def _param(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        from kg.query import QueryError

        raise QueryError(f"--param wants KEY=VALUE, got {text!r}")
    return key.strip(), value


def _query_text(arg: str) -> str:
    """The SPARQL of the QUERY argument: stdin for -, a file's text, or the text itself."""
    from kg.query import QueryError

    if arg == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
        return _utf8(data, "the query on standard input")
    if "\n" in arg or "{" in arg:
        return arg
    p = Path(arg)
    try:
        is_file = p.is_file()
    except OSError:  # a name too long to be a path
        is_file = False
    if is_file:
        return _utf8(p.read_bytes(), f"the query file {_shown(str(p))}")
    if arg.endswith((".rq", ".sparql")):
        raise QueryError(f"no such query file: {arg}")
    return arg


def _utf8(data: bytes | str, what: str) -> str:
    from kg.query import QueryError

    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise QueryError(f"{what} is not UTF-8 text (byte {e.start}); save it as UTF-8") from None


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path))
def validate(graph: Path) -> None:
    """Check GRAPH against the SHACL shapes of the graph contract (ontology/shapes.ttl).

    Prints one line per violation (node, property, message). Exit status: 0 when the
    graph conforms, 1 when it does not, 2 when it cannot be read."""
    from kg.query import QueryError, load
    from kg.validate import validate as check

    try:
        g = load(graph, engine="rdflib")  # pySHACL walks triples: faster in memory
    except QueryError as e:
        raise _graph_error(e) from e
    report = check(g)
    click.echo(report.text(), nl=False)
    sys.exit(0 if report.conforms else 1)


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("--top", default=10, show_default=True, type=click.IntRange(1),
              help="How many entities and programmes to list.")
def stats(graph: Path, top: int) -> None:
    """Summarise GRAPH: entities by type, the most connected entities, programmes by
    reach (articles mentioning them, organizations running them)."""
    from kg.query import QueryError, format_stats, load
    from kg.query import stats as compute

    try:
        click.echo(format_stats(compute(load(graph), top)), nl=False)
    except QueryError as e:
        raise _graph_error(e) from e


_VIZ_TYPES = "person,org,place,program"  # = kg.render.DEFAULT_TYPES, without importing it
_VIZ_MAX_NODES = 250  # = kg.render.DEFAULT_MAX_NODES


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The HTML file to write [default: viz.html beside GRAPH].")
@click.option("--focus", metavar="NAME",
              help="Draw only the entities around NAME (a label, an alias, or an IRI).")
@click.option("--depth", type=click.IntRange(0), default=None,
              help="With --focus: how many relations away from it to go [default: 2].")
@click.option("--types", default=_VIZ_TYPES, show_default=True,
              help="Entity types to draw, comma-separated, from person,org,place,program,article.")
@click.option("--max-nodes", type=click.IntRange(1), default=_VIZ_MAX_NODES, show_default=True,
              help="Draw this many entities at first, the most connected ones; the page's "
                   "search finds every other one and draws it with its neighbours.")
def viz(graph: Path, out: Path | None, focus: str | None, depth: int | None, types: str,
        max_nodes: int) -> None:
    """Draw GRAPH (or a part of it) as one self-contained interactive HTML page.

    \b
    kg viz out/graph.ttl -o all.html
    kg viz out/graph.ttl --focus 韩立新 --depth 2        an official's ego network
    kg viz out/graph.ttl --focus 漯河市委 --types person,org   one organization's tree
    """
    from kg.io import atomic_write
    from kg.query import QueryError, load
    from kg.render import parse_types, to_html

    if depth is not None and focus is None:
        raise click.BadParameter("needs --focus", param_hint="--depth")
    try:
        kinds = parse_types(types)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--types") from e
    try:
        g = load(graph, engine="rdflib")  # the drawing walks triples
    except QueryError as e:
        raise _graph_error(e) from e
    try:
        page = to_html(g, focus=focus, depth=2 if depth is None else depth, types=kinds,
                       max_nodes=max_nodes)
    except LookupError as e:
        raise KgError(f"--focus: {e.args[0] if e.args else e}") from e
    out = out or graph.parent / "viz.html"
    atomic_write(out, page)
    click.echo(f"wrote {out}")


@cli.command()
@click.argument("graph")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default answers this machine only.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True,
              help="Seconds a /sparql query may run before it is stopped.")
@click.option("--max-rows", type=click.IntRange(1), default=10000, show_default=True,
              help="Rows (or triples) a /sparql answer holds at most.")
def serve(graph: str, port: int, host: str, timeout: float, max_rows: int) -> None:
    """Serve GRAPH (a graph file or oxigraph:DIR): a read-only SPARQL 1.1 endpoint at
    /sparql and an explorer at / (search, open, expand entities).

    \b
    kg serve out/graph.ttl               then open http://127.0.0.1:8000/
    kg serve oxigraph:store --port 9000
    """
    from kg.query import QueryError
    from kg.serve import serve as run

    try:
        run(graph, host=host, port=port, timeout=timeout, max_rows=max_rows)
    except QueryError as e:
        raise _graph_error(e) from e


def main() -> None:
    """The `kg` console script. Errors become `kg: error:` lines in the group's error
    boundary (_Group.invoke), so CliRunner tests see the same behaviour."""
    cli(prog_name="kg")


if __name__ == "__main__":
    main()
