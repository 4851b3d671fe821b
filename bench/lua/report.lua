-- Shared by every bench script: wrk's summary as one JSON line that bench/wrk.py parses.
-- Latencies are in microseconds; "status" counts answers >= 400 (wrk's own rule).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect_errors":%d,'
      .. '"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,'
      .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end

-- Give each thread its own random sequence (wrk threads are separate Lua states).
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end

function seed_random()
  math.randomseed(os.time() * 1000 + (thread_id or 0))
end
