from collections import defaultdict
by_comm = defaultdict(int)
by_sym = defaultdict(int)
stacks = defaultdict(int)
def process_event(param_dict):
    s = param_dict["sample"]
    by_comm["%s/%d" % (param_dict["comm"], s["pid"])] += 1
    by_sym["%s %s" % (param_dict.get("symbol", "[unknown]"), param_dict.get("dso", "[unknown]"))] += 1
    if "callchain" in param_dict:
        frames = []
        for node in param_dict["callchain"]:
            frames.append(node["sym"]["name"] if "sym" in node else "[unknown]")
        stacks[";".join(reversed(frames))] += 1
def trace_end():
    for k in sorted(by_comm): print("comm %s %d" % (k, by_comm[k]))
    for k in sorted(by_sym): print("sym %s %d" % (k, by_sym[k]))
    for k in sorted(stacks): print("stack %s %d" % (k, stacks[k]))
