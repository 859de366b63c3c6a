-- GET with optional credentials: BENCH_TOKEN (API token) or BENCH_COOKIE (session cookie header).
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local report = require("report")

local token = os.getenv("BENCH_TOKEN")
local cookie = os.getenv("BENCH_COOKIE")
if token and token ~= "" then wrk.headers["Authorization"] = "Token " .. token end
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
wrk.headers["Accept-Language"] = "zh-hans"

done = report.done
