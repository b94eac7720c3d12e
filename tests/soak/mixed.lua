-- tests/soak/mixed.lua: the soak's mixed workload for wrk.
--
-- Usage: wrk -t2 -c32 -d60s -s tests/soak/mixed.lua URL -- KEYS FIRST LAST [reads]
--   KEYS   comma-separated API keys (one tenant each), used in turn
--   FIRST  LAST  the identifier range every tenant's orders cover
--   reads  only the read kinds (to tell memory that grows with the data
--          from memory that grows with the requests)
-- Request kinds and shares: GET one order (25%), GET one order /full (15%),
-- GET a list page (10%), GET a /full page (10%), GET several orders (10%),
-- POST /orders with a batch of 3 (10%), DELETE of orders this thread created
-- (10%), PUT /orders/status (10%). Creating and deleting balance, so the data
-- stays about the same size: memory that grows is the server's, not the
-- database's. Reads use every tenant's key; each wrk thread writes as one
-- tenant, so the orders it deletes are always its own.
-- Every answer that is not 2xx is counted per kind and printed at the end.

local keys, first, last = {}, 1001, 1001
local threads = {}
local kinds = {"get", "get_full", "list", "list_full", "get_many", "create", "delete", "status"}
local shares = {25, 15, 10, 10, 10, 10, 10, 10}

function setup(thread)
   thread:set("id", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   for k in string.gmatch(args[1] or "", "[^,]+") do table.insert(keys, k) end
   first = tonumber(args[2] or "1001")
   last = tonumber(args[3] or "1001")
   if args[4] == "reads" then shares = {40, 20, 20, 10, 10, 0, 0, 0} end
   write_key = keys[(id - 1) % #keys + 1]
   created = {}   -- identifiers this thread created and has not deleted yet
   math.randomseed(1000 + id)
   -- plain numeric globals: wrk copies them to done() (copying tables crashes wrk 4.1 with LuaJIT)
   for _, k in ipairs(kinds) do _G["bad_" .. k] = 0; _G["n_" .. k] = 0 end
   seq = 0
   pending = {}
end

local function order(ref)
   return '{"orderReference":"' .. ref .. '","recipient":{"address":{"fullName":"Soak Test",' ..
      '"addressLine1":"1 Load Street","city":"Leeds","postcode":"LS1 1AA","countryCode":"GB"},' ..
      '"emailAddress":"soak@example.com"},"packages":[{"weightInGrams":250,' ..
      '"packageFormatIdentifier":"largeLetter","contents":[{"name":"Widget","SKU":"W-1","quantity":2,' ..
      '"unitValue":1.25}]}],"orderDate":"2026-11-29T10:00:00Z","subtotal":2.5,' ..
      '"shippingCostCharged":1,"total":3.5,"currencyCode":"GBP"}'
end

local function pick()
   local x = math.random(100)
   for i, s in ipairs(shares) do
      if x <= s then return kinds[i] end
      x = x - s
   end
   return kinds[1]
end

function request()
   local kind = pick()
   if kind == "delete" and #created == 0 then kind = "get" end
   local key = keys[math.random(#keys)]
   if kind == "create" or kind == "delete" then key = write_key end
   local h = {["Authorization"] = "Bearer " .. key}
   local id = math.random(first, last)
   table.insert(pending, kind)
   if kind == "get" then
      return wrk.format("GET", "/api/v1/orders/" .. id, h)
   elseif kind == "get_full" then
      return wrk.format("GET", "/api/v1/orders/" .. id .. "/full", h)
   elseif kind == "list" then
      return wrk.format("GET", "/api/v1/orders?pageSize=" .. math.random(1, 100), h)
   elseif kind == "list_full" then
      return wrk.format("GET", "/api/v1/orders/full?pageSize=" .. math.random(1, 25), h)
   elseif kind == "get_many" then
      local ids = {}
      for i = 1, math.random(2, 20) do ids[i] = math.random(first, last) end
      return wrk.format("GET", "/api/v1/orders/" .. table.concat(ids, ";"), h)
   elseif kind == "delete" then
      local ids = {}
      for i = 1, math.min(3, #created) do ids[i] = table.remove(created, 1) end
      return wrk.format("DELETE", "/api/v1/orders/" .. table.concat(ids, ";"), h)
   elseif kind == "create" then
      seq = seq + 1
      h["Content-Type"] = "application/json"
      local refs = {}
      for i = 1, 3 do refs[i] = order("SOAK-" .. id .. "-" .. seq .. "-" .. i) end
      return wrk.format("POST", "/api/v1/orders", h, '{"items":[' .. table.concat(refs, ",") .. ']}')
   else
      h["Content-Type"] = "application/json"
      local st = ({"new", "despatched"})[math.random(2)]
      return wrk.format("PUT", "/api/v1/orders/status", h,
                        '{"items":[{"orderIdentifier":' .. id .. ',"status":"' .. st .. '"}]}')
   end
end

function response(status, headers, body)
   -- wrk answers in order on each connection, but a thread has many
   -- connections; the kind of each answer is therefore approximate, the
   -- count of bad answers exact
   local kind = table.remove(pending, 1) or "get"
   if status == 200 and string.sub(body, 1, 15) == '{"successCount"' then
      -- a create's answer (whatever kind the queue guessed): its orders are this thread's to delete
      for oid in string.gmatch(body, '"orderIdentifier":(%d+)') do table.insert(created, oid) end
   end
   _G["n_" .. kind] = _G["n_" .. kind] + 1
   if status < 200 or status > 299 then
      _G["bad_" .. kind] = _G["bad_" .. kind] + 1
      if _G["bad_" .. kind] <= 3 then
         io.stderr:write(string.format("soak: %s answered %d: %s\n", kind, status, string.sub(body or "", 1, 200)))
      end
   end
end

function done(summary, latency, requests)
   local total_bad, parts = 0, {}
   for _, k in ipairs(kinds) do
      local b, c = 0, 0
      for _, t in ipairs(threads) do
         b = b + t:get("bad_" .. k)
         c = c + t:get("n_" .. k)
      end
      total_bad = total_bad + b
      table.insert(parts, string.format("%s %d", k, c))
   end
   io.write(string.format("soak: requests by kind: %s\n", table.concat(parts, ", ")))
   io.write(string.format("soak: %d requests, %d non-2xx, socket errors: connect %d read %d write %d timeout %d; "
                             .. "latency p50 %.2f ms p99 %.2f ms max %.2f ms\n",
                          summary.requests, total_bad, summary.errors.connect, summary.errors.read,
                          summary.errors.write, summary.errors.timeout,
                          latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
