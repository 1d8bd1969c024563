-- wrk script: GET the URL as given (no authentication); /healthz, the ceiling.
local lib = dofile("bench/lib.lua")
setup = lib.setup
function init(args) lib.init_counters() end
function response(status, headers, body) lib.count(status, body) end
done = lib.done
