"""The yardstick for benchmarks/load.py: a bare Flask endpoint under the same gunicorn settings as the product.

It reads the same JSON body the API gets and answers a few bytes of JSON: what any Flask app behind gunicorn
costs, without rules, database, sessions or templates.
"""

from __future__ import annotations

from flask import Flask, jsonify, request
from flask.typing import ResponseReturnValue

app = Flask(__name__)


@app.post("/bare")
def bare() -> ResponseReturnValue:
    body = request.get_json(force=True)
    return jsonify(ok=True, fields=len(body.get("intake") or {}))


@app.get("/healthz")
def healthz() -> ResponseReturnValue:
    return jsonify(status="ok")
