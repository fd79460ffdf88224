"""``kata``: the learner's command line.

kata status                  every kata: done, wrong or todo, and what to do next
kata check chapter1          run a chapter's (or one kata's) tests, failures explained
kata hint normalize          one more hint each time
kata compare normalize       your function against the reference on the same inputs
kata train cnn               train your network on MNIST and draw the pictures
kata data download           fetch MNIST and Fashion-MNIST (verify, where)
kata reset normalize         put the stub back
kata watch [chapter1]        re-run on every save
kata doctor                  Python, NumPy, BLAS threads, data, speed: what to fix
"""

from __future__ import annotations

import argparse
import difflib
import importlib.metadata
import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from . import data, hints, reset, runner, spec, status, watch
from . import train as training
from .limits import TimeLimitExceeded
from .runs import RUNS
from .status import relative
from .trees import PROJECT_ROOT, Kata, chapters, find_kata, katas

COLORS = {"done": "32", "wrong": "31", "todo": "33", "skipped": "36"}
MAX_FAILURES_SHOWN = 3


class LearnerCodeError(Exception):
    """The learner's code failed (not a mistake on the command line): exit 1 with a message."""


# --- Naming katas and chapters --------------------------------------------------------------


def resolve(name: str) -> list[Kata]:
    """The katas a name stands for: a chapter (``chapter1`` or ``1``) or one kata
    (``chapter1.normalize`` or ``normalize``). Raises ``LookupError`` with suggestions."""
    chapter = f"chapter{name}" if name.isdigit() else name
    if chapter in chapters():
        return katas(chapter)
    try:
        return [find_kata(name)]
    except LookupError as error:
        if "ambiguous" in str(error):
            raise
    every = chapters() + [kata.qualname for kata in katas()] + [kata.name for kata in katas()]
    close = difflib.get_close_matches(name, every, n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else f"; chapters: {', '.join(chapters())}"
    raise LookupError(f"no chapter or kata named {name!r}{hint}")


def resolve_kata(name: str) -> Kata:
    """One kata by name (a chapter is not accepted)."""
    found = resolve(name)
    if len(found) != 1 or name.removeprefix("chapter").isdigit():
        raise LookupError(f"{name!r} is a chapter; name one of its katas, e.g. {found[0].qualname}")
    return found[0]


# --- Output --------------------------------------------------------------------------------


def paint(text: str, status_name: str) -> str:
    """``text`` in the status's color when writing to a terminal (and NO_COLOR is not set)."""
    if status_name not in COLORS or os.environ.get("NO_COLOR") or not sys.stdout.isatty():
        return text
    return f"\033[{COLORS[status_name]}m{text}\033[0m"


def describe_detail(entry: status.KataStatus) -> str:
    """What a status's detail means to the learner, in a few words."""
    if entry.status == "todo" and entry.detail:
        needed = status.kata_for_function(entry.detail)
        name = needed.qualname if needed else entry.detail
        return f"needs {name} (still a stub)" if needed != entry.kata else ""
    if entry.status == "wrong" and "::" in entry.detail:
        return f"fails {entry.detail.split('::', 1)[1]}"
    return entry.detail


def print_status(entries: list[status.KataStatus]) -> None:
    width = max(len(entry.kata.name) for entry in entries)
    for chapter in dict.fromkeys(entry.kata.chapter for entry in entries):
        rows = [entry for entry in entries if entry.kata.chapter == chapter]
        counts = {name: sum(entry.status == name for entry in rows) for name in COLORS}
        summary = "  ".join(f"{count} {name}" for name, count in counts.items() if count or name != "skipped")
        print(f"{status.chapter_title(chapter)}   {summary}")
        for entry in rows:
            label = paint(f"{entry.status:<7}", entry.status)
            detail = describe_detail(entry)
            line = f"  {label} {status.section(entry.kata):<5} {entry.kata.name:<{width}}  {detail}"
            print(line.rstrip())
        print()
    done = sum(entry.status == "done" for entry in entries)
    upcoming = next((entry for entry in entries if entry.status in ("wrong", "todo")), None)
    print(f"{done} of {len(entries)} katas done.")
    if upcoming is None:
        print("\n".join(status.all_done_advice(entries)))
        return
    kata = upcoming.kata
    print(f"Next: {kata.qualname} ({upcoming.status}) in {relative(kata.module_path('exercises'))}")
    print(f"  kata check {kata.qualname}     run its tests")
    print(f"  kata hint {kata.qualname}      a hint, one more each time")


def print_failures(failures: list[dict[str, str]]) -> None:
    by_kata: dict[str, list[dict[str, str]]] = {}
    for failure in failures:
        by_kata.setdefault(failure["kata"], []).append(failure)
    for name, kata_failures in by_kata.items():
        kata = find_kata(name)
        for failure in kata_failures[:MAX_FAILURES_SHOWN]:
            test = failure["nodeid"].split("::", 1)[-1]
            print(
                paint(f"FAILED {name}", "wrong")
                + f"  {test}"
                + (f" ({failure['when']})" if failure["when"] != "call" else "")
            )
            for line in failure["message"].strip().splitlines():
                print(f"    {line}")
            if failure["where"]:
                print(f"  at {failure['where']}")
            lines = spec.relevant_lines(kata, failure["message"], failure.get("test", ""), failure.get("doc", ""))
            print("  spec: " + lines[0])
            for line in lines[1:]:
                print(f"        {line}")
            print()
        if len(kata_failures) > MAX_FAILURES_SHOWN:
            more = len(kata_failures) - MAX_FAILURES_SHOWN
            print(f"  ... and {more} more failing tests of {name} (kata check {name} --verbose shows them all)\n")


# --- Commands ------------------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    selected = [resolve_chapter(name) for name in args.chapters]
    entries = status.course_status(selected or None, refresh=args.refresh, bar=sys.stderr.isatty())
    print_status(entries)
    return 0


def resolve_chapter(name: str) -> str:
    chapter = f"chapter{name}" if name.isdigit() else name
    if chapter not in chapters():
        close = difflib.get_close_matches(chapter, chapters(), n=1)
        hint = f"; did you mean {close[0]}?" if close else f"; chapters: {', '.join(chapters())}"
        raise LookupError(f"no chapter named {name!r}{hint}")
    return chapter


def cmd_check(args: argparse.Namespace) -> int:
    selected = resolve(args.target)
    states = {kata: status.written_state(kata) for kata in selected}
    to_run = [kata for kata in selected if states[kata] != "stub"]
    if to_run:
        what = "fast tests" if args.fast else "tests (slow ones too: --fast skips them)"
        name = selected[0].qualname if len(selected) == 1 else selected[0].chapter
        print(f"Running the {what} of {name} on exercises/ ...", flush=True)
    run = runner.run_tests(
        to_run, slow=not args.fast, bar=sys.stderr.isatty(), show_output=args.verbose, extra=args.pytest_args
    )
    if run.problem:
        print(run.problem, file=sys.stderr)
        return 2
    print_failures(run.failures)
    entries = [status.combine(kata, states[kata], run.statuses.get(kata.qualname)) for kata in selected]
    for entry in entries:
        print(f"  {paint(f'{entry.status:<7}', entry.status)} {entry.kata.qualname}  {describe_detail(entry)}".rstrip())
    done = sum(entry.status == "done" for entry in entries)
    print(f"{done} of {len(entries)} done" + (f"; {run.counts()}" if run.counts() else ""))
    todo = next((entry for entry in entries if entry.status == "todo"), None)
    if todo is not None:
        needed = status.kata_for_function(todo.detail) if todo.detail else None
        print(f"kata hint {(needed or todo.kata).qualname} gives a hint for the first todo kata.")
    return 0 if done == len(entries) else 1


def cmd_hint(args: argparse.Namespace) -> int:
    if args.reset:
        kata = resolve_kata(args.kata) if args.kata else None
        hints.reset_hints(kata)
        print(f"Hints start over for {kata.qualname if kata else 'every kata'}.")
        return 0
    if not args.kata:
        raise LookupError("name a kata, e.g. kata hint chapter1.normalize")
    kata = resolve_kata(args.kata)
    shown = hints.next_hint(kata)
    width = min(shutil.get_terminal_size().columns, 100)
    print(f"{kata.qualname}: hint {shown.shown} of {len(shown.hints)}")
    for number, text in enumerate(shown.hints[: shown.shown], start=1):
        print(textwrap.fill(text, width, initial_indent=f"  {number}. ", subsequent_indent="     "))
    if shown.last:
        print(
            f"That was the last hint. kata compare {kata.qualname} shows how your result differs; "
            f"{relative(kata.module_path('reference'))} holds a solution."
        )
    else:
        print(f"kata hint {kata.qualname} again shows the next one.")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from . import (
        compare as comparing,
    )  # here, not at the top: it imports matplotlib, which every command would wait for

    kata = resolve_kata(args.kata)
    try:
        result = comparing.compare(kata, seed=args.seed)
    except comparing.StubReachedError as todo:
        needed = status.kata_for_function(todo.stub)
        name = needed.qualname if needed else todo.stub
        raise LearnerCodeError(f"todo: {todo.stub} - implement it first (kata hint {name})") from None
    except comparing.LearnerError as failure:  # say what and where, without a traceback
        raise LearnerCodeError(learner_error(kata, failure.error)) from None
    print(f"{kata.qualname} on seeded example inputs (seed {args.seed}):")
    for name, value in result.inputs:
        print(f"  {name} = {comparing.describe(value)}")
    print()
    width = max(len(leaf.path) for leaf in result.leaves) if result.leaves else 6
    print(f"  {'':<{width}}  {'yours':<28}  reference")
    for leaf in result.leaves:
        print(f"  {leaf.path:<{width}}  {comparing.describe(leaf.yours):<28}  {comparing.describe(leaf.reference)}")
        verdict = leaf.verdict()
        measured = leaf.measured() if verdict != "different shapes" else ""
        print(f"  {'':<{width}}  {measured}{paint(verdict, 'done' if verdict == 'same' else 'wrong')}")
    for who, call in (("yours", result.yours), ("reference", result.reference)):
        for warning in call.warnings:
            print(f"  {who} warned: {warning}")
        for argument in call.modified:
            print(f"  {who} modified {argument} in place")
    print(f"\n  {result.time_line()}")
    if not result.same and result.draws_random_numbers:
        print("  This kata draws random numbers: the values match only if you draw them as the docstring says.")
    return 0 if result.same else 1


def learner_error(kata: Kata, error: BaseException) -> str:
    """A one-paragraph account of an exception raised by the learner's code: what and where."""
    where = training.learner_location(error)
    if isinstance(error, TimeLimitExceeded):  # an endless loop, stopped where it was
        return f"wrong: your {kata.qualname} {error} on the example inputs{f', at {where}' if where else ''}"
    raised = f"your {kata.qualname} raised {type(error).__name__}: {error}{f' at {where}' if where else ''}"
    return f"{raised}\n(kata check {kata.qualname} runs its tests)"


def cmd_train(args: argparse.Namespace) -> int:
    settings = {"impl": args.impl, "dataset": args.dataset, "seed": args.seed, "lr": args.lr,
                "momentum": args.momentum, "batch_size": args.batch_size, "limit": args.limit}  # fmt: skip
    given = {name: value for name, value in settings.items() if value is not None}
    if args.epochs < 1:
        raise ValueError(f"--epochs must be at least 1; got {args.epochs}")
    if args.resume is not None:
        if given:
            options = ", ".join(f"--{name.replace('_', '-')}" for name in given)
            raise ValueError(f"a resumed run keeps its settings; leave out {options}")
        folder = training.latest_run(args.net, args.runs) if args.resume == "latest" else Path(args.resume)
        run = training.load_run(folder)
        if run.config.net != args.net:
            raise ValueError(f"{relative(folder)} is a run of {run.config.net}, not {args.net}")
    else:
        run = None
    config = run.config if run else training.Config(net=args.net, **given)
    training.check_machine_options(run.folder if run else args.runs, args.threads)
    training.pin_blas_threads(args.threads)
    network = training.NETWORKS[config.net]
    dataset = training.load_data(config)
    print(f"Training {config.net} ({network.title}) from {config.impl}/ on {data.DATASETS[config.dataset].title}: "
          f"{len(dataset.X_train):,} training and {len(dataset.X_test):,} test images")  # fmt: skip
    threads = f"{args.threads} BLAS thread{'s' if args.threads != 1 else ''}" if args.threads else "BLAS's own threads"
    print(f"lr {config.lr}, momentum {config.momentum}, batch size {config.batch_size}, seed {config.seed}, float32, "
          f"{threads}")  # fmt: skip
    from . import doctor  # a quick calibration: three reference CNN steps

    if note := doctor.machine_note():
        print(note)
    try:
        if run is None:
            run = training.new_run(config, args.runs)
        training.check_katas(run, dataset.X_train, np.asarray(dataset.y_train, dtype=np.int64))
        print(
            f"run folder: {relative(run.folder)}" + (f" (resuming after epoch {len(run.epochs)})" if run.epochs else "")
        )
        training.train(run, dataset, args.epochs, progress=sys.stderr.isatty())
    except training.TrainingError as error:
        raise LearnerCodeError(str(error)) from None
    except Exception as error:  # the learner's code failed mid-run: say where, without a traceback
        where = training.learner_location(error)
        if not where:
            raise
        raise LearnerCodeError(f"{type(error).__name__}: {error}\n  at {where}") from None
    finally:
        if run is not None and run.epochs:
            print_run_files(run)
    return 0


def print_run_files(run: training.Run) -> None:
    folder = relative(run.folder)
    pictures = sorted(path.name for path in run.folder.glob("*.png"))
    print(f"Pictures in {folder}/: {', '.join(pictures)}")
    print(f"Metrics: {folder}/metrics.json; parameters: {folder}/params.npz")
    print(f"Continue training: kata train {run.config.net} --resume {folder}")


def cmd_data(args: argparse.Namespace) -> int:
    if args.named:
        raise LookupError(f"name the dataset with --dataset: kata data {args.action} --dataset {args.named[0]}")
    names = [args.dataset] if args.dataset else list(data.DATASETS)
    if args.action == "where":
        print(f"cache:  {data.cache_dir()}" + ("  (KATA_DATA_DIR)" if os.environ.get("KATA_DATA_DIR") else ""))
        print(f"mirror: {data.user_mirror() or '(none; set KATA_DATA_MIRROR to a folder or URL)'}")
        for name in names:
            print(f"  {name}: {data.cache_dir() / name}")
        return 0
    if args.action == "download":
        for name in names:
            paths = data.fetch(name, progress=sys.stderr.isatty())
            print(f"{name}: {len(paths)} files ok in {data.cache_dir() / name}")
        return 0
    bad = 0
    for name in names:
        for file, verdict in data.verify(name).items():
            bad += verdict != "ok"
            print(f"  {paint(f'{verdict:<8}', 'done' if verdict == 'ok' else 'wrong')} {name}/{file}")
    if bad:
        print("kata data download fetches what is missing or corrupt.")
    return 1 if bad else 0


def cmd_reset(args: argparse.Namespace) -> int:
    kata = resolve_kata(args.kata)
    path = relative(kata.module_path("exercises"))
    if status.written_state(kata) == "stub":
        print(f"{kata.qualname} is already the stub in {path}; nothing to reset.")
        return 0
    if not args.yes:
        answer = input(f"Replace your {kata.name} in {path} by the stub (a copy of yours is kept)? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing changed.")
            return 1
    backup = reset.reset(kata)
    print(f"{kata.qualname} is the stub again in {path}." + (f" Your code: {relative(backup)}" if backup else ""))
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from . import doctor

    return doctor.main(calibrate=not args.no_calibration)


def cmd_watch(args: argparse.Namespace) -> int:
    if args.target:
        resolve(args.target)  # a wrong name fails now, not on the first save
    check_args = argparse.Namespace(target=args.target, fast=True, verbose=False, pytest_args=[])
    status_args = argparse.Namespace(chapters=[], refresh=False)

    def run_once(changed: list[Path]) -> None:
        if sys.stdout.isatty():
            print("\033[2J\033[H", end="")
        if changed:
            print("changed: " + ", ".join(relative(path) for path in changed[:5]) + "\n")
        try:
            cmd_check(check_args) if args.target else cmd_status(status_args)
        except (LookupError, ValueError, runner.PytestError) as error:
            print(f"kata: {error}", file=sys.stderr)
        print("\nWatching exercises/ for changes (Ctrl-C to stop) ...", flush=True)

    try:
        watch.watch(PROJECT_ROOT / "exercises", run_once, interval=args.interval, max_runs=args.max_runs)
    except KeyboardInterrupt:
        print("\nStopped watching.")
    return 0


# --- The parser ----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kata",
        description=(__doc__ or "").split("\n\n")[0].replace("``", ""),
        epilog=(__doc__ or "").split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"kata {_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    command = commands.add_parser("status", help="every kata: done, wrong or todo, and the next one")
    command.add_argument("chapters", nargs="*", metavar="CHAPTER", help="only these chapters (default: all)")
    command.add_argument("--refresh", action="store_true", help="re-run the tests instead of using cached results")
    command.set_defaults(run=cmd_status)

    command = commands.add_parser(
        "check",
        help="run a chapter's or a kata's tests on your code",
        epilog="Options after -- go to pytest, e.g. kata check chapter1 -- -x",
    )
    command.add_argument("target", metavar="CHAPTER|KATA", help="e.g. chapter1, 1, chapter1.normalize, normalize")
    command.add_argument("--fast", action="store_true", help="skip the slow tests (MNIST training, timings)")
    command.add_argument("-v", "--verbose", action="store_true", help="show pytest's own output too")
    command.set_defaults(run=cmd_check)

    command = commands.add_parser("hint", help="one more hint for a kata each time")
    command.add_argument("kata", nargs="?", help="e.g. chapter1.normalize or normalize")
    command.add_argument(
        "--reset", action="store_true", help="start the kata's hints over (every kata's without a name)"
    )
    command.set_defaults(run=cmd_hint)

    command = commands.add_parser("compare", help="your function against the reference on the same inputs")
    command.add_argument("kata", help="e.g. chapter1.normalize or normalize")
    command.add_argument("--seed", type=int, default=0, help="seed of the example inputs (default 0)")
    command.set_defaults(run=cmd_compare)

    command = commands.add_parser("train", help="train your MLP or CNN on MNIST and draw what it learned")
    command.add_argument("net", choices=tuple(training.NETWORKS), help="the network to train")
    command.add_argument("--impl", choices=("exercises", "reference"), help="whose katas (default: exercises)")
    command.add_argument("--dataset", choices=tuple(data.DATASETS), help="default: mnist")
    command.add_argument("--epochs", type=int, default=1, help="epochs to train (more epochs with --resume)")
    command.add_argument("--seed", type=int, help="seed of the initialization and the shuffling (default 0)")
    command.add_argument("--lr", type=float,
                         help="starting learning rate, falling linearly to a tenth of it over the epochs "
                              "(default: 0.1 for the MLPs, 0.05 for the CNN)")  # fmt: skip
    command.add_argument("--momentum", type=float, help="momentum coefficient mu (default 0.9)")
    command.add_argument("--batch-size", type=int, help="default: 64 for the MLPs, 32 for the CNN")
    command.add_argument("--limit", type=int, help="train and test on the first N images only (a quick try)")
    command.add_argument("--resume", nargs="?", const="latest", metavar="RUN",
                         help="continue a run folder (default: the latest run of this network)")  # fmt: skip
    command.add_argument("--runs", type=Path, default=RUNS, help="where run folders go (default: runs/)")
    command.add_argument("--threads", type=int, default=1,
                         help="NumPy's BLAS threads (default 1, as in the tests: faster on a busy machine; "
                              "0: BLAS's own choice)")  # fmt: skip
    command.set_defaults(run=cmd_train)

    command = commands.add_parser("data", help="download, verify or locate MNIST and Fashion-MNIST")
    command.add_argument("action", choices=("download", "verify", "where"))
    command.add_argument("--dataset", choices=tuple(data.DATASETS), help="only this dataset (default: both)")
    command.add_argument("named", nargs="*", help=argparse.SUPPRESS)  # "kata data download mnist": say --dataset
    command.set_defaults(run=cmd_data)

    command = commands.add_parser("reset", help="put a kata's stub back (your code is kept aside)")
    command.add_argument("kata", help="e.g. chapter1.normalize or normalize")
    command.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    command.set_defaults(run=cmd_reset)

    command = commands.add_parser("watch", help="re-run the status (or a check) every time you save")
    command.add_argument("target", nargs="?", metavar="CHAPTER|KATA", help="check this instead of the status")
    command.add_argument("--interval", type=float, default=0.5, help="seconds between looks at the files")
    command.add_argument("--max-runs", type=int, help="stop after this many runs")
    command.set_defaults(run=cmd_watch)

    command = commands.add_parser("doctor", help="check this machine: Python, NumPy, BLAS threads, data, speed")
    command.add_argument("--no-calibration", action="store_true", help="skip the few seconds of timing")
    command.set_defaults(run=cmd_doctor)
    return parser


def _version() -> str:
    try:
        return importlib.metadata.version("learn-deep-learning-with-numpy")
    except importlib.metadata.PackageNotFoundError:
        return "(not installed: pip install -e .)"


def suggest_command(argv: Sequence[str], parser: argparse.ArgumentParser) -> str | None:
    """A "did you mean" message when the first word is not a command, else None."""
    words = [word for word in argv if not word.startswith("-")]
    if not words:
        return None
    names = list(_subcommands(parser))
    if words[0] in names:
        return None
    close = difflib.get_close_matches(words[0], names, n=1)
    hint = f"did you mean {close[0]}?" if close else f"commands: {', '.join(names)}"
    return f"no command {words[0]!r}; {hint}"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv and not argv[0].startswith("-"):
        problem = suggest_command(argv, parser)
        if problem:
            print(f"kata: {problem}", file=sys.stderr)
            return 2
    to_pytest = argv[argv.index("--") + 1 :] if "--" in argv else []
    args = parser.parse_args(argv[: len(argv) - len(to_pytest) - 1] if "--" in argv else argv)
    if to_pytest and args.command != "check":
        print("kata: only kata check passes options after -- (to pytest)", file=sys.stderr)
        return 2
    args.pytest_args = to_pytest
    handler: Callable[[argparse.Namespace], int] = args.run
    try:
        return handler(args)
    except (KeyError, IndexError):
        raise  # a bug, not a mistake on the command line
    except (LookupError, ValueError, data.DataUnavailableError) as error:
        print(f"kata: {error}", file=sys.stderr)
        return 2
    except (LearnerCodeError, runner.PytestError) as error:
        print(f"kata: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nkata: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        return 1
    except EOFError:
        print("\nkata: no answer; nothing changed", file=sys.stderr)
        return 1
