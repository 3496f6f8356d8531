"""Breaks a `perf script -F tid,comm,ip,sym,dso` dump of the engine down by subsystem, in µs of engine CPU per claim.

Usage: python3 bench/profile_breakdown.py STACKS CLAIMS [CATEGORY]   (CLAIMS: claims answered while perf recorded)
A sample goes to the first context that any of its frames names (the event consumers, the rate limiter's timer), else to
the subsystem of its leaf-most frame that names one (so time in MySqlConnector under the group commit is the group
commit's, and a kernel frame under Kestrel is Kestrel's), else by thread (the socket engine's epoll thread, timers), else
to the thread pool when it runs on a pool worker, else to the kernel or the runtime outside managed code.
With CATEGORY (a prefix of one), also prints that category's commonest leaf stacks.
"""
import collections
import re
import sys

HZ = 997  # perf record -F

CONTEXTS = [
    ("consumers (in-process events, outbox relay, Clearing, audiences)",
     r"InProcessConsumers|ConsumerRunner|EventDispatcher|OutboxRelay|PromotionEngine\.Clearing|FollowAudienceFacts|libduckdb|DuckDB"),
    ("rate limiter timer (every 100 ms over all partitions)", r"Heartbeat"),
]
SUBSYSTEMS = [
    ("outbox serialization (envelope, JSON, compression)",
     r"SqlOutbox|OutboxMessage|EventEnvelope|CouponEvents|IO\.Compression"),
    ("group commit SQL (ledger, batch, MySqlConnector, Dapper)",
     r"SqlClaimLedger|SqlStatementBatch|MySqlConnector|Dapper|MySqlDatabase|WriteWithRetry|SqlUserCoupons|ClaimGroupCommit|GroupCommitLanes"),
    ("SQLite itself (libe_sqlite3: parse, prepare, B-trees, WAL)", r"libe_sqlite3|\bsqlite3[A-Za-z_]*\b"),
    ("group commit on SQLite (savepoints, statements, Microsoft.Data.Sqlite, SQLitePCL)",
     r"SqlClaimGroupCommit|SqlClaimGate|Microsoft\.Data\.Sqlite|SQLitePCL|SqliteDatabase"),
    ("admission: Redis rate limits", r"RedisClaimRateLimits"),
    ("Redis gate (claim script, StackExchange.Redis)", r"StackExchange\.Redis|RedisClaimGate|RedisScript|Pipelines\.Sockets"),
    ("JWT and identity (bearer handler, token check, Caller.From)",
     r"IdentityModel|JwtBearer|CachingTokenHandler|LeanHmacTokens|AspNetCore\.Authentication|Security\.Claims|Cryptography|AuthSetup"),
    ("JSON", r"System\.Text\.Json"),
    ("logging/metrics/tracing",
     r"Extensions\.Logging|Diagnostics\.Metrics|System\.Diagnostics\.Activity|DiagnosticListener|OpenTelemetry|LogSetup|HostingApplicationDiagnostics"),
    ("ASP.NET rate limiting (per caller/address partitions)", r"RateLimiting|Web\.RateLimits|FixedWindowPartitions|FailedAuthentications"),
    ("admission (other)", r"Admission"),
    ("idempotency-key middleware", r"KeyedRequests"),
    ("claim handler (decide, templates)", r"Engine\.Claims|ClaimEndpoints|ClaimCoupon|PromotionEngine\.Engine"),
    ("routing/endpoint filters/other middleware",
     r"AspNetCore\.Routing|RequestDelegate|EndpointFilter|Http\.Generated|ModuleHttp|PromotionEngine\.Platform\.Web|AspNetCore\.Builder"
     r"|AspNetCore\.Diagnostics|ResponseCompression|HostFiltering|Authorization"),
    ("Kestrel/HTTP/sockets",
     r"Kestrel|System\.IO\.Pipelines|System\.Net\.Sockets|AspNetCore\.Http|AspNetCore\.Hosting|AspNetCore\.Server|Interop/Sys"),
]


def classify(thread, frames):
    if ".NET Sockets" in thread:
        return "socket event loop (epoll thread)"
    if ".NET Timer" in thread:
        return "timers"
    stack = "\n".join(frames)
    for name, pattern in CONTEXTS:
        if re.search(pattern, stack):
            return name
    for frame in frames:
        for name, pattern in SUBSYSTEMS:
            if re.search(pattern, frame):
                return name
    if any("WorkerThread" in f or "ThreadPool" in f or "LowLevelLifoSemaphore" in f for f in frames):
        return "thread pool and async machinery (dispatch, wait, wake-ups)"
    return "kernel and runtime outside managed code (sockets' kernel time, GC, epoll)"


def main():
    stacks, claims = sys.argv[1], int(sys.argv[2])
    wanted = sys.argv[3] if len(sys.argv) > 3 else None
    counts, leaves, total = collections.Counter(), collections.Counter(), 0
    for block in open(stacks, encoding="utf-8", errors="replace").read().split("\n\n"):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if len(lines) < 2:
            continue
        total += 1
        category = classify(lines[0], lines[1:])
        counts[category] += 1
        if wanted and category.startswith(wanted):
            leaves[" <- ".join(re.sub(r"^[0-9a-f]+ ", "", f)[:70] for f in lines[1:4])] += 1
    per_claim = 1e6 / HZ / max(claims, 1)
    print(f"{total} samples over {claims} claims: {total * per_claim:.0f} us of engine CPU per claim")
    for name, n in counts.most_common():
        print(f"{100 * n / total:5.1f}%  {n * per_claim:6.1f} us/claim  {name}")
    for stack, n in leaves.most_common(25):
        print(f"{n:5d}  {stack}")


if __name__ == "__main__":
    main()
