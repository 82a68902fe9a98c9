#!/usr/bin/env python3
"""A/B load runs of `vgg4j serve` alternated inside one process: one server per configuration, each on its own port,
all started at once (an idle server parks its threads), each warmed up with WARM s of wrk (the JIT: C2 compiled for
~25 s under load), then ROUNDS rounds of DUR s each, alternating the configurations (order reversed every other
round). Per round: images/s, p50/p99, errors, mean batch, server CPU per request (/proc/PID/stat) and its top threads
(/proc/PID/task; Jetty threads that exit in the round are missing from the thread list, not from the total).
Usage, from the repository root (the model in /tmp/m.onnx, e.g. serve-load.sh's):
  benchmarks/serve/serve-ab.py FORMAT:IMAGES:MAX_BATCH WARM DUR ROUNDS 'LABEL|JAVA_OPTS|SERVE_ARGS' ...
e.g. benchmarks/serve/serve-ab.py binary:1:32 30 15 4 't2|-Dvgg4j.onnx.threads=2|' 't1||--engine-threads 1'
Writes its bodies and server logs to /tmp/abl."""
import os, re, subprocess, sys, time, json, random, struct, urllib.request, collections
spec, warm, dur, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
fmt, n, mb = spec.split(":"); n = int(n)
cfgs = [c.split("|") for c in sys.argv[5:]]
out = "/tmp/abl"; os.makedirs(out, exist_ok=True)
MODEL = os.environ.get("MODEL", "/tmp/m.onnx")
random.seed(0); values = [round(random.random(), 6) for _ in range(1024 * n)]
env = dict(os.environ)
if fmt == "json":
    open(f"{out}/body", "w").write(json.dumps({"inputs": [{"name": "input", "datatype": "FP32", "shape": [n, 1, 32, 32], "data": values}]}))
    env.pop("HEADER_LENGTH", None)
else:
    head = json.dumps({"inputs": [{"name": "input", "datatype": "FP32", "shape": [n, 1, 32, 32], "parameters": {"binary_data_size": 4096 * n}}], "parameters": {"binary_data_output": True}}).encode()
    open(f"{out}/body", "wb").write(head + struct.pack(f"<{1024 * n}f", *values)); env["HEADER_LENGTH"] = str(len(head))
env["BODY"] = f"{out}/body"
hz = os.sysconf("SC_CLK_TCK")
def threads(pid):
    d = collections.Counter()
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            name = re.sub(r"[-#]*[0-9]*$", "", open(f"/proc/{pid}/task/{t}/comm").read().strip().replace(" ", "_"))
            f = open(f"/proc/{pid}/task/{t}/stat").read().rsplit(")", 1)[1].split()
            d[name] += int(f[11]) + int(f[12])
        except OSError: pass
    return d
def wrk(port, secs):
    r = subprocess.run(["wrk", "-t1", "-c32", f"-d{secs}s", "--timeout", "30s", "-s", "benchmarks/serve/post.lua",
                        f"http://127.0.0.1:{port}/v2/models/m/infer"], env=env, capture_output=True, text=True)
    m = re.search(r"RESULT (.*)", r.stdout); return dict(kv.split("=") for kv in m.group(1).split()) if m else {}
def batches(port):
    t = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
    s = float(re.search(r'vgg4j_batch_size_sum\{model="m"\} (\S+)', t).group(1)); c = float(re.search(r'vgg4j_batch_size_count\{model="m"\} (\S+)', t).group(1))
    return s, c
print("load:", open("/proc/loadavg").read().strip(), flush=True)
procs = []
for i, (label, jopts, sargs) in enumerate(cfgs):
    port = 18500 + i
    e = dict(os.environ); e["VGG4J_JAVA_OPTS"] = "-Xms256m -Xmx256m -XX:+AlwaysPreTouch " + jopts
    p = subprocess.Popen(["./vgg4j", "serve", "--model", "m=" + MODEL + "", "--port", str(port), "--max-batch", mb, "--max-delay-ms", "5"] + sargs.split(),
                         env=e, stdout=open(f"{out}/serve-{label}.log", "w"), stderr=subprocess.STDOUT)
    procs.append((label, port, p))
for label, port, p in procs:
    for _ in range(240):
        try: urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/health/ready"); break
        except Exception: time.sleep(0.5)
    # java pid: the launcher execs java, so p.pid is java
    wrk(port, warm)
    print(f"warmed {label}", flush=True)
res = collections.defaultdict(list)
for r in range(rounds):
    order = procs if r % 2 == 0 else procs[::-1]
    for label, port, p in order:
        proc0 = sum(int(x) for x in open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()[11:13])
        b0, t0, s0 = threads(p.pid), time.time(), batches(port)
        w = wrk(port, dur)
        b1, s1 = threads(p.pid), batches(port)
        proc1 = sum(int(x) for x in open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()[11:13])
        req = int(w["requests"]); rps = float(w["rps"])
        cpu = {k: (b1[k] - b0.get(k, 0)) / hz for k in b1}
        tot = (proc1 - proc0) / hz
        mean = (s1[0] - s0[0]) / max(1, s1[1] - s0[1])
        top = sorted(((v, k) for k, v in cpu.items() if v > 0), reverse=True)[:5]
        errs = sum(int(w[k]) for k in ("non2xx", "connect", "read", "write", "timeout"))
        print(f"{label:>10} r{r}: {rps * n:8.0f} img/s p50 {w['p50_ms']} p99 {w['p99_ms']} ms err {errs} batch {mean:.1f} "
              f"cpu {1000 * tot / req:.3f} ms/req [" + ", ".join(f"{k} {1000 * v / req:.3f}" for v, k in top) + "] load " + open("/proc/loadavg").read().split()[0], flush=True)
        res[label].append(rps * n)
for label, v in res.items():
    print(f"{label}: mean {sum(v) / len(v):.0f} img/s over {len(v)} rounds: {[round(x) for x in v]}")
for label, port, p in procs:
    p.terminate(); p.wait()
print("load:", open("/proc/loadavg").read().strip())
