#!/usr/bin/env python3
"""Compares whole `awsgraph` processes on one command, run by run in turn.

    python3 benches/ab.py --runs 15 old=/tmp/aw-old new=target/release/awsgraph \
        -- check --graph /tmp/g1m

Each round runs every binary once, in the order given, so that all of them see the
same minutes of the host; the first binary also runs a second time under the label
`<label>'`, as a control. Reports, per binary, the median and the spread (the middle
half of the runs) of wall time, CPU time (user + system), minor page faults and peak
RSS, read from the kernel's own accounting of each child (`wait4`).

Why the control. This virtual machine's speed changes by a third or more from one
minute to the next (docs/performance.md). On 11-27, two sets of fifteen runs of the
same binary, differing only in a mimalloc option that turned out to have no effect,
had medians 0.74 s and 0.88 s. A difference between two binaries that is not larger
than the difference between the first binary and its control is noise. Page faults
and peak RSS hardly move with the host; they settle questions that wall time cannot.

Why milliseconds. Below a second (a 10k-edge directory, or a one-query session on a
small one) the table is in milliseconds with two decimals: whole milliseconds hid the
0.3 ms a change made there. `--input FILE` feeds each run the file on standard input,
for sessions of piped queries.

Why `--idle`. The machine hands memory its guest has not used for a few seconds back to
its host (Firecracker's free page reporting), and touching it again then costs a fault
in the host too. Runs back to back reuse memory the host still backs, so they measure
a warm machine; `--idle 5` sleeps before every run, as a user's one-off command would
find it. On 11-27 the two gave opposite verdicts on transparent huge pages.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time


def run_once(binary, args, input_path=None):
    stdin = open(input_path, "rb") if input_path else subprocess.DEVNULL
    start = time.perf_counter()
    child = subprocess.Popen(
        [binary, *args], stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(child.pid, 0)
    if input_path:
        stdin.close()
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "sys": usage.ru_stime,
        "faults": usage.ru_minflt,
        # Linux reports ru_maxrss in KiB.
        "rss": usage.ru_maxrss / 1024,
        "code": code,
    }


def spread(values):
    values = sorted(values)
    n = len(values)
    return statistics.median(values), values[n // 4], values[(3 * n - 1) // 4]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="Example: ab.py --runs 15 old=/tmp/aw-old new=target/release/awsgraph "
        "-- check --graph /tmp/g1m",
    )
    parser.add_argument("--runs", type=int, default=10, help="rounds (default 10)")
    parser.add_argument("--no-control", action="store_true", help="skip the A/A control")
    parser.add_argument(
        "--idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="sleep this long before every run, so that each finds the host idle (default 0)",
    )
    parser.add_argument(
        "--input",
        metavar="FILE",
        help="feed FILE to every run on standard input (queries for a session)",
    )
    parser.add_argument("binaries", nargs="+", help="LABEL=PATH, or a path")
    split = sys.argv.index("--") if "--" in sys.argv else len(sys.argv)
    opts = parser.parse_args(sys.argv[1:split])
    args = sys.argv[split + 1 :]
    if not args:
        parser.error("give the command's arguments after `--`")
    if opts.input and not os.path.isfile(opts.input):
        parser.error(f"{opts.input} is not a file")

    binaries = []
    for spec in opts.binaries:
        label, _, path = spec.rpartition("=")
        label = label or os.path.basename(path)
        if not os.access(path, os.X_OK):
            parser.error(f"{path} is not an executable file")
        binaries.append((label, path))
    if not opts.no_control:
        label, path = binaries[0]
        binaries.append((label + "'", path))

    results = {label: [] for label, _ in binaries}
    for _ in range(opts.runs):
        for label, path in binaries:
            time.sleep(opts.idle)
            r = run_once(path, args, opts.input)
            if r["code"] != binaries_code(results, label, r["code"]):
                sys.exit(f"{label} exited with {r['code']}, unlike its earlier runs")
            results[label].append(r)

    idle = f", each run after {opts.idle:g} s idle" if opts.idle else ""
    fed = f" < {opts.input}" if opts.input else ""
    print(f"{opts.runs} rounds of: {' '.join(args)}{fed}{idle}")
    slowest = max(statistics.median(r["wall"] for r in runs) for runs in results.values())
    unit, scale, fmt = ("s", 1, "{:.3f}") if slowest >= 1 else ("ms", 1e3, "{:.2f}")
    print(
        f"{'':10} {'wall ' + unit:>22} {'cpu ' + unit:>22} {'sys ' + unit:>7} "
        f"{'faults':>8} {'peak MB':>9}"
    )
    for label, runs in results.items():
        cells = []
        for key in ("wall", "cpu"):
            m, lo, hi = (v * scale for v in spread(r[key] for r in runs))
            cells.append(f"{fmt.format(m)} ({fmt.format(lo)}-{fmt.format(hi)})")
        sys_m = statistics.median(r["sys"] for r in runs) * scale
        faults = statistics.median(r["faults"] for r in runs)
        rss = [r["rss"] for r in runs]
        print(
            f"{label:10} {cells[0]:>22} {cells[1]:>22} {fmt.format(sys_m):>7} {faults:8.0f} "
            f"{min(rss):4.0f}-{max(rss):<4.0f}"
        )
    print("(medians; in parentheses the middle half of the runs; peak MB: least-most)")


def binaries_code(results, label, code):
    """The exit code a binary's earlier runs had (or this one's, on its first run)."""
    runs = results[label]
    return runs[0]["code"] if runs else code


if __name__ == "__main__":
    main()
