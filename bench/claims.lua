-- wrk script of bench/claims.sh (not a test). Arguments after "--":
--   noop                              GET /api/v1/ping (the app's own ceiling)
--   claims TOKENS TEMPLATE KEYPREFIX  POST /api/v1/claims, each request the next token of the file TOKENS (one a line, minted by
--                                     LoadGen's mint mode: every line a new user) with its own Idempotency-Key KEYPREFIX<n>
-- done() prints one line in LoadGen's format (rps, p50/p95/p99/max, errors, statuses), then sent=N and created=N (the 201s)
-- for the script to divide CPU time by.
local threads = {}
local concurrency = tonumber(os.getenv("WRK_CONNECTIONS") or "0")
local codes = { 200, 201, 204, 400, 401, 403, 404, 409, 422, 429, 500, 503 }

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  counts = {}
  for _, code in ipairs(codes) do counts[code] = 0 end
  other = 0
  n = 0
  if mode == "claims" then
    tokens = {}
    for line in io.lines(args[2]) do tokens[#tokens + 1] = "Bearer " .. line end
    body = '{"templateId":"' .. args[3] .. '"}'
    prefix = args[4]
    headers = { ["Content-Type"] = "application/json" }
  end
end

function request()
  n = n + 1
  if mode ~= "claims" then return wrk.format("GET", "/api/v1/ping") end
  -- Past the file's end tokens repeat: a user's second claim is refused (409), never counted as created.
  headers["Authorization"] = tokens[(n - 1) % #tokens + 1]
  headers["Idempotency-Key"] = prefix .. n
  return wrk.format("POST", "/api/v1/claims", headers, body)
end

function response(status, headers, body)
  if counts[status] then counts[status] = counts[status] + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  mode = threads[1]:get("mode") -- init's globals live in the threads' states
  local merged, others, sent = {}, 0, 0
  for _, code in ipairs(codes) do merged[code] = 0 end
  for _, thread in ipairs(threads) do
    for _, code in ipairs(codes) do merged[code] = merged[code] + thread:get("counts")[code] end
    others = others + thread:get("other")
    sent = sent + thread:get("n")
  end
  local expected = (mode == "claims") and 201 or 204
  local statuses = {}
  local answered = 0
  for _, code in ipairs(codes) do
    if merged[code] > 0 then table.insert(statuses, code .. ":" .. merged[code]) end
    answered = answered + merged[code]
  end
  if others > 0 then table.insert(statuses, "other:" .. others) end
  answered = answered + others
  local e = summary.errors
  local failed = answered - merged[expected] + e.connect + e.read + e.write + e.timeout
  local what = (mode == "claims") and "claims (wrk)" or "no-op GET /api/v1/ping (wrk)"
  io.write(string.format("%s: concurrency=%d rps=%.0f p50=%.2fms p95=%.2fms p99=%.2fms max=%.2fms errors=%d/%d (%.3f%%) statuses=[%s]\n",
    what, concurrency, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    failed, summary.requests, 100 * failed / math.max(1, summary.requests), table.concat(statuses, " ")))
  io.write(string.format("sent=%d\ncreated=%d\n", sent, merged[201]))
end
