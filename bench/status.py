"""Status read throughput: GET /api/v1/claims/{id}/status with an API key vs a
bare Django JsonResponse view doing the same work, both on the same gunicorn,
load from a separate process. Also the 304 (If-None-Match) path.

    python -m bench.status
"""

import subprocess
import sys

from bench.common import QUICK, ROOT, ensure_database, migrate, print_table, save_results, setup_django
from bench.server import gunicorn, load, production_env

SECONDS = 4 if QUICK else 8
CONNECTIONS = 8


def _api_key() -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", "apikey", "create", "--name", "bench", "--scope", "read"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def _etag(base: str, path: str, auth: str) -> str:
    import urllib.request

    request = urllib.request.Request(base + path, headers={"Authorization": auth})
    with urllib.request.urlopen(request, timeout=10) as response:  # loopback gunicorn started above
        return response.headers["ETag"]


def main() -> int:
    ensure_database()
    migrate()
    setup_django()
    from bench.generate import grow_to

    grow_to(10_000)
    from verification.models import Claim

    claim_id = Claim.objects.order_by("id").values_list("id", flat=True)[500]
    auth = f"Authorization: Bearer {_api_key()}"
    rows, results = [("endpoint", "req/s", "statuses")], {}
    with gunicorn() as base:
        paths = {"bare": f"/bare/claims/{claim_id}/status", "api": f"/api/v1/claims/{claim_id}/status"}
        for _round in range(2):  # alternate; keep each side's best round
            for name, path in paths.items():
                result = load(base + path, SECONDS, CONNECTIONS, [auth])
                results[name] = max(results.get(name, {"rate": 0}), result, key=lambda r: r["rate"])
                etag = _etag(base, path, auth.split(": ", 1)[1])
                result = load(base + path, SECONDS, CONNECTIONS, [auth, f"If-None-Match: {etag}"])
                results[name + "_304"] = max(results.get(name + "_304", {"rate": 0}), result, key=lambda r: r["rate"])
    for name in ("bare", "api", "bare_304", "api_304"):
        rows.append((name, f"{results[name]['rate']:.0f}", results[name]["statuses"]))
    ratio = results["api"]["rate"] / results["bare"]["rate"]
    ratio_304 = results["api_304"]["rate"] / results["bare_304"]["rate"]
    rows += [
        ("status ratio (target >= 0.75)", f"{ratio:.2f}", ""),
        ("304 ratio (target >= 0.90)", f"{ratio_304:.2f}", ""),
    ]
    print_table(f"Status read, gunicorn 2 workers, {CONNECTIONS} connections, {SECONDS}s", rows)
    ok = all(set(results[n]["statuses"]) == {"200"} for n in ("bare", "api")) and all(
        set(results[n]["statuses"]) == {"304"} for n in ("bare_304", "api_304")
    )
    if not ok:
        print("unexpected statuses: the comparison is void", file=sys.stderr)
    save_results(
        {
            "status_ratio": round(ratio, 3),
            "status_304_ratio": round(ratio_304, 3),
            "status_api_per_s": round(results["api"]["rate"]),
            "status_bare_per_s": round(results["bare"]["rate"]),
        }
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
