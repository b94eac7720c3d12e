-- bench/create_orders.lua: wrk script for `make bench`, order creation.
--
-- Every request is POST /api/v1/orders (the path comes from the URL given to
-- wrk) carrying one batch of BENCH_BATCH (default 100) valid orders shaped like
-- Click & Drop's CreateOrderRequest. The body is built once, when the script
-- loads, so wrk spends no time on it per request.
--
-- The API key is read from the environment: POSTROOM_KEY.
--
-- done() prints a human summary and one machine-readable line starting with
-- "BENCH orders" that bench/run.sh parses.

local batch = tonumber(os.getenv("BENCH_BATCH") or "") or 100
local key = os.getenv("POSTROOM_KEY")
if key == nil or key == "" then
   io.stderr:write("create_orders.lua: POSTROOM_KEY is not set\n")
   os.exit(2)
end

local function order(n)
   return string.format(
      '{"orderReference":"BENCH-%d",' ..
      '"recipient":{"address":{"fullName":"Bench Recipient","addressLine1":"1 High Street",' ..
      '"city":"London","postcode":"SW1A 1AA","countryCode":"GB"},' ..
      '"emailAddress":"r@example.com"},' ..
      '"orderDate":"2026-11-29T10:00:00Z",' ..
      '"subtotal":10.5,"shippingCostCharged":2.99,"total":13.49,' ..
      '"packages":[{"weightInGrams":500,"packageFormatIdentifier":"smallParcel"}]}', n)
end

local items = {}
for n = 1, batch do
   items[n] = order(n)
end

wrk.method = "POST"
wrk.body = '{"items":[' .. table.concat(items, ",") .. ']}'
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"

-- setup() runs in the controlling environment; keep the threads so that
-- done() can add up their counters.
local threads = {}
function setup(thread)
   table.insert(threads, thread)
end

-- Per-thread counters (globals so that thread:get() can read them).
function init(args)
   ok_responses = 0     -- HTTP 200
   bad_status = 0       -- any other status
   orders_created = 0   -- sum of successCount over the 200 responses
   orders_failed = 0    -- sum of errorsCount over the 200 responses
   unparsed = 0         -- 200 responses without a successCount
   first_bad = ""       -- status and start of the body of the first non-200
end

function response(status, headers, body)
   if status ~= 200 then
      bad_status = bad_status + 1
      if first_bad == "" then
         first_bad = tostring(status) .. " " .. string.sub(body or "", 1, 300)
      end
      return
   end
   ok_responses = ok_responses + 1
   local s = string.match(body, '"successCount"%s*:%s*(%d+)')
   local e = string.match(body, '"errorsCount"%s*:%s*(%d+)')
   if s == nil then
      unparsed = unparsed + 1
      if first_bad == "" then
         first_bad = "200 without successCount: " .. string.sub(body or "", 1, 300)
      end
   else
      orders_created = orders_created + tonumber(s)
   end
   if e ~= nil and tonumber(e) > 0 then
      orders_failed = orders_failed + tonumber(e)
      if first_bad == "" then
         first_bad = "200 with errorsCount " .. e .. ": " .. string.sub(body, 1, 300)
      end
   end
end

function done(summary, latency, requests)
   local ok, bad, created, failed, unp, first = 0, 0, 0, 0, 0, ""
   for _, t in ipairs(threads) do
      ok = ok + (t:get("ok_responses") or 0)
      bad = bad + (t:get("bad_status") or 0)
      created = created + (t:get("orders_created") or 0)
      failed = failed + (t:get("orders_failed") or 0)
      unp = unp + (t:get("unparsed") or 0)
      local f = t:get("first_bad") or ""
      if first == "" then first = f end
   end
   local secs = summary.duration / 1e6
   local e = summary.errors
   local sock = e.connect + e.read + e.write + e.timeout
   local req_s = summary.requests / secs
   local expected = ok * batch
   local orders_s = created / secs

   io.write("------------------------------------------------------------\n")
   io.write(string.format("batches sent:        %d (%d orders each)\n", summary.requests, batch))
   io.write(string.format("HTTP 200:            %d\n", ok))
   io.write(string.format("non-200:             %d\n", bad))
   io.write(string.format("socket errors:       connect %d, read %d, write %d, timeout %d\n",
                          e.connect, e.read, e.write, e.timeout))
   io.write(string.format("orders created:      %d (100 x successful requests = %d)\n",
                          created, expected))
   io.write(string.format("orders failed:       %d\n", failed))
   io.write(string.format("requests/s:          %.1f\n", req_s))
   io.write(string.format("orders/s:            %.0f\n", orders_s))
   io.write(string.format("latency p50 / p99:   %.2f ms / %.2f ms\n",
                          latency:percentile(50) / 1000, latency:percentile(99) / 1000))
   if first ~= "" then
      io.write("first problem:       " .. string.gsub(first, "\n", " ") .. "\n")
   end
   io.write(string.format(
      "BENCH orders requests=%d ok=%d non200=%d socket_errors=%d created=%d failed=%d unparsed=%d " ..
      "seconds=%.3f req_s=%.1f orders_s=%.1f p99_ms=%.3f\n",
      summary.requests, ok, bad, sock, created, failed, unp,
      secs, req_s, orders_s, latency:percentile(99) / 1000))
end
