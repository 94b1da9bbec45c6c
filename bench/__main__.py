"""`python -m bench all|seed|ideas|seed-board|board|seed-benefits|benefits|seed-dashboard|dashboard|
seed-report|report|load`; no command: help."""

from __future__ import annotations

import argparse
import sys

from bench import setup_django

RUNS_ALL = 30  # `bench all`: about three minutes on the 2-core VM at load 2–3 (bench/README.md)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Scale data and server-time benchmarks for Nyttig on PostgreSQL "
        "(DATABASE_URL). They print figures; see bench/README.md.",
    )
    commands = parser.add_subparsers(dest="command", metavar="command")
    every = commands.add_parser(
        "all",
        help="every page and action against its floor (a bare view of the same rows), "
        "interleaved, in one table with the ratio (goal: within 2×); what `make bench` runs",
    )
    every.add_argument(
        "--runs", type=int, default=RUNS_ALL, metavar="N", help="timed runs of each page and floor"
    )
    every.add_argument(
        "--only", default="", metavar="TEXT", help="only the rows whose name contains TEXT"
    )
    every.add_argument(
        "--profile", action="store_true", help="also cProfile one request of each page and floor"
    )
    for name in ("seed", "seed-dashboard"):
        seed = commands.add_parser(
            name,
            help="the whole scenario (top-up): 357 municipalities, 100,000 ideas, initiatives "
            "with phase histories (the largest 2,000), meetings, decisions, benefits, "
            "measurements, status reports, maturity data and council reports, by size"
            if name == "seed"
            else "the same as seed (it used to add the dashboard's data to it)",
        )
        seed.add_argument("--organisations", type=int, default=357, metavar="N")
        seed.add_argument("--ideas", type=int, default=100_000, metavar="N")
        seed.add_argument(
            "--initiatives",
            type=int,
            default=2_000,
            metavar="N",
            help="of the largest; the others in proportion to their inhabitants",
        )
    ideas = commands.add_parser(
        "ideas", help="server time and query count of the idea screens at scale"
    )
    ideas.add_argument("--runs", type=int, default=30, metavar="N", help="timed runs per page")
    ideas.add_argument(
        "--explain",
        action="store_true",
        help="also print EXPLAIN ANALYZE of every query slower than 10 ms",
    )
    seed_board = commands.add_parser(
        "seed-board",
        help="top up initiatives on the board: the largest organisation and the next one",
    )
    seed_board.add_argument("--initiatives", type=int, default=2_000, metavar="N")
    seed_board.add_argument(
        "--small", type=int, default=200, metavar="N", help="initiatives of the second largest"
    )
    board = commands.add_parser(
        "board", help="server time and query count of the board, flow figures and card moves"
    )
    board.add_argument("--runs", type=int, default=30, metavar="N", help="timed runs each")
    seed_benefits = commands.add_parser(
        "seed-benefits",
        help="top up benefits, indicators, measurements and status reports of the initiatives",
    )
    seed_benefits.add_argument("--initiatives", type=int, default=2_000, metavar="N")
    seed_benefits.add_argument(
        "--small", type=int, default=200, metavar="N", help="initiatives of the second largest"
    )
    benefits = commands.add_parser(
        "benefits", help="server time and query count of the benefit overview and status pages"
    )
    benefits.add_argument("--runs", type=int, default=30, metavar="N", help="timed runs each")
    dashboard = commands.add_parser(
        "dashboard",
        help="server time and queries of the leaders' dashboard (cold cache) against a bare "
        "view of the same aggregates",
    )
    dashboard.add_argument("--runs", type=int, default=30, metavar="N", help="timed runs each")
    dashboard.add_argument(
        "--profile", action="store_true", help="also cProfile one request of each"
    )
    dashboard.add_argument(
        "--explain",
        action="store_true",
        help="also print EXPLAIN ANALYZE of every query slower than 5 ms",
    )
    dashboard.add_argument(
        "--jit",
        choices=("on", "off"),
        default="on",
        help="PostgreSQL's JIT compilation: as the server has it (on), or SET jit = off",
    )
    seed_report = commands.add_parser(
        "seed-report",
        help="the council report's scenario: 3 organisations, 3,000 ideas, 500 initiatives "
        "with histories, benefits and maturity data in the largest (about a minute)",
    )
    seed_report.add_argument("--initiatives", type=int, default=500, metavar="N")
    report = commands.add_parser(
        "report",
        help="the council report of the largest organisation: gathering against layout, "
        "pages and peak memory, each run in a fresh worker-like process",
    )
    report.add_argument("--runs", type=int, default=3, metavar="N", help="processes, one each")
    report.add_argument("--year", type=int, default=2026, metavar="YYYY")
    report.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    load = commands.add_parser(
        "load",
        help="a load test (locust) against gunicorn with a real Celery worker, in a realistic "
        "mix of users, then the same server's bare view as the ceiling (needs REDIS_URL)",
    )
    load.add_argument("--users", type=int, default=60, metavar="N", help="simulated users")
    load.add_argument("--spawn-rate", type=float, default=20, metavar="N", help="users/s")
    load.add_argument("--seconds", type=int, default=60, metavar="N", help="of each run")
    load.add_argument(
        "--web-workers", type=int, default=5, metavar="N", help="gunicorn sync workers"
    )
    args = parser.parse_args(argv)

    if args.command is None:
        parser.print_help()
        return 0
    setup_django()
    if args.command in {"seed", "seed-dashboard"}:
        from bench.scenario import seed_all

        seed_all(organisations=args.organisations, ideas=args.ideas, largest=args.initiatives)
    elif args.command == "seed-board":
        from bench.board import seed_board

        seed_board(large=args.initiatives, small=args.small)
    elif args.command == "seed-benefits":
        from bench.benefits import seed_benefits

        seed_benefits(large=args.initiatives, small=args.small)
    elif args.command == "seed-report":
        from bench.report import seed_report as seed_report_data

        seed_report_data(initiatives=args.initiatives)
    elif args.command == "report":
        from bench.report import child as report_child
        from bench.report import run as run_report

        if args.child:
            report_child(year=args.year)
        else:
            run_report(runs=max(args.runs, 1), year=args.year)
    elif args.command == "load":
        from bench.load import load as run_load

        run_load(
            users=args.users,
            spawn_rate=args.spawn_rate,
            seconds=args.seconds,
            web_workers=args.web_workers,
        )
    elif args.command == "all":
        from bench.all import run as run_all

        run_all(runs=max(args.runs, 2), only=args.only, profile=args.profile)
    elif args.command == "dashboard":
        from bench.dashboard import run as run_dashboard

        run_dashboard(
            runs=max(args.runs, 2), profile=args.profile, explain=args.explain, jit=args.jit == "on"
        )
    elif args.command == "benefits":
        from bench.benefits import run as run_benefits

        run_benefits(runs=max(args.runs, 2))
    elif args.command == "board":
        from bench.board import run as run_board

        run_board(runs=max(args.runs, 2))
    else:
        from bench.ideas import run

        run(runs=max(args.runs, 2), explain=args.explain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
