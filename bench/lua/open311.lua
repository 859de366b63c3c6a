-- POST /open311/v2/requests.json as a GeoReport client would (form-encoded, with its
-- api_key), varying service, place and text like intake.lua. BENCH_KEY: the client's
-- key; BENCH_CATEGORIES and BENCH_PLACES as in intake.lua.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local function split(s)
  local out = {}
  for item in string.gmatch(s or "", "[^,]+") do out[#out + 1] = item end
  return out
end

local function encode(s)
  return (string.gsub(s, "[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local categories = split(os.getenv("BENCH_CATEGORIES"))
local places = split(os.getenv("BENCH_PLACES"))
local key = os.getenv("BENCH_KEY")
local problems = {"已经两天了", "持续一周多", "今天早上开始", "反映过几次", "昨晚开始"}
local impacts = {"老人出行很不方便", "影响居民休息", "存在安全隐患", "晚上出行看不清路"}
local n = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
wrk.headers["Accept-Language"] = "zh-hans"

request = function()
  n = n + 1
  local category = categories[(n % #categories) + 1]
  local place = places[(n * 7 % #places) + 1]
  local building = (n % 30) + 1
  local fields = {
    api_key = key, service_code = category,
    description = string.format("%s%d号楼%s，%s，请尽快处理。", place, building, problems[(n % #problems) + 1],
                                impacts[(n % #impacts) + 1]),
    address_string = string.format("%s%d号楼", place, building),
    last_name = "王", first_name = "秀兰", phone = string.format("138%08d", n % 100000000),
  }
  local parts = {}
  for name, value in pairs(fields) do parts[#parts + 1] = encode(name) .. "=" .. encode(value) end
  return wrk.format(nil, nil, nil, table.concat(parts, "&"))
end

done = report.done
