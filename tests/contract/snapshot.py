"""Write the API contract the contract test holds: tests/contract/openapi.json
and tests/contract/urls.txt. Run it when the API changes on purpose, and
commit the files with the change:

    .venv/bin/python -m tests.contract.snapshot
"""

import json
import os

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from tests.contract.test_api_contract import HERE, live_schema, url_lines

    (HERE / "openapi.json").write_text(json.dumps(live_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (HERE / "urls.txt").write_text("\n".join(url_lines()) + "\n", encoding="utf-8")
    print(f"wrote {HERE / 'openapi.json'} and {HERE / 'urls.txt'}")


if __name__ == "__main__":
    main()
