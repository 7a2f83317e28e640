-- wrk script: counts non-2xx responses and prints one JSON line when the run ends.
-- Latencies are in microseconds; bench/directory.py reads the line starting BENCH_JSON.
-- With WRK_PATHS_FILE set (one path a line), each request takes the next path of the file
-- (each thread from its own starting point), so that no cache sees the same URL twice.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("non2xx", 0)
  thread:set("offset", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

local paths_file = os.getenv("WRK_PATHS_FILE")
if paths_file then
  local paths = {}
  for line in io.lines(paths_file) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  local i = nil
  request = function()
    if i == nil then
      -- Threads start a share of the list apart.
      i = math.floor((offset or 0) * #paths / 8)
    end
    i = i % #paths + 1
    return wrk.format("GET", paths[i])
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, ' ..
    '"p90_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d, ' ..
    '"non2xx": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50.0), latency:percentile(90.0), latency:percentile(95.0),
    latency:percentile(99.0), latency.mean, latency.max, bad,
    e.connect, e.read, e.write, e.status, e.timeout))
end
