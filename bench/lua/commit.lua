-- POST a small JSON document like an intake body to the commit-ceiling view.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local report = require("report")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local body = string.format(
    '{"category":"bench","title":"路灯不亮 %d","description":"花城小区3号楼门前路灯已经两天不亮了，' ..
    '晚上出行看不清路，请尽快维修。","address":"花城小区3号楼","contact_name":"王秀兰",' ..
    '"contact_phone":"13899912345","urgency":"normal"}', n)
  return wrk.format(nil, nil, nil, body)
end

done = report.done
