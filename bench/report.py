#!/usr/bin/env python3
"""Merges the raw outputs of bench/run into bench/results/latest.json and draws the plots.

Inputs (--raw DIR): gbench.json (Google Benchmark JSON), idle_*.json (BM_IdleMemory, one
process each), load_*.json (`msgcenter load --json`). Output (--out DIR): latest.json,
throughput.png, staff_sweep.png, latency.png (gnuplot, pngcairo). Standard library only.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import shutil
import subprocess


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        return {"error": f"{os.path.basename(path)}: {e}"}


def machine(args):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kb = 0
    try:
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu,
        "kernel": platform.release(),
        "memory_gib": round(mem_kb / 1048576, 1),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "load_average_before": args.load_before,
        "load_average_after": args.load_after,
        "elapsed_s": int(args.elapsed),
    }


def index(benchmarks):
    """name -> entry, for the iteration runs (not aggregates)."""
    out = {}
    for b in benchmarks:
        if b.get("run_type", "iteration") == "iteration":
            out[b["name"]] = b
    return out


def find(ix, prefix):
    for name, b in ix.items():
        if name.startswith(prefix) and not b.get("error_occurred"):
            return b
    return None


def val(b, key):
    return None if b is None else b.get(key)


def ratio(a, b):
    return round(a / b, 4) if a and b else None


BURST = "conversations:10000/staff:20/batch:1000/assigned:20/muted:0/subscribed:0"


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def apply_rounds(ix, rounds):
    """For the headline benchmarks, measured in the main run and in interleaved rounds:
    items_per_second becomes the value of the quietest run (least CPU used by other
    processes meanwhile), every run's value and noise kept beside it."""
    for name, b in ix.items():
        runs = [b] + [r[name] for r in rounds
                      if r.get(name) and not r[name].get("error_occurred")]
        if len(runs) < 2:
            continue
        b["rounds_items_per_second"] = [x.get("items_per_second") for x in runs]
        b["rounds_other_load_cores"] = [x.get("other_load_cores") for x in runs]
        quiet = min(runs, key=lambda x: x.get("other_load_cores", 99.0))
        b["items_per_second_main_run"] = b.get("items_per_second")
        b["items_per_second"] = quiet.get("items_per_second")
        b["other_load_cores_main_run"] = b.get("other_load_cores")
        b["other_load_cores"] = quiet.get("other_load_cores")
        b["median_items_per_second"] = median(b["rounds_items_per_second"])


def summarize(ix, loads):
    s = {}
    eng = find(ix, f"BM_InboundBurst/{BURST}/")
    dur = find(ix, f"BM_DurableBurst/{BURST}/")
    base = find(ix, f"BM_BaselineInMemoryBurst/{BURST}/normalize:0/")
    base_n = find(ix, f"BM_BaselineInMemoryBurst/{BURST}/normalize:1/")
    lmdb = find(ix, "BM_RawLmdbAppend/batch:1000/sync:1/")
    journal = find(ix, "BM_JournalWriter/batch:1000/")
    redis = {m: find(ix, f"BM_RedisBurst/staff:20/aof:{a}/batch:1000/conversations:10000/")
             for m, a in (("none", 0), ("aof_everysec", 1), ("aof_always", 2))}
    redis1 = {m: find(ix, f"BM_RedisBurst/staff:1/aof:{a}/batch:1000/conversations:10000/")
              for m, a in (("none", 0), ("aof_everysec", 1))}
    ips = lambda b: val(b, "items_per_second")
    s["throughput_msgs_per_s"] = {
        "workload": "10,000 conversations, 20 staff (visibility all, 20% assigned), batches of 1,000",
        "engine_in_memory": ips(eng),
        "engine_durable": ips(dur),
        "baseline_in_memory": ips(base),
        "baseline_in_memory_with_libphonenumber": ips(base_n),
        "raw_lmdb_append_sync": ips(lmdb),
        "journal_writer": ips(journal),
        "redis_no_persistence": ips(redis["none"]),
        "redis_aof_everysec": ips(redis["aof_everysec"]),
        "redis_aof_always": ips(redis["aof_always"]),
        "redis_1_staff_no_persistence": ips(redis1["none"]),
        "redis_1_staff_aof_everysec": ips(redis1["aof_everysec"]),
    }
    s["throughput_msgs_per_s"]["engine_first_contact"] = val(eng, "first_contact_msgs_per_s")
    jl = loads.get("max_jemalloc", {}).get("throughput_msgs_per_s")
    s["throughput_msgs_per_s"]["engine_load_glibc_malloc"] = loads.get("max", {}).get("throughput_msgs_per_s")
    s["throughput_msgs_per_s"]["engine_load_jemalloc"] = jl
    s["throughput_msgs_per_s"]["engine_http_webhooks"] = loads.get("http", {}).get("throughput_msgs_per_s")
    s["headline_rounds"] = {
        "note": "figures above are those of the quietest run (least CPU used by other "
                "processes); every run is listed here",
        "per_benchmark": {b["name"]: {"items_per_second": b.get("rounds_items_per_second"),
                                      "other_load_cores": b.get("rounds_other_load_cores")}
                          for b in (eng, dur, base, base_n, lmdb, journal, *redis.values()) if b},
    }
    s["ratios"] = {
        "engine_vs_in_memory_baseline": ratio(ips(eng), ips(base)),
        "engine_vs_in_memory_baseline_with_libphonenumber": ratio(ips(eng), ips(base_n)),
        "durable_vs_raw_lmdb": ratio(ips(dur), ips(lmdb)),
        "durable_vs_redis_aof_everysec": ratio(ips(dur), ips(redis["aof_everysec"])),
        "durable_vs_redis_aof_always": ratio(ips(dur), ips(redis["aof_always"])),
        "engine_vs_redis_no_persistence": ratio(ips(eng), ips(redis["none"])),
    }
    def per_run(b):
        return b.get("rounds_items_per_second") if b else None
    def run_ratios(a, b):
        xa, xb = per_run(a), per_run(b)
        if not xa or not xb or len(xa) != len(xb):
            return None
        return [ratio(x, y) for x, y in zip(xa, xb)]
    s["ratios_per_run"] = {
        "engine_vs_in_memory_baseline": run_ratios(eng, base),
        "engine_vs_in_memory_baseline_with_libphonenumber": run_ratios(eng, base_n),
        "durable_vs_raw_lmdb": run_ratios(dur, lmdb),
        "durable_vs_redis_aof_everysec": run_ratios(dur, redis["aof_everysec"]),
        "durable_vs_redis_aof_always": run_ratios(dur, redis["aof_always"]),
        "engine_vs_redis_no_persistence": run_ratios(eng, redis["none"]),
    }
    first = find(ix, "BM_InboxList/conversations:100000/staff:20/filter:0/")
    filt = find(ix, "BM_InboxList/conversations:100000/staff:20/filter:1/")
    scan = find(ix, "BM_InboxList/conversations:100000/staff:20/filter:2/")
    badge1 = find(ix, "BM_InboxBadge/conversations:100000/staff:20/inflight:1/")
    badge64 = find(ix, "BM_InboxBadge/conversations:100000/staff:20/inflight:64/")
    s["reads_at_100k_conversations_us"] = {
        "first_page_p50": val(first, "p50_us"), "first_page_p99": val(first, "p99_us"),
        "assignee_filter_p50": val(filt, "p50_us"), "assignee_filter_p99": val(filt, "p99_us"),
        "no_match_full_scan_p50": val(scan, "p50_us"), "no_match_full_scan_p99": val(scan, "p99_us"),
        "badge_p50": val(badge1, "p50_us"), "badge_p99": val(badge1, "p99_us"),
        "badge_pipelined_per_s": ips(badge64),
    }
    mr = {}
    for mode, flag in (("shared", 0), ("per_staff", 1)):
        for staff in (20, 100):
            b = find(ix, f"BM_MarkRead/per_staff:{flag}/staff:{staff}/")
            mr[f"{mode}_{staff}_staff"] = {"p50_us": val(b, "p50_us"), "p99_us": val(b, "p99_us"),
                                           "per_s": ips(b)}
    s["mark_read"] = mr
    rec = find(ix, "BM_Recovery/")
    s["recovery"] = {"name": val(rec, "name"), "ms": val(rec, "real_time")}
    idle = {}
    for name, b in ix.items():
        if name.startswith("BM_IdleMemory/"):
            parts = dict(p.split(":") for p in name.split("/")[1:] if ":" in p)
            key = ("baseline" if parts.get("baseline") == "1" else "engine") + f"_{parts.get('staff')}_staff"
            idle[key] = val(b, "bytes_per_conversation")
    s["bytes_per_idle_conversation"] = idle
    s["load"] = {k: v for k, v in loads.items()}
    lat_half = loads.get("half_b1000", {}).get("latency_ms", {})
    lat_half_100 = loads.get("half_b100", {}).get("latency_ms", {})
    tgt = []
    def target(what, goal, measured, ok):
        tgt.append({"target": what, "goal": goal, "measured": measured,
                    "met": None if measured is None else bool(ok)})
    e, d = ips(eng), ips(dur)
    target("inbound burst in memory, 20 staff", ">= 1,000,000 msg/s", e, e and e >= 1e6)
    target("inbound burst durable, 20 staff", ">= 500,000 msg/s", d, d and d >= 5e5)
    r_aof = s["ratios"]["durable_vs_redis_aof_everysec"]
    target("durable vs Redis AOF everysec", ">= 8x", r_aof, r_aof and r_aof >= 8)
    r_lmdb = s["ratios"]["durable_vs_raw_lmdb"]
    target("durable vs raw LMDB append", ">= 0.4x", r_lmdb, r_lmdb and r_lmdb >= 0.4)
    p99 = lat_half.get("p99")
    target("p99 ack latency at half max rate (batch 1000)", "<= 10 ms", p99, p99 is not None and p99 <= 10)
    p99b = lat_half_100.get("p99")
    target("p99 ack latency at half max rate (batch 100)", "<= 10 ms", p99b, p99b is not None and p99b <= 10)
    p99h = loads.get("http_half", {}).get("latency_ms", {}).get("p99")
    target("p99 ack latency at half max rate (HTTP webhooks, 8 connections)", "<= 10 ms", p99h,
           p99h is not None and p99h <= 10)
    fp = val(first, "p99_us")
    target("first inbox page p99 at 100k conversations", "<= 1000 us", fp, fp is not None and fp <= 1000)
    for key in ("engine_1_staff", "engine_20_staff"):
        m = idle.get(key)
        target(f"memory per idle conversation ({key.replace('_', ' ')})", "<= 1024 bytes", m,
               m is not None and m <= 1024)
    s["targets"] = tgt
    return s


# ---- plots -------------------------------------------------------------------------------

def gnuplot(script, out_dir):
    if not shutil.which("gnuplot"):
        print("gnuplot not found: no plots")
        return
    r = subprocess.run(["gnuplot"], input=script, text=True, cwd=out_dir, capture_output=True)
    if r.returncode != 0:
        print("gnuplot failed:", r.stderr)


def plot_throughput(s, out_dir, machine_line):
    t = s["throughput_msgs_per_s"]
    rows = [
        ("msgcenter\\nin memory", t["engine_in_memory"], 1),
        ("msgcenter load\\n+ jemalloc", t.get("engine_load_jemalloc"), 1),
        ("msgcenter\\ndurable", t["engine_durable"], 1),
        ("plain C++\\nin memory", t["baseline_in_memory"], 2),
        ("plain C++ +\\nlibphonenumber", t["baseline_in_memory_with_libphonenumber"], 2),
        ("raw LMDB\\nappend+sync", t["raw_lmdb_append_sync"], 3),
        ("journal\\nwriter", t["journal_writer"], 3),
        ("Redis\\nno persistence", t["redis_no_persistence"], 4),
        ("Redis AOF\\neverysec", t["redis_aof_everysec"], 4),
        ("Redis AOF\\nalways", t["redis_aof_always"], 4),
    ]
    with open(os.path.join(out_dir, "throughput.dat"), "w") as f:
        for i, (label, v, color) in enumerate(rows):
            f.write(f'{i} "{label}" {v if v else 0} {color}\n')
    script = f"""
set terminal pngcairo size 1200,700 font "DejaVu Sans,11"
set output "throughput.png"
set bmargin 6
set format y "%.0s%c"
set title "Inbound burst: messages/s (10k conversations, 20 staff, batches of 1,000)\\n{machine_line}"
set style fill solid 0.85 border -1
set boxwidth 0.7
set logscale y
set yrange [100:20000000]
set ylabel "messages per second (log scale)"
set grid ytics
set xtics scale 0 font ",10"
set key off
set palette defined (1 "#1f77b4", 2 "#2ca02c", 3 "#9467bd", 4 "#d62728")
unset colorbox
set arrow from -0.5,1000000 to 9.5,1000000 nohead dt 2 lc rgb "#1f77b4"
set label "target in memory 1M/s" at 7.6,1400000 tc rgb "#1f77b4" font ",9"
set arrow from -0.5,500000 to 9.5,500000 nohead dt 3 lc rgb "#555555"
set label "target durable 500k/s" at 7.6,360000 tc rgb "#555555" font ",9"
plot "throughput.dat" using 1:($3>0?$3:1/0):4:xtic(2) with boxes lc palette, \\
     "" using 1:($3>0?$3:1/0):(sprintf("%.0f", $3)) with labels offset 0,0.8 font ",10"
"""
    gnuplot(script, out_dir)


def plot_staff(ix, out_dir, machine_line):
    staff_pts = (1, 5, 20, 100)
    def ips(prefix):
        b = find(ix, prefix)
        return b.get("items_per_second") if b else None
    with open(os.path.join(out_dir, "staff_sweep.dat"), "w") as f:
        f.write("# staff engine baseline baseline_libphonenumber redis_none redis_aof\n")
        for st in staff_pts:
            burst = f"conversations:10000/staff:{st}/batch:1000/assigned:20/muted:0/subscribed:0"
            e = ips(f"BM_InboundBurst/{burst}/")
            b0 = ips(f"BM_BaselineInMemoryBurst/{burst}/normalize:0/")
            b1 = ips(f"BM_BaselineInMemoryBurst/{burst}/normalize:1/")
            r0 = ips(f"BM_RedisBurst/staff:{st}/aof:0/")
            r1 = ips(f"BM_RedisBurst/staff:{st}/aof:1/")
            f.write(" ".join(str(x) if x else "NaN" for x in (st, e, b0, b1, r0, r1)) + "\n")
    script = f"""
set terminal pngcairo size 1000,600 font "DejaVu Sans,11"
set output "staff_sweep.png"
set format y "%.0s%c"
set title "Inbound burst vs number of staff (10k conversations, batches of 1,000)\\n{machine_line}"
set logscale xy
set xrange [0.8:130]
set yrange [500:5000000]
set xtics (1, 5, 20, 100)
set xlabel "staff members who see every conversation"
set ylabel "messages per second (log scale)"
set grid
set key bottom left box opaque
set datafile missing "NaN"
plot "staff_sweep.dat" using 1:2 with linespoints lw 2 pt 7 lc rgb "#1f77b4" title "msgcenter in memory", \\
     "" using 1:3 with linespoints lw 2 pt 5 lc rgb "#2ca02c" title "plain C++", \\
     "" using 1:4 with linespoints lw 2 pt 4 lc rgb "#98df8a" title "plain C++ + libphonenumber", \\
     "" using 1:5 with points pt 9 ps 2 lc rgb "#d62728" title "Redis, no persistence", \\
     "" using 1:6 with points pt 11 ps 2 lc rgb "#ff9896" title "Redis, AOF everysec"
"""
    gnuplot(script, out_dir)


def plot_latency(loads, ix, out_dir, machine_line):
    rows = []
    labels = {"max": "max rate\\nbatch 1000", "half_b1000": "half rate\\nbatch 1000",
              "half_b100": "half rate\\nbatch 100", "durable": "durable, max\\nbatch 1000",
              "http": "webhooks, max\\n8 connections", "http_half": "webhooks, half\\n8 connections"}
    for key in ("max", "half_b1000", "half_b100", "durable", "http", "http_half"):
        l = loads.get(key, {}).get("latency_ms")
        if l:
            rate = loads[key].get("throughput_msgs_per_s", 0)
            rows.append((labels[key] + f"\\n{rate:.0f} msg/s", l["p50"], l["p99"], l["p999"]))
    for aof, name in ((0, "Redis\\nno persistence"), (1, "Redis AOF\\neverysec")):
        b = find(ix, f"BM_RedisBurst/staff:20/aof:{aof}/batch:1000/")
        if b:
            rows.append((name + "\\nmax, batch 1000", b.get("p50_batch_ms"), b.get("p99_batch_ms"),
                         b.get("p999_batch_ms")))
    with open(os.path.join(out_dir, "latency.dat"), "w") as f:
        f.write("# label p50 p99 p999 (ms)\n")
        for label, a, b, c in rows:
            f.write(f'"{label}" {a or "NaN"} {b or "NaN"} {c or "NaN"}\n')
    script = f"""
set terminal pngcairo size 1350,650 font "DejaVu Sans,11"
set output "latency.png"
set bmargin 6
set title "Acknowledgement latency per message (msgcenter load, 10k conversations, 20 staff)\\n{machine_line}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [0.1:100000]
set ylabel "milliseconds (log scale)"
set grid ytics
set key top right
set xtics scale 0 font ",10"
set datafile missing "NaN"
set arrow from graph 0, first 10 to graph 1, first 10 nohead dt 2 lw 2 lc rgb "#000000" front
set label "target p99 10 ms" at graph 0.01, first 6.5 font ",10" front
plot "latency.dat" using 2:xtic(1) title "p50" lc rgb "#9ecae1", \\
     "" using 3 title "p99" lc rgb "#3182bd", \\
     "" using 4 title "p99.9" lc rgb "#08519c"
"""
    gnuplot(script, out_dir)


def fmt(v, digits=0, suffix=""):
    if v is None:
        return "n/a"
    if isinstance(v, float) and digits == 0:
        return f"{v:,.0f}{suffix}"
    if isinstance(v, (int, float)):
        return f"{v:,.{digits}f}{suffix}"
    return str(v)


def write_summary_md(doc, path):
    m, s = doc["machine"], doc["summary"]
    t, r = s["throughput_msgs_per_s"], s["ratios"]
    L = []
    L.append("# Latest results (written by bench/run; see docs/performance.md for the method)\n")
    L.append(f"Machine: {m['nproc']} x {m['cpu_model']}, {m['memory_gib']} GiB, Linux {m['kernel']}, "
             f"{m['date']}; load average before {m['load_average_before']}, after "
             f"{m['load_average_after']}; run took {m['elapsed_s']} s.\n")
    L.append(f"## Inbound burst ({t['workload']})\n")
    L.append("| system | messages/s |\n|---|---:|")
    names = [("engine_in_memory", "msgcenter, in memory (BM_InboundBurst)"),
             ("engine_durable", "msgcenter, durable (BM_DurableBurst)"),
             ("engine_first_contact", "msgcenter, in memory, first contact (new phones: the warm-up)"),
             ("engine_load_glibc_malloc", "msgcenter load, in memory, glibc malloc"),
             ("engine_load_jemalloc", "msgcenter load, in memory, jemalloc preloaded"),
             ("engine_http_webhooks", "msgcenter load --url, signed webhooks to serve (8 connections)"),
             ("baseline_in_memory", "plain single-threaded C++ (baseline a)"),
             ("baseline_in_memory_with_libphonenumber", "plain C++ + libphonenumber on from/to"),
             ("raw_lmdb_append_sync", "raw LMDB MDB_APPEND, 1,000/txn, sync (baseline b)"),
             ("journal_writer", "persistence::journal_writer, 1,000/batch, 4 in flight"),
             ("redis_no_persistence", "Redis, no persistence (baseline c)"),
             ("redis_aof_everysec", "Redis, AOF everysec"),
             ("redis_aof_always", "Redis, AOF always"),
             ("redis_1_staff_no_persistence", "Redis with 1 staff, no persistence"),
             ("redis_1_staff_aof_everysec", "Redis with 1 staff, AOF everysec")]
    for k, label in names:
        L.append(f"| {label} | {fmt(t.get(k))} |")
    hr = s.get("headline_rounds", {}).get("per_benchmark", {})
    if hr:
        L.append("\nEach headline figure is that of the quietest of 4 runs (the main run and 3 "
                 "interleaved rounds, fresh processes): the run in which other processes used the "
                 "least CPU. Every run, with that CPU:\n")
        L.append("| benchmark | messages/s per run | other processes (cores) |\n|---|---|---|")
        for name, v in hr.items():
            ips_ = ", ".join(fmt(x) for x in (v["items_per_second"] or []))
            nz = ", ".join(fmt(x, 2) for x in (v["other_load_cores"] or []))
            L.append(f"| {name.split('/min_time')[0]} | {ips_} | {nz} |")
    L.append("\n| ratio (quietest runs) | value | per run (same round) |\n|---|---:|---|")
    rr = s.get("ratios_per_run", {})
    for k, v in r.items():
        runs = ", ".join(fmt(x, 3) for x in (rr.get(k) or []))
        L.append(f"| {k.replace('_', ' ')} | {fmt(v, 3)} | {runs} |")
    L.append("\n## Targets\n\n| target | goal | measured | met |\n|---|---|---:|---|")
    for x in s["targets"]:
        meas = x["measured"]
        L.append(f"| {x['target']} | {x['goal']} | {fmt(meas, 3) if isinstance(meas, float) and meas < 10 else fmt(meas)} | "
                 f"{'yes' if x['met'] else ('n/a' if x['met'] is None else 'no')} |")
    rd = s["reads_at_100k_conversations_us"]
    L.append("\n## Reads at 100k conversations, 20 staff (microseconds)\n")
    L.append("| read | p50 | p99 |\n|---|---:|---:|")
    L.append(f"| first inbox page (50 rows) | {fmt(rd['first_page_p50'], 1)} | {fmt(rd['first_page_p99'], 1)} |")
    L.append(f"| page filtered by assignee (~1% match) | {fmt(rd['assignee_filter_p50'], 1)} | {fmt(rd['assignee_filter_p99'], 1)} |")
    L.append(f"| filter matching nothing (full scan) | {fmt(rd['no_match_full_scan_p50'], 1)} | {fmt(rd['no_match_full_scan_p99'], 1)} |")
    L.append(f"| badge | {fmt(rd['badge_p50'], 1)} | {fmt(rd['badge_p99'], 1)} |")
    L.append(f"\nBadge reads pipelined (64 in flight): {fmt(rd['badge_pipelined_per_s'])}/s.\n")
    L.append("## mark_read (microseconds per call)\n\n| mode, staff | p50 | p99 | calls/s |\n|---|---:|---:|---:|")
    for k, v in s["mark_read"].items():
        L.append(f"| {k.replace('_', ' ')} | {fmt(v['p50_us'], 1)} | {fmt(v['p99_us'], 1)} | {fmt(v['per_s'])} |")
    rec = s["recovery"]
    L.append(f"\nRecovery ({rec['name']}): {fmt(rec['ms'])} ms.\n")
    L.append("## Memory per idle conversation (RSS growth / conversations, 100k conversations)\n")
    L.append("| system | bytes |\n|---|---:|")
    for k, v in sorted(s["bytes_per_idle_conversation"].items()):
        L.append(f"| {k.replace('_', ' ')} | {fmt(v)} |")
    L.append("\n## msgcenter load runs\n")
    L.append("| run | messages/s | p50 ms | p99 ms | p99.9 ms | peak RSS MiB | other processes (cores) |\n|---|---:|---:|---:|---:|---:|---:|")
    for k, v in s["load"].items():
        if "latency_ms" not in v:
            L.append(f"| {k} | failed: {v.get('error', '?')} | | | | | |")
            continue
        l = v["latency_ms"]
        L.append(f"| {k} (batch {v['batch']}, rate {fmt(v['rate_target']) if v['rate_target'] else 'max'}) | "
                 f"{fmt(v['throughput_msgs_per_s'])} | {fmt(l['p50'], 2)} | {fmt(l['p99'], 2)} | "
                 f"{fmt(l['p999'], 2)} | {fmt(v['peak_rss_bytes'] / 1048576, 1)} | "
                 f"{fmt(v.get('other_load_cores'), 2)} |")
    if doc["skipped"]:
        L.append("\n## Skipped\n")
        for x in doc["skipped"]:
            L.append(f"- {x['name']}: {x['why']}")
    with open(path, "w") as f:
        f.write("\n".join(L) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--load-before", default="")
    ap.add_argument("--load-after", default="")
    ap.add_argument("--elapsed", default="0")
    args = ap.parse_args()

    g = read_json(os.path.join(args.raw, "gbench.json"))
    benchmarks = list(g.get("benchmarks", []))
    for p in sorted(glob.glob(os.path.join(args.raw, "idle_*.json"))):
        benchmarks += read_json(p).get("benchmarks", [])
    loads = {}
    for key in ("max", "half_b1000", "half_b100", "durable", "max_jemalloc", "http", "http_half"):
        p = os.path.join(args.raw, f"load_{key}.json")
        if os.path.exists(p):
            loads[key] = read_json(p)
    ix = index(benchmarks)
    rounds = [index(read_json(p).get("benchmarks", []))
              for p in sorted(glob.glob(os.path.join(args.raw, "round*.json")))]
    apply_rounds(ix, rounds)
    m = machine(args)
    summary = summarize(ix, loads)
    skipped = [{"name": b["name"], "why": b.get("error_message")} for b in benchmarks
               if b.get("error_occurred")]
    doc = {
        "machine": m,
        "summary": summary,
        "skipped": skipped,
        "google_benchmark_context": g.get("context", {}),
        "benchmarks": benchmarks,
        "load": loads,
    }
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "latest.json"), "w") as f:
        json.dump(doc, f, indent=1)
    write_summary_md(doc, os.path.join(args.out, "summary.md"))
    line = f"{m['nproc']} x {m['cpu_model']}, Linux {m['kernel']}, {m['date'][:10]}"
    plot_throughput(summary, args.out, line)
    plot_staff(ix, args.out, line)
    plot_latency(loads, ix, args.out, line)
    print(json.dumps({"targets": summary["targets"], "ratios": summary["ratios"]}, indent=1))


if __name__ == "__main__":
    main()
