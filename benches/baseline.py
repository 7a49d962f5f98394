#!/usr/bin/env python3
"""Baseline for docs/performance.md: the load + path + find + neighbors job of
`benches/scale.rs`, written the obvious way with PyYAML and networkx, on a directory made
by `examples/gen_graph.rs`. It validates nothing (awsgraph checks every id, relation and
quantity), so it is a generous baseline.

    pip install pyyaml networkx
    python3 benches/baseline.py DIR
"""

import pathlib
import re
import sys
import time

import networkx as nx
import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
UNITS = {"KB": 1e3, "MB": 1e6, "GB": 1e9}


def quantity_bytes(value):
    """Bytes for a `N KB|MB|GB` value, None for anything else."""
    if isinstance(value, dict):
        value = value.get("value")
    m = re.fullmatch(r"~?([0-9.]+) (KB|MB|GB)", str(value))
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def main():
    root = pathlib.Path(sys.argv[1])
    t0 = time.perf_counter()
    g = nx.MultiDiGraph()
    order = []
    for path in sorted(root.rglob("*.yaml")):
        doc = yaml.load(path.read_text(), Loader=Loader) or {}
        for node in doc.get("nodes") or []:
            g.add_node(node["id"], **node)
            order.append(node["id"])
            for rel, targets in (node.get("relations") or {}).items():
                if isinstance(targets, str):
                    targets = [targets]
                for t in targets:
                    target = t["target"] if isinstance(t, dict) else t
                    g.add_edge(node["id"], target, relation=rel)
    t1 = time.perf_counter()
    first, middle = order[0], order[len(order) // 2]
    path = nx.shortest_path(g.to_undirected(as_view=True), first, middle)
    t2 = time.perf_counter()
    found = [
        n
        for n, d in g.nodes(data=True)
        if (quantity_bytes((d.get("properties") or {}).get("max_size")) or 0) >= 9000e6
    ]
    t3 = time.perf_counter()
    near = nx.single_source_shortest_path_length(
        g.to_undirected(as_view=True), first, cutoff=3
    )
    t4 = time.perf_counter()
    print(f"load {root}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges "
          f"in {(t1 - t0) * 1e3:.1f} ms ({Loader.__name__})")
    print(f"{(t2 - t1) * 1e3:9.3f} ms  path {first} to {middle} ({len(path) - 1} hops)")
    print(f"{(t3 - t2) * 1e3:9.3f} ms  find where max_size >= 9000 MB ({len(found)} nodes)")
    print(f"{(t4 - t3) * 1e3:9.3f} ms  neighbors {first} depth 3 ({len(near)} nodes)")
    print(f"total {(t4 - t0) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
