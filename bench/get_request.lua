-- wrk script: GET /api/v1/help-requests/{id} as its owner, rotating over many residents
-- (token file BENCH_TOKENS: "token,request_id" per line).
local lib = dofile("bench/lib.lua")
setup = lib.setup
local rows, i

function init(args)
  lib.init_counters()
  rows = lib.read_tokens(os.getenv("BENCH_TOKENS"))
  i = math.random(#rows)
end

function request()
  i = i % #rows + 1
  local row = rows[i]
  return wrk.format("GET", "/api/v1/help-requests/" .. row.id,
    { ["Authorization"] = "Bearer " .. row.token })
end

function response(status, headers, body) lib.count(status, body) end
done = lib.done
