-- wrk script: a light probe (one request every 20 ms per connection) that measures latency
-- without loading the server.
function delay()
  return 20
end
