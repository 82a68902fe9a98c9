-- wrk script for the vgg4j serve load benchmark: POSTs the body in $BODY, counts answers by status, and prints
-- one RESULT line (requests, throughput, latency percentiles, errors) for serve-load.sh to collect. With
-- $HEADER_LENGTH set, the body is a JSON header of that many bytes followed by raw little-endian FP32 (the Open
-- Inference Protocol's binary tensor data extension), sent with the Inference-Header-Content-Length header.
wrk.method = "POST"
local header_length = os.getenv("HEADER_LENGTH")
if header_length then
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.headers["Inference-Header-Content-Length"] = header_length
else
  wrk.headers["Content-Type"] = "application/json"
end
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.body = f:read("*a")
f:close()

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect, e.read, e.write, e.timeout))
end
