-- wrk.lua -- one GraphQL request, posted again and again by wrk.
--
-- bench.mjs runs `wrk -s wrk.lua` with the request in the environment:
--   BENCH_BODY_FILE  the JSON body ({"query": ...}) to POST
--   BENCH_AUTH       the Authorization header value ("Bearer ...")
-- and reads the one JSON line done() prints: the request count, the
-- duration, every kind of error wrk counts (a non-2xx status among them)
-- and the latency percentiles, so nothing is scraped from wrk's text report.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/graphql-response+json"
wrk.headers["Authorization"] = os.getenv("BENCH_AUTH")

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
