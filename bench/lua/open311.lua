-- POST /open311/v2/requests.json as a GeoReport client would: form-encoded, with its
-- api_key (BENCH_KEY), the same residents' requests as intake.lua (residents.lua).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local report = require("report")
local residents = require("residents")

local function encode(s)
  return (string.gsub(s, "[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local key = os.getenv("BENCH_KEY")
local n = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
wrk.headers["Accept-Language"] = "zh-hans"

request = function()
  n = n + 1
  local r = residents.request(n)
  local fields = {api_key = key, service_code = r.category, description = r.description, address_string = r.address,
                  last_name = "王", first_name = "秀兰", phone = r.phone}
  local parts = {}
  for name, value in pairs(fields) do parts[#parts + 1] = encode(name) .. "=" .. encode(value) end
  return wrk.format(nil, nil, nil, table.concat(parts, "&"))
end

done = report.done
