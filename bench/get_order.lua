-- bench/get_order.lua: wrk script for `make bench`, authenticated reads.
--
-- Every request is GET on the URL given to wrk (bench/run.sh passes
-- /api/v1/orders/1001) with "Authorization: Bearer $POSTROOM_KEY".
--
-- No response() function on purpose: with one defined, wrk parses every
-- header and body in Lua, which costs CPU the server shares on a small
-- machine. Bad statuses are counted by wrk itself (summary.errors.status:
-- every status > 399); bench/run.sh checks one response with curl first.
--
-- done() prints a human summary and one machine-readable line starting with
-- "BENCH get" that bench/run.sh parses.

local key = os.getenv("POSTROOM_KEY")
if key == nil or key == "" then
   io.stderr:write("get_order.lua: POSTROOM_KEY is not set\n")
   os.exit(2)
end

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. key
wrk.headers["Accept"] = "application/json"

function done(summary, latency, requests)
   local secs = summary.duration / 1e6
   local e = summary.errors
   local sock = e.connect + e.read + e.write + e.timeout
   local req_s = summary.requests / secs
   local p50 = latency:percentile(50) / 1000
   local p99 = latency:percentile(99) / 1000

   io.write("------------------------------------------------------------\n")
   io.write(string.format("requests:            %d\n", summary.requests))
   io.write(string.format("non-2xx (>= 400):    %d\n", e.status))
   io.write(string.format("socket errors:       connect %d, read %d, write %d, timeout %d\n",
                          e.connect, e.read, e.write, e.timeout))
   io.write(string.format("requests/s:          %.1f\n", req_s))
   io.write(string.format("latency p50 / p99:   %.3f ms / %.3f ms\n", p50, p99))
   io.write(string.format(
      "BENCH get requests=%d non2xx=%d socket_errors=%d seconds=%.3f req_s=%.1f p50_ms=%.3f p99_ms=%.3f\n",
      summary.requests, e.status, sock, secs, req_s, p50, p99))
end
