-- wrk script: POST /api/v1/checkins over a list of (member, event) pairs, each pair scanned once.
-- Environment: PAIRS, a file of "<printed token> <bearer token>" lines in the order to scan them;
-- ACKS, where done() writes one line per 2xx answer ("<status> <member> <event> <checkin id>") and
-- the count of pairs each thread sent. Thread t of n scans lines t, t+n, t+2n, ...; a thread whose
-- lines are used up stops, so no pair is ever scanned twice in one run.

local pairs_file = os.getenv("PAIRS")
local acks_file = os.getenv("ACKS")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  queue, acks, statuses, sent = {}, {}, {}, 0
  local n = tonumber(os.getenv("THREADS"))
  local index = 0
  for line in io.lines(pairs_file) do
    if index % n == id then
      local token, bearer = line:match("^(%S+) (%S+)$")
      table.insert(queue, wrk.format("POST", "/api/v1/checkins",
        {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. bearer},
        '{"token": "' .. token .. '"}'))
    end
    index = index + 1
  end
end

function request()
  if sent >= #queue then
    wrk.thread:stop()
    -- wrk still wants a request from this call; it is never sent, the thread having stopped.
    return queue[#queue]
  end
  sent = sent + 1
  return queue[sent]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 200 or status == 201 then
    local checkin = body:match('"checkin_id":%s*(%d+)')
    local event = body:match('"event_id":%s*(%d+)')
    local member = body:match('"member_id":%s*(%d+)')
    table.insert(acks, status .. " " .. member .. " " .. event .. " " .. checkin)
  end
end

function done(summary, latency, requests)
  local out = io.open(acks_file, "w")
  for _, thread in ipairs(threads) do
    out:write("sent " .. thread:get("id") .. " " .. thread:get("sent") .. "\n")
    for status, count in pairs(thread:get("statuses")) do
      out:write("status " .. status .. " " .. count .. "\n")
    end
    for _, ack in ipairs(thread:get("acks")) do
      out:write("ack " .. ack .. "\n")
    end
  end
  for _, p in ipairs({50, 90, 99}) do
    out:write("latency_ms p" .. p .. " " .. latency:percentile(p) / 1000 .. "\n")
  end
  out:write("latency_ms mean " .. latency.mean / 1000 .. "\n")
  out:write("requests " .. summary.requests .. "\n")
  out:write("duration_s " .. summary.duration / 1e6 .. "\n")
  out:close()
end
