-- (c) GET /api/secrets/{id} over the ids listed in BENCH_IDS (seeded before the run); every 200 counts as ok.
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
local common = require("common")

local ids, next_id = {}, 1
local thread_number = 0

function setup(thread)
  thread_number = thread_number + 1
  thread:set("offset", thread_number * 7919)
  common.setup(thread)
end

function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do
    if #line > 0 then table.insert(ids, line) end
  end
  next_id = (offset or 0) % #ids + 1
end

function request()
  local id = ids[next_id]
  next_id = next_id % #ids + 1
  return wrk.format("GET", "/api/secrets/" .. id)
end

ok, bad = 0, 0
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  common.done(summary, latency, requests, { "ok", "bad" })
end
