-- wrk script: POST /api/v1/auth/login with a real account; counts answers by kind and, like a
-- well-behaved client, waits the Retry-After second before retrying after a 503/429.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok, shed, other, backoff = 0, 0, 0, false
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"email": "' .. os.getenv("BENCH_EMAIL") .. '", "password": "' .. os.getenv("BENCH_PASSWORD") .. '"}'
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  elseif status == 503 or status == 429 then
    shed = shed + 1
    backoff = true
  else
    other = other + 1
  end
end

function delay()
  if backoff then
    backoff = false
    return 1000
  end
  return 0
end

function done(summary, latency, requests)
  local o, s, x = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    s = s + t:get("shed")
    x = x + t:get("other")
  end
  io.write(string.format("RESULT ok=%d shed=%d other=%d duration_s=%.2f timeouts=%d connect_errors=%d read_errors=%d p50_ms=%.1f p99_ms=%.1f\n",
    o, s, x, summary.duration / 1e6, summary.errors.timeout, summary.errors.connect, summary.errors.read,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
