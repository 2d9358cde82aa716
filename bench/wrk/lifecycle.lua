-- (b) The full lifecycle of a one-view secret: POST /api/secrets, then POST /api/secrets/{id}/reveal.
-- Each thread keeps a queue of created ids; a connection that is free reveals the oldest pending id, or
-- creates a new secret when none is pending. One lifecycle = one 201 create + one 200 reveal (burned).
package.path = debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "?.lua;" .. package.path
local common = require("common")

local create_request
local pending, head, tail = {}, 1, 0

setup = common.setup

function init(args)
  create_request = wrk.format("POST", "/api/secrets", common.headers, common.read_file(os.getenv("BENCH_BODY")))
end

function request()
  if head <= tail then
    local id = pending[head]
    pending[head] = nil
    head = head + 1
    return wrk.format("POST", "/api/secrets/" .. id .. "/reveal", common.headers, common.reveal_body)
  end
  return create_request
end

created, revealed, ok, bad, burned = 0, 0, 0, 0, 0
function response(status, headers, body)
  if status == 201 then
    local id = body:match('"id":"([^"]+)"')
    tail = tail + 1
    pending[tail] = id
    created = created + 1
  elseif status == 200 then
    revealed = revealed + 1
    if body:find('"burned":true', 1, true) then burned = burned + 1 end
  else
    bad = bad + 1
  end
  ok = created + revealed
end

function done(summary, latency, requests)
  common.done(summary, latency, requests, { "created", "revealed", "burned", "ok", "bad" })
end
