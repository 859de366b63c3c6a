-- POST /api/v1/appeals/{id}/{BENCH_ACTION} with BENCH_BODY, one id after another from the
-- file BENCH_IDS (one id a line), as the handler whose token is BENCH_TOKEN.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
local action = os.getenv("BENCH_ACTION")
local body = os.getenv("BENCH_BODY") or "{}"
local i = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token " .. os.getenv("BENCH_TOKEN")
wrk.headers["Accept-Language"] = "zh-hans"

request = function()
  i = i + 1
  local id = ids[((i - 1) % #ids) + 1]
  return wrk.format(nil, "/api/v1/appeals/" .. id .. "/" .. action, nil, body)
end

done = report.done
