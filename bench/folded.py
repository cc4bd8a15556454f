# Folded-stack count (samples per unique symbolised stack), the embedded-Python baseline for
# `bun run bench`: run as `perf script -s bench/folded.py -i FILE`.
from collections import defaultdict

counts = defaultdict(int)

def process_event(param_dict):
    chain = param_dict.get("callchain")
    names = []
    if chain:
        for frame in chain:
            sym = frame.get("sym")
            names.append(sym["name"] if sym and "name" in sym else "[unknown]")
    else:
        sym = param_dict.get("symbol")
        names.append(sym if sym else "[unknown]")
    names.reverse()
    counts[param_dict["comm"] + ";" + ";".join(names)] += 1

def trace_end():
    print(len(counts), sum(counts.values()))
