-- POST /api/v1/appeals as residents would (residents.lua: what they send);
-- BENCH_IDEMPOTENCY=1 sends a fresh Idempotency-Key with each request.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local report = require("report")
local residents = require("residents")

local idempotency = os.getenv("BENCH_IDEMPOTENCY") == "1"
local run = tostring(os.time())
local n = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept-Language"] = "zh-hans"

request = function()
  n = n + 1
  local r = residents.request(n)
  local body = string.format(
    '{"category":"%s","type":"help","title":"%s","description":"%s","address":"%s","contact_name":"王秀兰",' ..
    '"contact_phone":"%s","urgency":"%s"}', r.category, r.title, r.description, r.address, r.phone, r.urgency)
  if idempotency then
    -- wrk.format's headers argument replaces wrk.headers, so set the key there.
    wrk.headers["Idempotency-Key"] = "bench-" .. run .. "-" .. n
  end
  return wrk.format(nil, nil, nil, body)
end

done = report.done
