-- Shared by the wrk scripts: request bodies and a JSON summary written by done().
-- Environment: BENCH_BODY (file holding the create request's JSON body), BENCH_OUT (where done() writes JSON),
-- BENCH_IDS (metadata: file with one secret id per line).
local M = {}

M.headers = { ["Content-Type"] = "application/json" }

-- Any 32 bytes will do: the API stores only their hash. base64url, no padding.
M.access_token = "YmVuY2htYXJrLWFjY2Vzcy10b2tlbi0zMi1ieXRlcyE"
M.reveal_body = '{"accessToken":"' .. M.access_token .. '"}'

function M.read_file(path)
  local f = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
  local text = f:read("*a")
  f:close()
  return text
end

-- Registers every thread so that done() can add up the per-thread counters.
M.threads = {}
function M.setup(thread)
  thread:set("ok", 0)
  thread:set("bad", 0)
  table.insert(M.threads, thread)
end

local function count(thread, name)
  local value = thread:get(name)
  return type(value) == "number" and value or 0
end

function M.done(summary, latency, requests, counters)
  local totals = {}
  for _, name in ipairs(counters) do
    totals[name] = 0
    for _, thread in ipairs(M.threads) do
      totals[name] = totals[name] + count(thread, name)
    end
  end
  local e = summary.errors
  local parts = {
    string.format('"duration_us":%d', summary.duration),
    string.format('"requests":%d', summary.requests),
    string.format('"bytes":%d', summary.bytes),
    string.format('"socket_errors":%d', e.connect + e.read + e.write + e.timeout),
    string.format('"status_errors":%d', e.status),
    string.format('"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.1f}',
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean),
  }
  for name, value in pairs(totals) do
    table.insert(parts, string.format('"%s":%d', name, value))
  end
  local out = os.getenv("BENCH_OUT")
  local json = "{" .. table.concat(parts, ",") .. "}\n"
  if out and out ~= "" then
    local f = assert(io.open(out, "w"))
    f:write(json)
    f:close()
  else
    io.write(json)
  end
end

return M
