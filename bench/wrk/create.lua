-- (a) POST /api/secrets with the body in BENCH_BODY; every 201 counts as ok.
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
local common = require("common")

wrk.method = "POST"
wrk.path = "/api/secrets"
wrk.headers["Content-Type"] = "application/json"
wrk.body = common.read_file(os.getenv("BENCH_BODY"))

setup = common.setup

ok, bad = 0, 0
function response(status, headers, body)
  if status == 201 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  common.done(summary, latency, requests, { "ok", "bad" })
end
