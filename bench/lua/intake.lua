-- POST /api/v1/appeals as residents would, varying category, place and text.
-- BENCH_CATEGORIES: comma-separated leaf category codes; BENCH_PLACES: comma-separated
-- place names (compounds, communities) put into the address; BENCH_IDEMPOTENCY=1 sends
-- a fresh Idempotency-Key with each request.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local function split(s)
  local out = {}
  for item in string.gmatch(s or "", "[^,]+") do out[#out + 1] = item end
  return out
end

local categories = split(os.getenv("BENCH_CATEGORIES"))
local places = split(os.getenv("BENCH_PLACES"))
local idempotency = os.getenv("BENCH_IDEMPOTENCY") == "1"
local problems = {"已经两天了", "持续一周多", "今天早上开始", "反映过几次", "昨晚开始"}
local impacts = {"老人出行很不方便", "影响居民休息", "存在安全隐患", "晚上出行看不清路"}
local run = tostring(os.time())
local n = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept-Language"] = "zh-hans"

request = function()
  n = n + 1
  local category = categories[(n % #categories) + 1]
  local place = places[(n * 7 % #places) + 1]
  local building = (n % 30) + 1
  local body = string.format(
    '{"category":"%s","type":"help","title":"%s%d号楼的问题","description":"%s%d号楼%s，%s，请尽快处理。",' ..
    '"address":"%s%d号楼","contact_name":"王秀兰","contact_phone":"138%08d","urgency":"%s"}',
    category, place, building, place, building, problems[(n % #problems) + 1], impacts[(n % #impacts) + 1],
    place, building, n % 100000000, (n % 17 == 0) and "urgent" or "normal")
  if idempotency then
    -- wrk.format's headers argument replaces wrk.headers, so set the key there.
    wrk.headers["Idempotency-Key"] = "bench-" .. run .. "-" .. n
  end
  return wrk.format(nil, nil, nil, body)
end

done = report.done
