-- officers.lua - wrk script for `make bench` (section http): officers filing three-regulations
-- records, each request as one of the officers whose session tokens are in $ZJ_TOKENS (one a
-- line). Prints "FILED n FAILED n" (answers 201 and anything else) at the end.
local tokens = {}
for line in io.lines(os.getenv("ZJ_TOKENS")) do tokens[#tokens + 1] = line end
local threads = {}

function setup(thread)
   thread:set("id", #threads)
   threads[#threads + 1] = thread
end

counter, ok, bad = 0, 0, 0

function request()
   counter = counter + 1
   local tok = tokens[((id * 7919 + counter) % #tokens) + 1]
   local body = string.format('{"kind":"record","category":"leader_interference",' ..
      '"actor_name":"王某","occurred_at":"2026-11-%02d 10:00","content":"bench %d-%d"}',
      counter % 28 + 1, id, counter)
   return wrk.format("POST", "/api/v1/records",
      {["Authorization"] = "Bearer " .. tok, ["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
   if status == 201 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
   local o, b = 0, 0
   for _, t in ipairs(threads) do o = o + t:get("ok"); b = b + t:get("bad") end
   io.write(string.format("FILED %d FAILED %d\n", o, b))
end
