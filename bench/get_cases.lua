-- wrk script: GET /api/v1/cases as a case worker (token file BENCH_TOKENS, first line).
local lib = dofile("bench/lib.lua")
setup = lib.setup
local token

function init(args)
  lib.init_counters()
  token = lib.read_tokens(os.getenv("BENCH_TOKENS"))[1].token
end

function request()
  return wrk.format("GET", "/api/v1/cases", { ["Authorization"] = "Bearer " .. token })
end

function response(status, headers, body) lib.count(status, body) end
done = lib.done
