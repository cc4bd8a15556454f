from collections import defaultdict
counts = defaultdict(int)
def raw_syscalls__sys_enter(event_name, context, common_cpu, common_secs, common_nsecs, common_pid, common_comm, common_callchain, id, args):
    counts["%s %d" % (common_comm, id)] += 1
def trace_unhandled(event_name, context, event_fields_dict, perf_sample_dict):
    pass
def trace_end():
    for k in sorted(counts): print("%s %d" % (k, counts[k]))
