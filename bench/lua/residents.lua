-- What the intake scenarios send: the n-th resident's request, varying category, place
-- and text. BENCH_CATEGORIES: comma-separated leaf category codes; BENCH_PLACES:
-- comma-separated place names (compounds, communities) put into the address.
local M = {}

local function split(s)
  local out = {}
  for item in string.gmatch(s or "", "[^,]+") do out[#out + 1] = item end
  return out
end

local categories = split(os.getenv("BENCH_CATEGORIES"))
local places = split(os.getenv("BENCH_PLACES"))
local problems = {"已经两天了", "持续一周多", "今天早上开始", "反映过几次", "昨晚开始"}
local impacts = {"老人出行很不方便", "影响居民休息", "存在安全隐患", "晚上出行看不清路"}

function M.request(n)
  local place = places[(n * 7 % #places) + 1]
  local building = (n % 30) + 1
  return {
    category = categories[(n % #categories) + 1],
    title = string.format("%s%d号楼的问题", place, building),
    description = string.format("%s%d号楼%s，%s，请尽快处理。", place, building, problems[(n % #problems) + 1],
                                impacts[(n % #impacts) + 1]),
    address = string.format("%s%d号楼", place, building),
    phone = string.format("138%08d", n % 100000000),
    urgency = (n % 17 == 0) and "urgent" or "normal",
  }
end

return M
