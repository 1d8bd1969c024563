-- wrk script: GET a workplace page (BENCH_PATH) with a browser session (BENCH_COOKIE, the
-- "name=value" of the session cookie), as a case worker's browser would.
local lib = dofile("bench/lib.lua")
setup = lib.setup
local path, cookie

function init(args)
  lib.init_counters()
  path = os.getenv("BENCH_PATH")
  cookie = os.getenv("BENCH_COOKIE")
  assert(path and cookie, "BENCH_PATH and BENCH_COOKIE are needed")
end

function request()
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end

function response(status, headers, body) lib.count(status, body) end
done = lib.done
