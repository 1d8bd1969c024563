-- Shared by the load-benchmark scripts (bench/load.sh): reads the token file, counts answers
-- by kind and prints one RESULT line that load.sh parses. Every non-2xx answer is an error.
local lib = {}
local threads = {}

function lib.setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

-- Lines of "token,request_id" (request_id may be empty) written by load.sh.
function lib.read_tokens(path)
  local rows = {}
  for line in io.lines(path) do
    local token, id = line:match("^([^,]+),?(.*)$")
    if token then table.insert(rows, { token = token, id = id }) end
  end
  assert(#rows > 0, "no tokens in " .. path)
  return rows
end

function lib.init_counters()
  ok, bad, first_bad = 0, 0, ""
end

function lib.count(status, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    bad = bad + 1
    if first_bad == "" then first_bad = status .. " " .. (body or ""):sub(1, 200):gsub("[\r\n,]", " ") end
  end
end

function lib.done(summary, latency)
  local o, b, first = 0, 0, ""
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    b = b + t:get("bad")
    if first == "" then first = t:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT ok=%d non2xx=%d socket_errors=%d rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f first_error=%s\n",
    o, b, e.connect + e.read + e.write + e.timeout, o / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, first))
end

return lib
