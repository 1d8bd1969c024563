-- wrk script: POST /api/v1/help-requests as many residents (token file BENCH_TOKENS). Every
-- body differs in postcode (a real PC4 from BENCH_PC4S), category, distance, availability and
-- title, so the near-duplicate rule (409) does not trigger: each request is validated,
-- stored, matched and, when someone fits, proposed.
local lib = dofile("bench/lib.lua")
setup = lib.setup
local rows, pc4s, i, n

-- category code -> a law domain it belongs to (docs/ARCHITECTURE.md §1)
local categories = {
  { "boodschappen", "wmo" }, { "huishouden", "wmo" }, { "klussen", "wmo" }, { "tuin", "wmo" },
  { "vervoer", "wmo" }, { "gezelschap", "wmo" }, { "telefoonmaatje", "wmo" },
  { "maaltijden", "wmo" }, { "mantelzorgondersteuning", "wmo" }, { "administratie", "wmo" },
  { "digitale-hulp", "participatiewet" }, { "huisdieren", "wmo" },
  { "huiswerkbegeleiding", "jeugdwet" }, { "maatje-jongere", "jeugdwet" },
  { "gezinsondersteuning", "jeugdwet" }, { "oppas", "jeugdwet" },
  { "taalcoaching", "participatiewet" }, { "sollicitatiehulp", "participatiewet" },
  { "werkfit-coaching", "participatiewet" }, { "budgetcoaching", "participatiewet" },
}
local weekdays = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" }
local distances = { "null", "null", "5", "10", "15", "25" }
local letters = "abcdefghijklmnopqrstuvwxyz0123456789"

local function random_word(len)
  local t = {}
  for k = 1, len do
    local c = math.random(#letters)
    t[k] = letters:sub(c, c)
  end
  return table.concat(t)
end

function init(args)
  lib.init_counters()
  math.randomseed(os.time() + (thread_id or 1) * 7919)
  rows = lib.read_tokens(os.getenv("BENCH_TOKENS"))
  pc4s = {}
  for line in io.lines(os.getenv("BENCH_PC4S")) do
    local pc4 = line:match("^(%d%d%d%d),")
    if pc4 then table.insert(pc4s, pc4) end
  end
  i, n = math.random(#rows), 0
end

function request()
  i = i % #rows + 1
  n = n + 1
  local cat = categories[math.random(#categories)]
  local start = math.random(8, 17)
  local body = string.format(
    '{"domain":"%s","category":"%s","title":"Hulp %s gezocht %s",'
      .. '"description":"Melding %d: %s","postcode":"%s","urgency":"normal",'
      .. '"involves_minor":false,"remote_ok":false,"max_distance_km":%s,'
      .. '"availability":{"slots":[{"weekday":"%s","start":"%02d:00","end":"%02d:00"}],'
      .. '"session_minutes":60},"consent_municipality":true}',
    cat[2], cat[1], cat[1], random_word(10), n, random_word(24),
    pc4s[math.random(#pc4s)], distances[math.random(#distances)],
    weekdays[math.random(#weekdays)], start, start + 3)
  return wrk.format("POST", "/api/v1/help-requests", {
    ["Authorization"] = "Bearer " .. rows[i].token,
    ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body) lib.count(status, body) end
done = lib.done
