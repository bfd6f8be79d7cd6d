import Foundation
import Yams

/// The API's OpenAPI 3 document, the same text as `openapi.yaml` at the repository root (a test
/// keeps them identical and checks every route against it); served as JSON at /openapi.json.
public enum OpenAPIDocument {
    public static let yaml = #"""
openapi: 3.0.3
info:
  title: mlbot service API
  version: "1"
  description: >-
    The read API of `mlbot serve`. JSON bodies use snake_case keys; a key is always present and
    null when it has no value. Errors are {"error", "kind"} with the status the kind maps to.
servers:
  - url: http://127.0.0.1:8080
paths:
  /health:
    get:
      summary: The process is alive.
      responses:
        "200": {description: alive, content: {application/json: {schema: {$ref: "#/components/schemas/Health"}}}}
  /ready:
    get:
      summary: Warm, the store answers and the feed is fresh.
      responses:
        "200": {description: ready, content: {application/json: {schema: {$ref: "#/components/schemas/Ready"}}}}
        "503": {description: not ready, with the reasons, content: {application/json: {schema: {$ref: "#/components/schemas/Ready"}}}}
  /status:
    get:
      summary: Mode, trading state, equity, limits, strategies, last bar and lag.
      responses:
        "200": {description: status, content: {application/json: {schema: {$ref: "#/components/schemas/Status"}}}}
  /strategies:
    get:
      summary: The strategies the service trades.
      responses:
        "200": {description: strategies, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Strategy"}}}}}
  /positions:
    get:
      summary: The account's position per symbol and each strategy's sub-ledger.
      responses:
        "200": {description: positions, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Position"}}}}}
  /orders:
    get:
      summary: The newest orders at or after `since`, oldest first.
      parameters:
        - {$ref: "#/components/parameters/limit"}
        - {$ref: "#/components/parameters/since"}
      responses:
        "200": {description: orders, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Order"}}}}}
        "400": {description: a bad limit or since, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /orders/{id}:
    get:
      summary: Why an order exists, its decision lineage.
      parameters:
        - {name: id, in: path, required: true, description: the client order id, schema: {type: string}}
      responses:
        "200": {description: the order, its fills, each contributing strategy's signal and lineage, the risk events of its bar, content: {application/json: {schema: {$ref: "#/components/schemas/Explanation"}}}}
        "404": {description: no such order, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /fills:
    get:
      summary: The newest fills at or after `since`, oldest first.
      parameters:
        - {$ref: "#/components/parameters/limit"}
        - {$ref: "#/components/parameters/since"}
      responses:
        "200": {description: fills, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Fill"}}}}}
        "400": {description: a bad limit or since, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /equity:
    get:
      summary: The equity curve, one point per committed bar-time.
      parameters:
        - {$ref: "#/components/parameters/limit"}
        - {$ref: "#/components/parameters/since"}
      responses:
        "200": {description: equity, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/EquityPoint"}}}}}
        "400": {description: a bad limit or since, content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
  /risk:
    get:
      summary: Limits, trading state and the recent risk events with their figures.
      responses:
        "200": {description: risk, content: {application/json: {schema: {$ref: "#/components/schemas/Risk"}}}}
  /metrics:
    get:
      summary: Prometheus metrics in the text exposition format.
      responses:
        "200": {description: metrics, content: {text/plain: {schema: {type: string}}}}
  /openapi.json:
    get:
      summary: This document.
      responses:
        "200": {description: the OpenAPI document, content: {application/json: {schema: {type: object}}}}
components:
  parameters:
    limit: {name: limit, in: query, required: false, schema: {type: integer, minimum: 1, maximum: 10000, default: 100}}
    since: {name: since, in: query, required: false, description: ISO-8601 time or epoch ms, schema: {type: string}}
  schemas:
    Health:
      type: object
      required: [status]
      properties: {status: {type: string}}
    Ready:
      type: object
      required: [ready, reasons]
      properties: {ready: {type: boolean}, reasons: {type: array, items: {type: string}}}
    Error:
      type: object
      required: [error, kind]
      properties: {error: {type: string}, kind: {type: string, enum: [bad_input, not_found, conflict, refused, internal]}}
    Status:
      type: object
      required: [mode, feed, database, started, trading, trading_cause, equity, pnl_today, drawdown, max_drawdown, daily_loss,
                 max_daily_loss, confidence, last_bar, lag_seconds, bar_times, warm, feed_stale, strategies]
      properties:
        mode: {type: string}
        feed: {type: string}
        database: {type: string}
        started: {type: string}
        trading: {type: string, enum: [ACTIVE, REDUCING, HALTED]}
        trading_cause: {type: string, nullable: true}
        equity: {type: number}
        pnl_today: {type: number}
        drawdown: {type: number}
        max_drawdown: {type: number}
        daily_loss: {type: number}
        max_daily_loss: {type: number}
        confidence: {type: number, nullable: true}
        last_bar: {type: string, nullable: true}
        lag_seconds: {type: number, nullable: true}
        bar_times: {type: integer}
        warm: {type: boolean}
        feed_stale: {type: boolean, description: "A live feed with no closed bar for 2 intervals: entries are refused until it catches up."}
        strategies: {type: array, items: {$ref: "#/components/schemas/Strategy"}}
    Strategy:
      type: object
      required: [name, symbol, interval, model, model_created_ms, trading_from_ms, last_probability, last_target, pnl]
      properties:
        name: {type: string}
        symbol: {type: string}
        interval: {type: string}
        model: {type: string, nullable: true}
        model_created_ms: {type: integer, nullable: true}
        trading_from_ms: {type: integer}
        last_probability: {type: number, nullable: true}
        last_target: {type: number, nullable: true}
        pnl: {type: number}
    Position:
      type: object
      required: [account, symbol, quantity, average_price, realized_pnl, cash, fees]
      properties:
        account: {type: string}
        symbol: {type: string}
        quantity: {type: string}
        average_price: {type: string}
        realized_pnl: {type: string}
        cash: {type: string}
        fees: {type: string}
    Order:
      type: object
      required: [client_order_id, symbol, side, quantity, decided, reduce_only, status]
      properties:
        client_order_id: {type: string}
        symbol: {type: string}
        side: {type: string, enum: [Buy, Sell]}
        quantity: {type: string}
        decided: {type: string}
        reduce_only: {type: boolean}
        status: {type: string}
    Fill:
      type: object
      required: [client_order_id, symbol, side, quantity, price, fee, time]
      properties:
        client_order_id: {type: string}
        symbol: {type: string}
        side: {type: string, enum: [Buy, Sell]}
        quantity: {type: string}
        price: {type: string}
        fee: {type: string}
        time: {type: string}
    Explanation:
      type: object
      required: [order, fills, contributions, risk_events]
      properties:
        order:
          type: object
          required: [client_order_id, symbol, side, quantity, decided_ms, reduce_only, status, contributions]
        fills: {type: array, items: {type: object, required: [client_order_id, seq, symbol, side, quantity, price, fee, time_ms]}}
        contributions:
          type: array
          items:
            type: object
            required: [strategy, steps]
            properties:
              strategy: {type: string}
              steps: {type: integer}
              probability: {type: number}
              threshold: {type: number}
              target: {type: number}
              bars_hash: {type: string, description: chained SHA-256 of every bar of the symbol up to the decision bar}
              settings_version: {type: integer}
              feature_set: {type: string}
              feature_hash: {type: string}
              model: {type: string, description: name@version; absent for a rule strategy}
              weights_sha256: {type: string}
              spec_hash: {type: string}
        risk_events: {type: array, items: {type: object, required: [kind, rule, message, figures]}}
    EquityPoint:
      type: object
      required: [time, equity, cash, trading]
      properties: {time: {type: string}, equity: {type: number}, cash: {type: string}, trading: {type: string}}
    Risk:
      type: object
      required: [trading, cause, drawdown, limits, recent]
      properties:
        trading: {type: string}
        cause: {type: string, nullable: true}
        drawdown: {type: number}
        limits: {type: object}
        recent:
          type: array
          items:
            type: object
            required: [time, kind, rule, message, figures]
            properties: {time: {type: string}, kind: {type: string}, rule: {type: string}, message: {type: string}, figures: {type: string}}

"""#

    /// The document as JSON, converted once.
    public static let json: Data = {
        // The text is fixed and tested; a failure here is a programming error.
        let object = try! Yams.load(yaml: yaml)!
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }()
}
