"""The `archivist` command line: index, ask, search, article, stats."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bot import terminal
from bot.errors import ArchivistError
from bot.payloads import answer_payload, article_payload, gaps_payload, hit_payload, stats_payload, timeline_payload
from bot.service import ArchivistService
from bot.settings import ANSWERERS, Settings
from embeddings.dates import parse_date
from embeddings.errors import EmbeddingsError
from embeddings.indexer import ReindexProgress
from embeddings.models import SearchFilters


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 error, 2 usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
        return int(args.handler(args, ArchivistService(settings, on_status=_print_status)) or 0)
    except (ArchivistError, EmbeddingsError) as exc:
        print(f"archivist: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("archivist: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _reader_went_away()


def _reader_went_away() -> int:
    """The output's reader stopped reading (`archivist ask … | head`): end quietly, as a shell tool does.

    Python would print a traceback while flushing stdout at exit; pointing stdout at /dev/null
    lets it exit without one. 141 is what a shell reports for a process ended by SIGPIPE.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141


def _print_status(message: str) -> None:
    """One-off notices (the first ONNX export) on stderr, without breaking a progress bar."""
    from tqdm import tqdm

    tqdm.write(f"archivist: {message}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="archivist", description="Answer questions about a news archive, with citations.",
        epilog="Settings come from ARCHIVIST_* environment variables or a .env file; see the README.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    index = commands.add_parser("index", help="index (or reindex) the archive; only changed articles are re-embedded")
    index.add_argument("path", nargs="?", type=Path, help="archive directory or file (default: ARCHIVIST_ARCHIVE_DIR)")
    index.add_argument("--rebuild", action="store_true",
                       help="re-embed everything (needed after changing the model); the current index keeps "
                            "answering until the rebuild completes")
    index.add_argument("--progress", choices=("auto", "bar", "lines", "none"), default="auto",
                       help="a progress bar (auto: on a terminal), one line per step on stderr (for logs), or none")
    index.add_argument("--quiet", action="store_true", help="no progress display (same as --progress none)")
    index.add_argument("--json", action="store_true", help="print the report as JSON")
    index.set_defaults(handler=_index)

    ask = commands.add_parser("ask", help="answer a question from the archive, with citations")
    ask.add_argument("question", help="the question, in quotes")
    _add_filters(ask)
    _add_answerer(ask)
    ask.add_argument("--explain", action="store_true",
                     help="also show each sentence weighed: the reader's score, the features beside it, and "
                          "why this sentence or this refusal")
    ask.add_argument("--json", action="store_true", help="print the answer as JSON (with --explain: \"considered\")")
    ask.set_defaults(handler=_ask)

    search = commands.add_parser("search", help="ranked articles for a query, with their best passage")
    search.add_argument("query")
    _add_filters(search)
    search.add_argument("--limit", type=int, default=10, help="how many articles (default 10)")
    search.add_argument("--json", action="store_true", help="print the results as JSON")
    search.set_defaults(handler=_search)

    timeline = commands.add_parser("timeline", help="the articles about a topic in date order")
    timeline.add_argument("topic", help='the topic, in quotes ("the HP-Compaq merger")')
    _add_dates(timeline)
    timeline.add_argument("--json", action="store_true", help="print the timeline as JSON")
    timeline.set_defaults(handler=_timeline, tag=[])

    gaps = commands.add_parser("gaps", help="what people asked that the archive could not answer, by topic")
    gaps.add_argument("--days", type=int, default=30, help="how far back (default 30 days)")
    gaps.add_argument("--json", action="store_true", help="print the groups as JSON")
    gaps.set_defaults(handler=_gaps)

    article = commands.add_parser("article", help="show one article by id")
    article.add_argument("id", help="the article id (shown by `archivist search`)")
    article.add_argument("--json", action="store_true", help="print the article as JSON")
    article.set_defaults(handler=_article)

    stats = commands.add_parser("stats", help="what the index holds")
    stats.add_argument("--json", action="store_true", help="print the stats as JSON")
    stats.set_defaults(handler=_stats)

    evaluate = commands.add_parser("eval", help="score answer quality on a questions file against the current index")
    evaluate.add_argument("questions", type=Path, help="JSON Lines of {id, question, article_ids, evidence, kind}")
    evaluate.add_argument("--json", dest="json_path", type=Path, metavar="PATH",
                          help="also write the summary and per-question results to PATH ('-' for stdout)")
    evaluate.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                          help="override a retrieval or answering knob for this run, e.g. w_overlap=0.15 (repeatable)")
    _add_answerer(evaluate)
    evaluate.set_defaults(handler=_evaluate)

    llm = commands.add_parser("llm", help="the language model for composed answers (ARCHIVIST_LLM_URL)")
    llm_commands = llm.add_subparsers(dest="llm_command", required=True, metavar="SUBCOMMAND")
    check = llm_commands.add_parser("check", help="list the endpoint's models, ask one question, report timings")
    check.add_argument("--question", default="What did Alibaba's CEO say about hiring?",
                       help="the question to ask (default: the sample archive's)")
    check.add_argument("--json", action="store_true", help="print the report as JSON")
    check.set_defaults(handler=_llm_check)

    run = commands.add_parser("run", help="connect the Discord bot (needs DISCORD_TOKEN)")
    run.set_defaults(handler=_run)

    sync = commands.add_parser("sync",
                               help="publish the bot's slash commands to Discord (after adding or changing them)")
    sync.add_argument("--guild", type=int, metavar="ID",
                      help="only this server, at once (for testing); default: everywhere")
    sync.add_argument("--clear", action="store_true",
                      help="remove the commands synced to --guild (duplicates left from testing); global ones stay")
    sync.set_defaults(handler=_sync)
    return parser


def _add_dates(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="date_from", type=_date_arg, metavar="DATE",
                        help="only articles on or after DATE")
    parser.add_argument("--to", dest="date_to", type=_date_arg, metavar="DATE", help="only articles on or before DATE")


def _add_filters(parser: argparse.ArgumentParser) -> None:
    _add_dates(parser)
    parser.add_argument("--tag", action="append", default=[], help="only articles with this tag (repeatable)")


def _add_answerer(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--answerer", choices=ANSWERERS, default=None,
                        help="extractive (the archive's sentences) or composed (the language model's words, every "
                             "sentence checked); default: ARCHIVIST_ANSWERER")


def _date_arg(text: str) -> dt.date:
    date = parse_date(text)
    if date is None:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)")
    return date


def _filters(args: argparse.Namespace) -> SearchFilters:
    return SearchFilters(date_from=args.date_from, date_to=args.date_to, tags=tuple(args.tag))


def _print_json(payload: object) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=2))


def _index(args: argparse.Namespace, service: ArchivistService) -> int:
    if args.rebuild:
        print(terminal.rebuild_notice(service.store.info(), service.settings.model), file=sys.stderr)
    mode = "none" if args.quiet else args.progress
    with _progress_display(mode) as progress:
        report = service.reindex(args.path, rebuild=args.rebuild, on_progress=progress)
    if args.json:
        _print_json(json.loads(report.to_json()))
    else:
        print(terminal.render_report(report))
    return 0


@contextmanager
def _progress_display(mode: str) -> Iterator[Callable[[ReindexProgress], None] | None]:
    """A progress callback for the mode: a tqdm bar, one stderr line per event, or nothing."""
    if mode == "none":
        yield None
        return
    if mode == "lines":
        yield lambda event: print(terminal.progress_line(event), file=sys.stderr, flush=True)
        return
    from tqdm import tqdm

    bar = tqdm(total=0, unit="B", unit_scale=True, desc="indexing", file=sys.stderr,
               disable=None if mode == "auto" else False, dynamic_ncols=True)

    def update(event: ReindexProgress) -> None:
        bar.total = event.bytes_total
        bar.n = event.bytes_done
        bar.set_description(event.phase, refresh=False)
        bar.set_postfix(articles=event.articles_seen, embedded=event.chunks_embedded, refresh=False)
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()


def _ask(args: argparse.Namespace, service: ArchivistService) -> int:
    answer = service.ask(args.question, _filters(args), answerer=args.answerer)
    if args.json:
        _print_json(answer_payload(answer, explain=args.explain))
    else:
        print(terminal.render_answer(answer))
        if args.explain:
            print("\n" + terminal.render_explanation(answer))
    return 0


def _search(args: argparse.Namespace, service: ArchivistService) -> int:
    hits = service.search(args.query, _filters(args), limit=max(1, args.limit))
    if args.json:
        _print_json([hit_payload(h) for h in hits])
    else:
        print(terminal.render_hits(hits))
    return 0


def _timeline(args: argparse.Namespace, service: ArchivistService) -> int:
    timeline = service.timeline(args.topic, _filters(args))
    if args.json:
        _print_json(timeline_payload(timeline))
    else:
        print(terminal.render_timeline(timeline))
    return 0


def _gaps(args: argparse.Namespace, service: ArchivistService) -> int:
    from bot.activity import ActivityLog

    days = max(1, args.days)
    activity = ActivityLog.in_data_dir(service.settings.data_dir)
    try:
        groups = service.gaps(activity, days)
    finally:
        activity.close()
    if args.json:
        _print_json(gaps_payload(groups, days))
    else:
        print(terminal.render_gaps(groups, days))
    return 0


def _article(args: argparse.Namespace, service: ArchivistService) -> int:
    article = service.article(args.id)
    if args.json:
        _print_json(article_payload(article))
    else:
        print(terminal.render_article(article))
    return 0


def _stats(args: argparse.Namespace, service: ArchivistService) -> int:
    stats = service.stats()
    if args.json:
        _print_json(stats_payload(stats))
    else:
        print(terminal.render_stats(stats))
    return 0


def _evaluate(args: argparse.Namespace, service: ArchivistService) -> int:
    from tqdm import tqdm

    from bot import evaluation

    if args.set:
        service = ArchivistService(service.settings, tuning=service.tuning.with_overrides(args.set),
                                   on_status=_print_status)
    questions = evaluation.load_questions(args.questions)
    with tqdm(total=len(questions), desc="evaluating", unit="q", file=sys.stderr, disable=None) as bar:
        results = evaluation.run_questions(service, questions, on_progress=lambda done: bar.update(done - bar.n),
                                           answerer=args.answerer)
    report = evaluation.report_json(results)
    if args.json_path and str(args.json_path) == "-":
        _print_json(report)
        return 0
    print(terminal.render_evaluation(report["summary"]))
    if args.json_path:
        args.json_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def _llm_check(args: argparse.Namespace, service: ArchivistService) -> int:
    from bot.llm.check import check_endpoint

    report = check_endpoint(service, args.question)
    if args.json:
        _print_json(report.payload())
    else:
        print(terminal.render_llm_check(report))
    return 0 if report.ok else 1


def _run(args: argparse.Namespace, service: ArchivistService) -> int:
    from bot.discord_app.runner import require_token, run_bot

    require_token(service.settings)  # before anything slow: no token, one line, exit 1
    run_bot(service, service.settings)
    return 0


def _sync(args: argparse.Namespace, service: ArchivistService) -> int:
    from bot.discord_app.runner import sync_commands

    names = sync_commands(service, service.settings, args.guild, clear=args.clear)
    if args.clear:
        print(f"Removed server {args.guild}'s own commands; the global ones stay")
        return 0
    where = f"server {args.guild}" if args.guild else "every server (global commands can take a while to appear)"
    print(f"Synced {len(names)} command(s) to {where}: {', '.join('/' + n for n in names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
